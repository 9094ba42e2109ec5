"""`newsdb export`, end to end: a folder of front-matter files that imports
back into the same database, NDJSON that says what the tables say, and a
folder that is never written over by surprise."""
import json
import os

from e2e import CORPUS, DATA, SEEDS, NewsdbTest, main

# Each table by natural keys (URLs, domains, name keys), never by ids,
# which depend on the order of imports.  Rows nothing refers to any more (an
# image of a file that a newer copy of the same article replaced, say) are
# not content an export can carry: the store keeps them, so they are left out
# here and counted by ORPHANS.
ARTICLE_COLUMNS = ("web_url, original_url, amp_url, cdn_amp_url, title, excerpt, body,"
                   " category, type, published_at, quality, heat, is_published,"
                   " featured_content, is_archived")
LIVE_ARTICLE = "(a.is_archived OR a.id IN (SELECT related_article_id FROM related_links))"
LIVE_PROVIDER = f"p.id IN (SELECT provider_id FROM articles a WHERE {LIVE_ARTICLE})"
LIVE_TOPIC = "t.id IN (SELECT topic_id FROM article_topics)"
LIVE_IMAGE = ("i.id IN (SELECT image_id FROM article_images UNION"
              " SELECT image_id FROM provider_images)")
TABLES = {
    "articles": f"""
        SELECT a.url, {ARTICLE_COLUMNS}, typeof(a.quality), typeof(a.heat),
               p.domain, p.name_key, a.extra
        FROM articles a LEFT JOIN providers p ON p.id = a.provider_id WHERE {LIVE_ARTICLE}""",
    "providers": f"SELECT domain, name_key, name FROM providers p WHERE {LIVE_PROVIDER}",
    "topics": f"SELECT name_key, name FROM topics t WHERE {LIVE_TOPIC}",
    "images": f"SELECT url, width, height, is_cached FROM images i WHERE {LIVE_IMAGE}",
    "article_topics": f"""
        SELECT a.url, o.position, t.name_key FROM article_topics o
        JOIN articles a ON a.id = o.article_id JOIN topics t ON t.id = o.topic_id
        WHERE {LIVE_ARTICLE}""",
    "article_images": f"""
        SELECT a.url, o.position, i.url FROM article_images o
        JOIN articles a ON a.id = o.article_id JOIN images i ON i.id = o.image_id
        WHERE {LIVE_ARTICLE}""",
    "provider_images": f"""
        SELECT p.domain, p.name_key, o.position, i.url FROM provider_images o
        JOIN providers p ON p.id = o.provider_id JOIN images i ON i.id = o.image_id
        WHERE {LIVE_PROVIDER}""",
    "related_links": """
        SELECT a.url, o.position, b.url FROM related_links o
        JOIN articles a ON a.id = o.article_id JOIN articles b ON b.id = o.related_article_id""",
}
ORPHANS = f"""
    SELECT (SELECT count(*) FROM articles a WHERE NOT {LIVE_ARTICLE})
         + (SELECT count(*) FROM providers p WHERE NOT {LIVE_PROVIDER})
         + (SELECT count(*) FROM topics t WHERE NOT {LIVE_TOPIC})
         + (SELECT count(*) FROM images i WHERE NOT {LIVE_IMAGE})"""


def read_tree(root):
    """{relative path: bytes} of every file under root."""
    files = {}
    for base, _, names in os.walk(root):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = f.read()
    return files


