/*
 * cmd_search.c: `newsdb search QUERY`: translate the query, run it, print
 * hits as text for people or as data (--format).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "cmd_search_facets.h"
#include "escape.h"
#include "query.h"

#define HIGHLIGHT_ON "\033[1;33m"
#define HIGHLIGHT_OFF "\033[0m"
#define DIM_ON "\033[2m"

/* `newsdb search --help`: this head, the options from the table, this tail */
static const char search_help_head[] =
	"usage: newsdb search [OPTIONS] QUERY...\n"
	"\n"
	"Full-text search over titles, excerpts and bodies, ranked by relevance\n"
	"(bm25, title weighted above excerpt).  Case and accents do not matter;\n"
	"English words match their other forms (ipo, IPOs).\n"
	"\n"
	"Query syntax:\n"
	"  word word         all words required, in any order\n"
	"  \"exact phrase\"    the words next to each other\n"
	"  a OR b            either word\n"
	"  -word             without this word\n"
	"  pre*              words starting with pre\n"
	"  title:word        only in titles\n"
	"  provider:X        by provider domain (bloomberg.com) or name\n"
	"  topic:X           with this topic (topic:\"Power Apps\")\n"
	"  since:D until:D   published in or after / in or before D\n"
	"                    (D is 2021, 2021-12 or 2021-12-30, or a day relative\n"
	"                    to today in UTC: 7d, 2w, 3m, 1y days, weeks, months\n"
	"                    or years ago, today, yesterday)\n"
	"Chinese, Japanese and Korean text is matched as substrings.  Anything\n"
	"else is searched as the words it contains, so COVID-19, AT&T or c++\n"
	"need no quoting.\n";
static const char search_help_tail[] =
	"\n"
	"Exit status: 0 something matched; 1 nothing matched or the database\n"
	"could not be read; 2 usage error (including a bad date in since:/until:).\n";

struct search_run {
	const struct nd_cli *cli;
	enum nd_format format;
	struct nd_printer *printer;
	bool dedupe;
	bool hide_hits; /* csv/tsv with --facets or --timeline: only their rows */
};

/* The snippet without its match markers, or with them turned into colour;
 * for text output (`terminal`) what lies between them escaped (escape.h),
 * since it is the article's own text. */
static char *render_snippet(const char *snippet, bool color, bool terminal)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *p = snippet ? snippet : "";
	while (*p) {
		size_t run = strcspn(p, "\x02\x03\n\r\t");
		if (terminal)
			nd_escape_terminal(&b, p, run);
		else
			nd_buf_add(&b, p, run);
		p += run;
		if (!*p)
			break;
		if (*p == '\x02' && color)
			nd_buf_adds(&b, HIGHLIGHT_ON);
		else if (*p == '\x03' && color)
			nd_buf_adds(&b, HIGHLIGHT_OFF);
		else if (*p != '\x02' && *p != '\x03')
			nd_buf_addc(&b, ' ');
		p++;
	}
	return nd_buf_detach(&b);
}

static void print_text_hit(const struct search_run *run, const struct nd_hit *hit)
{
	bool color = run->cli->color_out;
	char date[11] = "";
	if (hit->published_at)
		snprintf(date, sizeof(date), "%s", hit->published_at);
	char *title = render_snippet(hit->title ? hit->title : "(untitled)", false, true);
	char *snippet = render_snippet(hit->snippet, color, true);
	printf("%s%-10s%s  %s%s%s\n", color ? DIM_ON : "", date[0] ? date : "", color ? HIGHLIGHT_OFF : "",
	       color ? "\033[1m" : "", title, color ? HIGHLIGHT_OFF : "");
	printf("  %s", cli_safe(hit->provider));
	if (hit->domain && hit->domain[0])
		printf(" (%s)", cli_safe(hit->domain));
	printf("  %s#%lld%s  %s\n", color ? DIM_ON : "", (long long)hit->id, color ? HIGHLIGHT_OFF : "",
	       cli_safe(hit->url));
	if (hit->copies > 1)
		printf("  %s(+%lld copies with this title)%s\n", color ? DIM_ON : "",
		       (long long)(hit->copies - 1), color ? HIGHLIGHT_OFF : "");
	if (snippet[0])
		printf("  %s\n", snippet);
	printf("\n");
	free(title);
	free(snippet);
}

static void print_data_hit(const struct search_run *run, const struct nd_hit *hit)
{
	struct nd_printer *p = run->printer;
	char *snippet = render_snippet(hit->snippet, false, false);
	nd_printer_begin_map(p);
	nd_printer_key(p, "id");
	nd_printer_int(p, hit->id);
	nd_printer_key(p, "published_at");
	nd_printer_string(p, hit->published_at);
	nd_printer_key(p, "provider");
	nd_printer_string(p, hit->provider);
	nd_printer_key(p, "domain");
	nd_printer_string(p, hit->domain);
	nd_printer_key(p, "title");
	nd_printer_string(p, hit->title);
	nd_printer_key(p, "url");
	nd_printer_string(p, hit->url);
	nd_printer_key(p, "snippet");
	nd_printer_string(p, snippet);
	nd_printer_key(p, "rank");
	nd_printer_real(p, hit->rank);
	if (run->dedupe) {
		nd_printer_key(p, "copies");
		nd_printer_int(p, hit->copies);
	}
	nd_printer_end(p);
	free(snippet);
}

