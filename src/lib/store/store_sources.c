/*
 * store_sources.c: what the import knows of a file before reading it (its
 * sources row: size, mtime, whether it failed, the hash of its bytes),
 * looked up a folder at a time.
 *
 * A re-import asks this for every file it walks, and on an unchanged archive
 * that is nearly all of its work besides stat(): one range scan of the
 * sources of a folder costs a fraction of one indexed look-up per file.  The
 * walk gives the files of a folder together, so the folder's rows are read
 * when its first file is asked for.  A folder with more rows than the cache
 * holds (its subfolders' rows are in the range too), and a folder whose rows
 * the import has written since they were read, fall back to one look-up per
 * file.
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Rows read per folder at most: a bound on the memory and on the rows read
 * in vain when a folder's range holds a large subtree. */
#define FOLDER_ROWS_MAX 4096

/* Folders found too large, remembered so that coming back to one (its files
 * and subfolders interleave in the walk) does not read its rows again. */
#define LARGE_FOLDERS 16

struct cached_source {
	char *path;
	struct nd_source_state state;
};

struct source_cache {
	char *folder;     /* with its trailing '/' */
	size_t folder_len;
	struct cached_source *rows;
	size_t n;
	bool by_row;      /* too many rows: look each up */
	uint64_t writes;  /* s->sources_writes when the rows were read */
	char *large[LARGE_FOLDERS];
	size_t next_large;
};

static void cache_clear(struct source_cache *c)
{
	for (size_t k = 0; k < c->n; k++)
		free(c->rows[k].path);
	free(c->rows);
	free(c->folder);
	c->rows = NULL;
	c->folder = NULL;
	c->folder_len = c->n = 0;
	c->by_row = false;
}

void store_sources_release(struct nd_store *s)
{
	if (s->sources) {
		cache_clear(s->sources);
		for (size_t k = 0; k < LARGE_FOLDERS; k++)
			free(s->sources->large[k]);
		free(s->sources);
		s->sources = NULL;
	}
}

static bool is_large(const struct source_cache *c)
{
	for (size_t k = 0; k < LARGE_FOLDERS; k++)
		if (c->large[k] && !strcmp(c->large[k], c->folder))
			return true;
	return false;
}

static void remember_large(struct source_cache *c)
{
	free(c->large[c->next_large]);
	c->large[c->next_large] = nd_xstrdup(c->folder);
	c->next_large = (c->next_large + 1) % LARGE_FOLDERS;
}

static void read_state(sqlite3_stmt *st, int first, struct nd_source_state *out)
{
	out->found = true;
	out->size = (uint64_t)sqlite3_column_int64(st, first);
	out->mtime_ns = sqlite3_column_int64(st, first + 1);
	const char *status = (const char *)sqlite3_column_text(st, first + 2);
	out->failed = status && !strcmp(status, "failed");
	const char *hash = (const char *)sqlite3_column_text(st, first + 3);
	if (hash && strlen(hash) < sizeof(out->hash))
		strcpy(out->hash, hash);
}

static int get_one(struct nd_store *s, const char *path, struct nd_source_state *out,
		   struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_SOURCE_GET, path, &st, err, "cannot read sources");
	if (rc != 1)
		return rc;
	read_state(st, 0, out); /* path is UNIQUE: no second row to step to */
	return store_done(st);
}

/* Reads the rows of every path under `folder` (which ends in '/'), in the
 * order of the index on path (bytes, as strcmp). */
static int cache_load(struct nd_store *s, struct source_cache *c, const char *folder,
		      size_t len, struct nd_error *err)
{
	cache_clear(c);
	c->folder = nd_xstrndup(folder, len);
	c->folder_len = len;
	c->writes = s->sources_writes;
	if (is_large(c)) {
		c->by_row = true;
		return ND_STORE_OK;
	}
	/* every path that starts with "dir/" sorts before "dir0" */
	char *end = nd_xstrndup(folder, len);
	end[len - 1] = '/' + 1;
	sqlite3_stmt *st = store_stmt(s, ST_SOURCE_FOLDER, err);
	if (!st) {
		free(end);
		return ND_STORE_ERROR;
	}
	sqlite3_bind_text(st, 1, c->folder, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, end, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, FOLDER_ROWS_MAX + 1);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n == FOLDER_ROWS_MAX) {
			c->by_row = true;
			remember_large(c);
			rc = SQLITE_DONE;
			break;
		}
		if (c->n == cap) {
			cap = cap ? 2 * cap : 64;
			c->rows = nd_xrealloc(c->rows, cap * sizeof(*c->rows));
		}
		struct cached_source *row = &c->rows[c->n++];
		row->path = nd_xstrdup((const char *)sqlite3_column_text(st, 0));
		read_state(st, 1, &row->state);
	}
	free(end);
	return store_finish(s, st, rc, err, "cannot read sources");
}

static int by_path(const void *key, const void *row)
{
	return strcmp(key, ((const struct cached_source *)row)->path);
}

/* The cached row of `path`, when its folder's rows are the ones cached. */
static struct cached_source *cached_row(struct source_cache *c, const char *path)
{
	return c && !c->by_row && c->n ? bsearch(path, c->rows, c->n, sizeof(*c->rows), by_path)
				       : NULL;
}

void store_sources_touched(struct nd_store *s, const char *path, int64_t mtime_ns)
{
	struct cached_source *row = cached_row(s->sources, path);
	if (row)
		row->state.mtime_ns = mtime_ns;
}

int nd_store_source_get(struct nd_store *s, const char *path, struct nd_source_state *out,
			struct nd_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *slash = strrchr(path, '/');
	if (!slash)
		return get_one(s, path, out, err);
	size_t len = (size_t)(slash - path) + 1;
	if (!s->sources)
		s->sources = nd_xcalloc(1, sizeof(*s->sources));
	struct source_cache *c = s->sources;
	if (!c->folder || c->folder_len != len || memcmp(c->folder, path, len) != 0) {
		int rc = cache_load(s, c, path, len, err);
		if (rc != ND_STORE_OK)
			return rc;
	}
	if (c->by_row || c->writes != s->sources_writes) /* written since read */
		return get_one(s, path, out, err);
	const struct cached_source *row = cached_row(c, path);
	if (row)
		*out = row->state;
	return ND_STORE_OK;
}
