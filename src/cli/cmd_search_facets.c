/*
 * cmd_search_facets.c: `search --facets` and `--timeline` written out
 * (cmd_search_facets.h): facet lists parsed, then what the store counted
 * as charts, JSON or rows.
 */
#include "cmd_search_facets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bars.h"
#include "buf.h"

#define DEFAULT_FACETS \
	(1u << ND_FACET_PROVIDER | 1u << ND_FACET_TOPIC | 1u << ND_FACET_MONTH)

int search_facets_parse(const char *list, unsigned *facets)
{
	if (!list) {
		*facets = DEFAULT_FACETS;
		return 0;
	}
	*facets = 0;
	for (const char *p = list;; p++) {
		size_t n = strcspn(p, ",");
		enum nd_facet f = 0;
		while (f < ND_FACET_COUNT &&
		       (strlen(nd_facet_names[f]) != n || strncmp(nd_facet_names[f], p, n)))
			f++;
		if (f == ND_FACET_COUNT)
			return -1;
		*facets |= 1u << f;
		p += n;
		if (!*p)
			return 0;
	}
}

bool search_summary_hides_hits(enum nd_format format)
{
	return format == ND_FORMAT_CSV || format == ND_FORMAT_TSV;
}

/* "Reuters (reuters.com)" for a provider, the value for the rest. */
static char *facet_label(const struct nd_facet_value *v)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_adds(&b, v->value);
	if (v->detail && v->detail[0])
		nd_buf_addf(&b, " (%s)", v->detail);
	return nd_buf_detach(&b);
}

static void print_text(const struct nd_summary *sum, const struct nd_summary_opts *o, bool color)
{
	for (enum nd_facet f = 0; f < ND_FACET_COUNT; f++) {
		if (!(o->facets & 1u << f))
			continue;
		const struct nd_facet_list *l = &sum->facets[f];
		printf("%s:%s\n", nd_facet_names[f], l->n ? "" : " (none)");
		struct cli_bar *bars = nd_xcalloc(l->n ? l->n : 1, sizeof(*bars));
		for (size_t k = 0; k < l->n; k++)
			bars[k] = (struct cli_bar){ facet_label(&l->v[k]), l->v[k].count };
		cli_bars_print(bars, l->n, 7, color);
		for (size_t k = 0; k < l->n; k++)
			free((char *)bars[k].label);
		free(bars);
		printf("\n");
	}
	if (!o->timeline)
		return;
	printf("matches per %s:%s\n", nd_period_name(sum->by), sum->n_periods ? "" : " (none dated)");
	struct cli_bar *bars = nd_xcalloc(sum->n_periods ? sum->n_periods : 1, sizeof(*bars));
	for (size_t k = 0; k < sum->n_periods; k++)
		bars[k] = (struct cli_bar){ sum->periods[k].label, sum->periods[k].count };
	cli_bars_print(bars, sum->n_periods, 7, color);
	free(bars);
	if (sum->undated)
		printf("(%lld undated)\n", (long long)sum->undated);
}

static void print_json(struct nd_printer *p, const struct nd_summary *sum,
		       const struct nd_summary_opts *o)
{
	nd_printer_key(p, "matches");
	nd_printer_int(p, sum->matches);
	if (o->facets) {
		nd_printer_key(p, "facets");
		nd_printer_begin_map(p);
		for (enum nd_facet f = 0; f < ND_FACET_COUNT; f++) {
			if (!(o->facets & 1u << f))
				continue;
			nd_printer_key(p, nd_facet_names[f]);
			nd_printer_begin_list(p);
			for (size_t k = 0; k < sum->facets[f].n; k++) {
				const struct nd_facet_value *v = &sum->facets[f].v[k];
				nd_printer_begin_map(p);
				nd_printer_key(p, "value");
				nd_printer_string(p, v->value);
				if (f == ND_FACET_PROVIDER) {
					nd_printer_key(p, "domain");
					nd_printer_string(p, v->detail);
				}
				nd_printer_key(p, "count");
				nd_printer_int(p, v->count);
				nd_printer_end(p);
			}
			nd_printer_end(p);
		}
		nd_printer_end(p);
	}
	if (o->timeline) {
		nd_printer_key(p, "timeline");
		nd_printer_begin_map(p);
		nd_printer_key(p, "by");
		nd_printer_string(p, nd_period_name(sum->by));
		nd_printer_key(p, "undated");
		nd_printer_int(p, sum->undated);
		nd_printer_key(p, "periods");
		nd_printer_begin_list(p);
		for (size_t k = 0; k < sum->n_periods; k++) {
			nd_printer_begin_map(p);
			nd_printer_key(p, "period");
			nd_printer_string(p, sum->periods[k].label);
			nd_printer_key(p, "matches");
			nd_printer_int(p, sum->periods[k].count);
			nd_printer_end(p);
		}
		nd_printer_end(p);
		nd_printer_end(p);
	}
}

static void print_row(struct nd_printer *p, const char *facet, const char *value,
		      const char *detail, int64_t count)
{
	nd_printer_begin_map(p);
	nd_printer_key(p, "facet");
	nd_printer_string(p, facet);
	nd_printer_key(p, "value");
	nd_printer_string(p, value);
	nd_printer_key(p, "detail");
	nd_printer_string(p, detail);
	nd_printer_key(p, "count");
	nd_printer_int(p, count);
	nd_printer_end(p);
}

static void print_rows(struct nd_printer *p, const struct nd_summary *sum,
		       const struct nd_summary_opts *o)
{
	for (enum nd_facet f = 0; f < ND_FACET_COUNT; f++)
		for (size_t k = 0; (o->facets & 1u << f) && k < sum->facets[f].n; k++)
			print_row(p, nd_facet_names[f], sum->facets[f].v[k].value,
				  sum->facets[f].v[k].detail, sum->facets[f].v[k].count);
	for (size_t k = 0; o->timeline && k < sum->n_periods; k++)
		print_row(p, "timeline", sum->periods[k].label, nd_period_name(sum->by),
			  sum->periods[k].count);
}

int search_summary_print(struct nd_store *store, const struct nd_search_opts *search,
			 const struct nd_summary_opts *o, enum nd_format format,
			 struct nd_printer *p, bool color, struct nd_error *err)
{
	struct nd_summary sum;
	int rc = nd_store_summarize(store, search, o, &sum, err);
	if (rc == 0) {
		if (format == ND_FORMAT_TEXT)
			print_text(&sum, o, color);
		else if (format == ND_FORMAT_JSON)
			print_json(p, &sum, o);
		else
			print_rows(p, &sum, o);
	}
	nd_summary_release(&sum);
	return rc < 0 ? -1 : 0;
}
