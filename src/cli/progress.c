/* progress.c: the progress bar and its plain-line fallback. */
#include "progress.h"

#include <stdio.h>
#include <time.h>

#define REDRAW_NS (100LL * 1000000LL)
#define PLAIN_NS (10LL * 1000000000LL)
#define BAR_WIDTH 30

struct nd_progress *nd_progress_active;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void nd_progress_start(struct nd_progress *p, bool enabled, bool tty, const char *what,
		       uint64_t total)
{
	*p = (struct nd_progress){
		.enabled = enabled, .tty = tty, .what = what, .total = total,
		.started_ns = now_ns(),
	};
	/* a bar shows at once; plain lines only once there is a rate to tell */
	p->last_ns = tty ? p->started_ns - REDRAW_NS : p->started_ns;
	nd_progress_active = enabled ? p : NULL;
}

void nd_progress_update(struct nd_progress *p, uint64_t done)
{
	if (!p->enabled)
		return;
	int64_t now = now_ns();
	if (now - p->last_ns < (p->tty ? REDRAW_NS : PLAIN_NS))
		return;
	p->last_ns = now;
	double secs = (double)(now - p->started_ns) / 1e9;
	double rate = secs > 0 ? (double)done / secs : 0;
	if (!p->tty) {
		fprintf(stderr, "newsdb: %llu %s done (%.0f/s)\n", (unsigned long long)done, p->what,
			rate);
		return;
	}
	fputs("\r\033[K", stderr);
	if (p->total) {
		uint64_t shown = done > p->total ? p->total : done;
		int fill = (int)(shown * BAR_WIDTH / p->total);
		fputc('[', stderr);
		for (int k = 0; k < BAR_WIDTH; k++)
			fputc(k < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %llu/%llu %s  %.0f/s", (unsigned long long)done,
			(unsigned long long)p->total, p->what, rate);
		if (rate > 0 && p->total > shown) {
			long eta = (long)((double)(p->total - shown) / rate);
			fprintf(stderr, "  ETA %ld:%02ld", eta / 60, eta % 60);
		}
	} else {
		fprintf(stderr, "%llu %s  %.0f/s", (unsigned long long)done, p->what, rate);
	}
	p->shown = true;
	fflush(stderr);
}

void nd_progress_clear(struct nd_progress *p)
{
	if (p && p->shown) {
		fputs("\r\033[K", stderr);
		p->shown = false;
		p->last_ns = 0; /* redraw at the next update */
	}
}

void nd_progress_finish(struct nd_progress *p)
{
	nd_progress_clear(p);
	if (nd_progress_active == p)
		nd_progress_active = NULL;
}
