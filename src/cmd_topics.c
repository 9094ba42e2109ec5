/* placeholder: newsdb topics */
#include "cli.h"

int cmd_topics(struct nd_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "'topics' is not implemented yet");
	return ND_EXIT_FAILED;
}
