/* check_frontmatter.c: splitting, scalar typing, errors with positions,
 * limits, and the real corpus for the front-matter parser. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "frontmatter.h"
#include "suites.h"

#define CORPUS_DIR "corpus/powerapps"
#define SEED_FILE "seeds/000_a479abb3854902df.txt"

static struct nd_frontmatter fm;
static struct nd_error err;

static enum nd_fm_status parse_n(const char *s, size_t len)
{
	return nd_frontmatter_parse(s, len, &fm, &err);
}

static enum nd_fm_status parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* Releases what the last parse left; safe after errors too. */
static void teardown(void)
{
	nd_frontmatter_release(&fm);
}

/* Asserts that text fails at line l, column c with a message containing want. */
#define ck_fails(text, len, l, c, want)                                                  \
	do {                                                                             \
		ck_assert_int_eq(parse_n((text), (len)), ND_FM_ERROR);                   \
		ck_assert_msg(strstr(err.msg, (want)), "message '%s' lacks '%s'", err.msg, \
			      (want));                                                   \
		ck_assert_int_eq(err.line, (l));                                         \
		ck_assert_int_eq(err.col, (c));                                          \
		ck_assert_ptr_null(fm.root);                                             \
	} while (0)

#define ck_fails_s(text, l, c, want) ck_fails((text), strlen(text), (l), (c), (want))

/* The value of key `v` after parsing "---\nv: <value>\n---\n". */
static const struct nd_node *value_of(const char *value)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_addf(&b, "---\nv: %s\n---\n", value);
	nd_frontmatter_release(&fm);
	ck_assert_msg(parse(b.data) == ND_FM_OK, "'%s': %s", value, err.msg);
	nd_buf_release(&b);
	const struct nd_node *v = nd_node_get(fm.root, "v");
	ck_assert_ptr_nonnull(v);
	return v;
}

static void ck_type(const char *value, enum nd_node_type type, const char *text)
{
	const struct nd_node *v = value_of(value);
	ck_assert_msg(v->type == type, "'%s' has type %d, not %d", value, v->type, type);
	ck_assert_str_eq(v->text, text);
	ck_assert_uint_eq(v->len, strlen(text));
}

/* ---- splitting ---- */

START_TEST(test_split_basic)
{
	const char *s = "---\ntitle: Hello\n---\nBody line 1\nline 2\n";
	ck_assert_int_eq(parse(s), ND_FM_OK);
	ck_assert_int_eq(fm.root->type, ND_NODE_MAP);
	ck_assert_uint_eq(fm.root->count, 1);
	ck_assert_str_eq(nd_node_get(fm.root, "title")->text, "Hello");
	ck_assert_ptr_eq(fm.body, s + 21);
	ck_assert_uint_eq(fm.body_len, strlen("Body line 1\nline 2\n"));
	ck_assert_int_eq(fm.body_line, 4);
}
END_TEST

START_TEST(test_split_bom)
{
	ck_assert_int_eq(parse("\xEF\xBB\xBF---\na: 1\n---\nx"), ND_FM_OK);
	ck_assert_int_eq(nd_node_get(fm.root, "a")->i, 1);
	ck_assert_int_eq(fm.body_line, 4);
	ck_assert_uint_eq(fm.body_len, 1);
}
END_TEST

START_TEST(test_split_crlf)
{
	ck_assert_int_eq(parse("---\r\na: x\r\nb: 2\r\n---\r\nbody\r\n"), ND_FM_OK);
	ck_assert_str_eq(nd_node_get(fm.root, "a")->text, "x");
	ck_assert_int_eq(nd_node_get(fm.root, "b")->line, 3);
	ck_assert_int_eq(fm.body_line, 5);
	ck_assert_uint_eq(fm.body_len, 6);
	ck_assert_int_eq(memcmp(fm.body, "body\r\n", 6), 0);
}
END_TEST

START_TEST(test_split_dots_closer)
{
	ck_assert_int_eq(parse("---\na: 1\n...\nbody"), ND_FM_OK);
	ck_assert_int_eq(fm.body_line, 4);
	ck_assert_str_eq(fm.body, "body");
}
END_TEST

START_TEST(test_split_trailing_spaces)
{
	ck_assert_int_eq(parse("--- \t\na: 1\n---  \nbody"), ND_FM_OK);
	ck_assert_str_eq(fm.body, "body");
}
END_TEST

