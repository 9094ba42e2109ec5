"""Lossy conversions warn (issue 13, point 5): a null or empty title, a null
or empty topic item, a whole number beyond 64 bits each give a warning at
the value's line:column, and the number is stored as NULL with its digits
kept as text in `extra`; YAML 1.1 merge keys are applied as Jekyll's loader
applies them.  Expected positions come from libyaml itself (python3-yaml's
C composer: its nodes' start marks), expected merged values from
python3-yaml's safe loader, which implements the merge type; never from
newsdb's output.
"""
import json
import os

import yaml

from e2e import NewsdbTest, main

URL = "https://lossy.example/"


def value_node(text, *path):
    """The node at path (mapping keys, sequence indexes) of a front matter."""
    node = yaml.compose(text, Loader=yaml.CSafeLoader)
    for step in path:
        if isinstance(step, int):
            node = node.value[step]
        else:
            node = next(v for k, v in node.value if k.value == step)
    return node


def at(text, *path):
    """File line:column of that node (the YAML starts on line 2)."""
    mark = value_node(text, *path).start_mark
    return f"{mark.line + 2}:{mark.column + 1}"


class Lossy(NewsdbTest):
    def setUp(self):
        super().setUp()
        self.assertTrue(yaml.__with_libyaml__, "python3-yaml without its libyaml parser")
        self.root = os.path.join(self.dir, "in")
        os.mkdir(self.root)

    def write(self, name, yaml_text):
        path = os.path.join(os.path.realpath(self.root), name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(f"---\n{yaml_text}---\nbody\n")
        return path

    def import_ok(self):
        r = self.run_newsdb("import", self.root)
        self.assertEqual(r.code, 0, r)
        return r

    def warnings(self, r, path):
        return [l[len(f"newsdb: warning: {path}:"):] for l in r.err.splitlines()
                if l.startswith(f"newsdb: warning: {path}:")]

    def article(self, name, columns):
        return self.one(f"SELECT {columns} FROM articles WHERE url = ?", (URL + name,))

    def test_null_or_empty_title(self):
        texts = {
            "null": f"title: ~\nwebUrl: {URL}null\n",
            "bare": f"title:\nwebUrl: {URL}bare\n",
            "empty": f"title: \"\"\nwebUrl: {URL}empty\n",
            "blank": f"title: '   '\nwebUrl: {URL}blank\n",
        }
        kinds = {"null": "null", "bare": "null", "empty": "empty", "blank": "only white space"}
        paths = {name: self.write(f"{name}.txt", text) for name, text in texts.items()}
        missing = self.write("missing.txt", f"webUrl: {URL}missing\n")  # absent: fine, silent
        r = self.import_ok()
        for name, text in texts.items():
            self.assertEqual(self.warnings(r, paths[name]),
                             [f"{at(text, 'title')}: title is {kinds[name]}; stored without a title"],
                             r)
            self.assertIsNone(self.article(name, "title"))
            status, message = self.one("SELECT status, message FROM sources WHERE path = ?",
                                       (paths[name],))
            self.assertEqual(status, "ok")
            self.assertIn("title is", message)
        self.assertEqual(self.warnings(r, missing), [])

    def test_null_or_empty_topic_items_dropped(self):
        text = f"webUrl: {URL}topics\ntopics:\n  - AI\n  - ~\n  - \"\"\n  -\n  - Cloud\n"
        path = self.write("topics.txt", text)
        r = self.import_ok()
        self.assertEqual(self.warnings(r, path), [
            f"{at(text, 'topics', 1)}: topic 2 is null; dropped",
            f"{at(text, 'topics', 2)}: topic 3 is empty; dropped",
            f"{at(text, 'topics', 3)}: topic 4 is null; dropped",
        ], r)
        self.assertEqual([n for (n,) in self.sql(
            "SELECT t.name FROM article_topics o JOIN topics t ON t.id = o.topic_id"
            " JOIN articles a ON a.id = o.article_id WHERE a.url = ? ORDER BY o.position",
            (URL + "topics",))], ["AI", "Cloud"])
        self.assertEqual(self.one("SELECT count(*) FROM topics"), 2)

    def test_integer_beyond_64_bits_is_null_with_its_text_in_extra(self):
        big = "99999999999999999999"
        text = (f"webUrl: {URL}big\nquality: {big}\nheat: \"-{big}\"\nunknownCount: {big}\n"
                f"images:\n  - url: {URL}i.png\n    width: {big}\n    height: 10\n")
        path = self.write("big.txt", text)
        r = self.import_ok()
        self.assertEqual(self.warnings(r, path), [
            f"{at(text, 'quality')}: quality '{big}' is a whole number beyond 64 bits;"
            " stored as null, kept in extra",
            f"{at(text, 'heat')}: heat '-{big}' is a whole number beyond 64 bits;"
            " stored as null, kept in extra",
            f"{at(text, 'images', 0, 'width')}: image width '{big}' is a whole number beyond 64 bits;"
            " kept in extra",
        ], r)
        quality, heat, extra = self.article("big", "quality, heat, extra")
        self.assertIsNone(quality)
        self.assertIsNone(heat)
        extra = json.loads(extra)
        # the digits as they were (no 1e+20), for the known and the unknown key
        self.assertEqual(extra["quality"], big)
        self.assertEqual(extra["heat"], f"-{big}")
        self.assertEqual(extra["unknownCount"], big)
        self.assertEqual(extra["images"][0]["width"], big)
        self.assertEqual(self.one("SELECT typeof(json_extract(extra, '$.quality')) FROM articles"
                                  " WHERE url = ?", (URL + "big",)), "text")
        self.assertEqual(self.one("SELECT width, height FROM images"), (None, 10))
        # the largest integer that fits is still an integer, silently
        edge = self.write("edge.txt", f"webUrl: {URL}edge\nquality: 9223372036854775807\n")
        r = self.import_ok()
        self.assertEqual(self.warnings(r, edge), [])
        self.assertEqual(self.article("edge", "quality, typeof(quality)"),
                         (9223372036854775807, "integer"))

    def test_merge_keys_applied_as_the_yaml_merge_type(self):
        texts = {
            "one": ("base: &base\n  title: Base title\n  category: news\n  type: article\n"
                    f"webUrl: {URL}one\n<<: *base\ncategory: own\n"),
            # the mapping's own key wins wherever it stands
            "before": ("base: &base {title: Base, excerpt: base excerpt}\n"
                       f"excerpt: own first\n<<: *base\nwebUrl: {URL}before\n"),
            # of a sequence, the earlier mapping wins
            "seq": ("a: &a {title: A, category: ca}\nb: &b {category: cb, type: tb, excerpt: eb}\n"
                    f"<<: [*a, *b]\nexcerpt: own\nwebUrl: {URL}seq\n"),
            # in a nested mapping too: a provider from a shared one
            "nested": ("p: &p {name: Shared, domain: shared.example}\n"
                       f"webUrl: {URL}nested\nprovider:\n  <<: *p\n  name: Own name\n"),
        }
        paths = {name: self.write(f"{name}.txt", text) for name, text in texts.items()}
        r = self.import_ok()
        for name, text in texts.items():
            self.assertEqual(self.warnings(r, paths[name]), [], r)
            want = yaml.safe_load(text)   # python3-yaml applies merge keys
            self.assertNotIn("<<", want)
            got = self.article(name, "title, excerpt, category, type")
            self.assertEqual(got, tuple(want.get(k) for k in ("title", "excerpt", "category", "type")),
                             name)
        want = yaml.safe_load(texts["nested"])["provider"]
        self.assertEqual(self.one("SELECT p.name, p.domain FROM articles a JOIN providers p"
                                  " ON p.id = a.provider_id WHERE a.url = ?", (URL + "nested",)),
                         (want["name"], want["domain"]))

    def test_a_merge_key_that_is_not_a_mapping_is_an_ordinary_key(self):
        odd = self.write("odd.txt", f"webUrl: {URL}odd\n<<: 5\n")
        quoted = self.write("quoted.txt", f"webUrl: {URL}quoted\n'<<': {{title: quoted}}\n")
        r = self.import_ok()
        self.assertEqual(self.warnings(r, odd) + self.warnings(r, quoted), [], r)
        self.assertEqual(self.article("odd", "title, extra"), (None, '{"<<":5}'))
        # quoted, '<<' is a plain string key: nothing merges
        self.assertEqual(self.article("quoted", "title, extra"), (None, '{"<<":{"title":"quoted"}}'))


if __name__ == "__main__":
    main()
