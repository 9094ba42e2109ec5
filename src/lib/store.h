/*
 * store.h: the database.  The only module that talks to SQLite (files
 * store*.c; nothing else includes <sqlite3.h>).  It opens and migrates the
 * schema embedded from schema/, records import results file by file, and
 * answers the read-side questions of the commands.  It never prints.
 *
 * Threads: one nd_store per thread; the import writes from one thread only.
 */
#ifndef ND_STORE_H
#define ND_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "article.h"
#include "error.h"
#include "query.h"

struct nd_store;

enum nd_store_mode {
	ND_STORE_READ,  /* the database must exist; never written */
	ND_STORE_WRITE, /* created and migrated when needed */
};

/* Status codes the CLI turns into messages and exit codes. */
enum nd_store_status {
	ND_STORE_OK = 0,
	ND_STORE_ERROR = -1,    /* err says what */
	ND_STORE_BUSY = -2,     /* another process holds the write lock */
	ND_STORE_FULL = -3,     /* disk or quota full */
	ND_STORE_READONLY = -4, /* the file or its folder cannot be written */
	ND_STORE_NOT_FOUND = -5,/* the database does not exist (READ mode) */
};

int nd_store_open(struct nd_store **out, const char *path, enum nd_store_mode mode,
		  struct nd_error *err);
void nd_store_close(struct nd_store *s); /* accepts NULL */

/* Batches: many files share one transaction for speed. */
int nd_store_begin(struct nd_store *s, struct nd_error *err);
int nd_store_commit(struct nd_store *s, struct nd_error *err);
void nd_store_rollback(struct nd_store *s);

/*
 * The bulk import (import.c decides when; store_bulk.c).  nd_store_is_empty:
 * no file has been imported and no article stored.  nd_store_bulk_begin,
 * inside the first transaction: the search tables (the ranking tables of
 * schema/002_ranking.sql and the facet blocks of schema/005_facets.sql) are
 * marked pending and no commit keeps them from then on (they are built
 * from the finished tables in one pass each), and the secondary indexes the
 * import never reads are dropped, their definitions kept in _newsdb_meta;
 * both are committed with the first batch.  Searches meanwhile score every
 * match with exact counts and count facets from the tables (as for any
 * database whose search tables are pending) and plan without those
 * indexes, so each commit in between is a database as good as any.
 * nd_store_bulk_finish, outside a transaction: creates the indexes again
 * and builds the search tables, each in a transaction of its own.  After a
 * kill, the next opening for writing creates the indexes, and the next
 * import's end (nd_store_search_tables_pending, then finish) or optimize
 * builds the search tables.
 */
int nd_store_is_empty(struct nd_store *s, bool *empty, struct nd_error *err);
int nd_store_bulk_begin(struct nd_store *s, struct nd_error *err);
int nd_store_search_tables_pending(struct nd_store *s, bool *pending, struct nd_error *err);
int nd_store_bulk_finish(struct nd_store *s, struct nd_error *err);

/* What the store knows about a file from an earlier import. */
struct nd_source_state {
	bool found;
	uint64_t size;
	int64_t mtime_ns;
	bool failed; /* last import of it failed */
	char hash[17]; /* of the bytes last read, "" when none was recorded */
};

int nd_store_source_get(struct nd_store *s, const char *path, struct nd_source_state *st,
			struct nd_error *err);

/*
 * Compares `version` (ND_RULES_VERSION, rules.h) with the one the database
 * recorded.  When they differ (or none was recorded), marks every failed and
 * skipped source so that the next import walking its file reads it again
 * whatever its size and mtime, and records `version`: both in the caller's
 * transaction, so a crash keeps both or neither and no re-read is lost.
 * *marked is the number of sources marked, or -1 when the versions agreed.
 */
int nd_store_rules_update(struct nd_store *s, int64_t version, int64_t *marked,
			  struct nd_error *err);

/* One file's outcome, recorded atomically (a savepoint) by nd_store_put_file. */
struct nd_file_result {
	const char *path;
	uint64_t size;
	int64_t mtime_ns;
	const char *hash;              /* hex, or NULL when the file was not read */
	enum { ND_FILE_OK, ND_FILE_FAILED, ND_FILE_SKIPPED } status;
	const char *message;           /* error, warnings or skip reason; may be NULL */
	const struct nd_article *article; /* ND_FILE_OK only */
	const char *replaces;          /* a vanished file this one was moved from, or NULL */
};

