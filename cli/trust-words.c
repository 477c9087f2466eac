// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why a file root reads was not trusted, in words: the library returns the fault and its facts
 * (struct tdx_trust_refusal: tdx_ctx_trust_refusal(), a hold's, an update result's); the
 * clause that says it is made here, for status, update and the mapping file alike.
 */
#include <stdlib.h>

#include "tdxctl.h"

char *trust_refusal_words(const struct tdx_trust_refusal *r)
{
	const char *what = r->folder ? "its folder" : "the file";

	switch (r->fault) {
	case TDX_TRUST_FAULT_NONE:
		return NULL;
	case TDX_TRUST_FAULT_SYMLINK:
		return cli_words("the file is a symbolic link");
	case TDX_TRUST_FAULT_NOT_REGULAR:
		return cli_words("the file is not a regular file");
	case TDX_TRUST_FAULT_OWNER:
		return cli_words("%s is owned by uid %u, not root", what, r->uid);
	case TDX_TRUST_FAULT_WRITABLE:
		return cli_words("%s is writable by %s (mode %04o)", what,
				 r->by_all ? "every user" : "its group", r->mode);
	}
	return cli_words("not trusted");
}
