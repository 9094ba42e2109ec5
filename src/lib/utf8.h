/*
 * utf8.h: UTF-8 decoding, encoding and validation, the one implementation
 * every module uses (front matter checks, normalization, terminal escaping,
 * JSON and YAML writers, the JSON reader).  Well-formed means Unicode's
 * definition: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
#ifndef ND_UTF8_H
#define ND_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Length of the well-formed sequence at p (p < e) with its code point in
 * *cp, or 0 when the bytes there are not one (*cp is then left alone). */
size_t nd_utf8_decode(const char *p, const char *e, uint32_t *cp);

/* Appends cp (at most U+10FFFF) in 1 to 4 bytes. */
void nd_utf8_add(struct nd_buf *b, uint32_t cp);

/* True when s[0..len) is well-formed; s may be NULL when len is 0. */
bool nd_utf8_valid(const char *s, size_t len);

#endif
