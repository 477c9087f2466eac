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

/* Where in the document @r's fault is: "tcbInfo", "tdxModuleIdentities[1] (\"TDX_03\") ...". */
static char *tcb_place_words(const struct tdx_tcb_refusal *r)
{
	/* The id is the document's bytes: escaped, newline included (see tcb_mismatch_words()). */
	char *safe = tdx_escape(r->identity_id, strlen(r->identity_id), 0);
	char id[80] = "";

	if (safe && safe[0])
		snprintf(id, sizeof(id), " (\"%s\")", safe);
	free(safe);
	switch (r->place) {
	case TDX_TCB_AT_TOP:
		return strdup("the document");
	case TDX_TCB_AT_TCB_INFO:
		return strdup("tcbInfo");
	case TDX_TCB_AT_IDENTITY:
		return cli_words("tdxModuleIdentities[%u]%s", r->identity, id);
	case TDX_TCB_AT_LEVEL:
		return cli_words("tdxModuleIdentities[%u]%s tcbLevels[%u]", r->identity, id,
				 r->level);
	}
	return strdup("the document");
}

char *tcb_refusal_words(const struct tdx_tcb_refusal *r)
{
	char *place = tcb_place_words(r), *w = NULL;
	const char *p = place ? place : "?";
	const char *member = r->member ? r->member : "?";
	const char *found = json_kind_words(r->found), *expected = json_kind_words(r->expected);

	if (!place)
		return NULL;
	switch (r->fault) {
	case TDX_TCB_FAULT_NONE:
		w = strdup("no fault recorded");
		break;
	case TDX_TCB_FAULT_EMPTY:
		w = strdup("empty");
		break;
	case TDX_TCB_FAULT_TOO_LARGE:
		w = cli_words("larger than the %llu bytes accepted", r->limit);
		break;
	case TDX_TCB_FAULT_NUL_BYTE:
		w = strdup("contains a NUL byte: not a JSON text");
		break;
	case TDX_TCB_FAULT_NOT_AN_OBJECT:
		w = strdup("not a TCB Info document: it does not start with a JSON object");
		break;
	case TDX_TCB_FAULT_SYNTAX:
		w = r->place == TDX_TCB_AT_TCB_INFO ? strdup("\"tcbInfo\" is not a JSON object") :
		    cli_words("not valid JSON near byte %lld", r->number);
		break;
	case TDX_TCB_FAULT_UNENDED:
		w = strdup("not valid JSON: the top-level object does not end");
		break;
	case TDX_TCB_FAULT_TWICE:
		w = cli_words("\"%s\" appears twice", member);
		break;
	case TDX_TCB_FAULT_NO_TCB_INFO:
		w = strdup("not a TCB Info document: no \"tcbInfo\" member");
		break;
	case TDX_TCB_FAULT_UNSIGNED:
		w = strdup("unsigned: no \"signature\" member");
		break;
	case TDX_TCB_FAULT_SIGNATURE_HEX:
		w = cli_words("its \"signature\" is not %llu hex digits (an ECDSA P-256 r || s)",
			      r->limit);
		break;
	case TDX_TCB_FAULT_TRAILING:
		w = cli_words("text after the JSON object at byte %lld that is not a PEM "
			      "certificate chain", r->number);
		break;
	case TDX_TCB_FAULT_NO_CHAIN:
		w = strdup("no issuer chain: give the PEM certificates PCS serves in its "
			   "TCB-Info-Issuer-Chain header, after the JSON or in a file of their own");
		break;
	case TDX_TCB_FAULT_CHAIN_NOT_PEM:
		w = strdup("its issuer chain is not valid PEM certificates");
		break;
	case TDX_TCB_FAULT_CHAIN_ROOT:
		w = cli_words("its issuer chain does not end at the pinned root (public key SHA-256 "
			      "%s)%s%s", r->root_key, r->chain_root_key[0] ?
			      "; its root's key is " : "", r->chain_root_key);
		break;
	case TDX_TCB_FAULT_CHAIN_NO_SIGNER:
		w = cli_words("its issuer chain has no \"%s\" certificate", member);
		break;
	case TDX_TCB_FAULT_CHAIN_INVALID:
		w = cli_words("its issuer chain does not verify: %s (certificate at depth %lld)",
			      r->detail ? r->detail : "?", r->number);
		break;
	case TDX_TCB_FAULT_SIGNER_KEY:
		w = strdup("its signing certificate's key is not an ECDSA P-256 key");
		break;
	case TDX_TCB_FAULT_SIGNATURE:
		w = cli_words("its signature does not verify: the tcbInfo bytes are not the ones "
			      "\"%s\" signed", member);
		break;
	case TDX_TCB_FAULT_MISSING:
		w = cli_words("%s: \"%s\" is missing", p, member);
		break;
	case TDX_TCB_FAULT_TYPE:
		if (!r->member && r->place == TDX_TCB_AT_TCB_INFO)
			w = cli_words("\"tcbInfo\" is %s, expected %s", found, expected);
		else if (!r->member)
			w = cli_words("%s is %s, expected %s", p, found, expected);
		else if (r->place == TDX_TCB_AT_TOP)
			w = cli_words("\"%s\" is %s, expected %s", member, found, expected);
		else
			w = cli_words("%s: \"%s\" is %s, expected %s", p, member, found,
				      expected);
		break;
	case TDX_TCB_FAULT_ITEM_TYPE:
		/* Of each item: "holds an integer, expected strings". */
		w = cli_words("%s: \"%s\" holds %s, expected %s", p, member, found,
			      r->expected == TDX_JSON_KIND_STRING ? "strings" : expected);
		break;
	case TDX_TCB_FAULT_NOT_TDX:
		w = cli_words("a TCB Info for \"%s\", not for TDX (id \"TDX\": PCS's "
			      "/tdx/certification/v4/tcb)", r->value);
		break;
	case TDX_TCB_FAULT_VERSION:
		w = cli_words("TCB Info version %lld, expected 3 (the version PCS API v4 serves and "
			      "tdxctl reads)", r->number);
		break;
	case TDX_TCB_FAULT_RANGE:
		w = cli_words("%s: %s %lld is not 0 to %llu", p, member, r->number, r->limit);
		break;
	case TDX_TCB_FAULT_DATE:
		w = cli_words("%s \"%s\" is not a date YYYY-MM-DDThh:mm:ssZ", member, r->value);
		break;
	case TDX_TCB_FAULT_FUTURE:
		w = cli_words("issued %s, which is in the future (check this host's clock)",
			      r->value);
		break;
	case TDX_TCB_FAULT_EXPIRED:
		w = cli_words("expired: its nextUpdate is %s (issued %s); fetch a current one from "
			      "PCS or the PCCS", r->value, r->value2);
		break;
	case TDX_TCB_FAULT_TOO_MANY:
		w = cli_words("%s has %lld %s, more than %llu", p, r->number, member, r->limit);
		break;
	}
	if (!w)
		w = cli_words("refused (fault %d)", (int)r->fault);
	free(place);
	return w;
}

