/*
 * store_cjk.c: nd_cjk_row(title, excerpt, body) as an SQL function: 1 for
 * the rows articles_trigram holds (title || excerpt || body GLOB a class of
 * CJK characters, as the triggers put it, with the class as store_internal.h
 * says), in one pass over the bytes.  The import asks it of every row it
 * wrote: at 100 000 files its statement that fills the index took 1.35 s of
 * CPU with the three texts copied together and tested for being all ASCII
 * first, in SQL, and takes 0.60 s with this (most of it indexing the 4% of
 * rows with CJK text).
 *
 * Exactly means on any bytes, not only on valid UTF-8: the GLOB reads the
 * joined text up to its first NUL, a character at a time as SQLite's own
 * decoder does (a lead byte takes every continuation byte after it, even
 * across two columns; a stray continuation byte stands for itself).
 * check_cjkrow.c holds the two against each other over random bytes.
 */
#include "store_internal.h"

#include <stddef.h>
#include <stdint.h>

/* The character classes of the triggers' GLOB (schema/008_trigram_ends.sql). */
static bool cjk(uint32_t c)
{
	return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) ||
	       (c >= 0x20000 && c <= 0x2fa1f);
}

/* The value bits of a lead byte 0xC0-0xFF, as SQLite's decoder takes them. */
static uint32_t lead_bits(unsigned char b)
{
	return b < 0xe0 ? b & 0x1fu : b < 0xf0 ? b & 0x0fu : b < 0xf8 ? b & 0x07u
	     : b < 0xfc ? b & 0x03u : b < 0xfe ? b & 0x01u : 0;
}

struct text_run {
	const unsigned char *p[3];
	size_t n[3];
	int part;
	size_t at;
};

/* The next byte of the three texts one after the other; 0 at their end. */
static unsigned char next_byte(struct text_run *r)
{
	while (r->part < 3 && r->at == r->n[r->part]) {
		r->part++;
		r->at = 0;
	}
	return r->part < 3 ? r->p[r->part][r->at++] : 0;
}

static unsigned char peek_byte(struct text_run *r)
{
	struct text_run copy = *r;
	return next_byte(&copy);
}

static void cjk_row_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct text_run r = { .part = 0 };
	for (int k = 0; k < argc && k < 3; k++) {
		r.p[k] = sqlite3_value_text(argv[k]);
		r.n[k] = r.p[k] ? (size_t)sqlite3_value_bytes(argv[k]) : 0;
	}
	for (unsigned char b; (b = next_byte(&r)) != 0;) {
		if (b < 0xc0)
			continue; /* ASCII, or a stray continuation byte: never CJK */
		uint32_t c = lead_bits(b);
		for (unsigned char t; ((t = peek_byte(&r)) & 0xc0) == 0x80; next_byte(&r))
			c = (c << 6) + (t & 0x3fu);
		/* what SQLite would make U+FFFD (below U+0080, a surrogate,
		 * U+FFFE or U+FFFF) is outside the classes as it is */
		if (cjk(c)) {
			sqlite3_result_int(ctx, 1);
			return;
		}
	}
	sqlite3_result_int(ctx, 0);
}

int store_register_cjk_row(sqlite3 *db)
{
	return sqlite3_create_function(db, "nd_cjk_row", 3,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       cjk_row_fn, NULL, NULL);
}
