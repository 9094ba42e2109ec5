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

KillNineBulk does the same for bulk imports (into an empty database), with
kills aimed at each of their phases: the walk, before and after a commit,
the indexes created at the end, the ranking tables built at the end.

Also home of the shared helpers make_corpus(), natural_dump(),
consistency_problems(), snapshot(), schema_definitions(), bulk_state() and
feed_live(), used by test_concurrency.py and test_bulk.py.
"""
import os
import pty
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time

from e2e import BIN, FIXTURES, SEEDS, WRAPPER, NewsdbTest, main

SEED = 20211230


# --------------------------------------------------------------------------
# shared helpers

def body_vocabulary(size, seed=SEED):
    """size made-up words (syllables: no English word, no stem of one)."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "zu", "te", "ra", "no", "vi", "sa", "de", "po", "gu", "fe",
                 "ri", "xo", "ba"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(3, 5))))
    return sorted(words)


def make_corpus(root, n, *, prefix="a", url_base="https://crash.example.com/news/",
                per_dir=100, mtime_base=1_640_000_000_000_000_000, body_words=0):
    """Writes n small, valid, distinct article files under root (per_dir per
    sub-folder, fixed-width names so that byte order is walk order), each with
    a provider, two topics, an image and two related items (one a shared
    link-only article, one the next file of the corpus).  Fixed mtimes.
    body_words: that many words of a made-up vocabulary of 8000 added to
    each body (seeded by the file's number): thousands of words in a few
    rows each.  Returns the sorted list of absolute paths."""
    root = os.path.abspath(root)
    paths = []
    vocabulary = body_vocabulary(8000) if body_words else []
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
        if body_words:
            rng = random.Random(i)
            text += " ".join(rng.choice(vocabulary) for _ in range(body_words)) + "\n"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        t = mtime_base + i * 1_000_000_000
        os.utime(path, ns=(t, t))
        paths.append(path)
    return sorted(paths)


def make_plain_corpus(root, n, *, url_base="https://plain.example.com/", per_dir=500,
                      mtime_base=1_630_000_000_000_000_000):
    """n minimal article files (a title, a URL, a date, a body) under root,
    quick to import: many files for little time.  Returns the sorted paths."""
    root = os.path.abspath(root)
    paths = []
    for i in range(n):
        sub = os.path.join(root, f"p{i // per_dir:03d}")
        if i % per_dir == 0:
            os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"p{i:06d}.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(f'---\ntitle: "Plain {i} of petrel{i % 23}"\nwebUrl: "{url_base}{i}"\n'
                     f"publishedDateTime: 2020-{1 + i % 12:02d}-01T00:00:00Z\n---\nBody {i}.\n")
        t = mtime_base + i * 1_000_000_000
        os.utime(path, ns=(t, t))
        paths.append(path)
    return paths


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


def schema_definitions(db):
    """The definition of every index and trigger (sqlite_master), sorted:
    what a bulk import drops and creates again must end as it was."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                                  " WHERE type IN ('index', 'trigger')").fetchall(),
                      key=_sort_key)
    finally:
        con.close()


# the seven indexes a bulk import drops at its start and creates at its end
BULK_DEFERRED = ("article_topics_by_topic", "articles_by_date", "articles_by_provider",
                 "providers_by_name_key", "related_links_by_target", "sources_by_hash",
                 "sources_by_status")
# the keys of _newsdb_meta that say a bulk import's end is still to come
# (docs/schema.md): an index it dropped, the feed's change log to write
BULK_KEYS = sorted(["feed_pending"] + ["index:" + name for name in BULK_DEFERRED])


def bulk_state(db):
    """(the keys of _newsdb_meta that a bulk import leaves until its end,
    'index:NAME' and 'feed_pending'; its rank_state; the number of sources):
    what a bulk import leaves behind while it runs, or when killed."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if con.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('_newsdb_meta', 'sources')"
                       ).fetchone()[0] < 2:
            return [], None, 0
        keys = [k for (k,) in con.execute(
            "SELECT key FROM _newsdb_meta WHERE key GLOB 'index:*' OR key = 'feed_pending'"
            " ORDER BY key")]
        state = con.execute("SELECT value FROM _newsdb_meta WHERE key = 'rank_state'").fetchone()
        n = con.execute("SELECT count(*) FROM sources").fetchone()[0]
        return keys, state[0] if state else None, n
    finally:
        con.close()


