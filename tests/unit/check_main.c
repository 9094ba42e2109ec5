/* check_main.c: runs every unit suite (or the one named by CK_RUN_SUITE). */
#include <stdlib.h>

#include "buf.h"
#include "suites.h"

char *shared_path(const char *rel)
{
	/* run outside meson: the folder beside the repository, from its root */
	const char *root = getenv("NEWSDB_SHARED");
	if (!root || !*root)
		root = "../shared";
	struct nd_buf path = ND_BUF_INIT;
	nd_buf_addf(&path, "%s/%s", root, rel);
	return nd_buf_detach(&path);
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