START_TEST(test_split_closer_at_eof)
{
	ck_assert_int_eq(parse("---\na: 1\n---"), ND_FM_OK);
	ck_assert_uint_eq(fm.body_len, 0);
	ck_assert_int_eq(fm.body_line, 4);
}
END_TEST

START_TEST(test_split_first_closer_wins)
{
	ck_assert_int_eq(parse("---\na: 1\n---\nb: 2\n---\n"), ND_FM_OK);
	ck_assert_ptr_null(nd_node_get(fm.root, "b"));
	ck_assert_str_eq(fm.body, "b: 2\n---\n");
}
END_TEST

START_TEST(test_split_not_article)
{
	static const char *const inputs[] = {
		"", "-", "hello\n", "--- a: 1\n---\n", "----\na: 1\n---\n", " ---\n---\n",
		"\n---\na: 1\n---\n", "---x\n---\n", "\xEF\xBB\xBFtext",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
		ck_assert_msg(parse(inputs[i]) == ND_FM_NOT_ARTICLE, "input %zu", i);
		ck_assert_ptr_null(fm.root);
	}
}
END_TEST

START_TEST(test_split_no_closer)
{
	ck_fails_s("---\ntitle: x\nbody\n", 1, 1, "front matter is never closed");
	ck_fails_s("---\ntitle: x\n-- -\n", 1, 1, "front matter is never closed");
}
END_TEST

START_TEST(test_split_dashes_only)
{
	ck_fails_s("---", 1, 1, "front matter is never closed");
	ck_fails_s("---\n", 1, 1, "front matter is never closed");
}
END_TEST

START_TEST(test_split_empty)
{
	ck_fails_s("---\n---\n", 2, 1, "front matter is empty");
	ck_fails_s("---\n# only a comment\n\n---\n", 4, 1, "front matter is empty");
}
END_TEST

START_TEST(test_split_not_mapping)
{
	ck_fails_s("---\n- a\n- b\n---\n", 2, 1, "front matter is not a mapping");
	ck_fails_s("---\njust text\n---\n", 2, 1, "front matter is not a mapping");
}
END_TEST

/* ---- scalars ---- */

START_TEST(test_scalar_null)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	for (size_t i = 0; i < sizeof(nulls) / sizeof(*nulls); i++)
		ck_type(nulls[i], ND_NODE_NULL, nulls[i]);
	ck_type("\"null\"", ND_NODE_STR, "null");
	ck_type("nULL", ND_NODE_STR, "nULL");
}
END_TEST

START_TEST(test_scalar_bool)
{
	static const char *const trues[] = { "true", "True", "TRUE" };
	static const char *const falses[] = { "false", "False", "FALSE" };
	for (size_t i = 0; i < 3; i++) {
		ck_type(trues[i], ND_NODE_BOOL, trues[i]);
		ck_assert(value_of(trues[i])->b);
		ck_type(falses[i], ND_NODE_BOOL, falses[i]);
		ck_assert(!value_of(falses[i])->b);
	}
	ck_type("yes", ND_NODE_STR, "yes");
	ck_type("on", ND_NODE_STR, "on");
	ck_type("tRUE", ND_NODE_STR, "tRUE");
	ck_type("'true'", ND_NODE_STR, "true");
}
END_TEST

START_TEST(test_scalar_int)
{
	static const struct {
		const char *text;
		int64_t value;
	} ints[] = {
		{ "0", 0 },
		{ "-1", -1 },
		{ "+12", 12 },
		{ "007", 7 },
		{ "0x1F", 31 },
		{ "0xff", 255 },
		{ "0o17", 15 },
		{ "9223372036854775807", INT64_MAX },
		{ "-9223372036854775808", INT64_MIN },
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
		ck_type(ints[i].text, ND_NODE_INT, ints[i].text);
		ck_assert_int_eq(value_of(ints[i].text)->i, ints[i].value);
	}
}
END_TEST

START_TEST(test_scalar_int_heat)
{
	ck_assert_int_eq(parse("---\nheat: -1\n---\n"), ND_FM_OK);
	const struct nd_node *heat = nd_node_get(fm.root, "heat");
	ck_assert_int_eq(heat->type, ND_NODE_INT);
	ck_assert_int_eq(heat->i, -1);
	ck_assert_str_eq(heat->text, "-1");
	ck_assert(heat->plain);
}
END_TEST

