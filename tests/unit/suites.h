/* suites.h: one make_<area>_suite() per engine module, combined in check_main.c. */
#ifndef ND_SUITES_H
#define ND_SUITES_H

#include <check.h>

Suite *make_civil_suite(void);
Suite *make_cjkrow_suite(void);
Suite *make_copykey_suite(void);
Suite *make_emit_suite(void);
Suite *make_escape_suite(void);
Suite *make_frontmatter_suite(void);
Suite *make_hash_suite(void);
Suite *make_ids_suite(void);
Suite *make_normalize_suite(void);
Suite *make_pipeline_suite(void);
Suite *make_query_suite(void);
Suite *make_rank_suite(void);
Suite *make_snippet_suite(void);
Suite *make_store_suite(void);
Suite *make_walk_suite(void);

/* The real article files of ../shared (NEWSDB_SHARED, which meson sets as
 * for the e2e tests): the path of rel under it, to free. */
char *shared_path(const char *rel);

#endif
