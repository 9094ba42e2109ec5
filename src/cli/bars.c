/*
 * bars.c: bar charts of counts on a terminal (bars.h).
 */
#include "bars.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

#define BAR_WIDTH 50
/* a longer label (a provider's name) is not worth a narrower chart for all */
#define MAX_LABEL_WIDTH 40

/* Columns s takes on a terminal: a character each, two for the wide
 * scripts (CJK ideographs, kana, Hangul: lead bytes E3-ED, and the planes
 * F0 starts), near enough to line up the bars. */
static size_t display_width(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		n += *p >= 0xE3 && *p <= 0xF0 && *p != 0xEE && *p != 0xEF ? 2 : 1;
	}
	return n;
}

void cli_bars_print(const struct cli_bar *bars, size_t n, size_t min_width, bool color)
{
	int64_t max = 1;
	size_t width = min_width;
	for (size_t k = 0; k < n; k++) {
		if (bars[k].count > max)
			max = bars[k].count;
		size_t w = display_width(cli_safe(bars[k].label));
		if (w > width)
			width = w < MAX_LABEL_WIDTH ? w : MAX_LABEL_WIDTH;
	}
	for (size_t k = 0; k < n; k++) {
		const char *label = cli_safe(bars[k].label);
		int64_t bar = bars[k].count * BAR_WIDTH / max;
		if (bar == 0 && bars[k].count > 0)
			bar = 1;
		fputs(label, stdout);
		for (size_t w = display_width(label); w < width; w++)
			fputc(' ', stdout);
		printf("  %s", color ? "\033[36m" : "");
		for (int64_t w = 0; w < bar; w++)
			fputs("█", stdout);
		printf("%s %lld\n", color ? "\033[0m" : "", (long long)bars[k].count);
	}
}
