-- newsdb schema, version 6: each article's entry in the facet blocks also
-- holds its length in tokens and whether it is archived (docs/schema.md),
-- what ranking a match needs beside its counts: a search that scores every
-- match then reads them from the block it already reads in id order,
-- instead of two B-tree seeks per match that can reach the page.
--
-- Blocks written by version 5 lack them: they are dropped, and the next
-- import or optimize builds them again (searches meanwhile read the tables).
DELETE FROM _newsdb_blocks;
UPDATE _newsdb_meta SET value = CASE WHEN EXISTS (SELECT 1 FROM articles) THEN 'pending' ELSE 'ready' END
    WHERE key = 'blocks_state';
