/* placeholder: newsdb check */
#include "cli.h"

int cmd_check(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "'check' is not implemented yet");
	return ND_EXIT_FAILED;
}
