"""Crash safety, end to end: kill -9 at random points of a large import, a
full disk, a read-only database file.

What is asserted after every interruption (on a byte copy of the database
and its -wal, so that the next import still meets the raw crashed state):
PRAGMA integrity_check, foreign_key_check, the FTS5 'integrity-check' of both
full-text indexes and `newsdb check` all pass; every source present is a
file of the corpus and is exactly what an uninterrupted import records for
it, with its whole article (row, topics, images, related links); no archived
article lacks a source and no link-only article lacks the link that made it
(so no half file is ever visible).  After a re-run the database is identical,
row by row by natural keys, to an uninterrupted import.

Assumption: "committed before" cannot be observed from outside, so it is
checked as "every file present is complete and correct"; files that are
absent are simply the ones the re-run adds.

Also home of the shared helpers make_corpus() and natural_dump(), used by
test_concurrency.py.
"""
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

from e2e import BIN, FIXTURES, SEEDS, WRAPPER, NewsdbTest, main

SEED = 20211230


# --------------------------------------------------------------------------
# shared helpers

def make_corpus(root, n, *, prefix="a", url_base="https://crash.example.com/news/",
                per_dir=100, mtime_base=1_640_000_000_000_000_000):
    """Writes n small, valid, distinct article files under root (per_dir per
    sub-folder, fixed-width names so that byte order is walk order), each with
    a provider, two topics, an image and two related items (one a shared
    link-only article, one the next file of the corpus).  Fixed mtimes.
    Returns the sorted list of absolute paths."""
    root = os.path.abspath(root)
    paths = []
    for i in range(n):
        sub = os.path.join(root, f"d{i // per_dir:03d}")
        if i % per_dir == 0:
            os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"{prefix}{i:06d}.txt")
        nxt = (i + 1) % n
        text = (
            "---\n"
            f'title: "{prefix} article {i} about subject{i % 37} zebra{i % 7}"\n'
            f'excerpt: "Excerpt of {prefix} {i}: quokka harbour{i % 19} lighthouse"\n'
            f'webUrl: "{url_base}{i}"\n'
            f"publishedDateTime: 2021-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00Z\n"
            "type: article\n"
            f"quality: {i % 200}\n"
            f"heat: {(i % 9) - 1}\n"
            f"published: {'true' if i % 3 else 'false'}\n"
            "provider:\n"
            f"  name: Provider {i % 13}\n"
            f"  domain: www.prov{i % 13}.example.com\n"
            "topics:\n"
            f"  - Topic {i % 37}\n"
            f"  - Theme {i % 11}\n"
            "images:\n"
            f'  - url: "https://img.example.com/{prefix}/{i}.jpg"\n'
            f"    width: {100 + i % 50}\n"
            "    height: 50\n"
            "    isCached: true\n"
            "related:\n"
            f'  - title: "Shared link {i % 250}"\n'
            f'    excerpt: "A link-only article number {i % 250}"\n'
            f'    webUrl: "https://links.example.net/r/{i % 250}"\n'
            "    provider:\n"
            "      name: Linker\n"
            "      domain: links.example.net\n"
            f'  - title: "Next of {prefix}"\n'
            f'    webUrl: "{url_base}{nxt}"\n'
            f'secured: "s{i}"\n'
            f"customKey: {i}\n"
            "---\n"
            f"Body of {prefix} {i}.\n"
        )
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        t = mtime_base + i * 1_000_000_000
        os.utime(path, ns=(t, t))
        paths.append(path)
    return sorted(paths)


