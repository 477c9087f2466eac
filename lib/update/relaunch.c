// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TDs an update leaves running on an older module (issue 27, item 1): the launch records
 * (gate.c) of the TDs that still run, each judged against the module running now by the relaunch
 * rule (lib/rules/relaunch.c). One call for every front end: status and its metrics read the
 * host with it, and an update's front end after the attempt's record is written, so that the
 * record of the install just made is the running module's SVN evidence.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "update-private.h"

TDX_EXPORT
int tdx_relaunch_collect(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
			 const struct tdx_tcb_info *tcb, struct tdx_relaunch *r)
{
	struct tdx_gate *gate = NULL;

	if (!r)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->tcb = tcb != NULL;
	r->rc = host ? tdx_module_svn_running(ctx, host, history, NULL, &r->running) : -ENODEV;
	if (r->rc < 0)
		return r->rc;
	r->rc = tdx_gate_new(ctx, NULL, &gate);
	if (r->rc == 0)
		r->rc = tdx_launch_list(gate, &r->list, &r->n);
	tdx_gate_free(gate);
	if (r->rc == 0)
		r->rc = tdx_launch_resolve_svn(ctx, r->list, r->n, history, NULL);
	if (r->rc == 0 && r->n && !(r->judged = calloc(r->n, sizeof(*r->judged))))
		r->rc = -ENOMEM;
	if (r->rc < 0)
		return r->rc;
	for (size_t i = 0; i < r->n; i++) {
		struct tdx_relaunch_td *j = &r->judged[i];

		if (r->list[i].state != TDX_LAUNCH_RUNNING) {
			r->ignored += r->list[i].state == TDX_LAUNCH_UNTRUSTED;
			continue;
		}
		r->running_tds++;
		tdx_relaunch_judge(&r->list[i], &r->running, tcb, j);
		r->older += j->older;
		r->svn_unknown += j->older && !j->svn_known;
		r->advised += j->advised;
	}
	return 0;
}

TDX_EXPORT
void tdx_relaunch_clear(struct tdx_relaunch *r)
{
	if (!r)
		return;
	free(r->list);
	free(r->judged);
	memset(r, 0, sizeof(*r));
}