static int on_hit(const struct nd_hit *hit, void *ctx)
{
	struct search_run *run = ctx;
	if (run->hide_hits)
		return 0;
	if (run->format == ND_FORMAT_TEXT)
		print_text_hit(run, hit);
	else
		print_data_hit(run, hit);
	return 0;
}

struct filter_flag {
	const char *name, *value;
};

/* The query typed plus the filters given as flags. */
static int build_query(const char *text, bool raw, const struct filter_flag *filters,
		       size_t n_filters, const struct nd_stemmer *stemmer, struct nd_query *q,
		       struct nd_error *err)
{
	if (nd_query_parse(text, raw, stemmer, q, err) != 0)
		return -1;
	for (size_t k = 0; k < n_filters; k++) {
		if (nd_query_add_filter(q, filters[k].name, filters[k].value, err) != 0) {
			nd_query_release(q);
			return -1;
		}
	}
	return 0;
}

/* What the command line gave, for check and run. */
static struct filter_flag filters[64];
static size_t n_filters;
static int64_t limit = 20, offset;
static int sort; /* the index of --sort's choice: sorts[] */
static bool raw, timed, dedupe, timeline;
static int64_t facet_limit = 10;
static unsigned facets; /* search_facets_parse's bits; 0: no --facets */
static int by = -1;     /* --by: the index of its choice in periods[]; -1 none */
static struct nd_buf text = ND_BUF_INIT; /* the words of QUERY joined */

static const char *const sorts[] = { "rank", "date", "-date", NULL };
static const enum nd_sort sort_of[] = { ND_SORT_RANK, ND_SORT_DATE_DESC, ND_SORT_DATE_ASC };
static const char *const periods[] = { "day", "week", "month", "year", NULL };
static const enum nd_period period_of[] = { ND_PERIOD_DAY, ND_PERIOD_WEEK, ND_PERIOD_MONTH,
					    ND_PERIOD_YEAR };
#define ND_STRINGIFY_(x) #x
#define ND_STRINGIFY(x) ND_STRINGIFY_(x)
static const char *const facet_names[] = { "provider", "topic", "month", "year", "type", NULL };

/* --provider, --topic, --since, --until: the filter of the option's name */
static int add_filter(struct nd_cli *cli, const struct nd_option *o, const char *value)
{
	if (n_filters == sizeof(filters) / sizeof(filters[0]))
		return cli_usage_error(cli, "search", "too many filters");
	filters[n_filters].name = o->name;
	filters[n_filters++].value = value;
	return ND_EXIT_OK;
}

/* --facets [LIST]: NULL (no value) is the default list */
static int take_facets(struct nd_cli *cli, const struct nd_option *o, const char *value)
{
	(void)o;
	if (search_facets_parse(value, &facets) != 0)
		return cli_usage_error(cli, "search",
				       "unknown facet in '%s' (choose provider, topic, month, year, type)",
				       value);
	return ND_EXIT_OK;
}

/* --facets LIST as well as --facets=LIST: a next argument made only of
 * facet names is the list, not a word of the query */
static bool is_facet_list(const char *next)
{
	unsigned ignored;
	return search_facets_parse(next, &ignored) == 0;
}

/* The query, first without the database: a mistake in it is a usage error
 * whether or not there is a database. */
static int check(struct nd_cli *cli, int argc, char **argv)
{
	if (by >= 0 && !timeline)
		return cli_usage_error(cli, "search", "--by is the period of --timeline");
	for (int k = 0; k < argc; k++) {
		if (k)
			nd_buf_addc(&text, ' ');
		nd_buf_adds(&text, argv[k]);
	}
	struct nd_query q;
	struct nd_error err;
	nd_error_clear(&err);
	if (build_query(nd_buf_str(&text), raw, filters, n_filters, NULL, &q, &err) != 0) {
		nd_buf_release(&text);
		return cli_usage_error(cli, "search", "%s", err.msg);
	}
	bool empty = nd_query_is_empty(&q);
	nd_query_release(&q);
	if (empty) {
		bool typed = strspn(nd_buf_str(&text), " \t\n") < text.len;
		nd_buf_release(&text);
		if (!typed)
			return cli_usage_error(cli, "search",
					       "nothing to search for: give words or a filter");
		/* only punctuation, say a stray '"': searched, it finds nothing */
		fprintf(stderr, "newsdb: no articles match (the query has no words)\n");
		return ND_EXIT_FAILED;
	}
	return ND_EXIT_OK;
}

