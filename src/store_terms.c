/*
 * store_terms.c: the ranking tables of schema/002_ranking.sql, kept exact.
 *
 * _newsdb_terms holds every word of the word index with the number of rows
 * that hold it (bm25's row count, which FTS5 only gets by reading the whole
 * list of the word); a word in RANK_LIST_MIN_DOCS rows or more also gets a
 * list of the rows where it weighs most, with a bound on the weight of every
 * row left out (store_lists.c searches with them).
 *
 * Each commit brings them up to date with the rows the transaction indexed
 * (store_terms_sync, from the TEMP tables of store.c's deferred indexing),
 * inside the same transaction, so a kill -9 can never leave them out of
 * step with articles_fts.  optimize and an upgraded database rebuild them
 * (store_terms_rebuild); check recomputes them (store_terms_check).
 *
 * A row's weight for a word is bm25's term-frequency part at a fixed
 * average length (rank_avgdl in _newsdb_meta, set when the tables are
 * built): any fixed value keeps the bound true (store_lists.c scales it to
 * the average of the day).
 */
#include "store_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"

/* One article's words: each with its weighted count, and the article's
 * length in tokens. */
struct doc_word {
	size_t at; /* offset into struct doc.text */
	int len;
	int64_t freq;
};

struct doc {
	struct nd_buf text; /* the tokens, back to back */
	struct doc_word *words;
	size_t n, cap;
	int64_t length;
	int64_t weight; /* of the column being read */
};

static int add_token(void *ctx, const char *token, int len)
{
	struct doc *d = ctx;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 256;
		d->words = nd_xrealloc(d->words, d->cap * sizeof(*d->words));
	}
	d->words[d->n++] = (struct doc_word){ d->text.len, len, d->weight };
	nd_buf_add(&d->text, token, (size_t)len);
	d->length++;
	return SQLITE_OK;
}

static const char *word_text(const struct doc *d, const struct doc_word *w)
{
	return d->text.data + w->at;
}

