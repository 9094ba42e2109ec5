/* check_emit.c: articles written back out: the exact shape of the output,
 * and emit -> parse -> convert giving back an equal article, for hand-built
 * articles with hostile values and for every file of the real corpus. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "article.h"
#include "buf.h"
#include "emit.h"
#include "frontmatter.h"
#include "json.h"
#include "normalize.h"
#include "suites.h"

#define CORPUS_DIR "corpus/powerapps"
#define SEED_FILE "seeds/000_a479abb3854902df.txt"

/* Strings that YAML or JSON would take for something else if written
 * carelessly, each as a title, an excerpt, a topic and an extra value. */
static const char *const nasty[] = {
	"",
	"say \"hi\"",
	"back\\slash \\n not a newline",
	"line one\nline two\r\nline three\n",
	"\ttab and trailing space ",
	"  leading spaces",
	"key: value",
	"# not a comment",
	"- not a list item",
	"[not, a, list]",
	"{not: a map}",
	"&anchor *alias !tag %directive @at `tick` |pipe >fold",
	"123",
	"-1.5e3",
	"0x1F",
	".inf",
	"true",
	"False",
	"yes",
	"null",
	"~",
	"---",
	"...",
	"caf\xc3\xa9 \xe5\x95\x86\xe6\xb1\xa4\xe7\xa7\x91\xe6\x8a\x80 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
	"emoji \xf0\x9f\x9a\x80\xf0\x9f\x8e\x89",
	"controls \x01\x02\x1b\x1f\x7f end",
	"C1 \xc2\x80 NEL \xc2\x85 \xc2\x9f and NBSP \xc2\xa0",
	"LS \xe2\x80\xa8 PS \xe2\x80\xa9 BOM \xef\xbb\xbf nonchars \xef\xbf\xbe\xef\xbf\xbf",
	"'single' quotes",
};
#define N_NASTY (sizeof(nasty) / sizeof(nasty[0]))

/* ---- building and comparing articles ---- */

static char *dup_or_null(const char *s)
{
	return s ? nd_xstrdup(s) : NULL;
}

static void set_urls(struct nd_article *a, const char *web, const char *original)
{
	a->web_url = dup_or_null(web);
	a->original_url = dup_or_null(original);
	a->url = nd_norm_url(web ? web : original);
	ck_assert_ptr_nonnull(a->url);
}

static void add_topic(struct nd_article *a, const char *name)
{
	a->topics = nd_xrealloc(a->topics, (a->n_topics + 1) * sizeof(char *));
	a->topic_keys = nd_xrealloc(a->topic_keys, (a->n_topics + 1) * sizeof(char *));
	a->topics[a->n_topics] = nd_norm_space(name);
	a->topic_keys[a->n_topics++] = nd_norm_key(name);
}

static void add_image(struct nd_image **images, size_t *n, const char *url, int64_t width,
		      int64_t height, int is_cached)
{
	*images = nd_xrealloc(*images, (*n + 1) * sizeof(**images));
	struct nd_image *img = &(*images)[(*n)++];
	memset(img, 0, sizeof(*img));
	img->url = nd_xstrdup(url);
	if (width >= 0)
		img->width = (struct nd_number){ .kind = ND_NUM_INT, .i = width };
	if (height >= 0)
		img->height = (struct nd_number){ .kind = ND_NUM_INT, .i = height };
	img->is_cached = is_cached;
}

static void set_provider(struct nd_article *a, const char *name, const char *domain)
{
	a->provider = nd_xcalloc(1, sizeof(*a->provider));
	a->provider->name = nd_norm_space(name);
	a->provider->name_key = nd_norm_key(name);
	a->provider->domain = domain ? nd_norm_domain(domain) : nd_xstrdup("");
}

static struct nd_article *add_related(struct nd_article *a, const char *web)
{
	a->related = nd_xrealloc(a->related, (a->n_related + 1) * sizeof(*a->related));
	struct nd_article *r = &a->related[a->n_related++];
	memset(r, 0, sizeof(*r));
	r->is_published = -1;
	set_urls(r, web, NULL);
	return r;
}

static void init_article(struct nd_article *a, const char *web)
{
	memset(a, 0, sizeof(*a));
	a->is_published = -1;
	set_urls(a, web, NULL);
}

