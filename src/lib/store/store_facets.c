/*
 * store_facets.c: a search's facets and timeline (store_facets.h).  Every
 * match is counted once, with its provider, day, type and topics read from
 * the facet blocks (store_blocks.c: one row per 64 ids, where the tables
 * take a seek per match and per topic list), or while those are pending,
 * from one statement that yields each match once per topic; the counting is
 * done here, in arrays indexed by id, month and day, so all facets and the
 * timeline come from that single pass, and names are looked up only for
 * the values shown.
 */
#include "store_facets.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "civil.h"
#include "store_blocks.h"

const char *const nd_facet_names[ND_FACET_COUNT] = {
	[ND_FACET_PROVIDER] = "provider", [ND_FACET_TOPIC] = "topic", [ND_FACET_MONTH] = "month",
	[ND_FACET_YEAR] = "year", [ND_FACET_TYPE] = "type",
};

/* Counts by a whole number (an id, a month, a day) in one array from the
 * lowest key seen to the highest: ids and dates of a search's matches are
 * dense enough that this beats any hash. */
struct tally {
	int64_t base;
	int64_t *v;
	size_t n;
};

static void tally_add(struct tally *t, int64_t key, int64_t by)
{
	if (!t->n) {
		t->n = 64;
		t->base = key;
		t->v = nd_xcalloc(t->n, sizeof(*t->v));
	} else if (key < t->base || key >= t->base + (int64_t)t->n) {
		int64_t lo = key < t->base ? key : t->base;
		int64_t hi = key >= t->base + (int64_t)t->n ? key + 1 : t->base + (int64_t)t->n;
		size_t n = t->n * 2 > (size_t)(hi - lo) ? t->n * 2 : (size_t)(hi - lo);
		/* grown towards the side the new key is on */
		if (key < t->base)
			lo = hi - (int64_t)n;
		int64_t *v = nd_xcalloc(n, sizeof(*v));
		memcpy(v + (t->base - lo), t->v, t->n * sizeof(*v));
		free(t->v);
		t->v = v;
		t->n = n;
		t->base = lo;
	}
	t->v[key - t->base] += by;
}

struct named_count {
	char *name;
	int64_t count;
};

/* What one pass adds up. */
struct counts {
	struct tally by_id[2]; /* providers, topics */
	struct tally months, years, days;
	struct named_count *types;
	size_t n_types;
};

static void count_type(struct counts *c, const char *type)
{
	for (size_t k = 0; k < c->n_types; k++) {
		if (!strcmp(c->types[k].name, type)) {
			c->types[k].count++;
			return;
		}
	}
	c->types = nd_xrealloc(c->types, (c->n_types + 1) * sizeof(*c->types));
	c->types[c->n_types++] = (struct named_count){ nd_xstrdup(type), 1 };
}

/* A dated match, by its day (days since 1970-01-01): months and years are
 * added up from the days' tally at the end (summary_periods), not per
 * match. */
static void count_day(struct counts *c, int64_t day)
{
	tally_add(&c->days, day, 1);
}

/* The months' and years' tallies from the days'. */
static void summary_periods(struct counts *c, const struct nd_summary_opts *o)
{
	for (size_t k = 0; k < c->days.n; k++) {
		if (!c->days.v[k])
			continue;
		int64_t y;
		int m, d;
		nd_civil_from_days(c->days.base + (int64_t)k, &y, &m, &d);
		if (o->facets & 1u << ND_FACET_MONTH)
			tally_add(&c->months, y * 12 + m - 1, c->days.v[k]);
		if (o->facets & 1u << ND_FACET_YEAR)
			tally_add(&c->years, y, c->days.v[k]);
	}
}

/* A candidate for a facet's top values. */
struct cand {
	int64_t key;
	int64_t count;
	char *value, *detail;
};

