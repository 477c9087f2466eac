// SPDX-License-Identifier: GPL-2.0-only
/*
 * The running module's TCB status for status and its metrics: what Intel's TCB Info, as the
 * host is configured with it (tdx_tcb_source_open(): /etc/tdxctl/tcb-info.conf), says verifiers
 * will rate the module that runs now. It rests on the running module's SVN, which the kernel
 * does not show: the library resolves it from the history or a verified release, and when
 * nothing says it, the status is unknown, never guessed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcb-opts.h"
#include "tcb-status.h"
#include "tdxctl.h"

const char *tcb_reason_name(enum tcb_reason reason)
{
	switch (reason) {
	case TCB_RATED:			return "rated";
	case TCB_NO_FILE:		return "no-file";
	case TCB_CONFIG_BAD:		return "config-invalid";
	case TCB_FILE_UNREADABLE:	return "file-unreadable";
	case TCB_FILE_EXPIRED:		return "file-expired";
	case TCB_FILE_INVALID:		return "file-invalid";
	case TCB_MODULE_UNKNOWN:	return "module-unknown";
	case TCB_SVN_UNKNOWN:		return "svn-unknown";
	case TCB_NO_IDENTITY:		return "no-identity";
	}
	return "unknown";
}

/* "YYYY-MM-DDThh:mm:ssZ" (as PCS writes it) in seconds since the epoch; 0 when not that. */
static int64_t tcb_date_seconds(const char *iso)
{
	struct tm tm = { 0 };
	const char *end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;

	if (!end || (*end && strcmp(end, "Z") != 0))
		return 0;
	return (int64_t)timegm(&tm);
}

/*
 * The running module's version and SVN: 0, 1 when nothing on the host says its SVN, or the
 * negative errno why the version cannot be read (-ENXIO: lost; -ENOENT: no such file).
 */
static int tcb_running_svn(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
			   struct tcb_running *r)
{
	struct tdx_module_svn *svn = calloc(1, sizeof(*svn));
	int rc;

	if (!svn)
		return -ENOMEM;
	rc = tdx_module_svn_running(ctx, host, history, NULL, svn);
	if (rc == 0) {
		tdx_version_format(&svn->version, r->version, sizeof(r->version));
		if (svn->source == TDX_SVN_UNKNOWN) {
			rc = 1;
		} else {
			r->have_svn = true;
			r->svn_major = svn->major;
			r->svn_minor = svn->minor;
			r->svn_source = tdx_svn_source_name(svn->source);
			snprintf(r->svn_evidence, sizeof(r->svn_evidence), "%s", svn->evidence);
		}
	}
	free(svn);
	return rc;
}

void tcb_running_collect(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
			 struct tcb_running *r)
{
	static const enum tcb_reason by_state[] = {
		[TDX_TCB_SOURCE_OK] = TCB_RATED,
		[TDX_TCB_SOURCE_NONE] = TCB_NO_FILE,
		[TDX_TCB_SOURCE_CONFIG_BAD] = TCB_CONFIG_BAD,
		[TDX_TCB_SOURCE_UNREADABLE] = TCB_FILE_UNREADABLE,
		[TDX_TCB_SOURCE_EXPIRED] = TCB_FILE_EXPIRED,
		[TDX_TCB_SOURCE_INVALID] = TCB_FILE_INVALID,
	};
	int rc;

	memset(r, 0, sizeof(*r));
	tdx_tcb_source_open(ctx, (int64_t)time(NULL), &r->src);
	r->reason = (size_t)r->src.state < sizeof(by_state) / sizeof(by_state[0]) ?
		    by_state[r->src.state] : TCB_FILE_INVALID;
	if (r->reason != TCB_RATED)
		return;
	r->next_update = tcb_date_seconds(tdx_tcb_info_next_update(r->src.info));
	rc = tcb_running_svn(ctx, host, history, r);
	if (rc == 1)
		r->reason = TCB_SVN_UNKNOWN;
	else if (rc < 0)
		r->reason = TCB_MODULE_UNKNOWN;
	else if (tdx_tcb_info_match(r->src.info, r->svn_major, r->svn_minor, &r->match) < 0)
		r->reason = TCB_NO_IDENTITY;
}

void tcb_running_clear(struct tcb_running *r)
{
	tdx_tcb_source_clear(&r->src);
}

/* The status word: the TCB Info's tcbStatus as written ("NotSupported": no level), or unknown. */
static const char *tcb_status_word(const struct tcb_running *r)
{
	return r->reason == TCB_RATED && r->match.status ? r->match.status : "unknown";
}

