"""Quiet repeats (issue 13, point 6): a failed file that is unchanged (same
size and mtime as its source row) is not read again and not reported again;
the summary counts it and points to `newsdb check`, which lists it; `import
--retry-failed` reads it again; a database whose recorded rules version is
not this newsdb's has its failed and skipped files read again once.

That a file was not read is shown by replacing its bytes with a valid
article of the same size and putting its mtime back (the tests run as root,
who can read a chmod 000 file): the new article appears only once newsdb
reads the file again.
"""
import os
import re
import sqlite3

from e2e import NewsdbTest, main

RULES_H = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "lib", "rules.h")

BROKEN = "---\ntitle: [unclosed\nwebUrl: https://repeat.example/broken\n---\nbody\n"
NOT_ARTICLE = "just a note, no front matter\n"
GOOD = "---\ntitle: Good\nwebUrl: https://repeat.example/good\n---\nbody\n"


def same_size_article(size, url):
    """A valid article of exactly `size` bytes (padded in its body)."""
    head = f"---\ntitle: Fixed\nwebUrl: {url}\n---\n"
    assert len(head) < size
    return head + "x" * (size - len(head) - 1) + "\n"


def program_rules_version():
    with open(RULES_H, encoding="utf-8") as fh:
        return int(re.search(r"#define ND_RULES_VERSION (\d+)", fh.read()).group(1))


def summary_line(added, unchanged, skipped, failed, before=0):
    files = added + unchanged + skipped + failed + before
    line = (f"newsdb: {files} files: {added} added, 0 updated, {unchanged} unchanged, "
            f"{skipped} skipped, {failed} failed")
    if before:
        line += (f", {before} failed before and unchanged (listed by 'newsdb check';"
                 " --retry-failed reads them again)")
    return line