static int by_count(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

static int by_count_then_name(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	int c = strcmp(a->value, b->value);
	if (c)
		return c;
	return strcmp(a->detail ? a->detail : "", b->detail ? b->detail : "");
}

/* The value and detail a facet shows for a key, malloc'd. */
static int label(struct nd_store *s, enum nd_facet f, int64_t key, struct cand *c,
		 struct nd_error *err)
{
	char tmp[11];
	if (f == ND_FACET_MONTH || f == ND_FACET_YEAR) {
		nd_period_label(key, f == ND_FACET_MONTH ? ND_PERIOD_MONTH : ND_PERIOD_YEAR, tmp);
		c->value = nd_xstrdup(tmp);
		return ND_STORE_OK;
	}
	sqlite3_stmt *st = store_stmt(s, f == ND_FACET_PROVIDER ? ST_READ_PROVIDER : ST_FACET_TOPIC_NAME,
				      err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->value = nd_xstrdup((const char *)sqlite3_column_text(st, 0));
		if (f == ND_FACET_PROVIDER)
			c->detail = nd_xstrdup((const char *)sqlite3_column_text(st, 1));
		rc = SQLITE_DONE;
	} else if (rc == SQLITE_DONE) {
		c->value = nd_xstrdup("");
	}
	return store_finish(s, st, rc, err, "cannot count the matches");
}

/* The facet's top values from candidates cs[0..n) (their keys and counts):
 * everything tied with the last one kept is named, then ordered by name,
 * so which of equal counts are shown does not depend on ids. */
static int top(struct nd_store *s, enum nd_facet f, struct cand *cs, size_t n, int64_t limit,
	       struct nd_facet_list *out, struct nd_error *err)
{
	int rc = ND_STORE_OK;
	qsort(cs, n, sizeof(*cs), by_count);
	size_t keep = limit > 0 && (size_t)limit < n ? (size_t)limit : n, named = keep;
	while (named < n && keep > 0 && cs[named].count == cs[keep - 1].count)
		named++;
	for (size_t k = 0; k < named && rc == ND_STORE_OK; k++)
		if (!cs[k].value)
			rc = label(s, f, cs[k].key, &cs[k], err);
	if (rc == ND_STORE_OK) {
		qsort(cs, named, sizeof(*cs), by_count_then_name);
		out->v = nd_xcalloc(keep ? keep : 1, sizeof(*out->v));
		for (size_t k = 0; k < keep; k++) {
			out->v[k] = (struct nd_facet_value){ cs[k].value, cs[k].detail, cs[k].count };
			cs[k].value = cs[k].detail = NULL;
		}
		out->n = keep;
	}
	for (size_t k = 0; k < n; k++) {
		free(cs[k].value);
		free(cs[k].detail);
	}
	return rc;
}

static int top_of_tally(struct nd_store *s, enum nd_facet f, const struct tally *t, int64_t limit,
			struct nd_facet_list *out, struct nd_error *err)
{
	struct cand *cs = nd_xcalloc(t->n ? t->n : 1, sizeof(*cs));
	size_t n = 0;
	for (size_t k = 0; k < t->n; k++)
		if (t->v[k])
			cs[n++] = (struct cand){ .key = t->base + (int64_t)k, .count = t->v[k] };
	int rc = top(s, f, cs, n, limit, out, err);
	free(cs);
	return rc;
}

static int top_of_types(struct nd_store *s, struct counts *c, int64_t limit,
			struct nd_facet_list *out, struct nd_error *err)
{
	struct cand *cs = nd_xcalloc(c->n_types ? c->n_types : 1, sizeof(*cs));
	for (size_t k = 0; k < c->n_types; k++) {
		cs[k] = (struct cand){ .key = (int64_t)k, .count = c->types[k].count,
				       .value = c->types[k].name };
		c->types[k].name = NULL;
	}
	int rc = top(s, ND_FACET_TYPE, cs, c->n_types, limit, out, err);
	free(cs);
	return rc;
}

/* Counts a match from the tables' columns (its first row of topics). */
static void count_match(struct counts *c, const struct nd_summary_opts *o, sqlite3_stmt *st,
			struct nd_summary *out)
{
	out->matches++;
	if ((o->facets & 1u << ND_FACET_PROVIDER) && sqlite3_column_type(st, 1) != SQLITE_NULL)
		tally_add(&c->by_id[0], sqlite3_column_int64(st, 1), 1);
	int64_t day;
	if (store_day_of((const char *)sqlite3_column_text(st, 2), &day))
		count_day(c, day);
	else
		out->undated++;
	const char *type = (const char *)sqlite3_column_text(st, 3);
	if (type)
		count_type(c, type);
}

/* Runs the statement of every match and counts each as o asks: what a
 * search does while the facet blocks are pending. */
static int count_from_tables(struct nd_store *s, const struct nd_search_opts *search,
			     const struct nd_summary_opts *o, struct counts *c,
			     struct nd_summary *out, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, search->query->match ? ST_FACET_MATCH : ST_FACET_FILTER, err);
	if (!st)
		return ND_STORE_ERROR;
	store_bind_query(s, st, search);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":with_type"),
			 (o->facets & 1u << ND_FACET_TYPE) != 0);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":with_topics"),
			 (o->facets & 1u << ND_FACET_TOPIC) != 0);
	int64_t last = 0;
	bool first = true;
	int rc;
	/* a match's rows (one per topic) come together: the matches are the
	 * outer loop and article_topics is read by its key (article_id, ...) */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (first || id != last)
			count_match(c, o, st, out);
		first = false;
		last = id;
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			tally_add(&c->by_id[1], sqlite3_column_int64(st, 4), 1);
	}
	return store_finish(s, st, rc, err, "cannot count the matches");
}

