/*
 * cli_options.c: prints the command table and every command's options
 * (src/cli/options.h) as one JSON document, so that the tests can hold the man
 * page and both completion scripts against the table --help is printed
 * from (tests/e2e/test_interop.py, class OptionsTable).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "options.h"

static const char *const kinds[] = {
	[ND_OPT_END] = "end", [ND_OPT_FLAG] = "flag", [ND_OPT_TEXT] = "text",
	[ND_OPT_INT] = "int", [ND_OPT_CHOICE] = "choice", [ND_OPT_FORMAT] = "format",
	[ND_OPT_CALL] = "text",
};
static const char *const completions[] = {
	[ND_COMPLETE_NONE] = "none", [ND_COMPLETE_CHOICES] = "choices",
	[ND_COMPLETE_FILES] = "files", [ND_COMPLETE_FOLDERS] = "folders",
	[ND_COMPLETE_PROVIDERS] = "providers", [ND_COMPLETE_TOPICS] = "topics",
};
static const char *const dbs[] = {
	[ND_DB_NONE] = "none", [ND_DB_READ] = "read", [ND_DB_WRITE] = "write",
};

/* "k":"v" for each pair of kv (n pairs), comma-separated; a NULL v is null. */
static void keys(struct nd_buf *b, const char *const *kv, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (k)
			nd_buf_addc(b, ',');
		nd_json_add_string(b, kv[2 * k], strlen(kv[2 * k]));
		nd_buf_addc(b, ':');
		if (kv[2 * k + 1])
			nd_json_add_string(b, kv[2 * k + 1], strlen(kv[2 * k + 1]));
		else
			nd_buf_adds(b, "null");
	}
}

/* The words of "text, json" as a JSON array. */
static void words(struct nd_buf *b, const char *list)
{
	nd_buf_addc(b, '[');
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ", ");
		if (p != list)
			nd_buf_addc(b, ',');
		nd_json_add_string(b, p, n);
		p += n;
		p += strspn(p, ", ");
	}
	nd_buf_addc(b, ']');
}

int main(void)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_adds(&b, "{\"commands\":[");
	for (size_t c = 0; nd_commands[c]; c++) {
		const struct nd_command *cmd = nd_commands[c];
		nd_buf_adds(&b, c ? ",\n{" : "\n{");
		const char *const about[] = {
			"name", cmd->name, "summary", cmd->summary, "db", dbs[cmd->db],
			"operands", completions[cmd->operands],
		};
		keys(&b, about, 4);
		nd_buf_adds(&b, ",\"options\":[");
		for (const struct nd_option *o = cmd->options; o && o->kind != ND_OPT_END; o++) {
			char short_name[2] = { o->short_name, '\0' };
			if (o != cmd->options)
				nd_buf_addc(&b, ',');
			nd_buf_addc(&b, '{');
			const char *const about[] = {
				"long", o->name, "short", o->short_name ? short_name : NULL,
				"arg", o->arg, "kind", kinds[o->kind],
				"complete", completions[o->complete],
			};
			keys(&b, about, 5);
			nd_buf_adds(&b, o->optional ? ",\"optional\":true" : ",\"optional\":false");
			nd_buf_adds(&b, ",\"choices\":");
			if (o->kind == ND_OPT_FORMAT) {
				words(&b, cmd->formats);
			} else if (o->choices) {
				nd_buf_addc(&b, '[');
				for (size_t k = 0; o->choices[k]; k++) {
					if (k)
						nd_buf_addc(&b, ',');
					nd_json_add_string(&b, o->choices[k], strlen(o->choices[k]));
				}
				nd_buf_addc(&b, ']');
			} else {
				nd_buf_adds(&b, "[]");
			}
			nd_buf_addc(&b, '}');
		}
		nd_buf_adds(&b, "]}");
	}
	nd_buf_adds(&b, "\n]}\n");
	fputs(nd_buf_str(&b), stdout);
	nd_buf_release(&b);
	return ferror(stdout) ? 1 : 0;
}
