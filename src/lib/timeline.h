/*
 * timeline.h: matches per day turned into matches per period (day, ISO week,
 * month, year) over the whole matched range, empty periods included, for
 * `search --timeline`.  Pure arithmetic on counts; the counting is
 * store_facets.c's.
 */
#ifndef ND_TIMELINE_H
#define ND_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

enum nd_period { ND_PERIOD_AUTO, ND_PERIOD_DAY, ND_PERIOD_WEEK, ND_PERIOD_MONTH, ND_PERIOD_YEAR };

/* "day", "week", "month", "year" (ND_PERIOD_AUTO: "auto"). */
const char *nd_period_name(enum nd_period p);
/* The period of such a name; -1 when none. */
int nd_period_parse(const char *name, enum nd_period *out);

/* With ND_PERIOD_AUTO the timeline takes the finest period that needs at
 * most this many rows (as `stats` shows months up to 36). */
#define ND_TIMELINE_MAX_ROWS 36

/* One period: its label ("2021-12-30"; a week by its Monday, "2021-12-27";
 * "2021-12"; "2021") and the matches in it. */
struct nd_period_count {
	char label[11];
	int64_t count;
};

/* The label of a period by its number: a day or (Monday-based) week by
 * day number (a week's is (day + 3) / 7, rounded down), a month by
 * year * 12 + month - 1, a year by itself. */
void nd_period_label(int64_t period, enum nd_period by, char out[11]);

/*
 * per_day[k] is the number of matches on day first_day + k (civil.h day
 * numbers); per_day[0] and per_day[n_days - 1] are not zero.  Fills *out
 * with every period from the first day's to the last day's (malloc'd; free
 * it), and *by with the period used (`by`, or the one ND_PERIOD_AUTO
 * chose).  Returns the number of periods.
 */
size_t nd_timeline_build(const int64_t *per_day, int64_t first_day, size_t n_days,
			 enum nd_period by, enum nd_period *chosen, struct nd_period_count **out);

#endif
