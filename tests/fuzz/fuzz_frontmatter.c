/*
 * fuzz_frontmatter.c: libFuzzer target for the front-matter parser and the
 * normalizer behind it (article.c).  Beyond crashes and sanitizer reports it
 * checks the tree's promises in frontmatter.h, that every article built
 * has an identity, which callers rely on without checking, and emit.h's
 * round trip: whatever article an input gives, written back out (as
 * `export` does) it reads back to the same article, so writing that again
 * gives the same bytes, as front matter and as JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "emit.h"
#include "frontmatter.h"

/* Aborts unless n and everything below it keep the header's contract.  The
 * walk is bounded: the node limit counts alias expansion. */
static void check_node(const struct nd_node *n)
{
	if (n->line < 2 || n->col < 1)
		abort();
	if (n->type == ND_NODE_SEQ || n->type == ND_NODE_MAP) {
		if (n->text || (n->count && !n->items))
			abort();
		size_t items = n->type == ND_NODE_MAP ? 2 * n->count : n->count;
		for (size_t i = 0; i < items; i++) {
			const struct nd_node *item = n->items[i];
			if (n->type == ND_NODE_MAP && i % 2 == 0 &&
			    (item->type == ND_NODE_SEQ || item->type == ND_NODE_MAP))
				abort();
			check_node(item);
		}
		return;
	}
	if (!n->text || strlen(n->text) != n->len)
		abort();
}

static bool same_text(const struct nd_buf *a, const struct nd_buf *b)
{
	return a->len == b->len && (a->len == 0 || !memcmp(a->data, b->data, a->len));
}

/* Aborts unless a, written out and read back, gives the same article. */
static void check_round_trip(const struct nd_article *a)
{
	struct nd_buf file = ND_BUF_INIT, again = ND_BUF_INIT;
	struct nd_buf json = ND_BUF_INIT, json_again = ND_BUF_INIT;
	nd_emit_frontmatter(a, &file);
	nd_emit_json(a, &json);
	struct nd_frontmatter fm;
	struct nd_error err;
	if (nd_frontmatter_parse(file.data, file.len, &fm, &err) != ND_FM_OK)
		abort();
	struct nd_article b;
	if (nd_article_from_frontmatter(&b, &fm, &err) != 0)
		abort();
	nd_emit_frontmatter(&b, &again);
	nd_emit_json(&b, &json_again);
	if (!same_text(&file, &again) || !same_text(&json, &json_again))
		abort();
	nd_article_release(&b);
	nd_frontmatter_release(&fm);
	nd_buf_release(&file);
	nd_buf_release(&again);
	nd_buf_release(&json);
	nd_buf_release(&json_again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nd_frontmatter fm;
	struct nd_error err;
	const char *buf = (const char *)data;
	switch (nd_frontmatter_parse(buf, size, &fm, &err)) {
	case ND_FM_OK:
		if (!fm.root || fm.root->type != ND_NODE_MAP || fm.body < buf ||
		    fm.body + fm.body_len != buf + size || fm.body_line < 3)
			abort();
		check_node(fm.root);
		struct nd_article a;
		if (nd_article_from_frontmatter(&a, &fm, &err) == 0) {
			if (!a.url || strstr(a.url, "://") == NULL)
				abort();
			for (size_t k = 0; k < a.n_related; k++)
				if (!a.related[k].url)
					abort();
			check_round_trip(&a);
		} else if (!err.msg[0]) {
			abort();
		}
		nd_article_release(&a);
		nd_frontmatter_release(&fm);
		break;
	case ND_FM_ERROR:
		if (!err.msg[0] || fm.root)
			abort();
		break;
	case ND_FM_NOT_ARTICLE:
		break;
	}
	return 0;
}
