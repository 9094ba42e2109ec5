/*
 * emit.c: articles back to front matter or JSON.  One walk over the article
 * drives a small writer that knows two syntaxes: YAML block style with flow
 * parts, and JSON (which is all flow).  `extra` is read with a minimal JSON
 * scanner and replayed through the same writer, so its strings get the
 * escaping of the output format.
 */
#include "emit.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "json.h"
#include "normalize.h"

/* ---- the writer ---- */

/* Article nesting (map, related, item, provider, images, image) plus extra
 * values, which come from front matter of at most ND_FM_MAX_DEPTH levels. */
#define JSON_MAX_DEPTH (ND_FM_MAX_DEPTH + 8)
#define WRITER_MAX_DEPTH (JSON_MAX_DEPTH + 8)

struct frame {
	bool seq;          /* a sequence, else a mapping */
	bool flow;         /* written as [..] / {..} */
	bool first;        /* nothing written in it yet */
	bool inline_first; /* block map that is a "- " item: its first key follows the dash */
	int indent;        /* block style: the column of its keys or dashes */
};

struct writer {
	struct nd_buf *out;
	bool yaml; /* YAML strings and spacing, block style where asked; else JSON */
	int depth;
	struct frame stack[WRITER_MAX_DEPTH];
};

static struct frame *top(struct writer *w)
{
	return w->depth ? &w->stack[w->depth - 1] : NULL;
}

/* Length of the UTF-8 sequence at s (at most n bytes) with *cp its code
 * point, or 0 when it is not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t min;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	uint32_t v = s[0] & (0x7f >> len);
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/*
 * A YAML double-quoted scalar.  Escaped: what a double-quoted scalar cannot
 * hold (" and \), what libyaml would fold or reject as not printable (line
 * breaks, C0 and C1 controls, DEL, U+2028/U+2029, U+FEFF, U+FFFE/U+FFFF).
 * Invalid UTF-8 becomes U+FFFD, as in JSON output.
 */
static void yaml_add_string(struct nd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	nd_buf_addc(b, '"');
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			nd_buf_adds(b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			nd_buf_addc(b, '\\');
			nd_buf_addc(b, (char)cp);
		} else if (cp == '\n') {
			nd_buf_adds(b, "\\n");
		} else if (cp == '\t') {
			nd_buf_adds(b, "\\t");
		} else if (cp == '\r') {
			nd_buf_adds(b, "\\r");
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			nd_buf_addf(b, "\\x%02x", (unsigned)cp);
		} else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
			   cp == 0xffff) {
			nd_buf_addf(b, "\\u%04x", (unsigned)cp);
		} else {
			nd_buf_add(b, p + i, n);
		}
		i += n;
	}
	nd_buf_addc(b, '"');
}

static void add_string(struct writer *w, const char *s, size_t len)
{
	if (w->yaml)
		yaml_add_string(w->out, s, len);
	else
		nd_json_add_string(w->out, s, len);
}

static void add_indent(struct writer *w, int n)
{
	for (int k = 0; k < n; k++)
		nd_buf_addc(w->out, ' ');
}

/* Whatever goes before a value: a separator in a flow list, the dash of a
 * block list item, or what follows "key:" (a line break before a block
 * container, else a space).  A flow mapping's separators come with its keys. */
static void begin_value(struct writer *w, bool block_container)
{
	struct frame *f = top(w);
	if (!f)
		return;
	if (f->flow) {
		if (f->seq && !f->first)
			nd_buf_adds(w->out, w->yaml ? ", " : ",");
	} else if (f->seq) {
		add_indent(w, f->indent);
		nd_buf_adds(w->out, "- ");
	} else {
		nd_buf_addc(w->out, block_container ? '\n' : ' ');
	}
	f->first = false;
}

/* A block line ends after its scalar or flow value. */
static void end_value(struct writer *w)
{
	struct frame *f = top(w);
	if (f && !f->flow)
		nd_buf_addc(w->out, '\n');
}

static void w_string(struct writer *w, const char *s, size_t len)
{
	begin_value(w, false);
	add_string(w, s, len);
	end_value(w);
}

/* A number, boolean or null, written as is in both syntaxes. */
static void w_plain(struct writer *w, const char *text, size_t len)
{
	begin_value(w, false);
	nd_buf_add(w->out, text, len);
	end_value(w);
}

