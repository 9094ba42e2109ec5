/*
 * cmd_check.c: `newsdb check`: SQLite's integrity and foreign-key checks,
 * both full-text indexes, failed sources and sources whose files are gone.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* `newsdb check --help`: this head, the options from the table, this tail */
static const char check_help_head[] =
	"usage: newsdb check [OPTIONS]\n"
	"\n"
	"Checks the database: PRAGMA integrity_check and foreign_key_check, the\n"
	"FTS5 integrity-check of both search indexes (against the articles they\n"
	"index), images nothing refers to (left by older versions; 'newsdb\n"
	"optimize' removes them), sources whose import failed, and sources whose\n"
	"files are gone.\n"
	"Prints one line per problem.\n";
static const char check_help_tail[] =
	"\n"
	"Exit status: 0 no problem; 1 problems found or the database could not\n"
	"be checked; 2 usage error.\n";

struct check_run {
	enum nd_format format;
	struct nd_printer *printer;
};

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

static int run(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct check_run run = { .format = cli->format };
	if (run.format == ND_FORMAT_JSON) {
		run.printer = nd_printer_new(stdout, ND_FORMAT_JSON);
		nd_printer_begin_map(run.printer);
		nd_printer_key(run.printer, "problems");
		nd_printer_begin_list(run.printer);
	}
	struct nd_error err;
	nd_error_clear(&err);
	int64_t n = nd_store_check(cli->store, report, &run, &err);
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

const struct nd_command nd_cmd_check = {
	/* the FTS5 integrity-check is an INSERT command: it needs a writer */
	.name = "check", .db = ND_DB_WRITE, .formats = "text, json",
	.summary = "database integrity and failed sources",
	.options = nd_format_only, .help_column = 21, .run = run,
	.help_head = check_help_head, .help_tail = check_help_tail,
};
