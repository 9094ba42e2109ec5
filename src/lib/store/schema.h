/* schema.h: the migrations of schema/NNN_*.sql, embedded at build time by
 * tools/embed_sql.c.  nd_schema_migrations[k] brings user_version k to k+1. */
#ifndef ND_SCHEMA_H
#define ND_SCHEMA_H

extern const char *const nd_schema_migrations[];
extern const int nd_schema_version;

#endif
