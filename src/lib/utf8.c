/* utf8.c: UTF-8 decoding, encoding and validation (utf8.h). */
#include "utf8.h"

#include <assert.h>

size_t nd_utf8_decode(const char *p, const char *e, uint32_t *cp)
{
	assert(p && p < e && cp);
	const unsigned char *s = (const unsigned char *)p;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		if (s[0] == 0xE0)
			lo = 0xA0; /* overlong */
		else if (s[0] == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		if (s[0] == 0xF0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if ((size_t)(e - p) < n || s[1] < lo || s[1] > hi)
		return 0;
	uint32_t v = s[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return n;
}

void nd_utf8_add(struct nd_buf *b, uint32_t cp)
{
	assert(cp <= 0x10FFFF);
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	nd_buf_add(b, u, n);
}

bool nd_utf8_valid(const char *s, size_t len)
{
	if (!len)
		return true; /* s may be NULL then */
	const char *e = s + len;
	while (s < e) {
		uint32_t cp;
		size_t n = nd_utf8_decode(s, e, &cp);
		if (!n)
			return false;
		s += n;
	}
	return true;
}
