"""Exact ranking at any size (issue 12), as a property test.

A generated corpus of 20 000 files (scripts/gencorpus, Zipf words: common
words match thousands of rows, far more than a word's list holds) is
imported once.  Random queries (one to three words, common and rare,
phrases, prefixes, OR, -word, each with and without provider:, topic:,
since:/until:) are run page by page and each page is compared with what
SQLite itself gives for the same FTS5 expression and filters:

    SELECT ... FROM articles_fts JOIN articles a ... WHERE articles_fts MATCH ?
    ORDER BY a.is_archived DESC, rank

(FTS5's own bm25 with the weights of the rank option).  Ties may come in
either order, so a page matches when its (archived, rank) sequence is the
expected one and each hit really has the rank it is shown at.  The same
after an incremental round (files added, edited, moved, pruned), and after
an import killed with SIGKILL and run again; `newsdb check` passes after
each, and fails on ranking tables damaged by SQL.

The expected pages never come from newsdb: the FTS5 expression and the
SQL filters are written here from the query's parts.
"""
import atexit
import importlib.machinery
import json
import importlib.util
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

from e2e import BIN, WRAPPER, NewsdbTest, main

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
N_FILES = int(os.environ.get("NEWSDB_RANK_FILES", "20000"))
N_QUERIES = int(os.environ.get("NEWSDB_RANK_QUERIES", "2000"))
SEED = 7


def gencorpus():
    path = os.path.join(REPO, "scripts", "gencorpus")
    loader = importlib.machinery.SourceFileLoader("gencorpus", path)
    spec = importlib.util.spec_from_loader("gencorpus", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def quoted(word):
    return '"' + word.replace('"', '""') + '"'


class Query:
    """A query in newsdb's language and the same as FTS5 and SQL."""

    def __init__(self, text, match, where="", params=()):
        self.text, self.match, self.where, self.params = text, match, where, tuple(params)

    def __repr__(self):
        return f"{self.text!r} (MATCH {self.match!r}{' + ' + self.where if self.where else ''})"


_SHARED = {}


def generated(prefix, n, seed):
    """A folder removed at exit, and in it a corpus of n files of
    scripts/gencorpus with that seed: (folder, corpus)."""
    top = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, top, ignore_errors=True)
    corpus = os.path.join(top, "corpus")
    subprocess.run(["python3", os.path.join(REPO, "scripts", "gencorpus"), "-q", corpus,
                    str(n), "--seed", str(seed)], check=True)
    return top, corpus


def shared():
    """The corpus and its database, made once for every class here."""
    if not _SHARED:
        top, corpus = generated("newsdb-e2e-rank-", N_FILES, SEED)
        db = os.path.join(top, "news.db")
        p = subprocess.run([*WRAPPER, BIN, "--db", db, "import", "-q", corpus],
                           capture_output=True)
        if p.returncode not in (0, 1):
            raise RuntimeError(f"import failed: {p.returncode}\n{p.stderr.decode()[-2000:]}")
        _SHARED.update(corpus=corpus, db=db, world=gencorpus().world(SEED))
    return _SHARED