#define ck_str_or_null(x, y, what)                                                        \
	do {                                                                              \
		if (!(x) || !(y))                                                         \
			ck_assert_msg((x) == (y), "%s: %s vs %s", (what), (x) ? (x) : "NULL", \
				      (y) ? (y) : "NULL");                                \
		else                                                                      \
			ck_assert_msg(!strcmp((x), (y)), "%s: '%s' vs '%s'", (what), (x), (y)); \
	} while (0)

static void ck_number_eq(const struct nd_number *x, const struct nd_number *y, const char *what)
{
	ck_assert_msg(x->kind == y->kind, "%s: kind %d vs %d", what, x->kind, y->kind);
	if (x->kind == ND_NUM_INT)
		ck_assert_msg(x->i == y->i, "%s: %lld vs %lld", what, (long long)x->i,
			      (long long)y->i);
	else if (x->kind == ND_NUM_REAL)
		ck_assert_msg(x->r == y->r, "%s: %.17g vs %.17g", what, x->r, y->r);
}

static void ck_images_eq(const struct nd_image *x, size_t nx, const struct nd_image *y,
			 size_t ny)
{
	ck_assert_uint_eq(nx, ny);
	for (size_t k = 0; k < nx; k++) {
		ck_str_or_null(x[k].url, y[k].url, "image url");
		ck_number_eq(&x[k].width, &y[k].width, "image width");
		ck_number_eq(&x[k].height, &y[k].height, "image height");
		ck_assert_int_eq(x[k].is_cached, y[k].is_cached);
	}
}

/* Every field, list and nested item of two articles (warnings aside). */
static void ck_article_eq(const struct nd_article *x, const struct nd_article *y)
{
	ck_str_or_null(x->url, y->url, "url");
	ck_str_or_null(x->web_url, y->web_url, "webUrl");
	ck_str_or_null(x->original_url, y->original_url, "originalUrl");
	ck_str_or_null(x->amp_url, y->amp_url, "ampWebUrl");
	ck_str_or_null(x->cdn_amp_url, y->cdn_amp_url, "cdnAmpWebUrl");
	ck_str_or_null(x->title, y->title, "title");
	ck_str_or_null(x->excerpt, y->excerpt, "excerpt");
	ck_str_or_null(x->body, y->body, "body");
	ck_str_or_null(x->category, y->category, "category");
	ck_str_or_null(x->type, y->type, "type");
	ck_str_or_null(x->featured_content, y->featured_content, "featuredContent");
	ck_assert_str_eq(x->published_at, y->published_at);
	ck_number_eq(&x->quality, &y->quality, "quality");
	ck_number_eq(&x->heat, &y->heat, "heat");
	ck_assert_int_eq(x->is_published, y->is_published);
	ck_assert_msg(!x->provider == !y->provider, "provider present in one only");
	if (x->provider) {
		ck_str_or_null(x->provider->name, y->provider->name, "provider name");
		ck_str_or_null(x->provider->name_key, y->provider->name_key, "provider key");
		ck_str_or_null(x->provider->domain, y->provider->domain, "provider domain");
		ck_images_eq(x->provider->images, x->provider->n_images, y->provider->images,
			     y->provider->n_images);
	}
	ck_assert_uint_eq(x->n_topics, y->n_topics);
	for (size_t k = 0; k < x->n_topics; k++) {
		ck_str_or_null(x->topics[k], y->topics[k], "topic");
		ck_str_or_null(x->topic_keys[k], y->topic_keys[k], "topic key");
	}
	ck_images_eq(x->images, x->n_images, y->images, y->n_images);
	ck_assert_uint_eq(x->n_related, y->n_related);
	for (size_t k = 0; k < x->n_related; k++)
		ck_article_eq(&x->related[k], &y->related[k]);
	ck_str_or_null(x->extra, y->extra, "extra");
}

/* Reads `text` as an article file into *a (released by the caller). */
static void read_article(const char *text, size_t len, struct nd_article *a)
{
	struct nd_frontmatter fm;
	struct nd_error err;
	ck_assert_msg(nd_frontmatter_parse(text, len, &fm, &err) == ND_FM_OK,
		      "%d:%d: %s in\n%.*s", err.line, err.col, err.msg, (int)len, text);
	int rc = nd_article_from_frontmatter(a, &fm, &err);
	ck_assert_msg(rc == 0, "%s in\n%.*s", err.msg, (int)len, text);
	nd_frontmatter_release(&fm);
}

