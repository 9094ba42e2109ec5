/*
 * store_lists.c: the ranked page of a one-word query, or of two words
 * joined by OR, from the words' lists in the ranking tables
 * (store_terms.c), without scoring every match.
 *
 * A common word matches a large share of the archive, and bm25 of one word
 * is the same idf times each row's term-frequency part.  The list holds the
 * archived rows where that part is highest (a page holds archived articles
 * first, and a common word has more of them than a page), and a bound for
 * every archived row left out: the highest part of any unlisted one at
 * half, once and twice the reference average length, from which
 * rank_bound_at (store_terms.c) bounds it at today's average.
 * The list's rows are scored exactly (count and length are in the list, the
 * word's row count in _newsdb_terms, the totals in FTS5's own record), then
 * filtered in score order; once the page is full of archived rows that
 * score above the bound, no unlisted row can enter it.  When the filters
 * leave too few, the search scores every match instead (store_topk.c).
 * Filters of providers and excluded words alone are sets of ids read once
 * (store_filter_sets.c); others are asked of each listed row in SQL.
 *
 * a OR b scores a row that holds one of the words as that word alone
 * scores it, and a row that holds both as the sum.  The rows with both are
 * few (the AND of two common words), and FTS5 finds and store_topk.c
 * scores them all; every other row holds one word, so the word's list and
 * bound rank it.  The candidates are both lists and the rows with both;
 * the bound is the higher of the two words' bounds.
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"

/* Rows filtered in one statement at first; doubled each round. */
#define FIRST_CHUNK 64

struct listed {
	int64_t article;
	double score;
};

static int by_score(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->article < y->article ? -1 : x->article > y->article;
}

/* Reads the quoted string at match[*at] ('"', with '""' for a quote) into
 * text, and moves *at past it; false if it is not closed. */
static bool read_quoted(const char *match, size_t *at, struct nd_buf *text)
{
	size_t i = *at + 1;
	for (; match[i]; i++) {
		if (match[i] == '"') {
			if (match[i + 1] != '"')
				break;
			i++;
		}
		nd_buf_addc(text, match[i]);
	}
	*at = match[i] ? i + 1 : i;
	return match[i] != '\0';
}

/* The word a phrase's text is in the index, if it is one word (NULL when
 * the tokenizer makes none or several of it). */
static char *one_word(struct store_tokenizer *tok, const struct nd_buf *text)
{
	struct nd_buf tokens = ND_BUF_INIT;
	int rc = store_tokenize(tok, true, nd_buf_str(text), (int)text->len, store_collect_token,
				&tokens);
	/* one token: the tokens are NUL-terminated, one after another */
	if (rc != SQLITE_OK || tokens.len == 0 || strlen(tokens.data) + 1 != tokens.len) {
		nd_buf_release(&tokens);
		return NULL;
	}
	return nd_buf_detach(&tokens);
}

/* The words of a match expression this file ranks: a single quoted term
 * ("w", as query.c writes a plain word) or two of them joined by OR
 * (("a" OR "b")), each as the index stores it, and for two words their
 * AND ("a" AND "b").  0 for anything else (phrases, prefixes, columns,
 * other operators, a word twice). */
struct list_query {
	int n;
	char *word[2];
	char *both;
};

static void list_query_release(struct list_query *q)
{
	free(q->word[0]);
	free(q->word[1]);
	free(q->both);
}