START_TEST(test_scalar_int_overflow)
{
	/* a decimal too big for int64 is still a core-schema float */
	ck_type("9223372036854775808", ND_NODE_FLOAT, "9223372036854775808");
	ck_assert(value_of("9223372036854775808")->f == 9223372036854775808.0);
	ck_type("-9223372036854775809", ND_NODE_FLOAT, "-9223372036854775809");
	ck_type("0x8000000000000000", ND_NODE_STR, "0x8000000000000000");
}
END_TEST

START_TEST(test_scalar_not_int)
{
	static const char *const strs[] = { "0x", "0o", "0o8", "0xg", "+0x1", "1_000", "12a",
					    "--1", "0b101", "+" };
	for (size_t i = 0; i < sizeof(strs) / sizeof(*strs); i++)
		ck_type(strs[i], ND_NODE_STR, strs[i]);
}
END_TEST

START_TEST(test_scalar_float)
{
	static const struct {
		const char *text;
		double value;
	} floats[] = {
		{ "1.5", 1.5 }, { ".5", 0.5 },  { "-.5", -0.5 }, { "1.", 1.0 },
		{ "1e3", 1e3 }, { "2E-2", 2e-2 }, { "+3.25e+1", 32.5 },
	};
	for (size_t i = 0; i < sizeof(floats) / sizeof(*floats); i++) {
		ck_type(floats[i].text, ND_NODE_FLOAT, floats[i].text);
		ck_assert(value_of(floats[i].text)->f == floats[i].value);
	}
	ck_type(".inf", ND_NODE_FLOAT, ".inf");
	ck_assert(isinf(value_of("-.Inf")->f) && value_of("-.Inf")->f < 0);
	ck_assert(isinf(value_of("+.INF")->f) && value_of("+.INF")->f > 0);
	ck_assert(isnan(value_of(".NaN")->f));
	ck_type("+.nan", ND_NODE_STR, "+.nan");
	ck_type(".", ND_NODE_STR, ".");
	ck_type("1e", ND_NODE_STR, "1e");
	ck_type("inf", ND_NODE_STR, "inf");
	ck_type("0x1p3", ND_NODE_STR, "0x1p3");
}
END_TEST

START_TEST(test_scalar_float_range)
{
	ck_type("1e999", ND_NODE_STR, "1e999");
	ck_type("-1e999", ND_NODE_STR, "-1e999");
	ck_type("1e-999", ND_NODE_STR, "1e-999");
}
END_TEST

START_TEST(test_scalar_str)
{
	ck_type("\"123\"", ND_NODE_STR, "123");
	ck_assert(!value_of("\"123\"")->plain);
	ck_type("'1.5'", ND_NODE_STR, "1.5");
	ck_type("hello world", ND_NODE_STR, "hello world");
	ck_assert(value_of("hello world")->plain);
	ck_type("\"\"", ND_NODE_STR, "");
	ck_type("2021-12-30T00:22:00Z", ND_NODE_STR, "2021-12-30T00:22:00Z");
}
END_TEST

START_TEST(test_scalar_block)
{
	ck_assert_int_eq(parse("---\nv: |\n  123\n  two\nw: >-\n  a\n  b\n---\n"), ND_FM_OK);
	const struct nd_node *v = nd_node_get(fm.root, "v");
	ck_assert_int_eq(v->type, ND_NODE_STR);
	ck_assert_str_eq(v->text, "123\ntwo\n");
	ck_assert(!v->plain);
	ck_assert_str_eq(nd_node_get(fm.root, "w")->text, "a b");
}
END_TEST

START_TEST(test_scalar_unescaped)
{
	ck_type("\"a\\tb\\u00e9\"", ND_NODE_STR, "a\tb\xC3\xA9");
	ck_type("'it''s'", ND_NODE_STR, "it's");
}
END_TEST

START_TEST(test_scalar_tag_str)
{
	ck_type("!!str 123", ND_NODE_STR, "123");
	ck_assert(value_of("!!str 123")->plain);
	ck_type("!<tag:yaml.org,2002:str> true", ND_NODE_STR, "true");
	ck_type("!!str", ND_NODE_STR, "");
	/* other tags resolve as if absent */
	ck_type("!foo 12", ND_NODE_INT, "12");
	ck_type("!!int \"12\"", ND_NODE_STR, "12");
}
END_TEST

