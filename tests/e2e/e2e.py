"""Shared helpers for the end-to-end tests: run the real newsdb binary in a
scratch folder and look at the real database with Python's sqlite3.

The meson test definitions pass NEWSDB_BIN (the built binary), NEWSDB_DATA
(the repository's data/ folder), NEWSDB_FIXTURES (tests/fixtures) and
NEWSDB_SHARED (the ../shared folder beside the repository).
"""
import json
import os
import pty
import re
import select
import shlex
import shutil
import sqlite3
import subprocess
import tempfile
import time
import tty
import unittest
import urllib.parse

BIN = os.environ.get("NEWSDB_BIN", "newsdb")
DATA = os.environ.get("NEWSDB_DATA", "data")
FIXTURES = os.environ.get("NEWSDB_FIXTURES", "tests/fixtures")
SHARED = os.environ.get("NEWSDB_SHARED", "../shared")
CORPUS = os.path.join(SHARED, "corpus", "powerapps")
SEEDS = os.path.join(SHARED, "seeds")
# e.g. "valgrind --error-exitcode=99 ...": every newsdb run goes through it
WRAPPER = shlex.split(os.environ.get("NEWSDB_WRAPPER", ""))


def run_on_pty(cmd, env, cwd, raw=False, stream="stdout"):
    """Runs cmd with its stdout (or stderr: stream="stderr") on a new
    pseudo-terminal, the other one a pipe that is discarded; its exit status
    and everything it wrote to the terminal, as bytes.  raw: the terminal in
    raw mode, so "\\n" is not turned into "\\r\\n" and the bytes are exactly
    what the program wrote."""
    master, slave = pty.openpty()
    if raw:
        tty.setraw(slave)
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: slave}
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, env=env, cwd=cwd, **streams)
    finally:
        os.close(slave)
    out = b""
    deadline = time.time() + 600
    try:
        while time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                if p.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:   # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        p.wait(timeout=600)
    finally:
        os.close(master)
    (p.stderr if stream == "stdout" else p.stdout).close()
    return p.returncode, out


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


class NewsdbTest(unittest.TestCase):
    """Each test gets its own folder and database."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="newsdb-e2e-")
        self.db = os.path.join(self.dir, "news.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_newsdb(self, *args, db=None, env=None, timeout=600, input=None, prefix=()):
        full_env = dict(os.environ)
        full_env.pop("NEWSDB_DB", None)
        full_env["NO_COLOR"] = "1"
        if env:
            full_env.update(env)
        cmd = [*prefix, *WRAPPER, BIN, "--db", db or self.db, *args]
        proc = subprocess.run(cmd, cwd=self.dir, env=full_env, capture_output=True,
                              timeout=timeout, input=input)
        return Result(proc)

    def ok(self, *args, **kw):
        r = self.run_newsdb(*args, **kw)
        self.assertEqual(r.code, 0, r)
        return r

    def sql(self, query, params=(), db=None):
        con = sqlite3.connect(db or self.db)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def one(self, query, params=(), db=None):
        rows = self.sql(query, params, db)
        self.assertEqual(len(rows), 1, rows)
        return rows[0][0] if len(rows[0]) == 1 else rows[0]

    def counts(self, db=None):
        tables = ["articles", "providers", "topics", "images", "article_topics",
                  "article_images", "related_links", "sources", "provider_images"]
        return {t: self.one(f"SELECT count(*) FROM {t}", db=db) for t in tables}


TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|yclid|ocid|cmpid|ref_src)$", re.I)


def canonical_url(url):
    """An independent reading of the identity rule, to check the C one."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    netloc = host
    if parts.username is not None:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + host
    if port and not ((parts.scheme.lower() == "http" and port == 80) or
                     (parts.scheme.lower() == "https" and port == 443)):
        netloc += f":{port}"
    query = "&".join(p for p in parts.query.split("&")
                     if p and not TRACKING.match(p.split("=", 1)[0]))
    path = parts.path or "/"
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def front_matter_value(text, key):
    """A top-level scalar of a simple front matter (enough for the corpus)."""
    m = re.search(r"^" + re.escape(key) + r":[ \t]*(.*?)[ \t]*\r?$", text, re.M)
    if not m:
        return None
    v = m.group(1)
    if len(v) >= 2 and v[0] == v[-1] == '"':
        v = v[1:-1].replace('\\"', '"')
    return v or None


class SharedDbTest(NewsdbTest):
    """A database imported once for the class (make_shared, then
    import_shared, from its setUpClass); each test still gets its own
    folder."""

    @classmethod
    def make_shared(cls, prefix):
        cls.shared = tempfile.mkdtemp(prefix=prefix)
        cls.shared_db = os.path.join(cls.shared, "news.db")

    @classmethod
    def import_shared(cls, paths, env=None, code=0):
        if env is None:
            env = dict(os.environ, NO_COLOR="1")
            env.pop("NEWSDB_DB", None)
        p = subprocess.run([*WRAPPER, BIN, "--db", cls.shared_db, "import", *paths], env=env,
                           capture_output=True, cwd=cls.shared)
        if p.returncode != code:
            raise RuntimeError(f"import failed: exit {p.returncode}\n{p.stderr.decode()}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.db = self.shared_db


def main():
    unittest.main(verbosity=2)
