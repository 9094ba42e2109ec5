/*
 * store_meta.c: the _newsdb_meta table, and what the rules version recorded
 * there decides: whether the failed and skipped sources, which an import
 * does not read again while their files are unchanged, must be read again
 * because they were judged by other rules.
 */
#include "store_internal.h"

#define RULES_KEY "rules_version"

int nd_store_rules_update(struct nd_store *s, int64_t version, int64_t *marked,
			  struct nd_error *err)
{
	*marked = -1;
	sqlite3_stmt *st = store_stmt(s, ST_META_GET, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, RULES_KEY, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	/* a value of another type (someone's hand edit) is another version too */
	bool same = rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
		    sqlite3_column_int64(st, 0) == version;
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE; /* key is the primary key: one row at most */
	if ((rc = store_finish(s, st, rc, err, "cannot read the rules version")) || same)
		return rc;
	if (!(st = store_stmt(s, ST_SOURCE_MARK_NOT_OK, err)))
		return ND_STORE_ERROR;
	store_sources_written(s);
	if ((rc = store_finish(s, st, sqlite3_step(st), err, "cannot update sources")))
		return rc;
	*marked = sqlite3_changes64(s->db);
	if (!(st = store_stmt(s, ST_META_PUT, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, RULES_KEY, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, version);
	return store_finish(s, st, sqlite3_step(st), err, "cannot record the rules version");
}
