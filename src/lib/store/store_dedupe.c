/*
 * store_dedupe.c: ranked `search --dedupe` (syndicated copies collapsed):
 * each group of matches with the same copy key (copykey.h) shows its best
 * match, in the order of those, with the group's size.
 *
 * Computing the key of every match (what the one-statement form in
 * store_sql.c does) is most of the time of a common query.  Instead every
 * match's 32-bit key hash comes from the facet blocks, the ranked matches
 * come best first from store_ranked_ids (a common word's list, or scoring
 * every match), and only the keys that could tie two matches are computed:
 * a match whose hash no other match has is a group of one; otherwise its
 * key is compared with those of the groups shown before, and a new group's
 * size is counted over the matches of its hash by their keys, so that two
 * keys of one hash never merge.  When the best matches asked for hold too
 * few groups, four times as many are asked for.
 */
#include "store_blocks.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct member {
	int64_t id;
	uint32_t hash;
};

struct members {
	struct member *v;
	size_t n, cap;
	bool unsorted; /* not in id order (the statements give that order) */
};

static void collect(int64_t id, const struct store_block *b, const struct store_block_row *row,
		    void *ctx)
{
	(void)b;
	struct members *m = ctx;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 1024;
		m->v = nd_xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	if (m->n && m->v[m->n - 1].id >= id)
		m->unsorted = true;
	m->v[m->n++] = (struct member){ id, row->hash };
}

static int by_id(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* How many members have each hash: open addressing over the nonzero
 * hashes, at most half full (sorting the members by hash took half the
 * time of a search). */
struct hash_counts {
	uint32_t *hash;
	uint32_t *count;
	size_t mask;
};

static size_t slot_of(const struct hash_counts *t, uint32_t h)
{
	size_t k = (h * 2654435761u) & t->mask;
	while (t->hash[k] && t->hash[k] != h)
		k = (k + 1) & t->mask;
	return k;
}

static void count_hashes(const struct members *m, struct hash_counts *t)
{
	size_t size = 64;
	while (size < 2 * m->n)
		size *= 2;
	t->mask = size - 1;
	t->hash = nd_xcalloc(size, sizeof(*t->hash));
	t->count = nd_xcalloc(size, sizeof(*t->count));
	for (size_t k = 0; k < m->n; k++) {
		if (!m->v[k].hash)
			continue;
		size_t at = slot_of(t, m->v[k].hash);
		t->hash[at] = m->v[k].hash;
		t->count[at]++;
	}
}

static uint32_t hash_count(const struct hash_counts *t, uint32_t h)
{
	return h ? t->count[slot_of(t, h)] : 0;
}

/* The members of one hash, for a group's size: a scan of all of them for
 * the first few groups (a page's worth), then a copy sorted by hash. */
#define SCANS_BEFORE_SORT 8

struct by_hash_index {
	struct member *v; /* NULL until built */
	size_t scans;
};

static int by_hash(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return by_id(pa, pb);
}

/* The members to look through for hash h (*n of them): all, or those of h. */
static const struct member *members_of(const struct members *ids, struct by_hash_index *x,
				       uint32_t h, size_t *n)
{
	if (!x->v && ++x->scans <= SCANS_BEFORE_SORT) {
		*n = ids->n;
		return ids->v;
	}
	if (!x->v) {
		x->v = nd_xmalloc((ids->n ? ids->n : 1) * sizeof(*x->v));
		memcpy(x->v, ids->v, ids->n * sizeof(*x->v));
		qsort(x->v, ids->n, sizeof(*x->v), by_hash);
	}
	size_t lo = 0, hi = ids->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->v[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < ids->n && x->v[end].hash == h)
		end++;
	*n = end - lo;
	return x->v + lo;
}

/* The copy key of article id (malloc'd; NULL when it has none). */
static int copy_key_of(struct nd_store *s, int64_t id, char **key, struct nd_error *err)
{
	sqlite3_stmt *st;
	*key = NULL;
	int rc = store_lookup_id(s, ST_COPY_KEY_OF, id, &st, err, "search failed");
	if (rc == 1) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		*key = k ? nd_xstrdup(k) : NULL;
		store_done(st);
	}
	return rc < 0 ? rc : ND_STORE_OK;
}

struct group {
	int64_t id, copies;
	double rank;
	uint32_t hash;
	char *key; /* NULL for a hash no other match has */
};

struct groups {
	struct group *v;
	size_t n, cap;
};

static void groups_release(struct groups *g)
{
	for (size_t k = 0; k < g->n; k++)
		free(g->v[k].key);
	free(g->v);
	*g = (struct groups){ NULL, 0, 0 };
}

/* Is this key's group among g already? */
static bool shown(const struct groups *g, uint32_t hash, const char *key)
{
	for (size_t k = 0; k < g->n; k++)
		if (g->v[k].hash == hash && g->v[k].key && !strcmp(g->v[k].key, key))
			return true;
	return false;
}

/* Adds the group of ranked match (id, rank) to g unless its key's group is
 * there already. */
