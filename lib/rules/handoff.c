// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The handoff rule (compat.handoff): the image's min_update_hv against the running module's
 * handoff version. Pure: the update finds the running module's version and handoff version
 * (lib/update/attempt.c looks for its release's sigstruct), this judges them.
 */
#include "format-private.h"
#include "tdx-rules.h"

TDX_EXPORT
void tdx_handoff_judge(uint16_t min_update_hv, const struct tdx_version *running,
		       const struct tdx_handoff_hv *hv, struct tdx_report *report)
{
	char v[TDX_VERSION_STRLEN];
	const char *file = hv->file ? hv->file : "";

	if (!min_update_hv) {
		tdx_report_add(report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_PASS,
			       "min_update_hv is 0: any running module can hand over");
		return;
	}
	if (!running)
		return;
	tdx_version_format(running, v, sizeof(v));
	switch (hv->state) {
	case TDX_HANDOFF_HV_KNOWN:
		break;
	case TDX_HANDOFF_HV_UNTRUSTED:
	case TDX_HANDOFF_HV_OTHER_VERSION:
		tdx_report_add(report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_WARN,
			       "the image needs a running module with handoff version %u or later; "
			       "the running %s's is unknown (%s, of its release, %s, so its handoff "
			       "version is not used): if it is lower, the loader fails the install "
			       "and every TD is lost", min_update_hv, v, file,
			       hv->state == TDX_HANDOFF_HV_UNTRUSTED ?
			       "does not verify with the trusted key" :
			       "is of another version than the running one");
		return;
	case TDX_HANDOFF_HV_NOT_FOUND:
	default:
		tdx_report_add(report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_WARN,
			       "the image needs a running module with handoff version %u or later; "
			       "the running %s's is unknown (its release is not beside the image): "
			       "if it is lower, the loader fails the install and every TD is lost",
			       min_update_hv, v);
		return;
	}
	if (hv->hv < min_update_hv) {
		tdx_report_add(report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_FAIL,
			       "the image needs a running module with handoff version %u or later; "
			       "the running %s has %u (its release's sigstruct): the loader would "
			       "fail the install and every TD would be lost; nothing was changed",
			       min_update_hv, v, hv->hv);
		return;
	}
	tdx_report_add(report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_PASS,
		       "the running %s has handoff version %u, at least min_update_hv %u", v, hv->hv,
		       min_update_hv);
}
