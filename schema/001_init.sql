-- newsdb schema, version 1.
--
-- Identity rules (see README "The database"):
--   an article is its canonical URL; a provider is its normalized domain plus
--   its case-folded name; a topic is its case-folded name; an image is its URL;
--   a source is a file path.  Keys the schema does not model are kept verbatim
--   in each article's JSON `extra` column.

CREATE TABLE providers (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,            -- as first seen, trimmed
    domain    TEXT NOT NULL,            -- lowercased, no scheme/port/path/www.
    name_key  TEXT NOT NULL,            -- case-folded name, for identity
    UNIQUE (domain, name_key)
);
CREATE INDEX providers_by_name_key ON providers(name_key);

CREATE TABLE images (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL UNIQUE,
    width      INTEGER CHECK (width IS NULL OR width >= 0),
    height     INTEGER CHECK (height IS NULL OR height >= 0),
    is_cached  INTEGER CHECK (is_cached IN (0, 1))
);

CREATE TABLE provider_images (
    provider_id  INTEGER NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0),
    image_id     INTEGER NOT NULL REFERENCES images(id),
    PRIMARY KEY (provider_id, position)
) WITHOUT ROWID;
CREATE INDEX provider_images_by_image ON provider_images(image_id);

CREATE TABLE articles (
    id                INTEGER PRIMARY KEY,
    url               TEXT NOT NULL UNIQUE,   -- canonical URL: the identity
    web_url           TEXT,
    original_url      TEXT,
    amp_url           TEXT,
    cdn_amp_url       TEXT,
    title             TEXT,
    excerpt           TEXT,
    body              TEXT,
    category          TEXT,
    type              TEXT,
    published_at      TEXT CHECK (published_at IS NULL OR
                        published_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'),
    quality           NUMERIC CHECK (typeof(quality) IN ('integer', 'real', 'null')),
    heat              NUMERIC CHECK (typeof(heat) IN ('integer', 'real', 'null')),
    is_published      INTEGER CHECK (is_published IN (0, 1)),
    featured_content  TEXT,
    provider_id       INTEGER REFERENCES providers(id),
    extra             TEXT CHECK (extra IS NULL OR json_valid(extra)),
    -- 1 when some file of the archive is this article; 0 when it is known
    -- only from other articles' related links.
    is_archived       INTEGER NOT NULL DEFAULT 0 CHECK (is_archived IN (0, 1))
);
CREATE INDEX articles_by_provider ON articles(provider_id);
CREATE INDEX articles_by_date ON articles(published_at);
-- The columns a search reads for every match (its order and its filters),
-- narrow and in id order: ranking thousands of matches reads this, not
-- thousands of whole article rows (store_sql.c names it in INDEXED BY).
CREATE INDEX articles_search_state ON articles(id, is_archived, published_at, provider_id);

CREATE TABLE topics (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,            -- first spelling seen
    name_key  TEXT NOT NULL UNIQUE      -- case-folded, whitespace collapsed
);

CREATE TABLE article_topics (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    topic_id    INTEGER NOT NULL REFERENCES topics(id),
    PRIMARY KEY (article_id, position),
    UNIQUE (article_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX article_topics_by_topic ON article_topics(topic_id);

CREATE TABLE article_images (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    image_id    INTEGER NOT NULL REFERENCES images(id),
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE INDEX article_images_by_image ON article_images(image_id);

-- "article links to related_article" at a position in its related list.
CREATE TABLE related_links (
    article_id          INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL CHECK (position >= 0),
    related_article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
CREATE INDEX related_links_by_target ON related_links(related_article_id);

-- One row per file the import has looked at: what makes re-import
-- incremental and failures visible.
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    size         INTEGER NOT NULL CHECK (size >= 0),
    mtime_ns     INTEGER NOT NULL,
    hash         TEXT,                   -- FNV-1a 64 of the content, hex
    imported_at  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    message      TEXT,                   -- error, warnings, or why skipped
    article_id   INTEGER REFERENCES articles(id) ON DELETE SET NULL
);
CREATE INDEX sources_by_article ON sources(article_id);
CREATE INDEX sources_by_status ON sources(status);
-- a new file whose content was imported before from a file now gone is a move
CREATE INDEX sources_by_hash ON sources(hash) WHERE status = 'ok';

-- Full-text search.  The exact spelling content="articles" is what
-- sqlite-utils and Datasette look for; do not reformat.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, excerpt, body, content="articles", content_rowid="id", tokenize='porter unicode61 remove_diacritics 2');
INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)');

-- Substring search for scripts without word breaks (Chinese, Japanese, Korean).
-- Only rows with such text are indexed: a query goes to this index only for
-- terms that have some (query.c), and three-character windows over all the
-- English text would make this index the dearest part of an import.  It keeps
-- its own copy of that text (no content= option), so 'rebuild' and
-- 'integrity-check' agree with what the triggers put in, and Datasette and
-- sqlite-utils can only ever pick articles_fts as the search table of articles.
-- The character class is the one of nd_norm_has_cjk (normalize.c): kana, CJK
-- ideographs (with extension A, compatibility and supplementary planes), Hangul.
CREATE VIRTUAL TABLE articles_trigram USING fts5(title, excerpt, body, tokenize='trigram');

CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, excerpt, body) VALUES (new.id, new.title, new.excerpt, new.body);
    INSERT INTO articles_trigram(rowid, title, excerpt, body) SELECT new.id, new.title, new.excerpt, new.body
        WHERE coalesce(new.title, '') || coalesce(new.excerpt, '') || coalesce(new.body, '')
              GLOB '*[぀-ヿ㐀-䶿一-鿿豈-﫿가-힯ᄀ-ᇿ𠀀-𯨟]*';
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, excerpt, body) VALUES ('delete', old.id, old.title, old.excerpt, old.body);
    DELETE FROM articles_trigram WHERE rowid = old.id;
