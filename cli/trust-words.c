// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why a file root reads was not trusted, in words: the library returns the fault and its facts
 * (struct tdx_trust_refusal: tdx_ctx_trust_refusal(), a hold's, an update result's); the
 * clause that says it is made here, for status, update and the mapping file alike, and the
 * object that gives JSON readers the same facts.
 */
#include <stdio.h>
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

/* The fault's name in JSON: "symlink", "not-regular", "owner", "writable". */
static const char *trust_fault_name(enum tdx_trust_fault fault)
{
	switch (fault) {
	case TDX_TRUST_FAULT_NONE:		return "none";
	case TDX_TRUST_FAULT_SYMLINK:		return "symlink";
	case TDX_TRUST_FAULT_NOT_REGULAR:	return "not-regular";
	case TDX_TRUST_FAULT_OWNER:		return "owner";
	case TDX_TRUST_FAULT_WRITABLE:		return "writable";
	}
	return "none";
}

/*
 * The facts trust_refusal_words() says, for JSON readers: one object whatever the fault, with
 * null where a fact does not apply (a symbolic link has no owner or mode that was judged).
 */
struct json_object *trust_refusal_to_json(const struct tdx_trust_refusal *r)
{
	bool judged = r->fault == TDX_TRUST_FAULT_OWNER || r->fault == TDX_TRUST_FAULT_WRITABLE;
	struct json_object *o;
	char mode[8];

	if (r->fault == TDX_TRUST_FAULT_NONE)
		return NULL;
	o = json_object_new_object();
	snprintf(mode, sizeof(mode), "%04o", r->mode & 07777);
	json_object_object_add(o, "fault", json_object_new_string(trust_fault_name(r->fault)));
	json_object_object_add(o, "path", tdx_json_string_or_null(r->path));
	json_object_object_add(o, "folder", json_object_new_boolean(judged && r->folder));
	json_object_object_add(o, "uid", judged ? json_object_new_int64(r->uid) : NULL);
	json_object_object_add(o, "mode", judged ? json_object_new_string(mode) : NULL);
	json_object_object_add(o, "writable_by", r->fault != TDX_TRUST_FAULT_WRITABLE ? NULL :
			       json_object_new_string(r->by_all ? "all" : "group"));
	return o;
}
