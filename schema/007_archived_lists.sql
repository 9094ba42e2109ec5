-- newsdb schema, version 7: a common word's list in _newsdb_rank_lists
-- holds only archived rows, and its bound covers only the archived rows
-- left out (docs/schema.md).  A page puts every archived match before the
-- articles known only from links, and those, short, weighed most: they
-- were three quarters of a list, and a search with a filter found too few
-- of its rows to fill a page and scored every match instead.
--
-- Lists of version 6 hold the others too: they are dropped, and the next
-- import or optimize builds the ranking tables again (searches meanwhile
-- score every match).
DELETE FROM _newsdb_rank_lists;
UPDATE _newsdb_meta SET value = CASE WHEN EXISTS (SELECT 1 FROM articles) THEN 'pending' ELSE 'ready' END
    WHERE key = 'rank_state';
