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
	enum tdx_check_id id = TDX_CHK_COMPAT_HANDOFF;
	char v[TDX_VERSION_STRLEN];
	const char *file = hv->file ? hv->file : "";

	if (!min_update_hv) {
		tdx_report_factv(report, id, TDX_CHECK_PASS, TDX_FND_HANDOFF_ANY, NULL, 0);
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
		tdx_report_fact(report, id, TDX_CHECK_WARN,
				hv->state == TDX_HANDOFF_HV_UNTRUSTED ?
				TDX_FND_HANDOFF_RELEASE_UNTRUSTED :
				TDX_FND_HANDOFF_RELEASE_OTHER_VERSION,
				TDX_FACT_U(min_update_hv), TDX_FACT_S(v), TDX_FACT_S(file));
		return;
	case TDX_HANDOFF_HV_NOT_FOUND:
	default:
		tdx_report_fact(report, id, TDX_CHECK_WARN, TDX_FND_HANDOFF_RELEASE_NOT_FOUND,
				TDX_FACT_U(min_update_hv), TDX_FACT_S(v));
		return;
	}
	tdx_report_fact(report, id, hv->hv < min_update_hv ? TDX_CHECK_FAIL : TDX_CHECK_PASS,
			hv->hv < min_update_hv ? TDX_FND_HANDOFF_RUNNING_BELOW :
			TDX_FND_HANDOFF_RUNNING_OK, TDX_FACT_U(min_update_hv), TDX_FACT_S(v),
			TDX_FACT_U(hv->hv));
}
