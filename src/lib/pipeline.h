/*
 * pipeline.h: the parallel part of an import: read -> hash -> parse ->
 * normalize, done by worker threads on files queued in walk order and handed
 * back in that same order, so the single writer stores them exactly as a
 * one-thread import would (same ids, same messages) whatever the number of
 * workers.  The queue is bounded, so memory is too.  Never prints.
 */
#ifndef ND_PIPELINE_H
#define ND_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "article.h"
#include "error.h"

#define ND_MAX_FILE_BYTES (64u << 20)

enum nd_prep_outcome {
	ND_PREP_ARTICLE,     /* article is filled */
	ND_PREP_NOT_ARTICLE, /* no front matter */
	ND_PREP_READ_ERROR,  /* read_errno says why (EFBIG: over ND_MAX_FILE_BYTES) */
	ND_PREP_ERROR,       /* broken front matter or article: err */
	ND_PREP_PASS,        /* not for the workers: the caller set it (e.g. a walk problem) */
	ND_PREP_SAME,        /* the bytes hash to known_hash: not parsed */
};

/* One file.  The caller allocates it (nd_prepared_new), fills the input
 * fields, pushes it, and gets it back from nd_pipeline_pop with the
 * outputs filled; then frees it with nd_prepared_free. */
struct nd_prepared {
	/* input */
	char *path;
	uint64_t size;
	int64_t mtime_ns;
	bool is_new;            /* no source row yet: may be a moved file */
	bool same_size;         /* an 'ok' source row of this size: maybe the same bytes */
	char known_hash[17];    /* that row's hash: the same bytes need no parse */
	char *note;             /* ND_PREP_PASS: the caller's message */
	/* output */
	enum nd_prep_outcome outcome;
	int read_errno;
	char hash[17];
	struct nd_error err;
	struct nd_article article;
	/* private */
	bool done;
};

struct nd_prepared *nd_prepared_new(const char *path, uint64_t size, int64_t mtime_ns);
/* Prepares the item on the calling thread, as a worker does. */
void nd_prepared_run(struct nd_prepared *item);
void nd_prepared_free(struct nd_prepared *item); /* accepts NULL */

struct nd_pipeline;

/* Starts `jobs` worker threads (at least 1) with a ring of `depth` files.
 * A pop takes every finished file at the ring's head out at once and hands
 * them out one by one, so up to twice `depth` files are in flight. */
struct nd_pipeline *nd_pipeline_new(int jobs, int depth);

/* True when the ring has no room before a pop takes files out of it. */
bool nd_pipeline_full(const struct nd_pipeline *p);

/* Queues an item (which must have room: see nd_pipeline_full). */
void nd_pipeline_push(struct nd_pipeline *p, struct nd_prepared *item);

/* The oldest item, once its work is done (waits for it); NULL when nothing
 * is queued. */
struct nd_prepared *nd_pipeline_pop(struct nd_pipeline *p);

/* Stops the workers; items still queued are freed. Accepts NULL. */
void nd_pipeline_free(struct nd_pipeline *p);

#endif