static int word_cmp(const struct doc *d, const struct doc_word *a, const struct doc_word *b)
{
	int n = a->len < b->len ? a->len : b->len;
	int c = memcmp(word_text(d, a), word_text(d, b), (size_t)n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static const struct doc *sorting_doc;
static int by_word(const void *a, const void *b)
{
	return word_cmp(sorting_doc, a, b);
}

/* Tokenizes one article (title, excerpt, body: columns 1..3 of st) into d:
 * its distinct words with their weighted counts, and its length. */
static int doc_read(struct doc *d, struct store_tokenizer *tok, sqlite3_stmt *st)
{
	static const int64_t weights[3] = { RANK_WEIGHT_TITLE, RANK_WEIGHT_EXCERPT, RANK_WEIGHT_BODY };
	nd_buf_reset(&d->text);
	d->n = 0;
	d->length = 0;
	for (int c = 0; c < 3; c++) {
		d->weight = weights[c];
		int rc = store_tokenize(tok, false, (const char *)sqlite3_column_text(st, 1 + c),
					sqlite3_column_bytes(st, 1 + c), add_token, d);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (d->n == 0)
		return SQLITE_OK;
	sorting_doc = d;
	qsort(d->words, d->n, sizeof(*d->words), by_word);
	size_t out = 0;
	for (size_t k = 0; k < d->n; k++) {
		if (out && word_cmp(d, &d->words[out - 1], &d->words[k]) == 0)
			d->words[out - 1].freq += d->words[k].freq;
		else
			d->words[out++] = d->words[k];
	}
	d->n = out;
	return SQLITE_OK;
}

static void doc_release(struct doc *d)
{
	nd_buf_release(&d->text);
	free(d->words);
}

/* ---- what one transaction changed, word by word ---- */

struct posting {
	int64_t article, freq, length; /* freq < 0: the article lost the word */
};

struct change {
	char *term;
	int len;
	int64_t delta; /* rows gained minus rows lost */
	struct posting *p;
	size_t n, cap;
};

struct changes {
	struct change *slots; /* open addressing; term NULL when empty */
	size_t n, cap;
};

static struct change *change_for(struct changes *m, const char *term, int len)
{
	if (2 * (m->n + 1) > m->cap) {
		struct changes grown = { nd_xcalloc(m->cap ? 2 * m->cap : 1024, sizeof(struct change)),
					 0, m->cap ? 2 * m->cap : 1024 };
		for (size_t k = 0; k < m->cap; k++) {
			struct change *c = &m->slots[k];
			if (!c->term)
				continue;
			size_t i = nd_hash64(c->term, (size_t)c->len) & (grown.cap - 1);
			while (grown.slots[i].term)
				i = (i + 1) & (grown.cap - 1);
			grown.slots[i] = *c;
		}
		grown.n = m->n;
		free(m->slots);
		*m = grown;
	}
	size_t i = nd_hash64(term, (size_t)len) & (m->cap - 1);
	for (;; i = (i + 1) & (m->cap - 1)) {
		struct change *c = &m->slots[i];
		if (!c->term) {
			*c = (struct change){ .term = nd_xstrndup(term, (size_t)len), .len = len };
			m->n++;
			return c;
		}
		if (c->len == len && !memcmp(c->term, term, (size_t)len))
			return c;
	}
}

static void change_add(struct change *c, struct posting p)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 4;
		c->p = nd_xrealloc(c->p, c->cap * sizeof(*c->p));
	}
	c->p[c->n++] = p;
}

static void changes_release(struct changes *m)
{
	for (size_t k = 0; k < m->cap; k++) {
		free(m->slots[k].term);
		free(m->slots[k].p);
	}
	free(m->slots);
}

static int by_term(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	if (!x->term || !y->term)
		return !x->term - !y->term;
	int n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->term, y->term, (size_t)n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* ---- the weights ---- */

double rank_tf(double freq, double length, double avgdl)
{
	/* FTS5's bm25, operation for operation, so scores are equal to the bit */
	return (freq * (BM25_K1 + 1.0)) / (freq + BM25_K1 * (1 - BM25_B + BM25_B * length / avgdl));
}

double rank_idf(int64_t n_rows, int64_t hits)
{
	double idf = log(((double)n_rows - (double)hits + 0.5) / ((double)hits + 0.5));
	/* as bm25: a phrase in most rows still counts a little */
	return idf > 0.0 ? idf : 1e-6;
}

/* ---- reading and writing the tables ---- */

struct list_params {
	int64_t min_docs, keep;
	double avgdl0;
};

int store_meta_real(struct nd_store *s, const char *key, double *out, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_GET, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_double(st, 0);
	return store_finish(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, err,
			    "cannot read the ranking tables");
}

int store_meta_put(struct nd_store *s, const char *key, const char *text, double real,
		   struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_PUT, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_double(st, 2, real);
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
}

int store_rank_state(struct nd_store *s, bool *ready, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_GET, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, "rank_state", -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*ready = rc == SQLITE_ROW && sqlite3_column_text(st, 0) &&
		 !strcmp((const char *)sqlite3_column_text(st, 0), "ready");
	return store_finish(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, err,
			    "cannot read the ranking tables");
}

int store_index_totals(struct nd_store *s, int64_t *n_rows, double *avgdl, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_FTS_TOTALS, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc = sqlite3_step(st);
	*n_rows = 0;
	*avgdl = 0;
	if (rc == SQLITE_ROW) {
		/* FTS5's averages record: the row count, then each column's tokens */
		const unsigned char *p = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		int used = store_varint(p, n, n_rows);
		int64_t tokens = used > 0 ? store_varint_sum(p + used, n - used) : 0;
		if (*n_rows > 0)
			*avgdl = (double)tokens / (double)*n_rows;
	}
	return store_finish(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, err,
			    "cannot read the word index");
}

struct scored {
	int64_t article, freq, length;
	double weight;
};

static int by_weight(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->article < y->article ? -1 : x->article > y->article;
}

/* Every row of the word index that holds `term`, with its weighted count
 * and length, from FTS5 itself (a MATCH on the quoted term); the number of
 * rows, or a negative status. */
static int64_t term_rows(struct nd_store *s, const char *term, struct scored **out,
			 double avgdl0, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_TERM_ROWS, err);
	if (!st)
		return ND_STORE_ERROR;
	char *quoted = nd_query_quote_term(term);
	sqlite3_bind_text(st, 1, quoted, -1, free);
	size_t n = 0, cap = 0;
	struct scored *v = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			v = nd_xrealloc(v, cap * sizeof(*v));
		}
		struct scored *r = &v[n++];
		r->article = sqlite3_column_int64(st, 0);
		r->freq = sqlite3_column_int64(st, 1);
		r->length = sqlite3_column_int64(st, 2);
		r->weight = rank_tf((double)r->freq, (double)r->length, avgdl0);
	}
	if (rc != SQLITE_DONE) {
		free(v);
		return store_finish(s, st, rc, err, "cannot read the word index");
	}
	sqlite3_reset(st);
	*out = v;
	return (int64_t)n;
}

