"""Incremental re-import, end to end: unchanged files, changed files, moved
files, --prune, and two files with the same canonical URL.

Assumptions where the issue leaves room (what a careful user would expect):
- "Skipped without being opened" is checked by changing a file's bytes while
  keeping its size and mtime: the re-import must not see the change.
- A moved or renamed file (its old path gone, the same content hash or the
  same canonical URL at a new path) keeps its article row (same id) and its
  source row follows it: one source, at the new path, none left at the old
  one.  Moving is not deleting, so this holds without --prune.
- Without --prune no article and no source row is ever deleted; orphaned
  topics, images and providers are not asserted either way without --prune.
  With --prune, topics, images and providers that no article uses any more
  are forgotten as well (the database then looks as if the gone files had
  never been imported).
- The database is a function of the files, not of the import history: when
  the newer of two same-URL files stops giving that URL, the article shows
  the remaining file's values.
"""
import os
import re
import shutil

from e2e import NewsdbTest, main

URL = "https://incremental.example.org/"
T0 = 1_650_000_000_000_000_000  # a fixed mtime, in ns


def article(url, title, *, topics=(), images=(), related=(), extra=None, body="Body.\n",
            provider=("Inc Provider", "inc.example.org")):
    lines = ["---", f'title: "{title}"', f'excerpt: "Excerpt of {title}"', f'webUrl: "{url}"',
             "type: article", "publishedDateTime: 2022-01-02T03:04:05Z"]
    if provider:
        lines += ["provider:", f"  name: {provider[0]}", f"  domain: {provider[1]}"]
    if topics:
        lines += ["topics:"] + [f"  - {t}" for t in topics]
    if images:
        lines += ["images:"]
        for img in images:
            lines += [f'  - url: "{img}"', "    width: 640", "    height: 480"]
    if related:
        lines += ["related:"]
        for rurl, rtitle in related:
            lines += [f'  - title: "{rtitle}"', f'    webUrl: "{rurl}"',
                      "    provider:", "      name: Elsewhere", "      domain: elsewhere.example.net"]
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {v}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


class Incremental(NewsdbTest):
    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.dir, "news")
        os.mkdir(self.root)

    def write(self, rel, text, mtime_ns=None):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        if mtime_ns is not None:
            os.utime(path, ns=(mtime_ns, mtime_ns))
        return path

    def summary(self, r):
        m = re.search(r"(\d+) files: (\d+) added, (\d+) updated, (\d+) unchanged, (\d+) skipped,"
                      r" (\d+) failed", r.err)
        self.assertIsNotNone(m, r)
        return tuple(int(x) for x in m.groups())

    def article_id(self, url):
        return self.one("SELECT id FROM articles WHERE url = ?", (url,))

    def topics_of(self, url):
        return [n for (n,) in self.sql(
            "SELECT t.name FROM article_topics o JOIN topics t ON t.id = o.topic_id"
            " JOIN articles a ON a.id = o.article_id WHERE a.url = ? ORDER BY o.position", (url,))]

    def images_of(self, url):
        return [u for (u,) in self.sql(
            "SELECT i.url FROM article_images o JOIN images i ON i.id = o.image_id"
            " JOIN articles a ON a.id = o.article_id WHERE a.url = ? ORDER BY o.position", (url,))]

    def related_of(self, url):
        return [u for (u,) in self.sql(
            "SELECT b.url FROM related_links r JOIN articles a ON a.id = r.article_id"
            " JOIN articles b ON b.id = r.related_article_id WHERE a.url = ? ORDER BY r.position",
            (url,))]

    def sources_of(self, url):
        return sorted(p for (p,) in self.sql(
            "SELECT s.path FROM sources s JOIN articles a ON a.id = s.article_id WHERE a.url = ?",
            (url,)))

    def assert_healthy(self):
        self.assertEqual(self.one("PRAGMA integrity_check"), "ok")
        self.assertEqual(self.sql("PRAGMA foreign_key_check"), [])
        self.sql("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        # archived means "some file gives it"
        self.assertEqual(self.sql(
            "SELECT url FROM articles a WHERE is_archived <> EXISTS"
            " (SELECT 1 FROM sources s WHERE s.article_id = a.id AND s.status = 'ok')"), [])


class Unchanged(Incremental):
    def test_unchanged_files_are_skipped_without_being_read(self):
        a = self.write("a.txt", article(URL + "a", "Original title A", topics=["One"]), T0)
        self.write("b.txt", article(URL + "b", "Title B"), T0)
        self.write("sub/c.txt", article(URL + "c", "Title C"), T0)
        self.assertEqual(self.summary(self.ok("import", self.root)), (3, 3, 0, 0, 0, 0))
        counts = self.counts()
        hash_a = self.one("SELECT hash FROM sources WHERE path = ?", (a,))

        r = self.ok("import", self.root)
        self.assertIn("3 files: 0 added, 0 updated, 3 unchanged", r.err)
        self.assertEqual(self.counts(), counts)

        # same size, same mtime, other bytes: a file that is not opened keeps its old data
        text = article(URL + "a", "Changed title AB", topics=["One"])
        self.assertEqual(len(text), len(article(URL + "a", "Original title A", topics=["One"])))
        self.write("a.txt", text, T0)
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r), (3, 0, 0, 3, 0, 0))
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL + "a",)),
                         "Original title A")
        self.assertEqual(self.one("SELECT hash FROM sources WHERE path = ?", (a,)), hash_a)

        # a new mtime makes it a changed file
        os.utime(a, ns=(T0 + 10**9, T0 + 10**9))
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r), (3, 0, 1, 2, 0, 0))
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL + "a",)),
                         "Changed title AB")
        self.assertEqual(self.one("SELECT mtime_ns FROM sources WHERE path = ?", (a,)), T0 + 10**9)
        self.assertNotEqual(self.one("SELECT hash FROM sources WHERE path = ?", (a,)), hash_a)
        self.assertEqual(self.counts(), counts)
        self.assert_healthy()


