"""Rows nothing refers to (issue 13, point 7): an image that a file's new
version no longer names, or that went with the article a newer file took
over, is removed in the same savepoint; `check` reports such rows in a
database an older newsdb wrote and `optimize` removes them; so the corpus
imported, exported and imported again gives equal tables.
"""
import os
import sqlite3
import time

from e2e import CORPUS, NewsdbTest, main

ORPHAN_IMAGES = ("SELECT url FROM images i WHERE NOT EXISTS (SELECT 1 FROM article_images o"
                 " WHERE o.image_id = i.id) AND NOT EXISTS (SELECT 1 FROM provider_images o"
                 " WHERE o.image_id = i.id) ORDER BY url")


def article(url, images, title="Orphans"):
    lines = [f"---\ntitle: {title}\nwebUrl: \"{url}\"\nprovider:\n  name: P\n  domain: p.example",
             "images:"] + [f"  - url: \"{u}\"\n    width: 10\n    height: 20" for u in images]
    return "\n".join(lines) + "\n---\nbody\n"


class Orphans(NewsdbTest):
    def write(self, name, text, mtime):
        path = os.path.join(self.dir, "in", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
        os.utime(path, (mtime, mtime))
        return path

    def image_ids(self):
        return dict(self.sql("SELECT url, id FROM images"))

    def test_changed_images_leave_no_orphan(self):
        t = time.time() - 1000
        self.write("a.txt", article("https://o.example/a", ["https://o.example/1.png",
                                                            "https://o.example/2.png"]), t)
        self.ok("import", os.path.join(self.dir, "in"))
        kept = self.image_ids()["https://o.example/2.png"]
        self.write("a.txt", article("https://o.example/a", ["https://o.example/2.png",
                                                            "https://o.example/3.png"]), t + 10)
        self.ok("import", os.path.join(self.dir, "in"))
        ids = self.image_ids()
        self.assertEqual(sorted(ids), ["https://o.example/2.png", "https://o.example/3.png"])
        self.assertEqual(ids["https://o.example/2.png"], kept)  # the image that stayed, kept
        self.assertEqual(self.sql(ORPHAN_IMAGES), [])

    def test_article_taken_by_a_newer_file_leaves_no_orphan(self):
        t = time.time() - 1000
        self.write("old.txt", article("https://o.example/same", ["https://o.example/old.png"]), t)
        self.ok("import", os.path.join(self.dir, "in"))
        self.write("new.txt", article("https://o.example/same", ["https://o.example/new.png"]),
                   t + 10)
        r = self.ok("import", os.path.join(self.dir, "in"))
        self.assertIn("same URL as", r.err)
        self.assertEqual([u for (u,) in self.sql("SELECT url FROM images")],
                         ["https://o.example/new.png"])
        self.assertEqual(self.one("SELECT count(*) FROM sources"), 2)

    def test_corpus_round_trip_equal_table_by_table(self):
        self.ok("import", CORPUS)
        self.assertEqual(self.sql(ORPHAN_IMAGES), [])
        r = self.ok("check")
        export = os.path.join(self.dir, "export")
        self.ok("export", "--format", "files", export)
        again = os.path.join(self.dir, "again.db")
        self.run_newsdb("import", export, db=again)
        for query in [
            "SELECT url, width, height, is_cached FROM images ORDER BY url",
            "SELECT name, domain FROM providers ORDER BY name, domain",
            "SELECT name FROM topics ORDER BY name",
            "SELECT a.url, o.position, i.url FROM article_images o JOIN articles a"
            " ON a.id = o.article_id JOIN images i ON i.id = o.image_id ORDER BY 1, 2",
            "SELECT p.domain, p.name, o.position, i.url FROM provider_images o JOIN providers p"
            " ON p.id = o.provider_id JOIN images i ON i.id = o.image_id ORDER BY 1, 2, 3",
        ]:
            self.assertEqual(self.sql(query), self.sql(query, db=again), query)
        self.assertEqual(r.code, 0)

    def test_check_reports_and_optimize_removes_older_orphans(self):
        self.write("a.txt", article("https://o.example/a", ["https://o.example/1.png"]),
                   time.time() - 100)
        self.ok("import", os.path.join(self.dir, "in"))
        # as an older newsdb left it
        con = sqlite3.connect(self.db)
        with con:
            con.execute("INSERT INTO images (url) VALUES ('https://o.example/left.png')")
        con.close()
        self.assertEqual(self.sql(ORPHAN_IMAGES), [("https://o.example/left.png",)])
        r = self.run_newsdb("check")
        self.assertEqual(r.code, 1, r)
        self.assertEqual(r.out.splitlines(), [
            "orphan-image: https://o.example/left.png: no article or provider refers to it"
            " (remove it with 'newsdb optimize')"])
        self.ok("optimize")
        self.assertEqual(self.sql(ORPHAN_IMAGES), [])
        self.assertEqual([u for (u,) in self.sql("SELECT url FROM images")],
                         ["https://o.example/1.png"])
        self.assertIn("ok: no problems", self.ok("check").err)


if __name__ == "__main__":
    main()
