CREATE TABLE IF NOT EXISTS _newsdb_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
-- newsdb schema, version 3.
--
-- _newsdb_meta 'rules_version': the ND_RULES_VERSION (src/lib/rules.h) by which
-- the failed and skipped sources were judged.  An unchanged failed file is
-- not read again; a newsdb with other rules marks those sources stale and
-- records its own version in one transaction (store_meta.c), so each is
-- read again once.  A database without the key (older than this) gets the
-- same treatment at its first import.
