/*
 * cmd_check.c: `newsdb check`: SQLite's integrity and foreign-key checks,
 * both full-text indexes, failed sources and sources whose files are gone.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

struct check_run {
	enum nd_format format;
	struct nd_printer *printer;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: newsdb check [OPTIONS]\n"
		"\n"
		"Checks the database: PRAGMA integrity_check and foreign_key_check, the\n"
		"FTS5 integrity-check of both search indexes (against the articles they\n"
		"index), images nothing refers to (left by older versions; 'newsdb\n"
		"optimize' removes them), sources whose import failed, and sources whose\n"
		"files are gone.\n"
		"Prints one line per problem.\n"
		"\n"
		"Options:\n"
		"  -f, --format FMT   text (default) or json\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit status: 0 no problem; 1 problems found or the database could not\n"
		"be checked; 2 usage error.\n");
}

static int report(const char *kind, const char *detail, void *ctx)
{
	struct check_run *run = ctx;
	if (run->format == ND_FORMAT_TEXT) {
		printf("%s: %s\n", kind, cli_safe(detail));
		return 0;
	}
	nd_printer_begin_map(run->printer);
	nd_printer_key(run->printer, "kind");
	nd_printer_string(run->printer, kind);
	nd_printer_key(run->printer, "detail");
	nd_printer_string(run->printer, detail);
	nd_printer_end(run->printer);
	return 0;
}

int cmd_check(struct nd_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_run run = { .format = ND_FORMAT_TEXT };
	int c, rc;
	while ((c = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((rc = cli_parse_format(cli, "check", optarg, "text, json", &run.format)))
				return rc;
			break;
		case 'h':
			usage(stdout);
			return ND_EXIT_OK;
		default:
			return cli_usage_error(cli, "check", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "check", "unexpected argument '%s'", argv[optind]);
	struct nd_store *store;
	/* the FTS5 integrity-check is an INSERT command: it needs a writer */
	if ((rc = cli_open_store(cli, ND_STORE_WRITE, &store)))
		return rc;
	if (run.format == ND_FORMAT_JSON) {
		run.printer = nd_printer_new(stdout, ND_FORMAT_JSON);
		nd_printer_begin_map(run.printer);
		nd_printer_key(run.printer, "problems");
		nd_printer_begin_list(run.printer);
	}
	struct nd_error err;
	nd_error_clear(&err);
	int64_t n = nd_store_check(store, report, &run, &err);
	nd_store_close(store);
	if (run.printer) {
		nd_printer_end(run.printer);
		nd_printer_key(run.printer, "ok");
		nd_printer_bool(run.printer, n == 0);
		nd_printer_end(run.printer);
		nd_printer_free(run.printer);
	}
	if (n < 0) {
		cli_error(cli, "%s", err.msg);
		return ND_EXIT_FAILED;
	}
	if (run.format == ND_FORMAT_TEXT && n)
		fprintf(stderr, "newsdb: %lld problems\n", (long long)n);
	else if (run.format == ND_FORMAT_TEXT)
		fprintf(stderr, "newsdb: ok: no problems\n");
	return n ? ND_EXIT_FAILED : ND_EXIT_OK;
}