class Touched(Incremental):
    """A file read again with the very bytes it had (a new mtime only)
    changes nothing but its source row's mtime, unless it now wins (or
    loses) an article another file gives too."""

    def test_same_bytes_new_mtime_changes_only_the_mtime(self):
        a = self.write("a.txt", article(URL + "a", "Title A", topics=["One"],
                                        related=[(URL + "r", "Linked R")]), T0)
        self.write("b.txt", article(URL + "b", "Title B", related=[(URL + "r", "Linked R by B")]),
                   T0 + 10**9)
        self.ok("import", self.root)
        tables = ("articles", "article_topics", "related_links", "_newsdb_feed")
        before = {t: self.sql(f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
        os.utime(a, ns=(T0 + 5 * 10**9, T0 + 5 * 10**9))
        self.assertEqual(self.summary(self.ok("import", self.root)), (2, 0, 0, 2, 0, 0))
        # the link-only article keeps what b.txt, imported after a.txt, said of it
        self.assertEqual({t: self.sql(f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}, before)
        self.assertEqual(self.one("SELECT mtime_ns FROM sources WHERE path = ?", (a,)),
                         T0 + 5 * 10**9)
        self.assert_healthy()

    def test_touched_files_among_unchanged_ones_in_a_folder(self):
        # the workers skip parsing a touched file's bytes, and the folder's
        # cached rows take its new mtime: the files after it in the folder
        # are still known unchanged, and each touched one changes only its
        # mtime, as often as it is touched
        paths = [self.write(f"f/{k:02d}.txt", article(URL + f"t{k}", f"Title {k}"), T0)
                 for k in range(30)]
        self.ok("import", self.root)
        before = self.sql("SELECT * FROM articles ORDER BY id")
        touched = paths[1::4]
        for round_ in (1, 2):
            mtime = T0 + round_ * 10**9
            for p in touched:
                os.utime(p, ns=(mtime, mtime))
            self.assertEqual(self.summary(self.ok("import", self.root)), (30, 0, 0, 30, 0, 0))
            self.assertEqual(self.sql("SELECT * FROM articles ORDER BY id"), before)
            self.assertEqual(
                dict(self.sql("SELECT path, mtime_ns FROM sources")),
                {p: (mtime if p in touched else T0) for p in paths})
        self.assert_healthy()

    def test_a_touched_copy_that_becomes_the_newest_wins(self):
        older = self.write("a.txt", article(URL + "x", "Older copy"), T0)
        self.write("b.txt", article(URL + "x", "Newer copy"), T0 + 10**9)
        self.ok("import", self.root)
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL + "x",)),
                         "Newer copy")
        seq = self.one("SELECT max(seq) FROM _newsdb_feed")
        os.utime(older, ns=(T0 + 2 * 10**9, T0 + 2 * 10**9))
        self.ok("import", self.root)
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL + "x",)),
                         "Older copy")
        self.assertGreater(self.one("SELECT max(seq) FROM _newsdb_feed"), seq)
        # touched again, still the newest: nothing changes
        os.utime(older, ns=(T0 + 3 * 10**9, T0 + 3 * 10**9))
        self.assertEqual(self.summary(self.ok("import", self.root)), (2, 0, 0, 2, 0, 0))
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL + "x",)),
                         "Older copy")
        self.assert_healthy()


