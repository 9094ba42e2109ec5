/*
 * check_normalize.c: unit tests of the identity and value rules, table driven,
 * plus a fixed-seed random run over every function checking invariants.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "normalize.h"
#include "utf8.h"
#include "suites.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

struct pair {
	const char *in;
	const char *out; /* NULL: expect NULL / failure */
};

/*
 * Runs fn over a table.  Inputs are copied to exact-size heap blocks so that
 * AddressSanitizer catches any read past the terminator.
 */
static void check_pairs(char *(*fn)(const char *), const struct pair *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *in = nd_xstrdup(t[i].in);
		char *got = fn(in);
		if (t[i].out)
			ck_assert_msg(got && strcmp(got, t[i].out) == 0,
				      "\"%s\" gave \"%s\", want \"%s\"", t[i].in,
				      got ? got : "(null)", t[i].out);
		else
			ck_assert_msg(!got, "\"%s\" gave \"%s\", want NULL", t[i].in, got);
		free(got);
		free(in);
	}
}

/* ---- nd_norm_url ---- */

START_TEST(test_url_canonical)
{
	static const struct pair t[] = {
		{ "HTTPS://WWW.Example.COM:443/a/B?utm_source=x&id=3&fbclid=y#frag",
		  "https://www.example.com/a/B?id=3" },
		{ "https://example.com", "https://example.com/" },
		{ "http://example.com:8080/x", "http://example.com:8080/x" },
		{ "http://example.com:80/x", "http://example.com/x" },
		{ "https://example.com:80/x", "https://example.com:80/x" },
		{ "http://example.com:443/x", "http://example.com:443/x" },
		{ "http://example.com:/x", "http://example.com/x" },
		{ "http://example.com:0080/x", "http://example.com/x" },
		{ "  https://example.com/a  \n", "https://example.com/a" },
		{ "\xC2\xA0https://example.com/a\xE3\x80\x80", "https://example.com/a" },
		{ "https://example.com./a", "https://example.com/a" },
		{ "https://example.com#top", "https://example.com/" },
		{ "https://example.com?q=1", "https://example.com/?q=1" },
		{ "https://example.com/a%2Fb/C?X=%41", "https://example.com/a%2Fb/C?X=%41" },
		{ "http://[::1]/x", "http://[::1]/x" },
		{ "http://[::1]:80/x", "http://[::1]/x" },
		{ "http://[FE80::1]:8080", "http://[fe80::1]:8080/" },
		{ "https://User:Pw@Example.com/", "https://User:Pw@example.com/" },
		{ "https://a@b@Example.com/", "https://a@b@example.com/" },
		{ "FTP://Files.Example.com/x", "ftp://files.example.com/x" },
		{ "svn+ssh://Host/repo", "svn+ssh://host/repo" },
		{ "https://bücher.DE/ä", "https://bücher.de/ä" },
		{ "https://example.com/a b/c?q=a b&utm_source=x y#f g",
		  "https://example.com/a%20b/c?q=a%20b" },
		{ "https://example.com/a%20b", "https://example.com/a%20b" },
		{ "https://example.com/ x ", "https://example.com/%20x" },
		{ "https://www.youtube.com/watch?v=WJk-Y8LQlfE",
		  "https://www.youtube.com/watch?v=WJk-Y8LQlfE" },
	};
	check_pairs(nd_norm_url, t, LEN(t));
}
END_TEST

START_TEST(test_url_tracking)
{
	static const struct pair t[] = {
		{ "https://x.com/?utm_source=a", "https://x.com/" },
		{ "https://x.com/p?UTM_Medium=a&UTM_CAMPAIGN=b", "https://x.com/p" },
		{ "https://x.com/p?a=1&gclid=2&b=3&dclid=4&c", "https://x.com/p?a=1&b=3&c" },
		{ "https://x.com/p?msclkid=1&mc_cid=2&mc_eid=3&igshid=4&_ga=5"
		  "&yclid=6&ocid=7&cmpid=8&ref_src=9",
		  "https://x.com/p" },
		{ "https://x.com/p?FBCLID=1&keep=2", "https://x.com/p?keep=2" },
		{ "https://x.com/p?fbclid&x=1", "https://x.com/p?fbclid&x=1" },
		{ "https://x.com/p?utm=1&utmx=2&ref=3", "https://x.com/p?utm=1&utmx=2&ref=3" },
		{ "https://x.com/p?b=2&a=1", "https://x.com/p?b=2&a=1" },
		{ "https://x.com/p?a=1&&b=2&", "https://x.com/p?a=1&b=2" },
		{ "https://x.com/p?", "https://x.com/p" },
		{ "https://x.com/p?&", "https://x.com/p" },
		{ "https://x.com/p?a=1=2&utm_id=", "https://x.com/p?a=1=2" },
		{ "https://x.com/p?q=a?b#frag?c", "https://x.com/p?q=a?b" },
	};
	check_pairs(nd_norm_url, t, LEN(t));
}
END_TEST

