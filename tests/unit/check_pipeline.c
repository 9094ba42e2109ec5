/* check_pipeline.c: the worker pool of an import hands every file back once,
 * in push order, with its work done, whatever the number of workers, the
 * ring's depth and how pushes and pops interleave; and freeing it with files
 * still queued or already taken out of the ring loses none (ASan and
 * valgrind runs of this suite see the leaks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"
#include "suites.h"

#define N_FILES 24

static char dir[64];
static char paths[N_FILES][128];

/* Files of three kinds, told apart by index: an article, a file without
 * front matter, and one that is missing. */
static void make_files(void)
{
	strcpy(dir, "/tmp/nd_pipeline_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int k = 0; k < N_FILES; k++) {
		snprintf(paths[k], sizeof(paths[k]), "%s/%02d.md", dir, k);
		if (k % 3 == 2)
			continue;
		FILE *f = fopen(paths[k], "w");
		ck_assert_ptr_nonnull(f);
		if (k % 3 == 0)
			fprintf(f, "---\ntitle: Article %d\nwebUrl: https://example.com/%d\n---\nbody\n",
				k, k);
		else
			fprintf(f, "no front matter %d\n", k);
		fclose(f);
	}
}

static void remove_files(void)
{
	for (int k = 0; k < N_FILES; k++)
		unlink(paths[k]);
	rmdir(dir);
}

static enum nd_prep_outcome expected(int k, bool pass)
{
	if (pass)
		return ND_PREP_PASS;
	return k % 3 == 0 ? ND_PREP_ARTICLE : k % 3 == 1 ? ND_PREP_NOT_ARTICLE : ND_PREP_READ_ERROR;
}

/* Pushes `total` items (item i names file i % N_FILES; every fifth one is a
 * pass-through) as the import does, popping whenever the ring is full and
 * at random in between; checks each popped item is the next one pushed. */
static void run_order(int jobs, int depth, int total, unsigned seed)
{
	srand(seed);
	struct nd_pipeline *p = nd_pipeline_new(jobs, depth);
	int pushed = 0, popped = 0;
	while (popped < total) {
		bool can_push = pushed < total && !nd_pipeline_full(p);
		if (can_push && rand() % 4 != 0) {
			int k = pushed % N_FILES;
			struct nd_prepared *item = nd_prepared_new(paths[k], 0, pushed);
			if (pushed % 5 == 4)
				item->outcome = ND_PREP_PASS;
			nd_pipeline_push(p, item);
			pushed++;
			continue;
		}
		struct nd_prepared *item = nd_pipeline_pop(p);
		if (pushed == popped) {
			ck_assert_ptr_null(item);
			continue;
		}
		ck_assert_ptr_nonnull(item);
		ck_assert_int_eq(item->mtime_ns, popped);
		int k = popped % N_FILES;
		ck_assert_str_eq(item->path, paths[k]);
		ck_assert_int_eq(item->outcome, expected(k, popped % 5 == 4));
		if (item->outcome == ND_PREP_ARTICLE) {
			char want[64];
			snprintf(want, sizeof(want), "https://example.com/%d", k);
			ck_assert_str_eq(item->article.url, want);
		}
		nd_prepared_free(item);
		popped++;
	}
	ck_assert_ptr_null(nd_pipeline_pop(p));
	nd_pipeline_free(p);
}

START_TEST(test_pop_order_is_push_order)
{
	make_files();
	const int jobs[] = { 1, 2, 3, 4 };
	const int depths[] = { 1, 2, 3, 8, 32 };
	unsigned seed = 1;
	for (size_t j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++)
		for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++)
			for (int round = 0; round < 4; round++)
				run_order(jobs[j], depths[d], 200, seed++);
	remove_files();
}
END_TEST

/* Freed with items in every state: queued, done in the ring, and taken out
 * of it by a pop that returned only the first. */
START_TEST(test_free_with_items_in_flight)
{
	make_files();
	for (int depth = 1; depth <= 16; depth *= 2) {
		struct nd_pipeline *p = nd_pipeline_new(2, depth);
		int pushed = 0;
		while (!nd_pipeline_full(p)) {
			nd_pipeline_push(p, nd_prepared_new(paths[pushed % N_FILES], 0, pushed));
			pushed++;
		}
		struct nd_prepared *first = nd_pipeline_pop(p);
		ck_assert_ptr_nonnull(first);
		ck_assert_int_eq(first->mtime_ns, 0);
		nd_prepared_free(first);
		while (pushed < 2 * depth && !nd_pipeline_full(p)) {
			nd_pipeline_push(p, nd_prepared_new(paths[pushed % N_FILES], 0, pushed));
			pushed++;
		}
		nd_pipeline_free(p);
	}
	nd_pipeline_free(NULL);
	remove_files();
}
END_TEST

Suite *make_pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pop_order_is_push_order);
	tcase_add_test(tc, test_free_with_items_in_flight);
	suite_add_tcase(s, tc);
	return s;
}