static int exec_id(struct nd_store *s, enum stmt_id which, int64_t id, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, which, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
}

/* Takes an article out of a word's list: 1 if it was there, 0 if not, or
 * a negative status. */
static int list_delete(struct nd_store *s, int64_t term_id, int64_t article,
		       struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_LIST_DELETE, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, term_id);
	sqlite3_bind_int64(st, 2, article);
	int rc = store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
	return rc ? rc : sqlite3_changes(s->db);
}

static int list_put(struct nd_store *s, int64_t term_id, const struct scored *r,
		    struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_LIST_PUT, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, term_id);
	sqlite3_bind_int64(st, 2, r->article);
	sqlite3_bind_int64(st, 3, r->freq);
	sqlite3_bind_int64(st, 4, r->length);
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
}

static int term_set_list(struct nd_store *s, int64_t term_id, bool has_list, double bound,
			 int64_t listed, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_TERM_SET_LIST, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, term_id);
	if (has_list)
		sqlite3_bind_double(st, 2, bound);
	sqlite3_bind_int64(st, 3, listed);
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
}

/* Keeps the p->keep heaviest of rows[0..n) (sorted by_weight) as the
 * list; the bound is the heaviest left out, or `bound` if that is more. */
static int list_write(struct nd_store *s, const struct list_params *p, int64_t term_id,
		      struct scored *rows, size_t n, double bound, struct nd_error *err)
{
	size_t keep = n < (size_t)p->keep ? n : (size_t)p->keep;
	if (keep < n && rows[keep].weight > bound)
		bound = rows[keep].weight;
	int rc = ND_STORE_OK;
	for (size_t k = 0; k < keep && !rc; k++)
		rc = list_put(s, term_id, &rows[k], err);
	return rc ? rc : term_set_list(s, term_id, true, bound, (int64_t)keep, err);
}

/* Builds the list of a word that reached p->min_docs rows.  The
 * rows come from a MATCH on the word, so the word must find itself: Porter
 * stems are not always their own stems, and a word the MATCH misses rows
 * of could never be bounded (its rows stay unlisted: listed = -1, bound
 * NULL, and searches for it score every match). */
static int list_build(struct nd_store *s, const struct list_params *p, int64_t term_id,
		      const char *term, int64_t docs, struct nd_error *err)
{
	struct scored *rows = NULL;
	int64_t n = term_rows(s, term, &rows, p->avgdl0, err);
	if (n < 0)
		return (int)n;
	int rc;
	if (n != docs) {
		rc = term_set_list(s, term_id, false, 0, -1, err);
	} else {
		qsort(rows, (size_t)n, sizeof(*rows), by_weight);
		rc = exec_id(s, ST_LIST_CLEAR, term_id, err);
		if (!rc)
			rc = list_write(s, p, term_id, rows, (size_t)n, 0.0, err);
	}
	free(rows);
	return rc;
}

