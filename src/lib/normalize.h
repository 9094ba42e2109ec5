/*
 * normalize.h: the identity and value rules of newsdb, as pure functions on
 * strings.  No I/O, no global state; safe to call from any thread.
 * Returned strings are malloc'ed and owned by the caller.
 */
#ifndef ND_NORMALIZE_H
#define ND_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Canonical URL, the identity of an article.  Trims surrounding whitespace;
 * requires an absolute URL "scheme://host..." (scheme letters/digits/+-.);
 * lowercases scheme and host; removes a trailing dot of the host; drops the
 * default port (80 for http, 443 for https); drops the fragment; removes
 * well-known tracking query parameters (utm_*, fbclid, gclid, dclid, msclkid,
 * mc_cid, mc_eid, igshid, _ga, yclid, ocid, cmpid, ref_src) keeping the order
 * of the others, and the "?" when nothing remains; an empty path becomes "/".
 * Userinfo, path and remaining query are kept byte for byte (no
 * percent-decoding, no case change).  Returns NULL when the text is empty, has
 * no scheme or host, or contains whitespace or control characters inside.
 */
char *nd_norm_url(const char *url);

/*
 * Provider domain: trims; accepts a bare host or a URL; strips scheme,
 * userinfo, path, query, fragment, port and trailing dots; lowercases ASCII;
 * removes a leading "www." (only one).  Returns NULL when nothing is left or
 * the host has characters other than letters, digits, '-', '.', '_' or
 * non-ASCII (IDN) bytes.
 */
char *nd_norm_domain(const char *domain);

/*
 * Display form of a name (provider, topic): trims and collapses runs of
 * whitespace (ASCII whitespace and Unicode spaces such as U+00A0 NBSP,
 * U+2000..U+200A, U+202F, U+205F, U+3000) into one ASCII space.  Returns NULL
 * when nothing is left.
 */
char *nd_norm_space(const char *s);

/*
 * Identity key of a name: nd_norm_space() then case folding: ASCII, Latin-1
 * Supplement, Latin Extended-A, Greek and Cyrillic upper case letters are
 * lowered; other bytes are kept.  Returns NULL when nothing is left.
 */
char *nd_norm_key(const char *s);

/*
 * Dates to ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" (20 chars + NUL into out[21]).
 * Accepts: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" with 'T',
 * 't' or one space as separator, optional fraction ".ddd" (dropped, never
 * rounded), and zone "Z"/"z", "+HH:MM", "+HHMM", "+HH", "-..." or none (UTC),
 * or " UTC"/" GMT"; also RFC 2822 "Thu, 30 Dec 2021 00:22:00 +0000" (weekday
 * optional, zone as numeric offset or UT/UTC/GMT/Z).  Surrounding whitespace is
 * ignored.  Validates ranges (month, day for the month incl. leap years,
 * hour <= 23, minute <= 59, second <= 60 where 60 carries into the next
 * minute) and converts the offset to UTC (which may change the date).
 * Returns 0 on success, -1 when the text is not such a date (out untouched).
 */
int nd_norm_date(const char *text, char out[21]);

/* Booleans: true/false, yes/no, on/off, y/n, 1/0 in any letter case.
 * Returns 0 and sets *out, or -1. */
int nd_norm_bool(const char *text, bool *out);

/* Whole numbers: optional sign, decimal digits (optional '_' separators are
 * not accepted), fits int64.  Surrounding whitespace ignored.  Returns 0, 1
 * for a whole number beyond int64 (*out untouched: a real would round it,
 * so callers keep its text), or -1. */
int nd_norm_int(const char *text, int64_t *out);

/* Real numbers: what strtod accepts in plain decimal or exponent form, finite
 * and without range error (so "1e999", "nan", "inf", hex floats fail).
 * Surrounding whitespace ignored.  0 or -1. */
int nd_norm_real(const char *text, double *out);

/* True when s has at least one character of a script written without spaces
 * between words (Han, Hiragana, Katakana, Hangul, CJK punctuation excluded). */
bool nd_norm_has_cjk(const char *s);
/* True when s is not empty and every character of it is such a one. */
bool nd_norm_all_cjk(const char *s);


#endif
