/*
 * store_meta.c: the _newsdb_meta table, and what the rules version recorded
 * there decides: whether the failed and skipped sources, which an import
 * does not read again while their files are unchanged, must be read again
 * because they were judged by other rules; the state of the ranking tables
 * (store_terms.c) and their numbers.
 */
#include "store_internal.h"

#include <string.h>

#define RULES_KEY "rules_version"

int nd_store_rules_update(struct nd_store *s, int64_t version, int64_t *marked,
			  struct nd_error *err)
{
	*marked = -1;
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_META_GET, RULES_KEY, &st, err,
				   "cannot read the rules version");
	if (rc < 0)
		return rc;
	/* a value of another type (someone's hand edit) is another version too */
	bool same = rc == 1 && sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
		    sqlite3_column_int64(st, 0) == version;
	if (rc == 1)
		store_done(st); /* key is the primary key: one row at most */
	if (same)
		return ND_STORE_OK;
	if (!(st = store_stmt(s, ST_SOURCE_MARK_NOT_OK, err)))
		return ND_STORE_ERROR;
	if ((rc = store_finish(s, st, sqlite3_step(st), err, "cannot update sources")))
		return rc;
	*marked = sqlite3_changes64(s->db);
	if (!(st = store_stmt(s, ST_META_PUT, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, RULES_KEY, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, version);
	return store_finish(s, st, sqlite3_step(st), err, "cannot record the rules version");
}

int store_meta_real(struct nd_store *s, const char *key, double *out, struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_META_GET, key, &st, err, "cannot read the ranking tables");
	if (rc == 1)
		*out = sqlite3_column_double(st, 0);
	return rc == 1 ? store_done(st) : rc;
}

int store_meta_put(struct nd_store *s, const char *key, const char *text, double real,
		   struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_PUT, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_double(st, 2, real);
	return store_finish(s, st, sqlite3_step(st), err, "cannot write the ranking tables");
}

int store_rank_state(struct nd_store *s, bool *ready, struct nd_error *err)
{
	return store_state_ready(s, "rank_state", ready, err);
}

int store_state_ready(struct nd_store *s, const char *key, bool *ready, struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_META_GET, key, &st, err, "cannot read the database");
	*ready = rc == 1 && sqlite3_column_text(st, 0) &&
		 !strcmp((const char *)sqlite3_column_text(st, 0), "ready");
	return rc == 1 ? store_done(st) : rc;
}
