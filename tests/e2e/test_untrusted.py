"""Untrusted text on the way out (issue 13, points 1 and 2).

TerminalText: an article whose title, excerpt, body, provider, topic,
related item and extra value hold terminal escapes (clear screen, colours,
OSC title, bell, backspace), bidi overrides, a C1 CSI, tabs and newlines,
and a broken file whose *name* holds an escape.  Every command's text output,
on a terminal (a pty in raw mode, so the bytes are exactly what newsdb wrote)
and in a pipe, and every stderr line, must hold no control character but the
layout's newlines (and, on a terminal with colour, its own SGR sequences),
and show the hostile ones escaped.  JSON and CSV keep the exact text, TSV
escapes only tab and newline, and the database keeps the bytes.

StdoutErrors: a failed write of stdout (/dev/full) is one error line and
exit 1 for every command that writes data; a closed pipe ends quietly.
"""
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata

from e2e import BIN, CORPUS, WRAPPER, NewsdbTest, main, run_on_pty

URL = "https://untrusted.example/esc"
# the YAML double-quoted escapes: \e is ESC, \a BEL, \b BS, \x9b the C1 CSI
TITLE_YAML = r"\e[2J\e[31mRED\e[0m bell\a back\b \u202Eevil\u2069 c1\x9b31m tab\tnl\nend"
TITLE = ("\x1b[2J\x1b[31mRED\x1b[0m bell\x07 back\x08 \u202eevil\u2069 c1\x9b31m tab\tnl\nend")
TITLE_SHOWN = r"\e[2J\e[31mRED\e[0m bell\x07 back\x08 \u202eevil\u2069 c1\u009b31m"
ARTICLE = f"""---
title: "{TITLE_YAML}"
excerpt: "osc \\e]0;pwned\\a here"
webUrl: "{URL}"
publishedDateTime: 2022-01-05T10:00:00Z
provider:
  name: "Evil\\e[5m News"
  domain: untrusted.example
topics:
  - "Topic\\e[7m inverse"
related:
  - title: "Related \\e[1mbold"
    webUrl: "https://untrusted.example/rel"
    publishedDateTime: "\\e[31myesterday"
note: "\\e[31m"
---
Body about zebrafish with a raw escape \x1b[2J, a bell \x07 and an override \u202e here.
"""
BAD_NAME = "bad\x1b[31mname.txt"
# the layout's own colours: Select Graphic Rendition only
SGR = re.compile(r"\x1b\[[0-9;]*m")


def controls(text, allow_sgr=False):
    """The characters of text that a terminal would act on, beyond newlines."""
    if allow_sgr:
        text = SGR.sub("", text)
    return [c for c in text if (c != "\n" and unicodedata.category(c) == "Cc")
            or "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"]


