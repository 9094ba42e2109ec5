"""Hostile input, end to end: every case of tests/fixtures/make_hostile.py,
generated at test time into a scratch folder, imported together with valid
files, under a 512 MiB address-space limit.

For each entry of EXPECTED.tsv:
  failed      one error line on stderr naming the path (printable form, as
              newsdb prints paths: \\n, \\t, \\xNN escapes), with line:column
              for YAML-level errors; a 'failed' source row with a message;
              nothing of the file stored (no article with its URL).
  skipped     a 'skipped' source row, no article, no error line.
  warning     an 'ok' source row with a message, the article stored, a
              warning line naming the path.
  ok          an 'ok' source row without message, the article stored, no
              error or warning line naming the path.
  unreadable  one error line naming the path; never an 'ok' row; the import
              goes on.  (Assumption: a 'failed' source row for it, or no row,
              are both acceptable: EXPECTED.tsv only promises a report.)
Every stderr line is one line starting with "newsdb: ".  The valid files
imported in the same run (after and before the hostile ones in walk order)
all land.  Peak memory is bounded: the import runs under RLIMIT_AS = 512 MiB
(unless the binary is built with AddressSanitizer, which reserves terabytes of
address space) and its peak RSS, from wait4(), must stay under 256 MiB.
"""
import importlib.util
import os
import re
import resource
import shutil
import subprocess
import tempfile

from e2e import BIN, FIXTURES, SEEDS, WRAPPER, NewsdbTest, main

HOSTILE_URL = "https://fixtures.example.org/hostile/"
AS_LIMIT = 512 << 20
RSS_LIMIT_KB = 256 << 10

# errors from the YAML layer itself, which has a position to give
YAML_ERRORS = {
    "tabs-indentation.txt", "duplicate-title.txt", "unclosed-quote.txt", "deep-nesting.txt",
    "billion-laughs.txt", "invalid-utf8-value.txt", "overlong-utf8.txt",
    "nul-in-front-matter.txt", "top-level-list.txt",
}