static int add_match(struct nd_store *s, const struct members *ids, const struct hash_counts *counts,
		     struct by_hash_index *x, int64_t id, double rank, struct groups *g, struct nd_error *err)
{
	struct member probe = { id, 0 };
	const struct member *m = bsearch(&probe, ids->v, ids->n, sizeof(*ids->v), by_id);
	uint32_t h = m ? m->hash : 0;
	uint32_t count = hash_count(counts, h);
	struct group add = { .id = id, .rank = rank, .hash = h, .copies = 1 };
	if (count > 1) {
		int rc = copy_key_of(s, id, &add.key, err);
		if (rc)
			return rc;
		if (add.key && shown(g, h, add.key)) {
			free(add.key);
			return ND_STORE_OK;
		}
		/* (no key though its block has a hash: a block out of step, which
		 * check reports; its own group) */
		if (add.key)
			add.copies = 0;
		/* the matches of its hash, by their keys: a few at most */
		size_t n = 0;
		const struct member *v = add.key ? members_of(ids, x, h, &n) : NULL;
		for (size_t k = 0; k < n && !rc; k++) {
			if (v[k].hash != h)
				continue;
			char *other;
			if (!(rc = copy_key_of(s, v[k].id, &other, err)))
				add.copies += other && !strcmp(other, add.key);
			free(other);
		}
		if (rc) {
			free(add.key);
			return rc;
		}
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->v = nd_xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	g->v[g->n++] = add;
	return ND_STORE_OK;
}

/* The groups of the ranked page in page (JSON [[id, rank], ...], as
 * store_ranked_ids writes it), in order, up to want (< 0: all); *ranked is
 * how many matches the page held. */
static int group_page(struct nd_store *s, const struct members *ids, const struct hash_counts *counts,
		      struct by_hash_index *x, const char *page, int64_t want, struct groups *g, int64_t *ranked,
		      struct nd_error *err)
{
	*ranked = 0;
	const char *p = page;
	while (p && (p = strchr(p, '['))) {
		char *end;
		p++;
		if (*p == '[')
			continue; /* the outer bracket */
		long long id = strtoll(p, &end, 10);
		if (end == p || *end != ',')
			break;
		p = end + 1;
		double rank = strtod(p, &end);
		p = end;
		++*ranked;
		if (want >= 0 && (int64_t)g->n >= want)
			continue;
		int rc = add_match(s, ids, counts, x, id, rank, g, err);
		if (rc)
			return rc;
	}
	return ND_STORE_OK;
}

static int64_t emit_groups(struct nd_store *s, const struct nd_search_opts *o,
			   const struct groups *g, nd_hit_fn fn, void *ctx, struct nd_error *err)
{
	size_t from = o->offset > 0 ? (size_t)o->offset : 0;
	struct nd_buf page = ND_BUF_INIT;
	nd_buf_addc(&page, '[');
	for (size_t k = from; k < g->n; k++)
		nd_buf_addf(&page, "%s[%lld,%.17g,%lld]", k > from ? "," : "", (long long)g->v[k].id,
			    g->v[k].rank, (long long)g->v[k].copies);
	nd_buf_addc(&page, ']');
	sqlite3_stmt *st = store_stmt(s, store_page_statement(o->query, true), err);
	int64_t n = ND_STORE_ERROR;
	if (st) {
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":match"), o->query->match, -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":page"), page.data,
				  (int)page.len, SQLITE_TRANSIENT);
		n = store_emit_hits(s, st, fn, ctx, err);
	}
	nd_buf_release(&page);
	return n;
}

/* First page asked for: twice the groups wanted and some, since most
 * matches of a common query are no copy. */
#define FIRST_ASK(want) (2 * (want) + 16)
#define ASK_GROWTH 4

int64_t store_search_dedupe(struct nd_store *s, const struct nd_search_opts *o, nd_hit_fn fn,
			    void *ctx, bool *handled, struct nd_error *err)
{
	bool ready;
	int64_t n = store_blocks_state(s, &ready, err);
	*handled = !n && ready;
	if (n || !ready)
		return n;
	if ((n = store_read_begin(s, err)))
		return n;
	struct members ids = { 0 };
	struct hash_counts counts = { 0 };
	struct by_hash_index x = { 0 };
	struct groups g = { 0 };
	struct nd_buf page = ND_BUF_INIT;
	if ((n = store_blocks_each_match(s, o, collect, &ids, err)))
		goto done;
	if (ids.unsorted)
		qsort(ids.v, ids.n, sizeof(*ids.v), by_id);
	count_hashes(&ids, &counts);

	int64_t offset = o->offset > 0 ? o->offset : 0;
	int64_t want = o->limit > 0 ? offset + o->limit : -1;
	struct nd_search_opts ask = *o;
	ask.offset = 0;
	ask.dedupe = false;
	ask.limit = want > 0 ? FIRST_ASK(want) : -1;
	for (;;) {
		struct ranked_page ranked = { .ids = &page };
		int64_t got;
		nd_buf_reset(&page);
		groups_release(&g);
		if ((n = store_ranked_ids(s, &ask, &ranked, err)) ||
		    (n = group_page(s, &ids, &counts, &x, nd_buf_str(&page), want, &g, &got, err)))
			goto done;
		/* enough groups, or every match ranked */
		if (want < 0 || (int64_t)g.n >= want || got < ask.limit || (size_t)ask.limit >= ids.n)
			break;
		ask.limit *= ASK_GROWTH;
	}
	n = emit_groups(s, o, &g, fn, ctx, err);
done:
	store_read_end(s);
	nd_buf_release(&page);
	groups_release(&g);
	free(ids.v);
	free(counts.hash);
	free(counts.count);
	free(x.v);
	return n;
}