class TerminalText(NewsdbTest):
    COMMANDS = [
        ["search", "zebrafish"],
        ["search", "zebrafish", "--format", "text"],
        ["show", URL],
        ["providers"],
        ["topics"],
        ["stats"],
        ["check"],
    ]

    def setUp(self):
        super().setUp()
        art = os.path.join(self.dir, "art")
        os.mkdir(art)
        with open(os.path.join(art, "esc.txt"), "w", encoding="utf-8") as fh:
            fh.write(ARTICLE)
        with open(os.path.join(art, BAD_NAME), "w") as fh:
            fh.write("---\ntitle: [unclosed\n---\n")
        self.imported = self.run_newsdb("import", art)
        self.assertEqual(self.imported.code, 1, self.imported)

    def env(self, no_color):
        env = dict(os.environ)
        env.pop("NEWSDB_DB", None)
        env.pop("NO_COLOR", None)
        if no_color:
            env["NO_COLOR"] = "1"
        return env

    def on_pty(self, args, no_color):
        code, out = run_on_pty([*WRAPPER, BIN, "--db", self.db, *args], self.env(no_color),
                               self.dir, raw=True)
        return code, out.decode("utf-8")

    def assert_hostile_shown(self, args, out):
        if args[0] in ("search", "show"):
            self.assertIn(TITLE_SHOWN, out, args)
        if args[0] == "show":
            self.assertIn(r"osc \e]0;pwned\x07 here", out)
            self.assertIn(r"Evil\e[5m News", out)
            self.assertIn(r"Topic\e[7m inverse", out)
            self.assertIn(r"Related \e[1mbold", out)
            self.assertIn(r"cannot read date '\e[31myesterday'", out)
            # the title's own tab and newline, escaped on its one line
            self.assertIn(r"tab\tnl\nend", out)
        if args[0] == "search":
            self.assertIn(r"raw escape \e[2J, a bell \x07 and an override \u202e here", out)
        if args[0] == "providers":
            self.assertIn(r"Evil\e[5m News (untrusted.example)", out)
        if args[0] == "topics":
            self.assertIn(r"Topic\e[7m inverse", out)
        if args[0] == "check":
            self.assertIn(r"bad\e[31mname.txt", out)

    def test_terminal_without_colour_gets_no_control(self):
        for args in self.COMMANDS:
            code, out = self.on_pty(args, no_color=True)
            self.assertEqual(code, 1 if args[0] == "check" else 0, (args, out))
            self.assertEqual(controls(out), [], (args, out))
            self.assertNotIn("\x1b", out, args)
            self.assert_hostile_shown(args, out)

    def test_terminal_with_colour_gets_only_its_own_colours(self):
        for args in self.COMMANDS:
            code, out = self.on_pty(args, no_color=False)
            self.assertEqual(controls(out, allow_sgr=True), [], (args, out))
            self.assert_hostile_shown(args, out)
        # the highlighting itself is still there
        code, out = self.on_pty(["search", "zebrafish"], no_color=False)
        self.assertIn("\x1b[1;33m", out)

    def test_pipe_gets_no_control(self):
        for args in self.COMMANDS:
            r = self.run_newsdb(*args)
            self.assertEqual(controls(r.out), [], (args, r))
            self.assert_hostile_shown(args, r.out)

    def test_stderr_lines_escape_paths_and_values(self):
        err = self.imported.err
        self.assertEqual(controls(err), [], err)
        self.assertIn(r"newsdb: error: " + os.path.join(self.dir, "art", r"bad\e[31mname.txt") +
                      ":3:1: did not find expected ',' or ']'", err)
        self.assertIn(r"esc.txt:14:24: cannot read date '\e[31myesterday'; kept in extra", err)
        # an error line quoting an argument: show of an unknown name
        r = self.run_newsdb("show", "no\x1b[2Jsuch\u202e")
        self.assertEqual(r.code, 1, r)
        self.assertEqual(controls(r.err), [], r)
        self.assertIn(r"no\e[2Jsuch\u202e", r.err)
        r = self.run_newsdb("search", "--sort", "\x1b[2J")
        self.assertEqual(r.code, 2, r)
        self.assertEqual(controls(r.err), [], r)
        self.assertIn(r"unknown sort '\e[2J'", r.err)

    def test_data_formats_keep_the_exact_text(self):
        hit = self.run_newsdb("search", "zebrafish", "--format", "json").json()[0]
        self.assertEqual(hit["title"], TITLE)
        self.assertEqual(hit["provider"], "Evil\x1b[5m News")
        shown = self.run_newsdb("show", URL, "--format", "json").json()
        self.assertEqual(shown["title"], TITLE)
        self.assertEqual(shown["excerpt"], "osc \x1b]0;pwned\x07 here")
        self.assertEqual(shown["topics"], ["Topic\x1b[7m inverse"])
        self.assertEqual(json.loads(shown["extra"]) if isinstance(shown["extra"], str)
                         else shown["extra"], {"note": "\x1b[31m"})
        self.assertIn("\u202e here", shown["body"])
        nd = self.run_newsdb("search", "zebrafish", "--format", "ndjson").out.splitlines()
        self.assertEqual(json.loads(nd[0])["title"], TITLE)
        rows = list(csv.DictReader(io.StringIO(
            self.run_newsdb("search", "zebrafish", "--format", "csv").out)))
        self.assertEqual(rows[0]["title"], TITLE)
        tsv = self.run_newsdb("search", "zebrafish", "--format", "tsv").out.split("\n")
        self.assertEqual(len(tsv), 3, tsv)  # header, one row, the final newline
        cells = tsv[1].split("\t")
        self.assertIn(TITLE.replace("\t", "\\t").replace("\n", "\\n"), cells)
        topics = list(csv.DictReader(io.StringIO(
            self.run_newsdb("topics", "--format", "csv").out)))
        self.assertEqual([t["name"] for t in topics], ["Topic\x1b[7m inverse"])

    def test_database_keeps_the_bytes(self):
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = ?", (URL,)), TITLE)
        self.assertEqual(self.one("SELECT name FROM providers"), "Evil\x1b[5m News")
        self.assertEqual(self.one("SELECT name FROM topics"), "Topic\x1b[7m inverse")
        body = self.one("SELECT body FROM articles WHERE url = ?", (URL,))
        self.assertIn("escape \x1b[2J, a bell \x07 and an override \u202e here", body)
        self.assertEqual(self.one("SELECT count(*) FROM sources WHERE path LIKE ?",
                                  ("%bad\x1b[31mname.txt",)), 1)


