/*
 * cmd_stats.c: `newsdb stats`: what the archive holds, with a bar chart of
 * articles per month (or year, when months would not fit a screen).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bars.h"
#include "buf.h"
#include "cli.h"

#define MAX_MONTH_ROWS 36

#define STR_(x) #x
#define STR(x) STR_(x)

/* `newsdb stats --help`: this head, the options from the table, this tail */
static const char stats_help_head[] =
	"usage: newsdb stats [OPTIONS]\n"
	"\n"
	"Counts of articles (archived from files, and known only from other\n"
	"articles' related links), providers, topics, images, related links and\n"
	"sources (failed, skipped), the date range, and a bar chart of archived\n"
	"articles per month (per year when there are more than " STR(MAX_MONTH_ROWS) " months).\n";
static const char stats_help_tail[] =
	"\nExit status: 0 success; 1 the database could not be read; 2 usage error.\n";

struct period {
	char label[8];
	int64_t count;
};

struct periods {
	struct period *items;
	size_t n, cap;
};

static int add_period(const char *label, const char *detail, int64_t count, void *ctx)
{
	(void)detail;
	struct periods *ps = ctx;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 32;
		ps->items = nd_xrealloc(ps->items, ps->cap * sizeof(*ps->items));
	}
	snprintf(ps->items[ps->n].label, sizeof(ps->items[ps->n].label), "%s", label ? label : "");
	ps->items[ps->n++].count = count;
	return 0;
}

static void print_text(const struct nd_stats *st, const struct periods *ps, bool by_year,
		       bool color)
{
	printf("articles       %lld (%lld archived, %lld known only from links)\n",
	       (long long)st->articles, (long long)st->archived,
	       (long long)(st->articles - st->archived));
	printf("providers      %lld\n", (long long)st->providers);
	printf("topics         %lld\n", (long long)st->topics);
	printf("images         %lld\n", (long long)st->images);
	printf("related links  %lld\n", (long long)st->related_links);
	printf("sources        %lld (%lld failed, %lld skipped)\n", (long long)st->sources,
	       (long long)st->failed, (long long)st->skipped);
	if (st->first_date[0])
		printf("published      %.10s .. %.10s\n", cli_safe(st->first_date),
		       cli_safe(st->last_date));
	if (!ps->n)
		return;
	printf("\narchived articles per %s:\n", by_year ? "year" : "month");
	struct cli_bar *bars = nd_xcalloc(ps->n, sizeof(*bars));
	for (size_t k = 0; k < ps->n; k++)
		bars[k] = (struct cli_bar){ ps->items[k].label, ps->items[k].count };
	cli_bars_print(bars, ps->n, 7, color);
	free(bars);
}

static void print_json(const struct nd_stats *st, const struct periods *ps, bool by_year)
{
	struct nd_printer *p = nd_printer_new(stdout, ND_FORMAT_JSON);
	nd_printer_begin_map(p);
	const struct {
		const char *key;
		int64_t value;
	} counts[] = {
		{ "articles", st->articles }, { "archived", st->archived },
		{ "link_only", st->articles - st->archived }, { "providers", st->providers },
		{ "topics", st->topics }, { "images", st->images },
		{ "related_links", st->related_links }, { "sources", st->sources },
		{ "failed_sources", st->failed }, { "skipped_sources", st->skipped },
	};
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		nd_printer_key(p, counts[k].key);
		nd_printer_int(p, counts[k].value);
	}
	nd_printer_key(p, "first_published");
	nd_printer_string(p, st->first_date[0] ? st->first_date : NULL);
	nd_printer_key(p, "last_published");
	nd_printer_string(p, st->last_date[0] ? st->last_date : NULL);
	nd_printer_key(p, by_year ? "per_year" : "per_month");
	nd_printer_begin_list(p);
	for (size_t k = 0; k < ps->n; k++) {
		nd_printer_begin_map(p);
		nd_printer_key(p, "period");
		nd_printer_string(p, ps->items[k].label);
		nd_printer_key(p, "articles");
		nd_printer_int(p, ps->items[k].count);
		nd_printer_end(p);
	}
	nd_printer_end(p);
	nd_printer_end(p);
	nd_printer_free(p);
}

static int by = -1; /* --by: -1 whichever fits, 0 month, 1 year */

static int run(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct nd_store *store = cli->store;
	int rc;
	struct nd_stats st;
	struct periods ps = { 0 };
	struct nd_error err;
	nd_error_clear(&err);
	rc = nd_store_stats(store, &st, &err);
	if (!rc)
		rc = nd_store_per_period(store, by == 1, add_period, &ps, &err);
	if (!rc && by == -1 && ps.n > MAX_MONTH_ROWS) {
		ps.n = 0;
		by = 1;
		rc = nd_store_per_period(store, true, add_period, &ps, &err);
	}
	if (rc) {
		free(ps.items);
		cli_error(cli, "%s", err.msg);
		return ND_EXIT_FAILED;
	}
	if (cli->format == ND_FORMAT_JSON)
		print_json(&st, &ps, by == 1);
	else
		print_text(&st, &ps, by == 1, cli->color_out);
	free(ps.items);
	return ND_EXIT_OK;
}

static const char *const periods[] = { "month", "year", NULL };

static const struct nd_option options[] = {
	OPT_CHOICE(0, "by", "PERIOD", &by, periods, "period",
		   "month or year (default: whichever fits)"),
	OPT_FORMAT(),
	OPT_END(),
};

const struct nd_command nd_cmd_stats = {
	.name = "stats", .db = ND_DB_READ, .formats = "text, json",
	.summary = "counts, top providers and topics, articles per month",
	.options = options, .help_column = 21, .run = run,
	.help_head = stats_help_head, .help_tail = stats_help_tail,
};
