/*
 * fuzz_blocks.c: libFuzzer target for the facet blocks' bytes
 * (store_block_codec.h), which a search reads from a file anyone may have
 * written.  The input is read twice: as a block's bytes, as its rank
 * entries and as a chunk of them, each of whose entries is decoded (nothing
 * may crash or read outside them); and as the articles of a block, which
 * are written, read back from both, spliced into a chunk and read back, and
 * must come back the same (a mismatch aborts).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_block_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next n bytes of the input as a little-endian number (0 past its end). */
static uint64_t take(const uint8_t *data, size_t size, size_t *at, int n)
{
	uint64_t v = 0;
	for (int k = 0; k < n; k++, (*at)++)
		v |= (uint64_t)(*at < size ? data[*at] : 0) << 8 * k;
	return v;
}

static void decode_as_block(const uint8_t *data, size_t size)
{
	struct block_view v;
	/* a copy of exactly size bytes: ASan sees any read past them */
	unsigned char *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	if (block_view_load(&v, copy, size)) {
		int64_t *topics = NULL;
		size_t cap = 0;
		for (int slot = 0; slot < STORE_BLOCK_IDS; slot++) {
			struct store_block_row row;
			if (block_view_row(&v, slot, &row, &topics, &cap) && row.type >= 0 &&
			    (size_t)row.type >= v.n_types)
				abort();
		}
		free(topics);
	}
	for (int slot = 0; slot < STORE_BLOCK_IDS; slot++) {
		uint64_t length;
		bool archived;
		/* a slot without an article is never an entry */
		if (block_ranks_get(copy, size, slot, &length, &archived) &&
		    !(take(data, size, &(size_t){ 0 }, 8) >> slot & 1))
			abort();
	}
	/* and as a chunk of rank entries, each block's read in turn */
	for (int k = 0; k < STORE_CHUNK_BLOCKS; k++) {
		const unsigned char *slice;
		size_t len;
		uint64_t length;
		bool archived;
		if (!rank_chunk_slice(copy, size, k, &slice, &len))
			break;
		if (slice < copy || len > size || slice + len > copy + size)
			abort();
		for (int slot = 0; slot < STORE_BLOCK_IDS; slot++)
			(void)block_ranks_get(slice, len, slot, &length, &archived);
	}
	free(copy);
}

static const char *const type_names[] = { "article", "video", "", "slideshow" };

static void round_trip(const uint8_t *data, size_t size)
{
	struct store_block_row rows[STORE_BLOCK_IDS];
	int64_t topics[STORE_BLOCK_IDS][4];
	const char *types[STORE_BLOCK_IDS];
	bool present[STORE_BLOCK_IDS] = { false };
	struct block_writer w = { .n_types = 0 };
	size_t at = 0;
	uint64_t mask = take(data, size, &at, 8);
	for (int slot = 0; slot < STORE_BLOCK_IDS; slot++) {
		if (!(mask >> slot & 1))
			continue;
		present[slot] = true;
		uint64_t kind = take(data, size, &at, 1);
		rows[slot] = (struct store_block_row){
			.provider = (int64_t)(take(data, size, &at, 8) >> 1),
			.dated = kind & 1,
			.day = (kind & 1) ? (int64_t)take(data, size, &at, 4) - 2000000000LL : 0,
			.hash = (uint32_t)take(data, size, &at, 4),
			.n_topics = (uint32_t)(kind >> 1 & 3),
			.length = take(data, size, &at, 8) >> 2,
			.archived = kind >> 6 & 1,
		};
		for (uint32_t t = 0; t < rows[slot].n_topics; t++)
			topics[slot][t] = (int64_t)(take(data, size, &at, 8) >> 1);
		types[slot] = kind & 8 ? type_names[kind >> 4 & 3] : NULL;
		block_writer_add(&w, slot, &rows[slot], types[slot], topics[slot]);
	}
	struct nd_buf out = ND_BUF_INIT, ranks = ND_BUF_INIT;
	block_writer_finish(&w, &out, &ranks);
	struct block_view v;
	if (!block_view_load(&v, (const unsigned char *)out.data, out.len) || v.present != mask)
		abort();
	int64_t *got_topics = NULL;
	size_t cap = 0;
	for (int slot = 0; slot < STORE_BLOCK_IDS; slot++) {
		if (!present[slot])
			continue;
		struct store_block_row got;
		const struct store_block_row *want = &rows[slot];
		uint64_t length;
		bool archived;
		if (!block_ranks_get((const unsigned char *)ranks.data, ranks.len, slot, &length,
				     &archived) ||
		    length != want->length || archived != want->archived)
			abort();
		if (!block_view_row(&v, slot, &got, &got_topics, &cap) ||
		    got.provider != want->provider || got.dated != want->dated ||
		    got.day != want->day || got.hash != want->hash ||
		    got.n_topics != want->n_topics || got.length != want->length ||
		    got.archived != want->archived ||
		    (want->n_topics &&
		     memcmp(got_topics, topics[slot], want->n_topics * sizeof(int64_t))) ||
		    (got.type < 0) != (types[slot] == NULL) ||
		    (types[slot] && strcmp(v.types[got.type], types[slot])))
			abort();
	}
	for (int slot = 0; slot < STORE_BLOCK_IDS; slot++) {
		uint64_t length;
		bool archived;
		if (!present[slot] && block_ranks_get((const unsigned char *)ranks.data, ranks.len,
						      slot, &length, &archived))
			abort();
	}
	/* the entries spliced into a chunk beside another block's, read back,
	 * then taken out again: the chunk is empty */
	int k = (int)(mask % STORE_CHUNK_BLOCKS), other = (k + 1) % STORE_CHUNK_BLOCKS;
	struct nd_buf chunk = ND_BUF_INIT, next = ND_BUF_INIT;
	rank_chunk_put(&chunk, NULL, 0, other, "x", 1);
	rank_chunk_put(&next, (const unsigned char *)chunk.data, chunk.len, k, ranks.data, ranks.len);
	const unsigned char *slice;
	size_t len;
	if (!rank_chunk_slice((const unsigned char *)next.data, next.len, k, &slice, &len) ||
	    len != ranks.len || memcmp(slice, ranks.data, len) ||
	    !rank_chunk_slice((const unsigned char *)next.data, next.len, other, &slice, &len) ||
	    len != 1 || *slice != 'x')
		abort();
	rank_chunk_put(&chunk, (const unsigned char *)next.data, next.len, k, NULL, 0);
	rank_chunk_put(&next, (const unsigned char *)chunk.data, chunk.len, other, NULL, 0);
	if (!rank_chunk_empty((const unsigned char *)next.data, next.len))
		abort();
	nd_buf_release(&chunk);
	nd_buf_release(&next);
	free(got_topics);
	nd_buf_release(&out);
	nd_buf_release(&ranks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_as_block(data, size);
	round_trip(data, size);
	return 0;
}