class Changed(Incremental):
    def test_changed_file_replaces_exactly_what_it_contributed(self):
        old = article(URL + "x", "Version obsoletexyz", topics=["Alpha", "Beta"],
                      images=[URL + "img/1.jpg", URL + "img/2.jpg"],
                      related=[(URL + "r1", "Related one"), (URL + "r2", "Related two")],
                      extra={"oldKey": "old value", "shared": 1})
        x = self.write("x.txt", old, T0)
        # another file sharing a topic and an image: must not be touched
        self.write("y.txt", article(URL + "y", "Bystander", topics=["Beta"],
                                    images=[URL + "img/2.jpg"],
                                    related=[(URL + "r2", "Related two")]), T0)
        self.ok("import", self.root)
        x_id = self.article_id(URL + "x")
        self.assertEqual(self.topics_of(URL + "x"), ["Alpha", "Beta"])
        self.assertEqual(self.related_of(URL + "x"), [URL + "r1", URL + "r2"])

        new = article(URL + "x", "Version freshxyz", topics=["Gamma"], images=[URL + "img/3.jpg"],
                      related=[(URL + "r3", "Related three")], extra={"newKey": "new value"},
                      body="A new body.\n")
        self.write("x.txt", new, T0 + 10**9)
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r), (2, 0, 1, 1, 0, 0))
        self.assertEqual(self.article_id(URL + "x"), x_id, "the same article, updated in place")
        self.assertEqual(self.one("SELECT title FROM articles WHERE id = ?", (x_id,)), "Version freshxyz")
        self.assertEqual(self.topics_of(URL + "x"), ["Gamma"])
        self.assertEqual(self.images_of(URL + "x"), [URL + "img/3.jpg"])
        self.assertEqual(self.related_of(URL + "x"), [URL + "r3"])
        extra = self.one("SELECT extra FROM articles WHERE id = ?", (x_id,))
        self.assertIn("newKey", extra)
        self.assertNotIn("oldKey", extra)
        self.assertNotIn("shared", extra)
        self.assertEqual(self.sources_of(URL + "x"), [x])
        self.assertEqual(self.one("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH"
                                  " 'obsoletexyz'"), 0, "the old title is still searchable")
        self.assertEqual(self.one("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH"
                                  " 'freshxyz'"), 1)
        # the bystander is untouched
        self.assertEqual(self.topics_of(URL + "y"), ["Beta"])
        self.assertEqual(self.images_of(URL + "y"), [URL + "img/2.jpg"])
        self.assertEqual(self.related_of(URL + "y"), [URL + "r2"])
        # without --prune nothing is deleted: r1 is still an article, known from a link
        self.assertEqual(self.one("SELECT is_archived FROM articles WHERE url = ?", (URL + "r1",)), 0)
        self.assert_healthy()

    def test_article_no_longer_yielded_loses_that_source(self):
        f = self.write("f.txt", article(URL + "first-url", "Moves its URL", topics=["T"]), T0)
        self.write("g.txt", article(URL + "g", "Links to first", related=[(URL + "first-url", "L")]), T0)
        self.ok("import", self.root)
        self.assertEqual(self.sources_of(URL + "first-url"), [f])

        self.write("f.txt", article(URL + "second-url", "Now another URL", topics=["T"]), T0 + 10**9)
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r)[1], 1, "the new URL is a new article")
        self.assertEqual(self.sources_of(URL + "first-url"), [])
        self.assertEqual(self.sources_of(URL + "second-url"), [f])
        # the first article stays (no --prune, and g links to it) but is no longer archived
        self.assertEqual(self.one("SELECT is_archived FROM articles WHERE url = ?",
                                  (URL + "first-url",)), 0)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE path = ?", (f,)), 1)
        self.assert_healthy()


