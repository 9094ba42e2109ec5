/*
 * store_terms.c: the ranking tables of schema/002_ranking.sql, kept exact.
 *
 * _newsdb_terms holds every word of the word index with the number of rows
 * that hold it (bm25's row count, which FTS5 only gets by reading the whole
 * list of the word); a word in RANK_LIST_MIN_DOCS rows or more also gets a
 * list of the archived rows where it weighs most, with a bound on the
 * weight of every archived row left out (store_lists.c searches with them).
 * Rows known only from links are never listed: a page puts them after every
 * archived match, and they are short, so they weighed most and filled three
 * quarters of a list that a filter then had little left of.
 *
 * Each commit brings them up to date with the rows the transaction indexed
 * (store_terms_sync, from the TEMP tables of store.c's deferred indexing),
 * inside the same transaction, so a kill -9 can never leave them out of
 * step with articles_fts.  optimize and an upgraded database rebuild them
 * (store_terms_rebuild); check recomputes them (store_terms_check).
 *
 * A row's weight for a word is bm25's term-frequency part at a fixed
 * average length (rank_avgdl in _newsdb_meta, set when the tables are
 * built): that orders the list.  The bound is kept at half, once and twice
 * that length (struct rank_bound), and rank_bound_at bounds it at the
 * average of the day, which moves as the archive grows.
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
	uint32_t *slots; /* doc_merge's table: 1 + index into words, 0 free */
	size_t n_slots;  /* allocated */
	int64_t length;
	int64_t weight; /* of the column being read */
	bool archived;
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

static bool same_word(const struct doc *d, const struct doc_word *a, const struct doc_word *b)
{
	return a->len == b->len && !memcmp(word_text(d, a), word_text(d, b), (size_t)a->len);
}

/* Folds repeated words of d into one each, adding up their counts, in the
 * order they first come.  A hash table rather than a sort: sorting the
 * tokens of each article was a quarter of the ranking tables' build. */
static void doc_merge(struct doc *d)
{
	size_t want = 16;
	while (want < 2 * d->n)
		want *= 2;
	if (want > d->n_slots) {
		free(d->slots);
		d->slots = nd_xmalloc(want * sizeof(*d->slots));
		d->n_slots = want;
	}
	/* only the part this article uses: one long article must not make
	 * every later one clear its table */
	memset(d->slots, 0, want * sizeof(*d->slots));
	size_t mask = want - 1, out = 0;
	for (size_t k = 0; k < d->n; k++) {
		const struct doc_word *w = &d->words[k];
		size_t i = (size_t)nd_hash64(word_text(d, w), (size_t)w->len) & mask;
		while (d->slots[i] && !same_word(d, &d->words[d->slots[i] - 1], w))
			i = (i + 1) & mask;
		if (d->slots[i]) {
			d->words[d->slots[i] - 1].freq += w->freq;
		} else {
			d->words[out] = *w;
			d->slots[i] = (uint32_t)++out;
		}
	}
	d->n = out;
}

/* Tokenizes one article (title, excerpt, body: columns 1..3 of st) into d:
 * its distinct words with their weighted counts, its length, and whether
 * it is archived (column 4). */
static int doc_read(struct doc *d, struct store_tokenizer *tok, sqlite3_stmt *st)
{
	static const int64_t weights[3] = { RANK_WEIGHT_TITLE, RANK_WEIGHT_EXCERPT, RANK_WEIGHT_BODY };
	nd_buf_reset(&d->text);
	d->n = 0;
	d->length = 0;
	d->archived = sqlite3_column_int(st, 4) != 0;
	for (int c = 0; c < 3; c++) {
		d->weight = weights[c];
		int rc = store_tokenize(tok, false, (const char *)sqlite3_column_text(st, 1 + c),
					sqlite3_column_bytes(st, 1 + c), add_token, d);
		if (rc != SQLITE_OK)
			return rc;
	}
	doc_merge(d);
	return SQLITE_OK;
}

static void doc_release(struct doc *d)
{
	nd_buf_release(&d->text);
	free(d->words);
	free(d->slots);
}

/* ---- the words a session has touched ---- */

/* What a transaction did to an article's entry for a word with a list. */
struct posting {
	int64_t article, freq, length; /* freq < 0: the article lost the word */
};

/*
 * One word, as this connection knows it.  A common word mirrors its row of
 * _newsdb_terms (exact, kept in each commit).  Another word's count lives
 * in _newsdb_term_counts, only to tell when the word becomes common: it is
 * read on first use, and what later commits add is kept here (`pending`)
 * and written now and then (flush_counts), not in every commit, which would
 * be a write for each distinct word of each transaction.  A kill loses what
 * was pending: the count comes out low, and the word gets its list later
 * than it could, never a wrong page (searches for a word with no list
 * score every match).
 */
struct word {
	char *term;
	int len;
	bool common;      /* a row of _newsdb_terms */
	int64_t id, docs; /* common: the row */
	struct rank_bound bound;
	bool has_list;    /* common: bound is set (listed >= 0) */
	int64_t listed;
	bool loaded;      /* not common: stored was read */
	int64_t stored, pending;
	/* this transaction: */
	int64_t delta;
	struct posting *p;
	size_t n, cap;
	bool touched;
};