/* A list that grew past twice p->keep goes back to its heaviest p->keep;
 * the bound rises to the heaviest row it lets go. */
static int list_trim(struct nd_store *s, const struct list_params *p, int64_t term_id,
		     double bound, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_LIST_READ, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, term_id);
	size_t n = 0, cap = 2 * (size_t)p->keep + 64;
	struct scored *rows = nd_xmalloc(cap * sizeof(*rows));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap)
			rows = nd_xrealloc(rows, (cap *= 2) * sizeof(*rows));
		rows[n] = (struct scored){ sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
					   sqlite3_column_int64(st, 2), 0 };
		rows[n].weight = rank_tf((double)rows[n].freq, (double)rows[n].length, p->avgdl0);
		n++;
	}
	int status = store_finish(s, st, rc, err, "cannot read the ranking tables");
	if (!status) {
		qsort(rows, n, sizeof(*rows), by_weight);
		status = exec_id(s, ST_LIST_CLEAR, term_id, err);
	}
	if (!status)
		status = list_write(s, p, term_id, rows, n, bound, err);
	free(rows);
	return status;
}

/* The lists' settings: the sizes (RANK_LIST_* unless _newsdb_meta says
 * otherwise: 'rank_list_min_docs', 'rank_list_keep'; optimize applies a
 * change) and the reference average length, set once, when the tables are
 * first written. */
static int params_get(struct nd_store *s, struct list_params *p, struct nd_error *err)
{
	double min_docs = RANK_LIST_MIN_DOCS, keep = RANK_LIST_KEEP;
	p->avgdl0 = 0;
	int rc = store_meta_real(s, "rank_list_min_docs", &min_docs, err);
	if (!rc)
		rc = store_meta_real(s, "rank_list_keep", &keep, err);
	if (!rc)
		rc = store_meta_real(s, "rank_avgdl", &p->avgdl0, err);
	p->min_docs = min_docs >= 1 ? (int64_t)min_docs : RANK_LIST_MIN_DOCS;
	p->keep = keep >= 1 ? (int64_t)keep : RANK_LIST_KEEP;
	if (rc || p->avgdl0 > 0)
		return rc;
	int64_t n_rows;
	if ((rc = store_index_totals(s, &n_rows, &p->avgdl0, err)))
		return rc;
	if (!(p->avgdl0 > 0))
		p->avgdl0 = 32.0;
	return store_meta_put(s, "rank_avgdl", NULL, p->avgdl0, err);
}

/* One word's changes: its row count, its list, or a list it now needs. */
static int apply_change(struct nd_store *s, const struct list_params *p,
			const struct change *c, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, c->delta > 0 ? ST_TERM_ADD : ST_TERM_UPDATE, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, c->term, c->len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->delta);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) /* a word the tables never had: check reports it */
		return store_finish(s, st, rc, err, "cannot write the ranking tables");
	if (rc != SQLITE_ROW)
		return store_finish(s, st, rc, err, "cannot write the ranking tables");
	int64_t id = sqlite3_column_int64(st, 0), docs = sqlite3_column_int64(st, 1);
	bool listed = sqlite3_column_type(st, 2) != SQLITE_NULL;
	double bound = sqlite3_column_double(st, 2);
	int64_t length = sqlite3_column_int64(st, 3);
	bool unlistable = sqlite3_column_type(st, 3) != SQLITE_NULL && length < 0;
	sqlite3_reset(st);

	if (docs <= 0) {
		rc = exec_id(s, ST_LIST_CLEAR, id, err);
		return rc ? rc : exec_id(s, ST_TERM_DELETE, id, err);
	}
	if (!listed) {
		if (unlistable || docs < p->min_docs)
			return ND_STORE_OK;
		return list_build(s, p, id, c->term, docs, err);
	}
	/* an article that changed lost its old entry first (postings in order) */
	for (size_t k = 0; k < c->n; k++) {
		const struct posting *q = &c->p[k];
		if (q->freq < 0) {
			if ((rc = list_delete(s, id, q->article, err)) < 0)
				return rc;
			length -= rc;
			continue;
		}
		struct scored r = { q->article, q->freq, q->length, 0 };
		if (rank_tf((double)r.freq, (double)r.length, p->avgdl0) <= bound)
			continue;
		if ((rc = list_put(s, id, &r, err)))
			return rc;
		length++;
	}
	if (length > 2 * p->keep)
		return list_trim(s, p, id, bound, err);
	return term_set_list(s, id, true, bound, length, err);
}