/* Writes a, reads it back, and checks that nothing changed; returns the
 * file text (caller frees). */
static char *ck_round_trip(const struct nd_article *a)
{
	struct nd_buf out = ND_BUF_INIT;
	nd_emit_frontmatter(a, &out);
	struct nd_article back;
	read_article(out.data, out.len, &back);
	ck_article_eq(a, &back);
	/* and the same text again: the output is a fixed point */
	struct nd_buf again = ND_BUF_INIT;
	nd_emit_frontmatter(&back, &again);
	ck_assert_str_eq(again.data, out.data);
	nd_buf_release(&again);
	nd_article_release(&back);
	return nd_buf_detach(&out);
}

/* The value of SQLite's json_extract(json, path) as text, for checking the
 * JSON writer with an independent reader.  NULL when it is SQL NULL. */
static char *json_get(const char *json, const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT json_valid(?1), json_extract(?1, ?2)", -1,
					    &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_msg(sqlite3_column_int(st, 0) == 1, "not valid JSON: %s", json);
	const char *v = (const char *)sqlite3_column_text(st, 1);
	char *out = v ? nd_xstrdup(v) : NULL;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* ---- the shape of the output ---- */

/* The seed's shape, small. */
static void build_small(struct nd_article *a)
{
	init_article(a, "https://example.com/a");
	a->original_url = nd_xstrdup("https://example.com/a");
	a->category = nd_xstrdup("news");
	a->title = nd_xstrdup("A \"quoted\" title");
	memcpy(a->published_at, "2021-12-30T00:22:00Z", 21);
	a->type = nd_xstrdup("article");
	a->quality = (struct nd_number){ .kind = ND_NUM_INT, .i = 37 };
	a->heat = (struct nd_number){ .kind = ND_NUM_REAL, .r = 3.0 };
	a->is_published = 0;
	set_provider(a, "SiliconANGLE", "siliconangle.com");
	add_topic(a, "AI");
	add_image(&a->images, &a->n_images, "https://example.com/i.png", 2000, 1041, 1);
	struct nd_article *r = add_related(a, "https://example.org/r");
	r->title = nd_xstrdup("Related");
	r->quality = (struct nd_number){ .kind = ND_NUM_INT, .i = 172 };
	set_provider(r, "Bloomberg", "bloomberg.com");
	r->extra = nd_xstrdup("{\"secured\":\"r\"}");
	a->extra = nd_xstrdup("{\"secured\":\"xyz\",\"tags\":[\"a\",1,true,null,{\"k\":\"v\"}]}");
	a->body = nd_xstrdup("\nThe body.\n---\nmore\n");
}

START_TEST(test_frontmatter_shape)
{
	struct nd_article a;
	build_small(&a);
	char *text = ck_round_trip(&a);
	ck_assert_str_eq(text,
			 "---\n"
			 "category: \"news\"\n"
			 "title: \"A \\\"quoted\\\" title\"\n"
			 "publishedDateTime: \"2021-12-30T00:22:00Z\"\n"
			 "originalUrl: \"https://example.com/a\"\n"
			 "webUrl: \"https://example.com/a\"\n"
			 "type: \"article\"\n"
			 "quality: 37\n"
			 "heat: 3.0\n"
			 "published: false\n"
			 "provider:\n"
			 "  name: \"SiliconANGLE\"\n"
			 "  domain: \"siliconangle.com\"\n"
			 "topics:\n"
			 "  - \"AI\"\n"
			 "images:\n"
			 "  - url: \"https://example.com/i.png\"\n"
			 "    width: 2000\n"
			 "    height: 1041\n"
			 "    isCached: true\n"
			 "related:\n"
			 "  - title: \"Related\"\n"
			 "    webUrl: \"https://example.org/r\"\n"
			 "    provider:\n"
			 "      name: \"Bloomberg\"\n"
			 "      domain: \"bloomberg.com\"\n"
			 "    quality: 172\n"
			 "    secured: \"r\"\n"
			 "secured: \"xyz\"\n"
			 "tags: [\"a\", 1, true, null, {\"k\": \"v\"}]\n"
			 "---\n"
			 "\nThe body.\n---\nmore\n");
	free(text);
	nd_article_release(&a);
}
END_TEST

START_TEST(test_json_shape)
{
	struct nd_article a;
	build_small(&a);
	struct nd_buf out = ND_BUF_INIT;
	nd_emit_json(&a, &out);
	ck_assert_str_eq(out.data,
			 "{\"category\":\"news\",\"title\":\"A \\\"quoted\\\" title\","
			 "\"publishedDateTime\":\"2021-12-30T00:22:00Z\","
			 "\"originalUrl\":\"https://example.com/a\",\"webUrl\":\"https://example.com/a\","
			 "\"type\":\"article\",\"quality\":37,\"heat\":3.0,\"published\":false,"
			 "\"provider\":{\"name\":\"SiliconANGLE\",\"domain\":\"siliconangle.com\"},"
			 "\"topics\":[\"AI\"],"
			 "\"images\":[{\"url\":\"https://example.com/i.png\",\"width\":2000,"
			 "\"height\":1041,\"isCached\":true}],"
			 "\"related\":[{\"title\":\"Related\",\"webUrl\":\"https://example.org/r\","
			 "\"provider\":{\"name\":\"Bloomberg\",\"domain\":\"bloomberg.com\"},"
			 "\"quality\":172,\"secured\":\"r\"}],"
			 "\"body\":\"\\nThe body.\\n---\\nmore\\n\","
			 "\"secured\":\"xyz\",\"tags\":[\"a\",1,true,null,{\"k\":\"v\"}]}");
	nd_buf_release(&out);
	nd_article_release(&a);
}
END_TEST

START_TEST(test_absent_fields_left_out)
{
	struct nd_article a;
	init_article(&a, "https://example.com/only");
	struct nd_buf out = ND_BUF_INIT;
	nd_emit_frontmatter(&a, &out);
	ck_assert_str_eq(out.data, "---\nwebUrl: \"https://example.com/only\"\n---\n");
	nd_buf_reset(&out);
	nd_emit_json(&a, &out);
	ck_assert_str_eq(out.data, "{\"webUrl\":\"https://example.com/only\"}");
	nd_buf_release(&out);
	nd_article_release(&a);
	/* a provider without a domain has no domain key */
	init_article(&a, "https://example.com/p");
	set_provider(&a, "Somebody", NULL);
	char *text = ck_round_trip(&a);
	ck_assert_ptr_nonnull(strstr(text, "provider:\n  name: \"Somebody\"\n---\n"));
	free(text);
	nd_article_release(&a);
}
END_TEST

/* ---- round trips ---- */

START_TEST(test_round_trip_nasty_strings)
{
	for (size_t k = 0; k < N_NASTY; k++) {
		struct nd_article a;
		init_article(&a, "https://example.com/nasty");
		const char *s = nasty[k];
		char **texts[] = { &a.title, &a.excerpt, &a.category, &a.type,
				   &a.featured_content, &a.amp_url, &a.cdn_amp_url };
		for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
			*texts[t] = nd_xstrdup(s);
		/* names are stored normalized; a blank one is no name, and a
		 * blank title no title */
		char *name = nd_norm_space(s);
		bool blank = !name;
		if (name) {
			add_topic(&a, s);
			set_provider(&a, s, "example.com");
		}
		free(name);
		if (blank) {
			free(a.title);
			a.title = NULL;
		}
		struct nd_article *r = add_related(&a, "https://example.org/related");
		r->title = blank ? NULL : nd_xstrdup(s);
		struct nd_buf extra = ND_BUF_INIT;
		nd_buf_adds(&extra, "{\"plain\":");
		nd_json_add_string(&extra, s, strlen(s));
		nd_buf_adds(&extra, ",\"nested\":{\"list\":[");
		nd_json_add_string(&extra, s, strlen(s));
		nd_buf_adds(&extra, "]},");
		nd_json_add_string(&extra, s, strlen(s)); /* as a key, too */
		nd_buf_adds(&extra, ":1}");
		a.extra = nd_buf_detach(&extra);
		if (strspn(s, " \t\r\n") < strlen(s))
			a.body = nd_xstrdup(s); /* a blank body is no body */
		free(ck_round_trip(&a));

		/* the JSON says the same, as SQLite reads it */
		struct nd_buf json = ND_BUF_INIT;
		nd_emit_json(&a, &json);
		const char *paths[] = { "$.title", "$.related[0].title", "$.plain",
					"$.nested.list[0]" };
		for (size_t p = blank ? 2 : 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
			char *v = json_get(json.data, paths[p]);
			ck_assert_msg(v && !strcmp(v, s), "%s of nasty[%zu]: '%s'", paths[p], k,
				      v ? v : "NULL");
			free(v);
		}
		nd_buf_release(&json);
		nd_article_release(&a);
	}
}
END_TEST

START_TEST(test_round_trip_numbers)
{
	static const struct nd_number numbers[] = {
		{ .kind = ND_NUM_INT, .i = 0 },
		{ .kind = ND_NUM_INT, .i = -1 },
		{ .kind = ND_NUM_INT, .i = INT64_MAX },
		{ .kind = ND_NUM_INT, .i = INT64_MIN },
		{ .kind = ND_NUM_REAL, .r = 66.5 },
		{ .kind = ND_NUM_REAL, .r = 0.1 },
		{ .kind = ND_NUM_REAL, .r = -2.0 },
		{ .kind = ND_NUM_REAL, .r = 1e22 },
		{ .kind = ND_NUM_REAL, .r = 1.0 / 3.0 },
		{ .kind = ND_NUM_REAL, .r = 2.2250738585072014e-308 },
		{ .kind = ND_NUM_REAL, .r = 1.7976931348623157e308 },
		{ .kind = ND_NUM_REAL, .r = 123456789012345678.0 },
	};
	for (size_t k = 0; k < sizeof(numbers) / sizeof(numbers[0]); k++) {
		struct nd_article a;
		init_article(&a, "https://example.com/n");
		a.quality = numbers[k];
		a.heat = numbers[k];
		a.is_published = (int)(k % 2);
		if (numbers[k].kind == ND_NUM_INT && numbers[k].i >= 0)
			add_image(&a.images, &a.n_images, "https://example.com/i", numbers[k].i,
				  numbers[k].i, (int)(k % 2));
		free(ck_round_trip(&a));
		nd_article_release(&a);
	}
}
END_TEST

/* The extra value stands for the file's own, which the tables could not
 * hold: it is written instead of the modelled field, and reads back to it. */
START_TEST(test_round_trip_extra_overrides)
{
	struct nd_article a;
	init_article(&a, "https://example.com/override");
	set_provider(&a, "Wire", "wire.example");
	add_topic(&a, "Kept");
	struct nd_article *r = add_related(&a, "https://example.org/r");
	r->extra = nd_xstrdup("{\"related\":\"items have no related lists\",\"quality\":\"high\"}");
	a.extra = nd_xstrdup("{\"author\":\"Jane Doe\",\"title\":{\"en\":\"Hello\",\"fr\":\"Salut\"},"
			     "\"publishedDateTime\":\"yesterday\",\"quality\":\"high\","
			     "\"published\":\"sometimes\",\"body\":\"a key called body\","
			     "\"syndication\":{\"partner\":\"Example Wire\",\"rights\":{\"region\":"
			     "\"APAC\",\"until\":[2023,1.5,false,null,[],{}]}},"
			     "\"key: with colon\":1,\"true\":2,\"\":3,\"-dash\":4}");
	a.body = nd_xstrdup("The real body.\n");
	char *text = ck_round_trip(&a);
	ck_assert_ptr_nonnull(strstr(text, "\ntitle: {\"en\": \"Hello\", \"fr\": \"Salut\"}\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n\"key: with colon\": 1\n\"true\": 2\n\"\": 3\n"));
	free(text);

	/* in JSON too the extra value wins, body included */
	struct nd_buf json = ND_BUF_INIT;
	nd_emit_json(&a, &json);
	char *title = json_get(json.data, "$.title.fr");
	char *body = json_get(json.data, "$.body");
	char *until = json_get(json.data, "$.syndication.rights.until");
	ck_assert_str_eq(title, "Salut");
	ck_assert_str_eq(body, "a key called body");
	ck_assert_str_eq(until, "[2023,1.5,false,null,[],{}]");
	free(title);
	free(body);
	free(until);
	nd_buf_release(&json);
	nd_article_release(&a);
}
END_TEST

/* Images, topics and providers that the tables hold only in part: the raw
 * value comes back, and with it the same partial reading. */
START_TEST(test_round_trip_lossy_reading)
{
	static const char text[] =
		"---\n"
		"title: 42\n"
		"webUrl: not a url\n"
		"originalUrl: \"https://example.com/lossy?utm_source=x#frag\"\n"
		"publishedDateTime: 2021-12-13 08:00:00 UTC\n"
		"quality: \"12\"\n"
		"heat: .inf\n"
		"published: yes\n"
		"provider: {name: \"  REUTERS \", domain: \"https://www.Reuters.com/\", url: x}\n"
		"topics: [AI, \"  artificial  intelligence \", ai, [nested], ~]\n"
		"images:\n"
		"  - https://example.com/bare.png\n"
		"  - {url: \"https://example.com/i.png\", width: abc, height: 10, isCached: maybe}\n"
		"  - {width: 5}\n"
		"related:\n"
		"  - {title: T, webUrl: \"https://example.org/r\", related: [x], images: y}\n"
		"  - {title: no identity}\n"
		"  - 7\n"
		"secured: \"abc\"\n"
		"---\n"
		"body\n";
	struct nd_article a;
	read_article(text, strlen(text), &a);
	ck_assert_ptr_nonnull(a.extra);
	free(ck_round_trip(&a));
	nd_article_release(&a);
}
END_TEST

/* Whole numbers written as YAML floats where the tables want a count: the
 * item is kept in extra, where each float must stay a float (0.0, not 0),
 * or it would read back as a count the tables hold and leave extra (the
 * fuzz target found `width: .0`). */
START_TEST(test_round_trip_whole_floats)
{
	static const char text[] =
		"---\n"
		"webUrl: \"https://example.com/floats\"\n"
		"provider:\n"
		"  name: P\n"
		"  domain: p.example.com\n"
		"  images: [{url: \"https://example.com/logo.png\", width: .0, height: 50}]\n"
		"images: [{url: \"https://example.com/i.png\", width: 1280.0, height: 2e2}]\n"
		"---\n";
	struct nd_article a;
	read_article(text, strlen(text), &a);
	ck_assert_ptr_nonnull(a.extra);
	ck_assert_ptr_nonnull(strstr(a.extra, "\"width\":0.0"));
	ck_assert_ptr_nonnull(strstr(a.extra, "\"width\":1280.0"));
	ck_assert_ptr_nonnull(strstr(a.extra, "\"height\":200.0"));
	free(ck_round_trip(&a));
	nd_article_release(&a);
}
END_TEST

/* Reads, writes and reads again one article file. */
static void ck_round_trip_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	struct nd_buf text = ND_BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		nd_buf_add(&text, chunk, n);
	ck_assert(!ferror(f));
	fclose(f);
	struct nd_article a;
	read_article(text.data, text.len, &a);
	free(ck_round_trip(&a));
	nd_article_release(&a);
	nd_buf_release(&text);
}

