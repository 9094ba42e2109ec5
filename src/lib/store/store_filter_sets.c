/*
 * store_filter_sets.c: a ranked search's provider, date and exclusion
 * filters as sets of article ids, read once per search and tested in a few
 * instructions a row, both by a common word's list (store_lists.c) and by
 * the ranking of every match (store_topk.c, through nd_rank_collect).
 *
 * An excluded word adds 0.0 to bm25, so the scores of the rows left stand
 * and the exclusion is a filter like the others.
 */
#include "store_internal.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"

/* The most rows of an exclusion, or of a date range, read into a set.
 * Reading an excluded row costs about 650 instructions, where testing one
 * listed row against the exclusion in SQL (an FTS5 cursor opened on the
 * expression for that row) cost 230 000 at 100k, and a page's first chunk
 * tests 64 rows: 15 million, the cost of reading 23 000.  A date range is
 * read in the order of articles_by_date, a few pages for thousands of
 * rows, where asking each listed or matching row for its date is a look-up
 * at a random place of articles_search_state. */
#define SET_MAX 20000

/* The articles of the query's providers into set. */
static int provider_articles(struct nd_store *s, const struct nd_search_opts *o,
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

/* The ids a statement gives (its :limit set here) into *set, if there are
 * at most `most` (*fits; else the set is left empty). */
static int read_capped(struct nd_store *s, sqlite3_stmt *st, int64_t most, struct store_idset *set,
		       bool *fits, struct nd_error *err)
{
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"), most + 1);
	int64_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++n <= most)
		store_idset_add(set, sqlite3_column_int64(st, 0));
	rc = rc == SQLITE_ROW ? SQLITE_DONE : rc; /* past the most: not used */
	rc = store_finish(s, st, rc, err, "search failed");
	sqlite3_clear_bindings(st);
	*fits = !rc && n <= most;
	if (!*fits)
		store_idset_release(set);
	return rc;
}

/* Whether the query's since: and until: may hold at most SET_MAX rows
 * (*few).  Reading a row costs about 850 instructions, so a range is read
 * only when its share of the archive's span of dates, times the number of
 * rows, says it holds at most a quarter of that (a guess that only chooses
 * the way: a range past the most is not used). */
static int dates_few(struct nd_store *s, const struct nd_search_opts *o, bool *few,
		     struct nd_error *err)
{
	*few = false;
	int64_t n_rows;
	double avgdl;
	int rc = store_index_totals(s, &n_rows, &avgdl, err);
	sqlite3_stmt *st = rc ? NULL : store_stmt(s, ST_DATED_SHARE, err);
	if (rc || !st)
		return rc ? rc : ND_STORE_ERROR;
	store_bind_query(s, st, o);
	rc = store_first_row(s, st, err, "search failed");
	if (rc != 1)
		return rc;
	*few = sqlite3_column_type(st, 0) != SQLITE_NULL &&
	       sqlite3_column_double(st, 0) * (double)n_rows <= SET_MAX / 4;
	return store_done(st);
}

/* The articles dated within the query's since: and until: into f->dated,
 * if there are at most SET_MAX (*fits). */
static int dated_rows(struct nd_store *s, const struct nd_search_opts *o,
		      struct store_filter_sets *f, bool *fits, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_DATED_ARTICLES, err);
	if (!st)
		return ND_STORE_ERROR;
	store_bind_query(s, st, o);
	return read_capped(s, st, SET_MAX, &f->dated, fits, err);
}

/* Whether the exclusion may match at most `most` rows (*few): false when
 * the row counts of its common words alone are more. */
static int exclusion_few(struct nd_store *s, const char *exclude, int64_t most, bool *few,
			 struct nd_error *err)
{
	struct nd_buf counts = ND_BUF_INIT;
	int rc = store_known_counts(s, exclude, &counts, err);
	double sum = 0;
	for (size_t k = 0; k + sizeof(double) <= counts.len; k += sizeof(double)) {
		double c;
		memcpy(&c, counts.data + k, sizeof(c));
		sum += c > 0 ? c : 0;
	}
	nd_buf_release(&counts);
	*few = !rc && sum <= (double)most;
	return rc;
}

/* The rows that match the exclusion into f->excluded, if there are at
 * most `most` (*fits). */
static int excluded_rows(struct nd_store *s, const char *exclude, int64_t most,
			 struct store_filter_sets *f, bool *fits, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_LIST_EXCLUDED, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":exclude"), exclude, -1,
			  SQLITE_STATIC);
	return read_capped(s, st, most, &f->excluded, fits, err);
}

int store_filter_sets_get(struct nd_store *s, const struct nd_search_opts *o,
			  struct store_filter_sets *f, struct nd_error *err)
{
	const struct nd_query *q = o->query;
	*f = (struct store_filter_sets){ .by_provider = q->n_providers > 0,
					 .by_exclusion = q->exclude != NULL,
					 .by_date = q->since[0] || q->until[0] };
	/* a topic or CJK goes to SQL, and then so do the rest */
	if (q->n_topics || q->n_substrings)
		return ND_STORE_OK;
	/* what can be told cheaply first: no set is read for nothing */
	bool few = true;
	int rc = f->by_date ? dates_few(s, o, &few, err) : ND_STORE_OK;
	if (!rc && few && f->by_exclusion)
		rc = exclusion_few(s, q->exclude, SET_MAX, &few, err);
	bool fits = few;
	if (!rc && fits && f->by_date)
		rc = dated_rows(s, o, f, &fits, err);
	if (!rc && fits && f->by_exclusion)
		rc = excluded_rows(s, q->exclude, SET_MAX, f, &fits, err);
	/* an exclusion too large is read whole later only when it is the one
	 * filter (and so what kept the sets from fitting): SQL then tests it
	 * on every match, reading every excluded row; behind other filters it
	 * reads them only if a match passes those */
	f->exclusion_left = !rc && !fits && f->by_exclusion && !f->by_provider && !f->by_date;
	if (!rc && fits)
		rc = store_filter_sets_providers(s, o, f, err);
	f->complete = !rc && fits && (f->by_provider || f->by_exclusion || f->by_date);
	if (rc)
		store_filter_sets_release(f);
	return rc;
}

int store_filter_sets_providers(struct nd_store *s, const struct nd_search_opts *o,
				struct store_filter_sets *f, struct nd_error *err)
{
	if (!f->by_provider || f->providers_read)
		return ND_STORE_OK;
	int rc = provider_articles(s, o, &f->providers, err);
	f->providers_read = !rc;
	return rc;
}

int store_filter_sets_whole(struct nd_store *s, const struct nd_search_opts *o,
			    struct store_filter_sets *f, struct nd_error *err)
{
	if (!f->exclusion_left)
		return ND_STORE_OK;
	bool fits;
	int rc = excluded_rows(s, o->query->exclude, INT64_MAX - 1, f, &fits, err);
	f->exclusion_left = false;
	f->complete = !rc && fits;
	return rc;
}

bool store_filter_sets_pass(const struct store_filter_sets *f, int64_t id)
{
	return (!f->by_provider || store_idset_has(&f->providers, id)) &&
	       (!f->by_date || store_idset_has(&f->dated, id)) &&
	       !(f->by_exclusion && store_idset_has(&f->excluded, id));
}

void store_filter_sets_release(struct store_filter_sets *f)
{
	store_idset_release(&f->providers);
	store_idset_release(&f->excluded);
	store_idset_release(&f->dated);
}