struct block_count {
	struct counts *c;
	const struct nd_summary_opts *o;
	struct nd_summary *out;
};

/* Counts a match from its facet block row. */
static void count_block_row(int64_t id, const struct store_block *b,
			    const struct store_block_row *row, void *ctx)
{
	(void)id;
	struct block_count *bc = ctx;
	struct counts *c = bc->c;
	const struct nd_summary_opts *o = bc->o;
	bc->out->matches++;
	if ((o->facets & 1u << ND_FACET_PROVIDER) && row->provider)
		tally_add(&c->by_id[0], row->provider, 1);
	if (row->dated)
		count_day(c, row->day);
	else
		bc->out->undated++;
	if ((o->facets & 1u << ND_FACET_TYPE) && row->type >= 0)
		count_type(c, b->view.types[row->type]);
	if (o->facets & 1u << ND_FACET_TOPIC)
		for (uint32_t k = 0; k < row->n_topics; k++)
			tally_add(&c->by_id[1], b->topics[k], 1);
}

/* Every match counted, from the facet blocks when they are built (one row
 * read per 64 ids), else from the tables. */
static int count_all(struct nd_store *s, const struct nd_search_opts *search,
		     const struct nd_summary_opts *o, struct counts *c, struct nd_summary *out,
		     struct nd_error *err)
{
	bool ready;
	int rc = store_blocks_state(s, &ready, err);
	if (rc)
		return rc;
	if (!ready)
		return count_from_tables(s, search, o, c, out, err);
	struct block_count bc = { c, o, out };
	return store_blocks_each_match(s, search, count_block_row, &bc, err);
}

int nd_store_summarize(struct nd_store *s, const struct nd_search_opts *search,
		       const struct nd_summary_opts *o, struct nd_summary *out,
		       struct nd_error *err)
{
	struct counts c = { 0 };
	*out = (struct nd_summary){ .by = o->by };
	int rc = count_all(s, search, o, &c, out, err);
	summary_periods(&c, o);
	const struct tally *tallies[] = {
		[ND_FACET_PROVIDER] = &c.by_id[0], [ND_FACET_TOPIC] = &c.by_id[1],
		[ND_FACET_MONTH] = &c.months, [ND_FACET_YEAR] = &c.years,
	};
	for (enum nd_facet f = 0; f < ND_FACET_COUNT && rc == ND_STORE_OK; f++) {
		if (!(o->facets & 1u << f))
			continue;
		if (f == ND_FACET_TYPE)
			rc = top_of_types(s, &c, o->facet_limit, &out->facets[f], err);
		else
			rc = top_of_tally(s, f, tallies[f], o->facet_limit, &out->facets[f], err);
	}
	if (rc == ND_STORE_OK && o->timeline) {
		/* the days' tally from the first dated match to the last */
		size_t lo = 0, hi = c.days.n;
		while (lo < hi && !c.days.v[lo])
			lo++;
		while (hi > lo && !c.days.v[hi - 1])
			hi--;
		out->n_periods = nd_timeline_build(c.days.v + lo, c.days.base + (int64_t)lo, hi - lo,
						   o->by, &out->by, &out->periods);
	}
	for (size_t k = 0; k < 2; k++)
		free(c.by_id[k].v);
	free(c.months.v);
	free(c.years.v);
	free(c.days.v);
	for (size_t k = 0; k < c.n_types; k++)
		free(c.types[k].name);
	free(c.types);
	return rc;
}

void nd_summary_release(struct nd_summary *sum)
{
	for (size_t f = 0; f < ND_FACET_COUNT; f++) {
		for (size_t k = 0; k < sum->facets[f].n; k++) {
			free(sum->facets[f].v[k].value);
			free(sum->facets[f].v[k].detail);
		}
		free(sum->facets[f].v);
	}
	free(sum->periods);
	*sum = (struct nd_summary){ .matches = 0 };
}