class RankDb(NewsdbTest):
    @classmethod
    def setUpClass(cls):
        s = shared()
        cls.corpus, cls.shared_db, cls.world = s["corpus"], s["db"], s["world"]

    def setUp(self):
        super().setUp()
        self.db = self.shared_db

    # --- queries ------------------------------------------------------------

    def vocabulary(self, rng):
        words = self.world.words
        common = [w for w in words[:60] if w.isalpha()]
        middle = [w for w in words[200:3000] if w.isalpha()]
        rare = [w for w in words[8000:20000] if w.isalpha()]
        return common, middle, rare

    def titles(self):
        if not hasattr(type(self), "_titles"):
            type(self)._titles = [t for (t,) in self.sql(
                "SELECT title FROM articles WHERE is_archived AND title GLOB '*[a-z] [a-z]*'"
                " ORDER BY url LIMIT 3000")]
        return type(self)._titles

    def filters(self):
        if not hasattr(type(self), "_filters"):
            domains = [d for (d,) in self.sql(
                "SELECT p.domain FROM providers p JOIN articles a ON a.provider_id = p.id"
                " GROUP BY p.domain ORDER BY count(*) DESC, p.domain LIMIT 40")]
            topics = self.sql(
                "SELECT t.name, t.name_key FROM topics t JOIN article_topics o ON o.topic_id = t.id"
                " GROUP BY t.id ORDER BY count(*) DESC, t.name_key LIMIT 40")
            type(self)._filters = (domains, topics)
        return type(self)._filters

    def random_filter(self, rng):
        """(newsdb text, SQL condition on `a`, parameters)."""
        domains, topics = self.filters()
        kind = rng.choice(("provider", "topic", "since", "until", "range"))
        if kind == "provider":
            d = rng.choice(domains[:5] if rng.random() < 0.5 else domains)
            return (f"provider:{d}",
                    "a.provider_id IN (SELECT id FROM providers WHERE domain = ?)", (d,))
        if kind == "topic":
            name, key = rng.choice(topics)
            return (f'topic:"{name}"',
                    "EXISTS (SELECT 1 FROM article_topics o JOIN topics t ON t.id = o.topic_id"
                    " WHERE o.article_id = a.id AND t.name_key = ?)", (key,))
        year = rng.randrange(2015, 2024)
        if kind == "since":
            return (f"since:{year}", "a.published_at >= ?", (f"{year}-01-01T00:00:00Z",))
        if kind == "until":
            return (f"until:{year}", "a.published_at < ?", (f"{year + 1}-01-01T00:00:00Z",))
        month = rng.randrange(1, 13)
        return (f"since:{year} until:{year + 1}-{month:02d}",
                "a.published_at >= ? AND a.published_at < ?",
                (f"{year}-01-01T00:00:00Z",
                 f"{year + 1 + month // 12}-{month % 12 + 1:02d}-01T00:00:00Z"))

    def random_query(self, rng):
        common, middle, rare = self.vocabulary(rng)

        def word():
            r = rng.random()
            return rng.choice(common if r < 0.5 else middle if r < 0.85 else rare)

        kind = rng.choice(("one", "one", "one", "two", "three", "phrase", "prefix", "or", "not"))
        if kind == "one":
            w = word()
            q = Query(w, quoted(w))
        elif kind in ("two", "three"):
            ws = [word() for _ in range(2 if kind == "two" else 3)]
            q = Query(" ".join(ws), " ".join(quoted(w) for w in ws))
        elif kind == "phrase":
            title = rng.choice(self.titles()).split()
            k = rng.randrange(len(title) - 1)
            pair = [x.strip(".,:;!?'\"()").lower() for x in title[k:k + 2]]
            if not all(p.isalpha() for p in pair):
                pair = [rng.choice(common), rng.choice(common)]
            q = Query('"' + " ".join(pair) + '"', quoted(" ".join(pair)))
        elif kind == "prefix":
            # three letters: no stem is shorter, so no alternatives are added
            w = rng.choice([w for w in common + middle if len(w) >= 4])[:3]
            q = Query(w + "*", quoted(w) + "*")
        elif kind == "or":
            a, b = word(), word()
            q = Query(f"{a} OR {b}", f"({quoted(a)} OR {quoted(b)})")
        else:
            a, b = rng.choice(common), word()
            if a == b:
                b = rng.choice(rare)
            q = Query(f"{a} -{b}", f"{quoted(a)} NOT {quoted(b)}")
        if rng.random() < 0.5:
            text, where, params = self.random_filter(rng)
            q = Query(q.text + " " + text, q.match, where, params)
        return q

    # --- comparing ----------------------------------------------------------

    def expected(self, con, q):
        """Every match of q as (id, archived, rank), in SQLite's order."""
        sql = ("SELECT a.id, a.is_archived, articles_fts.rank FROM articles_fts"
               " JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
               + (" AND " + q.where if q.where else "")
               + " ORDER BY a.is_archived DESC, articles_fts.rank")
        return con.execute(sql, (q.match, *q.params)).fetchall()

    def assert_page(self, q, full, page, n, offset, label):
        want = full[offset:offset + n]
        rank_of = {i: (arch, rank) for i, arch, rank in full}
        got_ids = [h["id"] for h in page]
        self.assertEqual(len(got_ids), len(want), f"{label}: {q} -n {n} --offset {offset}")
        self.assertEqual(len(set(got_ids)), len(got_ids), f"{label}: {q}: a hit twice")
        for h, (_, arch, rank) in zip(page, want):
            self.assertIn(h["id"], rank_of, f"{label}: {q}: hit {h['id']} does not match")
            got_arch, got_rank = rank_of[h["id"]]
            # the hit sits where its own rank puts it (ties in any order)
            self.assertEqual((got_arch, got_rank), (arch, rank),
                             f"{label}: {q} -n {n} --offset {offset}: hit {h['id']}")
            self.assertAlmostEqual(h["rank"], rank, delta=abs(rank) * 1e-13,
                                   msg=f"{label}: {q}: shown rank of {h['id']}")

    def check_queries(self, count, seed, label):
        rng = random.Random(seed)
        con = sqlite3.connect(self.db)
        checked = big = 0
        try:
            for _ in range(count):
                q = self.random_query(rng)
                full = self.expected(con, q)
                n = rng.choice((5, 10, 20))
                page_no = rng.randrange(3)
                offset = page_no * n
                r = self.run_newsdb("search", "-n", str(n), "--offset", str(offset),
                                    "--format", "json", "--", q.text)
                if not full[offset:offset + n]:
                    self.assertEqual(r.code, 1, f"{label}: {q}: {r}")
                    continue
                self.assertEqual(r.code, 0, f"{label}: {q}: {r}")
                self.assert_page(q, full, r.json(), n, offset, label)
                checked += 1
                big += len(full) > 2000
        finally:
            con.close()
        # most queries have a page to check, and about a quarter are common
        # ones past any list's length (a tenth is the floor: 62 of them hold 10)
        self.assertGreater(checked, count // 2, label)
        self.assertGreater(big, count // 10, label)

    def copy_shared_db(self):
        """A copy of the shared database for a test that changes it."""
        self.db = os.path.join(self.dir, "news.db")
        for suffix in ("", "-wal"):
            if os.path.exists(self.shared_db + suffix):
                shutil.copy(self.shared_db + suffix, self.db + suffix)

    def check_ok(self, label, files_may_be_gone=False):
        """newsdb check passes: with files_may_be_gone, files deleted but not
        yet pruned are the only problems it may name."""
        r = self.run_newsdb("check")
        problems = [line for line in r.out.splitlines()
                    if not (files_may_be_gone and line.startswith("missing-source: "))]
        self.assertEqual(problems, [], f"{label}: {r.err}")
        self.assertIn(r.code, (0, 1) if files_may_be_gone else (0,), label)


class ExactRanking(RankDb):
    def test_common_words_have_lists(self):
        # the structure under test is there: common words with lists far
        # shorter than their matches, and their counts are FTS5's own
        rows = self.sql("SELECT term, docs, listed FROM _newsdb_terms WHERE listed > 0")
        self.assertGreater(len(rows), 20)
        con = sqlite3.connect(self.db)
        con.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, articles_fts, row)")
        for term, docs, listed in rows:
            self.assertEqual(con.execute("SELECT doc FROM temp.v WHERE term = ?", (term,))
                             .fetchone()[0], docs, term)
            self.assertLess(listed, docs, term)
        con.close()
        self.assertGreater(max(d for _, d, _ in rows), 10000)

    def test_lists_hold_archived_rows_only(self):
        # a page puts archived matches first: a list is of archived rows,
        # as many as the word has up to the list's length
        self.assertEqual(self.one(
            "SELECT count(*) FROM _newsdb_rank_lists l JOIN articles a ON a.id = l.article"
            " WHERE a.is_archived = 0"), 0)
        self.assertGreater(self.one("SELECT count(*) FROM articles WHERE is_archived = 0"), 1000)
        con = sqlite3.connect(self.db)
        keep = 500
        for term, listed in con.execute(
                "SELECT term, listed FROM _newsdb_terms WHERE listed >= 0 ORDER BY docs LIMIT 20"):
            archived = con.execute(
                "SELECT count(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
                " WHERE articles_fts MATCH ? AND a.is_archived = 1", (quoted(term),)).fetchone()[0]
            self.assertEqual(listed, min(keep, archived), term)
        con.close()

    def test_random_queries_match_sqlite(self):
        # every match scored from its facet block (store_topk.c)
        self.assertEqual(self.one("SELECT value FROM _newsdb_meta WHERE key = 'blocks_state'"),
                         "ready")
        self.check_queries(N_QUERIES, 1, "fresh import")
        self.check_ok("fresh import")

    def test_exclusions_past_any_set(self):
        # words in more rows than an exclusion's set holds (20 000,
        # store_filter_sets.c), left out of common, middle and rare words,
        # a phrase and a prefix, alone and under providers that leave a list
        # too few rows: the page is still SQL's
        big = [t for (t,) in self.sql(
            "SELECT term FROM _newsdb_terms WHERE docs > 20000 AND term GLOB '[a-z]*'"
            " ORDER BY docs DESC LIMIT 2")]
        self.assertTrue(big, "no word past the sets' size in this corpus")
        common, middle, rare = self.vocabulary(random.Random(3))
        domains, _ = self.filters()
        rng = random.Random(5)
        con = sqlite3.connect(self.db)
        checked = 0
        try:
            for k in range(120):
                b = big[k % len(big)]
                kind = k % 5
                if kind == 3:
                    pair = [rng.choice(common), rng.choice(middle)]
                    left, match = '"' + " ".join(pair) + '"', quoted(" ".join(pair))
                elif kind == 4:
                    w = rng.choice([w for w in common + middle if len(w) >= 4])[:3]
                    left, match = w + "*", quoted(w) + "*"
                else:
                    w = rng.choice((common, middle, rare)[kind])
                    left, match = w, quoted(w)
                if b in left:
                    continue
                q = Query(f"{left} -{b}", f"{match} NOT {quoted(b)}")
                if k % 2:
                    d = rng.choice(domains)
                    q = Query(q.text + f" provider:{d}", q.match,
                              "a.provider_id IN (SELECT id FROM providers WHERE domain = ?)", (d,))
                full = self.expected(con, q)
                offset = (k % 3) * 10
                r = self.run_newsdb("search", "-n", "10", "--offset", str(offset),
                                    "--format", "json", "--", q.text)
                if not full[offset:offset + 10]:
                    self.assertEqual(r.code, 1, f"{q}: {r}")
                    continue
                self.assertEqual(r.code, 0, f"{q}: {r}")
                self.assert_page(q, full, r.json(), 10, offset, "big exclusion")
                checked += 1
        finally:
            con.close()
        self.assertGreater(checked, 50)


class WithoutBlocks(RankDb):
    """The facet blocks pending (a bulk import before its end, an upgraded
    database): lengths and archived flags come from the tables, by bound."""

    def setUp(self):
        super().setUp()
        self.copy_shared_db()
        con = sqlite3.connect(self.db)
        con.execute("UPDATE _newsdb_meta SET value = 'pending' WHERE key = 'blocks_state'")
        con.commit()
        con.close()

    def test_random_queries_match_sqlite(self):
        self.check_queries(N_QUERIES // 4, 7, "blocks pending")


class ShortLists(RankDb):
    """Lists of 20 rows for words in 100 or more: filters and later pages
    run past a list's end all the time, so the bound decides."""

    def setUp(self):
        super().setUp()
        self.copy_shared_db()
        con = sqlite3.connect(self.db)
        con.execute("INSERT INTO _newsdb_meta (key, value) VALUES ('rank_list_keep', 20),"
                    " ('rank_list_min_docs', 100)")
        con.commit()
        con.close()
        self.ok("optimize")
        self.assertGreater(self.one("SELECT count(*) FROM _newsdb_terms WHERE listed = 20"), 500)

    def test_random_queries_match_sqlite(self):
        self.check_queries(N_QUERIES // 4, 6, "short lists")
        self.check_ok("short lists")


class UpgradedFromSchema6(RankDb):
    """A database of schema 6, whose lists held rows known only from links:
    the upgrade drops the lists, and the next import builds them again."""

    def setUp(self):
        super().setUp()
        self.copy_shared_db()
        con = sqlite3.connect(self.db)
        # what version 6 allowed: a row known only from links in a list
        con.execute("INSERT INTO _newsdb_rank_lists (term_id, article, freq, length)"
                    " SELECT (SELECT min(id) FROM _newsdb_terms WHERE listed > 0),"
                    " (SELECT min(id) FROM articles WHERE is_archived = 0), 1, 1")
        con.execute("UPDATE _newsdb_terms SET listed = listed + 1"
                    " WHERE id = (SELECT min(id) FROM _newsdb_terms WHERE listed > 0)")
        con.execute("DROP TABLE _newsdb_block_ranks")  # schema 9's
        con.execute("PRAGMA user_version = 6")
        con.commit()
        con.close()

    def test_upgrade_rebuilds_the_lists(self):
        r = self.run_newsdb("search", "market")
        self.assertEqual(r.code, 1, r)
        self.assertIn("run 'newsdb import' to upgrade it", r.err)
        r = self.run_newsdb("import", "-q", self.corpus)
        self.assertIn(r.code, (0, 1), r.err[-500:])
        self.assertEqual(self.one("PRAGMA user_version"), 9)
        self.assertEqual(self.one("SELECT value FROM _newsdb_meta WHERE key = 'rank_state'"),
                         "ready")
        self.assertEqual(self.one(
            "SELECT count(*) FROM _newsdb_rank_lists l JOIN articles a ON a.id = l.article"
            " WHERE a.is_archived = 0"), 0)
        self.assertGreater(self.one("SELECT count(*) FROM _newsdb_rank_lists"), 10000)
        self.check_ok("upgraded from schema 6")
        self.check_queries(N_QUERIES // 8, 8, "upgraded from schema 6")


class AfterChanges(RankDb):
    """Changes, then queries: these tests change the shared database, so
    each makes its own copy."""

    def setUp(self):
        super().setUp()
        self.copy_shared_db()
        self.corpus_copy = os.path.join(self.dir, "corpus")
        shutil.copytree(self.corpus, self.corpus_copy)  # with the same mtimes
        # the copy's files are the files the database knows
        con = sqlite3.connect(self.db)
        con.execute("UPDATE sources SET path = ? || substr(path, ?)",
                    (self.corpus_copy, len(self.corpus) + 1))
        con.commit()
        con.close()

    def files(self):
        out = []
        for root, _, names in os.walk(self.corpus_copy):
            out += [os.path.join(root, n) for n in names if not n.startswith(".")]
        return sorted(out)

    def change_files(self, rng, share=0.05):
        """Adds, edits, moves and deletes about `share` of the files each."""
        files = self.files()
        k = int(len(files) * share)
        picked = rng.sample(files, 4 * k)
        added, edited, moved, deleted = (picked[i * k:(i + 1) * k] for i in range(4))
        words = self.world.words
        for i, path in enumerate(added):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            new = os.path.join(os.path.dirname(path), f"added-{i}.txt")
            url = f"https://added.example/{i}"
            for key in ("webUrl", "originalUrl"):
                text = text.replace(f"\n{key}:", f"\n{key}: \"{url}\"\n{key}Was:", 1)
            with open(new, "w", encoding="utf-8") as f:
                f.write(text)
        for path in edited:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            extra = " ".join(rng.choice(words[:300]) for _ in range(6))
            text = text.replace("\ntitle: ", f"\ntitle: {extra} ", 1) if "\ntitle: \"" not in text \
                else text.replace("\ntitle: \"", f"\ntitle: \"{extra} ", 1)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            os.utime(path, (time.time() + 5, time.time() + 5))
        for path in moved:
            os.rename(path, path + ".moved.txt")
        for path in deleted:
            os.remove(path)

    def test_incremental_round(self):
        rng = random.Random(11)
        self.change_files(rng)
        r = self.run_newsdb("import", "--prune", self.corpus_copy)
        self.assertIn(r.code, (0, 1), r.err[-500:])
        self.assertRegex(r.err, r"[1-9]\d* added, [1-9]\d* updated", r.err[-500:])
        self.check_ok("incremental")
        self.check_queries(N_QUERIES // 4, 2, "after add, edit, move, prune")

    def test_link_only_articles_get_their_files(self):
        # An article known only from links gets a file with the text it
        # had: only its archived flag changes.  It weighed most of the
        # word's rows; now archived, it must enter the word's list.
        con = sqlite3.connect(self.db)
        common = [t for (t,) in con.execute(
            "SELECT term FROM _newsdb_terms WHERE listed > 0 AND term GLOB '[a-z][a-z][a-z]*'"
            " ORDER BY docs DESC LIMIT 8")]
        picked = []
        for term in common:
            row = con.execute(
                "SELECT a.id, a.url, a.title, a.excerpt, a.published_at FROM articles_fts"
                " JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
                " AND a.is_archived = 0 AND a.body IS NULL AND a.title IS NOT NULL"
                " AND a.excerpt IS NOT NULL AND a.published_at IS NOT NULL"
                " ORDER BY articles_fts.rank LIMIT 1", (quoted(term),)).fetchone()
            if row and row[0] not in {p[0] for p in picked}:
                picked.append(row)
        con.close()
        self.assertGreater(len(picked), 3)
        for k, (_, url, title, excerpt, published) in enumerate(picked):
            with open(os.path.join(self.corpus_copy, f"link-only-{k}.txt"), "w",
                      encoding="utf-8") as f:
                f.write("---\n"
                        f"title: {json.dumps(title)}\n"
                        f"excerpt: {json.dumps(excerpt)}\n"
                        f"publishedDateTime: {published}\n"
                        f"webUrl: {json.dumps(url)}\n"
                        "---\n")
        r = self.run_newsdb("import", self.corpus_copy)
        self.assertIn(r.code, (0, 1), r.err[-500:])
        for article, _, title, excerpt, _ in picked:
            self.assertEqual(self.sql("SELECT is_archived, title, excerpt, body FROM articles"
                                      " WHERE id = ?", (article,)), [(1, title, excerpt, None)])
        self.check_ok("link-only articles archived")
        con = sqlite3.connect(self.db)
        try:
            for term in common:
                q = Query(term, quoted(term))
                full = self.expected(con, q)
                for offset in (0, 20):
                    r = self.run_newsdb("search", "-n", "20", "--offset", str(offset),
                                        "--format", "json", "--", term)
                    self.assertEqual(r.code, 0, r)
                    self.assert_page(q, full, r.json(), 20, offset, "link-only archived")
        finally:
            con.close()

    def test_killed_import_then_rerun(self):
        rng = random.Random(12)
        self.change_files(rng, share=0.1)
        env = dict(os.environ, NO_COLOR="1")
        env.pop("NEWSDB_DB", None)
        p = subprocess.Popen([*WRAPPER, BIN, "--db", self.db, "import", "--prune", "-q",
                              self.corpus_copy], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
        # kill it once some of its commits have landed, or after a while
        deadline = time.time() + 60
        start = self.one("SELECT count(*) FROM sources")
        while time.time() < deadline and p.poll() is None:
            time.sleep(0.05)
            try:
                if self.one("SELECT count(*) FROM sources") > start + 200:
                    break
            except (sqlite3.OperationalError, AssertionError):
                pass
        p.send_signal(signal.SIGKILL)
        p.wait()
        self.check_ok("after the kill", files_may_be_gone=True)
        self.check_queries(N_QUERIES // 8, 3, "after the kill")
        r = self.run_newsdb("import", "--prune", "-q", self.corpus_copy)
        self.assertIn(r.code, (0, 1), r)
        self.check_ok("after the re-run")
        self.check_queries(N_QUERIES // 8, 4, "after the kill and re-run")


class CheckSeesDamage(RankDb):
    def setUp(self):
        super().setUp()
        self.copy_shared_db()

    def damaged(self, sql, params=()):
        con = sqlite3.connect(self.db)
        con.execute(sql, params)
        con.commit()
        con.close()
        r = self.run_newsdb("check")
        self.assertEqual(r.code, 1, f"{sql}: {r}")
        self.assertRegex(r.out, r"(?m)^ranking: ", sql)
        self.ok("optimize")
        self.check_ok(f"optimize after {sql}")

    def heaviest(self):
        # the list entry of the most common word that scores best
        return self.one(
            "SELECT l.term_id, l.article FROM _newsdb_rank_lists l JOIN _newsdb_terms t"
            " ON t.id = l.term_id ORDER BY t.docs DESC, l.freq * 1.0 / (l.length + 10) DESC"
            " LIMIT 1")

    def test_deleted_list_row(self):
        self.damaged("DELETE FROM _newsdb_rank_lists WHERE term_id = ? AND article = ?",
                     self.heaviest())

    def test_changed_list_row(self):
        self.damaged("UPDATE _newsdb_rank_lists SET freq = freq + 4 WHERE term_id = ?"
                     " AND article = ?", self.heaviest())

    def test_list_row_no_longer_archived(self):
        term, article = self.heaviest()
        self.damaged("UPDATE articles SET is_archived = 0 WHERE id = ?", (article,))

    def test_changed_count(self):
        self.damaged("UPDATE _newsdb_terms SET docs = docs - 1 WHERE id = ?",
                     (self.heaviest()[0],))

    def test_deleted_word(self):
        self.damaged("DELETE FROM _newsdb_terms WHERE id = ?", (self.heaviest()[0],))

    def test_lowered_bound(self):
        self.damaged("UPDATE _newsdb_terms SET bound = bound / 2 WHERE id = ?",
                     (self.heaviest()[0],))

    def test_search_is_exact_on_damage_repaired(self):
        # damage, optimize, and the pages are SQLite's again
        self.damaged("DELETE FROM _newsdb_rank_lists WHERE term_id = ? AND article = ?",
                     self.heaviest())
        self.check_queries(100, 5, "after optimize")


if __name__ == "__main__":
    main()
