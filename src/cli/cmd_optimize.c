/* cmd_optimize.c: `newsdb optimize`: rebuild and merge the search indexes,
 * ANALYZE for the query planner, VACUUM to give space back. */
#include <stdio.h>

#include "cli.h"

/* `newsdb optimize --help`: this head, the options from the table, this tail */
static const char optimize_help_head[] =
	"usage: newsdb optimize\n"
	"\n"
	"Removes images nothing refers to (left by older versions), rebuilds and\n"
	"merges the full-text indexes, updates the query planner's statistics\n"
	"(ANALYZE) and compacts the file (VACUUM).  Safe to run at any\n"
	"time; it waits for a running import and needs free disk space about the\n"
	"size of the database.\n";
static const char optimize_help_tail[] =
	"\n"
	"Exit status: 0 success; 1 the database could not be optimized; 2 usage error.\n";

static int run(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct nd_error err;
	nd_error_clear(&err);
	if (nd_store_optimize(cli->store, &err)) {
		cli_error(cli, "%s", err.msg);
		return ND_EXIT_FAILED;
	}
	return ND_EXIT_OK;
}

const struct nd_command nd_cmd_optimize = {
	.name = "optimize", .db = ND_DB_WRITE,
	.summary = "merge the search index, ANALYZE and VACUUM",
	.run = run,
	.help_head = optimize_help_head, .help_tail = optimize_help_tail,
};
