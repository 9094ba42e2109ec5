/*
 * store_maint.c: checking the database (SQLite's own checks, both search
 * indexes, the ranking tables and facet blocks, failed and vanished
 * sources) and optimizing it.
 */
#include "store_blocks.h"

#include <stdio.h>
#include <string.h>

#include "walk.h"

/* Runs a check whose rows are each one problem (text in column 0, then
 * hint when not NULL), except a single "ok". */
static int64_t rows_as_problems(struct nd_store *s, enum stmt_id id, const char *kind,
				const char *hint, nd_problem_fn fn, void *ctx, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, id, err);
	if (!st)
		return ND_STORE_ERROR;
	int64_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		if (text && !strcmp(text, "ok"))
			continue;
		n++;
		char detail[8192];
		snprintf(detail, sizeof(detail), "%s%s", text ? text : "?", hint ? hint : "");
		fn(kind, detail, ctx);
	}
	if (rc != SQLITE_DONE) {
		int status = store_fail(s, err, "cannot check the database");
		sqlite3_reset(st);
		return status;
	}
	sqlite3_reset(st);
	return n;
}

/* The FTS5 integrity-check reports a problem as an error of the statement. */
static int64_t fts_check(struct nd_store *s, enum stmt_id id, const char *index,
			 nd_problem_fn fn, void *ctx, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, id, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	int code = sqlite3_extended_errcode(s->db) & 0xff;
	char detail[600];
	snprintf(detail, sizeof(detail), "%s: %s (rebuild it with 'newsdb optimize')", index,
		 sqlite3_errmsg(s->db));
	sqlite3_reset(st);
	if (code != SQLITE_CORRUPT && code != SQLITE_CORRUPT_VTAB)
		return store_fail(s, err, "cannot check the search index");
	fn("fts", detail, ctx);
	return 1;
}

static int64_t source_problems(struct nd_store *s, nd_problem_fn fn, void *ctx,
			       struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_CHECK_FAILED, err);
	if (!st)
		return ND_STORE_ERROR;
	int64_t n = 0;
	int rc;
	char detail[8192];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 1);
		snprintf(detail, sizeof(detail), "%s: %s", sqlite3_column_text(st, 0),
			 msg ? msg : "failed");
		fn("failed-source", detail, ctx);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "cannot read sources");
	if (!(st = store_stmt(s, ST_CHECK_PATHS, err)))
		return ND_STORE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		if (nd_walk_gone(path)) {
			snprintf(detail, sizeof(detail), "%s: the file is gone (forget it with 'newsdb import --prune')", path);
			fn("missing-source", detail, ctx);
			n++;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "cannot read sources");
	return n;
}

int64_t nd_store_check(struct nd_store *s, nd_problem_fn fn, void *ctx, struct nd_error *err)
{
	int64_t total = 0, n;
	if ((n = rows_as_problems(s, ST_CHECK_INTEGRITY, "integrity", NULL, fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = rows_as_problems(s, ST_CHECK_FOREIGN_KEYS, "foreign-key", NULL, fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = fts_check(s, ST_CHECK_FTS, "articles_fts", fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = fts_check(s, ST_CHECK_TRIGRAM, "articles_trigram", fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = rows_as_problems(s, ST_CHECK_TRIGRAM_TEXT, "fts",
				  " (rebuild it with 'newsdb optimize')", fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = rows_as_problems(s, ST_CHECK_ORPHAN_IMAGES, "orphan-image",
				  ": no article or provider refers to it (remove it with 'newsdb optimize')",
				  fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = store_terms_check(s, fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = store_blocks_check(s, fn, ctx, err)) < 0)
		return n;
	total += n;
	if ((n = source_problems(s, fn, ctx, err)) < 0)
		return n;
	return total + n;
}

int nd_store_optimize(struct nd_store *s, struct nd_error *err)
{
	/* fixed maintenance statements, run once: no cache needed; the ranking
	 * tables and the facet blocks are made anew between the indexes and
	 * ANALYZE */
	static const char *const steps[] = {
		"INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
		/* the trigram index keeps its own text: made again from the
		 * articles, whatever another tool did to it */
		"DELETE FROM articles_trigram",
		"INSERT INTO articles_trigram (rowid, title, excerpt, body) SELECT id, " TRIGRAM_COLUMNS
		" FROM articles WHERE " TRIGRAM_ROW_FN " ORDER BY id",
		"INSERT INTO articles_fts (articles_fts) VALUES ('optimize')",
		"INSERT INTO articles_trigram (articles_trigram) VALUES ('optimize')",
		NULL,
		"ANALYZE",
		"VACUUM",
		"PRAGMA wal_checkpoint(TRUNCATE)",
	};
	/* images that an older newsdb left with nothing referring to them */
	sqlite3_stmt *st = store_stmt(s, ST_PRUNE_IMAGES, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "cannot optimize");
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		if (!steps[k]) {
			if ((rc = store_build_ranking(s, err)) || (rc = store_build_blocks(s, err)))
				return rc;
		} else if (sqlite3_exec(s->db, steps[k], NULL, NULL, NULL) != SQLITE_OK) {
			return store_fail(s, err, "cannot optimize");
		}
	}
	return ND_STORE_OK;
}