class ExportRoundTrip(NewsdbTest):
    def content(self, db):
        """Every table as a sorted list of rows; extra parsed as JSON."""
        out = {}
        for table, query in TABLES.items():
            rows = self.sql(query, db=db)
            if table == "articles":
                rows = [r[:-1] + (json.loads(r[-1]) if r[-1] is not None else None,)
                        for r in rows]
            out[table] = sorted(rows, key=repr)
        return out

    def assert_same_content(self, db_a, db_b):
        a, b = self.content(db_a), self.content(db_b)
        for table in TABLES:
            self.assertEqual(len(a[table]), len(b[table]), table)
            # row by row, so a failure names the differing row
            for row_a, row_b in zip(a[table], b[table]):
                self.assertEqual(row_a, row_b, table)

    def round_trip(self, *sources):
        db_a = os.path.join(self.dir, "a.db")
        db_b = os.path.join(self.dir, "b.db")
        out = os.path.join(self.dir, "export")
        self.ok("import", "--quiet", *sources, db=db_a)
        r = self.ok("export", "--format", "files", out, db=db_a)
        n_archived = self.one("SELECT count(*) FROM articles WHERE is_archived", db=db_a)
        self.assertIn(f"exported {n_archived} articles", r.err)
        files = read_tree(out)
        self.assertEqual(len(files), n_archived)
        for name, text in files.items():
            self.assertRegex(name, r"^(\d{4}/\d{2}|undated)/\d+(-[a-z0-9-]{1,60})?\.md$")
            self.assertTrue(text.startswith(b"---\n"), name)

        r = self.ok("import", out, db=db_b)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE status <> 'ok'", db=db_b), 0,
                         r.err)
        self.assertEqual(self.one("SELECT count(*) FROM sources", db=db_b), n_archived)
        self.assert_same_content(db_a, db_b)
        self.assertEqual(self.one(ORPHANS, db=db_b), 0)

        # a fixed point: B exports the very same files (ids aside)
        out_b = os.path.join(self.dir, "export-b")
        self.ok("export", "--format", "files", out_b, db=db_b)
        self.assertEqual(sorted(files.values()), sorted(read_tree(out_b).values()))
        return db_a

    def test_corpus_round_trip(self):
        self.round_trip(CORPUS)

    def test_seed_round_trip(self):
        self.round_trip(SEEDS)

    def test_data_round_trip(self):
        db = self.round_trip(DATA)
        # the sample's nested unknown keys survived as they were
        extra = self.one("SELECT extra FROM articles WHERE url LIKE '%lunar-new-year-travel-rush'",
                         db=db)
        self.assertEqual(json.loads(extra)["syndication"]["rights"]["region"], "APAC")

    def test_all_together_round_trip(self):
        self.round_trip(CORPUS, SEEDS, DATA)


def expected_json(db_row, topics, images, provider, provider_images, related):
    """What an NDJSON line should hold for one article row, built from the tables."""
    (title, excerpt, body, category, typ, date, quality, heat, published, featured,
     web_url, original_url, amp_url, cdn_amp_url, extra) = db_row
    obj = {}
    for key, value in (("category", category), ("title", title), ("excerpt", excerpt),
                       ("publishedDateTime", date), ("originalUrl", original_url),
                       ("webUrl", web_url), ("ampWebUrl", amp_url),
                       ("cdnAmpWebUrl", cdn_amp_url), ("type", typ), ("quality", quality),
                       ("heat", heat)):
        if value is not None:
            obj[key] = value
    if published is not None:
        obj["published"] = bool(published)
    if featured is not None:
        obj["featuredContent"] = featured
    if provider:
        p = {"name": provider[0]}
        if provider[1]:
            p["domain"] = provider[1]
        if provider_images:
            p["images"] = provider_images
        obj["provider"] = p
    if topics:
        obj["topics"] = topics
    if images:
        obj["images"] = images
    if related:
        obj["related"] = related
    if body is not None:
        obj["body"] = body
    for key, value in json.loads(extra or "{}").items():
        obj.pop(key, None)
        obj[key] = value
    return obj