START_TEST(test_url_rejects)
{
	static const struct pair t[] = {
		{ "", NULL },
		{ "   ", NULL },
		{ "not a url", NULL },
		{ "/relative/path", NULL },
		{ "mailto:x@y", NULL },
		{ "example.com/x", NULL },
		{ "//example.com/x", NULL },
		{ "https://exa mple.com/", NULL },
		{ "https://exa mple.com:80/", NULL },
		{ "https://example.com :80/", NULL },
		{ "https://example.com/a\tb", NULL },
		{ "https://example.com/a\x01", NULL },
		{ "https://example.com/a\x7F", NULL },
		{ "https://example.com/a\xC2\xA0" "b", NULL },
		{ "https://example.com/a\xC2\x85" "b", NULL },
		{ "https://example.com/a\xC2\x80" "b", NULL },
		{ "https:///path", NULL },
		{ "https://", NULL },
		{ "https://.../x", NULL },
		{ "https://user@/x", NULL },
		{ "file:///etc/passwd", NULL },
		{ "1http://example.com/", NULL },
		{ "ht_tp://example.com/", NULL },
		{ "://example.com/", NULL },
		{ "https://example.com:abc/", NULL },
		{ "https://example.com:99999/", NULL },
		{ "https://example.com:-1/", NULL },
		{ "http://[::1/x", NULL },
		{ "http://[::1]x/", NULL },
	};
	check_pairs(nd_norm_url, t, LEN(t));
}
END_TEST

/* ---- nd_norm_domain ---- */

START_TEST(test_domain_canonical)
{
	static const struct pair t[] = {
		{ "WWW.Bloomberg.com.", "bloomberg.com" },
		{ "https://www.wsj.com/articles/x", "wsj.com" },
		{ "youtube.com:443", "youtube.com" },
		{ "www.www.x.com", "www.x.com" },
		{ "  siliconangle.com \t", "siliconangle.com" },
		{ "microsoft.com", "microsoft.com" },
		{ "http://user:pw@News.Example.org:8080/p?q#f", "news.example.org" },
		{ "//cdn.example.com/x", "cdn.example.com" },
		{ "example.com/path", "example.com" },
		{ "example.com?x=1", "example.com" },
		{ "example.com#x", "example.com" },
		{ "example.com..", "example.com" },
		{ "my_host-1.example.com", "my_host-1.example.com" },
		{ "Bücher.DE", "bücher.de" },
		{ "wwwx.com", "wwwx.com" },
		{ "www.com", "com" },
	};
	check_pairs(nd_norm_domain, t, LEN(t));
}
END_TEST

START_TEST(test_domain_rejects)
{
	static const struct pair t[] = {
		{ "", NULL },
		{ "   ", NULL },
		{ "a b.com", NULL },
		{ "a\xC2\xA0" "b.com", NULL },
		{ ".", NULL },
		{ "https://", NULL },
		{ "https:///x", NULL },
		{ "[::1]", NULL },
		{ "[::1", NULL },
		{ "exa!mple.com", NULL },
		{ "example.com,x", NULL },
		{ "ex\x01" "ample.com", NULL },
		{ "user@", NULL },
	};
	check_pairs(nd_norm_domain, t, LEN(t));
}
END_TEST

/* ---- nd_norm_space and nd_norm_key ---- */

START_TEST(test_space_collapse)
{
	static const struct pair t[] = {
		{ "AI", "AI" },
		{ "  Power   Apps  ", "Power Apps" },
		{ "a\t\n\r\v\fb", "a b" },
		{ "a\xC2\xA0\xC2\xA0" "b", "a b" },
		{ "\xC2\xA0" "a\xE3\x80\x80", "a" },
		{ "a\xE2\x80\x80" "b\xE2\x80\x8A" "c\xE2\x80\xAF" "d\xE2\x81\x9F" "e", "a b c d e" },
		{ "a\xE1\x9A\x80" "b\xE2\x80\xA8" "c\xE2\x80\xA9" "d\xC2\x85" "e", "a b c d e" },
		{ "a\xE2\x80\x8B" "b", "a\xE2\x80\x8B" "b" }, /* zero width space is not a space */
		{ "中国 \xE3\x80\x80 日本", "中国 日本" },
		{ "Zoë  Brontë", "Zoë Brontë" },
		{ "\xC2 \xA0", "\xC2 \xA0" },                 /* stray bytes kept, not merged */
		{ "\xC2\xC2\xA0x", "\xC2 x" },
		{ "\xE2\x80 x", "\xE2\x80 x" },
		{ "x\xE2\x80", "x\xE2\x80" },                 /* truncated sequence at the end */
		{ "\xED\xA0\x80 \xC0\xA0", "\xED\xA0\x80 \xC0\xA0" }, /* surrogate, overlong */
	};
	check_pairs(nd_norm_space, t, LEN(t));
}
END_TEST

