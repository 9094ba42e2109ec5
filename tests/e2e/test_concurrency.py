"""Concurrency, end to end: WAL readers during an import, a writer that
waits out the busy timeout (10 s) and then fails clearly, two imports at once.

Assumptions:
- A search during an import answers at once (WAL: readers never wait for
  the writer) with what was committed so far; asserted as "exit 0 or 1
  (no hit yet), never an error, and under 5 s each", plus a hit for an
  article committed before the import started.
- A reader never sees half a file: every snapshot taken from Python during
  the import satisfies the same invariants as after a crash.
- Two imports at once: each either finishes (exit 0) or fails with a
  busy/locked message (exit 1); afterwards the database is consistent, and
  running the imports again gives exactly what sequential imports give.
- The same for a bulk import (into an empty database: its secondary indexes
  dropped until its end, its ranking tables 'pending' until built at the
  end): the import is paused (SIGSTOP) while it holds the write lock, once
  after its first commit and once in its last phase (creating the indexes
  or building the ranking tables); meanwhile searches answer at once with
  exactly what SQLite gives for the committed state, and a second import
  waits out the busy timeout and fails clearly, changing nothing.  Resumed,
  the import ends as an uninterrupted one.
- A second import that gets the write lock between two commits of a bulk
  import (handed to it there) finishes the bulk import's pending work and
  imports its files; both end well, as the two imports one after the other
  (BulkImportInterleaved; its feed-log test is an expected failure, see
  there).
"""
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from e2e import BIN, FIXTURES, SEEDS, WRAPPER, NewsdbTest, main
from test_crash import (BULK_KEYS, PtyImport, bulk_state, consistency_problems, dump_diff, feed_live,
                        make_corpus, make_plain_corpus, natural_dump, schema_definitions)

BUSY_TIMEOUT = 10.0


