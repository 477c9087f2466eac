// SPDX-License-Identifier: GPL-2.0-only
/* tdxctl convert (placeholder until the image library lands). */
#include "tdxctl.h"

int cmd_convert(int argc, char **argv, struct tdx_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	return EXIT_FAILED;
}