/* Every file of the real corpus and the seed: read, written, read again. */
START_TEST(test_round_trip_corpus)
{
	char *seed = shared_path(SEED_FILE), *corpus = shared_path(CORPUS_DIR);
	ck_round_trip_file(seed);
	DIR *d = opendir(corpus);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	size_t n = 0;
	struct nd_buf path = ND_BUF_INIT;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		nd_buf_reset(&path);
		nd_buf_addf(&path, "%s/%s", corpus, e->d_name);
		ck_round_trip_file(path.data);
		n++;
	}
	closedir(d);
	nd_buf_release(&path);
	free(seed);
	free(corpus);
	ck_assert_uint_eq(n, 674);
}
END_TEST

/* Extra text that is not a JSON object is left out, never written half. */
START_TEST(test_broken_extra_left_out)
{
	static const char *const broken[] = {
		"[1]", "{", "{\"a\":}", "{\"a\":1", "{\"a\":1}x", "{\"a\":tru}", "{\"a\":01}",
		"{\"a\":\"\\q\"}", "{\"a\":\"unterminated}", "{a:1}", "",
		/* JSON, but no front matter a file could import: a key twice in
		 * one object (once only after broken UTF-8 becomes U+FFFD), a NUL,
		 * a key longer than YAML reads as one (the fuzz target found them) */
		"{\"a\":1,\"a\":2}", "{\"x\":{\"b\":1,\"c\":{},\"b\":[]}}",
		"{\"k\\u00ff\":1,\"k\\u00ff\":2}", "{\"\xff\":1,\"\xfe\":2}",
		"{\"a\":\"x\\u0000y\"}", "{\"a\\u0000\":1}", NULL,
	};
	struct nd_buf long_key = ND_BUF_INIT;
	nd_buf_adds(&long_key, "{\"");
	for (int k = 0; k < 1100; k++)
		nd_buf_addc(&long_key, 'k');
	nd_buf_adds(&long_key, "\":1}");
	for (size_t k = 0; k < sizeof(broken) / sizeof(broken[0]); k++) {
		struct nd_article a;
		init_article(&a, "https://example.com/b");
		a.extra = nd_xstrdup(broken[k] ? broken[k] : long_key.data);
		struct nd_buf out = ND_BUF_INIT;
		nd_emit_frontmatter(&a, &out);
		ck_assert_str_eq(out.data, "---\nwebUrl: \"https://example.com/b\"\n---\n");
		nd_buf_reset(&out);
		nd_emit_json(&a, &out);
		ck_assert_str_eq(out.data, "{\"webUrl\":\"https://example.com/b\"}");
		nd_buf_release(&out);
		nd_article_release(&a);
	}
	nd_buf_release(&long_key);
	/* the same keys in different objects, and a long key YAML still reads */
	struct nd_article a;
	init_article(&a, "https://example.com/b");
	nd_buf_reset(&long_key);
	nd_buf_adds(&long_key, "{\"a\":{\"b\":1},\"c\":{\"b\":2},\"");
	for (int k = 0; k < 900; k++)
		nd_buf_addc(&long_key, 'k');
	nd_buf_adds(&long_key, "\":{\"a\":3}}");
	a.extra = nd_buf_detach(&long_key);
	free(ck_round_trip(&a));
	nd_article_release(&a);
}
END_TEST