class Concurrency(NewsdbTest):
    def popen_import(self, *paths, db=None):
        env = dict(os.environ, NO_COLOR="1")
        env.pop("NEWSDB_DB", None)
        return subprocess.Popen([*WRAPPER, BIN, "--db", db or self.db, "import", "--quiet", *paths],
                                cwd=self.dir, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)

    def test_search_answers_while_an_import_runs(self):
        self.ok("import", SEEDS)
        corpus = os.path.join(self.dir, "corpus")
        paths = make_corpus(corpus, 6000)
        seed_paths = [os.path.join(os.path.realpath(SEEDS), n) for n in os.listdir(SEEDS)]
        proc = self.popen_import(corpus)
        searches, problems, snapshots, progress = [], [], 0, []
        try:
            time.sleep(0.1)
            while proc.poll() is None:
                t = time.monotonic()
                r = self.run_newsdb("search", "SenseTime", "--format", "json", timeout=60)
                r2 = self.run_newsdb("search", "quokka lighthouse", "--limit", "3", timeout=60)
                dt = time.monotonic() - t
                running = proc.poll() is None
                searches.append((running, r.code, r2.code, round(dt, 2)))
                self.assertEqual(r.code, 0, r)
                self.assertEqual(r.json()[0]["url"],
                                 "https://siliconangle.com/2021/12/29/chinas-largest-ai-firm-sensetime-raises-700m-hong-kong-ipo/")
                self.assertIn(r2.code, (0, 1), r2)
                self.assertNotIn("error", r2.err.lower(), r2)
                self.assertLess(dt, 5.0, "a search waited for the writer")
                # what a reader sees is whole files only
                con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=1)
                try:
                    con.execute("BEGIN")
                    n = con.execute("SELECT count(*) FROM sources").fetchone()[0]
                    bad = con.execute(
                        "SELECT count(*) FROM articles a WHERE is_archived = 1 AND NOT EXISTS"
                        " (SELECT 1 FROM sources s WHERE s.article_id = a.id)").fetchone()[0]
                    bad += con.execute(
                        "SELECT count(*) FROM sources s WHERE status = 'ok' AND NOT EXISTS"
                        " (SELECT 1 FROM article_topics o WHERE o.article_id = s.article_id)"
                        " AND s.path NOT LIKE '%/seeds/%'").fetchone()[0]
                    con.execute("COMMIT")
                finally:
                    con.close()
                snapshots += 1
                progress.append(n)
                if bad:
                    problems.append(f"{bad} half files visible with {n} sources")
            _, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(proc.returncode, 0, err.decode())
        during = [s for s in searches if s[0]]
        self.assertGreaterEqual(len(during), 3,
                                f"the import ended before 3 searches could run during it: {searches}")
        self.assertEqual(problems, [])
        self.assertEqual(progress, sorted(progress), "sources only ever grow")
        self.assertEqual(consistency_problems(self.db, paths + seed_paths), [])
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE status = 'ok'"),
                         6000 + len(seed_paths))
        hits = self.ok("search", "quokka", "lighthouse", "--limit", "5", "--format", "json").json()
        self.assertEqual(len(hits), 5)

    def test_second_writer_waits_then_fails_clearly(self):
        """A write lock held from Python (BEGIN IMMEDIATE) for longer than
        the 10 s busy timeout: newsdb import waits, then exits 1 with one
        message saying the database is busy/locked, and changes nothing."""
        self.ok("import", SEEDS)
        before = natural_dump(self.db)
        valid = os.path.join(FIXTURES, "valid")
        holder = sqlite3.connect(self.db, isolation_level=None, timeout=0)
        try:
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE articles SET title = title WHERE 0")
            t0 = time.monotonic()
            r = self.run_newsdb("import", valid, timeout=BUSY_TIMEOUT * 3)
            waited = time.monotonic() - t0
            # still holding: nobody else got in
            self.assertTrue(holder.in_transaction)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.err.lower(), r"busy|locked", r)
        self.assertEqual(len([ln for ln in r.err.splitlines() if ln.startswith("newsdb: error")]),
                         1, r)
        self.assertGreaterEqual(waited, BUSY_TIMEOUT * 0.9, "it did not wait for the busy timeout")
        self.assertLess(waited, BUSY_TIMEOUT * 2.5, "it waited far beyond the busy timeout")
        self.assertEqual(natural_dump(self.db), before, "a failed writer changed the database")
        self.assertEqual(consistency_problems(self.db), [])
        # once the lock is gone, the same import works
        self.ok("import", valid)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE status = 'ok'"),
                         len(before["sources"]) + len(os.listdir(valid)))

    def test_two_imports_at_once_both_end_consistent(self):
        a_dir = os.path.join(self.dir, "a")
        b_dir = os.path.join(self.dir, "b")
        a_paths = make_corpus(a_dir, 2500, prefix="a", url_base="https://conc.example.com/a/")
        b_paths = make_corpus(b_dir, 2500, prefix="b", url_base="https://conc.example.com/b/")
        ref_db = os.path.join(self.dir, "ref.db")
        self.ok("import", "--quiet", a_dir, db=ref_db)
        self.ok("import", "--quiet", b_dir, db=ref_db)
        ref = natural_dump(ref_db)

        for case, dirs in (("different folders", (a_dir, b_dir)), ("the same folder", (a_dir, a_dir))):
            with self.subTest(case=case):
                db = os.path.join(self.dir, f"two-{len(set(dirs))}.db")
                procs = [self.popen_import(d, db=db) for d in dirs]
                results = []
                for p in procs:
                    try:
                        _, err = p.communicate(timeout=120)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        _, err = p.communicate()
                    results.append((p.returncode, err.decode("utf-8", "replace")))
                for code, err in results:
                    self.assertIn(code, (0, 1), err)
                    if code:
                        self.assertRegex(err.lower(), r"busy|locked", err)
                self.assertEqual(consistency_problems(db, a_paths + b_paths, ref), [], results)
                chk = self.run_newsdb("check", db=db)
                self.assertEqual(chk.code, 0, chk)
                # running them again (one after the other) completes the job
                for d in dict.fromkeys(dirs):
                    self.ok("import", "--quiet", d, db=db)
                want = ref if len(set(dirs)) == 2 else natural_dump(self.single(a_dir))
                got = natural_dump(db)
                self.assertEqual(got, want, dump_diff(got, want))

    def single(self, folder):
        db = os.path.join(self.dir, "single.db")
        if not os.path.exists(db):
            self.ok("import", "--quiet", folder, db=db)
        return db

    def test_concurrent_readers_and_writer_from_threads(self):
        """Several searches in parallel threads during an import: none fails."""
        self.ok("import", SEEDS)
        corpus = os.path.join(self.dir, "corpus")
        make_corpus(corpus, 3000)
        proc = self.popen_import(corpus)
        failures, count = [], [0]
        lock = threading.Lock()

        def reader():
            while proc.poll() is None:
                r = self.run_newsdb("search", "SenseTime", timeout=60)
                with lock:
                    count[0] += 1
                    if r.code != 0:
                        failures.append(repr(r))

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        _, err = proc.communicate(timeout=120)
        for t in threads:
            t.join()
        self.assertEqual(proc.returncode, 0, err.decode())
        self.assertEqual(failures, [])
        self.assertGreater(count[0], 3)
        self.assertEqual(self.one("SELECT count(*) FROM sources"), 3000 + len(os.listdir(SEEDS)))