struct term_session {
	struct word **slots; /* open addressing by term */
	size_t n, cap;
	struct word **touched; /* by this transaction */
	size_t n_touched, cap_touched;
	size_t n_pending;      /* words with pending != 0 */
	bool loaded;           /* the common words were read */
};

/* Words with unwritten counts held at most: about 100 bytes each. */
#define MAX_PENDING 30000

static struct word **slot_of(struct term_session *t, const char *term, int len)
{
	size_t i = nd_hash64(term, (size_t)len) & (t->cap - 1);
	for (;; i = (i + 1) & (t->cap - 1)) {
		struct word *w = t->slots[i];
		if (!w || (w->len == len && !memcmp(w->term, term, (size_t)len)))
			return &t->slots[i];
	}
}

static struct word *word_get(struct term_session *t, const char *term, int len)
{
	if (2 * (t->n + 1) > t->cap) {
		struct word **old = t->slots;
		size_t old_cap = t->cap;
		t->cap = t->cap ? 2 * t->cap : 4096;
		t->slots = nd_xcalloc(t->cap, sizeof(*t->slots));
		for (size_t k = 0; k < old_cap; k++)
			if (old[k])
				*slot_of(t, old[k]->term, old[k]->len) = old[k];
		free(old);
	}
	struct word **slot = slot_of(t, term, len);
	if (!*slot) {
		*slot = nd_xcalloc(1, sizeof(**slot));
		(*slot)->term = nd_xstrndup(term, (size_t)len);
		(*slot)->len = len;
		t->n++;
	}
	return *slot;
}

static void word_free(struct word *w)
{
	free(w->term);
	free(w->p);
	free(w);
}

/* Forgets the words that are not common (their counts were written). */
static void forget_others(struct term_session *t)
{
	struct word **old = t->slots;
	size_t old_cap = t->cap;
	t->slots = nd_xcalloc(t->cap, sizeof(*t->slots));
	t->n = 0;
	for (size_t k = 0; k < old_cap; k++) {
		if (!old[k])
			continue;
		if (old[k]->common) {
			*slot_of(t, old[k]->term, old[k]->len) = old[k];
			t->n++;
		} else {
			word_free(old[k]);
		}
	}
	free(old);
	t->n_pending = 0;
}

void store_terms_forget(struct nd_store *s)
{
	struct term_session *t = s->terms;
	if (!t)
		return;
	for (size_t k = 0; k < t->cap; k++)
		if (t->slots[k])
			word_free(t->slots[k]);
	free(t->slots);
	free(t->touched);
	free(t);
	s->terms = NULL;
}

static void touch(struct term_session *t, struct word *w)
{
	if (w->touched)
		return;
	if (t->n_touched == t->cap_touched) {
		t->cap_touched = t->cap_touched ? 2 * t->cap_touched : 1024;
		t->touched = nd_xrealloc(t->touched, t->cap_touched * sizeof(*t->touched));
	}
	t->touched[t->n_touched++] = w;
	w->touched = true;
}

static void posting_add(struct word *w, struct posting p)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4;
		w->p = nd_xrealloc(w->p, w->cap * sizeof(*w->p));
	}
	w->p[w->n++] = p;
}

