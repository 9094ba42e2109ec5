/*
 * frontmatter.c: splitting an article into front matter and body, and
 * building the nd_node tree from libyaml's events.  The tree is built from
 * events (not libyaml's document API) so the limits are enforced while it
 * grows; nodes and strings live in an arena freed in one go.
 */
#include "frontmatter.h"

#include <errno.h>
#include <math.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "hash.h"

/* The YAML text starts on the file's second line; libyaml counts from 0. */
#define FIRST_YAML_LINE 2
/* Past this many keys a mapping checks duplicates with a hash set. */
#define SMALL_MAP 32
/* Longest key or alias name quoted in an error message, in bytes. */
#define MAX_QUOTE 60

/* ---- arena ---- */

struct block {
	struct block *next;
	size_t used, cap;
	max_align_t data[];
};

#define FIRST_BLOCK (16u << 10)
#define MAX_BLOCK (1u << 20)

/* Returns size bytes aligned to align from the arena whose newest block is
 * *head; starts a new block when the current one is full. */
static void *arena_alloc(struct block **head, size_t size, size_t align)
{
	struct block *b = *head;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
	if (!b || at + size > b->cap) {
		size_t cap = b ? b->cap * 2 : FIRST_BLOCK;
		if (cap > MAX_BLOCK)
			cap = MAX_BLOCK;
		if (cap < size)
			cap = size;
		b = nd_xmalloc(sizeof(*b) + cap);
		b->next = *head;
		b->cap = cap;
		*head = b;
		at = 0;
	}
	b->used = at + size;
	return (unsigned char *)b->data + at;
}

static void arena_free(struct block *b)
{
	while (b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
}

/* ---- string hash set (duplicate keys of big mappings, anchors) ---- */

struct slot {
	const char *s; /* NULL: empty slot */
	size_t len;
	uint64_t hash;
	const void *val;
};

struct strset {
	struct slot *slots;
	size_t count, cap; /* cap is 0 or a power of two */
};

static struct slot *probe(const struct strset *set, const char *s, size_t len, uint64_t hash)
{
	size_t mask = set->cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct slot *sl = &set->slots[i];
		if (!sl->s || (sl->hash == hash && sl->len == len && !memcmp(sl->s, s, len)))
			return sl;
	}
}

/* The slot of s, or NULL when s is not in the set. */
static const struct slot *set_get(const struct strset *set, const char *s, size_t len)
{
	if (!set->cap)
		return NULL;
	const struct slot *sl = probe(set, s, len, nd_hash64(s, len));
	return sl->s ? sl : NULL;
}

/* The slot of s, added with a NULL value when new.  s must outlive the set. */
static struct slot *set_add(struct strset *set, const char *s, size_t len)
{
	if (2 * (set->count + 1) > set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 64;
		struct strset bigger = { nd_xcalloc(cap, sizeof(struct slot)), set->count, cap };
		for (size_t i = 0; i < set->cap; i++)
			if (set->slots[i].s)
				*probe(&bigger, set->slots[i].s, set->slots[i].len,
				       set->slots[i].hash) = set->slots[i];
		free(set->slots);
		*set = bigger;
	}
	uint64_t hash = nd_hash64(s, len);
	struct slot *sl = probe(set, s, len, hash);
	if (!sl->s) {
		*sl = (struct slot){ s, len, hash, NULL };
		set->count++;
	}
	return sl;
}

static void set_release(struct strset *set)
{
	free(set->slots);
	*set = (struct strset){ NULL, 0, 0 };
}

/* ---- scalar resolution (YAML 1.2 core schema) ---- */

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const trues[] = { "true", "True", "TRUE", NULL };
static const char *const falses[] = { "false", "False", "FALSE", NULL };
static const char *const infs[] = { ".inf", ".Inf", ".INF", NULL };
static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };

static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 99;
}

/* [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+, when it fits in int64. */
static bool parse_int(const char *s, int64_t *out)
{
	unsigned base = 10;
	bool neg = false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
		base = s[1] == 'x' ? 16 : 8;
		s += 2;
	} else if (*s == '-' || *s == '+') {
		neg = *s++ == '-';
	}
	if (!*s)
		return false;
	uint64_t v = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		unsigned d = digit_value(*s);
		if (d >= base || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	if (!neg)
		*out = (int64_t)v;
	else
		*out = v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
	return true;
}