class BulkImport(NewsdbTest):
    """Readers and a second writer during a bulk import."""

    # more than the 10 000 files of a bulk import's commit: one commit comes
    # before the end of the walk
    N_FILES = 12000
    # (newsdb query, FTS5 expression, SQL filter on `a`, its parameters)
    QUERIES = (
        ("quokka lighthouse", '"quokka" "lighthouse"', "", ()),
        ("harbour7", '"harbour7"', "", ()),
        ("zebra3 subject5", '"zebra3" "subject5"', "", ()),
        # read by articles_by_provider, which a bulk import drops until its end
        ("lighthouse provider:prov3.example.com", '"lighthouse"',
         "a.provider_id IN (SELECT id FROM providers WHERE domain = ?)", ("prov3.example.com",)),
        # link-only articles come after the archived ones
        ("link", '"link"', "", ()),
    )

    def fresh(self, db, empty):
        """An empty database (the next import is a bulk import) whose words
        in 2 rows or more get ranking lists: a ranking build that lasts."""
        self.ok("import", "--quiet", empty, db=db)
        con = sqlite3.connect(db)
        con.execute("INSERT OR REPLACE INTO _newsdb_meta (key, value) VALUES ('rank_list_min_docs', 2)")
        con.commit()
        con.close()
        self.assertEqual(bulk_state(db), ([], "ready", 0))
        self.assertEqual(self.one("SELECT count(*) FROM articles", db=db), 0)

    def holds_write_lock(self):
        con = sqlite3.connect(self.db, timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            self.assertRegex(str(e), "locked|busy")
            return True
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
            con.close()
        return False

    def pause(self, proc, label):
        """Stops the import while it holds the write lock (between two of
        its transactions it holds none: then it goes on a few ms)."""
        for _ in range(200):
            self.assertIsNone(proc.poll(), f"{label}: the import ended before it could be paused")
            proc.send_signal(signal.SIGSTOP)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                with open(f"/proc/{proc.pid}/stat") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] == "T":
                        break
                time.sleep(0.001)
            if self.holds_write_lock():
                return
            proc.send_signal(signal.SIGCONT)
            time.sleep(0.003)
        self.fail(f"{label}: the import never held the write lock")

    def expected(self, con, match, where, params):
        return con.execute(
            "SELECT a.id, a.is_archived, articles_fts.rank FROM articles_fts"
            " JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
            + (" AND " + where if where else "")
            + " ORDER BY a.is_archived DESC, articles_fts.rank", (match, *params)).fetchall()

    def committed(self):
        """What the last commit holds: (index keys, rank_state, sources),
        and every query's matches in SQLite's order; read in one snapshot."""
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            con.execute("BEGIN")
            if con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sources'").fetchone()[0] == 0:
                return None, {}
            state = (tuple(k for (k,) in con.execute(
                         "SELECT key FROM _newsdb_meta WHERE key GLOB 'index:*'"
                         " OR key = 'feed_pending' ORDER BY key")),
                     con.execute("SELECT value FROM _newsdb_meta WHERE key = 'rank_state'").fetchone()[0],
                     con.execute("SELECT count(*) FROM sources").fetchone()[0])
            matches = {q[0]: self.expected(con, *q[1:]) for q in self.QUERIES}
            con.execute("COMMIT")
            return state, matches
        finally:
            con.close()

    def search_round(self, label, exact=False):
        """Each query searched once: an answer at once, never an error.
        When the committed state is the same before and after (always while
        the import is paused: exact=True insists), the page is SQLite's for
        that state: the same hits in the same order (ties in any order),
        each with its own rank."""
        before, want = self.committed()
        pages = []
        for text, *_ in self.QUERIES:
            t = time.monotonic()
            r = self.run_newsdb("search", "-n", "10", "--format", "json", "--", text, timeout=60)
            dt = time.monotonic() - t
            self.assertLess(dt, 5.0, f"{label}: a search waited for the writer: {text}")
            self.assertIn(r.code, (0, 1), f"{label}: {text}: {r}")
            self.assertNotIn("error", r.err.lower(), f"{label}: {text}: {r}")
            pages.append((text, r))
        after, _ = self.committed()
        if exact:
            self.assertEqual(before, after, f"{label}: the paused import committed")
        if before != after:
            return before, False
        for text, r in pages:
            full = want[text]
            if not full:
                self.assertEqual(r.code, 1, f"{label}: {text}: {r}")
                self.assertEqual(r.json(), [], f"{label}: {text}")
                continue
            self.assertEqual(r.code, 0, f"{label}: {text}: {r}")
            page, rank_of = r.json(), {i: (arch, rank) for i, arch, rank in full}
            self.assertEqual(len(page), min(10, len(full)), f"{label}: {text}")
            for h, (_, arch, rank) in zip(page, full):
                self.assertIn(h["id"], rank_of, f"{label}: {text}: hit {h['id']} does not match")
                self.assertEqual(rank_of[h["id"]], (arch, rank), f"{label}: {text}: hit {h['id']}")
                self.assertAlmostEqual(h["rank"], rank, delta=abs(rank) * 1e-12, msg=f"{label}: {text}")
        return before, True

    def while_paused(self, label):
        """Searches, then a second import, while the import is paused
        holding the write lock."""
        for _ in range(2):
            state, _ = self.search_round(label, exact=True)
        before = natural_dump(self.db)
        t0 = time.monotonic()
        r = self.run_newsdb("import", os.path.join(FIXTURES, "valid"), timeout=BUSY_TIMEOUT * 3)
        waited = time.monotonic() - t0
        self.assertTrue(self.holds_write_lock(), f"{label}: the paused import lost its lock")
        self.assertEqual(r.code, 1, f"{label}: {r}")
        self.assertRegex(r.err.lower(), r"busy|locked", f"{label}: {r}")
        self.assertEqual(len([ln for ln in r.err.splitlines() if ln.startswith("newsdb: error")]), 1,
                         f"{label}: {r}")
        self.assertNotRegex(r.err, r"(?i)assert|abort|sanitizer|segmentation", r)
        self.assertGreaterEqual(waited, BUSY_TIMEOUT * 0.9, f"{label}: it did not wait for the busy timeout")
        self.assertLess(waited, BUSY_TIMEOUT * 2.5, f"{label}: it waited far beyond the busy timeout")
        self.assertEqual(natural_dump(self.db), before, f"{label}: a failed writer changed the database")
        self.assertEqual(self.search_round(label, exact=True)[0], state)
        if os.environ.get("NEWSDB_E2E_VERBOSE"):
            print(f"\n{label}: the second import waited {waited:.1f}s: {r.err.strip()}")
        return state

    def test_bulk_import_readers_answer_second_import_fails_clearly(self):
        corpus = os.path.join(self.dir, "corpus")
        paths = make_corpus(corpus, self.N_FILES)
        empty = os.path.join(self.dir, "empty")
        os.mkdir(empty)
        ref_db = os.path.join(self.dir, "ref.db")
        self.fresh(ref_db, empty)
        self.ok("import", "--quiet", corpus, db=ref_db)
        ref = natural_dump(ref_db)
        self.fresh(self.db, empty)

        run = PtyImport([*WRAPPER, BIN, "--db", self.db, "import", corpus], self.dir)
        proc = run.proc
        rounds = exact_rounds = 0
        states = []
        try:
            # 1. after its first commit, while it walks on
            deadline = time.monotonic() + 300
            while self.committed()[0][2] == 0 and time.monotonic() < deadline:
                self.assertIsNone(proc.poll(), "the import ended before its first commit was seen")
                _, was_exact = self.search_round("before the first commit")
                rounds += 1
                exact_rounds += was_exact
                time.sleep(0.02)
            self.pause(proc, "after the first commit")
            states.append(self.while_paused("after the first commit"))
            proc.send_signal(signal.SIGCONT)
            # 2. in its last phase: creating the indexes or building the
            # ranking tables
            self.assertTrue(run.note.wait(300), "the import never started its last phase")
            self.pause(proc, "in the last phase")
            states.append(self.while_paused("in the last phase"))
            proc.send_signal(signal.SIGCONT)
            while proc.poll() is None:
                _, was_exact = self.search_round("at the end")
                rounds += 1
                exact_rounds += was_exact
            proc.wait(timeout=300)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
            run.kill()
        self.assertEqual(proc.returncode, 0, run.text()[-3000:])
        # paused after a commit of part of the files: the indexes dropped,
        # the feed's log and the ranking tables to come
        keys, rank_state, n = states[0]
        self.assertEqual(list(keys), BULK_KEYS, states)
        self.assertEqual(rank_state, "pending", states)
        self.assertTrue(0 < n < self.N_FILES, states)
        # paused in the last phase: every file committed, the ranking
        # tables still pending
        self.assertEqual(states[1][1:], ("pending", self.N_FILES), states)
        self.assertGreater(rounds, 3, "too few searches while the import ran")
        self.assertGreater(exact_rounds, 0, "no search could be checked against a commit")
        # and the import ended as an uninterrupted one
        got = natural_dump(self.db)
        self.assertEqual(got, ref, dump_diff(got, ref))
        self.assertEqual(schema_definitions(self.db), schema_definitions(ref_db))
        self.assertEqual(bulk_state(self.db), ([], "ready", self.N_FILES))
        live, archived = feed_live(self.db)
        self.assertEqual(live, archived)
        self.assertEqual(live, feed_live(ref_db)[0])
        self.assertEqual(consistency_problems(self.db, paths), [])
        self.assertEqual(self.run_newsdb("check").code, 0)
        if os.environ.get("NEWSDB_E2E_VERBOSE"):
            print(f"\npaused at {states}; {rounds} search rounds, {exact_rounds} checked exactly")