static int list_words(struct nd_store *s, const char *match, struct list_query *q)
{
	*q = (struct list_query){ 0 };
	size_t n = strlen(match), at = 0, end = n;
	bool pair = n > 2 && match[0] == '(' && match[n - 1] == ')';
	if (pair)
		at = 1, end = n - 1;
	struct store_tokenizer tok = { 0 };
	if (store_tokenizer_open(s->db, true, &tok) != SQLITE_OK) {
		store_tokenizer_close(&tok);
		return 0;
	}
	struct nd_buf text = ND_BUF_INIT;
	size_t starts[2] = { 0 }, ends[2] = { 0 };
	for (int k = 0; k < (pair ? 2 : 1); k++) {
		if (k == 1) {
			if (strncmp(match + at, " OR ", 4) != 0)
				break;
			at += 4;
		}
		if (at >= end || match[at] != '"')
			break;
		starts[k] = at;
		nd_buf_reset(&text);
		bool closed = read_quoted(match, &at, &text);
		ends[k] = at;
		if (!closed || at > end || !(q->word[k] = one_word(&tok, &text)))
			break;
		q->n = k + 1;
	}
	store_tokenizer_close(&tok);
	nd_buf_release(&text);
	if (at != end || q->n != (pair ? 2 : 1) ||
	    (pair && strcmp(q->word[0], q->word[1]) == 0)) {
		list_query_release(q);
		*q = (struct list_query){ 0 };
		return 0;
	}
	if (pair) {
		struct nd_buf both = ND_BUF_INIT;
		nd_buf_addf(&both, "%.*s AND %.*s", (int)(ends[0] - starts[0]), match + starts[0],
			    (int)(ends[1] - starts[1]), match + starts[1]);
		q->both = nd_buf_detach(&both);
	}
	return q->n;
}

struct word_list {
	int64_t id, docs;
	struct rank_bound bound;
	bool has;
};

static int word_lookup(struct nd_store *s, const char *word, struct word_list *w,
		       struct nd_error *err)
{
	*w = (struct word_list){ .has = false };
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_TERM_GET, word, &st, err, "search failed");
	/* id, docs, bound_half, bound, bound_double, listed */
	w->has = rc == 1 && sqlite3_column_type(st, 3) != SQLITE_NULL;
	if (w->has) {
		w->id = sqlite3_column_int64(st, 0);
		w->docs = sqlite3_column_int64(st, 1);
		for (int k = 0; k < RANK_BOUND_POINTS; k++)
			w->bound.w[k] = sqlite3_column_double(st, 2 + k);
	}
	return rc == 1 ? store_done(st) : rc;
}

/* Appends the list's rows to *v (*n of *cap), scored as bm25 scores them
 * (the word as the query's only phrase). */
static int read_list(struct nd_store *s, const struct word_list *w, double idf, double avgdl,
		     struct listed **v, size_t *n, size_t *cap, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_LIST_READ, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, w->id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == *cap)
			*v = nd_xrealloc(*v, (*cap = *cap ? 2 * *cap : 1024) * sizeof(**v));
		(*v)[*n].article = sqlite3_column_int64(st, 0);
		/* 0.0 + as FTS5 sums its phrases, so the score is its to the bit
		 * (a phrase a row does not hold adds 0.0) */
		(*v)[*n].score = 0.0 + idf * rank_tf((double)sqlite3_column_int64(st, 1),
						     (double)sqlite3_column_int64(st, 2), avgdl);
		(*n)++;
	}
	return store_finish(s, st, rc, err, "search failed");
}

static int by_article(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The rows that hold both words of a OR b, scored by store_topk.c with
 * the words' row counts: each listed row among them takes that score (it
 * had one word's alone), and the archived ones not listed are added. */
static int add_both(struct nd_store *s, const char *both, const struct word_list *w,
		    struct listed **v, size_t *n, size_t *cap, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_RANK_CANDIDATES_PLAIN, err);
	if (!st)
		return ND_STORE_ERROR;
	double counts[2] = { (double)w[0].docs, (double)w[1].docs };
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":match"), both, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, sqlite3_bind_parameter_index(st, ":counts"), counts, sizeof(counts),
			  SQLITE_STATIC);
	struct scored_row *rows;
	size_t n_rows;
	int rc = store_score_all(s, st, &rows, &n_rows, err);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc)
		return rc;
	int64_t *ids = nd_xmalloc((n_rows + 1) * sizeof(*ids));
	for (size_t k = 0; k < n_rows; k++)
		ids[k] = rows[k].id;
	qsort(ids, n_rows, sizeof(*ids), by_article);
	size_t kept = 0;
	for (size_t k = 0; k < *n; k++)
		if (!bsearch(&(*v)[k].article, ids, n_rows, sizeof(*ids), by_article))
			(*v)[kept++] = (*v)[k];
	*n = kept;
	for (size_t k = 0; k < n_rows; k++) {
		if (!rows[k].archived)
			continue;
		if (*n == *cap)
			*v = nd_xrealloc(*v, (*cap = *cap ? 2 * *cap : 1024) * sizeof(**v));
		(*v)[(*n)++] = (struct listed){ rows[k].id, rows[k].score };
	}
	free(ids);
	free(rows);
	return ND_STORE_OK;
}