START_TEST(test_space_empty)
{
	static const struct pair t[] = {
		{ "", NULL },
		{ " ", NULL },
		{ " \t\r\n ", NULL },
		{ "\xC2\xA0\xE3\x80\x80\xE2\x80\x80", NULL },
	};
	check_pairs(nd_norm_space, t, LEN(t));
}
END_TEST

START_TEST(test_key_fold)
{
	static const struct pair t[] = {
		{ "  Power   APPS ", "power apps" },
		{ "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ", "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ" },
		{ "×ß÷ÿµ", "×ß÷ÿµ" },
		{ "ĀāĂĄĆČĎĐĒĘĚĞĠĢĤĦĨĪĬĮ", "āāăąćčďđēęěğġģĥħĩīĭį" },
		{ "İĲĴĶĸĹĻĽĿŁŃŅŇŉŊŌŐŒŔŘŚŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽſ",
		  "iĳĵķĸĺļľŀłńņňŉŋōőœŕřśşšţťŧũūŭůűųŵŷÿźżžſ" },
		{ "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", "αβγδεζηθικλμνξοπρστυφχψω" },
		{ "ΆΈΉΊΌΎΏΪΫ", "άέήίόύώϊϋ" },
		{ "ΐΰς", "ΐΰς" },
		{ "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", "абвгдежзийклмнопрстуфхцчшщъыьэюя" },
		{ "ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏ", "ѐёђѓєѕіїјљњћќѝўџ" },
		{ "ҐӀӁӐ", "ґӏӂӑ" },
		{ "Новости  МИРА", "новости мира" },
		{ "中国 ＡＢＣ 한국", "中国 ＡＢＣ 한국" }, /* full-width letters are left alone */
		{ "A\xC3" "B\xFF" "C", "a\xC3" "b\xFF" "c" },
		{ "\xC3\x80\xC3", "\xC3\xA0\xC3" },
	};
	check_pairs(nd_norm_key, t, LEN(t));
}
END_TEST

START_TEST(test_key_empty)
{
	static const struct pair t[] = {
		{ "", NULL },
		{ "  \t ", NULL },
		{ "\xE3\x80\x80", NULL },
	};
	check_pairs(nd_norm_key, t, LEN(t));
}
END_TEST

START_TEST(test_key_same_identity)
{
	static const char *const same[][2] = {
		{ "Power Apps", " power  APPS" },
		{ "Zoë", "ZOË" },
		{ "Ελλάδα", "ΕΛΛΆΔΑ" },
		{ "Россия", "РОССИЯ" },
	};
	for (size_t i = 0; i < LEN(same); i++) {
		char *a = nd_norm_key(same[i][0]), *b = nd_norm_key(same[i][1]);
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
}
END_TEST

/* ---- nd_norm_date ---- */

static void check_dates(const struct pair *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *in = nd_xstrdup(t[i].in);
		char out[21] = "untouched";
		int rc = nd_norm_date(in, out);
		if (t[i].out) {
			ck_assert_msg(rc == 0, "\"%s\" rejected", t[i].in);
			ck_assert_msg(strcmp(out, t[i].out) == 0, "\"%s\" gave \"%s\", want \"%s\"",
				      t[i].in, out, t[i].out);
		} else {
			ck_assert_msg(rc == -1, "\"%s\" accepted as \"%s\"", t[i].in, out);
			ck_assert_str_eq(out, "untouched");
		}
		free(in);
	}
}

