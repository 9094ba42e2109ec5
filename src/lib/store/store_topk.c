/*
 * store_topk.c: the page of a ranked search, in exactly the order bm25 gives
 * the candidate matches (articles archived from files first), reading each
 * match's length and archived flag only if it can still reach the page.
 *
 * With the facet blocks ready (store_blocks.h), both are in the rank
 * entries of each match's block, which a cursor reads in id order as the
 * matches come: every match is scored, and the page kept in a heap.  Without them (a bulk
 * import before its end, an upgraded database), the two reads are B-tree
 * lookups at random places once the matches are spread over a large
 * archive: most of a search's time if made for every match.  A match's bm25
 * only falls as its length grows, so its score at length 0 bounds it.
 * Candidates are then scored in order of that bound; once the page is full
 * of archived articles whose worst score beats the next bound, no later
 * candidate can enter the page and none is looked up.
 */
#include "store_blocks.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct candidate {
	int64_t id;
	double bound, score; /* bound: score_by_bound's; score: once scored */
	int archived;     /* 1, 0, or -1 until read */
	size_t freq;      /* index of its phrase counts in struct matches.freqs */
};

struct matches {
	struct candidate *rows;
	size_t n, cap;
	int n_phrases;
	double avg_tokens;
	double *idf;      /* the query's, from the first row */
	double *freqs;    /* n_phrases per row */
	bool bad;         /* a match whose data did not fit the others' */
};

static void matches_release(struct matches *w)
{
	free(w->rows);
	free(w->idf);
	free(w->freqs);
}

static struct rank_terms terms_of(const struct matches *w, const struct candidate *c)
{
	return (struct rank_terms){ .n_phrases = w->n_phrases, .avg_tokens = w->avg_tokens,
				    .idf = w->idf, .freq = w->freqs + c->freq };
}

/* Appends one candidate (a struct rank_sink's add: id, what its score is
 * made of, archived or -1). */
static bool matches_add(void *ctx, int64_t id, const struct rank_terms *t, int archived)
{
	struct matches *w = ctx;
	if (w->n == 0) {
		w->n_phrases = t->n_phrases;
		w->avg_tokens = t->avg_tokens;
		w->idf = nd_xcalloc((size_t)t->n_phrases + 1, sizeof(double));
		memcpy(w->idf, t->idf, sizeof(double) * (size_t)t->n_phrases);
	} else if (t->n_phrases != w->n_phrases) {
		w->bad = true;
		return false;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->rows = nd_xrealloc(w->rows, w->cap * sizeof(*w->rows));
		w->freqs = nd_xrealloc(w->freqs, (w->cap * (size_t)w->n_phrases + 1) * sizeof(double));
	}
	struct candidate *c = &w->rows[w->n];
	c->id = id;
	c->archived = archived;
	c->freq = w->n * (size_t)w->n_phrases;
	memcpy(w->freqs + c->freq, t->freq, sizeof(double) * (size_t)t->n_phrases);
	w->n++;
	return true;
}

static int by_bound(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->bound != y->bound)
		return x->bound > y->bound ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The page order: archived first, then the higher score, then the lower id. */
static int by_rank(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->archived != y->archived)
		return x->archived > y->archived ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Reads what the candidate's score needs: its length and, unless the
 * candidates query read it, whether it is archived. */
static int score_candidate(struct nd_store *s, const struct matches *w, struct candidate *c,
			   struct nd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (c->archived < 0) {
		if ((rc = store_lookup_id(s, ST_RANK_ARCHIVED, c->id, &st, err, "search failed")) < 0)
			return rc;
		c->archived = rc == 1 && sqlite3_column_int(st, 0) != 0;
		sqlite3_reset(st);
	}
	if ((rc = store_lookup_id(s, ST_RANK_LENGTH, c->id, &st, err, "search failed")) < 0)
		return rc;
	int64_t n_tokens = rc == 1 ? store_varint_sum(sqlite3_column_blob(st, 0),
							 sqlite3_column_bytes(st, 0))
					    : 0;
	sqlite3_reset(st);
	struct rank_terms t = terms_of(w, c);
	c->score = rank_bm25(&t, (double)n_tokens);
	return ND_STORE_OK;
}