START_TEST(test_scalar_positions)
{
	ck_assert_int_eq(parse("---\ntitle: Hello\nlist:\n  - one\n  - {k: v}\n---\n"), ND_FM_OK);
	const struct nd_node *t = nd_node_get(fm.root, "title");
	ck_assert_int_eq(t->line, 2);
	ck_assert_int_eq(t->col, 8);
	const struct nd_node *list = nd_node_get(fm.root, "list");
	ck_assert_int_eq(list->type, ND_NODE_SEQ);
	ck_assert_uint_eq(list->count, 2);
	ck_assert_int_eq(list->items[0]->line, 4);
	ck_assert_int_eq(list->items[0]->col, 5);
	ck_assert_int_eq(list->items[1]->type, ND_NODE_MAP);
	ck_assert_int_eq(list->items[1]->col, 5);
	ck_assert_str_eq(nd_node_get(list->items[1], "k")->text, "v");
	ck_assert_ptr_null(list->text);
}
END_TEST

START_TEST(test_scalar_nul_escape)
{
	ck_fails_s("---\na: 1\nb: \"x\\0y\"\n---\n", 3, 4, "NUL");
}
END_TEST

/* ---- errors ---- */

START_TEST(test_error_tab_indent)
{
	ck_fails_s("---\na:\n\tb: 1\n---\n", 3, 1, "found character that cannot start any token");
}
END_TEST

START_TEST(test_error_invalid_utf8)
{
	ck_fails_s("---\na: 1\nb: ab\xFF\n---\n", 3, 6, "UTF-8");
	/* columns count characters, as libyaml's marks do */
	ck_fails_s("---\nb: \xC3\xA9\xC3\xA9\xA9\n---\n", 2, 6, "UTF-8");
}
END_TEST

START_TEST(test_error_nul_byte)
{
	static const char s[] = "---\na: 1\nbc: x\0y\n---\n";
	ck_fails(s, sizeof(s) - 1, 3, 6, "NUL byte");
}
END_TEST

START_TEST(test_nul_in_body)
{
	static const char s[] = "---\na: 1\n---\nbo\0dy";
	ck_assert_int_eq(parse_n(s, sizeof(s) - 1), ND_FM_OK);
	ck_assert_uint_eq(fm.body_len, 5);
}
END_TEST

START_TEST(test_error_control_char)
{
	ck_fails_s("---\na: 1\nb: x\x01\n---\n", 3, 5, "control characters");
}
END_TEST

/* A problem of shape followed by a syntax error: libyaml's error is the one
 * reported, at its own position; well-formed, the shape is. */
START_TEST(test_error_syntax_after_shape)
{
	ck_fails_s("---\n- a\n- b\nc: [x\n---\n", 4, 1, "did not find expected '-' indicator");
	ck_fails_s("---\n? [a]\n: 1\nx: \"open\n---\n", 5, 1, "found unexpected end of stream");
	ck_fails_s("---\na: 1\na: 2\nb: [\n---\n", 5, 1, "did not find expected node content");
	ck_fails_s("---\n- a\n- b\n---\n", 2, 1, "not a mapping");
}
END_TEST

START_TEST(test_error_duplicate_key)
{
	ck_fails_s("---\nid: 1\ntitle: a\nx: 2\ntitle: b\n---\n", 5, 1,
		   "duplicate key 'title' (first at line 3)");
	ck_fails_s("---\n1: a\n\"1\": b\n---\n", 3, 1, "duplicate key '1' (first at line 2)");
	ck_fails_s("---\np:\n  n: 1\n  n: 2\n---\n", 4, 3, "duplicate key 'n' (first at line 3)");
}
END_TEST

START_TEST(test_duplicate_key_other_maps)
{
	ck_assert_int_eq(parse("---\na: {n: 1}\nb: {n: 2}\nn: 3\n---\n"), ND_FM_OK);
	ck_assert_int_eq(nd_node_get(nd_node_get(fm.root, "b"), "n")->i, 2);
}
END_TEST

