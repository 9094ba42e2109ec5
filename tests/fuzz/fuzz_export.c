/*
 * fuzz_export.c: libFuzzer target for export's writers (emit.c) on the
 * `extra` column, which anyone may have written into the database: the
 * input, NULs cut, is an article's extra text.  Beyond crashes and
 * sanitizer reports, whatever the text, the JSON line export writes is
 * one valid JSON object (SQLite's json_valid agrees), and the front
 * matter it writes is YAML that reads back as front matter.  When extra
 * holds none of the fields' own keys, the file reads back to an article
 * whose extra is the same members again.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "emit.h"
#include "frontmatter.h"
#include "json.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *valid, *same, *repeats, *longest;
static const char longest_sql[] =
	"SELECT EXISTS (SELECT 1 FROM json_tree(?1) WHERE typeof(key) = 'text'"
	" AND length(key) > 250)";
static const char repeats_sql[] =
	"SELECT EXISTS (SELECT 1 FROM json_tree(?1) WHERE typeof(key) = 'text'"
	" GROUP BY parent, key HAVING count(*) > 1)";
/* every value of a JSON text with its path of decoded keys (json_tree's
 * fullkey keeps escapes as written) */
#define LEAVES(n, arg)                                                                       \
	" t" n " AS (SELECT id, parent, key, type, atom FROM json_tree(" arg ")),"            \
	" p" n "(id, path) AS (SELECT id, '' FROM t" n " WHERE parent IS NULL UNION ALL"       \
	"  SELECT t" n ".id, p" n ".path || '/' || quote(t" n ".key) FROM t" n                  \
	"  JOIN p" n " ON t" n ".parent = p" n ".id),"                                          \
	" v" n " AS (SELECT path, type, atom FROM t" n " JOIN p" n " USING (id))"
static const char same_sql[] =
	"WITH RECURSIVE" LEAVES("1", "?1") "," LEAVES("2", "?2")
	" SELECT NOT EXISTS (SELECT * FROM v1 EXCEPT SELECT * FROM v2)"
	" AND NOT EXISTS (SELECT * FROM v2 EXCEPT SELECT * FROM v1)";

/* The modelled keys of emit.h (top level): extra may hold them instead. */
static const char *const fields[] = {
	"category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl",
	"ampWebUrl", "cdnAmpWebUrl", "type", "quality", "heat", "published",
	"featuredContent", "provider", "topics", "images", "related", "body",
};

struct look {
	bool field;
};

static void on_key(void *ctx, int depth, const char *key, size_t len)
{
	struct look *l = ctx;
	for (size_t k = 0; depth == 1 && k < sizeof(fields) / sizeof(fields[0]); k++)
		if (strlen(fields[k]) == len && !memcmp(fields[k], key, len))
			l->field = true;
}

/* The statement, on a and b (b NULL: one parameter), answers 1. */
static bool ask(sqlite3_stmt *st, const char *a, const char *b)
{
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	bool yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	return yes;
}

static bool json_valid(const char *text)
{
	return ask(valid, text, NULL);
}

/* The two texts hold the same JSON values at the same paths (numbers
 * compared as numbers: a YAML reader may write 1.5E+3 as 1500.0). */
static bool json_same(const char *a, const char *b)
{
	return ask(same, a, b);
}

/* Some number of the text may lie beyond what a double or int64 holds (19
 * digits in a row, an exponent of 3 digits): YAML reads it back as text,
 * kept as the file gave it (json.h), so its type is not kept. */
static bool beyond_numbers(const char *s)
{
	for (size_t run = 0; *s; s++) {
		run = *s >= '0' && *s <= '9' ? run + 1 : 0;
		if (run >= 19)
			return true;
		if ((*s == 'e' || *s == 'E') &&
		    strspn(s + 1 + (s[1] == '+' || s[1] == '-'), "0123456789") >= 3)
			return true;
	}
	return false;
}

/* Some key of the text is over 250 characters: emit.h leaves extra out
 * when one is over 1000 bytes quoted. */
static bool long_key(const char *text)
{
	return ask(longest, text, NULL);
}

/* The text escapes a NUL (\u0000, not \\u0000). */
static bool nul_escape(const char *s)
{
	for (; *s; s++)
		if (*s == '\\') {
			if (!strncmp(s + 1, "u0000", 5))
				return true;
			if (s[1])
				s++; /* the escaped character, a backslash among them */
		}
	return false;
}

/* Some object of the text holds a key twice. */
static bool repeats_key(const char *text)
{
	return ask(repeats, text, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db && (sqlite3_open(":memory:", &db) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1, &valid, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, same_sql, -1, &same, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, repeats_sql, -1, &repeats, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, longest_sql, -1, &longest, NULL) != SQLITE_OK))
		abort();
	char *extra = malloc(size + 1);
	if (!extra)
		abort();
	memcpy(extra, data, size);
	extra[size] = '\0';
	struct nd_article a;
	memset(&a, 0, sizeof(a));
	a.is_published = -1;
	a.url = strdup("https://example.com/fuzz");
	a.web_url = strdup(a.url);
	a.extra = extra;

	struct nd_buf json = ND_BUF_INIT, file = ND_BUF_INIT;
	nd_emit_json(&a, &json);
	if (!json_valid(json.data))
		abort();
	nd_emit_frontmatter(&a, &file);
	struct nd_frontmatter fm;
	struct nd_error err;
	if (nd_frontmatter_parse(file.data, file.len, &fm, &err) != ND_FM_OK)
		abort();
	struct look look = { false };
	const struct nd_json_events ev = { .key = on_key };
	/* what SQLite takes for an object is what the store keeps (its CHECK) */
	bool object = json_valid(extra) && nd_json_read_members(extra, ND_FM_MAX_DEPTH, &ev, &look);
	/* broken UTF-8 and lone surrogate escapes become U+FFFD (json.h), by design */
	bool exact = nd_utf8_valid(extra, size) && !strstr(extra, "\\ud") && !strstr(extra, "\\uD") &&
		     !beyond_numbers(extra);
	if (object && exact && !look.field) {
		struct nd_article b;
		if (nd_article_from_frontmatter(&b, &fm, &err) != 0)
			abort();
		/* a key twice in one object, a NUL: export leaves extra out
		 * (emit.h); a long key may be */
		bool left_out = json_same(extra, "{}") || repeats_key(extra) ||
				nul_escape(extra);
		if (b.extra ? left_out || !json_same(b.extra, extra) : !left_out && !long_key(extra))
			abort();
		nd_article_release(&b);
	}
	nd_frontmatter_release(&fm);
	nd_buf_release(&json);
	nd_buf_release(&file);
	nd_article_release(&a);
	return 0;
}
