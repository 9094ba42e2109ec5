/*
 * emit.h: an article written back out in the shape it came in, for
 * `export`.  Pure: text into an nd_buf, no I/O.
 *
 * Both writers use the input format's key names in the order of the
 * archive's own files (category, title, excerpt, publishedDateTime,
 * originalUrl, webUrl, ampWebUrl, cdnAmpWebUrl, type, quality, heat,
 * published, featuredContent, provider, topics, images, related; related
 * items: title, excerpt, publishedDateTime, ..., type, provider, quality, ...),
 * then every key of `extra` in its stored order.  Absent fields (NULL, "",
 * ND_NUM_NONE, -1 flags, empty lists) are left out.  A key of `extra` that is
 * also a modelled key holds the value as the file gave it, which the tables
 * could not hold exactly: it is written (at the end, with the other extra
 * keys) instead of the modelled value, so importing the output again gives
 * the same tables and the same `extra` text.
 *
 * `extra` must be a JSON object (the store's CHECK keeps it so) with no key
 * twice in one object, no NUL (\u0000) in its text and no key over 1000
 * bytes as written (JSON allows them, front matter does not, and newsdb
 * never writes them); if it is not, it is left out rather than written half
 * or written as a file that would not import.
 */
#ifndef ND_EMIT_H
#define ND_EMIT_H

#include "article.h"
#include "buf.h"

/*
 * Appends a complete article file: "---\n", the front matter in YAML block
 * style ("---\n" again), then the body verbatim when there is one.  Strings
 * are always double-quoted with YAML escapes (\" \\ \n \t \r, \xNN for
 * other control characters, \uNNNN for U+2028, U+2029, U+FEFF, U+FFFE and
 * U+FFFF), so no text can change type or shape on the way back in; numbers
 * are plain (a real always with a '.' or exponent, in the fewest digits that
 * read back to the same double); `extra` values are written in flow style
 * (JSON syntax with YAML strings) on one line.  nd_frontmatter_parse() and
 * nd_article_from_frontmatter() on the output give back an equal article.
 */
void nd_emit_frontmatter(const struct nd_article *a, struct nd_buf *out);

/*
 * Appends the article as one JSON object on one line (no newline): the same
 * keys and values as the front matter, plus "body" (before the extra keys)
 * when there is a body.  An extra key named "body" replaces the body, as any
 * extra key replaces the field of its name.
 */
void nd_emit_json(const struct nd_article *a, struct nd_buf *out);

#endif
