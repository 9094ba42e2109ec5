/* placeholder: newsdb optimize */
#include "cli.h"

int cmd_optimize(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "'optimize' is not implemented yet");
	return ND_EXIT_FAILED;
}
