/* hash.h: content hashes for sources (change and rename detection). */
#ifndef ND_HASH_H
#define ND_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a of data[0..len). */
uint64_t nd_hash64(const void *data, size_t len);

/* Writes the hash as 16 lowercase hex digits and a NUL into out[17]. */
void nd_hash_hex(uint64_t hash, char out[17]);

#endif