/* A min-heap of the best `cap` archived scores so far: its top is the
 * score a later candidate must beat to enter the page. */
struct floor_heap {
	double *v;
	size_t n, cap;
};

static void heap_offer(struct floor_heap *h, double x)
{
	size_t i;
	if (h->n < h->cap) {
		i = h->n++;
		while (i > 0 && h->v[(i - 1) / 2] > x) {
			h->v[i] = h->v[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		h->v[i] = x;
		return;
	}
	if (x <= h->v[0])
		return;
	i = 0;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= h->n)
			break;
		if (child + 1 < h->n && h->v[child + 1] < h->v[child])
			child++;
		if (h->v[child] >= x)
			break;
		h->v[i] = h->v[child];
		i = child;
	}
	h->v[i] = x;
}

/* Every candidate scored from its block (they come in id order, as the
 * blocks' cursor reads best); the best `want` of them, in page order, are
 * left as the first rows, and *n_scored says how many. */
static int score_from_blocks(struct nd_store *s, struct matches *w, size_t want, size_t *n_scored,
			     struct nd_error *err)
{
	struct store_block_ranks b = { .chunk = INT64_MIN, .block = INT64_MIN };
	int status = ND_STORE_OK;
	/* rows[0..kept) is a heap whose top ranks last of those kept */
	size_t kept = 0;
	for (size_t k = 0; k < w->n && want; k++) {
		struct candidate c = w->rows[k];
		uint64_t length;
		bool archived;
		if ((status = store_block_rank(s, &b, c.id, &length, &archived, err)))
			break;
		c.archived = archived;
		struct rank_terms t = terms_of(w, &c);
		c.score = rank_bm25(&t, (double)length);
		size_t i;
		if (kept < want) {
			i = kept++;
			while (i > 0 && by_rank(&w->rows[(i - 1) / 2], &c) < 0) {
				w->rows[i] = w->rows[(i - 1) / 2];
				i = (i - 1) / 2;
			}
		} else if (by_rank(&c, &w->rows[0]) < 0) {
			for (i = 0;;) {
				size_t child = 2 * i + 1;
				if (child >= kept)
					break;
				if (child + 1 < kept && by_rank(&w->rows[child + 1], &w->rows[child]) > 0)
					child++;
				if (by_rank(&w->rows[child], &c) <= 0)
					break;
				w->rows[i] = w->rows[child];
				i = child;
			}
		} else {
			continue;
		}
		w->rows[i] = c;
	}
	store_block_ranks_release(&b);
	if (!status && kept)
		qsort(w->rows, kept, sizeof(*w->rows), by_rank);
	*n_scored = kept;
	return status;
}

/* Without the blocks: by bound, looking up only what can reach the page;
 * the scored rows first, in page order, and *n_scored says how many. */
static int score_by_bound(struct nd_store *s, struct matches *w, size_t want, size_t *n_scored,
			  struct nd_error *err)
{
	for (size_t k = 0; k < w->n; k++) {
		struct rank_terms t = terms_of(w, &w->rows[k]);
		w->rows[k].bound = rank_bm25(&t, 0.0);
	}
	if (w->n)
		qsort(w->rows, w->n, sizeof(*w->rows), by_bound);
	struct floor_heap best = { nd_xcalloc(want + 1, sizeof(double)), 0, want };
	size_t scored = 0;
	int status = ND_STORE_OK;
	for (; scored < w->n; scored++) {
		struct candidate *c = &w->rows[scored];
		/* strictly: a candidate that could tie might have the lower id */
		if (best.n == want && best.v[0] > c->bound)
			break;
		if ((status = score_candidate(s, w, c, err)) != ND_STORE_OK)
			break;
		if (c->archived)
			heap_offer(&best, c->score);
	}
	free(best.v);
	if (status == ND_STORE_OK && scored)
		qsort(w->rows, scored, sizeof(*w->rows), by_rank);
	*n_scored = scored;
	return status;
}