FULL = "newsdb: error: write failure on standard output: No space left on device"


class StdoutErrors(NewsdbTest):
    """On the powerapps corpus, imported once."""
    # every command that writes data or help to stdout
    COMMANDS = [
        ["search", "app"], ["search", "app", "-n", "0"], ["search", "app", "-f", "json"],
        ["search", "app", "-f", "ndjson"], ["search", "app", "-f", "csv"],
        ["search", "app", "-f", "tsv"], ["show", "1"], ["show", "1", "-f", "json"],
        ["stats"], ["stats", "-f", "json"], ["providers"], ["topics", "-f", "csv"],
        ["export"], ["check", "-f", "json"], ["--help"], ["--version"], ["search", "--help"],
        ["import", "--help"],
    ]

    @classmethod
    def setUpClass(cls):
        cls.class_dir = tempfile.mkdtemp(prefix="newsdb-e2e-")
        cls.class_db = os.path.join(cls.class_dir, "news.db")
        p = subprocess.run([*WRAPPER, BIN, "--db", cls.class_db, "import", "-q", CORPUS],
                           capture_output=True)
        if p.returncode != 0:
            raise RuntimeError(p.stderr.decode())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.class_dir, ignore_errors=True)

    def spawn(self, args, stdout, ignore_sigpipe=False):
        env = dict(os.environ, NO_COLOR="1")
        env.pop("NEWSDB_DB", None)
        return subprocess.Popen(
            [*WRAPPER, BIN, "--db", self.class_db, *args], stdout=stdout,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=self.dir,
            preexec_fn=(lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN))
            if ignore_sigpipe else None)

    def test_each_command_writes_its_output(self):
        # what the /dev/full runs below would have written
        for args in self.COMMANDS:
            p = self.spawn(args, subprocess.PIPE)
            out, err = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, (args, err))
            self.assertGreater(len(out), 0, args)

    def test_full_device_is_one_error_line_and_exit_1(self):
        for args in self.COMMANDS:
            with open("/dev/full", "w") as full:
                p = self.spawn(args, full)
                _, err = p.communicate(timeout=600)
            lines = err.decode().splitlines()
            self.assertEqual(p.returncode, 1, (args, lines))
            self.assertEqual([l for l in lines if "error" in l], [FULL], (args, lines))
        # the database is the same for it (export and check read it)
        self.assertEqual(self.one("SELECT count(*) FROM sources", db=self.class_db),
                         len(os.listdir(CORPUS)))

    def closed_pipe(self, ignore_sigpipe):
        p = self.spawn(["search", "app", "-n", "0"], subprocess.PIPE, ignore_sigpipe)
        first = p.stdout.readline()
        p.stdout.close()
        err = p.stderr.read()
        p.wait(timeout=600)
        self.assertRegex(first.decode(), r"^\d{4}-\d\d-\d\d  ")
        return p.returncode, err.decode()

    def test_closed_pipe_ends_quietly(self):
        # far more than a pipe holds, so newsdb writes after the reader left
        r = self.run_newsdb("search", "app", "-n", "0", db=self.class_db)
        self.assertGreater(len(r.out), 2 * 65536)
        code, err = self.closed_pipe(ignore_sigpipe=False)
        self.assertIn(code, (0, -signal.SIGPIPE), err)
        self.assertEqual(err, "")
        # with SIGPIPE ignored, the write fails with EPIPE: still no word
        code, err = self.closed_pipe(ignore_sigpipe=True)
        self.assertEqual(code, 0, err)
        self.assertEqual(err, "")


if __name__ == "__main__":
    main()
