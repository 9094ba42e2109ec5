/*
 * check_civil.c: unit tests of the calendar arithmetic (civil.h): day
 * numbers both ways, the relative dates of since:/until:, and the
 * NEWSDB_NOW clock the e2e tests pin.
 */
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "query.h"
#include "suites.h"

static int64_t day(int y, int m, int d)
{
	return nd_days_from_civil(y, m, d);
}

START_TEST(test_civil_days_round_trip)
{
	ck_assert_int_eq(day(1970, 1, 1), 0);
	ck_assert_int_eq(day(2000, 3, 1) - day(2000, 2, 28), 2);
	ck_assert_int_eq(day(1900, 3, 1) - day(1900, 2, 28), 1);
	for (int64_t z = day(1, 1, 1); z < day(9999, 12, 31); z += 997) {
		int64_t y;
		int m, d;
		nd_civil_from_days(z, &y, &m, &d);
		ck_assert_int_eq(day((int)y, m, d), z);
	}
}
END_TEST

/* What s names when today is `today` ("YYYY-MM-DD"), or "" / "error". */
static const char *rel(const char *s, const char *today)
{
	static char out[11];
	int y = atoi(today), m = atoi(today + 5), d = atoi(today + 8);
	int rc = nd_civil_relative(s, day(y, m, d), out);
	return rc > 0 ? out : rc == 0 ? "" : "error";
}

START_TEST(test_civil_relative_units)
{
	ck_assert_str_eq(rel("today", "2026-12-01"), "2026-12-01");
	ck_assert_str_eq(rel("Yesterday", "2026-12-01"), "2026-11-30");
	ck_assert_str_eq(rel("0d", "2026-12-01"), "2026-12-01");
	ck_assert_str_eq(rel("7d", "2026-12-01"), "2026-11-24");
	ck_assert_str_eq(rel("2w", "2026-12-01"), "2026-11-17");
	ck_assert_str_eq(rel("3m", "2026-12-01"), "2026-09-01");
	ck_assert_str_eq(rel("12M", "2026-12-01"), "2025-12-01");
	ck_assert_str_eq(rel("1y", "2026-12-01"), "2025-12-01");
	ck_assert_str_eq(rel("1d", "2026-01-01"), "2025-12-31");
	ck_assert_str_eq(rel("365d", "2024-12-31"), "2024-01-01");
}
END_TEST

START_TEST(test_civil_relative_month_ends)
{
	/* the day of the month is kept, or the month's last day */
	ck_assert_str_eq(rel("1m", "2026-03-31"), "2026-02-28");
	ck_assert_str_eq(rel("1m", "2024-03-31"), "2024-02-29");
	ck_assert_str_eq(rel("1y", "2024-02-29"), "2023-02-28");
	ck_assert_str_eq(rel("4y", "2024-02-29"), "2020-02-29");
	ck_assert_str_eq(rel("13m", "2026-01-15"), "2024-12-15");
}
END_TEST

START_TEST(test_civil_relative_not_relative)
{
	/* not relative dates: left to the absolute forms */
	ck_assert_str_eq(rel("2021", "2026-12-01"), "");
	ck_assert_str_eq(rel("2021-12", "2026-12-01"), "");
	ck_assert_str_eq(rel("d", "2026-12-01"), "");
	ck_assert_str_eq(rel("7", "2026-12-01"), "");
	ck_assert_str_eq(rel("7x", "2026-12-01"), "");
	ck_assert_str_eq(rel("7dd", "2026-12-01"), "");
	ck_assert_str_eq(rel("-7d", "2026-12-01"), "");
	ck_assert_str_eq(rel("12345678d", "2026-12-01"), "");
	ck_assert_str_eq(rel("todayx", "2026-12-01"), "");
	ck_assert_str_eq(rel("", "2026-12-01"), "");
	/* before year 1 */
	ck_assert_str_eq(rel("3000y", "2026-12-01"), "error");
	ck_assert_str_eq(rel("9999999d", "2026-12-01"), "error");
}
END_TEST

START_TEST(test_civil_today_from_environment)
{
	setenv("NEWSDB_NOW", "2026-12-01T12:00:00Z", 1);
	ck_assert_int_eq(nd_civil_today(), day(2026, 12, 1));
	setenv("NEWSDB_NOW", "2024-02-29", 1);
	ck_assert_int_eq(nd_civil_today(), day(2024, 2, 29));
	setenv("NEWSDB_NOW", "2023-02-29", 1);
	ck_assert_int_eq(nd_civil_today(), -1);
	setenv("NEWSDB_NOW", "tomorrow", 1);
	ck_assert_int_eq(nd_civil_today(), -1);
	unsetenv("NEWSDB_NOW");
	ck_assert_int_gt(nd_civil_today(), day(2020, 1, 1));
}
END_TEST

/* The bounds a query gets from relative dates: since: from the start of the
 * day named, until: to the end of it. */
START_TEST(test_civil_query_bounds)
{
	struct nd_query q;
	struct nd_error err;
	setenv("NEWSDB_NOW", "2026-12-01T23:59:59Z", 1);
	ck_assert_int_eq(nd_query_parse("ipo since:7d until:yesterday", false, NULL, &q, &err), 0);
	ck_assert_str_eq(q.since, "2026-11-24T00:00:00Z");
	ck_assert_str_eq(q.until, "2026-12-01T00:00:00Z");
	ck_assert_int_eq(nd_query_add_filter(&q, "until", "today", &err), 0);
	ck_assert_str_eq(q.until, "2026-12-01T00:00:00Z"); /* the tighter bound stays */
	nd_query_release(&q);
	ck_assert_int_eq(nd_query_parse("since:1m until:TODAY", false, NULL, &q, &err), 0);
	ck_assert_str_eq(q.since, "2026-11-01T00:00:00Z");
	ck_assert_str_eq(q.until, "2026-12-02T00:00:00Z");
	nd_query_release(&q);
	ck_assert_int_eq(nd_query_parse("since:7 days", false, NULL, &q, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "today or yesterday"));
	setenv("NEWSDB_NOW", "soon", 1);
	ck_assert_int_eq(nd_query_parse("since:7d", false, NULL, &q, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "NEWSDB_NOW"));
	unsetenv("NEWSDB_NOW");
}
END_TEST

Suite *make_civil_suite(void)
{
	Suite *s = suite_create("civil");
	TCase *tc = tcase_create("civil");
	tcase_add_test(tc, test_civil_days_round_trip);
	tcase_add_test(tc, test_civil_relative_units);
	tcase_add_test(tc, test_civil_relative_month_ends);
	tcase_add_test(tc, test_civil_relative_not_relative);
	tcase_add_test(tc, test_civil_today_from_environment);
	tcase_add_test(tc, test_civil_query_bounds);
	suite_add_tcase(s, tc);
	return s;
}
