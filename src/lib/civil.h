/*
 * civil.h: calendar arithmetic on the proleptic Gregorian calendar in UTC:
 * day numbers (days since 1970-01-01) and dates, month lengths, and the
 * relative dates of since:/until: ("7d", "3m", "yesterday") resolved
 * against today.  Pure, apart from nd_civil_today(), which reads the clock.
 */
#ifndef ND_CIVIL_H
#define ND_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

/* Days in month m (1-12) of year y. */
int nd_month_days(int64_t y, int m);

/* Days since 1970-01-01 of a date (H. Hinnant's algorithm), and back. */
int64_t nd_days_from_civil(int64_t y, int m, int d);
void nd_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/*
 * Today's day number in UTC: from the environment variable NEWSDB_NOW when it
 * is set (a date "YYYY-MM-DD", optionally followed by a time such as
 * "T12:00:00Z"; for tests, which need a fixed clock), else from the system
 * clock.  -1 when NEWSDB_NOW is set but is no such date.
 */
int64_t nd_civil_today(void);

/*
 * A relative date, in any letter case: "today", "yesterday", or a count
 * and a unit, "Nd" (days), "Nw" (weeks), "Nm" (months), "Ny" (years)
 * before `today` (a day number).  A month or year back keeps the day of
 * the month, or the month's last day when it has fewer ("1m" on 03-31 is
 * 02-28 or 02-29).  Writes the day it names as "YYYY-MM-DD" into out.
 * Returns 1 when s is a relative date, 0 when it is not one (out untouched),
 * -1 when it is but names a day before year 1.
 */
int nd_civil_relative(const char *s, int64_t today, char out[11]);

#endif
