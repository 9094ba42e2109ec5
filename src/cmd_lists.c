/*
 * cmd_lists.c: `newsdb providers` and `newsdb topics`: the two lists with
 * article counts, which differ only in what they list.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct list_kind {
	const char *command;
	const char *what;
	int (*fetch)(struct nd_store *s, enum nd_list_sort sort, int64_t limit, nd_count_fn fn,
		     void *ctx, struct nd_error *err);
	bool has_domain;
};

struct list_run {
	const struct list_kind *kind;
	enum nd_format format;
	struct nd_printer *printer;
};

static void usage(const struct list_kind *kind, FILE *out)
{
	fprintf(out,
		"usage: newsdb %s [OPTIONS]\n"
		"\n"
		"Lists %s with the number of articles that name them, most first.\n"
		"%s"
		"\n"
		"Options:\n"
		"  -s, --sort ORDER   count (default) or name\n"
		"  -n, --limit N      at most N rows (default: all)\n"
		"  -f, --format FMT   text (default), json, ndjson, csv or tsv\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit status: 0 success; 1 the database could not be read; 2 usage error.\n",
		kind->command, kind->what,
		kind->has_domain ? "A provider is its domain plus its name: one domain (youtube.com)\n"
				   "can host many providers.\n"
				 : "");
}

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

static int run_list(const struct list_kind *kind, struct nd_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "sort", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_run run = { .kind = kind, .format = ND_FORMAT_TEXT };
	enum nd_list_sort sort = ND_LIST_BY_COUNT;
	int64_t limit = 0;
	int c, rc;
	while ((c = getopt_long(argc, argv, "s:n:f:h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!strcmp(optarg, "count"))
				sort = ND_LIST_BY_COUNT;
			else if (!strcmp(optarg, "name"))
				sort = ND_LIST_BY_NAME;
			else
				return cli_usage_error(cli, kind->command,
						       "unknown sort '%s' (choose count or name)", optarg);
			break;
		case 'n':
			if ((rc = cli_parse_int(cli, kind->command, "--limit", optarg, 0, INT64_MAX,
						&limit)))
				return rc;
			break;
		case 'f':
			if ((rc = cli_parse_format(cli, kind->command, optarg,
						   "text, json, ndjson, csv, tsv", &run.format)))
				return rc;
			break;
		case 'h':
			usage(kind, stdout);
			return ND_EXIT_OK;
		default:
			return cli_usage_error(cli, kind->command, "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, kind->command, "unexpected argument '%s'", argv[optind]);
	struct nd_store *store;
	if ((rc = cli_open_store(cli, ND_STORE_READ, &store)))
		return rc;
	if (run.format != ND_FORMAT_TEXT) {
		run.printer = nd_printer_new(stdout, run.format);
		nd_printer_begin_list(run.printer);
	}
	struct nd_error err;
	nd_error_clear(&err);
	rc = kind->fetch(store, sort, limit, print_row, &run, &err);
	nd_printer_free(run.printer);
	nd_store_close(store);
	if (rc) {
		cli_error(cli, "%s", err.msg);
		return ND_EXIT_FAILED;
	}
	return ND_EXIT_OK;
}

int cmd_providers(struct nd_cli *cli, int argc, char **argv)
{
	static const struct list_kind kind = { "providers", "providers", nd_store_providers, true };
	return run_list(&kind, cli, argc, argv);
}

int cmd_topics(struct nd_cli *cli, int argc, char **argv)
{
	static const struct list_kind kind = { "topics", "topics", nd_store_topics, false };
	return run_list(&kind, cli, argc, argv);
}
