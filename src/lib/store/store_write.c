/*
 * store_write.c: recording one imported file: its source row, its article
 * and everything hanging off it, inside one savepoint so that a file lands
 * completely or not at all.
 */
#include "store_ids.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs a statement that returns no rows (or whose rows are not needed). */
static int run(struct nd_store *s, sqlite3_stmt *st, struct nd_error *err, const char *doing)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		int status = store_fail(s, err, doing);
		sqlite3_reset(st);
		return status;
	}
	sqlite3_reset(st);
	return ND_STORE_OK;
}

/* Runs a statement whose first row's first column is an id (*id = 0 when
 * there is no row). */
static int run_id(struct nd_store *s, sqlite3_stmt *st, int64_t *id, struct nd_error *err,
		  const char *doing)
{
	*id = 0;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		int status = store_fail(s, err, doing);
		sqlite3_reset(st);
		return status;
	}
	sqlite3_reset(st);
	return ND_STORE_OK;
}

static void bind_text(sqlite3_stmt *st, int k, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, k, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, k);
}

static void bind_number(sqlite3_stmt *st, int k, const struct nd_number *n)
{
	if (n->kind == ND_NUM_INT)
		sqlite3_bind_int64(st, k, n->i);
	else if (n->kind == ND_NUM_REAL)
		sqlite3_bind_double(st, k, n->r);
	else
		sqlite3_bind_null(st, k);
}

static void bind_flag(sqlite3_stmt *st, int k, int flag)
{
	if (flag < 0)
		sqlite3_bind_null(st, k);
	else
		sqlite3_bind_int(st, k, flag);
}

/* The image's id: the rowid the upsert inserted, else (it updated the row
 * of that URL) that row's.  Not with RETURNING, which makes SQLite gather
 * the rows in a temporary table at each run: twice an upsert's own cost. */
static int put_image(struct nd_store *s, const struct nd_image *img, int64_t *id,
		     struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_IMAGE_UPSERT, err);
	if (!st)
		return ND_STORE_ERROR;
	bind_text(st, 1, img->url);
	bind_number(st, 2, &img->width);
	bind_number(st, 3, &img->height);
	bind_flag(st, 4, img->is_cached);
	sqlite3_int64 before = sqlite3_last_insert_rowid(s->db);
	int rc = run(s, st, err, "cannot store an image");
	if (rc)
		return rc;
	/* triggers restore it when they end: only this insert moves it */
	*id = sqlite3_last_insert_rowid(s->db);
	if (*id != before)
		return ND_STORE_OK;
	/* updated (or inserted at the very rowid another table's last insert
	 * had: the look-up finds it either way) */
	sqlite3_stmt *got;
	if ((rc = store_lookup_text(s, ST_IMAGE_FIND, img->url, &got, err,
				    "cannot store an image")) < 0)
		return rc;
	if (rc == 0) {
		nd_error_set(err, 0, 0, "cannot store an image: the row written is not there");
		return ND_STORE_ERROR;
	}
	*id = sqlite3_column_int64(got, 0);
	return store_done(got);
}

/* Deletes the rows an owner has in one of its lists (ST_*_CLEAR). */
static int clear_list(struct nd_store *s, enum stmt_id clear, int64_t owner, const char *doing,
		      struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, clear, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, owner);
	return run(s, st, err, doing);
}

/* Does a stored value stay as it is when the upsert of ST_IMAGE_UPSERT
 * brings n (coalesce: an unknown value keeps the stored one)? */
static bool same_number(sqlite3_stmt *st, int k, const struct nd_number *n)
{
	switch (n->kind) {
	case ND_NUM_INT:
		return sqlite3_column_type(st, k) == SQLITE_INTEGER && sqlite3_column_int64(st, k) == n->i;
	case ND_NUM_REAL:
		return sqlite3_column_type(st, k) == SQLITE_FLOAT && sqlite3_column_double(st, k) == n->r;
	default:
		return true;
	}
}