int tcb_info_open(struct tdx_ctx *ctx, const struct tcb_args *a, struct tdx_tcb_info **info,
		  enum tdx_outcome *outcome, char **why)
{
	struct tdx_tcb_info_opts o = {
		.now = (int64_t)time(NULL),
		.root_key_hash = a->have_root_hash ? a->root_hash : NULL,
	};
	uint8_t *doc = NULL, *chain = NULL;
	size_t len = 0, chain_len = 0;
	struct tdx_tcb_refusal refusal;
	char *reason;
	int rc;

	*info = NULL;
	*why = NULL;
	*outcome = TDX_OUTCOME_OK;
	if (!a->path)
		return 0;
	rc = tdx_file_read(ctx, a->path, TDX_TCB_INFO_MAX_SIZE, &doc, &len);
	if (rc == 0 && a->chain_path) {
		rc = tdx_file_read(ctx, a->chain_path, TDX_TCB_INFO_MAX_SIZE, &chain, &chain_len);
		if (rc < 0) {
			*outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT);
			*why = cli_words("cannot read the TCB Info chain %s: %s", a->chain_path,
					 rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
			goto out;
		}
	}
	if (rc < 0) {
		*outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT);
		*why = cli_words("cannot read the TCB Info %s: %s", a->path,
				 rc == -EFBIG ? "larger than 1 MiB" : strerror(-rc));
		goto out;
	}
	rc = tdx_tcb_info_parse(ctx, (const char *)doc, len, (const char *)chain, chain_len, &o,
				info, &refusal);
	if (rc < 0) {
		/* Every refusal of the document is about the input, whatever errno says it. */
		*outcome = rc == -ENOMEM ? TDX_OUTCOME_FAILED : TDX_OUTCOME_INPUT;
		reason = rc == -ENOMEM ? NULL : tcb_refusal_words(&refusal);
		*why = cli_words("TCB Info %s: %s", a->path, reason ? reason : "out of memory");
		free(reason);
	}
out:
	free(doc);
	free(chain);
	return rc;
}

