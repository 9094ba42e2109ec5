/*
 * article.c: from a front-matter tree to struct nd_article, by the schema's
 * types.  The one rule that keeps this lossless: a known key whose value the
 * tables cannot hold exactly (a wrong type, an unknown sub-key, a malformed
 * item) is also kept verbatim in `extra` under its own key, and what could
 * be understood still goes to the tables.
 */
#include "article.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "normalize.h"
#include "utf8.h"

/* Conversion state for one article (top level or a related item). */
struct conv {
	struct nd_article *a;
	struct nd_buf extra;   /* JSON members so far, without braces */
	size_t n_extra;
	struct nd_error *err;
	int failed;            /* an error was set */
	struct nd_buf *warnings; /* the top-level article's */
};

/* One "line:col: message" line more in warnings. */
static void vwarn_at(struct nd_buf *warnings, int line, int col, const char *fmt, va_list ap)
{
	if (warnings->len)
		nd_buf_addc(warnings, '\n');
	nd_buf_addf(warnings, "%d:%d: ", line, col);
	char msg[ND_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	nd_buf_adds(warnings, msg);
}

static void warn_at(struct nd_buf *warnings, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn_at(struct nd_buf *warnings, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_at(warnings, line, col, fmt, ap);
	va_end(ap);
}

static void warn(struct conv *c, const struct nd_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct conv *c, const struct nd_node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_at(c->warnings, at->line, at->col, fmt, ap);
	va_end(ap);
}

static void keep_extra(struct conv *c, const struct nd_node *key, const struct nd_node *value)
{
	if (c->n_extra++)
		nd_buf_addc(&c->extra, ',');
	nd_json_add_string(&c->extra, key->text, key->len);
	nd_buf_addc(&c->extra, ':');
	nd_json_add_node(&c->extra, value);
}

static bool is_scalar(const struct nd_node *n)
{
	return n->type != ND_NODE_SEQ && n->type != ND_NODE_MAP;
}

/*
 * Text of a scalar field.  Returns 0 with *out set (NULL for null), 1 when
 * the value is not a scalar (caller keeps it in extra), -1 on error.
 */
static int get_text(struct conv *c, const char *name, const struct nd_node *v, char **out)
{
	*out = NULL;
	if (!is_scalar(v))
		return 1;
	if (v->type == ND_NODE_NULL)
		return 0;
	if (v->len > ND_ARTICLE_MAX_TEXT) {
		c->failed = 1;
		return nd_error_set(c->err, v->line, v->col,
				    "%s is too long (%zu bytes; the limit is %u)", name, v->len,
				    ND_ARTICLE_MAX_TEXT);
	}
	if (!nd_utf8_valid(v->text, v->len)) {
		c->failed = 1;
		return nd_error_set(c->err, v->line, v->col, "%s is not valid UTF-8", name);
	}
	*out = nd_xstrndup(v->text, v->len);
	return 0;
}

/* What get_number found besides a number. */
enum { NOT_A_NUMBER = -1, BEYOND_64_BITS = 1 };

/* 0 when v is a number (or null: none), BEYOND_64_BITS for a whole number
 * that int64 cannot hold (a real would round it: none, the caller keeps its
 * text), NOT_A_NUMBER otherwise. */
static int get_number(const struct nd_node *v, struct nd_number *out)
{
	out->kind = ND_NUM_NONE;
	int whole;
	switch (v->type) {
	case ND_NODE_NULL:
		return 0;
	case ND_NODE_INT:
		out->kind = ND_NUM_INT;
		out->i = v->i;
		return 0;
	case ND_NODE_FLOAT:
		/* a plain 99999999999999999999 resolves to a float (frontmatter.h) */
		if (nd_norm_int(v->text, &out->i) == BEYOND_64_BITS)
			return BEYOND_64_BITS;
		if (!isfinite(v->f))
			return NOT_A_NUMBER;
		out->kind = ND_NUM_REAL;
		out->r = v->f;
		return 0;
	case ND_NODE_STR:
		if ((whole = nd_norm_int(v->text, &out->i)) == 0) {
			out->kind = ND_NUM_INT;
			return 0;
		}
		if (whole == BEYOND_64_BITS)
			return BEYOND_64_BITS;
		if (nd_norm_real(v->text, &out->r) == 0) {
			out->kind = ND_NUM_REAL;
			return 0;
		}
		return NOT_A_NUMBER;
	default:
		return NOT_A_NUMBER;
	}
}

/* Why a get_number status is not a usable number, for a warning. */
static const char *number_problem(int status)
{
	return status == BEYOND_64_BITS ? "is a whole number beyond 64 bits" : "is not a number";
}

/* True when s (NULL for none) has a character other than white space (as
 * nd_norm_space sees it: Unicode spaces too). */
static bool has_text(const char *s)
{
	char *t = s ? nd_norm_space(s) : NULL;
	free(t);
	return t != NULL;
}

/* How a scalar without text is written, for a warning. */
static const char *blank_kind(const struct nd_node *v)
{
	return v->type == ND_NODE_NULL ? "null" : v->len ? "only white space" : "empty";
}

/* 0 with *out = -1/0/1, or -1 when v is not a boolean. */
static int get_bool(const struct nd_node *v, int *out)
{
	bool b;
	*out = -1;
	if (v->type == ND_NODE_NULL)
		return 0;
	if (v->type == ND_NODE_BOOL) {
		*out = v->b;
		return 0;
	}
	if (is_scalar(v) && nd_norm_bool(v->text, &b) == 0) {
		*out = b;
		return 0;
	}
	return -1;
}

static bool number_is_count(const struct nd_number *n)
{
	return n->kind == ND_NUM_NONE || (n->kind == ND_NUM_INT && n->i >= 0);
}

/* One image item.  Returns 0 exact, 1 lossy (something kept in extra
 * instead), 2 unusable (no URL). */
static int convert_image(struct conv *c, const struct nd_node *v, struct nd_image *img)
{
	memset(img, 0, sizeof(*img));
	img->is_cached = -1;
	if (v->type == ND_NODE_STR) {
		/* a bare URL is a plain reading of an image without sizes */
		char *url = nd_norm_space(v->text);
		if (!url)
			return 2;
		img->url = url;
		return 1;
	}
	if (v->type != ND_NODE_MAP)
		return 2;
	int lossy = 0;
	for (size_t k = 0; k < v->count; k++) {
		const char *key = v->items[2 * k]->text;
		const struct nd_node *val = v->items[2 * k + 1];
		if (!strcmp(key, "url")) {
			if (val->type == ND_NODE_STR && !img->url)
				img->url = nd_norm_space(val->text);
			if (!img->url)
				lossy = 1;
		} else if (!strcmp(key, "width") || !strcmp(key, "height")) {
			struct nd_number *n = key[0] == 'w' ? &img->width : &img->height;
			int status = get_number(val, n);
			if (status != 0 || !number_is_count(n)) {
				n->kind = ND_NUM_NONE;
				warn(c, val, "image %s '%s' %s; kept in extra", key,
				     is_scalar(val) ? val->text : "(not a scalar)",
				     status == BEYOND_64_BITS ? number_problem(status)
							      : "is not a whole number");
				lossy = 1;
			}
		} else if (!strcmp(key, "isCached")) {
			if (get_bool(val, &img->is_cached) != 0) {
				warn(c, val, "image isCached is not a boolean; kept in extra");
				lossy = 1;
			}
		} else {
			lossy = 1;
		}
	}
	if (!img->url) {
		warn(c, v, "image without a url; kept in extra");
		return 2;
	}
	return lossy;
}

static void image_release(struct nd_image *img)
{
	free(img->url);
}

/* A list of images (or one image given as a mapping).  Returns 0 when the
 * tables hold it exactly, 1 when the raw value must be kept in extra. */
static int convert_images(struct conv *c, const struct nd_node *v, struct nd_image **out,
			  size_t *n_out)
{
	if (v->type == ND_NODE_NULL)
		return 0;
	const struct nd_node *const *items = (const struct nd_node *const *)v->items;
	size_t count = v->count;
	const struct nd_node *single = v;
	int lossy = 0;
	if (v->type != ND_NODE_SEQ) {
		warn(c, v, "images should be a list");
		items = &single;
		count = 1;
		lossy = 1;
	}
	*out = nd_xcalloc(count, sizeof(**out));
	for (size_t k = 0; k < count; k++) {
		struct nd_image img;
		int r = convert_image(c, items[k], &img);
		if (r == 2) {
			image_release(&img);
			lossy = 1;
			continue;
		}
		lossy |= r;
		(*out)[(*n_out)++] = img;
	}
	return lossy;
}

static int convert_provider(struct conv *c, const struct nd_node *v, struct nd_provider **out)
{
	*out = NULL;
	if (v->type == ND_NODE_NULL)
		return 0;
	const struct nd_node *name = NULL, *domain = NULL, *images = NULL;
	int lossy = 0;
	if (v->type == ND_NODE_STR) {
		name = v;
		lossy = 1;
	} else if (v->type == ND_NODE_MAP) {
		for (size_t k = 0; k < v->count; k++) {
			const char *key = v->items[2 * k]->text;
			const struct nd_node *val = v->items[2 * k + 1];
			if (!strcmp(key, "name"))
				name = val;
			else if (!strcmp(key, "domain"))
				domain = val;
			else if (!strcmp(key, "images"))
				images = val;
			else
				lossy = 1;
		}
	} else {
		warn(c, v, "provider should be a mapping with name and domain; kept in extra");
		return 1;
	}
	struct nd_provider *p = nd_xcalloc(1, sizeof(*p));
	if (name && is_scalar(name) && name->type != ND_NODE_NULL)
		p->name = nd_norm_space(name->text);
	else if (name && name->type != ND_NODE_NULL)
		lossy = 1;
	if (domain && is_scalar(domain) && domain->type != ND_NODE_NULL) {
		p->domain = nd_norm_domain(domain->text);
		if (!p->domain) {
			warn(c, domain, "provider domain '%s' is not a domain; kept in extra", domain->text);
			lossy = 1;
		}
	} else if (domain && domain->type != ND_NODE_NULL) {
		lossy = 1;
	}
	if (!p->domain)
		p->domain = nd_xstrdup("");
	if (!p->name && p->domain[0]) {
		/* a provider known only by its domain is still that provider */
		p->name = nd_xstrdup(p->domain);
		lossy = 1;
	}
	if (!p->name) {
		free(p->domain);
		free(p);
		warn(c, v, "provider has neither a name nor a domain; kept in extra");
		return 1;
	}
	p->name_key = nd_norm_key(p->name);
	if (images)
		lossy |= convert_images(c, images, &p->images, &p->n_images);
	*out = p;
	return lossy;
}

static void provider_free(struct nd_provider *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->name_key);
	free(p->domain);
	for (size_t k = 0; k < p->n_images; k++)
		image_release(&p->images[k]);
	free(p->images);
	free(p);
}

static int convert_topics(struct conv *c, const struct nd_node *v)
{
	struct nd_article *a = c->a;
	if (v->type == ND_NODE_NULL)
		return 0;
	const struct nd_node *const *items = (const struct nd_node *const *)v->items;
	size_t count = v->count;
	const struct nd_node *single = v;
	int lossy = 0;
	if (v->type == ND_NODE_STR && !has_text(v->text)) {
		warn(c, v, "topics is %s; no topics", blank_kind(v));
		return 0;
	}
	if (v->type == ND_NODE_STR) {
		warn(c, v, "topics should be a list; took '%s' as one topic", v->text);
		items = &single;
		count = 1;
	} else if (v->type != ND_NODE_SEQ) {
		warn(c, v, "topics should be a list of names; kept in extra");
		return 1;
	}
	a->topics = nd_xcalloc(count, sizeof(char *));
	a->topic_keys = nd_xcalloc(count, sizeof(char *));
	for (size_t k = 0; k < count; k++) {
		const struct nd_node *t = items[k];
		if (!is_scalar(t)) {
			warn(c, t, "topic is not a name; kept in extra");
			lossy = 1;
			continue;
		}
		/* nothing to keep, but the list was not what it says */
		char *key = t->type == ND_NODE_NULL ? NULL : nd_norm_key(t->text);
		if (!key) {
			warn(c, t, "topic %zu is %s; dropped", k + 1, blank_kind(t));
			continue;
		}
		bool seen = false;
		for (size_t j = 0; j < a->n_topics && !seen; j++)
			seen = !strcmp(a->topic_keys[j], key);
		if (seen) {
			free(key);
			continue;
		}
		a->topic_keys[a->n_topics] = key;
		a->topics[a->n_topics++] = nd_norm_space(t->text);
	}
	return lossy;
}

/* convert() returns 0, -1 on an error, or NO_IDENTITY when the item has no
 * usable URL (an error for a file, a dropped link for a related item). */
#define NO_IDENTITY (-2)
static int convert(struct nd_article *a, const struct nd_node *map, struct nd_error *err,
		   struct nd_buf *warnings, bool top);

static int convert_related(struct conv *c, const struct nd_node *v)
{
	struct nd_article *a = c->a;
	if (v->type == ND_NODE_NULL)
		return 0;
	if (v->type != ND_NODE_SEQ) {
		warn(c, v, "related should be a list of articles; kept in extra");
		return 1;
	}
	int lossy = 0;
	a->related = nd_xcalloc(v->count, sizeof(*a->related));
	for (size_t k = 0; k < v->count; k++) {
		const struct nd_node *item = v->items[k];
		struct nd_article *r = &a->related[a->n_related];
		struct nd_error item_err;
		nd_error_clear(&item_err);
		if (item->type != ND_NODE_MAP) {
			if (item->type != ND_NODE_NULL) {
				warn(c, item, "related item %zu is not a mapping; kept in extra", k + 1);
				lossy = 1;
			}
			continue;
		}
		int status = convert(r, item, &item_err, c->warnings, false);
		if (status == -1) {
			*c->err = item_err;
			c->failed = 1;
			nd_article_release(r);
			return 0;
		}
		if (status == NO_IDENTITY) {
			/* a link without identity cannot be an edge, but is not lost */
			warn(c, item, "related item %zu: %s; kept in extra", k + 1, item_err.msg);
			nd_article_release(r);
			lossy = 1;
			continue;
		}
		a->n_related++;
	}
	return lossy;
}

/* Sets *dst from a text field; returns what get_text returns. */
static int text_field(struct conv *c, const struct nd_node *key, const struct nd_node *val,
		      char **dst)
{
	free(*dst);
	int r = get_text(c, key->text, val, dst);
	if (r == 1) {
		warn(c, val, "%s should be text; kept in extra", key->text);
		keep_extra(c, key, val);
	}
	return r < 0 ? -1 : 0;
}

static void number_field(struct conv *c, const struct nd_node *key, const struct nd_node *val,
			 struct nd_number *dst)
{
	int status = get_number(val, dst);
	if (status != 0) {
		warn(c, val, "%s '%s' %s; stored as null, kept in extra", key->text,
		     is_scalar(val) ? val->text : "(not a scalar)", number_problem(status));
		keep_extra(c, key, val);
	}
}

static void date_field(struct conv *c, const struct nd_node *key, const struct nd_node *val)
{
	if (val->type == ND_NODE_NULL)
		return;
	if (!is_scalar(val) || nd_norm_date(val->text, c->a->published_at) != 0) {
		warn(c, val, "cannot read date '%s'; kept in extra",
		     is_scalar(val) ? val->text : "(not a scalar)");
		keep_extra(c, key, val);
	}
}

/* Keys that become columns or tables. */
enum field {
	F_UNKNOWN, F_TITLE, F_EXCERPT, F_CATEGORY, F_TYPE, F_FEATURED, F_WEB_URL, F_ORIGINAL_URL,
	F_AMP_URL, F_CDN_AMP_URL, F_DATE, F_QUALITY, F_HEAT, F_PUBLISHED, F_PROVIDER, F_TOPICS,
	F_IMAGES, F_RELATED,
};

static enum field field_of(const char *key)
{
	static const struct {
		const char *name;
		enum field field;
	} fields[] = {
		{ "title", F_TITLE },
		{ "excerpt", F_EXCERPT },
		{ "category", F_CATEGORY },
		{ "type", F_TYPE },
		{ "featuredContent", F_FEATURED },
		{ "webUrl", F_WEB_URL },
		{ "originalUrl", F_ORIGINAL_URL },
		{ "ampWebUrl", F_AMP_URL },
		{ "cdnAmpWebUrl", F_CDN_AMP_URL },
		{ "publishedDateTime", F_DATE },
		{ "quality", F_QUALITY },
		{ "heat", F_HEAT },
		{ "published", F_PUBLISHED },
		{ "provider", F_PROVIDER },
		{ "topics", F_TOPICS },
		{ "images", F_IMAGES },
		{ "related", F_RELATED },
	};
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
		if (!strcmp(key, fields[k].name))
			return fields[k].field;
	return F_UNKNOWN;
}

static char **text_slot(struct nd_article *a, enum field f)
{
	switch (f) {
	case F_TITLE: return &a->title;
	case F_EXCERPT: return &a->excerpt;
	case F_CATEGORY: return &a->category;
	case F_TYPE: return &a->type;
	case F_FEATURED: return &a->featured_content;
	case F_WEB_URL: return &a->web_url;
	case F_ORIGINAL_URL: return &a->original_url;
	case F_AMP_URL: return &a->amp_url;
	case F_CDN_AMP_URL: return &a->cdn_amp_url;
	default: return NULL;
	}
}

/* The canonical URL from webUrl, else originalUrl.  Returns 0, or
 * NO_IDENTITY with err set. */

static int choose_identity(struct conv *c, const struct nd_node *map)
{
	struct nd_article *a = c->a;
	const struct nd_node *web = nd_node_get(map, "webUrl");
	const struct nd_node *orig = nd_node_get(map, "originalUrl");
	if (a->web_url)
		a->url = nd_norm_url(a->web_url);
	if (!a->url && a->original_url) {
		a->url = nd_norm_url(a->original_url);
		if (a->url && a->web_url)
			warn(c, web, "webUrl '%s' is not a URL; identified by originalUrl",
			     a->web_url);
	}
	if (a->url)
		return 0;
	const struct nd_node *at = web ? web : orig ? orig : map;
	nd_error_set(c->err, at->line, at->col, "%s",
		     web || orig ? "neither webUrl nor originalUrl is a usable URL"
				 : "no webUrl or originalUrl: the article has no identity");
	return NO_IDENTITY;
}

static int convert(struct nd_article *a, const struct nd_node *map, struct nd_error *err,
		   struct nd_buf *warnings, bool top)
{
	struct conv c = { .a = a, .extra = ND_BUF_INIT, .err = err, .warnings = warnings };
	a->is_published = -1;
	for (size_t k = 0; k < map->count && !c.failed; k++) {
		const struct nd_node *key = map->items[2 * k];
		const struct nd_node *val = map->items[2 * k + 1];
		enum field f = field_of(key->text);
		char **slot = text_slot(a, f);
		int lossy = 0;
		if (slot) {
			if (text_field(&c, key, val, slot) != 0)
				break;
			if (f == F_TITLE && is_scalar(val) && !has_text(*slot)) {
				warn(&c, val, "title is %s; stored without a title", blank_kind(val));
				free(*slot);
				*slot = NULL;
			}
			continue;
		}
		switch (f) {
		case F_DATE:
			date_field(&c, key, val);
			break;
		case F_QUALITY:
			number_field(&c, key, val, &a->quality);
			break;
		case F_HEAT:
			number_field(&c, key, val, &a->heat);
			break;
		case F_PUBLISHED:
			if (get_bool(val, &a->is_published) != 0) {
				warn(&c, val, "published is not a boolean; kept in extra");
				lossy = 1;
			}
			break;
		case F_PROVIDER:
			provider_free(a->provider);
			lossy = convert_provider(&c, val, &a->provider);
			break;
		case F_TOPICS:
			lossy = convert_topics(&c, val);
			break;
		case F_IMAGES:
			lossy = convert_images(&c, val, &a->images, &a->n_images);
			break;
		case F_RELATED:
			lossy = top ? convert_related(&c, val) : 1;
			break;
		default:
			lossy = 1;
			break;
		}
		if (lossy)
			keep_extra(&c, key, val);
	}
	int status = c.failed ? -1 : choose_identity(&c, map);
	if (c.n_extra) {
		struct nd_buf obj = ND_BUF_INIT;
		nd_buf_addc(&obj, '{');
		nd_buf_add(&obj, c.extra.data, c.extra.len);
		nd_buf_addc(&obj, '}');
		a->extra = nd_buf_detach(&obj);
	}
	nd_buf_release(&c.extra);
	return status;
}

/*
 * The body as stored: its text, with each NUL byte (valid UTF-8, but the end
 * of every C string and of SQLite's text functions) written as U+FFFD, and
 * one warning at the first one.  A NUL in the front matter is the parser's
 * error instead: there it would cut a value short without a trace.
 */
static char *body_text(const struct nd_frontmatter *fm, struct nd_buf *warnings)
{
	const char *p = fm->body, *end = fm->body + fm->body_len;
	const char *nul = memchr(p, '\0', fm->body_len);
	if (!nul)
		return nd_xstrndup(p, fm->body_len);
	int line = fm->body_line, col = 1, n = 0;
	for (const char *q = p; q < nul; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80) {
			col++; /* columns count characters, as libyaml's do */
		}
	}
	struct nd_buf b = ND_BUF_INIT;
	for (; nul; nul = memchr(p, '\0', (size_t)(end - p))) {
		nd_buf_add(&b, p, (size_t)(nul - p));
		nd_buf_adds(&b, "\xef\xbf\xbd");
		p = nul + 1;
		n++;
	}
	nd_buf_add(&b, p, (size_t)(end - p));
	warn_at(warnings, line, col, "body has %d NUL byte%s; stored as U+FFFD", n, n == 1 ? "" : "s");
	return nd_buf_detach(&b);
}

