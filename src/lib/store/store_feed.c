/*
 * store_feed.c: the change log of the OpenSearch feed (_newsdb_feed,
 * schema/004_feed.sql): written by the import in the savepoint of each
 * change, read by `export --format opensearch --changed-since N`.
 */
#include "store_internal.h"

/* Runs a statement that returns no rows. */
static int run(struct nd_store *s, sqlite3_stmt *st, struct nd_error *err)
{
	return store_finish(s, st, sqlite3_step(st), err, "cannot update the feed's change log");
}

int store_feed_put(struct nd_store *s, const char *url, const char *published_at,
		   struct nd_error *err)
{
	/* the old years first: the put then takes the higher change number */
	enum stmt_id ids[] = { ST_FEED_LEAVE_YEARS, ST_FEED_PUT };
	for (int k = 0; k < 2; k++) {
		sqlite3_stmt *st = store_stmt(s, ids[k], err);
		if (!st)
			return ND_STORE_ERROR;
		sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, published_at, -1, SQLITE_STATIC);
		int rc = run(s, st, err);
		if (rc)
			return rc;
	}
	return ND_STORE_OK;
}

int store_feed_left(struct nd_store *s, int64_t id, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_FEED_LEFT, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	return run(s, st, err);
}

int nd_store_feed_begin(struct nd_store *s, int64_t *last, struct nd_error *err)
{
	*last = 0;
	sqlite3_stmt *st = store_stmt(s, ST_FEED_BEGIN, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc = store_finish(s, st, sqlite3_step(st), err, "cannot read the database");
	if (rc)
		return rc;
	/* the first read fixes the snapshot the whole feed is read from */
	if (!(st = store_stmt(s, ST_FEED_LAST, err))) {
		nd_store_feed_end(s);
		return ND_STORE_ERROR;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*last = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	if ((rc = store_finish(s, st, rc, err, "cannot read the feed's change log")))
		nd_store_feed_end(s);
	return rc;
}

void nd_store_feed_end(struct nd_store *s)
{
	struct nd_error ignored;
	sqlite3_stmt *st = store_stmt(s, ST_FEED_END, &ignored);
	/* a read transaction has nothing to lose: a failed end changes nothing */
	if (st)
		store_finish(s, st, sqlite3_step(st), &ignored, "");
}

int nd_store_feed_changes(struct nd_store *s, int64_t since, bool by_year, nd_feed_fn fn,
			  void *ctx, struct nd_error *err)
{
	/* a statement of its own: fn loads articles with the shared ones */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, store_sql[by_year ? ST_FEED_BY_YEAR : ST_FEED_BY_URL], -1,
			       &st, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot read the feed's change log");
	sqlite3_bind_int64(st, 1, since);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2), ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	rc = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot read the feed's change log");
	sqlite3_finalize(st);
	return rc;
}
