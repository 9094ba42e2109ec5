/*
 * query.c: the search-query translator: splits what a user types into terms
 * and filters and writes the FTS5 expressions the store runs.
 *
 * FTS5 facts this relies on (checked against SQLite 3.40):
 *  - AND, explicit or implicit (phrases side by side), binds tighter than OR,
 *    so "a" OR "b" "c" means a OR (b AND c).  Users of search engines read
 *    `a OR b c` as (a OR b) AND c, so each OR group is emitted in
 *    parentheses.
 *  - A phrase with no token (a term such as "—" that the tokenizer reduces to
 *    nothing) is ignored by implicit AND and by OR but turns an explicit AND
 *    into "no row".  Single terms are therefore put side by side, and only
 *    the parenthesized groups are joined with AND, which the grammar requires
 *    ("(x OR y) z" is a syntax error).
 */
#include "query.h"

#include "buf.h"
#include "civil.h"
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field { F_NONE, F_TITLE, F_PROVIDER, F_TOPIC, F_SINCE, F_UNTIL };

static const char *const field_names[] = {
	[F_TITLE] = "title",
	[F_PROVIDER] = "provider",
	[F_TOPIC] = "topic",
	[F_SINCE] = "since",
	[F_UNTIL] = "until",
};

/* One piece of the query as typed, before it is sorted out. */
struct token {
	enum field field;
	bool exclude;
	bool quoted;
	bool prefix;     /* '*' right after the closing quote */
	const char *s;   /* the value, not NUL-terminated */
	size_t len;
};

/* A word-index term; an unquoted OR is kept as a marker until its
 * neighbours tell whether it is an operator or the word "OR". */
struct term {
	char *text;
	bool exclude;
	bool title;
	bool prefix;
	bool or_marker;
	char *stems[ND_QUERY_MAX_STEMS]; /* prefix only: see nd_stemmer */
	size_t n_stems;
};

struct term_list {
	struct term *v;
	size_t n;
	const struct nd_stemmer *stemmer;
};

/* Comparisons are ASCII-only: the meaning of a query must not depend on the
 * locale. */
static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Byte length of the white space at p, or 0.  The ideographic space and the
 * no-break space count, because CJK input methods and pasted text use them
 * between words. */
static size_t space_len(const char *p)
{
	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if (p[0] == '\xC2' && p[1] == '\xA0')
		return 2;
	if (p[0] == '\xE3' && p[1] == '\x80' && p[2] == '\x80')
		return 3;
	return 0;
}

static const char *skip_space(const char *p)
{
	size_t n;

	while ((n = space_len(p)))
		p += n;
	return p;
}

/* The field called s[0..n) in any letter case, or F_NONE. */
static enum field field_named(const char *s, size_t n)
{
	for (enum field f = F_TITLE; f <= F_UNTIL; f++) {
		const char *name = field_names[f];
		size_t i = 0;
		while (i < n && name[i] && ascii_lower(s[i]) == name[i])
			i++;
		if (i == n && !name[i])
			return f;
	}
	return F_NONE;
}

/* The field named by "name:" at p, setting *after past the ':', or F_NONE. */
static enum field field_at(const char *p, const char **after)
{
	size_t n = 0;

	while (is_alpha(p[n]))
		n++;
	enum field f = p[n] == ':' ? field_named(p, n) : F_NONE;
	if (f != F_NONE)
		*after = p + n + 1;
	return f;
}

/* Reads the next token at *pp; false at the end of the text.  A bare word
 * ends at white space or at a '"', which starts a phrase that runs to the
 * next '"' or to the end of the text. */
