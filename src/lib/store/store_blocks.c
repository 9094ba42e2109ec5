/*
 * store_blocks.c: the facet blocks (schema/005_facets.sql): what facets,
 * the timeline and --dedupe read of each match, 64 article ids to a row;
 * and beside each its rank entries (009_block_ranks.sql), the lengths and
 * archived flags alone, what a search that scores every match reads.
 * Both are derived from the block's articles' rows alone, so every way of
 * keeping them is the same function: a commit encodes anew the blocks whose
 * articles or topics it touched (TEMP triggers note them, store.c), a build
 * encodes them all, and check encodes them all and compares bytes.
 *
 * The bytes of both are store_block_codec.h's.
 */
#include "store_blocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "civil.h"
#include "hash.h"

#define STATE_KEY "blocks_state"

int store_blocks_state(struct nd_store *s, bool *ready, struct nd_error *err)
{
	return store_state_ready(s, STATE_KEY, ready, err);
}

int store_blocks_mark_pending(struct nd_store *s, struct nd_error *err)
{
	return store_meta_put(s, STATE_KEY, "pending", 0, err);
}

uint32_t store_copy_hash(const char *key)
{
	if (!key)
		return 0;
	uint64_t h = nd_hash64(key, strlen(key));
	uint32_t v = (uint32_t)(h ^ h >> 32);
	return v ? v : 1; /* 0 is "no key" */
}

bool store_day_of(const char *date, int64_t *day)
{
	if (!date || strlen(date) < 10)
		return false;
	int64_t v[3] = { 0, 0, 0 };
	static const int at[3] = { 0, 5, 8 }, len[3] = { 4, 2, 2 };
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < len[k]; i++) {
			char c = date[at[k] + i];
			if (c < '0' || c > '9')
				return false;
			v[k] = v[k] * 10 + (c - '0');
		}
	*day = nd_days_from_civil(v[0], (int)v[1], (int)v[2]);
	return true;
}

/* ---- encoding, from the tables ---- */

/* The articles and topics of an id range, read side by side in id order;
 * each statement holds its next row (rc SQLITE_ROW) between calls. */
struct block_source {
	struct nd_store *s;
	sqlite3_stmt *rows, *topics;
	int rows_rc, topics_rc;
};

static int source_open(struct nd_store *s, int64_t lo, int64_t hi, struct block_source *src,
		       struct nd_error *err)
{
	*src = (struct block_source){ .s = s };
	if (!(src->rows = store_stmt(s, ST_BLOCK_ROWS, err)) ||
	    !(src->topics = store_stmt(s, ST_BLOCK_TOPICS, err)))
		return ND_STORE_ERROR;
	sqlite3_stmt *both[2] = { src->rows, src->topics };
	for (int k = 0; k < 2; k++) {
		sqlite3_bind_int64(both[k], 1, lo);
		sqlite3_bind_int64(both[k], 2, hi);
	}
	src->rows_rc = sqlite3_step(src->rows);
	src->topics_rc = sqlite3_step(src->topics);
	return ND_STORE_OK;
}

static int source_close(struct block_source *src, struct nd_error *err)
{
	int rc = ND_STORE_OK;
	if (src->rows_rc != SQLITE_ROW && src->rows_rc != SQLITE_DONE)
		rc = store_fail(src->s, err, "cannot read the articles for the facet blocks");
	else if (src->topics_rc != SQLITE_ROW && src->topics_rc != SQLITE_DONE)
		rc = store_fail(src->s, err, "cannot read the topics for the facet blocks");
	if (src->rows)
		sqlite3_reset(src->rows);
	if (src->topics)
		sqlite3_reset(src->topics);
	return rc;
}

/* The encoding of one block: its bytes and its rank entries. */
struct block_bytes {
	struct nd_buf data, ranks;
};

static void block_bytes_release(struct block_bytes *b)
{
	nd_buf_release(&b->data);
	nd_buf_release(&b->ranks);
}