/* Why the status is unknown, in words (NULL when rated). */
static char *tcb_reason_words(const struct tcb_running *r)
{
	const struct tdx_tcb_source *s = &r->src;
	char *w = NULL, *fault;
	int n = 0;

	switch (r->reason) {
	case TCB_RATED:
		return NULL;
	case TCB_NO_FILE:
		n = asprintf(&w, "no TCB Info configured (%s names none)", s->config);
		break;
	case TCB_CONFIG_BAD:
		fault = tcb_source_fault_words(s);
		n = asprintf(&w, "the configuration %s is not used: %s", s->config,
			     fault ? fault : "out of memory");
		free(fault);
		break;
	case TCB_FILE_UNREADABLE:
		fault = tcb_source_fault_words(s);
		n = asprintf(&w, "the TCB Info %s %s cannot be used: %s",
			     s->chain_failed ? "chain" : "file",
			     s->chain_failed ? s->cfg.chain : s->cfg.file,
			     fault ? fault : "out of memory");
		free(fault);
		break;
	case TCB_FILE_EXPIRED:
	case TCB_FILE_INVALID:
		fault = tcb_refusal_words(&s->refusal);
		n = asprintf(&w, "the TCB Info %s %s: %s", s->cfg.file,
			     r->reason == TCB_FILE_EXPIRED ? "is out of date" : "is refused",
			     fault ? fault : "out of memory");
		free(fault);
		break;
	case TCB_MODULE_UNKNOWN:
		n = asprintf(&w, "the running module's version cannot be read");
		break;
	case TCB_SVN_UNKNOWN:
		n = asprintf(&w, "the running module %s has an unknown SVN: no history record of its "
			     "install and no verified release of it under the releases folder",
			     r->version[0] ? r->version : "?");
		break;
	case TCB_NO_IDENTITY:
		n = asprintf(&w, "the TCB Info %s has no identity TDX_%02X for the running module "
			     "%s (SVN %u.%u)", s->cfg.file, r->svn_major, r->version, r->svn_major,
			     r->svn_minor);
		break;
	}
	return n < 0 ? NULL : w;
}

struct json_object *tcb_running_to_json(const struct tcb_running *r)
{
	const struct tdx_tcb_source *s = &r->src;
	const struct tdx_tcb_match *m = &r->match;
	struct json_object *o = json_object_new_object();
	bool rated = r->reason == TCB_RATED;
	char *why = tcb_reason_words(r), svn[16];
	char *advisories = rated ? tcb_advisories_join(m) : NULL;

	json_object_object_add(o, "status", json_object_new_string(tcb_status_word(r)));
	json_object_object_add(o, "grade", rated ? json_object_new_string(
		tdx_tcb_grade_name(m->grade)) : NULL);
	json_object_object_add(o, "reason", json_object_new_string(tcb_reason_name(r->reason)));
	json_object_object_add(o, "why", tdx_json_string_or_null(why));
	json_object_object_add(o, "config", tdx_json_string_or_null(s->config));
	json_object_object_add(o, "file", tdx_json_string_or_null(s->cfg.file[0] ? s->cfg.file :
								   NULL));
	json_object_object_add(o, "fmspc", s->info ? json_object_new_string(
		tdx_tcb_info_fmspc(s->info)) : NULL);
	json_object_object_add(o, "next_update", s->info ? json_object_new_string(
		tdx_tcb_info_next_update(s->info)) : NULL);
	json_object_object_add(o, "module_version", tdx_json_string_or_null(r->version[0] ?
									    r->version : NULL));
	snprintf(svn, sizeof(svn), "%u.%u", r->svn_major, r->svn_minor);
	json_object_object_add(o, "module_svn", r->have_svn ? json_object_new_string(svn) : NULL);
	json_object_object_add(o, "svn_source", tdx_json_string_or_null(r->svn_source));
	json_object_object_add(o, "svn_evidence", r->have_svn ?
			       json_object_new_string(r->svn_evidence) : NULL);
	json_object_object_add(o, "identity", rated ? json_object_new_string(m->identity) : NULL);
	json_object_object_add(o, "level_isvsvn", rated && m->grade != TDX_TCB_NOT_SUPPORTED ?
			       json_object_new_int((int)m->level_isvsvn) : NULL);
	json_object_object_add(o, "tcb_date", rated ? tdx_json_string_or_null(m->tcb_date) : NULL);
	json_object_object_add(o, "advisories", tdx_json_string_or_null(advisories));
	free(advisories);
	free(why);
	return o;
}

void tcb_running_print(const struct tcb_running *r)
{
	const struct tdx_tcb_match *m = &r->match;
	char *why, *advisories;

	if (r->reason != TCB_RATED) {
		why = tcb_reason_words(r);
		printf("TCB status:         unknown: %s\n", why ? why : "?");
		free(why);
		return;
	}
	printf("TCB status:         %s (module %s, SVN %u.%u from the %s; %s", m->status,
	       r->version, r->svn_major, r->svn_minor, r->svn_source, m->identity);
	if (m->grade != TDX_TCB_NOT_SUPPORTED)
		printf(" level %u", m->level_isvsvn);
	advisories = tcb_advisories_join(m);
	if (advisories)
		printf(", advisories %s", advisories);
	free(advisories);
	printf("; TCB Info %s, next update %s)\n", r->src.cfg.file,
	       tdx_tcb_info_next_update(r->src.info));
	if (m->grade == TDX_TCB_OUT_OF_DATE)
		printf("                    verifiers rate this host's TDs %s: install a release the "
		       "TCB Info rates UpToDate\n", m->status);
	else if (m->grade == TDX_TCB_REVOKED || m->grade == TDX_TCB_NOT_SUPPORTED)
		printf("                    verifiers refuse this host's TDs (%s): install a release "
		       "the TCB Info rates UpToDate\n", m->status);
}
