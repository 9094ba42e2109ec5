/*
 * store_search.c: running a translated query (struct nd_query) against the
 * word index, the trigram index and the filters: one prepared statement per
 * sort order, or for ranking, the candidates, store_topk.c's choice of the
 * page, and the page's hits.
 */
#include "store_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The trigram index finds substrings of three characters or more; shorter
 * ones are checked with instr() over the rows the rest of the query keeps. */
#define TRIGRAM_MIN_CHARS 3

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void json_array(struct nd_buf *b, char *const *items, size_t n)
{
	nd_buf_addc(b, '[');
	for (size_t k = 0; k < n; k++) {
		if (k)
			nd_buf_addc(b, ',');
		nd_json_add_string(b, items[k], strlen(items[k]));
	}
	nd_buf_addc(b, ']');
}

/* Splits the CJK substrings between the trigram index and the ones shorter
 * than a trigram: a JSON array of those, and in short_list (room for
 * q->n_substrings) the same; returns how many. */
static size_t split_substrings(const struct nd_query *q, struct nd_buf *trigram,
			       struct nd_buf *shorts, const char **short_list)
{
	size_t n_short = 0;
	for (size_t k = 0; k < q->n_substrings; k++) {
		const char *term = q->substrings[k];
		if (utf8_chars(term) >= TRIGRAM_MIN_CHARS) {
			char *quoted = nd_query_quote_term(term);
			if (trigram->len)
				nd_buf_adds(trigram, " AND ");
			nd_buf_adds(trigram, quoted);
			free(quoted);
		} else {
			nd_buf_adds(shorts, n_short ? "," : "[");
			nd_json_add_string(shorts, term, strlen(term));
			short_list[n_short++] = term;
		}
	}
	if (n_short)
		nd_buf_addc(shorts, ']');
	return n_short;
}

/* The one trigram-index expression whose rows are exactly those that hold
 * every CJK substring: the longer ones' `trigram` and the short ones'
 * `match` (store_shorts.c), or NULL when some short one cannot be looked up
 * so (`rest`) or there is no substring.  Freed by the caller. */
static char *cjk_expression(const struct nd_buf *trigram, const char *match, const char *rest)
{
	if (rest || (!trigram->len && !match))
		return NULL;
	struct nd_buf b = ND_BUF_INIT;
	if (trigram->len)
		nd_buf_addf(&b, "(%s)", trigram->data);
	if (match)
		nd_buf_addf(&b, "%s(%s)", trigram->len ? " AND " : "", match);
	return nd_buf_detach(&b);
}

/* The same for q's substrings. */
static char *cjk_driver(struct nd_store *s, const struct nd_query *q)
{
	if (!q->n_substrings)
		return NULL;
	struct nd_buf trigram = ND_BUF_INIT, shorts = ND_BUF_INIT;
	const char **short_list = nd_xcalloc(q->n_substrings + 1, sizeof(*short_list));
	size_t n_short = split_substrings(q, &trigram, &shorts, short_list);
	const char *rest = NULL, *match = store_short_match(s, short_list, n_short, &rest);
	char *out = cjk_expression(&trigram, match, rest);
	free(short_list);
	nd_buf_release(&trigram);
	nd_buf_release(&shorts);
	return out;
}

/* Whether the rows of the trigram expression are few enough to drive a
 * search by date (read them all, then sort) rather than walking the
 * articles by date until the page is full.  The walk tests about
 * page × articles / rows articles, a few times cheaper each than reading a
 * row and its article and sorting it: driving pays below about
 * √(6 × articles) rows.  Another filter (a provider, a topic, dates, a
 * word left out) makes the walk's hits rarer still, and the rows with CJK
 * text are few against the archive: those always drive. */
static bool cjk_rows_few(struct nd_store *s, const char *expr)
{
	int64_t n_rows;
	double avgdl;
	struct nd_error err;
	if (store_index_totals(s, &n_rows, &avgdl, &err) != ND_STORE_OK)
		return false;
	int64_t few = (int64_t)sqrt(6.0 * (double)(n_rows > 0 ? n_rows : 0));
	sqlite3_stmt *st = store_stmt(s, ST_TRIGRAM_COUNT, &err);
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, few + 1);
	bool ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) <= few;
	sqlite3_reset(st);
	return ok;
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *value)
{
	int k = sqlite3_bind_parameter_index(st, name);
	if (k == 0)
		return;
	if (value && *value)
		sqlite3_bind_text(st, k, value, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, k);
}

/* Ranked without --dedupe goes through store_topk.c; with it, through
 * store_dedupe.c (which falls back to one statement while the facet blocks
 * are pending); everything else is one statement. */
