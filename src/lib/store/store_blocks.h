/*
 * store_blocks.h: the facet blocks and their rank entries (store_blocks.c,
 * schema/005_facets.sql, 009_block_ranks.sql), for the store files that keep
 * them (store.c, store_bulk.c, store_maint.c) and read them (store_facets.c,
 * store_dedupe.c, store_topk.c).
 */
#ifndef ND_STORE_BLOCKS_H
#define ND_STORE_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

#include "store_block_codec.h"
#include "store_internal.h"

/* A table of blocks read in order from the last seek (store_blocks.c). */
struct block_cursor {
	sqlite3_stmt *st;
	int rc;
	bool on;
	int64_t at;
};

/* A reader of blocks: the one loaded (block INT64_MIN: none yet) and the
 * row of the article last asked for; start it as { .block = INT64_MIN }
 * and release it with store_block_release. */
struct store_block {
	int64_t block;
	struct block_view view; /* of data */
	struct store_block_row row;
	int64_t *topics;        /* row's topic ids */
	size_t cap_topics;
	unsigned char *data;    /* the block's bytes */
	size_t cap_data;
	struct block_cursor cursor;
};

/* A reader of the blocks' rank entries (_newsdb_block_ranks), a chunk of
 * sixteen blocks at a time: start it as { .chunk = INT64_MIN, .block =
 * INT64_MIN }, release it with store_block_ranks_release. */
struct store_block_ranks {
	int64_t chunk, block;
	const unsigned char *data; /* the cursor's row: valid until it moves */
	size_t n;
	struct block_ranks_view view; /* of block's entries in data */
	struct block_cursor cursor;
};

/* 'blocks_state' of _newsdb_meta is 'ready': every article is in a block. */
int store_blocks_state(struct nd_store *s, bool *ready, struct nd_error *err);
/* From now on the commits leave the blocks alone (a bulk import). */
int store_blocks_mark_pending(struct nd_store *s, struct nd_error *err);

/* The blocks the transaction's writes touched, encoded anew (store.c's
 * commit, before COMMIT; nothing when they are pending). */
int store_blocks_sync(struct nd_store *s, struct nd_error *err);
/* Every block encoded anew and the state made ready, in the caller's
 * transaction. */
int store_blocks_rebuild(struct nd_store *s, struct nd_error *err);
/* Each stored block against its encoding from the tables: the problems
 * found (category "blocks"), or a negative status. */
int64_t store_blocks_check(struct nd_store *s, nd_problem_fn fn, void *ctx, struct nd_error *err);

/* The row of article id (valid until the next call), loading its block
 * into b when it is another; an error when the blocks do not describe the
 * article. */
int store_block_find(struct nd_store *s, struct store_block *b, int64_t id,
		    const struct store_block_row **row, struct nd_error *err);
void store_block_release(struct store_block *b);

/* What ranking needs of article id: its length in tokens and whether it
 * is archived, from its block's rank entries (a tenth of the blocks'
 * pages: a search that scores every match reads these); an error when
 * they do not describe the article. */
int store_block_rank(struct nd_store *s, struct store_block_ranks *r, int64_t id,
		     uint64_t *length, bool *archived, struct nd_error *err);
void store_block_ranks_release(struct store_block_ranks *r);

/* Calls fn for every match of the search (query and filters), in id
 * order, with its block row; only when the blocks are ready. */
typedef void (*store_block_fn)(int64_t id, const struct store_block *b,
			       const struct store_block_row *row, void *ctx);
int store_blocks_each_match(struct nd_store *s, const struct nd_search_opts *o,
			    store_block_fn fn, void *ctx, struct nd_error *err);

/* Days since 1970-01-01 of a published_at ("YYYY-MM-DD...", as the
 * schema's CHECK keeps it); false for anything else. */
bool store_day_of(const char *date, int64_t *day);

/* The 32-bit hash of a copy key the blocks keep (0 for none). */
uint32_t store_copy_hash(const char *key);

#endif
