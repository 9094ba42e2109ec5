/* placeholder: newsdb stats */
#include "cli.h"

int cmd_stats(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "'stats' is not implemented yet");
	return ND_EXIT_FAILED;
}
