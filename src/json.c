/* json.c: JSON text from strings and YAML nodes. */
#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "normalize.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	uint32_t cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void nd_json_add_string(struct nd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	nd_buf_addc(b, '"');
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			nd_buf_addc(b, '\\');
			nd_buf_addc(b, (char)c);
			i++;
		} else if (c == '\n') {
			nd_buf_adds(b, "\\n");
			i++;
		} else if (c == '\t') {
			nd_buf_adds(b, "\\t");
			i++;
		} else if (c == '\r') {
			nd_buf_adds(b, "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			nd_buf_addf(b, "\\u%04x", c);
			i++;
		} else {
			size_t n = utf8_seq_len(p + i, len - i);
			if (n == 0) {
				nd_buf_adds(b, "\xef\xbf\xbd");
				i++;
			} else {
				nd_buf_add(b, p + i, n);
				i += n;
			}
		}
	}
	nd_buf_addc(b, '"');
}

void nd_json_add_node(struct nd_buf *b, const struct nd_node *node)
{
	switch (node->type) {
	case ND_NODE_NULL:
		nd_buf_adds(b, "null");
		break;
	case ND_NODE_BOOL:
		nd_buf_adds(b, node->b ? "true" : "false");
		break;
	case ND_NODE_INT:
		nd_buf_addf(b, "%lld", (long long)node->i);
		break;
	case ND_NODE_FLOAT: {
		int64_t whole;
		/* a whole number beyond 64 bits as its text: SQLite's json
		 * functions and JavaScript would round it as a number */
		if (nd_norm_int(node->text, &whole) == 1)
			nd_json_add_string(b, node->text, node->len);
		else if (isfinite(node->f))
			nd_buf_addf(b, "%.17g", node->f);
		else
			nd_json_add_string(b, node->text, node->len);
		break;
	}
	case ND_NODE_STR:
		nd_json_add_string(b, node->text, node->len);
		break;
	case ND_NODE_SEQ:
		nd_buf_addc(b, '[');
		for (size_t k = 0; k < node->count; k++) {
			if (k)
				nd_buf_addc(b, ',');
			nd_json_add_node(b, node->items[k]);
		}
		nd_buf_addc(b, ']');
		break;
	case ND_NODE_MAP:
		nd_buf_addc(b, '{');
		for (size_t k = 0; k < node->count; k++) {
			const struct nd_node *key = node->items[2 * k];
			if (k)
				nd_buf_addc(b, ',');
			nd_json_add_string(b, key->text, key->len);
			nd_buf_addc(b, ':');
			nd_json_add_node(b, node->items[2 * k + 1]);
		}
		nd_buf_addc(b, '}');
		break;
	}
}