/* A mapping with n keys k0..k<n-1>, then `dup` as one more key when given. */
static char *big_map(size_t n, const char *dup)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_adds(&b, "---\n");
	for (size_t i = 0; i < n; i++)
		nd_buf_addf(&b, "k%zu: %zu\n", i, i);
	if (dup)
		nd_buf_addf(&b, "%s: again\n", dup);
	nd_buf_adds(&b, "---\n");
	return nd_buf_detach(&b);
}

START_TEST(test_error_duplicate_key_big_map)
{
	char *s = big_map(40000, NULL);
	ck_assert_int_eq(parse(s), ND_FM_OK);
	ck_assert_uint_eq(fm.root->count, 40000);
	ck_assert_str_eq(nd_node_get(fm.root, "k39999")->text, "39999");
	free(s);
	nd_frontmatter_release(&fm);

	s = big_map(40000, "k123");
	ck_fails_s(s, 40002, 1, "duplicate key 'k123' (first at line 125)");
	free(s);
	/* right at the switch from scanning to hashing */
	s = big_map(32, "k31");
	ck_fails_s(s, 34, 1, "duplicate key 'k31' (first at line 33)");
	free(s);
	s = big_map(33, "k0");
	ck_fails_s(s, 35, 1, "duplicate key 'k0' (first at line 2)");
	free(s);
}
END_TEST

START_TEST(test_error_unclosed_quote)
{
	ck_fails_s("---\na: 1\ntitle: \"abc\n---\n", 4, 1, "found unexpected end of stream");
	ck_assert_msg(strstr(err.msg, "quoted scalar at line 3, column 8"), "%s", err.msg);
}
END_TEST

START_TEST(test_error_nonscalar_key)
{
	ck_fails_s("---\n? [a, b]\n: v\n---\n", 2, 3, "mapping key is not a scalar");
	ck_fails_s("---\n{ {x: 1}: 2 }\n---\n", 2, 3, "mapping key is not a scalar");
	ck_fails_s("---\nl: &l [1]\n*l : 2\n---\n", 3, 1, "mapping key is not a scalar");
}
END_TEST

START_TEST(test_error_several_documents)
{
	ck_fails_s("---\na: 1\n--- # second\nb: 2\n---\n", 3, 1, "more than one YAML document");
	ck_fails_s("---\na: 1\n--- {b: 2}\n---\n", 3, 1, "more than one YAML document");
}
END_TEST

START_TEST(test_error_undefined_alias)
{
	ck_fails_s("---\na: 1\nb: *nowhere\n---\n", 3, 4, "undefined alias 'nowhere'");
	/* an anchor is usable only once its node is complete */
	ck_fails_s("---\na: &x [*x]\n---\n", 2, 8, "undefined alias 'x'");
}
END_TEST

START_TEST(test_error_syntax)
{
	ck_fails_s("---\na: 1\n b: 2\n---\n", 3, 3, "mapping values are not allowed");
}
END_TEST

/* ---- limits ---- */

START_TEST(test_limit_billion_laughs)
{
	const char *s = "---\n"
			"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
			"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
			"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
			"---\n";
	clock_t t0 = clock();
	ck_assert_int_eq(parse(s), ND_FM_ERROR);
	ck_assert_msg(strstr(err.msg, "nodes (counting alias expansion)"), "%s", err.msg);
	ck_assert_int_eq(err.line, 7);
	ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0, "billion laughs took too long");
}
END_TEST

START_TEST(test_limit_scalar_bytes)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_adds(&b, "---\ns: &s ");
	for (int i = 0; i < 1 << 20; i++)
		nd_buf_addc(&b, 'x');
	nd_buf_adds(&b, "\nl: [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s, *s, *s, *s, *s, *s, *s]\n---\n");
	ck_fails_s(b.data, 3, 61, "bytes of scalar text");
	nd_buf_release(&b);
}
END_TEST

/* "---\nv: " then depth "[", depth "]" */
static char *nested(int depth)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_adds(&b, "---\nv: ");
	for (int i = 0; i < depth; i++)
		nd_buf_addc(&b, '[');
	for (int i = 0; i < depth; i++)
		nd_buf_addc(&b, ']');
	nd_buf_adds(&b, "\n---\n");
	return nd_buf_detach(&b);
}