/* Is the owner's stored image list (read by `read`, ordered by position)
 * already what storing `images` would make it?  Most files name the logos
 * their provider had already, and re-imported files mostly the same images:
 * one read then replaces two writes an image. */
static int same_image_list(struct nd_store *s, enum stmt_id read, int64_t owner,
			   const struct nd_image *images, size_t n, bool *same,
			   struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, read, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, owner);
	size_t k = 0;
	int rc = SQLITE_DONE;
	*same = true;
	while (*same && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *url = (const char *)sqlite3_column_text(st, 0);
		*same = k < n && url && !strcmp(url, images[k].url) &&
			same_number(st, 1, &images[k].width) && same_number(st, 2, &images[k].height) &&
			(images[k].is_cached < 0 || (sqlite3_column_type(st, 3) == SQLITE_INTEGER &&
						     sqlite3_column_int(st, 3) == images[k].is_cached));
		k++;
	}
	if (*same && rc != SQLITE_DONE) {
		rc = store_fail(s, err, "cannot read images");
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	*same = *same && k == n;
	return ND_STORE_OK;
}

/* Deletes an owner's image list (ST_*_IMAGES_CLEAR, which returns the
 * image ids it unlinked), keeping those ids in *old. */
static int clear_images(struct nd_store *s, enum stmt_id clear, int64_t owner, int64_t **old,
			size_t *n_old, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, clear, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, owner);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n_old == cap) {
			cap = cap ? 2 * cap : 8;
			*old = nd_xrealloc(*old, cap * sizeof(**old));
		}
		(*old)[(*n_old)++] = sqlite3_column_int64(st, 0);
	}
	int status = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot replace images");
	sqlite3_reset(st);
	return status;
}

/* Removes each image of old[] that no list names any more, so an image left
 * by a file that changed its images, or that lost its article to a newer
 * file, does not stay behind (an export and import again would not bring it
 * back).  In the file's savepoint, like the change that orphaned it. */
static int drop_orphans(struct nd_store *s, const int64_t *old, size_t n, struct nd_error *err)
{
	for (size_t k = 0; k < n; k++) {
		sqlite3_stmt *st = store_stmt(s, ST_IMAGE_DROP_ORPHAN, err);
		if (!st)
			return ND_STORE_ERROR;
		sqlite3_bind_int64(st, 1, old[k]);
		int rc = run(s, st, err, "cannot remove an image");
		if (rc)
			return rc;
	}
	return ND_STORE_OK;
}

/* Adds images[0..n) as owner's list from position 0. */
static int add_images(struct nd_store *s, enum stmt_id add, int64_t owner,
		      const struct nd_image *images, size_t n, struct nd_error *err)
{
	for (size_t k = 0; k < n; k++) {
		int64_t image_id;
		int rc = put_image(s, &images[k], &image_id, err);
		if (rc)
			return rc;
		sqlite3_stmt *st = store_stmt(s, add, err);
		if (!st)
			return ND_STORE_ERROR;
		sqlite3_bind_int64(st, 1, owner);
		sqlite3_bind_int64(st, 2, (int64_t)k);
		sqlite3_bind_int64(st, 3, image_id);
		if ((rc = run(s, st, err, "cannot store an image")))
			return rc;
	}
	return ND_STORE_OK;
}

/* Replaces the ordered image list of an owner (article or provider); an
 * owner made by this very file (fresh) has none to replace.  Images the old
 * list named and nothing names now are removed. */
static int put_image_list(struct nd_store *s, enum stmt_id read, enum stmt_id clear,
			  enum stmt_id add, int64_t owner, bool fresh,
			  const struct nd_image *images, size_t n, struct nd_error *err)
{
	int rc;
	int64_t *old = NULL;
	size_t n_old = 0;
	if (!fresh) {
		bool same;
		if ((rc = same_image_list(s, read, owner, images, n, &same, err)) || same)
			return rc;
		if ((rc = clear_images(s, clear, owner, &old, &n_old, err)))
			goto done;
	}
	if (!(rc = add_images(s, add, owner, images, n, err)))
		rc = drop_orphans(s, old, n_old, err);
done:
	free(old);
	return rc;
}

