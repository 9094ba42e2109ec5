/*
 * store_snippet.c: nd_snippet(match, title, excerpt, body, open, close,
 * ellipsis, tokens), an SQL function that makes a hit's snippet from its
 * stored text exactly as FTS5's snippet(articles_fts, -1, open, close,
 * ellipsis, tokens) makes it for the same match expression.
 *
 * Through FTS5, a page's snippets cost a query of the word index per hit
 * (the match looked up again at that row), and for a prefix, the lists of
 * every word it covers merged once more: a third of a plain search's time,
 * half of a prefix's.  Here the hit's columns are tokenized by the index's
 * own tokenizer and the phrases found in them.
 *
 * That is exact only for expressions whose phrases have instances wherever
 * their tokens stand in a matching row: the shape query.c writes
 * (store_expr.c).  store_snippet_understood() tells; anything else (a --raw
 * query with NEAR, NOT, nesting or other columns) keeps FTS5's snippet().
 *
 * The choice of the fragment and its highlighting follow FTS5's snippet()
 * (fts5_aux.c) step for step: each instance's window scored 1000 for each
 * phrase it holds and 1 for each repeat, centred on its instances, or
 * started at the sentence before it for a bonus of 100 (120 at the start of
 * the column); the best column and window win, earlier ones on ties;
 * overlapping instances are highlighted as one.  tests/e2e/test_snippet.py
 * compares the two over random queries.
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define N_COLUMNS 3

struct phrase {
	size_t first; /* its tokens are words[first .. first + n) */
	int n;
	bool prefix;     /* the last token is a prefix */
	bool title_only; /* `title :` */
};

/* A column's tokens: bytes of each in `bytes`, where it stands in the
 * text, and the tokens that begin a sentence. */
struct column {
	const char *text; /* NULL for SQL NULL */
	int len;
	int n;
	struct nd_buf bytes;
	size_t *at;    /* token k is bytes.data + at[k], size[k] bytes */
	int *size, *start, *end;
	size_t cap;
	int *firsts;
	int n_firsts;
	size_t firsts_cap;
};

struct instance {
	int phrase, col, off;
};

struct snippet_query {
	struct phrase *phrases;
	int n_phrases;
	struct nd_buf words; /* phrase tokens, NUL-terminated, one after another */
	size_t *word_at;
	int *word_len;
	size_t n_words;
	struct store_tokenizer tok;
	/* per row, kept for the next */
	struct column cols[N_COLUMNS];
	struct instance *inst;
	size_t n_inst, inst_cap;
	unsigned char *seen;
};

/* --- the expression ------------------------------------------------------ */

struct word_sink {
	struct snippet_query *q;
	int n;
};

static int add_word(void *ctx, const char *token, int len)
{
	struct word_sink *w = ctx;
	struct snippet_query *q = w->q;
	q->word_at = nd_xrealloc(q->word_at, (q->n_words + 1) * sizeof(*q->word_at));
	q->word_len = nd_xrealloc(q->word_len, (q->n_words + 1) * sizeof(*q->word_len));
	q->word_at[q->n_words] = q->words.len;
	q->word_len[q->n_words] = len;
	q->n_words++;
	nd_buf_add(&q->words, token, (size_t)len);
	nd_buf_addc(&q->words, '\0');
	w->n++;
	return SQLITE_OK;
}

/* A phrase of the expression, its tokens as the index's tokenizer makes
 * them of the query's text. */
static bool add_phrase(void *ctx, const char *text, size_t len, bool prefix, bool title_only)
{
	struct snippet_query *q = ctx;
	struct word_sink sink = { q, 0 };
	q->phrases = nd_xrealloc(q->phrases, ((size_t)q->n_phrases + 1) * sizeof(*q->phrases));
	struct phrase *ph = &q->phrases[q->n_phrases++];
	*ph = (struct phrase){ .first = q->n_words, .prefix = prefix, .title_only = title_only };
	bool ok = store_tokenize(&q->tok, true, text, (int)len, add_word, &sink) == SQLITE_OK;
	ph->n = sink.n;
	return ok;
}

