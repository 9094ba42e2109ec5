-- newsdb schema, version 2: what makes ranked search exact and fast at any
-- archive size (src/lib/store/store_terms.c keeps it; docs/schema.md explains it).
--
-- bm25 needs, for each word of a query, how many rows hold it, and ranking
-- a common word needs the rows where it weighs most: FTS5 keeps neither
-- ready (it counts a word's rows by reading all of them, and it scores
-- every match before it knows the best).

-- Small facts newsdb keeps about the file (a key per row).
CREATE TABLE IF NOT EXISTS _newsdb_meta (
    key    TEXT PRIMARY KEY,
    value
) WITHOUT ROWID;

-- The common words of the word index (articles_fts, as its tokenizer writes
-- them: in at least 2000 rows) with the number of rows that hold each,
-- exactly FTS5's own count, and a list of the rows where the word weighs
-- most (_newsdb_rank_lists): `bound` is the highest weight a row not in the
-- list can have (bm25's term-frequency part at the average length of
-- _newsdb_meta 'rank_avgdl'), `bound_half` and `bound_double` the same at
-- half and twice that length (the average moves as the archive grows, and
-- a row's weight moves with it), `listed` the list's length.  A word its own
-- MATCH cannot find (a Porter stem that stems further) has listed = -1 and
-- no bound: searches score its every match.
CREATE TABLE _newsdb_terms (
    id      INTEGER PRIMARY KEY,
    term    TEXT NOT NULL UNIQUE,
    docs    INTEGER NOT NULL CHECK (docs >= 0),
    bound   REAL,
    bound_half    REAL,
    bound_double  REAL,
    listed  INTEGER
);

-- The rows where a common word weighs most: its weighted count in the row
-- (10 a title, 4 an excerpt, 1 a body occurrence: the rank weights) and the
-- row's length in tokens, what bm25 needs of the row.
CREATE TABLE _newsdb_rank_lists (
    term_id  INTEGER NOT NULL,
    article  INTEGER NOT NULL,
    freq     INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    PRIMARY KEY (term_id, article)
) WITHOUT ROWID;

-- Every word with the number of rows that held it when last written: how
-- newsdb tells that a word became common.  Written now and then, not in
-- every commit, so after a kill it may be behind; never used for a score.
CREATE TABLE _newsdb_term_counts (
    term  TEXT PRIMARY KEY,
    docs  INTEGER NOT NULL CHECK (docs >= 0)
) WITHOUT ROWID;

-- 'pending' when there are articles the ranking tables do not describe yet
-- (an upgraded database): the next import or optimize builds them.
INSERT INTO _newsdb_meta (key, value)
    SELECT 'rank_state', CASE WHEN EXISTS (SELECT 1 FROM articles) THEN 'pending' ELSE 'ready' END;
