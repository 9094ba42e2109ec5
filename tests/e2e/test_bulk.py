"""The bulk import (an import into an empty database: secondary indexes
dropped at its start and created at its end, ranking tables built once from
the word index) against the incremental path, end to end.

The promise under test: the database is the same, compared by natural keys,
as importing the same files one by one through the incremental path.  "One
by one": the first file alone (a bulk import of one file), then every other
file with its own `newsdb import FILE` (each an import into a database that
has files: the incremental path), in walk order.  That database and one bulk
import of the whole folder must have

- the same rows, ids replaced by natural keys (natural_dump);
- the same index and trigger definitions in sqlite_master, and exactly the
  indexes that schema/*.sql creates (read from those files here);
- no 'index:' or 'feed_pending' key left in _newsdb_meta, and rank_state
  'ready';
- the same live rows of the feed's change log, which are exactly the (URL,
  year) of each archived article (SQL over the articles);
- `newsdb check` passing;
- the same search results: for words of the corpus, each page newsdb shows
  is SQLite's own `ORDER BY is_archived DESC, rank` over articles_fts (ties
  in any order, each hit with its own rank), and the two databases give the
  same (URL, rank) for every match.

On data/, on ../shared/corpus/powerapps (skipped, saying so, when absent)
and on a generated corpus with the same URL in two or three files (different
mtimes, dates in other years, the newer one first or last in walk order, a
URL spelled with tracking parameters), broken files (bad YAML, no front
matter, binary junk, front matter never closed, no URL, empty) and files
moved (renamed, to another folder, moved and edited) between two runs.  The
powerapps and generated databases are made with short ranking lists
(rank_list_min_docs 10, rank_list_keep 5, set in a database first made by
importing an empty folder), so that both ways of making the ranking tables
(built once at the end, kept commit by commit) are what the searches read.
"""
import os
import random
import re
import sqlite3

from e2e import CORPUS, DATA, NewsdbTest, main
from test_crash import (bulk_state, dump_diff, feed_live, make_corpus, natural_dump,
                        schema_definitions)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
SCHEMA = os.path.join(REPO, "schema")
# the ranking lists of the databases that have them: words in 10 rows or
# more, 5 rows each (instead of 2000 and 500: no word of these corpora is
# that common)
SHORT_LISTS = {"rank_list_min_docs": 10, "rank_list_keep": 5}
WORD = re.compile(r"[A-Za-z]{4,}")


def schema_indexes():
    """The names of the indexes that schema/*.sql creates (an oracle that
    is not newsdb: the files as written)."""
    names = set()
    for name in sorted(os.listdir(SCHEMA)):
        if name.endswith(".sql"):
            with open(os.path.join(SCHEMA, name), encoding="utf-8") as fh:
                names |= set(re.findall(r"(?im)^\s*CREATE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)",
                                        fh.read()))
    return names


def walk_files(root):
    """The files an import of root reads, in its order (sorted by bytes,
    hidden entries skipped)."""
    out = []
    for top, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out += [os.path.join(top, n) for n in names if not n.startswith(".")]
    return sorted(out, key=os.fsencode)


def quoted(word):
    return '"' + word.replace('"', '""') + '"'