class Moved(Incremental):
    def test_moved_file_same_content_is_recognised(self):
        text = article(URL + "m", "A moved article", topics=["Moving"], images=[URL + "img/m.jpg"])
        old = self.write("2021/m.txt", text, T0)
        self.write("other.txt", article(URL + "o", "Stays put"), T0)
        self.ok("import", self.root)
        m_id = self.article_id(URL + "m")
        counts = self.counts()

        new = os.path.join(self.root, "archive", "2021-12", "renamed.txt")
        os.makedirs(os.path.dirname(new))
        os.rename(old, new)
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r)[1], 0, f"not re-added as something new: {r}")
        self.assertNotIn("same URL as", r.err, "a moved file is not a second copy")
        self.assertEqual(self.article_id(URL + "m"), m_id)
        self.assertEqual(self.sources_of(URL + "m"), [new])
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE path = ?", (old,)), 0)
        self.assertEqual(self.one("SELECT status FROM sources WHERE path = ?", (new,)), "ok")
        self.assertEqual(self.counts(), counts)
        chk = self.run_newsdb("check")
        self.assertEqual(chk.code, 0, chk)
        self.assert_healthy()

    def test_renamed_and_edited_file_is_recognised_by_url(self):
        old = self.write("a.txt", article(URL + "e", "Before the edit", topics=["Old"]), T0)
        self.ok("import", self.root)
        e_id = self.article_id(URL + "e")
        os.remove(old)
        new = self.write("b.txt", article(URL + "e", "After the edit", topics=["New"]), T0 + 10**9)
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r)[1], 0, f"not re-added as something new: {r}")
        self.assertNotIn("same URL as", r.err, "a moved file is not a second copy")
        self.assertEqual(self.article_id(URL + "e"), e_id)
        self.assertEqual(self.one("SELECT title FROM articles WHERE id = ?", (e_id,)), "After the edit")
        self.assertEqual(self.topics_of(URL + "e"), ["New"])
        self.assertEqual(self.sources_of(URL + "e"), [new])
        self.assertEqual(self.one("SELECT count(*) FROM sources"), 1)
        self.assertEqual(self.one("SELECT count(*) FROM articles WHERE is_archived = 1"), 1)
        self.assert_healthy()