static int put_provider(struct nd_store *s, const struct nd_provider *p, bool replace_images,
			int64_t *id, struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc;
	if (!(*id = store_ids_provider(s->ids, p->domain, p->name_key))) {
		if (!(st = store_stmt(s, ST_PROVIDER_FIND, err)))
			return ND_STORE_ERROR;
		sqlite3_bind_text(st, 1, p->domain, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, p->name_key, -1, SQLITE_STATIC);
		if ((rc = run_id(s, st, id, err, "cannot read providers")))
			return rc;
		if (*id)
			store_ids_put_provider(s->ids, p->domain, p->name_key, *id);
	}
	bool fresh = !*id;
	if (fresh) {
		if (!(st = store_stmt(s, ST_PROVIDER_INSERT, err)))
			return ND_STORE_ERROR;
		sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, p->domain, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, p->name_key, -1, SQLITE_STATIC);
		if ((rc = run(s, st, err, "cannot store a provider")))
			return rc;
		*id = sqlite3_last_insert_rowid(s->db);
		store_ids_put_provider(s->ids, p->domain, p->name_key, *id);
	}
	/* logos come from the newest file that names some; none leaves them */
	if (replace_images && p->n_images)
		return put_image_list(s, ST_READ_PROVIDER_IMAGES, ST_PROVIDER_IMAGES_CLEAR,
				      ST_PROVIDER_IMAGE_ADD, *id, fresh, p->images, p->n_images, err);
	return ND_STORE_OK;
}

/* The id of topic k of article a, its row made when there is none. */
static int put_topic(struct nd_store *s, const struct nd_article *a, size_t k, int64_t *id,
		     struct nd_error *err)
{
	if ((*id = store_ids_topic(s->ids, a->topic_keys[k])))
		return ND_STORE_OK;
	sqlite3_stmt *st = store_stmt(s, ST_TOPIC_FIND, err);
	int rc;
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, a->topic_keys[k], -1, SQLITE_STATIC);
	if ((rc = run_id(s, st, id, err, "cannot read topics")))
		return rc;
	if (!*id) {
		if (!(st = store_stmt(s, ST_TOPIC_INSERT, err)))
			return ND_STORE_ERROR;
		sqlite3_bind_text(st, 1, a->topics[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->topic_keys[k], -1, SQLITE_STATIC);
		if ((rc = run(s, st, err, "cannot store a topic")))
			return rc;
		*id = sqlite3_last_insert_rowid(s->db);
	}
	store_ids_put_topic(s->ids, a->topic_keys[k], *id);
	return ND_STORE_OK;
}

static int put_topics(struct nd_store *s, int64_t article_id, bool fresh,
		      const struct nd_article *a, struct nd_error *err)
{
	int rc;
	if (!fresh && (rc = clear_list(s, ST_ARTICLE_TOPICS_CLEAR, article_id,
				       "cannot replace topics", err)))
		return rc;
	for (size_t k = 0; k < a->n_topics; k++) {
		int64_t topic_id;
		if ((rc = put_topic(s, a, k, &topic_id, err)))
			return rc;
		sqlite3_stmt *st = store_stmt(s, ST_ARTICLE_TOPIC_ADD, err);
		if (!st)
			return ND_STORE_ERROR;
		sqlite3_bind_int64(st, 1, article_id);
		sqlite3_bind_int64(st, 2, (int64_t)k);
		sqlite3_bind_int64(st, 3, topic_id);
		if ((rc = run(s, st, err, "cannot store a topic")))
			return rc;
	}
	return ND_STORE_OK;
}