static bool lex(const char **pp, struct token *t)
{
	const char *p = skip_space(*pp);

	if (!*p)
		return false;
	*t = (struct token){ .field = F_NONE };
	if (*p == '-') {
		t->exclude = true;
		p++;
	}
	t->field = field_at(p, &p);
	if (*p == '"') {
		t->quoted = true;
		t->s = ++p;
		while (*p && *p != '"')
			p++;
		t->len = (size_t)(p - t->s);
		if (*p == '"')
			p++;
		for (; *p == '*'; p++)
			t->prefix = true;
	} else {
		t->s = p;
		while (*p && *p != '"' && !space_len(p))
			p++;
		t->len = (size_t)(p - t->s);
	}
	*pp = p;
	return true;
}

static void push_str(char ***v, size_t *n, char *s)
{
	*v = nd_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Reads n digits at *pp into *out. */
static bool read_digits(const char **pp, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit((*pp)[i]))
			return false;
		v = v * 10 + ((*pp)[i] - '0');
	}
	*pp += n;
	*out = v;
	return true;
}

/*
 * Writes the bound of the period named by s ("YYYY", "YYYY-MM" or
 * "YYYY-MM-DD"): its start, or with `next` the start of the period after it.
 * A bound past year 9999 cannot be written in the format, and no stored date
 * lies there, so it comes out as "" (no bound).  Returns 0, or -1 when s is
 * not such a date.
 */
static int period_bound(const char *s, bool next, char out[21])
{
	int y, m = 1, d = 1, parts = 1;

	s = skip_space(s);
	if (!read_digits(&s, 4, &y) || y < 1)
		return -1;
	if (*s == '-') {
		s++;
		if (!read_digits(&s, 2, &m) || m < 1 || m > 12)
			return -1;
		parts = 2;
		if (*s == '-') {
			s++;
			if (!read_digits(&s, 2, &d) || d < 1 || d > nd_month_days(y, m))
				return -1;
			parts = 3;
		}
	}
	if (*skip_space(s))
		return -1;
	if (next) {
		if (parts == 3 && d < nd_month_days(y, m)) {
			d++;
		} else if (parts >= 2 && m < 12) {
			m++;
			d = 1;
		} else {
			y++;
			m = d = 1;
		}
	}
	if (y > 9999) {
		out[0] = '\0';
		return 0;
	}
	/* The ranges are checked, so the text is exactly 20 characters; the
	 * larger buffer only keeps the compiler's truncation check quiet. */
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT00:00:00Z", y, m, d);
	memcpy(out, tmp, 21);
	return 0;
}

/* A provider that looks like a domain is matched by domain; one that does
 * not normalize as a domain may still be a name with a dot in it. */
static char *provider_value(const char *value)
{
	char *v = NULL;

	if (strchr(value, '.') && !strpbrk(value, " \t\n\v\f\r"))
		v = nd_norm_domain(value);
	return v ? v : nd_norm_key(value);
}

/* Adds a provider:, topic:, since: or until: filter. */
static int add_filter(struct nd_query *q, enum field f, const char *value,
		      struct nd_error *err)
{
	const char *name = field_names[f];
	char bound[21];