char *tcb_config_refusal_words(const struct tdx_tcb_config_refusal *r)
{
	const char *key = r->key ? r->key : "?";

	switch (r->fault) {
	case TDX_TCB_CONFIG_FAULT_NONE:
		break;
	case TDX_TCB_CONFIG_FAULT_NUL_BYTE:
		return cli_words("a NUL byte: not a text file");
	case TDX_TCB_CONFIG_FAULT_NOT_KEY_VALUE:
		return cli_words("line %u: not \"key = value\"", r->line);
	case TDX_TCB_CONFIG_FAULT_UNKNOWN_KEY:
		return cli_words("line %u: unknown key (file, chain and root_hash are known)",
				 r->line);
	case TDX_TCB_CONFIG_FAULT_RELATIVE:
		return cli_words("line %u: %s must be an absolute path", r->line, key);
	case TDX_TCB_CONFIG_FAULT_TOO_LONG:
		return cli_words("line %u: %s is longer than %zu bytes", r->line, key, r->limit);
	case TDX_TCB_CONFIG_FAULT_CONTROL:
		return cli_words("line %u: %s holds a control character", r->line, key);
	case TDX_TCB_CONFIG_FAULT_ROOT_HASH:
		return cli_words("line %u: %s wants 64 hex digits (a SHA-256)", r->line, key);
	}
	return cli_words("refused (fault %d)", (int)r->fault);
}

char *tcb_source_fault_words(const struct tdx_tcb_source *s)
{
	char *w;

	switch (s->fault) {
	case TDX_TCB_SOURCE_FAULT_NONE:
		break;
	case TDX_TCB_SOURCE_FAULT_READ:
		return cli_words("%s", s->err == -EFBIG ? "too large" : strerror(-s->err));
	case TDX_TCB_SOURCE_FAULT_UNTRUSTED:
		w = trust_refusal_words(&s->untrusted);
		return w ? w : cli_words("not trusted");
	case TDX_TCB_SOURCE_FAULT_CONFIG:
		return tcb_config_refusal_words(&s->config_refusal);
	case TDX_TCB_SOURCE_FAULT_DROPINS:
		return cli_words("more than %u drop-ins", s->limit);
	case TDX_TCB_SOURCE_FAULT_DROPIN_PATH:
		return cli_words("a drop-in's path is too long");
	}
	return cli_words("refused (fault %d)", (int)s->fault);
}

char *tcb_mismatch_words(const struct tdx_tcb_info *info, unsigned int svn_major)
{
	size_t n = tdx_tcb_info_identity_count(info), len = 0;
	struct tdx_tcb_match m;
	char *text = NULL;
	FILE *f;

	/* Fills m.identity, the identity looked for, whether or not the document has it. */
	tdx_tcb_info_match(info, svn_major, 0, &m);
	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "no identity %s (SVN major %u) in tdxModuleIdentities (it has ", m.identity,
		svn_major);
	/*
	 * The ids are the document's bytes: each is cut and escaped, newline included, so that
	 * text and JSON say the same and none can forge a line or move the cursor.
	 */
	for (size_t i = 0; i < n; i++) {
		const char *id = tdx_tcb_info_identity_id(info, i);
		char *safe = tdx_escape(id, strnlen(id, 16), 0);

		fprintf(f, "%s%s", i ? ", " : "", safe ? safe : "?");
		free(safe);
	}
	fprintf(f, "%s)", n ? "" : "none");
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int tcb_info_judge(const struct tcb_args *a, const struct tdx_tcb_info *info,
		   const struct tdx_sigstruct *sig, bool image_failed, struct tdx_report *report,
		   char **why)
{
	char *reason;
	int rc;

	*why = NULL;
	if (image_failed)
		return tdx_report_fact(report, TDX_CHK_TCB_STATUS, TDX_CHECK_SKIP,
				       TDX_FND_UPDATE_TCB_NOT_RATED, TDX_FACT_U(sig->svn_major),
				       TDX_FACT_U(sig->svn_minor));
	rc = tdx_tcb_info_check(info, sig, report);
	if (rc == -ENOENT) {
		reason = tcb_mismatch_words(info, sig->svn_major);
		*why = reason ? cli_words("TCB Info %s does not fit this module: %s", a->path,
					  reason) : NULL;
		free(reason);
	}
	return rc == -EBADMSG ? 0 : rc;
}

char *tcb_advisories_join(const struct tdx_tcb_match *m)
{
	char *s = NULL;
	size_t size = 0;
	FILE *f;

	if (!m->n_advisories)
		return NULL;
	f = open_memstream(&s, &size);
	if (!f)
		return NULL;
	for (size_t i = 0; i < m->n_advisories; i++)
		fprintf(f, "%s%s", i ? ", " : "", m->advisories[i]);
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

struct json_object *tcb_info_to_json(const struct tcb_args *a, const struct tdx_tcb_info *info,
				     const struct tdx_sigstruct *sig)
{
	struct json_object *o = json_object_new_object();
	struct tdx_tcb_match m;
	bool found = tdx_tcb_info_match(info, sig->svn_major, sig->svn_minor, &m) == 0;
	char *advisories = found ? tcb_advisories_join(&m) : NULL;

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
	json_object_object_add(o, "advisories", tdx_json_string_or_null(advisories));
	json_object_object_add(o, "latest_isvsvn", found && m.latest_status ?
			       json_object_new_int((int)m.latest_isvsvn) : NULL);
	free(advisories);
	return o;
}
