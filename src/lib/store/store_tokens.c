/*
 * store_tokens.c: the connection's FTS5 API, and text split into the word
 * index's tokens by FTS5's own tokenizer with the arguments of articles_fts
 * (schema/001_init.sql), so that what the ranking tables count
 * (store_terms.c), what a query looks up and what a snippet highlights
 * (store_snippet.c) are exactly the terms FTS5 stores.
 */
#include "store_internal.h"

#include <string.h>

#include "buf.h"

/* FTS5 stores at most this many bytes of a token (FTS5_MAX_TOKEN_SIZE). */
#define FTS5_MAX_TOKEN 32768

static const char *const index_args[] = { "unicode61", "remove_diacritics", "2" };
static const char *const fold_args[] = { "remove_diacritics", "2" };

fts5_api *store_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int store_tokenizer_open(sqlite3 *db, bool stem, struct store_tokenizer *out)
{
	fts5_api *api = store_fts5_api(db);
	void *user;
	memset(out, 0, sizeof(*out));
	if (!api || api->xFindTokenizer(api, stem ? "porter" : "unicode61", &user, &out->api) !=
			    SQLITE_OK)
		return SQLITE_ERROR;
	return out->api.xCreate(user, (const char **)(stem ? index_args : fold_args),
				stem ? 3 : 2, &out->tok);
}

void store_tokenizer_close(struct store_tokenizer *t)
{
	if (t->tok)
		t->api.xDelete(t->tok);
	t->tok = NULL;
}

struct token_relay {
	store_token_fn fn;
	store_span_fn span;
	void *ctx;
};

static int relay(void *ctx, int flags, const char *token, int n, int start, int end)
{
	struct token_relay *r = ctx;
	/* colocated tokens (synonyms) share a position: FTS5 does not count them */
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (n > FTS5_MAX_TOKEN)
		n = FTS5_MAX_TOKEN;
	return r->span ? r->span(r->ctx, token, n, start, end) : r->fn(r->ctx, token, n);
}

static int tokenize(struct store_tokenizer *t, int flags, const char *text, int len,
		    struct token_relay *r)
{
	if (!text || len <= 0)
		return SQLITE_OK;
	return t->api.xTokenize(t->tok, r, flags, text, len, relay);
}

int store_tokenize(struct store_tokenizer *t, bool query, const char *text, int len,
		   store_token_fn fn, void *ctx)
{
	struct token_relay r = { fn, NULL, ctx };
	return tokenize(t, query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT, text, len, &r);
}

int store_tokenize_spans(struct store_tokenizer *t, const char *text, int len, store_span_fn fn,
			 void *ctx)
{
	struct token_relay r = { NULL, fn, ctx };
	return tokenize(t, FTS5_TOKENIZE_DOCUMENT, text, len, &r);
}

int store_collect_token(void *ctx, const char *token, int len)
{
	struct nd_buf *into = ctx;
	nd_buf_add(into, token, (size_t)len);
	nd_buf_addc(into, '\0');
	return SQLITE_OK;
}
