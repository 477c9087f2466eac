/* SPDX-License-Identifier: GPL-2.0-only */
/* What status gathers besides the host's facts, shared by its outputs (status.c, metrics.c). */
#ifndef TDXCTL_STATUS_H
#define TDXCTL_STATUS_H

#include <stdbool.h>

#include <json-c/json.h>

#include "relaunch.h"
#include "tcb-status.h"
#include "tdx-host.h"

/* The facts readiness is judged from (the library's), and the history's. */
struct status_extra {
	struct tdx_readiness_facts rf;	/* tdx_readiness_collect() */
	struct json_object *last;	/* the last attempt in the history, or NULL */
	struct json_object *last_upload;	/* the last one that reached the kernel */
	int history_rc;			/* tdx_history_read(): 0, -ENOENT (none yet), or why not */
	size_t history_skipped;		/* lines that did not parse */
	struct tdx_history_last last_update;	/* the last update that was not a dry run */
	struct tdx_hold hold;		/* the rollout hold (tdx_hold_read()) */
	int hold_rc;			/* 0, -EPERM (set but untrusted), or why it is unreadable */
	struct tcb_running tcb;		/* the running module's TCB status (tcb-status.c) */
	struct tdx_relaunch relaunch;	/* the TDs launched under an older module (relaunch.c) */
};

/*
 * The state as node_exporter textfile-collector metrics, to stdout or, with @output, into that
 * file atomically. Returns an outcome: TDX_OUTCOME_OUTPUT when the file cannot be written.
 */
enum tdx_outcome status_write_prometheus(struct tdx_ctx *ctx, const struct status_extra *x,
					 const struct tdx_report *report, enum tdx_outcome outcome,
					 const char *output);

#endif /* TDXCTL_STATUS_H */
