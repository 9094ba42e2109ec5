/*
 * copykey.h: the key `search --dedupe` groups syndicated copies by.  A
 * story syndicated to several sites arrives under titles that differ only
 * by what syndication adds; the key removes exactly that, so the copies
 * share it and nothing else does.  Pure string work.
 *
 * The rule (README, "Search"), applied to the title and to the article's
 * provider name and domain alike:
 *   1. typographic quotes and primes (U+2018-U+201F, U+2032, U+2033) become
 *      ' or ", dashes and the minus sign (U+2010-U+2015, U+2212) become -,
 *      every run of white space (ASCII, U+00A0, U+2000-U+200A, U+202F,
 *      U+205F, U+3000) becomes one space, outer spaces go, ASCII letters
 *      are lowered (other bytes are kept as they are);
 *   2. then, as long as one is there, a trailing " - P", " | P" or "(P)"
 *      (spaces before the parenthesis aside) is removed, where P is the
 *      provider's name or domain, folded as in 1; never the whole title.
 * An absent or blank title has no key: such articles are each their own
 * group.
 */
#ifndef ND_COPYKEY_H
#define ND_COPYKEY_H

/* The key of a title given by the article of this provider (either may be
 * NULL); malloc'd, or NULL when the title is absent or blank. */
char *nd_copy_key(const char *title, const char *provider_name, const char *provider_domain);

#endif
