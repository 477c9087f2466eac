// SPDX-License-Identifier: GPL-2.0-only
/* tdxctl verify, tdxctl inspect (placeholder until the image library lands). */
#include "tdxctl.h"

int cmd_verify(int argc, char **argv, struct tdx_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	return EXIT_FAILED;
}

int cmd_inspect(int argc, char **argv, struct tdx_ctx *ctx)
{
	(void)argc; (void)argv; (void)ctx;
	return EXIT_FAILED;
}
