/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The running module's TCB status, as verifiers will rate it, from the TCB Info the host is
 * configured with (tcb-status.c): shared by status's text and JSON and by its metrics.
 */
#ifndef TDXCTL_TCB_STATUS_H
#define TDXCTL_TCB_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "tdx-gate.h"

/* Why the running module's TCB status is what it is (a stable word each: tcb_reason_name()). */
enum tcb_reason {
	TCB_RATED = 0,		/* rated: status is the TCB Info's word */
	TCB_NO_FILE,		/* no TCB Info configured */
	TCB_CONFIG_BAD,		/* a configuration file unreadable, untrusted or invalid */
	TCB_FILE_UNREADABLE,	/* the TCB Info or its chain unreadable or untrusted */
	TCB_FILE_EXPIRED,	/* past its nextUpdate (or before its issueDate) */
	TCB_FILE_INVALID,	/* not a TDX TCB Info, unsigned or badly signed */
	TCB_MODULE_UNKNOWN,	/* the running module's version cannot be read (lost, no TDX) */
	TCB_SVN_UNKNOWN,	/* nothing on the host says the running module's SVN */
	TCB_NO_IDENTITY,	/* the TCB Info rates no module of the running one's line */
};

struct tcb_running {
	enum tcb_reason reason;
	struct tdx_tcb_source src;	/* the configured TCB Info (tdx_tcb_source_open()) */
	char version[TDX_VERSION_STRLEN];	/* the running module's, "" unknown */
	bool have_svn;
	unsigned int svn_major, svn_minor;
	const char *svn_source;		/* "history", "release" */
	char svn_evidence[TDX_SVN_EVIDENCE_MAX];	/* the record's time, or the release's path */
	struct tdx_tcb_match match;	/* TCB_RATED: what the TCB Info says */
	int64_t next_update;		/* the document's nextUpdate, seconds; 0 unknown */
};

/* "rated", "no-file", "config-invalid", ..., "svn-unknown", "no-identity". */
const char *tcb_reason_name(enum tcb_reason reason);

/*
 * Gather it: the configured TCB Info, and only when there is a usable one the running module's
 * version (from @host) and SVN (the history @history, else a verified release of it).
 */
void tcb_running_collect(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
			 struct tcb_running *r);
void tcb_running_clear(struct tcb_running *r);

/* The "tcb" object of status --json. */
struct json_object *tcb_running_to_json(const struct tcb_running *r);
/* The "TCB status:" line of status. */
void tcb_running_print(const struct tcb_running *r);

#endif
