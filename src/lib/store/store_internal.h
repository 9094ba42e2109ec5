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
	ST_ARTICLE_TOPIC_ADD, ST_IMAGE_UPSERT, ST_IMAGE_FIND, ST_ARTICLE_IMAGES_CLEAR, ST_ARTICLE_IMAGE_ADD,
	ST_RELATED_CLEAR, ST_RELATED_ADD,
	ST_RANK_CANDIDATES, ST_RANK_CANDIDATES_FILTERED, ST_PROVIDER_ARTICLES, ST_RANK_ARCHIVED, ST_RANK_LENGTH,
	ST_SEARCH_PAGE, ST_SEARCH_PAGE_SCAN, ST_SEARCH_DATE_DESC, ST_SEARCH_DATE_ASC,
	ST_SEARCH_DATE_DESC_SCAN, ST_SEARCH_DATE_ASC_SCAN, ST_SEARCH_RANK_DEDUPE_SCAN,
	ST_SEARCH_DATE_DESC_DEDUPE_SCAN, ST_SEARCH_DATE_ASC_DEDUPE_SCAN,
	ST_FILTER_DATE_DESC, ST_FILTER_DATE_ASC, ST_FILTER_DATE_DESC_CJK, ST_FILTER_DATE_ASC_CJK,
	ST_SEARCH_RANK_DEDUPE, ST_SEARCH_DATE_DESC_DEDUPE, ST_SEARCH_DATE_ASC_DEDUPE,
	ST_FILTER_DATE_DESC_DEDUPE, ST_FILTER_DATE_ASC_DEDUPE,
	ST_READ_ARTICLE, ST_READ_ID_BY_PATH, ST_READ_PROVIDER, ST_READ_PROVIDER_IMAGES,
	ST_READ_ARTICLE_IMAGES, ST_READ_TOPICS, ST_READ_RELATED_IDS, ST_READ_BACKLINKS,
	ST_READ_SOURCES, ST_READ_ARCHIVED_IDS,
	ST_STATS, ST_PER_MONTH, ST_PER_YEAR, ST_PROVIDERS_BY_COUNT, ST_PROVIDERS_BY_NAME,
	ST_TOPICS_BY_COUNT, ST_TOPICS_BY_NAME, ST_CHECK_INTEGRITY, ST_CHECK_FOREIGN_KEYS,
	ST_CHECK_FTS, ST_CHECK_TRIGRAM, ST_CHECK_FAILED, ST_CHECK_PATHS,
	ST_META_GET, ST_META_PUT, ST_FTS_TOTALS, ST_TERM_ROWS, ST_TERM_INSERT, ST_TERM_UPDATE,
	ST_TERMS_ALL, ST_TERMS_FROM_COUNTS, ST_COUNT_GET, ST_COUNT_SET, ST_COUNT_ADD, ST_VOCAB_DOCS,
	ST_TERM_DELETE, ST_TERM_SET_LIST, ST_TERM_GET, ST_LIST_FILTER, ST_LIST_EXCLUDED, ST_TRIGRAM_TERMS, ST_TRIGRAM_COUNT, ST_CHECK_TRIGRAM_TEXT,
	ST_RANK_CANDIDATES_PLAIN, ST_RANK_CANDIDATES_SETS, ST_DATED_SHARE, ST_DATED_ARTICLES,
	ST_LIST_PUT, ST_LIST_DELETE, ST_LIST_CLEAR,
	ST_LIST_READ, ST_TERMS_ANY, ST_TERMS_OLD_ROWS, ST_TERMS_NEW_ROWS, ST_TERMS_COMMON, ST_CHECK_TERMS,
	ST_CHECK_STRAY_LISTS,
	/* the feed's change log (store_feed.c) */
	ST_FEED_PUT, ST_FEED_LEAVE_YEARS, ST_FEED_LEFT, ST_FEED_BEGIN, ST_FEED_LAST, ST_FEED_END,
	ST_FEED_BY_URL, ST_FEED_BY_YEAR,
	ST_IMAGE_DROP_ORPHAN, ST_CHECK_ORPHAN_IMAGES,
	ST_SOURCE_MARK_NOT_OK, ST_STORE_EMPTY, ST_INDEX_SQL, ST_META_DELETE, ST_TERMS_EVERY_ROW,
	ST_FEED_BULK, ST_SOURCE_SAME, ST_SOURCE_TOUCH, ST_DATA_VERSION,
	/* a search's facets and timeline (store_facets.c) */
	ST_FACET_MATCH, ST_FACET_FILTER, ST_FACET_TOPIC_NAME,
	/* the facet blocks (store_blocks.c) and --dedupe (store_dedupe.c) */
	ST_BLOCK_ROWS, ST_BLOCK_TOPICS, ST_BLOCK_PUT, ST_BLOCK_DELETE, ST_BLOCKS_DIRTY,
	ST_BLOCKS_CLEAR, ST_BLOCKS_ALL, ST_BLOCKS_FROM, ST_BLOCK_RANKS_PUT, ST_BLOCK_RANKS_DELETE,
	ST_BLOCK_RANKS_GET, ST_BLOCK_RANKS_CLEAR, ST_BLOCK_RANKS_ALL, ST_BLOCK_RANKS_FROM, ST_BLOCK_IDS_MATCH, ST_BLOCK_IDS_MATCH_FILTERED,
	ST_BLOCK_IDS_FILTER, ST_COPY_KEY_OF, ST_SEARCH_PAGE_COPIES, ST_SEARCH_PAGE_SCAN_COPIES,
	ST_SEARCH_PAGE_TEXT, ST_SEARCH_PAGE_TEXT_COPIES,
	ST_COUNT
};

