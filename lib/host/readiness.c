// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Could an update start now? The facts the readiness rules are judged from, gathered from the
 * host (tdx_readiness_collect), and the TD-build gate's facts after an update closed it
 * (tdx_readiness_read_gate_close). The rules themselves are pure (lib/rules/readiness.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host-private.h"

/* The gate read through @gate (NULL: could not be opened, @rc why), as tdx_readiness_read_gate. */
static void gate_read(struct tdx_gate *gate, int rc, struct tdx_readiness_facts *f)
{
	f->builds_live = f->builds_ignored = 0;
	f->gate_mine = false;

	f->gate_rc = rc;
	if (!f->gate_rc)
		f->gate_rc = tdx_gate_list(gate, &f->builds, &f->n_builds);
	if (!f->gate_rc)
		f->gate_rc = tdx_gate_query(gate, &f->gate_closed, &f->gate_closer);
	if (f->gate_rc < 0) {
		free(f->builds);
		f->builds = NULL;
		f->n_builds = 0;
		f->gate_closed = false;
		f->gate_closer = 0;
		return;
	}
	for (size_t i = 0; i < f->n_builds; i++) {
		if (f->builds[i].state == TDX_GATE_LIVE)
			f->builds_live++;
		else
			f->builds_ignored++;
	}
	f->gate_mine = f->gate_closed && f->gate_closer == getpid();
}

void tdx_readiness_read_gate(struct tdx_ctx *ctx, struct tdx_readiness_facts *f)
{
	struct tdx_gate *gate = NULL;
	int rc = tdx_gate_new(ctx, NULL, &gate);

	gate_read(gate, rc, f);
	tdx_gate_free(gate);
}

TDX_EXPORT
void tdx_readiness_read_gate_close(struct tdx_gate *gate, int rc, unsigned int wait_ms,
				   struct tdx_readiness_facts *f)
{
	size_t live = 0;

	tdx_readiness_facts_clear(f);
	f->now = time(NULL);
	if (rc == -EALREADY) {
		gate_read(gate, 0, f);
		/* Reopened since? It was closed when the close tried: judged so. */
		if (f->gate_rc == 0 && !f->gate_closed) {
			f->gate_closed = true;
			f->gate_closer = 0;
		}
		f->gate_mine = false;
		return;
	}
	f->gate_tried = true;
	f->builds_waited_ms = wait_ms;
	f->gate_rc = rc == -EBUSY ? 0 : rc;
	f->builds_live = f->builds_ignored = 0;
	f->gate_closed = f->gate_mine = false;
	f->gate_closer = 0;
	if (rc < 0 && rc != -EBUSY)
		return;
	if (tdx_gate_list(gate, &f->builds, &f->n_builds) < 0) {
		f->builds = NULL;
		f->n_builds = 0;
	}
	for (size_t i = 0; i < f->n_builds; i++)
		live += f->builds[i].state == TDX_GATE_LIVE;
	f->builds_ignored = f->n_builds - live;
	/* What the close found decides: a build that ended since is named "ended just now". */
	f->builds_live = rc == -EBUSY ? (live ? live : 1) : 0;
	f->gate_closed = f->gate_mine = rc == 0;
	f->gate_closer = rc == 0 ? getpid() : 0;
}

TDX_EXPORT
void tdx_readiness_collect(struct tdx_ctx *ctx, struct tdx_host *host, const char *kmodule,
			   struct tdx_readiness_facts *f)
{
	int rc;

	memset(f, 0, sizeof(*f));
	tdx_host_collect(ctx, host, &f->host);
	f->sysfs_root = tdx_ctx_get_path(ctx, TDX_CTX_SYSFS);
	f->kmodule = tdx_kmodule_name(ctx, kmodule);
	rc = tdx_kmodule_get_state(ctx, f->kmodule, &f->kmodule_state);
	f->kmodule_err = f->kmodule_state == TDX_KMODULE_QUERY_FAILED ? rc : 0;
	tdx_caller_get_privileges(&f->root, &f->rawio);
	f->run_dir = tdx_ctx_get_path(ctx, TDX_CTX_RUN_DIR);
	f->lock_rc = tdx_lock_query(ctx, f->run_dir, &f->lock_held, &f->lock_owner);
	f->lock_mine = f->lock_held && f->lock_owner.pid == getpid() && f->lock_owner.alive;
	f->now = time(NULL);
	tdx_readiness_read_gate(ctx, f);
}

TDX_EXPORT
void tdx_readiness_facts_clear(struct tdx_readiness_facts *f)
{
	free(f->builds);
	f->builds = NULL;
	f->n_builds = 0;
}

TDX_EXPORT
enum tdx_outcome tdx_host_readiness(struct tdx_ctx *ctx, struct tdx_host *host,
				    const char *kmodule, struct tdx_readiness_facts *f,
				    struct tdx_report *report)
{
	tdx_readiness_collect(ctx, host, kmodule, f);
	return tdx_readiness_judge(f, report);
}
