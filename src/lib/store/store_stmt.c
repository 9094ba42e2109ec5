/*
 * store_stmt.c: the statement cache and the few helpers every store file
 * runs its statements with: the error of a failed step as an nd_error, the
 * step/finish of a one-row lookup, FTS5's varints, 0/1 columns.  It calls
 * nothing else of the store, so every other store file can use it.
 */
#include "store_internal.h"

#include <assert.h>
#include <stdbool.h>

/* The statements that write sources: running one makes what the sources
 * cache (store_sources.c) read before stale.  Said here, where every
 * statement is prepared, rather than beside each write.  (A touched file's
 * new mtime, ST_SOURCE_TOUCH, goes into the cache as it is written:
 * store_sources_touched.) */
static bool writes_sources(enum stmt_id id)
{
	switch (id) {
	case ST_SOURCE_PUT:
	case ST_SOURCE_DELETE:
	case ST_SOURCE_MARK_STALE:
	case ST_SOURCE_MARK_NOT_OK:
		return true;
	default:
		return false;
	}
}

int store_fail(struct nd_store *s, struct nd_error *err, const char *doing)
{
	int code = s && s->db ? sqlite3_extended_errcode(s->db) : SQLITE_ERROR;
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(code);
	int primary = code & 0xff;
	switch (primary) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		nd_error_set(err, 0, 0, "%s: the database is locked by another newsdb process", doing);
		return ND_STORE_BUSY;
	case SQLITE_FULL:
		nd_error_set(err, 0, 0, "%s: the disk holding '%s' is full (%s)", doing,
			     sqlite3_db_filename(s->db, "main"), msg);
		return ND_STORE_FULL;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		nd_error_set(err, 0, 0, "%s: the database '%s' cannot be written (%s)", doing,
			     s && s->db ? sqlite3_db_filename(s->db, "main") : "?", msg);
		return ND_STORE_READONLY;
	default:
		nd_error_set(err, 0, 0, "%s: %s", doing, msg);
		return ND_STORE_ERROR;
	}
}

int store_finish(struct nd_store *s, sqlite3_stmt *st, int rc, struct nd_error *err,
		 const char *doing)
{
	assert(s && st && doing);
	int status = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, doing);
	sqlite3_reset(st);
	return status;
}

int store_first_row(struct nd_store *s, sqlite3_stmt *st, struct nd_error *err,
		    const char *doing)
{
	assert(st);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	return store_finish(s, st, rc, err, doing);
}

int store_lookup_text(struct nd_store *s, enum stmt_id which, const char *text,
		      sqlite3_stmt **out, struct nd_error *err, const char *doing)
{
	if (!(*out = store_stmt(s, which, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_text(*out, 1, text, -1, SQLITE_STATIC);
	return store_first_row(s, *out, err, doing);
}

int store_lookup_id(struct nd_store *s, enum stmt_id which, int64_t id, sqlite3_stmt **out,
		    struct nd_error *err, const char *doing)
{
	if (!(*out = store_stmt(s, which, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_int64(*out, 1, id);
	return store_first_row(s, *out, err, doing);
}

int store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	return ND_STORE_OK;
}

int store_varint(const unsigned char *p, int n, int64_t *out)
{
	uint64_t v = 0;
	int i = 0;
	bool more = true;
	for (; more && i < 8 && i < n; i++) {
		v = (v << 7) | (p[i] & 0x7f);
		more = p[i] & 0x80;
	}
	if (more && i < n)
		v = (v << 8) | p[i++];
	else if (more)
		return 0;
	*out = (int64_t)v;
	return i;
}

int64_t store_varint_sum(const unsigned char *p, int n)
{
	int64_t sum = 0, v;
	for (int used; n > 0 && (used = store_varint(p, n, &v)) > 0; p += used, n -= used)
		sum += v;
	return sum;
}

int store_column_flag(sqlite3_stmt *st, int k)
{
	return sqlite3_column_type(st, k) == SQLITE_NULL ? -1 : sqlite3_column_int(st, k) != 0;
}

sqlite3_stmt *store_stmt(struct nd_store *s, enum stmt_id id, struct nd_error *err)
{
	assert(s && s->db && (int)id >= 0 && id < ST_COUNT);
	if (writes_sources(id))
		s->sources_writes++;
	sqlite3_stmt *st = s->stmts[id];
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(s->db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		store_fail(s, err, "cannot prepare a statement");
		return NULL;
	}
	s->stmts[id] = st;
	return st;
}