START_TEST(test_date_formats)
{
	static const struct pair t[] = {
		{ "2021-12-30T00:22:00Z", "2021-12-30T00:22:00Z" },
		{ "2021-12-30", "2021-12-30T00:00:00Z" },
		{ "2021-12-30T00:22", "2021-12-30T00:22:00Z" },
		{ "2021-12-30t00:22:05", "2021-12-30T00:22:05Z" },
		{ "2021-12-30 00:22:05", "2021-12-30T00:22:05Z" },
		{ "2021-12-30T00:22:05.999Z", "2021-12-30T00:22:05Z" },
		{ "2021-12-30T00:22:05.1234567z", "2021-12-30T00:22:05Z" },
		{ "2021-12-30T00:22:05+01:00", "2021-12-29T23:22:05Z" },
		{ "2021-12-30T00:22:05+0100", "2021-12-29T23:22:05Z" },
		{ "2021-12-30T00:22:05+01", "2021-12-29T23:22:05Z" },
		{ "2021-12-30T00:22:05-05:30", "2021-12-30T05:52:05Z" },
		{ "2021-12-30T00:22:05+00:00", "2021-12-30T00:22:05Z" },
		{ "2021-12-30 00:22:05 UTC", "2021-12-30T00:22:05Z" },
		{ "2021-12-30 00:22:05 GMT", "2021-12-30T00:22:05Z" },
		{ "2021-12-30 00:22:05 +0200", "2021-12-29T22:22:05Z" },
		{ "  2021-12-30T00:22:00Z \n", "2021-12-30T00:22:00Z" },
		{ "Thu, 30 Dec 2021 00:22:00 +0000", "2021-12-30T00:22:00Z" },
		{ "30 Dec 2021 00:22:00 +0000", "2021-12-30T00:22:00Z" },
		{ "Thu, 30 Dec 2021 00:22:00 GMT", "2021-12-30T00:22:00Z" },
		{ "Thu, 30 Dec 2021 00:22:00 UT", "2021-12-30T00:22:00Z" },
		{ "Thu, 30 Dec 2021 00:22:00 UTC", "2021-12-30T00:22:00Z" },
		{ "Thu, 30 Dec 2021 00:22:00 Z", "2021-12-30T00:22:00Z" },
		{ "Thu, 30 Dec 2021 00:22 -0800", "2021-12-30T08:22:00Z" },
		{ "Mon, 3 Jan 2022 10:00:00 +0100", "2022-01-03T09:00:00Z" },
		{ "mon,3   JAN  2022\t10:00:00  +0100", "2022-01-03T09:00:00Z" },
		{ "Sat, 01 Jan 2000 00:00:00 +0000", "2000-01-01T00:00:00Z" },
	};
	check_dates(t, LEN(t));
}
END_TEST

START_TEST(test_date_offsets)
{
	static const struct pair t[] = {
		{ "2021-12-31T23:30:00-01:00", "2022-01-01T00:30:00Z" },
		{ "2021-03-01T01:00:00+02:00", "2021-02-28T23:00:00Z" },
		{ "2020-03-01T01:00:00+02:00", "2020-02-29T23:00:00Z" },
		{ "2022-01-01T00:30:00+01:00", "2021-12-31T23:30:00Z" },
		{ "2021-04-30T23:00:00-02:00", "2021-05-01T01:00:00Z" },
		{ "2021-06-15T12:00:00+23:59", "2021-06-14T12:01:00Z" },
		{ "2021-06-15T12:00:00-23:59", "2021-06-16T11:59:00Z" },
		{ "1970-01-01T00:00:00+01:00", "1969-12-31T23:00:00Z" },
		{ "0000-01-01T05:00:00+01:00", "0000-01-01T04:00:00Z" },
		{ "9999-12-31T22:00:00-01:00", "9999-12-31T23:00:00Z" },
		{ "2021-12-31T23:59:60Z", "2022-01-01T00:00:00Z" },
		{ "2016-12-31T23:59:60+00:00", "2017-01-01T00:00:00Z" },
		{ "2021-06-30T10:20:60Z", "2021-06-30T10:21:00Z" },
	};
	check_dates(t, LEN(t));
}
END_TEST

START_TEST(test_date_leap_years)
{
	static const struct pair t[] = {
		{ "2020-02-29", "2020-02-29T00:00:00Z" },
		{ "2000-02-29", "2000-02-29T00:00:00Z" },
		{ "2400-02-29", "2400-02-29T00:00:00Z" },
		{ "2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z" },
		{ "2021-02-28", "2021-02-28T00:00:00Z" },
		{ "2021-02-29", NULL },
		{ "1900-02-29", NULL },
		{ "2100-02-29", NULL },
		{ "2020-02-30", NULL },
		{ "Mon, 29 Feb 2021 00:00:00 +0000", NULL },
		{ "2021-04-31", NULL },
		{ "2021-06-31", NULL },
		{ "2021-09-31", NULL },
		{ "2021-11-31", NULL },
		{ "2021-01-31", "2021-01-31T00:00:00Z" },
	};
	check_dates(t, LEN(t));
}
END_TEST

