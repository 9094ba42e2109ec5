/* check_ids.c: the importing connection's memory of identities
 * (store_ids.h), against a plain list of what was put, over random
 * operations: the maps give exactly the ids put last, and the URL filter
 * never calls a URL it saw unseen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_ids.h"
#include "suites.h"

struct entry {
	char a[16], b[16];
	int64_t id;
};

/* A short key from a small alphabet, so that keys repeat and pairs such as
 * ("ab", "c") and ("a", "bc") turn up. */
static void random_key(char *out, unsigned *seed)
{
	int n = rand_r(seed) % 4;
	for (int k = 0; k < n; k++)
		out[k] = "abc"[rand_r(seed) % 3];
	out[n] = '\0';
}

static const struct entry *find(const struct entry *v, size_t n, const char *a, const char *b)
{
	for (size_t k = n; k-- > 0;)
		if (!strcmp(v[k].a, a) && (!b || !strcmp(v[k].b, b)))
			return &v[k];
	return NULL;
}

START_TEST(test_ids_maps_match_a_list)
{
	unsigned seed = 7;
	for (int round = 0; round < 200; round++) {
		struct store_ids *ids = store_ids_new();
		struct entry prov[300], top[300];
		size_t np = 0, nt = 0;
		for (int op = 0; op < 300; op++) {
			struct entry e;
			random_key(e.a, &seed);
			random_key(e.b, &seed);
			e.id = 1 + rand_r(&seed) % 1000;
			switch (rand_r(&seed) % 5) {
			case 0:
				store_ids_put_provider(ids, e.a, e.b, e.id);
				prov[np++] = e;
				break;
			case 1:
				store_ids_put_topic(ids, e.a, e.id);
				top[nt++] = e;
				break;
			default: {
				const struct entry *p = find(prov, np, e.a, e.b), *t = find(top, nt, e.a, NULL);
				ck_assert_int_eq(store_ids_provider(ids, e.a, e.b), p ? p->id : 0);
				ck_assert_int_eq(store_ids_topic(ids, e.a), t ? t->id : 0);
			}
			}
			if (op == 150 && round % 2) {
				store_ids_forget(ids);
				np = nt = 0;
			}
		}
		store_ids_free(ids);
	}
}
END_TEST

START_TEST(test_ids_long_provider_keys)
{
	struct store_ids *ids = store_ids_new();
	char a[600], b[600];
	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memset(b, 'y', sizeof(b) - 1);
	b[sizeof(b) - 1] = '\0';
	store_ids_put_provider(ids, a, b, 42);
	ck_assert_int_eq(store_ids_provider(ids, a, b), 42);
	b[10] = '\0';
	ck_assert_int_eq(store_ids_provider(ids, a, b), 0);
	store_ids_free(ids);
}
END_TEST

START_TEST(test_ids_url_filter)
{
	struct store_ids *ids = store_ids_new();
	/* off until an import starts from an empty database: every URL may exist */
	ck_assert(!store_ids_url_unseen(ids, "https://a.example/1"));
	store_ids_saw_url(ids, "https://a.example/1");
	store_ids_urls_from_empty(ids);
	enum { N = 50000 };
	char url[64];
	for (int k = 0; k < N; k++) {
		snprintf(url, sizeof(url), "https://a.example/%d", k);
		store_ids_saw_url(ids, url);
		store_ids_saw_url(ids, url); /* twice is once */
	}
	/* through every growth of the table, no URL seen is unseen */
	for (int k = 0; k < N; k++) {
		snprintf(url, sizeof(url), "https://a.example/%d", k);
		ck_assert(!store_ids_url_unseen(ids, url));
	}
	/* and URLs never seen mostly are: a shared fingerprint only costs a look-up */
	int unseen = 0;
	for (int k = N; k < 2 * N; k++) {
		snprintf(url, sizeof(url), "https://a.example/%d", k);
		unseen += store_ids_url_unseen(ids, url);
	}
	ck_assert_int_gt(unseen, N - N / 100);
	/* past its bound the filter turns itself off rather than grow on */
	struct store_ids *big = store_ids_new();
	store_ids_urls_from_empty(big);
	ck_assert(store_ids_url_unseen(big, "https://b.example/never"));
	for (int k = 0; k < 1500000; k++) {
		snprintf(url, sizeof(url), "https://b.example/%d", k);
		store_ids_saw_url(big, url);
	}
	ck_assert(!store_ids_url_unseen(big, "https://b.example/never"));
	ck_assert(!store_ids_url_unseen(big, "https://b.example/7"));
	store_ids_free(big);
	/* forgetting the exact ids keeps the filter */
	store_ids_forget(ids);
	ck_assert(!store_ids_url_unseen(ids, "https://a.example/7"));
	/* once off, nothing is unseen */
	store_ids_urls_off(ids);
	ck_assert(!store_ids_url_unseen(ids, "https://a.example/never"));
	store_ids_saw_url(ids, "https://a.example/never");
	ck_assert(!store_ids_url_unseen(ids, "https://b.example/"));
	store_ids_free(ids);
}
END_TEST

Suite *make_ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc = tcase_create("core");
	/* a second in a debug build, more under the sanitizers */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ids_maps_match_a_list);
	tcase_add_test(tc, test_ids_long_provider_keys);
	tcase_add_test(tc, test_ids_url_filter);
	suite_add_tcase(s, tc);
	return s;
}
