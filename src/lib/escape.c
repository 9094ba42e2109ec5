/* escape.c: terminal-safe text (escape.h). */
#include "escape.h"

#include <stdbool.h>
#include <stdint.h>

#include "utf8.h"

/* Code points a terminal acts on beyond the C0 range: C1 controls (0x9B is
 * CSI on terminals that take 8-bit controls) and the bidi controls that
 * reorder what follows them. */
static bool unsafe_code_point(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void nd_escape_terminal(struct nd_buf *out, const char *s, size_t len)
{
	const char *e = s + len;
	while (s < e) {
		unsigned char c = (unsigned char)*s;
		uint32_t cp;
		size_t n;
		if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case 0x1b: nd_buf_adds(out, "\\e"); break;
			case '\t': nd_buf_adds(out, "\\t"); break;
			case '\n': nd_buf_adds(out, "\\n"); break;
			case '\r': nd_buf_adds(out, "\\r"); break;
			default: nd_buf_addf(out, "\\x%02x", c);
			}
			s++;
		} else if (c < 0x80) {
			nd_buf_addc(out, (char)c);
			s++;
		} else if ((n = nd_utf8_decode(s, e, &cp)) == 0) {
			nd_buf_addf(out, "\\x%02x", c);
			s++;
		} else if (unsafe_code_point(cp)) {
			nd_buf_addf(out, "\\u%04x", (unsigned)cp);
			s += n;
		} else {
			nd_buf_add(out, s, n);
			s += n;
		}
	}
}
