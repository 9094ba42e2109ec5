/*
 * store_sql.c: the text of every statement the store prepares.  All values
 * are bound parameters; nothing here is ever built from input.
 */
#include "store_internal.h"

#define ARTICLE_COLUMNS \
	"url, web_url, original_url, amp_url, cdn_amp_url, title, excerpt, body, category, " \
	"type, published_at, quality, heat, is_published, featured_content, provider_id, extra"

#define ARTICLE_VALUES "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17"

#define ARTICLE_SET \
	"web_url = excluded.web_url, original_url = excluded.original_url, " \
	"amp_url = excluded.amp_url, cdn_amp_url = excluded.cdn_amp_url, " \
	"title = excluded.title, excerpt = excluded.excerpt, body = excluded.body, " \
	"category = excluded.category, type = excluded.type, " \
	"published_at = excluded.published_at, quality = excluded.quality, " \
	"heat = excluded.heat, is_published = excluded.is_published, " \
	"featured_content = excluded.featured_content, provider_id = excluded.provider_id, " \
	"extra = excluded.extra"

/* Filters shared by every search; a NULL parameter disables its filter.
 * :providers, :topics and :short are JSON arrays; :trigram and :exclude are
 * FTS5 expressions.  Each filter is a set computed once (not a subquery per
 * row), so a search by date walks articles_by_date and stops at the page.
 * The short CJK substrings are looked for only in the rows of the trigram
 * index: a row that has one has CJK text, and those are all there.
 * ROW_FILTERS read the article's row; SET_FILTERS only its id (so ranking
 * candidates are never joined with their rows for them).  On the word
 * index the id is written +articles_fts.rowid: the unary + keeps FTS5 from
 * taking a set as rowids to look up one by one. */
#define PROVIDER_IDS \
	"(SELECT pf.id FROM providers pf" \
	"      JOIN json_each(:providers) jp ON pf.domain = jp.value OR pf.name_key = jp.value)"
#define ROW_FILTERS \
	" AND (:since IS NULL OR a.published_at >= :since)" \
	" AND (:until IS NULL OR a.published_at < :until)" \
	" AND (:providers IS NULL OR a.provider_id IN " PROVIDER_IDS ")"
/* The row `tg` of articles_trigram holds each of the CJK substrings of the
 * JSON array `list` (none spans two columns).  :short_match finds the rows
 * of those store_shorts.c can look up; :short_rest are the others. */
#define HOLDS_SHORTS(tg, list) \
	"NOT EXISTS (SELECT 1 FROM json_each(" list ") js" \
	"      WHERE instr(coalesce(" tg ".title, '') || char(10) || coalesce(" tg ".excerpt, '')" \
	"      || char(10) || coalesce(" tg ".body, ''), js.value) = 0)"
/* one topic (the usual case) needs no grouping: that is most of the cost
 * when the topic is common */
#define SET_FILTERS(id) TOPIC_FILTER(id) CJK_FILTERS(id) EXCLUDE_FILTER(id)
#define TOPIC_FILTER(id) \
	" AND (:topics IS NULL OR " id " IN (SELECT atf.article_id FROM article_topics atf" \
	"      WHERE json_array_length(:topics) = 1 AND atf.topic_id IN (SELECT tf.id FROM topics tf" \
	"      WHERE tf.name_key = json_extract(:topics, '$[0]'))" \
	"      UNION ALL SELECT atf.article_id FROM json_each(:topics) jt" \
	"      JOIN topics tf ON tf.name_key = jt.value" \
	"      JOIN article_topics atf ON atf.topic_id = tf.id" \
	"      WHERE json_array_length(:topics) > 1 GROUP BY atf.article_id" \
	"      HAVING count(DISTINCT jt.value) = json_array_length(:topics)))"
#define CJK_FILTERS(id) \
	" AND (:trigram IS NULL OR " id " IN (SELECT rowid FROM articles_trigram" \
	"      WHERE articles_trigram MATCH :trigram))" \
	" AND (:short IS NULL OR " id " IN (SELECT tg.rowid FROM articles_trigram tg" \
	"      WHERE :short_match IS NOT NULL AND tg.articles_trigram MATCH :short_match" \
	"      AND (:short_rest IS NULL OR " HOLDS_SHORTS("tg", ":short_rest") ")" \
	"      UNION ALL SELECT tg.rowid FROM articles_trigram tg" \
	"      WHERE :short_match IS NULL AND " HOLDS_SHORTS("tg", ":short_rest") "))"
#define EXCLUDE_FILTER(id) \
	" AND (:exclude IS NULL OR " id " NOT IN (SELECT rowid FROM articles_fts" \
	"      WHERE articles_fts MATCH :exclude))"
#define SEARCH_FILTERS ROW_FILTERS SET_FILTERS("a.id")
/* The same filters for a few rows given by id (store_lists.c): each asked
 * of the row itself, not built as a set of every row that passes. */
#define PER_ROW_FILTERS \
	ROW_FILTERS \
	" AND (:topics IS NULL OR (SELECT count(DISTINCT tf.name_key) FROM article_topics atf" \
	"      JOIN topics tf ON tf.id = atf.topic_id WHERE atf.article_id = a.id" \
	"      AND tf.name_key IN (SELECT value FROM json_each(:topics)))" \
	"      = json_array_length(:topics))" \
	" AND (:trigram IS NULL OR a.id IN (SELECT rowid FROM articles_trigram" \
	"      WHERE articles_trigram MATCH :trigram))" \
	" AND (:short IS NULL OR EXISTS (SELECT 1 FROM articles_trigram tg WHERE tg.rowid = a.id" \
	"      AND " HOLDS_SHORTS("tg", ":short") "))" \
	" AND (:exclude IS NULL OR NOT EXISTS (SELECT 1 FROM articles_fts" \
	"      WHERE articles_fts MATCH :exclude AND articles_fts.rowid = a.id))"

#define HIT_COLUMNS "a.id, a.url, a.title, a.published_at, p.name, p.domain, "
/* markers, ellipsis and length of a snippet: FTS5's snippet() and
 * nd_snippet() (store_snippet.c) take the same */
