// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl update: what an attempt came to, told to people (text, progress lines on a terminal,
 * one line with --quiet) or to programs (one JSON object). The attempt (libtdxctl) words its
 * verdict without naming tdxctl's options; the advice that names them is added here, keyed on
 * what the attempt found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "relaunch.h"
#include "update.h"

/* What one attempt owns after it ended, freed and zeroed before the next one or at exit. */
void update_state_clear(struct update_state *s)
{
	tdx_update_free(s->u);
	s->u = NULL;
	s->held_signal = 0;
	free(s->record);
	free(s->verdict);
	free(s->advice);
	s->record = s->verdict = s->advice = NULL;
	tdx_relaunch_clear(&s->relaunch);
	tdx_tcb_source_clear(&s->relaunch_tcb);
	s->have_relaunch = false;
}

static bool update_phases_shown(const struct update_args *a)
{
	return !a->g.json && !a->g.quiet && isatty(STDERR_FILENO);
}

/*
 * The attempt's steps: "[  0.123s] message" on a terminal only (the terminal output is not an
 * interface), warnings always but with --quiet.
 */
void update_show_phase(void *data, const struct tdx_update_progress *p)
{
	const struct update_state *s = data;
	char *msg;

	if (p->phase == TDX_UPDATE_PHASE_WARNING) {
		if (s->args->g.quiet)
			return;
		if (p->warning == TDX_UPDATE_WARN_MODULE_LOAD)
			cli_warn("could not load %s: %s", p->name,
				 module_load_words(p->kmodule_load, p->err) ?: strerror(-p->err));
		else
			cli_warn("%s/loading=0: %s", p->name, strerror(-p->err));
		return;
	}
	/* An older release picked over a newer one is news, on a terminal or not. */
	if (p->phase == TDX_UPDATE_PHASE_PICKED && p->passed_over && !s->args->g.quiet &&
	    !s->args->g.json && !update_phases_shown(s->args))
		cli_warn("--latest: %s, the newest installable release the TCB Info rates "
			 "UpToDate, instead of the newer %s, which it rates %s", p->name,
			 p->passed_over, p->passed_over_status);
	if (!update_phases_shown(s->args))
		return;
	msg = update_progress_words(p);
	fprintf(stderr, "[%8.3fs] %s%s%s\n", (double)(tdx_monotonic_ns() - s->t0) / 1e9,
		p->phase == TDX_UPDATE_PHASE_PICKED ? "--latest: " : "", said(msg),
		p->phase == TDX_UPDATE_PHASE_FORMAT ? " (--image-format overrides)" : "");
	free(msg);
}

void update_result_advise(struct update_state *s)
{
	const struct tdx_update_result *r = tdx_update_get_result(s->u);
	const struct tdx_report *report = tdx_update_get_report(s->u);
	char words[CLI_ADVICE_MAX], *advice = update_advice_words(s->u);
	unsigned int remedies = 0;
	size_t i;

	s->record = update_verdict_words(s->u, s->args->tcb_info, false);
	s->verdict = update_verdict_words(s->u, s->args->tcb_info, true);
	/* A failed check's message as advice: with what tdxctl's options can do about it. */
	words[0] = '\0';
	if (tdx_report_first_failure(report, &i) == 0) {
		remedies = tdx_report_remedies(report, i);
		if (r->reason == TDX_UPDATE_R_CHECK_FAILED)
			cli_advice(remedies, words, sizeof(words));
	}
	if (r->outcome != TDX_OUTCOME_OK && tdx_report_first_failure(report, &i) == 0 &&
	    tdx_report_id(report, i) == TDX_CHK_COMPAT_IMAGE_VERSION &&
	    !(remedies & TDX_REMEDY_NAME_VERSION)) {
		if (asprintf(&s->advice, "%s (drop --version or check the image)",
			     advice ? advice : s->record ? s->record : "") < 0)
			s->advice = NULL;
	} else if (asprintf(&s->advice, "%s%s", advice ? advice : s->verdict ? s->verdict : "",
			    words) < 0) {
		s->advice = NULL;
	}
	free(advice);
}

/*
 * --latest's releases considered, as list shows them (release_to_json(), brief): null when it
 * did not get as far as judging them.
 */
static struct json_object *considered_to_json(const struct tdx_update *u)
{
	const struct tdx_releases *list = tdx_update_get_releases(u);
	enum tdx_update_reason reason = tdx_update_get_result(u)->reason;
	struct json_object *arr;

