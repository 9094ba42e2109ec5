/*
 * fake_stemmer.h: a stand-in for the word index's stemmer (struct
 * nd_stemmer) in the query translator's tests and fuzz target, so that
 * prefix groups are exercised without a database: the prefix less one and
 * two letters when it has five or more.
 */
#ifndef ND_FAKE_STEMMER_H
#define ND_FAKE_STEMMER_H

#include <string.h>

#include "buf.h"
#include "query.h"

static size_t fake_short_stems(void *ctx, const char *prefix, char **out, size_t max)
{
	(void)ctx;
	size_t n = 0, len = strlen(prefix);
	for (size_t cut = 1; cut <= 2 && len >= 5 && n < max; cut++)
		out[n++] = nd_xstrndup(prefix, len - cut);
	return n;
}

static const struct nd_stemmer fake_stemmer = { fake_short_stems, NULL };

#endif