static void bind_article(sqlite3_stmt *st, const struct nd_article *a, int64_t provider_id)
{
	bind_text(st, 1, a->url);
	bind_text(st, 2, a->web_url);
	bind_text(st, 3, a->original_url);
	bind_text(st, 4, a->amp_url);
	bind_text(st, 5, a->cdn_amp_url);
	bind_text(st, 6, a->title);
	bind_text(st, 7, a->excerpt);
	bind_text(st, 8, a->body);
	bind_text(st, 9, a->category);
	bind_text(st, 10, a->type);
	bind_text(st, 11, a->published_at);
	bind_number(st, 12, &a->quality);
	bind_number(st, 13, &a->heat);
	bind_flag(st, 14, a->is_published);
	bind_text(st, 15, a->featured_content);
	if (provider_id)
		sqlite3_bind_int64(st, 16, provider_id);
	else
		sqlite3_bind_null(st, 16);
	bind_text(st, 17, a->extra);
}

/* Everything an article row owns: topics and images.  A fresh row (inserted
 * by this file) owns nothing yet: its id is new, and deleting an article
 * deletes what it owned (ON DELETE CASCADE). */
static int put_children(struct nd_store *s, int64_t id, bool fresh, const struct nd_article *a,
			struct nd_error *err)
{
	int rc = put_topics(s, id, fresh, a, err);
	if (rc)
		return rc;
	return put_image_list(s, ST_READ_ARTICLE_IMAGES, ST_ARTICLE_IMAGES_CLEAR,
			      ST_ARTICLE_IMAGE_ADD, id, fresh, a->images, a->n_images, err);
}

/* Looks an article up by canonical URL (not when no row can have it). */
static int find_article(struct nd_store *s, const char *url, int64_t *id, bool *archived,
			struct nd_error *err)
{
	if (store_ids_url_unseen(s->ids, url)) {
		*id = 0;
		*archived = false;
		return ND_STORE_OK;
	}
	sqlite3_stmt *st;
	int rc = store_lookup_text(s, ST_ARTICLE_FIND, url, &st, err, "cannot read articles");
	*id = rc == 1 ? sqlite3_column_int64(st, 0) : 0;
	*archived = rc == 1 && sqlite3_column_int(st, 1) != 0;
	return rc == 1 ? store_done(st) : rc;
}

/* A related item: an article row known from the link, unless a file of the
 * archive is that article (then the file's data stands). */
static int put_link_target(struct nd_store *s, const struct nd_article *r, int64_t *id,
			   struct nd_error *err)
{
	bool archived;
	int rc = find_article(s, r->url, id, &archived, err);
	if (rc || archived)
		return rc;
	int64_t provider_id = 0;
	if (r->provider && (rc = put_provider(s, r->provider, false, &provider_id, err)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, ST_ARTICLE_LINK_UPSERT, err);
	if (!st)
		return ND_STORE_ERROR;
	bind_article(st, r, provider_id);
	store_ids_saw_url(s->ids, r->url);
	if ((rc = run(s, st, err, "cannot store a related article")))
		return rc;
	bool fresh = !*id;
	if (fresh)
		*id = sqlite3_last_insert_rowid(s->db);
	return put_children(s, *id, fresh, r, err);
}

static int put_related(struct nd_store *s, int64_t id, bool fresh, const struct nd_article *a,
		       struct nd_error *err)
{
	sqlite3_stmt *st;
	int rc;
	if (!fresh && (rc = clear_list(s, ST_RELATED_CLEAR, id, "cannot replace related links", err)))
		return rc;
	for (size_t k = 0; k < a->n_related; k++) {
		int64_t target;
		if ((rc = put_link_target(s, &a->related[k], &target, err)))
			return rc;
		if (!(st = store_stmt(s, ST_RELATED_ADD, err)))
			return ND_STORE_ERROR;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)k);
		sqlite3_bind_int64(st, 3, target);
		if ((rc = run(s, st, err, "cannot store a related link")))
			return rc;
	}
	return ND_STORE_OK;
}

int store_mark_stale(struct nd_store *s, const char *path, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_SOURCE_MARK_STALE, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	return run(s, st, err, "cannot update sources");
}

