/*
 * store_bulk.c: what an import into an empty database does in bulk
 * (store.h: nd_store_bulk_begin, nd_store_bulk_finish): the ranking tables
 * and facet blocks built once at the end instead of kept in each commit,
 * and the secondary
 * indexes that no statement of such an import reads created at the end
 * (CREATE INDEX sorts once) instead of kept row by row, and the feed's
 * change log written in one statement at the end instead of two for each
 * article.  Each commit in between is a database as good as any, only
 * slower to search by provider or date, with a log that has not caught up
 * yet; a kill leaves the work marked in _newsdb_meta for the next run.
 */
#include "store_blocks.h"
#include "store_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Read by no statement of an import into an empty database: it looks up
 * articles, providers, topics and images by their unique keys, sources by
 * path, and the other sources of an article (sources_by_article), and it
 * removes an image only after looking for what names it (the by_image
 * indexes); it deletes no article and looks for no moved file. */
static const char *const deferred[] = {
	"articles_by_provider", "articles_by_date",  "article_topics_by_topic",
	"related_links_by_target", "providers_by_name_key", "sources_by_status",
	"sources_by_hash",
};
#define N_DEFERRED (sizeof(deferred) / sizeof(deferred[0]))

/* _newsdb_meta's key of a dropped index: "index:NAME". */
static void index_key(const char *name, char *out, size_t size)
{
	snprintf(out, size, "index:%s", name);
}

int nd_store_is_empty(struct nd_store *s, bool *empty, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_STORE_EMPTY, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc = store_first_row(s, st, err, "cannot read the database");
	*empty = rc == 1 && sqlite3_column_int(st, 0) != 0;
	return rc == 1 ? store_done(st) : rc < 0 ? rc : ND_STORE_ERROR;
}

/* Drops index `name` (one of deferred[]) after keeping its definition. */
static int drop_index(struct nd_store *s, const char *name, struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_INDEX_SQL, name, &st, err, "cannot read the schema");
	if (rc != 1)
		return rc; /* already gone: its definition is kept from before */
	char key[64];
	index_key(name, key, sizeof(key));
	char *sql = nd_xstrdup((const char *)sqlite3_column_text(st, 0));
	store_done(st);
	rc = store_meta_put(s, key, sql, 0, err);
	free(sql);
	if (rc)
		return rc;
	char drop[96];
	/* a name of deferred[], never input: DDL takes no parameters */
	snprintf(drop, sizeof(drop), "DROP INDEX main.%s", name);
	if (sqlite3_exec(s->db, drop, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot prepare the bulk import");
	return ND_STORE_OK;
}

#define FEED_KEY "feed_pending"

int nd_store_bulk_begin(struct nd_store *s, struct nd_error *err)
{
	int rc = store_meta_put(s, "rank_state", "pending", 0, err);
	if (!rc)
		rc = store_blocks_mark_pending(s, err);
	if (!rc)
		rc = store_meta_put(s, FEED_KEY, "1", 0, err);
	for (size_t k = 0; k < N_DEFERRED && !rc; k++)
		rc = drop_index(s, deferred[k], err);
	s->bulk_feed = !rc;
	/* no article yet: from here each URL written is noted */
	if (!rc)
		store_ids_urls_from_empty(s->ids);
	return rc;
}

/* Creates index `name` again from its kept definition, which must be the
 * CREATE INDEX of that very name (the table is writable by anyone who can
 * write the file: nothing else is run from it), and forgets it. */
static int restore_index(struct nd_store *s, const char *name, struct nd_error *err)
{
	char key[64], head[96];
	index_key(name, key, sizeof(key));
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_META_GET, key, &st, err, "cannot read the database");
	if (rc != 1)
		return rc;
	snprintf(head, sizeof(head), "CREATE INDEX %s ON ", name);
	const char *sql = (const char *)sqlite3_column_text(st, 0);
	sqlite3_stmt *create = NULL;
	const char *tail = NULL;
	if (!sql || strncmp(sql, head, strlen(head)) != 0 ||
	    sqlite3_prepare_v2(s->db, sql, -1, &create, &tail) != SQLITE_OK || (tail && *tail)) {
		sqlite3_finalize(create);
		store_done(st);
		nd_error_set(err, 0, 0,
			     "_newsdb_meta '%s' is not the definition of that index; "
			     "restore it from schema/001_init.sql", key);
		return ND_STORE_ERROR;
	}
	store_done(st);
	rc = sqlite3_step(create);
	sqlite3_finalize(create);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "cannot create the indexes of the bulk import");
	if (!(st = store_stmt(s, ST_META_DELETE, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return store_finish(s, st, sqlite3_step(st), err, "cannot create the indexes of the bulk import");
}

/* Is key in _newsdb_meta? */
static int meta_has(struct nd_store *s, const char *key, bool *has, struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_META_GET, key, &st, err, "cannot read the database");
	*has = rc == 1;
	return rc == 1 ? store_done(st) : rc;
}

/* The feed log of what the bulk import archived, and its mark gone. */
static int write_feed(struct nd_store *s, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_FEED_BULK, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc = store_finish(s, st, sqlite3_step(st), err, "cannot write the feed's change log");
	if (rc || !(st = store_stmt(s, ST_META_DELETE, err)))
		return rc ? rc : ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, FEED_KEY, -1, SQLITE_STATIC);
	rc = store_finish(s, st, sqlite3_step(st), err, "cannot write the feed's change log");
	s->bulk_feed = false;
	return rc;
}

