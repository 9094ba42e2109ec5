"""`newsdb export --format opensearch`, end to end, without a cluster (none
can be installed here, and no test pretends to talk to one): what is true of
the files themselves.

- Every output parses as the _bulk grammar: an action line with exactly
  `_index` and `_id`, a document line after each index action, nothing after
  a delete action, a newline after the last line.
- Documents hold what the tables hold (read with SQL), ids are the SHA-256 of
  the canonical URL (computed in Python from the files' own URLs), the same
  in two databases made in different orders, and one for URLs that
  canonicalize the same.
- Chunks stay within --chunk-bytes, never split an action from its document,
  are filled before a new one starts, and add up to the feed on stdout.
- A feed after adding, editing and pruning files holds exactly those changes,
  also when two imports fall in the same second.
- The index template is valid JSON with the mappings docs/scale.md promises.
"""
import hashlib
import json
import math
import os
import re
import shutil

from e2e import CORPUS, DATA, SEEDS, NewsdbTest, canonical_url, front_matter_value, main

SOURCE_ROOT = os.path.dirname(os.path.abspath(DATA))
TEMPLATE = os.path.join(SOURCE_ROOT, "share", "newsdb", "opensearch-template.json")
NEXT = re.compile(r"; next feed: --changed-since (\d+)\n\Z")
T0 = 1_650_000_000_000_000_000  # a fixed mtime, in ns
URL = "https://feed.example.org/"


