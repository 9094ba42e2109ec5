"""Honest errors and warnings (issue 13, points 3 to 5): each problem is
reported by its real cause, at its line:column, and what can be kept is
kept.  Expected positions come from the fixtures themselves (or, for YAML
syntax errors, from libyaml through python3-yaml's C loader), never from
newsdb's output; each case checks the stderr line, the source row and the
tables.
"""
import os

from e2e import NewsdbTest, main


def position(data, offset):
    """1-based line and column (in characters) of byte offset in data."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8")) + 1


class Files(NewsdbTest):
    def write(self, name, data):
        path = os.path.join(self.dir, "in", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def import_dir(self, *args):
        return self.run_newsdb("import", *args, os.path.join(self.dir, "in"))

    def lines(self, r, kind):
        return [l for l in r.err.splitlines() if l.startswith(f"newsdb: {kind}: ")]

    def source(self, path):
        return self.one("SELECT status, message FROM sources WHERE path = ?", (path,))


class NulBytes(Files):
    BODY = "first line\nsecond é\0x\0\0 end nulword\n"

    def test_nul_in_body_imports_with_one_warning(self):
        data = ('---\ntitle: "Nul body"\nwebUrl: "https://nul.example/a"\n---\n' +
                self.BODY).encode()
        path = self.write("a.txt", data)
        r = self.import_dir()
        self.assertEqual(r.code, 0, r)
        line, col = position(data, data.index(b"\0"))
        self.assertEqual((line, col), (6, 9))
        want = f"{line}:{col}: body has 3 NUL bytes; stored as U+FFFD"
        self.assertEqual(self.lines(r, "warning"), [f"newsdb: warning: {path}:{want}"])
        self.assertEqual(self.lines(r, "error"), [])
        self.assertEqual(self.source(path), ("ok", want))
        self.assertEqual(self.one("SELECT body FROM articles WHERE url = ?",
                                  ("https://nul.example/a",)),
                         self.BODY.replace("\0", "\ufffd"))
        hits = self.run_newsdb("search", "nulword", "-f", "json").json()
        self.assertEqual([h["title"] for h in hits], ["Nul body"])

    def test_nul_in_front_matter_is_an_error_that_names_it(self):
        data = b'---\ntitle: "be\0fore"\nwebUrl: "https://nul.example/b"\n---\nbody\n'
        escaped = b'---\ntitle: "be\\0fore"\nwebUrl: "https://nul.example/c"\n---\nbody\n'
        raw = self.write("b.txt", data)
        esc = self.write("c.txt", escaped)
        r = self.import_dir()
        self.assertEqual(r.code, 1, r)
        line, col = position(data, data.index(b"\0"))
        self.assertEqual(self.lines(r, "error"), [
            f"newsdb: error: {raw}:{line}:{col}: NUL byte in front matter",
            f"newsdb: error: {esc}:2:8: scalar contains a NUL character",
        ])
        self.assertEqual(self.source(raw), ("failed", f"{line}:{col}: NUL byte in front matter"))
        self.assertEqual(self.source(esc)[0], "failed")
        self.assertEqual(self.one("SELECT count(*) FROM articles"), 0)

    def test_invalid_utf8_body_still_fails(self):
        path = self.write("d.txt", b'---\nwebUrl: "https://nul.example/d"\n---\nbad \xff byte\n')
        r = self.import_dir()
        self.assertEqual(r.code, 1, r)
        self.assertEqual(self.lines(r, "error"),
                         [f"newsdb: error: {path}:4:1: body is not valid UTF-8 text"])
        self.assertEqual(self.one("SELECT count(*) FROM articles"), 0)


if __name__ == "__main__":
    main()
