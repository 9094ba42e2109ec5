/*
 * options.c: a command's argv parsed, and its --help printed, from its
 * option table (options.h).  getopt_long does the parsing; its tables are
 * made from ours, so the two cannot disagree.
 */
#include "options.h"

#include <assert.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"

/* Options a command may have, --help included: more is a bug. */
#define MAX_OPTIONS 32

/* getopt's value for entry k without a short name: above every char */
#define LONG_ONLY 256

const struct nd_option nd_format_only[] = { OPT_FORMAT(), OPT_END() };

void nd_options_join(const char *const *words, char *out, size_t size)
{
	size_t n = 0;
	while (words[n])
		n++;
	struct nd_buf b = ND_BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		if (k)
			nd_buf_adds(&b, k == n - 1 ? " or " : ", ");
		nd_buf_adds(&b, words[k]);
	}
	snprintf(out, size, "%s", nd_buf_str(&b));
	nd_buf_release(&b);
}

static int parse_choice(struct nd_cli *cli, const char *command, const struct nd_option *o,
			const char *arg)
{
	for (int k = 0; o->choices[k]; k++) {
		if (!strcmp(arg, o->choices[k])) {
			*(int *)o->value = k;
			return ND_EXIT_OK;
		}
	}
	char all[256];
	nd_options_join(o->choices, all, sizeof(all));
	return cli_usage_error(cli, command, "unknown %s '%s' (choose %s)", o->noun, arg, all);
}

static int take(struct nd_cli *cli, const struct nd_command *cmd, const struct nd_option *o,
		const char *arg)
{
	char option[64];
	switch (o->kind) {
	case ND_OPT_FLAG:
		*(bool *)o->value = true;
		return ND_EXIT_OK;
	case ND_OPT_TEXT:
		*(const char **)o->value = arg;
		return ND_EXIT_OK;
	case ND_OPT_INT:
		snprintf(option, sizeof(option), "--%s", o->name);
		return cli_parse_int(cli, cmd->name, option, arg, o->min, o->max, o->value);
	case ND_OPT_CHOICE:
		return parse_choice(cli, cmd->name, o, arg);
	case ND_OPT_FORMAT:
		return cli_parse_format(cli, cmd->name, arg, cmd->formats, &cli->format);
	case ND_OPT_CALL:
		return o->call(cli, o, arg);
	case ND_OPT_END:
		break;
	}
	BUG("option --%s of %s has no kind", o->name, cmd->name);
}

int nd_options_parse(struct nd_cli *cli, const struct nd_command *cmd, int argc, char **argv,
		     int *first, bool *help)
{
	struct option longs[MAX_OPTIONS + 2];
	char shorts[3 * MAX_OPTIONS + 3];
	size_t n = 0, s = 0;
	*help = false;
	for (const struct nd_option *o = cmd->options; o && o->kind != ND_OPT_END; o++, n++) {
		if (n == MAX_OPTIONS)
			BUG("%s has more than %d options", cmd->name, MAX_OPTIONS);
		int val = o->short_name ? o->short_name : LONG_ONLY + (int)n;
		int has_arg = !o->arg ? no_argument : o->optional ? optional_argument
								  : required_argument;
		longs[n] = (struct option){ o->name, has_arg, NULL, val };
		if (o->short_name) {
			shorts[s++] = o->short_name;
			if (o->arg)
				shorts[s++] = ':';
		}
	}
	longs[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	shorts[s++] = 'h';
	shorts[s] = '\0';
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == 'h') {
			nd_options_help(cmd, stdout);
			*help = true;
			return ND_EXIT_OK;
		}
		const struct nd_option *o = NULL;
		if (c >= LONG_ONLY && c < LONG_ONLY + (int)n)
			o = &cmd->options[c - LONG_ONLY];
		for (size_t k = 0; !o && c != '?' && k < n; k++)
			if (cmd->options[k].short_name == c)
				o = &cmd->options[k];
		if (!o)
			return cli_usage_error(cli, cmd->name, "unknown option '%s'", argv[optind - 1]);
		const char *arg = optarg;
		if (o->optional && !arg && optind < argc && o->takes && o->takes(argv[optind]))
			arg = argv[optind++];
		int rc = take(cli, cmd, o, arg);
		if (rc != ND_EXIT_OK)
			return rc;
	}
	*first = optind;
	return ND_EXIT_OK;
}

/* "text (default), json or csv" of "text, json, csv". */
static void format_help(const char *formats, struct nd_buf *out)
{
	char *copy = nd_xstrdup(formats);
	const char *words[16] = { "" };
	size_t n = 0;
	for (char *save, *w = strtok_r(copy, ", ", &save); w && n < 15; w = strtok_r(NULL, ", ", &save))
		words[n++] = w;
	words[n] = NULL;
	char joined[256];
	nd_options_join(words + 1, joined, sizeof(joined));
	nd_buf_addf(out, "%s (default)%s%s", words[0], n > 2 ? ", " : n == 2 ? " or " : "",
		    joined);
	free(copy);
}

static void help_row(FILE *out, int column, char short_name, const char *name, const char *arg,
		     bool optional, const char *help)
{
	struct nd_buf label = ND_BUF_INIT;
	if (short_name)
		nd_buf_addf(&label, "  -%c, --%s", short_name, name);
	else
		nd_buf_addf(&label, "      --%s", name);
	if (arg)
		nd_buf_addf(&label, optional ? " [%s]" : " %s", arg);
	fprintf(out, "%-*s", column, nd_buf_str(&label));
	for (const char *p = help; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fprintf(out, "%*s", column, "");
	}
	fputc('\n', out);
	nd_buf_release(&label);
}

void nd_options_help(const struct nd_command *cmd, FILE *out)
{
	assert(cmd && cmd->help_head);
	fputs(cmd->help_head, out);
	if (cmd->options && cmd->options[0].kind != ND_OPT_END) {
		fputs("\nOptions:\n", out);
		for (const struct nd_option *o = cmd->options; o->kind != ND_OPT_END; o++) {
			struct nd_buf text = ND_BUF_INIT;
			if (o->kind == ND_OPT_FORMAT) {
				format_help(cmd->formats, &text);
				if (o->help)
					nd_buf_addf(&text, "\n%s", o->help);
			} else {
				nd_buf_adds(&text, o->help);
			}
			help_row(out, cmd->help_column, o->short_name, o->name, o->arg,
				 o->optional, nd_buf_str(&text));
			nd_buf_release(&text);
		}
		help_row(out, cmd->help_column, 'h', "help", NULL, false, "show this help");
	}
	fputs(cmd->help_tail ? cmd->help_tail : "", out);
}
