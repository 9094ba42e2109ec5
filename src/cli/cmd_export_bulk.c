/*
 * cmd_export_bulk.c: the OpenSearch / Elasticsearch feed: for each article an
 * action line and, for an index action, the document, in the NDJSON of the
 * _bulk API, on stdout or in numbered files of at most --chunk-bytes each.
 * Every feed ends by saying the change number to pass as --changed-since
 * next time (store_feed.c keeps the log).
 */
#include "export_bulk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "printer.h"
#include "sha256.h"

#define INDEX_MAX 255 /* bytes in an index name */

struct bulk_run {
	const struct nd_cli *cli;
	struct nd_store *store;
	const struct bulk_opts *o;
	bool by_year;          /* --index has {year} */
	struct nd_buf lines;   /* the action (and document) of one article */
	struct nd_printer *pr; /* NDJSON into lines */
	struct nd_buf index;   /* the index name of this article */
	FILE *chunk;           /* the file being written, or NULL */
	int64_t chunk_used;    /* bytes in it */
	int64_t n_chunks, n_index, n_delete;
	struct nd_buf path;
	bool failed;           /* a message has been printed */
};

const char *bulk_index_problem(const char *index)
{
	if (!index[0])
		return "it is empty";
	if (strlen(index) > INDEX_MAX)
		return "it is longer than 255 bytes";
	if (!strcmp(index, ".") || !strcmp(index, ".."))
		return "it is . or ..";
	if (strchr("-_+", index[0]))
		return "it starts with -, _ or +";
	for (const char *p = index; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			return "it has capital letters";
		if (strchr("\\/*?\"<>| ,#:", *p) || (unsigned char)*p < 0x20)
			return "it has one of \\ / * ? \" < > | , # : or a space";
	}
	return NULL;
}

/* The index of an article of `year` ("" when undated). */
static const char *index_name(struct bulk_run *run, const char *year)
{
	nd_buf_reset(&run->index);
	const char *at = run->by_year ? strstr(run->o->index, ND_BULK_YEAR) : NULL;
	if (!at)
		return run->o->index;
	nd_buf_add(&run->index, run->o->index, (size_t)(at - run->o->index));
	nd_buf_adds(&run->index, year[0] ? year : "undated");
	nd_buf_adds(&run->index, at + strlen(ND_BULK_YEAR));
	return run->index.data;
}

static void add_action(struct bulk_run *run, const char *action, const char *url,
		       const char *year)
{
	char id[ND_DOC_ID_LEN + 1];
	nd_hash_doc_id(url, id);
	struct nd_printer *p = run->pr;
	nd_printer_begin_map(p);
	nd_printer_key(p, action);
	nd_printer_begin_map(p);
	nd_printer_key(p, "_index");
	nd_printer_string(p, index_name(run, year));
	nd_printer_key(p, "_id");
	nd_printer_string(p, id);
	nd_printer_end(p);
	nd_printer_end(p);
}

/* A field of the document, left out when the article has no value. */
static void add_text(struct nd_printer *p, const char *key, const char *value)
{
	if (!value || !value[0])
		return;
	nd_printer_key(p, key);
	nd_printer_string(p, value);
}

static void add_number(struct nd_printer *p, const char *key, const struct nd_number *n)
{
	if (n->kind == ND_NUM_NONE)
		return;
	nd_printer_key(p, key);
	if (n->kind == ND_NUM_INT)
		nd_printer_int(p, n->i);
	else
		nd_printer_real(p, n->r);
}

/* A list of the strings at `first`, `stride` bytes apart (the url of each
 * image or related item, the topics), left out when empty. */
static void add_list(struct nd_printer *p, const char *key, const void *first, size_t n,
		     size_t stride)
{
	if (!n)
		return;
	nd_printer_key(p, key);
	nd_printer_begin_list(p);
	for (size_t k = 0; k < n; k++)
		nd_printer_string(p, *(char *const *)((const char *)first + k * stride));
	nd_printer_end(p);
}

/* The document: what a search cluster needs of the article, named as in
 * the database.  Only the article's own values (no widths of images that
 * other files may change), so it changes only when the article does and the
 * change log knows when to send it again. */
static void add_document(struct nd_printer *p, const struct nd_article *a)
{
	nd_printer_begin_map(p);
	add_text(p, "url", a->url);
	add_text(p, "title", a->title);
	add_text(p, "excerpt", a->excerpt);
	add_text(p, "body", a->body);
	add_text(p, "published_at", a->published_at);
	if (a->provider) {
		nd_printer_key(p, "provider");
		nd_printer_begin_map(p);
		add_text(p, "name", a->provider->name);
		add_text(p, "domain", a->provider->domain);
		nd_printer_end(p);
	}
	add_list(p, "topics", a->topics, a->n_topics, sizeof(char *));
	if (a->n_images)
		add_list(p, "images", &a->images[0].url, a->n_images, sizeof(a->images[0]));
	if (a->n_related)
		add_list(p, "related", &a->related[0].url, a->n_related, sizeof(a->related[0]));
	add_text(p, "type", a->type);
	add_text(p, "category", a->category);
	add_number(p, "quality", &a->quality);
	add_number(p, "heat", &a->heat);
	if (a->is_published >= 0) {
		nd_printer_key(p, "is_published");
		nd_printer_bool(p, a->is_published);
	}
	nd_printer_end(p);
}

static int fail_write(struct bulk_run *run, const char *path)
{
	char *shown = cli_printable(path);
	cli_error(run->cli, "cannot write '%s': %s", shown, strerror(errno));
	free(shown);
	run->failed = true;
	return -1;
}