struct source_cache;
struct ranked_page;
struct term_session;
struct store_ids;

struct nd_store {
	sqlite3 *db;
	enum nd_store_mode mode;
	sqlite3_stmt *stmts[ST_COUNT];
	struct source_cache *sources; /* store_sources.c */
	/* bumped by each run of a statement that writes sources and by each
	 * rollback (store_stmt.c, store.c): the sources cache's rows read at
	 * another count are stale */
	uint64_t sources_writes;
	struct term_session *terms;   /* store_terms.c */
	struct short_cache *shorts;   /* store_shorts.c */
	/* a bulk import's feed log is written at its end (store_bulk.c), not
	 * with each article */
	bool bulk_feed;
	/* the identities this connection wrote (store_ids.h); NULL when it
	 * only reads */
	struct store_ids *ids;
	/* PRAGMA data_version at the start of this connection's last
	 * transaction: another connection's commit changes it */
	int64_t data_version;
};

/* What articles_trigram holds, as the schema's triggers put it in (schema/
 * 001_init.sql, 008_trigram_ends.sql): the rows with CJK text, each column
 * followed by two line feeds.  Which rows those are, this program's own
 * connections tell with nd_cjk_row (store_cjk.c), one pass over the bytes,
 * rather than with the triggers' GLOB; its class of CJK characters is the
 * one newsdb has always written with (U+3040-30FF, 3400-4DBF, 4E00-9FFF,
 * F900-FAFF, AC00-D7AF, 1100-11FF, 20000-2FA1F), where the triggers' literal
 * has U+8C48 for U+F900 (see docs/schema.md). */
#define TRIGRAM_COLUMNS "title || char(10, 10), excerpt || char(10, 10), body || char(10, 10)"
#define TRIGRAM_ROW_FN "nd_cjk_row(title, excerpt, body)"
/* The class as a GLOB pattern in code points: what nd_cjk_row must agree
 * with (check_cjkrow.c, fuzz_cjkrow.c hold it against SQLite's GLOB). */
#define TRIGRAM_CLASS_GLOB \
	"'*[' || char(0x3040) || '-' || char(0x30ff) || char(0x3400) || '-' || char(0x4dbf)" \
	" || char(0x4e00) || '-' || char(0x9fff) || char(0xf900) || '-' || char(0xfaff)" \
	" || char(0xac00) || '-' || char(0xd7af) || char(0x1100) || '-' || char(0x11ff)" \
	" || char(0x20000) || '-' || char(0x2fa1f) || ']*'"
