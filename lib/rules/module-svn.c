// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A module version's SVN from the history's records (tdx-launch.h): the kernel shows only the
 * running module's version, and the history is where tdxctl wrote what it installed. Pure: the
 * records come from lib/host (tdx_history_read()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules-private.h"
#include "tdx-launch.h"

TDX_EXPORT
const char *tdx_svn_source_name(enum tdx_svn_source source)
{
	switch (source) {
	case TDX_SVN_UNKNOWN:	return "unknown";
	case TDX_SVN_HISTORY:	return "history";
	case TDX_SVN_RELEASE:	return "release";
	}
	return "unknown";
}

static const char *record_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An SVN field: an integer 0..255, or false. */
static bool record_svn(struct json_object *o, const char *key, uint8_t *svn)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	n = json_object_get_int64(v);
	if (n < 0 || n > 255)
		return false;
	*svn = (uint8_t)n;
	return true;
}

/*
 * Did the record install a module, and which version (*@v)? An update (not a dry run: "kind",
 * else "command" in records older than "kind"), outcome "ok", uploaded, with new_version and
 * image_version the same well-formed version: a reinstall or an update that was judged done.
 */
static bool record_installed(struct json_object *o, struct tdx_version *v)
{
	const char *kind = record_string(o, "kind"), *cmd = record_string(o, "command");
	const char *outcome = record_string(o, "outcome");
	const char *nv = record_string(o, "new_version"), *iv = record_string(o, "image_version");
	struct json_object *up;
	struct tdx_version image;

	if (kind ? strcmp(kind, "update") != 0 : (cmd && strstr(cmd, "dry-run")))
		return false;
	if (!outcome || strcmp(outcome, tdx_outcome_name(TDX_OUTCOME_OK)) != 0)
		return false;
	if (!json_object_object_get_ex(o, "uploaded", &up) ||
	    !json_object_is_type(up, json_type_boolean) || !json_object_get_boolean(up))
		return false;
	if (!nv || !iv || tdx_version_parse(nv, v) < 0 || tdx_version_parse(iv, &image) < 0)
		return false;
	return tdx_version_cmp(v, &image) == 0;
}

TDX_EXPORT
int tdx_module_svn_from_history(struct json_object *records, const struct tdx_version *v,
				bool last_only, struct tdx_module_svn *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	out->version = *v;
	if (!records || !json_object_is_type(records, json_type_array))
		return -ENOENT;
	n = json_object_array_length(records);
	for (size_t i = n; i-- > 0;) {
		struct json_object *r = json_object_array_get_idx(records, i);
		struct tdx_version got;
		const char *when;

		if (!json_object_is_type(r, json_type_object) || !record_installed(r, &got))
			continue;
		if (tdx_version_cmp(&got, v) != 0) {
			if (last_only)
				return -ENOENT;
			continue;
		}
		if (!record_svn(r, "image_svn_major", &out->major) ||
		    !record_svn(r, "image_svn_minor", &out->minor)) {
			/* A record older than the SVN fields: an older install may have them. */
			out->major = out->minor = 0;
			if (last_only)
				return -ENOENT;
			continue;
		}
		when = record_string(r, "time");
		snprintf(out->evidence, sizeof(out->evidence), "%s", when ? when : "");
		out->source = TDX_SVN_HISTORY;
		return 0;
	}
	return -ENOENT;
}
