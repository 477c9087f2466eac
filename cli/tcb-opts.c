// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel's TDX TCB Info on the command line (--tcb-info and its chain and root), shared by the
 * commands that judge a module for verifiers: reading the file, its refusal, and its JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcb-opts.h"

enum { OPT_TCB_INFO = 0x300, OPT_TCB_CHAIN, OPT_TCB_ROOT };

static const struct argp_option tcb_options[] = {
	{ "tcb-info", OPT_TCB_INFO, "FILE", 0,
	  "Intel's TDX TCB Info for this platform (PCS's JSON, optionally followed by its PEM "
	  "issuer chain): rate the module as verifiers will (tcb.status)", 0 },
	{ "tcb-info-chain", OPT_TCB_CHAIN, "FILE", 0,
	  "The TCB Info's issuer chain: PEM, or PCS's URL-encoded TCB-Info-Issuer-Chain header", 0 },
	{ "tcb-root-hash", OPT_TCB_ROOT, "HEX", 0,
	  "Trust the root whose public key hashes (SHA-256) to HEX instead of Intel's SGX Root CA",
	  0 },
	{ 0 }
};

static error_t tcb_parse(int key, char *arg, struct argp_state *state)
{
	struct tcb_args *a = state->input;

	switch (key) {
	case OPT_TCB_INFO:
		a->path = arg;
		return 0;
	case OPT_TCB_CHAIN:
		a->chain_path = arg;
		return 0;
	case OPT_TCB_ROOT:
		if (tdx_hex_decode(arg, a->root_hash, sizeof(a->root_hash)) < 0)
			cli_usage_error(state, a->g, "--tcb-root-hash wants 64 hex digits (a "
					"SHA-256), not '%s'", arg);
		a->have_root_hash = true;
		return 0;
	case ARGP_KEY_END:
		if ((a->chain_path || a->have_root_hash) && !a->path)
			cli_usage_error(state, a->g, "--tcb-info-chain and --tcb-root-hash need "
					"--tcb-info");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp tcb_argp = { tcb_options, tcb_parse, NULL, NULL, NULL, NULL, NULL };

int tcb_info_open(struct tdx_ctx *ctx, const struct tcb_args *a, struct tdx_tcb_info **info,
		  enum tdx_outcome *outcome, char *why, size_t why_len)
{
	struct tdx_tcb_info_opts o = {
		.now = (int64_t)time(NULL),
		.root_key_hash = a->have_root_hash ? a->root_hash : NULL,
	};
	uint8_t *doc = NULL, *chain = NULL;
	size_t len = 0, chain_len = 0;
	char reason[400];
	int rc;

	*info = NULL;
	*outcome = TDX_OUTCOME_OK;
	if (!a->path)
		return 0;
	rc = tdx_file_read(ctx, a->path, TDX_TCB_INFO_MAX_SIZE, &doc, &len);
	if (rc == 0 && a->chain_path) {
		rc = tdx_file_read(ctx, a->chain_path, TDX_TCB_INFO_MAX_SIZE, &chain, &chain_len);
		if (rc < 0) {
			*outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT);
			snprintf(why, why_len, "cannot read the TCB Info chain %s: %s", a->chain_path,
				 rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
			goto out;
		}
	}
	if (rc < 0) {
		*outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT);
		snprintf(why, why_len, "cannot read the TCB Info %s: %s", a->path,
			 rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
		goto out;
	}
	rc = tdx_tcb_info_parse(ctx, (const char *)doc, len, (const char *)chain, chain_len, &o,
				info, reason, sizeof(reason));
	if (rc < 0) {
		/* Every refusal of the document is about the input, whatever errno says it. */
		*outcome = rc == -ENOMEM ? TDX_OUTCOME_FAILED : TDX_OUTCOME_INPUT;
		snprintf(why, why_len, "TCB Info %s: %s", a->path, reason);
	}
out:
	free(doc);
	free(chain);
	return rc;
}

int tcb_info_judge(const struct tcb_args *a, const struct tdx_tcb_info *info,
		   const struct tdx_sigstruct *sig, bool image_failed, struct tdx_report *report,
		   char *why, size_t why_len)
{
	char reason[400];
	int rc;

	if (image_failed)
		return tdx_report_add(report, TDX_CHK_TCB_STATUS, TDX_CHECK_SKIP, "not rated: the "
				      "image failed a check, so its SVN %u.%u is not to be trusted",
				      sig->svn_major, sig->svn_minor);
	rc = tdx_tcb_info_check(info, sig, report, reason, sizeof(reason));
	if (rc == -ENOENT)
		snprintf(why, why_len, "TCB Info %s does not fit this module: %s", a->path, reason);
	return rc == -EBADMSG ? 0 : rc;
}

struct json_object *tcb_info_to_json(const struct tcb_args *a, const struct tdx_tcb_info *info,
				     const struct tdx_sigstruct *sig)
{
	struct json_object *o = json_object_new_object();
	struct tdx_tcb_match m;
	bool found = tdx_tcb_info_match(info, sig->svn_major, sig->svn_minor, &m) == 0;

	json_object_object_add(o, "file", tdx_json_string_or_null(a->path));
	json_object_object_add(o, "fmspc", json_object_new_string(tdx_tcb_info_fmspc(info)));
	json_object_object_add(o, "evaluation", json_object_new_int64(
		tdx_tcb_info_evaluation_number(info)));
	json_object_object_add(o, "issue_date",
			       json_object_new_string(tdx_tcb_info_issue_date(info)));
	json_object_object_add(o, "next_update",
			       json_object_new_string(tdx_tcb_info_next_update(info)));
	json_object_object_add(o, "identity", json_object_new_string(m.identity));
	json_object_object_add(o, "status", found ? json_object_new_string(m.status) : NULL);
	json_object_object_add(o, "grade", found ? json_object_new_string(
		tdx_tcb_grade_name(m.grade)) : NULL);
	json_object_object_add(o, "level_isvsvn", found && m.grade != TDX_TCB_NOT_SUPPORTED ?
			       json_object_new_int((int)m.level_isvsvn) : NULL);
	json_object_object_add(o, "tcb_date", found ? tdx_json_string_or_null(m.tcb_date) : NULL);
	json_object_object_add(o, "advisories", found ? tdx_json_string_or_null(m.advisories) :
			       NULL);
	json_object_object_add(o, "latest_isvsvn", found && m.latest_status ?
			       json_object_new_int((int)m.latest_isvsvn) : NULL);
	return o;
}