#define TRIGRAM_RULE_SQL \
	"SELECT nd_cjk_row(?1, ?2, ?3)," \
	" coalesce(?1, '') || coalesce(?2, '') || coalesce(?3, '') GLOB " TRIGRAM_CLASS_GLOB
int store_register_cjk_row(sqlite3 *db);

/* store_sources.c: frees the sources cache (nd_store_close). */
void store_sources_release(struct nd_store *s);
/* A touched file's new mtime, written: the cached row says it too. */
void store_sources_touched(struct nd_store *s, const char *path, int64_t mtime_ns);

/* The cached statement, reset and with bindings cleared, or NULL with err
 * set. */
sqlite3_stmt *store_stmt(struct nd_store *s, enum stmt_id id, struct nd_error *err);

/* The connection's FTS5 API (for tokenizers and ranking functions), or NULL. */
fts5_api *store_fts5_api(sqlite3 *db);

/* A tokenizer of FTS5's (store_tokens.c): with stem, the word index's own
 * (porter over unicode61, diacritics removed); without, case and accents
 * folded only. */
struct store_tokenizer {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};
int store_tokenizer_open(sqlite3 *db, bool stem, struct store_tokenizer *out);
void store_tokenizer_close(struct store_tokenizer *t); /* safe after a failed open */

/* Called with each token as the index stores it (colocated ones skipped,
 * long ones cut as FTS5 cuts them); non-zero stops with that code. */
typedef int (*store_token_fn)(void *ctx, const char *token, int len);

/* Tokenizes text[0..len) as a document (query = false) or a query. */
int store_tokenize(struct store_tokenizer *t, bool query, const char *text, int len,
		   store_token_fn fn, void *ctx);

/* The same as a document, with where each token stands in text: bytes
 * [start, end). */
typedef int (*store_span_fn)(void *ctx, const char *token, int len, int start, int end);
int store_tokenize_spans(struct store_tokenizer *t, const char *text, int len, store_span_fn fn,
			 void *ctx);

/* A store_token_fn that appends each token and a NUL to a struct nd_buf. */
int store_collect_token(void *ctx, const char *token, int len);

/* Registers the FTS5 functions of store_rank.c: nd_rank() and
 * nd_rank_collect(), the ranking the search statements use, and
 * nd_term_freq() and nd_row_length(), what the ranking tables record. */
int store_register_rank(sqlite3 *db);

/* bm25 as FTS5 has it, with the column weights of the rank option of
 * articles_fts (schema/001_init.sql; a test compares the two). */
#define BM25_K1 1.2
#define BM25_B 0.75
#define RANK_WEIGHT_TITLE 10
#define RANK_WEIGHT_EXCERPT 4
#define RANK_WEIGHT_BODY 1
#define RANK_STR_(x) #x
#define RANK_STR(x) RANK_STR_(x)
#define RANK_WEIGHTS_SQL                                                                     \
	RANK_STR(RANK_WEIGHT_TITLE) ".0, " RANK_STR(RANK_WEIGHT_EXCERPT) ".0, " RANK_STR(    \
		RANK_WEIGHT_BODY) ".0"

/* A list's bound: the highest weight (rank_tf) a row left out of the list
 * has, at half, once and twice the reference average length avgdl0.  A
 * row's weight is (k1 + 1) / (1 + h) with h linear in 1 / avgdl, so at an
 * average between two of them the bound follows from those two
 * (rank_bound_at); rank_bound_add takes in a row left out. */
#define RANK_BOUND_POINTS 3
struct rank_bound {
	double w[RANK_BOUND_POINTS];
};
void rank_bound_add(struct rank_bound *b, double freq, double length, double avgdl0);
double rank_bound_at(const struct rank_bound *b, double avgdl0, double avgdl);

/* bm25's term-frequency part for one phrase of a row (weighted count
 * `freq`, `length` tokens) and its idf, computed as FTS5 computes them. */
double rank_tf(double freq, double length, double avgdl);
double rank_idf(int64_t n_rows, int64_t hits);

/* Words in this many rows or more get a list of the archived rows where
 * they weigh most (store_terms.c): ranking one of them reads its list, not
 * every match.  Fewer, and scoring every match is as quick.  A list keeps its
 * RANK_LIST_KEEP heaviest rows, grows with heavier new ones, and is cut
 * back when it passes three times that.  (_newsdb_meta can set others for a
 * database: store_terms.c.) */
