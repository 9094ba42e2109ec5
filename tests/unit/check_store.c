/* placeholder until the store tests land */
#include "suites.h"
Suite *make_store_suite(void) { return suite_create("store"); }