def load_make_hostile():
    path = os.path.join(FIXTURES, "make_hostile.py")
    spec = importlib.util.spec_from_file_location("make_hostile", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


NAMED_ESCAPES = {0x0A: "\\n", 0x09: "\\t", 0x0D: "\\r", 0x1B: "\\e"}


def printable(raw):
    """A path as newsdb prints it (cli_printable): valid UTF-8 kept, \\n,
    \\t, \\r and ESC (\\e) escaped, other control bytes and invalid bytes as
    \\xNN (the file names here hold no C1 or bidi control)."""
    out = []
    k = 0
    while k < len(raw):
        c = raw[k]
        if c in NAMED_ESCAPES:
            out.append(NAMED_ESCAPES[c])
            k += 1
        elif c < 0x20 or c == 0x7F:
            out.append("\\x%02x" % c)
            k += 1
        elif c < 0x80:
            out.append(chr(c))
            k += 1
        else:
            for n in (4, 3, 2):
                try:
                    out.append(raw[k:k + n].decode("utf-8"))
                    k += n
                    break
                except UnicodeDecodeError:
                    continue
            else:
                out.append("\\x%02x" % c)
                k += 1
    return "".join(out)


def is_asan(binary):
    try:
        with open(binary, "rb") as fh:
            return b"__asan_init" in fh.read()
    except OSError:
        return False


class Hostile(NewsdbTest):
    @classmethod
    def setUpClass(cls):
        cls.mh = load_make_hostile()

    def setUp(self):
        super().setUp()
        self.hostile = os.path.join(self.dir, "hostile")
        os.mkdir(self.hostile)
        self.mh.build(self.hostile)
        self.expected = self.mh.read_expected(self.hostile)
        self.addCleanup(self.make_removable, self.hostile)

    @staticmethod
    def make_removable(folder):
        for dirpath, dirnames, filenames in os.walk(folder):
            for n in filenames:
                p = os.path.join(dirpath, n)
                if not os.path.islink(p):
                    try:
                        os.chmod(p, 0o644)
                    except OSError:
                        pass

    def import_bounded(self, *paths):
        """Runs newsdb import under RLIMIT_AS; returns (code, stderr, peak RSS in KiB)."""
        asan = is_asan(BIN) or bool(WRAPPER)

        def limit():
            if not asan:
                resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))

        env = dict(os.environ, NO_COLOR="1")
        env.pop("NEWSDB_DB", None)
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([*WRAPPER, BIN, "--db", self.db, "import", *paths],
                                    cwd=self.dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit)
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                proc.returncode = 0  # reaped by wait4
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
        if os.WIFSIGNALED(status):
            self.fail(f"newsdb import died of signal {os.WTERMSIG(status)}:\n{text[-3000:]}")
        return os.WEXITSTATUS(status), text, usage.ru_maxrss

    def sources(self):
        rows = self.sql("SELECT CAST(s.path AS BLOB), s.status, s.message, a.url FROM sources s"
                        " LEFT JOIN articles a ON a.id = s.article_id")
        return {bytes(p): (status, msg, url) for p, status, msg, url in rows}

    def test_every_hostile_case_is_reported_recorded_and_contained(self):
        valid = os.path.join(FIXTURES, "valid")
        code, err, rss = self.import_bounded(SEEDS, self.hostile, valid)
        self.assertEqual(code, 1, f"some files failed, so exit 1:\n{err}")
        self.assertLess(rss, RSS_LIMIT_KB, f"peak RSS {rss} KiB")

        # every stderr line is one newsdb message
        lines = err.splitlines()
        for ln in lines:
            self.assertTrue(ln.startswith("newsdb: "), f"a stray stderr line: {ln!r}")
        self.assertRegex(err, r"newsdb: \d+ files: ")

        root = os.fsencode(os.path.realpath(self.hostile))
        srcs = self.sources()
        for raw, expect in self.expected:
            name = raw.decode("utf-8", "replace")
            full = root + b"/" + raw
            shown = printable(full)
            mentions = [ln for ln in lines if shown in ln and not ln.startswith(f"newsdb: {shown}/")
                        and (ln.endswith(shown) or shown + ":" in ln or shown + " " in ln
                             or shown + "'" in ln)]
            errors = [ln for ln in mentions if ln.startswith("newsdb: error:")]
            warnings = [ln for ln in mentions if ln.startswith("newsdb: warning:")]
            row = srcs.get(full)
            with self.subTest(case=name, expect=expect):
                if expect == "failed":
                    self.assertEqual(len(errors), 1, f"one error line naming {shown}:\n{err}")
                    if name in YAML_ERRORS:
                        self.assertRegex(errors[0], re.escape(shown) + r":\d+:\d+: \S",
                                         "line:column after the path")
                    self.assertIsNotNone(row, "a source row")
                    self.assertEqual(row[0], "failed")
                    self.assertTrue(row[1], "with a message")
                    stem = name.rsplit(".", 1)[0]
                    self.assertEqual(self.one("SELECT count(*) FROM articles WHERE url = ?",
                                              (HOSTILE_URL + stem,)), 0, "nothing of it stored")
                elif expect == "skipped":
                    self.assertEqual(errors, [])
                    self.assertIsNotNone(row, "a source row")
                    self.assertEqual(row[0], "skipped")
                    self.assertIsNone(row[2])
                elif expect == "warning":
                    self.assertEqual(errors, [])
                    self.assertGreaterEqual(len(warnings), 1, f"a warning naming {shown}:\n{err}")
                    self.assertIsNotNone(row, "a source row")
                    self.assertEqual(row[0], "ok")
                    self.assertTrue(row[1], "the warning is kept in sources.message")
                    self.assertTrue(row[2] and row[2].startswith(HOSTILE_URL), row)
                elif expect == "ok":
                    self.assertEqual(errors + warnings, [])
                    self.assertIsNotNone(row, "a source row")
                    self.assertEqual(row[0], "ok")
                    self.assertIsNone(row[1])
                    self.assertTrue(row[2] and row[2].startswith(HOSTILE_URL), row)
                elif expect == "unreadable":
                    self.assertEqual(len(errors), 1, f"one error line naming {shown}:\n{err}")
                    if row is not None:
                        self.assertEqual(row[0], "failed")
                        self.assertTrue(row[1])
                else:
                    self.fail(f"unknown expectation {expect!r}")

        # every article-giving case has its own article, and no other hostile URL exists
        giving = sum(1 for _, e in self.expected if e in ("ok", "warning"))
        self.assertEqual(self.one("SELECT count(*) FROM articles WHERE url LIKE ?",
                                  (HOSTILE_URL + "%",)), giving)
        # warnings of wrong shapes keep the raw value in extra
        extra = self.one("SELECT a.extra FROM articles a WHERE a.url = ?", (HOSTILE_URL + "width-abc",))
        self.assertIn("abc", extra)
        self.assertIsNone(self.one("SELECT published_at FROM articles WHERE url = ?",
                                   (HOSTILE_URL + "date-yesterday",)))
        # the other files imported too: seeds before, valid fixtures after, in walk order
        for folder in (SEEDS, valid):
            for n in sorted(os.listdir(folder)):
                p = os.fsencode(os.path.join(os.path.realpath(folder), n))
                self.assertEqual(srcs.get(p, ("missing",))[0], "ok", f"{folder}/{n}")
        self.assertEqual(self.one("PRAGMA integrity_check"), "ok")
        self.assertEqual(self.sql("PRAGMA foreign_key_check"), [])
        self.sql("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        self.sql("INSERT INTO articles_trigram(articles_trigram, rank) VALUES ('integrity-check', 1)")

        # a second run: failed files are tried again, nothing else changes, memory still bounded
        before = self.counts()
        code2, err2, rss2 = self.import_bounded(SEEDS, self.hostile, valid)
        self.assertEqual(code2, 1, err2)
        self.assertRegex(err2, r"files: 0 added, 0 updated", err2)
        self.assertEqual(self.counts(), before)
        self.assertLess(rss2, RSS_LIMIT_KB)

    def test_each_failed_case_alone_leaves_the_rest_intact(self):
        """A failing file between two good ones, in one import each time: the
        good ones land whole, the bad one leaves nothing, the batch goes on."""
        good_a = os.path.join(self.dir, "a-good.txt")
        good_z = os.path.join(self.dir, "z-good.txt")
        for path, slug in ((good_a, "a"), (good_z, "z")):
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(self.mh.article("good-" + slug, "topics:\n  - Goodness\n"))
        failed = [raw for raw, e in self.expected if e == "failed"]
        self.assertGreaterEqual(len(failed), 10)
        for raw in failed:
            with self.subTest(case=raw.decode()):
                mid = os.path.join(self.dir, "m-" + raw.decode())
                shutil.copyfile(os.path.join(self.hostile, raw.decode()), mid)
                db = os.path.join(self.dir, raw.decode() + ".db")
                r = self.run_newsdb("import", good_a, mid, good_z, db=db)
                self.assertEqual(r.code, 1, r)
                self.assertEqual(len([ln for ln in r.err.splitlines()
                                      if ln.startswith("newsdb: error:")]), 1, r)
                self.assertEqual(self.sql("SELECT status FROM sources ORDER BY path", db=db),
                                 [("ok",), ("failed",), ("ok",)])
                self.assertEqual(self.sql(
                    "SELECT a.url, count(o.topic_id) FROM articles a LEFT JOIN article_topics o"
                    " ON o.article_id = a.id GROUP BY a.id ORDER BY a.url", db=db),
                    [(HOSTILE_URL + "good-a", 1), (HOSTILE_URL + "good-z", 1)])
                os.remove(mid)


if __name__ == "__main__":
    main()
