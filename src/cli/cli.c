/* cli.c: messages, exit codes and option helpers shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "escape.h"
#include "normalize.h"
#include "progress.h"

static void message(const struct nd_cli *cli, const char *label, const char *color,
		    const char *fmt, va_list ap)
{
	nd_progress_clear(nd_progress_active);
	/* the whole line escaped: paths and values quoted in it come from the
	 * files (escaping what cli_printable already escaped changes nothing) */
	char *text = NULL;
	if (vasprintf(&text, fmt, ap) < 0)
		abort(); /* out of memory, as nd_xmalloc */
	struct nd_buf shown = ND_BUF_INIT;
	nd_escape_terminal(&shown, text, strlen(text));
	free(text);
	if (cli->color_err)
		fprintf(stderr, "newsdb: %s%s:\033[0m %s\n", color, label, nd_buf_str(&shown));
	else
		fprintf(stderr, "newsdb: %s: %s\n", label, nd_buf_str(&shown));
	nd_buf_release(&shown);
}

void cli_error(const struct nd_cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(cli, "error", "\033[1;31m", fmt, ap);
	va_end(ap);
}

void cli_warning(const struct nd_cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(cli, "warning", "\033[1;33m", fmt, ap);
	va_end(ap);
}

void cli_note(const struct nd_cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(cli, "note", "\033[1;36m", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const struct nd_cli *cli, const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message(cli, "error", "\033[1;31m", fmt, ap);
	va_end(ap);
	if (command)
		fprintf(stderr, "Try 'newsdb %s --help'.\n", command);
	else
		fprintf(stderr, "Try 'newsdb --help'.\n");
	return ND_EXIT_USAGE;
}

char *cli_printable(const char *s)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_escape_terminal(&b, s, strlen(s));
	return nd_buf_detach(&b);
}

int cli_load_article(const struct nd_cli *cli, struct nd_store *store, int64_t id,
		     struct nd_article *a)
{
	struct nd_error err;
	nd_error_clear(&err);
	if (nd_store_article_load(store, id, a, &err) == ND_STORE_OK)
		return 0;
	cli_error(cli, "cannot read article %lld: %s", (long long)id, err.msg);
	return -1;
}

/* Enough for the values of one printf call: each call of cli_safe takes the
 * next buffer, so a result lives until SAFE_SLOTS more calls. */
#define SAFE_SLOTS 8

const char *cli_safe(const char *s)
{
	static _Thread_local struct nd_buf slots[SAFE_SLOTS];
	static _Thread_local unsigned next;
	struct nd_buf *b = &slots[next++ % SAFE_SLOTS];
	nd_buf_reset(b);
	if (s)
		nd_escape_terminal(b, s, strlen(s));
	return nd_buf_str(b);
}

/* The first errno of a failed write to fd 1: stdio keeps only a flag, and
 * by the time a command ends errno says something else. */
static int stdout_errno;

static ssize_t stdout_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(STDOUT_FILENO, buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!stdout_errno)
				stdout_errno = n < 0 ? errno : EIO;
			return 0; /* stdio's error flag: nothing more goes out */
		}
		done += (size_t)n;
	}
	return (ssize_t)size;
}

void cli_watch_stdout(void)
{
	FILE *f = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = stdout_write });
	if (!f)
		return; /* stdout as it was: write errors then have no cause */
	/* as stdio buffers fd 1 itself: by line on a terminal */
	setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	stdout = f;
}

int cli_finish_stdout(const struct nd_cli *cli, int rc)
{
	bool failed = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		failed = true;
	int cause = stdout_errno ? stdout_errno : EIO;
	/* the reader went away: what it did not want is no error */
	if (!failed || cause == EPIPE)
		return rc;
	cli_error(cli, "write failure on standard output: %s", strerror(cause));
	return ND_EXIT_FAILED;
}

int cli_open_store(const struct nd_cli *cli, enum nd_store_mode mode, struct nd_store **out)
{
	struct nd_error err;
	nd_error_clear(&err);
	int rc = nd_store_open(out, cli->db_path, mode, &err);
	if (rc == ND_STORE_OK)
		return ND_EXIT_OK;
	char *path = cli_printable(cli->db_path);
	switch (rc) {
	case ND_STORE_BUSY:
		cli_error(cli, "'%s' is busy: another newsdb is writing it; try again when it is done",
			  path);
		break;
	case ND_STORE_READONLY:
		cli_error(cli, "cannot write '%s': %s (check the permissions of the file and its folder, or choose another with --db)",
			  path, err.msg);
		break;
	default:
		cli_error(cli, "%s", err.msg);
		break;
	}
	free(path);
	return ND_EXIT_FAILED;
}

/* True when `word` is one of the ", "-separated words of `list`. */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

int cli_parse_format(const struct nd_cli *cli, const char *command, const char *value,
		     const char *allowed, enum nd_format *out)
{
	if (nd_format_parse(value, out) != 0 || !in_list(allowed, value))
		return cli_usage_error(cli, command, "unknown format '%s' (choose from %s)", value,
				       allowed);
	return ND_EXIT_OK;
}

int cli_parse_int(const struct nd_cli *cli, const char *command, const char *option,
		  const char *value, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(value, &end, 10);
	if (errno || end == value || *end || v < min || v > max)
		return cli_usage_error(cli, command,
				       "%s wants a whole number from %" PRId64 " to %" PRId64 ", not '%s'",
				       option, min, max, value);
	*out = v;
	return ND_EXIT_OK;
}
