/*
 * cmd_lists.c: `newsdb providers` and `newsdb topics`: the two lists with
 * article counts, which differ only in what they list.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* `newsdb providers --help` and `newsdb topics --help`: the options block
 * between head and tail comes from the table */
static const char providers_help_head[] =
	"usage: newsdb providers [OPTIONS]\n"
	"\n"
	"Lists providers with the number of articles that name them, most first.\n"
	"A provider is its domain plus its name: one domain (youtube.com)\n"
	"can host many providers.\n";
static const char topics_help_head[] =
	"usage: newsdb topics [OPTIONS]\n"
	"\n"
	"Lists topics with the number of articles that name them, most first.\n";
static const char lists_help_tail[] =
	"\nExit status: 0 success; 1 the database could not be read; 2 usage error.\n";

struct list_kind {
	int (*fetch)(struct nd_store *s, enum nd_list_sort sort, int64_t limit, nd_count_fn fn,
		     void *ctx, struct nd_error *err);
	bool has_domain;
};

struct list_run {
	const struct list_kind *kind;
	enum nd_format format;
	struct nd_printer *printer;
};

static int print_row(const char *label, const char *detail, int64_t count, void *ctx)
{
	struct list_run *run = ctx;
	if (run->format == ND_FORMAT_TEXT) {
		if (run->kind->has_domain)
			printf("%8lld  %s (%s)\n", (long long)count, cli_safe(label), cli_safe(detail));
		else
			printf("%8lld  %s\n", (long long)count, cli_safe(label));
		return 0;
	}
	struct nd_printer *p = run->printer;
	nd_printer_begin_map(p);
	nd_printer_key(p, "name");
	nd_printer_string(p, label);
	if (run->kind->has_domain) {
		nd_printer_key(p, "domain");
		nd_printer_string(p, detail);
	}
	nd_printer_key(p, "articles");
	nd_printer_int(p, count);
	nd_printer_end(p);
	return 0;
}

static int sort = ND_LIST_BY_COUNT; /* --sort: the index of its choice */
static int64_t limit = 0;           /* --limit: 0 for all */

static int run_list(const struct list_kind *kind, struct nd_cli *cli)
{
	struct list_run run = { .kind = kind, .format = cli->format };
	if (run.format != ND_FORMAT_TEXT) {
		run.printer = nd_printer_new(stdout, run.format);
		nd_printer_begin_list(run.printer);
	}
	struct nd_error err;
	nd_error_clear(&err);
	int rc = kind->fetch(cli->store, (enum nd_list_sort)sort, limit, print_row, &run, &err);
	nd_printer_free(run.printer);
	if (rc) {
		cli_error(cli, "%s", err.msg);
		return ND_EXIT_FAILED;
	}
	return ND_EXIT_OK;
}

static int run_providers(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static const struct list_kind kind = { nd_store_providers, true };
	return run_list(&kind, cli);
}

static int run_topics(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static const struct list_kind kind = { nd_store_topics, false };
	return run_list(&kind, cli);
}

/* in the order of enum nd_list_sort */
static const char *const sorts[] = { "count", "name", NULL };

static const struct nd_option options[] = {
	OPT_CHOICE('s', "sort", "ORDER", &sort, sorts, "sort", "count (default) or name"),
	OPT_INT('n', "limit", "N", &limit, 0, INT64_MAX, "at most N rows (default: all)"),
	OPT_FORMAT(),
	OPT_END(),
};

const struct nd_command nd_cmd_providers = {
	.name = "providers", .db = ND_DB_READ, .formats = "text, json, ndjson, csv, tsv",
	.summary = "providers with article counts",
	.options = options, .help_column = 21, .run = run_providers,
	.help_head = providers_help_head, .help_tail = lists_help_tail,
};

const struct nd_command nd_cmd_topics = {
	.name = "topics", .db = ND_DB_READ, .formats = "text, json, ndjson, csv, tsv",
	.summary = "topics with article counts",
	.options = options, .help_column = 21, .run = run_topics,
	.help_head = topics_help_head, .help_tail = lists_help_tail,
};