static size_t count_digits(const char *s)
{
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, [-+]?\.inf, \.nan,
 * when strtod represents it without overflow or underflow. */
static bool parse_float(const char *s, double *out)
{
	const char *p = s + (*s == '-' || *s == '+');
	if (in_list(p, infs)) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return true;
	}
	if (in_list(s, nans)) {
		*out = NAN;
		return true;
	}
	size_t whole = count_digits(p), frac = 0;
	p += whole;
	if (*p == '.') {
		frac = count_digits(++p);
		p += frac;
	}
	if (!whole && !frac)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		p += *p == '-' || *p == '+';
		size_t exp = count_digits(p);
		if (!exp)
			return false;
		p += exp;
	}
	if (*p)
		return false;
	errno = 0;
	double v = strtod(s, NULL);
	if (errno == ERANGE)
		return false;
	*out = v;
	return true;
}

/* Types a plain, untagged scalar; it stays ND_NODE_STR when nothing matches. */
static void resolve(struct nd_node *n)
{
	if (in_list(n->text, nulls)) {
		n->type = ND_NODE_NULL;
	} else if (in_list(n->text, trues) || in_list(n->text, falses)) {
		n->type = ND_NODE_BOOL;
		n->b = n->text[0] == 't' || n->text[0] == 'T';
	} else if (parse_int(n->text, &n->i)) {
		n->type = ND_NODE_INT;
	} else if (parse_float(n->text, &n->f)) {
		n->type = ND_NODE_FLOAT;
	}
}

/* ---- building the tree ---- */

struct anchor {
	struct nd_node *node;
	size_t nodes, bytes; /* expanded weight of node */
};

/* A sequence or mapping whose items are still arriving. */
struct frame {
	struct nd_node *node;
	size_t base;          /* its first item in builder.items */
	const char *anchor;   /* arena copy, or NULL */
	size_t nodes, bytes;  /* builder totals before it started */
	struct strset keys;   /* big mapping: its keys so far */
};

struct builder {
	const char *yaml; /* the YAML text, for positions of reader errors */
	size_t yaml_len;
	struct nd_error *err;
	struct block *arena;
	struct frame frames[ND_FM_MAX_DEPTH];
	int depth;
	struct nd_node **items; /* items of all open collections, innermost last */
	size_t n_items, cap_items;
	struct strset anchors;  /* name -> struct anchor, latest definition */
	size_t nodes, bytes;    /* totals after alias expansion */
	int documents;
	struct nd_node *root;
	/* err holds a problem of shape (not a mapping, a key that is not a
	 * scalar, a duplicate key, an undefined alias, a second document): the
	 * tree is abandoned, but libyaml reads on, and a syntax error it finds
	 * further down replaces the message, since that is what to fix first */
	bool misshapen;
};

static int mark_line(yaml_mark_t m)
{
	return (int)m.line + FIRST_YAML_LINE;
}

static int mark_col(yaml_mark_t m)
{
	return (int)m.column + 1;
}

