/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The relaunch advisories as status shows them (relaunch.c): the TDs launched under an older
 * module than the running one, and with TCB Info those verifiers will advise relaunching.
 */
#ifndef TDXCTL_RELAUNCH_H
#define TDXCTL_RELAUNCH_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "tdx-gate.h"

struct relaunch_view {
	int rc;				/* reading the records or the running version: 0 or why not */
	struct tdx_module_svn running;	/* the running module, its SVN and the evidence */
	bool tcb;			/* judged with TCB Info */
	struct tdx_launch *list;	/* every record, judged (free()) */
	struct tdx_relaunch_td *judged;	/* the rule's result for each (free()) */
	size_t n;
	size_t running_tds, ignored, older, svn_unknown, advised;
};

/*
 * Read the launch records and the running module (@host may be NULL: unknown), and judge each
 * running TD with @tcb (NULL: none). Nothing fails: @r->rc says why the advisories are unknown.
 */
void relaunch_collect(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
		      const struct tdx_tcb_info *tcb, struct relaunch_view *r);
void relaunch_clear(struct relaunch_view *r);
/* status --json's "relaunch" object (null when unknown). */
struct json_object *relaunch_to_json(const struct relaunch_view *r);
/* status's lines. */
void relaunch_print(const struct relaunch_view *r);

#endif
