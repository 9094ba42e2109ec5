"""Browsing the archive, end to end (issue 4): show, stats, providers, topics
and the views a SQLite browser sees.

Expected values come from the input files or from the database with SQL,
never from newsdb's own output.
"""
import csv
import io
import json
import os
import re
import shutil

from e2e import CORPUS, DATA, SEEDS, SharedDbTest, canonical_url, front_matter_value, main

SEED_FILE = os.path.join(SEEDS, "000_a479abb3854902df.txt")

BROKEN = {
    "broken-quote.txt": '---\ntitle: "never closed\nwebUrl: https://broken.example/a\n---\n',
    "no-url.txt": "---\ntitle: An article with no URL at all\nexcerpt: nothing\n---\n",
}


def read(path):
    with open(path, encoding="utf-8-sig") as f:
        return f.read().replace("\r\n", "\n")


def front(path):
    return read(path).split("\n---", 1)[0]


def section(text, key):
    """The indented lines under a top-level key of a simple front matter."""
    out, inside = [], False
    for line in text.split("\n"):
        if re.match(rf"^{re.escape(key)}:\s*$", line):
            inside = True
            continue
        if inside:
            if line and not line[0].isspace():
                break
            out.append(line)
    return out


def unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] == '"':
        v = v[1:-1].replace('\\"', '"')
    return v


class SharedDb(SharedDbTest):
    IMPORT = ()
    WITH_BROKEN = False

    @classmethod
    def setUpClass(cls):
        cls.make_shared("newsdb-e2e-browse-")
        paths = list(cls.IMPORT)
        cls.broken_dir = os.path.join(cls.shared, "broken")
        if cls.WITH_BROKEN:
            os.mkdir(cls.broken_dir)
            for name, text in BROKEN.items():
                with open(os.path.join(cls.broken_dir, name), "w", encoding="utf-8") as f:
                    f.write(text)
            paths.append(cls.broken_dir)
        cls.import_shared(paths, code=1 if cls.WITH_BROKEN else 0)

    def id_of(self, url):
        return self.one("SELECT id FROM articles WHERE url = ?", (url,))


# --- show ------------------------------------------------------------------

