/* check_snippet.c: nd_snippet() against FTS5's own snippet() over random
 * rows and random expressions of the shape query.c writes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "suites.h"

#define N_ROWS 1000
#define N_QUERIES 500

static sqlite3 *db;
static unsigned long long rng_state;

static unsigned next_rand(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng_state >> 33);
}

static unsigned below(unsigned n)
{
	return next_rand() % n;
}

/* Words that stem together (market, markets, marketing), share prefixes,
 * carry accents, or are joined by punctuation the tokenizer splits. */
static const char *const words[] = {
	"market", "markets", "marketing", "stock", "stocks", "the",   "company", "companies",
	"tech",   "technology", "technical", "bank", "banking", "rate", "rates", "interest",
	"café",   "Cafe",  "naïve", "election", "elect", "AT&T", "U.S.", "COVID-19",
	"a",      "of",    "new",   "ipo",  "IPOs", "hong", "kong",  "apple", "iphone",
};
#define N_WORDS (sizeof(words) / sizeof(words[0]))
static const char *const gaps[] = { " ", " ", " ", " ", ", ", ". ", ": ", ".", "\n", " - ", "  ",
				    ".\n", "; " };
#define N_GAPS (sizeof(gaps) / sizeof(gaps[0]))

static void random_text(char *out, size_t cap, unsigned max_words)
{
	unsigned n = below(max_words + 1);
	size_t at = 0;
	out[0] = '\0';
	for (unsigned k = 0; k < n && at + 32 < cap; k++) {
		if (k)
			at += (size_t)snprintf(out + at, cap - at, "%s", gaps[below(N_GAPS)]);
		at += (size_t)snprintf(out + at, cap - at, "%s", words[below(N_WORDS)]);
	}
	if (n && below(3) == 0 && at + 2 < cap)
		snprintf(out + at, cap - at, ".");
}

static void bind_text_or_null(sqlite3_stmt *st, int k, const char *text)
{
	if (below(12) == 0)
		sqlite3_bind_null(st, k);
	else
		sqlite3_bind_text(st, k, text, -1, SQLITE_TRANSIENT);
}