#define RANK_LIST_MIN_DOCS 2000
#define RANK_LIST_KEEP 500

/* store_terms.c: the ranking tables (schema/002_ranking.sql).  sync runs in
 * each commit, after the word index took the transaction's rows and before
 * the TEMP tables of store.c are cleared; rebuild makes them anew from the
 * word index; check reports each way they differ from it. */
int store_terms_sync(struct nd_store *s, struct nd_error *err);
/* After COMMIT: what sync held back for the transaction becomes the
 * session's.  forget drops everything the session knows (after a rollback,
 * or when the tables are rebuilt); close first writes the counts it holds. */
void store_terms_committed(struct nd_store *s);
void store_terms_forget(struct nd_store *s);
int store_terms_close(struct nd_store *s);
/* store_bulk.c: creates the indexes a bulk import dropped and writes the
 * feed log it left to its end, if it did (a killed one: nd_store_open). */
int store_bulk_recover(struct nd_store *s, struct nd_error *err);
/* store_bulk.c, in each transaction of a bulk import: its feed log is
 * still left to its end, unless another import finished its work. */
int store_bulk_still_pending(struct nd_store *s, struct nd_error *err);
/* store.c: rebuild in a transaction of its own. */
int store_build_ranking(struct nd_store *s, struct nd_error *err);
int store_build_blocks(struct nd_store *s, struct nd_error *err);
int store_terms_rebuild(struct nd_store *s, struct nd_error *err);
int64_t store_terms_check(struct nd_store *s, nd_problem_fn fn, void *ctx, struct nd_error *err);

/* 'rank_state' of _newsdb_meta is 'ready': the ranking tables describe
 * every row of the word index. */
int store_rank_state(struct nd_store *s, bool *ready, struct nd_error *err);
/* The _newsdb_meta key (a state: 'ready' or 'pending') is 'ready'. */
int store_state_ready(struct nd_store *s, const char *key, bool *ready, struct nd_error *err);
/* A number of _newsdb_meta into *out (left as it is when the key is absent). */
int store_meta_real(struct nd_store *s, const char *key, double *out, struct nd_error *err);

/* store_lists.c: the page of a ranked search for one word with a list:
 * 1 with page filled, 0 when the list cannot decide it (the search then
 * scores every match), or a negative status.  sets: the query's filter
 * sets (store_filter_sets.c), asked only when complete. */
struct store_filter_sets;
int store_list_page(struct nd_store *s, const struct nd_search_opts *o,
		    const struct store_filter_sets *sets, struct ranked_page *page,
		    struct nd_error *err);

/* store_lists.c: each phrase of a match expression as query.c writes it,
 * in order, as a double: its row count when it is one common word (from
 * _newsdb_terms), else -1; for nd_rank_collect, which ignores it unless it
 * has one entry per phrase.  RANK_COUNT_IS_MATCHES instead: the caller
 * counts the phrase's rows itself (store_rank_page), and nd_rank_collect
 * gives it an idf of 0. */
#define RANK_COUNT_IS_MATCHES (-2.0)
int store_known_counts(struct nd_store *s, const char *match, struct nd_buf *out,
		       struct nd_error *err);

/* store_search.c: a read transaction (a savepoint), so that the
 * statements of one search see one state of the database. */
int store_read_begin(struct nd_store *s, struct nd_error *err);
void store_read_end(struct nd_store *s);
/* store_search.c: the ranked page of o (its offset and limit) into page:
 * a common word's from its list, else by scoring every match. */
int store_ranked_ids(struct nd_store *s, const struct nd_search_opts *o, struct ranked_page *page,
		     struct nd_error *err);
/* store_search.c: the statement of a chosen page's hits ([[id, rank], ...]
 * in :page, with copies [[id, rank, copies], ...]), its snippets made from
 * the stored text when nd_snippet() understands the query. */
enum stmt_id store_page_statement(const struct nd_query *q, bool copies);
/* store_search.c: calls fn for each row of a statement of hits (the
 * columns of PAGE_HITS, store_sql.c); the number of hits, or a negative
 * status. */