/* Adds one article's words to the changes: lost (old text) or gained. */
static int note_rows(struct nd_store *s, enum stmt_id which, bool gained,
		     struct store_tokenizer *tok, struct changes *m, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, which, err);
	if (!st)
		return ND_STORE_ERROR;
	struct doc d = { .text = ND_BUF_INIT };
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t article = sqlite3_column_int64(st, 0);
		if ((rc = doc_read(&d, tok, st)) != SQLITE_OK)
			break;
		for (size_t k = 0; k < d.n; k++) {
			struct change *c = change_for(m, word_text(&d, &d.words[k]), d.words[k].len);
			c->delta += gained ? 1 : -1;
			change_add(c, (struct posting){ article, gained ? d.words[k].freq : -1,
							d.length });
		}
	}
	doc_release(&d);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return store_finish(s, st, SQLITE_DONE, err, "cannot update the ranking tables");
	return store_finish(s, st, rc, err, "cannot update the ranking tables");
}

static int apply_changes(struct nd_store *s, struct changes *m, struct nd_error *err)
{
	struct list_params p;
	int rc = params_get(s, &p, err);
	if (rc)
		return rc;
	/* in term order: each write lands next to the one before */
	qsort(m->slots, m->cap, sizeof(*m->slots), by_term);
	for (size_t k = 0; k < m->n && !rc; k++) {
		const struct change *c = &m->slots[k];
		if (c->delta != 0 || c->n)
			rc = apply_change(s, &p, c, err);
	}
	return rc;
}

int store_terms_sync(struct nd_store *s, struct nd_error *err)
{
	bool ready;
	int rc = store_rank_state(s, &ready, err);
	if (rc || !ready) /* not built yet: the build will see these rows */
		return rc;
	struct store_tokenizer tok;
	if (store_tokenizer_open(s->db, true, &tok) != SQLITE_OK) {
		store_tokenizer_close(&tok);
		nd_error_set(err, 0, 0, "cannot update the ranking tables: no porter tokenizer");
		return ND_STORE_ERROR;
	}
	struct changes m = { 0 };
	rc = note_rows(s, ST_TERMS_OLD_ROWS, false, &tok, &m, err);
	if (!rc)
		rc = note_rows(s, ST_TERMS_NEW_ROWS, true, &tok, &m, err);
	store_tokenizer_close(&tok);
	if (!rc && m.n)
		rc = apply_changes(s, &m, err);
	changes_release(&m);
	return rc;
}

/* ---- building from scratch, and checking ---- */

