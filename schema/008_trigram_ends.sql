-- newsdb schema, version 8: each column of articles_trigram ends with two
-- line feeds (docs/schema.md).  A substring of one or two characters is
-- shorter than a trigram, so the index cannot look it up; but with the two
-- line feeds every place it occurs starts some trigram of the row, and the
-- trigrams that start with it are a range of the index's terms.  A search
-- for it then reads the rows of those trigrams, not every row with CJK text
-- (store_search.c).  The line feeds are not CJK, so no substring a search
-- looks for can hold them.
--
-- The triggers put them in for other tools' writes too, and the rows of
-- version 7 get them here (only rows with CJK text are in the index).
DROP TRIGGER articles_ai;
DROP TRIGGER articles_au;
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, excerpt, body) VALUES (new.id, new.title, new.excerpt, new.body);
    INSERT INTO articles_trigram(rowid, title, excerpt, body)
        SELECT new.id, new.title || char(10, 10), new.excerpt || char(10, 10), new.body || char(10, 10)
        WHERE coalesce(new.title, '') || coalesce(new.excerpt, '') || coalesce(new.body, '')
              GLOB '*[぀-ヿ㐀-䶿一-鿿豈-﫿가-힯ᄀ-ᇿ𠀀-𯨟]*';
END;
-- An upsert that leaves the text as it was leaves the indexes alone.
CREATE TRIGGER articles_au AFTER UPDATE OF title, excerpt, body ON articles
WHEN old.title IS NOT new.title OR old.excerpt IS NOT new.excerpt OR old.body IS NOT new.body BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, excerpt, body) VALUES ('delete', old.id, old.title, old.excerpt, old.body);
    INSERT INTO articles_fts(rowid, title, excerpt, body) VALUES (new.id, new.title, new.excerpt, new.body);
    DELETE FROM articles_trigram WHERE rowid = old.id;
    INSERT INTO articles_trigram(rowid, title, excerpt, body)
        SELECT new.id, new.title || char(10, 10), new.excerpt || char(10, 10), new.body || char(10, 10)
        WHERE coalesce(new.title, '') || coalesce(new.excerpt, '') || coalesce(new.body, '')
              GLOB '*[぀-ヿ㐀-䶿一-鿿豈-﫿가-힯ᄀ-ᇿ𠀀-𯨟]*';
END;
DELETE FROM articles_trigram;
INSERT INTO articles_trigram(rowid, title, excerpt, body)
    SELECT id, title || char(10, 10), excerpt || char(10, 10), body || char(10, 10) FROM articles
    WHERE coalesce(title, '') || coalesce(excerpt, '') || coalesce(body, '')
          GLOB '*[぀-ヿ㐀-䶿一-鿿豈-﫿가-힯ᄀ-ᇿ𠀀-𯨟]*'
    ORDER BY id;
