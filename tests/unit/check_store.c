/* check_store.c: unit tests of the store: schema, recording files, identity
 * rules across files, search, reading back, pruning. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "frontmatter.h"
#include "store.h"
#include "suites.h"

static char dir[64];
static char db_path[128];
static struct nd_store *store;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/newsdb-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/news.db", dir);
	struct nd_error err;
	ck_assert_int_eq(nd_store_open(&store, db_path, ND_STORE_WRITE, &err), ND_STORE_OK);
}

static void teardown(void)
{
	nd_store_close(store);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Parses YAML front matter text into an article (caller releases). */
static void article_from(const char *text, struct nd_article *a)
{
	struct nd_frontmatter fm;
	struct nd_error err;
	ck_assert_int_eq(nd_frontmatter_parse(text, strlen(text), &fm, &err), ND_FM_OK);
	ck_assert_int_eq(nd_article_from_frontmatter(a, &fm, &err), 0);
	nd_frontmatter_release(&fm);
}

static struct nd_put_outcome put(const char *path, int64_t mtime, const char *text)
{
	struct nd_article a;
	article_from(text, &a);
	struct nd_file_result f = {
		.path = path, .size = strlen(text), .mtime_ns = mtime, .hash = "00",
		.status = ND_FILE_OK, .article = &a,
	};
	struct nd_put_outcome out;
	struct nd_error err;
	ck_assert_int_eq(nd_store_put_file(store, &f, &out, &err), ND_STORE_OK);
	nd_article_release(&a);
	return out;
}

static int ignore_hit(const struct nd_hit *hit, void *ctx)
{
	(void)hit;
	(void)ctx;
	return 0;
}

static int64_t count_hits(const char *query_text)
{
	struct nd_query q;
	struct nd_error err;
	struct nd_stemmer stemmer = { nd_store_short_stems, store };
	ck_assert_int_eq(nd_query_parse(query_text, false, &stemmer, &q, &err), 0);
	struct nd_search_opts o = { .query = &q, .limit = 100 };
	int64_t n = nd_store_search(store, &o, ignore_hit, NULL, &err);
	nd_query_release(&q);
	return n;
}

static const char *const ARTICLE_A =
	"---\n"
	"title: \"SenseTime raises $700M\"\n"
	"webUrl: \"HTTPS://Example.com/a?utm_source=x\"\n"
	"publishedDateTime: 2021-12-30T08:22:00+08:00\n"
	"provider:\n  name: Example\n  domain: www.Example.com\n"
	"topics: [AI, ai, Markets]\n"
	"related:\n"
	"  - title: Linked story\n    webUrl: https://other.org/b\n"
	"    provider: {name: Other, domain: other.org}\n"
	"---\n";

START_TEST(test_store_schema_version_and_reopen)
{
	struct nd_stats st;
	struct nd_error err;
	ck_assert_int_eq(nd_store_stats(store, &st, &err), ND_STORE_OK);
	ck_assert_int_eq(st.articles, 0);
	nd_store_close(store);
	/* a reader opens what the writer made; a second writer migrates nothing */
	ck_assert_int_eq(nd_store_open(&store, db_path, ND_STORE_READ, &err), ND_STORE_OK);
	nd_store_close(store);
	ck_assert_int_eq(nd_store_open(&store, db_path, ND_STORE_WRITE, &err), ND_STORE_OK);
}
END_TEST

START_TEST(test_store_read_mode_never_creates)
{
	struct nd_store *s = NULL;
	struct nd_error err;
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/none.db", dir);
	ck_assert_int_eq(nd_store_open(&s, missing, ND_STORE_READ, &err), ND_STORE_NOT_FOUND);
	ck_assert_ptr_null(s);
	ck_assert_int_ne(access(missing, F_OK), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "newsdb import"));
}
END_TEST

