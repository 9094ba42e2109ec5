-- newsdb schema, version 5: what `search --facets`, `--timeline` and
-- `--dedupe` read of each match, packed (src/lib/store/store_blocks.c keeps
-- it; docs/schema.md describes the encoding).
--
-- A facet of a common query counts hundreds of thousands of matches, and
-- reading each match's provider, date, type and topics from their tables is
-- one B-tree seek per match and per topic list.  Here the same columns of 64
-- consecutive article ids share one row (`block` = id / 64), so a search
-- reads one row per 64 ids: the article's provider id, its publication day,
-- its type, its topic ids in order and a 32-bit hash of its copy key (the
-- key `--dedupe` groups syndicated copies by; the groups shown are checked
-- against the key itself, so a collision of hashes changes nothing).
-- Derived from the articles, kept in the same transaction as every change to
-- them; `newsdb check` rebuilds each block from the tables and compares.
CREATE TABLE _newsdb_blocks (
    block  INTEGER PRIMARY KEY,
    data   BLOB NOT NULL
);

-- 'pending' when some article is not in the blocks yet (an upgraded
-- database, a bulk import before its end): searches then read the tables,
-- and the next import's end or optimize builds the blocks.
INSERT INTO _newsdb_meta (key, value)
    SELECT 'blocks_state', CASE WHEN EXISTS (SELECT 1 FROM articles) THEN 'pending' ELSE 'ready' END;
