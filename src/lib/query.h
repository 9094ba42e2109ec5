/*
 * query.h: translates what a user types into `newsdb search` into the pieces
 * the store runs: an FTS5 MATCH expression for the word index, an FTS5
 * expression for excluded words, substring terms for CJK text, and SQL
 * filters.  String work: no SQLite, no I/O (stems come from the caller:
 * struct nd_stemmer); only a relative date reads the clock (civil.h).
 *
 * Query language (documented in the README):
 *   word word      all required, any order (implicit AND)
 *   "a phrase"     exact phrase
 *   a OR b         either (OR in upper case, between two terms)
 *   -word, -"a b"  exclude
 *   pre*           prefix (the '*' stays outside the quotes)
 *   title:word, title:"a b"   only in the title column
 *   provider:X     domain (normalized as nd_norm_domain) or provider name (key
 *                  as nd_norm_key); several provider: filters are alternatives
 *   topic:X        topic name; several topic: filters are all required
 *   since:D until:D   D is YYYY, YYYY-MM or YYYY-MM-DD, or a day relative to
 *                  today in UTC (civil.h: 7d, 2w, 3m, 1y, today, yesterday);
 *                  both bounds inclusive of the whole period named
 * Filter values may be quoted: topic:"Power Apps".
 *
 * Every ordinary term is emitted quoted for FTS5 ("term" with '"' doubled),
 * so nothing a user types can produce an FTS5 syntax error: COVID-19, AT&T,
 * O'Brien, U.S., c++, a lone AND/OR/NOT/NEAR, a stray '"', '(' or ':'.  Terms
 * with no letter or digit (and no byte >= 0x80) are dropped, since they index
 * to nothing.  Terms containing CJK characters (nd_norm_has_cjk) go to
 * `substrings` instead of `match`, because the word tokenizer cannot split
 * those scripts.
 */
#ifndef ND_QUERY_H
#define ND_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct nd_query {
	char *match;        /* FTS5 expression of required/alternative terms, or NULL */
	char *exclude;      /* FTS5 expression: rows matching it are excluded ("a" OR "b"), or NULL */
	char **substrings;  /* CJK terms, each required as a substring of title, excerpt or body */
	size_t n_substrings;
	char **providers;   /* normalized: either a domain or a name key; any may match */
	size_t n_providers;
	char **topics;      /* name keys (nd_norm_key); all must match */
	size_t n_topics;
	char since[21];     /* inclusive lower bound "YYYY-MM-DDTHH:MM:SSZ", or "" */
	char until[21];     /* exclusive upper bound (start of the period after until:), or "" */
	bool has_prefix;    /* match has a prefix (pre*): FTS5 merges the lists of
			       every word it covers each time the query runs */
};

/*
 * The word index holds Porter stems, and a stem can be shorter than what a
 * user types as a prefix: "automation" is indexed as "autom", which
 * "automat*" does not reach.  A stemmer names, for a prefix, the stems
 * shorter than it that words starting with it are indexed as; each becomes
 * an alternative of the prefix term.  short_stems writes at most `max`
 * malloc'd strings into `out` and returns how many.
 */
#define ND_QUERY_MAX_STEMS 8
struct nd_stemmer {
	size_t (*short_stems)(void *ctx, const char *prefix, char **out, size_t max);
	void *ctx;
};

/*
 * Parses `text`.  With raw = true the text goes to `match` untouched (experts'
 * FTS5 syntax; filters are not parsed).  Returns 0, or -1 with err set for
 * what a user must fix: an unknown date in since:/until:, an empty filter
 * value.  A query that ends up with no term and no filter is not an error
 * here (the caller decides).  `stemmer` may be NULL (prefixes then match
 * stems that start with them only).  On success release with nd_query_release().
 */
int nd_query_parse(const char *text, bool raw, const struct nd_stemmer *stemmer,
		   struct nd_query *q, struct nd_error *err);

/* Adds a filter given as a command-line flag (name is "provider", "topic",
 * "since" or "until"); same rules and errors as inside the query. */
int nd_query_add_filter(struct nd_query *q, const char *name, const char *value,
			struct nd_error *err);

/* True when the query has nothing to search or filter by. */
bool nd_query_is_empty(const struct nd_query *q);

void nd_query_release(struct nd_query *q);

/* Quotes one term for FTS5: wraps it in '"' and doubles inner '"'.
 * Caller frees. */
char *nd_query_quote_term(const char *term);

#endif