	if (!list || reason == TDX_UPDATE_R_LATEST_LABEL || reason == TDX_UPDATE_R_LATEST_SCAN)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < tdx_releases_count(list); i++)
		json_object_array_add(arr, release_to_json(tdx_releases_get(list, i), true));
	return arr;
}

/*
 * --latest with --tcb-info: the newer release it did not take, because the TCB Info does not rate
 * it UpToDate (image, version, tcb_status, and why in words); null when none was passed over.
 */
static struct json_object *passed_over_to_json(const struct tdx_update *u)
{
	const char *status = NULL, *picked = tdx_update_get_image_path(u);
	const struct tdx_candidate *c = tdx_update_get_passed_over(u, &status);
	char v[TDX_VERSION_STRLEN], *why = NULL;
	struct json_object *o;

	if (!c)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "image", json_object_new_string(c->path));
	json_object_object_add(o, "version", c->have_version ? json_object_new_string(
		tdx_version_format(&c->version, v, sizeof(v))) : NULL);
	json_object_object_add(o, "tcb_status", tdx_json_string_or_null(status));
	if (asprintf(&why, "newer and installable, but the TCB Info rates it %s, not UpToDate; "
		     "%s, the newest installable release it rates UpToDate, was taken instead",
		     status ? status : "?", picked ? picked : "?") < 0)
		why = NULL;
	json_object_object_add(o, "why", tdx_json_string_or_null(why));
	free(why);
	return o;
}

/*
 * The facts behind a verdict about a file root would not use, next to the verdict made of them:
 * "mapping_refusal" (a mapping file that is not one) and "trust_refusal" (a mapping file or a
 * rollout hold that is not trusted); null when the verdict is not such a refusal.
 */
static void update_refusals_to_json(const struct tdx_update_result *r, struct json_object *o)
{
	bool mapping = r->reason == TDX_UPDATE_R_MAPPING;
	bool untrusted = (mapping && r->err == -EPERM) ||
			 r->reason == TDX_UPDATE_R_HOLD_UNTRUSTED;
	struct tdx_trust_refusal t = r->untrusted;

	/* The result names the file once, as its path; the copied refusal may not. */
	if (!t.path)
		t.path = r->path;

	json_object_object_add(o, "mapping_refusal", mapping && r->err == -EINVAL ?
			       mapping_refusal_to_json(&r->mapping) : NULL);
	json_object_object_add(o, "trust_refusal", untrusted ?
			       trust_refusal_to_json(&t) : NULL);
}

