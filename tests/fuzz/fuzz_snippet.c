/*
 * fuzz_snippet.c: libFuzzer target for nd_snippet() (store_snippet.c),
 * which reads a search's expression and an article's stored text, both
 * from outside.  The input's first line is the expression; the rest, split
 * at NUL bytes, the title, excerpt and body.  nd_snippet must not crash on
 * any of it, and where FTS5 parses the expression, the row matches it and
 * nd_snippet understands it, its snippet must be FTS5's snippet() to the
 * byte (a difference aborts).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *insert, *both, *mine_only;

static void open_once(void)
{
	if (db)
		return;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || store_register_snippet(db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "CREATE VIRTUAL TABLE t USING fts5(title, excerpt, body,"
			 " tokenize='porter unicode61 remove_diacritics 2')",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (rowid, title, excerpt, body) VALUES (1, ?1, ?2, ?3)",
			       -1, &insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT snippet(t, -1, '[', ']', '…', ?2),"
			       " nd_snippet(?1, title, excerpt, body, '[', ']', '…', ?2)"
			       " FROM t WHERE t MATCH ?1",
			       -1, &both, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT nd_snippet(?1, ?2, ?3, ?4, '[', ']', '…', ?5)", -1,
			       &mine_only, NULL) != SQLITE_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	open_once();
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t match_len = nl ? (size_t)(nl - text) : size;
	char *match = strndup(text, match_len);
	const char *cols[3] = { NULL, NULL, NULL };
	size_t lens[3] = { 0, 0, 0 };
	size_t at = nl ? match_len + 1 : size;
	for (int c = 0; c < 3 && at <= size && nl; c++) {
		const char *end = memchr(text + at, '\0', size - at);
		size_t n = end ? (size_t)(end - (text + at)) : size - at;
		cols[c] = text + at;
		lens[c] = n;
		at += n + 1;
	}
	int n_tokens = 2 + (int)(size % 23);

	/* any expression and text: no crash, an error or a value */
	if (store_snippet_understood(match)) {
		sqlite3_bind_text(mine_only, 1, match, -1, SQLITE_STATIC);
		for (int c = 0; c < 3; c++)
			if (cols[c])
				sqlite3_bind_text(mine_only, 2 + c, cols[c], (int)lens[c], SQLITE_STATIC);
		sqlite3_bind_int(mine_only, 5, n_tokens);
		sqlite3_step(mine_only);
		sqlite3_reset(mine_only);
		sqlite3_clear_bindings(mine_only);
	}

	/* FTS5's own on the same row */
	sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL);
	for (int c = 0; c < 3; c++)
		if (cols[c])
			sqlite3_bind_text(insert, 1 + c, cols[c], (int)lens[c], SQLITE_STATIC);
	sqlite3_step(insert);
	sqlite3_reset(insert);
	sqlite3_clear_bindings(insert);
	if (store_snippet_understood(match)) {
		sqlite3_bind_text(both, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_int(both, 2, n_tokens);
		if (sqlite3_step(both) == SQLITE_ROW) {
			const char *fts5 = (const char *)sqlite3_column_text(both, 0);
			const char *mine = (const char *)sqlite3_column_text(both, 1);
			if ((fts5 == NULL) != (mine == NULL) || (fts5 && strcmp(fts5, mine) != 0)) {
				fprintf(stderr, "nd_snippet differs from snippet() for %s:\n%s\n%s\n",
					match, fts5 ? fts5 : "NULL", mine ? mine : "NULL");
				abort();
			}
		}
		sqlite3_reset(both);
		sqlite3_clear_bindings(both);
	}
	free(match);
	return 0;
}
