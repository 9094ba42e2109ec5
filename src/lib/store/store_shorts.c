/*
 * store_shorts.c: the rows that may hold a CJK substring shorter than a
 * trigram, found through the trigram index instead of a scan of every row
 * with CJK text.
 *
 * Each column of articles_trigram ends with two line feeds (schema/
 * 008_trigram_ends.sql), so wherever a substring of one or two characters
 * occurs, it begins a trigram of that row; the trigrams that begin with it
 * are a range of the index's terms (fts5vocab, in byte order).  The OR of
 * them finds exactly the rows that hold it (newsdb check verifies the line
 * feeds).  A substring with more trigrams than SHORT_TRIGRAMS_MAX, or with
 * a character other than CJK (which the index's case folding may have
 * changed), is looked for in the text of the rows, as every one was before:
 * in the rows the others leave, or in every row with CJK text.
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "normalize.h"
#include "query.h"

/* More trigrams than this: an OR so long costs more than the scan saves. */
#define SHORT_TRIGRAMS_MAX 200

struct short_cache {
	char *key;   /* the substrings it was made for, NUL-separated */
	size_t key_len;
	char *match; /* NULL: no substring could be looked up */
	char *rest;  /* a JSON array of those that could not, or NULL */
	bool vocab;  /* temp.newsdb_trigram_vocab exists on this connection */
};

void store_shorts_release(struct nd_store *s)
{
	if (s->shorts) {
		free(s->shorts->key);
		free(s->shorts->match);
		free(s->shorts->rest);
		free(s->shorts);
		s->shorts = NULL;
	}
}

/* Adds the group of one substring, "(t1 OR t2 ...)", to expr; false when
 * it has too many trigrams (nothing added) or the index cannot be read. */
static bool add_group(struct nd_store *s, const char *sub, struct nd_buf *expr)
{
	if (!nd_norm_all_cjk(sub))
		return false;
	struct nd_error ignored;
	sqlite3_stmt *st = store_stmt(s, ST_TRIGRAM_TERMS, &ignored);
	if (!st)
		return false;
	size_t len = strlen(sub);
	sqlite3_bind_text(st, 1, sub, (int)len, SQLITE_STATIC);
	struct nd_buf group = ND_BUF_INIT;
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *term = (const char *)sqlite3_column_text(st, 0);
		if (!term || strncmp(term, sub, len) != 0)
			break;
		if (++n > SHORT_TRIGRAMS_MAX)
			break;
		char *quoted = nd_query_quote_term(term);
		nd_buf_adds(&group, n > 1 ? " OR " : "(");
		nd_buf_adds(&group, quoted);
		free(quoted);
	}
	bool ok = (rc == SQLITE_ROW || rc == SQLITE_DONE) && n <= SHORT_TRIGRAMS_MAX;
	sqlite3_reset(st);
	if (ok) {
		if (expr->len)
			nd_buf_adds(expr, " AND ");
		if (n) {
			nd_buf_addc(&group, ')');
			nd_buf_add(expr, group.data, group.len);
		} else {
			/* no trigram starts with it: no row holds it, and a phrase
			 * shorter than a trigram matches none */
			char *quoted = nd_query_quote_term(sub);
			nd_buf_adds(expr, quoted);
			free(quoted);
		}
	}
	nd_buf_release(&group);
	return ok;
}

static void build(struct nd_store *s, const char *const *subs, size_t n)
{
	struct short_cache *c = s->shorts;
	free(c->match);
	free(c->rest);
	c->match = c->rest = NULL;
	if (!c->vocab &&
	    sqlite3_exec(s->db,
			 "CREATE VIRTUAL TABLE IF NOT EXISTS temp.newsdb_trigram_vocab"
			 " USING fts5vocab(main, articles_trigram, row)",
			 NULL, NULL, NULL) == SQLITE_OK)
		c->vocab = true;
	struct nd_buf expr = ND_BUF_INIT, rest = ND_BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		if (c->vocab && add_group(s, subs[k], &expr))
			continue;
		nd_buf_addc(&rest, rest.len ? ',' : '[');
		nd_json_add_string(&rest, subs[k], strlen(subs[k]));
	}
	if (rest.len)
		nd_buf_addc(&rest, ']');
	c->match = expr.len ? nd_buf_detach(&expr) : NULL;
	c->rest = rest.len ? nd_buf_detach(&rest) : NULL;
	nd_buf_release(&expr);
	nd_buf_release(&rest);
}

const char *store_short_match(struct nd_store *s, const char *const *subs, size_t n,
			      const char **rest)
{
	*rest = NULL;
	if (n == 0)
		return NULL;
	struct nd_buf key = ND_BUF_INIT;
	for (size_t k = 0; k < n; k++)
		nd_buf_add(&key, subs[k], strlen(subs[k]) + 1);
	if (!s->shorts)
		s->shorts = nd_xcalloc(1, sizeof(*s->shorts));
	struct short_cache *c = s->shorts;
	if (!c->key || c->key_len != key.len || memcmp(c->key, key.data, key.len) != 0) {
		free(c->key);
		c->key_len = key.len;
		c->key = nd_buf_detach(&key);
		build(s, subs, n);
	}
	nd_buf_release(&key);
	*rest = c->rest;
	return c->match;
}