struct json_object *update_result_to_json(const struct update_args *a,
					  const struct update_state *s, int code,
					  const struct update_run *run)
{
	unsigned int attempts = run->attempts;
	int stop_signal = run->stopped_by;
	const struct tdx_update *u = s->u;
	const struct tdx_report *report = tdx_update_get_report(u);
	enum tdx_outcome outcome = tdx_update_get_outcome(u);
	struct json_object *o = json_object_new_object(), *failed = json_object_new_array();
	const char *kerr = tdx_update_get_kernel_error(u);
	unsigned int before, after;
	bool have_before = tdx_update_get_remaining(u, false, &before) == 0;
	bool have_after = tdx_update_get_remaining(u, true, &after) == 0;
	int started = tdx_update_get_started(u);

	for (size_t i = 0; i < tdx_report_count(report); i++) {
		struct json_object *f;

		if (tdx_report_status(report, i) != TDX_CHECK_FAIL)
			continue;
		f = json_object_new_object();
		json_object_object_add(f, "check", json_object_new_string(
			tdx_check_name(tdx_report_id(report, i))));
		json_object_object_add(f, "message", report_message_json(report, i));
		json_object_object_add(f, "finding", json_object_new_string(
			tdx_finding_name(tdx_report_finding(report, i))));
		json_object_object_add(f, "facts", report_facts_json(report, i));
		json_object_array_add(failed, f);
	}
	json_object_object_add(o, "outcome", json_object_new_string(tdx_outcome_name(outcome)));
	json_object_object_add(o, "outcome_reason", json_object_new_string(
		tdx_update_reason_name(tdx_update_get_result(u)->reason)));
	json_object_object_add(o, "retryable",
			       json_object_new_boolean(tdx_outcome_retryable(outcome)));
	json_object_object_add(o, "exit_code", json_object_new_int(code));
	json_object_object_add(o, "dry_run", json_object_new_boolean(tdx_update_get_dry_run(u)));
	json_object_object_add(o, "attempts", json_object_new_int64(attempts));
	json_object_object_add(o, "retry_stopped_by", stop_signal ?
			       json_object_new_string(strsignal(stop_signal)) : NULL);
	json_object_object_add(o, "image", tdx_json_string_or_null(tdx_update_get_image_path(u)));
	json_object_object_add(o, "latest_dir", tdx_json_string_or_null(a->latest));
	json_object_object_add(o, "mapping", tdx_json_string_or_null(tdx_update_get_mapping_path(u)));
	json_object_object_add(o, "considered", considered_to_json(u));
	json_object_object_add(o, "passed_over", passed_over_to_json(u));
	json_object_object_add(o, "phase", json_object_new_string(tdx_update_get_phase_name(u)));
	json_object_object_add(o, "verdict", json_object_new_string(said(s->verdict)));
	update_refusals_to_json(tdx_update_get_result(u), o);
	tdx_update_json_add_image(u, o);
	json_object_object_add(o, "size", tdx_update_get_format(u) ?
			       json_object_new_int64((int64_t)tdx_update_get_size(u)) : NULL);
	json_object_object_add(o, "kernel_error", kerr ? json_object_new_string(kerr) : NULL);
	json_object_object_add(o, "uploaded", json_object_new_boolean(tdx_update_get_uploaded(u)));
	json_object_object_add(o, "upload_started", started < 0 ? json_object_new_boolean(0) :
			       started > 0 ? json_object_new_boolean(1) : NULL);
	json_object_object_add(o, "remaining_updates_before", have_before ?
			       json_object_new_int64(before) : NULL);
	json_object_object_add(o, "remaining_updates_after", have_after ?
			       json_object_new_int64(after) : NULL);
	json_object_object_add(o, "failed_checks", failed);
	json_object_object_add(o, "advice", tdx_json_string_or_null(s->advice));
	json_object_object_add(o, "signal_held", s->held_signal ?
			       json_object_new_string(strsignal(s->held_signal)) : NULL);
	json_object_object_add(o, "duration_ms", json_object_new_int64(
		(int64_t)tdx_update_get_duration_ms(u)));
	json_object_object_add(o, "elapsed_ms", json_object_new_int64(
		(int64_t)((tdx_monotonic_ns() - run->t0) / 1000000)));
	json_object_object_add(o, "checks", report_to_json(report));
	/* status's "relaunch" object: null unless it installed the module or found it current. */
	json_object_object_add(o, "relaunch", s->have_relaunch ? relaunch_to_json(&s->relaunch) :
			       NULL);
	return o;
}

static const char *field_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

static int64_t field_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_int64(v) : 0;
}

/* "FATAL: module-lost" or "rejected": the outcome as the one line names it. */
static void print_outcome(FILE *out, struct json_object *o)
{
	const char *outcome = field_str(o, "outcome");

	fprintf(out, "%s%s", outcome && strcmp(outcome, tdx_outcome_name(TDX_OUTCOME_LOST)) == 0 ?
		"FATAL: " : "", outcome ? outcome : "?");
}

static bool field_bool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v && json_object_get_boolean(v);
}

/*
 * The TDs the update leaves on an older module ("relaunch", status's object), named with their
 * pid and launch module, those verifiers will rate TD_RELAUNCH_ADVISED, and what to do: nothing
 * when none runs on an older module or the records could not be read (null).
 */