int store_newest_source(struct nd_store *s, int64_t article_id, const char *path, char *other,
			size_t other_size, int64_t *other_mtime, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_SOURCE_OTHERS, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	other[0] = '\0';
	int rc = store_first_row(s, st, err, "cannot read sources");
	if (rc != 1)
		return rc;
	snprintf(other, other_size, "%s", (const char *)sqlite3_column_text(st, 0));
	*other_mtime = sqlite3_column_int64(st, 1);
	return store_done(st);
}

/* (mtime, path) of a is after b's: the newer file, a tie to the later path */
static bool newer(int64_t mtime_a, const char *path_a, int64_t mtime_b, const char *path_b)
{
	return mtime_a > mtime_b || (mtime_a == mtime_b && strcmp(path_a, path_b) > 0);
}

static int put_article(struct nd_store *s, const struct nd_file_result *f, int64_t *id,
		       struct nd_put_outcome *out, struct nd_error *err)
{
	const struct nd_article *a = f->article;
	bool archived;
	int rc = find_article(s, a->url, id, &archived, err);
	if (rc)
		return rc;
	/* an article no file gives (a related link's) has no source to weigh */
	if (*id && archived) {
		int64_t other_mtime = 0;
		if ((rc = store_newest_source(s, *id, f->path, out->other_path, sizeof(out->other_path),
				       &other_mtime, err)))
			return rc;
		/* the newer file wins; equal times fall to the later path, so the
		 * outcome does not depend on the order of imports */
		if (out->other_path[0] && newer(other_mtime, out->other_path, f->mtime_ns, f->path)) {
			out->kept_older = true;
			return ND_STORE_OK;
		}
	}
	int64_t provider_id = 0;
	if (a->provider && (rc = put_provider(s, a->provider, true, &provider_id, err)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, ST_ARTICLE_UPSERT, err);
	if (!st)
		return ND_STORE_ERROR;
	bind_article(st, a, provider_id);
	store_ids_saw_url(s->ids, a->url);
	/* a second file of the same article adds nothing new */
	out->added = !archived;
	out->updated = archived && !out->other_path[0];
	bool fresh = !*id;
	/* an article found above was updated, and keeps its id */
	if ((rc = run(s, st, err, "cannot store the article")))
		return rc;
	if (fresh)
		*id = sqlite3_last_insert_rowid(s->db);
	if (!s->bulk_feed && (rc = store_feed_put(s, a->url, a->published_at, err)))
		return rc;
	if ((rc = put_children(s, *id, fresh, a, err)))
		return rc;
	return put_related(s, *id, fresh, a, err);
}

static int previous_article(struct nd_store *s, const char *path, int64_t *id,
			    struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_SOURCE_ARTICLE, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	return run_id(s, st, id, err, "cannot read sources");
}

/* An article that lost a file may have lost its last: then it leaves the
 * archive, and the feed. */
static int refresh_archived(struct nd_store *s, int64_t article_id, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_ARTICLE_SET_ARCHIVED, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_int64(st, 1, article_id);
	int rc = run(s, st, err, "cannot update an article");
	return rc ? rc : store_feed_left(s, article_id, err);
}

static int put_file(struct nd_store *s, const struct nd_file_result *f,
		    struct nd_put_outcome *out, struct nd_error *err)
{
	static const char *const status_names[] = {
		[ND_FILE_OK] = "ok", [ND_FILE_FAILED] = "failed", [ND_FILE_SKIPPED] = "skipped",
	};
	int64_t before = 0, article_id = 0;
	int rc;
	if (f->replaces) {
		/* a moved file takes over its old source row's place */
		sqlite3_stmt *del = store_stmt(s, ST_SOURCE_DELETE, err);
		if (!del)
			return ND_STORE_ERROR;
		sqlite3_bind_text(del, 1, f->replaces, -1, SQLITE_STATIC);
		if ((rc = run_id(s, del, &before, err, "cannot move a source")))
			return rc;
		out->moved = true;
	} else if ((rc = previous_article(s, f->path, &before, err))) {
		return rc;
	}
	if (f->status == ND_FILE_OK && (rc = put_article(s, f, &article_id, out, err)))
		return rc;
	sqlite3_stmt *st = store_stmt(s, ST_SOURCE_PUT, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, f->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)f->size);
	sqlite3_bind_int64(st, 3, f->mtime_ns);
	bind_text(st, 4, f->hash);
	sqlite3_bind_text(st, 5, status_names[f->status], -1, SQLITE_STATIC);
	bind_text(st, 6, f->message);
	if (article_id)
		sqlite3_bind_int64(st, 7, article_id);
	else
		sqlite3_bind_null(st, 7);
	if ((rc = run(s, st, err, "cannot record the source")))
		return rc;
	if (!before || before == article_id || f->status == ND_FILE_FAILED)
		return ND_STORE_OK;
	/* the article this file gave before holds this file's values; the
	 * newest file still giving it must be read again to restore its own */
	int64_t other_mtime;
	if ((rc = store_newest_source(s, before, f->path, out->reread_path,
				      sizeof(out->reread_path), &other_mtime, err)))
		return rc;
	if (out->reread_path[0] && (rc = store_mark_stale(s, out->reread_path, err)))
		return rc;
	/* ...or it lost its last file */
	return refresh_archived(s, before, err);
}

