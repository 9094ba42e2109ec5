/*
 * store.c: opening and closing the database, schema migrations and
 * transactions (the statement cache is store_stmt.c).  Writing articles is store_write.c, reading them
 * store_read.c, searching store_search.c.
 */
#include "store_blocks.h"
#include "store_ids.h"
#include "store_internal.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "schema.h"

#define BUSY_TIMEOUT_MS 10000

static int exec(struct nd_store *s, const char *sql, struct nd_error *err, const char *doing)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, doing);
	return ND_STORE_OK;
}

static int user_version(struct nd_store *s, int *version, struct nd_error *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot read the schema version");
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, err, "cannot read the schema version");
	return ND_STORE_OK;
}

/* True when the file has tables but no newsdb schema version: someone
 * else's database, which newsdb must not touch. */
static int is_foreign(struct nd_store *s, bool *foreign, struct nd_error *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, err, "cannot read the database");
	int rc = sqlite3_step(st);
	*foreign = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, err, "cannot read the database");
	return ND_STORE_OK;
}

static int migrate(struct nd_store *s, const char *path, struct nd_error *err)
{
	int version, rc;
	/* IMMEDIATE: two first imports at once must not both create the schema */
	if ((rc = exec(s, "BEGIN IMMEDIATE", err, "cannot start the schema upgrade")))
		return rc;
	if ((rc = user_version(s, &version, err)))
		goto fail;
	if (version > nd_schema_version) {
		nd_error_set(err, 0, 0,
			     "'%s' was written by a newer newsdb (schema %d, this one knows %d); "
			     "upgrade newsdb", path, version, nd_schema_version);
		rc = ND_STORE_ERROR;
		goto fail;
	}
	if (version == 0) {
		bool foreign;
		if ((rc = is_foreign(s, &foreign, err)))
			goto fail;
		if (foreign) {
			nd_error_set(err, 0, 0,
				     "'%s' is an SQLite database but not a newsdb one; "
				     "choose another file with --db", path);
			rc = ND_STORE_ERROR;
			goto fail;
		}
	}
	for (int v = version; v < nd_schema_version; v++) {
		if ((rc = exec(s, nd_schema_migrations[v], err, "cannot upgrade the schema")))
			goto fail;
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = exec(s, sql, err, "cannot upgrade the schema")))
			goto fail;
	}
	if ((rc = exec(s, "COMMIT", err, "cannot finish the schema upgrade")))
		goto fail;
	return ND_STORE_OK;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int check_version(struct nd_store *s, const char *path, struct nd_error *err)
{
	int version, rc;
	if ((rc = user_version(s, &version, err)))
		return rc;
	if (version == nd_schema_version)
		return ND_STORE_OK;
	if (version > nd_schema_version)
		nd_error_set(err, 0, 0, "'%s' was written by a newer newsdb (schema %d); upgrade newsdb",
			     path, version);
	else if (version == 0)
		nd_error_set(err, 0, 0, "'%s' is not a newsdb database", path);
	else
		nd_error_set(err, 0, 0, "'%s' has an older schema (%d); run 'newsdb import' to upgrade it",
			     path, version);
	return ND_STORE_ERROR;
}

/* Runs build (a rebuild of derived tables) in a transaction of its own, so
 * a kill leaves them to be built again. */
