/*
 * store_rank.c: bm25 as newsdb ranks with it: the FTS5 auxiliary functions
 * nd_rank() (a match's score) and nd_rank_terms() (what its score is made
 * of, for store_topk.c), and the formula both share.
 *
 * It is FTS5's own bm25 (same formula, same k1 and b, column weights as
 * arguments) with one difference: bm25 counts every row that contains each
 * phrase before it scores the first one, so a search for "the" in a million
 * articles reads a million entries even when only a few thousand are ranked.
 * Here counting stops at RANK_COUNT_CAP rows and the rest is estimated from
 * how far into the rowids the count got.  Phrases in fewer rows than the cap
 * (nearly all of them) get exactly bm25's score.
 */
#include "store_internal.h"

#include <math.h>
#include <stdlib.h>

#include "buf.h"

/* bm25's constants, as in FTS5 */
#define BM25_K1 1.2
#define BM25_B 0.75

/* Rows counted per phrase before estimating: ~0.5 ms of doclist reading. */
#define RANK_COUNT_CAP 10000

/* What a query's ranking needs once, kept as FTS5 auxiliary data, laid out
 * as nd_rank_terms() returns it: [n_phrases, avg_tokens, idf[n], freq[n]],
 * the freq part rewritten for each row. */
struct rank_query {
	int n_phrases;
	double *terms;
};

struct phrase_count {
	sqlite3_int64 hits, last_rowid;
};

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	struct phrase_count *c = ctx;
	c->last_rowid = api->xRowid(fts);
	return ++c->hits >= RANK_COUNT_CAP ? SQLITE_DONE : SQLITE_OK;
}

/* Rows containing the phrase; past the cap, the count so far scaled by the
 * share of the rowids it covered (xQueryPhrase walks rowids upwards, and
 * articles' ids are dense: they only lose the ones pruned). */
static double phrase_rows(const Fts5ExtensionApi *api, Fts5Context *fts, int phrase,
			  sqlite3_int64 n_rows, int *rc)
{
	struct phrase_count c = { 0, 0 };
	*rc = api->xQueryPhrase(fts, phrase, &c, count_row);
	if (c.hits < RANK_COUNT_CAP || c.last_rowid <= 0)
		return (double)c.hits;
	double estimate = (double)c.hits * (double)n_rows / (double)c.last_rowid;
	return estimate < (double)c.hits ? (double)c.hits
	       : estimate > (double)n_rows ? (double)n_rows
					   : estimate;
}

static void free_rank_query(void *p)
{
	struct rank_query *q = p;
	free(q->terms);
	free(q);
}

static struct rank_query *new_rank_query(const Fts5ExtensionApi *api, Fts5Context *fts, int *rc)
{
	struct rank_query *q = nd_xcalloc(1, sizeof(*q));
	q->n_phrases = api->xPhraseCount(fts);
	q->terms = nd_xcalloc(2 + 2 * (size_t)q->n_phrases, sizeof(double));
	sqlite3_int64 n_rows = 0, n_tokens = 0;
	*rc = api->xRowCount(fts, &n_rows);
	if (*rc == SQLITE_OK)
		*rc = api->xColumnTotalSize(fts, -1, &n_tokens);
	if (n_rows < 1)
		n_rows = 1;
	q->terms[0] = q->n_phrases;
	q->terms[1] = (double)n_tokens / (double)n_rows;
	for (int k = 0; *rc == SQLITE_OK && k < q->n_phrases; k++) {
		double hits = phrase_rows(api, fts, k, n_rows, rc);
		double idf = log(((double)n_rows - hits + 0.5) / (hits + 0.5));
		/* as bm25: a phrase in most rows still counts a little */
		q->terms[2 + k] = idf > 0.0 ? idf : 1e-6;
	}
	return q;
}

double rank_bm25(const struct rank_terms *t, double n_tokens)
{
	double norm = BM25_K1 * (1.0 - BM25_B + BM25_B * n_tokens / t->avg_tokens);
	double score = 0.0;
	for (int k = 0; k < t->n_phrases; k++)
		score += t->idf[k] * (t->freq[k] * (BM25_K1 + 1.0)) / (t->freq[k] + norm);
	return score;
}

/* The query's part (computed once per query) and the row's weighted phrase
 * counts; SQLITE_OK or an error code. */
static int row_terms(const Fts5ExtensionApi *api, Fts5Context *fts, int n_weights,
		     sqlite3_value **weights, struct rank_query **out)
{
	int rc = SQLITE_OK;
	struct rank_query *q = api->xGetAuxdata(fts, 0);
	if (!q) {
		q = new_rank_query(api, fts, &rc);
		if (rc == SQLITE_OK)
			rc = api->xSetAuxdata(fts, q, free_rank_query);
		else
			free_rank_query(q);
		if (rc != SQLITE_OK)
			return rc;
	}
	double *freq = q->terms + 2 + q->n_phrases;
	for (int k = 0; k < q->n_phrases; k++)
		freq[k] = 0.0;
	int n_inst = 0;
	rc = api->xInstCount(fts, &n_inst);
	for (int k = 0; rc == SQLITE_OK && k < n_inst; k++) {
		int phrase, column, offset;
		rc = api->xInst(fts, k, &phrase, &column, &offset);
		if (rc == SQLITE_OK && phrase >= 0 && phrase < q->n_phrases)
			freq[phrase] += column < n_weights ? sqlite3_value_double(weights[column])
							   : 1.0;
	}
	*out = q;
	return rc;
}

static struct rank_terms terms_of(const struct rank_query *q)
{
	return (struct rank_terms){ .n_phrases = q->n_phrases, .avg_tokens = q->terms[1],
				    .idf = q->terms + 2, .freq = q->terms + 2 + q->n_phrases };
}

/* nd_rank(fts, weights...): the match's bm25, negative as FTS5's (lower is better). */
static void nd_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
		    int n_weights, sqlite3_value **weights)
{
	struct rank_query *q;
	int n_tokens = 0;
	int rc = row_terms(api, fts, n_weights, weights, &q);
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, -1, &n_tokens);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	struct rank_terms t = terms_of(q);
	sqlite3_result_double(ctx, -rank_bm25(&t, (double)n_tokens));
}

/* nd_rank_terms(fts, weights...): the match's struct rank_terms as a blob
 * (rank_terms_read), without its length: reading that is a B-tree lookup
 * per row, which store_topk.c makes only for the rows that need it. */
static void nd_rank_terms(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			  int n_weights, sqlite3_value **weights)
{
	struct rank_query *q;
	int rc = row_terms(api, fts, n_weights, weights, &q);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_blob(ctx, q->terms, (int)(sizeof(double) * (2 + 2 * (size_t)q->n_phrases)),
			    SQLITE_TRANSIENT);
}

bool rank_terms_read(const void *blob, int bytes, struct rank_terms *out)
{
	const double *d = blob;
	if (!d || bytes < (int)(2 * sizeof(double)))
		return false;
	int n = (int)d[0];
	if (n < 0 || (size_t)bytes != sizeof(double) * (2 + 2 * (size_t)n))
		return false;
	*out = (struct rank_terms){ .n_phrases = n, .avg_tokens = d[1], .idf = d + 2,
				    .freq = d + 2 + n };
	return true;
}

fts5_api *store_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int store_register_rank(sqlite3 *db)
{
	fts5_api *api = store_fts5_api(db);
	if (!api)
		return SQLITE_ERROR;
	int rc = api->xCreateFunction(api, "nd_rank", NULL, nd_rank, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "nd_rank_terms", NULL, nd_rank_terms, NULL);
	return rc;
}
