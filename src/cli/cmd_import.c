/*
 * cmd_import.c: `newsdb import PATH...`: the command line of the import;
 * what it does is import.c's, whose events become the lines on stderr, the
 * progress bar and the summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "import.h"
#include "progress.h"

/* `newsdb import --help`: this head, the options from the table, this tail */
static const char import_help_head[] =
	"usage: newsdb import [OPTIONS] PATH...\n"
	"\n"
	"Walks each PATH (a file or a folder, recursively, in sorted order; hidden\n"
	"entries skipped) and indexes every article file: a file of any name that\n"
	"starts with YAML front matter between '---' lines.  Files already imported\n"
	"with the same size and modification time are skipped without being read.\n"
	"A broken file gets one error line with its path and line:column and is\n"
	"recorded as a failed source; the import goes on with the next file.  While\n"
	"it stays unchanged it is not read again, only counted ('newsdb check' lists\n"
	"it), unless this newsdb reads files by other rules than the one that\n"
	"failed it: then failed and skipped files are read again, once.\n";
static const char import_help_tail[] =
	"\n"
	"Exit status: 0 all files read imported (files that failed before and were\n"
	"not read again do not count); 1 some file read failed or the database\n"
	"could not be written (what was committed before stays); 2 usage error.\n";

struct import_ui {
	const struct nd_cli *cli;
	bool quiet;
	struct nd_progress progress;
};

static void print_lines(const struct nd_cli *cli, const char *path, const char *lines)
{
	const char *p = lines;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		cli_warning(cli, "%s:%.*s", path, len, p);
		p += len + (nl ? 1 : 0);
	}
}

/* What the import tells, as lines on stderr and the progress bar.  Paths
 * go into the messages as they are: cli.c escapes each whole line. */
static void on_event(const struct nd_import_event *ev, void *ctx)
{
	struct import_ui *ui = ctx;
	const struct nd_cli *cli = ui->cli;
	switch (ev->kind) {
	case ND_IMPORT_REJUDGED:
		if (!ui->quiet)
			cli_note(cli, "this newsdb reads files by other rules than the one that "
				      "imported them: %llu failed or skipped files will be read again",
				 (unsigned long long)ev->count);
		break;
	case ND_IMPORT_START:
		nd_progress_start(&ui->progress, !ui->quiet, cli->err_tty, "files", ev->count);
		break;
	case ND_IMPORT_FILE:
		nd_progress_update(&ui->progress, ev->count);
		break;
	case ND_IMPORT_WARNINGS:
		print_lines(cli, ev->path, ev->text);
		break;
	case ND_IMPORT_MOVED:
		if (!ui->quiet)
			cli_note(cli, "%s: moved from '%s'", ev->path, ev->other);
		break;
	case ND_IMPORT_SAME_URL:
		cli_warning(cli, "%s: same URL as '%s' (%s); one article, two sources, %s", ev->path,
			    ev->other, ev->url,
			    ev->kept_older ? "the other file is newer and wins"
					   : "this file is newer and wins");
		break;
	case ND_IMPORT_SKIPPED:
		if (!ui->quiet)
			cli_note(cli, "%s: skipped: %s", ev->path, ev->text);
		break;
	case ND_IMPORT_FAILED:
		if (ev->positioned)
			cli_error(cli, "%s:%d:%d: %s", ev->path, ev->err->line, ev->err->col,
				  ev->err->msg);
		else
			cli_error(cli, "%s: %s", ev->path, ev->err->msg);
		break;
	case ND_IMPORT_WALKED:
		nd_progress_finish(&ui->progress);
		break;
	case ND_IMPORT_PRUNED:
		break; /* the counts are there when the import returns */
	case ND_IMPORT_RANKING:
		/* a pause of its own after the bar: said where the bar was */
		if (!ui->quiet && cli->err_tty)
			cli_note(cli, "building the ranking tables (once, after a first import)");
		break;
	}
}

/* Absolute paths, so a later import from another folder finds the same
 * sources. */
static char *absolute_root(const char *root)
{
	char *abs = realpath(root, NULL);
	return abs ? abs : nd_xstrdup(root);
}