END;
-- An upsert that leaves the text as it was leaves the indexes alone.
CREATE TRIGGER articles_au AFTER UPDATE OF title, excerpt, body ON articles
WHEN old.title IS NOT new.title OR old.excerpt IS NOT new.excerpt OR old.body IS NOT new.body BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, excerpt, body) VALUES ('delete', old.id, old.title, old.excerpt, old.body);
    INSERT INTO articles_fts(rowid, title, excerpt, body) VALUES (new.id, new.title, new.excerpt, new.body);
    DELETE FROM articles_trigram WHERE rowid = old.id;
    INSERT INTO articles_trigram(rowid, title, excerpt, body) SELECT new.id, new.title, new.excerpt, new.body
        WHERE coalesce(new.title, '') || coalesce(new.excerpt, '') || coalesce(new.body, '')
              GLOB '*[぀-ヿ㐀-䶿一-鿿豈-﫿가-힯ᄀ-ᇿ𠀀-𯨟]*';
END;

-- Views for people browsing the file: one row per article, no joins needed.
CREATE VIEW articles_view AS
SELECT a.id,
       a.published_at,
       p.name   AS provider,
       p.domain AS provider_domain,
       a.title,
       a.excerpt,
       a.url,
       a.type,
       a.category,
       (SELECT group_concat(name, ', ') FROM (
            SELECT t.name FROM article_topics at JOIN topics t ON t.id = at.topic_id
            WHERE at.article_id = a.id ORDER BY at.position)) AS topics,
       (SELECT count(*) FROM article_images ai WHERE ai.article_id = a.id) AS image_count,
       (SELECT count(*) FROM related_links r WHERE r.article_id = a.id) AS links_to,
       (SELECT count(*) FROM related_links r WHERE r.related_article_id = a.id) AS linked_from,
       a.is_archived
FROM articles a LEFT JOIN providers p ON p.id = a.provider_id;

CREATE VIEW related_view AS
SELECT r.article_id, a.title AS article_title, r.position,
       r.related_article_id, b.title AS related_title, b.url AS related_url
FROM related_links r
JOIN articles a ON a.id = r.article_id
JOIN articles b ON b.id = r.related_article_id;

CREATE VIEW failed_sources AS
SELECT path, message, imported_at FROM sources WHERE status = 'failed';