/* JSON escapes in extra (as another tool might have written them) are
 * decoded, and written with the output's own escaping. */
START_TEST(test_extra_json_escapes)
{
	struct nd_article a;
	init_article(&a, "https://example.com/e");
	a.extra = nd_xstrdup(" { \"s\" : \"\\u00e9\\ud83d\\ude80\\/\\b\\f\\u2028\\ud800x\" ,"
			     " \"n\" : -1.5E+3 } ");
	struct nd_buf out = ND_BUF_INIT;
	nd_emit_frontmatter(&a, &out);
	ck_assert_str_eq(out.data, "---\nwebUrl: \"https://example.com/e\"\n"
				   "s: \"\xc3\xa9\xf0\x9f\x9a\x80/\\x08\\x0c\\u2028\xef\xbf\xbdx\"\n"
				   "\"n\": -1.5E+3\n---\n");
	struct nd_article back;
	read_article(out.data, out.len, &back);
	/* -1.5E+3 is a YAML float, and stays one (not -1500, an integer) */
	ck_assert_str_eq(back.extra, "{\"s\":\"\xc3\xa9\xf0\x9f\x9a\x80/\\u0008\\u000c"
				     "\xe2\x80\xa8\xef\xbf\xbdx\",\"n\":-1500.0}");
	nd_article_release(&back);
	nd_buf_reset(&out);
	nd_emit_json(&a, &out);
	ck_assert_str_eq(out.data, "{\"webUrl\":\"https://example.com/e\","
				   "\"s\":\"\xc3\xa9\xf0\x9f\x9a\x80/\\u0008\\u000c\xe2\x80\xa8"
				   "\xef\xbf\xbdx\",\"n\":-1.5E+3}");
	nd_buf_release(&out);
	nd_article_release(&a);
}
END_TEST

Suite *make_emit_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("shape");
	tcase_add_test(tc, test_frontmatter_shape);
	tcase_add_test(tc, test_json_shape);
	tcase_add_test(tc, test_absent_fields_left_out);
	tcase_add_test(tc, test_broken_extra_left_out);
	tcase_add_test(tc, test_extra_json_escapes);
	suite_add_tcase(s, tc);
	tc = tcase_create("round trip");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip_nasty_strings);
	tcase_add_test(tc, test_round_trip_numbers);
	tcase_add_test(tc, test_round_trip_extra_overrides);
	tcase_add_test(tc, test_round_trip_lossy_reading);
	tcase_add_test(tc, test_round_trip_whole_floats);
	tcase_add_test(tc, test_round_trip_corpus);
	suite_add_tcase(s, tc);
	return s;
}
