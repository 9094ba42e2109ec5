/*
 * store_browse.c: the overview questions: counts, articles per period,
 * providers and topics with their article counts.
 */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

int nd_store_stats(struct nd_store *s, struct nd_stats *out, struct nd_error *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = store_stmt(s, ST_STATS, err);
	if (!st)
		return ND_STORE_ERROR;
	if (sqlite3_step(st) != SQLITE_ROW) {
		int rc = store_fail(s, err, "cannot count");
		sqlite3_reset(st);
		return rc;
	}
	int64_t *counts[] = { &out->articles, &out->archived, &out->providers, &out->topics,
			      &out->images, &out->related_links, &out->sources, &out->failed,
			      &out->skipped };
	for (int k = 0; k < 9; k++)
		*counts[k] = sqlite3_column_int64(st, k);
	const char *first = (const char *)sqlite3_column_text(st, 9);
	const char *last = (const char *)sqlite3_column_text(st, 10);
	snprintf(out->first_date, sizeof(out->first_date), "%s", first ? first : "");
	snprintf(out->last_date, sizeof(out->last_date), "%s", last ? last : "");
	sqlite3_reset(st);
	return ND_STORE_OK;
}

/* Calls fn for each (label, detail, count) row of a statement. */
static int each_count(struct nd_store *s, sqlite3_stmt *st, nd_count_fn fn, void *ctx,
		      struct nd_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn((const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2), ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	int status = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot count");
	sqlite3_reset(st);
	return status;
}

int nd_store_per_period(struct nd_store *s, bool by_year, nd_count_fn fn, void *ctx,
			struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, by_year ? ST_PER_YEAR : ST_PER_MONTH, err);
	if (!st)
		return ND_STORE_ERROR;
	return each_count(s, st, fn, ctx, err);
}

static int list(struct nd_store *s, enum stmt_id id, int64_t limit, nd_count_fn fn, void *ctx,
		struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, id, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
	return each_count(s, st, fn, ctx, err);
}

int nd_store_providers(struct nd_store *s, enum nd_list_sort sort, int64_t limit,
		       nd_count_fn fn, void *ctx, struct nd_error *err)
{
	return list(s, sort == ND_LIST_BY_NAME ? ST_PROVIDERS_BY_NAME : ST_PROVIDERS_BY_COUNT,
		    limit, fn, ctx, err);
}

int nd_store_topics(struct nd_store *s, enum nd_list_sort sort, int64_t limit, nd_count_fn fn,
		    void *ctx, struct nd_error *err)
{
	return list(s, sort == ND_LIST_BY_NAME ? ST_TOPICS_BY_NAME : ST_TOPICS_BY_COUNT, limit, fn,
		    ctx, err);
}