static bool ranks_page_itself(const struct nd_search_opts *o)
{
	return o->query->match && o->sort == ND_SORT_RANK && !o->dedupe;
}

bool store_query_has_filters(const struct nd_query *q)
{
	return q->exclude || q->n_providers || q->n_topics || q->n_substrings || q->since[0] ||
	       q->until[0];
}

/* The candidates of a ranked search: without filters, a statement without
 * them (a search of a rare word takes less time than preparing the one
 * with every filter). */
static enum stmt_id candidates_statement(const struct nd_query *q)
{
	return !store_query_has_filters(q)	  ? ST_RANK_CANDIDATES_PLAIN
	       : q->since[0] || q->until[0] ? ST_RANK_CANDIDATES_FILTERED
					    : ST_RANK_CANDIDATES;
}

static enum stmt_id pick_statement(struct nd_store *s, const struct nd_search_opts *o)
{
	const struct nd_query *q = o->query;
	bool d = o->dedupe;
	/* a prefix: the page's snippets in one pass (store_sql.c, PAGE_HITS_SCAN) */
	bool p = q->has_prefix;
	if (q->match) {
		switch (o->sort) {
		case ND_SORT_DATE_DESC:
			return d ? (p ? ST_SEARCH_DATE_DESC_DEDUPE_SCAN : ST_SEARCH_DATE_DESC_DEDUPE)
				 : (p ? ST_SEARCH_DATE_DESC_SCAN : ST_SEARCH_DATE_DESC);
		case ND_SORT_DATE_ASC:
			return d ? (p ? ST_SEARCH_DATE_ASC_DEDUPE_SCAN : ST_SEARCH_DATE_ASC_DEDUPE)
				 : (p ? ST_SEARCH_DATE_ASC_SCAN : ST_SEARCH_DATE_ASC);
		default:
			return p ? ST_SEARCH_RANK_DEDUPE_SCAN : ST_SEARCH_RANK_DEDUPE;
		}
	}
	/* without words there is no rank: newest first unless asked otherwise */
	char *cjk = d ? NULL : cjk_driver(s, q);
	bool others = q->exclude || q->n_providers || q->n_topics || q->since[0] || q->until[0];
	bool by_cjk = cjk && (others || cjk_rows_few(s, cjk));
	free(cjk);
	if (o->sort == ND_SORT_DATE_ASC)
		return d ? ST_FILTER_DATE_ASC_DEDUPE : by_cjk ? ST_FILTER_DATE_ASC_CJK : ST_FILTER_DATE_ASC;
	return d ? ST_FILTER_DATE_DESC_DEDUPE : by_cjk ? ST_FILTER_DATE_DESC_CJK : ST_FILTER_DATE_DESC;
}

/* A statement ignores what it does not name. */
void store_bind_query(struct nd_store *s, sqlite3_stmt *st, const struct nd_search_opts *o)
{
	const struct nd_query *q = o->query;
	struct nd_buf providers = ND_BUF_INIT, topics = ND_BUF_INIT;
	struct nd_buf trigram = ND_BUF_INIT, shorts = ND_BUF_INIT;
	if (q->n_providers)
		json_array(&providers, q->providers, q->n_providers);
	if (q->n_topics)
		json_array(&topics, q->topics, q->n_topics);
	const char **short_list = nd_xcalloc(q->n_substrings + 1, sizeof(*short_list));
	size_t n_short = split_substrings(q, &trigram, &shorts, short_list);

	bind_named_text(st, ":match", q->match);
	bind_named_text(st, ":exclude", q->exclude);
	bind_named_text(st, ":since", q->since);
	bind_named_text(st, ":until", q->until);
	bind_named_text(st, ":providers", providers.data);
	bind_named_text(st, ":topics", topics.data);
	bind_named_text(st, ":trigram", trigram.data);
	bind_named_text(st, ":short", shorts.data);
	bool by_cjk = sqlite3_bind_parameter_index(st, ":cjk") != 0;
	if (by_cjk || sqlite3_bind_parameter_index(st, ":short_match")) {
		const char *rest, *match = store_short_match(s, short_list, n_short, &rest);
		bind_named_text(st, ":short_match", match);
		bind_named_text(st, ":short_rest", rest);
		char *cjk = by_cjk ? cjk_expression(&trigram, match, rest) : NULL;
		bind_named_text(st, ":cjk", cjk);
		free(cjk);
	}
	free(short_list);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
			   o->limit > 0 ? o->limit : -1);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":offset"),
			   o->offset > 0 ? o->offset : 0);
	nd_buf_release(&providers);
	nd_buf_release(&topics);
	nd_buf_release(&trigram);
	nd_buf_release(&shorts);
}