START_TEST(test_limit_depth)
{
	char *s = nested(1000);
	ck_fails_s(s, 2, 3 + ND_FM_MAX_DEPTH, "nesting deeper than 64 levels");
	free(s);
	/* the top mapping is the first level */
	s = nested(ND_FM_MAX_DEPTH);
	ck_fails_s(s, 2, 3 + ND_FM_MAX_DEPTH, "nesting deeper");
	free(s);
	s = nested(ND_FM_MAX_DEPTH - 1);
	ck_assert_int_eq(parse(s), ND_FM_OK);
	free(s);
}
END_TEST

START_TEST(test_limit_nodes)
{
	/* 1 + 2 * 49999 nodes fit; one more pair does not */
	char *s = big_map(49999, NULL);
	ck_assert_int_eq(parse(s), ND_FM_OK);
	free(s);
	nd_frontmatter_release(&fm);
	s = big_map(50000, NULL);
	ck_fails_s(s, 50001, 9, "more than 100000 nodes");
	free(s);
}
END_TEST

/* ---- anchors and lookup ---- */

START_TEST(test_alias_ordinary)
{
	const char *s = "---\n"
			"base: &b {name: X, domain: x.com}\n"
			"provider: *b\n"
			"key: &k name\n"
			"other: {*k : Y}\n"
			"word: &w hello\n"
			"again: *w\n"
			"<<: *b\n"
			"---\n";
	ck_assert_int_eq(parse(s), ND_FM_OK);
	ck_assert_ptr_eq(nd_node_get(fm.root, "provider"), nd_node_get(fm.root, "base"));
	ck_assert_str_eq(nd_node_get(nd_node_get(fm.root, "other"), "name")->text, "Y");
	ck_assert_ptr_eq(nd_node_get(fm.root, "again"), nd_node_get(fm.root, "word"));
	/* merged (see test_merge_keys) */
	ck_assert_ptr_null(nd_node_get(fm.root, "<<"));
	ck_assert_str_eq(nd_node_get(fm.root, "domain")->text, "x.com");
}
END_TEST

static const char *text_at(const struct nd_node *map, const char *key)
{
	const struct nd_node *v = nd_node_get(map, key);
	ck_assert_msg(v != NULL, "no key '%s'", key);
	return v->text;
}

/* YAML 1.1 merge keys: a mapping's own keys win wherever they stand; of a
 * sequence the earlier mapping wins; the merged pairs take the place of the
 * `<<`; a merged mapping that merged is merged whole; a quoted '<<' or one
 * with a scalar value is an ordinary key. */
START_TEST(test_merge_keys)
{
	ck_assert_int_eq(parse("---\n"
			       "a: &a {x: a, y: a}\n"
			       "b: &b {y: b, z: b}\n"
			       "first: 1\n"
			       "x: own\n"
			       "<<: [*a, *b]\n"
			       "last: 2\n"
			       "---\n"),
			 ND_FM_OK);
	ck_assert_str_eq(text_at(fm.root, "x"), "own");
	ck_assert_str_eq(text_at(fm.root, "y"), "a");
	ck_assert_str_eq(text_at(fm.root, "z"), "b");
	ck_assert_ptr_null(nd_node_get(fm.root, "<<"));
	/* a, b, first, x, y (from a), z (from b), last */
	ck_assert_uint_eq(fm.root->count, 7);
	ck_assert_str_eq(fm.root->items[2 * 4]->text, "y");
	ck_assert_str_eq(fm.root->items[2 * 6]->text, "last");
	/* positions stay those of the merged values */
	ck_assert_int_eq(nd_node_get(fm.root, "z")->line, 3);
	nd_frontmatter_release(&fm);

	ck_assert_int_eq(parse("---\n"
			       "base: &base {t: base, u: base}\n"
			       "mid: &mid {<<: *base, u: mid}\n"
			       "top: {<<: *mid}\n"
			       "---\n"),
			 ND_FM_OK);
	const struct nd_node *top = nd_node_get(fm.root, "top");
	ck_assert_str_eq(text_at(top, "t"), "base");
	ck_assert_str_eq(text_at(top, "u"), "mid");
	ck_assert_uint_eq(top->count, 2);
	nd_frontmatter_release(&fm);

	ck_assert_int_eq(parse("---\nm: &m {k: v}\nq: {'<<': *m}\ns: {<<: 5}\ne: {<<: []}\n---\n"),
			 ND_FM_OK);
	ck_assert_int_eq(nd_node_get(nd_node_get(fm.root, "q"), "<<")->type, ND_NODE_MAP);
	ck_assert_int_eq(nd_node_get(nd_node_get(fm.root, "s"), "<<")->i, 5);
	ck_assert_int_eq(nd_node_get(nd_node_get(fm.root, "e"), "<<")->type, ND_NODE_SEQ);
	ck_assert_ptr_null(nd_node_get(nd_node_get(fm.root, "q"), "k"));
}
END_TEST

