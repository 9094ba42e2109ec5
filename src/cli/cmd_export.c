/*
 * cmd_export.c: `newsdb export`: every archived article back out, as NDJSON
 * on stdout or as a folder of front-matter files from which `import` builds
 * the same database again; or, with --format opensearch, as a feed for a
 * search cluster (cmd_export_bulk.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "emit.h"
#include "export_bulk.h"

#define SLUG_MAX 60

/* `newsdb export --help`: this head, the options from the table, this tail */
static const char export_help_head[] =
	"usage: newsdb export [OPTIONS] [DIR]\n"
	"\n"
	"Writes every archived article (every article imported from a file) back\n"
	"out with all it holds: its fields, provider, topics, images, related\n"
	"links and the keys newsdb does not model, under their original names.\n"
	"Importing the files again gives a database with the same content.\n"
	"\n"
	"Formats:\n"
	"  ndjson      one JSON object per article and line on stdout (the default);\n"
	"              the text of the article file, if any, is under \"body\"\n"
	"  files       one front-matter file per article under DIR, named\n"
	"              DIR/YYYY/MM/ID-TITLE.md (DIR/undated/... when it has no date);\n"
	"              DIR is created when missing and must be empty unless --force\n"
	"  opensearch  the body of an OpenSearch or Elasticsearch _bulk request: for\n"
	"              each article an action line {\"index\":{\"_index\":NAME,\"_id\":ID}}\n"
	"              and its document (url, title, excerpt, body, published_at,\n"
	"              provider {name, domain}, topics, images, related, type,\n"
	"              category, quality, heat, is_published); ID is the first 128\n"
	"              bits of the SHA-256 of the canonical URL in hex, the same in\n"
	"              every database of the same files.  On stdout, or with DIR as\n"
	"              files DIR/bulk-000001.ndjson, ... of at most --chunk-bytes each\n"
	"              (DIR must be new or empty).  The last line on stderr ends\n"
	"              with '--changed-since N': what to pass next time\n";
static const char export_help_tail[] =
	"\n"
	"Examples:\n"
	"  newsdb export > articles.ndjson\n"
	"  newsdb export --format files ~/news-export\n"
	"  newsdb export --format opensearch --index news feed/\n"
	"  newsdb export --format opensearch --changed-since 48213 feed-2/\n"
	"\n"
	"Exit status: 0 everything was written; 1 the database could not be read\n"
	"or a file could not be written; 2 usage error (including a DIR that is\n"
	"not empty, without --force).\n";

struct export_run {
	const struct nd_cli *cli;
	struct nd_store *store;
	const char *dir;      /* files: the folder; NULL for NDJSON */
	bool force;
	struct nd_buf text;   /* one article, reused */
	struct nd_buf path;
	struct nd_buf made;   /* the folder made last, so each is made once in a row */
	int64_t n_written;
	bool failed;          /* a message has been printed */
};

/* Creates dir and its missing parents, like mkdir -p.  0 or -1 (errno). */
static int make_dirs(const char *dir)
{
	char *p = nd_xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1; rc == 0; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (!c)
			break;
	}
	free(p);
	struct stat st;
	if (rc == 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		errno = ENOTDIR;
		rc = -1;
	}
	return rc;
}

/* 1 when dir has entries, 0 when it is empty, -1 when it cannot be read. */
static int dir_has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d)))
		found = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return found;
}

/* "<id>-<slug>.md" with the slug from the title: ASCII letters and digits
 * lowercased, every other run of characters one '-', at most SLUG_MAX
 * characters, cut after a whole word when there is one. */
static void add_file_name(struct nd_buf *b, int64_t id, const char *title)
{
	char slug[SLUG_MAX + 2];
	size_t n = 0;
	for (const char *p = title ? title : ""; *p && n <= SLUG_MAX; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			slug[n++] = c;
		else if (n && slug[n - 1] != '-')
			slug[n++] = '-';
	}
	if (n > SLUG_MAX) {
		/* one character too many: it says whether the cut splits a word */
		bool mid_word = slug[SLUG_MAX] != '-';
		n = SLUG_MAX;
		while (mid_word && n && slug[n - 1] != '-')
			n--;
		if (!n)
			n = SLUG_MAX;
	}
	while (n && slug[n - 1] == '-')
		n--;
	slug[n] = '\0';
	nd_buf_addf(b, "%lld%s%s.md", (long long)id, n ? "-" : "", slug);
}

/* Writes data to a new file at path (replacing one only when `replace`).
 * 0, or -1 with errno set. */
