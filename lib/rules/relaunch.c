// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The relaunch rule (tdx-launch.h): which running TDs were launched under an older module
 * than the running one, and which of those a verifier will rate TD_RELAUNCH_ADVISED. Pure: the
 * launch records, the running module's SVN and the TCB Info are the host code's to read.
 */
#include <errno.h>
#include <string.h>

#include "rules-private.h"
#include "tdx-launch.h"

TDX_EXPORT
const char *tdx_launch_state_name(enum tdx_launch_state state)
{
	switch (state) {
	case TDX_LAUNCH_RUNNING:	return "running";
	case TDX_LAUNCH_STALE:		return "stale";
	case TDX_LAUNCH_UNTRUSTED:	return "untrusted";
	}
	return "unknown";
}

TDX_EXPORT
int tdx_relaunch_judge(const struct tdx_launch *l, const struct tdx_module_svn *running,
		       const struct tdx_tcb_info *tcb, struct tdx_relaunch_td *out)
{
	struct tdx_tcb_match now;

	if (!l || !running || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	/* A record without a version says nothing of its module: never counted as older. */
	if (!l->have_version || tdx_version_cmp(&l->version, &running->version) == 0)
		return 0;
	out->older = true;
	out->svn_known = l->svn_source != TDX_SVN_UNKNOWN;
	if (!tcb || !out->svn_known || running->source == TDX_SVN_UNKNOWN)
		return 0;
	/*
	 * checkForRelaunch's module half: the launch module's level (TEE_TCB_SVN) OutOfDate,
	 * and the running module's minor SVN (TEE_TCB_SVN_2[0]) at least the latest level of
	 * its identity TDX_<TEE_TCB_SVN_2[1]>. An identity missing for either: not rated.
	 */
	out->launch_match_rc = tdx_tcb_info_match(tcb, l->svn_major, l->svn_minor, &out->launch);
	if (out->launch_match_rc < 0 ||
	    tdx_tcb_info_match(tcb, running->major, running->minor, &now) < 0)
		return 0;
	out->rated = true;
	out->advised = out->launch.grade == TDX_TCB_OUT_OF_DATE &&
		       running->minor >= now.latest_isvsvn;
	return 0;
}