class BulkVsOneByOne(NewsdbTest):
    # --- making the databases ------------------------------------------------

    def new_db(self, name, settings):
        """A database path; with settings, the database made first by an
        import of an empty folder (still empty: the next import is a bulk
        import) and the settings written into it."""
        db = os.path.join(self.dir, name)
        if settings:
            empty = os.path.join(self.dir, "empty")
            os.makedirs(empty, exist_ok=True)
            self.ok("import", "--quiet", empty, db=db)
            con = sqlite3.connect(db)
            con.executemany("INSERT OR REPLACE INTO _newsdb_meta (key, value) VALUES (?, ?)",
                            settings.items())
            con.commit()
            con.close()
        return db

    def assert_empty(self, db):
        """The next import of db is a bulk import: no sources, no articles."""
        if os.path.exists(db):
            self.assertEqual(self.one("SELECT (SELECT count(*) FROM sources)"
                                      " + (SELECT count(*) FROM articles)", db=db), 0)

    def import_ok(self, *paths, db, failing=0):
        """An import that exits 0, or 1 when it meets failing broken files."""
        r = self.run_newsdb("import", *paths, db=db)
        self.assertEqual(r.code, 1 if failing else 0, r)
        self.assertNotRegex(r.err, r"(?i)assert|abort|sanitizer|segmentation", r)
        return r

    def bulk(self, name, root, settings=None, failing=()):
        db = self.new_db(name, settings)
        self.assert_empty(db)
        self.import_ok(root, db=db, failing=len(failing))
        return db

    def one_by_one(self, name, files, settings=None, failing=(), db=None):
        """Each file with its own import, in the order given; the first one
        into an empty database (unless db is given: more runs on it)."""
        if db is None:
            db = self.new_db(name, settings)
            self.assert_empty(db)
        for k, path in enumerate(files):
            self.import_ok(path, db=db, failing=path in failing)
            if k == 0:
                # the first run was a bulk import: it left nothing pending
                self.assertEqual(bulk_state(db)[:2], ([], "ready"), path)
        return db

    # --- comparing -----------------------------------------------------------

    def assert_check(self, db, failing, label):
        """newsdb check passes, but for naming the broken files (each once,
        and nothing else)."""
        r = self.run_newsdb("check", db=db)
        self.assertEqual(r.code, 1 if failing else 0, f"{label}: {db}: {r}")
        named = sorted(re.match(r"failed-source: (.*?): ", line).group(1) if
                       line.startswith("failed-source: ") else line for line in r.out.splitlines())
        self.assertEqual(named, sorted(failing), f"{label}: {db}: {r}")

    def assert_same(self, a, b, words, label, failing=()):
        da, db_ = natural_dump(a), natural_dump(b)
        self.assertGreater(len(da["sources"]), 0, label)
        self.assertEqual(da, db_, f"{label}: {dump_diff(da, db_)}")
        defs_a, defs_b = schema_definitions(a), schema_definitions(b)
        self.assertEqual(defs_a, defs_b, label)
        indexes = {name for kind, name, _, sql in defs_a if kind == "index" and sql}
        self.assertEqual(indexes, schema_indexes(), label)
        for path in (a, b):
            keys, state, _ = bulk_state(path)
            self.assertEqual(keys, [], f"{label}: {path}")
            self.assertEqual(state, "ready", f"{label}: {path}")
            live, want = feed_live(path)
            self.assertEqual(live, want, f"{label}: {path}: the feed's live rows")
            self.assert_check(path, failing, label)
        self.assertEqual(feed_live(a)[0], feed_live(b)[0], label)
        self.assert_same_searches(a, b, words, label)

    def expected(self, db, word):
        """Every match of word as (id, url, archived, rank), in SQLite's
        order."""
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute(
                "SELECT a.id, a.url, a.is_archived, articles_fts.rank FROM articles_fts"
                " JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
                " ORDER BY a.is_archived DESC, articles_fts.rank", (quoted(word),)).fetchall()
        finally:
            con.close()

    def assert_page(self, db, word, full, n, offset, label):
        r = self.run_newsdb("search", "-n", str(n), "--offset", str(offset), "--format", "json",
                            "--", word, db=db)
        want = full[offset:offset + n] if n else full[offset:]
        if not want:
            self.assertEqual(r.code, 1, f"{label}: {word}: {r}")
            return
        self.assertEqual(r.code, 0, f"{label}: {word}: {r}")
        page = r.json()
        where = f"{label}: {db}: {word!r} -n {n} --offset {offset}"
        self.assertEqual(len(page), len(want), where)
        self.assertEqual(len({h["id"] for h in page}), len(page), f"{where}: a hit twice")
        of = {i: (url, arch, rank) for i, url, arch, rank in full}
        for h, (_, _, arch, rank) in zip(page, want):
            self.assertIn(h["id"], of, f"{where}: hit {h['id']} does not match")
            url, got_arch, got_rank = of[h["id"]]
            self.assertEqual(h["url"], url, where)
            # the hit sits where its own rank puts it (ties in any order)
            self.assertEqual((got_arch, got_rank), (arch, rank), f"{where}: hit {url}")
            self.assertAlmostEqual(h["rank"], rank, delta=abs(rank) * 1e-12,
                                   msg=f"{where}: shown rank of {url}")

    def assert_same_searches(self, a, b, words, label):
        many = 5 if self.one("SELECT count(*) FROM articles", db=a) < 100 else 20
        self.assertGreaterEqual(len(words), 5, label)
        past_a_page = 0
        for word in words:
            full = {}
            for path in (a, b):
                full[path] = self.expected(path, word)
                for n, offset in ((5, 0), (10, 10), (0, 0)):
                    self.assert_page(path, word, full[path], n, offset, label)
            # and both databases rank every match the same
            ra = sorted((url, arch, rank) for _, url, arch, rank in full[a])
            rb = sorted((url, arch, rank) for _, url, arch, rank in full[b])
            self.assertEqual([r[:2] for r in ra], [r[:2] for r in rb], f"{label}: {word}")
            for x, y in zip(ra, rb):
                self.assertAlmostEqual(x[2], y[2], delta=abs(x[2]) * 1e-12, msg=f"{label}: {word}: {x[0]}")
            past_a_page += len(ra) > many
        # some words match more rows than the first page (and, in the
        # larger corpora, than the second page and a list)
        self.assertGreaterEqual(past_a_page, 2, label)

    def words_of(self, db, seed, n=12):
        """Words of the corpus's titles and excerpts (split here, not by
        newsdb): the most common, some of middling frequency and rare ones."""
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        docs = {}
        try:
            for text in con.execute("SELECT coalesce(title, '') || ' ' || coalesce(excerpt, '')"
                                    " FROM articles"):
                for w in set(WORD.findall(text[0].lower())):
                    docs[w] = docs.get(w, 0) + 1
        finally:
            con.close()
        by_count = sorted(docs, key=lambda w: (-docs[w], w))
        self.assertGreater(len(by_count), 3 * n)
        rng = random.Random(seed)
        third = len(by_count) // 3
        return (by_count[:n // 3] + rng.sample(by_count[n // 3:third], n // 3)
                + rng.sample(by_count[2 * third:], n - 2 * (n // 3)))

    # --- the corpora ---------------------------------------------------------

    def test_data_folder(self):
        """The repository's samples, with the default settings (the
        database does not exist before the first import)."""
        root = os.path.realpath(DATA)
        files = walk_files(root)
        self.assertGreater(len(files), 20)
        bulk = self.bulk("bulk.db", root)
        one = self.one_by_one("one.db", files)
        self.assert_same(bulk, one, self.words_of(bulk, 1) + ["sensetime", "shortage"], "data/")

    def test_powerapps_corpus(self):
        root = os.path.realpath(CORPUS)
        if not os.path.isdir(root):
            self.skipTest(f"{root} is not there (the corpus beside the repository)")
        files = walk_files(root)
        self.assertGreater(len(files), 600)
        bulk = self.bulk("bulk.db", root, SHORT_LISTS)
        one = self.one_by_one("one.db", files, SHORT_LISTS)
        # the lists are there, in both, for the searches to read
        for db in (bulk, one):
            self.assertGreater(self.one("SELECT count(*) FROM _newsdb_terms WHERE listed = 5",
                                        db=db), 100)
        self.assert_same(bulk, one, self.words_of(bulk, 2, 15) + ["portal", "dataverse"],
                         "powerapps")

    def test_generated_same_urls_broken_and_moved_files(self):
        root = os.path.join(os.path.realpath(self.dir), "news")
        url_base = "https://bulk.example.com/news/"
        base = make_corpus(root, 240, url_base=url_base, per_dir=60)
        t0 = 1_640_000_000_000_000_000  # make_corpus's first mtime
        rng = random.Random(15)

        def write(rel, text, mtime_ns):
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb" if isinstance(text, bytes) else "w") as fh:
                fh.write(text)
            os.utime(path, ns=(mtime_ns, mtime_ns))
            return path

        def same_url(k, tag, year, url=None):
            return ("---\n"
                    f'title: "Revised {tag} of article {k} about subject{k % 37} gannet"\n'
                    f'excerpt: "A later take {tag} on {k}: puffin estuary"\n'
                    f'webUrl: "{url or url_base + str(k)}"\n'
                    f"publishedDateTime: {year}-06-{1 + k % 28:02d}T08:00:00Z\n"
                    "provider:\n"
                    f"  name: Provider {k % 13}\n"
                    f"  domain: www.prov{k % 13}.example.com\n"
                    "topics:\n"
                    f"  - Revision {tag}\n"
                    "images:\n"
                    f'  - url: "https://img.example.com/rev/{tag}/{k}.jpg"\n'
                    # the very related item make_corpus gives: a link-only
                    # article is the same whichever file names it last
                    "related:\n"
                    f'  - title: "Shared link {k % 250}"\n'
                    f'    excerpt: "A link-only article number {k % 250}"\n'
                    f'    webUrl: "https://links.example.net/r/{k % 250}"\n'
                    "    provider:\n"
                    "      name: Linker\n"
                    "      domain: links.example.net\n"
                    "---\n"
                    f"Body of the revision {tag} of {k}.\n")

        # the same URL in two files: the other one first ("a-") or last
        # ("z-") in walk order, newer or older than the original (whose
        # mtime is t0 + k s), its date in another year
        mtime = lambda k: t0 + k * 1_000_000_000
        dups = {}
        for k, where, newer, year in ((3, "a-early", True, 2019), (17, "a-early", False, 2018),
                                      (101, "z-late", True, 2020), (160, "z-late", False, 2017),
                                      (222, "a-early", True, 2021)):
            dups[k] = write(f"{where}/same-{k}.txt", same_url(k, f"r{k}", year),
                            mtime(k) + (10**12 if newer else -10**12))
        # three files of one URL, the middle one in walk order the newest;
        # the last spelled with a tracking parameter and an upper-case host
        write("a-early/triple-1.txt", same_url(50, "t1", 2016), mtime(50) + 2 * 10**12)
        write("z-late/triple-2.txt",
              same_url(50, "t2", 2015, "https://BULK.example.com/news/50?utm_source=feed"),
              mtime(50) - 10**12)
        # broken files: each a failed or skipped source
        failing = {
            write("broken/bad-yaml.txt", "---\ntitle: [unclosed\nwebUrl: https://bulk.example.com/x\n---\n", t0),
            write("broken/tab-indent.txt", "---\nprovider:\n\tname: Tab\n---\nbody\n", t0),
            write("broken/never-closed.txt", "---\ntitle: open\nwebUrl: https://bulk.example.com/open\n", t0),
            write("broken/no-url.txt", "---\ntitle: No identity\n---\nbody\n", t0),
            write("broken/nul-in-yaml.txt", "---\ntitle: \"a\\0b\"\nwebUrl: https://bulk.example.com/nul\n---\n", t0),
        }
        # binary junk (not starting with "---"), no front matter, nothing:
        # skipped, not failed
        write("broken/junk.bin", bytes([0x89]) + bytes(rng.randrange(256) for _ in range(3000)), t0)
        write("broken/no-front-matter.txt", "Just some notes, not an article.\n", t0)
        write("broken/empty.txt", "", t0)
        write("broken/junk-dashes.bin", b"---\n\xff\xfe\x00\x01binary\n---\n", t0)
        failing.add(os.path.join(root, "broken", "junk-dashes.bin"))

        files = walk_files(root)
        self.assertEqual(len(files), 240 + 5 + 2 + 9)
        words = (["quokka", "lighthouse", "gannet", "puffin", "estuary", "revision",
                  "subject5", "zebra3", "harbour7", "article"])

        # run 1: one by one, and a bulk import of the same folder
        one = self.one_by_one("one.db", files, SHORT_LISTS, failing)
        bulk1 = self.bulk("bulk1.db", root, SHORT_LISTS, failing)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE status = 'failed'", db=one),
                         len(failing))
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE status = 'skipped'", db=one), 3)
        # the newer file of each URL won, in both
        for k, path in dups.items():
            newer = os.stat(path).st_mtime_ns > mtime(k)
            title = self.one("SELECT title FROM articles WHERE url = ?", (url_base + str(k),), db=one)
            self.assertEqual(title.startswith("Revised"), newer, (k, title))
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (url_base + "50",), db=one),
                         "Revised t1 of article 50 about subject13 gannet")
        self.assertEqual(self.one("SELECT count(*) FROM sources s JOIN articles a ON a.id = s.article_id"
                                  " WHERE a.url = ?", (url_base + "50",), db=one), 3)
        self.assert_same(bulk1, one, words, "generated, run 1", failing)

        # between the runs: renamed, moved to another folder, moved and
        # edited (a new title and mtime: the same URL), and each file of two
        # same-URL pairs moved, the winner of one and the loser of the other
        moves = []

        def move(src, dst_rel, edit=None):
            dst = os.path.join(root, dst_rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            os.rename(src, dst)
            if edit:
                with open(dst, encoding="utf-8") as fh:
                    text = fh.read()
                with open(dst, "w", encoding="utf-8") as fh:
                    fh.write(text.replace('title: "a article', f'title: "{edit} a article', 1))
                t = os.stat(dst).st_mtime_ns + 5 * 10**12
                os.utime(dst, ns=(t, t))
            moves.append(dst)

        move(base[61], "d001/renamed-61.txt")
        move(base[130], "moved/a000130.txt")
        move(base[131], "a-early/first-now-131.txt")
        move(base[190], "moved/edited-190.txt", edit="Cormorant")
        move(dups[3], "moved/same-3.txt")      # the newer of URL 3
        move(base[160], "moved/a000160.txt")   # the newer of URL 160
        files2 = walk_files(root)
        self.assertEqual(len(files2), len(files))

        # run 2: the moved files one by one on the one-by-one database; the
        # whole folder again on the first bulk database (incremental); a
        # bulk import of the folder as it is now
        for path in sorted(moves, key=os.fsencode):
            r = self.import_ok(path, db=one)
            self.assertRegex(r.err, r"\b0 added, 0 updated\b.*, 1 moved\n", r)
        r = self.import_ok(root, db=one)
        self.assertRegex(r.err, r"\b0 added, 0 updated\b", r)
        self.assertNotRegex(r.err, r"moved", r)
        r = self.import_ok(root, db=bulk1)
        self.assertRegex(r.err, rf"\b0 added, 0 updated\b.*, {len(moves)} moved\n", r)
        bulk2 = self.bulk("bulk2.db", root, SHORT_LISTS, failing)
        # moved, not added: no source left at an old path
        for db in (one, bulk1):
            paths = {os.fsdecode(p) for (p,) in self.sql("SELECT CAST(path AS BLOB) FROM sources", db=db)}
            self.assertEqual(paths, set(files2), db)
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (url_base + "190",),
                                  db=bulk2), "Cormorant a article 190 about subject5 zebra1")
        words += ["cormorant"]
        self.assert_same(bulk2, one, words, "generated, run 2, one by one", failing)
        self.assert_same(bulk2, bulk1, words, "generated, run 2, bulk then incremental", failing)


if __name__ == "__main__":
    main()