static int fail(struct builder *b, yaml_mark_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int vfail(struct builder *b, yaml_mark_t at, const char *fmt, va_list ap)
{
	char msg[ND_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return nd_error_set(b->err, mark_line(at), mark_col(at), "%s", msg);
}

static int fail(struct builder *b, yaml_mark_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vfail(b, at, fmt, ap);
	va_end(ap);
	return rc;
}

/* fail() for a problem of shape, which a later syntax error overrides
 * (builder.misshapen). */
static int misshapen(struct builder *b, yaml_mark_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int misshapen(struct builder *b, yaml_mark_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vfail(b, at, fmt, ap);
	va_end(ap);
	b->misshapen = true;
	return rc;
}

/* Width of the line break at s[i], 0 when there is none; libyaml's marks
 * count LF, CR, CRLF, NEL, LS and PS as breaks. */
static size_t break_width(const char *s, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[i] == '\n' || u[i] == '\r')
		return u[i] == '\r' && i + 1 < len && u[i + 1] == '\n' ? 2 : 1;
	if (u[i] == 0xC2 && i + 1 < len && u[i + 1] == 0x85)
		return 2;
	if (u[i] == 0xE2 && i + 2 < len && u[i + 1] == 0x80 && (u[i + 2] & 0xFE) == 0xA8)
		return 3;
	return 0;
}

/* Sets err at the file position of byte `at` of the YAML text, counted like
 * libyaml's marks (columns in characters). */
static int fail_at_offset(struct builder *b, size_t at, const char *msg)
{
	int line = FIRST_YAML_LINE, chars = 0;
	for (size_t i = 0; i < at && i < b->yaml_len; i++) {
		size_t w = break_width(b->yaml, b->yaml_len, i);
		if (w) {
			line++;
			chars = 0;
			i += w - 1;
		} else if (((unsigned char)b->yaml[i] & 0xC0) != 0x80) {
			chars++;
		}
	}
	return nd_error_set(b->err, line, chars + 1, "%s", msg);
}

/* Bytes of s to quote in a message, not cutting a UTF-8 sequence. */
static int quote_len(const char *s, size_t len)
{
	if (len <= MAX_QUOTE)
		return (int)len;
	size_t n = MAX_QUOTE;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

static int libyaml_fail(struct builder *b, const yaml_parser_t *p)
{
	char msg[ND_ERROR_MSG_MAX];
	switch (p->error) {
	case YAML_READER_ERROR:
		if (p->problem_value == -1)
			return fail_at_offset(b, p->problem_offset, p->problem);
		snprintf(msg, sizeof(msg), "%s (#x%02X)", p->problem, (unsigned)p->problem_value);
		return fail_at_offset(b, p->problem_offset, msg);
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		/* the context is news only when it points elsewhere */
		if (p->context && p->context_mark.index != p->problem_mark.index)
			return fail(b, p->problem_mark, "%s (%s at line %d, column %d)", p->problem,
				    p->context, mark_line(p->context_mark), mark_col(p->context_mark));
		return fail(b, p->problem_mark, "%s", p->problem);
	default:
		return nd_error_set(b->err, 0, 0, "libyaml failed (out of memory)");
	}
}

/* Adds a node's expanded weight to the totals, failing past the limits. */
static int count(struct builder *b, size_t nodes, size_t bytes, yaml_mark_t at)
{
	b->nodes += nodes;
	b->bytes += bytes;
	if (b->nodes > ND_FM_MAX_NODES)
		return fail(b, at, "more than %d nodes (counting alias expansion)", ND_FM_MAX_NODES);
	if (b->bytes > ND_FM_MAX_SCALAR_BYTES)
		return fail(b, at, "more than %u bytes of scalar text (counting alias expansion)",
			    ND_FM_MAX_SCALAR_BYTES);
	return 0;
}

static char *arena_strdup(struct builder *b, const void *s, size_t len)
{
	char *t = arena_alloc(&b->arena, len + 1, 1);
	memcpy(t, s, len);
	t[len] = '\0';
	return t;
}

/* An arena copy of an anchor name from an event, NULL for none. */
static const char *anchor_name(struct builder *b, const yaml_char_t *anchor)
{
	return anchor ? arena_strdup(b, anchor, strlen((const char *)anchor)) : NULL;
}

static void define_anchor(struct builder *b, const char *name, struct nd_node *node,
			  size_t nodes, size_t bytes)
{
	struct anchor *a = arena_alloc(&b->arena, sizeof(*a), alignof(struct anchor));
	*a = (struct anchor){ node, nodes, bytes };
	set_add(&b->anchors, name, strlen(name))->val = a;
}

/* Fails when key repeats an earlier key of the mapping being built in f. */
static int check_duplicate(struct builder *b, struct frame *f, const struct nd_node *key,
			   yaml_mark_t at)
{
	const struct nd_node *first = NULL;
	size_t keys = (b->n_items - f->base) / 2;
	if (keys < SMALL_MAP) {
		for (size_t i = f->base; i < b->n_items && !first; i += 2)
			if (b->items[i]->len == key->len &&
			    !memcmp(b->items[i]->text, key->text, key->len))
				first = b->items[i];
	} else {
		/* a linear scan would make big mappings quadratic */
		if (keys == SMALL_MAP)
			for (size_t i = f->base; i < b->n_items; i += 2)
				set_add(&f->keys, b->items[i]->text, b->items[i]->len)->val = b->items[i];
		struct slot *sl = set_add(&f->keys, key->text, key->len);
		first = sl->val;
		if (!first)
			sl->val = key;
	}
	if (first)
		return misshapen(b, at, "duplicate key '%.*s' (first at line %d)",
			    quote_len(key->text, key->len), key->text, first->line);
	return 0;
}

/* Checks that node may go where the next item goes: the root must be a
 * mapping; a mapping key must be a scalar not seen before in the mapping. */
static int check_slot(struct builder *b, const struct nd_node *node, yaml_mark_t at)
{
	if (!b->depth && node->type != ND_NODE_MAP)
		return misshapen(b, at, "front matter is not a mapping");
	if (!b->depth)
		return 0;
	struct frame *f = &b->frames[b->depth - 1];
	if (f->node->type != ND_NODE_MAP || (b->n_items - f->base) % 2)
		return 0;
	if (node->type == ND_NODE_SEQ || node->type == ND_NODE_MAP)
		return misshapen(b, at, "mapping key is not a scalar");
	return check_duplicate(b, f, node, at);
}

/* Appends a finished node to the innermost open collection (or makes it the root). */
static void attach(struct builder *b, struct nd_node *node)
{
	if (!b->depth) {
		b->root = node;
		return;
	}
	if (b->n_items == b->cap_items) {
		b->cap_items = b->cap_items ? 2 * b->cap_items : 64;
		b->items = nd_xrealloc(b->items, b->cap_items * sizeof(*b->items));
	}
	b->items[b->n_items++] = node;
}

static struct nd_node *new_node(struct builder *b, enum nd_node_type type, yaml_mark_t at)
{
	struct nd_node *n = arena_alloc(&b->arena, sizeof(*n), alignof(struct nd_node));
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = mark_line(at);
	n->col = mark_col(at);
	return n;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	yaml_mark_t at = ev->start_mark;
	/* an escape such as "\0" would break text's NUL termination */
	if (memchr(value, '\0', len))
		return fail(b, at, "scalar contains a NUL character");
	if (count(b, 1, len, at))
		return -1;
	struct nd_node *n = new_node(b, ND_NODE_STR, at);
	n->text = arena_strdup(b, value, len);
	n->len = len;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (n->plain && !(tag && !strcmp(tag, YAML_STR_TAG)))
		resolve(n);
	if (check_slot(b, n, at))
		return -1;
	if (ev->data.scalar.anchor)
		define_anchor(b, anchor_name(b, ev->data.scalar.anchor), n, 1, len);
	attach(b, n);
	return 0;
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t len = strlen(name);
	yaml_mark_t at = ev->start_mark;
	const struct slot *sl = set_get(&b->anchors, name, len);
	if (!sl)
		return misshapen(b, at, "undefined alias '%.*s'", quote_len(name, len), name);
	const struct anchor *a = sl->val;
	if (count(b, a->nodes, a->bytes, at) || check_slot(b, a->node, at))
		return -1;
	attach(b, a->node);
	return 0;
}

static int on_start(struct builder *b, const yaml_event_t *ev, enum nd_node_type type,
		    const yaml_char_t *anchor)
{
	yaml_mark_t at = ev->start_mark;
	if (b->depth == ND_FM_MAX_DEPTH)
		return fail(b, at, "nesting deeper than %d levels", ND_FM_MAX_DEPTH);
	struct nd_node *n = new_node(b, type, at);
	if (check_slot(b, n, at))
		return -1;
	b->frames[b->depth++] = (struct frame){
		.node = n,
		.base = b->n_items,
		.anchor = anchor_name(b, anchor),
		.nodes = b->nodes,
		.bytes = b->bytes,
	};
	return count(b, 1, 0, at);
}

/* ---- YAML 1.1 merge keys ---- */

/* A plain `<<` key whose value is a mapping or a non-empty sequence of
 * mappings: merged.  With any other value it stays an ordinary key. */
static bool is_merge(const struct nd_node *key, const struct nd_node *value)
{
	if (!key->plain || key->len != 2 || memcmp(key->text, "<<", 2) != 0)
		return false;
	if (value->type == ND_NODE_MAP)
		return true;
	if (value->type != ND_NODE_SEQ || !value->count)
		return false;
	for (size_t k = 0; k < value->count; k++)
		if (value->items[k]->type != ND_NODE_MAP)
			return false;
	return true;
}

/* The mappings a pair (pair[0] key, pair[1] value) merges, *n of them, or
 * NULL (and *n = 0) when it is an ordinary pair. */
static struct nd_node **merged_maps(struct nd_node **pair, size_t *n)
{
	*n = 0;
	if (!is_merge(pair[0], pair[1]))
		return NULL;
	*n = pair[1]->type == ND_NODE_MAP ? 1 : pair[1]->count;
	return pair[1]->type == ND_NODE_MAP ? &pair[1] : pair[1]->items;
}

/* Adds the pairs of mapping m whose keys are not in `have` to out. */
static void merge_pairs(const struct nd_node *m, struct strset *have, struct nd_node **out,
			size_t *n_out)
{
	for (size_t k = 0; k < m->count; k++) {
		struct nd_node *key = m->items[2 * k];
		struct slot *sl = set_add(have, key->text, key->len);
		if (sl->val)
			continue;
		sl->val = key;
		out[(*n_out)++] = key;
		out[(*n_out)++] = m->items[2 * k + 1];
	}
}

/*
 * The pairs of a mapping (2 * n_pairs nodes) with its merge keys applied as
 * Jekyll's loader (Psych) and the YAML 1.1 merge type do: each merged
 * mapping's pairs take the place of the `<<` pair, except keys the mapping
 * defines itself (before or after the `<<`); of a sequence of mappings, an
 * earlier one wins over a later one.  The merged mappings are complete
 * nodes, merged themselves, so one pass suffices.  Returns the arena array
 * and sets *n_items, or returns NULL when there is no merge key.
 */
static struct nd_node **apply_merges(struct builder *b, struct nd_node **pairs, size_t n_pairs,
				     size_t *n_items)
{
	size_t room = 0;
	bool any = false;
	for (size_t k = 0; k < n_pairs; k++) {
		size_t n_maps;
		struct nd_node **maps = merged_maps(pairs + 2 * k, &n_maps);
		any |= maps != NULL;
		room += maps ? 0 : 2;
		for (size_t j = 0; j < n_maps; j++)
			room += 2 * maps[j]->count;
	}
	if (!any)
		return NULL;
	struct strset have = { NULL, 0, 0 };
	for (size_t k = 0; k < n_pairs; k++)
		if (!is_merge(pairs[2 * k], pairs[2 * k + 1]))
			set_add(&have, pairs[2 * k]->text, pairs[2 * k]->len)->val = pairs[2 * k];
	struct nd_node **out = arena_alloc(&b->arena, room * sizeof(*out), alignof(struct nd_node *));
	size_t n = 0;
	for (size_t k = 0; k < n_pairs; k++) {
		size_t n_maps;
		struct nd_node **maps = merged_maps(pairs + 2 * k, &n_maps);
		if (!maps) {
			out[n++] = pairs[2 * k];
			out[n++] = pairs[2 * k + 1];
		}
		for (size_t j = 0; j < n_maps; j++)
			merge_pairs(maps[j], &have, out, &n);
	}
	set_release(&have);
	*n_items = n;
	return out;
}

static void on_end(struct builder *b)
{
	struct frame *f = &b->frames[--b->depth];
	struct nd_node *n = f->node;
	size_t items = b->n_items - f->base;
	struct nd_node **merged = n->type == ND_NODE_MAP
					  ? apply_merges(b, b->items + f->base, items / 2, &items)
					  : NULL;
	if (merged) {
		n->items = merged;
	} else if (items) {
		n->items = arena_alloc(&b->arena, items * sizeof(*n->items), alignof(struct nd_node *));
		memcpy(n->items, b->items + f->base, items * sizeof(*n->items));
	}
	n->count = n->type == ND_NODE_MAP ? items / 2 : items;
	b->n_items = f->base;
	if (f->anchor)
		define_anchor(b, f->anchor, n, b->nodes - f->nodes, b->bytes - f->bytes);
	set_release(&f->keys);
	attach(b, n);
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	yaml_mark_t at = ev->start_mark;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->documents++)
			return misshapen(b, at, "more than one YAML document in front matter");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, ND_NODE_SEQ, ev->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, ND_NODE_MAP, ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_end(b);
		return 0;
	case YAML_STREAM_END_EVENT:
		return b->root ? 0 : fail(b, at, "front matter is empty");
	default:
		return 0;
	}
}

static void builder_release(struct builder *b)
{
	while (b->depth)
		set_release(&b->frames[--b->depth].keys);
	set_release(&b->anchors);
	free(b->items);
}

/* Builds b->root from the YAML text; on failure b->err is set. */
static int build(struct builder *b)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return libyaml_fail(b, &parser);
	/* the text is never the start of the file, so a BOM cannot tell */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&parser, (const unsigned char *)b->yaml, b->yaml_len);
	int rc = 0;
	/* after a problem of shape the events are only read, not built, so
	 * libyaml reaches whatever syntax error follows; any other problem (a
	 * limit) stops at once */
	for (bool done = false; !done && (!rc || b->misshapen);) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = libyaml_fail(b, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (!rc)
			rc = on_event(b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* ---- splitting ---- */

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

/* Whether the line [p, e) (without its LF) is marker plus optional spaces,
 * tabs and a CR. */
static bool is_fence(const char *p, const char *e, const char *marker)
{
	if (e > p && e[-1] == '\r')
		e--;
	if (e - p < 3 || memcmp(p, marker, 3))
		return false;
	for (p += 3; p < e; p++)
		if (*p != ' ' && *p != '\t')
			return false;
	return true;
}

enum nd_fm_status nd_frontmatter_parse(const char *buf, size_t len, struct nd_frontmatter *fm,
				       struct nd_error *err)
{
	memset(fm, 0, sizeof(*fm));
	nd_error_clear(err);
	if (len < 3) /* also keeps a NULL buf away from memchr */
		return ND_FM_NOT_ARTICLE;
	const char *end = buf + len, *p = buf;
	if (!memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	const char *e = line_end(p, end);
	if (!is_fence(p, e, "---"))
		return ND_FM_NOT_ARTICLE;

	struct builder b = { .yaml = e + (e < end), .err = err };
	int line = FIRST_YAML_LINE;
	for (p = b.yaml; p < end; p = e + (e < end), line++) {
		e = line_end(p, end);
		if (is_fence(p, e, "---") || is_fence(p, e, "...")) {
			fm->body = e + (e < end);
			break;
		}
	}
	if (!fm->body) {
		nd_error_set(err, 1, 1, "front matter is never closed");
		return ND_FM_ERROR;
	}
	b.yaml_len = (size_t)(p - b.yaml);
	fm->body_len = (size_t)(end - fm->body);
	fm->body_line = line + 1;

	/* libyaml would call it a control character, which says less */
	const char *nul = memchr(b.yaml, '\0', b.yaml_len);
	int rc = nul ? fail_at_offset(&b, (size_t)(nul - b.yaml), "NUL byte in front matter")
		     : build(&b);
	builder_release(&b);
	if (rc) {
		arena_free(b.arena);
		memset(fm, 0, sizeof(*fm));
		return ND_FM_ERROR;
	}
	fm->root = b.root;
	fm->arena = b.arena;
	return ND_FM_OK;
}

void nd_frontmatter_release(struct nd_frontmatter *fm)
{
	arena_free(fm->arena);
	memset(fm, 0, sizeof(*fm));
}

const struct nd_node *nd_node_get(const struct nd_node *map, const char *key)
{
	if (!map || map->type != ND_NODE_MAP)
		return NULL;
	size_t len = strlen(key);
	for (size_t i = 0; i < map->count; i++) {
		const struct nd_node *k = map->items[2 * i];
		if (k->len == len && !memcmp(k->text, key, len))
			return map->items[2 * i + 1];
	}
	return NULL;
}
