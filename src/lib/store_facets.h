/*
 * store_facets.h: what every match of a search adds up to, for `search
 * --facets` and `--timeline`: counts per provider, topic, month, year and
 * type (the largest first), and matches per period.  Counted over every
 * match of the query and its filters, not the page, in one pass over the
 * matches (store_facets.c).
 */
#ifndef ND_STORE_FACETS_H
#define ND_STORE_FACETS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "timeline.h"

enum nd_facet { ND_FACET_PROVIDER, ND_FACET_TOPIC, ND_FACET_MONTH, ND_FACET_YEAR, ND_FACET_TYPE,
		ND_FACET_COUNT };

/* "provider", "topic", "month", "year", "type". */
extern const char *const nd_facet_names[ND_FACET_COUNT];

/* One value of a facet: a provider (value its name, detail its domain), a
 * topic's name, a month "YYYY-MM", a year "YYYY", a type; detail is NULL
 * but for providers. */
struct nd_facet_value {
	char *value;
	char *detail;
	int64_t count;
};

struct nd_facet_list {
	struct nd_facet_value *v;
	size_t n;
};

struct nd_summary_opts {
	unsigned facets;     /* bits 1u << enum nd_facet */
	int64_t facet_limit; /* values kept per facet; <= 0: all */
	bool timeline;
	enum nd_period by;   /* ND_PERIOD_AUTO: chosen by the span */
};

struct nd_summary {
	int64_t matches;
	/* each asked for facet: its values by count, largest first (ties by
	 * value, then detail); a match without the value (no provider, no
	 * date, no type, no topic) is not counted in it */
	struct nd_facet_list facets[ND_FACET_COUNT];
	/* --timeline: every period from the first dated match's to the last's */
	enum nd_period by;
	struct nd_period_count *periods;
	size_t n_periods;
	int64_t undated; /* matches without a date, in no period */
};

/* Counts what o asks for over every match of the search (its query and
 * filters; page, sort and --dedupe do not matter).  0 or a negative status
 * with err set; release *out either way. */
int nd_store_summarize(struct nd_store *s, const struct nd_search_opts *search,
		       const struct nd_summary_opts *o, struct nd_summary *out,
		       struct nd_error *err);
void nd_summary_release(struct nd_summary *sum);

#endif
