/*
 * printer.h: structured output described once (begin/key/value/end calls)
 * and written as JSON, NDJSON, CSV or TSV, so commands never hand-format
 * data.  Text output for people is each command's own.
 *
 * Shapes: JSON takes any nesting.  NDJSON writes each item of the top-level
 * list on its own line.  CSV/TSV take a top-level list of flat maps (the
 * first map's keys make the header; a nested value is written as its JSON).
 */
#ifndef ND_PRINTER_H
#define ND_PRINTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum nd_format { ND_FORMAT_TEXT, ND_FORMAT_JSON, ND_FORMAT_NDJSON, ND_FORMAT_CSV, ND_FORMAT_TSV };

/* Parses "text", "json", "ndjson", "csv", "tsv"; 0 or -1. */
int nd_format_parse(const char *name, enum nd_format *out);

struct nd_printer;

/* fmt must not be ND_FORMAT_TEXT.  Writes to out; caller keeps out open. */
struct nd_printer *nd_printer_new(FILE *out, enum nd_format fmt);
/* The same, appending the output to out instead (so its size is known
 * before it is written anywhere); the caller owns out and may take and
 * reset what is in it between items. */
struct nd_buf;
struct nd_printer *nd_printer_new_buf(struct nd_buf *out, enum nd_format fmt);
void nd_printer_free(struct nd_printer *p); /* finishes the output; accepts NULL */

void nd_printer_begin_list(struct nd_printer *p);
void nd_printer_begin_map(struct nd_printer *p);
void nd_printer_end(struct nd_printer *p); /* closes the innermost list or map */
void nd_printer_key(struct nd_printer *p, const char *key);
void nd_printer_string(struct nd_printer *p, const char *s); /* NULL prints null */
void nd_printer_int(struct nd_printer *p, int64_t v);
void nd_printer_real(struct nd_printer *p, double v);
void nd_printer_bool(struct nd_printer *p, bool v);
void nd_printer_null(struct nd_printer *p);
/* A value that is already JSON text (e.g. the extra column); NULL is null. */
void nd_printer_json(struct nd_printer *p, const char *json);

#endif