/* A big mapping merged into another that redefines half its keys (the
 * keys are looked up in a hash set, not scanned). */
START_TEST(test_merge_keys_big)
{
	enum { KEYS = 10000 };
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_adds(&b, "---\nbase: &b\n");
	for (int k = 0; k < KEYS; k++)
		nd_buf_addf(&b, "  k%d: %d\n", k, k);
	nd_buf_adds(&b, "top:\n  <<: *b\n");
	for (int k = 0; k < KEYS; k += 2)
		nd_buf_addf(&b, "  k%d: own\n", k);
	nd_buf_adds(&b, "---\n");
	ck_assert_int_eq(parse(b.data), ND_FM_OK);
	nd_buf_release(&b);
	const struct nd_node *top = nd_node_get(fm.root, "top");
	ck_assert_uint_eq(top->count, KEYS);
	ck_assert_str_eq(text_at(top, "k0"), "own");
	ck_assert_int_eq(nd_node_get(top, "k1")->i, 1);
}
END_TEST

START_TEST(test_alias_redefined)
{
	ck_assert_int_eq(parse("---\na: &x 1\nb: &x 2\nc: *x\n---\n"), ND_FM_OK);
	ck_assert_int_eq(nd_node_get(fm.root, "c")->i, 2);
}
END_TEST

START_TEST(test_get_absent)
{
	ck_assert_int_eq(parse("---\nl: [a]\nempty: {}\n---\n"), ND_FM_OK);
	ck_assert_ptr_null(nd_node_get(fm.root, "missing"));
	ck_assert_ptr_null(nd_node_get(fm.root, "L"));
	ck_assert_ptr_null(nd_node_get(nd_node_get(fm.root, "l"), "a"));
	ck_assert_ptr_null(nd_node_get(NULL, "l"));
	const struct nd_node *empty = nd_node_get(fm.root, "empty");
	ck_assert_int_eq(empty->type, ND_NODE_MAP);
	ck_assert_uint_eq(empty->count, 0);
	ck_assert_ptr_null(nd_node_get(empty, "x"));
}
END_TEST

