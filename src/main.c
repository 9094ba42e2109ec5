/*
 * main.c: global options and the command table, which drives both dispatch
 * and `newsdb --help`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"


static const struct nd_command commands[] = {
	{ "import", cmd_import, "index new and changed article files under PATHs" },
	{ "search", cmd_search, "full-text search over titles, excerpts and bodies" },
	{ "show", cmd_show, "one article with everything known about it" },
	{ "stats", cmd_stats, "counts, top providers and topics, articles per month" },
	{ "providers", cmd_providers, "providers with article counts" },
	{ "topics", cmd_topics, "topics with article counts" },
	{ "export", cmd_export, "every article back out: NDJSON or front-matter files" },
	{ "check", cmd_check, "database integrity and failed sources" },
	{ "optimize", cmd_optimize, "merge the search index, ANALYZE and VACUUM" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: newsdb [--db PATH] COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"A local news-archive indexer: imports article files with YAML front matter\n"
		"into one SQLite database and searches them.\n"
		"\n"
		"Commands:\n");
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		fprintf(out, "  %-10s %s\n", commands[k].name, commands[k].summary);
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
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (!strcmp(name, commands[k].name)) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind = 0; /* glibc: reinitialise getopt for the command */
			return commands[k].run(cli, sub_argc, sub_argv);
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
