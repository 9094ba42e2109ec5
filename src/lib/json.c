/* json.c: JSON text from strings and YAML nodes, and a minimal reader of
 * JSON objects (the `extra` column) that reports what it reads. */
#include "json.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "utf8.h"

void nd_json_add_string(struct nd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	nd_buf_addc(b, '"');
	size_t i = 0;
	while (i < len) {
		/* a run of printable ASCII goes out as it is, in one copy */
		size_t run = i;
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			nd_buf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			nd_buf_addc(b, '\\');
			nd_buf_addc(b, (char)c);
			i++;
		} else if (c == '\n') {
			nd_buf_adds(b, "\\n");
			i++;
		} else if (c == '\t') {
			nd_buf_adds(b, "\\t");
			i++;
		} else if (c == '\r') {
			nd_buf_adds(b, "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			nd_buf_addf(b, "\\u%04x", c);
			i++;
		} else {
			uint32_t cp;
			size_t n = nd_utf8_decode(s + i, s + len, &cp);
			if (n == 0) {
				nd_buf_adds(b, "\xef\xbf\xbd");
				i++;
			} else {
				nd_buf_add(b, p + i, n);
				i += n;
			}
		}
	}
	nd_buf_addc(b, '"');
}

void nd_json_real_text(double r, char *text, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(text, size, "%.*g", prec, r);
		if (strtod(text, NULL) == r)
			break;
	}
	if (!strpbrk(text, ".e") && strlen(text) + 2 < size)
		strcat(text, ".0");
}

void nd_json_add_node(struct nd_buf *b, const struct nd_node *node)
{
	switch (node->type) {
	case ND_NODE_NULL:
		nd_buf_adds(b, "null");
		break;
	case ND_NODE_BOOL:
		nd_buf_adds(b, node->b ? "true" : "false");
		break;
	case ND_NODE_INT:
		nd_buf_addf(b, "%lld", (long long)node->i);
		break;
	case ND_NODE_FLOAT: {
		int64_t whole;
		/* a whole number beyond 64 bits as its text: SQLite's json
		 * functions and JavaScript would round it as a number */
		if (nd_norm_int(node->text, &whole) == 1)
			nd_json_add_string(b, node->text, node->len);
		else if (isfinite(node->f)) {
			/* a float stays one: 0.0 written as 0 would read back an
			 * integer, which the tables could have held, and export's
			 * round trip would lose the extra value that kept it */
			char text[40];
			nd_json_real_text(node->f, text, sizeof(text));
			nd_buf_adds(b, text);
		} else
			nd_json_add_string(b, node->text, node->len);
		break;
	}
	case ND_NODE_STR:
		nd_json_add_string(b, node->text, node->len);
		break;
	case ND_NODE_SEQ:
		nd_buf_addc(b, '[');
		for (size_t k = 0; k < node->count; k++) {
			if (k)
				nd_buf_addc(b, ',');
			nd_json_add_node(b, node->items[k]);
		}
		nd_buf_addc(b, ']');
		break;
	case ND_NODE_MAP:
		nd_buf_addc(b, '{');
		for (size_t k = 0; k < node->count; k++) {
			const struct nd_node *key = node->items[2 * k];
			if (k)
				nd_buf_addc(b, ',');
			nd_json_add_string(b, key->text, key->len);
			nd_buf_addc(b, ':');
			nd_json_add_node(b, node->items[2 * k + 1]);
		}
		nd_buf_addc(b, '}');
		break;
	}
}

/* ---- reading: a minimal JSON reader ---- */

/* s->p never moves past the text's NUL, whatever the input. */
struct jscan {
	const char *p; /* NUL-terminated text */
	int depth;
	int max_depth;
	bool bad;
	const struct nd_json_events *ev;
	void *ctx;
};

static void skip_ws(struct jscan *s)
{
	while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')
		s->p++;
}