START_TEST(test_store_put_file_identity_rules)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	struct nd_put_outcome out = put("/x/a.txt", 1, ARTICLE_A);
	ck_assert(out.added);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	struct nd_stats st;
	ck_assert_int_eq(nd_store_stats(store, &st, &err), ND_STORE_OK);
	ck_assert_int_eq(st.articles, 2);    /* the file's and the linked one */
	ck_assert_int_eq(st.archived, 1);
	ck_assert_int_eq(st.topics, 2);      /* AI and ai are one topic */
	ck_assert_int_eq(st.providers, 2);
	ck_assert_int_eq(st.related_links, 1);
	ck_assert_str_eq(st.first_date, "2021-12-30T00:22:00Z");

	int64_t id;
	ck_assert_int_eq(nd_store_article_find(store, "https://example.com/a#frag", &id, &err),
			 ND_STORE_OK);
	struct nd_article a;
	ck_assert_int_eq(nd_store_article_load(store, id, &a, &err), ND_STORE_OK);
	ck_assert_str_eq(a.url, "https://example.com/a");
	ck_assert_str_eq(a.provider->domain, "example.com");
	ck_assert_int_eq(a.n_topics, 2);
	ck_assert_str_eq(a.topics[0], "AI");
	ck_assert_int_eq(a.n_related, 1);
	ck_assert_str_eq(a.related[0].title, "Linked story");
	ck_assert_str_eq(a.related[0].provider->name, "Other");
	nd_article_release(&a);
}
END_TEST

START_TEST(test_store_file_beats_link)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put("/x/a.txt", 1, ARTICLE_A);
	/* the linked article's own file arrives: its data wins over the link's */
	put("/x/b.txt", 1, "---\ntitle: The real title\nwebUrl: https://other.org/b\n---\n");
	/* a later link must not overwrite what the file said */
	put("/x/c.txt", 1,
	    "---\ntitle: C\nwebUrl: https://c.org/\nrelated:\n"
	    "  - {title: Stale link title, webUrl: https://other.org/b}\n---\n");
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	int64_t id;
	ck_assert_int_eq(nd_store_article_find(store, "https://other.org/b", &id, &err), ND_STORE_OK);
	struct nd_article a;
	ck_assert_int_eq(nd_store_article_load(store, id, &a, &err), ND_STORE_OK);
	ck_assert_str_eq(a.title, "The real title");
	nd_article_release(&a);
	struct nd_stats st;
	ck_assert_int_eq(nd_store_stats(store, &st, &err), ND_STORE_OK);
	ck_assert_int_eq(st.articles, 3);
	ck_assert_int_eq(st.archived, 3);
}
END_TEST

/* One integer from SQL over the file, through a connection of its own. */
static int64_t sql_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* What the importing connection remembers of ids (store_ids.h) must not
 * outlive another connection's commit: here one renumbers a topic and
 * writes an article the import's URL filter never saw. */
START_TEST(test_store_ids_follow_other_connections)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_bulk_begin(store, &err), ND_STORE_OK);
	put("/x/a.txt", 1, ARTICLE_A);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
				      "UPDATE article_topics SET topic_id = 500 WHERE topic_id ="
				      " (SELECT id FROM topics WHERE name_key = 'ai');"
				      "UPDATE topics SET id = 500 WHERE name_key = 'ai';"
				      "INSERT INTO articles (url, title) VALUES ('https://b.org/', 'From elsewhere');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	int64_t b = sql_int("SELECT id FROM articles WHERE url = 'https://b.org/'");
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put("/x/b.txt", 2, "---\ntitle: B\nwebUrl: https://b.org/\ntopics: [AI]\n"
	    "provider: {name: Example, domain: example.com}\n---\n");
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM articles WHERE url = 'https://b.org/'"
				 " AND title = 'B' AND is_archived = 1"), 1);
	ck_assert_int_eq(sql_int("SELECT id FROM articles WHERE url = 'https://b.org/'"), b);
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT topic_id FROM article_topics WHERE article_id = %lld",
		 (long long)b);
	ck_assert_int_eq(sql_int(sql), 500);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM topics WHERE name_key = 'ai'"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM providers WHERE domain = 'example.com'"), 1);
}
END_TEST

