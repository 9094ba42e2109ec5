/*
 * copykey.c: the key of syndicated copies (copykey.h): titles folded as
 * syndication changes them, then stripped of a trailing provider.
 */
#include "copykey.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

/* The code point of the UTF-8 sequence at p, its length in *len; a byte
 * that starts no valid sequence is taken alone (and kept as it is). */
static uint32_t decode(const unsigned char *p, size_t *len)
{
	if (p[0] >= 0xE0 && p[0] < 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		*len = 3;
		return (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	}
	if (p[0] >= 0xC2 && p[0] < 0xE0 && (p[1] & 0xC0) == 0x80) {
		*len = 2;
		return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
	}
	*len = 1;
	return p[0] < 0x80 ? p[0] : 0xFFFFFFFF;
}

static bool is_space(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x202F || c == 0x205F || c == 0x3000;
}

/* The ASCII character c stands for, or 0 when it stands for itself. */
static char plain(uint32_t c)
{
	if (c == 0x2018 || c == 0x2019 || c == 0x201A || c == 0x201B || c == 0x2032)
		return '\'';
	if ((c >= 0x201C && c <= 0x201F) || c == 0x2033)
		return '"';
	if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212)
		return '-';
	return 0;
}

/* Step 1 of the rule into b: folded, one space between words, none outside. */
static void fold(struct nd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool space = false;

	while (*p) {
		size_t len;
		uint32_t c = decode(p, &len);
		if (is_space(c)) {
			space = b->len > 0;
		} else {
			if (space)
				nd_buf_addc(b, ' ');
			space = false;
			char a = plain(c);
			if (a)
				nd_buf_addc(b, a);
			else if (len == 1)
				nd_buf_addc(b, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : (char)*p);
			else
				nd_buf_add(b, (const char *)p, len);
		}
		p += len;
	}
}

static bool ends_with(const char *s, size_t n, const char *tail, size_t t)
{
	return t <= n && memcmp(s + n - t, tail, t) == 0;
}

/* The length of key[0..n) without a trailing " - P" or " | P", or n. */
static size_t strip_dash(const char *key, size_t n, const char *p)
{
	size_t t = strlen(p);

	if (!t || !ends_with(key, n, p, t))
		return n;
	size_t rest = n - t;
	if (!ends_with(key, rest, " - ", 3) && !ends_with(key, rest, " | ", 3))
		return n;
	return rest - 3;
}

/* The same for "(P)": the parenthesis is outside p. */
static size_t strip_paren(const char *key, size_t n, const char *p)
{
	size_t t = strlen(p);

	if (!t || n < t + 2 || key[n - 1] != ')' || key[n - t - 2] != '(' ||
	    memcmp(key + n - t - 1, p, t) != 0)
		return n;
	size_t rest = n - t - 2;
	while (rest > 0 && key[rest - 1] == ' ')
		rest--;
	return rest;
}

char *nd_copy_key(const char *title, const char *provider_name, const char *provider_domain)
{
	struct nd_buf key = ND_BUF_INIT, name = ND_BUF_INIT, domain = ND_BUF_INIT;

	if (title)
		fold(&key, title);
	if (provider_name)
		fold(&name, provider_name);
	if (provider_domain)
		fold(&domain, provider_domain);
	const char *ps[2] = { nd_buf_str(&name), nd_buf_str(&domain) };
	for (bool again = key.len > 0; again;) {
		again = false;
		for (int k = 0; k < 2; k++) {
			size_t n = strip_dash(key.data, key.len, ps[k]);
			if (n == key.len)
				n = strip_paren(key.data, key.len, ps[k]);
			/* a title that is only its provider's name stays */
			if (n < key.len && n > 0) {
				key.len = n;
				key.data[n] = '\0';
				again = true;
			}
		}
	}
	nd_buf_release(&name);
	nd_buf_release(&domain);
	if (key.len == 0) {
		nd_buf_release(&key);
		return NULL;
	}
	return nd_buf_detach(&key);
}