/* The idf of the one phrase from the number of its rows, the matches, as
 * FTS5 would count them (its total of rows, at least 1). */
static int idf_from_matches(struct nd_store *s, struct matches *w, struct nd_error *err)
{
	int64_t n_rows;
	double avgdl;
	int rc = store_index_totals(s, &n_rows, &avgdl, err);
	if (rc || w->n_phrases != 1)
		return rc;
	w->idf[0] = rank_idf(n_rows < 1 ? 1 : n_rows, (int64_t)w->n);
	return ND_STORE_OK;
}

/* Reads the candidates and scores the best `want` of them (0: all), which
 * are then w->rows[0..*scored) in page order. */
static int rank_matches(struct nd_store *s, sqlite3_stmt *candidates, bool by_matches,
			uint64_t want_max, struct matches *w, size_t *scored, struct nd_error *err)
{
	*scored = 0;
	struct rank_sink sink = { matches_add, w };
	int at = sqlite3_bind_parameter_index(candidates, ":sink");
	sqlite3_bind_pointer(candidates, at, &sink, RANK_SINK_TYPE, NULL);
	int rc;
	while ((rc = sqlite3_step(candidates)) == SQLITE_ROW)
		;
	int failed = rc != SQLITE_DONE && !w->bad ? store_fail(s, err, "search failed") : 0;
	/* the sink goes with this call */
	sqlite3_reset(candidates);
	sqlite3_bind_null(candidates, at);
	if (w->bad) {
		nd_error_set(err, 0, 0, "search failed: unexpected ranking data");
		return ND_STORE_ERROR;
	}
	if (failed)
		return failed;
	size_t want = want_max > 0 && want_max < w->n ? (size_t)want_max : w->n;
	bool blocks;
	int status = by_matches && w->n ? idf_from_matches(s, w, err) : ND_STORE_OK;
	if (!status)
		status = store_blocks_state(s, &blocks, err);
	if (!status)
		status = blocks ? score_from_blocks(s, w, want, scored, err)
				: score_by_bound(s, w, want, scored, err);
	return status;
}

int store_rank_page(struct nd_store *s, sqlite3_stmt *candidates, bool by_matches,
		    int64_t offset, int64_t limit, struct ranked_page *page, struct nd_error *err)
{
	struct matches w = { 0 };
	size_t scored;
	uint64_t want = limit > 0 ? (uint64_t)offset + (uint64_t)limit : 0;
	int status = rank_matches(s, candidates, by_matches, want, &w, &scored, err);
	if (status == ND_STORE_OK) {
		nd_buf_addc(page->ids, '[');
		/* score_by_bound may have scored more than the page */
		for (size_t k = (size_t)offset; k < scored && (!want || k < want); k++)
			nd_buf_addf(page->ids, "%s[%lld,%.17g]", k > (size_t)offset ? "," : "",
				    (long long)w.rows[k].id, -w.rows[k].score);
		nd_buf_addc(page->ids, ']');
	}
	matches_release(&w);
	return status;
}

int store_score_all(struct nd_store *s, sqlite3_stmt *candidates, struct scored_row **out,
		    size_t *n, struct nd_error *err)
{
	struct matches w = { 0 };
	size_t scored;
	int status = rank_matches(s, candidates, false, 0, &w, &scored, err);
	*out = NULL;
	*n = 0;
	if (status == ND_STORE_OK) {
		struct scored_row *v = nd_xmalloc((scored + 1) * sizeof(*v));
		for (size_t k = 0; k < scored; k++)
			v[k] = (struct scored_row){ w.rows[k].id, w.rows[k].score,
						    w.rows[k].archived == 1 };
		*out = v;
		*n = scored;
	}
	matches_release(&w);
	return status;
}