static bool accept(struct jscan *s, char c)
{
	if (*s->p != c)
		return false;
	s->p++;
	return true;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p[k];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* A JSON string at s->p, decoded into out (reset first).  A lone surrogate
 * escape becomes U+FFFD. */
static void json_string(struct jscan *s, struct nd_buf *out)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	nd_buf_reset(out);
	nd_buf_add(out, "", 0); /* data is never NULL, even for "" */
	if (!accept(s, '"')) {
		s->bad = true;
		return;
	}
	while (*s->p != '"') {
		unsigned char c = (unsigned char)*s->p;
		if (c < 0x20) { /* includes the end of the text */
			s->bad = true;
			return;
		}
		s->p++;
		if (c != '\\') {
			nd_buf_addc(out, (char)c);
			continue;
		}
		const char *e = *s->p ? strchr(simple, *s->p) : NULL;
		if (e && (e - simple) % 2 == 0) {
			nd_buf_addc(out, e[1]);
			s->p++;
			continue;
		}
		int u = *s->p == 'u' ? hex4(s->p + 1) : -1;
		if (u < 0) {
			s->bad = true;
			return;
		}
		s->p += 5;
		uint32_t cp = (uint32_t)u;
		if (cp >= 0xd800 && cp <= 0xdbff && s->p[0] == '\\' && s->p[1] == 'u') {
			int lo = hex4(s->p + 2);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
				s->p += 6;
			}
		}
		nd_utf8_add(out, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
	}
	s->p++;
}

/* Length of the JSON number or literal (true, false, null) at p, or 0. */
static size_t json_token(const char *p)
{
	static const char *const literals[] = { "true", "false", "null" };
	for (size_t k = 0; k < 3; k++)
		if (!strncmp(p, literals[k], strlen(literals[k])))
			return strlen(literals[k]);
	const char *q = p + (*p == '-');
	size_t digits = strspn(q, "0123456789");
	if (!digits || (q[0] == '0' && digits > 1))
		return 0;
	q += digits;
	if (*q == '.') {
		if (!(digits = strspn(++q, "0123456789")))
			return 0;
		q += digits;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		q += *q == '+' || *q == '-';
		if (!(digits = strspn(q, "0123456789")))
			return 0;
		q += digits;
	}
	return (size_t)(q - p);
}

static void json_value(struct jscan *s, struct nd_buf *scratch);

/*
 * The array or object at s->p, reported to s->ev (its own begin and end
 * only when `wrap`: the outermost object's members go into whatever the
 * caller has open).
 */
static void json_container(struct jscan *s, bool wrap, struct nd_buf *scratch)
{
	const struct nd_json_events *ev = s->ev;
	bool seq = *s->p++ == '[';
	char close = seq ? ']' : '}';
	if (wrap && ev->begin)
		ev->begin(s->ctx, seq);
	skip_ws(s);
	bool more = !accept(s, close);
	while (more && !s->bad) {
		if (!seq) {
			skip_ws(s);
			json_string(s, scratch);
			skip_ws(s);
			if (s->bad || !accept(s, ':')) {
				s->bad = true;
				break;
			}
			if (ev->key)
				ev->key(s->ctx, s->depth + 1, scratch->data, scratch->len);
		}
		json_value(s, scratch);
		skip_ws(s);
		more = accept(s, ',');
		if (!more && !accept(s, close))
			s->bad = true;
	}
	if (wrap && ev->end)
		ev->end(s->ctx);
}

static void json_value(struct jscan *s, struct nd_buf *scratch)
{
	skip_ws(s);
	if (s->bad)
		return;
	if (*s->p == '{' || *s->p == '[') {
		if (s->depth == s->max_depth) {
			s->bad = true;
			return;
		}
		s->depth++;
		json_container(s, true, scratch);
		s->depth--;
	} else if (*s->p == '"') {
		json_string(s, scratch);
		if (s->ev->string && !s->bad)
			s->ev->string(s->ctx, scratch->data, scratch->len);
	} else {
		size_t n = json_token(s->p);
		if (!n)
			s->bad = true;
		else if (s->ev->plain)
			s->ev->plain(s->ctx, s->p, n);
		s->p += n;
	}
}

bool nd_json_read_members(const char *text, int max_depth, const struct nd_json_events *ev,
			  void *ctx)
{
	assert(text && ev && max_depth >= 0);
	struct jscan s = { .p = text, .max_depth = max_depth, .ev = ev, .ctx = ctx };
	struct nd_buf scratch = ND_BUF_INIT;
	skip_ws(&s);
	if (*s.p == '{')
		json_container(&s, false, &scratch);
	else
		s.bad = true;
	skip_ws(&s);
	nd_buf_release(&scratch);
	return !s.bad && !*s.p;
}
