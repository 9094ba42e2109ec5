"""search --facets, --timeline, relative dates and --dedupe's syndicated
copies, on the real binary over data/, ../shared/seeds and
../shared/corpus/powerapps.  Every expected count comes from SQL over the
stored rows (GROUP BY over the matches, which the test finds with its own
FTS5 MATCH and filters) or from Python (tests/e2e/copykey.py, the copies'
rule written from the README), never from newsdb's output."""

import collections
import csv
import datetime
import io
import json
import os

from copykey import copy_key
from e2e import BIN, CORPUS, DATA, SEEDS, WRAPPER, NewsdbTest, SharedDbTest, main, run_on_pty

NOW = "2022-02-20T12:00:00Z"   # NEWSDB_NOW for the relative dates

# query, its FTS5 expression (None: filters only), the SQL filter on `a`
QUERIES = [
    (["power"], '"power"', "1"),
    (["power apps", "--since", "2022"], '"power" "apps"', "a.published_at >= '2022-01-01T00:00:00Z'"),
    (["dataverse provider:microsoft.com"], '"dataverse"',
     "a.provider_id IN (SELECT id FROM providers WHERE domain = 'microsoft.com')"),
    (["--topic", "Power Apps"], None,
     "a.id IN (SELECT o.article_id FROM article_topics o JOIN topics t ON t.id = o.topic_id"
     " WHERE t.name_key = 'power apps')"),
    (["sensetime", "until:2021-12"], '"sensetime"', "a.published_at < '2022-01-01T00:00:00Z'"),
    (["ipo OR market"], '"ipo" OR "market"', "1"),
]


# SQL GROUP BY of each facet over matches given as an id list (%s):
# (value, detail, count) rows
GROUP_BY = {
    "provider": "SELECT p.name, p.domain, count(*) FROM articles a JOIN providers p"
                " ON p.id = a.provider_id WHERE a.id IN (%s) GROUP BY p.id",
    "topic": "SELECT t.name, NULL, count(*) FROM article_topics o JOIN topics t"
             " ON t.id = o.topic_id WHERE o.article_id IN (%s) GROUP BY t.id",
    "month": "SELECT substr(published_at, 1, 7), NULL, count(*) FROM articles a"
             " WHERE a.id IN (%s) AND published_at IS NOT NULL GROUP BY 1",
    "year": "SELECT substr(published_at, 1, 4), NULL, count(*) FROM articles a"
            " WHERE a.id IN (%s) AND published_at IS NOT NULL GROUP BY 1",
    "type": "SELECT type, NULL, count(*) FROM articles a"
            " WHERE a.id IN (%s) AND type IS NOT NULL GROUP BY 1",
}


def day(text):
    return datetime.date.fromisoformat(text[:10])


