"""The search query language, end to end (issue 4).

One database per class (seed + powerapps corpus + data/ + a few fixtures
written here), imported once.  Expected results come from the input files or
from the database with SQL (FTS5 MATCH on articles_fts, joins, or Python
over the stored text), never from newsdb's own output.
"""
import collections
import csv
import io
import json
import os
import re
import subprocess
import unicodedata

from copykey import copy_key
from e2e import (BIN, CORPUS, DATA, SEEDS, WRAPPER, SharedDbTest, front_matter_value, main,
                 run_on_pty)

SEED_URL = "https://siliconangle.com/2021/12/29/chinas-largest-ai-firm-sensetime-raises-700m-hong-kong-ipo/"

FIXTURES = {
    # accents: a title with résumé, found by resume and RÉSUMÉ
    "resume-fixture.txt": """---
title: "Un résumé parfait pour Québec: quelques conseils"
excerpt: "Comment écrire un bon CV en 2021."
publishedDateTime: 2021-06-15T10:00:00Z
webUrl: "https://fixture.example/fr/resume-parfait"
provider:
  name: Fixture Presse
  domain: fixture.example
topics:
  - Carrières
---
""",
    # CJK: a title containing 商汤科技
    "cjk-title-fixture.txt": """---
title: "测试新闻：商汤科技发布新一代视觉大模型"
excerpt: "人工智能公司发布新产品。"
publishedDateTime: 2022-03-01T02:00:00Z
webUrl: "https://fixture.example/zh/shangtang-model"
provider:
  name: 测试日报
  domain: fixture.example
---
""",
    # CJK only in the body (search covers bodies, and CJK is matched as substrings)
    "cjk-body-fixture.txt": """---
title: "A plain English headline about a listing in Hong Kong"
webUrl: "https://fixture.example/zh/body-only"
publishedDateTime: 2022-03-02T02:00:00Z
---
正文：旷视科技今日在香港上市，股价上涨。
""",
    # a body of over 127 words: FTS5 records its length as a two-byte varint,
    # which the ranking reads back (test_rank_is_the_schema_bm25)
    "long-body-fixture.txt": """---
title: "Zebrafish regenerate their hearts, a long report"
webUrl: "https://fixture.example/science/zebrafish-long"
publishedDateTime: 2022-04-01T08:00:00Z
---
""" + " ".join(f"zebrafish cells number {k} divide again." for k in range(80)) + "\n",
    "short-zebrafish-fixture.txt": """---
title: "Aquarium notes"
excerpt: "A zebrafish in a small tank."
webUrl: "https://fixture.example/science/zebrafish-short"
publishedDateTime: 2022-04-02T08:00:00Z
---
""",
}


def norm(s):
    """Case- and accent-folded text, as the search promises to compare it."""
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.casefold()


def run_env(no_color=None):
    env = dict(os.environ)
    env.pop("NEWSDB_DB", None)
    env.pop("NO_COLOR", None)
    if no_color is not None:
        env["NO_COLOR"] = no_color
    return env