bool store_snippet_understood(const char *match)
{
	return store_expr_parse(match, NULL, NULL) >= 0;
}

static void query_free(void *p)
{
	struct snippet_query *q = p;
	if (!q)
		return;
	store_tokenizer_close(&q->tok);
	free(q->phrases);
	nd_buf_release(&q->words);
	free(q->word_at);
	free(q->word_len);
	for (int c = 0; c < N_COLUMNS; c++) {
		struct column *col = &q->cols[c];
		nd_buf_release(&col->bytes);
		free(col->at);
		free(col->size);
		free(col->start);
		free(col->end);
		free(col->firsts);
	}
	free(q->inst);
	free(q->seen);
	free(q);
}

static struct snippet_query *query_new(sqlite3 *db, const char *match)
{
	struct snippet_query *q = nd_xcalloc(1, sizeof(*q));
	if (store_tokenizer_open(db, true, &q->tok) != SQLITE_OK ||
	    store_expr_parse(match, add_phrase, q) < 0) {
		query_free(q);
		return NULL;
	}
	q->seen = nd_xcalloc((size_t)q->n_phrases + 1, 1);
	return q;
}

/* --- a row --------------------------------------------------------------- */

static void add_first(struct column *col, int pos)
{
	if ((size_t)col->n_firsts == col->firsts_cap) {
		col->firsts_cap = col->firsts_cap ? 2 * col->firsts_cap : 64;
		col->firsts = nd_xrealloc(col->firsts, col->firsts_cap * sizeof(*col->firsts));
	}
	col->firsts[col->n_firsts++] = pos;
}

/* A token begins a sentence if it is the first, or if the last byte before
 * it that is not white space is '.' or ':' and white space stands between. */