static int write_new_file(const char *path, const char *data, size_t len, bool replace)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL), 0666);
	if (fd < 0)
		return -1;
	int rc = 0;
	while (len && rc == 0) {
		ssize_t n = write(fd, data, len);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		} else if (n == 0 || errno != EINTR) {
			rc = -1;
		}
	}
	int saved = errno;
	if (close(fd) != 0 && rc == 0)
		return -1;
	errno = saved;
	return rc;
}

/* Writes run->text as the article's file.  Without --force a file that is
 * there already is never replaced (O_EXCL), even one that appeared after
 * the check that DIR was empty. */
static int write_file(struct export_run *run, const struct nd_article *a, int64_t id)
{
	nd_buf_reset(&run->path);
	nd_buf_addf(&run->path, "%s/", run->dir);
	if (a->published_at[0])
		nd_buf_addf(&run->path, "%.4s/%.2s", a->published_at, a->published_at + 5);
	else
		nd_buf_adds(&run->path, "undated");
	bool ok = !strcmp(run->path.data, nd_buf_str(&run->made)) ||
		  make_dirs(run->path.data) == 0;
	if (ok) {
		nd_buf_reset(&run->made);
		nd_buf_adds(&run->made, run->path.data);
		nd_buf_addc(&run->path, '/');
		add_file_name(&run->path, id, a->title);
		ok = write_new_file(run->path.data, run->text.data, run->text.len,
				    run->force) == 0;
	}
	if (ok)
		return 0;
	char *path = cli_printable(run->path.data);
	cli_error(run->cli, "cannot write '%s': %s", path, strerror(errno));
	free(path);
	return -1;
}

static int on_article(int64_t id, void *ctx)
{
	struct export_run *run = ctx;
	struct nd_article a;
	int rc = cli_load_article(run->cli, run->store, id, &a);
	if (rc == 0) {
		nd_buf_reset(&run->text);
		if (run->dir) {
			nd_emit_frontmatter(&a, &run->text);
			rc = write_file(run, &a, id);
		} else {
			nd_emit_json(&a, &run->text);
			nd_buf_addc(&run->text, '\n');
			/* a failed write is reported by main (cli_finish_stdout) */
			fwrite(run->text.data, 1, run->text.len, stdout);
		}
	}
	nd_article_release(&a);
	if (rc != 0) {
		run->failed = true;
		return 1;
	}
	run->n_written++;
	return 0;
}

/* Makes DIR ready: created when missing, refused when it has files and
 * --force was not given (a feed never takes --force: a chunk left over
 * from an older feed in the folder would be sent again).  Returns an exit
 * status. */
static int prepare_dir(const struct export_run *run, bool feed)
{
	char *dir = cli_printable(run->dir);
	int rc = ND_EXIT_OK;
	int has = make_dirs(run->dir) == 0 ? dir_has_entries(run->dir) : -1;
	if (has < 0) {
		cli_error(run->cli, "cannot use '%s' as the export folder: %s", dir,
			  strerror(errno));
		rc = ND_EXIT_FAILED;
	} else if (has && feed) {
		rc = cli_usage_error(run->cli, "export",
				     "'%s' is not empty; a feed goes into a new or empty folder, so that no older chunk is sent with it",
				     dir);
	} else if (has && !run->force) {
		rc = cli_usage_error(run->cli, "export",
				     "'%s' is not empty; choose a new or empty folder, or add --force to write into it (replacing files of the same name)",
				     dir);
	}
	free(dir);
	return rc;
}

enum export_format { FMT_NDJSON, FMT_FILES, FMT_OPENSEARCH };

/* What the command line gave, for check and run. */
static int fmt = FMT_NDJSON; /* --format: the index of its choice */
static bool force;
static const char *index_name;       /* --index; NULL: not given */
static int64_t chunk_bytes;          /* --chunk-bytes; 0: not given */
static int64_t since = -1;           /* --changed-since; -1: not given */
static struct export_run run;
static struct bulk_opts bulk;