/* The next block of the source into *block and out: 1, or 0 when there is
 * none left. */
static int source_next(struct block_source *src, int64_t *block, struct block_bytes *out)
{
	if (src->rows_rc != SQLITE_ROW)
		return 0;
	sqlite3_stmt *r = src->rows, *t = src->topics;
	*block = sqlite3_column_int64(r, 0) >> STORE_BLOCK_SHIFT;
	struct block_writer w = { .n_types = 0 };
	int64_t *topics = NULL;
	size_t cap = 0;
	while (src->rows_rc == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(r, 0);
		if (id >> STORE_BLOCK_SHIFT != *block)
			break;
		/* id, provider_id, published_at, type, copy key, is_archived,
		 * the word index's column sizes */
		struct store_block_row row = {
			.provider = sqlite3_column_type(r, 1) == SQLITE_INTEGER
					    ? sqlite3_column_int64(r, 1) : 0,
			.hash = store_copy_hash((const char *)sqlite3_column_text(r, 4)),
			.archived = sqlite3_column_int(r, 5) != 0,
			.length = (uint64_t)store_varint_sum(sqlite3_column_blob(r, 6),
							     sqlite3_column_bytes(r, 6)),
		};
		row.dated = store_day_of((const char *)sqlite3_column_text(r, 2), &row.day);
		/* its topics: the rows of article_topics up to its id (none of
		 * an id below it can be left, but skipping them costs nothing) */
		while (src->topics_rc == SQLITE_ROW && sqlite3_column_int64(t, 0) <= id) {
			if (sqlite3_column_int64(t, 0) == id) {
				if (row.n_topics == cap) {
					cap = cap ? 2 * cap : 16;
					topics = nd_xrealloc(topics, cap * sizeof(*topics));
				}
				topics[row.n_topics++] = sqlite3_column_int64(t, 1);
			}
			src->topics_rc = sqlite3_step(t);
		}
		block_writer_add(&w, (int)(id & (STORE_BLOCK_IDS - 1)), &row,
				 (const char *)sqlite3_column_text(r, 3), topics);
		src->rows_rc = sqlite3_step(r);
	}
	free(topics);
	block_writer_finish(&w, &out->data, &out->ranks);
	return 1;
}

/* ---- decoding ---- */

void store_block_release(struct store_block *b)
{
	if (b->cursor.st)
		sqlite3_reset(b->cursor.st);
	free(b->topics);
	free(b->data);
	*b = (struct store_block){ .block = INT64_MIN };
}

/* Takes a block's bytes into b (copied: the cursor moves on); false when
 * they are not a block. */
static bool block_load(struct store_block *b, int64_t block, const void *data, size_t n)
{
	b->block = INT64_MIN;
	if (n + 1 > b->cap_data) {
		free(b->data);
		b->cap_data = n + 1;
		b->data = nd_xmalloc(b->cap_data);
	}
	if (n)
		memcpy(b->data, data, n);
	if (!block_view_load(&b->view, b->data, n))
		return false;
	b->block = block;
	return true;
}

static int out_of_step(struct nd_error *err, int64_t id)
{
	nd_error_set(err, 0, 0,
		     "the facet blocks (_newsdb_blocks) do not describe article %lld; "
		     "rebuild them with 'newsdb optimize'", (long long)id);
	return ND_STORE_ERROR;
}

/* Rows a cursor steps over before it seeks instead.  A step reads the
 * whole row it passes, a seek only the row it lands on (the pages above it
 * stay cached): stepping pays for the blocks (a few hundred bytes of a row
 * read), whose matches in a common query leave few rows out, but not for
 * the chunks of rank entries, 2 KB a row, where matches 7 chunks apart on
 * average at a million articles made a rare word read every one of them. */
#define BLOCK_GAP 16
#define CHUNK_GAP 1

/* Brings cursor c (statement `which`: a table of blocks or chunks from
 * some key on, in order) to the first key >= key, stepping over at most
 * `gap` rows: 1 when that is key itself, 0 when it is absent. */