START_TEST(test_date_rejects)
{
	static const struct pair t[] = {
		{ "", NULL },
		{ "   ", NULL },
		{ "yesterday", NULL },
		{ "2021-13-01", NULL },
		{ "2021-00-10", NULL },
		{ "2021-12-32", NULL },
		{ "2021-12-00", NULL },
		{ "2021-12-30T25:00:00Z", NULL },
		{ "2021-12-30T24:00:00Z", NULL },
		{ "2021-12-30T23:60:00Z", NULL },
		{ "2021-12-30T23:59:61Z", NULL },
		{ "2021-12-30Zjunk", NULL },
		{ "2021-12-30Z", NULL },
		{ "2021-12-30T00:22:00Zjunk", NULL },
		{ "2021-12-30T00:22:00+24:00", NULL },
		{ "2021-12-30T00:22:00+01:60", NULL },
		{ "2021-12-30T00:22:00+1", NULL },
		{ "2021-12-30T00:22:00+01:", NULL },
		{ "2021-12-30T00:22:00+01:0", NULL },
		{ "2021-12-30T00:22:00 EST", NULL },
		{ "2021-12-30T00:22:00.", NULL },
		{ "2021-12-30T00:22:00.Z", NULL },
		{ "2021-12-30T00:22.5", NULL },
		{ "2021-12-30T", NULL },
		{ "2021-12-30T0:22", NULL },
		{ "2021-12-30  00:22", NULL },
		{ "2021-12-30X00:22", NULL },
		{ "2021-1-30", NULL },
		{ "21-12-30", NULL },
		{ "20211-12-30", NULL },
		{ "2021/12/30", NULL },
		{ "2021-12-30T00:22:00ZZ", NULL },
		{ "9999-12-31T23:00:00-01:00", NULL }, /* year 10000 */
		{ "0000-01-01T00:30:00+01:00", NULL }, /* year -1 */
		{ "Thu 30 Dec 2021 00:22:00 +0000", NULL },
		{ "Thx, 30 Dec 2021 00:22:00 +0000", NULL },
		{ "Thu, 30 Dex 2021 00:22:00 +0000", NULL },
		{ "Thu, 30 Dec 2021 00:22:00", NULL },
		{ "Thu, 30 Dec 2021", NULL },
		{ "Thu, 30 Dec 21 00:22:00 +0000", NULL },
		{ "Thu, 300 Dec 2021 00:22:00 +0000", NULL },
		{ "Thu, 30 Dec 2021 00:22:00 +0000 x", NULL },
		{ "Thu,", NULL },
		{ "T", NULL },
		{ "\xC2\xA0", NULL },
		{ "2021-12-30\xC3", NULL },
	};
	check_dates(t, LEN(t));
}
END_TEST

/* ---- scalars ---- */

START_TEST(test_bool_values)
{
	static const struct {
		const char *in;
		int rc;
		bool value;
	} t[] = {
		{ "true", 0, true }, { "TRUE", 0, true }, { "True", 0, true }, { "yes", 0, true },
		{ "Yes", 0, true }, { "on", 0, true }, { "ON", 0, true }, { "y", 0, true },
		{ "Y", 0, true }, { "1", 0, true }, { " true ", 0, true },
		{ "false", 0, false }, { "FALSE", 0, false }, { "no", 0, false }, { "No", 0, false },
		{ "off", 0, false }, { "Off", 0, false }, { "n", 0, false }, { "N", 0, false },
		{ "0", 0, false },
		{ "", -1, false }, { "t", -1, false }, { "f", -1, false }, { "2", -1, false },
		{ "truex", -1, false }, { "tru", -1, false }, { "yes no", -1, false },
		{ "01", -1, false }, { "nope", -1, false }, { "\xC3\xBF", -1, false },
	};
	for (size_t i = 0; i < LEN(t); i++) {
		bool v = !t[i].value; /* must be overwritten on success */
		ck_assert_msg(nd_norm_bool(t[i].in, &v) == t[i].rc, "\"%s\"", t[i].in);
		if (t[i].rc == 0)
			ck_assert_msg(v == t[i].value, "\"%s\" gave %d", t[i].in, v);
	}
}
END_TEST

START_TEST(test_int_values)
{
	static const struct {
		const char *in;
		int64_t value;
	} t[] = {
		{ "0", 0 }, { "37", 37 }, { "-1", -1 }, { "+5", 5 }, { "007", 7 }, { " 42 ", 42 },
		{ "-0", 0 }, { "2000", 2000 },
		{ "9223372036854775807", INT64_MAX },
		{ "-9223372036854775808", INT64_MIN },
		{ "00000000000000000000009223372036854775807", INT64_MAX },
	};
	for (size_t i = 0; i < LEN(t); i++) {
		int64_t v = -42;
		ck_assert_msg(nd_norm_int(t[i].in, &v) == 0, "\"%s\" rejected", t[i].in);
		ck_assert_msg(v == t[i].value, "\"%s\" gave %" PRId64, t[i].in, v);
	}
}
END_TEST

