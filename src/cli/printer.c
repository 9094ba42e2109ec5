/*
 * printer.c: the JSON, NDJSON, CSV and TSV back-ends of printer.h.
 *
 * Everything is first written as JSON into a buffer by one small writer;
 * JSON flushes it at the end, NDJSON after each top-level item, and CSV/TSV
 * use it only for nested values inside a cell.
 */
#include "printer.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "json.h"

#define MAX_DEPTH 32

struct nd_printer {
	FILE *out;              /* NULL: lines go to sink */
	struct nd_buf *sink;
	enum nd_format fmt;
	int depth;              /* open lists/maps, the top-level list included */
	bool first[MAX_DEPTH];  /* nothing written yet inside this container */
	bool in_json[MAX_DEPTH];/* this container's brackets go into p->json */
	char closer[MAX_DEPTH];
	bool after_key;
	struct nd_buf json;     /* JSON text of the document, item or cell */
	/* CSV/TSV */
	struct nd_buf header, row;
	size_t n_header, n_cells;
	bool header_done;
};

int nd_format_parse(const char *name, enum nd_format *out)
{
	static const char *const names[] = {
		[ND_FORMAT_TEXT] = "text", [ND_FORMAT_JSON] = "json", [ND_FORMAT_NDJSON] = "ndjson",
		[ND_FORMAT_CSV] = "csv",   [ND_FORMAT_TSV] = "tsv",
	};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (!strcmp(name, names[k])) {
			*out = (enum nd_format)k;
			return 0;
		}
	}
	return -1;
}

struct nd_printer *nd_printer_new(FILE *out, enum nd_format fmt)
{
	struct nd_printer *p = nd_xcalloc(1, sizeof(*p));
	p->out = out;
	p->fmt = fmt;
	return p;
}

struct nd_printer *nd_printer_new_buf(struct nd_buf *out, enum nd_format fmt)
{
	struct nd_printer *p = nd_printer_new(NULL, fmt);
	p->sink = out;
	return p;
}

void nd_printer_free(struct nd_printer *p)
{
	if (!p)
		return;
	while (p->depth > 0)
		nd_printer_end(p);
	if (p->out)
		fflush(p->out);
	nd_buf_release(&p->json);
	nd_buf_release(&p->header);
	nd_buf_release(&p->row);
	free(p);
}

/* Every line of output, with its newline. */
static void put_line(struct nd_printer *p, const char *line)
{
	if (p->out) {
		fprintf(p->out, "%s\n", line);
	} else {
		nd_buf_adds(p->sink, line);
		nd_buf_addc(p->sink, '\n');
	}
}

static bool tabular(const struct nd_printer *p)
{
	return p->fmt == ND_FORMAT_CSV || p->fmt == ND_FORMAT_TSV;
}

/* Whether a value at the current depth is written as JSON text: always for
 * JSON, inside the top-level list for NDJSON, inside a cell for CSV/TSV. */
static bool writes_json(const struct nd_printer *p)
{
	if (p->fmt == ND_FORMAT_JSON)
		return true;
	if (p->fmt == ND_FORMAT_NDJSON)
		return p->depth >= 1;
	return p->depth >= 2;
}

/* Appends one CSV or TSV field to b, after a separator when n > 0. */
static void add_field(const struct nd_printer *p, struct nd_buf *b, size_t n, const char *s)
{
	if (n)
		nd_buf_addc(b, p->fmt == ND_FORMAT_CSV ? ',' : '\t');
	if (p->fmt == ND_FORMAT_CSV) {
		bool quote = strpbrk(s, ",\"\r\n") != NULL;
		if (quote)
			nd_buf_addc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				nd_buf_addc(b, '"');
			nd_buf_addc(b, *s);
		}
		if (quote)
			nd_buf_addc(b, '"');
		return;
	}
	/* TSV: the backslash escapes that PostgreSQL COPY and pandas undo */
	for (; *s; s++) {
		switch (*s) {
		case '\t': nd_buf_adds(b, "\\t"); break;
		case '\n': nd_buf_adds(b, "\\n"); break;
		case '\r': nd_buf_adds(b, "\\r"); break;
		case '\\': nd_buf_adds(b, "\\\\"); break;
		default: nd_buf_addc(b, *s);
		}
	}
}