static int cursor_to(struct nd_store *s, struct block_cursor *c, enum stmt_id which, int gap,
		     int64_t block, struct nd_error *err)
{
	if (!c->st && !(c->st = store_stmt(s, which, err)))
		return ND_STORE_ERROR;
	if (!c->on || block < c->at || block > c->at + gap) {
		sqlite3_reset(c->st);
		sqlite3_bind_int64(c->st, 1, block);
		c->rc = sqlite3_step(c->st);
		c->on = true;
	}
	while (c->rc == SQLITE_ROW && (c->at = sqlite3_column_int64(c->st, 0)) < block)
		c->rc = sqlite3_step(c->st);
	if (c->rc != SQLITE_ROW) {
		c->on = false;
		if (c->rc != SQLITE_DONE)
			return store_fail(s, err, "cannot read the facet blocks");
		return 0;
	}
	return c->at == block;
}

int store_block_find(struct nd_store *s, struct store_block *b, int64_t id,
		    const struct store_block_row **row, struct nd_error *err)
{
	int64_t block = id >> STORE_BLOCK_SHIFT;
	if (b->block != block) {
		int rc = cursor_to(s, &b->cursor, ST_BLOCKS_FROM, BLOCK_GAP, block, err);
		if (rc < 0)
			return rc;
		if (!rc || !block_load(b, block, sqlite3_column_blob(b->cursor.st, 1),
				       (size_t)sqlite3_column_bytes(b->cursor.st, 1))) {
			b->block = INT64_MIN;
			return out_of_step(err, id);
		}
	}
	if (!block_view_row(&b->view, (int)(id & (STORE_BLOCK_IDS - 1)), &b->row, &b->topics,
			    &b->cap_topics))
		return out_of_step(err, id);
	*row = &b->row;
	return ND_STORE_OK;
}

int store_block_rank(struct nd_store *s, struct store_block_ranks *r, int64_t id,
		     uint64_t *length, bool *archived, struct nd_error *err)
{
	int64_t block = id >> STORE_BLOCK_SHIFT, chunk = block >> STORE_CHUNK_SHIFT;
	if (r->chunk != chunk) {
		r->chunk = r->block = INT64_MIN;
		int rc = cursor_to(s, &r->cursor, ST_BLOCK_RANKS_FROM, CHUNK_GAP, chunk, err);
		if (rc < 0)
			return rc;
		if (!rc)
			return out_of_step(err, id);
		r->data = sqlite3_column_blob(r->cursor.st, 1);
		r->n = (size_t)sqlite3_column_bytes(r->cursor.st, 1);
		r->chunk = chunk;
	}
	if (r->block != block) {
		const unsigned char *slice;
		size_t len;
		if (!rank_chunk_slice(r->data, r->n, (int)(block & (STORE_CHUNK_BLOCKS - 1)), &slice,
				      &len) ||
		    !block_ranks_load(&r->view, slice, len))
			return out_of_step(err, id);
		r->block = block;
	}
	if (!block_ranks_at(&r->view, (int)(id & (STORE_BLOCK_IDS - 1)), length, archived))
		return out_of_step(err, id);
	return ND_STORE_OK;
}

void store_block_ranks_release(struct store_block_ranks *r)
{
	if (r->cursor.st)
		sqlite3_reset(r->cursor.st);
	*r = (struct store_block_ranks){ .chunk = INT64_MIN, .block = INT64_MIN };
}

/* ---- keeping them ---- */

/* Writes one row of a table of blocks: bytes, or NULL to delete it. */
static int write_row(struct nd_store *s, enum stmt_id put, enum stmt_id del, int64_t block,
		     const struct nd_buf *bytes, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, bytes ? put : del, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, block);
	if (bytes)
		sqlite3_bind_blob(st, 2, bytes->data, (int)bytes->len, SQLITE_STATIC);
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the facet blocks");
}

/* Block `block`'s rank entries (NULL: none) spliced into chunk (next: a
 * buffer to build in). */
