/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TDXCTL_IMAGE_OPTS_H
#define TDXCTL_IMAGE_OPTS_H

#include <argp.h>

#include "tdxctl.h"

struct image_args {
	const char *path;
	const char *sig_path;
	uint8_t key_hash[TDX_SHA384_LEN];
	bool have_key_hash;
	bool allow_debug;
	bool strict;		/* --strict, for the commands that judge an image */
	struct global_opts *g;	/* the command's, for cli_usage_error(); NULL: argp_error() */
};

/*
 * --strict: the commands that judge an image (verify, convert, update) list it in their own
 * options, since inspect shares image_argp and judges nothing.
 */
#define IMAGE_OPT_STRICT	0x280
#define IMAGE_STRICT_OPTION	{ "strict", IMAGE_OPT_STRICT, NULL, 0, \
				  "A finding of a rule only observed in Intel's samples fails " \
				  "(default: a warning; see tdxctl-verify(8))", 0 }

/* An argp child: put it in a command's children with &its image_args as input. */
extern const struct argp image_argp;
/* Only --key-hash and --allow-debug (image_argp includes them), for list. */
extern const struct argp image_key_argp;

void image_args_verify_opts(const struct image_args *a, struct tdx_verify_opts *opts);

/*
 * Load and parse the image the arguments name. On failure, *outcome says how to exit and *@why
 * (a new string, NULL without memory; free it) says what failed; container check failures are in
 * @report.
 */
int image_open(struct tdx_ctx *ctx, const struct image_args *a, struct tdx_report *report,
	       struct tdx_image **image, enum tdx_outcome *outcome, char **why);
/*
 * What tdx_image_open()'s @err means for PATH (and SIG_PATH), in one line: "cannot read PATH[ or
 * SIG_PATH]: REASON", "out of memory reading PATH" or "PATH is not a valid TDX module image". A
 * new string (of any length), or NULL without memory.
 */
char *image_open_words(int err, const char *path, const char *sig_path);

#endif
