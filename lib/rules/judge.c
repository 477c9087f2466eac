// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one judgement that must never be wrong: did the update happen, was it refused with the
 * running module intact, or is the module lost. Pure: facts in, judgement out.
 */
#include <errno.h>
#include <string.h>

#include "format-private.h"
#include "tdx-rules.h"

TDX_EXPORT
enum tdx_update_judgement tdx_update_judge(const struct tdx_update_facts *f)
{
	bool is_image, is_old;

	if (f->version_rc == -ENXIO)
		return TDX_JUDGED_LOST;
	if (f->timed_out)
		return TDX_JUDGED_STILL_BUSY;
	if (f->version_rc < 0)
		return TDX_JUDGED_UNREADABLE;
	is_image = tdx_version_cmp(&f->now, &f->image) == 0;
	is_old = tdx_version_cmp(&f->now, &f->old) == 0;
	/* Kernels before the abort rule ran later steps after a failed one. */
	if (is_image && !f->reinstall && f->have_kernel_error)
		return TDX_JUDGED_PARTIAL;
	if (is_image && (!f->reinstall || (!f->have_kernel_error && f->started)))
		return TDX_JUDGED_UPDATED;
	if (!is_old)
		return TDX_JUDGED_OTHER_VERSION;
	if (f->have_kernel_error && f->kernel_error_code &&
	    strcmp(f->kernel_error_code, "device-busy") == 0)
		return TDX_JUDGED_DEVICE_BUSY;
	return TDX_JUDGED_REJECTED;
}

TDX_EXPORT
const char *tdx_update_judgement_name(enum tdx_update_judgement j)
{
	switch (j) {
	case TDX_JUDGED_UPDATED:	return "updated";
	case TDX_JUDGED_LOST:		return "lost";
	case TDX_JUDGED_STILL_BUSY:	return "still-busy";
	case TDX_JUDGED_UNREADABLE:	return "version-unreadable";
	case TDX_JUDGED_PARTIAL:	return "partial";
	case TDX_JUDGED_OTHER_VERSION:	return "other-version";
	case TDX_JUDGED_DEVICE_BUSY:	return "device-busy";
	case TDX_JUDGED_REJECTED:	return "rejected";
	}
	return "unknown";
}

TDX_EXPORT
enum tdx_outcome tdx_update_judgement_outcome(enum tdx_update_judgement j)
{
	switch (j) {
	case TDX_JUDGED_UPDATED:	return TDX_OUTCOME_OK;
	case TDX_JUDGED_LOST:		return TDX_OUTCOME_LOST;
	case TDX_JUDGED_DEVICE_BUSY:	return TDX_OUTCOME_RETRY;
	case TDX_JUDGED_REJECTED:	return TDX_OUTCOME_REJECTED;
	case TDX_JUDGED_STILL_BUSY:
	case TDX_JUDGED_UNREADABLE:
	case TDX_JUDGED_PARTIAL:
	case TDX_JUDGED_OTHER_VERSION:
		break;
	}
	return TDX_OUTCOME_FAILED;
}
