/*
 * cmd_import.c: `newsdb import PATH...`: walk -> read -> parse -> normalize
 * -> store, file by file, many files per transaction, one savepoint each.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "buf.h"
#include "cli.h"
#include "frontmatter.h"
#include "hash.h"
#include "pipeline.h"
#include "progress.h"
#include "rules.h"
#include "walk.h"

#define BATCH_FILES 2000
/* files in flight per worker: enough to keep workers busy while the
 * writer commits, few enough to bound memory */
#define PIPELINE_DEPTH_PER_JOB 16
#define BATCH_NS (2LL * 1000000000LL)

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

struct import_counts {
	uint64_t seen, added, updated, unchanged, moved, skipped, failed, warned, same_url;
	uint64_t failed_before; /* failed earlier, unchanged since: not read */
};

struct import_run {
	struct nd_cli *cli;
	struct nd_store *store;
	bool quiet;
	bool prune;
	bool retry_failed;
	struct import_counts n;
	struct nd_progress progress;
	struct nd_pipeline *pipeline;
	int jobs;
	uint64_t in_batch;
	int64_t batch_started;
	int fatal;          /* a store error that stops the import: its status */
	/* files to read again after the walk: each now gives an article that
	 * still holds the values of a file that left it (store.h) */
	char **rereads;
	size_t n_rereads, cap_rereads;
	bool rereading;
	struct nd_error fatal_err;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Ends the current transaction and starts the next. */
static int next_batch(struct import_run *run)
{
	if (nd_store_commit(run->store, &run->fatal_err) != ND_STORE_OK ||
	    nd_store_begin(run->store, &run->fatal_err) != ND_STORE_OK) {
		run->fatal = ND_EXIT_FAILED;
		return -1;
	}
	run->in_batch = 0;
	run->batch_started = now_ns();
	return 0;
}

static int add_reread(const char *path, void *ctx)
{
	struct import_run *run = ctx;
	if (run->n_rereads == run->cap_rereads) {
		run->cap_rereads = run->cap_rereads ? 2 * run->cap_rereads : 8;
		run->rereads = nd_xrealloc(run->rereads, run->cap_rereads * sizeof(char *));
	}
	run->rereads[run->n_rereads++] = nd_xstrdup(path);
	return 0;
}

static int record(struct import_run *run, const struct nd_file_result *f,
		  struct nd_put_outcome *out)
{
	struct nd_error err;
	nd_error_clear(&err);
	int rc = nd_store_put_file(run->store, f, out, &err);
	if (rc != ND_STORE_OK) {
		run->fatal = ND_EXIT_FAILED;
		char *p = cli_printable(f->path);
		nd_error_set(&run->fatal_err, 0, 0, "while recording '%s': %s", p, err.msg);
		free(p);
		return -1;
	}
	if (out->reread_path[0])
		add_reread(out->reread_path, run);
	if (++run->in_batch >= BATCH_FILES || now_ns() - run->batch_started > BATCH_NS)
		return next_batch(run);
	return 0;
}

static void print_lines(const struct nd_cli *cli, const char *shown, const char *lines)
{
	const char *p = lines;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		cli_warning(cli, "%s:%.*s", shown, len, p);
		p += len + (nl ? 1 : 0);
	}
}

