/*
 * import.c: the import's policy (import.h): walk -> unchanged? -> read,
 * parse, normalize on the workers -> record in walk order, many files per
 * transaction and one savepoint each; then prune and re-read.  What happens
 * to each file goes to the caller's event callback.
 */
#include "import.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "pipeline.h"
#include "rules.h"
#include "walk.h"

#define BATCH_FILES 2000
/* a bulk import commits less often: each commit writes the word index's
 * new rows as a segment that later ones are merged with */
#define BULK_BATCH_FILES 10000
/* ring slots per worker (up to twice as many files in flight, see
 * nd_pipeline_new): enough to keep workers busy while the writer commits,
 * few enough to bound memory */
#define PIPELINE_DEPTH_PER_JOB 16
#define BATCH_NS (2LL * 1000000000LL)
#define BULK_BATCH_NS (10LL * 1000000000LL)

struct import_run {
	struct nd_store *store;
	const struct nd_import_opts *opts;
	nd_import_event_fn on_event;
	void *ctx;
	struct nd_import_counts *n;
	struct nd_pipeline *pipeline;
	bool cold;          /* the database was empty: a bulk import */
	uint64_t in_batch;
	int64_t batch_started;
	int fatal;          /* a store error that stops the import: its status */
	struct nd_error *fatal_err;
	/* files to read again after the walk: each now gives an article that
	 * still holds the values of a file that left it (store.h) */
	char **rereads;
	size_t n_rereads, cap_rereads;
	bool rereading;
};

