/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TDXCTL_TCB_OPTS_H
#define TDXCTL_TCB_OPTS_H

#include <argp.h>

#include "tdxctl.h"

/* --tcb-info FILE, --tcb-info-chain FILE, --tcb-root-hash HEX: Intel's TCB Info for a platform. */
struct tcb_args {
	const char *path;
	const char *chain_path;
	uint8_t root_hash[TDX_SHA256_LEN];
	bool have_root_hash;
	struct global_opts *g;	/* the command's, for cli_usage_error(); NULL: argp_error() */
};

/* An argp child: put it in a command's children with &its tcb_args as input. */
extern const struct argp tcb_argp;

/*
 * Read and authenticate the TCB Info the arguments name, at the clock's now. NULL *@info and 0
 * when none was asked for. On failure, *@outcome (TDX_OUTCOME_INPUT for a bad file) and one
 * line in *@why, a new string (NULL without memory; free it): "TCB Info FILE: expired: ...".
 */
int tcb_info_open(struct tdx_ctx *ctx, const struct tcb_args *a, struct tdx_tcb_info **info,
		  enum tdx_outcome *outcome, char **why);

/*
 * Why a configuration text was refused (tdx_tcb_config_parse()'s facts), in one line: "line 2:
 * unknown key (file, chain and root_hash are known)". A new string; NULL without memory.
 */
char *tcb_config_refusal_words(const struct tdx_tcb_config_refusal *r);

/*
 * Why the configured TCB Info @s (CONFIG_BAD, UNREADABLE) cannot be used, the file aside: "the
 * file is writable by every user (mode 0666)", "line 1: ...". A new string; NULL without memory.
 */
char *tcb_source_fault_words(const struct tdx_tcb_source *s);

/*
 * Why @info rates no module of SVN major @svn_major, in one line of any length: "no identity
 * TDX_03 (SVN major 3) in tdxModuleIdentities (it has TDX_01, TDX_02)", each id the document
 * has cut at 16 bytes and escaped (a newline too). A new string; NULL without memory.
 */
char *tcb_mismatch_words(const struct tdx_tcb_info *info, unsigned int svn_major);
/*
 * The advisoryIDs of a matched level as text and JSON say them, "INTEL-SA-01036,
 * INTEL-SA-01099": a new string; NULL when the level has none, or without memory.
 */
char *tcb_advisories_join(const struct tdx_tcb_match *m);

/*
 * The tcb.status check of @sig into @report (skipped, saying why, when @image_failed: its SVNs
 * are not to be trusted). -ENOENT with *@why (a new string; free it) when the TCB Info has no
 * identity for the module.
 */
int tcb_info_judge(const struct tcb_args *a, const struct tdx_tcb_info *info,
		   const struct tdx_sigstruct *sig, bool image_failed, struct tdx_report *report,
		   char **why);

/* What the TCB Info says of @sig, as a JSON object (for verify and inspect). */
struct json_object *tcb_info_to_json(const struct tcb_args *a, const struct tdx_tcb_info *info,
				     const struct tdx_sigstruct *sig);

#endif
