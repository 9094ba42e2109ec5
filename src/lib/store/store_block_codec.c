/*
 * store_block_codec.c: a facet block's bytes (store_block_codec.h), written
 * and read.
 */
#include "store_block_codec.h"

#include <stdlib.h>
#include <string.h>

static void put_uint(struct nd_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	int n = 0;
	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	nd_buf_add(b, tmp, (size_t)n);
}

/* Reads one number at p[*at..n); false when the bytes end inside it. */
static bool get_uint(const unsigned char *p, size_t n, size_t *at, uint64_t *out)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64 && *at < n; shift += 7) {
		unsigned char c = p[(*at)++];
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static void put_le(struct nd_buf *b, uint64_t v, int bytes)
{
	unsigned char tmp[8];
	for (int k = 0; k < bytes; k++)
		tmp[k] = (unsigned char)(v >> 8 * k);
	nd_buf_add(b, tmp, (size_t)bytes);
}

static uint64_t zigzag(int64_t v)
{
	return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

static int64_t unzigzag(uint64_t v)
{
	return v & 1 ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

void block_writer_add(struct block_writer *w, int slot, const struct store_block_row *row,
		      const char *type, const int64_t *topics)
{
	w->present |= 1ull << slot;
	put_le(&w->offsets, (uint64_t)w->body.len, 4);
	put_uint(&w->body, (uint64_t)row->provider);
	put_uint(&w->body, row->dated ? zigzag(row->day) + 1 : 0);
	size_t k = 0;
	if (type) {
		while (k < w->n_types && strcmp(w->types[k], type))
			k++;
		if (k == w->n_types)
			w->types[w->n_types++] = nd_xstrdup(type);
	}
	put_uint(&w->body, type ? k + 1 : 0);
	put_uint(&w->body, row->n_topics);
	for (uint32_t t = 0; t < row->n_topics; t++)
		put_uint(&w->body, (uint64_t)topics[t]);
	put_le(&w->body, row->hash, 4);
	uint64_t rank = row->length << 1 | (row->archived ? 1 : 0);
	put_uint(&w->body, rank);
	w->ranks[w->n_ranks++] = rank;
}

/* The fewest bytes that hold every rank entry (at least one). */
static int rank_width(const struct block_writer *w)
{
	uint64_t all = 0;
	for (int k = 0; k < w->n_ranks; k++)
		all |= w->ranks[k];
	int bytes = 1;
	while (bytes < 8 && all >> 8 * bytes)
		bytes++;
	return bytes;
}

void block_writer_finish(struct block_writer *w, struct nd_buf *out, struct nd_buf *ranks)
{
	nd_buf_reset(ranks);
	put_le(ranks, w->present, 8);
	int width = rank_width(w);
	nd_buf_addc(ranks, (char)width);
	for (int k = 0; k < w->n_ranks; k++)
		put_le(ranks, w->ranks[k], width);
	nd_buf_reset(out);
	put_uint(out, w->n_types);
	for (size_t k = 0; k < w->n_types; k++) {
		nd_buf_add(out, w->types[k], strlen(w->types[k]) + 1);
		free(w->types[k]);
	}
	put_le(out, w->present, 8);
	nd_buf_add(out, w->offsets.data, w->offsets.len);
	nd_buf_add(out, w->body.data, w->body.len);
	nd_buf_release(&w->body);
	nd_buf_release(&w->offsets);
	*w = (struct block_writer){ .n_types = 0 };
}

bool block_view_load(struct block_view *v, const unsigned char *p, size_t n)
{
	*v = (struct block_view){ .p = p, .n = n };
	size_t at = 0;
	uint64_t n_types;
	if (!get_uint(p, n, &at, &n_types) || n_types > STORE_BLOCK_IDS)
		return false;
	for (uint64_t k = 0; k < n_types; k++) {
		const unsigned char *end = at < n ? memchr(p + at, 0, n - at) : NULL;
		if (!end)
			return false;
		v->types[v->n_types++] = (const char *)p + at;
		at = (size_t)(end - p) + 1;
	}
	if (n - at < 8)
		return false;
	uint64_t present = block_get_le(p + at, 8);
	at += 8;
	size_t n_rows = (size_t)__builtin_popcountll(present);
	if ((n - at) / 4 < n_rows)
		return false;
	v->offsets = at;
	v->entries = at + 4 * n_rows;
	v->present = present;
	return true;
}

bool block_view_row(const struct block_view *v, int slot, struct store_block_row *row,
		    int64_t **topics, size_t *cap)
{
	if (slot < 0 || slot >= STORE_BLOCK_IDS || !(v->present >> slot & 1))
		return false;
	const unsigned char *p = v->p;
	size_t n = v->n;
	int rank = __builtin_popcountll(v->present & ((1ull << slot) - 1));
	size_t at = v->entries + (size_t)block_get_le(p + v->offsets + 4 * (size_t)rank, 4);
	uint64_t provider, day, type, n_topics, t;
	if (at >= n || !get_uint(p, n, &at, &provider) || !get_uint(p, n, &at, &day) ||
	    !get_uint(p, n, &at, &type) || type > v->n_types || !get_uint(p, n, &at, &n_topics) ||
	    n_topics > n - at)
		return false;
	if (n_topics > *cap) {
		*cap = n_topics > 64 ? (size_t)n_topics : 64;
		free(*topics);
		*topics = nd_xmalloc(*cap * sizeof(**topics));
	}
	for (uint64_t k = 0; k < n_topics; k++) {
		if (!get_uint(p, n, &at, &t))
			return false;
		(*topics)[k] = (int64_t)t;
	}
	if (n - at < 4)
		return false;
	uint32_t hash = (uint32_t)block_get_le(p + at, 4);
	at += 4;
	uint64_t length;
	if (!get_uint(p, n, &at, &length))
		return false;
	*row = (struct store_block_row){
		.provider = (int64_t)provider, .dated = day != 0, .day = day ? unzigzag(day - 1) : 0,
		.type = (int)type - 1, .n_topics = (uint32_t)n_topics, .hash = hash,
		.length = length >> 1, .archived = length & 1,
	};
	return true;
}

bool block_ranks_load(struct block_ranks_view *v, const unsigned char *p, size_t n)
{
	if (n < 9)
		return false;
	uint64_t present = block_get_le(p, 8);
	int width = p[8];
	size_t n_rows = (size_t)__builtin_popcountll(present);
	if (width < 1 || width > 8 || (n - 9) % (size_t)width || (n - 9) / (size_t)width != n_rows)
		return false;
	*v = (struct block_ranks_view){ present, width, p + 9 };
	return true;
}

bool block_ranks_get(const unsigned char *p, size_t n, int slot, uint64_t *length,
		     bool *archived)
{
	struct block_ranks_view v;
	return block_ranks_load(&v, p, n) && block_ranks_at(&v, slot, length, archived);
}

/* The chunk's lengths into len[]: false when its bytes are not a chunk. */
static bool chunk_lengths(const unsigned char *p, size_t n, size_t len[STORE_CHUNK_BLOCKS])
{
	size_t head = 2 * STORE_CHUNK_BLOCKS, sum = 0;
	if (!p || n < head)
		return false;
	for (int k = 0; k < STORE_CHUNK_BLOCKS; k++)
		sum += len[k] = (size_t)block_get_le(p + 2 * k, 2);
	return sum == n - head;
}

bool rank_chunk_slice(const unsigned char *p, size_t n, int k, const unsigned char **slice,
		      size_t *len)
{
	size_t lens[STORE_CHUNK_BLOCKS];
	if (k < 0 || k >= STORE_CHUNK_BLOCKS || !chunk_lengths(p, n, lens))
		return false;
	size_t at = 2 * STORE_CHUNK_BLOCKS;
	for (int j = 0; j < k; j++)
		at += lens[j];
	*slice = p + at;
	*len = lens[k];
	return true;
}

void rank_chunk_put(struct nd_buf *out, const unsigned char *old, size_t old_n, int k,
		    const void *slice, size_t len)
{
	size_t lens[STORE_CHUNK_BLOCKS];
	if (!chunk_lengths(old, old_n, lens))
		memset(lens, 0, sizeof(lens));
	nd_buf_reset(out);
	for (int j = 0; j < STORE_CHUNK_BLOCKS; j++)
		put_le(out, j == k ? len : lens[j], 2);
	/* a length is not 0 only when old is a chunk */
	size_t at = 2 * STORE_CHUNK_BLOCKS;
	for (int j = 0; j < STORE_CHUNK_BLOCKS; j++) {
		if (j == k) {
			if (len)
				nd_buf_add(out, slice, len);
		} else if (lens[j]) {
			nd_buf_add(out, old + at, lens[j]);
		}
		at += lens[j];
	}
}

bool rank_chunk_empty(const unsigned char *p, size_t n)
{
	size_t lens[STORE_CHUNK_BLOCKS];
	return chunk_lengths(p, n, lens) && n == 2 * STORE_CHUNK_BLOCKS;
}
