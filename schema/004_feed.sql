-- newsdb schema, version 4: the change log of the OpenSearch feed
-- (`newsdb export --format opensearch --changed-since N`).
--
-- One row for each (canonical URL, year) an archived article has been in:
-- the year is the one of its published_at ('' when it has none), the index
-- a feed with --index 'NAME-{year}' sends it to.  `seq` is the change number
-- of the row's last change: newsdb takes max(seq) + 1 inside the import's
-- write transaction, and writers take turns, so every change committed after
-- an export has a higher number than any that export saw; a counter, not a
-- clock, so two imports in the same millisecond or a clock set back lose
-- nothing.  `live` is 1 while the article is archived with that year and 0
-- from the change that took it out (a pruned or superseded file, an article
-- whose last file now gives another URL, a date moved to another year): the
-- feed's delete actions.  Written by newsdb in the same savepoint as the
-- change itself; never deleted, so max(seq) never goes back.
CREATE TABLE _newsdb_feed (
    url         TEXT NOT NULL,        -- canonical URL (articles.url)
    year        TEXT NOT NULL,        -- 'YYYY' of published_at, or ''
    seq         INTEGER NOT NULL,     -- change number of the last change
    changed_at  TEXT NOT NULL,        -- when, ISO-8601 UTC with milliseconds (for people)
    live        INTEGER NOT NULL CHECK (live IN (0, 1)),
    PRIMARY KEY (url, year)
) WITHOUT ROWID;
CREATE INDEX _newsdb_feed_by_seq ON _newsdb_feed(seq);

-- What a database of an older version already holds, as change 1.
INSERT INTO _newsdb_feed (url, year, seq, changed_at, live)
SELECT url, coalesce(substr(published_at, 1, 4), ''), 1,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 1
FROM articles WHERE is_archived = 1;
