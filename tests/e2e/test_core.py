"""Core import and search, end to end, on the real corpus and the seed."""
import os

import subprocess

from e2e import (BIN, CORPUS, SEEDS, NewsdbTest, canonical_url, front_matter_value, main)


class CorpusImport(NewsdbTest):
    def corpus_urls(self):
        urls = set()
        for name in sorted(os.listdir(CORPUS)):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                text = f.read().split("\n---", 1)[0]
            url = front_matter_value(text, "webUrl") or front_matter_value(text, "originalUrl")
            self.assertIsNotNone(url, name)
            urls.add(canonical_url(url))
        return urls

    def test_corpus_imports_cleanly_and_idempotently(self):
        r = self.ok("import", CORPUS)
        n_files = len(os.listdir(CORPUS))
        self.assertEqual(n_files, 674)
        self.assertEqual(self.one("SELECT count(*) FROM sources"), n_files)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE status = 'failed'"), 0)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE status = 'ok'"), n_files)
        self.assertRegex(r.err, r"674 files: \d+ added, 0 updated, 0 unchanged, 0 skipped, 0 failed")

        # one archived article per distinct canonical URL
        urls = self.corpus_urls()
        self.assertLess(len(urls), n_files, "the corpus has the same URL in several files")
        self.assertEqual(self.one("SELECT count(*) FROM articles WHERE is_archived = 1"), len(urls))
        stored = {u for (u,) in self.sql("SELECT url FROM articles WHERE is_archived = 1")}
        self.assertEqual(stored, urls)
        # duplicated URLs are reported, naming both files
        self.assertIn("same URL as", r.err)

        # no provider duplicated by case or www.
        self.assertEqual(self.sql(
            "SELECT domain, lower(name) FROM providers GROUP BY 1, 2 HAVING count(*) > 1"), [])
        self.assertEqual(self.sql("SELECT domain FROM providers WHERE domain LIKE 'www.%'"
                                  " OR domain <> lower(domain)"), [])
        # every edge and reference points at a row
        self.assertEqual(self.sql("PRAGMA foreign_key_check"), [])
        self.assertEqual(self.one("PRAGMA integrity_check"), "ok")

        before = self.counts()
        r2 = self.ok("import", CORPUS)
        self.assertIn("674 files: 0 added, 0 updated, 674 unchanged", r2.err)
        self.assertEqual(self.counts(), before)

    def test_corpus_values_are_typed(self):
        self.ok("import", CORPUS)
        # numbers are numbers and dates are ISO-8601 UTC, never text
        self.assertEqual(self.sql("SELECT DISTINCT typeof(quality) FROM articles WHERE is_archived"),
                         [("integer",)])
        self.assertEqual(self.one("SELECT count(*) FROM articles WHERE is_archived AND "
                                  "published_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"), 0)
        self.assertEqual(self.sql("SELECT DISTINCT is_published FROM articles WHERE is_archived"
                                  " ORDER BY 1"), [(0,), (1,)])
        # `secured` is not modelled, so it is kept verbatim in extra
        n_secured = self.one("SELECT count(*) FROM articles WHERE json_extract(extra, '$.secured')"
                             " IS NOT NULL")
        self.assertEqual(n_secured, self.one("SELECT count(*) FROM articles WHERE is_archived"))
        # videos with only originalUrl are identified by it
        video = self.one("SELECT count(*) FROM articles WHERE web_url IS NULL AND"
                         " original_url IS NOT NULL AND is_archived")
        self.assertGreater(video, 0)
        # provider logos are kept
        self.assertGreater(self.one("SELECT count(*) FROM provider_images"), 0)

    def test_fts_is_found_by_datasette_and_sqlite_utils(self):
        self.ok("import", SEEDS)
        self.assertEqual(self.sql(
            "SELECT name FROM sqlite_master WHERE sql LIKE "
            "'%VIRTUAL TABLE%USING FTS%content=\"articles\"%'"), [("articles_fts",)])
        self.assertEqual(self.one("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'sensetime'"),
                         self.one("SELECT count(*) FROM articles WHERE title LIKE '%SenseTime%'"
                                  " OR excerpt LIKE '%SenseTime%'"))
        self.assertEqual(self.one("PRAGMA user_version"), 9)


