/*
 * check_copykey.c: unit tests of the key of syndicated copies (copykey.h):
 * what syndication adds is folded away, and nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "copykey.h"
#include "suites.h"

/* The key as text; "(none)" for no key. */
static const char *key(const char *title, const char *name, const char *domain)
{
	static char out[512];
	char *k = nd_copy_key(title, name, domain);
	strcpy(out, k ? k : "(none)");
	free(k);
	return out;
}

START_TEST(test_copykey_folds_typography_space_and_case)
{
	ck_assert_str_eq(key("  SenseTime  Raises\t$700M ", NULL, NULL), "sensetime raises $700m");
	ck_assert_str_eq(key("China\u2019s \u201cAI\u201d firm \u2013 IPO \u2014 now", NULL, NULL),
			 "china's \"ai\" firm - ipo - now");
	ck_assert_str_eq(key("a\u00a0b\u3000c\u2009d", NULL, NULL), "a b c d");
	ck_assert_str_eq(key("x \u2212 y \u2010 z", NULL, NULL), "x - y - z");
	/* letters other than ASCII keep their case: only what syndication changes is folded */
	ck_assert_str_eq(key("\u00c9conomie", NULL, NULL), "\u00c9conomie");
	ck_assert_str_eq(key("bad \xff byte", NULL, NULL), "bad \xff byte");
}
END_TEST

START_TEST(test_copykey_strips_own_provider)
{
	ck_assert_str_eq(key("Power Apps grows - Reuters", "Reuters", "reuters.com"), "power apps grows");
	ck_assert_str_eq(key("Power Apps grows \u2013 REUTERS", "Reuters", "reuters.com"),
			 "power apps grows");
	ck_assert_str_eq(key("Power Apps grows | Reuters", "Reuters", "reuters.com"), "power apps grows");
	ck_assert_str_eq(key("Power Apps grows (Reuters)", "Reuters", "reuters.com"), "power apps grows");
	ck_assert_str_eq(key("Power Apps grows(reuters.com)", "Reuters", "reuters.com"),
			 "power apps grows");
	ck_assert_str_eq(key("Power Apps grows - reuters.com", "Reuters", "reuters.com"),
			 "power apps grows");
	ck_assert_str_eq(key("Power Apps grows | The  Verge", "The Verge", "theverge.com"),
			 "power apps grows");
	/* several suffixes, each removed */
	ck_assert_str_eq(key("Power Apps grows - Reuters (reuters.com)", "Reuters", "reuters.com"),
			 "power apps grows");
}
END_TEST

START_TEST(test_copykey_keeps_the_rest)
{
	/* another provider's name is part of the title */
	ck_assert_str_eq(key("Power Apps grows - Reuters", "Bloomberg", "bloomberg.com"),
			 "power apps grows - reuters");
	/* no separator: a word of the title */
	ck_assert_str_eq(key("Apps at Microsoft", "Microsoft", "microsoft.com"), "apps at microsoft");
	ck_assert_str_eq(key("Title -Microsoft", "Microsoft", "microsoft.com"), "title -microsoft");
	ck_assert_str_eq(key("Title (preview)", "Microsoft", "microsoft.com"), "title (preview)");
	/* a dash in the middle stays */
	ck_assert_str_eq(key("Microsoft - the year in apps", "Microsoft", "microsoft.com"),
			 "microsoft - the year in apps");
	/* never the whole title */
	ck_assert_str_eq(key("(Reuters)", "Reuters", "reuters.com"), "(reuters)");
	ck_assert_str_eq(key("Reuters", "Reuters", "reuters.com"), "reuters");
	ck_assert_str_eq(key(" - Reuters", "Reuters", "reuters.com"), "- reuters");
	/* nothing to key */
	ck_assert_str_eq(key(NULL, "Reuters", NULL), "(none)");
	ck_assert_str_eq(key(" \t\u00a0", NULL, NULL), "(none)");
	ck_assert_str_eq(key("Same", "", ""), "same");
}
END_TEST

Suite *make_copykey_suite(void)
{
	Suite *s = suite_create("copykey");
	TCase *tc = tcase_create("copykey");
	tcase_add_test(tc, test_copykey_folds_typography_space_and_case);
	tcase_add_test(tc, test_copykey_strips_own_provider);
	tcase_add_test(tc, test_copykey_keeps_the_rest);
	suite_add_tcase(s, tc);
	return s;
}