int64_t store_emit_hits(struct nd_store *s, sqlite3_stmt *st, nd_hit_fn fn, void *ctx,
			struct nd_error *err);
/* store_dedupe.c: a ranked --dedupe search from the facet blocks; *handled
 * false (and nothing done) while they are pending. */
int64_t store_search_dedupe(struct nd_store *s, const struct nd_search_opts *o, nd_hit_fn fn,
			    void *ctx, bool *handled, struct nd_error *err);

/* store_search.c: binds the query's match, filters and page to the named
 * parameters st has (:match, :exclude, :providers, ...). */
void store_bind_query(struct nd_store *s, sqlite3_stmt *st, const struct nd_search_opts *o);
/* store_shorts.c: the MATCH over articles_trigram whose rows are those that
 * hold the n CJK substrings shorter than a trigram that it can look up
 * (NULL: none), and in *rest a JSON array of the others, to be looked for
 * in the text (NULL: none); both kept for the next call with the same
 * substrings.  release frees them. */
const char *store_short_match(struct nd_store *s, const char *const *subs, size_t n,
			      const char **rest);
void store_shorts_release(struct nd_store *s);
/* The query has filters besides its words (provider:, topic:, dates,
 * excluded words, CJK substrings). */
bool store_query_has_filters(const struct nd_query *q);
/* Sets a _newsdb_meta key to text, or to real when text is NULL. */
int store_meta_put(struct nd_store *s, const char *key, const char *text, double real,
		   struct nd_error *err);

/* The word index's row count and average row length in tokens, from FTS5's
 * own totals (what bm25 divides by). */
int store_index_totals(struct nd_store *s, int64_t *n_rows, double *avgdl, struct nd_error *err);

/* SQLite's varint format (FTS5's records use it): reads one into *out and
 * returns the bytes it took (0 if p[0..n) holds none); sum adds up all of
 * them. */
int store_varint(const unsigned char *p, int n, int64_t *out);
int64_t store_varint_sum(const unsigned char *p, int n);

/* One match's bm25 without its length: the query's phrase weights (idf), the
 * row's weighted count of each phrase, and the average row length. */
struct rank_terms {
	int n_phrases;
	double avg_tokens;
	const double *idf, *freq;
};

/* Where nd_rank_collect() (store_rank.c) hands each match of a candidates
 * statement as the statement's own loop meets it: its id, what its score
 * is made of (valid during the call) and whether it is archived (-1: the
 * statement did not read it).  add returns false on data it cannot take,
 * which fails the statement.  Bound to :sink as a pointer of RANK_SINK_TYPE. */
struct rank_sink {
	bool (*add)(void *ctx, int64_t id, const struct rank_terms *t, int archived);
	void *ctx;
};
#define RANK_SINK_TYPE "nd_rank_sink"

struct nd_buf;

/* The page a ranked search chose: its hits as JSON [[id, rank], ...] in
 * order. */
struct ranked_page {
	struct nd_buf *ids;
};

/* Ranks the matches of a candidates statement (each row empty, its match
 * handed to :sink by nd_rank_collect(); store_sql.c) and fills `page` with
 * hits offset to offset + limit (limit <= 0: all).  by_matches: the
 * expression is one phrase whose count was RANK_COUNT_IS_MATCHES (its rows
 * are the matches). */
int store_rank_page(struct nd_store *s, sqlite3_stmt *candidates, bool by_matches,
		    int64_t offset, int64_t limit, struct ranked_page *page, struct nd_error *err);

/* Every row of a candidates statement (as store_rank_page reads them, with
 * the phrases' row counts bound), scored and in page order. */
struct scored_row {
	int64_t id;
	double score;
	bool archived;
};
int store_score_all(struct nd_store *s, sqlite3_stmt *candidates, struct scored_row **out,
		    size_t *n, struct nd_error *err);

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

/* The one-row lookups, written once: runs st (its parameters bound) to its
 * first row.  Returns 1 with the row there to read (then store_done(st)), 0
 * when there is none, or a negative ND_STORE_* status with err saying
 * `doing`; on 0 and on an error st is reset already. */