static void chunk_splice(struct nd_buf *chunk, struct nd_buf *next, int64_t block,
			 const struct nd_buf *ranks)
{
	rank_chunk_put(next, (const unsigned char *)chunk->data, chunk->len,
		       (int)(block & (STORE_CHUNK_BLOCKS - 1)), ranks ? ranks->data : NULL,
		       ranks ? ranks->len : 0);
	struct nd_buf t = *chunk;
	*chunk = *next;
	*next = t;
}

/* The chunk of rank entries being written: blocks come in order, and a
 * chunk is written once, when a block of the next one comes (or at the
 * end: rank_writer_flush). */
struct rank_writer {
	bool on, stored; /* stored: start from the chunk in the table (a commit) */
	int64_t chunk;
	struct nd_buf bytes, next;
};

static int rank_writer_flush(struct nd_store *s, struct rank_writer *w, struct nd_error *err)
{
	if (!w->on)
		return ND_STORE_OK;
	w->on = false;
	bool empty = rank_chunk_empty((const unsigned char *)w->bytes.data, w->bytes.len);
	return write_row(s, ST_BLOCK_RANKS_PUT, ST_BLOCK_RANKS_DELETE, w->chunk,
			 empty ? NULL : &w->bytes, err);
}

static void rank_writer_release(struct rank_writer *w)
{
	nd_buf_release(&w->bytes);
	nd_buf_release(&w->next);
}

/* Block `block`'s rank entries (NULL: it holds no article) into their chunk. */
static int rank_writer_put(struct nd_store *s, struct rank_writer *w, int64_t block,
			   const struct nd_buf *ranks, struct nd_error *err)
{
	int64_t chunk = block >> STORE_CHUNK_SHIFT;
	int rc;
	if (w->on && w->chunk != chunk && (rc = rank_writer_flush(s, w, err)))
		return rc;
	if (!w->on) {
		w->on = true;
		w->chunk = chunk;
		nd_buf_reset(&w->bytes);
		sqlite3_stmt *st = NULL;
		if (w->stored) {
			rc = store_lookup_id(s, ST_BLOCK_RANKS_GET, chunk, &st, err,
					     "cannot read the facet blocks");
			if (rc < 0)
				return rc;
			if (rc == 1)
				nd_buf_add(&w->bytes, sqlite3_column_blob(st, 0),
					   (size_t)sqlite3_column_bytes(st, 0));
			sqlite3_reset(st);
		}
	}
	chunk_splice(&w->bytes, &w->next, block, ranks);
	return ND_STORE_OK;
}

/* Writes block `block` and its rank entries from its articles (or deletes
 * both: none left). */
static int write_block(struct nd_store *s, struct rank_writer *ranks, int64_t block,
		       const struct block_bytes *b, struct nd_error *err)
{
	int rc = write_row(s, ST_BLOCK_PUT, ST_BLOCK_DELETE, block, b ? &b->data : NULL, err);
	return rc ? rc : rank_writer_put(s, ranks, block, b ? &b->ranks : NULL, err);
}

static int encode_one(struct nd_store *s, int64_t block, struct block_bytes *data,
		      struct nd_error *err)
{
	struct block_source src;
	int64_t got;
	int rc = source_open(s, block * STORE_BLOCK_IDS, block * STORE_BLOCK_IDS + STORE_BLOCK_IDS - 1,
			     &src, err);
	bool any = !rc && source_next(&src, &got, data) == 1;
	int closed = source_close(&src, err);
	rc = rc ? rc : closed;
	return rc ? rc : any;
}