/* Opens a list (seq) or mapping; flow asks for [..]/{..} (JSON output and
 * everything inside a flow container are flow anyway). */
static void w_begin(struct writer *w, bool seq, bool flow)
{
	struct frame *parent = top(w);
	flow = flow || !w->yaml || (parent && parent->flow);
	if (w->depth == WRITER_MAX_DEPTH)
		BUG("writer nested deeper than %d", WRITER_MAX_DEPTH); /* JSON_MAX_DEPTH bounds the input */
	begin_value(w, !flow);
	struct frame *f = &w->stack[w->depth++];
	*f = (struct frame){
		.seq = seq,
		.flow = flow,
		.first = true,
		.inline_first = parent && !parent->flow && parent->seq,
		.indent = parent && !parent->flow ? parent->indent + 2 : 0,
	};
	if (flow)
		nd_buf_addc(w->out, seq ? '[' : '{');
}

static void w_end(struct writer *w)
{
	struct frame *f = &w->stack[--w->depth];
	if (f->flow) {
		nd_buf_addc(w->out, f->seq ? ']' : '}');
		end_value(w);
	}
}

/* A key that YAML reads back as the same text without quotes: a word that
 * no YAML version takes for a null or a boolean. */
static bool plain_key(const char *k, size_t len)
{
	bool b;
	if (!len || !((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z')))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return strcasecmp(k, "null") && nd_norm_bool(k, &b) != 0;
}

static void w_key(struct writer *w, const char *key, size_t len)
{
	struct frame *f = top(w);
	if (f->flow) {
		if (!f->first)
			nd_buf_adds(w->out, w->yaml ? ", " : ",");
		add_string(w, key, len);
		nd_buf_adds(w->out, w->yaml ? ": " : ":");
	} else {
		if (!(f->first && f->inline_first))
			add_indent(w, f->indent);
		if (plain_key(key, len))
			nd_buf_add(w->out, key, len);
		else
			yaml_add_string(w->out, key, len);
		nd_buf_addc(w->out, ':');
	}
	f->first = false;
}

/* ---- extra: a minimal JSON reader ---- */

/* s->p never moves past the text's NUL, whatever the input. */
struct jscan {
	const char *p; /* NUL-terminated text */
	int depth;
	bool bad;
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

static void add_utf8(struct nd_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	nd_buf_add(b, u, n);
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
		add_utf8(out, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
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

static void json_value(struct jscan *s, struct writer *w, struct nd_buf *scratch);

/*
 * The array or object at s->p, written through w when w is not NULL (as a
 * flow container when `wrap`, else its members go into the mapping that is
 * open).  on_key, when not NULL, sees each key of an object.
 */
static void json_container(struct jscan *s, struct writer *w, bool wrap, struct nd_buf *scratch,
			   void (*on_key)(const char *key, void *ctx), void *ctx)
{
	bool seq = *s->p++ == '[';
	char close = seq ? ']' : '}';
	if (w && wrap)
		w_begin(w, seq, true);
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
			if (on_key)
				on_key(scratch->data, ctx);
			if (w)
				w_key(w, scratch->data, scratch->len);
		}
		json_value(s, w, scratch);
		skip_ws(s);
		more = accept(s, ',');
		if (!more && !accept(s, close))
			s->bad = true;
	}
	if (w && wrap)
		w_end(w);
}

static void json_value(struct jscan *s, struct writer *w, struct nd_buf *scratch)
{
	skip_ws(s);
	if (s->bad)
		return;
	if (*s->p == '{' || *s->p == '[') {
		if (s->depth == JSON_MAX_DEPTH) {
			s->bad = true;
			return;
		}
		s->depth++;
		json_container(s, w, true, scratch, NULL, NULL);
		s->depth--;
	} else if (*s->p == '"') {
		json_string(s, scratch);
		if (w && !s->bad)
			w_string(w, scratch->data, scratch->len);
	} else {
		size_t n = json_token(s->p);
		if (!n)
			s->bad = true;
		else if (w)
			w_plain(w, s->p, n);
		s->p += n;
	}
}

/*
 * Walks `extra` (a JSON object text): with w NULL only checks it and shows
 * each top-level key to on_key; else writes its members into the open
 * mapping.  Returns false when it is not a JSON object.
 */
static bool walk_extra(const char *extra, struct writer *w,
		       void (*on_key)(const char *key, void *ctx), void *ctx)
{
	struct jscan s = { .p = extra };
	struct nd_buf scratch = ND_BUF_INIT;
	skip_ws(&s);
	if (*s.p == '{')
		json_container(&s, w, false, &scratch, on_key, ctx);
	else
		s.bad = true;
	skip_ws(&s);
	nd_buf_release(&scratch);
	return !s.bad && !*s.p;
}

/* ---- the article ---- */

/* The keys an article is written with; F_BODY only in JSON. */
enum field {
	F_CATEGORY, F_TITLE, F_EXCERPT, F_DATE, F_ORIGINAL_URL, F_WEB_URL, F_AMP_URL,
	F_CDN_AMP_URL, F_TYPE, F_QUALITY, F_HEAT, F_PUBLISHED, F_FEATURED, F_PROVIDER,
	F_TOPICS, F_IMAGES, F_RELATED, F_BODY, N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
	[F_CATEGORY] = "category", [F_TITLE] = "title", [F_EXCERPT] = "excerpt",
	[F_DATE] = "publishedDateTime", [F_ORIGINAL_URL] = "originalUrl",
	[F_WEB_URL] = "webUrl", [F_AMP_URL] = "ampWebUrl", [F_CDN_AMP_URL] = "cdnAmpWebUrl",
	[F_TYPE] = "type", [F_QUALITY] = "quality", [F_HEAT] = "heat",
	[F_PUBLISHED] = "published", [F_FEATURED] = "featuredContent",
	[F_PROVIDER] = "provider", [F_TOPICS] = "topics", [F_IMAGES] = "images",
	[F_RELATED] = "related", [F_BODY] = "body",
};

/* The archive's own key orders (see the seed file): an article, and a
 * related item, which names its provider before its numbers. */
static const enum field article_order[] = {
	F_CATEGORY, F_TITLE, F_EXCERPT, F_DATE, F_ORIGINAL_URL, F_WEB_URL, F_AMP_URL,
	F_CDN_AMP_URL, F_TYPE, F_QUALITY, F_HEAT, F_PUBLISHED, F_FEATURED, F_PROVIDER,
	F_TOPICS, F_IMAGES, F_RELATED, F_BODY,
};
static const enum field related_order[] = {
	F_CATEGORY, F_TITLE, F_EXCERPT, F_DATE, F_ORIGINAL_URL, F_WEB_URL, F_AMP_URL,
	F_CDN_AMP_URL, F_TYPE, F_PROVIDER, F_QUALITY, F_HEAT, F_PUBLISHED, F_FEATURED,
	F_TOPICS, F_IMAGES,
};

static void mark_field(const char *key, void *ctx)
{
	unsigned *mask = ctx;
	for (int f = 0; f < N_FIELDS; f++)
		if (!strcmp(key, field_names[f]))
			*mask |= 1u << f;
}

static void w_field(struct writer *w, enum field f)
{
	w_key(w, field_names[f], strlen(field_names[f]));
}

static void w_text(struct writer *w, const char *s)
{
	w_string(w, s, strlen(s));
}

static void w_bool(struct writer *w, bool b)
{
	w_plain(w, b ? "true" : "false", b ? 4 : 5);
}

/* A real in the fewest digits that read back as the same double, always
 * with a '.' or an exponent so that YAML does not take it for an integer. */
static void w_number(struct writer *w, const struct nd_number *n)
{
	char text[40];
	if (n->kind == ND_NUM_INT) {
		snprintf(text, sizeof(text), "%lld", (long long)n->i);
	} else {
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(text, sizeof(text), "%.*g", prec, n->r);
			if (strtod(text, NULL) == n->r)
				break;
		}
		if (!strpbrk(text, ".e"))
			strcat(text, ".0");
	}
	w_plain(w, text, strlen(text));
}

static void emit_images(struct writer *w, const struct nd_image *images, size_t n)
{
	w_field(w, F_IMAGES);
	w_begin(w, true, false);
	for (size_t k = 0; k < n; k++) {
		const struct nd_image *img = &images[k];
		w_begin(w, false, false);
		w_key(w, "url", 3);
		w_text(w, img->url);
		if (img->width.kind != ND_NUM_NONE) {
			w_key(w, "width", 5);
			w_number(w, &img->width);
		}
		if (img->height.kind != ND_NUM_NONE) {
			w_key(w, "height", 6);
			w_number(w, &img->height);
		}
		if (img->is_cached >= 0) {
			w_key(w, "isCached", 8);
			w_bool(w, img->is_cached);
		}
		w_end(w);
	}
	w_end(w);
}

static void emit_provider(struct writer *w, const struct nd_provider *p)
{
	w_field(w, F_PROVIDER);
	w_begin(w, false, false);
	w_key(w, "name", 4);
	w_text(w, p->name);
	/* "" is the store's "no domain", which the file did not have either */
	if (p->domain[0]) {
		w_key(w, "domain", 6);
		w_text(w, p->domain);
	}
	if (p->n_images)
		emit_images(w, p->images, p->n_images);
	w_end(w);
}

static void emit_article(struct writer *w, const struct nd_article *a, const enum field *order,
			 size_t n_order, bool with_body);

/* Writes field f when the article has it. */
static void emit_field(struct writer *w, const struct nd_article *a, enum field f,
		       bool with_body)
{
	const char *text = NULL;
	const struct nd_number *num = NULL;
	switch (f) {
	case F_CATEGORY: text = a->category; break;
	case F_TITLE: text = a->title; break;
	case F_EXCERPT: text = a->excerpt; break;
	case F_DATE: text = a->published_at[0] ? a->published_at : NULL; break;
	case F_ORIGINAL_URL: text = a->original_url; break;
	case F_WEB_URL: text = a->web_url; break;
	case F_AMP_URL: text = a->amp_url; break;
	case F_CDN_AMP_URL: text = a->cdn_amp_url; break;
	case F_TYPE: text = a->type; break;
	case F_FEATURED: text = a->featured_content; break;
	case F_BODY: text = with_body ? a->body : NULL; break;
	case F_QUALITY: num = &a->quality; break;
	case F_HEAT: num = &a->heat; break;
	case F_PUBLISHED:
		if (a->is_published >= 0) {
			w_field(w, f);
			w_bool(w, a->is_published);
		}
		return;
	case F_PROVIDER:
		if (a->provider)
			emit_provider(w, a->provider);
		return;
	case F_TOPICS:
		if (a->n_topics) {
			w_field(w, f);
			w_begin(w, true, false);
			for (size_t k = 0; k < a->n_topics; k++)
				w_text(w, a->topics[k]);
			w_end(w);
		}
		return;
	case F_IMAGES:
		if (a->n_images)
			emit_images(w, a->images, a->n_images);
		return;
	case F_RELATED:
		if (a->n_related) {
			w_field(w, f);
			w_begin(w, true, false);
			for (size_t k = 0; k < a->n_related; k++) {
				w_begin(w, false, false);
				emit_article(w, &a->related[k], related_order,
					     sizeof(related_order) / sizeof(related_order[0]), false);
				w_end(w);
			}
			w_end(w);
		}
		return;
	case N_FIELDS:
		return;
	}
	if (text) {
		w_field(w, f);
		w_text(w, text);
	} else if (num && num->kind != ND_NUM_NONE) {
		w_field(w, f);
		w_number(w, num);
	}
}

/* The article's keys into the open mapping: modelled fields in `order`,
 * except those that extra holds as the file gave them, then extra's. */
static void emit_article(struct writer *w, const struct nd_article *a, const enum field *order,
			 size_t n_order, bool with_body)
{
	unsigned in_extra = 0;
	bool extra_ok = a->extra && walk_extra(a->extra, NULL, mark_field, &in_extra);
	if (!extra_ok)
		in_extra = 0;
	for (size_t k = 0; k < n_order; k++)
		if (!(in_extra & (1u << order[k])))
			emit_field(w, a, order[k], with_body);
	if (extra_ok)
		walk_extra(a->extra, w, NULL, NULL);
}

void nd_emit_frontmatter(const struct nd_article *a, struct nd_buf *out)
{
	struct writer w = { .out = out, .yaml = true };
	nd_buf_adds(out, "---\n");
	w_begin(&w, false, false);
	emit_article(&w, a, article_order, sizeof(article_order) / sizeof(article_order[0]),
		     false);
	w_end(&w);
	nd_buf_adds(out, "---\n");
	if (a->body)
		nd_buf_adds(out, a->body);
}

void nd_emit_json(const struct nd_article *a, struct nd_buf *out)
{
	struct writer w = { .out = out, .yaml = false };
	w_begin(&w, false, true);
	emit_article(&w, a, article_order, sizeof(article_order) / sizeof(article_order[0]),
		     true);
	w_end(&w);
}