static bool starts_sentence(const struct column *col, int start)
{
	int i = start - 1;
	char c = 0;
	for (; i >= 0; i--) {
		c = col->text[i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
	}
	return i != start - 1 && (c == '.' || c == ':');
}

static int add_token(void *ctx, const char *token, int len, int start, int end)
{
	struct column *col = ctx;
	if ((size_t)col->n == col->cap) {
		col->cap = col->cap ? 2 * col->cap : 256;
		col->at = nd_xrealloc(col->at, col->cap * sizeof(*col->at));
		col->size = nd_xrealloc(col->size, col->cap * sizeof(*col->size));
		col->start = nd_xrealloc(col->start, col->cap * sizeof(*col->start));
		col->end = nd_xrealloc(col->end, col->cap * sizeof(*col->end));
	}
	if (col->n == 0 || starts_sentence(col, start))
		add_first(col, col->n);
	col->at[col->n] = col->bytes.len;
	col->size[col->n] = len;
	col->start[col->n] = start;
	col->end[col->n] = end;
	nd_buf_add(&col->bytes, token, (size_t)len);
	col->n++;
	return SQLITE_OK;
}

static bool token_is(const struct snippet_query *q, const struct column *col, int pos, size_t word,
		     bool prefix)
{
	int n = q->word_len[word];
	int have = col->size[pos];
	if (prefix ? have < n : have != n)
		return false;
	return memcmp(col->bytes.data + col->at[pos], q->words.data + q->word_at[word],
		      (size_t)n) == 0;
}

static bool phrase_at(const struct snippet_query *q, const struct phrase *ph,
		      const struct column *col, int pos)
{
	if (ph->n == 0 || pos + ph->n > col->n)
		return false;
	for (int j = 0; j < ph->n; j++)
		if (!token_is(q, col, pos + j, ph->first + (size_t)j, ph->prefix && j == ph->n - 1))
			return false;
	return true;
}

static void add_instance(struct snippet_query *q, int phrase, int col, int off)
{
	if (q->n_inst == q->inst_cap) {
		q->inst_cap = q->inst_cap ? 2 * q->inst_cap : 64;
		q->inst = nd_xrealloc(q->inst, q->inst_cap * sizeof(*q->inst));
	}
	q->inst[q->n_inst++] = (struct instance){ phrase, col, off };
}

/* Tokenizes the row's columns and lists its phrase instances in FTS5's
 * order: by column, then position, then phrase. */
static int read_row(struct snippet_query *q, sqlite3_value **texts)
{
	q->n_inst = 0;
	for (int c = 0; c < N_COLUMNS; c++) {
		struct column *col = &q->cols[c];
		col->text = (const char *)sqlite3_value_text(texts[c]);
		col->len = col->text ? sqlite3_value_bytes(texts[c]) : 0;
		col->n = 0;
		col->n_firsts = 0;
		nd_buf_reset(&col->bytes);
		int rc = store_tokenize_spans(&q->tok, col->text, col->len, add_token, col);
		if (rc != SQLITE_OK)
			return rc;
		for (int pos = 0; pos < col->n; pos++)
			for (int k = 0; k < q->n_phrases; k++) {
				const struct phrase *ph = &q->phrases[k];
				if ((!ph->title_only || c == 0) && phrase_at(q, ph, col, pos))
					add_instance(q, k, c, pos);
			}
	}
	return SQLITE_OK;
}

/* --- the fragment -------------------------------------------------------- */

/* The score of the window of `n_tokens` from `pos` in column `c`, and where
 * a window centred on its instances would start. */
static int window_score(struct snippet_query *q, int c, int pos, int n_tokens, int *adjusted)
{
	memset(q->seen, 0, (size_t)q->n_phrases);
	int score = 0, first = -1, last = 0;
	int64_t end = (int64_t)pos + n_tokens;
	for (size_t i = 0; i < q->n_inst; i++) {
		const struct instance *in = &q->inst[i];
		if (in->col != c || in->off < pos || in->off >= end)
			continue;
		score += q->seen[in->phrase] ? 1 : 1000;
		q->seen[in->phrase] = 1;
		if (first < 0)
			first = in->off;
		last = in->off + q->phrases[in->phrase].n;
	}
	if (adjusted) {
		int64_t adj = first - (n_tokens - (last - first)) / 2;
		if (adj + n_tokens > q->cols[c].n)
			adj = q->cols[c].n - n_tokens;
		if (adj < 0)
			adj = 0;
		*adjusted = (int)adj;
	}
	return score;
}

struct best {
	int score, col, start;
};

static void choose_fragment(struct snippet_query *q, int n_tokens, struct best *b)
{
	*b = (struct best){ 0, 0, 0 };
	for (int c = 0; c < N_COLUMNS; c++) {
		const struct column *col = &q->cols[c];
		for (size_t i = 0; i < q->n_inst; i++) {
			int off = q->inst[i].off, adj;
			if (q->inst[i].col != c)
				continue;
			int score = window_score(q, c, off, n_tokens, &adj);
			if (score > b->score)
				*b = (struct best){ score, c, adj };
			if (col->n_firsts == 0 || col->n <= n_tokens)
				continue;
			/* the sentence the instance is in */
			int jj = 0;
			while (jj < col->n_firsts - 1 && col->firsts[jj + 1] <= off)
				jj++;
			int from = col->firsts[jj];
			if (from >= off)
				continue;
			score = window_score(q, c, from, n_tokens, NULL) + (from == 0 ? 120 : 100);
			if (score > b->score)
				*b = (struct best){ score, c, from };
		}
	}
}

/* Overlapping instances of one column, highlighted as one. */
struct run_iter {
	const struct snippet_query *q;
	int col;
	size_t next;
	int start, end; /* -1, -1 at the end */
};

static void run_next(struct run_iter *it)
{
	it->start = it->end = -1;
	for (; it->next < it->q->n_inst; it->next++) {
		const struct instance *in = &it->q->inst[it->next];
		if (in->col != it->col)
			continue;
		int end = in->off - 1 + it->q->phrases[in->phrase].n;
		if (it->start < 0) {
			it->start = in->off;
			it->end = end;
		} else if (in->off <= it->end) {
			if (end > it->end)
				it->end = end;
		} else {
			break;
		}
	}
}

struct marks {
	const char *open, *close, *ellipsis;
};

static void highlight(const struct snippet_query *q, const struct best *b, int n_tokens,
		      const struct marks *m, struct nd_buf *out)
{
	const struct column *col = &q->cols[b->col];
	struct run_iter it = { q, b->col, 0, -1, -1 };
	run_next(&it);
	int range_start = b->start, range_end = b->start + n_tokens - 1;
	if (b->start > 0)
		nd_buf_adds(out, m->ellipsis);
	while (it.start >= 0 && it.start < b->start)
		run_next(&it);
	int off = 0;
	for (int pos = 0; pos < col->n; pos++) {
		int start = col->start[pos], end = col->end[pos];
		if (pos < range_start || pos > range_end)
			continue;
		/* from the column's start, what precedes the first token too */
		if (range_start && pos == range_start)
			off = start;
		if (pos == it.start) {
			nd_buf_add(out, col->text + off, (size_t)(start - off));
			nd_buf_adds(out, m->open);
			off = start;
		}
		if (pos == it.end) {
			nd_buf_add(out, col->text + off, (size_t)(end - off));
			nd_buf_adds(out, m->close);
			off = end;
			run_next(&it);
		}
		if (pos == range_end) {
			nd_buf_add(out, col->text + off, (size_t)(end - off));
			off = end;
			if (pos >= it.start && pos < it.end)
				nd_buf_adds(out, m->close);
		}
	}
	if (range_end >= col->n - 1)
		nd_buf_add(out, col->text + off, (size_t)(col->len - off));
	else
		nd_buf_adds(out, m->ellipsis);
}

static const char *text_or_empty(sqlite3_value *v)
{
	const char *s = (const char *)sqlite3_value_text(v);
	return s ? s : "";
}

static void snippet_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct snippet_query *q = sqlite3_get_auxdata(ctx, 0);
	if (!q) {
		const char *match = (const char *)sqlite3_value_text(argv[0]);
		if (!match || !(q = query_new(sqlite3_context_db_handle(ctx), match))) {
			sqlite3_result_error(ctx, "nd_snippet: not an expression it understands", -1);
			return;
		}
		sqlite3_set_auxdata(ctx, 0, q, query_free);
		/* SQLite may have freed it at once (out of memory) */
		if (!(q = sqlite3_get_auxdata(ctx, 0))) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	struct marks m = { text_or_empty(argv[4]), text_or_empty(argv[5]), text_or_empty(argv[6]) };
	int n_tokens = sqlite3_value_int(argv[7]);
	/* FTS5 (3.40) shows a whole column for one token; never asked here */
	if (n_tokens < 2) {
		sqlite3_result_error(ctx, "nd_snippet: at least two tokens", -1);
		return;
	}
	int rc = read_row(q, argv + 1);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	struct best b;
	choose_fragment(q, n_tokens, &b);
	if (!q->cols[b.col].text) {
		sqlite3_result_null(ctx);
		return;
	}
	struct nd_buf out = ND_BUF_INIT;
	highlight(q, &b, n_tokens, &m, &out);
	sqlite3_result_text(ctx, nd_buf_str(&out), (int)out.len, SQLITE_TRANSIENT);
	nd_buf_release(&out);
}

int store_register_snippet(sqlite3 *db)
{
	return sqlite3_create_function(db, "nd_snippet", 8, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
				       snippet_fn, NULL, NULL);
}
