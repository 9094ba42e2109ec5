/*
 * store_ids.c: the importing connection's memory of identities (store_ids.h):
 * two open-addressing maps from a key's bytes to an id, and a set of 32-bit
 * URL fingerprints.
 */
#include "store_ids.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"

struct key_slot {
	uint64_t hash;
	char *key; /* NULL: empty */
	size_t len;
	int64_t id;
};

struct key_map {
	struct key_slot *v;
	size_t cap, n; /* cap a power of two, or 0 */
};

/* The filter's slots at most, 8 MiB: past 1.4 million URLs (two thirds of
 * them) it is turned off and every URL looked up, as without it; at a
 * million files the import's peak RSS was 130 MB with a filter that grew
 * to 16 MiB, over the 128 MB it keeps to (docs/benchmarks.md). */
#define URL_SLOTS_MAX ((size_t)1 << 21)

struct url_set {
	uint32_t *v; /* fingerprints, never 0; 0 is an empty slot */
	size_t cap, n;
	bool on;
};

struct store_ids {
	struct key_map providers, topics;
	struct url_set urls;
};

struct store_ids *store_ids_new(void)
{
	return nd_xcalloc(1, sizeof(struct store_ids));
}

static void map_clear(struct key_map *m)
{
	for (size_t k = 0; k < m->cap; k++)
		free(m->v[k].key);
	free(m->v);
	*m = (struct key_map){ 0 };
}

void store_ids_free(struct store_ids *ids)
{
	if (!ids)
		return;
	map_clear(&ids->providers);
	map_clear(&ids->topics);
	free(ids->urls.v);
	free(ids);
}

void store_ids_forget(struct store_ids *ids)
{
	map_clear(&ids->providers);
	map_clear(&ids->topics);
}

static struct key_slot *map_slot(const struct key_map *m, uint64_t hash, const char *key, size_t len)
{
	size_t mask = m->cap - 1;
	for (size_t k = (size_t)hash & mask;; k = (k + 1) & mask) {
		struct key_slot *e = &m->v[k];
		if (!e->key || (e->hash == hash && e->len == len && !memcmp(e->key, key, len)))
			return e;
	}
}

static int64_t map_get(const struct key_map *m, const char *key, size_t len)
{
	if (!m->cap)
		return 0;
	const struct key_slot *e = map_slot(m, nd_hash64(key, len), key, len);
	return e->key ? e->id : 0;
}

static void map_put(struct key_map *m, const char *key, size_t len, int64_t id)
{
	if (2 * (m->n + 1) > m->cap) {
		struct key_map grown = { nd_xcalloc(m->cap ? 2 * m->cap : 64, sizeof(struct key_slot)),
					 m->cap ? 2 * m->cap : 64, m->n };
		for (size_t k = 0; k < m->cap; k++)
			if (m->v[k].key)
				*map_slot(&grown, m->v[k].hash, m->v[k].key, m->v[k].len) = m->v[k];
		free(m->v);
		*m = grown;
	}
	uint64_t hash = nd_hash64(key, len);
	struct key_slot *e = map_slot(m, hash, key, len);
	if (!e->key) {
		char *copy = nd_xmalloc(len);
		memcpy(copy, key, len);
		*e = (struct key_slot){ hash, copy, len, 0 };
		m->n++;
	}
	e->id = id;
}

/* A provider's key: its two parts with the NUL between them, which neither
 * holds, so that no two pairs share one; in buf[] when it fits, else in
 * memory the caller frees. */
static char *provider_key(const char *domain, const char *name_key, char buf[256], size_t *len)
{
	size_t a = strlen(domain), b = strlen(name_key);
	char *key = a + 1 + b <= 256 ? buf : nd_xmalloc(a + 1 + b);
	memcpy(key, domain, a + 1);
	memcpy(key + a + 1, name_key, b);
	*len = a + 1 + b;
	return key;
}

int64_t store_ids_provider(const struct store_ids *ids, const char *domain, const char *name_key)
{
	if (!ids->providers.cap)
		return 0;
	char buf[256];
	size_t len;
	char *key = provider_key(domain, name_key, buf, &len);
	int64_t id = map_get(&ids->providers, key, len);
	if (key != buf)
		free(key);
	return id;
}

void store_ids_put_provider(struct store_ids *ids, const char *domain, const char *name_key,
			    int64_t id)
{
	char buf[256];
	size_t len;
	char *key = provider_key(domain, name_key, buf, &len);
	map_put(&ids->providers, key, len, id);
	if (key != buf)
		free(key);
}

int64_t store_ids_topic(const struct store_ids *ids, const char *name_key)
{
	return map_get(&ids->topics, name_key, strlen(name_key));
}

void store_ids_put_topic(struct store_ids *ids, const char *name_key, int64_t id)
{
	map_put(&ids->topics, name_key, strlen(name_key), id);
}

static uint32_t fingerprint(const char *url)
{
	uint64_t h = nd_hash64(url, strlen(url));
	uint32_t f = (uint32_t)(h ^ (h >> 32));
	return f ? f : 1;
}

static size_t url_slot(const struct url_set *u, uint32_t f)
{
	size_t mask = u->cap - 1, k = f & mask;
	while (u->v[k] && u->v[k] != f)
		k = (k + 1) & mask;
	return k;
}

void store_ids_urls_from_empty(struct store_ids *ids)
{
	free(ids->urls.v);
	ids->urls = (struct url_set){ .on = true };
}

void store_ids_urls_off(struct store_ids *ids)
{
	free(ids->urls.v);
	ids->urls = (struct url_set){ 0 };
}

bool store_ids_url_unseen(const struct store_ids *ids, const char *url)
{
	const struct url_set *u = &ids->urls;
	return u->on && (!u->cap || !u->v[url_slot(u, fingerprint(url))]);
}

void store_ids_saw_url(struct store_ids *ids, const char *url)
{
	struct url_set *u = &ids->urls;
	if (!u->on)
		return;
	/* two thirds full at most: 4 bytes a URL */
	if (3 * (u->n + 1) > 2 * u->cap && u->cap >= URL_SLOTS_MAX) {
		store_ids_urls_off(ids);
		return;
	}
	if (3 * (u->n + 1) > 2 * u->cap) {
		struct url_set grown = { nd_xcalloc(u->cap ? 2 * u->cap : 4096, sizeof(uint32_t)),
					 u->cap ? 2 * u->cap : 4096, u->n, true };
		for (size_t k = 0; k < u->cap; k++)
			if (u->v[k])
				grown.v[url_slot(&grown, u->v[k])] = u->v[k];
		free(u->v);
		*u = grown;
	}
	uint32_t f = fingerprint(url);
	size_t k = url_slot(u, f);
	if (!u->v[k]) {
		u->v[k] = f;
		u->n++;
	}
}
