/* placeholder until the emit tests land */
#include "suites.h"
Suite *make_emit_suite(void) { return suite_create("emit"); }
