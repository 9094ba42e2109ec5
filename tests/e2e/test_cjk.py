"""CJK substrings shorter than a trigram, as a property test.

The trigram index cannot look up one or two characters; newsdb finds the
rows that hold them through the trigrams that begin with them, which needs
two line feeds at the end of each column of articles_trigram (schema 8).
Files of random text over a small CJK alphabet (so that one and two
characters match many rows, at column ends and as whole columns too) are
imported, and every search for random short substrings, alone or with a
longer one or a word, is compared with Python over the stored articles:
the ids of the articles whose title, excerpt or body holds each of them.
The same after an edit round, for rows another tool inserts through the
schema's triggers, and after an upgrade from schema 7.  The expected sets
never come from newsdb or from articles_trigram.
"""
import os
import random
import sqlite3

from e2e import NewsdbTest, main

# Han, kana, Hangul and one supplementary ideograph (four bytes of UTF-8)
ALPHABET = ["東", "京", "株", "の", "市", "場", "한", "국", "\U00020000", "半", "導", "体"]
N_FILES = 300
N_QUERIES = 300


def cjk(rng, lo, hi):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(lo, hi)))


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ShortSubstrings(NewsdbTest):
    def setUp(self):
        super().setUp()
        self.rng = random.Random(5)
        self.root = os.path.join(self.dir, "news")
        os.mkdir(self.root)
        for k in range(N_FILES):
            self.write_file(k)
        r = self.run_newsdb("import", "-q", self.root)
        self.assertEqual(r.code, 0, r)

    def write_file(self, k, salt=""):
        rng = self.rng
        shape = rng.random()
        # whole columns of one or two characters, CJK among English, and
        # rows with no CJK at all
        title = cjk(rng, 1, 2) if shape < 0.2 else "Market " + cjk(rng, 1, 8)
        excerpt = cjk(rng, 3, 30) if shape < 0.9 else "plain english excerpt"
        body = (cjk(rng, 0, 60) + " stock " + cjk(rng, 1, 3)) if rng.random() < 0.7 else None
        lines = ["---", f"title: {quoted(title + salt)}", f"excerpt: {quoted(excerpt)}",
                 f"publishedDateTime: 2024-01-{1 + k % 28:02d}T10:{k % 60:02d}:00Z",
                 f'webUrl: "https://cjk.example/{k}"', "---"]
        with open(os.path.join(self.root, f"{k:04d}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n" + (body or "") + "\n")

    def expected(self, subs, word=None, since=None, oldest_first=False):
        """The matching ids, newest first as a search without words sorts
        them (published_at DESC, id DESC; undated last), or oldest first
        (published_at, id; undated last)."""
        rows = self.sql("SELECT id, title, excerpt, body, published_at FROM articles")
        hits = []
        for i, *cols, published in rows:
            texts = [c or "" for c in cols]
            if all(any(s in t for t in texts) for s in subs) and (
                    word is None or any(word in t.lower().split() for t in texts)) and (
                    since is None or (published or "") >= since):
                hits.append((published, i))
        if oldest_first:
            return [i for p, i in sorted(hits, key=lambda h: (h[0] is None, h[0] or "", h[1]))]
        return [i for p, i in sorted(hits, key=lambda h: (h[0] or "", h[1]), reverse=True)]

    def found(self, query, *args):
        r = self.run_newsdb("search", *args, "--format", "json", "--", query)
        if r.code == 1:
            return []
        self.assertEqual(r.code, 0, r)
        return [h["id"] for h in r.json()]

    def check_queries(self, seed, label, count=N_QUERIES):
        rng = random.Random(seed)
        matched = 0
        for _ in range(count):
            subs = [cjk(rng, 1, 2) for _ in range(rng.choice((1, 1, 2)))]
            if rng.random() < 0.2:
                subs.append(cjk(rng, 3, 3))
            word = rng.choice((None, None, "stock", "market"))
            since = f"2024-01-{rng.randint(2, 27):02d}" if rng.random() < 0.3 else None
            query = " ".join(subs + ([word] if word else []) + ([f"since:{since}"] if since else []))
            want = self.expected(subs, word, since and since + "T00:00:00Z")
            self.assertEqual(set(self.found(query, "-n", "0")), set(want), f"{label}: {query!r}")
            if not word:
                # without words the page is by date, however it is found
                offset = rng.randrange(3)
                self.assertEqual(self.found(query, "-n", "7", "--offset", str(offset)),
                                 want[offset:offset + 7], f"{label}: {query!r} page")
                oldest = self.expected(subs, None, since and since + "T00:00:00Z", True)
                self.assertEqual(self.found(query, "-n", "7", "--sort=-date"),
                                 oldest[:7], f"{label}: {query!r} oldest first")
            matched += bool(want)
        self.assertGreater(matched, count // 2, label)

    def test_searches_match_the_text(self):
        # the columns that are exactly one or two characters are there
        self.assertGreater(self.one(
            "SELECT count(*) FROM articles WHERE length(title) <= 2"), 20)
        self.check_queries(1, "fresh import")
        self.assertEqual(self.run_newsdb("check").code, 0)

    def test_after_edits(self):
        for k in self.rng.sample(range(N_FILES), 60):
            self.write_file(k, salt=cjk(self.rng, 1, 2))
            path = os.path.join(self.root, f"{k:04d}.txt")
            os.utime(path, (1e9 + k, 1e9 + k))
        r = self.run_newsdb("import", "-q", self.root)
        self.assertEqual(r.code, 0, r)
        self.check_queries(2, "after edits", N_QUERIES // 2)
        self.assertEqual(self.run_newsdb("check").code, 0)

    def test_rows_another_tool_writes(self):
        con = sqlite3.connect(self.db)
        for k in range(40):
            con.execute("INSERT INTO articles (url, title, is_archived) VALUES (?, ?, 0)",
                        (f"https://other.example/{k}", "Other " + cjk(self.rng, 1, 3)))
        con.commit()
        con.close()
        # (their ranking tables and blocks are another tool's to mend)
        self.check_queries(3, "rows from another tool", N_QUERIES // 2)

    def test_upgrade_from_schema_7(self):
        # what version 7 held: the text without the line feeds
        con = sqlite3.connect(self.db)
        con.executescript(
            "DELETE FROM articles_trigram;"
            "INSERT INTO articles_trigram (rowid, title, excerpt, body)"
            " SELECT id, title, excerpt, body FROM articles WHERE id IN"
            " (SELECT id FROM articles WHERE title GLOB '*[^ -~]*' OR excerpt GLOB '*[^ -~]*'"
            "  OR body GLOB '*[^ -~]*');"
            "DROP TABLE _newsdb_block_ranks;"  # schema 9's
            "PRAGMA user_version = 7;")
        con.close()
        r = self.run_newsdb("search", "東")
        self.assertIn("run 'newsdb import' to upgrade it", r.err)
        self.assertEqual(self.run_newsdb("import", "-q", self.root).code, 0)
        self.assertEqual(self.one("PRAGMA user_version"), 9)
        self.check_queries(4, "upgraded", N_QUERIES // 2)
        self.assertEqual(self.run_newsdb("check").code, 0)

    def test_check_sees_a_changed_row(self):
        con = sqlite3.connect(self.db)
        con.execute("UPDATE articles_trigram SET title = rtrim(title, char(10))"
                    " WHERE rowid = (SELECT min(rowid) FROM articles_trigram)")
        con.commit()
        con.close()
        r = self.run_newsdb("check")
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.out, r"(?m)^fts: articles_trigram: row \d+ ")
        self.ok("optimize")
        self.assertEqual(self.run_newsdb("check").code, 0)
        self.check_queries(6, "after optimize", N_QUERIES // 4)


if __name__ == "__main__":
    main()
