/*
 * civil.c: calendar arithmetic in UTC (civil.h): day numbers, month
 * lengths, today, and the relative dates of since:/until:.
 */
#include "civil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int nd_month_days(int64_t y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t nd_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void nd_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int64_t nd_civil_today(void)
{
	const char *now = getenv("NEWSDB_NOW");
	int y, m, d;

	if (!now || !*now)
		return (int64_t)time(NULL) / 86400;
	if (!digits(now, 4, &y) || now[4] != '-' || !digits(now + 5, 2, &m) || now[7] != '-' ||
	    !digits(now + 8, 2, &d) || (now[10] && now[10] != 'T' && now[10] != ' ') || y < 1 ||
	    m < 1 || m > 12 || d < 1 || d > nd_month_days(y, m))
		return -1;
	return nd_days_from_civil(y, m, d);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool named(const char *s, const char *name)
{
	for (; *s && *name; s++, name++)
		if (lower(*s) != *name)
			return false;
	return !*s && !*name;
}

/* N units back from today, as a day number; false past any calendar. */
static bool back(int64_t today, int64_t n, char unit, int64_t *out)
{
	int64_t y;
	int m, d;

	if (unit == 'd' || unit == 'w') {
		*out = today - n * (unit == 'w' ? 7 : 1);
		return true;
	}
	nd_civil_from_days(today, &y, &m, &d);
	int64_t months = y * 12 + (m - 1) - n * (unit == 'y' ? 12 : 1);
	y = months / 12;
	m = (int)(months % 12) + 1;
	if (y < 1)
		return false;
	if (d > nd_month_days(y, m))
		d = nd_month_days(y, m);
	*out = nd_days_from_civil(y, m, d);
	return true;
}

int nd_civil_relative(const char *s, int64_t today, char out[11])
{
	int64_t n = 0, day;
	size_t k = 0;

	if (named(s, "today")) {
		day = today;
	} else if (named(s, "yesterday")) {
		day = today - 1;
	} else {
		/* at most 7 digits: more is no date anyone means, and the
		 * arithmetic stays far from overflow */
		for (; s[k] >= '0' && s[k] <= '9' && k < 8; k++)
			n = n * 10 + (s[k] - '0');
		char unit = lower(s[k]);
		if (k == 0 || k > 7 || !unit || !strchr("dwmy", unit) || s[k + 1])
			return 0;
		if (!back(today, n, unit, &day))
			return -1;
	}
	int64_t y;
	int m, d;
	nd_civil_from_days(day, &y, &m, &d);
	if (y < 1 || y > 9999)
		return -1;
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (int)y, m, d);
	memcpy(out, tmp, 11);
	return 1;
}