static int check_feed_options(struct nd_cli *cli, enum export_format fmt, bool feed_options,
			      bool chunked, const struct export_run *run, struct bulk_opts *bulk)
{
	if (fmt != FMT_OPENSEARCH)
		return feed_options ? cli_usage_error(cli, "export",
						      "--index, --chunk-bytes and --changed-since are for --format opensearch")
				    : ND_EXIT_OK;
	if (run->force)
		return cli_usage_error(cli, "export",
				       "--force is for --format files; a feed goes into a new or empty DIR");
	if (chunked && !run->dir)
		return cli_usage_error(cli, "export", "--chunk-bytes needs a DIR to write the files to");
	/* the name as it will be, with a year where {year} is */
	struct nd_buf name = ND_BUF_INIT;
	const char *at = strstr(bulk->index, ND_BULK_YEAR);
	if (at)
		nd_buf_addf(&name, "%.*s2021%s", (int)(at - bulk->index), bulk->index,
			    at + strlen(ND_BULK_YEAR));
	const char *problem = bulk_index_problem(at ? name.data : bulk->index);
	nd_buf_release(&name);
	if (problem) {
		char *shown = cli_printable(bulk->index);
		int rc = cli_usage_error(cli, "export", "'%s' cannot name an index: %s", shown,
					 problem);
		free(shown);
		return rc;
	}
	bulk->dir = run->dir;
	return ND_EXIT_OK;
}

static int check(struct nd_cli *cli, int argc, char **argv)
{
	run = (struct export_run){ .cli = cli, .force = force };
	bulk = (struct bulk_opts){
		.index = index_name ? index_name : "news",
		.chunk_bytes = chunk_bytes ? chunk_bytes : ND_BULK_CHUNK_DEFAULT,
		.since = since,
	};
	bool chunked = chunk_bytes != 0;
	bool feed_options = index_name || chunked || since != -1;
	if (argc > 1)
		return cli_usage_error(cli, "export", "give at most one DIR");
	run.dir = argc ? argv[0] : NULL;
	if (fmt == FMT_FILES && !run.dir)
		return cli_usage_error(cli, "export", "--format files needs a DIR to write to");
	if (fmt == FMT_NDJSON && run.dir)
		return cli_usage_error(cli, "export",
				       "ndjson goes to stdout; DIR is for --format files or opensearch");
	if (run.dir && !run.dir[0])
		return cli_usage_error(cli, "export", "DIR is empty");
	return check_feed_options(cli, fmt, feed_options, chunked, &run, &bulk);
}

static int export(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int rc;
	run.store = cli->store;
	if (run.dir && (rc = prepare_dir(&run, fmt == FMT_OPENSEARCH)))
		return rc;
	if (fmt == FMT_OPENSEARCH)
		return export_bulk(cli, run.store, &bulk);
	struct nd_error err;
	nd_error_clear(&err);
	if (nd_store_archived_ids(run.store, on_article, &run, &err) != ND_STORE_OK) {
		cli_error(cli, "%s", err.msg);
		run.failed = true;
	}
	nd_buf_release(&run.text);
	nd_buf_release(&run.path);
	nd_buf_release(&run.made);
	if (run.dir) {
		char *dir = cli_printable(run.dir);
		fprintf(stderr, "newsdb: exported %lld articles to '%s'\n",
			(long long)run.n_written, dir);
		free(dir);
	}
	return run.failed ? ND_EXIT_FAILED : ND_EXIT_OK;
}

/* in the order of enum export_format */
static const char *const formats[] = { "ndjson", "files", "opensearch", NULL };

static const struct nd_option options[] = {
	OPT_CHOICE('f', "format", "FMT", &fmt, formats, "format",
		   "ndjson (default), files or opensearch"),
	OPT_FLAG(0, "force", &force,
		 "files: write into a DIR that is not empty, replacing\n"
		 "files of the same name"),
	OPT_TEXT(0, "index", "NAME", &index_name,
		 "opensearch: the index of every action (default news);\n"
		 "{year} in NAME becomes the article's year (undated\n"
		 "when it has none): --index 'news-{year}'",
		 ND_COMPLETE_NONE),
	OPT_INT(0, "chunk-bytes", "N", &chunk_bytes, 1, INT64_MAX,
		"opensearch with DIR: at most N bytes a file (default\n"
		"100000000, under the engines' 100mb request limit);\n"
		"an action is never split from its document, and one\n"
		"larger than N alone gets a file of its own, with a\n"
		"warning"),
	OPT_INT(0, "changed-since", "N", &since, 0, INT64_MAX,
		"opensearch: only what changed after change number N\n"
		"(printed by the feed before): an index action for\n"
		"each article added or changed, a delete action for\n"
		"each one pruned or no longer given by any file"),
	OPT_END(),
};

const struct nd_command nd_cmd_export = {
	.name = "export", .db = ND_DB_READ,
	.summary = "every article back out: NDJSON, front-matter files or an OpenSearch feed",
	.options = options, .help_column = 25, .operands = ND_COMPLETE_FOLDERS, .check = check,
	.run = export,
	.help_head = export_help_head, .help_tail = export_help_tail,
};
