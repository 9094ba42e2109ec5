/*
 * store_ids.h: what the importing connection remembers of the identities it
 * has written, so that a file does not ask SQLite what it already knows.
 *
 * Provider and topic ids by their unique keys: exact, and forgotten
 * whenever they might stop being so (a rollback, a prune, another
 * connection's commit).  Article URLs in a filter, kept only by an import
 * that began on an empty database: a URL the filter has not seen is in no
 * row, so the file's article is new without a look-up; one it has seen
 * (or whose 32-bit fingerprint another URL shares) is looked up as before.
 * Past 1.4 million URLs (8 MiB) the filter turns itself off.
 * Nothing here is ever the only word on a row: a miss asks SQLite.
 */
#ifndef ND_STORE_IDS_H
#define ND_STORE_IDS_H

#include <stdbool.h>
#include <stdint.h>

struct store_ids;

struct store_ids *store_ids_new(void);
void store_ids_free(struct store_ids *ids);

/* The exact ids go (after a rollback or a prune); the URL filter stays, as a
 * URL it saw that is no longer in a row only costs a look-up. */
void store_ids_forget(struct store_ids *ids);

/* Provider (domain, name_key) and topic (name_key) ids: 0 when not known. */
int64_t store_ids_provider(const struct store_ids *ids, const char *domain, const char *name_key);
void store_ids_put_provider(struct store_ids *ids, const char *domain, const char *name_key,
			    int64_t id);
int64_t store_ids_topic(const struct store_ids *ids, const char *name_key);
void store_ids_put_topic(struct store_ids *ids, const char *name_key, int64_t id);

/* The URL filter: on from an empty database (every URL since is noted), off
 * for good once something else may have written articles. */
void store_ids_urls_from_empty(struct store_ids *ids);
void store_ids_urls_off(struct store_ids *ids);
/* Is no article's URL `url`, for certain? */
bool store_ids_url_unseen(const struct store_ids *ids, const char *url);
void store_ids_saw_url(struct store_ids *ids, const char *url);

#endif