int nd_article_from_frontmatter(struct nd_article *a, const struct nd_frontmatter *fm,
				struct nd_error *err)
{
	memset(a, 0, sizeof(*a));
	if (convert(a, fm->root, err, &a->warnings, true) != 0)
		return -1;
	if (fm->body && fm->body_len) {
		size_t n = fm->body_len;
		if (n > ND_ARTICLE_MAX_TEXT)
			return nd_error_set(err, fm->body_line, 1,
					    "body is too long (%zu bytes; the limit is %u)", n,
					    ND_ARTICLE_MAX_TEXT);
		if (!nd_utf8_valid(fm->body, n))
			return nd_error_set(err, fm->body_line, 1,
					    "body is not valid UTF-8 text");
		/* a body of blank lines is no body */
		size_t k = 0;
		while (k < n && strchr(" \t\r\n", fm->body[k]))
			k++;
		if (k < n)
			a->body = body_text(fm, &a->warnings);
	}
	return 0;
}

void nd_article_release(struct nd_article *a)
{
	if (!a)
		return;
	char **texts[] = { &a->url, &a->web_url, &a->original_url, &a->amp_url, &a->cdn_amp_url,
			   &a->title, &a->excerpt, &a->body, &a->category, &a->type,
			   &a->featured_content, &a->extra };
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
		free(*texts[k]);
	provider_free(a->provider);
	for (size_t k = 0; k < a->n_topics; k++) {
		free(a->topics[k]);
		free(a->topic_keys[k]);
	}
	free(a->topics);
	free(a->topic_keys);
	for (size_t k = 0; k < a->n_images; k++)
		image_release(&a->images[k]);
	free(a->images);
	for (size_t k = 0; k < a->n_related; k++)
		nd_article_release(&a->related[k]);
	free(a->related);
	nd_buf_release(&a->warnings);
	memset(a, 0, sizeof(*a));
}
