/*
 * json.h: writing JSON text into an nd_buf.  Used for the `extra` column and
 * by the output printer; one implementation of string escaping for both.
 */
#ifndef ND_JSON_H
#define ND_JSON_H

#include <stddef.h>

#include "buf.h"
#include "frontmatter.h"

/* Appends s[0..len) as a JSON string literal (quotes included).  Invalid
 * UTF-8 bytes become U+FFFD so the output is always valid JSON. */
void nd_json_add_string(struct nd_buf *b, const char *s, size_t len);

/* Appends a YAML node as JSON: mappings become objects (keys in file order),
 * sequences arrays, null/bool/int/float their JSON forms (a float that JSON
 * cannot hold, such as .inf, becomes its text as a string), strings strings.
 * Recursion depth is bounded by the parser's ND_FM_MAX_DEPTH. */
void nd_json_add_node(struct nd_buf *b, const struct nd_node *node);

#endif