class Show(SharedDb):
    IMPORT = (SEEDS, DATA)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        text = front(SEED_FILE)
        cls.seed_url = canonical_url(front_matter_value(text, "webUrl"))
        cls.seed_title = front_matter_value(text, "title")
        cls.seed_secured = front_matter_value(text, "secured")
        cls.seed_topics = [unquote(l.strip()[2:]) for l in section(text, "topics") if l.strip().startswith("- ")]
        cls.seed_images = [unquote(m) for l in section(text, "images")
                           for m in re.findall(r'^  - url:\s*(.*)$', l)]
        rel = section(text, "related")
        cls.related_urls = [canonical_url(unquote(m)) for l in rel
                            for m in re.findall(r"^    webUrl:\s*(.*)$", l)]
        cls.related_titles = [unquote(m) for l in rel for m in re.findall(r"^  - title:\s*(.*)$", l)]
        cls.seed_provider = [unquote(m) for l in section(text, "provider")
                             for m in re.findall(r"^  (?:name|domain):\s*(.*)$", l)]

    def show_json(self, ref):
        r = self.ok("show", ref, "--format", "json")
        return r.json()

    def test_seed_facts_read_from_the_file(self):
        # the parsing above is what the other tests rely on
        self.assertEqual(len(self.related_urls), 2)
        self.assertEqual(len(self.related_titles), 2)
        self.assertEqual(self.seed_topics, ["AI"])
        self.assertEqual(len(self.seed_images), 1)
        self.assertEqual(self.seed_provider, ["SiliconANGLE", "siliconangle.com"])
        self.assertTrue(self.seed_secured)

    def test_show_json_by_id(self):
        seed = self.id_of(self.seed_url)
        a = self.show_json(str(seed))
        self.assertEqual(a["id"], seed)
        self.assertEqual(a["url"], self.seed_url)
        self.assertEqual(a["title"], self.seed_title)
        row = self.sql("SELECT excerpt, published_at, type, category, quality, heat, is_published"
                       " FROM articles WHERE id = ?", (seed,))[0]
        self.assertEqual((a["excerpt"], a["published_at"], a["type"], a["category"], a["quality"],
                          a["heat"]), row[:6])
        self.assertEqual(a["is_published"], bool(row[6]))
        self.assertEqual([a["provider"]["name"], a["provider"]["domain"]], self.seed_provider)
        self.assertEqual(a["topics"], self.seed_topics)
        self.assertEqual([i["url"] for i in a["images"]], self.seed_images)
        img = self.sql("SELECT width, height, is_cached FROM images WHERE url = ?", (self.seed_images[0],))[0]
        self.assertEqual((a["images"][0]["width"], a["images"][0]["height"]), img[:2])
        self.assertEqual(a["images"][0]["is_cached"], bool(img[2]))
        # related coverage, in the file's order
        self.assertEqual([l["url"] for l in a["links_to"]], self.related_urls)
        self.assertEqual([l["title"] for l in a["links_to"]], self.related_titles)
        self.assertEqual(a["linked_from"], [])
        # the file it came from (stored as newsdb spells the path: compare files)
        self.assertEqual(len(a["sources"]), 1)
        self.assertTrue(os.path.samefile(a["sources"][0]["path"], SEED_FILE))
        self.assertEqual(a["sources"][0]["path"],
                         self.one("SELECT path FROM sources WHERE article_id = ?", (seed,)))
        self.assertEqual(a["sources"][0]["status"], "ok")
        # keys kept verbatim
        self.assertEqual(a["extra"]["secured"], self.seed_secured)
        self.assertEqual(a["extra"], json.loads(self.one("SELECT extra FROM articles WHERE id = ?", (seed,))))

    def test_related_items_list_the_seed_in_linked_from(self):
        seed = self.id_of(self.seed_url)
        for url, title in zip(self.related_urls, self.related_titles):
            with self.subTest(url=url):
                a = self.show_json(url)
                self.assertEqual(a["id"], self.id_of(url))
                self.assertEqual(a["title"], title)
                self.assertEqual(a["sources"], [])
                self.assertEqual(a["links_to"], [])
                self.assertEqual([(l["id"], l["url"]) for l in a["linked_from"]], [(seed, self.seed_url)])
                self.assertEqual(a["linked_from"][0]["title"], self.seed_title)
                # and in text
                t = self.ok("show", str(a["id"])).out
                self.assertRegex(t, r"(?i)linked from")
                after = t[re.search(r"(?i)linked from", t).end():]
                self.assertIn(f"#{seed}", after)
                self.assertIn(self.seed_url, after)

    def test_links_both_ways_in_data(self):
        # data/: raises-hk-ipo and shares-debut link to each other; both link to ft.com
        raises = "https://www.reuters.com/technology/sensetime-raises-hk55-billion-hong-kong-ipo-2021-12-30/"
        debut = "https://www.reuters.com/markets/asia/sensetime-shares-jump-hong-kong-debut-2021-12-30/"
        for url in [raises, debut, "https://www.ft.com/content/4f1c2a9e-sensetime-listing-chinese-ai"]:
            with self.subTest(url=url):
                aid = self.id_of(url)
                a = self.show_json(url)
                to = [u for (u,) in self.sql(
                    "SELECT b.url FROM related_links r JOIN articles b ON b.id = r.related_article_id"
                    " WHERE r.article_id = ? ORDER BY r.position", (aid,))]
                frm = {(i, u) for (i, u) in self.sql(
                    "SELECT a.id, a.url FROM related_links r JOIN articles a ON a.id = r.article_id"
                    " WHERE r.related_article_id = ?", (aid,))}
                self.assertEqual([l["url"] for l in a["links_to"]], to)
                self.assertEqual({(l["id"], l["url"]) for l in a["linked_from"]}, frm)
                self.assertTrue(frm)
        self.assertIn(self.id_of(debut), [l["id"] for l in self.show_json(raises)["linked_from"]])
        self.assertIn(self.id_of(raises), [l["id"] for l in self.show_json(debut)["linked_from"]])

    def test_show_text(self):
        seed = self.id_of(self.seed_url)
        t = self.ok("show", str(seed)).out
        self.assertNotIn("\x1b", t)
        seed_path = self.one("SELECT path FROM sources WHERE article_id = ?", (seed,))
        self.assertTrue(os.path.samefile(seed_path, SEED_FILE))
        for s in [self.seed_title, self.seed_url, *self.seed_provider, *self.seed_topics,
                  *self.seed_images, *self.related_urls, *self.related_titles, seed_path,
                  "secured", self.seed_secured, str(seed)]:
            self.assertIn(s, t)
        # links_to come in the file's order
        self.assertLess(t.index(self.related_urls[0]), t.index(self.related_urls[1]))
        # several topics, several sources
        chip = "https://www.marketwatch.com/story/chip-shortage-to-last-into-2023-11642759200"
        t = self.ok("show", chip).out
        for (path,) in self.sql("SELECT s.path FROM sources s JOIN articles a ON a.id = s.article_id"
                                " WHERE a.url = ?", (chip,)):
            self.assertIn(path, t)
        for (name,) in self.sql("SELECT t.name FROM article_topics at JOIN topics t ON t.id = at.topic_id"
                                " JOIN articles a ON a.id = at.article_id WHERE a.url = ?", (chip,)):
            self.assertIn(name, t)

    def test_show_by_url_spellings(self):
        seed = self.id_of(self.seed_url)
        host_up = self.seed_url.replace("https://siliconangle.com", "HTTPS://SiliconANGLE.COM")
        self.assertNotEqual(host_up, self.seed_url)
        for ref in [self.seed_url, host_up, self.seed_url + "?utm_source=x",
                    self.seed_url + "?utm_source=x&utm_medium=email#top",
                    self.seed_url.replace("siliconangle.com", "siliconangle.com:443"),
                    front_matter_value(front(SEED_FILE), "originalUrl")]:
            with self.subTest(ref=ref):
                self.assertEqual(canonical_url(ref), self.seed_url)  # the rule says so
                self.assertEqual(self.show_json(ref)["id"], seed)
        # a query parameter that is not tracking is part of the identity
        r = self.run_newsdb("show", self.seed_url + "?page=2")
        self.assertEqual(r.code, 1, r)

    def test_show_by_path(self):
        seed = self.id_of(self.seed_url)
        self.assertEqual(self.show_json(SEED_FILE)["id"], seed)
        # relative to the current folder (run_newsdb runs in self.dir)
        rel = os.path.relpath(SEED_FILE, self.dir)
        self.assertFalse(os.path.isabs(rel))
        self.assertEqual(self.show_json(rel)["id"], seed)
        # the second file of an article names the same article
        chip = "https://www.marketwatch.com/story/chip-shortage-to-last-into-2023-11642759200"
        for f in ["2022/01/chip-shortage.txt", "mirror/chip-shortage-copy.txt"]:
            self.assertEqual(self.show_json(os.path.join(DATA, f))["id"], self.id_of(chip))

    def test_unknown_article(self):
        top = self.one("SELECT max(id) FROM articles")
        for ref in [str(top + 1), "999999", "https://nowhere.example/none",
                    os.path.join(DATA, "no-such-file.txt"), os.path.join(DATA, "README.md")]:
            with self.subTest(ref=ref):
                for fmt in ["text", "json"]:
                    r = self.run_newsdb("show", ref, "--format", fmt)
                    self.assertEqual(r.code, 1, r)
                    self.assertEqual(r.out, "", r)
                    self.assertRegex(r.err, r"^newsdb: error: .+", r)
        r = self.run_newsdb("show")
        self.assertEqual(r.code, 2, r)


