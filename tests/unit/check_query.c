/* placeholder until the query tests land */
#include "suites.h"
Suite *make_query_suite(void) { return suite_create("query"); }