int store_bulk_still_pending(struct nd_store *s, struct nd_error *err)
{
	bool feed;
	int rc = meta_has(s, FEED_KEY, &feed, err);
	/* another import got the lock between two commits and finished the
	 * work (store_bulk_recover): from here on this one writes the log with
	 * each article, as any import does */
	if (!rc && !feed)
		s->bulk_feed = false;
	return rc;
}

int store_bulk_recover(struct nd_store *s, struct nd_error *err)
{
	bool any = false, has, feed;
	int rc = meta_has(s, FEED_KEY, &feed, err);
	for (size_t k = 0; k < N_DEFERRED && !rc; k++) {
		char key[64];
		index_key(deferred[k], key, sizeof(key));
		rc = meta_has(s, key, &has, err);
		any = any || has;
	}
	if (rc || (!any && !feed))
		return rc;
	/* CREATE INDEX sorts in temporary files: held in memory (the
	 * connection's temp_store) they took 163 MB at a million files, on
	 * disk 63 MB, and less time; outside a transaction, where switching
	 * loses only the TEMP tables a transaction makes anew */
	sqlite3_exec(s->db, "PRAGMA temp_store = FILE", NULL, NULL, NULL);
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = store_fail(s, err, "cannot finish the bulk import");
		sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
		return rc;
	}
	for (size_t k = 0; k < N_DEFERRED && !rc; k++)
		rc = restore_index(s, deferred[k], err);
	if (!rc && feed)
		rc = write_feed(s, err);
	if (!rc && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = store_fail(s, err, "cannot finish the bulk import");
	if (rc)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	return rc;
}

int nd_store_search_tables_pending(struct nd_store *s, bool *pending, struct nd_error *err)
{
	bool ranking, blocks;
	int rc = store_rank_state(s, &ranking, err);
	if (!rc)
		rc = store_blocks_state(s, &blocks, err);
	*pending = !rc && (!ranking || !blocks);
	return rc;
}

int nd_store_bulk_finish(struct nd_store *s, struct nd_error *err)
{
	bool ranking, blocks;
	int rc = store_bulk_recover(s, err);
	if (!rc)
		rc = store_rank_state(s, &ranking, err);
	if (!rc && !ranking)
		rc = store_build_ranking(s, err);
	if (!rc)
		rc = store_blocks_state(s, &blocks, err);
	if (!rc && !blocks)
		rc = store_build_blocks(s, err);
	return rc;
}