static void setup(void)
{
	rng_state = 42;
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(store_register_snippet(db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE t USING fts5(title, excerpt, body,"
				      " tokenize='porter unicode61 remove_diacritics 2');"
				      "BEGIN",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO t (rowid, title, excerpt, body)"
						" VALUES (?1, ?2, ?3, ?4)",
					    -1, &st, NULL),
			 SQLITE_OK);
	char title[256], excerpt[512], body[4096];
	for (int k = 1; k <= N_ROWS; k++) {
		random_text(title, sizeof(title), 10);
		random_text(excerpt, sizeof(excerpt), 30);
		random_text(body, sizeof(body), k % 7 == 0 ? 300 : 60);
		sqlite3_bind_int(st, 1, k);
		bind_text_or_null(st, 2, title);
		bind_text_or_null(st, 3, excerpt);
		bind_text_or_null(st, 4, body);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

static void teardown(void)
{
	sqlite3_close(db);
}

/* A term as query.c writes one: [title : ]"word[ word]"[*]. */
static size_t random_term(char *out, size_t cap)
{
	size_t at = 0;
	if (below(6) == 0)
		at += (size_t)snprintf(out + at, cap - at, "title : ");
	at += (size_t)snprintf(out + at, cap - at, "\"");
	unsigned n = below(5) == 0 ? 2 + below(2) : 1;
	for (unsigned k = 0; k < n; k++) {
		const char *w = words[below(N_WORDS)];
		bool cut = below(4) == 0 && k == n - 1;
		size_t len = strlen(w);
		if (cut && len > 2)
			len = 2 + below((unsigned)len - 1);
		at += (size_t)snprintf(out + at, cap - at, "%s%.*s", k ? " " : "", (int)len, w);
		if (cut) {
			at += (size_t)snprintf(out + at, cap - at, "\"*");
			return at;
		}
	}
	at += (size_t)snprintf(out + at, cap - at, "\"");
	return at;
}

static void random_query(char *out, size_t cap)
{
	size_t at = 0;
	unsigned groups = 1 + below(3);
	bool after_group = false;
	for (unsigned g = 0; g < groups; g++) {
		unsigned alternatives = below(3) == 0 ? 2 + below(3) : 1;
		/* FTS5 takes a space for AND only between terms (query.c writes
		 * the terms first, then the groups after " AND ") */
		if (g)
			at += (size_t)snprintf(out + at, cap - at,
					       after_group || alternatives > 1 || below(2) ? " AND "
											  : " ");
		after_group = alternatives > 1;
		if (alternatives > 1)
			at += (size_t)snprintf(out + at, cap - at, "(");
		for (unsigned k = 0; k < alternatives; k++) {
			if (k)
				at += (size_t)snprintf(out + at, cap - at, " OR ");
			at += random_term(out + at, cap - at);
		}
		if (alternatives > 1)
			at += (size_t)snprintf(out + at, cap - at, ")");
	}
}

/* Every matching row's two snippets; the number of rows compared. */
static int compare(const char *match, int n_tokens, int *differ)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(
		sqlite3_prepare_v2(db,
				   "SELECT rowid, snippet(t, -1, '[', ']', '…', ?2),"
				   " nd_snippet(?1, title, excerpt, body, '[', ']', '…', ?2)"
				   " FROM t WHERE t MATCH ?1",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, n_tokens);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *fts5 = (const char *)sqlite3_column_text(st, 1);
		const char *mine = (const char *)sqlite3_column_text(st, 2);
		bool same = (!fts5 && !mine) || (fts5 && mine && !strcmp(fts5, mine));
		if (!same && (*differ)++ < 5)
			fprintf(stderr, "%s (%d tokens), row %lld:\n  fts5: %s\n  mine: %s\n", match,
				n_tokens, (long long)sqlite3_column_int64(st, 0), fts5 ? fts5 : "NULL",
				mine ? mine : "NULL");
		n++;
	}
	ck_assert_msg(rc == SQLITE_DONE, "%s: %s", match, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return n;
}

START_TEST(same_as_fts5_snippet)
{
	char query[1024];
	int rows = 0, differ = 0, matched = 0;
	for (int k = 0; k < N_QUERIES; k++) {
		random_query(query, sizeof(query));
		ck_assert_msg(store_snippet_understood(query), "not understood: %s", query);
		/* mostly the length searches use; others for the edges */
		int n_tokens = below(3) ? 20 : 2 + (int)below(40);
		int n = compare(query, n_tokens, &differ);
		rows += n;
		matched += n > 0;
	}
	ck_assert_int_eq(differ, 0);
	/* the random queries must mostly find something to compare */
	ck_assert_int_gt(matched, N_QUERIES / 2);
	ck_assert_int_gt(rows, 20000);
}
END_TEST

START_TEST(understood_shapes)
{
	const char *yes[] = {
		"\"a\"", "\"a\" \"b\"", "\"a\" AND (\"b\" OR title : \"c\"*)", "title : \"a b\"",
		"(\"x\"* OR \"y\") AND (\"z\" OR \"w\")", "\"say \"\"hi\"\"\"",
	};
	const char *no[] = {
		"",		  "a",		 "\"a\" NOT \"b\"", "NEAR(\"a\" \"b\")",
		"(\"a\" \"b\") OR \"c\"", "excerpt : \"a\"", "\"a\" + \"b\"", "^\"a\"",
		"\"a\" *",	  "\"open",	 "(\"a\"",	 "\"a\" OR \"b\"",
		"{title} : \"a\"", "- \"a\"",
	};
	for (size_t k = 0; k < sizeof(yes) / sizeof(yes[0]); k++)
		ck_assert_msg(store_snippet_understood(yes[k]), "%s", yes[k]);
	for (size_t k = 0; k < sizeof(no) / sizeof(no[0]); k++)
		ck_assert_msg(!store_snippet_understood(no[k]), "%s", no[k]);
	ck_assert(!store_snippet_understood(NULL));
}
END_TEST

Suite *make_snippet_suite(void)
{
	Suite *s = suite_create("snippet");
	TCase *tc = tcase_create("snippet");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, same_as_fts5_snippet);
	tcase_add_test(tc, understood_shapes);
	suite_add_tcase(s, tc);
	return s;
}