class Prune(Incremental):
    def build(self):
        self.a = self.write("a.txt", article(URL + "a", "Gone soon", topics=["Only in A"],
                                             images=[URL + "img/a.jpg"],
                                             related=[(URL + "ra", "Only A links here"),
                                                      (URL + "shared", "Both link here")],
                                             provider=("Lonely Provider", "lonely.example.com")), T0)
        self.b = self.write("b.txt", article(URL + "b", "Stays", topics=["Common"],
                                             related=[(URL + "shared", "Both link here"),
                                                      (URL + "c", "Link to C")]), T0)
        self.c = self.write("c.txt", article(URL + "c", "Linked from B", topics=["Common"]), T0)
        self.bad = self.write("bad.txt", "---\ntitle: [unclosed\n---\n", T0)
        r = self.run_newsdb("import", self.root)
        self.assertEqual(r.code, 1, r)

    def test_without_prune_nothing_is_deleted(self):
        self.build()
        before = self.counts()
        for p in (self.a, self.c, self.bad):
            os.remove(p)
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r)[:3], (1, 0, 0), r)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE path IN (?, ?, ?)",
                                  (self.a, self.c, self.bad)), 3)
        self.assert_healthy()

    def test_prune_forgets_gone_files_and_what_only_they_gave(self):
        self.build()
        for p in (self.a, self.c, self.bad):
            os.remove(p)
        r = self.ok("import", "--prune", self.root)
        self.assertEqual(sorted(p for (p,) in self.sql("SELECT path FROM sources")), [self.b])
        urls = {u for (u,) in self.sql("SELECT url FROM articles")}
        # a: no source, no incoming link; ra: only a linked to it
        self.assertNotIn(URL + "a", urls)
        self.assertNotIn(URL + "ra", urls)
        # shared and c are still linked from b; c lost its file
        self.assertIn(URL + "shared", urls)
        self.assertIn(URL + "c", urls)
        self.assertEqual(self.one("SELECT is_archived FROM articles WHERE url = ?", (URL + "c",)), 0)
        self.assertEqual(self.related_of(URL + "b"), [URL + "shared", URL + "c"])
        self.assertEqual(len(urls), 3, urls)
        # what only the gone files used is gone too
        self.assertEqual(self.sql("SELECT name FROM topics WHERE name = 'Only in A'"), [])
        self.assertEqual(self.sql("SELECT url FROM images WHERE url = ?", (URL + "img/a.jpg",)), [])
        self.assertEqual(self.sql("SELECT name FROM providers WHERE name = 'Lonely Provider'"), [])
        self.assertIn(("Common",), self.sql("SELECT name FROM topics"))
        chk = self.run_newsdb("check")
        self.assertEqual(chk.code, 0, chk)
        self.assert_healthy()

        # an article with two files loses one source, keeps the other
        self.write("d1.txt", article(URL + "d", "Twice"), T0)
        d2 = self.write("d2.txt", article(URL + "d", "Twice"), T0)
        self.run_newsdb("import", self.root)
        os.remove(os.path.join(self.root, "d1.txt"))
        self.ok("import", "--prune", self.root)
        self.assertEqual(self.sources_of(URL + "d"), [d2])
        self.assertEqual(self.one("SELECT is_archived FROM articles WHERE url = ?", (URL + "d",)), 1)
        self.assert_healthy()

    def test_prune_leaves_an_identical_database_to_a_fresh_import(self):
        """After --prune, the database holds what importing only the remaining
        files into a new database holds."""
        self.build()
        for p in (self.a, self.bad):
            os.remove(p)
        self.ok("import", "--prune", self.root)
        fresh = os.path.join(self.dir, "fresh.db")
        self.ok("import", self.root, db=fresh)
        from test_crash import dump_diff, natural_dump
        got, want = natural_dump(self.db), natural_dump(fresh)
        self.assertEqual(got, want, dump_diff(got, want))