class FacetDb(SharedDbTest):
    @classmethod
    def setUpClass(cls):
        cls.make_shared("newsdb-e2e-facets-")
        cls.import_shared([SEEDS, CORPUS, DATA], env=dict(os.environ))

    def matches(self, fts, where):
        """The matches' ids by SQL: FTS5 MATCH and the filter."""
        if fts is None:
            return [i for (i,) in self.sql(f"SELECT a.id FROM articles a WHERE {where}")]
        return [i for (i,) in self.sql(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? AND {where}", (fts,))]

    def grouped(self, facet, ids):
        """SQL GROUP BY over the matches: {(value, detail): count}."""
        inlist = ",".join(str(i) for i in ids) or "NULL"
        q = GROUP_BY[facet] % inlist
        return {(v, d): n for v, d, n in self.sql(q)}

    def summary(self, args, *more, env=None):
        r = self.ok("search", *args, "-n", "3", "--format", "json", *more, env=env)
        return r.json()


class Facets(FacetDb):
    ALL = "provider,topic,month,year,type"

    def test_counts_equal_sql_group_by_over_every_match(self):
        for args, fts, where in QUERIES:
            with self.subTest(args=args):
                ids = self.matches(fts, where)
                self.assertGreater(len(ids), 0)
                out = self.summary(args, "--facets", self.ALL, "--facet-limit", "0")
                self.assertEqual(out["matches"], len(ids))
                self.assertLessEqual(len(out["hits"]), 3)   # the page, not the matches
                for facet, values in out["facets"].items():
                    got = {(v["value"], v.get("domain")): v["count"] for v in values}
                    self.assertEqual(got, self.grouped(facet, ids), facet)

    def test_top_ten_by_count_then_name(self):
        for args, fts, where in QUERIES:
            with self.subTest(args=args):
                ids = self.matches(fts, where)
                out = self.summary(args, "--facets")
                self.assertEqual(sorted(out["facets"]), ["month", "provider", "topic"])
                for facet, values in out["facets"].items():
                    expected = sorted(self.grouped(facet, ids).items(),
                                      key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or ""))[:10]
                    self.assertEqual([((v["value"], v.get("domain")), v["count"]) for v in values],
                                     expected, facet)
        out = self.summary(["power"], "--facets", "topic", "--facet-limit", "3")
        self.assertEqual(list(out["facets"]), ["topic"])
        self.assertEqual(len(out["facets"]["topic"]), 3)

    def test_facet_list_as_next_argument_or_after_equals(self):
        a = self.summary(["power"], "--facets", "year,type")
        b = self.summary(["power"], "--facets=year,type")
        self.assertEqual(a, b)
        self.assertEqual(sorted(a["facets"]), ["type", "year"])
        # a word that is no facet name stays a word of the query
        c = self.ok("search", "--facets", "power", "-n", "0", "--format", "json").json()
        self.assertEqual(c["matches"], len(self.matches('"power"', "1")))
        r = self.run_newsdb("search", "power", "--facets=provider,colour")
        self.assertEqual(r.code, 2, r)
        self.assertIn("colour", r.err)

    def test_plain_json_list_without_facets(self):
        out = self.ok("search", "power", "-n", "2", "--format", "json").json()
        self.assertIsInstance(out, list)

    def test_rows_in_csv_tsv_ndjson(self):
        ids = self.matches('"power"', "1")
        providers = self.grouped("provider", ids)
        r = self.ok("search", "power", "--facets", "provider", "--facet-limit", "0",
                    "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(r.out)))
        self.assertEqual(list(rows[0]), ["facet", "value", "detail", "count"])
        self.assertEqual({(x["value"], x["detail"]): int(x["count"]) for x in rows}, providers)
        r = self.ok("search", "power", "--facets", "provider", "--facet-limit", "0",
                    "--format", "tsv")
        self.assertEqual(r.out.splitlines()[0], "facet\tvalue\tdetail\tcount")
        self.assertEqual(len(r.out.splitlines()), len(providers) + 1)
        lines = [json.loads(x) for x in self.ok("search", "power", "-n", "4", "--facets", "year",
                                                "--timeline", "--format", "ndjson").out.splitlines()]
        hits = [x for x in lines if "facet" not in x]
        rows = [x for x in lines if "facet" in x]
        self.assertEqual(len(hits), 4)
        self.assertEqual({x["value"]: x["count"] for x in rows if x["facet"] == "year"},
                         {v: n for (v, _), n in self.grouped("year", ids).items()})
        self.assertEqual(sum(x["count"] for x in rows if x["facet"] == "timeline"),
                         self.one("SELECT count(*) FROM articles WHERE published_at IS NOT NULL"
                                  " AND id IN (%s)" % ",".join(map(str, ids))))

    def test_chart_on_a_terminal(self):
        ids = self.matches('"power"', "1")
        top = max(self.grouped("provider", ids).items(), key=lambda kv: kv[1])
        env = dict(os.environ, NO_COLOR="1")
        env.pop("NEWSDB_DB", None)
        code, out = run_on_pty([*WRAPPER, BIN, "--db", self.db, "search", "power", "-n", "1",
                                "--facets", "--timeline", "--by", "year"], env, self.dir)
        self.assertEqual(code, 0, out)
        text = out.decode().replace("\r\n", "\n")
        for header in ("\nprovider:\n", "\ntopic:\n", "\nmonth:\n", "\nmatches per year:\n"):
            self.assertIn(header, text)
        chart = text.split("\nprovider:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        self.assertTrue(chart[0].startswith(f"{top[0][0]} ({top[0][1]})"), chart[0])
        self.assertTrue(chart[0].endswith(f"█ {top[1]}"), chart[0])
        self.assertEqual(len(chart), 10)


class Timeline(FacetDb):
    @staticmethod
    def period(d, by):
        if by == "day":
            return d
        if by == "week":
            return d - datetime.timedelta(days=d.weekday())
        if by == "month":
            return d.replace(day=1)
        return d.replace(month=1, day=1)

    @staticmethod
    def step(p, by):
        if by == "day":
            return p + datetime.timedelta(days=1)
        if by == "week":
            return p + datetime.timedelta(days=7)
        if by == "month":
            return (p + datetime.timedelta(days=32)).replace(day=1)
        return p.replace(year=p.year + 1)

    @staticmethod
    def label(p, by):
        return {"day": p.isoformat(), "week": p.isoformat(), "month": p.isoformat()[:7],
                "year": p.isoformat()[:4]}[by]

    def expected(self, ids, by):
        """Per period by SQL GROUP BY (dates grouped by SQLite's own date
        functions), every period between the first and the last filled in."""
        inlist = ",".join(map(str, ids))
        group = {"day": "date(published_at)",
                 "week": "date(published_at, '-6 days', 'weekday 1')",
                 "month": "strftime('%Y-%m-01', published_at)",
                 "year": "strftime('%Y-01-01', published_at)"}[by]
        counts = {datetime.date.fromisoformat(k): n for k, n in self.sql(
            f"SELECT {group}, count(*) FROM articles WHERE id IN ({inlist})"
            " AND published_at IS NOT NULL GROUP BY 1")}
        if not counts:
            return []
        p, last, rows = min(counts), max(counts), []
        while p <= last:
            rows.append({"period": self.label(p, by), "matches": counts.get(p, 0)})
            p = self.step(p, by)
        return rows

    def auto(self, ids):
        dates = [day(d) for (d,) in self.sql("SELECT published_at FROM articles WHERE id IN (%s)"
                                             " AND published_at IS NOT NULL" % ",".join(map(str, ids)))]
        for by in ("day", "week", "month"):
            if len(self.expected(ids, by)) <= 36:
                return by
        return "year"

    def test_per_period_equals_sql_with_empty_periods(self):
        for args, fts, where in QUERIES:
            ids = self.matches(fts, where)
            undated = self.one("SELECT count(*) FROM articles WHERE published_at IS NULL"
                               " AND id IN (%s)" % ",".join(map(str, ids)))
            for by in ("day", "week", "month", "year"):
                with self.subTest(args=args, by=by):
                    t = self.summary(args, "--timeline", "--by", by)["timeline"]
                    self.assertEqual(t["by"], by)
                    self.assertEqual(t["periods"], self.expected(ids, by))
                    self.assertEqual(t["undated"], undated)
            with self.subTest(args=args, by="auto"):
                t = self.summary(args, "--timeline")["timeline"]
                self.assertEqual(t["by"], self.auto(ids))
                self.assertEqual(t["periods"], self.expected(ids, t["by"]))

    def test_zero_periods_are_there(self):
        ids = self.matches('"sensetime"', "1")
        periods = self.summary(["sensetime"], "--timeline", "--by", "day")["timeline"]["periods"]
        self.assertIn(0, [p["matches"] for p in periods])
        self.assertEqual(len(periods), (day(periods[-1]["period"]) - day(periods[0]["period"])).days + 1)
        self.assertEqual(sum(p["matches"] for p in periods), len(ids))

    def test_csv_rows(self):
        ids = self.matches('"power"', "1")
        r = self.ok("search", "power", "--timeline", "--by", "month", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(r.out)))
        self.assertEqual([{"period": x["value"], "matches": int(x["count"])} for x in rows],
                         self.expected(ids, "month"))
        self.assertEqual({x["facet"] for x in rows} | {x["detail"] for x in rows},
                         {"timeline", "month"})

    def test_by_needs_timeline_and_a_period(self):
        self.assertEqual(self.run_newsdb("search", "power", "--by", "month").code, 2)
        self.assertEqual(self.run_newsdb("search", "power", "--timeline", "--by", "hour").code, 2)


class RelativeDates(FacetDb):
    def test_relative_dates_against_the_pinned_clock(self):
        env = {"NEWSDB_NOW": NOW}
        today = day(NOW)
        cases = {
            "since:7d": (today - datetime.timedelta(days=7), None),
            "since:2w": (today - datetime.timedelta(days=14), None),
            "since:3m": (datetime.date(2021, 11, 20), None),
            "since:1y until:yesterday": (datetime.date(2021, 2, 20), today - datetime.timedelta(days=1)),
            "since:today": (today, None),
            "until:40d": (None, today - datetime.timedelta(days=40)),
        }
        for filters, (since, until) in cases.items():
            with self.subTest(filters=filters):
                where = ["1"]
                if since:
                    where.append(f"a.published_at >= '{since.isoformat()}T00:00:00Z'")
                if until:
                    where.append(f"a.published_at < '{(until + datetime.timedelta(days=1)).isoformat()}T00:00:00Z'")
                ids = sorted(self.matches(None, " AND ".join(where)))
                r = self.run_newsdb("search", filters, "-n", "0", "--format", "json", env=env)
                if not ids:
                    self.assertEqual(r.code, 1, r)
                    continue
                self.assertEqual(r.code, 0, r)
                self.assertEqual(sorted(h["id"] for h in r.json()), ids)
        # the flags take them too
        a = self.ok("search", "--since", "3m", "-n", "0", "--format", "json", env=env).json()
        b = self.ok("search", "since:2021-11-20", "-n", "0", "--format", "json").json()
        self.assertEqual(a, b)

    def test_bad_clock_and_bad_relative_dates_are_usage_errors(self):
        r = self.run_newsdb("search", "power", "since:7d", env={"NEWSDB_NOW": "soon"})
        self.assertEqual(r.code, 2, r)
        self.assertIn("NEWSDB_NOW", r.err)
        for bad in ("since:7", "since:7days", "until:-1d", "since:99999y"):
            with self.subTest(bad=bad):
                self.assertEqual(self.run_newsdb("search", "power", bad, env={"NEWSDB_NOW": NOW}).code, 2)


SYNDICATED = [
    # (file, title, provider name, domain)
    ("a1", "Rain floods São Paulo streets", "Reuters", "reuters.com"),
    ("a2", "Rain floods São Paulo streets - Reuters", "Reuters", "reuters.com"),
    ("a3", "Rain  floods São Paulo Streets | reuters.com", "Reuters", "reuters.com"),
    ("a4", "RAIN FLOODS SÃO PAULO STREETS (Reuters)", "Reuters", "reuters.com"),
    ("a5", "Rain floods São Paulo streets – Reuters", "Reuters", "reuters.com"),
    # another provider's name is part of this title
    ("a6", "Rain floods São Paulo streets - Reuters", "Yahoo News", "news.yahoo.com"),
    ("a7", "Rain floods São Paulo streets - Yahoo News", "Yahoo News", "news.yahoo.com"),
    ("b1", "“Rain” isn’t over — officials", "Folha", "folha.uol.com.br"),
    ("b2", "\"Rain\" isn't over - officials", "Globo", "globo.com"),
    ("b3", "\"Rain\" isn't over - officials (Globo)", "Globo", "globo.com"),
    ("c1", "Rain: what next", "Folha", "folha.uol.com.br"),
    ("c2", "Rain: what next?", "Globo", "globo.com"),
]


class SyndicatedCopies(NewsdbTest):
    def groups_expected(self, rows):
        """{key: [ids]} by the Python rule over SQL's rows."""
        groups = collections.defaultdict(list)
        for i, title, name, domain in rows:
            groups[copy_key(title, name, domain) or ("untitled", i)].append(i)
        return groups

    def check(self, args, rows):
        groups = self.groups_expected(rows)
        of = {i: k for k, ids in groups.items() for i in ids}
        for sort in ("rank", "date", "-date"):
            with self.subTest(args=args, sort=sort):
                plain = [h["id"] for h in self.ok("search", *args, "--sort", sort, "-n", "0",
                                                  "--format", "json").json()]
                hits = self.ok("search", *args, "--dedupe", "--sort", sort, "-n", "0",
                               "--format", "json").json()
                self.assertEqual(len(hits), len(groups))
                for h in hits:
                    k = of[h["id"]]
                    self.assertEqual(h["copies"], len(groups[k]), k)
                    self.assertEqual(h["id"], [i for i in plain if of[i] == k][0], k)

    def test_fixture_titles(self):
        folder = os.path.join(self.dir, "files")
        os.mkdir(folder)
        for n, (name, title, provider, domain) in enumerate(SYNDICATED):
            with open(os.path.join(folder, name + ".txt"), "w", encoding="utf-8") as f:
                f.write(f"---\ntitle: {json.dumps(title)}\nwebUrl: https://{domain}/{name}\n"
                        f"publishedDateTime: 2022-01-{n + 1:02d}T10:00:00Z\n"
                        f"provider:\n  name: {provider}\n  domain: {domain}\n---\nRain.\n")
        self.ok("import", folder)
        rows = self.sql("SELECT a.id, a.title, p.name, p.domain FROM articles a"
                        " LEFT JOIN providers p ON p.id = a.provider_id")
        groups = self.groups_expected(rows)
        # the rule itself, on the fixtures: a1-a3, a5 and a7 (Yahoo's own name
        # set aside) are one story; a4 is not (only ASCII letters are folded:
        # "SÃO" stays), nor a6 (" - Reuters" names another provider); b1-b3
        # are one; c1 and c2 differ by a "?"
        self.assertEqual(sorted(len(v) for v in groups.values()), [1, 1, 1, 1, 3, 5])
        self.check(["rain"], rows)
        text = self.ok("search", "rain", "--dedupe", "--sort", "-date", "-n", "0").out
        self.assertIn("(+4 copies", text)

    def test_repeated_titles_of_the_powerapps_corpus(self):
        self.ok("import", CORPUS)
        rows = self.sql("SELECT a.id, a.title, p.name, p.domain FROM articles_fts"
                        " JOIN articles a ON a.id = articles_fts.rowid"
                        " LEFT JOIN providers p ON p.id = a.provider_id"
                        " WHERE articles_fts MATCH '\"power\"'")
        groups = self.groups_expected(rows)
        self.assertGreater(sum(1 for v in groups.values() if len(v) > 1), 5)
        self.check(["power"], rows)
        everything = self.sql("SELECT a.id, a.title, p.name, p.domain FROM articles a"
                              " LEFT JOIN providers p ON p.id = a.provider_id")
        r = self.ok("search", "--since", "1990", "--dedupe", "-n", "0", "--format", "json").json()
        dated = {i for (i,) in self.sql("SELECT id FROM articles WHERE published_at IS NOT NULL")}
        self.assertEqual(len(r), len(self.groups_expected([x for x in everything if x[0] in dated])))


if __name__ == "__main__":
    main()