class Repeats(NewsdbTest):
    def setUp(self):
        super().setUp()
        self.root = os.path.realpath(os.path.join(self.dir, "in"))
        os.mkdir(self.root)
        self.good = self.write("good.txt", GOOD)
        self.broken = self.write("broken.txt", BROKEN)
        self.note = self.write("note.txt", NOT_ARTICLE)

    def write(self, name, text, root=None):
        path = os.path.join(root or self.root, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def replace_keeping_stat(self, path, text):
        """New bytes, same size and mtime: newsdb cannot tell without reading."""
        st = os.stat(path)
        data = text.encode("utf-8")
        self.assertEqual(len(data), st.st_size)
        with open(path, "wb") as fh:
            fh.write(data)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))

    def import_in(self, *args):
        return self.run_newsdb("import", *args, self.root)

    def lines(self, r, kind):
        return [l for l in r.err.splitlines() if l.startswith(f"newsdb: {kind}: ")]

    def source(self, path):
        return self.one("SELECT status, message FROM sources WHERE path = ?", (path,))

    def rules_version(self):
        return self.one("SELECT value FROM _newsdb_meta WHERE key = 'rules_version'")

    def first_import(self):
        r = self.import_in()
        self.assertEqual(r.code, 1, r)
        self.assertEqual(len(self.lines(r, "error")), 1, r)
        self.assertTrue(self.lines(r, "error")[0].startswith(f"newsdb: error: {self.broken}:"), r)
        self.assertEqual(self.source(self.broken)[0], "failed")
        self.assertEqual(self.source(self.note)[0], "skipped")
        self.assertIn(summary_line(1, 0, 1, 1), r.err.splitlines())
        return self.source(self.broken)[1]

    def test_unchanged_failed_file_is_not_read_or_reported_again(self):
        message = self.first_import()
        fixed = same_size_article(os.path.getsize(self.broken), "https://repeat.example/fixed")
        self.replace_keeping_stat(self.broken, fixed)
        r = self.import_in()
        # reported once, in the first run: exit 0, no error line, the count
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.lines(r, "error"), [], r)
        self.assertEqual(self.lines(r, "note"), [], r)  # the skipped file is not read either
        self.assertEqual(r.err.splitlines(), [summary_line(0, 2, 0, 0, before=1)], r)
        # not read: the source row is as it was, the new bytes gave nothing
        self.assertEqual(self.source(self.broken), ("failed", message))
        self.assertEqual(self.sql("SELECT 1 FROM articles WHERE url = 'https://repeat.example/fixed'"),
                         [])
        # --quiet from cron: nothing at all
        q = self.import_in("--quiet")
        self.assertEqual((q.code, q.err), (0, ""), q)
        # check lists it and still fails on it
        c = self.run_newsdb("check")
        self.assertEqual(c.code, 1, c)
        self.assertIn(f"failed-source: {self.broken}: {message}", c.out.splitlines(), c)

    def test_retry_failed_reads_them_again(self):
        self.first_import()
        # still broken: read again, reported again, exit 1
        r = self.import_in("--retry-failed")
        self.assertEqual(r.code, 1, r)
        self.assertEqual(len(self.lines(r, "error")), 1, r)
        self.assertIn(summary_line(0, 2, 0, 1), r.err.splitlines())
        # now fixed behind newsdb's back: --retry-failed finds it
        fixed = same_size_article(os.path.getsize(self.broken), "https://repeat.example/fixed")
        self.replace_keeping_stat(self.broken, fixed)
        r = self.import_in("--retry-failed")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.lines(r, "error"), [], r)
        self.assertIn(summary_line(1, 2, 0, 0), r.err.splitlines())
        self.assertEqual(self.source(self.broken)[0], "ok")
        self.assertEqual(self.one("SELECT title FROM articles a JOIN sources s ON s.article_id = a.id"
                                  " WHERE s.path = ?", (self.broken,)), "Fixed")
        self.assertEqual(self.run_newsdb("check").code, 0)

    def test_a_new_failure_beside_old_ones_exits_1(self):
        self.first_import()
        other = self.write("other.txt", BROKEN.replace("/broken", "/other"))
        r = self.import_in()
        self.assertEqual(r.code, 1, r)
        errors = self.lines(r, "error")
        self.assertEqual(len(errors), 1, r)
        self.assertTrue(errors[0].startswith(f"newsdb: error: {other}:"), r)
        self.assertIn(summary_line(0, 2, 0, 1, before=1), r.err.splitlines())

    def test_other_rules_read_failed_and_skipped_files_again_once(self):
        self.first_import()
        self.assertEqual(self.rules_version(), program_rules_version())
        fixed = same_size_article(os.path.getsize(self.broken), "https://repeat.example/fixed")
        self.replace_keeping_stat(self.broken, fixed)
        self.replace_keeping_stat(self.note, NOT_ARTICLE.upper())
        # as if an older newsdb had judged these files
        self.sql_write("UPDATE _newsdb_meta SET value = 0 WHERE key = 'rules_version'")
        r = self.import_in()
        self.assertEqual(r.code, 0, r)
        self.assertIn("newsdb: note: this newsdb reads files by other rules than the one that"
                      " imported them: 2 failed or skipped files will be read again", r.err.splitlines())
        self.assertEqual(self.lines(r, "error"), [], r)
        self.assertIn(f"newsdb: note: {self.note}: skipped: no front matter (not an article file)",
                      r.err.splitlines())
        self.assertIn(summary_line(1, 1, 1, 0), r.err.splitlines())
        self.assertEqual(self.source(self.broken)[0], "ok")
        self.assertEqual(self.one("SELECT hash FROM sources WHERE path = ?", (self.note,)),
                         f"{fnv1a64(NOT_ARTICLE.upper().encode()):016x}")
        self.assertEqual(self.rules_version(), program_rules_version())
        # once: the next run reads nothing
        r = self.import_in()
        self.assertEqual(r.err.splitlines(), [summary_line(0, 3, 0, 0)], r)

    def test_rereads_survive_an_import_of_other_files(self):
        """The marks are committed with the new version: an import that
        records it without walking the failed file (as one killed after its
        first commit would) still leaves that file to be read again."""
        self.first_import()
        fixed = same_size_article(os.path.getsize(self.broken), "https://repeat.example/fixed")
        self.replace_keeping_stat(self.broken, fixed)
        self.sql_write("DELETE FROM _newsdb_meta WHERE key = 'rules_version'")  # an older database
        elsewhere = os.path.join(self.dir, "elsewhere")
        os.mkdir(elsewhere)
        self.write("e.txt", GOOD.replace("/good", "/elsewhere"), root=elsewhere)
        r = self.run_newsdb("import", elsewhere)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.rules_version(), program_rules_version())
        self.assertEqual(self.sql("SELECT path FROM sources WHERE mtime_ns = -1 ORDER BY path"),
                         [(self.broken,), (self.note,)])
        r = self.import_in()
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.source(self.broken)[0], "ok")
        self.assertEqual(self.sql("SELECT path FROM sources WHERE mtime_ns = -1"), [])

    def sql_write(self, query):
        con = sqlite3.connect(self.db)
        try:
            con.execute(query)
            con.commit()
        finally:
            con.close()


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


if __name__ == "__main__":
    main()
