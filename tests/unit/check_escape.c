/* check_escape.c: nd_escape_terminal(): what a terminal would act on comes
 * out as visible escapes, everything else unchanged, and the output never
 * holds a control character, for every byte and every code point. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "suites.h"

static char *escaped(const char *s, size_t len)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_escape_terminal(&b, s, len);
	return nd_buf_detach(&b);
}

static void check_escape(const char *in, size_t len, const char *want)
{
	char *got = escaped(in, len);
	ck_assert_str_eq(got, want);
	free(got);
}

#define CHECK(in, want) check_escape(in, sizeof(in) - 1, want)

START_TEST(test_escape_controls)
{
	CHECK("\x1b[2J\x1b[31mRED\x1b[0m bell\a back\b",
	      "\\e[2J\\e[31mRED\\e[0m bell\\x07 back\\x08");
	CHECK("a\tb\nc\rd", "a\\tb\\nc\\rd");
	CHECK("nul\0here", "nul\\x00here");
	CHECK("del\x7f", "del\\x7f");
	CHECK("\x01\x1f", "\\x01\\x1f");
}
END_TEST

START_TEST(test_escape_c1_and_bidi)
{
	CHECK("csi \xc2\x9b" "31m", "csi \\u009b31m");
	CHECK("nel \xc2\x85 end", "nel \\u0085 end");
	CHECK("abc\xe2\x80\xae" "cba", "abc\\u202ecba");    /* RLO */
	CHECK("\xe2\x80\xaa\xe2\x80\xac", "\\u202a\\u202c"); /* LRE, PDF */
	CHECK("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069"); /* LRI, PDI */
	/* the neighbours are ordinary text */
	CHECK("\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
	      "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
	CHECK("\xc2\xa0\xc2\xa9", "\xc2\xa0\xc2\xa9"); /* NBSP, (c): after C1 */
}
END_TEST

START_TEST(test_escape_keeps_text)
{
	CHECK("plain ASCII, \"quotes\" and back\\slash \\e",
	      "plain ASCII, \"quotes\" and back\\slash \\e");
	CHECK("résumé 商汤科技 😀", "résumé 商汤科技 😀");
	CHECK("", "");
}
END_TEST

START_TEST(test_escape_invalid_utf8)
{
	CHECK("\xff\xfe", "\\xff\\xfe");
	CHECK("cut \xe2\x80", "cut \\xe2\\x80");
	CHECK("\xc0\xaf", "\\xc0\\xaf");          /* overlong '/' */
	CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* a surrogate */
	CHECK("\x80", "\\x80");                   /* a lone C1 byte (8-bit CSI is 0x9b) */
	CHECK("\x9b", "\\x9b");
}
END_TEST

/* UTF-8 of cp into in; its length. */
static size_t encode(uint32_t cp, char *in)
{
	if (cp < 0x80) {
		in[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		in[0] = (char)(0xc0 | (cp >> 6));
		in[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		in[0] = (char)(0xe0 | (cp >> 12));
		in[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		in[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	in[0] = (char)(0xf0 | (cp >> 18));
	in[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	in[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	in[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Every code point of the BMP and every 61st above it, then every byte
 * alone: the output holds no C0, DEL, C1 or bidi control, and escaping it
 * again changes nothing. */
START_TEST(test_escape_never_emits_controls)
{
	struct nd_buf out = ND_BUF_INIT, again = ND_BUF_INIT;
	for (uint32_t cp = 0; cp <= 0x10ffff; cp += cp < 0x10000 ? 1 : 61) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		char in[4];
		size_t n = encode(cp, in);
		nd_buf_reset(&out);
		nd_escape_terminal(&out, in, n);
		const char *o = nd_buf_str(&out);
		bool unsafe = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
			      (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
		if (unsafe)
			ck_assert_msg(o[0] == '\\', "U+%04X not escaped", (unsigned)cp);
		else
			ck_assert_msg(out.len == n && !memcmp(o, in, n), "U+%04X changed",
				      (unsigned)cp);
		for (const unsigned char *p = (const unsigned char *)o; *p; p++)
			ck_assert_msg(*p >= 0x20 && *p != 0x7f, "U+%04X: control in output",
				      (unsigned)cp);
		nd_buf_reset(&again);
		nd_escape_terminal(&again, o, out.len);
		ck_assert_str_eq(nd_buf_str(&again), o);
	}
	nd_buf_release(&out);
	nd_buf_release(&again);
	for (int c = 0x80; c <= 0xff; c++) {
		char in = (char)c;
		char want[8];
		snprintf(want, sizeof(want), "\\x%02x", c);
		check_escape(&in, 1, want);
	}
}
END_TEST

Suite *make_escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("terminal");
	tcase_add_test(tc, test_escape_controls);
	tcase_add_test(tc, test_escape_c1_and_bidi);
	tcase_add_test(tc, test_escape_keeps_text);
	tcase_add_test(tc, test_escape_invalid_utf8);
	tcase_add_test(tc, test_escape_never_emits_controls);
	suite_add_tcase(s, tc);
	return s;
}