static int build_alone(struct nd_store *s, int (*build)(struct nd_store *, struct nd_error *),
		       const char *doing, struct nd_error *err)
{
	int rc;
	if ((rc = exec(s, "BEGIN IMMEDIATE", err, doing)))
		return rc;
	if (!(rc = build(s, err)))
		rc = exec(s, "COMMIT", err, doing);
	if (rc)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_build_ranking(struct nd_store *s, struct nd_error *err)
{
	return build_alone(s, store_terms_rebuild, "cannot build the ranking tables", err);
}

int store_build_blocks(struct nd_store *s, struct nd_error *err)
{
	return build_alone(s, store_blocks_rebuild, "cannot build the facet blocks", err);
}

/* Before SQLite's first use in the process: no memory statistics, which
 * cost a global mutex on every allocation (4% of an import), and newsdb
 * reads none of them. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int nd_store_open(struct nd_store **out, const char *path, enum nd_store_mode mode,
		  struct nd_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	assert(out && path);
	*out = NULL;
	struct stat st;
	if (mode == ND_STORE_READ && stat(path, &st) != 0) {
		nd_error_set(err, 0, 0, "no database at '%s'; create it with 'newsdb import PATH'",
			     path);
		return ND_STORE_NOT_FOUND;
	}
	struct nd_store *s = nd_xcalloc(1, sizeof(*s));
	s->mode = mode;
	s->data_version = -1;
	if (mode == ND_STORE_WRITE)
		s->ids = store_ids_new();
	int flags = mode == ND_STORE_READ ? SQLITE_OPEN_READONLY
					  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = store_fail(s, err, "cannot open the database");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (store_register_rank(s->db) != SQLITE_OK || store_register_copy_key(s->db) != SQLITE_OK ||
	    store_register_snippet(s->db) != SQLITE_OK || store_register_cjk_row(s->db) != SQLITE_OK ||
	    store_register_in_set(s->db) != SQLITE_OK) {
		nd_error_set(err, 0, 0, "this SQLite has no FTS5; newsdb needs one built with it");
		rc = ND_STORE_ERROR;
		goto fail;
	}
	/* a file that is not SQLite at all fails here, before anything is written */
	if ((rc = exec(s, "PRAGMA foreign_keys = ON", err, "cannot open the database")))
		goto fail;
	if (mode == ND_STORE_WRITE) {
		/* SQLite falls back to read-only quietly (an immutable file, say) */
		if (sqlite3_db_readonly(s->db, "main") == 1) {
			nd_error_set(err, 0, 0, "the file is read-only");
			rc = ND_STORE_READONLY;
			goto fail;
		}
		/* 28 MiB of page cache: what SQLite holds beside the cache grows
		 * with the database (24-28 MiB more at 1M files), and this keeps
		 * the import under 64 MB there for 4% more CPU than 32 MiB
		 * (docs/benchmarks.md). */
		if ((rc = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
				  "PRAGMA cache_size = -28672; PRAGMA temp_store = MEMORY",
			       err, "cannot open the database")))
			goto fail;
		/* ranking tables left pending are built by the next import's
		 * end (nd_store_rank_finish) or optimize, not here: an import
		 * that goes on with a bulk load would build them twice */
		if ((rc = migrate(s, path, err)) || (rc = store_bulk_recover(s, err)))
			goto fail;
	} else if ((rc = check_version(s, path, err)) ||
		   /* a reader maps the file rather than copying each page it
		    * reads into its cache with a pread: a rare word's search
		    * reads 180 pages once, 1.6 -> 1.2 ms at 100 000 files
		    * (docs/benchmarks.md).  SQLite caps the size at its
		    * compile-time maximum (2 GiB on Debian) and reads the rest
		    * as before; the writer keeps its bounded page cache */
		   (rc = exec(s, "PRAGMA mmap_size = 1099511627776", err,
			      "cannot open the database"))) {
		goto fail;
	}
	/* SQLite reads the schema (every CREATE of the file, 0.6 ms at 100 000
	 * files) at the first statement prepared: here, with the open, rather
	 * than inside the first search; the statement is one every command
	 * runs */
	if (!store_stmt(s, ST_META_GET, err)) {
		rc = ND_STORE_ERROR;
		goto fail;
	}
	*out = s;
	return ND_STORE_OK;
fail:
	nd_store_close(s);
	return rc;
}

void nd_store_close(struct nd_store *s)
{
	if (!s)
		return;
	store_sources_release(s);
	store_shorts_release(s);
	store_terms_close(s);
	for (int k = 0; k < ST_COUNT; k++)
		sqlite3_finalize(s->stmts[k]);
	if (s->db && s->mode == ND_STORE_WRITE)
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
	sqlite3_close_v2(s->db);
	store_ids_free(s->ids);
	free(s);
}

/*
 * Deferred full-text indexing.  The schema's triggers index each article as
 * it is written, but FTS5 writes its pending terms out as a new segment at
 * every statement that opens a statement journal, and a trigger writing to a
 * virtual table always does: row by row, that is most of an import's time.
 * So inside a transaction this connection turns the schema's triggers off
 * (SQLITE_DBCONFIG_ENABLE_TRIGGER; TEMP triggers still fire) and TEMP
 * triggers note which rows changed, with the text they had when it was last
 * indexed; the commit then brings both indexes up to date in four
 * statements, before COMMIT, in the same transaction.  Other connections
 * (sqlite3, Datasette) only ever see committed states, where the indexes
 * match the articles, and keep the schema's triggers.
 *
 * A TEMP trigger skips a row already noted with ON CONFLICT DO NOTHING: not
 * OR IGNORE, which the conflict handling of the upsert that fired it would
 * override, and not WHERE NOT EXISTS on the table it inserts into, which
 * makes SQLite gather the row in a new temporary table at every run
 * (4% of a cold import's instructions).
 */