int store_blocks_sync(struct nd_store *s, struct nd_error *err)
{
	bool ready;
	int rc = store_blocks_state(s, &ready, err);
	if (rc || !ready) /* not built yet: the build will see these rows */
		return rc;
	sqlite3_stmt *st = store_stmt(s, ST_BLOCKS_DIRTY, err);
	if (!st)
		return ND_STORE_ERROR;
	struct nd_buf blocks = ND_BUF_INIT;
	struct block_bytes data = { ND_BUF_INIT, ND_BUF_INIT };
	struct rank_writer ranks = { .stored = true };
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t b = sqlite3_column_int64(st, 0);
		nd_buf_add(&blocks, &b, sizeof(b));
	}
	rc = store_finish(s, st, rc, err, "cannot update the facet blocks");
	for (size_t k = 0; !rc && k < blocks.len / sizeof(int64_t); k++) {
		int64_t b;
		memcpy(&b, blocks.data + k * sizeof(b), sizeof(b));
		int any = encode_one(s, b, &data, err);
		rc = any < 0 ? any : write_block(s, &ranks, b, any ? &data : NULL, err);
	}
	if (!rc)
		rc = rank_writer_flush(s, &ranks, err);
	nd_buf_release(&blocks);
	block_bytes_release(&data);
	rank_writer_release(&ranks);
	return rc;
}

int store_blocks_rebuild(struct nd_store *s, struct nd_error *err)
{
	int rc = ND_STORE_OK;
	for (int k = 0; k < 2 && !rc; k++) {
		sqlite3_stmt *st = store_stmt(s, k ? ST_BLOCK_RANKS_CLEAR : ST_BLOCKS_CLEAR, err);
		rc = st ? store_finish(s, st, sqlite3_step(st), err, "cannot build the facet blocks")
			: ND_STORE_ERROR;
	}
	struct block_source src;
	struct block_bytes data = { ND_BUF_INIT, ND_BUF_INIT };
	struct rank_writer ranks = { .stored = false };
	int64_t block;
	if (!rc && !(rc = source_open(s, INT64_MIN, INT64_MAX, &src, err))) {
		while (!rc && source_next(&src, &block, &data) == 1)
			rc = write_block(s, &ranks, block, &data, err);
		if (!rc)
			rc = rank_writer_flush(s, &ranks, err);
		int closed = source_close(&src, err);
		rc = rc ? rc : closed;
	}
	block_bytes_release(&data);
	rank_writer_release(&ranks);
	return rc ? rc : store_meta_put(s, STATE_KEY, "ready", 0, err);
}

/* At most this many blocks are named by check; the rest are counted. */
#define CHECK_NAMED 20

struct check_run {
	int64_t problems;
	nd_problem_fn fn;
	void *ctx;
};

/* One stored table of blocks or chunks, walked in order beside the
 * encoding. */
struct stored {
	const char *table, *row; /* "block" or "chunk" */
	int shift;               /* a row's first article id is its key << shift */
	sqlite3_stmt *st;
	int rc;
};

static void report(struct check_run *c, const struct stored *t, int64_t key, const char *what)
{
	if (++c->problems > CHECK_NAMED)
		return;
	char detail[256];
	int64_t first = (int64_t)((uint64_t)key << t->shift);
	snprintf(detail, sizeof(detail),
		 "%s: %s %lld (articles %lld-%lld) %s (rebuild with 'newsdb optimize')", t->table,
		 t->row, (long long)key, (long long)first,
		 (long long)(first + ((int64_t)1 << t->shift) - 1), what);
	c->fn("blocks", detail, c->ctx);
}

/* The stored rows below `block` hold no article; block itself (INT64_MAX:
 * the end) must be stored with the bytes `want`. */
static void compare_to(struct check_run *c, struct stored *t, int64_t block,
		       const struct nd_buf *want)
{
	int64_t at = 0;
	while (t->rc == SQLITE_ROW && (at = sqlite3_column_int64(t->st, 0)) < block) {
		report(c, t, at, "holds no article");
		t->rc = sqlite3_step(t->st);
	}
	if (block == INT64_MAX)
		return;
	if (t->rc != SQLITE_ROW || at != block) {
		report(c, t, block, "is missing");
		return;
	}
	if ((size_t)sqlite3_column_bytes(t->st, 1) != want->len ||
	    memcmp(sqlite3_column_blob(t->st, 1), want->data, want->len))
		report(c, t, block, "differs from its articles");
	t->rc = sqlite3_step(t->st);
}

