-- newsdb schema, version 2: placeholder for the ranking migration, which
-- also creates this table; only the table is needed before it lands.
CREATE TABLE IF NOT EXISTS _newsdb_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
