/*
 * store_lists.c: the ranked page of a one-word query from the word's list
 * in the ranking tables (store_terms.c), without scoring every match.
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
 * text, and moves *at past it. */
static void read_quoted(const char *match, size_t *at, struct nd_buf *text)
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

/* The one word of a match expression that is a single quoted term ("w",
 * as query.c writes a plain word), as the index stores it; NULL for
 * anything else (phrases, prefixes, columns, operators). */
static char *single_word(struct nd_store *s, const char *match)
{
	size_t n = strlen(match), at = 0;
	if (n < 3 || match[0] != '"' || match[n - 1] != '"')
		return NULL;
	struct nd_buf text = ND_BUF_INIT;
	read_quoted(match, &at, &text);
	char *word = NULL;
	struct store_tokenizer tok = { 0 };
	if (at == n && store_tokenizer_open(s->db, true, &tok) == SQLITE_OK)
		word = one_word(&tok, &text);
	store_tokenizer_close(&tok);
	nd_buf_release(&text);
	return word;
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

/* The list's rows, scored as bm25 scores them, best first. */
static int64_t read_list(struct nd_store *s, const struct word_list *w, double idf, double avgdl,
			 struct listed **out, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_LIST_READ, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, w->id);
	size_t n = 0, cap = 1024;
	struct listed *v = nd_xmalloc(cap * sizeof(*v));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap)
			v = nd_xrealloc(v, (cap *= 2) * sizeof(*v));
		v[n].article = sqlite3_column_int64(st, 0);
		/* 0.0 + as FTS5 sums its phrases, so the score is its to the bit */
		v[n].score = 0.0 + idf * rank_tf((double)sqlite3_column_int64(st, 1),
						 (double)sqlite3_column_int64(st, 2), avgdl);
		n++;
	}
	int status = store_finish(s, st, rc, err, "search failed");
	if (status) {
		free(v);
		return status;
	}
	qsort(v, n, sizeof(*v), by_score);
	*out = v;
	return (int64_t)n;
}

/* Which of rows[from..to) pass the query's filters: passed[k] set for
 * those.  The filters are the search's own, row by row; without any, every
 * listed row passes (each is archived). */
static int filter_rows(struct nd_store *s, const struct nd_search_opts *o, const struct listed *rows,
		       size_t from, size_t to, bool *passed, struct nd_error *err)
{
	if (!store_query_has_filters(o->query)) {
		for (size_t k = from; k < to; k++)
			passed[k] = true;
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

int store_list_page(struct nd_store *s, const struct nd_search_opts *o, struct ranked_page *page,
		    struct nd_error *err)
{
	int64_t offset = o->offset > 0 ? o->offset : 0;
	if (o->limit <= 0 || !o->query->match)
		return 0;
	bool ready;
	int rc = store_rank_state(s, &ready, err);
	if (rc || !ready)
		return rc;
	char *word = single_word(s, o->query->match);
	if (!word)
		return 0;
	struct word_list w;
	rc = word_lookup(s, word, &w, err);
	free(word);
	if (rc || !w.has)
		return rc;
	int64_t n_rows;
	double avgdl, avgdl0;
	if ((rc = store_index_totals(s, &n_rows, &avgdl, err)) ||
	    (rc = store_meta_real(s, "rank_avgdl", &avgdl0, err)))
		return rc;
	if (n_rows < 1 || !(avgdl > 0) || !(avgdl0 > 0))
		return 0;
	double idf = rank_idf(n_rows, w.docs);
	double bound = idf * rank_bound_at(&w.bound, avgdl0, avgdl);
	bound *= 1 + 1e-9; /* rounding: ties at the bound go to the full ranking */

	struct listed *rows = NULL;
	int64_t n = read_list(s, &w, idf, avgdl, &rows, err);
	if (n < 0)
		return (int)n;
	size_t want = (size_t)(offset + o->limit);
	bool *passed = nd_xcalloc((size_t)n + 1, sizeof(bool));
	size_t found = 0, done = 0, chunk = FIRST_CHUNK, last = 0;
	int status = 0;
	/* filter in score order, a chunk at a time, until the page is full */
	while (found < want && done < (size_t)n && rows[done].score > bound) {
		size_t to = done + chunk < (size_t)n ? done + chunk : (size_t)n;
		if ((status = filter_rows(s, o, rows, done, to, passed, err)))
			break;
		for (; done < to && found < want; done++) {
			if (rows[done].score <= bound)
				break;
			if (passed[done])
				found++, last = done;
		}
		if (done < to && rows[done].score <= bound)
			break;
		chunk *= 2;
	}
	if (!status && found == want && rows[last].score > bound) {
		nd_buf_addc(page->ids, '[');
		size_t k = 0;
		for (size_t i = 0; i <= last; i++) {
			if (!passed[i])
				continue;
			if (k >= (size_t)offset)
				nd_buf_addf(page->ids, "%s[%lld,%.17g]", k > (size_t)offset ? "," : "",
					    (long long)rows[i].article, -rows[i].score);
			k++;
		}
		nd_buf_addc(page->ids, ']');
		status = 1;
	}
	free(passed);
	free(rows);
	return status;
}