START_TEST(test_store_same_url_newer_file_wins)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put("/x/new.txt", 200, "---\ntitle: Newer\nwebUrl: https://d.org/\n---\n");
	struct nd_put_outcome out = put("/x/old.txt", 100, "---\ntitle: Older\nwebUrl: https://d.org/\n---\n");
	ck_assert(out.kept_older);
	ck_assert_str_eq(out.other_path, "/x/new.txt");
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	int64_t id;
	ck_assert_int_eq(nd_store_article_find(store, "/x/old.txt", &id, &err), ND_STORE_OK);
	struct nd_article a;
	ck_assert_int_eq(nd_store_article_load(store, id, &a, &err), ND_STORE_OK);
	ck_assert_str_eq(a.title, "Newer");
	nd_article_release(&a);
}
END_TEST

START_TEST(test_store_failed_file_keeps_earlier_data)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put("/x/a.txt", 1, ARTICLE_A);
	struct nd_file_result f = {
		.path = "/x/a.txt", .size = 3, .mtime_ns = 2, .status = ND_FILE_FAILED,
		.message = "1:1: broken",
	};
	struct nd_put_outcome out;
	ck_assert_int_eq(nd_store_put_file(store, &f, &out, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	struct nd_source_state st;
	ck_assert_int_eq(nd_store_source_get(store, "/x/a.txt", &st, &err), ND_STORE_OK);
	ck_assert(st.found && st.failed);
	int64_t id;
	ck_assert_int_eq(nd_store_article_find(store, "/x/a.txt", &id, &err), ND_STORE_OK);
	ck_assert_int_eq(count_hits("SenseTime"), 1);
}
END_TEST

/* A file that gave no article: failed, or skipped with `status` SKIPPED. */
static void put_no_article(const char *path, int64_t mtime, int status)
{
	struct nd_file_result f = {
		.path = path, .size = 7, .mtime_ns = mtime, .status = status,
		.message = status == ND_FILE_FAILED ? "1:1: broken" : "no front matter",
	};
	struct nd_put_outcome out;
	struct nd_error err;
	ck_assert_int_eq(nd_store_put_file(store, &f, &out, &err), ND_STORE_OK);
}

static void put_failed(const char *path, int64_t mtime)
{
	put_no_article(path, mtime, ND_FILE_FAILED);
}

/* mtime of the path's sources row as nd_store_source_get sees it, -1 if none */
static int64_t seen_mtime(const char *path)
{
	struct nd_source_state st;
	struct nd_error err;
	ck_assert_int_eq(nd_store_source_get(store, path, &st, &err), ND_STORE_OK);
	return st.found ? st.mtime_ns : -1;
}

/* Another rules version marks exactly the failed and skipped sources to be
 * read again and records itself, in the caller's transaction: a rollback
 * loses both, the same version marks nothing. */
START_TEST(test_store_rules_version_marks_failed_and_skipped)
{
	struct nd_error err;
	int64_t marked;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_rules_update(store, 1, &marked, &err), ND_STORE_OK);
	ck_assert_int_eq(marked, 0); /* a new database: nothing judged yet */
	put("/r/ok.txt", 5, ARTICLE_A);
	put_failed("/r/bad.txt", 6);
	put_no_article("/r/skip.txt", 7, ND_FILE_SKIPPED);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);

	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_rules_update(store, 1, &marked, &err), ND_STORE_OK);
	ck_assert_int_eq(marked, -1);
	ck_assert_int_eq(seen_mtime("/r/bad.txt"), 6);
	ck_assert_int_eq(nd_store_rules_update(store, 2, &marked, &err), ND_STORE_OK);
	ck_assert_int_eq(marked, 2);
	ck_assert_int_eq(seen_mtime("/r/ok.txt"), 5);
	ck_assert_int_eq(seen_mtime("/r/bad.txt"), -1);
	ck_assert_int_eq(seen_mtime("/r/skip.txt"), -1);
	nd_store_rollback(store);

	/* rolled back: the old version and mtimes are back, so it marks again */
	ck_assert_int_eq(seen_mtime("/r/bad.txt"), 6);
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_rules_update(store, 2, &marked, &err), ND_STORE_OK);
	ck_assert_int_eq(marked, 2);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_rules_update(store, 2, &marked, &err), ND_STORE_OK);
	ck_assert_int_eq(marked, -1);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
}
END_TEST

