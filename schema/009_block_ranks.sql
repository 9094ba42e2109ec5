-- newsdb schema, version 9: beside each facet block, its rank entries: the
-- length in tokens and archived flag of each of its articles, alone, in a
-- few bytes an article (docs/schema.md).  A search that scores every match
-- needs only these of a match's block, and read from the blocks themselves
-- they cost a page of the blocks per block of matches: `tech*` read 1 080
-- of the 1 100 pages of the blocks at 100 000 articles to score its matches.
-- Here the same entries take a tenth of the pages, sixteen blocks to a row
-- (`chunk` = block / 16), so that a search steps over a row per 1024 ids.
-- Derived from the articles like the blocks, written with them in the same
-- transaction and checked with them by `newsdb check`.
--
-- The blocks of version 8 have no rank entries beside them: they are
-- dropped, and the next import or optimize builds both (searches meanwhile
-- read the tables).
CREATE TABLE _newsdb_block_ranks (
    chunk  INTEGER PRIMARY KEY,
    data   BLOB NOT NULL
);
DELETE FROM _newsdb_blocks;
UPDATE _newsdb_meta SET value = CASE WHEN EXISTS (SELECT 1 FROM articles) THEN 'pending' ELSE 'ready' END
    WHERE key = 'blocks_state';