#define SNIPPET_STYLE "char(2), char(3), '…', 20"
#define HIT_SNIPPET "snippet(articles_fts, -1, " SNIPPET_STYLE ")"
#define TEXT_SNIPPET "nd_snippet(:match, a.title, a.excerpt, a.body, " SNIPPET_STYLE ")"

/* --dedupe: syndicated copies share a title up to what syndication adds
 * (nd_copy_key(), copykey.h); each group of matches with the same key shows
 * only its first in the chosen order, with the group's size.  Untitled
 * articles are each their own group.  The key is computed once per match,
 * as a column (copy_key) of the matches, with the provider (cp) joined for
 * it. */
#define COPY_KEY "coalesce(nd_copy_key(a.title, cp.name, cp.domain), a.id) AS copy_key"
/* the key alone, of `a` with its provider `p` (the blocks, store_dedupe.c) */
#define COPY_KEY_OF "nd_copy_key(a.title, p.name, p.domain)"
#define COPY_PROVIDER " LEFT JOIN providers cp ON cp.id = a.provider_id"
#define COPY_WINDOW(order) \
	"row_number() OVER (PARTITION BY a.copy_key" order ") AS nth," \
	" count(*) OVER (PARTITION BY a.copy_key) AS copies"

/* The ranking: bm25 through nd_rank() (store_rank.c), with the column
 * weights of the rank option in schema/001_init.sql (store_internal.h; a
 * test compares the two), so other tools ordering by `rank` see the same
 * order. */
#define RANK "nd_rank(articles_fts, " RANK_WEIGHTS_SQL ")"

/* The hits of the page: snippet() is by far the dearest part, so it is made
 * only for the page shown (SQLite would make it for each match before
 * sorting).  CROSS JOIN keeps the page as the outer loop: left to itself the
 * planner scans every match again and reads each one's row. */
#define PAGE_HITS(copies, outer_order) \
	" SELECT " HIT_COLUMNS \
	HIT_SNIPPET ", page.rank, " copies \
	" FROM page CROSS JOIN articles_fts ON articles_fts.rowid = page.id" \
	" CROSS JOIN articles a ON a.id = page.id" \
	" LEFT JOIN providers p ON p.id = a.provider_id" \
	" WHERE articles_fts MATCH :match" outer_order

/* The same with the snippets made from the stored text (store_snippet.c),
 * for an expression nd_snippet() understands: no look-up of the match. */
#define PAGE_HITS_TEXT(copies) \
	" SELECT " HIT_COLUMNS TEXT_SNIPPET ", page.rank, " copies \
	" FROM page CROSS JOIN articles a ON a.id = page.id" \
	" LEFT JOIN providers p ON p.id = a.provider_id ORDER BY page.n"

/* The same in one pass over the matches between the page's lowest and
 * highest id, for a query with a prefix: each look-up above runs the query
 * again, and for a prefix FTS5 first merges the lists of every word it
 * covers (20 hits of tech* at 1M took 240 ms).  Used three times, the page
 * is materialized (SQLite does so for a CTE used more than once). */
#define PAGE_HITS_SCAN(copies, outer_order) \
	" SELECT " HIT_COLUMNS \
	HIT_SNIPPET ", page.rank, " copies \
	" FROM articles_fts CROSS JOIN page ON page.id = articles_fts.rowid" \
	" CROSS JOIN articles a ON a.id = articles_fts.rowid" \
	" LEFT JOIN providers p ON p.id = a.provider_id" \
	" WHERE articles_fts MATCH :match" \
	" AND articles_fts.rowid BETWEEN (SELECT min(id) FROM page) AND (SELECT max(id) FROM page)" \
	outer_order

/* Ranked by scoring every match (store_topk.c; a common word has a list
 * instead, store_lists.c): what each candidate's score is made of, handed
 * to :sink (store_rank.c) as the statement meets it, in an empty row (an
 * auxiliary function cannot be an aggregate's argument, and in WHERE it
 * might run before the filters); the article's row is read only when a
 * filter needs it, and then from the narrow index articles_search_state
 * (schema/001_init.sql). */
#define RANK_COLLECT(archived) \
	"nd_rank_collect(articles_fts, :sink, " archived ", " RANK_WEIGHTS_SQL ", :counts)"
/* the page store_topk.c chose, [[id, rank], ...]: materialized, or a pass
 * over the matches would parse the JSON again for each */
#define CHOSEN_PAGE \
	"WITH page AS MATERIALIZED (SELECT key AS n, json_extract(value, '$[0]') AS id," \
	" json_extract(value, '$[1]') AS rank FROM json_each(:page))"
/* the same with each group's copies (store_dedupe.c): [[id, rank, copies], ...] */
#define CHOSEN_PAGE_COPIES \
	"WITH page AS MATERIALIZED (SELECT key AS n, json_extract(value, '$[0]') AS id," \
	" json_extract(value, '$[1]') AS rank, json_extract(value, '$[2]') AS copies" \
	" FROM json_each(:page))"

/* By date: every match is looked at.  hits is PAGE_HITS or PAGE_HITS_SCAN. */
#define SEARCH_MATCH(order, hits) \
	"WITH page AS (SELECT a.id AS id, " RANK " AS rank" \
	" FROM articles_fts JOIN articles a INDEXED BY articles_search_state" \
	" ON a.id = articles_fts.rowid" \
	" WHERE articles_fts MATCH :match" SEARCH_FILTERS order PAGE ")" \
	hits("1", order)

/* The same with --dedupe: the page is taken from the first of each group.
 * The rank is computed before the grouping (FTS5 cannot run nd_rank inside a
 * window definition), and each step is aliased `a` so the orders read as
 * everywhere else. */
#define SEARCH_MATCH_DEDUPE(inner_order, page_order, outer_order, hits) \
	"WITH matched AS (SELECT a.id AS id, " COPY_KEY ", " RANK " AS rank," \
	" a.is_archived AS is_archived, a.published_at AS published_at" \
	" FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid" COPY_PROVIDER \
	" WHERE articles_fts MATCH :match" SEARCH_FILTERS ")," \
	" hits AS (SELECT a.id AS id, a.rank AS rank, a.is_archived AS is_archived," \
	" a.published_at AS published_at," COPY_WINDOW(inner_order) " FROM matched a)," \
	" page AS (SELECT a.id AS id, a.rank AS rank, a.copies AS copies" \
	" FROM hits a WHERE a.nth = 1" page_order PAGE ")" \
	hits("page.copies", outer_order)