int store_first_row(struct nd_store *s, sqlite3_stmt *st, struct nd_error *err,
		    const char *doing);

/* store_first_row of the cached statement `which` with ?1 bound to text
 * (not copied: it must live until store_done) or to id; *out is the
 * statement whenever it could be prepared. */
int store_lookup_text(struct nd_store *s, enum stmt_id which, const char *text,
		      sqlite3_stmt **out, struct nd_error *err, const char *doing);
int store_lookup_id(struct nd_store *s, enum stmt_id which, int64_t id, sqlite3_stmt **out,
		    struct nd_error *err, const char *doing);

/* Ends the read of the row store_first_row found; ND_STORE_OK. */
int store_done(sqlite3_stmt *st);

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

/* store_feed.c, the feed's change log, written in the savepoint of the
 * change: an archived article was stored with these values (url and
 * published_at, "" when undated)... */
int store_feed_put(struct nd_store *s, const char *url, const char *published_at,
		   struct nd_error *err);
/* ...or article `id` may have left the archive (is_archived 0 now): its
 * rows become deletions.  Nothing happens when it is still archived. */
int store_feed_left(struct nd_store *s, int64_t id, struct nd_error *err);

/* store_expr.c: the phrases of a match expression of the shape query.c
 * writes, in order, each given to fn (NULL: none) with its text unquoted;
 * the number of phrases, or -1 when the expression is not of that shape
 * or fn returned false. */
typedef bool (*store_phrase_fn)(void *ctx, const char *text, size_t len, bool prefix,
				bool title_only);
int store_expr_parse(const char *match, store_phrase_fn fn, void *ctx);

/* store_snippet.c: registers nd_snippet(), FTS5's snippet() made from the
 * stored text; whether it understands a match expression (else the page
 * keeps FTS5's own). */
int store_register_snippet(sqlite3 *db);
bool store_snippet_understood(const char *match);

/* store_copykey.c: registers nd_copy_key(), the key of --dedupe. */
int store_register_copy_key(sqlite3 *db);

/* store_idset.c: a set of article ids for nd_in_set(set, id), bound to a
 * statement with store_idset_bind (the set must outlive its steps). */
struct store_idset {
	uint64_t *bits;
	size_t n_words;
};
void store_idset_add(struct store_idset *set, int64_t id);
void store_idset_release(struct store_idset *set);
bool store_idset_has(const struct store_idset *set, int64_t id);
int store_idset_bind(sqlite3_stmt *st, const char *name, const struct store_idset *set);
int store_register_in_set(sqlite3 *db);

/* store_filter_sets.c: a ranked search's filters as sets of ids, read once:
 * the rows its dates, its exclusion and its providers keep and leave out,
 * when they can all be sets (no topic, no CJK, dates and exclusion few
 * enough).  complete: then a row passes the query's filters exactly when
 * store_filter_sets_pass says so (not to be asked otherwise). */
struct store_filter_sets {
	struct store_idset providers, excluded, dated;
	bool by_provider, by_exclusion, by_date, complete;
	bool providers_read;
	bool exclusion_left; /* the one filter, an exclusion too large for a set */
};
int store_filter_sets_get(struct nd_store *s, const struct nd_search_opts *o,
			  struct store_filter_sets *f, struct nd_error *err);
/* The providers' articles into f->providers if the query has providers and
 * they are not read yet: for nd_in_set in SQL that tests the other filters. */
int store_filter_sets_providers(struct nd_store *s, const struct nd_search_opts *o,
				struct store_filter_sets *f, struct nd_error *err);
/* For the ranking of every match: an exclusion too large for the list's
 * set and the query's one filter read whole (that ranking's SQL would read
 * every excluded row into an index of its own), so that the sets are
 * complete. */
int store_filter_sets_whole(struct nd_store *s, const struct nd_search_opts *o,
			    struct store_filter_sets *f, struct nd_error *err);
bool store_filter_sets_pass(const struct store_filter_sets *f, int64_t id);
void store_filter_sets_release(struct store_filter_sets *f);

/* The SQL text of each statement (store_sql.c). */
extern const char *const store_sql[ST_COUNT];

#endif