struct nd_put_outcome {
	bool added;      /* a new archived article */
	bool updated;    /* an archived article's data changed */
	bool kept_older; /* another, newer file has the same URL: its values were kept */
	bool moved;      /* `replaces` was taken over: nothing new */
	char other_path[4096]; /* the other file with the same URL, or "" */
	/* the file that now gives the article this file gave before, or "":
	 * the article still has this file's values until it is read again */
	char reread_path[4096];
};

/*
 * Records a file: its source row and, for ND_FILE_OK, its article with
 * provider, topics, images and related links (each related item becomes an
 * article row known from the link, unless the archive has it from a file).
 * All or nothing: on failure nothing of this file is left and the batch goes
 * on.  Returns ND_STORE_OK or a negative status with err set.
 */
int nd_store_put_file(struct nd_store *s, const struct nd_file_result *file,
		      struct nd_put_outcome *out, struct nd_error *err);

/*
 * Paths of earlier sources that may be this file under an older name: those
 * with the same content hash, or giving the same canonical URL (a moved file
 * that was also edited).  The caller decides which one vanished.
 */
typedef int (*nd_path_fn)(const char *path, void *ctx);
/*
 * A file whose size and hash are what its 'ok' source row recorded (only
 * its mtime changed: touched, copied back) gives what it gave: when the
 * article's newest file stays the same one (no other source, or the other
 * is newer or older both before and after), only the row's mtime is
 * recorded and *done is set; the article, its feed entry and its links
 * are left as they are.  Otherwise *done is false and the file is
 * recorded as any changed file (nd_store_put_file).
 */
int nd_store_source_same(struct nd_store *s, const char *path, uint64_t size, const char *hash,
			 int64_t mtime_ns, bool *done, struct nd_error *err);

int nd_store_source_candidates(struct nd_store *s, const char *hash, const char *url,
			       nd_path_fn fn, void *ctx, struct nd_error *err);

struct nd_prune_counts {
	int64_t sources, articles;
};

/*
 * Forgets sources whose files are gone (lstat fails with ENOENT or ENOTDIR),
 * then articles left with no source and no incoming related link (repeated,
 * since a forgotten article's links may have been the only ones to others),
 * then providers, topics and images nothing refers to.  Inside the caller's
 * transaction.  An article that lost a file but keeps others is passed to
 * `reread` as the path of its newest remaining file: read it again so the
 * article holds that file's values.
 */
int nd_store_prune(struct nd_store *s, struct nd_prune_counts *out, nd_path_fn reread, void *ctx,
		   struct nd_error *err);

/* ---- search ---- */

enum nd_sort { ND_SORT_RANK, ND_SORT_DATE_DESC, ND_SORT_DATE_ASC };

struct nd_search_opts {
	const struct nd_query *query;
	enum nd_sort sort;
	bool dedupe;    /* one hit per title: syndicated copies collapsed */
	int64_t limit;  /* <= 0: no limit */
	int64_t offset;
};

/* One search hit; strings valid only during the callback, any may be NULL.
 * The snippet marks matched words with \x02 (start) and \x03 (end). */
struct nd_hit {
	int64_t id;
	double rank;
	const char *url, *title, *published_at, *provider, *domain, *snippet;
	int64_t copies; /* matches with this title (1 unless deduplicating) */
};

typedef int (*nd_hit_fn)(const struct nd_hit *hit, void *ctx);

/* Runs the search; calls fn for each hit in order (a non-zero return stops).
 * Returns the number of hits, or a negative status with err set. */
int64_t nd_store_search(struct nd_store *s, const struct nd_search_opts *opts, nd_hit_fn fn,
			void *ctx, struct nd_error *err);

/* The stems shorter than `prefix` that words starting with it are indexed
 * as, by the word index's own tokenizer: the short_stems of a struct
 * nd_stemmer (query.h) whose ctx is the store. */
size_t nd_store_short_stems(void *store, const char *prefix, char **out, size_t max);

/* ---- reading articles back (show, export) ---- */

/*
 * Finds an article by what a user typed: a number is an id, text with "://"
 * a URL (canonicalized as on import), anything else a source path (as given,
 * else made absolute).  Returns ND_STORE_OK with *id set, ND_STORE_NOT_FOUND,
 * or an error.
 */
int nd_store_article_find(struct nd_store *s, const char *key, int64_t *id,
			  struct nd_error *err);

/*
 * Loads article `id` into *a as stored: fields, provider (with logos),
 * topics, images, related items (each with its own fields, provider, topics
 * and images, without their own related lists) and extra.  Release *a with
 * nd_article_release().  ND_STORE_NOT_FOUND when there is no such row.
 */