#define SEARCH_FILTER_ONLY \
	"SELECT " HIT_COLUMNS "substr(a.excerpt, 1, 160), 0.0, 1" \
	" FROM articles a LEFT JOIN providers p ON p.id = a.provider_id" \
	" WHERE 1" SEARCH_FILTERS

/* The same when every CJK substring of the query can be looked up in the
 * trigram index (:cjk, store_search.c): its rows, few against the archive,
 * drive the search and are sorted, instead of a walk of every article by
 * date that stops only at the page's last hit (all of them when few match) */
#define SEARCH_FILTER_ONLY_CJK \
	"SELECT " HIT_COLUMNS "substr(a.excerpt, 1, 160), 0.0, 1" \
	" FROM articles_trigram d CROSS JOIN articles a ON a.id = d.rowid" \
	" LEFT JOIN providers p ON p.id = a.provider_id" \
	" WHERE d.articles_trigram MATCH :cjk" ROW_FILTERS TOPIC_FILTER("a.id") EXCLUDE_FILTER("a.id")

#define SEARCH_FILTER_ONLY_DEDUPE(order) \
	"WITH matched AS (SELECT a.id AS id, a.published_at AS published_at, " COPY_KEY \
	" FROM articles a" COPY_PROVIDER " WHERE 1" SEARCH_FILTERS ")," \
	" hits AS (SELECT a.id AS id, " COPY_WINDOW(order) " FROM matched a)" \
	" SELECT " HIT_COLUMNS "substr(a.excerpt, 1, 160), 0.0, hits.copies" \
	" FROM hits JOIN articles a ON a.id = hits.id" \
	" LEFT JOIN providers p ON p.id = a.provider_id WHERE hits.nth = 1" order

#define PAGE " LIMIT :limit OFFSET :offset"
/* NULL sorts below every date, so DESC puts undated articles last: the
 * order articles_by_date gives backwards */
#define BY_DATE_DESC " ORDER BY a.published_at DESC, a.id DESC"
#define BY_DATE_ASC " ORDER BY a.published_at IS NULL, a.published_at ASC, a.id ASC"
/* archived first, then by rank, in the steps of SEARCH_MATCH_DEDUPE */
#define BY_RANK " ORDER BY a.is_archived DESC, a.rank, a.id"
#define BY_PAGE_RANK " ORDER BY a.is_archived DESC, page.rank, a.id"

/* The feed's change log, _newsdb_feed (schema/004_feed.sql).  The change
 * number is max + 1 inside the import's write transaction: writers take
 * turns, so a change committed after an export read the log always gets a
 * number above every one that export saw (no clock involved). */
#define FEED_NEXT_SEQ "(SELECT coalesce(max(seq), 0) + 1 FROM _newsdb_feed)"
#define FEED_NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

/* store_facets.c's columns: id, provider_id, published_at, type, topic_id */
#define FACET_COLUMNS \
	"a.id, a.provider_id, a.published_at," \
	" CASE WHEN :with_type THEN (SELECT ft.type FROM articles ft WHERE ft.id = a.id) END," \
	" fat.topic_id"
#define FACET_TOPICS " LEFT JOIN article_topics fat ON :with_topics AND fat.article_id = a.id"

