/*
 * store_read.c: reading whole articles back out of the tables (for show and
 * export), the inverse of store_write.c.
 */
#include "store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "normalize.h"

static char *column_text(sqlite3_stmt *st, int k)
{
	const char *v = (const char *)sqlite3_column_text(st, k);
	return v ? nd_xstrdup(v) : NULL;
}

static struct nd_number column_number(sqlite3_stmt *st, int k)
{
	struct nd_number n = { .kind = ND_NUM_NONE };
	switch (sqlite3_column_type(st, k)) {
	case SQLITE_INTEGER:
		n.kind = ND_NUM_INT;
		n.i = sqlite3_column_int64(st, k);
		break;
	case SQLITE_FLOAT:
		n.kind = ND_NUM_REAL;
		n.r = sqlite3_column_double(st, k);
		break;
	default:
		break;
	}
	return n;
}

static int load_images(struct nd_store *s, enum stmt_id id, int64_t owner,
		       struct nd_image **out, size_t *n_out, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, id, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, owner);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n_out == cap) {
			cap = cap ? cap * 2 : 4;
			*out = nd_xrealloc(*out, cap * sizeof(**out));
		}
		struct nd_image *img = &(*out)[(*n_out)++];
		img->url = column_text(st, 0);
		img->width = column_number(st, 1);
		img->height = column_number(st, 2);
		img->is_cached = store_column_flag(st, 3);
	}
	return store_finish(s, st, rc, err, "cannot read images");
}

static int load_provider(struct nd_store *s, int64_t id, struct nd_provider **out,
			 struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_id(s, ST_READ_PROVIDER, id, &st, err, "cannot read providers");
	if (rc != 1)
		return rc;
	struct nd_provider *p = nd_xcalloc(1, sizeof(*p));
	p->name = column_text(st, 0);
	p->domain = column_text(st, 1);
	p->name_key = column_text(st, 2);
	*out = p;
	store_done(st);
	return load_images(s, ST_READ_PROVIDER_IMAGES, id, &(*out)->images, &(*out)->n_images,
			   err);
}

static int load_topics(struct nd_store *s, int64_t id, struct nd_article *a,
		       struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_READ_TOPICS, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->n_topics == cap) {
			cap = cap ? cap * 2 : 4;
			a->topics = nd_xrealloc(a->topics, cap * sizeof(char *));
			a->topic_keys = nd_xrealloc(a->topic_keys, cap * sizeof(char *));
		}
		a->topics[a->n_topics] = column_text(st, 0);
		a->topic_keys[a->n_topics++] = column_text(st, 1);
	}
	return store_finish(s, st, rc, err, "cannot read topics");
}

/* The article row and what hangs off it, without related items. */
static int load_shallow(struct nd_store *s, int64_t id, struct nd_article *a,
			struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_id(s, ST_READ_ARTICLE, id, &st, err, "cannot read articles");
	if (rc != 1) {
		if (rc == 0) {
			nd_error_set(err, 0, 0, "no article with id %lld", (long long)id);
			rc = ND_STORE_NOT_FOUND;
		}
		return rc;
	}
	char **texts[] = { &a->url, &a->web_url, &a->original_url, &a->amp_url,
			   &a->cdn_amp_url, &a->title, &a->excerpt, &a->body,
			   &a->category, &a->type };
	for (int k = 0; k < 10; k++)
		*texts[k] = column_text(st, k);
	const char *date = (const char *)sqlite3_column_text(st, 10);
	snprintf(a->published_at, sizeof(a->published_at), "%s", date ? date : "");
	a->quality = column_number(st, 11);
	a->heat = column_number(st, 12);
	a->is_published = store_column_flag(st, 13);
	a->featured_content = column_text(st, 14);
	int64_t provider_id = sqlite3_column_int64(st, 15);
	a->extra = column_text(st, 16);
	sqlite3_reset(st);
	if (provider_id && (rc = load_provider(s, provider_id, &a->provider, err)))
		return rc;
	if ((rc = load_topics(s, id, a, err)))
		return rc;
	return load_images(s, ST_READ_ARTICLE_IMAGES, id, &a->images, &a->n_images, err);
}

int nd_store_article_load(struct nd_store *s, int64_t id, struct nd_article *a,
			  struct nd_error *err)
{
	memset(a, 0, sizeof(*a));
	int rc = load_shallow(s, id, a, err);
	if (rc)
		return rc;
	/* ids first: loading an item reuses the statements of this loop */
	sqlite3_stmt *st = store_stmt(s, ST_READ_RELATED_IDS, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			ids = nd_xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if ((rc = store_finish(s, st, rc, err, "cannot read related links"))) {
		free(ids);
		return rc;
	}
	a->related = n ? nd_xcalloc(n, sizeof(*a->related)) : NULL;
	for (size_t k = 0; k < n && rc == ND_STORE_OK; k++) {
		rc = load_shallow(s, ids[k], &a->related[k], err);
		a->n_related++;
	}
	free(ids);
	return rc;
}

static int id_by_text(struct nd_store *s, enum stmt_id which, const char *text, int64_t *id,
		      struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, which, text, &st, err, "cannot read articles");
	*id = rc == 1 ? sqlite3_column_int64(st, 0) : 0;
	return rc == 1 ? store_done(st) : rc;
}

int nd_store_article_find(struct nd_store *s, const char *key, int64_t *id,
			  struct nd_error *err)
{
	*id = 0;
	char *end;
	errno = 0;
	long long n = strtoll(key, &end, 10);
	int rc;
	if (*key && !*end && !errno && n > 0) {
		*id = n;
		struct nd_article probe;
		memset(&probe, 0, sizeof(probe));
		rc = load_shallow(s, n, &probe, err);
		nd_article_release(&probe);
		return rc;
	}
	if (strstr(key, "://")) {
		char *url = nd_norm_url(key);
		rc = url ? id_by_text(s, ST_ARTICLE_FIND, url, id, err) : ND_STORE_OK;
		free(url);
	} else {
		rc = id_by_text(s, ST_READ_ID_BY_PATH, key, id, err);
		char *abs = rc == ND_STORE_OK && !*id ? realpath(key, NULL) : NULL;
		if (abs)
			rc = id_by_text(s, ST_READ_ID_BY_PATH, abs, id, err);
		free(abs);
	}
	if (rc == ND_STORE_OK && !*id) {
		nd_error_set(err, 0, 0, "no article is known by '%s'", key);
		return ND_STORE_NOT_FOUND;
	}
	return rc;
}

int nd_store_article_backlinks(struct nd_store *s, int64_t id, nd_link_fn fn, void *ctx,
			       struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_READ_BACKLINKS, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	return store_finish(s, st, rc, err, "cannot read related links");
}

int nd_store_article_sources(struct nd_store *s, int64_t id, nd_source_fn fn, void *ctx,
			     struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_READ_SOURCES, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2),
		       (const char *)sqlite3_column_text(st, 3), ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	return store_finish(s, st, rc, err, "cannot read sources");
}

int nd_store_archived_ids(struct nd_store *s, nd_id_fn fn, void *ctx, struct nd_error *err)
{
	/* a statement of its own: fn loads articles with the shared ones */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, store_sql[ST_READ_ARCHIVED_IDS], -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, err, "cannot read articles");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(st, 0), ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	rc = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot read articles");
	sqlite3_finalize(st);
	return rc;
}