int nd_store_put_file(struct nd_store *s, const struct nd_file_result *f,
		      struct nd_put_outcome *out, struct nd_error *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = store_stmt(s, ST_SAVEPOINT, err);
	int rc;
	if (!st)
		return ND_STORE_ERROR;
	if ((rc = run(s, st, err, "cannot start a savepoint")))
		return rc;
	rc = put_file(s, f, out, err);
	if (rc == ND_STORE_OK) {
		if (!(st = store_stmt(s, ST_RELEASE, err)))
			return ND_STORE_ERROR;
		if ((rc = run(s, st, err, "cannot release a savepoint")) == ND_STORE_OK)
			return ND_STORE_OK;
	}
	/* undo this file only; the batch goes on */
	sqlite3_exec(s->db, "ROLLBACK TO file; RELEASE file", NULL, NULL, NULL);
	store_ids_forget(s->ids);
	return rc;
}

int nd_store_source_same(struct nd_store *s, const char *path, uint64_t size, const char *hash,
			 int64_t mtime_ns, bool *done, struct nd_error *err)
{
	*done = false;
	sqlite3_stmt *st = store_stmt(s, ST_SOURCE_SAME, err);
	if (!st)
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	bind_text(st, 2, hash);
	sqlite3_bind_int64(st, 3, (int64_t)size);
	int rc = store_first_row(s, st, err, "cannot read sources");
	if (rc != 1)
		return rc;
	int64_t article = sqlite3_column_int64(st, 0), before = sqlite3_column_int64(st, 1);
	store_done(st);
	char other[4096]; /* as nd_put_outcome's paths */
	int64_t other_mtime = 0;
	if ((rc = store_newest_source(s, article, path, other, sizeof(other), &other_mtime, err)))
		return rc;
	/* the file that wins the article must be the same one before and after */
	if (other[0] && newer(mtime_ns, path, other_mtime, other) != newer(before, path, other_mtime, other))
		return ND_STORE_OK;
	if (!(st = store_stmt(s, ST_SOURCE_TOUCH, err)))
		return ND_STORE_ERROR;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, mtime_ns);
	if ((rc = run(s, st, err, "cannot update sources")))
		return rc;
	store_sources_touched(s, path, mtime_ns);
	*done = true;
	return ND_STORE_OK;
}

int nd_store_source_candidates(struct nd_store *s, const char *hash, const char *url,
			       nd_path_fn fn, void *ctx, struct nd_error *err)
{
	sqlite3_stmt *st = store_stmt(s, ST_SOURCE_CANDIDATES, err);
	if (!st)
		return ND_STORE_ERROR;
	bind_text(st, 1, hash);
	bind_text(st, 2, url);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(st, 0), ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	int status = rc == SQLITE_DONE ? ND_STORE_OK : store_fail(s, err, "cannot read sources");
	sqlite3_reset(st);
	return status;
}