static const char vocab_sql[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.newsdb_vocab USING fts5vocab(main, articles_fts, row)";

int store_terms_rebuild(struct nd_store *s, struct nd_error *err)
{
	static const char *const steps[] = {
		"DELETE FROM main._newsdb_rank_lists",
		"DELETE FROM main._newsdb_terms",
		"DELETE FROM main._newsdb_meta WHERE key = 'rank_avgdl'",
		vocab_sql,
		/* FTS5 counts each word's rows itself, in one pass over the index */
		"INSERT INTO main._newsdb_terms (term, docs) SELECT term, doc FROM temp.newsdb_vocab",
	};
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
		if (sqlite3_exec(s->db, steps[k], NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(s, err, "cannot build the ranking tables");
	struct list_params p;
	int rc = params_get(s, &p, err);
	sqlite3_stmt *st = rc ? NULL : store_stmt(s, ST_TERMS_COMMON, err);
	if (!rc && !st)
		rc = ND_STORE_ERROR;
	if (st)
		sqlite3_bind_int64(st, 1, p.min_docs);
	/* read first, then build: the builds write to the table being read */
	struct nd_buf ids = ND_BUF_INIT;
	struct nd_buf terms = ND_BUF_INIT;
	size_t n = 0;
	int step;
	while (st && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t v[2] = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 2) };
		nd_buf_add(&ids, v, sizeof(v));
		nd_buf_add(&terms, sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1) + 1);
		n++;
	}
	if (st)
		rc = store_finish(s, st, step, err, "cannot build the ranking tables");
	const char *term = terms.data;
	for (size_t k = 0; k < n && !rc; k++, term += strlen(term) + 1) {
		const int64_t *v = (const int64_t *)ids.data + 2 * k;
		rc = list_build(s, &p, v[0], term, v[1], err);
	}
	nd_buf_release(&ids);
	nd_buf_release(&terms);
	return rc ? rc : store_meta_put(s, "rank_state", "ready", 0, err);
}

/* Compares one word's list with its rows in the word index: every entry
 * is a row of the word with its real count and length, every row left out
 * weighs no more than the bound.  The number of problems, or a negative
 * status. */
static int64_t check_list(struct nd_store *s, int64_t term_id, const char *term, double bound,
			  int64_t listed, double avgdl0, nd_problem_fn fn, void *ctx,
			  struct nd_error *err)
{
	struct scored *rows = NULL;
	int64_t n = term_rows(s, term, &rows, avgdl0, err);
	if (n < 0)
		return n;
	sqlite3_stmt *st = store_stmt(s, ST_LIST_READ, err);
	if (!st) {
		free(rows);
		return ND_STORE_ERROR;
	}
	sqlite3_bind_int64(st, 1, term_id);
	int64_t problems = 0, entries = 0, k = 0;
	char detail[512];
	int rc;
	/* both in article order: a merge */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t article = sqlite3_column_int64(st, 0);
		entries++;
		for (; k < n && rows[k].article < article; k++) {
			/* a little slack: the bound was computed the same way */
			if (rows[k].weight > bound * (1 + 1e-12)) {
				snprintf(detail, sizeof(detail),
					 "_newsdb_rank_lists: word '%s': article %lld weighs more than the bound of the rows left out of its list (rebuild with 'newsdb optimize')",
					 term, (long long)rows[k].article);
				fn("ranking", detail, ctx);
				problems++;
			}
		}
		if (k < n && rows[k].article == article && rows[k].freq == sqlite3_column_int64(st, 1) &&
		    rows[k].length == sqlite3_column_int64(st, 2)) {
			k++;
			continue;
		}
		snprintf(detail, sizeof(detail),
			 "_newsdb_rank_lists: word '%s': the entry of article %lld does not match the word index (rebuild with 'newsdb optimize')",
			 term, (long long)article);
		fn("ranking", detail, ctx);
		problems++;
		if (k < n && rows[k].article == article)
			k++;
	}
	for (; k < n; k++) {
		if (rows[k].weight > bound * (1 + 1e-12)) {
			snprintf(detail, sizeof(detail),
				 "_newsdb_rank_lists: word '%s': article %lld weighs more than the bound of the rows left out of its list (rebuild with 'newsdb optimize')",
				 term, (long long)rows[k].article);
			fn("ranking", detail, ctx);
			problems++;
		}
	}
	free(rows);
	int status = store_finish(s, st, rc, err, "cannot check the ranking tables");
	if (status)
		return status;
	if (entries != listed) {
		snprintf(detail, sizeof(detail),
			 "_newsdb_terms: word '%s' says its list has %lld rows, it has %lld (rebuild with 'newsdb optimize')",
			 term, (long long)listed, (long long)entries);
		fn("ranking", detail, ctx);
		problems++;
	}
	return problems;
}