START_TEST(test_int_rejects)
{
	static const char *const bad[] = {
		"", " ", "+", "-", "+-1", "--1", "1.0", "1e3", "0x10", "1_000", "1,000", "1 000",
		"12a", "a12", "١٢", "\xC3", "99999999999999999999x",
	};
	for (size_t i = 0; i < LEN(bad); i++) {
		int64_t v = 123;
		ck_assert_msg(nd_norm_int(bad[i], &v) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_int_eq(v, 123);
	}
}
END_TEST

/* Whole numbers beyond int64 are told apart: a real would round them. */
START_TEST(test_int_beyond_64_bits)
{
	static const char *const big[] = {
		"9223372036854775808", "-9223372036854775809", "99999999999999999999999",
		" +18446744073709551616 ",
	};
	for (size_t i = 0; i < LEN(big); i++) {
		int64_t v = 123;
		ck_assert_msg(nd_norm_int(big[i], &v) == 1, "\"%s\" not beyond", big[i]);
		ck_assert_int_eq(v, 123);
	}
}
END_TEST

START_TEST(test_real_values)
{
	static const struct {
		const char *in;
		double value;
	} t[] = {
		{ "0", 0.0 }, { "1.5", 1.5 }, { "-2.25", -2.25 }, { "+3", 3.0 }, { ".5", 0.5 },
		{ "5.", 5.0 }, { "1e3", 1000.0 }, { "1E-2", 0.01 }, { "2.5e+2", 250.0 },
		{ " 37 ", 37.0 }, { "1.7976931348623157e308", 1.7976931348623157e308 },
	};
	for (size_t i = 0; i < LEN(t); i++) {
		double v = -42.0;
		ck_assert_msg(nd_norm_real(t[i].in, &v) == 0, "\"%s\" rejected", t[i].in);
		ck_assert_msg(v == t[i].value, "\"%s\" gave %g", t[i].in, v);
	}
}
END_TEST

START_TEST(test_real_rejects)
{
	static const char *const bad[] = {
		"", " ", ".", "+", "-", "e5", ".e5", "1e", "1e+", "1.5.2", "1,5", "1e999",
		"-1e999", "1e-400", "nan", "NaN", "inf", "-Infinity", "0x10", "0x1p3", "1.0f",
		"1 0", "abc", "\xC3",
	};
	for (size_t i = 0; i < LEN(bad); i++) {
		double v = 123.0;
		ck_assert_msg(nd_norm_real(bad[i], &v) == -1, "\"%s\" accepted", bad[i]);
		ck_assert(v == 123.0);
	}
}
END_TEST

/* ---- nd_norm_has_cjk and nd_utf8_valid ---- */

START_TEST(test_cjk_detect)
{
	static const struct {
		const char *in;
		bool cjk;
	} t[] = {
		{ "", false },
		{ "SenseTime raises $700M", false },
		{ "Zoë Ελλάδα Россия", false },
		{ "China’s largest AI firm", false },
		{ "中国", true },
		{ "AI 企业", true },
		{ "ひらがな", true },
		{ "カタカナ", true },
		{ "한국어", true },
		{ "\xE1\x84\x80", true },         /* U+1100 Hangul Jamo */
		{ "\xE3\x90\x80", true },         /* U+3400 Extension A */
		{ "\xEF\xA4\x80", true },         /* U+F900 compatibility */
		{ "\xF0\xA0\x80\x80", true },     /* U+20000 Extension B */
		{ "\xF0\xAF\xA8\x9F", true },     /* U+2FA1F, last */
		{ "\xF0\xAF\xA8\xA0", false },    /* U+2FA20 */
		{ "\xE3\x80\x82\xE3\x80\x80", false }, /* CJK punctuation and space */
		{ "\xEF\xBC\xA1", false },        /* full-width A */
		{ "\xE4\xB8", false },            /* truncated 中 */
		{ "\xE4\xB8\xE4\xB8\xAD", true }, /* stray bytes then 中 */
		{ "\xC0\x80\xFF\xFE", false },
		{ "\xED\xA0\x80", false },        /* surrogate */
	};
	for (size_t i = 0; i < LEN(t); i++) {
		char *in = nd_xstrdup(t[i].in);
		ck_assert_msg(nd_norm_has_cjk(in) == t[i].cjk, "case %zu", i);
		free(in);
	}
}
END_TEST

START_TEST(test_utf8_valid)
{
	static const struct {
		const char *in;
		size_t len;
		bool valid;
	} t[] = {
		{ "", 0, true },
		{ "plain ascii", 11, true },
		{ "a\0b", 3, true },
		{ "\xC2\x80", 2, true },
		{ "\xDF\xBF", 2, true },
		{ "\xE0\xA0\x80", 3, true },
		{ "\xED\x9F\xBF", 3, true },       /* U+D7FF */
		{ "\xEE\x80\x80", 3, true },       /* U+E000 */
		{ "\xEF\xBF\xBF", 3, true },
		{ "\xF0\x90\x80\x80", 4, true },
		{ "\xF4\x8F\xBF\xBF", 4, true },   /* U+10FFFF */
		{ "中国 Zoë", 11, true },
		{ "\x80", 1, false },              /* lone continuation */
		{ "\xBF", 1, false },
		{ "\xC0\x80", 2, false },          /* overlong NUL */
		{ "\xC1\xBF", 2, false },
		{ "\xE0\x9F\xBF", 3, false },      /* overlong */
		{ "\xF0\x8F\xBF\xBF", 4, false },  /* overlong */
		{ "\xED\xA0\x80", 3, false },      /* U+D800 */
		{ "\xED\xBF\xBF", 3, false },      /* U+DFFF */
		{ "\xF4\x90\x80\x80", 4, false },  /* U+110000 */
		{ "\xF5\x80\x80\x80", 4, false },
		{ "\xFE", 1, false },
		{ "\xFF", 1, false },
		{ "\xC2", 1, false },              /* truncated */
		{ "\xE4\xB8", 2, false },
		{ "\xF0\x90\x80", 3, false },
		{ "\xC2\x41", 2, false },          /* bad continuation */
		{ "\xE4\x41\xAD", 3, false },
		{ "\xE4\xB8\x41", 3, false },
		{ "\xF0\x90\x80\x41", 4, false },
		{ "\xE4\xB8\xAD", 2, false },      /* length cuts the character */
	};
	for (size_t i = 0; i < LEN(t); i++) {
		/* exact-size copy: the length, not a terminator, must stop the scan */
		char *in = nd_xmalloc(t[i].len);
		memcpy(in, t[i].in, t[i].len);
		ck_assert_msg(nd_utf8_valid(in, t[i].len) == t[i].valid, "case %zu", i);
		free(in);
	}
	ck_assert(nd_utf8_valid(NULL, 0));
}
END_TEST

/* ---- random inputs ---- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	/* xorshift64*: fixed sequence everywhere, unlike rand() */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

/*
 * A random NUL-free string: half the time pure
 * noise (no NUL), half the time a valid example with a few bytes changed, so
 * the parsers get past their first checks.
 */
static char *random_string(size_t *len)
{
	static const char *const seeds[] = {
		"2021-12-30T00:22:00Z", "2021-12-31T23:30:00-01:00",
		"Thu, 30 Dec 2021 00:22:00 +0000",
		"HTTPS://WWW.Example.COM:443/a/B?utm_source=x&id=3#f", "http://[::1]:8080/x",
		"WWW.Bloomberg.com.", "  Power\xC2\xA0 Apps ", "ΆΈ АБВ ÀÉ İŸ 中国",
		"-9223372036854775808", "1.5e+3", "true", "\xE3\x80\x80\xE2\x80\x80x",
	};
	char tmp[64]; /* longer than every seed */
	size_t n = 0;

	if (rng() % 2) {
		n = rng() % 41;
		for (size_t i = 0; i < n; i++)
			tmp[i] = (char)(1 + rng() % 255);
	} else {
		const char *seed = seeds[rng() % LEN(seeds)];
		n = strlen(seed);
		memcpy(tmp, seed, n);
		for (unsigned k = rng() % 4; k > 0 && n > 0; k--)
			tmp[rng() % n] = (char)(1 + rng() % 255);
	}
	*len = n;
	return nd_xstrndup(tmp, n);
}

static bool is_date_shape(const char *d)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(d) != 20)
		return false;
	for (size_t i = 0; i < 20; i++)
		if (shape[i] == 'd' ? d[i] < '0' || d[i] > '9' : d[i] != shape[i])
			return false;
	return true;
}