const char *const store_sql[ST_COUNT] = {
	[ST_SAVEPOINT] = "SAVEPOINT file",
	[ST_RELEASE] = "RELEASE file",

	[ST_SOURCE_GET] = "SELECT size, mtime_ns, status, hash FROM sources WHERE path = ?1",
	[ST_SOURCE_FOLDER] =
		"SELECT path, size, mtime_ns, status, hash FROM sources WHERE path >= ?1 AND path < ?2"
		" ORDER BY path LIMIT ?3",
	[ST_SOURCE_ARTICLE] = "SELECT article_id, hash, status FROM sources WHERE path = ?1",
	/* a file read again with the bytes it had (touched): its article's
	 * row, and when it was last recorded; not one marked to be read again
	 * (mtime_ns -1: its article holds another file's values) */
	[ST_SOURCE_SAME] =
		"SELECT article_id, mtime_ns FROM sources WHERE path = ?1 AND status = 'ok'"
		" AND hash = ?2 AND size = ?3 AND article_id IS NOT NULL AND mtime_ns >= 0",
	[ST_DATA_VERSION] = "PRAGMA data_version",
	[ST_SOURCE_TOUCH] =
		"UPDATE sources SET mtime_ns = ?2, imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
		" WHERE path = ?1",
	[ST_SOURCE_PUT] =
		"INSERT INTO sources (path, size, mtime_ns, hash, imported_at, status, message,"
		" article_id) VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5, ?6, ?7)"
		" ON CONFLICT (path) DO UPDATE SET size = excluded.size,"
		" mtime_ns = excluded.mtime_ns, hash = coalesce(excluded.hash, sources.hash),"
		" imported_at = excluded.imported_at, status = excluded.status,"
		" message = excluded.message,"
		/* a failed file keeps pointing at what it gave before: nothing is lost */
		" article_id = CASE WHEN excluded.status = 'failed' THEN sources.article_id"
		" ELSE excluded.article_id END",
	[ST_SOURCE_OTHERS] =
		"SELECT path, mtime_ns FROM sources WHERE article_id = ?1 AND path <> ?2"
		" AND status = 'ok'"
		" ORDER BY mtime_ns DESC, path DESC LIMIT 1",

	/* no file has this mtime: the next import reads it again */
	[ST_SOURCE_MARK_STALE] = "UPDATE sources SET mtime_ns = -1 WHERE path = ?1",
	[ST_SOURCE_DELETE] = "DELETE FROM sources WHERE path = ?1 RETURNING article_id",
	[ST_SOURCE_CANDIDATES] =
		"SELECT path FROM sources WHERE status = 'ok' AND hash = ?1"
		" UNION SELECT s.path FROM sources s JOIN articles a ON a.id = s.article_id"
		" WHERE a.url = ?2 ORDER BY 1",
	[ST_PRUNE_ARTICLES] =
		"DELETE FROM articles WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.article_id = articles.id)"
		" AND NOT EXISTS (SELECT 1 FROM related_links r WHERE r.related_article_id = articles.id)",
	[ST_PRUNE_PROVIDERS] =
		"DELETE FROM providers WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.provider_id = providers.id)",
	[ST_PRUNE_TOPICS] =
		"DELETE FROM topics WHERE NOT EXISTS (SELECT 1 FROM article_topics o WHERE o.topic_id = topics.id)",
	[ST_PRUNE_IMAGES] =
		"DELETE FROM images WHERE NOT EXISTS (SELECT 1 FROM article_images o WHERE o.image_id = images.id)"
		" AND NOT EXISTS (SELECT 1 FROM provider_images o WHERE o.image_id = images.id)",
	[ST_REFRESH_ARCHIVED] =
		"UPDATE articles SET is_archived = 0 WHERE is_archived = 1"
		" AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.article_id = articles.id)",
	[ST_ARTICLE_FIND] = "SELECT id, is_archived FROM articles WHERE url = ?1",
	[ST_ARTICLE_UPSERT] =
		"INSERT INTO articles (" ARTICLE_COLUMNS ", is_archived) VALUES (" ARTICLE_VALUES ", 1)"
		" ON CONFLICT (url) DO UPDATE SET " ARTICLE_SET ", is_archived = 1",
	/* a link never overwrites what a file of the article said */
	[ST_ARTICLE_LINK_UPSERT] =
		"INSERT INTO articles (" ARTICLE_COLUMNS ", is_archived) VALUES (" ARTICLE_VALUES ", 0)"
		" ON CONFLICT (url) DO UPDATE SET " ARTICLE_SET " WHERE articles.is_archived = 0",
	[ST_ARTICLE_SET_ARCHIVED] =
		"UPDATE articles SET is_archived = EXISTS (SELECT 1 FROM sources"
		" WHERE sources.article_id = ?1) WHERE id = ?1",

	[ST_PROVIDER_FIND] = "SELECT id FROM providers WHERE domain = ?1 AND name_key = ?2",
	[ST_PROVIDER_INSERT] =
		"INSERT INTO providers (name, domain, name_key) VALUES (?1, ?2, ?3)",
	[ST_PROVIDER_IMAGES_CLEAR] =
		"DELETE FROM provider_images WHERE provider_id = ?1 RETURNING image_id",
	[ST_PROVIDER_IMAGE_ADD] =
		"INSERT INTO provider_images (provider_id, position, image_id) VALUES (?1, ?2, ?3)",

	[ST_TOPIC_FIND] = "SELECT id FROM topics WHERE name_key = ?1",
	[ST_TOPIC_INSERT] = "INSERT INTO topics (name, name_key) VALUES (?1, ?2)",
	[ST_ARTICLE_TOPICS_CLEAR] = "DELETE FROM article_topics WHERE article_id = ?1",
	[ST_ARTICLE_TOPIC_ADD] =
		"INSERT OR IGNORE INTO article_topics (article_id, position, topic_id) VALUES (?1, ?2, ?3)",

	[ST_IMAGE_UPSERT] =
		"INSERT INTO images (url, width, height, is_cached) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (url) DO UPDATE SET width = coalesce(excluded.width, images.width),"
		" height = coalesce(excluded.height, images.height),"
		" is_cached = coalesce(excluded.is_cached, images.is_cached)",
	[ST_IMAGE_FIND] = "SELECT id FROM images WHERE url = ?1",
	[ST_ARTICLE_IMAGES_CLEAR] =
		"DELETE FROM article_images WHERE article_id = ?1 RETURNING image_id",
	[ST_ARTICLE_IMAGE_ADD] =
		"INSERT INTO article_images (article_id, position, image_id) VALUES (?1, ?2, ?3)",

	[ST_RELATED_CLEAR] = "DELETE FROM related_links WHERE article_id = ?1",
	[ST_RELATED_ADD] =
		"INSERT INTO related_links (article_id, position, related_article_id) VALUES (?1, ?2, ?3)",

	[ST_RANK_CANDIDATES] =
		"SELECT " RANK_COLLECT("NULL") " FROM articles_fts"
		" WHERE articles_fts MATCH :match"
		/* the provider's articles as a set built once (store_idset.c) */
		" AND (:providers IS NULL OR nd_in_set(:provider_ids, articles_fts.rowid))"
		SET_FILTERS("+articles_fts.rowid"),
	[ST_RANK_CANDIDATES_FILTERED] =
		"SELECT " RANK_COLLECT("a.is_archived")
		" FROM articles_fts JOIN articles a INDEXED BY articles_search_state"
		" ON a.id = articles_fts.rowid"
		" WHERE articles_fts MATCH :match" SEARCH_FILTERS,
	[ST_PROVIDER_ARTICLES] = "SELECT pa.id FROM articles pa WHERE pa.provider_id IN " PROVIDER_IDS,
	[ST_RANK_ARCHIVED] =
		"SELECT is_archived FROM articles INDEXED BY articles_search_state WHERE id = ?1",
	/* FTS5's own record of each row's length in tokens, a varint per column */
	[ST_RANK_LENGTH] = "SELECT sz FROM articles_fts_docsize WHERE id = ?1",
	/* the page store_topk.c chose: [[id, rank], ...] in order */
	[ST_SEARCH_PAGE] = CHOSEN_PAGE PAGE_HITS("1", " ORDER BY page.n"),
	[ST_SEARCH_PAGE_SCAN] = CHOSEN_PAGE PAGE_HITS_SCAN("1", " ORDER BY page.n"),
	[ST_SEARCH_PAGE_TEXT] = CHOSEN_PAGE PAGE_HITS_TEXT("1"),
	[ST_SEARCH_DATE_DESC] = SEARCH_MATCH(BY_DATE_DESC, PAGE_HITS),
	[ST_SEARCH_DATE_ASC] = SEARCH_MATCH(BY_DATE_ASC, PAGE_HITS),
	[ST_SEARCH_DATE_DESC_SCAN] = SEARCH_MATCH(BY_DATE_DESC, PAGE_HITS_SCAN),
	[ST_SEARCH_DATE_ASC_SCAN] = SEARCH_MATCH(BY_DATE_ASC, PAGE_HITS_SCAN),
	[ST_FILTER_DATE_DESC] = SEARCH_FILTER_ONLY BY_DATE_DESC PAGE,
	[ST_FILTER_DATE_ASC] = SEARCH_FILTER_ONLY BY_DATE_ASC PAGE,
	[ST_FILTER_DATE_DESC_CJK] = SEARCH_FILTER_ONLY_CJK BY_DATE_DESC PAGE,
	[ST_FILTER_DATE_ASC_CJK] = SEARCH_FILTER_ONLY_CJK BY_DATE_ASC PAGE,
	[ST_SEARCH_RANK_DEDUPE] = SEARCH_MATCH_DEDUPE(BY_RANK, BY_RANK, BY_PAGE_RANK, PAGE_HITS),
	[ST_SEARCH_RANK_DEDUPE_SCAN] =
		SEARCH_MATCH_DEDUPE(BY_RANK, BY_RANK, BY_PAGE_RANK, PAGE_HITS_SCAN),
	[ST_SEARCH_DATE_DESC_DEDUPE] =
		SEARCH_MATCH_DEDUPE(BY_DATE_DESC, BY_DATE_DESC, BY_DATE_DESC, PAGE_HITS),
	[ST_SEARCH_DATE_ASC_DEDUPE] =
		SEARCH_MATCH_DEDUPE(BY_DATE_ASC, BY_DATE_ASC, BY_DATE_ASC, PAGE_HITS),
	[ST_SEARCH_DATE_DESC_DEDUPE_SCAN] =
		SEARCH_MATCH_DEDUPE(BY_DATE_DESC, BY_DATE_DESC, BY_DATE_DESC, PAGE_HITS_SCAN),
	[ST_SEARCH_DATE_ASC_DEDUPE_SCAN] =
		SEARCH_MATCH_DEDUPE(BY_DATE_ASC, BY_DATE_ASC, BY_DATE_ASC, PAGE_HITS_SCAN),
	[ST_FILTER_DATE_DESC_DEDUPE] = SEARCH_FILTER_ONLY_DEDUPE(BY_DATE_DESC) PAGE,
	[ST_FILTER_DATE_ASC_DEDUPE] = SEARCH_FILTER_ONLY_DEDUPE(BY_DATE_ASC) PAGE,

	[ST_READ_ARTICLE] = "SELECT " ARTICLE_COLUMNS " FROM articles WHERE id = ?1",
	[ST_READ_ID_BY_PATH] = "SELECT article_id FROM sources WHERE path = ?1",
	[ST_READ_PROVIDER] = "SELECT name, domain, name_key FROM providers WHERE id = ?1",
	[ST_READ_PROVIDER_IMAGES] =
		"SELECT i.url, i.width, i.height, i.is_cached FROM provider_images o"
		" JOIN images i ON i.id = o.image_id WHERE o.provider_id = ?1 ORDER BY o.position",
	[ST_READ_ARTICLE_IMAGES] =
		"SELECT i.url, i.width, i.height, i.is_cached FROM article_images o"
		" JOIN images i ON i.id = o.image_id WHERE o.article_id = ?1 ORDER BY o.position",
	[ST_READ_TOPICS] =
		"SELECT t.name, t.name_key FROM article_topics o JOIN topics t ON t.id = o.topic_id"
		" WHERE o.article_id = ?1 ORDER BY o.position",
	[ST_READ_RELATED_IDS] =
		"SELECT related_article_id FROM related_links WHERE article_id = ?1 ORDER BY position",
	[ST_READ_BACKLINKS] =
		"SELECT DISTINCT a.id, a.url, a.title FROM related_links r"
		" JOIN articles a ON a.id = r.article_id WHERE r.related_article_id = ?1 ORDER BY a.id",
	[ST_READ_SOURCES] =
		"SELECT path, status, message, imported_at FROM sources WHERE article_id = ?1"
		" ORDER BY path",
	[ST_READ_ARCHIVED_IDS] = "SELECT id FROM articles WHERE is_archived = 1 ORDER BY id",

	[ST_STATS] =
		"SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM articles WHERE is_archived),"
		" (SELECT count(*) FROM providers), (SELECT count(*) FROM topics),"
		" (SELECT count(*) FROM images), (SELECT count(*) FROM related_links),"
		" (SELECT count(*) FROM sources),"
		" (SELECT count(*) FROM sources WHERE status = 'failed'),"
		" (SELECT count(*) FROM sources WHERE status = 'skipped'),"
		" (SELECT min(published_at) FROM articles WHERE is_archived),"
		" (SELECT max(published_at) FROM articles WHERE is_archived)",
	[ST_PER_MONTH] =
		"SELECT substr(published_at, 1, 7), NULL, count(*) FROM articles"
		" WHERE is_archived AND published_at IS NOT NULL GROUP BY 1 ORDER BY 1",
	[ST_PER_YEAR] =
		"SELECT substr(published_at, 1, 4), NULL, count(*) FROM articles"
		" WHERE is_archived AND published_at IS NOT NULL GROUP BY 1 ORDER BY 1",
	[ST_PROVIDERS_BY_COUNT] =
		"SELECT p.name, p.domain, count(a.id) AS n FROM providers p"
		" LEFT JOIN articles a ON a.provider_id = p.id GROUP BY p.id"
		" ORDER BY n DESC, p.name_key, p.domain LIMIT ?1",
	[ST_PROVIDERS_BY_NAME] =
		"SELECT p.name, p.domain, count(a.id) AS n FROM providers p"
		" LEFT JOIN articles a ON a.provider_id = p.id GROUP BY p.id"
		" ORDER BY p.name_key, p.domain LIMIT ?1",
	[ST_TOPICS_BY_COUNT] =
		"SELECT t.name, NULL, count(o.article_id) AS n FROM topics t"
		" LEFT JOIN article_topics o ON o.topic_id = t.id GROUP BY t.id"
		" ORDER BY n DESC, t.name_key LIMIT ?1",
	[ST_TOPICS_BY_NAME] =
		"SELECT t.name, NULL, count(o.article_id) AS n FROM topics t"
		" LEFT JOIN article_topics o ON o.topic_id = t.id GROUP BY t.id"
		" ORDER BY t.name_key LIMIT ?1",
	[ST_CHECK_INTEGRITY] = "PRAGMA integrity_check",
	[ST_CHECK_FOREIGN_KEYS] =
		"SELECT \"table\" || ' row ' || coalesce(rowid, '?') || ' refers to a missing '"
		" || parent || ' row' FROM pragma_foreign_key_check",
	[ST_CHECK_FTS] = "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)",
	[ST_CHECK_TRIGRAM] =
		"INSERT INTO articles_trigram (articles_trigram, rank) VALUES ('integrity-check', 1)",
	/* searches for short CJK substrings rely on it (store_shorts.c) */
	[ST_CHECK_TRIGRAM_TEXT] =
		"SELECT 'articles_trigram: row ' || t.rowid || ' is not the text of an article"
		" with two line feeds after each column' FROM articles_trigram t"
		" LEFT JOIN articles a ON a.id = t.rowid WHERE a.id IS NULL"
		" OR t.title IS NOT a.title || char(10, 10) OR t.excerpt IS NOT a.excerpt || char(10, 10)"
		" OR t.body IS NOT a.body || char(10, 10) LIMIT 100",
	[ST_CHECK_FAILED] = "SELECT path, message FROM sources WHERE status = 'failed' ORDER BY path",
	[ST_CHECK_PATHS] = "SELECT path FROM sources ORDER BY path",

	/* the ranking tables (store_terms.c, schema/002_ranking.sql) */
	/* an image that an owner's list no longer names, removed when nothing
	 * else names it (both lookups by the *_by_image indexes) */
	[ST_IMAGE_DROP_ORPHAN] =
		"DELETE FROM images WHERE id = ?1"
		" AND NOT EXISTS (SELECT 1 FROM article_images o WHERE o.image_id = ?1)"
		" AND NOT EXISTS (SELECT 1 FROM provider_images o WHERE o.image_id = ?1)",
	/* left by versions before the above */
	[ST_CHECK_ORPHAN_IMAGES] =
		"SELECT url FROM images WHERE NOT EXISTS (SELECT 1 FROM article_images o WHERE o.image_id = images.id)"
		" AND NOT EXISTS (SELECT 1 FROM provider_images o WHERE o.image_id = images.id) ORDER BY url",
	[ST_META_GET] = "SELECT value FROM _newsdb_meta WHERE key = ?1",
	[ST_META_PUT] =
		"INSERT INTO _newsdb_meta (key, value) VALUES (?1, ?2)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/* FTS5's averages record: row count and tokens per column */
	[ST_FTS_TOTALS] = "SELECT block FROM articles_fts_data WHERE id = 1",
	[ST_TERM_ROWS] =
		"SELECT articles_fts.rowid, nd_term_freq(articles_fts, " RANK_WEIGHTS_SQL "),"
		" nd_row_length(articles_fts), a.is_archived FROM articles_fts"
		" LEFT JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?1",
	[ST_TERM_INSERT] = "INSERT INTO _newsdb_terms (term, docs) VALUES (?1, ?2) RETURNING id",
	[ST_TERM_UPDATE] = "UPDATE _newsdb_terms SET docs = docs + ?2 WHERE id = ?1",
	[ST_TERMS_ALL] =
		"SELECT id, term, docs, bound_half, bound, bound_double, listed FROM _newsdb_terms",
	[ST_TERMS_FROM_COUNTS] =
		"INSERT INTO _newsdb_terms (term, docs) SELECT term, docs FROM _newsdb_term_counts"
		" WHERE docs >= ?1",
	[ST_COUNT_GET] = "SELECT docs FROM _newsdb_term_counts WHERE term = ?1",
	[ST_COUNT_SET] =
		"INSERT INTO _newsdb_term_counts (term, docs) VALUES (?1, ?2)"
		" ON CONFLICT (term) DO UPDATE SET docs = excluded.docs",
	[ST_COUNT_ADD] =
		"INSERT INTO _newsdb_term_counts (term, docs) VALUES (?1, max(?2, 0))"
		" ON CONFLICT (term) DO UPDATE SET docs = max(docs + ?2, 0)",
	[ST_VOCAB_DOCS] = "SELECT doc FROM temp.newsdb_vocab WHERE term = ?1",
	[ST_TERM_DELETE] = "DELETE FROM _newsdb_terms WHERE id = ?1",
	[ST_TERM_SET_LIST] =
		"UPDATE _newsdb_terms SET bound_half = ?2, bound = ?3, bound_double = ?4, listed = ?5"
		" WHERE id = ?1",
	[ST_TERM_GET] =
		"SELECT id, docs, bound_half, bound, bound_double, listed FROM _newsdb_terms"
		" WHERE term = ?1",
	/* which rows of a word's list (:ids, in score order) a ranked page may hold */
	/* the narrow index holds every column the filters read: a look-up of it
	 * reads a page for a hundred rows, the article row a page for one */
	[ST_LIST_FILTER] =
		"SELECT j.key FROM json_each(:ids) j JOIN articles a INDEXED BY articles_search_state"
		" ON a.id = j.value WHERE a.is_archived = 1" PER_ROW_FILTERS,
	/* the rows a search excludes, up to a number (store_lists.c) */
	[ST_LIST_EXCLUDED] =
		"SELECT rowid FROM articles_fts WHERE articles_fts MATCH :exclude LIMIT :limit",
	/* the trigrams from a substring on (store_shorts.c reads while they start with it) */
	[ST_TRIGRAM_TERMS] = "SELECT term FROM temp.newsdb_trigram_vocab WHERE term >= ?1",
	[ST_TRIGRAM_COUNT] =
		"SELECT count(*) FROM (SELECT 1 FROM articles_trigram WHERE articles_trigram MATCH ?1 LIMIT ?2)",
	[ST_RANK_CANDIDATES_PLAIN] =
		"SELECT " RANK_COLLECT("NULL") " FROM articles_fts WHERE articles_fts MATCH :match",
	/* filters that are all sets of ids (store_filter_sets.c), each a bit
	 * tested as the match comes (a bound set reads as NULL in SQL: the
	 * filter's own parameter says whether it is there) */
	[ST_RANK_CANDIDATES_SETS] =
		"SELECT " RANK_COLLECT("NULL") " FROM articles_fts WHERE articles_fts MATCH :match"
		" AND (:providers IS NULL OR nd_in_set(:provider_ids, articles_fts.rowid))"
		" AND (:exclude IS NULL OR NOT nd_in_set(:excluded_ids, articles_fts.rowid))"
		" AND (:since IS NULL AND :until IS NULL OR nd_in_set(:dated_ids, articles_fts.rowid))",
	/* the share of the span of the archive's dates that the query's
	 * since: and until: cover (0 when they cross), NULL without dates */
	[ST_DATED_SHARE] =
		"SELECT max(julianday(min(coalesce(:until, hi), hi)) - julianday(max(coalesce(:since, lo), lo)), 0)"
		" / max(julianday(hi) - julianday(lo), 1e-9)"
		" FROM (SELECT (SELECT min(published_at) FROM articles) AS lo,"
		" (SELECT max(published_at) FROM articles) AS hi)",
	/* ROW_FILTERS' dates as one range of articles_by_date: every date is
	 * the same ISO form (schema/001_init.sql), after '0' and before 'A' */
	[ST_DATED_ARTICLES] =
		"SELECT id FROM articles INDEXED BY articles_by_date"
		" WHERE published_at >= coalesce(:since, '0') AND published_at < coalesce(:until, 'A')"
		" LIMIT :limit",
	[ST_LIST_PUT] =
		"INSERT OR REPLACE INTO _newsdb_rank_lists (term_id, article, freq, length)"
		" VALUES (?1, ?2, ?3, ?4)",
	[ST_LIST_DELETE] = "DELETE FROM _newsdb_rank_lists WHERE term_id = ?1 AND article = ?2",
	[ST_LIST_CLEAR] = "DELETE FROM _newsdb_rank_lists WHERE term_id = ?1",
	[ST_LIST_READ] =
		"SELECT article, freq, length FROM _newsdb_rank_lists WHERE term_id = ?1"
		" ORDER BY article",
	/* what the transaction took out of the word index, and put in */
	/* id, the indexed columns, whether archived (what a row lost needs no flag) */
	[ST_TERMS_OLD_ROWS] = "SELECT id, title, excerpt, body, 0 FROM temp.newsdb_fts_old ORDER BY id",
	[ST_TERMS_ANY] =
		"SELECT EXISTS (SELECT 1 FROM temp.newsdb_fts_old) OR EXISTS (SELECT 1 FROM temp.newsdb_fts_new)",
	[ST_TERMS_NEW_ROWS] =
		"SELECT id, title, excerpt, body, is_archived FROM main.articles"
		" WHERE id IN (SELECT id FROM temp.newsdb_fts_new) ORDER BY id",
	[ST_TERMS_EVERY_ROW] =
		"SELECT id, title, excerpt, body, is_archived FROM main.articles ORDER BY id",
	[ST_TERMS_COMMON] =
		"SELECT id, term, docs, bound_half, bound, bound_double, listed FROM _newsdb_terms"
		" WHERE docs >= ?1 ORDER BY term",
	/* a common word the table miscounts; one it lost (its count says common) */
	[ST_CHECK_TERMS] =
		"SELECT t.term, coalesce(v.doc, 0), t.docs FROM _newsdb_terms t"
		" LEFT JOIN temp.newsdb_vocab v ON v.term = t.term WHERE v.doc IS NOT t.docs"
		" UNION ALL SELECT v.term, v.doc, 0 FROM temp.newsdb_vocab v WHERE v.doc >= ?1"
		" AND NOT EXISTS (SELECT 1 FROM _newsdb_terms t WHERE t.term = v.term)"
		" AND (SELECT c.docs FROM _newsdb_term_counts c WHERE c.term = v.term) >= ?1",
	[ST_CHECK_STRAY_LISTS] =
		"SELECT count(*) FROM _newsdb_rank_lists l WHERE NOT EXISTS (SELECT 1 FROM _newsdb_terms t"
		" WHERE t.id = l.term_id AND t.bound IS NOT NULL) HAVING count(*) > 0",
	/* the feed's change log */
	[ST_FEED_PUT] =
		"INSERT INTO _newsdb_feed (url, year, seq, changed_at, live)"
		" VALUES (?1, substr(?2, 1, 4), " FEED_NEXT_SEQ ", " FEED_NOW ", 1)"
		" ON CONFLICT (url, year) DO UPDATE SET seq = excluded.seq,"
		" changed_at = excluded.changed_at, live = 1",
	/* a date moved to another year takes the article out of the old one */
	[ST_FEED_LEAVE_YEARS] =
		"UPDATE _newsdb_feed SET live = 0, seq = " FEED_NEXT_SEQ ", changed_at = " FEED_NOW
		" WHERE url = ?1 AND year <> substr(?2, 1, 4) AND live = 1",
	/* a bulk import's log, at its end: one change for each archived
	 * article (none had been in the log: the database was empty) */
	[ST_FEED_BULK] =
		"INSERT INTO _newsdb_feed (url, year, seq, changed_at, live)"
		" SELECT url, coalesce(substr(published_at, 1, 4), ''),"
		" (SELECT coalesce(max(seq), 0) FROM _newsdb_feed) + row_number() OVER (ORDER BY id), "
		FEED_NOW ", 1 FROM articles WHERE is_archived = 1"
		" ON CONFLICT (url, year) DO UPDATE SET seq = excluded.seq,"
		" changed_at = excluded.changed_at, live = 1",
	[ST_FEED_LEFT] =
		"UPDATE _newsdb_feed SET live = 0, seq = " FEED_NEXT_SEQ ", changed_at = " FEED_NOW
		" WHERE live = 1 AND url = (SELECT url FROM articles WHERE id = ?1 AND is_archived = 0)",
	/* one read transaction: the last change number and the rows exported
	 * come from the same snapshot */
	[ST_FEED_BEGIN] = "BEGIN",
	[ST_FEED_LAST] = "SELECT coalesce(max(seq), 0) FROM _newsdb_feed",
	[ST_FEED_END] = "COMMIT",
	/* whether the article is archived now decides index or delete, so an
	 * URL changed many times since is sent once, as it is now.  INDEXED BY:
	 * left to itself the planner walks the whole log in URL order to skip
	 * the sort, and a feed of a few changes would read millions of rows */
	[ST_FEED_BY_URL] =
		"SELECT c.url, '', a.id FROM (SELECT DISTINCT url FROM _newsdb_feed"
		" INDEXED BY _newsdb_feed_by_seq WHERE seq > ?1) c"
		" LEFT JOIN articles a ON a.url = c.url AND a.is_archived = 1 ORDER BY c.url",
	[ST_FEED_BY_YEAR] =
		"SELECT f.url, f.year, a.id FROM _newsdb_feed f INDEXED BY _newsdb_feed_by_seq"
		" LEFT JOIN articles a ON a.url = f.url AND a.is_archived = 1 AND f.live = 1"
		" WHERE f.seq > ?1 ORDER BY f.url, f.year",
	/* judged by other rules: the next import that walks them reads them
	 * again (mtime -1, as ST_SOURCE_MARK_STALE), by sources_by_status */
	[ST_SOURCE_MARK_NOT_OK] =
		"UPDATE sources SET mtime_ns = -1 WHERE status IN ('failed', 'skipped')",
	[ST_INDEX_SQL] = "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND name = ?1",
	[ST_META_DELETE] = "DELETE FROM _newsdb_meta WHERE key = ?1",
	[ST_STORE_EMPTY] =
		"SELECT NOT EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM articles)",
	/* every match of a search, once per topic when :with_topics (in a row,
	 * article_topics read by its key), with what the facets and the
	 * timeline count: provider and date from the narrow index, the type
	 * from the row only when :with_type (store_facets.c) */
	[ST_FACET_MATCH] =
		"SELECT " FACET_COLUMNS " FROM articles_fts"
		" JOIN articles a INDEXED BY articles_search_state ON a.id = articles_fts.rowid"
		FACET_TOPICS " WHERE articles_fts MATCH :match" SEARCH_FILTERS,
	[ST_FACET_FILTER] =
		"SELECT " FACET_COLUMNS " FROM articles a" FACET_TOPICS " WHERE 1" SEARCH_FILTERS,
	[ST_FACET_TOPIC_NAME] = "SELECT name FROM topics WHERE id = ?1",
	/* the facet blocks: the columns of an id range of articles, and their
	 * topics, in the order a block holds them (store_blocks.c) */
	[ST_BLOCK_ROWS] =
		"SELECT a.id, a.provider_id, a.published_at, a.type, " COPY_KEY_OF ","
		" a.is_archived, d.sz"
		" FROM articles a LEFT JOIN providers p ON p.id = a.provider_id"
		" LEFT JOIN articles_fts_docsize d ON d.id = a.id"
		" WHERE a.id BETWEEN ?1 AND ?2 ORDER BY a.id",
	[ST_BLOCK_TOPICS] =
		"SELECT article_id, topic_id FROM article_topics"
		" WHERE article_id BETWEEN ?1 AND ?2 ORDER BY article_id, position",
	[ST_BLOCK_PUT] = "INSERT OR REPLACE INTO _newsdb_blocks (block, data) VALUES (?1, ?2)",
	[ST_BLOCK_DELETE] = "DELETE FROM _newsdb_blocks WHERE block = ?1",
	[ST_BLOCKS_DIRTY] = "SELECT block FROM temp.newsdb_blocks_dirty ORDER BY block",
	[ST_BLOCKS_CLEAR] = "DELETE FROM _newsdb_blocks",
	[ST_BLOCKS_ALL] = "SELECT block, data FROM _newsdb_blocks ORDER BY block",
	[ST_BLOCKS_FROM] = "SELECT block, data FROM _newsdb_blocks WHERE block >= ?1 ORDER BY block",
	[ST_BLOCK_RANKS_PUT] =
		"INSERT OR REPLACE INTO _newsdb_block_ranks (chunk, data) VALUES (?1, ?2)",
	[ST_BLOCK_RANKS_DELETE] = "DELETE FROM _newsdb_block_ranks WHERE chunk = ?1",
	[ST_BLOCK_RANKS_GET] = "SELECT data FROM _newsdb_block_ranks WHERE chunk = ?1",
	[ST_BLOCK_RANKS_CLEAR] = "DELETE FROM _newsdb_block_ranks",
	[ST_BLOCK_RANKS_ALL] = "SELECT chunk, data FROM _newsdb_block_ranks ORDER BY chunk",
	[ST_BLOCK_RANKS_FROM] =
		"SELECT chunk, data FROM _newsdb_block_ranks WHERE chunk >= ?1 ORDER BY chunk",
	/* every match's id, in id order (FTS5's own), for the blocks */
	[ST_BLOCK_IDS_MATCH] =
		"SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match ORDER BY rowid",
	[ST_BLOCK_IDS_MATCH_FILTERED] =
		"SELECT a.id FROM articles_fts"
		" JOIN articles a INDEXED BY articles_search_state ON a.id = articles_fts.rowid"
		" WHERE articles_fts MATCH :match" SEARCH_FILTERS " ORDER BY a.id",
	[ST_BLOCK_IDS_FILTER] = "SELECT a.id FROM articles a WHERE 1" SEARCH_FILTERS " ORDER BY a.id",
	[ST_COPY_KEY_OF] =
		"SELECT " COPY_KEY_OF " FROM articles a LEFT JOIN providers p ON p.id = a.provider_id"
		" WHERE a.id = ?1",
	[ST_SEARCH_PAGE_COPIES] = CHOSEN_PAGE_COPIES PAGE_HITS("page.copies", " ORDER BY page.n"),
	[ST_SEARCH_PAGE_SCAN_COPIES] =
		CHOSEN_PAGE_COPIES PAGE_HITS_SCAN("page.copies", " ORDER BY page.n"),
	[ST_SEARCH_PAGE_TEXT_COPIES] = CHOSEN_PAGE_COPIES PAGE_HITS_TEXT("page.copies"),
};