/* Which of rows[from..to) pass the query's filters: passed[k] set for
 * those.  The filters are the search's own, row by row, or the sets when
 * there are; without any filter, every listed row passes (each is
 * archived). */
static int filter_rows(struct nd_store *s, const struct nd_search_opts *o,
		       const struct store_filter_sets *sets, const struct listed *rows, size_t from,
		       size_t to, bool *passed, struct nd_error *err)
{
	if (!store_query_has_filters(o->query) || sets) {
		for (size_t k = from; k < to; k++)
			passed[k] = !sets || store_filter_sets_pass(sets, rows[k].article);
		return ND_STORE_OK;
	}
	sqlite3_stmt *st = store_stmt(s, ST_LIST_FILTER, err);
	if (!st)
		return ND_STORE_ERROR;
	struct nd_buf ids = ND_BUF_INIT;
	nd_buf_addc(&ids, '[');
	for (size_t k = from; k < to; k++)
		nd_buf_addf(&ids, "%s%lld", k > from ? "," : "", (long long)rows[k].article);
	nd_buf_addc(&ids, ']');
	store_bind_query(s, st, o);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":ids"), ids.data, (int)ids.len,
			  SQLITE_TRANSIENT);
	nd_buf_release(&ids);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t k = sqlite3_column_int64(st, 0);
		if (k >= 0 && (size_t)k < to - from)
			passed[from + (size_t)k] = true;
	}
	return store_finish(s, st, rc, err, "search failed");
}

/* The rows, best first, filtered in score order a chunk at a time until
 * `want` pass or a row is not above the bound: *found of them passed, the
 * last at *last. */
struct page_rows {
	const struct listed *rows;
	size_t n, want, found, last;
	double bound;
	bool *passed;
};

static int fill_page(struct nd_store *s, const struct nd_search_opts *o,
		     const struct store_filter_sets *sets, struct page_rows *p, struct nd_error *err)
{
	const struct listed *rows = p->rows;
	size_t done = 0, chunk = FIRST_CHUNK;
	int status = 0;
	p->found = p->last = 0;
	memset(p->passed, 0, (p->n + 1) * sizeof(bool));
	while (p->found < p->want && done < p->n && rows[done].score > p->bound) {
		size_t to = done + chunk < p->n ? done + chunk : p->n;
		if ((status = filter_rows(s, o, sets, rows, done, to, p->passed, err)))
			break;
		for (; done < to && p->found < p->want; done++) {
			if (rows[done].score <= p->bound)
				break;
			if (p->passed[done])
				p->found++, p->last = done;
		}
		if (done < to && rows[done].score <= p->bound)
			break;
		chunk *= 2;
	}
	return status;
}

int store_known_counts(struct nd_store *s, const char *match, struct nd_buf *out, struct nd_error *err)
{
	bool ready;
	int rc = store_rank_state(s, &ready, err);
	struct store_tokenizer tok;
	if (rc || !ready || !match || store_tokenizer_open(s->db, true, &tok) != SQLITE_OK)
		return rc;
	struct nd_buf text = ND_BUF_INIT;
	for (size_t at = 0; match[at] && !rc;) {
		if (match[at] != '"') {
			at++;
			continue;
		}
		/* a column filter (title : "w") or an initial-token mark (^"w")
		 * counts other rows than the word's: FTS5 counts those itself */
		size_t before = at;
		while (before > 0 && match[before - 1] == ' ')
			before--;
		bool plain = before == 0 || (match[before - 1] != ':' && match[before - 1] != '^');
		nd_buf_reset(&text);
		read_quoted(match, &at, &text);
		plain = plain && match[at] != '*';
		double count = -1;
		char *word = plain ? one_word(&tok, &text) : NULL;
		if (word) {
			struct word_list w;
			if (!(rc = word_lookup(s, word, &w, err)) && w.has)
				count = (double)w.docs;
			free(word);
		}
		nd_buf_add(out, &count, sizeof(count));
	}
	nd_buf_release(&text);
	store_tokenizer_close(&tok);
	return rc;
}

