"""The import's progress display: a bar with done/total, rate and ETA when
stderr is a terminal, no escape codes when it is not, nothing with --quiet."""
import os

from e2e import BIN, CORPUS, WRAPPER, NewsdbTest, main, run_on_pty


def on_pty(args, cwd):
    """Runs newsdb with stderr on a pseudo-terminal (stdout a pipe); returns
    (exit code, what the terminal received)."""
    code, seen = run_on_pty([*WRAPPER, BIN, *args], dict(os.environ, NO_COLOR="1"), cwd,
                            stream="stderr")
    return code, seen.decode("utf-8", "replace")


class Progress(NewsdbTest):
    def test_bar_on_a_terminal(self):
        n = len(os.listdir(CORPUS))
        code, err = on_pty(["--db", self.db, "import", CORPUS], self.dir)
        self.assertEqual(code, 0, err)
        # drawn in place, with the total counted before the walk
        self.assertIn("\r\033[K[", err)
        self.assertRegex(err, rf"\] \d+/{n} files +\d+/s")
        # gone before the summary, which starts a line of its own (the
        # terminal turns each \n into \r\n)
        self.assertRegex(err, rf"(\r\n|\r\033\[K)newsdb: {n} files: {n - 4} added")
        self.assertFalse(err.rstrip("\r\n").split("\n")[-1].startswith("\r\033[K["),
                         "the bar is not left on the screen")

    def test_quiet_terminal_shows_nothing(self):
        code, err = on_pty(["--db", self.db, "import", "--quiet", CORPUS], self.dir)
        self.assertEqual(code, 0, err)
        self.assertNotIn("files:", err)
        self.assertNotIn("\033[K", err)

    def test_no_escape_codes_when_not_a_terminal(self):
        r = self.ok("import", CORPUS)
        self.assertNotIn("\033", r.err)
        self.assertNotIn("\r", r.err)
        self.assertRegex(r.err, r"newsdb: \d+ files: \d+ added")


if __name__ == "__main__":
    main()
