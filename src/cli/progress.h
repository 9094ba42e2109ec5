/*
 * progress.h: progress of long work on stderr: a redrawn bar (done/total,
 * rate, ETA) when stderr is a terminal, a plain line every few seconds when
 * it is not, nothing when quiet.  Messages printed through cli.c clear the
 * bar first so lines never mix.
 */
#ifndef ND_PROGRESS_H
#define ND_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct nd_progress {
	bool enabled;
	bool tty;
	bool shown;        /* a bar is on the screen */
	const char *what;  /* "files" */
	uint64_t total;    /* 0 when unknown */
	int64_t started_ns, last_ns;
};

void nd_progress_start(struct nd_progress *p, bool enabled, bool tty, const char *what,
		       uint64_t total);
void nd_progress_update(struct nd_progress *p, uint64_t done);
void nd_progress_clear(struct nd_progress *p); /* before printing a message */
void nd_progress_finish(struct nd_progress *p);

/* The progress display that cli.c messages clear, or NULL. */
extern struct nd_progress *nd_progress_active;

#endif