static void check_space_invariants(const char *s, size_t len)
{
	char *sp = nd_norm_space(s);
	if (!sp)
		return;
	size_t n = strlen(sp);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_le(n, len);
	ck_assert(sp[0] != ' ' && sp[n - 1] != ' ');
	ck_assert_ptr_null(strstr(sp, "  "));
	ck_assert_ptr_null(strpbrk(sp, "\t\n\v\f\r"));
	char *again = nd_norm_space(sp);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(again, sp);
	free(again);
	free(sp);
}

static void check_key_invariants(const char *s, size_t len)
{
	char *key = nd_norm_key(s);
	if (!key)
		return;
	char *again = nd_norm_key(key);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(again, key);
	if (nd_utf8_valid(s, len))
		ck_assert(nd_utf8_valid(key, strlen(key)));
	free(again);
	free(key);
}

static void check_url_invariants(const char *s)
{
	char *url = nd_norm_url(s);
	if (!url)
		return;
	ck_assert_ptr_nonnull(strstr(url, "://"));
	ck_assert_ptr_null(strchr(url, '#'));
	char *again = nd_norm_url(url);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(again, url);
	free(again);
	free(url);
}

static void check_domain_invariants(const char *s)
{
	char *d = nd_norm_domain(s);
	if (!d)
		return;
	size_t n = strlen(d);
	ck_assert_uint_gt(n, 0);
	ck_assert(d[n - 1] != '.');
	ck_assert_ptr_null(strpbrk(d, "ABCDEFGHIJKLMNOPQRSTUVWXYZ/:@?# "));
	free(d);
}