static int close_chunk(struct bulk_run *run)
{
	if (!run->chunk)
		return 0;
	bool bad = ferror(run->chunk) != 0;
	int saved = errno;
	bad = fclose(run->chunk) != 0 || bad;
	run->chunk = NULL;
	if (!bad)
		return 0;
	errno = errno ? errno : saved;
	return fail_write(run, run->path.data);
}

/* The next numbered file, new (O_EXCL: never one that appeared since the
 * folder was found empty). */
static int open_chunk(struct bulk_run *run)
{
	nd_buf_reset(&run->path);
	nd_buf_addf(&run->path, "%s/bulk-%06lld.ndjson", run->o->dir,
		    (long long)++run->n_chunks);
	int fd = open(run->path.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || !(run->chunk = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return fail_write(run, run->path.data);
	}
	run->chunk_used = 0;
	return 0;
}

/* Writes run->lines, the lines of one article, where they go: a file
 * never splits them, and a file is full before they would pass
 * --chunk-bytes.  Lines longer than that alone get a file of their own,
 * with a warning: the feed stays whole, and the cluster may still take it
 * (its own limit is often higher than the chunk chosen). */
static int put_lines(struct bulk_run *run, const char *url)
{
	int64_t len = (int64_t)run->lines.len;
	if (!run->o->dir) {
		/* a failed write shows in ferror(stdout) at the end */
		fwrite(run->lines.data, 1, run->lines.len, stdout);
		return 0;
	}
	if (run->chunk && run->chunk_used + len > run->o->chunk_bytes && close_chunk(run))
		return -1;
	if (!run->chunk && open_chunk(run))
		return -1;
	if (len > run->o->chunk_bytes) {
		char *shown = cli_printable(url);
		cli_warning(run->cli,
			    "%s: the action and document take %lld bytes, more than --chunk-bytes %lld: written alone to '%s'",
			    shown, (long long)len, (long long)run->o->chunk_bytes, run->path.data);
		free(shown);
	}
	fwrite(run->lines.data, 1, run->lines.len, run->chunk);
	run->chunk_used += len;
	return 0;
}

static int put_article(struct bulk_run *run, int64_t id)
{
	struct nd_article a;
	int rc = cli_load_article(run->cli, run->store, id, &a);
	if (rc != 0) {
		run->failed = true;
	} else {
		char year[5] = "";
		memcpy(year, a.published_at, a.published_at[0] ? 4 : 0);
		nd_buf_reset(&run->lines);
		add_action(run, "index", a.url, year);
		add_document(run->pr, &a);
		rc = put_lines(run, a.url);
		run->n_index++;
	}
	nd_article_release(&a);
	return rc ? 1 : 0;
}

static int on_archived(int64_t id, void *ctx)
{
	return put_article(ctx, id);
}

static int on_change(const char *url, const char *year, int64_t id, void *ctx)
{
	struct bulk_run *run = ctx;
	if (id)
		return put_article(run, id);
	nd_buf_reset(&run->lines);
	add_action(run, "delete", url, year);
	run->n_delete++;
	return put_lines(run, url) ? 1 : 0;
}

/* The feed inside one read transaction: `last` is the change number of the
 * state it was read from. */
static void write_feed(struct bulk_run *run, int64_t last)
{
	struct nd_error err;
	nd_error_clear(&err);
	if (run->o->since > last)
		cli_warning(run->cli,
			    "--changed-since %lld is past this database's last change (%lld): was the last feed made from another database, or this one restored from a backup? Changes numbered up to %lld would be missed; a feed without --changed-since sends everything",
			    (long long)run->o->since, (long long)last, (long long)run->o->since);
	int rc = run->o->since < 0
			 ? nd_store_archived_ids(run->store, on_archived, run, &err)
			 : nd_store_feed_changes(run->store, run->o->since, run->by_year, on_change,
						 run, &err);
	if (rc != ND_STORE_OK) {
		cli_error(run->cli, "%s", err.msg);
		run->failed = true;
	}
}

int export_bulk(const struct nd_cli *cli, struct nd_store *store, const struct bulk_opts *opts)
{
	struct bulk_run run = {
		.cli = cli,
		.store = store,
		.o = opts,
		.by_year = strstr(opts->index, ND_BULK_YEAR) != NULL,
	};
	struct nd_error err;
	nd_error_clear(&err);
	int64_t last;
	if (nd_store_feed_begin(store, &last, &err) != ND_STORE_OK) {
		cli_error(cli, "%s", err.msg);
		return ND_EXIT_FAILED;
	}
	run.pr = nd_printer_new_buf(&run.lines, ND_FORMAT_NDJSON);
	nd_printer_begin_list(run.pr);
	write_feed(&run, last);
	nd_store_feed_end(store);
	nd_printer_free(run.pr);
	close_chunk(&run);
	nd_buf_release(&run.lines);
	nd_buf_release(&run.index);
	nd_buf_release(&run.path);
	if (!opts->dir && (fflush(stdout) != 0 || ferror(stdout))) {
		cli_error(cli, "cannot write the output: %s", strerror(errno));
		run.failed = true;
	}
	if (run.failed)
		return ND_EXIT_FAILED;
	/* the one line a script needs: the number ends it */
	fprintf(stderr, "newsdb: exported %lld articles and %lld deletions", (long long)run.n_index,
		(long long)run.n_delete);
	if (opts->dir) {
		char *dir = cli_printable(opts->dir);
		fprintf(stderr, " in %lld files to '%s'", (long long)run.n_chunks, dir);
		free(dir);
	}
	fprintf(stderr, "; next feed: --changed-since %lld\n", (long long)last);
	return ND_EXIT_OK;
}
