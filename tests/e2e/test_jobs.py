"""--jobs: the database is the same whatever the number of worker threads."""
import os

from e2e import CORPUS, DATA, SEEDS, NewsdbTest, main


def dump(test, db):
    """Every table's rows, with the columns that record wall-clock time
    (sources.imported_at, _newsdb_feed.changed_at) left out."""
    out = {}
    for (table,) in test.sql("SELECT name FROM sqlite_master WHERE type = 'table'"
                             " AND name NOT LIKE 'articles_fts%' AND name NOT LIKE 'articles_trigram%'"
                             " AND name NOT LIKE 'sqlite_%' ORDER BY name", db=db):
        cols = [c[1] for c in test.sql(f"PRAGMA table_info({table})", db=db)
                if c[1] not in ("imported_at", "changed_at")]
        out[table] = test.sql(f"SELECT {', '.join(cols)} FROM {table} ORDER BY 1, 2", db=db)
    return out


class Jobs(NewsdbTest):
    def test_same_database_for_1_and_4_jobs(self):
        dbs = []
        for jobs in ("1", "4"):
            db = os.path.join(self.dir, f"jobs{jobs}.db")
            r = self.run_newsdb("import", "--jobs", jobs, SEEDS, CORPUS, DATA, db=db)
            self.assertEqual(r.code, 0, r)
            dbs.append((db, r.err))
        a, b = dump(self, dbs[0][0]), dump(self, dbs[1][0])
        self.assertGreater(len(a["articles"]), 700)
        self.assertEqual(a, b)
        # messages come in walk order too
        self.assertEqual(dbs[0][1], dbs[1][1])

    def test_jobs_must_be_a_positive_number(self):
        self.assertEqual(self.run_newsdb("import", "--jobs", "0", SEEDS).code, 2)
        self.assertEqual(self.run_newsdb("import", "-j", "x", SEEDS).code, 2)


if __name__ == "__main__":
    main()