class SearchDb(SharedDbTest):
    """A database imported once for the class; each test still gets its own folder."""

    @classmethod
    def setUpClass(cls):
        cls.make_shared("newsdb-e2e-search-")
        cls.fixture_dir = os.path.join(cls.shared, "fixtures")
        os.mkdir(cls.fixture_dir)
        for name, text in FIXTURES.items():
            with open(os.path.join(cls.fixture_dir, name), "w", encoding="utf-8") as f:
                f.write(text)
        cls.import_shared([SEEDS, CORPUS, DATA, cls.fixture_dir], env=run_env("1"))

    # --- helpers -----------------------------------------------------------

    def hits(self, *args):
        """All hits (-n 0) as JSON; [] when newsdb says nothing matched."""
        r = self.run_newsdb("search", *args, "-n", "0", "--format", "json")
        self.assertIn(r.code, (0, 1), f"{args}: {r}")
        if r.code == 1:
            # nothing matched: no hits on stdout (an empty JSON list at most)
            self.assertIn(r.out.strip(), ("", "[]"), r)
            self.assertNotIn("error", r.err, r)
            return []
        hits = r.json()
        self.assertGreater(len(hits), 0, r)
        return hits

    def ids(self, *args):
        ids = [h["id"] for h in self.hits(*args)]
        self.assertEqual(len(ids), len(set(ids)), f"{args}: an article appears twice")
        return ids

    def fts(self, match):
        return {r for (r,) in self.sql("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                                       (match,))}

    def texts(self):
        """id -> (folded title, folded title+excerpt+body) for every article."""
        if not hasattr(type(self), "_texts"):
            type(self)._texts = {
                i: (norm(t), norm(" ".join(x or "" for x in (t, e, b))))
                for i, t, e, b in self.sql("SELECT id, title, excerpt, body FROM articles")}
        return type(self)._texts

    def id_of(self, url):
        return self.one("SELECT id FROM articles WHERE url = ?", (url,))

    def id_of_fixture(self, name):
        return self.id_of(front_matter_value(FIXTURES[name], "webUrl"))

    def assert_each_hit_has(self, ids, pattern, where=1, msg=""):
        rx = re.compile(pattern)
        texts = self.texts()
        for i in ids:
            self.assertRegex(texts[i][where], rx, f"{msg} hit #{i} lacks {pattern}")


class QueryLanguage(SearchDb):
    def test_plain_words_are_all_required(self):
        ids = self.ids("sensetime", "hong")          # two arguments
        self.assertEqual(set(ids), set(self.ids("sensetime hong")))  # one argument
        self.assertEqual(set(ids), set(self.ids("hong sensetime")))  # any order
        self.assertEqual(set(ids), self.fts('"sensetime" AND "hong"'))
        self.assert_each_hit_has(ids, r"\bsensetime")
        self.assert_each_hit_has(ids, r"\bhong\b")
        # and it is narrower than either word alone
        self.assertLess(len(ids), len(self.ids("sensetime")))
        self.assertIn(self.id_of(SEED_URL), ids)

    def test_exact_phrase_needs_adjacent_words(self):
        words = set(self.ids("power platform"))
        phrase = self.ids('"power platform"')
        self.assertEqual(set(phrase), self.fts('"power platform"'))
        self.assert_each_hit_has(phrase, r"\bpower\w*\W+platform")
        # the two words without the phrase find more: some hits have them apart
        self.assertLess(set(phrase), words)
        texts = self.texts()
        apart = [i for i in words - set(phrase)
                 if not re.search(r"\bpower\w*\W+platform", texts[i][1])]
        self.assertGreater(len(apart), 0)

    def test_or_is_the_union(self):
        a = set(self.ids("sensetime"))
        b = set(self.ids("dataverse"))
        self.assertTrue(a and b)
        either = self.ids("sensetime OR dataverse")
        self.assertEqual(set(either), a | b)
        self.assertGreater(len(either), max(len(a), len(b)))

    def test_minus_excludes_a_word(self):
        with_word = set(self.ids("sensetime", "professor"))
        self.assertGreater(len(with_word), 0, "the test needs hits that contain the excluded word")
        without = self.ids("sensetime -professor")
        self.assertEqual(set(without), set(self.ids("sensetime")) - with_word)
        texts = self.texts()
        for i in without:
            self.assertNotRegex(texts[i][1], r"\bprofessor", f"#{i}")
            self.assertRegex(texts[i][1], r"\bsensetime", f"#{i}")

    def test_prefix_matches_word_starts(self):
        texts = self.texts()
        for prefix in ["datav", "sensetim", "copilo"]:
            ids = self.ids(prefix + "*")
            self.assert_each_hit_has(ids, r"\b" + prefix, msg=prefix + "*")
            # every article with a word starting so is found
            expected = {i for i, (_, t) in texts.items() if re.search(r"\b" + prefix, t)}
            self.assertEqual(set(ids), expected, prefix + "*")

    def test_prefix_is_not_defeated_by_stemming(self):
        # "automat*" must find "automation", "automated", "automate"; the
        # Porter stemmer stores those as "autom", so a prefix query on the
        # stemmed index alone misses them.
        texts = self.texts()
        expected = {i for i, (_, t) in texts.items() if re.search(r"\bautomat", t)}
        self.assertGreater(len(expected), 20)
        ids = self.ids("automat*")
        self.assert_each_hit_has(ids, r"\bautomat")
        self.assertEqual(set(ids), expected,
                         f"missing e.g. {sorted(expected - set(ids))[:5]}")

    def test_title_filter(self):
        texts = self.texts()
        ids = self.ids("title:sensetime")
        expected = {i for i, (t, _) in texts.items() if re.search(r"\bsensetime", t)}
        self.assertEqual(set(ids), expected)
        self.assert_each_hit_has(ids, r"\bsensetime", where=0)
        # the Chinese article has SenseTime only in its excerpt
        anywhere = set(self.ids("sensetime"))
        self.assertLess(set(ids), anywhere)
        self.assertIn(self.id_of("https://finance.example.cn/stock/2021-12-30/shangtang-keji-shangshi.html"),
                      anywhere - set(ids))

    def test_provider_by_domain(self):
        bloomberg = {i for (i,) in self.sql(
            "SELECT a.id FROM articles a JOIN providers p ON p.id = a.provider_id"
            " WHERE p.domain = 'bloomberg.com'")}
        ids = self.ids("sensetime provider:bloomberg.com")
        self.assertEqual(set(ids), set(self.ids("sensetime")) & bloomberg)
        self.assertGreater(len(ids), 0)
        # a filter alone: every provider on youtube.com, channels included
        yt = self.sql("SELECT a.id, p.name FROM articles a JOIN providers p ON p.id = a.provider_id"
                      " WHERE p.domain = 'youtube.com'")
        self.assertGreater(len({n for _, n in yt}), 1)
        hits = self.hits("provider:youtube.com")
        self.assertEqual({h["id"] for h in hits}, {i for i, _ in yt})
        self.assertEqual({h["domain"] for h in hits}, {"youtube.com"})

    def test_provider_by_name(self):
        def by_name(name):
            return {i for (i,) in self.sql(
                "SELECT a.id FROM articles a JOIN providers p ON p.id = a.provider_id"
                " WHERE lower(trim(p.name)) = ?", (name,))}
        wsj = by_name("wall street journal")
        self.assertGreater(len(wsj), 0)
        self.assertEqual(set(self.ids('provider:"Wall Street Journal"')), wsj)
        # a name on two domains (Reuters the agency and Reuters the channel)
        reuters = by_name("reuters")
        self.assertEqual(len({d for (d,) in self.sql(
            "SELECT DISTINCT domain FROM providers WHERE lower(trim(name)) = 'reuters'")}), 2)
        self.assertEqual(set(self.ids("provider:reuters")), reuters)
        self.assertEqual(set(self.ids("provider:REUTERS")), reuters)

    def test_topic_filter(self):
        def by_topic(name):
            return {i for (i, t) in self.sql(
                "SELECT at.article_id, t.name FROM article_topics at JOIN topics t ON t.id = at.topic_id")
                if " ".join(t.split()).casefold() == name}
        power = by_topic("power apps")
        self.assertGreater(len(power), 100)
        self.assertEqual(set(self.ids('topic:"Power Apps"')), power)
        self.assertEqual(set(self.ids('topic:"power apps"')), power)
        ai = by_topic("artificial intelligence")
        self.assertGreater(len(ai), 1)
        self.assertEqual(set(self.ids('topic:"Artificial Intelligence"')), ai)
        # with words
        self.assertEqual(set(self.ids("sensetime topic:ai")), set(self.ids("sensetime")) & by_topic("ai"))
        # two topics: both required (a different statement path from one)
        both = power & by_topic("portals")
        self.assertGreater(len(both), 0)
        self.assertLess(len(both), len(power))
        self.assertEqual(set(self.ids('topic:"Power Apps" topic:Portals')), both)
        self.assertEqual(set(self.ids('apps topic:"Power Apps" topic:Portals')),
                         both & set(self.ids("apps")))
        # with words and a provider (both sets, without the date filter's join)
        microsoft = {i for (i,) in self.sql(
            "SELECT a.id FROM articles a JOIN providers p ON p.id = a.provider_id"
            " WHERE p.domain = 'microsoft.com'")}
        self.assertEqual(set(self.ids('apps topic:"Power Apps" provider:microsoft.com')),
                         set(self.ids("apps")) & power & microsoft)

    def test_since_until_forms(self):
        cases = [
            ("since:2021 until:2021", "substr(published_at, 1, 4) = '2021'"),
            ("since:2021-12 until:2021-12", "substr(published_at, 1, 7) = '2021-12'"),
            ("since:2021-12-30 until:2021-12-30", "substr(published_at, 1, 10) = '2021-12-30'"),
            ("since:2021-12-30", "published_at >= '2021-12-30'"),
            ("until:2019", "published_at < '2020'"),
            ("until:2021-12", "published_at < '2022'"),
        ]
        for query, where in cases:
            with self.subTest(query=query):
                expected = {i for (i,) in self.sql(f"SELECT id FROM articles WHERE {where}")}
                self.assertGreater(len(expected), 0)
                hits = self.hits(query)
                self.assertEqual(len(hits), len(expected))
                self.assertEqual({h["id"] for h in hits}, expected)
                for h in hits:
                    self.assertEqual(self.one(f"SELECT count(*) FROM articles WHERE id = ? AND {where}",
                                              (h["id"],)), 1, h)
        # with words, in a day
        day = self.ids("sensetime since:2021-12-30 until:2021-12-30")
        self.assertEqual(set(day), {i for i in self.ids("sensetime") if self.one(
            "SELECT published_at FROM articles WHERE id = ?", (i,)).startswith("2021-12-30")})
        self.assertGreater(len(day), 2)

    def test_flags_equal_inline_filters(self):
        pairs = [
            (["sensetime provider:bloomberg.com"], ["sensetime", "--provider", "bloomberg.com"]),
            (['topic:"Power Apps" dataverse'], ["dataverse", "--topic", "Power Apps"]),
            (["apps since:2021-12 until:2022-01"], ["apps", "--since", "2021-12", "--until", "2022-01"]),
            (["provider:reuters since:2022"], ["--provider", "reuters", "--since", "2022"]),
        ]
        for inline, flags in pairs:
            with self.subTest(inline=inline):
                a = self.ids(*inline)
                self.assertGreater(len(a), 0)
                self.assertEqual(self.ids(*flags), a)

    def test_raw_passes_fts5_syntax(self):
        near = self.ids("--raw", "NEAR(sensetime founder, 3)")
        self.assertEqual(set(near), self.fts("NEAR(sensetime founder, 3)"))
        self.assertGreater(len(near), 0)
        self.assertLessEqual(set(near), set(self.ids("sensetime founder")))
        # without --raw the same text is words, not a NEAR group
        self.assertNotEqual(set(self.ids("NEAR(sensetime founder, 3)")), set(near))
        col = self.ids("--raw", "title : dataverse NOT excerpt : dataverse")
        self.assertEqual(set(col), self.fts("title : dataverse NOT excerpt : dataverse"))

    def test_raw_syntax_error_is_a_clear_error(self):
        for q in ["sensetime AND", "NEAR(", '"unterminated', "(a OR"]:
            with self.subTest(q=q):
                r = self.run_newsdb("search", "--raw", q)
                self.assertEqual(r.code, 1, r)
                self.assertEqual(r.out, "", r)
                self.assertRegex(r.err, r"^newsdb: error: .+", r)
                self.assertNotIn("Segmentation", r.err)


class Folding(SearchDb):
    def test_accents_and_case(self):
        fixture = self.id_of_fixture("resume-fixture.txt")
        texts = self.texts()
        expected = {i for i, (_, t) in texts.items() if re.search(r"\bresume\b", t)}
        self.assertIn(fixture, expected)
        self.assertGreater(len(expected), 1)   # data/ has a résumé too
        for q in ["resume", "RÉSUMÉ", "résumé", "Resume"]:
            with self.subTest(q=q):
                self.assertEqual(set(self.ids(q)), expected)
        self.assertEqual(set(self.ids("quebec")), {fixture})
        self.assertEqual(set(self.ids("zurich")), set(self.ids("ZÜRICH")))
        self.assertEqual(set(self.ids("sao paulo")), set(self.ids("São Paulo")))
        self.assertGreater(len(self.ids("sao paulo")), 0)

    def test_stemming(self):
        ipo = set(self.ids("ipo"))
        self.assertIn(self.id_of(SEED_URL), ipo)
        self.assertEqual(set(self.ids("ipos")), ipo)
        self.assertEqual(set(self.ids("IPOs")), ipo)
        self.assert_each_hit_has(ipo, r"\bipos?\b")


class Cjk(SearchDb):
    def by_substring(self, s):
        return {i for (i,) in self.sql(
            "SELECT id FROM articles WHERE instr(title, ?) OR instr(excerpt, ?) OR instr(body, ?)",
            (s, s, s))}

    def test_four_characters_by_trigram(self):
        fixture = self.id_of_fixture("cjk-title-fixture.txt")
        expected = self.by_substring("商汤科技")
        self.assertIn(fixture, expected)
        self.assertEqual(len(expected), 2)  # the fixture and data/2021/12/shangtang-hk-listing-zh.txt
        self.assertEqual(set(self.ids("商汤科技")), expected)
        self.assertEqual(set(self.ids("视觉大模型")), {fixture})

    def test_two_characters_by_scan(self):
        fixture = self.id_of_fixture("cjk-title-fixture.txt")
        expected = self.by_substring("商汤")
        self.assertIn(fixture, expected)
        self.assertEqual(set(self.ids("商汤")), expected)
        # Japanese and Korean two-character terms from data/
        for term in ["日経", "삼성"]:
            with self.subTest(term=term):
                exp = self.by_substring(term)
                self.assertGreater(len(exp), 0)
                self.assertEqual(set(self.ids(term)), exp)

    def test_cjk_mixed_with_a_filter(self):
        fixture = self.id_of_fixture("cjk-title-fixture.txt")
        self.assertEqual(set(self.ids("商汤科技", "since:2022")), {fixture})
        self.assertEqual(set(self.ids("商汤", "until:2021")),
                         self.by_substring("商汤") - {fixture})

    def test_cjk_in_body_is_found(self):
        # search covers bodies, and CJK text is matched as substrings
        fixture = self.id_of_fixture("cjk-body-fixture.txt")
        self.assertEqual(self.by_substring("旷视科技"), {fixture})
        self.assertEqual(set(self.ids("旷视科技")), {fixture})
        self.assertEqual(set(self.ids("旷视")), {fixture})


class HardQueries(SearchDb):
    def check_query(self, q):
        r = self.run_newsdb("search", q)
        self.assertIn(r.code, (0, 1), f"{q!r}: {r}")
        self.assertNotIn("syntax error", r.err, q)
        self.assertNotIn("fts5", r.err.lower(), q)
        return r

    def test_punctuated_words_are_searched_as_words(self):
        cases = {
            "COVID-19": "https://www.npr.org/sections/health-shots/2022/01/03/covid-booster-teens-fda",
            "AT&T": "https://www.theverge.com/2022/1/19/att-5g-c-band-launch",
            "O'Brien": "https://www.espn.com/college-football/story/_/id/33090001/obrien-extension",
            "U.S.": "https://www.reuters.com/world/us/us-weekly-jobless-claims-rise-2022-01-13/",
        }
        for q, url in cases.items():
            with self.subTest(q=q):
                self.assertEqual(self.check_query(q).code, 0)
                self.assertIn(self.id_of(url), self.ids(q))
        # COVID-19 is the two words next to each other
        ids = self.ids("COVID-19")
        self.assert_each_hit_has(ids, r"\bcovid\W+19\b")

    def test_odd_queries_never_error(self):
        for q in ["c++", "AND", "OR", "NOT", "sensetime AND", "sensetime \"", '"hong kong',
                  "O'Brien's", "NEAR(x", "a:b", "ipo)", "(ipo", "^ipo", "ipo*", "sensetime -ipo", "ipo -"]:
            with self.subTest(q=q):
                self.check_query(q)

    def test_lone_and_is_a_word(self):
        r = self.check_query("AND")
        self.assertEqual(r.code, 0, r)
        ids = self.ids("AND")
        self.assert_each_hit_has(ids, r"\band\b")

    def test_stray_quote_alone(self):
        # a stray quote is searched as the words it contains (none): not a usage error
        self.check_query('"')


class Ordering(SearchDb):
    def dates(self, ids):
        return [self.one("SELECT published_at FROM articles WHERE id = ?", (i,)) for i in ids]

    def test_sort_by_date(self):
        rank = self.ids("power apps")
        new = self.ids("power apps", "--sort", "date")
        old = self.ids("power apps", "--sort", "-date")
        self.assertEqual(set(new), set(rank))
        self.assertEqual(set(old), set(rank))
        d_new, d_old = self.dates(new), self.dates(old)
        self.assertNotIn(None, d_new)
        self.assertEqual(d_new, sorted(d_new, reverse=True))
        self.assertEqual(d_old, sorted(d_old))
        self.assertNotEqual(d_new, d_old)
        # rank order is not date order here: the sort option matters
        self.assertNotEqual(self.dates(rank), d_new)

    def test_limit_and_offset(self):
        everything = self.ids("power apps")
        self.assertGreater(len(everything), 30)
        def page(*args):
            r = self.ok("search", "power apps", *args, "--format", "json")
            return [h["id"] for h in r.json()]
        self.assertEqual(page("--offset", "5", "--limit", "5"), everything[5:10])
        self.assertEqual(page("-n", "5", "--offset", "5"), everything[5:10])
        self.assertEqual(page(), everything[:20])
        self.assertEqual(page("-n", "7"), everything[:7])
        n = len(everything)
        self.assertEqual(page("-n", "10", "--offset", str(n - 3)), everything[n - 3:])
        dated = self.ids("power apps", "--sort", "date")
        self.assertEqual(page("--sort", "date", "--offset", "5", "-n", "5"), dated[5:10])

    def test_rank_puts_title_matches_first(self):
        # bm25 with the title weighted: the seed (SenseTime and IPO in its title)
        # outranks the Chinese article that has them only in its excerpt
        ids = self.ids("sensetime ipo")
        seed = self.id_of(SEED_URL)
        zh = self.id_of("https://finance.example.cn/stock/2021-12-30/shangtang-keji-shangshi.html")
        self.assertLess(ids.index(seed), ids.index(zh))

    def fts5_order(self, match):
        """(id, rank) of every match as FTS5's own `rank` (the schema's bm25
        weights) orders them, archived articles first."""
        return self.sql("SELECT a.id, f.rank FROM articles_fts f JOIN articles a"
                        " ON a.id = f.rowid WHERE articles_fts MATCH ?"
                        " ORDER BY a.is_archived DESC, f.rank, a.id", (match,))

    def test_rank_is_the_schema_bm25(self):
        # the weights newsdb ranks with are the rank option other tools use
        long_body = self.one("SELECT length(sz) FROM articles_fts_docsize WHERE id = ?",
                             (self.id_of_fixture("long-body-fixture.txt"),))
        self.assertGreater(long_body, 3)  # a column of over 127 tokens
        for word in ("power", "apps", "microsoft", "sensetime", "zebrafish"):
            expected = self.fts5_order(f'"{word}"')
            self.assertGreater(len(expected), 0, word)
            hits = self.hits(word)
            self.assertEqual([h["id"] for h in hits], [i for i, _ in expected], word)
            for h, (_, rank) in zip(hits, expected):
                self.assertAlmostEqual(h["rank"], rank, places=9, msg=word)

    def test_pages_are_slices_of_the_full_order(self):
        # the page is chosen without scoring every match exactly; it must
        # still be exactly what the full bm25 order gives at that place
        for word in ("power", "apps", "data", "microsoft"):
            expected = [i for i, _ in self.fts5_order(f'"{word}"')]
            self.assertGreater(len(expected), 12, word)
            for n, offset in ((1, 0), (3, 0), (5, 2), (10, 0), (4, 9)):
                page = self.ok("search", word, "-n", str(n), "--offset", str(offset),
                               "--format", "json").json()
                self.assertEqual([h["id"] for h in page], expected[offset:offset + n],
                                 f"{word} -n {n} --offset {offset}")
        # a prefix takes another way to the page's snippets (one pass, not a
        # look-up per hit); the same page, with the prefix highlighted
        expected = [i for i, _ in self.fts5_order('"micro"*')]
        self.assertGreater(len(expected), 12)
        for n, offset in ((1, 0), (5, 2), (10, 0), (4, 9)):
            page = self.ok("search", "--raw", '"micro"*', "-n", str(n), "--offset", str(offset),
                           "--format", "json").json()
            self.assertEqual([h["id"] for h in page], expected[offset:offset + n])
            for h in page:
                self.assertRegex(h["snippet"].casefold() + h["title"].casefold(), "micro")
        # and by date, and deduplicated, which have their own statements for it
        by_date = [i for (i,) in self.sql(
            "SELECT a.id FROM articles_fts f JOIN articles a ON a.id = f.rowid"
            " WHERE articles_fts MATCH ? ORDER BY a.published_at DESC, a.id DESC", ('"micro"*',))]
        for n, offset in ((1, 0), (5, 2), (10, 0)):
            page = self.ok("search", "--raw", '"micro"*', "--sort", "date", "-n", str(n),
                           "--offset", str(offset), "--format", "json").json()
            self.assertEqual([h["id"] for h in page], by_date[offset:offset + n])
        oldest = self.ok("search", "--raw", '"micro"*', "--sort", "-date", "-n", "3",
                         "--format", "json").json()
        self.assertEqual([h["id"] for h in oldest], [i for (i,) in self.sql(
            "SELECT a.id FROM articles_fts f JOIN articles a ON a.id = f.rowid"
            " WHERE articles_fts MATCH ? ORDER BY a.published_at IS NULL, a.published_at, a.id"
            " LIMIT 3", ('"micro"*',))])
        for sort in ("rank", "date", "-date"):
            groups = self.ok("search", "--raw", '"micro"*', "--dedupe", "--sort", sort, "-n", "0",
                             "--format", "json").json()
            self.assertEqual(sum(h["copies"] for h in groups), len(by_date), sort)

    def test_every_match_is_ranked(self):
        # no window: the whole order, and no note about one
        expected = self.fts5_order('"power"')
        self.assertGreater(len(expected), 40)
        r = self.run_newsdb("search", "power", "-n", "0", "--format", "json")
        self.assertEqual([h["id"] for h in r.json()], [i for i, _ in expected])
        self.assertNotIn("note", r.err)
        r = self.run_newsdb("search", "power", "--window", "5")
        self.assertEqual(r.code, 2, r)
        self.assertIn("--window", r.err)


class Formats(SearchDb):
    Q = ["power apps", "-n", "0"]

    def test_json_fields_match_the_database(self):
        hits = self.ok("search", "sensetime", "-n", "0", "--format", "json").json()
        self.assertIsInstance(hits, list)
        self.assertEqual({h["id"] for h in hits}, self.fts("sensetime"))
        for h in hits:
            for key in ["id", "published_at", "provider", "domain", "title", "url", "snippet", "rank"]:
                self.assertIn(key, h)
            row = self.sql("SELECT a.title, a.url, a.published_at, p.name, p.domain FROM articles a"
                           " LEFT JOIN providers p ON p.id = a.provider_id WHERE a.id = ?", (h["id"],))[0]
            self.assertEqual((h["title"], h["url"], h["published_at"], h["provider"], h["domain"]), row)
            self.assertIsInstance(h["rank"], (int, float))

    def test_ndjson_is_one_object_per_line(self):
        js = self.ok("search", *self.Q, "--format", "json").json()
        r = self.ok("search", *self.Q, "--format", "ndjson")
        self.assertTrue(r.out.endswith("\n"))
        lines = r.out[:-1].split("\n")
        self.assertEqual(len(lines), len(js))
        objs = [json.loads(line) for line in lines]
        for o in objs:
            self.assertIsInstance(o, dict)
        self.assertEqual(objs, js)

    def test_csv_and_tsv(self):
        js = self.ok("search", *self.Q, "--format", "json").json()
        for fmt, delim in [("csv", ","), ("tsv", "\t")]:
            with self.subTest(fmt=fmt):
                r = self.ok("search", *self.Q, "--format", fmt)
                rows = list(csv.reader(io.StringIO(r.out, newline=""), delimiter=delim))
                header, body = rows[0], rows[1:]
                for col in ["id", "title", "url", "published_at", "provider"]:
                    self.assertIn(col, header)
                self.assertEqual(len(body), len(js))
                for row in body:
                    self.assertEqual(len(row), len(header), row)
                recs = [dict(zip(header, row)) for row in body]
                self.assertEqual([int(x["id"]) for x in recs], [h["id"] for h in js])
                for x in recs:
                    title, url = self.sql("SELECT title, url FROM articles WHERE id = ?",
                                          (int(x["id"]),))[0]
                    self.assertEqual(x["title"], title)
                    self.assertEqual(x["url"], url)
        # titles with commas and quotes exist in this result, so quoting was exercised
        titles = [h["title"] for h in js]
        self.assertTrue(any("," in t for t in titles))

    def test_text_shows_date_provider_title(self):
        r = self.ok("search", "sensetime", "-n", "0")
        seed = self.sql("SELECT a.id, a.title, p.name, substr(a.published_at, 1, 10) FROM articles a"
                        " JOIN providers p ON p.id = a.provider_id WHERE a.url = ?", (SEED_URL,))[0]
        self.assertIn(seed[1], r.out)
        self.assertIn(seed[2], r.out)
        self.assertIn(seed[3], r.out)
        self.assertIn(f"#{seed[0]}", r.out)
        self.assertNotIn("\x1b", r.out)


class Highlighting(SearchDb):
    def spawn(self, args, no_color=None, tty=True):
        env = run_env(no_color)
        cmd = [*WRAPPER, BIN, "--db", self.db, "search", *args]
        if not tty:
            p = subprocess.run(cmd, env=env, capture_output=True, cwd=self.dir, timeout=120)
            return p.returncode, p.stdout.decode("utf-8", "replace")
        code, out = run_on_pty(cmd, env, self.dir)
        return code, out.decode("utf-8", "replace")

    def test_no_escape_codes_when_not_a_terminal(self):
        code, out = self.spawn(["dataverse", "-n", "5"], no_color=None, tty=False)
        self.assertEqual(code, 0)
        self.assertIn("Dataverse", out)
        self.assertNotIn("\x1b", out)

    def test_matched_word_highlighted_on_a_terminal(self):
        code, out = self.spawn(["dataverse", "-n", "5"], no_color=None)
        self.assertEqual(code, 0, out)
        self.assertIn("\x1b[", out)
        spans = re.findall(r"\x1b\[[0-9;]*m([^\x1b]*)\x1b\[0?m", out)
        self.assertIn("dataverse", [s.casefold() for s in spans], out)
        # a word that did not match is not highlighted on its own
        self.assertNotIn("microsoft", [s.casefold() for s in spans])

    def test_stemmed_and_accented_matches_highlighted(self):
        code, out = self.spawn(["RESUME"], no_color=None)
        self.assertEqual(code, 0, out)
        spans = [norm(s) for s in re.findall(r"\x1b\[[0-9;]*m([^\x1b]*)\x1b\[0?m", out)]
        self.assertIn("resume", spans, out)

    def test_no_color_on_a_terminal(self):
        code, out = self.spawn(["dataverse", "-n", "5"], no_color="1")
        self.assertEqual(code, 0, out)
        self.assertIn("Dataverse", out)
        self.assertNotIn("\x1b", out)


class Dedupe(SearchDb):
    # the key of copies, from the rule (tests/e2e/copykey.py), not from newsdb
    KEY_OF = ("SELECT a.title, p.name, p.domain FROM articles a"
              " LEFT JOIN providers p ON p.id = a.provider_id")

    def key(self, i):
        return copy_key(*self.sql(self.KEY_OF + " WHERE a.id = ?", (i,))[0])

    def test_copies_collapse_into_the_first_hit(self):
        keys = collections.Counter(copy_key(*row) for row in self.sql(self.KEY_OF))
        groups = {k: n for k, n in keys.items() if k is not None and n > 1}
        self.assertGreater(len(groups), 5)
        # from the input files: the Rolls-Royce title is in three corpus files
        title = "How Rolls-Royce is unlocking digital transformation with Power Apps – Microsoft"
        n_files = 0
        for name in os.listdir(CORPUS):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                if front_matter_value(f.read().split("\n---", 1)[0], "title") == title:
                    n_files += 1
        self.assertEqual(n_files, 3)
        # the three are Inferse's: " – Microsoft" names another provider, so it stays
        rolls_key = copy_key(title, "Inferse", "inferse.com")
        self.assertEqual(groups[rolls_key], n_files)

        plain = self.ids("power apps")
        plain_keys = [self.key(i) for i in plain]
        # without --dedupe every copy is there
        for k, n in groups.items():
            if "power apps" in k:
                self.assertEqual(plain_keys.count(k), n, k)
        self.assertGreater(sum(1 for k in groups if "power apps" in k), 5)

        hits = self.hits("power apps", "--dedupe")
        keys = [self.key(h["id"]) for h in hits]
        self.assertEqual(len(keys), len(set(keys)), "two hits share a title")
        self.assertEqual(set(keys), set(plain_keys))
        self.assertEqual(sum(h["copies"] for h in hits), len(plain))
        for h, k in zip(hits, keys):
            self.assertEqual(h["copies"], plain_keys.count(k), k)
            if "power apps" in k and k in groups:
                self.assertEqual(h["copies"], groups[k], k)
            # the kept hit is the first of its copies in the plain order
            self.assertEqual(h["id"], plain[plain_keys.index(k)], k)
        rolls = [h for h, k in zip(hits, keys) if k == rolls_key]
        self.assertEqual(len(rolls), 1)
        self.assertEqual(rolls[0]["copies"], 3)
        # order of the kept hits follows the plain order
        self.assertEqual([h["id"] for h in hits], [i for i in plain if i in {h["id"] for h in hits}])

    def test_dedupe_pages(self):
        all_ = [h["id"] for h in self.hits("power apps", "--dedupe")]
        r = self.ok("search", "power apps", "--dedupe", "--offset", "3", "-n", "4", "--format", "json")
        self.assertEqual([h["id"] for h in r.json()], all_[3:7])

    def test_dedupe_text_mentions_copies(self):
        title = "How Rolls-Royce is unlocking digital transformation with Power Apps – Microsoft"
        n = self.one("SELECT count(*) FROM articles WHERE title = ?", (title,))
        self.assertGreater(n, 1)
        r = self.ok("search", "rolls-royce", "--dedupe", "-n", "0")
        self.assertEqual(r.out.count(title + "\n"), 1)
        self.assertRegex(r.out, rf"\+{n - 1} cop(y|ies)\b")
        plain = self.ok("search", "rolls-royce", "-n", "0")
        self.assertEqual(plain.out.count(title + "\n"), n)
        self.assertNotRegex(plain.out, r"\+\d+ cop(y|ies)\b")


class NothingMatches(SearchDb):
    def test_exit_1_with_message(self):
        for args in [["zzqqxxnothing"], ["sensetime", "provider:nosuch.example"],
                     ["sensetime", "since:2030"], ["商汤科技", "until:2000"]]:
            with self.subTest(args=args):
                r = self.run_newsdb("search", *args)
                self.assertEqual(r.code, 1, r)
                self.assertEqual(r.out, "")
                self.assertRegex(r.err, r"newsdb: .*match", r)
                r = self.run_newsdb("search", *args, "--format", "json")
                self.assertEqual(r.code, 1, r)
                self.assertEqual(json.loads(r.out or "[]"), [])


if __name__ == "__main__":
    main()
