/* check_main.c: runs every unit suite (or the one named by CK_RUN_SUITE). */
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

char *shared_path(const char *rel)
{
	/* run outside meson: the folder beside the repository, from its root */
	const char *root = getenv("NEWSDB_SHARED");
	if (!root || !*root)
		root = "../shared";
	size_t n = (size_t)snprintf(NULL, 0, "%s/%s", root, rel) + 1;
	char *path = malloc(n);
	if (!path)
		abort();
	snprintf(path, n, "%s/%s", root, rel);
	return path;
}

int main(void)
{
	SRunner *sr = srunner_create(make_frontmatter_suite());
	srunner_add_suite(sr, make_civil_suite());
	srunner_add_suite(sr, make_cjkrow_suite());
	srunner_add_suite(sr, make_copykey_suite());
	srunner_add_suite(sr, make_emit_suite());
	srunner_add_suite(sr, make_hash_suite());
	srunner_add_suite(sr, make_ids_suite());
	srunner_add_suite(sr, make_escape_suite());
	srunner_add_suite(sr, make_normalize_suite());
	srunner_add_suite(sr, make_pipeline_suite());
	srunner_add_suite(sr, make_query_suite());
	srunner_add_suite(sr, make_rank_suite());
	srunner_add_suite(sr, make_snippet_suite());
	srunner_add_suite(sr, make_store_suite());
	srunner_add_suite(sr, make_walk_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	int run = srunner_ntests_run(sr);
	srunner_free(sr);
	/* a suite that ran nothing is a broken selection, not a pass */
	return failed == 0 && run > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