class BulkImportInterleaved(NewsdbTest):
    """A second import that gets the write lock between two commits of a
    bulk import: right after its first commit (of 10 000 files), where
    Python takes the lock and hands it on, so that it happens every time.
    The second import finds the bulk import's marks: it creates the
    indexes, writes the feed's change log of what was committed, forgets
    the marks, imports its own files and builds the ranking tables.  Then
    the bulk import goes on with its last files.  Both must end well, the
    database be what the two imports give one after the other, with a feed
    log that holds every archived article.

    Run once for the class; each test reads what it left."""

    N_PLAIN = 10000  # the files of a bulk import's first commit
    N_FILES = 400    # and more, of make_corpus()

    ATTEMPTS = 4

    @classmethod
    def setUpClass(cls):
        # the lock is free for an instant only between two commits: when the
        # loop got it only after the last one (all files in), the scenario is
        # run again, in a new folder
        for attempt in range(cls.ATTEMPTS):
            cls.top = tempfile.mkdtemp(prefix="newsdb-e2e-interleaved-")
            try:
                cls.scenario()
            except BaseException:
                shutil.rmtree(cls.top, ignore_errors=True)
                raise
            if 0 < cls.at_gap[2] < len(cls.paths) or attempt == cls.ATTEMPTS - 1:
                return
            shutil.rmtree(cls.top, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.top, ignore_errors=True)

    @classmethod
    def newsdb(cls, db, *args, prefix=()):
        env = dict(os.environ, NO_COLOR="1")
        env.pop("NEWSDB_DB", None)
        return subprocess.Popen([*prefix, *WRAPPER, BIN, "--db", db, *args], cwd=cls.top, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @classmethod
    def run_ok(cls, db, *args):
        p = cls.newsdb(db, *args)
        _, err = p.communicate(timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"newsdb {args}: exit {p.returncode}: {err.decode()[-2000:]}")

    @classmethod
    def scenario(cls):
        corpus = os.path.join(cls.top, "corpus")
        cls.paths = (make_plain_corpus(os.path.join(corpus, "a"), cls.N_PLAIN)
                     + make_corpus(os.path.join(corpus, "b"), cls.N_FILES))
        cls.valid = os.path.join(FIXTURES, "valid")
        empty = os.path.join(cls.top, "empty")
        os.mkdir(empty)
        cls.ref_db = os.path.join(cls.top, "ref.db")
        cls.shared_db = os.path.join(cls.top, "news.db")
        for db in (cls.ref_db, cls.shared_db):
            cls.run_ok(db, "import", "--quiet", empty)
        cls.run_ok(cls.ref_db, "import", "--quiet", corpus)
        cls.run_ok(cls.ref_db, "import", "--quiet", cls.valid)

        # at the lowest priority, so that the loop below runs when it commits
        first = cls.newsdb(cls.shared_db, "import", "--quiet", corpus, prefix=("nice", "-n", "19"))
        second = None
        holder = sqlite3.connect(cls.shared_db, timeout=0, isolation_level=None)
        try:
            # the first import's first transaction has begun...
            deadline = time.monotonic() + 60
            while True:
                try:
                    holder.execute("BEGIN IMMEDIATE")
                    holder.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    break
                if first.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the import ended, or never began")
            # ...and the lock is free again only between two of its commits
            # (or before its first transaction, after what opening did)
            while True:
                try:
                    holder.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:
                    if first.poll() is not None:
                        raise RuntimeError("the import ended before its first commit")
                    continue
                if holder.execute("SELECT count(*) FROM sources").fetchone()[0]:
                    break
                holder.execute("ROLLBACK")
            cls.at_gap = bulk_state(cls.shared_db)
            second = cls.newsdb(cls.shared_db, "import", "--quiet", cls.valid)
            time.sleep(1.0)  # it waits for the lock, as the first one does
            first.send_signal(signal.SIGSTOP)
            holder.execute("ROLLBACK")
            holder.close()
            _, err = second.communicate(timeout=120)
            cls.second = (second.returncode, err.decode("utf-8", "replace"))
            first.send_signal(signal.SIGCONT)
            _, err = first.communicate(timeout=600)
            cls.first = (first.returncode, err.decode("utf-8", "replace"))
        finally:
            for proc in (first, second):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGCONT)
                    proc.kill()
                    proc.wait()

    def test_both_end_as_one_after_the_other(self):
        keys, state, n = self.at_gap
        self.assertEqual((keys, state), (BULK_KEYS, "pending"), "not between two commits")
        self.assertTrue(0 < n < len(self.paths), f"not between two commits: {n} sources")
        self.assertEqual(self.second[0], 0, self.second[1])
        self.assertEqual(self.first[0], 0, self.first[1])
        ref = natural_dump(self.ref_db)
        got = natural_dump(self.shared_db)
        self.assertEqual(got, ref, dump_diff(got, ref))
        self.assertEqual(schema_definitions(self.shared_db), schema_definitions(self.ref_db))
        self.assertEqual(bulk_state(self.shared_db), ([], "ready", len(ref["sources"])))
        valid_paths = [os.path.join(os.path.realpath(self.valid), n) for n in os.listdir(self.valid)]
        self.assertEqual(consistency_problems(self.shared_db, self.paths + valid_paths), [])
        self.assertEqual(self.run_newsdb("check", db=self.shared_db).code, 0)

    def test_feed_log_holds_every_article(self):
        """The bulk import's later files are in the log too: each of its
        transactions sees that the other import wrote the log of what was
        committed (store_bulk_still_pending), and writes its own articles'
        entries from then on."""
        live, archived = feed_live(self.shared_db)
        self.assertEqual(len(live), len(archived), "the feed's change log misses articles")
        self.assertEqual(live, archived)

if __name__ == "__main__":
    main()
