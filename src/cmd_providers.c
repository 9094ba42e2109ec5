/* placeholder: newsdb providers */
#include "cli.h"

int cmd_providers(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "'providers' is not implemented yet");
	return ND_EXIT_FAILED;
}
