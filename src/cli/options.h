/*
 * options.h: what a command takes, declared once as data.  Each command's
 * table (beside the command, in cmd_*.c) parses its argv, prints its
 * --help, and is what the tests hold the man page and both completion
 * scripts against (tools/cli_options prints it).  Model: git's
 * parse-options: an entry names the variable its value goes to.
 */
#ifndef ND_OPTIONS_H
#define ND_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct nd_cli;

enum nd_opt_kind {
	ND_OPT_END,    /* ends a table */
	ND_OPT_FLAG,   /* no value: *(bool *)value = true */
	ND_OPT_TEXT,   /* any text: *(const char **)value, pointing into argv */
	ND_OPT_INT,    /* a whole number in [min, max]: *(int64_t *)value */
	ND_OPT_CHOICE, /* one of choices: *(int *)value is its index */
	ND_OPT_FORMAT, /* the shared --format: its values are the command's
			* `formats`; main reads it into cli->format */
	ND_OPT_CALL,   /* any text, handed to call (repeatable options; with
			* `optional`, NULL when the value is left out) */
};

/* How a shell completes the option's value, or a command's operands. */
enum nd_complete {
	ND_COMPLETE_NONE,      /* nothing to offer */
	ND_COMPLETE_CHOICES,   /* the choices (or the formats) */
	ND_COMPLETE_FILES,     /* files and folders */
	ND_COMPLETE_FOLDERS,   /* folders only */
	ND_COMPLETE_PROVIDERS, /* the providers of the database */
	ND_COMPLETE_TOPICS,    /* its topics */
};

struct nd_option {
	enum nd_opt_kind kind;
	const char *name;      /* the long name, without "--" */
	char short_name;       /* 0: none */
	const char *arg;       /* the value's name in --help ("N"); NULL for a flag */
	void *value;           /* where the value goes (see the kinds) */
	const char *const *choices; /* ND_OPT_CHOICE: NULL-terminated (an optional
				     * ND_OPT_CALL: the words its list is made of) */
	const char *noun;      /* ND_OPT_CHOICE: "sort" in "unknown sort 'x' (choose ...)" */
	int64_t min, max;      /* ND_OPT_INT */
	/* ND_OPT_CALL: takes the value; an exit status (ND_EXIT_OK to go on) */
	int (*call)(struct nd_cli *cli, const struct nd_option *o, const char *arg);
	/* The value may be left out: given as --name=value, or as the next
	 * argument when takes(next) says it is one (--help shows "[arg]"). */
	bool optional;
	bool (*takes)(const char *next);
	const char *help;      /* its --help text; '\n' continues it on the next line
				* (ND_OPT_FORMAT: lines after the formats) */
	enum nd_complete complete;
};

#define OPT_FLAG(s, l, v, h) \
	{ .kind = ND_OPT_FLAG, .name = (l), .short_name = (s), .value = (v), .help = (h) }
#define OPT_TEXT(s, l, a, v, h, c)                                                        \
	{ .kind = ND_OPT_TEXT, .name = (l), .short_name = (s), .arg = (a), .value = (v),   \
	  .help = (h), .complete = (c) }
#define OPT_INT(s, l, a, v, lo, hi, h)                                                    \
	{ .kind = ND_OPT_INT, .name = (l), .short_name = (s), .arg = (a), .value = (v),    \
	  .min = (lo), .max = (hi), .help = (h) }
#define OPT_CHOICE(s, l, a, v, list, n, h)                                                \
	{ .kind = ND_OPT_CHOICE, .name = (l), .short_name = (s), .arg = (a), .value = (v), \
	  .choices = (list), .noun = (n), .help = (h), .complete = ND_COMPLETE_CHOICES }
#define OPT_CALL(s, l, a, fn, h, c)                                                       \
	{ .kind = ND_OPT_CALL, .name = (l), .short_name = (s), .arg = (a), .call = (fn),   \
	  .help = (h), .complete = (c) }
/* An option whose value may be left out (ND_OPT_CALL with `optional`). */
#define OPT_OPTIONAL(s, l, a, fn, next, list, h)                                          \
	{ .kind = ND_OPT_CALL, .name = (l), .short_name = (s), .arg = (a), .call = (fn),   \
	  .optional = true, .takes = (next), .choices = (list), .help = (h),              \
	  .complete = ND_COMPLETE_CHOICES }
/* -f, --format FMT, with the command's formats; its help says them */
#define OPT_FORMAT()                                                                      \
	{ .kind = ND_OPT_FORMAT, .name = "format", .short_name = 'f', .arg = "FMT",         \
	  .complete = ND_COMPLETE_CHOICES }
/* the same, its help followed by more lines */
#define OPT_FORMAT_NOTE(h)                                                                \
	{ .kind = ND_OPT_FORMAT, .name = "format", .short_name = 'f', .arg = "FMT",         \
	  .help = (h), .complete = ND_COMPLETE_CHOICES }
#define OPT_END() { .kind = ND_OPT_END }

/* What main needs of a command (the command table, commands.c). */
enum nd_db_need {
	ND_DB_NONE,  /* main opens no database */
	ND_DB_READ,  /* it must exist; opened read-only */
	ND_DB_WRITE, /* created when missing; opened for writing */
};

struct nd_command {
	const char *name;
	const char *summary;          /* its line in `newsdb --help` */
	enum nd_db_need db;           /* what main opens into cli->store before run */
	const char *formats;          /* the shared --format's values, the default
				       * first ("text, json"); NULL: no such option */
	const struct nd_option *options; /* in --help order; -h, --help is added */
	int help_column;              /* where the options' help text starts */
	const char *help_head;        /* usage line and description */
	const char *help_tail;        /* examples and exit status, after the options */
	enum nd_complete operands;    /* how a shell completes the operands */
	/* Checks the operands before the database is opened, so a wrong command
	 * line is a usage error whether or not there is one; NULL: the command
	 * takes none.  An exit status. */
	int (*check)(struct nd_cli *cli, int argc, char **argv);
	/* Runs with the operands; cli->store is open as `db` says. */
	int (*run)(struct nd_cli *cli, int argc, char **argv);
};

/* The table of a command whose only option is the shared --format. */
extern const struct nd_option nd_format_only[];

/* The commands, in `newsdb --help` order; NULL-terminated. */
extern const struct nd_command *const nd_commands[];

/* Parses argv (argv[0] the command's name) by cmd's table, storing each
 * value where its entry says (the shared --format into cli->format).  On
 * -h, --help prints the help and sets *help.  Returns ND_EXIT_OK with
 * *first the index of the first operand (getopt moves them to the end), or
 * the exit status of a usage error it reported. */
int nd_options_parse(struct nd_cli *cli, const struct nd_command *cmd, int argc, char **argv,
		     int *first, bool *help);

/* The command's --help, options block generated from its table. */
void nd_options_help(const struct nd_command *cmd, FILE *out);

/* "a, b or c" of a NULL-terminated list, into out (size bytes). */
void nd_options_join(const char *const *words, char *out, size_t size);

#endif
