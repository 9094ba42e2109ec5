/*
 * store_expr.c: the FTS5 match expressions query.c writes, read back:
 * groups joined by AND (or a space), each a term or a parenthesized OR of
 * terms, a term being an optional `title :`, a quoted phrase ("" for a
 * quote) and an optional `*`.  In such an expression no AND stands inside an
 * OR, so in a matching row every phrase has an instance wherever its tokens
 * stand (what store_snippet.c relies on), and an expression of one phrase
 * matches exactly the rows that hold it (what store_search.c relies on).
 * Anything else (a --raw query with NEAR, NOT, nesting, other columns) is
 * not of the shape, and its callers leave it to FTS5.
 */
#include "store_internal.h"

#include <string.h>

#include "buf.h"

struct parser {
	const char *p;
	store_phrase_fn fn; /* NULL: only the shape and the count */
	void *ctx;
	int n;
};

static void skip_spaces(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

/* The operator `word`, followed by what may follow one. */
static bool take_keyword(struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(ps->p, word, n) != 0)
		return false;
	char next = ps->p[n];
	if (next != ' ' && next != '(' && next != '"')
		return false;
	ps->p += n;
	return true;
}

/* [title :] "quoted" [*] */
static bool parse_term(struct parser *ps)
{
	bool title = false;
	skip_spaces(ps);
	if (strncmp(ps->p, "title", 5) == 0) {
		const char *after = ps->p + 5;
		while (*after == ' ')
			after++;
		if (*after != ':')
			return false;
		ps->p = after + 1;
		skip_spaces(ps);
		title = true;
	}
	if (*ps->p != '"')
		return false;
	struct nd_buf text = ND_BUF_INIT;
	const char *c = ps->p + 1;
	for (;; c++) {
		if (!*c) {
			nd_buf_release(&text);
			return false;
		}
		if (*c == '"') {
			if (c[1] != '"')
				break;
			c++;
		}
		nd_buf_addc(&text, *c);
	}
	ps->p = c + 1;
	bool prefix = *ps->p == '*';
	if (prefix)
		ps->p++;
	ps->n++;
	bool ok = !ps->fn || ps->fn(ps->ctx, nd_buf_str(&text), text.len, prefix, title);
	nd_buf_release(&text);
	return ok;
}

/* term | ( term OR term ... ) */
static bool parse_group(struct parser *ps)
{
	skip_spaces(ps);
	if (*ps->p != '(')
		return parse_term(ps);
	ps->p++;
	if (!parse_term(ps))
		return false;
	for (;;) {
		skip_spaces(ps);
		if (*ps->p == ')') {
			ps->p++;
			return true;
		}
		if (!take_keyword(ps, "OR") || !parse_term(ps))
			return false;
	}
}

int store_expr_parse(const char *match, store_phrase_fn fn, void *ctx)
{
	if (!match)
		return -1;
	struct parser ps = { match, fn, ctx, 0 };
	if (!parse_group(&ps))
		return -1;
	for (;;) {
		skip_spaces(&ps);
		if (!*ps.p)
			return ps.n;
		take_keyword(&ps, "AND");
		if (!parse_group(&ps))
			return -1;
	}
}
