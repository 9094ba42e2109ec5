/*
 * fuzz_query.c: libFuzzer target for the query translator.  Every expression
 * nd_query_parse() yields must be accepted by a real FTS5 table with the
 * store's tokenizer; any SQLite error is a bug and aborts.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "query.h"
#include "fake_stemmer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3_stmt *count_stmt(void)
{
	static sqlite3 *db;
	static sqlite3_stmt *st;

	/* Opened once and kept for the whole run: reopening per input would
	 * dominate the time spent. */
	if (st)
		return st;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "CREATE VIRTUAL TABLE t USING fts5(title, excerpt, body,"
			 " tokenize='porter unicode61 remove_diacritics 2');"
			 "INSERT INTO t VALUES ('COVID-19 in the U.S.', 'AT&T and O''Brien', 'c++');",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &st, NULL) !=
		    SQLITE_OK)
		abort();
	return st;
}

static void check_expr(const char *expr)
{
	sqlite3_stmt *st = count_stmt();
	int rc;

	if (!expr)
		return;
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "FTS5 rejects [%s]: %s\n", expr,
			sqlite3_errmsg(sqlite3_db_handle(st)));
		abort();
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = nd_xstrndup((const char *)data, size);
	struct nd_query q;
	struct nd_error err;

	/* the first byte picks with or without stems */
	bool stems = size > 0 && (data[0] & 1);
	if (nd_query_parse(text, false, stems ? &fake_stemmer : NULL, &q, &err) == 0) {
		check_expr(q.match);
		check_expr(q.exclude);
		nd_query_release(&q);
	}
	free(text);
	return 0;
}