struct listed_word {
	int64_t id, listed;
	double bound;
	bool has;
};

int64_t store_terms_check(struct nd_store *s, nd_problem_fn fn, void *ctx, struct nd_error *err)
{
	bool ready;
	int rc = store_rank_state(s, &ready, err);
	if (rc)
		return rc;
	if (!ready) {
		fn("ranking", "the ranking tables are not built yet (run 'newsdb optimize' or an import)",
		   ctx);
		return 1;
	}
	if (sqlite3_exec(s->db, vocab_sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot check the ranking tables");
	int64_t problems = 0;
	char detail[512];
	/* the row counts, against FTS5's own */
	sqlite3_stmt *st = store_stmt(s, ST_CHECK_TERMS, err);
	if (!st)
		return ND_STORE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(detail, sizeof(detail),
			 "_newsdb_terms: word '%s' is in %lld rows of the word index, the table says %lld (rebuild with 'newsdb optimize')",
			 (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
			 (long long)sqlite3_column_int64(st, 2));
		fn("ranking", detail, ctx);
		problems++;
	}
	if ((rc = store_finish(s, st, rc, err, "cannot check the ranking tables")))
		return rc;
	/* the lists: of listed words only, each as its word's rows say */
	if (!(st = store_stmt(s, ST_CHECK_STRAY_LISTS, err)))
		return ND_STORE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(detail, sizeof(detail),
			 "_newsdb_rank_lists: %lld rows belong to no listed word (rebuild with 'newsdb optimize')",
			 (long long)sqlite3_column_int64(st, 0));
		fn("ranking", detail, ctx);
		problems++;
	}
	if ((rc = store_finish(s, st, rc, err, "cannot check the ranking tables")))
		return rc;
	struct list_params p;
	if ((rc = params_get(s, &p, err)))
		return rc;
	if (!(st = store_stmt(s, ST_TERMS_COMMON, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, p.min_docs);
	struct nd_buf rows = ND_BUF_INIT, terms = ND_BUF_INIT;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct listed_word v = {
			sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 4),
			sqlite3_column_double(st, 3), sqlite3_column_type(st, 3) != SQLITE_NULL };
		if (!v.has && sqlite3_column_type(st, 4) == SQLITE_NULL) {
			snprintf(detail, sizeof(detail),
				 "_newsdb_terms: word '%s' is in %lld rows but has no list (rebuild with 'newsdb optimize')",
				 (const char *)sqlite3_column_text(st, 1),
				 (long long)sqlite3_column_int64(st, 2));
			fn("ranking", detail, ctx);
			problems++;
		}
		if (!v.has)
			continue;
		nd_buf_add(&rows, &v, sizeof(v));
		nd_buf_add(&terms, sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1) + 1);
		n++;
	}
	rc = store_finish(s, st, rc, err, "cannot check the ranking tables");
	const char *term = terms.data;
	for (size_t k = 0; k < n && !rc; k++, term += strlen(term) + 1) {
		struct listed_word v;
		memcpy(&v, rows.data + k * sizeof(v), sizeof(v));
		int64_t found = check_list(s, v.id, term, v.bound, v.listed, p.avgdl0, fn, ctx, err);
		if (found < 0)
			rc = (int)found;
		else
			problems += found;
	}
	nd_buf_release(&rows);
	nd_buf_release(&terms);
	return rc ? rc : problems;
}