/* What the command line gave. */
/* --jobs; 0: not given, one fewer than the cores (at least one).  The
 * writer, which records each file in walk order, is the import's critical
 * path: a worker beside it on every core took its core from it (a cold
 * import of 20 000 files on 2 cores, ten alternating pairs: --jobs 2
 * 1.11 x the wall time of --jobs 1, docs/benchmarks.md). */
static int64_t jobs;
static bool quiet, prune, retry_failed;

static int check(struct nd_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc < 1)
		return cli_usage_error(cli, "import", "name at least one file or folder to import");
	return ND_EXIT_OK;
}

static int import(struct nd_cli *cli, int argc, char **argv)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	char **roots = nd_xcalloc((size_t)argc, sizeof(char *));
	for (int k = 0; k < argc; k++)
		roots[k] = absolute_root(argv[k]);
	const struct nd_import_opts opts = {
		.roots = (const char *const *)roots,
		.n_roots = argc,
		.jobs = jobs ? (int)jobs : cores > 1 ? (int)cores - 1 : 1,
		.prune = prune,
		.retry_failed = retry_failed,
		.count_first = cli->err_tty && !quiet,
	};
	struct import_ui ui = { .cli = cli, .quiet = quiet };
	struct nd_import_counts n;
	struct nd_error fatal;
	int rc = nd_import_run(cli->store, &opts, on_event, &ui, &n, &fatal);
	if (rc == ND_STORE_OK && prune && !quiet)
		cli_note(cli, "pruned %lld sources whose files are gone and %lld articles",
			 (long long)n.pruned.sources, (long long)n.pruned.articles);
	if (rc != ND_STORE_OK) {
		cli_error(cli, "import stopped: %s", fatal.msg);
		cli_note(cli, "files committed before this point are kept; run the same import again to finish");
	}
	for (int k = 0; k < argc; k++)
		free(roots[k]);
	free(roots);

	if (!quiet || n.failed) {
		fprintf(stderr,
			"newsdb: %llu files: %llu added, %llu updated, %llu unchanged, "
			"%llu skipped, %llu failed",
			(unsigned long long)n.seen, (unsigned long long)n.added,
			(unsigned long long)n.updated, (unsigned long long)n.unchanged,
			(unsigned long long)n.skipped, (unsigned long long)n.failed);
		if (n.failed_before)
			fprintf(stderr, ", %llu failed before and unchanged (listed by 'newsdb check';"
					" --retry-failed reads them again)",
				(unsigned long long)n.failed_before);
		if (n.moved)
			fprintf(stderr, ", %llu moved", (unsigned long long)n.moved);
		if (n.same_url)
			fprintf(stderr, " (%llu with the URL of another file)",
				(unsigned long long)n.same_url);
		fputc('\n', stderr);
	}
	/* what failed before was reported then, and 'newsdb check' still fails
	 * on it: a cron job hears of each broken file once */
	return rc != ND_STORE_OK || n.failed ? ND_EXIT_FAILED : ND_EXIT_OK;
}

static const struct nd_option options[] = {
	OPT_INT('j', "jobs", "N", &jobs, 1, 256,
		"read and parse on N threads beside the one that writes\n"
		"(default: one fewer than the cores, at least 1); the\n"
		"result is the same for any N"),
	OPT_FLAG(0, "prune", &prune,
		 "forget files that are gone, and the articles, providers,\n"
		 "topics and images only they gave (without it, nothing\n"
		 "is ever deleted)"),
	OPT_FLAG('q', "quiet", &quiet, "print only errors and warnings, no notes or summary"),
	OPT_FLAG(0, "retry-failed", &retry_failed,
		 "read again the files that failed before and are\n"
		 "unchanged since"),
	OPT_END(),
};

const struct nd_command nd_cmd_import = {
	.name = "import", .db = ND_DB_WRITE,
	.summary = "index new and changed article files under PATHs",
	.options = options, .help_column = 24, .operands = ND_COMPLETE_FILES, .check = check,
	.run = import,
	.help_head = import_help_head, .help_tail = import_help_tail,
};
