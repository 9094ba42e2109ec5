/*
 * cmd_show.c: `newsdb show ID|URL|PATH`: one article with everything known
 * about it: provider, topics, images, related coverage both ways, sources
 * and the keys kept verbatim in extra.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* `newsdb show --help`: this head, the options from the table, this tail */
static const char show_help_head[] =
	"usage: newsdb show [OPTIONS] ID|URL|PATH\n"
	"\n"
	"Shows one article: its fields, provider, topics, images, the articles it\n"
	"links to and those linking to it, the files it came from, and the keys\n"
	"kept verbatim in extra.  The article is named by its id (as search\n"
	"prints it), its URL (any spelling that canonicalizes to it) or the path\n"
	"of a file it was imported from.\n";
static const char show_help_tail[] =
	"\n"
	"Exit status: 0 shown; 1 no such article or the database could not be\n"
	"read; 2 usage error.\n";

struct show_ctx {
	enum nd_format format;
	struct nd_printer *printer;
	int64_t n;
};

static void number_text(const struct nd_number *n, char *out, size_t size)
{
	if (n->kind == ND_NUM_INT)
		snprintf(out, size, "%lld", (long long)n->i);
	else if (n->kind == ND_NUM_REAL)
		snprintf(out, size, "%g", n->r);
	else
		snprintf(out, size, "-");
}

static void text_line(const char *label, const char *value)
{
	if (value && *value)
		printf("%-12s %s\n", label, cli_safe(value));
}

static void text_images(const char *label, const struct nd_image *images, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char w[32], h[32];
		number_text(&images[k].width, w, sizeof(w));
		number_text(&images[k].height, h, sizeof(h));
		printf("%-12s %s (%sx%s%s)\n", k ? "" : label, cli_safe(images[k].url), w, h,
		       images[k].is_cached == 1 ? ", cached" : "");
	}
}

static void print_text(int64_t id, const struct nd_article *a)
{
	printf("#%lld  %s\n\n", (long long)id, a->title ? cli_safe(a->title) : "(untitled)");
	text_line("url", a->url);
	text_line("published", a->published_at);
	if (a->provider) {
		printf("%-12s %s (%s)\n", "provider", cli_safe(a->provider->name),
		       cli_safe(a->provider->domain));
		text_images("logo", a->provider->images, a->provider->n_images);
	}
	text_line("type", a->type);
	text_line("category", a->category);
	char q[32], h[32];
	number_text(&a->quality, q, sizeof(q));
	number_text(&a->heat, h, sizeof(h));
	printf("%-12s quality %s, heat %s, published %s\n", "scores", q, h,
	       a->is_published < 0 ? "-" : a->is_published ? "yes" : "no");
	for (size_t k = 0; k < a->n_topics; k++)
		printf("%-12s %s\n", k ? "" : "topics", cli_safe(a->topics[k]));
	text_images("images", a->images, a->n_images);
	text_line("web url", a->web_url);
	text_line("original url", a->original_url);
	text_line("amp url", a->amp_url);
	text_line("excerpt", a->excerpt);
	if (a->n_related)
		printf("\nlinks to:\n");
	for (size_t k = 0; k < a->n_related; k++) {
		const struct nd_article *r = &a->related[k];
		printf("  %zu. %s", k + 1, r->title ? cli_safe(r->title) : "(untitled)");
		if (r->provider)
			printf(" (%s)", cli_safe(r->provider->name));
		printf("\n     %s\n", cli_safe(r->url));
	}
}

static int text_backlink(int64_t id, const char *url, const char *title, void *ctx)
{
	struct show_ctx *c = ctx;
	if (c->n++ == 0)
		printf("\nlinked from:\n");
	printf("  #%lld %s\n     %s\n", (long long)id, title ? cli_safe(title) : "(untitled)",
	       cli_safe(url));
	return 0;
}

static int text_source(const char *path, const char *status, const char *message,
		       const char *imported_at, void *ctx)
{
	struct show_ctx *c = ctx;
	if (c->n++ == 0)
		printf("\nsources:\n");
	printf("  %s (%s, %s)\n", cli_safe(path), status, imported_at);
	if (message)
		printf("    %s\n", cli_safe(message));
	return 0;
}

static void json_images(struct nd_printer *p, const struct nd_image *images, size_t n)
{
	nd_printer_begin_list(p);
	for (size_t k = 0; k < n; k++) {
		nd_printer_begin_map(p);
		nd_printer_key(p, "url");
		nd_printer_string(p, images[k].url);
		nd_printer_key(p, "width");
		if (images[k].width.kind == ND_NUM_INT)
			nd_printer_int(p, images[k].width.i);
		else
			nd_printer_null(p);
		nd_printer_key(p, "height");
		if (images[k].height.kind == ND_NUM_INT)
			nd_printer_int(p, images[k].height.i);
		else
			nd_printer_null(p);
		nd_printer_key(p, "is_cached");
		if (images[k].is_cached < 0)
			nd_printer_null(p);
		else
			nd_printer_bool(p, images[k].is_cached);
		nd_printer_end(p);
	}
	nd_printer_end(p);
}

static void json_number(struct nd_printer *p, const char *key, const struct nd_number *n)
{
	nd_printer_key(p, key);
	if (n->kind == ND_NUM_INT)
		nd_printer_int(p, n->i);
	else if (n->kind == ND_NUM_REAL)
		nd_printer_real(p, n->r);
	else
		nd_printer_null(p);
}

