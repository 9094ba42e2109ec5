/* check_cjkrow.c: nd_cjk_row (store_cjk.c), which tells the rows of
 * articles_trigram in one pass, against the GLOB it replaces, run by SQLite,
 * (TRIGRAM_RULE_SQL, store_internal.h) over random bytes: valid and broken
 * UTF-8, CJK and near-CJK characters, NULs inside, NULL columns. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "suites.h"

/* A character's UTF-8 bytes (up to 4), c < 0x200000. */
static size_t utf8(unsigned c, unsigned char *out)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	size_t n = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	for (size_t k = n - 1; k > 0; k--, c >>= 6)
		out[k] = (unsigned char)(0x80 | (c & 0x3f));
	out[0] = (unsigned char)(lead[n] | c);
	return n;
}

/* The edges of the CJK classes, and one step past each. */
static const unsigned edges[] = {
	0x3040, 0x30ff, 0x3400, 0x4dbf, 0x4e00, 0x9fff, 0xf900, 0xfaff, 0xac00,
	0xd7af, 0x1100, 0x11ff, 0x20000, 0x2fa1f,
};

static size_t random_text(unsigned char *out, size_t cap, unsigned *seed)
{
	size_t n = 0, want = (size_t)(rand_r(seed) % 12);
	while (n + 4 < cap && want--) {
		int kind = rand_r(seed) % 8;
		if (kind == 0) {
			unsigned e = edges[rand_r(seed) % (sizeof(edges) / sizeof(edges[0]))];
			n += utf8(e + (unsigned)(rand_r(seed) % 3) - 1, out + n);
		} else if (kind == 1) {
			n += utf8((unsigned)(rand_r(seed) % 0x30000), out + n);
		} else if (kind == 2) {
			out[n++] = (unsigned char)(0x80 + rand_r(seed) % 0x80); /* lead or continuation */
		} else if (kind == 3) {
			/* a CJK character cut short, or with one continuation byte too many */
			unsigned char b[4];
			size_t m = utf8(0x4e00 + (unsigned)(rand_r(seed) % 100), b);
			size_t keep = (size_t)(rand_r(seed) % (int)m) + 1;
			memcpy(out + n, b, keep);
			n += keep;
			if (rand_r(seed) % 2)
				out[n++] = 0x80;
		} else if (kind == 4 && rand_r(seed) % 4 == 0) {
			out[n++] = 0; /* the GLOB reads to here only */
		} else {
			out[n++] = (unsigned char)(' ' + rand_r(seed) % 90);
		}
	}
	return n;
}

START_TEST(test_cjk_row_is_the_glob)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(store_register_cjk_row(db), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, TRIGRAM_RULE_SQL, -1, &st, NULL), SQLITE_OK);
	unsigned seed = 11;
	int agreed_cjk = 0;
	for (int round = 0; round < 200000; round++) {
		unsigned char text[3][64];
		size_t n[3];
		for (int k = 0; k < 3; k++) {
			n[k] = random_text(text[k], sizeof(text[k]), &seed);
			if (rand_r(&seed) % 10 == 0)
				sqlite3_bind_null(st, k + 1);
			else
				sqlite3_bind_text(st, k + 1, (const char *)text[k], (int)n[k], SQLITE_TRANSIENT);
		}
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		int got = sqlite3_column_int(st, 0), want = sqlite3_column_int(st, 1);
		if (got != want)
			for (int k = 0; k < 3; k++) {
				fprintf(stderr, "round %d, column %d:", round, k + 1);
				for (size_t b = 0; b < n[k]; b++)
					fprintf(stderr, " %02x", text[k][b]);
				fprintf(stderr, "\n");
			}
		ck_assert_int_eq(got, want);
		agreed_cjk += got;
		sqlite3_reset(st);
	}
	/* both outcomes were tried, many times */
	ck_assert_int_gt(agreed_cjk, 20000);
	ck_assert_int_lt(agreed_cjk, 180000);
	sqlite3_finalize(st);
	sqlite3_close(db);
}
END_TEST

Suite *make_cjkrow_suite(void)
{
	Suite *s = suite_create("cjkrow");
	TCase *tc = tcase_create("core");
	/* 200 000 statements: 2 s in a debug build, several times that under ASan */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cjk_row_is_the_glob);
	suite_add_tcase(s, tc);
	return s;
}