NATURAL_QUERIES = {
    "articles": """
        SELECT a.url, a.web_url, a.original_url, a.amp_url, a.cdn_amp_url, a.title,
               a.excerpt, a.body, a.category, a.type, a.published_at, a.quality, a.heat,
               a.is_published, a.featured_content, p.domain, p.name_key, a.extra,
               a.is_archived
        FROM articles a LEFT JOIN providers p ON p.id = a.provider_id""",
    "providers": "SELECT domain, name_key, name FROM providers",
    "topics": "SELECT name_key, name FROM topics",
    "images": "SELECT url, width, height, is_cached FROM images",
    "provider_images": """
        SELECT p.domain, p.name_key, o.position, i.url FROM provider_images o
        JOIN providers p ON p.id = o.provider_id JOIN images i ON i.id = o.image_id""",
    "article_topics": """
        SELECT a.url, o.position, t.name_key FROM article_topics o
        JOIN articles a ON a.id = o.article_id JOIN topics t ON t.id = o.topic_id""",
    "article_images": """
        SELECT a.url, o.position, i.url FROM article_images o
        JOIN articles a ON a.id = o.article_id JOIN images i ON i.id = o.image_id""",
    "related_links": """
        SELECT a.url, r.position, b.url FROM related_links r
        JOIN articles a ON a.id = r.article_id JOIN articles b ON b.id = r.related_article_id""",
    "sources": """
        SELECT CAST(s.path AS BLOB), s.size, s.mtime_ns, s.hash, s.status, s.message, a.url
        FROM sources s LEFT JOIN articles a ON a.id = s.article_id""",
}


def _sort_key(row):
    return tuple((v is None, type(v).__name__, v if v is not None else 0) for v in row)


def natural_dump(db, immutable=False):
    """Every row of every table, ids replaced by natural keys, sorted.
    immutable: for a file on read-only media (no -shm can be made)."""
    con = sqlite3.connect(f"file:{db}?mode=ro" + ("&immutable=1" if immutable else ""), uri=True)
    try:
        return {t: sorted(con.execute(q).fetchall(), key=_sort_key)
                for t, q in NATURAL_QUERIES.items()}
    finally:
        con.close()


def dump_diff(a, b, limit=5):
    """A short description of how two natural dumps differ."""
    out = []
    for t in NATURAL_QUERIES:
        sa, sb = set(a[t]), set(b[t])
        if sa != sb or len(a[t]) != len(b[t]):
            out.append(f"{t}: {len(a[t])} vs {len(b[t])} rows; only left {sorted(sa - sb, key=_sort_key)[:limit]};"
                       f" only right {sorted(sb - sa, key=_sort_key)[:limit]}")
    return "\n".join(out) or "no difference"


def snapshot(db, into):
    """A byte copy of db and its -wal (not -shm: it is rebuilt), as a crash
    leaves them; returns the copy's path, or None when there is no db."""
    if not os.path.exists(db):
        return None
    os.makedirs(into, exist_ok=True)
    copy = os.path.join(into, os.path.basename(db))
    for suffix in ("-wal", "-shm", "-journal", ""):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)
    shutil.copyfile(db, copy)
    if os.path.exists(db + "-wal"):
        shutil.copyfile(db + "-wal", copy + "-wal")
    return copy


