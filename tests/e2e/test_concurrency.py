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
"""
import os
import sqlite3
import subprocess
import threading
import time

from e2e import BIN, FIXTURES, SEEDS, WRAPPER, NewsdbTest, main
from test_crash import consistency_problems, dump_diff, make_corpus, natural_dump

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


if __name__ == "__main__":
    main()