int nd_store_article_load(struct nd_store *s, int64_t id, struct nd_article *a,
			  struct nd_error *err);

/* Articles linking to `id` ("linked from"), in id order. */
typedef int (*nd_link_fn)(int64_t id, const char *url, const char *title, void *ctx);
int nd_store_article_backlinks(struct nd_store *s, int64_t id, nd_link_fn fn, void *ctx,
			       struct nd_error *err);

/* Files that gave `id`. */
typedef int (*nd_source_fn)(const char *path, const char *status, const char *message,
			    const char *imported_at, void *ctx);
int nd_store_article_sources(struct nd_store *s, int64_t id, nd_source_fn fn, void *ctx,
			     struct nd_error *err);

/* Every archived article id (known from a file), in id order; fn may stop
 * the walk by returning non-zero. */
typedef int (*nd_id_fn)(int64_t id, void *ctx);
int nd_store_archived_ids(struct nd_store *s, nd_id_fn fn, void *ctx, struct nd_error *err);

/* ---- the OpenSearch feed (export --format opensearch) ---- */

/*
 * Starts the read transaction of a feed: every read until nd_store_feed_end
 * sees the same committed state.  *last is the number of the last change in
 * it, the --changed-since of the next feed: every change committed later
 * has a higher number (a counter kept by the import, not a clock).
 */
int nd_store_feed_begin(struct nd_store *s, int64_t *last, struct nd_error *err);
void nd_store_feed_end(struct nd_store *s);

/*
 * What changed after change number `since`, in URL order: fn gets a
 * canonical URL and the id of its archived article, or 0 when it is no
 * longer archived (a deletion).  By URL, each URL once, with year "".  By
 * year, once for each year ("YYYY" of published_at, "" undated) the URL
 * was in that changed: its id for the year it has now, 0 for a year it
 * left.  fn may stop the walk by returning non-zero.
 */
typedef int (*nd_feed_fn)(const char *url, const char *year, int64_t id, void *ctx);
int nd_store_feed_changes(struct nd_store *s, int64_t since, bool by_year, nd_feed_fn fn,
			  void *ctx, struct nd_error *err);

/* ---- overview (stats, providers, topics) ---- */

struct nd_stats {
	int64_t articles, archived, providers, topics, images, related_links;
	int64_t sources, failed, skipped;
	char first_date[21], last_date[21]; /* of archived articles; "" when none */
};

int nd_store_stats(struct nd_store *s, struct nd_stats *out, struct nd_error *err);

/* A labelled count: a period ("2021-12"), a provider (label = name,
 * detail = domain) or a topic (detail NULL). */
typedef int (*nd_count_fn)(const char *label, const char *detail, int64_t count, void *ctx);

/* Archived articles per month ("YYYY-MM") or per year ("YYYY"), in order. */
int nd_store_per_period(struct nd_store *s, bool by_year, nd_count_fn fn, void *ctx,
			struct nd_error *err);

enum nd_list_sort { ND_LIST_BY_COUNT, ND_LIST_BY_NAME };

/* Providers or topics with the number of articles that name them;
 * limit <= 0 for all. */
int nd_store_providers(struct nd_store *s, enum nd_list_sort sort, int64_t limit,
		       nd_count_fn fn, void *ctx, struct nd_error *err);
int nd_store_topics(struct nd_store *s, enum nd_list_sort sort, int64_t limit, nd_count_fn fn,
		    void *ctx, struct nd_error *err);

/* ---- maintenance (check, optimize) ---- */

/* One finding of nd_store_check: kind is "integrity", "foreign-key",
 * "fts", "orphan-image", "ranking" (the tables of schema/002_ranking.sql
 * against the word index), "failed-source" or "missing-source"; detail
 * says what. */
typedef int (*nd_problem_fn)(const char *kind, const char *detail, void *ctx);

/* Runs PRAGMA integrity_check, foreign_key_check, the FTS5 integrity-check
 * of both search indexes, lists images nothing refers to (left by versions
 * that did not remove them), failed sources and sources whose files are
 * gone.  Returns the number of problems found, or a negative status. */
int64_t nd_store_check(struct nd_store *s, nd_problem_fn fn, void *ctx, struct nd_error *err);

/* Removes images nothing refers to, then FTS merge, ANALYZE, VACUUM. */
int nd_store_optimize(struct nd_store *s, struct nd_error *err);

#endif