static void check_date_invariants(const char *s)
{
	char out[21], again[21];
	if (nd_norm_date(s, out) != 0)
		return;
	ck_assert_msg(is_date_shape(out), "\"%s\" gave \"%s\"", s, out);
	ck_assert_int_eq(nd_norm_date(out, again), 0);
	ck_assert_str_eq(again, out);
}

static void check_scalar_invariants(const char *s)
{
	int64_t i;
	double d;
	bool b;
	char text[32];

	if (nd_norm_int(s, &i) == 0) {
		int64_t back;
		snprintf(text, sizeof(text), "%" PRId64, i);
		ck_assert_int_eq(nd_norm_int(text, &back), 0);
		ck_assert(back == i);
		ck_assert_int_eq(nd_norm_real(s, &d), 0); /* every integer is a real */
	}
	if (nd_norm_real(s, &d) == 0)
		ck_assert(isfinite(d));
	/* "1" and "0" are both booleans and integers, with the same meaning */
	if (nd_norm_bool(s, &b) == 0 && nd_norm_int(s, &i) == 0)
		ck_assert(i == (b ? 1 : 0));
}

START_TEST(test_random_invariants)
{
	rng_state = 0x9E3779B97F4A7C15ULL;
	for (int round = 0; round < 10000; round++) {
		size_t len, len2;
		char *s = random_string(&len);
		char *s2 = random_string(&len2);

		check_space_invariants(s, len);
		check_key_invariants(s, len);
		check_url_invariants(s);
		check_domain_invariants(s);
		check_date_invariants(s);
		check_scalar_invariants(s);
		(void)nd_norm_has_cjk(s);

		/* valid UTF-8 is closed under concatenation */
		char *both = nd_xmalloc(len + len2);
		memcpy(both, s, len);
		memcpy(both + len, s2, len2);
		if (nd_utf8_valid(s, len) && nd_utf8_valid(s2, len2))
			ck_assert(nd_utf8_valid(both, len + len2));
		free(both);
		free(s);
		free(s2);
	}
}
END_TEST

Suite *make_normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_url_canonical);
	tcase_add_test(tc, test_url_tracking);
	tcase_add_test(tc, test_url_rejects);
	tcase_add_test(tc, test_domain_canonical);
	tcase_add_test(tc, test_domain_rejects);
	tcase_add_test(tc, test_space_collapse);
	tcase_add_test(tc, test_space_empty);
	tcase_add_test(tc, test_key_fold);
	tcase_add_test(tc, test_key_empty);
	tcase_add_test(tc, test_key_same_identity);
	tcase_add_test(tc, test_date_formats);
	tcase_add_test(tc, test_date_offsets);
	tcase_add_test(tc, test_date_leap_years);
	tcase_add_test(tc, test_date_rejects);
	tcase_add_test(tc, test_bool_values);
	tcase_add_test(tc, test_int_values);
	tcase_add_test(tc, test_int_rejects);
	tcase_add_test(tc, test_int_beyond_64_bits);
	tcase_add_test(tc, test_real_values);
	tcase_add_test(tc, test_real_rejects);
	tcase_add_test(tc, test_cjk_detect);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_random_invariants);
	suite_add_tcase(s, tc);
	return s;
}