static int run(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct nd_store *store = cli->store;
	struct nd_search_opts opts = {
		.limit = limit, .offset = offset, .sort = sort_of[sort], .dedupe = dedupe,
	};
	struct search_run run = { .cli = cli, .format = cli->format, .dedupe = dedupe };
	struct nd_summary_opts summary = {
		.facets = facets, .facet_limit = facet_limit, .timeline = timeline,
		.by = by >= 0 ? period_of[by] : ND_PERIOD_AUTO,
	};
	bool summarize = summary.facets || summary.timeline;
	run.hide_hits = summarize && search_summary_hides_hits(run.format);
	struct nd_query q;
	struct nd_error err;
	nd_error_clear(&err);
	/* again with the index's stems, now that it is open */
	struct nd_stemmer stemmer = { nd_store_short_stems, store };
	build_query(nd_buf_str(&text), raw, filters, n_filters, &stemmer, &q, &err);
	nd_buf_release(&text);
	opts.query = &q;
	if (run.format != ND_FORMAT_TEXT) {
		run.printer = nd_printer_new(stdout, run.format);
		/* with a summary, JSON is an object with the hits in it */
		if (summarize && run.format == ND_FORMAT_JSON) {
			nd_printer_begin_map(run.printer);
			nd_printer_key(run.printer, "hits");
		}
		nd_printer_begin_list(run.printer);
	}
	/* wall time, and CPU time, which a busy machine does not stretch */
	struct timespec t0, t1, c0, c1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	int64_t n = nd_store_search(store, &opts, on_hit, &run, &err);
	if (summarize && n > 0) {
		if (run.format == ND_FORMAT_JSON)
			nd_printer_end(run.printer);
		if (search_summary_print(store, &opts, &summary, run.format, run.printer,
					 cli->color_out, &err) != 0)
			n = ND_STORE_ERROR;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (timed && n >= 0)
		fprintf(stderr, "newsdb: %lld hits in %.3f ms (%.3f ms CPU)\n", (long long)n,
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
			(double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6);
	nd_printer_free(run.printer);
	nd_query_release(&q);
	if (n < 0) {
		cli_error(cli, "%s", err.msg);
		if (raw)
			cli_note(cli, "--raw passes FTS5 syntax through; see https://sqlite.org/fts5.html#full_text_query_syntax");
		return ND_EXIT_FAILED;
	}
	if (n == 0) {
		if (run.format == ND_FORMAT_TEXT)
			fprintf(stderr, "newsdb: no articles match\n");
		return ND_EXIT_FAILED;
	}
	return ND_EXIT_OK;
}

static const struct nd_option options[] = {
	OPT_CALL(0, "provider", "X", add_filter, "same as provider:X (repeatable)",
		 ND_COMPLETE_PROVIDERS),
	OPT_CALL(0, "topic", "X", add_filter, "same as topic:X (repeatable)", ND_COMPLETE_TOPICS),
	OPT_CALL(0, "since", "D", add_filter, "same as since:D", ND_COMPLETE_NONE),
	OPT_CALL(0, "until", "D", add_filter, "same as until:D", ND_COMPLETE_NONE),
	OPT_INT('n', "limit", "N", &limit, 0, INT64_MAX, "at most N hits (default 20; 0 for all)"),
	OPT_INT(0, "offset", "N", &offset, 0, INT64_MAX, "skip the first N hits"),
	OPT_CHOICE(0, "sort", "ORDER", &sort, sorts, "sort",
		   "rank (default), date (newest first) or -date"),
	OPT_FLAG(0, "dedupe", &dedupe,
		 "one hit per story: syndicated copies (titles equal\n"
		 "but for a trailing ' - Provider', ' | Provider' or\n"
		 "'(Provider)' of their own provider, typographic\n"
		 "quotes and dashes, spaces, case) collapse into the\n"
		 "first, with their count"),
	OPT_OPTIONAL(0, "facets", "LIST", take_facets, is_facet_list, facet_names,
		     "after the hits, counts over every match by provider,\n"
		     "topic, month, year or type (LIST: comma-separated;\n"
		     "default provider,topic,month)"),
	OPT_INT(0, "facet-limit", "N", &facet_limit, 0, INT64_MAX,
		"the N largest values of each facet (default 10; 0 all)"),
	OPT_FLAG(0, "timeline", &timeline,
		 "after the hits, matches per period over the matched\n"
		 "range, empty periods as 0"),
	OPT_CHOICE(0, "by", "PERIOD", &by, periods, "period",
		   "the timeline's day, week (from Monday), month or year\n"
		   "(default: the finest that needs at most " ND_STRINGIFY(ND_TIMELINE_MAX_ROWS) " rows)"),
	OPT_FORMAT_NOTE("(with --facets or --timeline, json is an object\n"
			"{matches, hits, facets, timeline}, ndjson adds rows\n"
			"{facet, value, detail, count} after the hits, and\n"
			"csv and tsv hold those rows only)"),
	OPT_FLAG(0, "raw", &raw, "pass QUERY to SQLite FTS5 untouched (expert syntax)"),
	OPT_FLAG(0, "time", &timed,
		 "print the number of hits and the query time (wall and\n"
		 "CPU) on stderr"),
	OPT_END(),
};

const struct nd_command nd_cmd_search = {
	.name = "search", .db = ND_DB_READ, .formats = "text, json, ndjson, csv, tsv",
	.summary = "full-text search over titles, excerpts and bodies",
	.options = options, .help_column = 24, .check = check, .run = run,
	.help_head = search_help_head, .help_tail = search_help_tail,
};
