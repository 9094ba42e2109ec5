/* check_rank.c: nd_rank() against FTS5's own bm25 on an in-memory table. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_internal.h"
#include "suites.h"

/* Enough rows for common phrases (12 000 rows of "common"). */
#define N_ROWS 30000

static sqlite3 *db;

/* Every row has "filler"; "common" in two rows of five (past the cap),
 * "rare" in every 300th (so with "common"), also in the title of every
 * 900th; body lengths vary so
 * the length normalization matters. */
static void setup(void)
{
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(store_register_rank(db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE t USING fts5(title, excerpt, body);"
				      "BEGIN",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO t (rowid, title, excerpt, body)"
						" VALUES (?1, ?2, ?3, ?4)",
					    -1, &st, NULL),
			 SQLITE_OK);
	char title[64], excerpt[64], body[512];
	for (int k = 1; k <= N_ROWS; k++) {
		snprintf(title, sizeof(title), "headline %s%d", k % 900 == 0 ? "rare " : "", k);
		snprintf(excerpt, sizeof(excerpt), "filler %s%s", k % 5 < 2 ? "common " : "",
			 k % 300 == 0 ? "rare" : "");
		int n = 0;
		for (int w = 0; w < k % 37; w++)
			n += snprintf(body + n, sizeof(body) - (size_t)n, "%s ",
				      w % 5 == 0 && k % 5 < 2 ? "common" : "word");
		body[n] = '\0';
		sqlite3_bind_int(st, 1, k);
		sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, excerpt, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, body, -1, SQLITE_TRANSIENT);
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

/* Both scores of every match, in rowid order; returns the number of rows. */
static int scores(const char *match, double *mine, double *fts5, int max)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT nd_rank(t, 10.0, 4.0, 1.0),"
						" bm25(t, 10.0, 4.0, 1.0) FROM t"
						" WHERE t MATCH ?1 ORDER BY rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ck_assert_int_lt(n, max);
		mine[n] = sqlite3_column_double(st, 0);
		fts5[n++] = sqlite3_column_double(st, 1);
	}
	ck_assert_int_eq(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	return n;
}

static double mine[N_ROWS], fts5[N_ROWS];

START_TEST(test_rare_phrase_scores_exactly_as_bm25)
{
	int n = scores("rare", mine, fts5, N_ROWS);
	ck_assert_int_eq(n, N_ROWS / 300);
	for (int k = 0; k < n; k++) {
		ck_assert(fts5[k] < 0.0);
		/* to the bit: the same operations in the same order */
		ck_assert(mine[k] == fts5[k]);
	}
}
END_TEST

START_TEST(test_weights_are_per_column)
{
	/* rows 900, 1800, ... have "rare" in the title and the excerpt */
	int n = scores("rare", mine, fts5, N_ROWS);
	double in_title = mine[2], not_in_title = mine[0]; /* rows 900 and 300 */
	ck_assert_int_gt(n, 3);
	ck_assert(in_title < not_in_title);
}
END_TEST

START_TEST(test_common_phrase_scores_exactly_as_bm25)
{
	/* 12 000 rows: every one of them counted */
	int n = scores("common", mine, fts5, N_ROWS);
	ck_assert_int_eq(n, N_ROWS / 5 * 2);
	for (int k = 0; k < n; k++)
		ck_assert(mine[k] == fts5[k]);
}
END_TEST

START_TEST(test_two_phrases_score_exactly_as_bm25)
{
	int n = scores("common rare", mine, fts5, N_ROWS);
	ck_assert_int_gt(n, 10);
	for (int k = 0; k < n; k++)
		ck_assert(mine[k] == fts5[k]);
	/* and with a phrase that no match has (its part is zero) */
	n = scores("filler NOT common", mine, fts5, N_ROWS);
	ck_assert_int_gt(n, 10);
	for (int k = 0; k < n; k++)
		ck_assert(mine[k] == fts5[k]);
}
END_TEST

START_TEST(test_phrase_in_most_rows_still_counts)
{
	/* "filler" is in every row: bm25's idf floor, not zero or negative */
	int n = scores("filler", mine, fts5, N_ROWS);
	ck_assert_int_eq(n, N_ROWS);
	for (int k = 0; k < n; k++) {
		ck_assert(mine[k] < 0.0);
		ck_assert(mine[k] == fts5[k]);
	}
}
END_TEST

/* rank_bound_at bounds every row's weight at any average length, from the
 * three points rank_bound_add keeps; and not loosely: at the points and
 * between them it is within a few percent of the heaviest row. */
START_TEST(test_bound_holds_at_every_average)
{
	srand(7);
	for (int round = 0; round < 200; round++) {
		double avgdl0 = 5 + rand() % 200;
		struct rank_bound b = { { 0 } };
		double freq[64], length[64];
		int n = 1 + rand() % 64;
		for (int k = 0; k < n; k++) {
			freq[k] = 1 + rand() % 30;
			length[k] = 1 + rand() % 400;
			rank_bound_add(&b, freq[k], length[k], avgdl0);
		}
		for (int t = 0; t < 50; t++) {
			double avgdl = avgdl0 * (0.2 + 4.0 * rand() / RAND_MAX);
			double bound = rank_bound_at(&b, avgdl0, avgdl), heaviest = 0;
			for (int k = 0; k < n; k++) {
				double w = rank_tf(freq[k], length[k], avgdl);
				ck_assert_msg(w <= bound * (1 + 1e-12), "row %d: %g > bound %g at %g/%g", k,
					      w, bound, avgdl, avgdl0);
				if (w > heaviest)
					heaviest = w;
			}
			if (avgdl >= avgdl0 * 0.5 && avgdl <= avgdl0 * 2)
				ck_assert_double_le(bound, heaviest * 1.25);
		}
	}
}
END_TEST

Suite *make_rank_suite(void)
{
	Suite *s = suite_create("rank");
	TCase *tc = tcase_create("bm25");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rare_phrase_scores_exactly_as_bm25);
	tcase_add_test(tc, test_weights_are_per_column);
	tcase_add_test(tc, test_common_phrase_scores_exactly_as_bm25);
	tcase_add_test(tc, test_two_phrases_score_exactly_as_bm25);
	tcase_add_test(tc, test_phrase_in_most_rows_still_counts);
	tcase_add_test(tc, test_bound_holds_at_every_average);
	suite_add_tcase(s, tc);
	return s;
}
