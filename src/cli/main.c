/*
 * main.c: global options, then the command: its options parsed by its
 * table, its database opened as the table says, and closed after it ran.
 * The table (commands.c) drives both dispatch and `newsdb --help`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"


static void usage(FILE *out)
{
	fprintf(out,
		"usage: newsdb [--db PATH] COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"A local news-archive indexer: imports article files with YAML front matter\n"
		"into one SQLite database and searches them.\n"
		"\n"
		"Commands:\n");
	for (size_t k = 0; nd_commands[k]; k++)
		fprintf(out, "  %-10s %s\n", nd_commands[k]->name, nd_commands[k]->summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  --db PATH    the database file (default: $NEWSDB_DB, else ./news.db)\n"
		"  -h, --help   show this help; 'newsdb COMMAND --help' for a command\n"
		"  --version    show the version\n"
		"\n"
		"Examples:\n"
		"  newsdb import ~/news\n"
		"  newsdb search 'SenseTime IPO'\n"
		"  newsdb search 'ipo provider:bloomberg.com since:2021-12' --format json\n"
		"\n"
		"Exit status: 0 success; 1 some input failed, nothing matched, the\n"
		"database could not be used, or the output could not be written; 2 usage\n"
		"error.\n"
		"Environment: NEWSDB_DB (database path), NO_COLOR (no colours).\n");
}

static bool want_color(int fd)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	if (no_color && *no_color)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fd);
}

/* The command's options, its operands, its database, then the command. */
static int run_command(struct nd_cli *cli, const struct nd_command *cmd, int argc, char **argv)
{
	int first;
	bool help;
	int rc = nd_options_parse(cli, cmd, argc, argv, &first, &help);
	if (rc != ND_EXIT_OK || help)
		return rc;
	argc -= first;
	argv += first;
	if (cmd->check)
		rc = cmd->check(cli, argc, argv);
	else if (argc > 0)
		rc = cli_usage_error(cli, cmd->name, "unexpected argument '%s'", argv[0]);
	if (rc != ND_EXIT_OK)
		return rc;
	if (cmd->db != ND_DB_NONE &&
	    (rc = cli_open_store(cli, cmd->db == ND_DB_READ ? ND_STORE_READ : ND_STORE_WRITE,
				 &cli->store)))
		return rc;
	rc = cmd->run(cli, argc, argv);
	nd_store_close(cli->store);
	cli->store = NULL;
	return rc;
}

/* Global options, then the command. */
static int dispatch(struct nd_cli *cli, int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_VERSION };
	static const struct option options[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	/* '+': stop at the command; its options are its own */
	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			cli->db_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return ND_EXIT_OK;
		case OPT_VERSION:
			printf("newsdb %s\n", ND_VERSION);
			return ND_EXIT_OK;
		default:
			return cli_usage_error(cli, NULL, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return ND_EXIT_USAGE;
	}
	const char *name = argv[optind];
	if (!strcmp(name, "help")) {
		usage(stdout);
		return ND_EXIT_OK;
	}
	for (size_t k = 0; nd_commands[k]; k++) {
		if (!strcmp(name, nd_commands[k]->name)) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind = 0; /* glibc: reinitialise getopt for the command */
			return run_command(cli, nd_commands[k], sub_argc, sub_argv);
		}
	}
	return cli_usage_error(cli, NULL, "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
	struct nd_cli cli = {
		.db_path = getenv("NEWSDB_DB"),
		.color_out = want_color(STDOUT_FILENO),
		.color_err = want_color(STDERR_FILENO),
		.err_tty = isatty(STDERR_FILENO),
	};
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "news.db";
	cli_watch_stdout();
	int rc = dispatch(&cli, argc, argv);
	/* whatever the command printed must have arrived, or it did not succeed */
	return cli_finish_stdout(&cli, rc);
}
