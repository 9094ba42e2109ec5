/*
 * export_bulk.h: `newsdb export --format opensearch`: the archive as the
 * body of OpenSearch and Elasticsearch _bulk requests (cmd_export_bulk.c).
 * cmd_export.c parses the command line and calls it.
 */
#ifndef ND_EXPORT_BULK_H
#define ND_EXPORT_BULK_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "store.h"

/* What a _bulk request may hold by default in both engines
 * (http.max_content_length, 100mb = 104857600 bytes), less a margin. */
#define ND_BULK_CHUNK_DEFAULT 100000000

/* The placeholder of --index that becomes the article's year. */
#define ND_BULK_YEAR "{year}"

struct bulk_opts {
	const char *index;   /* index name, maybe with ND_BULK_YEAR */
	const char *dir;     /* chunk files go here; NULL: stdout */
	int64_t chunk_bytes; /* at most this many bytes a file */
	int64_t since;       /* --changed-since; -1: every archived article */
};

/* Checks an index name (after ND_BULK_YEAR is filled in) against the
 * engines' rules; NULL when it is fine, else what is wrong. */
const char *bulk_index_problem(const char *index);

/* Writes the feed; returns an exit status, having said what went wrong. */
int export_bulk(const struct nd_cli *cli, struct nd_store *store, const struct bulk_opts *opts);

#endif