class ExportNdjson(NewsdbTest):
    def image_list(self, query, owner):
        out = []
        for url, width, height, cached in self.sql(query, (owner,)):
            img = {"url": url}
            if width is not None:
                img["width"] = width
            if height is not None:
                img["height"] = height
            if cached is not None:
                img["isCached"] = bool(cached)
            out.append(img)
        return out

    def expected(self, article_id, with_related=True):
        row = self.sql("SELECT title, excerpt, body, category, type, published_at, quality,"
                       " heat, is_published, featured_content, web_url, original_url, amp_url,"
                       " cdn_amp_url, extra, provider_id FROM articles WHERE id = ?",
                       (article_id,))[0]
        provider = provider_images = None
        if row[-1] is not None:
            provider = self.sql("SELECT name, domain FROM providers WHERE id = ?", (row[-1],))[0]
            provider_images = self.image_list(
                "SELECT i.url, i.width, i.height, i.is_cached FROM provider_images o JOIN images i"
                " ON i.id = o.image_id WHERE o.provider_id = ? ORDER BY o.position", row[-1])
        topics = [t for (t,) in self.sql(
            "SELECT t.name FROM article_topics o JOIN topics t ON t.id = o.topic_id"
            " WHERE o.article_id = ? ORDER BY o.position", (article_id,))]
        images = self.image_list(
            "SELECT i.url, i.width, i.height, i.is_cached FROM article_images o JOIN images i"
            " ON i.id = o.image_id WHERE o.article_id = ? ORDER BY o.position", article_id)
        related = []
        if with_related:
            for (rid,) in self.sql("SELECT related_article_id FROM related_links"
                                   " WHERE article_id = ? ORDER BY position", (article_id,)):
                related.append(self.expected(rid, with_related=False))
        body = row[2] if with_related else None  # a related item is a link, not a file
        return expected_json(row[:2] + (body,) + row[3:-1], topics, images, provider,
                             provider_images, related)

    def test_ndjson_says_what_the_tables_say(self):
        self.ok("import", "--quiet", CORPUS, SEEDS, DATA)
        r = self.ok("export")
        lines = r.out.split("\n")
        self.assertEqual(lines[-1], "")
        lines = lines[:-1]
        ids = [i for (i,) in self.sql("SELECT id FROM articles WHERE is_archived ORDER BY id")]
        self.assertEqual(len(lines), len(ids))
        for article_id, line in zip(ids, lines):
            got = json.loads(line)
            want = self.expected(article_id)
            self.assertEqual(got, want, f"article {article_id}")
            # key order: the archive's own, extra keys last
            self.assertEqual(list(got), list(want), f"article {article_id}")
        self.assertEqual(self.ok("export", "--format", "ndjson").out, r.out)


class ExportFolder(NewsdbTest):
    def test_refuses_a_folder_that_is_not_empty(self):
        self.ok("import", "--quiet", SEEDS)
        out = os.path.join(self.dir, "out")
        os.mkdir(out)
        mine = os.path.join(out, "notes.txt")
        with open(mine, "w") as f:
            f.write("mine")
        r = self.run_newsdb("export", "--format", "files", out)
        self.assertEqual(r.code, 2, r)
        self.assertIn("not empty", r.err)
        self.assertIn("--force", r.err)
        self.assertEqual(os.listdir(out), ["notes.txt"])
        # --force writes beside it and leaves it alone
        self.ok("export", "--format", "files", "--force", out)
        self.assertEqual(len(read_tree(out)), 2)
        with open(mine) as f:
            self.assertEqual(f.read(), "mine")
        # and again over its own files
        self.ok("export", "--format", "files", "--force", out)
        self.assertEqual(len(read_tree(out)), 2)

    def test_creates_missing_folders(self):
        self.ok("import", "--quiet", SEEDS)
        out = os.path.join(self.dir, "a", "b", "c")
        self.ok("export", "--format", "files", out)
        self.assertEqual(list(read_tree(out)),
                         ["2021/12/1-china-s-largest-ai-firm-sensetime-raises-700m-in-hong-kong.md"])

    def test_usage_errors(self):
        self.ok("import", "--quiet", SEEDS)
        for args, says in ((["--format", "files"], "needs a DIR"),
                           (["some-dir"], "--format files"),
                           (["--format", "csv"], "unknown format"),
                           (["--format", "files", "x", "y"], "at most one"),
                           (["--bogus"], "unknown option")):
            r = self.run_newsdb("export", *args)
            self.assertEqual(r.code, 2, r)
            self.assertIn(says, r.err)
            self.assertEqual(r.out, "")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "some-dir")))
        r = self.ok("export", "--help")
        self.assertIn("usage: newsdb export", r.out)

    def test_missing_database(self):
        r = self.run_newsdb("export", db=os.path.join(self.dir, "none.db"))
        self.assertEqual(r.code, 1, r)
        self.assertEqual(r.out, "")


if __name__ == "__main__":
    main()
