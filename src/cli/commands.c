/*
 * commands.c: the command table, in the order `newsdb --help` lists them.
 * Each command describes itself (name, summary, database, options, help)
 * beside its code in cmd_*.c, as fossil's commands carry their help.
 */
#include "cli.h"

const struct nd_command *const nd_commands[] = {
	&nd_cmd_import, &nd_cmd_search, &nd_cmd_show, &nd_cmd_stats, &nd_cmd_providers,
	&nd_cmd_topics, &nd_cmd_export, &nd_cmd_check, &nd_cmd_optimize, NULL,
};
