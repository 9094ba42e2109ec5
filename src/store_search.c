/*
 * store_search.c: running a translated query (struct nd_query) against the
 * word index, the trigram index and the filters, in one prepared statement
 * per sort order.
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The trigram index finds substrings of three characters or more; shorter
 * ones are checked with instr() over the rows the rest of the query keeps. */
#define TRIGRAM_MIN_CHARS 3

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void json_array(struct nd_buf *b, char *const *items, size_t n)
{
	nd_buf_addc(b, '[');
	for (size_t k = 0; k < n; k++) {
		if (k)
			nd_buf_addc(b, ',');
		nd_json_add_string(b, items[k], strlen(items[k]));
	}
	nd_buf_addc(b, ']');
}

/* Splits the CJK substrings between the trigram index and the scan. */
static void split_substrings(const struct nd_query *q, struct nd_buf *trigram,
			     struct nd_buf *shorts)
{
	size_t n_short = 0;
	for (size_t k = 0; k < q->n_substrings; k++) {
		const char *term = q->substrings[k];
		if (utf8_chars(term) >= TRIGRAM_MIN_CHARS) {
			char *quoted = nd_query_quote_term(term);
			if (trigram->len)
				nd_buf_adds(trigram, " AND ");
			nd_buf_adds(trigram, quoted);
			free(quoted);
		} else {
			nd_buf_adds(shorts, n_short++ ? "," : "[");
			nd_json_add_string(shorts, term, strlen(term));
		}
	}
	if (n_short)
		nd_buf_addc(shorts, ']');
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *value)
{
	int k = sqlite3_bind_parameter_index(st, name);
	if (k == 0)
		return;
	if (value && *value)
		sqlite3_bind_text(st, k, value, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, k);
}

static enum stmt_id pick_statement(const struct nd_search_opts *o)
{
	bool d = o->dedupe;
	if (o->query->match) {
		switch (o->sort) {
		case ND_SORT_DATE_DESC: return d ? ST_SEARCH_DATE_DESC_DEDUPE : ST_SEARCH_DATE_DESC;
		case ND_SORT_DATE_ASC: return d ? ST_SEARCH_DATE_ASC_DEDUPE : ST_SEARCH_DATE_ASC;
		default: return d ? ST_SEARCH_RANK_DEDUPE : ST_SEARCH_RANK;
		}
	}
	/* without words there is no rank: newest first unless asked otherwise */
	if (o->sort == ND_SORT_DATE_ASC)
		return d ? ST_FILTER_DATE_ASC_DEDUPE : ST_FILTER_DATE_ASC;
	return d ? ST_FILTER_DATE_DESC_DEDUPE : ST_FILTER_DATE_DESC;
}

int64_t nd_store_search(struct nd_store *s, const struct nd_search_opts *o, nd_hit_fn fn,
			void *ctx, struct nd_error *err)
{
	const struct nd_query *q = o->query;
	sqlite3_stmt *st = store_stmt(s, pick_statement(o), err);
	if (!st)
		return ND_STORE_ERROR;
	struct nd_buf providers = ND_BUF_INIT, topics = ND_BUF_INIT;
	struct nd_buf trigram = ND_BUF_INIT, shorts = ND_BUF_INIT;
	if (q->n_providers)
		json_array(&providers, q->providers, q->n_providers);
	if (q->n_topics)
		json_array(&topics, q->topics, q->n_topics);
	split_substrings(q, &trigram, &shorts);

	bind_named_text(st, ":match", q->match);
	bind_named_text(st, ":exclude", q->exclude);
	bind_named_text(st, ":since", q->since);
	bind_named_text(st, ":until", q->until);
	bind_named_text(st, ":providers", providers.data);
	bind_named_text(st, ":topics", topics.data);
	bind_named_text(st, ":trigram", trigram.data);
	bind_named_text(st, ":short", shorts.data);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
			   o->limit > 0 ? o->limit : -1);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":offset"),
			   o->offset > 0 ? o->offset : 0);
	nd_buf_release(&providers);
	nd_buf_release(&topics);
	nd_buf_release(&trigram);
	nd_buf_release(&shorts);

	int64_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nd_hit hit = {
			.id = sqlite3_column_int64(st, 0),
			.url = (const char *)sqlite3_column_text(st, 1),
			.title = (const char *)sqlite3_column_text(st, 2),
			.published_at = (const char *)sqlite3_column_text(st, 3),
			.provider = (const char *)sqlite3_column_text(st, 4),
			.domain = (const char *)sqlite3_column_text(st, 5),
			.snippet = (const char *)sqlite3_column_text(st, 6),
			.rank = sqlite3_column_double(st, 7),
			.copies = sqlite3_column_int64(st, 8),
		};
		n++;
		if (fn(&hit, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		int status = store_fail(s, err, "search failed");
		sqlite3_reset(st);
		return status;
	}
	sqlite3_reset(st);
	return n;
}
