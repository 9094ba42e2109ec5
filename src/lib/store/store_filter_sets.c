/*
 * store_filter_sets.c: a ranked search's provider and exclusion filters as
 * sets of article ids, read once per search and tested in a few
 * instructions a row, both by a common word's list (store_lists.c) and by
 * the ranking of every match (store_topk.c, through nd_rank_collect).
 *
 * An excluded word adds 0.0 to bm25, so the scores of the rows left stand
 * and the exclusion is a filter like the others.
 */
#include "store_internal.h"

#include <string.h>

#include "buf.h"

/* The most rows of an exclusion read into a set.  Reading one costs about
 * 650 instructions, where testing one listed row against the exclusion in
 * SQL (an FTS5 cursor opened on the expression for that row) cost 230 000
 * at 100k, and a page's first chunk tests 64 rows: 15 million, the cost of
 * reading 23 000. */
#define EXCLUDED_MAX 20000

int store_provider_articles(struct nd_store *s, const struct nd_search_opts *o,
			    struct store_idset *set, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_PROVIDER_ARTICLES, err);
	if (!st)
		return ND_STORE_ERROR;
	store_bind_query(s, st, o);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		store_idset_add(set, sqlite3_column_int64(st, 0));
	rc = store_finish(s, st, rc, err, "search failed");
	if (rc)
		store_idset_release(set);
	return rc;
}

/* The rows that match the exclusion into f->excluded, if there are at
 * most EXCLUDED_MAX (*fits); the words' row counts say first when they
 * alone are more. */
static int excluded_rows(struct nd_store *s, const char *exclude, struct store_filter_sets *f,
			 bool *fits, struct nd_error *err)
{
	*fits = false;
	struct nd_buf counts = ND_BUF_INIT;
	int rc = store_known_counts(s, exclude, &counts, err);
	double sum = 0;
	for (size_t k = 0; k + sizeof(double) <= counts.len; k += sizeof(double)) {
		double c;
		memcpy(&c, counts.data + k, sizeof(c));
		sum += c > 0 ? c : 0;
	}
	nd_buf_release(&counts);
	if (rc || sum > EXCLUDED_MAX)
		return rc;
	sqlite3_stmt *st = store_stmt(s, ST_LIST_EXCLUDED, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":exclude"), exclude, -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"), EXCLUDED_MAX + 1);
	int64_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++n <= EXCLUDED_MAX)
		store_idset_add(&f->excluded, sqlite3_column_int64(st, 0));
	rc = rc == SQLITE_ROW ? SQLITE_DONE : rc; /* past the most: not used */
	rc = store_finish(s, st, rc, err, "search failed");
	sqlite3_clear_bindings(st);
	*fits = !rc && n <= EXCLUDED_MAX;
	if (!*fits)
		store_idset_release(&f->excluded);
	return rc;
}

int store_filter_sets_get(struct nd_store *s, const struct nd_search_opts *o,
			  struct store_filter_sets *f, struct nd_error *err)
{
	const struct nd_query *q = o->query;
	*f = (struct store_filter_sets){ .by_provider = q->n_providers > 0,
					 .by_exclusion = q->exclude != NULL };
	bool others = q->n_topics || q->n_substrings || q->since[0] || q->until[0];
	bool fits = true;
	int rc = ND_STORE_OK;
	/* an exclusion read for nothing when another filter goes to SQL anyway */
	if (f->by_exclusion && !others)
		rc = excluded_rows(s, q->exclude, f, &fits, err);
	if (!rc && f->by_provider)
		rc = store_provider_articles(s, o, &f->providers, err);
	f->complete = !rc && (f->by_provider || f->by_exclusion) && !others && fits;
	if (rc)
		store_filter_sets_release(f);
	return rc;
}

bool store_filter_sets_pass(const struct store_filter_sets *f, int64_t id)
{
	return (!f->by_provider || store_idset_has(&f->providers, id)) &&
	       !(f->by_exclusion && store_idset_has(&f->excluded, id));
}

void store_filter_sets_release(struct store_filter_sets *f)
{
	store_idset_release(&f->providers);
	store_idset_release(&f->excluded);
}
