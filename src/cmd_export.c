/* placeholder: newsdb export */
#include "cli.h"

int cmd_export(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "'export' is not implemented yet");
	return ND_EXIT_FAILED;
}