int64_t store_emit_hits(struct nd_store *s, sqlite3_stmt *st, nd_hit_fn fn, void *ctx,
			 struct nd_error *err)
{
	int64_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nd_hit hit = {
			.id = sqlite3_column_int64(st, 0),
			.url = (const char *)sqlite3_column_text(st, 1),
			.title = (const char *)sqlite3_column_text(st, 2),
			.published_at = (const char *)sqlite3_column_text(st, 3),
			.provider = (const char *)sqlite3_column_text(st, 4),
			.domain = (const char *)sqlite3_column_text(st, 5),
			.snippet = (const char *)sqlite3_column_text(st, 6),
			.rank = sqlite3_column_double(st, 7),
			.copies = sqlite3_column_int64(st, 8),
		};
		n++;
		if (fn(&hit, ctx) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	int64_t status = rc == SQLITE_DONE ? n : store_fail(s, err, "search failed");
	sqlite3_reset(st);
	return status;
}

int store_read_begin(struct nd_store *s, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_SAVEPOINT, err);
	if (!st)
		return ND_STORE_ERROR;
	return store_finish(s, st, sqlite3_step(st), err, "search failed");
}

void store_read_end(struct nd_store *s)
{
	struct nd_error ignored;
	sqlite3_stmt *st = store_stmt(s, ST_RELEASE, &ignored);
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

/* The page of o by scoring every match, the filters that are sets (f)
 * tested as bits and the rest in SQL. */
static int rank_every_match(struct nd_store *s, const struct nd_search_opts *o,
			    struct store_filter_sets *f, struct ranked_page *page,
			    struct nd_error *err)
{
	/* filters that are all sets need no other SQL; without dates, the
	 * others are tested beside the providers' set */
	enum stmt_id which = f->complete ? ST_RANK_CANDIDATES_SETS : candidates_statement(o->query);
	int n = which == ST_RANK_CANDIDATES ? store_filter_sets_providers(s, o, f, err) : 0;
	if (n)
		return n;
	sqlite3_stmt *candidates = store_stmt(s, which, err);
	if (!candidates)
		return ND_STORE_ERROR;
	store_bind_query(s, candidates, o);
	if (f->providers_read)
		store_idset_bind(candidates, ":provider_ids", &f->providers);
	if (which == ST_RANK_CANDIDATES_SETS && f->by_exclusion)
		store_idset_bind(candidates, ":excluded_ids", &f->excluded);
	if (which == ST_RANK_CANDIDATES_SETS && f->by_date)
		store_idset_bind(candidates, ":dated_ids", &f->dated);
	struct nd_buf counts = ND_BUF_INIT;
	/* one phrase (a phrase, a prefix, a rare word) and no filter: its rows
	 * are the matches, counted as they are ranked, not in a pass of their
	 * own */
	bool by_matches = !store_query_has_filters(o->query) &&
			  store_expr_parse(o->query->match, NULL, NULL) == 1;
	if (by_matches) {
		double c = RANK_COUNT_IS_MATCHES;
		nd_buf_add(&counts, &c, sizeof(c));
	} else {
		n = store_known_counts(s, o->query->match, &counts, err);
	}
	if (!n) {
		if (counts.len)
			sqlite3_bind_blob(candidates, sqlite3_bind_parameter_index(candidates, ":counts"),
					  counts.data, (int)counts.len, SQLITE_TRANSIENT);
		n = store_rank_page(s, candidates, by_matches, o->offset > 0 ? o->offset : 0, o->limit,
				    page, err);
	}
	nd_buf_release(&counts);
	sqlite3_reset(candidates);
	sqlite3_clear_bindings(candidates); /* the sets go after this */
	return n;
}

int store_ranked_ids(struct nd_store *s, const struct nd_search_opts *o, struct ranked_page *page,
		     struct nd_error *err)
{
	/* the filters that are sets, read once for the list and the full
	 * ranking alike */
	struct store_filter_sets sets;
	int n = store_filter_sets_get(s, o, &sets, err);
	if (n)
		return n;
	/* a common word from its list; the rest by scoring every match, with
	 * the row counts of the common words among them already known */
	n = store_list_page(s, o, &sets, page, err);
	if (n == 1)
		n = ND_STORE_OK;
	else if (n == 0 && !(n = store_filter_sets_whole(s, o, &sets, err)))
		n = rank_every_match(s, o, &sets, page, err);
	store_filter_sets_release(&sets);
	return n;
}

enum stmt_id store_page_statement(const struct nd_query *q, bool copies)
{
	if (store_snippet_understood(q->match))
		return copies ? ST_SEARCH_PAGE_TEXT_COPIES : ST_SEARCH_PAGE_TEXT;
	/* a prefix: the page's snippets in one pass (store_sql.c, PAGE_HITS_SCAN) */
	if (q->has_prefix)
		return copies ? ST_SEARCH_PAGE_SCAN_COPIES : ST_SEARCH_PAGE_SCAN;
	return copies ? ST_SEARCH_PAGE_COPIES : ST_SEARCH_PAGE;
}

/* The ranked page chosen by store_ranked_ids, then its hits with snippets.
 * In one read transaction, so an import committing meanwhile cannot change
 * the rows between the two. */
static int64_t search_ranked(struct nd_store *s, const struct nd_search_opts *o, nd_hit_fn fn,
			     void *ctx, struct nd_error *err)
{
	int64_t n = store_read_begin(s, err);
	if (n)
		return n;
	struct nd_buf ids = ND_BUF_INIT;
	struct ranked_page page = { .ids = &ids };
	if ((n = store_ranked_ids(s, o, &page, err)) == ND_STORE_OK) {
		sqlite3_stmt *st = store_stmt(s, store_page_statement(o->query, false), err);
		if (st) {
			bind_named_text(st, ":match", o->query->match);
			bind_named_text(st, ":page", ids.data);
			n = store_emit_hits(s, st, fn, ctx, err);
		} else {
			n = ND_STORE_ERROR;
		}
	}
	store_read_end(s);
	nd_buf_release(&ids);
	return n;
}

int64_t nd_store_search(struct nd_store *s, const struct nd_search_opts *o, nd_hit_fn fn,
			void *ctx, struct nd_error *err)
{
	if (ranks_page_itself(o))
		return search_ranked(s, o, fn, ctx, err);
	if (o->query->match && o->sort == ND_SORT_RANK) {
		bool handled = false;
		int64_t n = store_search_dedupe(s, o, fn, ctx, &handled, err);
		if (handled || n < 0)
			return n;
	}
	sqlite3_stmt *st = store_stmt(s, pick_statement(s, o), err);
	if (!st)
		return ND_STORE_ERROR;
	store_bind_query(s, st, o);
	return store_emit_hits(s, st, fn, ctx, err);
}

/* ---- stems shorter than a prefix (struct nd_stemmer) ---- */

/* Endings whose Porter stems can be shorter than the word before them
 * ("automat" + "ion" -> "autom"); each is also tried from every letter on,
 * for prefixes that end inside one ("automati" + "on"). */
static const char *const stem_endings[] = {
	"", "e", "s", "es", "ed", "ing", "ion", "ions", "ation", "ate", "ated", "ates",
	"ating", "ic", "ical", "ism", "ist", "ity", "ive", "ize", "ized", "ization", "ment",
	"ness", "al", "ally", "able", "ible", "er", "ence", "ance", "ous", "ly", "ful",
};

/* Tokenizes `text` as the word index does (with `stem`) or only folded
 * (case and accents, without); the tokens go into `out`, NUL-separated. */
static bool tokenize(sqlite3 *db, bool stem, const char *text, struct nd_buf *out)
{
	struct store_tokenizer t;
	int rc = store_tokenizer_open(db, stem, &t);
	if (rc == SQLITE_OK)
		rc = store_tokenize(&t, false, text, (int)strlen(text), store_collect_token, out);
	store_tokenizer_close(&t);
	return rc == SQLITE_OK;
}

size_t nd_store_short_stems(void *store, const char *prefix, char **out, size_t max)
{
	struct nd_store *s = store;
	struct nd_buf folded = ND_BUF_INIT, words = ND_BUF_INIT, stems = ND_BUF_INIT;
	size_t n = 0;
	/* one word only: a prefix the tokenizer splits has no single stem */
	if (!tokenize(s->db, false, prefix, &folded) || folded.len == 0 ||
	    strlen(folded.data) + 1 != folded.len)
		goto done;
	const char *p = folded.data;
	size_t plen = strlen(p);
	for (size_t k = 0; k < sizeof(stem_endings) / sizeof(stem_endings[0]); k++) {
		const char *e = stem_endings[k];
		do
			nd_buf_addf(&words, "%s%s ", p, e);
		while (*e && *++e);
	}
	if (!tokenize(s->db, true, words.data, &stems))
		goto done;
	for (const char *t = stems.data; t < stems.data + stems.len && n < max;
	     t += strlen(t) + 1) {
		size_t tlen = strlen(t);
		/* longer: the prefix query reaches it already; under three
		 * letters: a word of its own ("a"), not a stem worth matching */
		if (tlen >= plen || tlen < 3 || strncmp(t, p, tlen) != 0)
			continue;
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(out[j], t);
		if (!seen)
			out[n++] = nd_xstrdup(t);
	}
done:
	nd_buf_release(&folded);
	nd_buf_release(&words);
	nd_buf_release(&stems);
	return n;
}