def has_schema(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sources'").fetchone()[0] == 1
    finally:
        con.close()


def consistency_problems(db, corpus_paths=None, ref=None):
    """SQLite, FTS and newsdb-level invariants of a database that may have
    been interrupted; [] when all hold.  ref: natural_dump of a complete
    import of the same files, to compare each present file against."""
    problems = []
    con = sqlite3.connect(db, isolation_level=None)
    con.text_factory = bytes
    try:
        ic = con.execute("PRAGMA integrity_check").fetchall()
        if ic != [(b"ok",)]:
            problems.append(f"integrity_check: {ic[:5]}")
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {fk[:5]}")
        if con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sources'").fetchone()[0] == 0:
            return problems  # killed before the schema was committed: an empty database
        for fts in ("articles_fts", "articles_trigram"):
            try:
                con.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as e:
                problems.append(f"{fts} integrity-check: {e}")
        n = con.execute("SELECT count(*) FROM articles a WHERE is_archived = 1 AND NOT EXISTS"
                        " (SELECT 1 FROM sources s WHERE s.article_id = a.id)").fetchone()[0]
        if n:
            problems.append(f"{n} archived articles without a source")
        n = con.execute("SELECT count(*) FROM articles a WHERE is_archived = 0 AND NOT EXISTS"
                        " (SELECT 1 FROM related_links r WHERE r.related_article_id = a.id)"
                        " AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.article_id = a.id)").fetchone()[0]
        if n:
            problems.append(f"{n} link-only articles without the link that made them")
        n = con.execute("SELECT count(*) FROM sources s WHERE status = 'ok' AND (article_id IS NULL"
                        " OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id"
                        " AND a.is_archived = 1))").fetchone()[0]
        if n:
            problems.append(f"{n} ok sources without their archived article")
    finally:
        con.close()
    if corpus_paths is not None or ref is not None:
        have = natural_dump(db)
        if corpus_paths is not None:
            allowed = {os.fsencode(p) for p in corpus_paths}
            extra = [r[0] for r in have["sources"] if r[0] not in allowed]
            if extra:
                problems.append(f"sources that are not files of the import: {extra[:5]}")
        if ref is not None:
            problems += partial_vs_reference(have, ref)
    return problems


def partial_vs_reference(have, ref):
    """Each source present, and the whole of the article it gave, must be as
    in the reference (a complete import)."""
    problems = []
    ref_sources = {r[0]: r for r in ref["sources"]}
    urls = set()
    for row in have["sources"]:
        want = ref_sources.get(row[0])
        if want is None:
            continue
        if row != want:
            problems.append(f"source differs from a complete import: {row} vs {want}")
        if row[6] is not None:
            urls.add(row[6])
    for table in ("articles", "article_topics", "article_images", "related_links"):
        got = [r for r in have[table] if r[0] in urls]
        want = [r for r in ref[table] if r[0] in urls]
        if got != want:
            problems.append(f"{table} of imported files differ from a complete import:"
                            f" {sorted(set(got) - set(want), key=_sort_key)[:3]} /"
                            f" {sorted(set(want) - set(got), key=_sort_key)[:3]}")
    return problems


def error_lines(text):
    return [ln for ln in text.splitlines() if ln.startswith("newsdb: error")]


# --------------------------------------------------------------------------

class KillNine(NewsdbTest):
    N_FILES = 3000
    N_KILLS = 24

    def newsdb_cmd(self, db, *args):
        return [*WRAPPER, BIN, "--db", db, *args]

    def test_kill_9_at_random_points_then_rerun_matches_uninterrupted(self):
        """kill -9 at 24+ random points (fixed seed) of a 3000-file import.
        After each kill the crashed state is consistent; after a re-run the
        database equals an uninterrupted import.  A third of the kills resume on
        the killed database, the rest start again from nothing, so both early
        points (schema creation, first batch) and late ones (later batches,
        commit, checkpoint, close) are hit."""
        corpus = os.path.join(self.dir, "corpus")
        paths = make_corpus(corpus, self.N_FILES)
        ref_db = os.path.join(self.dir, "ref.db")
        t0 = time.monotonic()
        r = self.ok("import", "--quiet", corpus, db=ref_db)
        t_full = max(time.monotonic() - t0, 0.2)
        ref = natural_dump(ref_db)
        self.assertEqual(len(ref["sources"]), self.N_FILES)
        self.assertEqual({row[4] for row in ref["sources"]}, {"ok"})
        self.assertEqual(len([a for a in ref["articles"] if a[-1] == 1]), self.N_FILES)
        self.assertEqual(consistency_problems(ref_db, paths), [])

        rng = random.Random(SEED)
        db = os.path.join(self.dir, "crash.db")
        kills = completed = 0
        killed_after_commit = 0
        log = []
        while kills < self.N_KILLS:
            delay = rng.uniform(0.0, t_full)
            proc = subprocess.Popen(self.newsdb_cmd(db, "import", "--quiet", corpus),
                                    cwd=self.dir, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            try:
                _, err = proc.communicate(timeout=delay)
                finished = True
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                _, err = proc.communicate()
                finished = proc.returncode != -signal.SIGKILL
            err = err.decode("utf-8", "replace")
            if finished:
                self.assertEqual(proc.returncode, 0, err)
                completed += 1
            else:
                kills += 1
            copy = snapshot(db, os.path.join(self.dir, "snap"))
            n_sources = 0
            if copy is not None:
                problems = consistency_problems(copy, paths, ref)
                self.assertEqual(problems, [], f"after kill #{kills} at {delay:.3f}s")
                if has_schema(copy):
                    n_sources = self.one("SELECT count(*) FROM sources", db=copy)
                    chk = self.run_newsdb("check", db=copy)
                    self.assertEqual(chk.code, 0, f"newsdb check after kill #{kills} at {delay:.3f}s: {chk}")
            killed_after_commit += (not finished and n_sources > 0)
            log.append((round(delay, 3), "done" if finished else "kill", n_sources))
            if finished:
                self.assertEqual(natural_dump(db), ref, dump_diff(natural_dump(db), ref))
            if finished or rng.random() < 0.65:
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)

        # the re-run finishes the job, and equals an uninterrupted import
        r = self.run_newsdb("import", corpus, db=db)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(consistency_problems(db, paths, ref), [])
        chk = self.run_newsdb("check", db=db)
        self.assertEqual(chk.code, 0, chk)
        got = natural_dump(db)
        self.assertEqual(got, ref, dump_diff(got, ref))
        self.assertGreaterEqual(kills, 20, log)
        if os.environ.get("NEWSDB_E2E_VERBOSE"):
            print(f"\nfull import {t_full:.2f}s; {kills} kills, {completed} completed: {log}")
        # the kills did land inside the import, some after a commit
        self.assertGreater(killed_after_commit, 0, f"no kill landed after a commit: {log}")


class DiskFull(NewsdbTest):
    """A tiny tmpfs (640 KiB: room for the schema and the seed, about 160
    KiB, with its -wal and -shm, not for 3000 more files) holds the database.  Requires mount (root or
    CAP_SYS_ADMIN): without it the test fails, saying so, rather than pass
    untested."""

    def mount_tmpfs(self, size):
        mnt = os.path.join(self.dir, "tiny")
        os.mkdir(mnt)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mnt],
                           capture_output=True, text=True)
        if p.returncode != 0:
            self.fail("cannot test a full disk: 'mount -t tmpfs' is not permitted here "
                      f"({p.stderr.strip()}); run the e2e tests as root or with CAP_SYS_ADMIN")
        self.addCleanup(subprocess.run, ["umount", "-l", mnt], capture_output=True)
        return mnt

    def test_full_disk_one_clear_error_no_damage_rerun_finishes(self):
        corpus = os.path.join(self.dir, "corpus")
        paths = make_corpus(corpus, 3000)
        ref_db = os.path.join(self.dir, "ref.db")
        self.ok("import", "--quiet", SEEDS, db=ref_db)
        self.ok("import", "--quiet", corpus, db=ref_db)
        ref = natural_dump(ref_db)
        seed_paths = [os.path.join(os.path.abspath(SEEDS), n) for n in os.listdir(SEEDS)]

        mnt = self.mount_tmpfs("640k")
        db = os.path.join(mnt, "news.db")
        self.ok("import", "--quiet", SEEDS, db=db)
        before = natural_dump(db)
        self.assertGreater(len(before["articles"]), 0)

        r = self.run_newsdb("import", "--quiet", corpus, db=db, timeout=120)
        self.assertEqual(r.code, 1, r)
        self.assertRegex(r.err.lower(), r"disk is full|no space|database or disk is full", r)
        errs = error_lines(r.err)
        self.assertEqual(len(errs), 1, f"one clear error, not {len(errs)}:\n{r.err[:3000]}")
        self.assertNotRegex(r.err, r"(?i)segmentation|abort|assert", r)

        # no damage: what was there is intact and what was added is whole
        copy = snapshot(db, os.path.join(self.dir, "snap"))
        self.assertEqual(consistency_problems(copy, paths + seed_paths, ref), [])
        after = natural_dump(copy)
        seeds_b = {os.fsencode(p) for p in seed_paths}
        self.assertEqual([s for s in after["sources"] if s[0] in seeds_b], before["sources"])
        self.assertLess(len(after["sources"]), len(ref["sources"]), "the disk was not full after all")
        search = self.run_newsdb("search", "SenseTime", db=db)
        self.assertEqual(search.code, 0, search)

        # with room again, the same import finishes the job
        p = subprocess.run(["mount", "-o", "remount,size=64m", mnt], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.run_newsdb("import", "--quiet", corpus, db=db)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.run_newsdb("check", db=db).code, 0)
        got = natural_dump(db)
        self.assertEqual(got, ref, dump_diff(got, ref))


