/*
 * cmd_import.c: `newsdb import PATH...`: walk -> read -> parse -> normalize
 * -> store, file by file, many files per transaction, one savepoint each.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "progress.h"
#include "walk.h"

#define MAX_FILE_BYTES (64u << 20)
#define BATCH_FILES 2000
#define BATCH_NS (2LL * 1000000000LL)

struct import_counts {
	uint64_t seen, added, updated, unchanged, moved, skipped, failed, warned, same_url;
};

struct import_run {
	struct nd_cli *cli;
	struct nd_store *store;
	bool quiet;
	bool prune;
	struct import_counts n;
	struct nd_progress progress;
	uint64_t in_batch;
	int64_t batch_started;
	int fatal;          /* a store error that stops the import: its status */
	struct nd_error fatal_err;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: newsdb import [OPTIONS] PATH...\n"
		"\n"
		"Walks each PATH (a file or a folder, recursively, in sorted order; hidden\n"
		"entries skipped) and indexes every article file: a file of any name that\n"
		"starts with YAML front matter between '---' lines.  Files already imported\n"
		"with the same size and modification time are skipped without being read.\n"
		"A broken file gets one error line with its path and line:column and is\n"
		"recorded as a failed source; the import goes on with the next file.\n"
		"\n"
		"Options:\n"
		"      --prune           forget files that are gone, and the articles, providers,\n"
		"                        topics and images only they gave (without it, nothing\n"
		"                        is ever deleted)\n"
		"  -q, --quiet           print only errors and warnings, no notes or summary\n"
		"  -h, --help            show this help\n"
		"\n"
		"Exit status: 0 all files imported; 1 some file failed or the database\n"
		"could not be written (what was committed before stays); 2 usage error.\n");
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Reads a whole file; returns 0, or an errno value (EFBIG when too large). */
static int read_file(const char *path, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISREG(st.st_mode) ? errno : EINVAL;
		close(fd);
		return e;
	}
	if ((uint64_t)st.st_size > MAX_FILE_BYTES) {
		close(fd);
		return EFBIG;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = nd_xmalloc(cap);
	for (;;) {
		if (n == cap - 1) {
			/* the file grew while we read it: read on, within the limit */
			if (cap > MAX_FILE_BYTES) {
				free(buf);
				close(fd);
				return EFBIG;
			}
			cap *= 2;
			buf = nd_xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
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

static int import_article(struct import_run *run, struct nd_file_result *f, const char *shown,
			  const struct nd_frontmatter *fm, bool is_new)
{
	struct nd_article a;
	struct nd_error err;
	nd_error_clear(&err);
	struct nd_put_outcome out;
	int rc;
	if (nd_article_from_frontmatter(&a, fm, &err) != 0) {
		char msg[ND_ERROR_MSG_MAX + 32];
		snprintf(msg, sizeof(msg), "%d:%d: %s", err.line, err.col, err.msg);
		cli_error(run->cli, "%s:%s", shown, msg);
		f->status = ND_FILE_FAILED;
		f->message = msg;
		run->n.failed++;
		rc = record(run, f, &out);
		nd_article_release(&a);
		return rc;
	}
	f->status = ND_FILE_OK;
	f->article = &a;
	f->message = a.warnings.len ? a.warnings.data : NULL;
	if (a.warnings.len) {
		print_lines(run->cli, shown, a.warnings.data);
		run->n.warned++;
	}
	char *vanished = NULL;
	if (is_new && nd_store_source_candidates(run->store, f->hash, a.url, find_vanished,
						 &vanished, &err) != ND_STORE_OK) {
		run->fatal = ND_EXIT_FAILED;
		run->fatal_err = err;
		nd_article_release(&a);
		return -1;
	}
	f->replaces = vanished;
	rc = record(run, f, &out);
	if (rc == 0 && out.moved) {
		run->n.moved++;
		if (!run->quiet) {
			char *old = cli_printable(vanished);
			cli_note(run->cli, "%s: moved from '%s'", shown, old);
			free(old);
		}
	} else if (rc == 0) {
		run->n.added += out.added;
		run->n.updated += out.updated;
		if (out.other_path[0]) {
			run->n.same_url++;
			char *other = cli_printable(out.other_path);
			cli_warning(run->cli, "%s: same URL as '%s' (%s); one article, two sources, %s",
				    shown, other, a.url,
				    out.kept_older ? "the other file is newer and wins"
						   : "this file is newer and wins");
			free(other);
		}
	}
	free(vanished);
	nd_article_release(&a);
	return rc;
}

static int import_file(const struct nd_walk_entry *e, void *ctx)
{
	struct import_run *run = ctx;
	nd_progress_update(&run->progress, run->n.seen++);
	struct nd_source_state prev;
	struct nd_error err;
	nd_error_clear(&err);
	if (nd_store_source_get(run->store, e->path, &prev, &err) != ND_STORE_OK) {
		run->fatal = ND_EXIT_FAILED;
		run->fatal_err = err;
		return 1;
	}
	if (prev.found && !prev.failed && prev.size == e->size && prev.mtime_ns == e->mtime_ns) {
		run->n.unchanged++;
		return 0;
	}
	char *shown = cli_printable(e->path);
	struct nd_file_result f = { .path = e->path, .size = e->size, .mtime_ns = e->mtime_ns };
	struct nd_put_outcome out;
	char msg[ND_ERROR_MSG_MAX + 64];
	char hash[17];
	char *data;
	size_t len;
	int rc, e_read = read_file(e->path, &data, &len);
	if (e_read) {
		snprintf(msg, sizeof(msg), "cannot read: %s",
			 e_read == EFBIG ? "file is larger than 64 MiB" : strerror(e_read));
		cli_error(run->cli, "%s: %s", shown, msg);
		f.status = ND_FILE_FAILED;
		f.message = msg;
		run->n.failed++;
		rc = record(run, &f, &out);
		free(shown);
		return rc;
	}
	nd_hash_hex(nd_hash64(data, len), hash);
	f.hash = hash;
	f.size = len;
	struct nd_frontmatter fm;
	switch (nd_frontmatter_parse(data, len, &fm, &err)) {
	case ND_FM_NOT_ARTICLE:
		if (!run->quiet)
			cli_note(run->cli, "%s: skipped: no front matter (not an article file)", shown);
		f.status = ND_FILE_SKIPPED;
		f.message = "no front matter";
		run->n.skipped++;
		rc = record(run, &f, &out);
		break;
	case ND_FM_ERROR:
		snprintf(msg, sizeof(msg), "%d:%d: %s", err.line, err.col, err.msg);
		cli_error(run->cli, "%s:%s", shown, msg);
		f.status = ND_FILE_FAILED;
		f.message = msg;
		run->n.failed++;
		rc = record(run, &f, &out);
		break;
	default:
		rc = import_article(run, &f, shown, &fm, !prev.found);
		nd_frontmatter_release(&fm);
		break;
	}
	free(data);
	free(shown);
	return rc;
}

static void walk_problem(const char *path, int errnum, const char *what, void *ctx)
{
	struct import_run *run = ctx;
	if (run->fatal)
		return;
	char *shown = cli_printable(path);
	char msg[512];
	if (errnum)
		snprintf(msg, sizeof(msg), "%s: %s", what, strerror(errnum));
	else
		snprintf(msg, sizeof(msg), "%s", what);
	cli_error(run->cli, "%s: %s", shown, msg);
	free(shown);
	run->n.seen++;
	run->n.failed++;
	struct nd_file_result f = {
		.path = path, .status = ND_FILE_FAILED, .message = msg,
	};
	struct nd_put_outcome out;
	record(run, &f, &out);
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

int cmd_import(struct nd_cli *cli, int argc, char **argv)
{
	enum { OPT_PRUNE = 256 };
	static const struct option options[] = {
		{ "prune", no_argument, NULL, OPT_PRUNE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_run run = { .cli = cli };
	int c;
	while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
		switch (c) {
		case 'q':
			run.quiet = true;
			break;
		case OPT_PRUNE:
			run.prune = true;
			break;
		case 'h':
			usage(stdout);
			return ND_EXIT_OK;
		default:
			return cli_usage_error(cli, "import", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "import", "name at least one file or folder to import");
	int rc = cli_open_store(cli, ND_STORE_WRITE, &run.store);
	if (rc)
		return rc;
	int n_roots = argc - optind;
	char **roots = nd_xcalloc((size_t)n_roots, sizeof(char *));
	for (int k = 0; k < n_roots; k++)
		roots[k] = absolute_root(argv[optind + k]);

	nd_error_clear(&run.fatal_err);
	if (nd_store_begin(run.store, &run.fatal_err) != ND_STORE_OK) {
		run.fatal = ND_EXIT_FAILED;
	} else {
		run.batch_started = now_ns();
		/* a terminal gets a bar with a total: count first (cheap: names only) */
		uint64_t total = 0;
		if (cli->err_tty && !run.quiet)
			nd_walk((const char *const *)roots, n_roots, count_file, ignore_problem, &total);
		nd_progress_start(&run.progress, !run.quiet, cli->err_tty, "files", total);
		nd_walk((const char *const *)roots, n_roots, import_file, walk_problem, &run);
		nd_progress_finish(&run.progress);
		struct nd_prune_counts pruned = { 0, 0 };
		if (!run.fatal && run.prune &&
		    nd_store_prune(run.store, &pruned, &run.fatal_err) != ND_STORE_OK)
			run.fatal = ND_EXIT_FAILED;
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
	nd_store_close(run.store);

	if (!run.quiet || run.n.failed) {
		fprintf(stderr,
			"newsdb: %llu files: %llu added, %llu updated, %llu unchanged, "
			"%llu skipped, %llu failed",
			(unsigned long long)run.n.seen, (unsigned long long)run.n.added,
			(unsigned long long)run.n.updated, (unsigned long long)run.n.unchanged,
			(unsigned long long)run.n.skipped, (unsigned long long)run.n.failed);
		if (run.n.moved)
			fprintf(stderr, ", %llu moved", (unsigned long long)run.n.moved);
		if (run.n.same_url)
			fprintf(stderr, " (%llu with the URL of another file)",
				(unsigned long long)run.n.same_url);
		fputc('\n', stderr);
	}
	return run.fatal || run.n.failed ? ND_EXIT_FAILED : ND_EXIT_OK;
}
