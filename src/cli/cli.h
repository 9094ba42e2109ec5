/*
 * cli.h: what every command shares: the global options, the shared
 * --format and the open database main hands it, messages on stderr in one
 * style, exit codes.
 */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "options.h"
#include "printer.h"
#include "store.h"

/* Exit status, documented in --help and the README. */
enum {
	ND_EXIT_OK = 0,
	ND_EXIT_FAILED = 1, /* some input failed, nothing matched, or the database could not be used */
	ND_EXIT_USAGE = 2,  /* the command line is wrong */
};

struct nd_cli {
	const char *db_path;
	bool color_out; /* stdout is a terminal and NO_COLOR is not set */
	bool color_err; /* the same for stderr */
	bool err_tty;   /* stderr is a terminal: progress bars */
	enum nd_format format;  /* the shared --format (text when not given) */
	struct nd_store *store; /* opened by main as the command's table says */
};

/* "newsdb: error: ..." on stderr. */
void cli_error(const struct nd_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warning(const struct nd_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_note(const struct nd_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports a usage error for `command` with a hint to --help; returns
 * ND_EXIT_USAGE. */
int cli_usage_error(const struct nd_cli *cli, const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* s made safe for a terminal on one line (escape.h: controls, bidi
 * overrides and invalid UTF-8 written as \e, \n, \xNN, \u202e).  Caller
 * frees. */
char *cli_printable(const char *s);

/* The same for text output: every value from the database or a file goes
 * through it before printf.  The result is in one of 8 buffers used in
 * turn (per thread), so it is valid until the 8th call after; NULL gives "".
 * Never free it. */
const char *cli_safe(const char *s);

/* Makes stdout a stream that remembers why a write to fd 1 failed (errno
 * is long gone when the command ends).  Call before anything is printed. */
void cli_watch_stdout(void);

/* Flushes and closes stdout after a command that returned rc.  When a
 * write failed (a full disk, /dev/full), prints one error line
 * ("write failure on standard output: No space left on device") and returns
 * ND_EXIT_FAILED.  A reader that went away (EPIPE, when SIGPIPE is ignored;
 * otherwise the signal has already ended newsdb without a word) is no error
 * and gets no message, as in git.  Else rc. */
int cli_finish_stdout(const struct nd_cli *cli, int rc);

/* Opens the database, printing what went wrong.  Returns ND_EXIT_OK or the
 * exit status to return. */
int cli_open_store(const struct nd_cli *cli, enum nd_store_mode mode, struct nd_store **out);

/* Loads article `id` into *a (release it in any case), printing what went
 * wrong; 0 or -1. */
int cli_load_article(const struct nd_cli *cli, struct nd_store *store, int64_t id,
		     struct nd_article *a);

/* Parses --format's value; prints a usage error and returns ND_EXIT_USAGE
 * when it is not one of `allowed` (a list like "text, json"). */
int cli_parse_format(const struct nd_cli *cli, const char *command, const char *value,
		     const char *allowed, enum nd_format *out);

/* Parses a whole number in [min, max]; prints a usage error on failure. */
int cli_parse_int(const struct nd_cli *cli, const char *command, const char *option,
		  const char *value, int64_t min, int64_t max, int64_t *out);

/* The commands (cmd_*.c), listed by commands.c. */
extern const struct nd_command nd_cmd_import, nd_cmd_search, nd_cmd_show, nd_cmd_stats,
	nd_cmd_providers, nd_cmd_topics, nd_cmd_export, nd_cmd_check, nd_cmd_optimize;


#endif