class SeedSearch(NewsdbTest):
    def setUp(self):
        super().setUp()
        self.ok("import", SEEDS, CORPUS)

    def test_sensetime_ipo_is_first(self):
        r = self.ok("search", "SenseTime IPO", "--format", "json")
        hits = r.json()
        self.assertGreaterEqual(len(hits), 1)
        self.assertEqual(hits[0]["url"], "https://siliconangle.com/2021/12/29/chinas-largest-ai-firm-sensetime-raises-700m-hong-kong-ipo/")
        self.assertEqual(hits[0]["provider"], "SiliconANGLE")
        self.assertEqual(hits[0]["published_at"], "2021-12-30T00:22:00Z")
        text = self.ok("search", "SenseTime IPO")
        self.assertIn("China’s largest AI firm SenseTime", text.out.splitlines()[0])

    def test_related_items_are_articles_with_providers_and_images(self):
        seed_id = self.one("SELECT id FROM articles WHERE url LIKE 'https://siliconangle.com/%sensetime%'")
        rows = self.sql(
            "SELECT r.position, b.url, p.name, p.domain, b.is_archived,"
            " (SELECT count(*) FROM article_images ai WHERE ai.article_id = b.id)"
            " FROM related_links r JOIN articles b ON b.id = r.related_article_id"
            " JOIN providers p ON p.id = b.provider_id WHERE r.article_id = ? ORDER BY r.position",
            (seed_id,))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0][1:5], ("https://finance.yahoo.com/news/chinese-professor-lands-3-4-170000404.html",
                                        "Bloomberg", "bloomberg.com", 0))
        self.assertEqual(rows[1][1:5], ("https://www.wsj.com/articles/chinese-ai-giant-sensetimes-ipo-comes-at-a-bad-time-11640760363",
                                        "Wall Street Journal", "wsj.com", 0))
        self.assertEqual([r[5] for r in rows], [1, 1])
        # the related articles are searchable by their own text
        hits = self.ok("search", "Tang Xiao’ou", "--format", "json").json()
        self.assertEqual(hits[0]["provider"], "Bloomberg")

    def test_hard_queries_never_error(self):
        for q in ["COVID-19", "AT&T", "O'Brien", "U.S.", "c++", "AND", '"', "OR", "NOT",
                  "(", "*", "-", "title:", "a:b", "NEAR(", "'", "\\", "^x"]:
            r = self.run_newsdb("search", q)
            self.assertIn(r.code, (0, 1, 2), f"{q!r}: {r}")
            self.assertNotIn("syntax error", r.err, q)
            self.assertNotIn("fts5", r.err.lower(), q)

    def test_no_match_exits_1(self):
        r = self.run_newsdb("search", "zzzqqqxxx")
        self.assertEqual(r.code, 1, r)
        self.assertEqual(r.out, "")

    def test_limit_and_json(self):
        hits = self.ok("search", "power", "apps", "--limit", "3", "--format", "json").json()
        self.assertEqual(len(hits), 3)
        for h in hits:
            self.assertEqual(set(h), {"id", "published_at", "provider", "domain", "title", "url",
                                      "snippet", "rank"})
            self.assertRegex(h["snippet"].lower() + h["title"].lower(), r"power")
        ranks = [h["rank"] for h in hits]
        self.assertEqual(ranks, sorted(ranks))


class CommandLine(NewsdbTest):
    def test_help_for_program_and_commands(self):
        r = self.ok("--help")
        for cmd in ["import", "search"]:
            self.assertIn(cmd, r.out)
            rc = self.ok(cmd, "--help")
            self.assertIn(f"usage: newsdb {cmd}", rc.out)
        self.assertRegex(self.ok("--version").out, r"^newsdb \d+\.\d+\.\d+\n$")

    def test_usage_errors_exit_2(self):
        self.assertEqual(self.run_newsdb("frobnicate").code, 2)
        self.assertEqual(self.run_newsdb("import").code, 2)
        self.assertEqual(self.run_newsdb("search").code, 2)
        self.assertEqual(self.run_newsdb("search", "x", "--format", "xml").code, 2)
        self.assertEqual(self.run_newsdb("search", "x", "--limit", "many").code, 2)
        r = self.run_newsdb("search", "x", "since:someday")
        self.assertEqual(r.code, 2, r)

    def test_search_without_database_says_what_to_do(self):
        r = self.run_newsdb("search", "x")
        self.assertEqual(r.code, 1)
        self.assertIn("newsdb import", r.err)
        self.assertFalse(os.path.exists(self.db), "search must not create a database")

    def test_db_from_environment_and_default(self):
        env_db = os.path.join(self.dir, "env.db")
        r = self.run_newsdb("import", SEEDS, env={"NEWSDB_DB": env_db}, db=env_db)
        self.assertEqual(r.code, 0, r)
        # without --db, $NEWSDB_DB is used
        env = dict(os.environ, NEWSDB_DB=env_db, NO_COLOR="1")
        p = subprocess.run([BIN, "search", "SenseTime"], cwd=self.dir, env=env,
                           capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        # without either, ./news.db in the current folder
        env.pop("NEWSDB_DB")
        p = subprocess.run([BIN, "import", SEEDS], cwd=self.dir, env=env,
                           capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "news.db")))


if __name__ == "__main__":
    main()
