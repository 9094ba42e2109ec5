"""Honest errors and warnings (issue 13, points 3 to 5): each problem is
reported by its real cause, at its line:column, and what can be kept is
kept.  Expected positions come from the fixtures themselves (or, for YAML
syntax errors, from libyaml through python3-yaml's C loader), never from
newsdb's output; each case checks the stderr line, the source row and the
tables.
"""
import os
import re

import yaml

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


# front matters whose shape is wrong (top level not a mapping, a key that is
# not a scalar, a duplicate key) and that are also broken further down
MISSHAPEN_AND_BROKEN = {
    "list-then-unclosed-flow": "- a\n- b\nc: [unclosed\n",
    "scalar-then-bad-indent": "just text\n  more: [x\n",
    "list-then-tab": "- a\n-\tb: 1\n\t- c\n",
    "list-then-bad-mapping": "- one\n- two\nkey: value: other\n",
    "list-then-invalid-char": "- a\n- @b\n",
    "flow-list-then-garbage": "[1, 2]\n]\n",
    "seq-key-then-unclosed-quote": "? [a, b]\n: 1\nx: \"unclosed\n",
    "map-key-then-unclosed-single": "{a: 1}: 2\nb: 'x\n",
    "duplicate-then-broken": "a: 1\na: 2\nb: [\n",
}
# the same shapes, well-formed: the problem of shape is the message
MISSHAPEN = {
    "list": ("- a\n- b\n", "2:1: front matter is not a mapping"),
    "scalar": ("just text\n", "2:1: front matter is not a mapping"),
    "seq-key": ("? [a, b]\n: 1\n", "2:3: mapping key is not a scalar"),
    "map-key": ("{a: 1}: 2\n", "2:1: mapping key is not a scalar"),
    "duplicate": ("a: 1\na: 2\n", "3:1: duplicate key 'a' (first at line 2)"),
}


def libyaml_error(text):
    """libyaml's own error for a front matter (python3-yaml's C parser, its
    events only: syntax, not what a loader makes of it): the file's
    line:column (the YAML starts on line 2) and the problem; None when the
    YAML is well-formed."""
    try:
        list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.MarkedYAMLError as e:
        return f"{e.problem_mark.line + 2}:{e.problem_mark.column + 1}: {e.problem}"
    return None


class YamlCauses(Files):
    def test_syntax_error_wins_over_the_shape(self):
        self.assertTrue(yaml.__with_libyaml__, "python3-yaml without its libyaml parser")
        paths = {name: self.write(f"{name}.txt", f"---\n{text}---\nbody\n")
                 for name, text in MISSHAPEN_AND_BROKEN.items()}
        r = self.import_dir()
        self.assertEqual(r.code, 1, r)
        errors = self.lines(r, "error")
        self.assertEqual(len(errors), len(paths), r)
        for name, text in MISSHAPEN_AND_BROKEN.items():
            want = libyaml_error(text)
            self.assertIsNotNone(want, name)
            line = [l for l in errors if l.startswith(f"newsdb: error: {paths[name]}:")]
            self.assertEqual(len(line), 1, (name, errors))
            # libyaml's message, then at most the context it gives
            self.assertRegex(line[0], "^" + re.escape(f"newsdb: error: {paths[name]}:{want}") +
                             r"( \(.*\))?$", name)
            status, message = self.source(paths[name])
            self.assertEqual(status, "failed")
            self.assertTrue(message.startswith(want), (name, message))
        self.assertEqual(self.one("SELECT count(*) FROM articles"), 0)

    def test_well_formed_shape_problems_keep_their_message(self):
        paths = {name: self.write(f"{name}.txt", f"---\n{text}---\nbody\n")
                 for name, (text, _) in MISSHAPEN.items()}
        r = self.import_dir()
        self.assertEqual(r.code, 1, r)
        for name, (text, want) in MISSHAPEN.items():
            self.assertIsNone(libyaml_error(text), name)  # well-formed YAML
            self.assertIn(f"newsdb: error: {paths[name]}:{want}", r.err.splitlines(), name)
            self.assertEqual(self.source(paths[name]), ("failed", want))


if __name__ == "__main__":
    main()