	if (!*skip_space(value))
		return nd_error_set(err, 0, 0, "empty value for %s:", name);
	if (f == F_SINCE || f == F_UNTIL) {
		/* a relative date names a day, which is then a period as any */
		char day[11];
		int64_t today = nd_civil_today();
		if (today < 0)
			return nd_error_set(err, 0, 0,
					    "cannot read NEWSDB_NOW (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
		int rel = nd_civil_relative(value, today, day);
		if (rel < 0)
			return nd_error_set(err, 0, 0, "date '%s' in %s: lies before year 1", value,
					    name);
		if (period_bound(rel ? day : value, f == F_UNTIL, bound) < 0)
			return nd_error_set(err, 0, 0,
					    "cannot read date '%s' in %s: (use YYYY, YYYY-MM, YYYY-MM-DD, "
					    "Nd, Nw, Nm, Ny, today or yesterday)",
					    value, name);
		/* Several bounds all apply: keep the tightest. */
		if (f == F_SINCE && strcmp(bound, q->since) > 0)
			memcpy(q->since, bound, sizeof(bound));
		if (f == F_UNTIL && *bound && (!*q->until || strcmp(bound, q->until) < 0))
			memcpy(q->until, bound, sizeof(bound));
		return 0;
	}
	char *v = f == F_PROVIDER ? provider_value(value) : nd_norm_key(value);
	if (!v)
		return nd_error_set(err, 0, 0, "empty value for %s:", name);
	if (f == F_PROVIDER)
		push_str(&q->providers, &q->n_providers, v);
	else
		push_str(&q->topics, &q->n_topics, v);
	return 0;
}

static bool has_word_char(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (is_alpha(s[i]) || is_digit(s[i]) || (unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* Files a token that is not a filter: into the term list, into the
 * substrings (CJK), or nowhere when it has nothing to search for. */
static void add_term(struct nd_query *q, struct term_list *terms, const struct token *t)
{
	size_t len = t->len;
	bool prefix = t->prefix;

	if (!t->quoted) {
		for (; len && t->s[len - 1] == '*'; len--)
			prefix = true;
	}
	if (!has_word_char(t->s, len))
		return;
	char *text = nd_xstrndup(t->s, len);
	if (nd_norm_has_cjk(text)) {
		/* The store has no excluded substrings, so an excluded CJK
		 * term is dropped. */
		if (t->exclude)
			free(text);
		else
			push_str(&q->substrings, &q->n_substrings, text);
		return;
	}
	terms->v = nd_xrealloc(terms->v, (terms->n + 1) * sizeof(*terms->v));
	struct term *term = &terms->v[terms->n++];
	*term = (struct term){
		.text = text,
		.exclude = t->exclude,
		.title = t->field == F_TITLE,
		.prefix = prefix,
		.or_marker = !t->quoted && !t->exclude && t->field == F_NONE &&
			     !prefix && !strcmp(text, "OR"),
	};
	if (prefix && terms->stemmer)
		term->n_stems = terms->stemmer->short_stems(terms->stemmer->ctx, text, term->stems,
							    ND_QUERY_MAX_STEMS);
}

static void add_quoted(struct nd_buf *b, const char *s)
{
	nd_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			nd_buf_addc(b, '"');
		nd_buf_addc(b, *s);
	}
	nd_buf_addc(b, '"');
}

static void add_column(struct nd_buf *b, const struct term *t)
{
	if (t->title)
		nd_buf_adds(b, "title : ");
}

/* A prefix with stems shorter than itself is a group: (p* OR stem ...). */
static bool is_group(const struct term *t)
{
	return t->n_stems > 0;
}

static void add_fts_term(struct nd_buf *b, const struct term *t)
{
	if (is_group(t))
		nd_buf_addc(b, '(');
	add_column(b, t);
	add_quoted(b, t->text);
	if (t->prefix)
		nd_buf_addc(b, '*');
	for (size_t k = 0; k < t->n_stems; k++) {
		nd_buf_adds(b, " OR ");
		add_column(b, t);
		add_quoted(b, t->stems[k]);
	}
	if (is_group(t))
		nd_buf_addc(b, ')');
}

static bool is_positive(const struct term_list *l, size_t i)
{
	return i < l->n && !l->v[i].exclude && !l->v[i].or_marker;
}

/* An OR is an operator only between two required terms; at either end, next
 * to an excluded term or doubled it is the word "OR". */
static bool is_or_operator(const struct term_list *l, size_t i)
{
	return i < l->n && l->v[i].or_marker && i > 0 && is_positive(l, i - 1) &&
	       is_positive(l, i + 1);
}

static char *detach_or_null(struct nd_buf *b)
{
	if (b->len)
		return nd_buf_detach(b);
	nd_buf_release(b);
	return NULL;
}

/* Writes q->match and q->exclude from the terms. */
static void build_expressions(struct nd_query *q, const struct term_list *l)
{
	struct nd_buf single = ND_BUF_INIT, groups = ND_BUF_INIT, excl = ND_BUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		const struct term *t = &l->v[i];
		if (t->exclude) {
			if (excl.len)
				nd_buf_adds(&excl, " OR ");
			add_fts_term(&excl, t);
			continue;
		}
		if (is_or_operator(l, i))
			continue;
		q->has_prefix |= t->prefix;
		bool after_or = i > 0 && is_or_operator(l, i - 1);
		bool before_or = is_or_operator(l, i + 1);
		if (!after_or && !before_or && is_group(t)) {
			/* only groups may be joined with AND (see the top) */
			if (groups.len)
				nd_buf_adds(&groups, " AND ");
			add_fts_term(&groups, t);
			continue;
		}
		if (!after_or && !before_or) {
			if (single.len)
				nd_buf_addc(&single, ' ');
			add_fts_term(&single, t);
			continue;
		}
		if (after_or)
			nd_buf_adds(&groups, " OR ");
		else
			nd_buf_adds(&groups, groups.len ? " AND (" : "(");
		add_fts_term(&groups, t);
		if (!before_or)
			nd_buf_addc(&groups, ')');
	}
	if (single.len && groups.len)
		nd_buf_adds(&single, " AND ");
	nd_buf_adds(&single, nd_buf_str(&groups));
	q->match = detach_or_null(&single);
	q->exclude = detach_or_null(&excl);
	nd_buf_release(&groups);
}

static void free_terms(struct term_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		for (size_t k = 0; k < l->v[i].n_stems; k++)
			free(l->v[i].stems[k]);
	}
	free(l->v);
}

static int parse_terms(const char *text, const struct nd_stemmer *stemmer, struct nd_query *q,
		       struct nd_error *err)
{
	struct term_list terms = { NULL, 0, stemmer };
	struct token t;
	int rc = 0;