# --- stats -----------------------------------------------------------------

def parse_chart(text):
    """period -> (bar length, count) from the bar chart lines."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^(\d{4}(?:-\d{2})?)\s+([█▏▎▍▌▋▊▉]*)\s*(\d+)\s*$", line)
        if m:
            rows[m.group(1)] = (len(m.group(2)), int(m.group(3)))
    return rows


class StatsMixin:
    def expected(self):
        q = lambda s: self.one(s)
        return {
            "articles": q("SELECT count(*) FROM articles"),
            "archived": q("SELECT count(*) FROM articles WHERE is_archived = 1"),
            "link_only": q("SELECT count(*) FROM articles WHERE is_archived = 0"),
            "providers": q("SELECT count(*) FROM providers"),
            "topics": q("SELECT count(*) FROM topics"),
            "images": q("SELECT count(*) FROM images"),
            "related_links": q("SELECT count(*) FROM related_links"),
            "sources": q("SELECT count(*) FROM sources"),
            "failed_sources": q("SELECT count(*) FROM sources WHERE status = 'failed'"),
            "skipped_sources": q("SELECT count(*) FROM sources WHERE status = 'skipped'"),
        }

    def per(self, n):
        return dict(self.sql(
            f"SELECT substr(published_at, 1, {n}), count(*) FROM articles"
            " WHERE is_archived = 1 AND published_at IS NOT NULL GROUP BY 1 ORDER BY 1"))

    def check_json(self, s):
        for k, v in self.expected().items():
            self.assertEqual(s[k], v, k)
        lo, hi = self.sql("SELECT min(published_at), max(published_at) FROM articles")[0]
        self.assertEqual((s["first_published"], s["last_published"]), (lo, hi))

    def check_text(self, out):
        e = self.expected()
        lines = {l.split()[0]: l for l in out.splitlines() if l.strip()}

        def ints(label):
            line = next(l for l in out.splitlines() if l.startswith(label))
            return [int(x) for x in re.findall(r"\d+", line[len(label):])]

        self.assertEqual(ints("articles")[:3], [e["articles"], e["archived"], e["link_only"]])
        self.assertEqual(ints("providers")[:1], [e["providers"]])
        self.assertEqual(ints("topics")[:1], [e["topics"]])
        self.assertEqual(ints("images")[:1], [e["images"]])
        self.assertEqual(ints("related links")[:1], [e["related_links"]])
        src = ints("sources")
        self.assertEqual(src[0], e["sources"])
        self.assertRegex(lines["sources"], rf"\b{e['failed_sources']} failed\b")
        self.assertRegex(lines["sources"], rf"\b{e['skipped_sources']} skipped\b")
        lo, hi = self.sql("SELECT substr(min(published_at), 1, 10), substr(max(published_at), 1, 10)"
                          " FROM articles")[0]
        self.assertRegex(lines["published"], rf"{lo}\b.*\b{hi}")

    def check_chart(self, out, n):
        chart = parse_chart(out)
        expected = self.per(n)
        self.assertEqual({p: c for p, (_, c) in chart.items()}, expected)
        # bars grow with the counts, the largest is the longest, none empty
        by_count = sorted(chart.values(), key=lambda bc: bc[1])
        self.assertEqual([b for b, _ in by_count], sorted(b for b, _ in by_count))
        self.assertGreater(min(b for b, _ in chart.values()), 0)
        self.assertGreater(max(b for b, _ in chart.values()), min(b for b, _ in chart.values()))
        # periods in time order
        periods = [m.group(1) for m in re.finditer(r"^(\d{4}(?:-\d{2})?)\s", out, re.M)]
        self.assertEqual(periods, sorted(expected))


class StatsOnCorpus(StatsMixin, SharedDb):
    """Seed, corpus, data and two broken files: more than 36 months, failures."""
    IMPORT = (SEEDS, CORPUS, DATA)
    WITH_BROKEN = True

    def test_counts_json(self):
        s = self.ok("stats", "--format", "json").json()
        self.check_json(s)
        e = self.expected()
        self.assertEqual(e["failed_sources"], len(BROKEN))
        self.assertGreater(e["link_only"], 0)
        self.assertEqual(e["archived"] + e["link_only"], e["articles"])
        # more than 36 months: per year by default
        months = self.per(7)
        self.assertGreater(len(months), 36)
        self.assertEqual({x["period"]: x["articles"] for x in s["per_year"]}, self.per(4))
        self.assertEqual([x["period"] for x in s["per_year"]], sorted(self.per(4)))

    def test_text_and_chart_per_year(self):
        r = self.ok("stats")
        self.assertNotIn("\x1b", r.out)
        self.check_text(r.out)
        self.check_chart(r.out, 4)
        self.assertRegex(r.out, r"(?i)per year")

    def test_by_month(self):
        r = self.ok("stats", "--by", "month")
        self.check_chart(r.out, 7)
        s = self.ok("stats", "--by", "month", "--format", "json").json()
        self.assertEqual({x["period"]: x["articles"] for x in s["per_month"]}, self.per(7))
        self.check_json(s)

    def test_bad_options(self):
        self.assertEqual(self.run_newsdb("stats", "--by", "week").code, 2)
        self.assertEqual(self.run_newsdb("stats", "--format", "xml").code, 2)


class StatsOnData(StatsMixin, SharedDb):
    """data/ alone spans three months: per month by default."""
    IMPORT = (DATA,)

    def test_per_month_by_default(self):
        r = self.ok("stats")
        self.check_text(r.out)
        self.check_chart(r.out, 7)
        self.assertRegex(r.out, r"(?i)per month")
        s = self.ok("stats", "-f", "json").json()
        self.check_json(s)
        self.assertEqual({x["period"]: x["articles"] for x in s["per_month"]}, self.per(7))
        self.assertEqual(s["failed_sources"], 0)
        # data/README.md is the one skipped file
        self.assertEqual(s["skipped_sources"], 1)

    def test_by_year(self):
        r = self.ok("stats", "--by", "year")
        self.check_chart(r.out, 4)
        s = self.ok("stats", "--by", "year", "-f", "json").json()
        self.assertEqual({x["period"]: x["articles"] for x in s["per_year"]}, self.per(4))

    def test_empty_database_stats(self):
        db = os.path.join(self.dir, "empty.db")
        empty = os.path.join(self.dir, "nothing")
        os.mkdir(empty)
        self.ok("import", empty, db=db)
        s = self.ok("stats", "-f", "json", db=db).json()
        self.assertEqual((s["articles"], s["sources"]), (0, 0))
        self.ok("stats", db=db)


# --- providers and topics -------------------------------------------------------

class Lists(SharedDb):
    IMPORT = (SEEDS, CORPUS, DATA)

    def provider_rows(self):
        return {(n, d, c) for n, d, c in self.sql(
            "SELECT p.name, p.domain, (SELECT count(*) FROM articles a WHERE a.provider_id = p.id)"
            " FROM providers p")}

    def topic_rows(self):
        return {(n, c) for n, c in self.sql(
            "SELECT t.name, (SELECT count(*) FROM article_topics at WHERE at.topic_id = t.id)"
            " FROM topics t")}

    def parse(self, what, fmt, *args):
        r = self.ok(what, "--format", fmt, *args)
        if fmt == "json":
            return r.json()
        if fmt == "ndjson":
            self.assertTrue(r.out.endswith("\n") or r.out == "")
            return [json.loads(l) for l in r.out.splitlines()]
        rows = list(csv.reader(io.StringIO(r.out, newline=""), delimiter="," if fmt == "csv" else "\t"))
        header = rows[0]
        self.assertIn("name", header)
        self.assertIn("articles", header)
        for row in rows[1:]:
            self.assertEqual(len(row), len(header), row)
        return [{k: (int(v) if k == "articles" else v) for k, v in zip(header, row)} for row in rows[1:]]

    def test_providers_counts_in_every_format(self):
        expected = self.provider_rows()
        self.assertEqual(len(expected), self.one("SELECT count(*) FROM providers"))
        ref = None
        for fmt in ["json", "ndjson", "csv", "tsv"]:
            with self.subTest(fmt=fmt):
                rows = self.parse("providers", fmt)
                got = [(x["name"], x["domain"], x["articles"]) for x in rows]
                self.assertEqual(len(got), len(expected))
                self.assertEqual(set(got), expected)
                if ref is None:
                    ref = got
                self.assertEqual(got, ref)   # same order in every format
        # text: "count  name (domain)" per line
        text = self.ok("providers").out
        got = []
        for line in text.splitlines():
            m = re.match(r"^\s*(\d+)\s+(.*) \(([^()]*)\)\s*$", line)
            self.assertIsNotNone(m, line)
            got.append((m.group(2), m.group(3), int(m.group(1))))
        self.assertEqual(got, ref)
        # the many-channel domain is many rows
        yt = [r for r in ref if r[1] == "youtube.com"]
        self.assertEqual(len(yt), self.one("SELECT count(*) FROM providers WHERE domain = 'youtube.com'"))
        self.assertGreater(len(yt), 1)

    def test_topics_counts_in_every_format(self):
        expected = self.topic_rows()
        ref = None
        for fmt in ["json", "ndjson", "csv", "tsv"]:
            with self.subTest(fmt=fmt):
                got = [(x["name"], x["articles"]) for x in self.parse("topics", fmt)]
                self.assertEqual(len(got), len(expected))
                self.assertEqual(set(got), expected)
                if ref is None:
                    ref = got
                self.assertEqual(got, ref)
        text = self.ok("topics").out
        got = []
        for line in text.splitlines():
            m = re.match(r"^\s*(\d+)\s+(.*?)\s*$", line)
            self.assertIsNotNone(m, line)
            got.append((m.group(2), int(m.group(1))))
        self.assertEqual(got, ref)
        # spelling variants are one topic, shown in its first spelling
        ai = [c for n, c in got if n.casefold() == "artificial intelligence"]
        self.assertEqual(len(ai), 1)

    def test_sort_and_limit(self):
        for what in ["providers", "topics"]:
            with self.subTest(what=what):
                by_count = self.parse(what, "json")
                counts = [x["articles"] for x in by_count]
                self.assertEqual(counts, sorted(counts, reverse=True))
                self.assertEqual(self.parse(what, "json", "--sort", "count"), by_count)
                by_name = self.parse(what, "json", "-s", "name")
                names = [x["name"] for x in by_name]
                self.assertEqual([n.casefold() for n in names], sorted(n.casefold() for n in names))
                self.assertEqual(sorted(map(json.dumps, by_name)), sorted(map(json.dumps, by_count)))
                self.assertNotEqual(by_name, by_count)
                self.assertEqual(self.parse(what, "json", "-n", "5"), by_count[:5])
                self.assertEqual(self.parse(what, "csv", "--limit", "3", "--sort", "name"), by_name[:3])
                self.assertEqual(self.run_newsdb(what, "--sort", "size").code, 2)
                self.assertEqual(self.run_newsdb(what, "--format", "xml").code, 2)


# --- views -------------------------------------------------------------------

class Views(SharedDb):
    IMPORT = (SEEDS, DATA)
    WITH_BROKEN = True

    def test_articles_view_one_row_with_provider_and_topics(self):
        view = {r[0]: r for r in self.sql(
            "SELECT id, provider, provider_domain, topics, image_count, links_to, linked_from,"
            " is_archived, title, url FROM articles_view")}
        self.assertEqual(len(view), self.one("SELECT count(*) FROM articles"))
        for (aid, title, url, archived, pname, pdomain) in self.sql(
                "SELECT a.id, a.title, a.url, a.is_archived, p.name, p.domain"
                " FROM articles a LEFT JOIN providers p ON p.id = a.provider_id"):
            topics = [n for (n,) in self.sql(
                "SELECT t.name FROM article_topics at JOIN topics t ON t.id = at.topic_id"
                " WHERE at.article_id = ? ORDER BY at.position", (aid,))]
            n_img = self.one("SELECT count(*) FROM article_images WHERE article_id = ?", (aid,))
            n_to = self.one("SELECT count(*) FROM related_links WHERE article_id = ?", (aid,))
            n_from = self.one("SELECT count(*) FROM related_links WHERE related_article_id = ?", (aid,))
            v = view[aid]
            self.assertEqual(v[1:3], (pname, pdomain), aid)
            self.assertEqual(v[3], ", ".join(topics) if topics else None, aid)
            self.assertEqual(v[4:8], (n_img, n_to, n_from, archived), aid)
            self.assertEqual(v[8:], (title, url))
        # an article with several topics shows them all on its one row
        multi = self.sql("SELECT topics FROM articles_view WHERE url = ?",
                         ("https://www.wsj.com/articles/chipmakers-race-ai-accelerators-11641380000",))
        self.assertEqual(len(multi), 1)
        self.assertGreaterEqual(multi[0][0].count(", "), 2)
        seed = self.sql("SELECT provider, topics, links_to FROM articles_view WHERE url LIKE"
                        " 'https://siliconangle.com/%sensetime%'")
        self.assertEqual(seed, [("SiliconANGLE", "AI", 2)])

    def test_related_view(self):
        view = sorted(self.sql("SELECT article_id, article_title, position, related_article_id,"
                               " related_title, related_url FROM related_view"))
        joined = sorted(self.sql(
            "SELECT r.article_id, a.title, r.position, r.related_article_id, b.title, b.url"
            " FROM related_links r, articles a, articles b"
            " WHERE a.id = r.article_id AND b.id = r.related_article_id"))
        self.assertEqual(view, joined)
        self.assertEqual(len(view), self.one("SELECT count(*) FROM related_links"))
        # the seed's two related items, in order
        text = front(SEED_FILE)
        urls = [canonical_url(unquote(m)) for l in section(text, "related")
                for m in re.findall(r"^    webUrl:\s*(.*)$", l)]
        got = [u for (u,) in self.sql("SELECT related_url FROM related_view WHERE article_title = ?"
                                      " ORDER BY position", (front_matter_value(text, "title"),))]
        self.assertEqual(got, urls)

    def test_failed_sources_lists_broken_files(self):
        rows = self.sql("SELECT path, message, imported_at FROM failed_sources ORDER BY path")
        expected = sorted(os.path.join(self.broken_dir, n) for n in BROKEN)
        self.assertEqual(len(rows), len(expected))
        for (path, _, _), want in zip(rows, expected):
            self.assertTrue(os.path.samefile(path, want), (path, want))
        for path, message, imported_at in rows:
            self.assertTrue(message and message.strip(), path)
            self.assertRegex(imported_at, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(len(rows), self.one("SELECT count(*) FROM sources WHERE status = 'failed'"))
        # the broken YAML is reported with its position
        self.assertRegex(rows[0][1], r"\d+:\d+")   # broken-quote.txt sorts first
        # and stats counts them
        s = self.ok("stats", "-f", "json").json()
        self.assertEqual(s["failed_sources"], len(BROKEN))

    def test_failed_source_recovers(self):
        # a copy of the database, the broken file fixed, imported again
        db = os.path.join(self.dir, "copy.db")
        shutil.copy(self.db, db)
        d = os.path.join(self.dir, "broken")
        os.mkdir(d)
        for name, text in BROKEN.items():
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
        def failed_here():
            return sorted(os.path.basename(p) for (p,) in self.sql("SELECT path FROM failed_sources", db=db)
                          if os.path.exists(p) and os.path.samefile(os.path.dirname(p), d))
        self.assertEqual(self.run_newsdb("import", d, db=db).code, 1)
        self.assertEqual(failed_here(), sorted(BROKEN))
        with open(os.path.join(d, "broken-quote.txt"), "w", encoding="utf-8") as f:
            f.write('---\ntitle: "now closed"\nwebUrl: https://broken.example/a\n---\n')
        self.run_newsdb("import", d, db=db)
        self.assertEqual(failed_here(), ["no-url.txt"])
        self.assertEqual(self.one("SELECT title FROM articles WHERE url = 'https://broken.example/a'", db=db),
                         "now closed")


if __name__ == "__main__":
    main()
