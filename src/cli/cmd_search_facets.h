/*
 * cmd_search_facets.h: `search --facets` and `--timeline` for the command:
 * reading their option values, and writing what nd_store_summarize()
 * counted, after the hits, in each output format.
 *
 * Shapes (documented in the README and the man page):
 *   text    after the hits, a bar chart per facet ("provider:", ...) and
 *           one of matches per period ("matches per week:")
 *   json    an object instead of the list of hits: {"matches": N,
 *           "hits": [...], "facets": {"provider": [{"value", "domain",
 *           "count"}...], "topic": [{"value", "count"}...], ...},
 *           "timeline": {"by": "week", "undated": N, "periods":
 *           [{"period", "matches"}...]}}, facets and timeline only when
 *           asked for
 *   ndjson  the hits' lines, then one line per facet value and period:
 *           {"facet": "provider"|...|"timeline", "value", "detail", "count"}
 *           (detail: a provider's domain, or the timeline's period unit)
 *   csv/tsv those rows only (a table has one header): facet,value,detail,count
 */
#ifndef ND_CMD_SEARCH_FACETS_H
#define ND_CMD_SEARCH_FACETS_H

#include <stdbool.h>

#include "cli.h"
#include "store_facets.h"

/* The facets asked for by `--facets` (NULL: the default provider, topic,
 * month) into *facets; -1 when list names something else. */
int search_facets_parse(const char *list, unsigned *facets);

/* True when the summary replaces the hits in this format (csv, tsv). */
bool search_summary_hides_hits(enum nd_format format);

/* Counts and writes the summary: on a terminal as charts, else through p
 * (json: inside the map the caller opened; ndjson, csv, tsv: as rows of
 * the list it opened).  0, or -1 with err set. */
int search_summary_print(struct nd_store *store, const struct nd_search_opts *search,
			 const struct nd_summary_opts *o, enum nd_format format,
			 struct nd_printer *p, bool color, struct nd_error *err);

#endif