#define BLOCK_DIRTY_ON(name, event, id) \
	"CREATE TEMP TRIGGER newsdb_blocks_" name " AFTER " event " BEGIN" \
	" INSERT INTO newsdb_blocks_dirty (block) VALUES (" id " >> 6)" \
	"  ON CONFLICT (block) DO NOTHING;" \
	" END;"

static const char fts_defer_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS newsdb_fts_old (id INTEGER PRIMARY KEY, title, excerpt, body);"
	"CREATE TEMP TABLE IF NOT EXISTS newsdb_fts_new (id INTEGER PRIMARY KEY);"
	/* an article written in this transaction was never indexed: nothing to take out */
	"CREATE TEMP TRIGGER newsdb_fts_ai AFTER INSERT ON main.articles BEGIN"
	" INSERT INTO newsdb_fts_new (id) VALUES (new.id) ON CONFLICT (id) DO NOTHING;"
	" END;"
	/* a row that became archived or stopped being one is noted too, as the
	 * ranking lists hold archived rows only (store_terms.c) */
	"CREATE TEMP TRIGGER newsdb_fts_au AFTER UPDATE OF title, excerpt, body, is_archived"
	" ON main.articles WHEN old.title IS NOT new.title OR old.excerpt IS NOT new.excerpt"
	" OR old.body IS NOT new.body OR old.is_archived IS NOT new.is_archived BEGIN"
	" INSERT INTO newsdb_fts_old (id, title, excerpt, body)"
	"  SELECT old.id, old.title, old.excerpt, old.body"
	"  WHERE NOT EXISTS (SELECT 1 FROM newsdb_fts_new WHERE id = old.id)"
	"  ON CONFLICT (id) DO NOTHING;"
	" INSERT INTO newsdb_fts_new (id) VALUES (new.id) ON CONFLICT (id) DO NOTHING;"
	" END;"
	"CREATE TEMP TRIGGER newsdb_fts_ad AFTER DELETE ON main.articles BEGIN"
	" INSERT INTO newsdb_fts_old (id, title, excerpt, body)"
	"  SELECT old.id, old.title, old.excerpt, old.body"
	"  WHERE NOT EXISTS (SELECT 1 FROM newsdb_fts_new WHERE id = old.id)"
	"  ON CONFLICT (id) DO NOTHING;"
	" DELETE FROM newsdb_fts_new WHERE id = old.id;"
	" END;";

/* The facet blocks (store_blocks.c) of the articles and topics written (a
 * block is id >> 6, STORE_BLOCK_SHIFT); only while they are kept, not in a
 * bulk import, which builds them all at its end and would only note blocks
 * it then leaves alone. */
static const char blocks_defer_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS newsdb_blocks_dirty (block INTEGER PRIMARY KEY);"
	BLOCK_DIRTY_ON("ai", "INSERT ON main.articles", "new.id")
	BLOCK_DIRTY_ON("au", "UPDATE OF provider_id, published_at, type, title, excerpt, body,"
		       " is_archived ON main.articles", "new.id")
	BLOCK_DIRTY_ON("ad", "DELETE ON main.articles", "old.id")
	BLOCK_DIRTY_ON("ti", "INSERT ON main.article_topics", "new.article_id")
	BLOCK_DIRTY_ON("tu", "UPDATE ON main.article_topics", "new.article_id")
	BLOCK_DIRTY_ON("tu2", "UPDATE ON main.article_topics", "old.article_id")
	BLOCK_DIRTY_ON("td", "DELETE ON main.article_topics", "old.article_id");

