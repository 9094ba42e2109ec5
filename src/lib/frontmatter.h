/*
 * frontmatter.h: splits an article file into YAML front matter and body and
 * parses the front matter with libyaml into a small tree of nd_node.
 * The only module that includes <yaml.h>.
 *
 * A file is an article when it starts (after an optional UTF-8 BOM) with a
 * line that is exactly "---" (trailing spaces/tabs and CRLF allowed), followed
 * by a YAML block mapping, followed by a closing line "---" or "..." (same
 * tolerance).  Everything after the closing line is the body.
 *
 * Scalars are resolved with the YAML 1.2 core schema: plain null/~/empty ->
 * ND_NODE_NULL; plain true/false (any of true, True, TRUE) -> ND_NODE_BOOL;
 * plain decimal/0x/0o integers that fit in int64 -> ND_NODE_INT; plain
 * floats (incl. .inf/.nan) that strtod represents -> ND_NODE_FLOAT; all other
 * plain scalars, every quoted or block scalar, and anything tagged !!str ->
 * ND_NODE_STR.  Whatever the type, `text` holds the scalar's text as written
 * (after YAML unescaping), so callers expecting text can always use it.
 *
 * YAML 1.1 merge keys are applied, as Jekyll's loader does: a plain `<<` key
 * whose value is a mapping (usually an alias) or a sequence of mappings is
 * replaced by their pairs, except keys the mapping defines itself; of a
 * sequence, earlier mappings win.  A `<<` with any other value, or quoted,
 * is an ordinary key.  A whole number too long for int64 resolves to
 * ND_NODE_FLOAT with its digits in `text` (callers that need it exact look
 * there).
 *
 * Limits that keep memory bounded whatever the input (each exceeded limit is
 * an error, not a truncation): nesting depth, the number of nodes after
 * alias expansion (billion-laughs), and total scalar bytes after alias
 * expansion.  Aliases to earlier anchors work; the aliased node is shared
 * (the tree is a DAG), which is safe because the whole tree is freed at once.
 */
#ifndef ND_FRONTMATTER_H
#define ND_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ND_FM_MAX_DEPTH 64
#define ND_FM_MAX_NODES 100000            /* after alias expansion */
#define ND_FM_MAX_SCALAR_BYTES (16u << 20) /* after alias expansion */

enum nd_node_type {
	ND_NODE_NULL,
	ND_NODE_BOOL,
	ND_NODE_INT,
	ND_NODE_FLOAT,
	ND_NODE_STR,
	ND_NODE_SEQ,
	ND_NODE_MAP,
};

struct nd_node {
	enum nd_node_type type;
	int line, col;        /* 1-based position of the node in the FILE (not in the YAML text) */
	const char *text;     /* scalars: text as written, NUL-terminated, never NULL ("" for empty); NULL for SEQ/MAP */
	size_t len;           /* scalars: strlen(text) */
	bool plain;           /* scalars: written plain (unquoted, not a block scalar) */
	bool b;               /* ND_NODE_BOOL */
	int64_t i;            /* ND_NODE_INT */
	double f;             /* ND_NODE_FLOAT */
	size_t count;         /* SEQ: number of items; MAP: number of pairs */
	struct nd_node **items; /* SEQ: items[0..count); MAP: items[2k] key (a scalar), items[2k+1] value */
};

struct nd_frontmatter {
	struct nd_node *root; /* an ND_NODE_MAP */
	const char *body;     /* points into the buffer given to nd_frontmatter_parse */
	size_t body_len;
	int body_line;        /* 1-based line of the file where the body starts */
	void *arena;          /* private: owns every node and string */
};

enum nd_fm_status {
	ND_FM_OK = 0,
	ND_FM_NOT_ARTICLE = 1, /* does not start with "---": not front matter at all */
	ND_FM_ERROR = -1,      /* looked like front matter but is broken: err is set */
};

/*
 * Parses buf[0..len) (need not be NUL-terminated, may contain NUL bytes).
 * On ND_FM_OK, *fm holds the tree and must be released with
 * nd_frontmatter_release().  On ND_FM_ERROR, err holds a message with the
 * 1-based line and column in the file (libyaml's mark plus the offset of the
 * opening line), and *fm needs no release.  Errors include: front matter never
 * closed, top level not a mapping, duplicate keys in any mapping, keys that
 * are not scalars, NUL bytes, invalid UTF-8 (libyaml's reader), tabs in
 * indentation, undefined aliases, more than one YAML document, and the
 * limits above.  libyaml reads the whole front matter before a problem of
 * shape (top level not a mapping, a key that is not a scalar, a duplicate
 * key, an undefined alias, a second document) is reported: when the YAML is
 * also broken further down, its syntax error is the one given.
 */
enum nd_fm_status nd_frontmatter_parse(const char *buf, size_t len,
				       struct nd_frontmatter *fm, struct nd_error *err);

void nd_frontmatter_release(struct nd_frontmatter *fm);

/* The value for `key` in a mapping node, or NULL when absent or when map is
 * not a mapping.  Keys compare exactly (byte-wise). */
const struct nd_node *nd_node_get(const struct nd_node *map, const char *key);

#endif
