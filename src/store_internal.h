/*
 * store_internal.h: what the store*.c files share and nobody else sees: the
 * handle, and the statement cache that prepares each statement once.
 */
#ifndef ND_STORE_INTERNAL_H
#define ND_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "store.h"

/* Every statement the store runs, prepared on first use and kept. */
enum stmt_id {
	ST_SAVEPOINT, ST_RELEASE,
	ST_SOURCE_GET, ST_SOURCE_FOLDER, ST_SOURCE_ARTICLE, ST_SOURCE_PUT, ST_SOURCE_OTHERS, ST_SOURCE_DELETE,
	ST_SOURCE_MARK_STALE,
	ST_SOURCE_CANDIDATES, ST_PRUNE_ARTICLES, ST_PRUNE_PROVIDERS, ST_PRUNE_TOPICS,
	ST_PRUNE_IMAGES, ST_REFRESH_ARCHIVED,
	ST_ARTICLE_FIND, ST_ARTICLE_UPSERT, ST_ARTICLE_LINK_UPSERT, ST_ARTICLE_SET_ARCHIVED,
	ST_PROVIDER_FIND, ST_PROVIDER_INSERT, ST_PROVIDER_IMAGES_CLEAR,
	ST_PROVIDER_IMAGE_ADD, ST_TOPIC_FIND, ST_TOPIC_INSERT, ST_ARTICLE_TOPICS_CLEAR,
	ST_ARTICLE_TOPIC_ADD, ST_IMAGE_UPSERT, ST_ARTICLE_IMAGES_CLEAR, ST_ARTICLE_IMAGE_ADD,
	ST_RELATED_CLEAR, ST_RELATED_ADD,
	ST_RANK_CANDIDATES, ST_RANK_CANDIDATES_FILTERED, ST_RANK_ARCHIVED, ST_RANK_LENGTH,
	ST_SEARCH_PAGE, ST_SEARCH_PAGE_SCAN, ST_SEARCH_DATE_DESC, ST_SEARCH_DATE_ASC,
	ST_SEARCH_DATE_DESC_SCAN, ST_SEARCH_DATE_ASC_SCAN, ST_SEARCH_RANK_DEDUPE_SCAN,
	ST_SEARCH_DATE_DESC_DEDUPE_SCAN, ST_SEARCH_DATE_ASC_DEDUPE_SCAN,
	ST_FILTER_DATE_DESC, ST_FILTER_DATE_ASC,
	ST_SEARCH_RANK_DEDUPE, ST_SEARCH_DATE_DESC_DEDUPE, ST_SEARCH_DATE_ASC_DEDUPE,
	ST_FILTER_DATE_DESC_DEDUPE, ST_FILTER_DATE_ASC_DEDUPE,
	ST_READ_ARTICLE, ST_READ_ID_BY_PATH, ST_READ_PROVIDER, ST_READ_PROVIDER_IMAGES,
	ST_READ_ARTICLE_IMAGES, ST_READ_TOPICS, ST_READ_RELATED_IDS, ST_READ_BACKLINKS,
	ST_READ_SOURCES, ST_READ_ARCHIVED_IDS,
	ST_STATS, ST_PER_MONTH, ST_PER_YEAR, ST_PROVIDERS_BY_COUNT, ST_PROVIDERS_BY_NAME,
	ST_TOPICS_BY_COUNT, ST_TOPICS_BY_NAME, ST_CHECK_INTEGRITY, ST_CHECK_FOREIGN_KEYS,
	ST_CHECK_FTS, ST_CHECK_TRIGRAM, ST_CHECK_FAILED, ST_CHECK_PATHS,
	ST_IMAGE_DROP_ORPHAN, ST_CHECK_ORPHAN_IMAGES,
	ST_META_GET, ST_META_PUT, ST_SOURCE_MARK_NOT_OK,
	ST_COUNT
};

struct source_cache;

struct nd_store {
	sqlite3 *db;
	enum nd_store_mode mode;
	sqlite3_stmt *stmts[ST_COUNT];
	struct source_cache *sources; /* store_sources.c */
};

/* store_sources.c: every write to sources calls store_sources_written, so
 * what was read of them before is looked up again; release frees it. */
void store_sources_written(struct nd_store *s);
void store_sources_release(struct nd_store *s);

/* The cached statement, reset and with bindings cleared, or NULL with err
 * set. */
sqlite3_stmt *store_stmt(struct nd_store *s, enum stmt_id id, struct nd_error *err);

/* The connection's FTS5 API (for tokenizers and ranking functions), or NULL. */
fts5_api *store_fts5_api(sqlite3 *db);

/* Registers nd_rank() and nd_rank_terms() (store_rank.c), the ranking the
 * search statements use. */
int store_register_rank(sqlite3 *db);

/* One match's bm25 without its length: the query's phrase weights (idf), the
 * row's weighted count of each phrase, and the average row length. */
struct rank_terms {
	int n_phrases;
	double avg_tokens;
	const double *idf, *freq;
};

/* Reads the blob nd_rank_terms() returns (pointing into it); false if it is
 * not one. */
bool rank_terms_read(const void *blob, int bytes, struct rank_terms *out);

struct nd_buf;

/* The page a ranked search chose: its hits as JSON [[id, rank], ...] in
 * order, and how many candidates were ranked. */
struct ranked_page {
	struct nd_buf *ids;
	int64_t considered;
};

/* Ranks the rows of a candidates statement (id, nd_rank_terms blob,
 * is_archived or NULL; store_sql.c) and fills `page` with hits offset to
 * offset + limit (limit <= 0: all). */
int store_rank_page(struct nd_store *s, sqlite3_stmt *candidates, int64_t offset, int64_t limit,
		    struct ranked_page *page, struct nd_error *err);

/* bm25 of a match of n_tokens tokens, positive (higher is better).  It only
 * falls as n_tokens grows, so rank_bm25(t, 0) bounds it for any length. */
double rank_bm25(const struct rank_terms *t, double n_tokens);

/* Fills err from the connection's last error (copied at once: the next call
 * overwrites it) and maps the code to an nd_store_status. */
int store_fail(struct nd_store *s, struct nd_error *err, const char *doing);

/* Resets st after its last step returned rc: ND_STORE_OK when rc is
 * SQLITE_DONE, else the error (read before the reset). */
int store_finish(struct nd_store *s, sqlite3_stmt *st, int rc, struct nd_error *err,
		 const char *doing);

/* A 0/1 column as 0 or 1, NULL as -1. */
int store_column_flag(sqlite3_stmt *st, int k);

/* The newest file other than `path` that gives the article without failing
 * (by mtime, then path), copied into `other` ("" when there is none). */
int store_newest_source(struct nd_store *s, int64_t article_id, const char *path, char *other,
			size_t other_size, int64_t *other_mtime, struct nd_error *err);

/* Makes the next import read this source's file again whatever its size and
 * mtime: the mark is committed with the change that calls for it, so even a
 * crash before the re-read cannot lose it. */
int store_mark_stale(struct nd_store *s, const char *path, struct nd_error *err);

/* The SQL text of each statement (store_sql.c). */
extern const char *const store_sql[ST_COUNT];

#endif
