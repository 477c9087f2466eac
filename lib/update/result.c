// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What an attempt has come to so far, set by the steps that decide it: its outcome and why
 * (update_set), its progress for the caller (update_phase), and the mapping file it judges
 * with (update_mapping_open). The bottom of the update layer: the attempt (attempt.c) and its
 * pick of the latest release (latest.c) both build on it, and not on each other.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "update-private.h"

struct tdx_update_result *update_set(struct tdx_update *u, enum tdx_outcome outcome,
				     enum tdx_update_reason reason, int err, const char *path)
{
	free(u->res_path);
	free(u->res_detail);
	u->res_path = path ? strdup(path) : NULL;
	u->res_detail = NULL;
	u->res = (struct tdx_update_result){ .outcome = outcome, .reason = reason, .err = err,
					     .path = u->res_path,
					     .module_load = u->rf.kmodule_load,
					     .module_load_err = u->rf.kmodule_load_err };
	u->outcome = outcome;
	u->have_outcome = true;
	return &u->res;
}

static const char *const reason_names[] = {
	[TDX_UPDATE_R_NONE] = "none",
	[TDX_UPDATE_R_CHECK_FAILED] = "check-failed",
	[TDX_UPDATE_R_CANCELLED] = "cancelled",
	[TDX_UPDATE_R_MAPPING] = "mapping",
	[TDX_UPDATE_R_VERSION_GIVEN] = "version-given",
	[TDX_UPDATE_R_IMAGE_OPEN] = "image-open",
	[TDX_UPDATE_R_VERIFY_ERROR] = "verify-error",
	[TDX_UPDATE_R_COMPAT_ERROR] = "compat-error",
	[TDX_UPDATE_R_CHECKS_UNRECORDED] = "checks-unrecorded",
	[TDX_UPDATE_R_LOCKED_UNRECORDED] = "locked-unrecorded",
	[TDX_UPDATE_R_LOCK_UNSAFE] = "lock-unsafe",
	[TDX_UPDATE_R_INSTALLED_MEANWHILE] = "installed-meanwhile",
	[TDX_UPDATE_R_VERSION_CHANGED] = "version-changed",
	[TDX_UPDATE_R_GATE_UNSAFE] = "gate-unsafe",
	[TDX_UPDATE_R_BUILDS] = "builds",
	[TDX_UPDATE_R_VERSION_UNREADABLE] = "version-unreadable",
	[TDX_UPDATE_R_CURRENT] = "current",
	[TDX_UPDATE_R_BUILD_FAILED] = "build-failed",
	[TDX_UPDATE_R_HASH_FAILED] = "hash-failed",
	[TDX_UPDATE_R_UPLOAD_START] = "upload-start",
	[TDX_UPDATE_R_UPLOAD_OWNED] = "upload-owned",
	[TDX_UPDATE_R_UPLOAD_CANCELLED] = "upload-cancelled",
	[TDX_UPDATE_R_UPLOAD_WRITE] = "upload-write",
	[TDX_UPDATE_R_DRY_RUN] = "dry-run",
	[TDX_UPDATE_R_JUDGED] = "judged",
	[TDX_UPDATE_R_LATEST_DIR] = "latest-dir",
	[TDX_UPDATE_R_LATEST_EMPTY] = "latest-empty",
	[TDX_UPDATE_R_LATEST_SCAN] = "latest-scan",
	[TDX_UPDATE_R_LATEST_LABEL] = "latest-label",
	[TDX_UPDATE_R_LATEST_NONE] = "latest-none",
	[TDX_UPDATE_R_NO_MEMORY] = "no-memory",
	[TDX_UPDATE_R_HELD] = "held",
	[TDX_UPDATE_R_HOLD_UNTRUSTED] = "hold-untrusted",
	[TDX_UPDATE_R_HOLD_UNREADABLE] = "hold-unreadable",
	[TDX_UPDATE_R_TCB_MISMATCH] = "tcb-mismatch",
};
/* A reason added at the end without a name would be "unknown" in JSON and records. */
_Static_assert(ARRAY_SIZE(reason_names) == TDX_UPDATE_R__COUNT, "a reason has no name");

TDX_EXPORT
const char *tdx_update_reason_name(enum tdx_update_reason reason)
{
	if ((size_t)reason >= ARRAY_SIZE(reason_names) || !reason_names[reason])
		return "unknown";
	return reason_names[reason];
}

bool update_set_detail(struct tdx_update *u, const char *detail)
{
	free(u->res_detail);
	u->res_detail = detail ? strdup(detail) : NULL;
	u->res.detail = u->res_detail;
	return !detail || u->res_detail;
}

void update_phase(struct tdx_update *u, const struct tdx_update_progress *progress)
{
	if (u->o.phase)
		u->o.phase(u->o.data, progress);
}

/*
 * The mapping file @src names or finds (tdx_mapping_open()); one that cannot be used decides
 * the attempt (an input error). 0 with *@mapping NULL: none.
 */
int update_mapping_open(struct tdx_update *u, const struct tdx_mapping_source *src,
			struct tdx_mapping **mapping, char **path)
{
	struct tdx_mapping_refusal why;
	int rc = tdx_mapping_open(u->ctx, src, mapping, path, &why);
	struct tdx_update_result *r;

	if (rc < 0) {
		u->mapping_rc = rc;
		r = update_set(u, tdx_mapping_open_outcome(rc), TDX_UPDATE_R_MAPPING, rc, *path);
		r->remedies = rc == -EPERM ? TDX_REMEDY_MAPPING_OWNER : 0;
		r->mapping = why;
		if (rc == -EPERM)
			r->untrusted = *tdx_ctx_trust_refusal(u->ctx);
		r->untrusted.path = NULL;	/* the context's: valid only until the next read */
	}
	return rc;
}