static int by_term(const void *a, const void *b)
{
	const struct word *x = *(struct word *const *)a, *y = *(struct word *const *)b;
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

/* The average lengths of the points of struct rank_bound, as multiples. */
static const double bound_scale[RANK_BOUND_POINTS] = { 0.5, 1.0, 2.0 };

void rank_bound_add(struct rank_bound *b, double freq, double length, double avgdl0)
{
	for (int k = 0; k < RANK_BOUND_POINTS; k++) {
		double w = rank_tf(freq, length, avgdl0 * bound_scale[k]);
		if (w > b->w[k])
			b->w[k] = w;
	}
}

double rank_bound_at(const struct rank_bound *b, double avgdl0, double avgdl)
{
	const int last = RANK_BOUND_POINTS - 1;
	/* shorter than the shortest point: every weight is below its weight there */
	if (avgdl <= avgdl0 * bound_scale[0])
		return b->w[0];
	/* longer than the longest: at most that weight times the ratio (the
	 * length term of the denominator shrinks with 1 / avgdl, the rest stays) */
	if (avgdl >= avgdl0 * bound_scale[last])
		return b->w[last] * avgdl / (avgdl0 * bound_scale[last]);
	int k = 0;
	while (avgdl > avgdl0 * bound_scale[k + 1])
		k++;
	if (!(b->w[k] > 0) || !(b->w[k + 1] > 0))
		return b->w[k] > b->w[k + 1] ? b->w[k] : b->w[k + 1];
	/* each row's h is linear in u = 1 / avgdl, so the least h over the rows
	 * at u is at least the same mix of the least h at the two points */
	double u = 1.0 / avgdl, ua = 1.0 / (avgdl0 * bound_scale[k]),
	       ub = 1.0 / (avgdl0 * bound_scale[k + 1]);
	double lambda = (u - ub) / (ua - ub);
	double ha = (BM25_K1 + 1.0) / b->w[k] - 1.0, hb = (BM25_K1 + 1.0) / b->w[k + 1] - 1.0;
	return (BM25_K1 + 1.0) / (1.0 + lambda * ha + (1.0 - lambda) * hb);
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

/* Every archived row of the word index that holds `term`, with its
 * weighted count and length, from FTS5 itself (a MATCH on the quoted term):
 * *n_out of them in *out.  Returns the number of rows of any kind, or a
 * negative status. */
static int64_t term_rows(struct nd_store *s, const char *term, struct scored **out,
			 size_t *n_out, double avgdl0, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_TERM_ROWS, err);
	if (!st)
		return ND_STORE_ERROR;
	char *quoted = nd_query_quote_term(term);
	sqlite3_bind_text(st, 1, quoted, -1, free);
	size_t n = 0, cap = 0;
	int64_t all = 0;
	struct scored *v = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		all++;
		if (sqlite3_column_int(st, 3) == 0)
			continue;
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
	*n_out = n;
	return all;
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

/* Writes a word's list state, and into `mirror` (its struct word) when
 * there is one. */
static int term_set_list(struct nd_store *s, int64_t term_id, bool has_list,
			 const struct rank_bound *bound, int64_t listed, struct word *mirror,
			 struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_TERM_SET_LIST, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, term_id);
	for (int k = 0; has_list && k < RANK_BOUND_POINTS; k++)
		sqlite3_bind_double(st, 2 + k, bound->w[k]);
	sqlite3_bind_int64(st, 2 + RANK_BOUND_POINTS, listed);
	if (mirror) {
		mirror->has_list = has_list;
		mirror->bound = has_list ? *bound : (struct rank_bound){ { 0 } };
		mirror->listed = listed;
	}
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
}

/* Keeps the p->keep heaviest of rows[0..n) (sorted by_weight) as the
 * list; the bound takes in every row left out. */
static int list_write(struct nd_store *s, const struct list_params *p, int64_t term_id,
		      struct scored *rows, size_t n, struct rank_bound bound, struct word *mirror,
		      struct nd_error *err)
{
	size_t keep = n < (size_t)p->keep ? n : (size_t)p->keep;
	for (size_t k = keep; k < n; k++)
		rank_bound_add(&bound, (double)rows[k].freq, (double)rows[k].length, p->avgdl0);
	int rc = ND_STORE_OK;
	for (size_t k = 0; k < keep && !rc; k++)
		rc = list_put(s, term_id, &rows[k], err);
	return rc ? rc : term_set_list(s, term_id, true, &bound, (int64_t)keep, mirror, err);
}

/* Builds the list of a word that reached p->min_docs rows.  The
 * rows come from a MATCH on the word, so the word must find itself: Porter
 * stems are not always their own stems, and a word the MATCH misses rows
 * of could never be bounded (its rows stay unlisted: listed = -1, bound
 * NULL, and searches for it score every match). */
static int list_build(struct nd_store *s, const struct list_params *p, int64_t term_id,
		      const char *term, int64_t docs, struct word *mirror, struct nd_error *err)
{
	struct scored *rows = NULL;
	size_t n = 0;
	int64_t all = term_rows(s, term, &rows, &n, p->avgdl0, err);
	if (all < 0)
		return (int)all;
	int rc;
	if (all != docs) {
		rc = term_set_list(s, term_id, false, NULL, -1, mirror, err);
	} else {
		if (n)
			qsort(rows, n, sizeof(*rows), by_weight);
		rc = exec_id(s, ST_LIST_CLEAR, term_id, err);
		if (!rc)
			rc = list_write(s, p, term_id, rows, n, (struct rank_bound){ { 0 } }, mirror,
					err);
	}
	free(rows);
	return rc;
}

/* A list that grew past three times p->keep goes back to its heaviest
 * p->keep; the bound rises to the heaviest row it lets go. */
static int list_trim(struct nd_store *s, const struct list_params *p, int64_t term_id,
		     struct rank_bound bound, struct word *mirror, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_LIST_READ, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, term_id);
	size_t n = 0, cap = 3 * (size_t)p->keep + 64;
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
	size_t keep = n < (size_t)p->keep ? n : (size_t)p->keep;
	if (!status)
		qsort(rows, n, sizeof(*rows), by_weight);
	/* only what goes is written: the rows kept stay where they are */
	for (size_t k = keep; k < n && !status; k++) {
		rank_bound_add(&bound, (double)rows[k].freq, (double)rows[k].length, p->avgdl0);
		int gone = list_delete(s, term_id, rows[k].article, err);
		status = gone < 0 ? gone : 0;
	}
	if (!status)
		status = term_set_list(s, term_id, true, &bound, (int64_t)keep, mirror, err);
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

static const char vocab_sql[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.newsdb_vocab USING fts5vocab(main, articles_fts, row)";

/* The common words, read once per connection (a few thousand at most). */
static int load_common(struct nd_store *s, struct term_session *t, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_TERMS_ALL, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct word *w = word_get(t, (const char *)sqlite3_column_text(st, 1),
					  sqlite3_column_bytes(st, 1));
		w->common = true;
		w->id = sqlite3_column_int64(st, 0);
		w->docs = sqlite3_column_int64(st, 2);
		w->has_list = sqlite3_column_type(st, 4) != SQLITE_NULL;
		for (int k = 0; k < RANK_BOUND_POINTS; k++)
			w->bound.w[k] = sqlite3_column_double(st, 3 + k);
		w->listed = sqlite3_column_int64(st, 3 + RANK_BOUND_POINTS);
	}
	t->loaded = rc == SQLITE_DONE;
	return store_finish(s, st, rc, err, "cannot read the ranking tables");
}

/* Runs `which` (its rows: id, title, excerpt, body) and hands each row,
 * tokenized as the word index tokenizes it, to fn. */
typedef void (*doc_fn)(int64_t article, const struct doc *d, void *ctx);
static int each_doc(struct nd_store *s, enum stmt_id which, struct store_tokenizer *tok,
		    doc_fn fn, void *ctx, struct nd_error *err, const char *doing)
{
	sqlite3_stmt *st = store_stmt(s, which, err);
	if (!st)
		return ND_STORE_ERROR;
	struct doc d = { .text = ND_BUF_INIT };
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = doc_read(&d, tok, st)) != SQLITE_OK)
			break;
		fn(sqlite3_column_int64(st, 0), &d, ctx);
	}
	doc_release(&d);
	return store_finish(s, st, rc, err, doing);
}

