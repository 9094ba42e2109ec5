/*
 * normalize.c: the identity and value rules (canonical URLs, provider
 * domains, display names and keys, dates, scalars, UTF-8 checks).  Nothing
 * here depends on the locale or the TZ environment, so every machine turns
 * the same text into the same identity.
 */
#include "normalize.h"
#include "utf8.h"

#include "buf.h"
#include "civil.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ctype.h follows the locale; identity rules must not. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True when a[0..n) equals the lower-case literal lit, ignoring ASCII case. */
static bool caseeq(const char *a, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lit[i])
			return false;
	return true;
}

static void add_lower(struct nd_buf *out, const char *p, const char *e)
{
	for (; p < e; p++)
		nd_buf_addc(out, lower(*p));
}

/* First position in [p, e) holding one of the bytes of set, else e. */
static const char *find_any(const char *p, const char *e, const char *set)
{
	while (p < e && !strchr(set, *p))
		p++;
	return p;
}

/* Bytes to step over at p: a whole character, or one stray byte. */
static size_t unit_len(const char *p, const char *e)
{
	uint32_t cp;
	size_t n = nd_utf8_decode(p, e, &cp);
	return n ? n : 1;
}

/* Unicode White_Space. */
static bool is_white(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Length of the whitespace character at p, 0 when there is none. */
static size_t space_len(const char *p, const char *e)
{
	uint32_t cp;
	size_t n = p < e ? nd_utf8_decode(p, e, &cp) : 0;
	return n && is_white(cp) ? n : 0;
}

/*
 * Length of the whitespace character ending at e.  Looking back is safe:
 * every whitespace sequence starts with a lead byte, which a forward scan
 * never swallows into the character before it.
 */
static size_t space_before(const char *b, const char *e)
{
	for (size_t k = 1; k <= 3 && k <= (size_t)(e - b); k++)
		if (space_len(e - k, e) == k)
			return k;
	return 0;
}

/* Start of s without surrounding whitespace; *end gets its end. */
static const char *trim(const char *s, const char **end)
{
	const char *e = s + strlen(s);
	size_t n;

	while ((n = space_len(s, e)))
		s += n;
	while ((n = space_before(s, e)))
		e -= n;
	*end = e;
	return s;
}

/* True when [p, e) has whitespace or a control character (C0, DEL, C1);
 * a plain ASCII space passes when space_ok. */
static bool has_bad_char(const char *p, const char *e, bool space_ok)
{
	while (p < e) {
		uint32_t cp;
		size_t n = nd_utf8_decode(p, e, &cp);
		if (n && !(space_ok && cp == ' ') &&
		    (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || is_white(cp)))
			return true;
		p += n ? n : 1;
	}
	return false;
}

/* ---- URLs and domains ---- */

/* Length of the scheme when [b, e) starts with "scheme://", else 0. */
static size_t scheme_len(const char *b, const char *e)
{
	const char *p = b;

	if (p == e || !is_alpha(*p))
		return 0;
	while (p < e && (is_alnum(*p) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (e - p < 3 || memcmp(p, "://", 3) != 0)
		return 0;
	return (size_t)(p - b);
}

struct authority {
	const char *user;     /* userinfo, NULL when absent; ends at the '@' */
	const char *host;     /* host ends at host_end */
	const char *host_end;
	const char *port;     /* after the ':', NULL when absent; ends at end */
	const char *end;
};

/*
 * Splits the authority [b, e).  False when a "[...]" host is not closed or
 * is followed by something other than a port.
 */
static bool split_authority(const char *b, const char *e, struct authority *a)
{
	const char *at = NULL;

	for (const char *p = b; p < e; p++)
		if (*p == '@')
			at = p; /* the last one: userinfo may hold more */
	a->user = at ? b : NULL;
	a->host = at ? at + 1 : b;
	a->end = e;
	if (a->host < e && *a->host == '[') {
		const char *close = memchr(a->host, ']', (size_t)(e - a->host));
		if (!close)
			return false;
		a->host_end = close + 1;
		if (a->host_end < e && *a->host_end != ':')
			return false;
	} else {
		a->host_end = find_any(a->host, e, ":");
	}
	a->port = a->host_end < e ? a->host_end + 1 : NULL;
	return true;
}

/* End of [b, e) without trailing dots. */
static const char *strip_dots(const char *b, const char *e)
{
	while (e > b && e[-1] == '.')
		e--;
	return e;
}

/* Port digits [p, e) into *port (-1 when empty); false when not a port. */
static bool parse_port(const char *p, const char *e, long *port)
{
	long v = 0;

	if (p == e) {
		*port = -1;
		return true;
	}
	for (; p < e; p++) {
		if (!is_digit(*p))
			return false;
		v = v * 10 + (*p - '0');
		if (v > 65535)
			return false;
	}
	*port = v;
	return true;
}

static bool is_tracking(const char *name, size_t n)
{
	static const char *const names[] = {
		"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid",
		"_ga", "yclid", "ocid", "cmpid", "ref_src",
	};

	if (n >= 4 && caseeq(name, 4, "utm_"))
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (caseeq(name, n, names[i]))
			return true;
	return false;
}

/* Appends [p, e) with each ASCII space as %20, as browsers send it: URLs
 * copied by hand or by careless tools carry raw spaces, and the article they
 * name is the same. */
static void add_spaces_encoded(struct nd_buf *out, const char *p, const char *e)
{
	while (p < e) {
		const char *sp = find_any(p, e, " ");
		nd_buf_add(out, p, (size_t)(sp - p));
		if (sp < e)
			nd_buf_adds(out, "%20");
		p = sp < e ? sp + 1 : e;
	}
}

/*
 * Appends "?" and the parameters of [q, e) that are neither tracking nor
 * empty, in order; nothing when none remain.  A parameter without '=' is a
 * flag, never tracking.
 */
static void add_query(struct nd_buf *out, const char *q, const char *e)
{
	char sep = '?';

	while (q < e) {
		const char *amp = find_any(q, e, "&");
		const char *eq = find_any(q, amp, "=");
		if (amp > q && !(eq < amp && is_tracking(q, (size_t)(eq - q)))) {
			nd_buf_addc(out, sep);
			add_spaces_encoded(out, q, amp);
			sep = '&';
		}
		q = amp < e ? amp + 1 : e;
	}
}

char *nd_norm_url(const char *url)
{
	const char *e, *b = trim(url, &e);
	size_t slen = scheme_len(b, e);
	struct authority a;
	long port;

	if (!slen)
		return NULL;
	const char *auth = b + slen + 3;
	const char *auth_end = find_any(auth, e, "/?#");
	if (has_bad_char(b, auth_end, false) || has_bad_char(auth_end, e, true) ||
	    !split_authority(auth, auth_end, &a) ||
	    !parse_port(a.port ? a.port : a.end, a.end, &port))
		return NULL;
	const char *host_end = strip_dots(a.host, a.host_end);
	if (host_end == a.host)
		return NULL;
	if ((port == 80 && caseeq(b, slen, "http")) || (port == 443 && caseeq(b, slen, "https")))
		port = -1;

	struct nd_buf out = ND_BUF_INIT;
	add_lower(&out, b, b + slen);
	nd_buf_adds(&out, "://");
	if (a.user)
		nd_buf_add(&out, a.user, (size_t)(a.host - a.user)); /* with its '@' */
	add_lower(&out, a.host, host_end);
	if (port >= 0)
		nd_buf_addf(&out, ":%ld", port);
	const char *path_end = find_any(auth_end, e, "?#");
	if (path_end == auth_end)
		nd_buf_addc(&out, '/');
	else
		add_spaces_encoded(&out, auth_end, path_end);
	if (path_end < e && *path_end == '?')
		add_query(&out, path_end + 1, find_any(path_end, e, "#"));
	return nd_buf_detach(&out);
}

/* Host characters of a provider domain: letters, digits, "-._", or IDN. */
static bool domain_ok(const char *p, const char *e)
{
	for (const char *q = p; q < e; q++)
		if ((unsigned char)*q < 0x80 && !is_alnum(*q) && !strchr("-._", *q))
			return false;
	return !has_bad_char(p, e, false);
}

char *nd_norm_domain(const char *domain)
{
	const char *e, *b = trim(domain, &e);
	size_t slen = scheme_len(b, e);
	struct authority a;

	if (slen)
		b += slen + 3;
	else if (e - b >= 2 && b[0] == '/' && b[1] == '/')
		b += 2;
	if (!split_authority(b, find_any(b, e, "/?#"), &a))
		return NULL;
	const char *h = a.host, *he = strip_dots(a.host, a.host_end);
	if (he - h >= 4 && caseeq(h, 4, "www."))
		h += 4;
	if (h == he || !domain_ok(h, he))
		return NULL;

	struct nd_buf out = ND_BUF_INIT;
	add_lower(&out, h, he);
	return nd_buf_detach(&out);
}

/* ---- names ---- */

char *nd_norm_space(const char *s)
{
	const char *e = s + strlen(s);
	struct nd_buf out = ND_BUF_INIT;
	bool gap = false;

	while (s < e) {
		size_t n = space_len(s, e);
		if (n) {
			gap = out.len > 0; /* leading runs vanish */
		} else {
			if (gap)
				nd_buf_addc(&out, ' ');
			gap = false;
			n = unit_len(s, e);
			nd_buf_add(&out, s, n);
		}
		s += n;
	}
	return out.len ? nd_buf_detach(&out) : NULL;
}

/*
 * Upper-case ranges and their lower case: step 1 maps every code point by
 * delta; step 2 maps every other one (the upper half of a pair) to the next.
 */
static const struct fold_range {
	uint32_t lo, hi;
	int32_t delta;
	int step;
} fold_ranges[] = {
	{ 0x0041, 0x005A, 32, 1 },     /* ASCII */
	{ 0x00C0, 0x00D6, 32, 1 },     /* Latin-1, skipping U+00D7 × */
	{ 0x00D8, 0x00DE, 32, 1 },
	{ 0x0100, 0x012F, 1, 2 },      /* Latin Extended-A pairs */
	{ 0x0130, 0x0130, 0x69 - 0x130, 1 }, /* İ → i */
	{ 0x0132, 0x0137, 1, 2 },
	{ 0x0139, 0x0148, 1, 2 },
	{ 0x014A, 0x0177, 1, 2 },
	{ 0x0178, 0x0178, 0xFF - 0x178, 1 }, /* Ÿ → ÿ */
	{ 0x0179, 0x017E, 1, 2 },
	{ 0x0386, 0x0386, 0x3AC - 0x386, 1 }, /* Greek with tonos */
	{ 0x0388, 0x038A, 0x3AD - 0x388, 1 },
	{ 0x038C, 0x038C, 0x3CC - 0x38C, 1 },
	{ 0x038E, 0x038F, 0x3CD - 0x38E, 1 },
	{ 0x0391, 0x03A1, 32, 1 },     /* Α..Ρ; U+03A2 is unassigned */
	{ 0x03A3, 0x03AB, 32, 1 },     /* Σ..Ϋ */
	{ 0x03D8, 0x03EF, 1, 2 },      /* archaic and Coptic pairs */
	{ 0x0400, 0x040F, 80, 1 },     /* Ѐ..Џ */
	{ 0x0410, 0x042F, 32, 1 },     /* А..Я */
	{ 0x0460, 0x0481, 1, 2 },
	{ 0x048A, 0x04BF, 1, 2 },
	{ 0x04C0, 0x04C0, 15, 1 },     /* Ӏ → ӏ */
	{ 0x04C1, 0x04CE, 1, 2 },
	{ 0x04D0, 0x052F, 1, 2 },
};

static uint32_t fold(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(fold_ranges) / sizeof(fold_ranges[0]); i++) {
		const struct fold_range *f = &fold_ranges[i];
		if (cp < f->lo || cp > f->hi)
			continue;
		if (f->step == 2 && (cp - f->lo) % 2)
			return cp;
		return (uint32_t)((int32_t)cp + f->delta);
	}
	return cp;
}

char *nd_norm_key(const char *s)
{
	char *spaced = nd_norm_space(s);

	if (!spaced)
		return NULL;
	struct nd_buf out = ND_BUF_INIT;
	const char *p = spaced, *e = spaced + strlen(spaced);
	while (p < e) {
		uint32_t cp = 0; /* stays 0 for a stray byte, which fold() keeps */
		size_t n = nd_utf8_decode(p, e, &cp);
		uint32_t lc = fold(cp);
		if (lc != cp)
			nd_utf8_add(&out, lc);
		else
			nd_buf_add(&out, p, n ? n : 1);
		p += n ? n : 1;
	}
	free(spaced);
	return nd_buf_detach(&out);
}

/* ---- dates ---- */

struct stamp {
	int year, mon, day, hour, min, sec;
	int off; /* minutes east of UTC */
};

/* Reads exactly n digits. */
static bool num(const char **p, const char *e, int n, int *out)
{
	int v = 0;

	if (e - *p < n)
		return false;
	for (int i = 0; i < n; i++) {
		if (!is_digit((*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Consumes c when it is next. */
static bool lit(const char **p, const char *e, char c)
{
	if (*p < e && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

/* Consumes a run of blanks; false when there is none. */
static bool blanks(const char **p, const char *e)
{
	const char *start = *p;

	while (*p < e && (**p == ' ' || **p == '\t'))
		(*p)++;
	return *p > start;
}

/* Consumes one of count three-letter names; its index, or -1. */
static int name3(const char **p, const char *e, const char *const *names, int count)
{
	if (e - *p < 3)
		return -1;
	for (int i = 0; i < count; i++) {
		if (caseeq(*p, 3, names[i])) {
			*p += 3;
			return i;
		}
	}
	return -1;
}

/* "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff" (fraction dropped). */
static bool parse_time(const char **p, const char *e, struct stamp *t)
{
	if (!num(p, e, 2, &t->hour) || !lit(p, e, ':') || !num(p, e, 2, &t->min))
		return false;
	if (!lit(p, e, ':'))
		return true;
	if (!num(p, e, 2, &t->sec))
		return false;
	if (lit(p, e, '.')) {
		if (*p == e || !is_digit(**p))
			return false;
		while (*p < e && is_digit(**p))
			(*p)++;
	}
	return true;
}

/* The whole of [p, e) as a zone: a UTC name or "+HH", "+HHMM", "+HH:MM". */
static bool parse_zone(const char *p, const char *e, int *off)
{
	static const char *const utc[] = { "z", "ut", "utc", "gmt" };
	int h, m = 0;

	for (size_t i = 0; i < sizeof(utc) / sizeof(utc[0]); i++) {
		if (caseeq(p, (size_t)(e - p), utc[i])) {
			*off = 0;
			return true;
		}
	}
	if (p == e || (*p != '+' && *p != '-'))
		return false;
	int sign = *p++ == '-' ? -1 : 1;
	if (!num(&p, e, 2, &h))
		return false;
	if (p < e) {
		lit(&p, e, ':');
		if (!num(&p, e, 2, &m))
			return false;
	}
	if (p != e || h > 23 || m > 59)
		return false;
	*off = sign * (h * 60 + m);
	return true;
}

/* "YYYY-MM-DD[(T|t| )HH:MM[:SS[.fff]][[ ]zone]]" */
static bool parse_iso(const char *p, const char *e, struct stamp *t)
{
	if (!num(&p, e, 4, &t->year) || !lit(&p, e, '-') || !num(&p, e, 2, &t->mon) ||
	    !lit(&p, e, '-') || !num(&p, e, 2, &t->day))
		return false;
	if (p == e)
		return true;
	if (!lit(&p, e, 'T') && !lit(&p, e, 't') && !lit(&p, e, ' '))
		return false;
	if (!parse_time(&p, e, t))
		return false;
	if (p == e)
		return true;
	lit(&p, e, ' ');
	return parse_zone(p, e, &t->off);
}

/* RFC 2822: "[Www, ]D Mon YYYY HH:MM[:SS] zone" */
static bool parse_rfc2822(const char *p, const char *e, struct stamp *t)
{
	static const char *const wdays[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
					      "jul", "aug", "sep", "oct", "nov", "dec" };

	if (p < e && is_alpha(*p)) {
		if (name3(&p, e, wdays, 7) < 0 || !lit(&p, e, ','))
			return false;
		blanks(&p, e);
	}
	if (!num(&p, e, 2, &t->day) && !num(&p, e, 1, &t->day))
		return false;
	if (!blanks(&p, e) || (t->mon = name3(&p, e, months, 12) + 1) == 0 || !blanks(&p, e) ||
	    !num(&p, e, 4, &t->year) || !blanks(&p, e) || !parse_time(&p, e, t) || !blanks(&p, e))
		return false;
	return parse_zone(p, e, &t->off);
}

/* Writes v as n decimal digits at p. */
static void put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

int nd_norm_date(const char *text, char out[21])
{
	const char *e, *b = trim(text, &e);
	struct stamp t = { 0 };

	if (!parse_iso(b, e, &t)) {
		t = (struct stamp){ 0 };
		if (!parse_rfc2822(b, e, &t))
			return -1;
	}
	if (t.mon < 1 || t.mon > 12 || t.day < 1 || t.day > nd_month_days(t.year, t.mon) ||
	    t.hour > 23 || t.min > 59 || t.sec > 60)
		return -1;

	/* second 60 and the offset both carry through plain arithmetic */
	int64_t secs = nd_days_from_civil(t.year, t.mon, t.day) * 86400 + t.hour * 3600 +
		       t.min * 60 + t.sec - t.off * 60;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400, year;
	int mon, day;
	nd_civil_from_days(days, &year, &mon, &day);
	if (year < 0 || year > 9999)
		return -1;

	char s[21] = "0000-00-00T00:00:00Z";
	put_digits(s, year, 4);
	put_digits(s + 5, mon, 2);
	put_digits(s + 8, day, 2);
	put_digits(s + 11, rem / 3600, 2);
	put_digits(s + 14, rem / 60 % 60, 2);
	put_digits(s + 17, rem % 60, 2);
	memcpy(out, s, sizeof(s));
	return 0;
}

/* ---- scalars ---- */

int nd_norm_bool(const char *text, bool *out)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{ "true", true }, { "yes", true }, { "on", true },
		{ "y", true }, { "1", true },
		{ "false", false }, { "no", false }, { "off", false },
		{ "n", false }, { "0", false },
	};
	const char *e, *b = trim(text, &e);

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (caseeq(b, (size_t)(e - b), words[i].word)) {
			*out = words[i].value;
			return 0;
		}
	}
	return -1;
}

int nd_norm_int(const char *text, int64_t *out)
{
	const char *e, *p = trim(text, &e);
	bool neg = false;

	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == e)
		return -1;
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
	bool beyond = false;
	for (; p < e; p++) {
		if (!is_digit(*p))
			return -1;
		unsigned d = (unsigned)(*p - '0');
		if (beyond || v > (limit - d) / 10)
			beyond = true;
		else
			v = v * 10 + d;
	}
	if (beyond)
		return 1;
	if (!neg)
		*out = (int64_t)v;
	else
		*out = v == limit ? INT64_MIN : -(int64_t)v;
	return 0;
}

/* [+-](digits[.digits*] | .digits)[(e|E)[+-]digits]: strtod minus hex, inf, nan. */
static bool plain_real(const char *p, const char *e)
{
	size_t digits = 0;

	if (p < e && (*p == '+' || *p == '-'))
		p++;
	for (; p < e && is_digit(*p); p++)
		digits++;
	if (p < e && *p == '.')
		for (p++; p < e && is_digit(*p); p++)
			digits++;
	if (!digits)
		return false;
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p == e || !is_digit(*p))
			return false;
		while (p < e && is_digit(*p))
			p++;
	}
	return p == e;
}

int nd_norm_real(const char *text, double *out)
{
	const char *e, *b = trim(text, &e);

	if (!plain_real(b, e))
		return -1;
	/* the C locale, so a decimal comma locale cannot change the value */
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!c)
		return -1;
	char *copy = nd_xstrndup(b, (size_t)(e - b)), *end;
	errno = 0;
	double v = strtod_l(copy, &end, c);
	bool ok = errno != ERANGE && *end == '\0' && isfinite(v);
	free(copy);
	freelocale(c);
	if (!ok)
		return -1;
	*out = v;
	return 0;
}

/* ---- scripts and encodings ---- */

static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) ||   /* Hiragana, Katakana */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK Extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK Unified Ideographs */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK Compatibility Ideographs */
	       (cp >= 0xAC00 && cp <= 0xD7AF) ||   /* Hangul syllables */
	       (cp >= 0x1100 && cp <= 0x11FF) ||   /* Hangul Jamo */
	       (cp >= 0x20000 && cp <= 0x2FA1F);   /* supplementary ideographs */
}

bool nd_norm_has_cjk(const char *s)
{
	const char *e = s + strlen(s);

	while (s < e) {
		uint32_t cp;
		size_t n = nd_utf8_decode(s, e, &cp);
		if (n && is_cjk(cp))
			return true;
		s += n ? n : 1;
	}
	return false;
}

bool nd_norm_all_cjk(const char *s)
{
	const char *e = s + strlen(s);

	if (s == e)
		return false;
	while (s < e) {
		uint32_t cp;
		size_t n = nd_utf8_decode(s, e, &cp);
		if (!n || !is_cjk(cp))
			return false;
		s += n;
	}
	return true;
}