int store_list_page(struct nd_store *s, const struct nd_search_opts *o,
		    const struct store_filter_sets *sets, struct ranked_page *page,
		    struct nd_error *err)
{
	int64_t offset = o->offset > 0 ? o->offset : 0;
	if (o->limit <= 0 || !o->query->match)
		return 0;
	bool ready;
	int rc = store_rank_state(s, &ready, err);
	if (rc || !ready)
		return rc;
	struct list_query q;
	if (!list_words(s, o->query->match, &q))
		return 0;
	/* a word without a list (a rare one) or no totals: the full ranking */
	struct word_list w[2];
	bool listed = true;
	for (int k = 0; k < q.n && listed && !rc; k++)
		listed = !(rc = word_lookup(s, q.word[k], &w[k], err)) && w[k].has;
	int64_t n_rows = 0;
	double avgdl = 0, avgdl0 = 0;
	if (listed && !(rc = store_index_totals(s, &n_rows, &avgdl, err)))
		rc = store_meta_real(s, "rank_avgdl", &avgdl0, err);
	if (rc || !listed || n_rows < 1 || !(avgdl > 0) || !(avgdl0 > 0)) {
		list_query_release(&q);
		return rc;
	}
	/* every unlisted archived row holds one word (or the page took it
	 * from the rows with both): the higher bound is theirs */
	double bound = 0;
	struct listed *rows = NULL;
	size_t n = 0, cap = 0;
	for (int k = 0; k < q.n && !rc; k++) {
		double idf = rank_idf(n_rows, w[k].docs);
		double b = idf * rank_bound_at(&w[k].bound, avgdl0, avgdl);
		bound = b > bound ? b : bound;
		rc = read_list(s, &w[k], idf, avgdl, &rows, &n, &cap, err);
	}
	if (rc) {
		list_query_release(&q);
		free(rows);
		return rc;
	}
	bound *= 1 + 1e-9; /* rounding: ties at the bound go to the full ranking */
	const struct nd_query *qq = o->query;
	struct page_rows p = { .want = (size_t)(offset + o->limit), .bound = bound };
	if (n) /* rows is NULL when both lists are empty */
		qsort(rows, n, sizeof(*rows), by_score);
	p.rows = rows, p.n = n, p.passed = nd_xcalloc(n + 1, sizeof(bool));
	/* filtered: the rows with both words are found only if the lists
	 * alone (each row's score at least its word's) fill half the page,
	 * since a filter that leaves too few sends the search to the full
	 * ranking, and finding them costs as much as the lists */
	const struct store_filter_sets *set = sets && sets->complete ? sets : NULL;
	bool go = true;
	if (!rc && q.both && store_query_has_filters(qq) && !(rc = fill_page(s, o, set, &p, err)))
		go = p.found >= (p.want + 1) / 2;
	if (!rc && go && q.both)
		rc = add_both(s, q.both, w, &rows, &n, &cap, err);
	p.found = 0;
	if (!rc && go) {
		if (n)
			qsort(rows, n, sizeof(*rows), by_score);
		free(p.passed);
		p.rows = rows, p.n = n, p.passed = nd_xcalloc(n + 1, sizeof(bool));
		rc = fill_page(s, o, set, &p, err);
	}
	list_query_release(&q);
	int status = rc;
	if (!status && p.found == p.want && rows[p.last].score > bound) {
		nd_buf_addc(page->ids, '[');
		size_t k = 0;
		for (size_t i = 0; i <= p.last; i++) {
			if (!p.passed[i])
				continue;
			if (k >= (size_t)offset)
				nd_buf_addf(page->ids, "%s[%lld,%.17g]", k > (size_t)offset ? "," : "",
					    (long long)rows[i].article, -rows[i].score);
			k++;
		}
		nd_buf_addc(page->ids, ']');
		status = 1;
	}
	free(p.passed);
	free(rows);
	return status;
}
