/*
 * fuzz_cjkrow.c: libFuzzer target for nd_cjk_row (store_cjk.c), which reads
 * an article's stored text, bytes from outside.  The input's first two
 * bytes give the lengths of the title and the excerpt (modulo what is
 * left), the rest is the body; NULs and broken UTF-8 stay in.  nd_cjk_row
 * must not read outside them, and must say what SQLite's GLOB of the same
 * class says (TRIGRAM_RULE_SQL): a difference aborts.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *rule;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db && (sqlite3_open(":memory:", &db) != SQLITE_OK ||
		    store_register_cjk_row(db) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, TRIGRAM_RULE_SQL, -1, &rule, NULL) != SQLITE_OK))
		abort();
	if (size < 2)
		return 0;
	size_t rest = size - 2;
	size_t a = data[0] % (rest + 1);
	size_t b = data[1] % (rest - a + 1);
	const uint8_t *p = data + 2;
	size_t len[3] = { a, b, rest - a - b };
	for (int k = 0; k < 3; k++) {
		/* copies of their own, so that ASan sees a read past each */
		char *copy = malloc(len[k] ? len[k] : 1);
		if (!copy)
			abort();
		for (size_t i = 0; i < len[k]; i++)
			copy[i] = (char)p[i];
		sqlite3_bind_text(rule, k + 1, copy, (int)len[k], free);
		p += len[k];
	}
	if (sqlite3_step(rule) != SQLITE_ROW)
		abort();
	int mine = sqlite3_column_int(rule, 0), glob = sqlite3_column_int(rule, 1);
	if (mine != glob) {
		fprintf(stderr, "nd_cjk_row says %d, the GLOB %d\n", mine, glob);
		abort();
	}
	sqlite3_reset(rule);
	sqlite3_clear_bindings(rule); /* frees the copies */
	return 0;
}