class SameUrl(Incremental):
    def pair(self, folder, newer_first):
        """Two files of URL+'dup' in folder: the newer has title 'Newer'."""
        old_name, new_name = ("z-old.txt", "a-new.txt") if newer_first else ("a-old.txt", "z-new.txt")
        old = self.write(f"{folder}/{old_name}", article(URL + "dup", "Older", topics=["From old"],
                                                         extra={"which": "old"}), T0)
        new = self.write(f"{folder}/{new_name}", article(URL + "dup", "Newer", topics=["From new"],
                                                         extra={"which": "new"}), T0 + 5 * 10**9)
        return old, new

    def check_winner(self, db, old, new, title="Newer", topics=("From new",)):
        rows = self.sql("SELECT id, title, extra, is_archived FROM articles WHERE url = ?",
                        (URL + "dup",), db=db)
        self.assertEqual(len(rows), 1, "one article")
        art_id, got_title, extra, archived = rows[0]
        self.assertEqual(got_title, title)
        self.assertEqual(archived, 1)
        self.assertEqual([n for (n,) in self.sql(
            "SELECT t.name FROM article_topics o JOIN topics t ON t.id = o.topic_id"
            " WHERE o.article_id = ? ORDER BY o.position", (art_id,), db=db)], list(topics))
        self.assertEqual(sorted(p for (p,) in self.sql(
            "SELECT path FROM sources WHERE article_id = ? AND status = 'ok'", (art_id,), db=db)),
            sorted([old, new]))
        return extra

    def test_same_url_one_article_two_sources_newer_wins_either_order(self):
        for newer_first in (True, False):
            with self.subTest(newer_first=newer_first):
                folder = f"order-{int(newer_first)}"
                old, new = self.pair(folder, newer_first)
                db = os.path.join(self.dir, f"{folder}.db")
                r = self.ok("import", os.path.join(self.root, folder), db=db)
                warn = [ln for ln in r.err.splitlines() if "warning" in ln and "same URL" in ln]
                self.assertEqual(len(warn), 1, r)
                self.assertIn(old, warn[0])
                self.assertIn(new, warn[0])
                self.assertEqual(self.summary(r)[1], 1, "one article added, not two")
                self.assertIn('"new"', self.check_winner(db, old, new))
                # one file at a time, in the other order: the same outcome
                db2 = os.path.join(self.dir, f"{folder}-2.db")
                for p in sorted([old, new], reverse=newer_first):
                    self.ok("import", p, db=db2)
                self.check_winner(db2, old, new)

    def test_older_file_edited_becomes_the_newer_and_wins(self):
        old, new = self.pair("f", newer_first=False)
        self.ok("import", self.root)
        self.check_winner(self.db, old, new)
        self.write("f/a-old.txt", article(URL + "dup", "Edited later", topics=["Edited"]),
                   T0 + 10 * 10**9)
        self.ok("import", self.root)
        self.check_winner(self.db, old, new, title="Edited later", topics=("Edited",))
        # and the other one edited after that wins back
        self.write("f/z-new.txt", article(URL + "dup", "Edited last", topics=["Last"]),
                   T0 + 20 * 10**9)
        self.ok("import", self.root)
        self.check_winner(self.db, old, new, title="Edited last", topics=("Last",))
        self.assert_healthy()

    def test_equal_mtimes_are_deterministic(self):
        one = self.write("p.txt", article(URL + "dup", "From p", topics=["P"]), T0)
        two = self.write("q.txt", article(URL + "dup", "From q", topics=["Q"]), T0)
        outcomes = set()
        for k, order in enumerate(([self.root], [one, two], [two, one])):
            db = os.path.join(self.dir, f"eq{k}.db")
            for p in order:
                self.run_newsdb("import", p, db=db)
            outcomes.add(self.sql("SELECT title, extra FROM articles WHERE url = ?",
                                  (URL + "dup",), db=db)[0])
        self.assertEqual(len(outcomes), 1, outcomes)

    def test_newer_file_leaving_the_url_hands_it_back_to_the_older(self):
        old, new = self.pair("h", newer_first=False)
        self.ok("import", self.root)
        self.check_winner(self.db, old, new)
        self.write("h/z-new.txt", article(URL + "elsewhere", "Newer, moved on"), T0 + 9 * 10**9)
        self.ok("import", self.root)
        self.assertEqual(self.sources_of(URL + "dup"), [old])
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL + "dup",)), "Older")
        self.assertEqual(self.topics_of(URL + "dup"), ["From old"])
        self.assertIn('"old"', self.one("SELECT extra FROM articles WHERE url = ?", (URL + "dup",)))
        self.assert_healthy()

    def test_newer_file_pruned_hands_it_back_to_the_older(self):
        old, new = self.pair("g", newer_first=False)
        self.ok("import", self.root)
        self.check_winner(self.db, old, new)
        os.unlink(new)
        self.ok("import", "--prune", self.root)
        self.assertEqual(self.sources_of(URL + "dup"), [old])
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL + "dup",)), "Older")
        self.assertEqual(self.topics_of(URL + "dup"), ["From old"])
        # and a later run finds nothing left to do
        r = self.ok("import", self.root)
        self.assertEqual(self.summary(r)[1:3], (0, 0), r)
        self.assert_healthy()


if __name__ == "__main__":
    main()
