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
#include "hash.h"
#include "json.h"
#include "normalize.h"
#include "utf8.h"

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
		size_t n = nd_utf8_decode(s + i, s + len, &cp);
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

/* ---- extra: its members written through the writer ---- */

static void on_begin(void *ctx, bool seq)
{
	w_begin(ctx, seq, true);
}

static void on_end(void *ctx)
{
	w_end(ctx);
}

static void on_key(void *ctx, int depth, const char *key, size_t len)
{
	(void)depth;
	w_key(ctx, key, len);
}

static void on_string(void *ctx, const char *s, size_t len)
{
	w_string(ctx, s, len);
}

static void on_plain(void *ctx, const char *text, size_t len)
{
	w_plain(ctx, text, len);
}

static const struct nd_json_events write_members = {
	on_begin, on_end, on_key, on_string, on_plain,
};

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

/* What a first reading of extra finds: the fields it holds, and each key
 * of each of its objects (a hash of the key as written and of the object's number),
 * to tell a key repeated in one object, and whether some text holds a NUL
 * (\u0000) or a key is longer, quoted, than YAML reads as a key (1024
 * characters): JSON allows them, front matter does not, so a file written
 * with them would not import again. */
#define MAX_KEY_TEXT 1000
struct extra_scan {
	unsigned fields;
	bool nul, long_key;
	struct nd_buf quoted;
	uint64_t *keys;
	size_t n, cap;
	uint64_t open[JSON_MAX_DEPTH + 1]; /* the containers inside extra */
	int depth;
	uint64_t objects;
};

static void scan_begin(void *ctx, bool seq)
{
	(void)seq;
	struct extra_scan *x = ctx;
	if (x->depth < JSON_MAX_DEPTH + 1) /* the reader stops deeper than JSON_MAX_DEPTH */
		x->open[x->depth] = ++x->objects;
	x->depth++;
}

static void scan_end(void *ctx)
{
	((struct extra_scan *)ctx)->depth--;
}

static void scan_key(void *ctx, int depth, const char *key, size_t len)
{
	struct extra_scan *x = ctx;
	x->nul = x->nul || memchr(key, 0, len);
	/* the key as written: broken UTF-8 is U+FFFD there, so two keys of
	 * different bytes may be one */
	nd_buf_reset(&x->quoted);
	yaml_add_string(&x->quoted, key, len);
	x->long_key = x->long_key || x->quoted.len > MAX_KEY_TEXT;
	if (depth == 1) /* only extra's own keys stand for fields */
		for (int f = 0; f < N_FIELDS; f++)
			if (!strcmp(key, field_names[f]))
				x->fields |= 1u << f;
	uint64_t object = x->depth > 0 && x->depth <= JSON_MAX_DEPTH + 1 ? x->open[x->depth - 1] : 0;
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 16;
		x->keys = nd_xrealloc(x->keys, x->cap * sizeof(*x->keys));
	}
	x->keys[x->n++] = nd_hash64(x->quoted.data, x->quoted.len) ^ (object * 0x9e3779b97f4a7c15ull);
}

static void scan_string(void *ctx, const char *s, size_t len)
{
	struct extra_scan *x = ctx;
	x->nul = x->nul || memchr(s, 0, len);
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* extra is a JSON object with no key twice in one object, no NUL in its
 * text and no key too long to read back; *fields: the article's fields it
 * holds. */
static bool extra_usable(const char *extra, unsigned *fields)
{
	struct extra_scan x = { .quoted = ND_BUF_INIT };
	const struct nd_json_events scan = { .begin = scan_begin, .end = scan_end, .key = scan_key,
					     .string = scan_string };
	bool ok = extra && nd_json_read_members(extra, JSON_MAX_DEPTH, &scan, &x) && !x.nul &&
		  !x.long_key;
	if (ok && x.n > 1) {
		qsort(x.keys, x.n, sizeof(*x.keys), by_value);
		for (size_t k = 1; k < x.n && ok; k++)
			ok = x.keys[k] != x.keys[k - 1];
	}
	free(x.keys);
	nd_buf_release(&x.quoted);
	*fields = ok ? x.fields : 0;
	return ok;
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

/* An integer, or a real as nd_json_real_text writes it (never taken for an
 * integer on the way back in). */
static void w_number(struct writer *w, const struct nd_number *n)
{
	char text[40];
	if (n->kind == ND_NUM_INT)
		snprintf(text, sizeof(text), "%lld", (long long)n->i);
	else
		nd_json_real_text(n->r, text, sizeof(text));
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
	unsigned in_extra;
	bool extra_ok = extra_usable(a->extra, &in_extra);
	for (size_t k = 0; k < n_order; k++)
		if (!(in_extra & (1u << order[k])))
			emit_field(w, a, order[k], with_body);
	if (extra_ok)
		nd_json_read_members(a->extra, JSON_MAX_DEPTH, &write_members, w);
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
