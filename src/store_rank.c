/*
 * store_rank.c: nd_rank(), the FTS5 ranking function newsdb's search uses.
 *
 * It is FTS5's own bm25 (same formula, same k1 and b, column weights as
 * arguments) with one difference: bm25 counts every row that contains each
 * phrase before it scores the first one, so a search for "the" in a million
 * articles reads a million entries even when only a few thousand are ranked.
 * nd_rank stops counting at RANK_COUNT_CAP rows and estimates the rest from
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

/* What a query's ranking needs once, kept as FTS5 auxiliary data. */
struct rank_query {
	int n_phrases;
	double avg_tokens; /* per row, over all columns */
	double *idf;
	double *freq; /* per-row scratch: weighted hits of each phrase */
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
	free(q->idf);
	free(q->freq);
	free(q);
}

static struct rank_query *new_rank_query(const Fts5ExtensionApi *api, Fts5Context *fts, int *rc)
{
	struct rank_query *q = nd_xcalloc(1, sizeof(*q));
	q->n_phrases = api->xPhraseCount(fts);
	q->idf = nd_xcalloc((size_t)q->n_phrases + 1, sizeof(double));
	q->freq = nd_xcalloc((size_t)q->n_phrases + 1, sizeof(double));
	sqlite3_int64 n_rows = 0, n_tokens = 0;
	*rc = api->xRowCount(fts, &n_rows);
	if (*rc == SQLITE_OK)
		*rc = api->xColumnTotalSize(fts, -1, &n_tokens);
	if (n_rows < 1)
		n_rows = 1;
	q->avg_tokens = (double)n_tokens / (double)n_rows;
	for (int k = 0; *rc == SQLITE_OK && k < q->n_phrases; k++) {
		double hits = phrase_rows(api, fts, k, n_rows, rc);
		double idf = log(((double)n_rows - hits + 0.5) / (hits + 0.5));
		/* as bm25: a phrase in most rows still counts a little */
		q->idf[k] = idf > 0.0 ? idf : 1e-6;
	}
	return q;
}

static void nd_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
		    int n_weights, sqlite3_value **weights)
{
	int rc = SQLITE_OK;
	struct rank_query *q = api->xGetAuxdata(fts, 0);
	if (!q) {
		q = new_rank_query(api, fts, &rc);
		if (rc == SQLITE_OK)
			rc = api->xSetAuxdata(fts, q, free_rank_query);
		else
			free_rank_query(q);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
	}
	for (int k = 0; k < q->n_phrases; k++)
		q->freq[k] = 0.0;
	int n_inst = 0, n_tokens = 0;
	rc = api->xInstCount(fts, &n_inst);
	for (int k = 0; rc == SQLITE_OK && k < n_inst; k++) {
		int phrase, column, offset;
		rc = api->xInst(fts, k, &phrase, &column, &offset);
		if (rc == SQLITE_OK && phrase >= 0 && phrase < q->n_phrases)
			q->freq[phrase] += column < n_weights ? sqlite3_value_double(weights[column])
							      : 1.0;
	}
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, -1, &n_tokens);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	double norm = BM25_K1 * (1.0 - BM25_B + BM25_B * (double)n_tokens / q->avg_tokens);
	double score = 0.0;
	for (int k = 0; k < q->n_phrases; k++)
		score += q->idf[k] * (q->freq[k] * (BM25_K1 + 1.0)) / (q->freq[k] + norm);
	sqlite3_result_double(ctx, -score);
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
	return api->xCreateFunction(api, "nd_rank", NULL, nd_rank, NULL);
}