struct noting {
	struct term_session *t;
	bool gained;
};

static void note_doc(int64_t article, const struct doc *d, void *ctx)
{
	struct noting *n = ctx;
	for (size_t k = 0; k < d->n; k++) {
		struct word *w = word_get(n->t, word_text(d, &d->words[k]), d->words[k].len);
		w->delta += n->gained ? 1 : -1;
		/* a row that lost the word leaves the list if it was there; one
		 * that gained it enters only if archived */
		if (w->has_list && (!n->gained || d->archived))
			posting_add(w, (struct posting){ article, n->gained ? d->words[k].freq : -1,
							 d->length });
		touch(n->t, w);
	}
}

/* Adds the words of the rows of `which` to the session: lost (old text)
 * or gained; entries only for words with a list. */
static int note_rows(struct nd_store *s, enum stmt_id which, bool gained,
		     struct store_tokenizer *tok, struct term_session *t, struct nd_error *err)
{
	struct noting n = { t, gained };
	return each_doc(s, which, tok, note_doc, &n, err, "cannot update the ranking tables");
}

static int exec_text_int(struct nd_store *s, enum stmt_id which, const struct word *w,
			 int64_t n, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, which, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, w->term, w->len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n);
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
}

/* One row of a statement on the word (?1, and ?2 = arg if it has one), as
 * an integer: *out, or `none` when there is no row. */
static int word_number(struct nd_store *s, enum stmt_id which, const struct word *w, int64_t arg,
		       int64_t none, int64_t *out, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, which, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, w->term, w->len, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, arg);
	int rc = store_first_row(s, st, err, "cannot read the ranking tables");
	*out = rc == 1 ? sqlite3_column_int64(st, 0) : none;
	return rc == 1 ? store_done(st) : rc;
}