/* The first earlier source of this content or URL whose file is gone. */
static int find_vanished(const char *path, void *ctx)
{
	char **vanished = ctx;
	struct stat st;
	if (lstat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
		return 0;
	*vanished = nd_xstrdup(path);
	return 1;
}

/* Records a file whose front matter became an article. */
static int store_article(struct import_run *run, struct nd_file_result *f, const char *shown,
			 struct nd_prepared *item)
{
	struct nd_article *a = &item->article;
	struct nd_error err;
	nd_error_clear(&err);
	struct nd_put_outcome out;
	f->status = ND_FILE_OK;
	f->article = a;
	f->message = a->warnings.len ? a->warnings.data : NULL;
	if (a->warnings.len) {
		print_lines(run->cli, shown, a->warnings.data);
		run->n.warned++;
	}
	char *vanished = NULL;
	if (item->is_new && nd_store_source_candidates(run->store, f->hash, a->url, find_vanished,
						       &vanished, &err) != ND_STORE_OK) {
		run->fatal = ND_EXIT_FAILED;
		run->fatal_err = err;
		return -1;
	}
	f->replaces = vanished;
	int rc = record(run, f, &out);
	if (rc == 0 && out.moved) {
		run->n.moved++;
		if (!run->quiet) {
			char *old = cli_printable(vanished);
			cli_note(run->cli, "%s: moved from '%s'", shown, old);
			free(old);
		}
	} else if (rc == 0 && !run->rereading) {
		run->n.added += out.added;
		run->n.updated += out.updated;
		if (out.other_path[0]) {
			run->n.same_url++;
			char *other = cli_printable(out.other_path);
			cli_warning(run->cli, "%s: same URL as '%s' (%s); one article, two sources, %s",
				    shown, other, a->url,
				    out.kept_older ? "the other file is newer and wins"
						   : "this file is newer and wins");
			free(other);
		}
	}
	free(vanished);
	return rc;
}

/* Records a file that gives no article: failed or skipped, with why. */
static int store_failure(struct import_run *run, struct nd_file_result *f, const char *shown,
			 bool skipped, const char *message)
{
	struct nd_put_outcome out;
	if (skipped) {
		if (!run->quiet)
			cli_note(run->cli, "%s: skipped: %s", shown, message);
		run->n.skipped++;
	} else {
		cli_error(run->cli, "%s:%s%s", shown, message[0] >= '0' && message[0] <= '9' ? "" : " ",
			  message);
		run->n.failed++;
	}
	f->status = skipped ? ND_FILE_SKIPPED : ND_FILE_FAILED;
	f->message = message;
	return record(run, f, &out);
}

/* The writer's half: what the workers prepared goes into the database, in
 * walk order. */
static int retire(struct import_run *run, struct nd_prepared *item)
{
	char *shown = cli_printable(item->path);
	struct nd_file_result f = {
		.path = item->path, .size = item->size, .mtime_ns = item->mtime_ns,
		.hash = item->hash[0] ? item->hash : NULL,
	};
	char msg[ND_ERROR_MSG_MAX + 64];
	int rc;
	switch (item->outcome) {
	case ND_PREP_ARTICLE:
		rc = store_article(run, &f, shown, item);
		break;
	case ND_PREP_NOT_ARTICLE:
		rc = store_failure(run, &f, shown, true, "no front matter (not an article file)");
		break;
	case ND_PREP_READ_ERROR:
		snprintf(msg, sizeof(msg), "cannot read: %s",
			 item->read_errno == EFBIG ? "file is larger than 64 MiB"
						   : strerror(item->read_errno));
		rc = store_failure(run, &f, shown, false, msg);
		break;
	case ND_PREP_ERROR:
		snprintf(msg, sizeof(msg), "%d:%d: %s", item->err.line, item->err.col, item->err.msg);
		rc = store_failure(run, &f, shown, false, msg);
		break;
	default:
		rc = store_failure(run, &f, shown, false, item->note);
		break;
	}
	free(shown);
	nd_prepared_free(item);
	return rc;
}

/* Hands a file to the workers, first storing the oldest prepared one when
 * the queue is full. */
static int submit(struct import_run *run, struct nd_prepared *item)
{
	while (nd_pipeline_full(run->pipeline))
		if (retire(run, nd_pipeline_pop(run->pipeline)) != 0) {
			nd_prepared_free(item);
			return -1;
		}
	nd_pipeline_push(run->pipeline, item);
	return 0;
}

/* Stores everything still in the pipeline. */
static void drain(struct import_run *run)
{
	struct nd_prepared *item;
	while (!run->fatal && (item = nd_pipeline_pop(run->pipeline)))
		retire(run, item);
}

/* Reads again the files named while importing (add_reread); they are not
 * counted again.  One pass: re-reading a file never moves its article. */
static void reread_pass(struct import_run *run)
{
	run->rereading = true;
	for (size_t k = 0; k < run->n_rereads && !run->fatal; k++) {
		struct stat st;
		/* a file gone meanwhile is --prune's business */
		if (lstat(run->rereads[k], &st) == 0 && S_ISREG(st.st_mode))
			submit(run, nd_prepared_new(run->rereads[k], (uint64_t)st.st_size,
						    (int64_t)st.st_mtim.tv_sec * 1000000000LL +
							    st.st_mtim.tv_nsec));
	}
	drain(run);
	for (size_t k = 0; k < run->n_rereads; k++)
		free(run->rereads[k]);
	free(run->rereads);
	run->rereads = NULL;
	run->n_rereads = 0;
}

static int import_file(const struct nd_walk_entry *e, void *ctx)
{
	struct import_run *run = ctx;
	if (run->fatal)
		return 1;
	nd_progress_update(&run->progress, run->n.seen++);
	struct nd_source_state prev;
	struct nd_error err;
	nd_error_clear(&err);
	if (nd_store_source_get(run->store, e->path, &prev, &err) != ND_STORE_OK) {
		run->fatal = ND_EXIT_FAILED;
		run->fatal_err = err;
		return 1;
	}
	if (prev.found && prev.size == e->size && prev.mtime_ns == e->mtime_ns) {
		/* the same bytes would fail the same way (rules_update marks them
		 * when the rules change): counted, not read, not reported again */
		if (!prev.failed) {
			run->n.unchanged++;
			return 0;
		}
		if (!run->retry_failed) {
			run->n.failed_before++;
			return 0;
		}
	}
	struct nd_prepared *item = nd_prepared_new(e->path, e->size, e->mtime_ns);
	item->is_new = !prev.found;
	return submit(run, item) ? 1 : 0;
}

static void walk_problem(const char *path, int errnum, const char *what, void *ctx)
{
	struct import_run *run = ctx;
	if (run->fatal)
		return;
	struct nd_buf msg = ND_BUF_INIT;
	nd_buf_adds(&msg, what);
	if (errnum)
		nd_buf_addf(&msg, ": %s", strerror(errnum));
	run->n.seen++;
	/* in the queue like any file, so messages and rows keep walk order */
	struct nd_prepared *item = nd_prepared_new(path, 0, 0);
	item->outcome = ND_PREP_PASS;
	item->note = nd_buf_detach(&msg);
	submit(run, item);
}

static int count_file(const struct nd_walk_entry *e, void *ctx)
{
	(void)e;
	(*(uint64_t *)ctx)++;
	return 0;
}

static void ignore_problem(const char *path, int errnum, const char *what, void *ctx)
{
	(void)path, (void)errnum, (void)what, (void)ctx;
}

/* Absolute paths, so a later import from another folder finds the same
 * sources. */
static char *absolute_root(const char *root)
{
	char *abs = realpath(root, NULL);
	return abs ? abs : nd_xstrdup(root);
}

/* What the command line gave. */
static int64_t jobs; /* --jobs; 0: not given, the number of cores */
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
	struct import_run run = {
		.cli = cli,
		.store = cli->store,
		.jobs = jobs ? (int)jobs : cores > 0 ? (int)cores : 1,
		.quiet = quiet,
		.prune = prune,
		.retry_failed = retry_failed,
	};
	int n_roots = argc;
	char **roots = nd_xcalloc((size_t)n_roots, sizeof(char *));
	for (int k = 0; k < n_roots; k++)
		roots[k] = absolute_root(argv[k]);

	nd_error_clear(&run.fatal_err);
	int64_t rejudged;
	if (nd_store_begin(run.store, &run.fatal_err) != ND_STORE_OK ||
	    nd_store_rules_update(run.store, ND_RULES_VERSION, &rejudged, &run.fatal_err) !=
		    ND_STORE_OK) {
		run.fatal = ND_EXIT_FAILED;
	} else {
		if (rejudged > 0 && !run.quiet)
			cli_note(cli, "this newsdb reads files by other rules than the one that "
				      "imported them: %lld failed or skipped files will be read again",
				 (long long)rejudged);
		run.batch_started = now_ns();
		/* a terminal gets a bar with a total: count first (cheap: names only) */
		uint64_t total = 0;
		if (cli->err_tty && !run.quiet)
			nd_walk((const char *const *)roots, n_roots, count_file, ignore_problem, &total);
		nd_progress_start(&run.progress, !run.quiet, cli->err_tty, "files", total);
		run.pipeline = nd_pipeline_new(run.jobs, PIPELINE_DEPTH_PER_JOB * run.jobs);
		nd_walk((const char *const *)roots, n_roots, import_file, walk_problem, &run);
		drain(&run);
		nd_progress_finish(&run.progress);
		struct nd_prune_counts pruned = { 0, 0 };
		if (!run.fatal && run.prune &&
		    nd_store_prune(run.store, &pruned, add_reread, &run, &run.fatal_err) != ND_STORE_OK)
			run.fatal = ND_EXIT_FAILED;
		reread_pass(&run);
		nd_pipeline_free(run.pipeline);
		if (!run.fatal && nd_store_commit(run.store, &run.fatal_err) != ND_STORE_OK)
			run.fatal = ND_EXIT_FAILED;
		if (!run.fatal && run.prune && !run.quiet)
			cli_note(cli, "pruned %lld sources whose files are gone and %lld articles",
				 (long long)pruned.sources, (long long)pruned.articles);
	}
	if (run.fatal) {
		nd_store_rollback(run.store);
		cli_error(cli, "import stopped: %s", run.fatal_err.msg);
		cli_note(cli, "files committed before this point are kept; run the same import again to finish");
	}
	for (int k = 0; k < n_roots; k++)
		free(roots[k]);
	free(roots);

	if (!run.quiet || run.n.failed) {
		fprintf(stderr,
			"newsdb: %llu files: %llu added, %llu updated, %llu unchanged, "
			"%llu skipped, %llu failed",
			(unsigned long long)run.n.seen, (unsigned long long)run.n.added,
			(unsigned long long)run.n.updated, (unsigned long long)run.n.unchanged,
			(unsigned long long)run.n.skipped, (unsigned long long)run.n.failed);
		if (run.n.failed_before)
			fprintf(stderr, ", %llu failed before and unchanged (listed by 'newsdb check';"
					" --retry-failed reads them again)",
				(unsigned long long)run.n.failed_before);
		if (run.n.moved)
			fprintf(stderr, ", %llu moved", (unsigned long long)run.n.moved);
		if (run.n.same_url)
			fprintf(stderr, " (%llu with the URL of another file)",
				(unsigned long long)run.n.same_url);
		fputc('\n', stderr);
	}
	/* what failed before was reported then, and 'newsdb check' still fails
	 * on it: a cron job hears of each broken file once */
	return run.fatal || run.n.failed ? ND_EXIT_FAILED : ND_EXIT_OK;
}

static const struct nd_option options[] = {
	OPT_INT('j', "jobs", "N", &jobs, 1, 256,
		"read and parse on N threads (default: the number of\n"
		"cores); the result is the same for any N"),
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
