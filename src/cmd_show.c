/* placeholder: newsdb show */
#include "cli.h"

int cmd_show(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "'show' is not implemented yet");
	return ND_EXIT_FAILED;
}
