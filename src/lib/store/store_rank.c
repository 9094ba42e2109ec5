/*
 * store_rank.c: bm25 as newsdb ranks with it, as FTS5 auxiliary functions:
 * nd_rank() (a match's score), nd_rank_collect() (what its score is made
 * of, handed to store_topk.c), and for the ranking tables (store_terms.c)
 * nd_term_freq() (a row's weighted count of the query's one phrase) and
 * nd_row_length() (its length in tokens).
 *
 * It is FTS5's own bm25, step for step (rank_tf, rank_idf in
 * store_terms.c): same formula, k1 and b, column weights as arguments, and
 * each phrase's row count read exactly, so scores equal FTS5's `rank`.
 * What it adds is the split that lets store_topk.c read a match's length
 * only when the match can still reach the page.
 */
#include "store_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* What a query's ranking needs once, kept as FTS5 auxiliary data:
 * [n_phrases, avg_tokens, idf[n], freq[n]], the freq part rewritten for
 * each row. */
struct rank_query {
	int n_phrases;
	double *terms;
};

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(void)api, (void)fts;
	++*(sqlite3_int64 *)ctx;
	return SQLITE_OK;
}

static void free_rank_query(void *p)
{
	struct rank_query *q = p;
	free(q->terms);
	free(q);
}

/* `known`: each phrase's row count when the caller has it (store_lists.c
 * reads common words' counts from _newsdb_terms), or < 0; ignored unless it
 * has one entry per phrase of the expression. */
static struct rank_query *new_rank_query(const Fts5ExtensionApi *api, Fts5Context *fts,
					 sqlite3_value *known, int *rc)
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
	const double *counts = NULL;
	if (known && sqlite3_value_bytes(known) == (int)(sizeof(double) * (size_t)q->n_phrases))
		counts = sqlite3_value_blob(known);
	for (int k = 0; *rc == SQLITE_OK && k < q->n_phrases; k++) {
		sqlite3_int64 hits = 0;
		double c = 0;
		if (counts)
			memcpy(&c, counts + k, sizeof(c));
		/* a known count only for a one-word phrase: FTS5 would count the
		 * word's rows, reading every one of them; the caller counting
		 * the matches leaves the idf to itself (0 meanwhile) */
		if (counts && c == RANK_COUNT_IS_MATCHES)
			continue;
		if (counts && c >= 0 && api->xPhraseSize(fts, k) == 1)
			hits = (sqlite3_int64)c;
		else
			*rc = api->xQueryPhrase(fts, k, &hits, count_row);
		q->terms[2 + k] = rank_idf(n_rows, hits);
	}
	return q;
}

double rank_bm25(const struct rank_terms *t, double n_tokens)
{
	double score = 0.0;
	for (int k = 0; k < t->n_phrases; k++)
		score += t->idf[k] * rank_tf(t->freq[k], n_tokens, t->avg_tokens);
	return score;
}

/* The query's part (computed once per query) and the row's weighted phrase
 * counts; SQLITE_OK or an error code. */
static int row_terms(const Fts5ExtensionApi *api, Fts5Context *fts, int n_weights,
		     sqlite3_value **weights, struct rank_query **out)
{
	int rc = SQLITE_OK;
	/* after the weights, the phrases' known row counts (a blob), or NULL */
	sqlite3_value *known = NULL;
	if (n_weights > 0 && (sqlite3_value_type(weights[n_weights - 1]) == SQLITE_BLOB ||
			      sqlite3_value_type(weights[n_weights - 1]) == SQLITE_NULL))
		known = weights[--n_weights];
	struct rank_query *q = api->xGetAuxdata(fts, 0);
	if (!q) {
		q = new_rank_query(api, fts, known, &rc);
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
	/* each phrase's instances straight from its position list: xInst
	 * would first merge those of every phrase into one array */
	for (int k = 0; rc == SQLITE_OK && k < q->n_phrases; k++) {
		Fts5PhraseIter it;
		int column, offset;
		rc = api->xPhraseFirst(fts, k, &it, &column, &offset);
		for (; rc == SQLITE_OK && column >= 0; api->xPhraseNext(fts, &it, &column, &offset))
			freq[k] += column < n_weights ? sqlite3_value_double(weights[column]) : 1.0;
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

/* nd_rank_collect(fts, sink, archived, weights..., counts): hands the
 * match's struct rank_terms, without its length (reading that is a B-tree
 * lookup per row, which store_topk.c makes only for the rows that need it),
 * to the struct rank_sink bound as `sink`.  Called in the statement's own
 * loop, with no result row per match: a blob copied out and read back for
 * each one cost more than scoring it. */
static void nd_rank_collect(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			    int n_args, sqlite3_value **args)
{
	struct rank_sink *sink = n_args >= 2 ? sqlite3_value_pointer(args[0], RANK_SINK_TYPE) : NULL;
	if (!sink) {
		sqlite3_result_error(ctx, "nd_rank_collect: no sink bound", -1);
		return;
	}
	struct rank_query *q;
	int rc = row_terms(api, fts, n_args - 2, args + 2, &q);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	int archived = sqlite3_value_type(args[1]) == SQLITE_NULL ? -1
								 : sqlite3_value_int(args[1]) != 0;
	struct rank_terms t = terms_of(q);
	if (!sink->add(sink->ctx, api->xRowid(fts), &t, archived))
		sqlite3_result_error(ctx, "nd_rank_collect: unexpected ranking data", -1);
}

/* nd_term_freq(fts, weights...): the row's weighted count of the first
 * phrase (a MATCH on one word), as an integer: the weights are. */
static void nd_term_freq(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			 int n_weights, sqlite3_value **weights)
{
	int n_inst = 0;
	int rc = api->xInstCount(fts, &n_inst);
	sqlite3_int64 freq = 0;
	for (int k = 0; rc == SQLITE_OK && k < n_inst; k++) {
		int phrase, column, offset;
		rc = api->xInst(fts, k, &phrase, &column, &offset);
		if (rc == SQLITE_OK && phrase == 0)
			freq += column < n_weights ? sqlite3_value_int64(weights[column]) : 1;
	}
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else
		sqlite3_result_int64(ctx, freq);
}

/* nd_row_length(fts): the row's length in tokens, all columns. */
static void nd_row_length(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			  int n_args, sqlite3_value **args)
{
	(void)n_args, (void)args;
	int n_tokens = 0;
	int rc = api->xColumnSize(fts, -1, &n_tokens);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else
		sqlite3_result_int(ctx, n_tokens);
}

int store_register_rank(sqlite3 *db)
{
	fts5_api *api = store_fts5_api(db);
	if (!api)
		return SQLITE_ERROR;
	int rc = api->xCreateFunction(api, "nd_rank", NULL, nd_rank, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "nd_rank_collect", NULL, nd_rank_collect, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "nd_term_freq", NULL, nd_term_freq, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "nd_row_length", NULL, nd_row_length, NULL);
	return rc;
}
