"""The facet blocks (_newsdb_blocks, schema/005_facets.sql) that --facets,
--timeline and ranked --dedupe read, as a property test.

A generated corpus (scripts/gencorpus: duplicate URLs, shared titles, many
providers and topics) is imported once.  Random queries (common and rare
words, OR, provider:, topic:, since:/until:) are run with every facet and
the timeline, and each count is compared with SQL GROUP BY over the matches
the test finds itself (FTS5 MATCH and its own SQL filters); each --dedupe
result is compared with the groups of tests/e2e/copykey.py's rule over the
same matches (every group once, its size, its best rank first, in rank
order), whole and page by page.  The same after an incremental round (files
edited, moved, removed with --prune); `newsdb check` passes after each and
fails on blocks damaged by SQL; an upgraded database (schema 4) gets its
blocks at its next import; and two titles whose copy keys share a hash stay
two groups.  No expected value comes from newsdb's output.
"""
import collections
import json
import os
import random
import re
import shutil
import sqlite3

from copykey import copy_key
from e2e import DATA, NewsdbTest, main
from test_facets import GROUP_BY
from test_rank import gencorpus, generated, quoted

N_FILES = int(os.environ.get("NEWSDB_BLOCKS_FILES", "4000"))
N_QUERIES = int(os.environ.get("NEWSDB_BLOCKS_QUERIES", "60"))
SEED = 11
FACETS = "provider,topic,month,year,type"


def copy_hash(key):
    """store_copy_hash (src/lib/store/store_blocks.c): FNV-1a 64 folded."""
    h = 0xCBF29CE484222325
    for b in key.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    v = (h ^ (h >> 32)) & 0xFFFFFFFF
    return v or 1


_SHARED = {}


def syndicate(corpus, rng, n=300):
    """Copies of n files as another site would carry them: the title with
    " - Provider" (or " | domain") added, or typographic quotes, a URL of
    its own."""
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs
                   if f.endswith(".md") or f.endswith(".txt"))
    out = os.path.join(corpus, "syndicated")
    os.makedirs(out)
    for k, path in enumerate(rng.sample(files, min(n, len(files)))):
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            text = fh.read()
        title = re.search(r'^title: "(.*)"$', text, re.M)
        name = re.search(r"^  name: (.*)$", text, re.M)
        domain = re.search(r"^  domain: (.*)$", text, re.M)
        if not (title and name and domain):
            continue
        suffix = rng.choice([f" - {name.group(1)}", f" | {domain.group(1)}", ""])
        new = title.group(1).lower() + suffix if suffix else title.group(1).upper()
        text = text.replace(title.group(0), f"title: {json.dumps(new)}", 1)
        text = re.sub(r'^(webUrl|originalUrl): "(.*)"$', rf'\1: "\2-copy{k}"', text,
                      flags=re.M)
        with open(os.path.join(out, f"copy{k}.md"), "w", encoding="utf-8",
                  errors="surrogateescape") as fh:
            fh.write(text)


def shared():
    if not _SHARED:
        top, corpus = generated("newsdb-e2e-blocks-", N_FILES, SEED)
        syndicate(corpus, random.Random(SEED))
        _SHARED.update(top=top, corpus=corpus, world=gencorpus().world(SEED))
    return _SHARED


