/*
 * import.h: the import's policy, in the engine: walk the roots, skip files
 * whose size and mtime match their source row (a failed one too, unless
 * retry_failed), find the vanished file a new one was moved from, hand the
 * rest to the workers (pipeline.h), record each in walk order, many files
 * per transaction, then --prune and the re-reads that a file leaving an
 * article asks for.  Into an empty database it imports in bulk: the
 * ranking tables are built once at the end instead of kept in each commit,
 * and no new file is looked up as a move (there is nothing to move from).  Never prints: what happens to each file is an event
 * for the caller (cmd_import.c turns them into lines and a progress bar).
 */
#ifndef ND_IMPORT_H
#define ND_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

struct nd_import_opts {
	const char *const *roots; /* absolute paths, walked in this order */
	int n_roots;
	int jobs;                 /* worker threads, at least 1 */
	bool prune;               /* forget sources whose files are gone */
	bool retry_failed;        /* read unchanged failed files again */
	bool count_first;         /* walk once for the total (ND_IMPORT_START) */
};

struct nd_import_counts {
	uint64_t seen, added, updated, unchanged, moved, skipped, failed, warned, same_url;
	uint64_t failed_before; /* failed earlier, unchanged since: not read */
	struct nd_prune_counts pruned;
};

enum nd_import_event_kind {
	ND_IMPORT_REJUDGED, /* count: failed and skipped files this newsdb's rules read again */
	ND_IMPORT_START,    /* count: files under the roots (0 unless count_first) */
	ND_IMPORT_FILE,     /* count: files seen before this one (the progress) */
	ND_IMPORT_WARNINGS, /* path, text: the article's warnings, "line:col: message" lines */
	ND_IMPORT_MOVED,    /* path, other: the vanished file it was moved from */
	ND_IMPORT_SAME_URL, /* path, other, url, kept_older: two files, one article */
	ND_IMPORT_SKIPPED,  /* path, text: why it is no article */
	ND_IMPORT_FAILED,   /* path, err: why (err.line 0 when no position applies) */
	ND_IMPORT_WALKED,   /* every file walked was recorded */
	ND_IMPORT_PRUNED,   /* counts->pruned, after the last commit */
	ND_IMPORT_RANKING,  /* the ranking tables are being built (a bulk import's end) */
};

struct nd_import_event {
	enum nd_import_event_kind kind;
	const char *path;
	const char *other;
	const char *url;
	const char *text;
	bool kept_older;          /* SAME_URL: the other file is newer and wins */
	bool positioned;          /* FAILED: err.line and err.col name where */
	const struct nd_error *err;
	uint64_t count;
};

typedef void (*nd_import_event_fn)(const struct nd_import_event *ev, void *ctx);

/*
 * Imports the roots into s (open for writing), counting into *counts and
 * telling on_event what happens, in walk order.  Returns ND_STORE_OK, or a
 * negative status when a store error stopped it: fatal says what, the last
 * batch is rolled back and what was committed before stays.
 */
int nd_import_run(struct nd_store *s, const struct nd_import_opts *opts,
		  nd_import_event_fn on_event, void *ctx, struct nd_import_counts *counts,
		  struct nd_error *fatal);

#endif