def feed_live(db):
    """(the feed's live rows, the (URL, year) of each archived article):
    equal once the change log has caught up with the articles."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        live = sorted(con.execute("SELECT url, year FROM _newsdb_feed WHERE live = 1"))
        want = sorted(con.execute("SELECT url, coalesce(substr(published_at, 1, 4), '')"
                                  " FROM articles WHERE is_archived = 1"))
        return live, want
    finally:
        con.close()


def error_lines(text):
    return [ln for ln in text.splitlines() if ln.startswith("newsdb: error")]


# --------------------------------------------------------------------------

class KillNine(NewsdbTest):
    N_FILES = 3000
    N_KILLS = 24

    def newsdb_cmd(self, db, *args):
        return [*WRAPPER, BIN, "--db", db, *args]

    def test_kill_9_at_random_points_then_rerun_matches_uninterrupted(self):
        """kill -9 at 24+ random points (fixed seed) of a 3000-file import
        into a database that has files (the seeds): the incremental path,
        file by file, a commit every 2000 files or 2 s (an import into an
        empty database is a bulk import: KillNineBulk).  After each kill the
        crashed state is consistent; after a re-run the database equals an
        uninterrupted import.  A third of the kills resume on the killed
        database, the rest start again from the seeded database, so both
        early points (first batch) and late ones (later batches, commit,
        checkpoint, close) are hit."""
        corpus = os.path.join(self.dir, "corpus")
        paths = make_corpus(corpus, self.N_FILES)
        seed_paths = [os.path.join(os.path.realpath(SEEDS), n) for n in os.listdir(SEEDS)]
        seeded = os.path.join(self.dir, "seeded", "news.db")
        os.mkdir(os.path.dirname(seeded))
        self.ok("import", "--quiet", SEEDS, db=seeded)
        n_seed = self.one("SELECT count(*) FROM sources", db=seeded)
        self.assertGreater(n_seed, 0)
        ref_db = snapshot(seeded, os.path.join(self.dir, "ref"))
        t0 = time.monotonic()
        r = self.ok("import", "--quiet", corpus, db=ref_db)
        t_full = max(time.monotonic() - t0, 0.2)
        ref = natural_dump(ref_db)
        self.assertEqual(len(ref["sources"]), self.N_FILES + n_seed)
        self.assertEqual({row[4] for row in ref["sources"] if row[0] in
                          {os.fsencode(p) for p in paths}}, {"ok"})
        self.assertEqual(consistency_problems(ref_db, paths + seed_paths), [])

        rng = random.Random(SEED)
        db = os.path.join(self.dir, "crash", "news.db")

        def fresh():
            snapshot(seeded, os.path.dirname(db))
            for suffix in ("-shm", "-journal"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)

        fresh()
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
            problems = consistency_problems(copy, paths + seed_paths, ref)
            self.assertEqual(problems, [], f"after kill #{kills} at {delay:.3f}s")
            n_sources = self.one("SELECT count(*) FROM sources", db=copy)
            chk = self.run_newsdb("check", db=copy)
            self.assertEqual(chk.code, 0, f"newsdb check after kill #{kills} at {delay:.3f}s: {chk}")
            # the incremental path: the indexes are all there, all the time
            self.assertEqual(bulk_state(copy)[:2], ([], "ready"), f"after kill #{kills}")
            killed_after_commit += (not finished and n_sources > n_seed)
            log.append((round(delay, 3), "done" if finished else "kill", n_sources - n_seed))
            if finished:
                self.assertEqual(natural_dump(db), ref, dump_diff(natural_dump(db), ref))
            if finished or rng.random() < 0.65:
                fresh()

        # the re-run finishes the job, and equals an uninterrupted import
        r = self.run_newsdb("import", corpus, db=db)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(consistency_problems(db, paths + seed_paths, ref), [])
        chk = self.run_newsdb("check", db=db)
        self.assertEqual(chk.code, 0, chk)
        got = natural_dump(db)
        self.assertEqual(got, ref, dump_diff(got, ref))
        self.assertEqual(schema_definitions(db), schema_definitions(ref_db))
        self.assertGreaterEqual(kills, 20, log)
        if os.environ.get("NEWSDB_E2E_VERBOSE"):
            print(f"\nfull import {t_full:.2f}s; {kills} kills, {completed} completed: {log}")
        # the kills did land inside the import, some after a commit
        self.assertGreater(killed_after_commit, 0, f"no kill landed after a commit: {log}")


# what newsdb says on a terminal when a bulk import's last phase starts
RANKING_NOTE = b"building the ranking tables"


class PtyImport:
    """newsdb with its stderr on a terminal (where it says when a bulk
    import's last phase starts), drained by a thread that notes when."""

    def __init__(self, cmd, cwd):
        master, slave = pty.openpty()
        env = dict(os.environ, NO_COLOR="1")
        env.pop("NEWSDB_DB", None)
        try:
            self.started = time.monotonic()
            self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=slave)
        finally:
            os.close(slave)
        self.out = bytearray()
        self.note = threading.Event()
        self.note_at = None
        self.thread = threading.Thread(target=self._drain, args=(master,), daemon=True)
        self.thread.start()

    def _drain(self, master):
        try:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                self.out.extend(chunk)
                if self.note_at is None and RANKING_NOTE in self.out:
                    self.note_at = time.monotonic()
                    self.note.set()
        finally:
            os.close(master)

    def kill(self):
        """SIGKILL unless it ended; True when it was killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.thread.join(timeout=30)
        return self.proc.returncode == -signal.SIGKILL

    def text(self):
        return self.out.decode("utf-8", "replace")


class BulkCorpus:
    """A corpus, the empty database its bulk imports start from (made by
    importing an empty folder; words in 2 rows or more get ranking lists,
    so that the ranking build at the end lasts), an uninterrupted import
    of it, and when each phase of that import began."""

    def __init__(self, test, name, make):
        self.root = os.path.join(test.dir, name)
        self.paths = make(self.root)
        self.n = n = len(self.paths)
        empty = os.path.join(test.dir, "empty")
        os.makedirs(empty, exist_ok=True)
        self.empty_db = os.path.join(test.dir, f"{name}-empty", "news.db")
        os.makedirs(os.path.dirname(self.empty_db))
        test.ok("import", "--quiet", empty, db=self.empty_db)
        con = sqlite3.connect(self.empty_db)
        con.execute("INSERT OR REPLACE INTO _newsdb_meta (key, value) VALUES ('rank_list_min_docs', 2)")
        con.commit()
        con.close()
        test.assertEqual(bulk_state(self.empty_db), ([], "ready", 0))
        self.empty_defs = schema_definitions(self.empty_db)
        test.assertEqual({name for kind, name, _, _ in self.empty_defs if kind == "index"}
                         & set(BULK_DEFERRED), set(BULK_DEFERRED))
        # the uninterrupted import, watched: the first commit of part of
        # the files, the last phase (the note), the indexes created, the
        # ranking tables built, the end
        self.ref_db = snapshot(self.empty_db, os.path.join(test.dir, f"{name}-ref"))
        run = PtyImport([*WRAPPER, BIN, "--db", self.ref_db, "import", self.root], test.dir)
        seen = {}
        con = sqlite3.connect(f"file:{self.ref_db}?mode=ro", uri=True, timeout=5)
        try:
            while run.proc.poll() is None:
                keys, state, files = con.execute(
                    "SELECT (SELECT count(*) FROM _newsdb_meta WHERE key GLOB 'index:*'),"
                    " (SELECT value FROM _newsdb_meta WHERE key = 'rank_state'),"
                    " (SELECT count(*) FROM sources)").fetchone()
                now = time.monotonic() - run.started
                if 0 < files < n:
                    seen.setdefault("commit", now)
                if run.note_at is not None and keys == 0:
                    seen.setdefault("indexes done", now)
                if run.note_at is not None and state == "ready":
                    seen.setdefault("ranking done", now)
                time.sleep(0.002)
        finally:
            con.close()
        self.t_end = time.monotonic() - run.started
        test.assertFalse(run.kill(), "the uninterrupted import was killed")
        test.assertEqual(run.proc.returncode, 0, run.text()[-3000:])
        test.assertIsNotNone(run.note_at, f"no note of the last phase: {run.text()[-3000:]}")
        self.t_note = run.note_at - run.started
        self.t_commit = seen.get("commit")
        self.t_indexes = seen.get("indexes done", self.t_note)
        self.t_ranking = seen.get("ranking done", self.t_end)
        self.ref = natural_dump(self.ref_db)
        self.ref_defs = schema_definitions(self.ref_db)
        self.ref_feed, archived = feed_live(self.ref_db)
        test.assertEqual(self.ref_feed, archived)
        test.assertEqual(self.ref_defs, self.empty_defs)
        test.assertEqual(bulk_state(self.ref_db), ([], "ready", n))
        test.assertEqual(len(self.ref["sources"]), n)
        test.assertEqual(consistency_problems(self.ref_db, self.paths), [])
        test.assertGreater(test.one("SELECT count(*) FROM _newsdb_terms WHERE listed > 0",
                                    db=self.ref_db), 100)

    def timings(self):
        return (f"first commit {self.t_commit}, last phase {self.t_note:.3f}, indexes done"
                f" {self.t_indexes:.3f}, ranking done {self.t_ranking:.3f}, end {self.t_end:.3f}")


class KillNineBulk(NewsdbTest):
    """kill -9 during bulk imports (imports into an empty database): while
    it walks (before and after a commit of part of the files: every 10 000
    files), while it creates the indexes it dropped, while it builds the
    ranking tables, at its very end; 24+ kills (a fixed seed), each timed
    from a watched uninterrupted run: a kill in the last phase a random
    delay after newsdb says it starts.  Which phase each kill hit is read
    from the crashed copy (no file yet; 'index:' keys with part of the
    files; 'index:' keys with every file: the indexes and the feed's log;
    none, every file, rank_state 'pending': the ranking tables; 'ready':
    after them), and each phase must be hit (a phase missed is aimed at
    again, closer).  After every kill the copy passes consistency_problems()
    and `newsdb check`, its 'index:' keys hold the very definitions of
    indexes that are gone, and the feed's live rows are those of archived
    articles (all of them once 'feed_pending' is gone); then the same import
    again (the next opening for writing creates the indexes and writes the
    log; an import into a database with files, its end builds the ranking
    tables) ends equal to the uninterrupted import: natural_dump, the index
    and trigger definitions, the feed's live rows, no 'index:' or
    'feed_pending' key, rank_state 'ready', and `newsdb check` passes.  Once per phase that leaves work behind,
    `newsdb optimize` on another copy does that work too (the indexes, the
    ranking tables) and changes no row.

    Two corpora: NEWSDB_CRASH_BULK_FILES (3000) files of make_corpus() with
    30 words of a made-up vocabulary each (thousands of ranking lists: a
    ranking build of a few tenths of a second) for most kills; and, for the
    kills after a commit, the 10 000 files of a bulk import's first commit
    (minimal ones, quick to import) then NEWSDB_CRASH_BULK_LARGE (1000)
    files of make_corpus() (0: no such corpus)."""

    N_SMALL = int(os.environ.get("NEWSDB_CRASH_BULK_FILES", "3000"))
    N_LARGE = int(os.environ.get("NEWSDB_CRASH_BULK_LARGE", "1000"))
    BULK_BATCH_FILES = 10000
    # target -> kills aimed at it (the "end" one may finish instead)
    PLAN_SMALL = {"no database": 2, "walk": 2, "indexes": 7, "ranking": 7, "end": 1}
    PLAN_LARGE = {"walk, committed": 3}
    N_KILLS = 20
    # the phases each kill must have hit at least this often
    MIN_HITS = {"walk": 3, "indexes": 3, "ranking": 3, "walk, committed": 2}

    def phase_of(self, copy, corpus):
        """The phase a kill hit, read from the crashed copy; fails on a
        state no bulk import may leave."""
        if copy is None or not has_schema(copy):
            return "walk"
        keys, state, n = bulk_state(copy)
        where = f"{copy}: keys {keys}, rank_state {state}, {n} sources"
        defs = {name: sql for kind, name, _, sql in schema_definitions(copy) if kind == "index"}
        ref_sql = {name: sql for kind, name, _, sql in corpus.ref_defs if kind == "index"}
        live, archived = feed_live(copy)
        if keys:
            # exactly the seven and the feed's mark, each index kept as it
            # was and gone from the schema; the feed not ahead of the rows
            self.assertEqual(keys, BULK_KEYS, where)
            self.assertEqual(sorted(set(live) - set(archived)), [], where)
            con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
            try:
                kept = dict(con.execute("SELECT substr(key, 7), value FROM _newsdb_meta"
                                        " WHERE key GLOB 'index:*'").fetchall())
            finally:
                con.close()
            self.assertEqual(kept, {name: ref_sql[name] for name in BULK_DEFERRED}, where)
            self.assertEqual(set(defs), set(ref_sql) - set(BULK_DEFERRED), where)
            self.assertEqual(state, "pending", where)
            self.assertGreater(n, 0, where)
            return "indexes" if n == corpus.n else "walk, committed"
        self.assertEqual(defs, ref_sql, where)
        self.assertEqual(live, archived, f"the feed's change log behind: {where}")
        if n == 0:
            self.assertEqual(state, "ready", where)
            return "walk"
        self.assertEqual(n, corpus.n, f"indexes created before the last file: {where}")
        return "ranking" if state == "pending" else "after"

    def delay_for(self, target, corpus, rng, narrow):
        """When to kill: seconds after the start (walk), after the first
        commit is seen, or after the note of the last phase."""
        if target in ("no database", "walk"):
            return rng.uniform(0.02, 0.75) * (corpus.t_commit or corpus.t_note)
        if target == "walk, committed":
            return rng.uniform(0.0, 0.6) * (corpus.t_note - corpus.t_commit) * narrow
        d_indexes = corpus.t_indexes - corpus.t_note
        if target == "indexes":
            return rng.uniform(0.0, 0.6) * d_indexes * narrow
        if target == "ranking":
            return d_indexes + rng.uniform(0.15, 0.85) * (corpus.t_ranking - corpus.t_indexes)
        return rng.uniform(0.97, 1.1) * (corpus.t_end - corpus.t_note)  # "end"

    def kill_once(self, corpus, target, delay, db):
        """One import of corpus into db killed as target says; True when
        it was killed, False when it finished first."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        if target != "no database":
            snapshot(corpus.empty_db, os.path.dirname(db))
        run = PtyImport([*WRAPPER, BIN, "--db", db, "import", corpus.root], self.dir)
        try:
            if target in ("no database", "walk"):
                try:
                    run.proc.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    pass
            elif target == "walk, committed":
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                try:
                    while run.proc.poll() is None and con.execute(
                            "SELECT count(*) FROM sources").fetchone()[0] == 0:
                        time.sleep(0.002)
                finally:
                    con.close()
                time.sleep(delay)
            else:
                run.note.wait(timeout=600)
                time.sleep(delay)
        finally:
            killed = run.kill()
        if not killed:
            self.assertEqual(run.proc.returncode, 0, run.text()[-3000:])
        return killed

    def after_kill(self, corpus, db, label):
        """The crashed state is consistent; the same import again ends as
        an uninterrupted one.  Returns the phase the kill hit."""
        copy = snapshot(db, os.path.join(self.dir, "snap"))
        phase = self.phase_of(copy, corpus)
        label = f"{label}, phase {phase}"
        if copy is not None:
            self.assertEqual(consistency_problems(copy, corpus.paths, corpus.ref), [], label)
            if has_schema(copy):
                chk = self.run_newsdb("check", db=copy)
                self.assertEqual(chk.code, 0, f"{label}: newsdb check: {chk}")
        if copy is not None and phase in ("walk, committed", "indexes", "ranking") \
                and (corpus.n, phase, "optimize") not in self.checked:
            # optimize too opens for writing (creating the indexes) and
            # builds pending ranking tables: on a second copy, once a phase
            self.checked.add((corpus.n, phase, "optimize"))
            other = snapshot(copy, os.path.join(self.dir, "snap-optimize"))
            rows = natural_dump(other)
            opt = self.run_newsdb("optimize", db=other)
            self.assertEqual(opt.code, 0, f"{label}: newsdb optimize: {opt}")
            self.assertEqual(schema_definitions(other), corpus.ref_defs, f"{label}: after optimize")
            self.assertEqual(bulk_state(other)[:2], ([], "ready"), f"{label}: after optimize")
            live, archived = feed_live(other)
            self.assertEqual(live, archived, f"{label}: the feed's log after optimize")
            self.assertEqual(natural_dump(other), rows, f"{label}: optimize changed rows")
            chk = self.run_newsdb("check", db=other)
            self.assertEqual(chk.code, 0, f"{label}: newsdb check after optimize: {chk}")
        # newsdb check after the re-run (which builds the ranking tables
        # at the end of a import into a database with files, unless it was a
        # bulk import again): once per corpus and phase, it takes a while
        check = phase != "walk" and (corpus.n, phase) not in self.checked
        self.checked.add((corpus.n, phase))
        self.assert_rerun_ends_as_uninterrupted(corpus, db, label, check=check)
        return phase

    def assert_rerun_ends_as_uninterrupted(self, corpus, db, label, check=True, run=True):
        if run:
            r = self.run_newsdb("import", "--quiet", corpus.root, db=db)
            self.assertEqual(r.code, 0, f"{label}: the re-run: {r}")
        got = natural_dump(db)
        self.assertEqual(got, corpus.ref, f"{label}: {dump_diff(got, corpus.ref)}")
        self.assertEqual(schema_definitions(db), corpus.ref_defs, label)
        self.assertEqual(bulk_state(db), ([], "ready", corpus.n), label)
        self.assertEqual(feed_live(db)[0], corpus.ref_feed, f"{label}: the feed's live rows")
        if check:
            chk = self.run_newsdb("check", db=db)
            self.assertEqual(chk.code, 0, f"{label}: newsdb check after the re-run: {chk}")

    def test_kill_9_in_every_phase_of_a_bulk_import(self):
        self.checked = set()
        rng = random.Random(SEED + 15)
        db = os.path.join(self.dir, "crash", "news.db")
        os.makedirs(os.path.dirname(db))
        corpora = [(BulkCorpus(self, "small", lambda root: make_corpus(root, self.N_SMALL, body_words=30)),
                    self.PLAN_SMALL)]
        if self.N_LARGE:
            large = BulkCorpus(self, "large", lambda root: (
                make_plain_corpus(os.path.join(root, "a"), self.BULK_BATCH_FILES)
                + make_corpus(os.path.join(root, "b"), self.N_LARGE)))
            self.assertIsNotNone(large.t_commit, f"no commit seen before the end: {large.timings()}")
            corpora.append((large, self.PLAN_LARGE))
        hits = {}
        log = []
        kills = completed = 0
        for corpus, plan in corpora:
            targets = [t for t, k in plan.items() for _ in range(k)]
            rng.shuffle(targets)
            # then, for a phase hit too seldom, more kills aimed closer
            extra = {t: 0 for t in plan if t in self.MIN_HITS}
            narrow = {t: 1.0 for t in plan}
            while targets:
                target = targets.pop(0)
                delay = self.delay_for(target, corpus, rng, narrow[target])
                label = f"kill #{kills + 1} ({target}, {delay:.3f}s, {corpus.n} files)"
                if self.kill_once(corpus, target, delay, db):
                    kills += 1
                    phase = self.after_kill(corpus, db, label)
                else:
                    completed += 1
                    phase = "finished"
                    self.assert_rerun_ends_as_uninterrupted(corpus, db, label, run=False)
                hits[phase] = hits.get(phase, 0) + 1
                log.append((target, round(delay, 3), phase))
                if phase != target and target in narrow:
                    narrow[target] *= 0.6
                if not targets:
                    for t, want in self.MIN_HITS.items():
                        if t in extra and hits.get(t, 0) < want and extra[t] < 8:
                            extra[t] += 1
                            targets.append(t)
                if not targets and corpus is corpora[-1][0] and kills < self.N_KILLS:
                    targets.append("ranking" if "ranking" in plan else "walk, committed")
        msg = (f"{kills} kills, {completed} finished, phases {hits}; "
               + "; ".join(c.timings() for c, _ in corpora) + f"; {log}")
        if os.environ.get("NEWSDB_E2E_VERBOSE"):
            print("\n" + msg)
        self.assertGreaterEqual(kills, self.N_KILLS, msg)
        for phase, want in self.MIN_HITS.items():
            if phase == "walk, committed" and len(corpora) == 1:
                continue  # no corpus of more files than a commit
            self.assertGreaterEqual(hits.get(phase, 0), want, f"phase {phase!r} hit too seldom: {msg}")


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