int64_t store_blocks_check(struct nd_store *s, nd_problem_fn fn, void *ctx, struct nd_error *err)
{
	bool ready;
	int rc = store_blocks_state(s, &ready, err);
	/* pending blocks are a state as good as any: searches read the tables */
	if (rc || !ready)
		return rc;
	struct stored blocks = { "_newsdb_blocks", "block", STORE_BLOCK_SHIFT,
				 store_stmt(s, ST_BLOCKS_ALL, err), 0 };
	struct stored ranks = { "_newsdb_block_ranks", "chunk", STORE_BLOCK_SHIFT + STORE_CHUNK_SHIFT,
				store_stmt(s, ST_BLOCK_RANKS_ALL, err), 0 };
	struct block_source src;
	if (!blocks.st || !ranks.st || (rc = source_open(s, INT64_MIN, INT64_MAX, &src, err)))
		return ND_STORE_ERROR;
	blocks.rc = sqlite3_step(blocks.st);
	ranks.rc = sqlite3_step(ranks.st);
	struct check_run c = { 0, fn, ctx };
	struct block_bytes data = { ND_BUF_INIT, ND_BUF_INIT };
	/* the chunk the blocks so far make, and the one it is made into */
	struct nd_buf chunk = ND_BUF_INIT, next = ND_BUF_INIT;
	int64_t block, at = INT64_MIN;
	while (source_next(&src, &block, &data) == 1) {
		compare_to(&c, &blocks, block, &data.data);
		if (at != INT64_MIN && block >> STORE_CHUNK_SHIFT != at) {
			compare_to(&c, &ranks, at, &chunk);
			nd_buf_reset(&chunk);
		}
		at = block >> STORE_CHUNK_SHIFT;
		chunk_splice(&chunk, &next, block, &data.ranks);
	}
	if (at != INT64_MIN)
		compare_to(&c, &ranks, at, &chunk);
	nd_buf_release(&chunk);
	nd_buf_release(&next);
	compare_to(&c, &blocks, INT64_MAX, NULL);
	compare_to(&c, &ranks, INT64_MAX, NULL);
	rc = store_finish(s, blocks.st, blocks.rc, err, "cannot check the facet blocks");
	int ranked = store_finish(s, ranks.st, ranks.rc, err, "cannot check the facet blocks");
	int closed = source_close(&src, err);
	block_bytes_release(&data);
	if (rc || ranked || closed)
		return rc ? rc : ranked ? ranked : closed;
	if (c.problems > CHECK_NAMED) {
		char detail[160];
		snprintf(detail, sizeof(detail), "_newsdb_blocks: %lld more blocks are wrong",
			 (long long)(c.problems - CHECK_NAMED));
		fn("blocks", detail, ctx);
	}
	return c.problems;
}

int store_blocks_each_match(struct nd_store *s, const struct nd_search_opts *o,
			    store_block_fn fn, void *ctx, struct nd_error *err)
{
	const struct nd_query *q = o->query;
	enum stmt_id which = !q->match			      ? ST_BLOCK_IDS_FILTER
			     : store_query_has_filters(q) ? ST_BLOCK_IDS_MATCH_FILTERED
							  : ST_BLOCK_IDS_MATCH;
	sqlite3_stmt *st = store_stmt(s, which, err);
	if (!st)
		return ND_STORE_ERROR;
	store_bind_query(s, st, o);
	struct store_block b = { .block = INT64_MIN };
	int rc, status = ND_STORE_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const struct store_block_row *row;
		if ((status = store_block_find(s, &b, id, &row, err)))
			break;
		fn(id, &b, row, ctx);
	}
	if (status)
		sqlite3_reset(st);
	else
		status = store_finish(s, st, rc, err, "cannot read the matches");
	store_block_release(&b);
	return status;
}
