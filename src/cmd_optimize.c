/* cmd_optimize.c: `newsdb optimize`: rebuild and merge the search indexes,
 * ANALYZE for the query planner, VACUUM to give space back. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: newsdb optimize\n"
		"\n"
		"Removes images nothing refers to (left by older versions), rebuilds and\n"
		"merges the full-text indexes, updates the query planner's statistics\n"
		"(ANALYZE) and compacts the file (VACUUM).  Safe to run at any\n"
		"time; it waits for a running import and needs free disk space about the\n"
		"size of the database.\n"
		"\n"
		"Exit status: 0 success; 1 the database could not be optimized; 2 usage error.\n");
}

int cmd_optimize(struct nd_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return ND_EXIT_OK;
		}
		return cli_usage_error(cli, "optimize", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(cli, "optimize", "unexpected argument '%s'", argv[optind]);
	struct nd_store *store;
	if ((rc = cli_open_store(cli, ND_STORE_WRITE, &store)))
		return rc;
	struct nd_error err;
	nd_error_clear(&err);
	rc = nd_store_optimize(store, &err);
	nd_store_close(store);
	if (rc) {
		cli_error(cli, "%s", err.msg);
		return ND_EXIT_FAILED;
	}
	return ND_EXIT_OK;
}
