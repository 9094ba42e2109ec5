/* sha256.h: SHA-256 (FIPS 180-4), for ids that must not collide: the
 * document ids of the OpenSearch feed. */
#ifndef ND_SHA256_H
#define ND_SHA256_H

#include <stddef.h>

#define ND_SHA256_BYTES 32

/* The digest of data[0..len) into out. */
void nd_sha256(const void *data, size_t len, unsigned char out[ND_SHA256_BYTES]);

/* The feed's document id of an article: the first 128 bits of the SHA-256
 * of its canonical URL, as 32 lowercase hex digits and a NUL.  A function of
 * the URL alone, so every database of the same files gives the same ids and
 * a feed sent twice updates instead of duplicating.  128 bits, not FNV's 64:
 * at 50 million URLs a 64-bit id has a 1 in 15,000 chance of two articles
 * sharing one (one would silently replace the other in the cluster), and
 * FNV can be made to collide on purpose by whoever writes the URLs; 128 bits
 * of SHA-256 put both out of reach (about 4e-24 at that size). */
#define ND_DOC_ID_LEN 32
void nd_hash_doc_id(const char *url, char out[ND_DOC_ID_LEN + 1]);

#endif