/* ---- real files ---- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	struct nd_buf b = ND_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		nd_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return nd_buf_detach(&b);
}

START_TEST(test_corpus_powerapps)
{
	char *corpus = shared_path(CORPUS_DIR);
	DIR *d = opendir(corpus);
	ck_assert_msg(d != NULL, "cannot open %s", corpus);
	int files = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", corpus, de->d_name);
		size_t len;
		char *s = read_file(path, &len);
		ck_assert_msg(parse_n(s, len) == ND_FM_OK, "%s:%d:%d: %s", path, err.line, err.col,
			      err.msg);
		const struct nd_node *title = nd_node_get(fm.root, "title");
		ck_assert_msg(title && title->type == ND_NODE_STR, "%s: title", path);
		ck_assert_msg(fm.body >= s && fm.body + fm.body_len == s + len, "%s: body", path);
		nd_frontmatter_release(&fm);
		free(s);
		files++;
	}
	closedir(d);
	free(corpus);
	ck_assert_int_ge(files, 600);
}
END_TEST

START_TEST(test_corpus_seed)
{
	size_t len;
	char *seed = shared_path(SEED_FILE);
	char *s = read_file(seed, &len);
	free(seed);
	ck_assert_int_eq(parse_n(s, len), ND_FM_OK);
	const struct nd_node *title = nd_node_get(fm.root, "title");
	ck_assert_int_eq(title->type, ND_NODE_STR);
	ck_assert_str_eq(title->text,
			 "China\xE2\x80\x99s largest AI firm SenseTime raises $700M in Hong Kong IPO");
	ck_assert_int_eq(nd_node_get(fm.root, "heat")->i, -1);
	ck_assert_int_eq(nd_node_get(fm.root, "quality")->i, 37);
	ck_assert_int_eq(nd_node_get(fm.root, "published")->type, ND_NODE_BOOL);
	ck_assert_str_eq(nd_node_get(fm.root, "publishedDateTime")->text, "2021-12-30T00:22:00Z");
	const struct nd_node *related = nd_node_get(fm.root, "related");
	ck_assert_int_eq(related->type, ND_NODE_SEQ);
	ck_assert_uint_eq(related->count, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(related->items[i]->type, ND_NODE_MAP);
		ck_assert_int_eq(nd_node_get(related->items[i], "title")->type, ND_NODE_STR);
	}
	ck_assert_str_eq(nd_node_get(nd_node_get(related->items[1], "provider"), "domain")->text,
			 "wsj.com");
	ck_assert_int_eq(nd_node_get(fm.root, "topics")->items[0]->type, ND_NODE_STR);
	ck_assert_ptr_eq(fm.body + fm.body_len, s + len);
	free(s);
}
END_TEST

Suite *make_frontmatter_suite(void)
{
	Suite *s = suite_create("frontmatter");
	TCase *tc = tcase_create("split");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_split_basic);
	tcase_add_test(tc, test_split_bom);
	tcase_add_test(tc, test_split_crlf);
	tcase_add_test(tc, test_split_dots_closer);
	tcase_add_test(tc, test_split_trailing_spaces);
	tcase_add_test(tc, test_split_closer_at_eof);
	tcase_add_test(tc, test_split_first_closer_wins);
	tcase_add_test(tc, test_split_not_article);
	tcase_add_test(tc, test_split_no_closer);
	tcase_add_test(tc, test_split_dashes_only);
	tcase_add_test(tc, test_split_empty);
	tcase_add_test(tc, test_split_not_mapping);
	suite_add_tcase(s, tc);

	tc = tcase_create("scalar");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_scalar_null);
	tcase_add_test(tc, test_scalar_bool);
	tcase_add_test(tc, test_scalar_int);
	tcase_add_test(tc, test_scalar_int_heat);
	tcase_add_test(tc, test_scalar_int_overflow);
	tcase_add_test(tc, test_scalar_not_int);
	tcase_add_test(tc, test_scalar_float);
	tcase_add_test(tc, test_scalar_float_range);
	tcase_add_test(tc, test_scalar_str);
	tcase_add_test(tc, test_scalar_block);
	tcase_add_test(tc, test_scalar_unescaped);
	tcase_add_test(tc, test_scalar_tag_str);
	tcase_add_test(tc, test_scalar_positions);
	tcase_add_test(tc, test_scalar_nul_escape);
	suite_add_tcase(s, tc);

	tc = tcase_create("error");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_error_tab_indent);
	tcase_add_test(tc, test_error_invalid_utf8);
	tcase_add_test(tc, test_error_nul_byte);
	tcase_add_test(tc, test_error_syntax_after_shape);
	tcase_add_test(tc, test_nul_in_body);
	tcase_add_test(tc, test_error_control_char);
	tcase_add_test(tc, test_error_duplicate_key);
	tcase_add_test(tc, test_duplicate_key_other_maps);
	tcase_add_test(tc, test_error_duplicate_key_big_map);
	tcase_add_test(tc, test_error_unclosed_quote);
	tcase_add_test(tc, test_error_nonscalar_key);
	tcase_add_test(tc, test_error_several_documents);
	tcase_add_test(tc, test_error_undefined_alias);
	tcase_add_test(tc, test_error_syntax);
	suite_add_tcase(s, tc);

	tc = tcase_create("limit");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_limit_billion_laughs);
	tcase_add_test(tc, test_limit_scalar_bytes);
	tcase_add_test(tc, test_limit_depth);
	tcase_add_test(tc, test_limit_nodes);
	suite_add_tcase(s, tc);

	tc = tcase_create("alias");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_alias_ordinary);
	tcase_add_test(tc, test_alias_redefined);
	tcase_add_test(tc, test_merge_keys);
	tcase_add_test(tc, test_merge_keys_big);
	tcase_add_test(tc, test_get_absent);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_corpus_powerapps);
	tcase_add_test(tc, test_corpus_seed);
	suite_add_tcase(s, tc);
	return s;
}