/* A common word's transaction: its row count, then its list. */
static int apply_common(struct nd_store *s, const struct list_params *p, struct word *w,
			struct nd_error *err)
{
	int rc = ND_STORE_OK;
	if (w->delta) {
		sqlite3_stmt *st = store_stmt(s, ST_TERM_UPDATE, err);
		if (!st)
			return ND_STORE_ERROR;
		sqlite3_bind_int64(st, 1, w->id);
		sqlite3_bind_int64(st, 2, w->delta);
		if ((rc = store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables")))
			return rc;
		w->docs += w->delta;
		w->delta = 0;
	}
	if (w->docs <= 0) { /* gone from the index: an ordinary word again */
		if ((rc = exec_id(s, ST_LIST_CLEAR, w->id, err)) ||
		    (rc = exec_id(s, ST_TERM_DELETE, w->id, err)) ||
		    (rc = exec_text_int(s, ST_COUNT_SET, w, 0, err)))
			return rc;
		*w = (struct word){ .term = w->term, .len = w->len, .p = w->p, .cap = w->cap,
				    .loaded = true, .touched = w->touched };
		return ND_STORE_OK;
	}
	if (!w->has_list)
		return ND_STORE_OK;
	/* an article that changed lost its old entry first (postings in order) */
	int64_t length = w->listed;
	struct rank_bound bound = w->bound;
	for (size_t k = 0; k < w->n; k++) {
		const struct posting *q = &w->p[k];
		if (q->freq < 0) {
			if ((rc = list_delete(s, w->id, q->article, err)) < 0)
				return rc;
			length -= rc;
			continue;
		}
		/* in by its weight at the reference length; a row left out may
		 * still raise the bound at the other lengths */
		struct scored r = { q->article, q->freq, q->length, 0 };
		if (rank_tf((double)r.freq, (double)r.length, p->avgdl0) <= bound.w[1]) {
			rank_bound_add(&bound, (double)r.freq, (double)r.length, p->avgdl0);
			continue;
		}
		if ((rc = list_put(s, w->id, &r, err)))
			return rc;
		length++;
	}
	w->n = 0;
	if (length > 3 * p->keep)
		return list_trim(s, p, w->id, bound, w, err);
	bool same = length == w->listed && !memcmp(&bound, &w->bound, sizeof(bound));
	return same ? ND_STORE_OK : term_set_list(s, w->id, true, &bound, length, w, err);
}

/* Another word: becomes common when its count reaches p->min_docs.  The
 * count is then taken from the word index itself (fts5vocab), so a count
 * that came out low or high after a kill is set right here. */
static int apply_other(struct nd_store *s, const struct list_params *p, struct word *w,
		       struct nd_error *err)
{
	int rc;
	if (!w->loaded) {
		if ((rc = word_number(s, ST_COUNT_GET, w, 0, 0, &w->stored, err)))
			return rc;
		w->loaded = true;
	}
	if (w->stored + w->pending + w->delta < p->min_docs)
		return ND_STORE_OK; /* the delta waits for the commit */
	int64_t docs;
	if ((rc = sqlite3_exec(s->db, vocab_sql, NULL, NULL, NULL)) != SQLITE_OK)
		return store_fail(s, err, "cannot update the ranking tables");
	if ((rc = word_number(s, ST_VOCAB_DOCS, w, 0, 0, &docs, err)) ||
	    (rc = exec_text_int(s, ST_COUNT_SET, w, docs, err)))
		return rc;
	w->stored = docs;
	w->pending = w->delta = 0;
	if (docs < p->min_docs)
		return ND_STORE_OK;
	/* the row first: list_build fills in its list, or marks it unlistable */
	if ((rc = word_number(s, ST_TERM_INSERT, w, docs, 0, &w->id, err)))
		return rc;
	w->common = true;
	w->docs = docs;
	return list_build(s, p, w->id, w->term, docs, w, err);
}

/* Writes the counts the session holds and forgets the words they belong to. */
static int flush_counts(struct nd_store *s, struct term_session *t, struct nd_error *err)
{
	struct word **v = nd_xmalloc((t->n + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t k = 0; k < t->cap; k++)
		if (t->slots[k] && !t->slots[k]->common && t->slots[k]->pending)
			v[n++] = t->slots[k];
	qsort(v, n, sizeof(*v), by_term);
	int rc = ND_STORE_OK;
	for (size_t k = 0; k < n && !rc; k++)
		rc = exec_text_int(s, ST_COUNT_ADD, v[k], v[k]->pending, err);
	free(v);
	if (!rc)
		forget_others(t);
	return rc;
}

int store_terms_sync(struct nd_store *s, struct nd_error *err)
{
	bool ready;
	int rc = store_rank_state(s, &ready, err);
	if (rc || !ready) /* not built yet: the build will see these rows */
		return rc;
	/* a transaction that indexed nothing (a re-import of unchanged or
	 * moved files) has nothing to do here */
	sqlite3_stmt *st = store_stmt(s, ST_TERMS_ANY, err);
	if (!st)
		return ND_STORE_ERROR;
	int step = sqlite3_step(st);
	bool any = step == SQLITE_ROW && sqlite3_column_int(st, 0);
	if ((rc = store_finish(s, st, step == SQLITE_ROW ? SQLITE_DONE : step, err,
			       "cannot update the ranking tables")) || !any)
		return rc;
	if (!s->terms)
		s->terms = nd_xcalloc(1, sizeof(*s->terms));
	struct term_session *t = s->terms;
	struct list_params p;
	if ((rc = params_get(s, &p, err)) || (!t->loaded && (rc = load_common(s, t, err))))
		return rc;
	if (t->n_pending >= MAX_PENDING && (rc = flush_counts(s, t, err)))
		return rc;
	struct store_tokenizer tok;
	if (store_tokenizer_open(s->db, true, &tok) != SQLITE_OK) {
		store_tokenizer_close(&tok);
		nd_error_set(err, 0, 0, "cannot update the ranking tables: no porter tokenizer");
		return ND_STORE_ERROR;
	}
	rc = note_rows(s, ST_TERMS_OLD_ROWS, false, &tok, t, err);
	if (!rc)
		rc = note_rows(s, ST_TERMS_NEW_ROWS, true, &tok, t, err);
	store_tokenizer_close(&tok);
	/* in term order: each write lands next to the one before (touched is
	 * NULL when the commit indexed no word, which qsort may not be given) */
	if (t->n_touched > 1)
		qsort(t->touched, t->n_touched, sizeof(*t->touched), by_term);
	for (size_t k = 0; k < t->n_touched && !rc; k++) {
		struct word *w = t->touched[k];
		rc = w->common ? apply_common(s, &p, w, err) : apply_other(s, &p, w, err);
	}
	return rc;
}

void store_terms_committed(struct nd_store *s)
{
	struct term_session *t = s->terms;
	if (!t)
		return;
	for (size_t k = 0; k < t->n_touched; k++) {
		struct word *w = t->touched[k];
		if (!w->common && w->delta) {
			t->n_pending += w->pending == 0;
			w->pending += w->delta;
			t->n_pending -= w->pending == 0;
		}
		w->delta = 0;
		w->touched = false;
	}
	t->n_touched = 0;
}

int store_terms_close(struct nd_store *s)
{
	struct term_session *t = s->terms;
	int rc = ND_STORE_OK;
	if (t && t->n_pending && sqlite3_get_autocommit(s->db) &&
	    sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		struct nd_error err;
		nd_error_clear(&err);
		rc = flush_counts(s, t, &err);
		if (rc || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	store_terms_forget(s);
	return rc;
}

/* ---- building from scratch, and checking ---- */

/*
 * All the lists at once, in one pass over the articles (the word index's
 * content): each row tokenized as the index tokenizes it, and each of its
 * common words offered to that word's heap of its p->keep heaviest rows so
 * far; a row a heap lets go goes into the word's bound.  The result is the
 * one a sort of each word's every row would give (the same order, by_weight),
 * without reading each word's rows from the index: a MATCH per word read
 * the lists of a million rows' common words from FTS5 one by one, and held
 * every row of the commonest in memory.
 */
struct build_word {
	int64_t id, docs, seen;
	const char *term;
	size_t len;
	bool listable;
	struct scored *heap; /* its worst row first */
	size_t n;
	struct rank_bound bound;
};

struct build {
	struct build_word *words;
	size_t n;
	size_t *slots; /* open addressing: index + 1, 0 empty */
	size_t mask;
};

static size_t build_slot(const struct build *b, const char *term, size_t len)
{
	size_t k = (size_t)nd_hash64(term, len) & b->mask;
	while (b->slots[k]) {
		const struct build_word *w = &b->words[b->slots[k] - 1];
		if (w->len == len && !memcmp(w->term, term, len))
			break;
		k = (k + 1) & b->mask;
	}
	return k;
}

/* a comes after b in a list (by_weight): lighter, or as heavy and later */
static bool after(const struct scored *a, const struct scored *b)
{
	return by_weight(a, b) > 0;
}

static void heap_down(struct scored *h, size_t n, size_t k)
{
	for (;;) {
		size_t worst = k, l = 2 * k + 1, r = l + 1;
		if (l < n && after(&h[l], &h[worst]))
			worst = l;
		if (r < n && after(&h[r], &h[worst]))
			worst = r;
		if (worst == k)
			return;
		struct scored t = h[k];
		h[k] = h[worst];
		h[worst] = t;
		k = worst;
	}
}

static void heap_offer(struct build_word *w, const struct list_params *p, struct scored r)
{
	w->seen++;
	if (w->n < (size_t)p->keep) {
		size_t k = w->n++;
		w->heap[k] = r;
		while (k && after(&w->heap[k], &w->heap[(k - 1) / 2])) {
			struct scored t = w->heap[k];
			w->heap[k] = w->heap[(k - 1) / 2];
			w->heap[(k - 1) / 2] = t;
			k = (k - 1) / 2;
		}
		return;
	}
	/* the row that goes, this one or the heap's worst, is bounded */
	if (after(&w->heap[0], &r)) {
		struct scored t = w->heap[0];
		w->heap[0] = r;
		heap_down(w->heap, w->n, 0);
		r = t;
	}
	rank_bound_add(&w->bound, (double)r.freq, (double)r.length, p->avgdl0);
}

/* A word its own MATCH finds: the query tokenizer gives it back as it is
 * (a Porter stem that stems further does not; see list_build). */
static bool finds_itself(struct store_tokenizer *query_tok, const char *term, size_t len)
{
	struct nd_buf tokens = ND_BUF_INIT;
	int rc = store_tokenize(query_tok, true, term, (int)len, store_collect_token, &tokens);
	bool same = rc == SQLITE_OK && tokens.len == len + 1 && !memcmp(tokens.data, term, len);
	nd_buf_release(&tokens);
	return same;
}

struct passing {
	struct build *b;
	const struct list_params *p;
};

static void offer_doc(int64_t article, const struct doc *d, void *ctx)
{
	struct passing *pass = ctx;
	for (size_t k = 0; k < d->n; k++) {
		const struct doc_word *dw = &d->words[k];
		size_t slot = build_slot(pass->b, word_text(d, dw), (size_t)dw->len);
		if (!pass->b->slots[slot])
			continue;
		struct build_word *w = &pass->b->words[pass->b->slots[slot] - 1];
		struct scored r = { article, dw->freq, d->length,
				    rank_tf((double)dw->freq, (double)d->length, pass->p->avgdl0) };
		if (w->listable && d->archived)
			heap_offer(w, pass->p, r);
		else
			w->seen++;
	}
}

static int lists_pass(struct nd_store *s, const struct list_params *p, struct build *b,
		      struct store_tokenizer *tok, struct nd_error *err)
{
	struct passing pass = { b, p };
	return each_doc(s, ST_TERMS_EVERY_ROW, tok, offer_doc, &pass, err,
			"cannot build the ranking tables");
}

/* The heaps of one pass hold at most this many bytes: the common words
 * of a larger archive take more passes, not more memory (a million files
 * have 4 200 of them: 67 MB in one pass). */
#define LISTS_PASS_BYTES (48u << 20)

/* The lists of n common words (ids[2k] its id, ids[2k + 1] its row count;
 * terms their texts, each after the other's NUL), in one pass. */
static int lists_group(struct nd_store *s, const struct list_params *p, const int64_t *ids,
		       const char *terms, size_t n, struct store_tokenizer *tok,
		       struct store_tokenizer *query_tok, struct nd_error *err)
{
	struct build b = { .words = nd_xcalloc(n, sizeof(*b.words)), .n = n };
	size_t size = 16;
	while (size < 2 * n)
		size *= 2;
	b.slots = nd_xcalloc(size, sizeof(*b.slots));
	b.mask = size - 1;
	const char *term = terms;
	for (size_t k = 0; k < n; k++, term += strlen(term) + 1) {
		struct build_word *w = &b.words[k];
		*w = (struct build_word){ .id = ids[2 * k], .docs = ids[2 * k + 1], .term = term,
					  .len = strlen(term) };
		w->listable = finds_itself(query_tok, term, w->len);
		if (w->listable)
			w->heap = nd_xmalloc((size_t)p->keep * sizeof(*w->heap));
		b.slots[build_slot(&b, term, w->len)] = k + 1;
	}
	int rc = lists_pass(s, p, &b, tok, err);
	for (size_t k = 0; k < n; k++) {
		struct build_word *w = &b.words[k];
		/* every row of the word seen, or its list could not be bounded */
		bool has = w->listable && w->seen == w->docs;
		if (has)
			qsort(w->heap, w->n, sizeof(*w->heap), by_weight);
		for (size_t j = 0; has && j < w->n && !rc; j++)
			rc = list_put(s, w->id, &w->heap[j], err);
		if (!rc)
			rc = term_set_list(s, w->id, has, &w->bound, has ? (int64_t)w->n : -1, NULL,
					   err);
		free(w->heap);
	}
	free(b.words);
	free(b.slots);
	return rc;
}

/* The lists of the n common words, in as many passes as their heaps need
 * (LISTS_PASS_BYTES). */
static int lists_build(struct nd_store *s, const struct list_params *p, const int64_t *ids,
		       const char *terms, size_t n, struct nd_error *err)
{
	if (n == 0)
		return ND_STORE_OK;
	struct store_tokenizer tok, query_tok;
	int opened = store_tokenizer_open(s->db, true, &tok);
	if (opened == SQLITE_OK)
		opened = store_tokenizer_open(s->db, true, &query_tok);
	else
		query_tok = (struct store_tokenizer){ 0 };
	if (opened != SQLITE_OK) {
		store_tokenizer_close(&tok);
		store_tokenizer_close(&query_tok);
		nd_error_set(err, 0, 0, "cannot build the ranking tables: no porter tokenizer");
		return ND_STORE_ERROR;
	}
	size_t per_pass = LISTS_PASS_BYTES / ((size_t)p->keep * sizeof(struct scored));
	if (per_pass == 0)
		per_pass = 1;
	int rc = ND_STORE_OK;
	const char *term = terms;
	for (size_t start = 0; start < n && !rc; start += per_pass) {
		size_t count = n - start < per_pass ? n - start : per_pass;
		rc = lists_group(s, p, ids + 2 * start, term, count, &tok, &query_tok, err);
		for (size_t k = 0; k < count; k++)
			term += strlen(term) + 1;
	}
	store_tokenizer_close(&tok);
	store_tokenizer_close(&query_tok);
	return rc;
}

int store_terms_rebuild(struct nd_store *s, struct nd_error *err)
{
	static const char *const steps[] = {
		"DELETE FROM main._newsdb_rank_lists",
		"DELETE FROM main._newsdb_terms",
		"DELETE FROM main._newsdb_term_counts",
		"DELETE FROM main._newsdb_meta WHERE key = 'rank_avgdl'",
		vocab_sql,
		/* FTS5 counts each word's rows itself, in one pass over the index */
		"INSERT INTO main._newsdb_term_counts (term, docs) SELECT term, doc FROM temp.newsdb_vocab",
	};
	store_terms_forget(s);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
		if (sqlite3_exec(s->db, steps[k], NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(s, err, "cannot build the ranking tables");
	struct list_params p;
	int rc = params_get(s, &p, err);
	sqlite3_stmt *st = rc ? NULL : store_stmt(s, ST_TERMS_FROM_COUNTS, err);
	if (st) {
		sqlite3_bind_int64(st, 1, p.min_docs);
		rc = store_finish(s, st, sqlite3_step(st), err, "cannot build the ranking tables");
	}
	st = rc ? NULL : store_stmt(s, ST_TERMS_COMMON, err);
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
	if (!rc)
		rc = lists_build(s, &p, (const int64_t *)ids.data, terms.data, n, err);
	nd_buf_release(&ids);
	nd_buf_release(&terms);
	return rc ? rc : store_meta_put(s, "rank_state", "ready", 0, err);
}

/* A row left out of a word's list that weighs more than the bound at one
 * of its points (a little slack: the bound was computed the same way). */
static bool above_bound(const struct scored *r, const struct rank_bound *bound, double avgdl0)
{
	struct rank_bound mine = { { 0 } };
	rank_bound_add(&mine, (double)r->freq, (double)r->length, avgdl0);
	for (int k = 0; k < RANK_BOUND_POINTS; k++)
		if (mine.w[k] > bound->w[k] * (1 + 1e-12))
			return true;
	return false;
}

static int64_t report_heavy(const char *term, const struct scored *r, nd_problem_fn fn, void *ctx)
{
	char detail[512];
	snprintf(detail, sizeof(detail),
		 "_newsdb_rank_lists: word '%s': article %lld weighs more than the bound of the rows left out of its list (rebuild with 'newsdb optimize')",
		 term, (long long)r->article);
	fn("ranking", detail, ctx);
	return 1;
}

/* Compares one word's list with its rows in the word index: every entry
 * is an archived row of the word with its real count and length, every
 * archived row left out weighs no more than the bound.  The number of problems, or a negative
 * status. */
static int64_t check_list(struct nd_store *s, int64_t term_id, const char *term,
			  const struct rank_bound *bound, int64_t listed, double avgdl0,
			  nd_problem_fn fn, void *ctx, struct nd_error *err)
{
	struct scored *rows = NULL;
	size_t n_rows = 0;
	int64_t all = term_rows(s, term, &rows, &n_rows, avgdl0, err);
	if (all < 0)
		return all;
	int64_t n = (int64_t)n_rows;
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
		for (; k < n && rows[k].article < article; k++)
			if (above_bound(&rows[k], bound, avgdl0))
				problems += report_heavy(term, &rows[k], fn, ctx);
		if (k < n && rows[k].article == article && rows[k].freq == sqlite3_column_int64(st, 1) &&
		    rows[k].length == sqlite3_column_int64(st, 2)) {
			k++;
			continue;
		}
		snprintf(detail, sizeof(detail),
			 "_newsdb_rank_lists: word '%s': the entry of article %lld does not match an archived row of the word index (rebuild with 'newsdb optimize')",
			 term, (long long)article);
		fn("ranking", detail, ctx);
		problems++;
		if (k < n && rows[k].article == article)
			k++;
	}
	for (; k < n; k++)
		if (above_bound(&rows[k], bound, avgdl0))
			problems += report_heavy(term, &rows[k], fn, ctx);
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
	struct rank_bound bound;
	bool has;
};

int64_t store_terms_check(struct nd_store *s, nd_problem_fn fn, void *ctx, struct nd_error *err)
{
	bool ready;
	int rc = store_rank_state(s, &ready, err);
	if (rc)
		return rc;
	/* pending tables (a bulk import's, before its end) are a state as good
	 * as any: searches do not use them, they score every match */
	if (!ready)
		return 0;
	if (sqlite3_exec(s->db, vocab_sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot check the ranking tables");
	int64_t problems = 0;
	char detail[512];
	struct list_params p;
	if ((rc = params_get(s, &p, err)))
		return rc;
	/* the row counts, against FTS5's own */
	sqlite3_stmt *st = store_stmt(s, ST_CHECK_TERMS, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, p.min_docs);
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
	if (!(st = store_stmt(s, ST_TERMS_COMMON, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, 0); /* all: a word can fall below the threshold */
	struct nd_buf rows = ND_BUF_INIT, terms = ND_BUF_INIT;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* id, term, docs, bound_half, bound, bound_double, listed */
		struct listed_word v = { .id = sqlite3_column_int64(st, 0),
					 .listed = sqlite3_column_int64(st, 6),
					 .has = sqlite3_column_type(st, 4) != SQLITE_NULL };
		for (int k = 0; k < RANK_BOUND_POINTS; k++)
			v.bound.w[k] = sqlite3_column_double(st, 3 + k);
		if (!v.has && sqlite3_column_type(st, 6) == SQLITE_NULL) {
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
		int64_t found = check_list(s, v.id, term, &v.bound, v.listed, p.avgdl0, fn, ctx, err);
		if (found < 0)
			rc = (int)found;
		else
			problems += found;
	}
	nd_buf_release(&rows);
	nd_buf_release(&terms);
	return rc ? rc : problems;
}