def doc_id(url):
    """The oracle of the id rule: 128 bits of SHA-256, in hex."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def article(url, title, *, date="2022-01-02T03:04:05Z", related=(), topics=("Feeds",)):
    lines = ["---", f'title: "{title}"', f'excerpt: "Excerpt of {title}"', f'webUrl: "{url}"',
             "type: article", "quality: 7", "heat: 1.5", "published: true",
             "provider:", "  name: Feed Provider", "  domain: feed.example.org"]
    if date:
        lines.append(f"publishedDateTime: {date}")
    lines += ["topics:"] + [f"  - {t}" for t in topics]
    lines += ["images:", f'  - url: "{url}image.jpg"', "    width: 640"]
    if related:
        lines += ["related:"]
        for rurl in related:
            lines += [f'  - title: "Linked {rurl}"', f'    webUrl: "{rurl}"']
    return "\n".join(lines) + "\n---\n" + f"The body of {title}.\n"


class FeedTest(NewsdbTest):
    def feed(self, *args, db=None):
        """(actions, next change number, stderr) of a feed on stdout."""
        r = self.ok("export", "--format", "opensearch", *args, db=db)
        return self.parse_bulk(r.out.encode("utf-8")), self.next_of(r), r.err

    def next_of(self, r):
        m = NEXT.search(r.err)
        self.assertIsNotNone(m, r)
        return int(m.group(1))

    def parse_bulk(self, data):
        """[(kind, index, id, document or None)], checking the grammar."""
        if not data:
            return []
        self.assertTrue(data.endswith(b"\n"), data[-200:])
        lines = data[:-1].split(b"\n")
        actions, k = [], 0
        while k < len(lines):
            action = json.loads(lines[k])
            self.assertIsInstance(action, dict)
            self.assertEqual(len(action), 1, action)
            (kind, meta), = action.items()
            self.assertIn(kind, ("index", "delete"))
            self.assertEqual(sorted(meta), ["_id", "_index"], action)
            self.assertRegex(meta["_id"], r"^[0-9a-f]{32}\Z")
            doc = None
            if kind == "index":
                self.assertLess(k + 1, len(lines), "an index action without its document")
                doc = json.loads(lines[k + 1])
                self.assertIsInstance(doc, dict)
                self.assertNotIn("index", doc)
                k += 2
            else:
                k += 1
            actions.append((kind, meta["_index"], meta["_id"], doc))
        return actions

    def expected_docs(self, db=None):
        """{id: document} of every archived article, from the tables."""
        docs = {}
        rows = self.sql(
            "SELECT a.id, a.url, a.title, a.excerpt, a.body, a.published_at, a.type,"
            " a.category, a.quality, a.heat, a.is_published, p.name, p.domain"
            " FROM articles a LEFT JOIN providers p ON p.id = a.provider_id"
            " WHERE a.is_archived", db=db)
        for (aid, url, title, excerpt, body, date, type_, category, quality, heat, published,
             pname, pdomain) in rows:
            d = {"url": url}
            for key, value in (("title", title), ("excerpt", excerpt), ("body", body),
                               ("published_at", date)):
                if value:
                    d[key] = value
            if pname is not None:
                d["provider"] = {k: v for k, v in (("name", pname), ("domain", pdomain)) if v}
            lists = {
                "topics": "SELECT t.name FROM article_topics o JOIN topics t ON t.id = o.topic_id"
                          " WHERE o.article_id = ? ORDER BY o.position",
                "images": "SELECT i.url FROM article_images o JOIN images i ON i.id = o.image_id"
                          " WHERE o.article_id = ? ORDER BY o.position",
                "related": "SELECT b.url FROM related_links r"
                           " JOIN articles b ON b.id = r.related_article_id"
                           " WHERE r.article_id = ? ORDER BY r.position",
            }
            for key, query in lists.items():
                values = [v for (v,) in self.sql(query, (aid,), db=db)]
                if values:
                    d[key] = values
            for key, value in (("type", type_), ("category", category)):
                if value:
                    d[key] = value
            for key, value in (("quality", quality), ("heat", heat)):
                if value is not None:
                    d[key] = value
            if published is not None:
                d["is_published"] = bool(published)
            docs[doc_id(url)] = d
        return docs

    def assert_same_doc(self, got, want):
        self.assertEqual(sorted(got), sorted(want), want["url"])
        for key, value in want.items():
            if isinstance(value, float):
                self.assertTrue(math.isclose(got[key], value, rel_tol=1e-14), (key, got, want))
            else:
                self.assertEqual(got[key], value, (key, want["url"]))


class FullFeed(FeedTest):
    def setUp(self):
        super().setUp()
        self.ok("import", SEEDS, CORPUS, DATA)

    def test_every_archived_article_once_as_stored(self):
        actions, _, _ = self.feed()
        want = self.expected_docs()
        self.assertEqual(len(actions), len(want))
        self.assertEqual({kind for kind, _, _, _ in actions}, {"index"})
        self.assertEqual({index for _, index, _, _ in actions}, {"news"})
        got = {i: doc for _, _, i, doc in actions}
        self.assertEqual(len(got), len(actions), "an id twice")
        self.assertEqual(sorted(got), sorted(want))
        for i, doc in got.items():
            self.assert_same_doc(doc, want[i])
        # dates as stored: ISO-8601 UTC
        for doc in got.values():
            if "published_at" in doc:
                self.assertRegex(doc["published_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")

    def test_ids_are_the_sha256_of_the_files_canonical_urls(self):
        # Python over the files: webUrl, else originalUrl, canonicalized
        want = set()
        for name in sorted(os.listdir(CORPUS)):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                text = f.read()
            url = front_matter_value(text, "webUrl") or front_matter_value(text, "originalUrl")
            self.assertIsNotNone(url, name)
            want.add(doc_id(canonical_url(url)))
        db = os.path.join(self.dir, "corpus.db")
        self.ok("import", CORPUS, db=db)
        actions, _, _ = self.feed(db=db)
        self.assertEqual({i for _, _, i, _ in actions}, want)

    def test_index_name_and_a_year_in_it(self):
        actions, _, _ = self.feed("--index", "archive-v2")
        self.assertEqual({index for _, index, _, _ in actions}, {"archive-v2"})
        actions, _, _ = self.feed("--index", "news-{year}")
        for _, index, _, doc in actions:
            year = doc["published_at"][:4] if "published_at" in doc else "undated"
            self.assertEqual(index, "news-" + year)


class Stability(FeedTest):
    def test_two_databases_of_the_same_files_give_the_same_feed(self):
        other = os.path.join(self.dir, "other.db")
        self.ok("import", CORPUS)
        self.ok("import", SEEDS)
        self.ok("import", SEEDS, db=other)
        self.ok("import", CORPUS, db=other)
        # the row ids differ, so the ids of the feed do not come from them
        url = self.one("SELECT url FROM articles WHERE id = 1")
        self.assertNotEqual(self.one("SELECT id FROM articles WHERE url = ?", (url,), db=other), 1)
        a, _, _ = self.feed()
        b, _, _ = self.feed(db=other)
        self.assertEqual(sorted(a, key=lambda x: x[2]), sorted(b, key=lambda x: x[2]))

    def test_urls_that_canonicalize_the_same_share_an_id(self):
        raw = ["HTTPS://Feed.Example.ORG:443/story?utm_source=x&id=7#top",
               "https://feed.example.org/story?id=7&fbclid=abc",
               "https://feed.example.org/story?id=7"]
        ids = set()
        for k, url in enumerate(raw):
            root = os.path.join(self.dir, f"files{k}")
            os.mkdir(root)
            with open(os.path.join(root, "a.txt"), "w", encoding="utf-8") as f:
                f.write(article(url, "One story"))
            db = os.path.join(self.dir, f"{k}.db")
            self.ok("import", root, db=db)
            actions, _, _ = self.feed(db=db)
            self.assertEqual(len(actions), 1)
            self.assertEqual(actions[0][3]["url"], canonical_url(url))
            ids.add(actions[0][2])
        self.assertEqual(ids, {doc_id(canonical_url(u)) for u in raw})
        self.assertEqual(len(ids), 1)


class Chunks(FeedTest):
    def setUp(self):
        super().setUp()
        self.ok("import", SEEDS, CORPUS)
        r = self.ok("export", "--format", "opensearch")
        self.whole = r.out.encode("utf-8")

    def chunks(self, *args):
        out = os.path.join(self.dir, "feed")
        shutil.rmtree(out, ignore_errors=True)
        r = self.ok("export", "--format", "opensearch", *args, out)
        names = sorted(os.listdir(out))
        self.assertEqual(names, [f"bulk-{k:06d}.ndjson" for k in range(1, len(names) + 1)])
        files = []
        for name in names:
            with open(os.path.join(out, name), "rb") as f:
                files.append(f.read())
        self.assertIn(f" in {len(files)} files to ", r.err)
        return files, r

    def first_lines(self, data):
        """The bytes of the first action (with its document) of a chunk."""
        actions = self.parse_bulk(data)
        n = 2 if actions[0][0] == "index" else 1
        return b"".join(line + b"\n" for line in data.split(b"\n")[:n])

    def test_chunks_hold_whole_pairs_within_the_limit(self):
        for limit in (60_000, 7_000):
            files, r = self.chunks("--chunk-bytes", str(limit))
            self.assertGreater(len(files), 1 if limit == 60_000 else 20)
            for data in files:
                actions = self.parse_bulk(data)  # each file is a _bulk body of its own
                if len(data) > limit:
                    self.assertEqual(len(actions), 1)
                    self.assertIn(actions[0][3]["url"], r.err)
                self.assertGreater(len(actions), 0)
            # filled before the next one starts
            for this, nxt in zip(files, files[1:]):
                self.assertGreater(len(this) + len(self.first_lines(nxt)), limit)
            self.assertEqual(b"".join(files), self.whole)
            self.assertEqual(r.err.count("warning"),
                             sum(len(d) > limit for d in files), r.err)

    def test_by_default_one_file_under_100_mb(self):
        files, _ = self.chunks()
        self.assertEqual(files, [self.whole])
        self.assertLessEqual(len(self.whole), 100_000_000)

    def test_an_article_larger_than_the_limit_gets_a_file_of_its_own(self):
        files, r = self.chunks("--chunk-bytes", "300")
        self.assertEqual(len(files), len(self.parse_bulk(self.whole)))
        big = [d for d in files if len(d) > 300]
        self.assertGreater(len(big), 0)
        self.assertEqual(len(re.findall(r"newsdb: warning: .*: the action and document take \d+"
                                        r" bytes, more than --chunk-bytes 300", r.err)), len(big))

    def test_nothing_changed_no_file(self):
        last = self.next_of(self.ok("export", "--format", "opensearch"))
        files, r = self.chunks("--changed-since", str(last))
        self.assertEqual(files, [])
        self.assertEqual(self.next_of(r), last)


class Changes(FeedTest):
    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.dir, "news")
        os.mkdir(self.root)
        self.mtime = T0

    def write(self, name, text):
        path = os.path.join(self.root, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        self.mtime += 10**9  # every write is a change the import sees
        os.utime(path, ns=(self.mtime, self.mtime))

    def changes(self, since, *args):
        actions, last, _ = self.feed("--changed-since", str(since), *args)
        want = self.expected_docs()
        for kind, _, i, doc in actions:
            if kind == "index":
                self.assert_same_doc(doc, want[i])
        return {(kind, i) for kind, _, i, _ in actions}, last, actions

    def test_a_feed_holds_exactly_what_was_added_edited_and_pruned(self):
        for name in "abcd":
            related = [URL + "d"] if name == "a" else []
            self.write(name + ".txt", article(URL + name, "Story " + name, related=related))
        self.ok("import", self.root)
        actions, t1, _ = self.feed()
        self.assertEqual({i for _, _, i, _ in actions}, {doc_id(URL + n) for n in "abcd"})

        self.write("e.txt", article(URL + "e", "Story e"))           # added
        self.write("b.txt", article(URL + "b", "Story b, edited"))   # edited
        os.remove(os.path.join(self.root, "c.txt"))                  # pruned
        os.remove(os.path.join(self.root, "d.txt"))                  # pruned, still linked from a
        self.ok("import", "--prune", self.root)
        self.assertEqual(self.one("SELECT is_archived FROM articles WHERE url = ?", (URL + "d",)), 0)
        got, t2, actions = self.changes(t1)
        self.assertEqual(got, {("index", doc_id(URL + "e")), ("index", doc_id(URL + "b")),
                               ("delete", doc_id(URL + "c")), ("delete", doc_id(URL + "d"))})
        self.assertGreater(t2, t1)
        edited = [doc for kind, _, i, doc in actions if i == doc_id(URL + "b")]
        self.assertEqual(edited[0]["title"], "Story b, edited")

        # nothing since: an empty feed, the same number
        got, t3, _ = self.changes(t2)
        self.assertEqual((got, t3), (set(), t2))

        # a file that now gives another URL: the old one leaves, the new one comes
        self.write("a.txt", article(URL + "a2", "Story a, moved"))
        self.ok("import", self.root)
        got, t4, _ = self.changes(t3)
        self.assertEqual(got, {("delete", doc_id(URL + "a")), ("index", doc_id(URL + "a2"))})

        # a pruned article back again
        self.write("c.txt", article(URL + "c", "Story c again"))
        self.ok("import", self.root)
        got, _, _ = self.changes(t4)
        self.assertEqual(got, {("index", doc_id(URL + "c"))})
        # and everything since the first feed, once per URL, as it is now
        got, _, _ = self.changes(t1)
        self.assertEqual(got, {("index", doc_id(URL + n)) for n in ("a2", "b", "c", "e")} |
                         {("delete", doc_id(URL + n)) for n in ("a", "d")})

    def test_two_imports_in_the_same_second_both_reach_the_feed(self):
        self.write("a.txt", article(URL + "a", "Story a"))
        self.ok("import", self.root)
        _, t1, _ = self.feed()
        self.write("b.txt", article(URL + "b", "Story b"))
        self.ok("import", self.root)
        _, t2, _ = self.feed()
        self.write("c.txt", article(URL + "c", "Story c"))
        self.ok("import", self.root)
        got, _, _ = self.changes(t1)
        self.assertEqual(got, {("index", doc_id(URL + "b")), ("index", doc_id(URL + "c"))})
        got, _, _ = self.changes(t2)
        self.assertEqual(got, {("index", doc_id(URL + "c"))})

    def test_by_year_a_moved_date_leaves_the_old_years_index(self):
        self.write("a.txt", article(URL + "a", "Story a", date="2021-06-01T00:00:00Z"))
        self.write("u.txt", article(URL + "u", "Undated", date=None))
        self.ok("import", self.root)
        actions, t1, _ = self.feed("--index", "news-{year}")
        self.assertEqual({(index, i) for _, index, i, _ in actions},
                         {("news-2021", doc_id(URL + "a")), ("news-undated", doc_id(URL + "u"))})
        self.write("a.txt", article(URL + "a", "Story a", date="2022-01-01T00:00:00Z"))
        self.ok("import", self.root)
        _, _, actions = self.changes(t1, "--index", "news-{year}")
        self.assertEqual({(kind, index, i) for kind, index, i, _ in actions},
                         {("delete", "news-2021", doc_id(URL + "a")),
                          ("index", "news-2022", doc_id(URL + "a"))})
        # one index: the same change is one index action
        got, _, _ = self.changes(t1)
        self.assertEqual(got, {("index", doc_id(URL + "a"))})

    def test_a_number_past_the_last_change_is_warned_about(self):
        self.write("a.txt", article(URL + "a", "Story a"))
        self.ok("import", self.root)
        _, last, _ = self.feed()
        actions, again, err = self.feed("--changed-since", str(last + 5))
        self.assertEqual((actions, again), ([], last))
        self.assertIn(f"warning: --changed-since {last + 5} is past this database's last change"
                      f" ({last})", err)

    def test_an_older_database_gets_a_log_of_what_it_holds(self):
        self.ok("import", DATA)
        want = self.expected_docs()
        # the database as newsdb 0.1 left it: schema 1, no feed log
        for (table,) in self.sql("SELECT name FROM sqlite_master WHERE type = 'table'"
                                 " AND name LIKE '\\_newsdb\\_%' ESCAPE '\\'"):
            self.sql(f"DROP TABLE {table}")
        con_sql = "PRAGMA user_version = 1"
        self.sql(con_sql)
        r = self.run_newsdb("export", "--format", "opensearch")
        self.assertEqual(r.code, 1, r)
        self.assertIn("older schema (1)", r.err)
        self.ok("import", DATA)
        self.assertEqual(self.one("PRAGMA user_version"), 9)
        self.assertEqual(self.sql("SELECT DISTINCT seq, live FROM _newsdb_feed"), [(1, 1)])
        got, _, _ = self.changes(0)
        self.assertEqual(got, {("index", i) for i in want})


class Template(FeedTest):
    def test_the_template_maps_the_documents_fields(self):
        with open(TEMPLATE, encoding="utf-8") as f:
            t = json.load(f)
        self.assertIn("news", t["index_patterns"])
        self.assertIn("news-*", t["index_patterns"])
        props = t["template"]["mappings"]["properties"]
        for field in ("title", "excerpt", "body"):
            self.assertEqual(props[field]["type"], "text", field)
            self.assertEqual(props[field]["analyzer"], "english", field)
        self.assertEqual(props["title"]["fields"]["keyword"]["type"], "keyword")
        self.assertEqual(props["published_at"]["type"], "date")
        for field in ("url", "topics", "related", "type", "category"):
            self.assertEqual(props[field]["type"], "keyword", field)
        for field in ("name", "domain"):
            self.assertEqual(props["provider"]["properties"][field]["type"], "keyword")
        # every field of a document is mapped (the mapping is strict)
        self.assertEqual(t["template"]["mappings"]["dynamic"], "strict")
        self.ok("import", SEEDS, CORPUS, DATA)
        actions, _, _ = self.feed()
        for _, _, _, doc in actions:
            self.assertLessEqual(set(doc), set(props), doc["url"])
            if "provider" in doc:
                self.assertLessEqual(set(doc["provider"]), set(props["provider"]["properties"]))


class Usage(FeedTest):
    def test_wrong_command_lines_are_usage_errors(self):
        self.ok("import", DATA)
        full = os.path.join(self.dir, "full")
        os.mkdir(full)
        with open(os.path.join(full, "old.ndjson"), "w") as f:
            f.write("{}\n")
        for args, says in [
            (["--chunk-bytes", "1000"], "--chunk-bytes needs a DIR"),
            (["--chunk-bytes", "0", "x"], "--chunk-bytes wants a whole number"),
            (["--changed-since", "yesterday"], "--changed-since wants a whole number"),
            (["--index", "News"], "capital letters"),
            (["--index", "a b"], "cannot name an index"),
            (["--index", "_x"], "starts with"),
            (["--force", "x"], "--force is for --format files"),
            ([full], "is not empty"),
        ]:
            r = self.run_newsdb("export", "--format", "opensearch", *args)
            self.assertEqual(r.code, 2, (args, r))
            self.assertIn(says, r.err, args)
        r = self.run_newsdb("export", "--index", "news")
        self.assertEqual(r.code, 2, r)
        self.assertIn("are for --format opensearch", r.err)
        self.assertIn("opensearch", self.ok("export", "--help").out)


if __name__ == "__main__":
    main()
