/*
 * json.h: writing JSON text into an nd_buf (the `extra` column and the output
 * printer: one implementation of string escaping for both) and reading it
 * back (export writes `extra`'s members among the article's fields).
 */
#ifndef ND_JSON_H
#define ND_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "frontmatter.h"

/* Appends s[0..len) as a JSON string literal (quotes included).  Invalid
 * UTF-8 bytes become U+FFFD so the output is always valid JSON. */
void nd_json_add_string(struct nd_buf *b, const char *s, size_t len);

/* A finite double as text in the fewest digits that read back as the same
 * double, always with a '.' or an exponent, so that neither JSON nor YAML
 * readers take it for an integer: into text (40 bytes are enough). */
void nd_json_real_text(double r, char *text, size_t size);

/* Appends a YAML node as JSON: mappings become objects (keys in file order),
 * sequences arrays, null/bool/int/float their JSON forms (a float as
 * nd_json_real_text writes it; one that JSON cannot hold, such as .inf,
 * becomes its text as a string), strings strings.
 * Recursion depth is bounded by the parser's ND_FM_MAX_DEPTH. */
void nd_json_add_node(struct nd_buf *b, const struct nd_node *node);

/* What the reader reports, in document order; any of them may be NULL. */
struct nd_json_events {
	void (*begin)(void *ctx, bool seq); /* an array (seq) or object opens */
	void (*end)(void *ctx);
	/* a key of an object `depth` levels down (1: the outermost object's) */
	void (*key)(void *ctx, int depth, const char *key, size_t len);
	void (*string)(void *ctx, const char *s, size_t len); /* unescaped */
	void (*plain)(void *ctx, const char *text, size_t len); /* number, true, false, null as written */
};

/* Reads `text`, which must be one JSON object, reporting its members (not
 * the object's own begin and end) to ev.  A lone surrogate escape becomes
 * U+FFFD.  Returns false when text is not a JSON object with containers at
 * most max_depth deep inside it; what was reported before the problem was
 * found stays reported, so a caller that must not write half checks first
 * with events that only look. */
bool nd_json_read_members(const char *text, int max_depth, const struct nd_json_events *ev,
			  void *ctx);

#endif
