/*
 * store_block_codec.h: the bytes of one facet block (schema/005_facets.sql,
 * docs/schema.md), written and read: pure byte work, no SQLite, so that the
 * fuzz target and the store share it (store_block_codec.c).
 *
 * A block's bytes (numbers unsigned LEB128 unless said otherwise):
 *   the number of distinct types, then each type's text and a NUL;
 *   8 bytes (little endian) with bit k set when article block * 64 + k is
 *   in the block; for each such article, 4 bytes (little endian): where its
 *   entry starts, counted from the first entry, so that a search decodes
 *   only the entries of its matches;
 *   then each article's entry, in id order: its provider id (0: none), its
 *   day (0: undated, else the zigzag of the days since 1970-01-01, plus 1),
 *   its type (0: none, else 1 + its index), the number of its topics and
 *   their ids in order, 4 bytes (little endian) of copy-key hash (0: no
 *   key), and its length in tokens (as bm25 counts it: every column) times
 *   two, plus one when it is archived.
 *
 * A block's rank entries, the part of it a search that scores every match
 * reads (a few bytes an article, where the block holds about seventeen):
 *   the same 8 bytes of present bits; one byte, the width w (1 to 8) of
 *   every entry; then each article's w bytes (little endian), in id order:
 *   its length times two, plus one when it is archived, as above.
 * They are stored sixteen blocks to a chunk (chunk = block >> 4), so that a
 * search that scores the matches of a whole archive steps over a row per
 * 1024 ids: 16 times 2 bytes (little endian), the length of each block's
 * rank entries (0: the block holds no article), then those entries in
 * block order.
 */
#ifndef ND_STORE_BLOCK_CODEC_H
#define ND_STORE_BLOCK_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define STORE_BLOCK_SHIFT 6
#define STORE_BLOCK_IDS (1 << STORE_BLOCK_SHIFT)
#define STORE_CHUNK_SHIFT 4 /* blocks to a chunk of rank entries */
#define STORE_CHUNK_BLOCKS (1 << STORE_CHUNK_SHIFT)

/* What a block says of one article. */
struct store_block_row {
	int64_t provider;  /* providers.id, 0 when none */
	int64_t day;       /* days since 1970-01-01, when dated */
	bool dated;
	int type;          /* index into the block's types, -1 when none */
	uint32_t hash;     /* copy-key hash, 0 when none */
	uint32_t n_topics; /* its topic ids are the reader's topics[0..n_topics) */
	uint64_t length;   /* tokens in the word index (articles_fts_docsize) */
	bool archived;     /* articles.is_archived */
};

/* A block being written: add its articles in slot order, then finish. */
struct block_writer {
	struct nd_buf body, offsets;
	char *types[STORE_BLOCK_IDS];
	size_t n_types;
	uint64_t present;
	uint64_t ranks[STORE_BLOCK_IDS]; /* the rank entries, in slot order */
	int n_ranks;
};

/* Adds the article of slot (above every slot added before) with its type
 * (NULL: none) and topic ids. */
void block_writer_add(struct block_writer *w, int slot, const struct store_block_row *row,
		      const char *type, const int64_t *topics);
/* The block's bytes into out and its rank entries into ranks (replacing
 * what they held); w is empty again. */
void block_writer_finish(struct block_writer *w, struct nd_buf *out, struct nd_buf *ranks);

/* A block's bytes being read (they must outlive the view). */
struct block_view {
	const unsigned char *p;
	size_t n, offsets, entries;
	uint64_t present; /* bit k: slot k holds an article */
	const char *types[STORE_BLOCK_IDS];
	size_t n_types;
};

/* false when the bytes are not a block. */
bool block_view_load(struct block_view *v, const unsigned char *p, size_t n);
/* The entry of a present slot into *row, its topic ids into *topics
 * (grown as needed, *cap its size); false when its bytes are not one. */
bool block_view_row(const struct block_view *v, int slot, struct store_block_row *row,
		    int64_t **topics, size_t *cap);

/* The little-endian number of p[0..bytes), as every fixed-width field of
 * these bytes is written. */
static inline uint64_t block_get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int k = 0; k < bytes; k++)
		v |= (uint64_t)p[k] << 8 * k;
	return v;
}

/* A block's rank entries being read (the bytes must outlive the view). */
struct block_ranks_view {
	uint64_t present;
	int width;
	const unsigned char *entries;
};

/* false when p[0..n) are not a block's rank entries. */
bool block_ranks_load(struct block_ranks_view *v, const unsigned char *p, size_t n);

/* The rank entry of slot: false when it holds no article. */
static inline bool block_ranks_at(const struct block_ranks_view *v, int slot, uint64_t *length,
				  bool *archived)
{
	if (slot < 0 || slot >= STORE_BLOCK_IDS || !(v->present >> slot & 1))
		return false;
	size_t rank = (size_t)__builtin_popcountll(v->present & ((1ull << slot) - 1));
	uint64_t x = block_get_le(v->entries + rank * (size_t)v->width, v->width);
	*length = x >> 1;
	*archived = x & 1;
	return true;
}

/* The two at once: false when either is. */
bool block_ranks_get(const unsigned char *p, size_t n, int slot, uint64_t *length,
		     bool *archived);

/* Block k's (0 to 15) rank entries in a chunk's bytes p[0..n) into *slice
 * and *len (0: none); false when the bytes are not a chunk. */
bool rank_chunk_slice(const unsigned char *p, size_t n, int k, const unsigned char **slice,
		      size_t *len);
/* The chunk old[0..old_n) (NULL, or bytes that are not a chunk: an empty
 * one) with block k's rank entries replaced by slice[0..len) (len 0: none),
 * into out, which must not hold old. */
void rank_chunk_put(struct nd_buf *out, const unsigned char *old, size_t old_n, int k,
		    const void *slice, size_t len);
/* The chunk's bytes hold no block's entries. */
bool rank_chunk_empty(const unsigned char *p, size_t n);

#endif