/* The fields of an article (top level or related item) as JSON members. */
static void json_fields(struct nd_printer *p, const struct nd_article *a)
{
	const struct {
		const char *key, *value;
	} texts[] = {
		{ "url", a->url }, { "title", a->title }, { "excerpt", a->excerpt },
		{ "published_at", a->published_at[0] ? a->published_at : NULL },
		{ "web_url", a->web_url }, { "original_url", a->original_url },
		{ "amp_url", a->amp_url }, { "cdn_amp_url", a->cdn_amp_url },
		{ "type", a->type }, { "category", a->category },
		{ "featured_content", a->featured_content }, { "body", a->body },
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		nd_printer_key(p, texts[k].key);
		nd_printer_string(p, texts[k].value);
	}
	json_number(p, "quality", &a->quality);
	json_number(p, "heat", &a->heat);
	nd_printer_key(p, "is_published");
	if (a->is_published < 0)
		nd_printer_null(p);
	else
		nd_printer_bool(p, a->is_published);
	nd_printer_key(p, "provider");
	if (a->provider) {
		nd_printer_begin_map(p);
		nd_printer_key(p, "name");
		nd_printer_string(p, a->provider->name);
		nd_printer_key(p, "domain");
		nd_printer_string(p, a->provider->domain);
		nd_printer_key(p, "images");
		json_images(p, a->provider->images, a->provider->n_images);
		nd_printer_end(p);
	} else {
		nd_printer_null(p);
	}
	nd_printer_key(p, "topics");
	nd_printer_begin_list(p);
	for (size_t k = 0; k < a->n_topics; k++)
		nd_printer_string(p, a->topics[k]);
	nd_printer_end(p);
	nd_printer_key(p, "images");
	json_images(p, a->images, a->n_images);
	nd_printer_key(p, "extra");
	nd_printer_json(p, a->extra);
}

static int json_backlink(int64_t id, const char *url, const char *title, void *ctx)
{
	struct nd_printer *p = ((struct show_ctx *)ctx)->printer;
	nd_printer_begin_map(p);
	nd_printer_key(p, "id");
	nd_printer_int(p, id);
	nd_printer_key(p, "url");
	nd_printer_string(p, url);
	nd_printer_key(p, "title");
	nd_printer_string(p, title);
	nd_printer_end(p);
	return 0;
}

static int json_source(const char *path, const char *status, const char *message,
		       const char *imported_at, void *ctx)
{
	struct nd_printer *p = ((struct show_ctx *)ctx)->printer;
	nd_printer_begin_map(p);
	nd_printer_key(p, "path");
	nd_printer_string(p, path);
	nd_printer_key(p, "status");
	nd_printer_string(p, status);
	nd_printer_key(p, "message");
	nd_printer_string(p, message);
	nd_printer_key(p, "imported_at");
	nd_printer_string(p, imported_at);
	nd_printer_end(p);
	return 0;
}

static int show(struct nd_store *store, int64_t id, const struct nd_article *a,
		struct show_ctx *c, struct nd_error *err)
{
	int rc;
	if (c->format == ND_FORMAT_TEXT) {
		print_text(id, a);
		c->n = 0;
		if ((rc = nd_store_article_backlinks(store, id, text_backlink, c, err)))
			return rc;
		c->n = 0;
		if ((rc = nd_store_article_sources(store, id, text_source, c, err)))
			return rc;
		if (a->extra)
			printf("\nextra:\n  %s\n", cli_safe(a->extra));
		return 0;
	}
	struct nd_printer *p = c->printer = nd_printer_new(stdout, ND_FORMAT_JSON);
	nd_printer_begin_map(p);
	nd_printer_key(p, "id");
	nd_printer_int(p, id);
	json_fields(p, a);
	nd_printer_key(p, "links_to");
	nd_printer_begin_list(p);
	for (size_t k = 0; k < a->n_related; k++) {
		nd_printer_begin_map(p);
		json_fields(p, &a->related[k]);
		nd_printer_end(p);
	}
	nd_printer_end(p);
	nd_printer_key(p, "linked_from");
	nd_printer_begin_list(p);
	if ((rc = nd_store_article_backlinks(store, id, json_backlink, c, err)))
		return rc;
	nd_printer_end(p);
	nd_printer_key(p, "sources");
	nd_printer_begin_list(p);
	if ((rc = nd_store_article_sources(store, id, json_source, c, err)))
		return rc;
	nd_printer_end(p);
	nd_printer_end(p);
	return 0;
}

static int check(struct nd_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cli_usage_error(cli, "show", "name one article: its id, URL or file path");
	return ND_EXIT_OK;
}

static int run(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	struct nd_store *store = cli->store;
	struct show_ctx ctx = { .format = cli->format };
	struct nd_error err;
	nd_error_clear(&err);
	int64_t id;
	struct nd_article a;
	memset(&a, 0, sizeof(a));
	int rc = nd_store_article_find(store, argv[0], &id, &err);
	if (!rc)
		rc = nd_store_article_load(store, id, &a, &err);
	if (!rc)
		rc = show(store, id, &a, &ctx, &err);
	nd_printer_free(ctx.printer);
	nd_article_release(&a);
	if (rc) {
		char *shown = cli_printable(err.msg);
		cli_error(cli, "%s", shown);
		free(shown);
		return ND_EXIT_FAILED;
	}
	return ND_EXIT_OK;
}

const struct nd_command nd_cmd_show = {
	.name = "show", .db = ND_DB_READ, .formats = "text, json",
	.summary = "one article with everything known about it",
	.options = nd_format_only, .help_column = 21, .operands = ND_COMPLETE_FILES, .check = check,
	.run = run,
	.help_head = show_help_head, .help_tail = show_help_tail,
};
