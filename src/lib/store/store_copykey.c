/*
 * store_copykey.c: nd_copy_key(title, provider name, provider domain) as an
 * SQL function, so --dedupe groups matches by copykey.h's key inside the
 * statement that pages them (store_sql.c, COPY_KEY).
 */
#include "store_internal.h"

#include <stdlib.h>

#include "copykey.h"

static void copy_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	char *key = nd_copy_key((const char *)sqlite3_value_text(argv[0]),
				(const char *)sqlite3_value_text(argv[1]),
				(const char *)sqlite3_value_text(argv[2]));
	if (key)
		sqlite3_result_text(ctx, key, -1, free);
	else
		sqlite3_result_null(ctx);
}

int store_register_copy_key(sqlite3 *db)
{
	return sqlite3_create_function(db, "nd_copy_key", 3,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       copy_key_fn, NULL, NULL);
}