/* Looked up a folder at a time (store_sources.c): the same answers as one
 * look-up per file, for neighbours that sort around a folder's range, for
 * subfolders, for a folder too large to cache, and after writes. */
START_TEST(test_store_source_get_by_folder)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put_failed("/d/a.txt", 1);
	put_failed("/d/b.txt", 2);
	put_failed("/d/sub/c.txt", 3);
	put_failed("/d0/x.txt", 4);
	put_failed("/d-x/y.txt", 5);
	put_failed("/d.x", 6);
	put_failed("top.txt", 7);
	char path[64];
	for (int k = 0; k < 5000; k++) {
		snprintf(path, sizeof(path), "/e/big/f%04d.txt", k);
		put_failed(path, 100 + k);
	}
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);

	ck_assert_int_eq(seen_mtime("/d/a.txt"), 1);
	ck_assert_int_eq(seen_mtime("/d/nope.txt"), -1);
	ck_assert_int_eq(seen_mtime("/d/b.txt"), 2);
	ck_assert_int_eq(seen_mtime("/d/sub/c.txt"), 3);
	ck_assert_int_eq(seen_mtime("/d/sub"), -1);
	ck_assert_int_eq(seen_mtime("/d/b.txt"), 2);
	ck_assert_int_eq(seen_mtime("/d0/x.txt"), 4);
	ck_assert_int_eq(seen_mtime("/d-x/y.txt"), 5);
	ck_assert_int_eq(seen_mtime("/d.x"), 6);
	ck_assert_int_eq(seen_mtime("top.txt"), 7);
	ck_assert_int_eq(seen_mtime("/e/big/f0000.txt"), 100);
	ck_assert_int_eq(seen_mtime("/e/big/f4999.txt"), 5099);
	ck_assert_int_eq(seen_mtime("/e/big/f5000.txt"), -1);
	/* back to the large folder after another: looked up per file still */
	ck_assert_int_eq(seen_mtime("/d/a.txt"), 1);
	ck_assert_int_eq(seen_mtime("/e/big/f0001.txt"), 101);
	ck_assert_int_eq(seen_mtime("/e/big/none"), -1);
	struct nd_source_state st;
	ck_assert_int_eq(nd_store_source_get(store, "/d/a.txt", &st, &err), ND_STORE_OK);
	ck_assert(st.found && st.failed && st.size == 7);

	/* a write after the folder was read is seen */
	ck_assert_int_eq(seen_mtime("/d/a.txt"), 1);
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put_failed("/d/b.txt", 9);
	put_failed("/d/new.txt", 10);
	ck_assert_int_eq(seen_mtime("/d/b.txt"), 9);
	ck_assert_int_eq(seen_mtime("/d/new.txt"), 10);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	ck_assert_int_eq(seen_mtime("/d/b.txt"), 9);
}
END_TEST

static int count_reread(const char *path, void *ctx)
{
	(void)path;
	(*(int *)ctx)++;
	return 0;
}

static int save_path(const char *path, void *ctx)
{
	snprintf(ctx, 160, "%s", path);
	return 0;
}

START_TEST(test_store_prune_forgets_vanished_files)
{
	struct nd_error err;
	int rereads = 0;
	char path[160];
	snprintf(path, sizeof(path), "%s/gone.txt", dir);
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put(path, 1, ARTICLE_A);
	struct nd_prune_counts n;
	ck_assert_int_eq(nd_store_prune(store, &n, count_reread, &rereads, &err), ND_STORE_OK);
	ck_assert_int_eq(rereads, 0);
	ck_assert_int_eq(n.sources, 1);
	/* the article and the one only it linked to */
	ck_assert_int_eq(n.articles, 2);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	struct nd_stats st;
	ck_assert_int_eq(nd_store_stats(store, &st, &err), ND_STORE_OK);
	ck_assert_int_eq(st.articles + st.providers + st.topics + st.sources, 0);
	ck_assert_int_eq(count_hits("SenseTime"), 0);
}
END_TEST

/* The newer of two files of one article vanishes: the article still has its
 * values, so the older file is named and marked to be read again. */
