/*
 * store_prune.c: forgetting what the archive no longer holds (import
 * --prune): sources whose files are gone, then whatever only they kept.
 */
#include "store_ids.h"
#include "store_internal.h"

#include <stdlib.h>

#include "buf.h"
#include "walk.h"

/* Paths of sources whose files are gone, collected first: deleting while
 * stepping the same table is not allowed. */
static int gone_sources(struct nd_store *s, char ***paths, size_t *n, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_CHECK_PATHS, err);
	if (!st)
		return ND_STORE_ERROR;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		if (!nd_walk_gone(path))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*paths = nd_xrealloc(*paths, cap * sizeof(char *));
		}
		(*paths)[(*n)++] = nd_xstrdup(path);
	}
	int status = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot read sources");
	sqlite3_reset(st);
	return status;
}

static int run_changes(struct nd_store *s, enum stmt_id id, int64_t *changes,
		       struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, id, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	int status = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot prune");
	sqlite3_reset(st);
	if (changes)
		*changes = sqlite3_changes64(s->db);
	return status;
}

/* An article that lost a file but has others now holds the lost file's
 * values when that was the newest: the newest remaining one is named for
 * reading again. */
static int name_rereads(struct nd_store *s, const int64_t *articles, size_t n, nd_path_fn reread,
			void *ctx, struct nd_error *err)
{
	char path[4096];
	int64_t mtime;
	for (size_t k = 0; k < n; k++) {
		if (!articles[k])
			continue;
		int rc = store_newest_source(s, articles[k], "", path, sizeof(path), &mtime, err);
		if (rc)
			return rc;
		if (!path[0])
			continue;
		if ((rc = store_mark_stale(s, path, err)))
			return rc;
		reread(path, ctx);
	}
	return ND_STORE_OK;
}

int nd_store_prune(struct nd_store *s, struct nd_prune_counts *out, nd_path_fn reread, void *ctx,
		   struct nd_error *err)
{
	out->sources = out->articles = 0;
	char **paths = NULL;
	size_t n = 0;
	int rc = gone_sources(s, &paths, &n, err);
	int64_t *articles = nd_xcalloc(n ? n : 1, sizeof(int64_t));
	for (size_t k = 0; k < n && rc == ND_STORE_OK; k++) {
		sqlite3_stmt *st = store_stmt(s, ST_SOURCE_DELETE, err);
		if (!st) {
			rc = ND_STORE_ERROR;
			break;
		}
		sqlite3_bind_text(st, 1, paths[k], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			articles[k] = sqlite3_column_int64(st, 0);
		rc = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot prune");
		sqlite3_reset(st);
		out->sources++;
	}
	for (size_t k = 0; k < n; k++)
		free(paths[k]);
	free(paths);
	if (rc == ND_STORE_OK)
		rc = name_rereads(s, articles, n, reread, ctx, err);
	if (rc == ND_STORE_OK)
		rc = run_changes(s, ST_REFRESH_ARCHIVED, NULL, err);
	/* the articles that lost their last file leave the feed, while their
	 * rows (and URLs) are still there */
	for (size_t k = 0; k < n && rc == ND_STORE_OK; k++)
		if (articles[k])
			rc = store_feed_left(s, articles[k], err);
	free(articles);
	if (rc)
		return rc;
	/* a forgotten article's links may have been the only ones to others */
	for (int64_t changes = 1; changes > 0;) {
		if ((rc = run_changes(s, ST_PRUNE_ARTICLES, &changes, err)))
			return rc;
		out->articles += changes;
	}
	/* the ids remembered of providers and topics may be of rows gone now */
	store_ids_forget(s->ids);
	if ((rc = run_changes(s, ST_PRUNE_PROVIDERS, NULL, err)))
		return rc;
	if ((rc = run_changes(s, ST_PRUNE_TOPICS, NULL, err)))
		return rc;
	return run_changes(s, ST_PRUNE_IMAGES, NULL, err);
}