static void json_sep(struct nd_printer *p)
{
	if (p->after_key) {
		p->after_key = false;
		return;
	}
	if (p->depth > 0) {
		if (!p->first[p->depth - 1] && p->in_json[p->depth - 1])
			nd_buf_addc(&p->json, ',');
		p->first[p->depth - 1] = false;
	}
}

/* A complete JSON value has been written at the current depth: flush what
 * the format wants flushed now. */
static void value_done(struct nd_printer *p)
{
	if (p->fmt == ND_FORMAT_NDJSON && p->depth == 1) {
		put_line(p, nd_buf_str(&p->json));
		nd_buf_reset(&p->json);
	} else if (p->fmt == ND_FORMAT_JSON && p->depth == 0) {
		put_line(p, nd_buf_str(&p->json));
		nd_buf_reset(&p->json);
	} else if (tabular(p) && p->depth == 2) {
		/* a nested value inside a row: its JSON is the cell */
		add_field(p, &p->row, p->n_cells++, nd_buf_str(&p->json));
		nd_buf_reset(&p->json);
	}
}

static void scalar(struct nd_printer *p, const char *json, const char *plain)
{
	if (tabular(p) && p->depth == 2) {
		add_field(p, &p->row, p->n_cells++, plain);
		return;
	}
	if (!writes_json(p))
		return;
	json_sep(p);
	nd_buf_adds(&p->json, json);
	value_done(p);
}

static void open_container(struct nd_printer *p, char opener, char closer)
{
	assert(p);
	if (p->depth >= MAX_DEPTH)
		BUG("output nested deeper than %d", MAX_DEPTH); /* no command nests this deep */
	bool json = writes_json(p);
	if (json) {
		json_sep(p);
		nd_buf_addc(&p->json, opener);
	}
	p->in_json[p->depth] = json;
	p->closer[p->depth] = closer;
	p->first[p->depth] = true;
	p->depth++;
}

void nd_printer_begin_list(struct nd_printer *p)
{
	open_container(p, '[', ']');
}

void nd_printer_begin_map(struct nd_printer *p)
{
	if (tabular(p) && p->depth == 1) {
		nd_buf_reset(&p->row);
		p->n_cells = 0;
	}
	open_container(p, '{', '}');
}

void nd_printer_end(struct nd_printer *p)
{
	assert(p);
	if (p->depth == 0)
		return;
	p->depth--;
	if (p->in_json[p->depth]) {
		nd_buf_addc(&p->json, p->closer[p->depth]);
		value_done(p);
	} else if (tabular(p) && p->depth == 1) {
		if (!p->header_done)
			put_line(p, nd_buf_str(&p->header));
		p->header_done = true;
		put_line(p, nd_buf_str(&p->row));
	}
}

void nd_printer_key(struct nd_printer *p, const char *key)
{
	assert(p && key);
	if (tabular(p) && p->depth == 2) {
		if (!p->header_done)
			add_field(p, &p->header, p->n_header++, key);
		return;
	}
	if (!writes_json(p))
		return;
	json_sep(p);
	nd_json_add_string(&p->json, key, strlen(key));
	nd_buf_addc(&p->json, ':');
	p->after_key = true;
}

void nd_printer_string(struct nd_printer *p, const char *s)
{
	if (!s) {
		nd_printer_null(p);
		return;
	}
	struct nd_buf b = ND_BUF_INIT;
	nd_json_add_string(&b, s, strlen(s));
	scalar(p, nd_buf_str(&b), s);
	nd_buf_release(&b);
}

void nd_printer_int(struct nd_printer *p, int64_t v)
{
	char text[32];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	scalar(p, text, text);
}

void nd_printer_real(struct nd_printer *p, double v)
{
	char text[40];
	if (isfinite(v))
		snprintf(text, sizeof(text), "%.15g", v);
	else
		snprintf(text, sizeof(text), "null");
	scalar(p, text, isfinite(v) ? text : "");
}

void nd_printer_bool(struct nd_printer *p, bool v)
{
	scalar(p, v ? "true" : "false", v ? "true" : "false");
}

void nd_printer_null(struct nd_printer *p)
{
	scalar(p, "null", "");
}

void nd_printer_json(struct nd_printer *p, const char *json)
{
	if (!json)
		nd_printer_null(p);
	else
		scalar(p, json, json);
}
