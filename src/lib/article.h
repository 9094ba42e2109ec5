/*
 * article.h: one article as newsdb models it, built from a parsed front
 * matter tree by the schema's types.  Everything here is owned by the
 * struct nd_article and freed by nd_article_release().
 *
 * Error or warning, decided as a careful user would:
 *  - an article without identity (no usable webUrl or originalUrl) is an
 *    error, and so is a text field over ND_ARTICLE_MAX_TEXT bytes or invalid
 *    UTF-8 anywhere (the file is then not imported);
 *  - a known key with a value of the wrong type or shape (an unparsable date,
 *    width "abc", topics as a string, images as a mapping) is a warning: the
 *    value is kept verbatim in `extra` under its own key, never guessed;
 *  - a missing title, excerpt, date, provider, topics or images is fine.
 */
#ifndef ND_ARTICLE_H
#define ND_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "frontmatter.h"

#define ND_ARTICLE_MAX_TEXT (1u << 20) /* bytes in one text field */

/* A number as the file gave it: absent, an integer or a real. */
struct nd_number {
	enum { ND_NUM_NONE, ND_NUM_INT, ND_NUM_REAL } kind;
	int64_t i;
	double r;
};

struct nd_image {
	char *url;              /* as given, trimmed */
	struct nd_number width, height;
	int is_cached;          /* -1 unknown, 0, 1 */
};

struct nd_provider {
	char *name;             /* display form (nd_norm_space) */
	char *name_key;         /* identity (nd_norm_key) */
	char *domain;           /* nd_norm_domain; "" when the file gives none */
	struct nd_image *images;
	size_t n_images;
};

struct nd_article {
	char *url;              /* canonical URL: identity */
	char *web_url, *original_url, *amp_url, *cdn_amp_url;
	char *title, *excerpt, *body;
	char *category, *type, *featured_content;
	char published_at[21];  /* "" when unknown */
	struct nd_number quality, heat;
	int is_published;       /* -1 unknown, 0, 1 */
	struct nd_provider *provider; /* NULL when none */
	char **topics;          /* display forms, deduplicated by key */
	char **topic_keys;
	size_t n_topics;
	struct nd_image *images;
	size_t n_images;
	struct nd_article *related; /* each with its own fields; related[i].related is NULL */
	size_t n_related;
	char *extra;            /* JSON object text of the keys not modelled, or NULL */
	struct nd_buf warnings; /* "line:col: message" lines joined with "\n" */
};

/*
 * Fills *a from a front-matter tree and the body text (body may be NULL).
 * Returns 0 (possibly with warnings in a->warnings), or -1 with err set; in
 * both cases release *a afterwards.
 */
int nd_article_from_frontmatter(struct nd_article *a, const struct nd_frontmatter *fm,
				struct nd_error *err);

void nd_article_release(struct nd_article *a);

#endif
