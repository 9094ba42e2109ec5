/*
 * check_query.c: unit tests of the search-query translator.  Every FTS5
 * expression it produces is run against a real in-memory FTS5 table, so the
 * tests check what SQLite accepts and finds, not only the text.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "query.h"
#include "../fuzz/fake_stemmer.h"
#include "suites.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Rows of the test table: rowid is the index + 1. */
static const char *const rows[][2] = {
	{ "COVID-19 cases rise", "hospitals fill" },            /* 1 */
	{ "AT&T buys Time Warner", "a merger" },                 /* 2 */
	{ "O'Brien wins the race", "Irish runner" },             /* 3 */
	{ "U.S. economy grows", "jobs report" },                 /* 4 */
	{ "New c++ compilers", "faster builds" },                /* 5 */
	{ "apple pie", "baking" },                               /* 6 */
	{ "banana bread", "baking" },                            /* 7 */
	{ "cherry", "apple and banana" },                        /* 8 */
	{ "predators of the sea", "sharks" },                    /* 9 */
	{ "Café society", "coffee AND tea" },                    /* 10 */
};

static sqlite3 *db;

static void db_open(void)
{
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE t USING fts5(title, excerpt, body,"
				      " tokenize='porter unicode61 remove_diacritics 2')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
					    "INSERT INTO t(rowid, title, excerpt, body)"
					    " VALUES (?, ?, ?, '')",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (size_t i = 0; i < LEN(rows); i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(st, 2, rows[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, rows[i][1], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

static void db_close(void)
{
	sqlite3_close(db);
	db = NULL;
}

/* Rowids matching expr as "1,4,..." (caller frees), or NULL when FTS5
 * rejects the expression. */
static char *fts_rows(const char *expr)
{
	sqlite3_stmt *st;
	struct nd_buf b = ND_BUF_INIT;
	int rc = sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
				    -1, &st, NULL);
	ck_assert_int_eq(rc, SQLITE_OK);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		nd_buf_addf(&b, "%s%lld", b.len ? "," : "", (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		nd_buf_release(&b);
		return NULL;
	}
	return nd_buf_detach(&b);
}

static void check_valid(const char *expr, const char *input)
{
	if (!expr)
		return;
	char *got = fts_rows(expr);
	ck_assert_msg(got, "FTS5 rejects '%s' (from '%s'): %s", expr, input, sqlite3_errmsg(db));
	free(got);
}

/* Parses a heap copy of exactly the input's size, so AddressSanitizer sees
 * any read past the terminator. */
static int parse_with(const char *text, bool raw, const struct nd_stemmer *stemmer,
		      struct nd_query *q, struct nd_error *err)
{
	char *copy = nd_xstrdup(text);
	int rc = nd_query_parse(copy, raw, stemmer, q, err);
	free(copy);
	return rc;
}

static int parse(const char *text, bool raw, struct nd_query *q, struct nd_error *err)
{
	return parse_with(text, raw, NULL, q, err);
}



static void ck_str_or_null(const char *got, const char *want, const char *input)
{
	if (want)
		ck_assert_msg(got && !strcmp(got, want), "'%s' gave '%s', want '%s'", input,
			      got ? got : "(null)", want);
	else
		ck_assert_msg(!got, "'%s' gave '%s', want NULL", input, got);
}

struct expect {
	const char *in;
	const char *match;   /* NULL: none */
	const char *exclude; /* NULL: none */
	const char *rows;    /* rowids found by match minus exclude; NULL: don't check */
};

/* Rowids of match minus exclude, as the store will run them. */
static char *search_rows(const struct nd_query *q)
{
	char *m = fts_rows(q->match);
	if (!q->exclude)
		return m;
	char *x = fts_rows(q->exclude);
	ck_assert(m && x);
	struct nd_buf b = ND_BUF_INIT;
	char *save, *tok;
	for (tok = strtok_r(m, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char key[32];
		snprintf(key, sizeof(key), ",%s,", tok);
		/* snprintf: under UBSan gcc no longer trusts returns_nonnull, and
		 * sprintf into the result fails -Wformat-overflow (build-san/). */
		size_t size = strlen(x) + 3;
		char *wrapped = nd_xmalloc(size);
		snprintf(wrapped, size, ",%s,", x);
		if (!strstr(wrapped, key))
			nd_buf_addf(&b, "%s%s", b.len ? "," : "", tok);
		free(wrapped);
	}
	free(m);
	free(x);
	return nd_buf_detach(&b);
}

static void check_table(const struct expect *t, size_t n)
{
	db_open();
	for (size_t i = 0; i < n; i++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_msg(parse(t[i].in, false, &q, &err) == 0, "'%s': %s", t[i].in, err.msg);
		ck_str_or_null(q.match, t[i].match, t[i].in);
		ck_str_or_null(q.exclude, t[i].exclude, t[i].in);
		check_valid(q.match, t[i].in);
		check_valid(q.exclude, t[i].in);
		if (t[i].rows) {
			char *got = search_rows(&q);
			ck_assert_msg(!strcmp(got, t[i].rows), "'%s' found %s, want %s", t[i].in,
				      got, t[i].rows);
			free(got);
		}
		nd_query_release(&q);
	}
	db_close();
}

START_TEST(test_quote_term_doubles_quotes)
{
	static const char *const t[][2] = {
		{ "word", "\"word\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "", "\"\"" },
		{ "\"", "\"\"\"\"" },
	};
	for (size_t i = 0; i < LEN(t); i++) {
		char *got = nd_query_quote_term(t[i][0]);
		ck_assert_str_eq(got, t[i][1]);
		free(got);
	}
}
END_TEST

START_TEST(test_parse_special_words)
{
	static const struct expect t[] = {
		{ "COVID-19", "\"COVID-19\"", NULL, "1" },
		{ "AT&T", "\"AT&T\"", NULL, "2" },
		{ "O'Brien", "\"O'Brien\"", NULL, "3" },
		{ "U.S.", "\"U.S.\"", NULL, "4" },
		{ "c++", "\"c++\"", NULL, "5" },
		{ "cafe", "\"cafe\"", NULL, "10" },
		{ "apple pie", "\"apple\" \"pie\"", NULL, "6" },
		{ "a(b", "\"a(b\"", NULL, NULL },
		{ "foo:bar", "\"foo:bar\"", NULL, NULL },
		{ "x^y +z", "\"x^y\" \"+z\"", NULL, NULL },
		{ "(apple)", "\"(apple)\"", NULL, "6,8" },
		{ "( ) ++ : ^ *", NULL, NULL, NULL },
	};
	check_table(t, LEN(t));
}
END_TEST

START_TEST(test_parse_operator_words)
{
	static const struct expect t[] = {
		{ "AND", "\"AND\"", NULL, "8,10" },
		{ "coffee AND", "\"coffee\" \"AND\"", NULL, "10" },
		{ "NOT", "\"NOT\"", NULL, "" },
		{ "NEAR(apple banana)", "\"NEAR(apple\" \"banana)\"", NULL, "" },
		{ "and or not", "\"and\" \"or\" \"not\"", NULL, "" },
	};
	check_table(t, LEN(t));
}
END_TEST

START_TEST(test_parse_stray_quote)
{
	static const struct expect t[] = {
		{ "\"", NULL, NULL, NULL },
		{ "apple \"", "\"apple\"", NULL, "6,8" },
		{ "baking \"banana bread", "\"baking\" \"banana bread\"", NULL, "7" },
		{ "a\"b c", "\"a\" \"b c\"", NULL, NULL },
		{ "\"\"\"", NULL, NULL, NULL },
		{ "-\"", NULL, NULL, NULL },
	};
	check_table(t, LEN(t));
}
END_TEST

START_TEST(test_parse_phrase)
{
	static const struct expect t[] = {
		{ "\"apple pie\"", "\"apple pie\"", NULL, "6" },
		{ "\"pie apple\"", "\"pie apple\"", NULL, "" },
		{ "\"AT&T buys\"", "\"AT&T buys\"", NULL, "2" },
		{ "\"apple\"pie", "\"apple\" \"pie\"", NULL, "6" },
	};
	check_table(t, LEN(t));
}
END_TEST

START_TEST(test_parse_or)
{
	static const struct expect t[] = {
		{ "pie OR bread", "(\"pie\" OR \"bread\")", NULL, "6,7" },
		/* (a OR b) AND c, not FTS5's a OR (b AND c) */
		{ "pie OR bread baking", "\"baking\" AND (\"pie\" OR \"bread\")", NULL, "6,7" },
		{ "cherry OR bread baking", "\"baking\" AND (\"cherry\" OR \"bread\")", NULL, "7" },
		{ "pie OR bread OR sharks", "(\"pie\" OR \"bread\" OR \"sharks\")", NULL, "6,7,9" },
		{ "pie OR bread cherry OR sharks",
		  "(\"pie\" OR \"bread\") AND (\"cherry\" OR \"sharks\")", NULL, "" },
		{ "OR apple", "\"OR\" \"apple\"", NULL, "" },
		{ "apple OR", "\"apple\" \"OR\"", NULL, "" },
		{ "apple OR OR pie", "\"apple\" \"OR\" \"OR\" \"pie\"", NULL, "" },
		{ "apple OR -pie", "\"apple\" \"OR\"", "\"pie\"", "" },
		{ "apple \"OR\" pie", "\"apple\" \"OR\" \"pie\"", NULL, "" },
		{ "apple or pie", "\"apple\" \"or\" \"pie\"", NULL, "" },
		{ "title:apple OR title:cherry",
		  "(title : \"apple\" OR title : \"cherry\")", NULL, "6,8" },
		{ "pi* OR sharks", "(\"pi\"* OR \"sharks\")", NULL, "6,9" },
	};
	check_table(t, LEN(t));
}
END_TEST

START_TEST(test_parse_exclude)
{
	static const struct expect t[] = {
		{ "-banana", NULL, "\"banana\"", NULL },
		{ "baking -banana", "\"baking\"", "\"banana\"", "6" },
		{ "apple -pie -\"banana bread\"", "\"apple\"", "\"pie\" OR \"banana bread\"", "8" },
		{ "apple -cherry", "\"apple\"", "\"cherry\"", "6" },
		{ "apple - pie", "\"apple\" \"pie\"", NULL, "6" },
		{ "--x", NULL, "\"-x\"", NULL },
		{ "-", NULL, NULL, NULL },
		{ "apple -pi*", "\"apple\"", "\"pi\"*", "8" },
	};
	check_table(t, LEN(t));
}
END_TEST

START_TEST(test_parse_prefix)
{
	static const struct expect t[] = {
		{ "pred*", "\"pred\"*", NULL, "9" },
		{ "pred**", "\"pred\"*", NULL, "9" },
		{ "\"apple p\"*", "\"apple p\"*", NULL, "6" },
		{ "a*b", "\"a*b\"", NULL, NULL },
		{ "*", NULL, NULL, NULL },
		{ "\"\"*", NULL, NULL, NULL },
		{ "OR*", "\"OR\"*", NULL, NULL },
	};
	check_table(t, LEN(t));
}
END_TEST

/* has_prefix: a required or alternative prefix, not an excluded one */
START_TEST(test_parse_has_prefix)
{
	static const struct {
		const char *text;
		bool raw, has_prefix;
	} t[] = {
		{ "tech*", false, true },  { "tech", false, false },
		{ "a OR b*", false, true }, { "market -tech*", false, false },
		{ "a*b", false, false },   { "\"tech\"* AND x", true, true },
		{ "tech", true, false },
	};
	for (size_t k = 0; k < LEN(t); k++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_int_eq(parse(t[k].text, t[k].raw, &q, &err), 0);
		ck_assert_msg(q.has_prefix == t[k].has_prefix, "'%s': has_prefix %d", t[k].text,
			      q.has_prefix);
		nd_query_release(&q);
	}
}
END_TEST

/* A prefix with shorter stems becomes a group, which FTS5 only accepts
 * joined with AND, inside OR, under a column filter and excluded. */
START_TEST(test_parse_prefix_with_stems)
{
	static const struct {
		const char *in, *match, *exclude;
	} cases[] = {
		{ "automat*", "(\"automat\"* OR \"automa\" OR \"autom\")", NULL },
		{ "b automat* c", "\"b\" \"c\" AND (\"automat\"* OR \"automa\" OR \"autom\")", NULL },
		{ "b OR automat*", "(\"b\" OR (\"automat\"* OR \"automa\" OR \"autom\"))", NULL },
		{ "title:automat*",
		  "(title : \"automat\"* OR title : \"automa\" OR title : \"autom\")", NULL },
		{ "b -automat*", "\"b\"", "(\"automat\"* OR \"automa\" OR \"autom\")" },
		{ "auto*", "\"auto\"*", NULL },
		{ "automat", "\"automat\"", NULL },
	};
	db_open();
	for (size_t i = 0; i < LEN(cases); i++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_int_eq(parse_with(cases[i].in, false, &fake_stemmer, &q, &err), 0);
		ck_str_or_null(q.match, cases[i].match, cases[i].in);
		ck_str_or_null(q.exclude, cases[i].exclude, cases[i].in);
		check_valid(q.match, cases[i].in);
		check_valid(q.exclude, cases[i].in);
		nd_query_release(&q);
	}
	db_close();
}
END_TEST

START_TEST(test_parse_title)
{
	static const struct expect t[] = {
		{ "title:apple", "title : \"apple\"", NULL, "6" },
		{ "TITLE:banana", "title : \"banana\"", NULL, "7" },
		{ "title:\"banana bread\"", "title : \"banana bread\"", NULL, "7" },
		{ "title:\"bread banana\"", "title : \"bread banana\"", NULL, "" },
		{ "title:pred*", "title : \"pred\"*", NULL, "9" },
		{ "baking -title:banana", "\"baking\"", "title : \"banana\"", "6" },
		{ "apple -title:apple", "\"apple\"", "title : \"apple\"", "8" },
		{ "title:", NULL, NULL, NULL },
		{ "title:\"unclosed phrase", "title : \"unclosed phrase\"", NULL, NULL },
	};
	check_table(t, LEN(t));
}
END_TEST

START_TEST(test_parse_filters)
{
	struct nd_query q;
	struct nd_error err;

	ck_assert_int_eq(parse("vaccine provider:WWW.Example.COM Provider:\"The  Verge\""
			       " topic:\"Power Apps\" TOPIC:ai since:2021 until:2021-12",
			       false, &q, &err),
			 0);
	ck_assert_str_eq(q.match, "\"vaccine\"");
	ck_assert_ptr_null(q.exclude);
	ck_assert_uint_eq(q.n_providers, 2);
	ck_assert_str_eq(q.providers[0], "example.com");
	ck_assert_str_eq(q.providers[1], "the verge");
	ck_assert_uint_eq(q.n_topics, 2);
	ck_assert_str_eq(q.topics[0], "power apps");
	ck_assert_str_eq(q.topics[1], "ai");
	ck_assert_str_eq(q.since, "2021-01-01T00:00:00Z");
	ck_assert_str_eq(q.until, "2022-01-01T00:00:00Z");
	nd_query_release(&q);

	/* a filter alone is a query; OR next to a filter is a word */
	ck_assert_int_eq(parse("topic:x", false, &q, &err), 0);
	ck_assert_ptr_null(q.match);
	ck_assert(!nd_query_is_empty(&q));
	nd_query_release(&q);
	ck_assert_int_eq(parse("a OR provider:x.org", false, &q, &err), 0);
	ck_assert_str_eq(q.match, "\"a\" \"OR\"");
	ck_assert_str_eq(q.providers[0], "x.org");
	nd_query_release(&q);

	/* a dotted name that is no domain is matched as a name */
	ck_assert_int_eq(parse("provider:Yahoo!.News", false, &q, &err), 0);
	ck_assert_str_eq(q.providers[0], "yahoo!.news");
	nd_query_release(&q);
}
END_TEST

START_TEST(test_parse_filter_errors)
{
	static const char *const t[][2] = {
		{ "apple provider:", "empty value for provider:" },
		{ "Topic:\"\"", "empty value for topic:" },
		{ "topic:\" \"", "empty value for topic:" },
		{ "since:", "empty value for since:" },
		{ "until:2021-13",
		  "cannot read date '2021-13' in until: (use YYYY, YYYY-MM, YYYY-MM-DD, Nd, Nw, Nm, Ny, today or yesterday)" },
		{ "since:someday",
		  "cannot read date 'someday' in since: (use YYYY, YYYY-MM, YYYY-MM-DD, Nd, Nw, Nm, Ny, today or yesterday)" },
		{ "-provider:example.com", "provider: filters cannot be excluded with '-'" },
	};
	for (size_t i = 0; i < LEN(t); i++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_msg(parse(t[i][0], false, &q, &err) == -1, "'%s' parsed", t[i][0]);
		ck_assert_str_eq(err.msg, t[i][1]);
		/* nothing left to release after a failure */
		ck_assert_ptr_null(q.match);
		ck_assert_ptr_null(q.providers);
	}
}
END_TEST

START_TEST(test_add_filter)
{
	struct nd_query q;
	struct nd_error err;

	ck_assert_int_eq(parse("", false, &q, &err), 0);
	ck_assert(nd_query_is_empty(&q));
	ck_assert_int_eq(nd_query_add_filter(&q, "provider", "https://www.bbc.co.uk/news", &err), 0);
	ck_assert_int_eq(nd_query_add_filter(&q, "topic", "  Power\xC2\xA0" "Apps ", &err), 0);
	ck_assert_int_eq(nd_query_add_filter(&q, "since", "2020-02", &err), 0);
	ck_assert_int_eq(nd_query_add_filter(&q, "until", "2020-02-29", &err), 0);
	ck_assert(!nd_query_is_empty(&q));
	ck_assert_str_eq(q.providers[0], "bbc.co.uk");
	ck_assert_str_eq(q.topics[0], "power apps");
	ck_assert_str_eq(q.since, "2020-02-01T00:00:00Z");
	ck_assert_str_eq(q.until, "2020-03-01T00:00:00Z");

	ck_assert_int_eq(nd_query_add_filter(&q, "until", "2021-02-29", &err), -1);
	ck_assert_str_eq(err.msg,
			 "cannot read date '2021-02-29' in until: (use YYYY, YYYY-MM, YYYY-MM-DD, Nd, Nw, Nm, Ny, today or yesterday)");
	ck_assert_int_eq(nd_query_add_filter(&q, "provider", "", &err), -1);
	ck_assert_str_eq(err.msg, "empty value for provider:");
	ck_assert_int_eq(nd_query_add_filter(&q, "colour", "red", &err), -1);
	ck_assert_str_eq(err.msg, "unknown filter 'colour'");
	ck_assert_int_eq(nd_query_add_filter(&q, "title", "x", &err), -1);
	/* failures leave the query as it was */
	ck_assert_uint_eq(q.n_providers, 1);
	ck_assert_str_eq(q.until, "2020-03-01T00:00:00Z");
	nd_query_release(&q);
	nd_query_release(&q);
	ck_assert(nd_query_is_empty(&q));
}
END_TEST

START_TEST(test_dates_bounds)
{
	static const char *const t[][3] = {
		/* value, since, until */
		{ "2021", "2021-01-01T00:00:00Z", "2022-01-01T00:00:00Z" },
		{ "2021-12", "2021-12-01T00:00:00Z", "2022-01-01T00:00:00Z" },
		{ "2021-02", "2021-02-01T00:00:00Z", "2021-03-01T00:00:00Z" },
		{ "2021-02-28", "2021-02-28T00:00:00Z", "2021-03-01T00:00:00Z" },
		{ "2020-02-28", "2020-02-28T00:00:00Z", "2020-02-29T00:00:00Z" },
		{ "2020-02-29", "2020-02-29T00:00:00Z", "2020-03-01T00:00:00Z" },
		{ "2000-02-29", "2000-02-29T00:00:00Z", "2000-03-01T00:00:00Z" },
		{ "2021-12-31", "2021-12-31T00:00:00Z", "2022-01-01T00:00:00Z" },
		{ "2021-04-30", "2021-04-30T00:00:00Z", "2021-05-01T00:00:00Z" },
		{ " 2021-06-15 ", "2021-06-15T00:00:00Z", "2021-06-16T00:00:00Z" },
		{ "9999-12", "9999-12-01T00:00:00Z", "" },
		{ "0001", "0001-01-01T00:00:00Z", "0002-01-01T00:00:00Z" },
	};
	static const char *const bad[] = {
		"21", "2021-1", "2021-00", "2021-13", "2021-04-31", "1900-02-29",
		"2021-02-29", "2021-01-00", "2021-01-32", "2021-01-01T00:00", "2021/01",
		"0000", "2021-", "2021-01-", "20210", "-2021", "２０２１",
	};
	for (size_t i = 0; i < LEN(t); i++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_int_eq(parse("", false, &q, &err), 0);
		ck_assert_int_eq(nd_query_add_filter(&q, "since", t[i][0], &err), 0);
		ck_assert_int_eq(nd_query_add_filter(&q, "until", t[i][0], &err), 0);
		ck_assert_str_eq(q.since, t[i][1]);
		ck_assert_str_eq(q.until, t[i][2]);
		nd_query_release(&q);
	}
	for (size_t i = 0; i < LEN(bad); i++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_int_eq(parse("", false, &q, &err), 0);
		ck_assert_msg(nd_query_add_filter(&q, "since", bad[i], &err) == -1, "'%s'", bad[i]);
		ck_assert_msg(nd_query_add_filter(&q, "until", bad[i], &err) == -1, "'%s'", bad[i]);
		ck_assert_str_eq(q.since, "");
		nd_query_release(&q);
	}
}
END_TEST

START_TEST(test_dates_tightest_bound_wins)
{
	struct nd_query q;
	struct nd_error err;

	ck_assert_int_eq(parse("since:2019 since:2020-06 since:2020 until:2022 until:2021-03"
			       " until:2021-05",
			       false, &q, &err),
			 0);
	ck_assert_str_eq(q.since, "2020-06-01T00:00:00Z");
	ck_assert_str_eq(q.until, "2021-04-01T00:00:00Z");
	ck_assert_int_eq(nd_query_add_filter(&q, "until", "9999", &err), 0);
	ck_assert_str_eq(q.until, "2021-04-01T00:00:00Z");
	nd_query_release(&q);
}
END_TEST

START_TEST(test_parse_cjk_to_substrings)
{
	struct nd_query q;
	struct nd_error err;

	ck_assert_int_eq(parse("東京 olympics 오늘* -北京 \"大阪 万博\" title:日本", false, &q, &err), 0);
	ck_assert_str_eq(q.match, "\"olympics\"");
	ck_assert_ptr_null(q.exclude); /* excluded CJK terms are dropped */
	ck_assert_uint_eq(q.n_substrings, 4);
	ck_assert_str_eq(q.substrings[0], "東京");
	ck_assert_str_eq(q.substrings[1], "오늘");
	ck_assert_str_eq(q.substrings[2], "大阪 万博");
	ck_assert_str_eq(q.substrings[3], "日本");
	nd_query_release(&q);

	/* ideographic space separates terms; CJK alone is a query */
	ck_assert_int_eq(parse("東京\xE3\x80\x80大阪", false, &q, &err), 0);
	ck_assert_ptr_null(q.match);
	ck_assert_uint_eq(q.n_substrings, 2);
	ck_assert(!nd_query_is_empty(&q));
	nd_query_release(&q);

	/* accented Latin stays in the word index */
	ck_assert_int_eq(parse("Café", false, &q, &err), 0);
	ck_assert_str_eq(q.match, "\"Café\"");
	ck_assert_uint_eq(q.n_substrings, 0);
	nd_query_release(&q);
}
END_TEST

START_TEST(test_parse_raw)
{
	static const char *const t[] = {
		"apple NEAR(pie baking, 3)",
		"title : apple OR {excerpt} : baking",
		"provider:x.org \"unbalanced",
		"-x",
	};
	for (size_t i = 0; i < LEN(t); i++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_int_eq(parse(t[i], true, &q, &err), 0);
		ck_assert_str_eq(q.match, t[i]);
		ck_assert_ptr_null(q.exclude);
		ck_assert_uint_eq(q.n_providers, 0);
		ck_assert_uint_eq(q.n_substrings, 0);
		nd_query_release(&q);
	}
	struct nd_query q;
	ck_assert_int_eq(parse(" \t\n", true, &q, NULL), 0);
	ck_assert(nd_query_is_empty(&q));
	nd_query_release(&q);
}
END_TEST

START_TEST(test_is_empty)
{
	static const struct {
		const char *in;
		bool empty;
	} t[] = {
		{ "", true },       { "   ", true },   { "( ) - * \"\"", true },
		{ "OR", false },    { "-x", false },   { "since:2020", false },
		{ "東京", false },  { "x", false },    { "-東京", true },
	};
	for (size_t i = 0; i < LEN(t); i++) {
		struct nd_query q;
		struct nd_error err;
		ck_assert_int_eq(parse(t[i].in, false, &q, &err), 0);
		ck_assert_msg(nd_query_is_empty(&q) == t[i].empty, "'%s'", t[i].in);
		nd_query_release(&q);
	}
}
END_TEST

/* Pieces the random queries are made of: FTS5 syntax characters, operator
 * words, filters, CJK, accents, a no-token symbol and invalid UTF-8. */
static const char *const pieces[] = {
	"\"", "*", "-", "(", ")", ":", "^", "+", "&", "'", ".", ",", " ", " ", " ", "\t",
	"OR", "OR", "AND", "NOT", "NEAR", "NEAR(", "or", "a", "b", "apple", "pie", "x1",
	"title:", "Title:", "provider:", "topic:", "since:2020", "until:2021-02",
	"{title}", "excerpt:", "東京", "日本語", "한국", "é", "Café", "—", "€",
	"\xE3\x80\x80", "\xC2\xA0", "\xC3", "\x80", "\xFF", "\xE3\x80", "\x01", "\\", "''",
};

START_TEST(test_parse_random_is_valid_fts5)
{
	unsigned long seed = 20240601;
	unsigned long parsed = 0;

	db_open();
	for (int i = 0; i < 20000; i++) {
		struct nd_buf in = ND_BUF_INIT;
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		int n = (int)(seed >> 59);
		for (int k = 0; k < n; k++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			nd_buf_adds(&in, pieces[(seed >> 33) % LEN(pieces)]);
		}
		struct nd_query q;
		struct nd_error err;
		if (parse_with(nd_buf_str(&in), false, i % 2 ? &fake_stemmer : NULL, &q, &err) == 0) {
			parsed++;
			check_valid(q.match, nd_buf_str(&in));
			check_valid(q.exclude, nd_buf_str(&in));
			nd_query_release(&q);
		}
		nd_buf_release(&in);
	}
	db_close();
	/* most inputs must reach FTS5, or the run proves little */
	ck_assert_uint_gt(parsed, 10000);
}
END_TEST

Suite *make_query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("query");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quote_term_doubles_quotes);
	tcase_add_test(tc, test_parse_special_words);
	tcase_add_test(tc, test_parse_operator_words);
	tcase_add_test(tc, test_parse_stray_quote);
	tcase_add_test(tc, test_parse_phrase);
	tcase_add_test(tc, test_parse_or);
	tcase_add_test(tc, test_parse_exclude);
	tcase_add_test(tc, test_parse_prefix);
	tcase_add_test(tc, test_parse_has_prefix);
	tcase_add_test(tc, test_parse_title);
	tcase_add_test(tc, test_parse_filters);
	tcase_add_test(tc, test_parse_filter_errors);
	tcase_add_test(tc, test_add_filter);
	tcase_add_test(tc, test_dates_bounds);
	tcase_add_test(tc, test_dates_tightest_bound_wins);
	tcase_add_test(tc, test_parse_cjk_to_substrings);
	tcase_add_test(tc, test_parse_raw);
	tcase_add_test(tc, test_is_empty);
	tcase_add_test(tc, test_parse_prefix_with_stems);
	tcase_add_test(tc, test_parse_random_is_valid_fts5);
	suite_add_tcase(s, tc);
	return s;
}
