"""A database damaged by SQL (another tool, a hand edit, a bad disk) is read
as untrusted as an article file.

A generated corpus (large enough that common words have ranking lists) is
imported once; each case copies the database, damages it with SQL (the
ranking tables, the facet blocks and their rank entries, FTS5's own records,
_newsdb_meta, article values past their CHECKs, missing providers and
topics, a future schema), then runs the commands that read what it damaged.
No run may crash or trip a sanitizer (stage 2 runs this test under ASan and
UBSan): every exit status is 0, 1 or 2, and stderr is whole lines that start
with "newsdb: ".  `newsdb check` must fail on the damage it is there to
find (the derived structures and the article values), and where a command
fails it says so on stderr.
"""
import os
import shutil
import sqlite3
import subprocess

from e2e import BIN, WRAPPER, NewsdbTest, main
from test_rank import generated

N_FILES = 3000
SEED = 5

# name: (SQL, whether `check` must report it)
DAMAGE = {
    "avgdl_huge": ("UPDATE _newsdb_meta SET value = 1e308 WHERE key = 'rank_avgdl'", True),
    "avgdl_text": ("UPDATE _newsdb_meta SET value = 'zzz' WHERE key = 'rank_avgdl'", False),
    "term_bounds": ("UPDATE _newsdb_terms SET bound = NULL, bound_half = 'x',"
                    " bound_double = -1e308, listed = -5", True),
    "term_docs": ("UPDATE _newsdb_terms SET docs = 9223372036854775807", True),
    "list_rows": ("UPDATE _newsdb_rank_lists SET freq = 'abc', length = x'00ff'", True),
    "list_articles": ("UPDATE _newsdb_rank_lists SET article = article + 1000000", True),
    "ranks_cut": ("UPDATE _newsdb_block_ranks SET data = substr(data, 1, 5)", True),
    "ranks_random": ("UPDATE _newsdb_block_ranks SET data = randomblob(length(data))", True),
    "blocks_random": ("UPDATE _newsdb_blocks SET data = randomblob(length(data))", True),
    "blocks_half": ("DELETE FROM _newsdb_blocks WHERE rowid % 2 = 0", True),
    "fts_averages": ("UPDATE articles_fts_data SET block = randomblob(8) WHERE id = 1", True),
    "fts_structure": ("UPDATE articles_fts_data SET block = randomblob(40) WHERE id = 10", True),
    "states": ("UPDATE _newsdb_meta SET value = 'garbage'"
               " WHERE key IN ('rank_state', 'blocks_state')", False),
    "meta_gone": ("DELETE FROM _newsdb_meta", False),
    "values": ("PRAGMA ignore_check_constraints = 1;"
               " UPDATE articles SET published_at = '9999-99-99T99:99:99Z' WHERE id % 3 = 0;"
               " UPDATE articles SET title = x'ff00fe41', excerpt = x'c0af' || excerpt,"
               "  extra = '{not json', quality = 'high', heat = x'00' WHERE id % 3 = 1", True),
    "parents_gone": ("PRAGMA foreign_keys = OFF; DELETE FROM providers WHERE id % 2 = 0;"
                     " DELETE FROM topics WHERE id % 2 = 0", True),
    "future_schema": ("PRAGMA user_version = 999", True),
}

COMMANDS = [
    ("search", "market"), ("search", "the", "-n", "50", "--offset", "20"),
    ("search", '"the company"'), ("search", "tech*"), ("search", "apple OR google"),
    ("search", "market -china"), ("search", "market provider:msn.com"),
    ("search", "china since:2020 until:2022"), ("search", "東京"),
    ("search", "market", "--facets", "--timeline", "--format", "json"),
    ("search", "market", "--dedupe"), ("search", "market", "--sort", "date"),
    ("show", "1"), ("stats",), ("providers",), ("topics",),
    ("export", "--format", "ndjson"), ("check",),
]

_SHARED = {}


def shared_db():
    if not _SHARED:
        top, corpus = generated("newsdb-e2e-damaged-", N_FILES, SEED)
        _SHARED.update(corpus=corpus, db=os.path.join(top, "news.db"))
    return _SHARED


class DamagedDatabaseTest(NewsdbTest):
    @classmethod
    def setUpClass(cls):
        s = shared_db()
        if not os.path.exists(s["db"]):
            subprocess.run([*WRAPPER, BIN, "--db", s["db"], "import", "-q", s["corpus"]],
                           capture_output=True, check=False)

    def damaged(self, sql):
        shutil.copy(shared_db()["db"], self.db)
        self.assertGreater(self.one("SELECT count(*) FROM _newsdb_rank_lists"), 0)
        con = sqlite3.connect(self.db)
        con.executescript(sql)
        con.commit()
        con.close()

    def assert_survives(self, case, r, args):
        what = f"{case}: newsdb {' '.join(args)}"
        self.assertIn(r.code, (0, 1, 2), f"{what}\n{r}")
        for bad in ("Sanitizer", "runtime error", "Assertion", "BUG"):
            self.assertNotIn(bad, r.err, f"{what}\n{r}")
        for line in r.err.splitlines():
            self.assertTrue(line.startswith("newsdb: "), f"{what}: stderr line {line!r}")
        if r.code == 1:
            self.assertTrue(r.err.strip(), f"{what}: failed without saying why")

    def test_no_command_crashes_on_damage(self):
        for case, (sql, _) in DAMAGE.items():
            with self.subTest(case=case):
                self.damaged(sql)
                for args in COMMANDS:
                    self.assert_survives(case, self.run_newsdb(*args), args)
                # a later import reads the same damaged tables
                r = self.run_newsdb("import", "-q", os.path.join(shared_db()["corpus"], "2014"))
                self.assert_survives(case, r, ("import",))

    def test_check_reports_damage(self):
        for case, (sql, found) in DAMAGE.items():
            if not found:
                continue
            with self.subTest(case=case):
                self.damaged(sql)
                r = self.run_newsdb("check")
                self.assertNotEqual(r.code, 0, f"{case}: check passed\n{r}")

    def test_undamaged_copy_is_clean(self):
        """The oracle of the cases above: the same database, unharmed,
        passes check and every command succeeds."""
        self.damaged("SELECT 1")
        for args in COMMANDS:
            r = self.run_newsdb(*args)
            self.assertEqual(r.code, 0, f"newsdb {' '.join(args)}\n{r}")


if __name__ == "__main__":
    main()