class BlocksTest(NewsdbTest):
    def setUp(self):
        super().setUp()
        s = shared()
        self.corpus = os.path.join(self.dir, "corpus")
        shutil.copytree(s["corpus"], self.corpus)
        self.world = s["world"]

    def import_corpus(self, *more):
        r = self.run_newsdb("import", "-q", *more, self.corpus)
        self.assertIn(r.code, (0, 1), r)   # the corpus has broken files on purpose

    # --- queries and their SQL --------------------------------------------

    def queries(self, rng, n):
        words = [w for w in self.world.words[:3000] if w.isalpha()]
        domains = [d for (d,) in self.sql(
            "SELECT p.domain FROM providers p JOIN articles a ON a.provider_id = p.id"
            " GROUP BY p.id ORDER BY count(*) DESC LIMIT 20")]
        topics = [k for (k,) in self.sql(
            "SELECT t.name_key FROM topics t JOIN article_topics o ON o.topic_id = t.id"
            " GROUP BY t.id ORDER BY count(*) DESC LIMIT 20")]
        out = []
        for _ in range(n):
            kind = rng.randrange(4)
            w = [rng.choice(words[:40] if rng.random() < 0.7 else words) for _ in range(2)]
            if kind == 0:
                text, match = [w[0]], quoted(w[0])
            elif kind == 1:
                text, match = [f"{w[0]} OR {w[1]}"], f"{quoted(w[0])} OR {quoted(w[1])}"
            elif kind == 2:
                text, match = [f"{w[0]} {w[1]}"], f"{quoted(w[0])} {quoted(w[1])}"
            else:
                text, match = [w[1]], quoted(w[1])
            where, params = "1", []
            f = rng.randrange(5)
            if f == 1 and domains:
                d = rng.choice(domains)
                text.append(f"provider:{d}")
                where = "a.provider_id IN (SELECT id FROM providers WHERE domain = ?)"
                params = [d]
            elif f == 2 and topics:
                t = rng.choice(topics)
                text += ["--topic", t]
                where = ("a.id IN (SELECT o.article_id FROM article_topics o JOIN topics t"
                         " ON t.id = o.topic_id WHERE t.name_key = ?)")
                params = [t]
            elif f == 3:
                y = rng.randrange(2019, 2025)
                text += ["--since", str(y), "--until", str(y + 1)]
                where = "a.published_at >= ? AND a.published_at < ?"
                params = [f"{y}-01-01T00:00:00Z", f"{y + 2}-01-01T00:00:00Z"]
            out.append((text, match, where, params))
        return out

    def matches(self, match, where, params):
        """(id, is_archived, rank, title, provider name, domain) of every match, by SQL."""
        return self.sql(
            "SELECT a.id, a.is_archived, articles_fts.rank, a.title, p.name, p.domain"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            " LEFT JOIN providers p ON p.id = a.provider_id"
            f" WHERE articles_fts MATCH ? AND {where}", (match, *params))

    def grouped(self, ids):
        inlist = ",".join(str(i) for i in ids) or "NULL"
        return {f: {(v, d): n for v, d, n in self.sql(sql % inlist)}
                for f, sql in GROUP_BY.items()}

    def days(self, ids):
        inlist = ",".join(str(i) for i in ids) or "NULL"
        return {d: n for d, n in self.sql(
            "SELECT substr(published_at, 1, 10), count(*) FROM articles"
            f" WHERE id IN ({inlist}) AND published_at IS NOT NULL GROUP BY 1")}

    # --- the checks ---------------------------------------------------------

    def json_of(self, *args, empty):
        """The JSON of a search; exit 1 (nothing to show) when it is empty."""
        r = self.run_newsdb("search", *args, "--format", "json")
        self.assertEqual(r.code, 1 if empty else 0, r)
        return r.json()

    def check_facets(self, text, rows):
        ids = [r[0] for r in rows]
        if not ids:
            self.json_of(*text, "--facets", empty=True)
            return
        got = self.ok("search", *text, "--facets", FACETS, "--facet-limit", "0", "--timeline",
                      "--by", "day", "-n", "1", "--format", "json").json()
        self.assertEqual(got["matches"], len(ids), text)
        want = self.grouped(ids)
        for f in FACETS.split(","):
            shown = {(v["value"], v.get("domain")): v["count"] for v in got["facets"][f]}
            self.assertEqual(shown, want[f], (text, f))
        periods = {p["period"]: p["matches"] for p in got["timeline"]["periods"] if p["matches"]}
        self.assertEqual(periods, self.days(ids), text)

    def check_dedupe(self, text, rows, rng):
        groups = collections.defaultdict(list)
        for i, archived, rank, title, name, domain in rows:
            groups[copy_key(title, name, domain) or ("untitled", i)].append((-archived, rank, i))
        of = {i: k for k, v in groups.items() for _, _, i in v}
        best = {k: min(v)[:2] for k, v in groups.items()}
        hits = self.json_of(*text, "--dedupe", "-n", "0", empty=not rows)
        self.assertEqual(len(hits), len(groups), text)
        self.assertEqual(len({of[h["id"]] for h in hits}), len(groups), text)
        order = []
        for h in hits:
            k = of[h["id"]]
            self.assertEqual(h["copies"], len(groups[k]), (text, k))
            # the group's best match (ties: any of them)
            mine = [(a, r) for a, r, i in groups[k] if i == h["id"]][0]
            self.assertAlmostEqual(mine[1], best[k][1], delta=1e-9 * abs(best[k][1]) + 1e-12)
            self.assertEqual(mine[0], best[k][0], (text, k))
            order.append(best[k])
        for a, b in zip(order, order[1:]):
            self.assertTrue(a[0] < b[0] or (a[0] == b[0] and a[1] <= b[1] + 1e-9 * abs(b[1])),
                            (text, a, b))
        # pages: the same groups' sizes and ranks, in the same order
        n, offset = rng.randrange(1, 8), rng.randrange(0, 6)
        page = self.json_of(*text, "--dedupe", "-n", str(n), "--offset", str(offset),
                            empty=not order[offset:offset + n])
        self.assertEqual(len(page), len(order[offset:offset + n]), text)
        for h, w in zip(page, order[offset:offset + n]):
            k = of[h["id"]]
            self.assertEqual(h["copies"], len(groups[k]), text)
            self.assertAlmostEqual(best[k][1], w[1], delta=1e-9 * abs(w[1]) + 1e-12)

    def run_queries(self, seed):
        rng = random.Random(seed)
        some_copies = 0
        for text, match, where, params in self.queries(rng, N_QUERIES):
            with self.subTest(query=text):
                rows = self.matches(match, where, params)
                self.check_facets(text, rows)
                self.check_dedupe(text, rows, rng)
                titles = collections.Counter(copy_key(t, n, d) for _, _, _, t, n, d in rows)
                some_copies += sum(1 for k, c in titles.items() if k and c > 1)
        # the corpus gives the dedupe something to merge
        self.assertGreater(some_copies, 20)

    def assert_check_ok(self):
        r = self.run_newsdb("check")
        self.assertEqual(r.code, 0, r)
        self.assertNotIn("blocks:", r.out + r.err)

    # --- tests --------------------------------------------------------------

    def test_facets_and_dedupe_equal_sql_before_and_after_an_incremental_round(self):
        self.import_corpus()
        self.assertEqual(self.one("SELECT value FROM _newsdb_meta WHERE key = 'blocks_state'"),
                         "ready")
        self.assert_check_ok()
        self.run_queries(1)
        # edit titles, providers and topics of 5%, move some, remove some
        rng = random.Random(5)
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(self.corpus) for f in fs
                       if not f.startswith("."))
        for path in rng.sample(files, len(files) // 20):
            with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                text = fh.read()
            choice = rng.randrange(4)
            if choice == 0:
                os.remove(path)
                continue
            if choice == 1:
                os.rename(path, path + ".moved.md")
                continue
            text = re.sub(r"^title: .*$", f"title: Edited story {rng.randrange(40)}", text,
                          count=1, flags=re.M)
            text = re.sub(r"^(\s*name: ).*$", r"\1Edited Provider", text, count=1, flags=re.M)
            text = re.sub(r"^topics:\n(?:  - .*\n)*", "topics:\n  - Edited\n  - Second topic\n",
                          text, count=1, flags=re.M)
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
                fh.write(text)
        self.import_corpus("--prune")
        self.assert_check_ok()
        self.run_queries(2)

    def test_check_fails_on_damaged_blocks_and_optimize_repairs_them(self):
        self.import_corpus()
        self.assert_check_ok()
        first, second, third = [b for (b,) in self.sql(
            "SELECT block FROM _newsdb_blocks ORDER BY block LIMIT 3")]
        cases = [
            ("DELETE FROM _newsdb_blocks WHERE block = ?", (first,), "is missing"),
            ("UPDATE _newsdb_blocks SET data = substr(data, 1, length(data) - 1) || x'07'"
             " WHERE block = ?", (second,), "differs from its articles"),
            ("INSERT INTO _newsdb_blocks (block, data) VALUES (?, x'00')", (third + 10 ** 9,),
             "holds no article"),
            # the rank entries beside them, which ranked searches read, 16
            # blocks to a chunk
            ("DELETE FROM _newsdb_block_ranks WHERE chunk = ?", (first // 16,),
             "_newsdb_block_ranks: chunk %d (articles %d-%d) is missing"
             % (first // 16, first // 16 * 1024, first // 16 * 1024 + 1023)),
            # the last article's entry changed
            ("UPDATE _newsdb_block_ranks SET data = substr(data, 1, length(data) - 1)"
             " || CASE WHEN substr(data, -1) = x'03' THEN x'05' ELSE x'03' END"
             " WHERE chunk = ?", (first // 16,),
             "_newsdb_block_ranks: chunk %d (articles %d-%d) differs from its articles"
             % (first // 16, first // 16 * 1024, first // 16 * 1024 + 1023)),
            ("INSERT INTO _newsdb_block_ranks (chunk, data) VALUES (?, x'00')",
             (10 ** 9,), "_newsdb_block_ranks: chunk %d" % 10 ** 9),
        ]
        for sql, params, says in cases:
            with self.subTest(says=says):
                con = sqlite3.connect(self.db)
                con.execute(sql, params)
                con.commit()
                con.close()
                r = self.run_newsdb("check")
                self.assertEqual(r.code, 1, r)
                self.assertIn("blocks", r.out + r.err)
                self.assertIn(says, r.out + r.err)
                self.ok("optimize")
                self.assert_check_ok()

    def test_pending_blocks_give_the_same_answers_and_upgrades_build_them(self):
        self.ok("import", "-q", DATA)
        words = ["sensetime", "ipo", "market OR ipo", "the"]
        args = ["--facets", FACETS, "--facet-limit", "0", "--timeline", "-n", "3",
                "--format", "json"]
        before = {w: (self.ok("search", w, *args).json(),
                      self.ok("search", w, "--dedupe", "-n", "0", "--format", "json").json())
                  for w in words}

        def same_answers():
            for w in words:
                self.assertEqual(self.ok("search", w, *args).json(), before[w][0], w)
                self.assertEqual(self.ok("search", w, "--dedupe", "-n", "0", "--format",
                                         "json").json(), before[w][1], w)

        # what a schema-4 database is (no blocks, no state), a schema-5 one
        # (its blocks lack the lengths and archived flags: here, bytes of no
        # block at all) and a schema-8 one (no rank entries beside the
        # blocks): the next import builds them
        for sql in ["DROP TABLE _newsdb_blocks; DROP TABLE _newsdb_block_ranks;"
                    " DELETE FROM _newsdb_meta WHERE key = 'blocks_state';"
                    " PRAGMA user_version = 4;",
                    "UPDATE _newsdb_blocks SET data = x'00'; DROP TABLE _newsdb_block_ranks;"
                    " PRAGMA user_version = 5;",
                    "DROP TABLE _newsdb_block_ranks; PRAGMA user_version = 8;"]:
            with self.subTest(sql=sql):
                con = sqlite3.connect(self.db)
                con.executescript(sql)
                con.close()
                r = self.run_newsdb("search", "sensetime")
                self.assertEqual(r.code, 1, r)
                self.assertIn("run 'newsdb import' to upgrade it", r.err)
                r = self.run_newsdb("import", "-q", DATA)
                self.assertEqual(r.code, 0, r)
                self.assertEqual(self.one("PRAGMA user_version"), 9)
                self.assertEqual(self.one("SELECT value FROM _newsdb_meta"
                                          " WHERE key = 'blocks_state'"), "ready")
                self.assert_check_ok()
                same_answers()
        # pending (a bulk import's state before its end): the tables answer
        con = sqlite3.connect(self.db)
        con.execute("UPDATE _newsdb_meta SET value = 'pending' WHERE key = 'blocks_state'")
        con.execute("DELETE FROM _newsdb_blocks")
        con.commit()
        con.close()
        self.assert_check_ok()
        same_answers()

    def test_two_keys_of_one_hash_stay_two_groups(self):
        seen, pair = {}, None
        k = 0
        while pair is None:
            key = f"rain collides {k}"
            h = copy_hash(key)
            if h in seen:
                pair = (seen[h], key)
            seen[h] = key
            k += 1
        a, b = pair
        self.assertNotEqual(a, b)
        self.assertEqual(copy_hash(a), copy_hash(b))
        folder = os.path.join(self.dir, "files")
        os.mkdir(folder)
        # a twice (two providers' copies), b once
        for n, (title, domain) in enumerate([(a, "one.example"), (a.upper(), "two.example"),
                                             (b, "three.example")]):
            with open(os.path.join(folder, f"f{n}.md"), "w") as f:
                f.write(f"---\ntitle: {title}\nwebUrl: https://{domain}/{n}\n"
                        f"provider:\n  name: P{n}\n  domain: {domain}\n---\nRain.\n")
        self.ok("import", folder)
        hits = self.ok("search", "rain", "--dedupe", "-n", "0", "--format", "json").json()
        self.assertEqual(sorted(h["copies"] for h in hits), [1, 2])
        by_title = {h["title"].lower(): h["copies"] for h in hits}
        self.assertEqual(by_title.get(b), 1, hits)
        for n in (1, 2):
            page = self.ok("search", "rain", "--dedupe", "-n", str(n), "--format", "json").json()
            self.assertEqual(len(page), n)


if __name__ == "__main__":
    main()