	while (rc == 0 && lex(&text, &t)) {
		if (t.field == F_NONE || t.field == F_TITLE) {
			add_term(q, &terms, &t);
		} else if (t.exclude) {
			rc = nd_error_set(err, 0, 0, "%s: filters cannot be excluded with '-'",
					  field_names[t.field]);
		} else {
			char *value = nd_xstrndup(t.s, t.len);
			rc = add_filter(q, t.field, value, err);
			free(value);
		}
	}
	if (rc == 0)
		build_expressions(q, &terms);
	free_terms(&terms);
	return rc;
}

int nd_query_parse(const char *text, bool raw, const struct nd_stemmer *stemmer,
		   struct nd_query *q, struct nd_error *err)
{
	*q = (struct nd_query){ .match = NULL };
	if (raw) {
		/* An expression of white space only is no query; FTS5 would
		 * reject it. */
		if (*skip_space(text))
			q->match = nd_xstrdup(text);
		q->has_prefix = strchr(text, '*') != NULL;
		return 0;
	}
	if (parse_terms(text, stemmer, q, err) < 0) {
		nd_query_release(q);
		return -1;
	}
	return 0;
}

int nd_query_add_filter(struct nd_query *q, const char *name, const char *value,
			struct nd_error *err)
{
	enum field f = field_named(name, strlen(name));

	if (f == F_NONE || f == F_TITLE)
		return nd_error_set(err, 0, 0, "unknown filter '%s'", name);
	return add_filter(q, f, value, err);
}

bool nd_query_is_empty(const struct nd_query *q)
{
	return !q->match && !q->exclude && !q->n_substrings && !q->n_providers &&
	       !q->n_topics && !q->since[0] && !q->until[0];
}

void nd_query_release(struct nd_query *q)
{
	free(q->match);
	free(q->exclude);
	free_strs(q->substrings, q->n_substrings);
	free_strs(q->providers, q->n_providers);
	free_strs(q->topics, q->n_topics);
	*q = (struct nd_query){ .match = NULL };
}

char *nd_query_quote_term(const char *term)
{
	struct nd_buf b = ND_BUF_INIT;

	add_quoted(&b, term);
	return nd_buf_detach(&b);
}