static void emit(struct import_run *run, struct nd_import_event ev)
{
	run->on_event(&ev, run->ctx);
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Ends the current transaction and starts the next. */
static int next_batch(struct import_run *run)
{
	int rc = nd_store_commit(run->store, run->fatal_err);
	if (rc == ND_STORE_OK)
		rc = nd_store_begin(run->store, run->fatal_err);
	if (rc != ND_STORE_OK) {
		run->fatal = rc;
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

/* One more file in the transaction: the next one starts when it is full. */
static int batch_count(struct import_run *run)
{
	if (++run->in_batch >= (run->cold ? BULK_BATCH_FILES : BATCH_FILES) ||
	    now_ns() - run->batch_started > (run->cold ? BULK_BATCH_NS : BATCH_NS))
		return next_batch(run);
	return 0;
}

static int record(struct import_run *run, const struct nd_file_result *f,
		  struct nd_put_outcome *out)
{
	struct nd_error err;
	nd_error_clear(&err);
	int rc = nd_store_put_file(run->store, f, out, &err);
	if (rc != ND_STORE_OK) {
		run->fatal = rc;
		nd_error_set(run->fatal_err, 0, 0, "while recording '%s': %s", f->path, err.msg);
		return -1;
	}
	if (out->reread_path[0])
		add_reread(out->reread_path, run);
	return batch_count(run);
}

/* The first earlier source of this content or URL whose file is gone. */
static int find_vanished(const char *path, void *ctx)
{
	char **vanished = ctx;
	if (!nd_walk_gone(path))
		return 0;
	*vanished = nd_xstrdup(path);
	return 1;
}

/* A file with the bytes its source recorded (touched: a new mtime only):
 * nothing to store again but the mtime.  1 when it was that (and counted),
 * 0 when not, -1 on a fatal error. */
static int touched_only(struct import_run *run, struct nd_file_result *f,
			const struct nd_prepared *item)
{
	bool same = false;
	int rc;
	if (!item->same_size || run->rereading || !f->hash)
		return 0;
	if ((rc = nd_store_source_same(run->store, f->path, f->size, f->hash, f->mtime_ns, &same,
				       run->fatal_err)) != ND_STORE_OK) {
		run->fatal = rc;
		return -1;
	}
	if (!same)
		return 0;
	run->n->unchanged++;
	return batch_count(run) ? -1 : 1;
}

/* Records a file whose front matter became an article. */
static int store_article(struct import_run *run, struct nd_file_result *f,
			 struct nd_prepared *item)
{
	struct nd_article *a = &item->article;
	struct nd_put_outcome out;
	int rc;
	f->status = ND_FILE_OK;
	f->article = a;
	f->message = a->warnings.len ? a->warnings.data : NULL;
	if (a->warnings.len) {
		emit(run, (struct nd_import_event){ .kind = ND_IMPORT_WARNINGS, .path = f->path,
						    .text = a->warnings.data });
		run->n->warned++;
	}
	char *vanished = NULL;
	/* into an empty database every earlier source is one of this run's
	 * files, just walked: none is gone */
	if (item->is_new && !run->cold && (rc = nd_store_source_candidates(run->store, f->hash, a->url,
							     find_vanished, &vanished,
							     run->fatal_err)) != ND_STORE_OK) {
		run->fatal = rc;
		return -1;
	}
	f->replaces = vanished;
	rc = record(run, f, &out);
	if (rc == 0 && out.moved) {
		run->n->moved++;
		emit(run, (struct nd_import_event){ .kind = ND_IMPORT_MOVED, .path = f->path,
						    .other = vanished });
	} else if (rc == 0 && !run->rereading) {
		run->n->added += out.added;
		run->n->updated += out.updated;
		if (out.other_path[0]) {
			run->n->same_url++;
			emit(run, (struct nd_import_event){ .kind = ND_IMPORT_SAME_URL,
							    .path = f->path,
							    .other = out.other_path,
							    .url = a->url,
							    .kept_older = out.kept_older });
		}
	}
	free(vanished);
	return rc;
}

/* Records a file that gives no article: skipped with why (text), or failed
 * (err, positioned when it names a line and column). */
static int store_failure(struct import_run *run, struct nd_file_result *f, const char *text,
			 const struct nd_error *err, bool positioned)
{
	struct nd_put_outcome out;
	char message[ND_ERROR_MSG_MAX + 32];
	if (!err) {
		emit(run, (struct nd_import_event){ .kind = ND_IMPORT_SKIPPED, .path = f->path,
						    .text = text });
		run->n->skipped++;
	} else {
		emit(run, (struct nd_import_event){ .kind = ND_IMPORT_FAILED, .path = f->path,
						    .err = err, .positioned = positioned });
		run->n->failed++;
	}
	/* the source row keeps the message as the error line shows it */
	if (err && positioned)
		snprintf(message, sizeof(message), "%d:%d: %s", err->line, err->col, err->msg);
	else
		snprintf(message, sizeof(message), "%s", err ? err->msg : text);
	f->status = err ? ND_FILE_FAILED : ND_FILE_SKIPPED;
	f->message = message;
	return record(run, f, &out);
}

/* The writer's half: what the workers prepared goes into the database, in
 * walk order. */
static int retire(struct import_run *run, struct nd_prepared *item)
{
	struct nd_file_result f = {
		.path = item->path, .size = item->size, .mtime_ns = item->mtime_ns,
		.hash = item->hash[0] ? item->hash : NULL,
	};
	struct nd_error err;
	nd_error_clear(&err);
	int rc = 0;
	if (item->outcome == ND_PREP_ARTICLE || item->outcome == ND_PREP_SAME) {
		int touched = touched_only(run, &f, item);
		if (touched) {
			nd_prepared_free(item);
			return touched < 0 ? -1 : 0;
		}
	}
	/* the hash its source recorded, but not a source to leave alone now
	 * (its article gone, say): read in full after all */
	if (item->outcome == ND_PREP_SAME) {
		item->known_hash[0] = '\0';
		nd_prepared_run(item);
	}
	switch (item->outcome) {
	case ND_PREP_ARTICLE:
		rc = store_article(run, &f, item);
		break;
	case ND_PREP_NOT_ARTICLE:
		rc = store_failure(run, &f, "no front matter (not an article file)", NULL, false);
		break;
	case ND_PREP_READ_ERROR:
		nd_error_set(&err, 0, 0, "cannot read: %s",
			     item->read_errno == EFBIG ? "file is larger than 64 MiB"
						       : strerror(item->read_errno));
		rc = store_failure(run, &f, NULL, &err, false);
		break;
	case ND_PREP_ERROR:
		rc = store_failure(run, &f, NULL, &item->err, true);
		break;
	default:
		nd_error_set(&err, 0, 0, "%s", item->note);
		rc = store_failure(run, &f, NULL, &err, false);
		break;
	}
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
	emit(run, (struct nd_import_event){ .kind = ND_IMPORT_FILE, .count = run->n->seen++ });
	struct nd_source_state prev;
	int rc = nd_store_source_get(run->store, e->path, &prev, run->fatal_err);
	if (rc != ND_STORE_OK) {
		run->fatal = rc;
		return 1;
	}
	if (prev.found && prev.size == e->size && prev.mtime_ns == e->mtime_ns) {
		/* the same bytes would fail the same way (rules_update marks them
		 * when the rules change): counted, not read, not reported again */
		if (!prev.failed) {
			run->n->unchanged++;
			return 0;
		}
		if (!run->opts->retry_failed) {
			run->n->failed_before++;
			return 0;
		}
	}
	struct nd_prepared *item = nd_prepared_new(e->path, e->size, e->mtime_ns);
	item->is_new = !prev.found;
	item->same_size = prev.found && !prev.failed && prev.size == e->size;
	/* a source marked to be read again (mtime_ns -1) is not left alone */
	if (item->same_size && prev.mtime_ns >= 0)
		memcpy(item->known_hash, prev.hash, sizeof(item->known_hash));
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
	run->n->seen++;
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

int nd_import_run(struct nd_store *s, const struct nd_import_opts *opts,
		  nd_import_event_fn on_event, void *ctx, struct nd_import_counts *counts,
		  struct nd_error *fatal)
{
	assert(s && opts && opts->jobs >= 1 && on_event && counts && fatal);
	*counts = (struct nd_import_counts){ 0 };
	nd_error_clear(fatal);
	struct import_run run = {
		.store = s, .opts = opts, .on_event = on_event, .ctx = ctx, .n = counts,
		.fatal_err = fatal,
	};
	int64_t rejudged;
	int rc = nd_store_begin(s, fatal);
	if (rc == ND_STORE_OK)
		rc = nd_store_rules_update(s, ND_RULES_VERSION, &rejudged, fatal);
	if (rc == ND_STORE_OK)
		rc = nd_store_is_empty(s, &run.cold, fatal);
	if (rc == ND_STORE_OK && run.cold)
		rc = nd_store_bulk_begin(s, fatal);
	if (rc != ND_STORE_OK) {
		nd_store_rollback(s);
		return rc;
	}
	if (rejudged > 0)
		emit(&run, (struct nd_import_event){ .kind = ND_IMPORT_REJUDGED,
						     .count = (uint64_t)rejudged });
	run.batch_started = now_ns();
	/* a total for the progress bar: counting first is cheap (names only) */
	uint64_t total = 0;
	if (opts->count_first)
		nd_walk(opts->roots, opts->n_roots, count_file, ignore_problem, &total);
	emit(&run, (struct nd_import_event){ .kind = ND_IMPORT_START, .count = total });
	run.pipeline = nd_pipeline_new(opts->jobs, PIPELINE_DEPTH_PER_JOB * opts->jobs);
	nd_walk(opts->roots, opts->n_roots, import_file, walk_problem, &run);
	drain(&run);
	emit(&run, (struct nd_import_event){ .kind = ND_IMPORT_WALKED });
	if (!run.fatal && opts->prune &&
	    (rc = nd_store_prune(s, &counts->pruned, add_reread, &run, fatal)) != ND_STORE_OK)
		run.fatal = rc;
	reread_pass(&run);
	nd_pipeline_free(run.pipeline);
	if (!run.fatal && (rc = nd_store_commit(s, fatal)) != ND_STORE_OK)
		run.fatal = rc;
	if (run.fatal) {
		nd_store_rollback(s);
		return run.fatal;
	}
	if (opts->prune)
		emit(&run, (struct nd_import_event){ .kind = ND_IMPORT_PRUNED });
	/* a bulk import's indexes, ranking tables and facet blocks, or tables
	 * an earlier run (or an upgrade) left pending */
	bool pending;
	if ((rc = nd_store_search_tables_pending(s, &pending, fatal)) || (!pending && !run.cold))
		return rc;
	emit(&run, (struct nd_import_event){ .kind = ND_IMPORT_RANKING });
	return nd_store_bulk_finish(s, fatal);
}
