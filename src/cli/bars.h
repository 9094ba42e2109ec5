/*
 * bars.h: a bar chart of counts for text output (`stats`, `search --facets`
 * and `--timeline`): one line per label, bars scaled to the largest count.
 */
#ifndef ND_BARS_H
#define ND_BARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_bar {
	const char *label; /* from the database: escaped for the terminal here */
	int64_t count;
};

/* Prints the bars to stdout, labels padded to the widest (at least
 * min_width characters), bars in colour when color. */
void cli_bars_print(const struct cli_bar *bars, size_t n, size_t min_width, bool color);

#endif