/* What the schema's triggers would have done, in bulk. */
static const char fts_sync_sql[] =
	"INSERT INTO main.articles_fts (articles_fts, rowid, title, excerpt, body)"
	" SELECT 'delete', id, title, excerpt, body FROM temp.newsdb_fts_old ORDER BY id;"
	"DELETE FROM main.articles_trigram WHERE rowid IN (SELECT id FROM temp.newsdb_fts_old);"
	"INSERT INTO main.articles_fts (rowid, title, excerpt, body)"
	" SELECT id, title, excerpt, body FROM main.articles"
	" WHERE id IN (SELECT id FROM temp.newsdb_fts_new) ORDER BY id;"
	"INSERT INTO main.articles_trigram (rowid, title, excerpt, body)"
	" SELECT id, " TRIGRAM_COLUMNS " FROM main.articles"
	" WHERE id IN (SELECT id FROM temp.newsdb_fts_new) AND " TRIGRAM_ROW_FN " ORDER BY id;";

/* After the ranking tables took the same rows (store_terms_sync). */
static const char fts_clear_sql[] =
	"DELETE FROM temp.newsdb_fts_old;"
	"DELETE FROM temp.newsdb_fts_new;"
	"DROP TRIGGER temp.newsdb_fts_ai;"
	"DROP TRIGGER temp.newsdb_fts_au;"
	"DROP TRIGGER temp.newsdb_fts_ad;"
	"DROP TABLE IF EXISTS temp.newsdb_blocks_dirty;"
	"DROP TRIGGER IF EXISTS temp.newsdb_blocks_ai;"
	"DROP TRIGGER IF EXISTS temp.newsdb_blocks_au;"
	"DROP TRIGGER IF EXISTS temp.newsdb_blocks_ad;"
	"DROP TRIGGER IF EXISTS temp.newsdb_blocks_ti;"
	"DROP TRIGGER IF EXISTS temp.newsdb_blocks_tu;"
	"DROP TRIGGER IF EXISTS temp.newsdb_blocks_tu2;"
	"DROP TRIGGER IF EXISTS temp.newsdb_blocks_td;";

static void schema_triggers(struct nd_store *s, int on)
{
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, on, NULL);
}

static bool deferring(struct nd_store *s)
{
	int on = 1;
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, -1, &on);
	return !on;
}

/* What this connection remembers of the rows (store_ids.h) holds while no
 * other connection has committed since its last transaction began. */
static int check_ids(struct nd_store *s, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_DATA_VERSION, err);
	if (!st)
		return ND_STORE_ERROR;
	int rc = store_first_row(s, st, err, "cannot start a transaction");
	if (rc != 1)
		return rc < 0 ? rc : ND_STORE_ERROR;
	int64_t v = sqlite3_column_int64(st, 0);
	store_done(st);
	if (s->data_version >= 0 && v != s->data_version) {
		store_ids_forget(s->ids);
		store_ids_urls_off(s->ids);
	}
	s->data_version = v;
	return ND_STORE_OK;
}

int nd_store_begin(struct nd_store *s, struct nd_error *err)
{
	int rc = exec(s, "BEGIN IMMEDIATE", err, "cannot start a transaction");
	if (rc || s->mode != ND_STORE_WRITE)
		return rc;
	if ((rc = check_ids(s, err))) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	/* created inside the transaction: a rollback takes the TEMP triggers away */
	bool blocks;
	if ((rc = exec(s, fts_defer_sql, err, "cannot start a transaction")) ||
	    (rc = store_blocks_state(s, &blocks, err)) ||
	    (blocks && (rc = exec(s, blocks_defer_sql, err, "cannot start a transaction")))) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	schema_triggers(s, 0);
	if (s->bulk_feed && (rc = store_bulk_still_pending(s, err))) {
		nd_store_rollback(s);
		return rc;
	}
	return ND_STORE_OK;
}

int nd_store_commit(struct nd_store *s, struct nd_error *err)
{
	int rc = ND_STORE_OK;
	if (deferring(s)) {
		rc = exec(s, fts_sync_sql, err, "cannot update the search indexes");
		if (!rc)
			rc = store_terms_sync(s, err);
		if (!rc)
			rc = store_blocks_sync(s, err);
		if (!rc)
			rc = exec(s, fts_clear_sql, err, "cannot update the search indexes");
	}
	if (!rc)
		rc = exec(s, "COMMIT", err, "cannot commit");
	if (!rc)
		store_terms_committed(s);
	if (rc)
		nd_store_rollback(s);
	schema_triggers(s, 1);
	return rc;
}

void nd_store_rollback(struct nd_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->sources_writes++; /* what the sources cache read in it may be undone */
	if (s->ids)
		store_ids_forget(s->ids);
	store_terms_forget(s);
	schema_triggers(s, 1);
}