static void print_relaunch(FILE *out, struct json_object *o)
{
	struct json_object *r = NULL, *tds = NULL, *td;
	int64_t older, advised;
	const char *sep = ":";
	size_t n;

	if (!json_object_object_get_ex(o, "relaunch", &r) || !r ||
	    (older = field_int(r, "launched_older")) <= 0 ||
	    !json_object_object_get_ex(r, "tds", &tds))
		return;
	n = json_object_array_length(tds);
	fprintf(out, "  %lld running TD%s launched under an older module than %s", (long long)older,
		older == 1 ? " was" : "s were", said(field_str(r, "running_version")));
	for (size_t i = 0; i < n; i++) {
		td = json_object_array_get_idx(tds, i);
		fprintf(out, "%s %s (pid %lld, module %s)", sep, said(field_str(td, "name")),
			(long long)field_int(td, "pid"), said(field_str(td, "module_version")));
		sep = ",";
	}
	fputc('\n', out);
	if (!field_bool(r, "tcb_info")) {
		fputs("  TD_RELAUNCH_ADVISED not judged: no TCB Info (--tcb-info, or "
		      TDXCTL_CONFDIR "/tcb-info.conf)\n", out);
	} else if (!field_str(r, "running_svn_major")) {
		fputs("  TD_RELAUNCH_ADVISED not judged: the running module's SVN is unknown\n", out);
	} else {
		advised = field_int(r, "advised");
		fprintf(out, "  verifiers will rate %lld of them TD_RELAUNCH_ADVISED (TCB Info: "
			"launch module OutOfDate, running module UpToDate)", (long long)advised);
		sep = ":";
		for (size_t i = 0; i < n; i++) {
			td = json_object_array_get_idx(tds, i);
			if (!field_bool(td, "advised"))
				continue;
			fprintf(out, "%s %s", sep, said(field_str(td, "name")));
			sep = ",";
		}
		fputc('\n', out);
		if (field_int(r, "svn_unknown") > 0)
			fprintf(out, "  %lld of them launched under a module whose SVN is unknown: not "
				"judged\n", (long long)field_int(r, "svn_unknown"));
	}
	fputs("  what to do: relaunch them when convenient; until then their quotes carry the older "
	      "module's SVNs, and verifiers rate the advised ones out of date\n", out);
}

void update_result_print_text(struct json_object *o, const void *data)
{
	struct json_object *checks = NULL;
	bool ok = field_int(o, "exit_code") == EXIT_OK;
	FILE *out = ok ? stdout : stderr;
	const char *verdict = said(field_str(o, "verdict")), *advice = field_str(o, "advice");
	const char *held = field_str(o, "signal_held"), *stopped = field_str(o, "retry_stopped_by");
	int64_t attempts = field_int(o, "attempts"), ms = field_int(o, "elapsed_ms");

	(void)data;

	json_object_object_get_ex(o, "checks", &checks);
	/* Warnings (findings of observed rules) did not stop it, but are worth a look. */
	report_json_print_text(checks, stderr);
	fputs("tdxctl update: ", out);
	if (!ok) {
		print_outcome(out, o);
		fputs(": ", out);
	}
	fprintf(out, "%s\n", verdict);
	if (advice && advice[0] && strcmp(advice, verdict) != 0)
		fprintf(out, "  what to do: %s\n", advice);
	if (held)
		fprintf(out, "  %s arrived after the image was handed to the kernel; it was held "
			"until this verdict\n", held);
	if (attempts > 1)
		fprintf(out, "  attempt %lld, after %lld.%01lld s of retrying\n", (long long)attempts,
			(long long)(ms / 1000), (long long)(ms % 1000 / 100));
	if (stopped)
		fprintf(out, "  %s stopped the retrying\n", stopped);
	print_relaunch(out, o);
}

void update_result_print_quiet(struct json_object *o, const void *data)
{
	struct json_object *failed = NULL, *first;
	const char *reason = field_str(o, "outcome_reason");
	struct json_object *retryable;

	(void)data;
	if (field_int(o, "exit_code") == EXIT_OK ||
	    (json_object_object_get_ex(o, "retryable", &retryable) &&
	     json_object_get_boolean(retryable)))
		return;
	fputs("tdxctl update: ", stderr);
	print_outcome(stderr, o);
	fprintf(stderr, ": %s", said(field_str(o, "verdict")));
	/* A refusal's verdict names the check; its message says why and what to do. */
	if (reason && strcmp(reason, tdx_update_reason_name(TDX_UPDATE_R_CHECK_FAILED)) == 0 &&
	    json_object_object_get_ex(o, "failed_checks", &failed) &&
	    json_object_array_length(failed) > 0) {
		first = json_object_array_get_idx(failed, 0);
		fprintf(stderr, ": %s", said(field_str(first, "message")));
	}
	fputc('\n', stderr);
}

/* One line per attempt that is retried: the final attempt's result is printed in full. */
void update_note_retry(const struct update_args *a, const struct update_state *s,
		       uint64_t delay_ms)
{
	if (a->g.json || a->g.quiet)
		return;
	fprintf(stderr, "tdxctl update: attempt %u: %s: %s; attempt %u in %llu.%01llu s\n",
		s->attempt, tdx_outcome_name(tdx_update_get_outcome(s->u)), said(s->verdict),
		s->attempt + 1, (unsigned long long)(delay_ms / 1000),
		(unsigned long long)(delay_ms % 1000 / 100));
}