START_TEST(test_store_prune_names_the_file_to_read_again)
{
	struct nd_error err;
	char gone[160], kept[160], named[160] = "";
	snprintf(gone, sizeof(gone), "%s/gone.txt", dir);
	snprintf(kept, sizeof(kept), "%s/kept.txt", dir);
	FILE *f = fopen(kept, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put(kept, 1, ARTICLE_A);
	put(gone, 2, ARTICLE_A);
	struct nd_prune_counts n;
	ck_assert_int_eq(nd_store_prune(store, &n, save_path, named, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	ck_assert_int_eq(n.sources, 1);
	ck_assert_int_eq(n.articles, 0);
	ck_assert_str_eq(named, kept);
	struct nd_source_state st;
	ck_assert_int_eq(nd_store_source_get(store, kept, &st, &err), ND_STORE_OK);
	ck_assert(st.found);
	ck_assert_int_eq(st.mtime_ns, -1);
}
END_TEST

START_TEST(test_store_search_filters)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put("/x/a.txt", 1, ARTICLE_A);
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	ck_assert_int_eq(count_hits("sensetime"), 1);
	ck_assert_int_eq(count_hits("sensetime provider:example.com"), 1);
	ck_assert_int_eq(count_hits("sensetime provider:other.org"), 0);
	ck_assert_int_eq(count_hits("sensetime topic:markets"), 1);
	ck_assert_int_eq(count_hits("sensetime since:2022"), 0);
	ck_assert_int_eq(count_hits("sensetime until:2021-12-30"), 1);
	ck_assert_int_eq(count_hits("raise*"), 1);
	ck_assert_int_eq(count_hits("sensetime -raises"), 0);
	ck_assert_int_eq(count_hits("linked"), 1);
}
END_TEST

/* The index holds "automation" as "autom": a prefix longer than that stem
 * still finds it, alone, beside other words, in OR, in the title and
 * excluded; and a stem is not taken for a word of its own. */
START_TEST(test_store_prefix_reaches_shorter_stems)
{
	struct nd_error err;
	ck_assert_int_eq(nd_store_begin(store, &err), ND_STORE_OK);
	put("/x/a.txt", 1, ARTICLE_A);
	put("/x/b.txt", 1,
	    "---\ntitle: Automation for everyone\nwebUrl: https://example.com/auto\n---\n");
	put("/x/c.txt", 1, "---\ntitle: Autumn leaves\nwebUrl: https://example.com/autumn\n---\n");
	ck_assert_int_eq(nd_store_commit(store, &err), ND_STORE_OK);
	ck_assert_int_eq(count_hits("automat*"), 1);
	ck_assert_int_eq(count_hits("AUTOMATI*"), 1);
	ck_assert_int_eq(count_hits("automat* everyone"), 1);
	ck_assert_int_eq(count_hits("automat* sensetime"), 0);
	ck_assert_int_eq(count_hits("sensetime OR automat*"), 2);
	ck_assert_int_eq(count_hits("title:automat*"), 1);
	ck_assert_int_eq(count_hits("leaves OR everyone -automat*"), 1);
	ck_assert_int_eq(count_hits("autumn*"), 1);
	char *stems[ND_QUERY_MAX_STEMS];
	size_t n = nd_store_short_stems(store, "Automat", stems, ND_QUERY_MAX_STEMS);
	ck_assert_uint_ge(n, 1);
	bool autom = false;
	for (size_t k = 0; k < n; k++) {
		ck_assert_uint_ge(strlen(stems[k]), 3);
		ck_assert_uint_lt(strlen(stems[k]), strlen("automat"));
		ck_assert(!strncmp(stems[k], "automat", strlen(stems[k])));
		autom |= !strcmp(stems[k], "autom");
		free(stems[k]);
	}
	ck_assert(autom);
	/* two words: no single stem */
	ck_assert_uint_eq(nd_store_short_stems(store, "automat ion", stems, ND_QUERY_MAX_STEMS), 0);
}
END_TEST

/* ---- the feed's change log ---- */

static const char *feed_article(const char *url, const char *date)
{
	static char text[512];
	snprintf(text, sizeof(text), "---\ntitle: Feed\nwebUrl: \"%s\"\n%s%s%s---\nBody\n", url,
		 date ? "publishedDateTime: " : "", date ? date : "", date ? "\n" : "");
	return text;
}

struct feed_seen {
	int n;
	char what[8][96]; /* "url year index|delete" */
};

static int note_change(const char *url, const char *year, int64_t id, void *ctx)
{
	struct feed_seen *seen = ctx;
	ck_assert_int_lt(seen->n, 8);
	snprintf(seen->what[seen->n++], sizeof(seen->what[0]), "%s %s %s", url, year,
		 id ? "index" : "delete");
	return 0;
}

/* The changes after `since` ("url year kind" each, in order) and the
 * number of the last change. */
static struct feed_seen changes_since(int64_t since, bool by_year, int64_t *last)
{
	struct feed_seen seen = { 0 };
	struct nd_error err;
	ck_assert_int_eq(nd_store_feed_begin(store, last, &err), ND_STORE_OK);
	ck_assert_int_eq(nd_store_feed_changes(store, since, by_year, note_change, &seen, &err),
			 ND_STORE_OK);
	nd_store_feed_end(store);
	return seen;
}

START_TEST(test_store_feed_log)
{
	int64_t last0, last1, last2, last3;
	ck_assert_int_eq(changes_since(0, false, &last0).n, 0);
	ck_assert_int_eq(last0, 0);
	put("/a.txt", 1, feed_article("https://feed.test/a", "2021-05-01T00:00:00Z"));
	put("/b.txt", 1, feed_article("https://feed.test/b", NULL));
	struct feed_seen seen = changes_since(0, true, &last1);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.what[0], "https://feed.test/a 2021 index");
	ck_assert_str_eq(seen.what[1], "https://feed.test/b  index");
	ck_assert_int_gt(last1, last0);

	/* a.txt now gives another URL in another year; an older copy of b
	 * changes nothing (the newer file wins) */
	put("/a.txt", 2, feed_article("https://feed.test/c", "2022-05-01T00:00:00Z"));
	struct nd_put_outcome out = put("/b-old.txt", 0, feed_article("https://feed.test/b", NULL));
	ck_assert(out.kept_older);
	seen = changes_since(last1, true, &last2);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.what[0], "https://feed.test/a 2021 delete");
	ck_assert_str_eq(seen.what[1], "https://feed.test/c 2022 index");
	ck_assert_int_gt(last2, last1);
	ck_assert_int_eq(changes_since(last2, false, &last3).n, 0);
	ck_assert_int_eq(last3, last2);

	/* c's date moves a year: by year it leaves 2022, by URL it is one change */
	put("/a.txt", 3, feed_article("https://feed.test/c", "2023-01-01T00:00:00Z"));
	seen = changes_since(last2, true, &last3);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.what[0], "https://feed.test/c 2022 delete");
	ck_assert_str_eq(seen.what[1], "https://feed.test/c 2023 index");
	seen = changes_since(last2, false, &last3);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.what[0], "https://feed.test/c  index");
}
END_TEST

Suite *make_store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_schema_version_and_reopen);
	tcase_add_test(tc, test_store_read_mode_never_creates);
	tcase_add_test(tc, test_store_put_file_identity_rules);
	tcase_add_test(tc, test_store_file_beats_link);
	tcase_add_test(tc, test_store_same_url_newer_file_wins);
	tcase_add_test(tc, test_store_failed_file_keeps_earlier_data);
	tcase_add_test(tc, test_store_prune_forgets_vanished_files);
	tcase_add_test(tc, test_store_prune_names_the_file_to_read_again);
	tcase_add_test(tc, test_store_search_filters);
	tcase_add_test(tc, test_store_prefix_reaches_shorter_stems);
	tcase_add_test(tc, test_store_source_get_by_folder);
	tcase_add_test(tc, test_store_feed_log);
	tcase_add_test(tc, test_store_ids_follow_other_connections);
	tcase_add_test(tc, test_store_rules_version_marks_failed_and_skipped);
	suite_add_tcase(s, tc);
	return s;
}