class ReadOnly(NewsdbTest):
    """A database that cannot be written gives one clear error, exit 1, and
    is left byte for byte as it was.  Methods tried, each a real read-only
    file: chmod 444 (only when not root: root ignores permissions), chattr +i
    on the file, a tmpfs remounted read-only.  Every method that works here
    is tested; when none works the test fails, saying why."""

    def prepare(self, folder):
        db = os.path.join(folder, "news.db")
        self.ok("import", "--quiet", SEEDS, db=db)
        return db

    @staticmethod
    def writable(path):
        try:
            with open(path, "r+b"):
                return True
        except OSError:
            return False

    def method_chmod(self):
        if os.geteuid() == 0:
            return None, "chmod 444: root ignores file permissions"
        folder = os.path.join(self.dir, "chmod")
        os.mkdir(folder)
        db = self.prepare(folder)
        os.chmod(db, 0o444)
        self.addCleanup(os.chmod, db, 0o644)
        return db, None

    def method_other_user(self):
        """Root dropping to nobody (setpriv, util-linux): no capability needed
        beyond the setuid that root has even in a container."""
        if os.geteuid() != 0:
            return None, "other user: only root can switch users"
        if not shutil.which("setpriv"):
            return None, "setpriv not installed"
        folder = tempfile.mkdtemp(prefix="newsdb-ro-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        os.chmod(folder, 0o755)
        db = self.prepare(folder)
        os.chmod(db, 0o444)
        self.as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        return db, None

    def method_chattr(self):
        if not shutil.which("chattr"):
            return None, "chattr not installed"
        folder = os.path.join(self.dir, "chattr")
        os.mkdir(folder)
        db = self.prepare(folder)
        p = subprocess.run(["chattr", "+i", db], capture_output=True, text=True)
        if p.returncode != 0:
            return None, f"chattr +i: {p.stderr.strip()}"
        self.addCleanup(subprocess.run, ["chattr", "-i", db], capture_output=True)
        return db, None

    def method_ro_mount(self):
        folder = os.path.join(self.dir, "romount")
        os.mkdir(folder)
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", folder],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return None, f"mount tmpfs: {p.stderr.strip()}"
        self.addCleanup(subprocess.run, ["umount", "-l", folder], capture_output=True)
        db = self.prepare(folder)
        p = subprocess.run(["mount", "-o", "remount,ro", folder], capture_output=True, text=True)
        if p.returncode != 0:
            return None, f"remount,ro: {p.stderr.strip()}"
        return db, None

    def test_read_only_database_one_clear_error_no_damage(self):
        reasons = []
        tested = 0
        valid = os.path.join(FIXTURES, "valid")
        for name, method in (("chmod", self.method_chmod), ("chattr", self.method_chattr),
                             ("ro-mount", self.method_ro_mount),
                             ("other-user", self.method_other_user)):
            self.as_user = []
            db, why = method()
            if db is None:
                reasons.append(why)
                continue
            if not self.as_user and self.writable(db):
                reasons.append(f"{name}: the file is still writable")
                continue
            tested += 1
            with self.subTest(method=name):
                with open(db, "rb") as fh:
                    before_bytes = fh.read()
                before = natural_dump(db, immutable=True)
                r = self.run_newsdb("import", valid, db=db, prefix=self.as_user)
                self.assertEqual(r.code, 1, r)
                self.assertRegex(r.err.lower(), r"read-only|readonly|cannot write|permission", r)
                errs = error_lines(r.err)
                self.assertEqual(len(errs), 1, f"one clear error, not {len(errs)}:\n{r.err}")
                # clear: the error names the database, not some article file
                self.assertIn(db, errs[0], "the error should name the read-only database")
                with open(db, "rb") as fh:
                    self.assertTrue(fh.read() == before_bytes, "the database file was changed")
                self.assertEqual(natural_dump(db, immutable=True), before)
        if not tested:
            self.fail("no way to make a read-only database file here: " + "; ".join(reasons))


if __name__ == "__main__":
    main()
