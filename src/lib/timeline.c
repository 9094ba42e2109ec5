/*
 * timeline.c: matches per day into matches per period (timeline.h).
 */
#include "timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "civil.h"

static const char *const names[] = {
	[ND_PERIOD_AUTO] = "auto", [ND_PERIOD_DAY] = "day", [ND_PERIOD_WEEK] = "week",
	[ND_PERIOD_MONTH] = "month", [ND_PERIOD_YEAR] = "year",
};

const char *nd_period_name(enum nd_period p)
{
	return names[p];
}

int nd_period_parse(const char *name, enum nd_period *out)
{
	for (enum nd_period p = ND_PERIOD_DAY; p <= ND_PERIOD_YEAR; p++) {
		if (!strcmp(name, names[p])) {
			*out = p;
			return 0;
		}
	}
	return -1;
}

/* A number for the period holding day z: consecutive periods have
 * consecutive numbers.  1970-01-01 was a Thursday, so Monday-based weeks
 * are counted from day -3. */
static int64_t period_of(int64_t z, enum nd_period by)
{
	int64_t y;
	int m, d;

	switch (by) {
	case ND_PERIOD_WEEK:
		return (z + 3 >= 0 ? z + 3 : z - 3) / 7;
	case ND_PERIOD_MONTH:
	case ND_PERIOD_YEAR:
		nd_civil_from_days(z, &y, &m, &d);
		return by == ND_PERIOD_YEAR ? y : y * 12 + (m - 1);
	default:
		return z;
	}
}

void nd_period_label(int64_t period, enum nd_period by, char out[11])
{
	int64_t y;
	int m, d;
	char tmp[48];

	switch (by) {
	case ND_PERIOD_YEAR:
		snprintf(tmp, sizeof(tmp), "%04lld", (long long)period);
		break;
	case ND_PERIOD_MONTH:
		snprintf(tmp, sizeof(tmp), "%04lld-%02d", (long long)(period / 12),
			 (int)(period % 12) + 1);
		break;
	default:
		nd_civil_from_days(by == ND_PERIOD_WEEK ? period * 7 - 3 : period, &y, &m, &d);
		snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02d", (long long)y, m, d);
		break;
	}
	memcpy(out, tmp, 11);
	out[10] = '\0';
}

size_t nd_timeline_build(const int64_t *per_day, int64_t first_day, size_t n_days,
			 enum nd_period by, enum nd_period *chosen, struct nd_period_count **out)
{
	*out = NULL;
	if (by == ND_PERIOD_AUTO) {
		by = ND_PERIOD_DAY;
		while (by < ND_PERIOD_YEAR &&
		       period_of(first_day + (int64_t)n_days - 1, by) - period_of(first_day, by) >=
			       ND_TIMELINE_MAX_ROWS)
			by++;
	}
	*chosen = by;
	if (n_days == 0)
		return 0;
	int64_t first = period_of(first_day, by);
	size_t n = (size_t)(period_of(first_day + (int64_t)n_days - 1, by) - first + 1);
	struct nd_period_count *v = nd_xcalloc(n, sizeof(*v));
	for (size_t k = 0; k < n; k++)
		nd_period_label(first + (int64_t)k, by, v[k].label);
	/* days of one period are consecutive: the period changes rarely */
	int64_t z = first_day, p = first;
	for (size_t k = 0; k < n_days; k++, z++) {
		if (!per_day[k])
			continue;
		if (by != ND_PERIOD_DAY)
			p = period_of(z, by);
		else
			p = z;
		v[p - first].count += per_day[k];
	}
	*out = v;
	return n;
}
