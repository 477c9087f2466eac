// SPDX-License-Identifier: GPL-2.0-only
/*
 * The options every command that reads an image shares (--sigstruct, --key-hash, --allow-debug),
 * as an argp child, and opening the image with a refusal that says what to do. list, which
 * judges releases but takes no single image, shares the key options (image_key_argp).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image-opts.h"

enum { OPT_KEY_HASH = 0x200, OPT_ALLOW_DEBUG };

static const struct argp_option image_options[] = {
	{ "sigstruct", 's', "FILE", 0,
	  "The image is a module .bin and this is its .sigstruct", 0 },
	{ 0 }
};

static const struct argp_option key_options[] = {
	{ "key-hash", OPT_KEY_HASH, "HEX", 0,
	  "Trust the signing key whose modulus hashes (SHA-384) to HEX instead of Intel's", 0 },
	{ "allow-debug", OPT_ALLOW_DEBUG, NULL, 0,
	  "Accept a debug-signed module (only debug-unlocked platforms load one)", 0 },
	{ 0 }
};

static error_t image_parse(int key, char *arg, struct argp_state *state)
{
	struct image_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = a;
		return 0;
	case 's':
		a->sig_path = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static error_t key_parse(int key, char *arg, struct argp_state *state)
{
	struct image_args *a = state->input;

	switch (key) {
	case OPT_KEY_HASH:
		if (tdx_hex_decode(arg, a->key_hash, sizeof(a->key_hash)) < 0)
			cli_usage_error(state, a->g, "--key-hash wants 96 hex digits (a SHA-384), "
					"not '%s'", arg);
		a->have_key_hash = true;
		return 0;
	case OPT_ALLOW_DEBUG:
		a->allow_debug = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp image_key_argp = { key_options, key_parse, NULL, NULL, NULL, NULL, NULL };

static const struct argp_child image_children[] = {
	{ &image_key_argp, 0, NULL, 0 },
	{ 0 }
};

const struct argp image_argp = {
	image_options, image_parse, NULL, NULL, image_children, NULL, NULL
};

void image_args_verify_opts(const struct image_args *a, struct tdx_verify_opts *opts)
{
	opts->key_hash = a->have_key_hash ? a->key_hash : NULL;
	opts->allow_debug = a->allow_debug;
	opts->strict = a->strict;
}

char *image_open_words(int err, const char *path, const char *sig_path)
{
	char *s;
	int n;

	if (err == -EBADMSG)
		n = asprintf(&s, "%s is not a valid TDX module image", path);
	else if (err == -ENOMEM)
		n = asprintf(&s, "out of memory reading %s", path);
	else
		n = asprintf(&s, "cannot read %s%s%s: %s", path, sig_path ? " or " : "",
			     sig_path ? sig_path : "", err == -EINVAL ? "not a regular file" :
			     strerror(-err));
	return n < 0 ? NULL : s;
}

int image_open(struct tdx_ctx *ctx, const struct image_args *a, struct tdx_report *report,
	       struct tdx_image **image, enum tdx_outcome *outcome, char **why)
{
	int rc = tdx_image_open(ctx, a->path, a->sig_path, report, image, outcome);

	*why = rc < 0 ? image_open_words(rc, a->path, a->sig_path) : NULL;
	return rc;
}
