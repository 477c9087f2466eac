// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl update: what an attempt came to. Set once (update_result_set), told to people (text,
 * phases on a terminal, one line with --quiet) or to programs (one JSON object), and recorded
 * in the history file and syslog, whatever the outcome.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "update.h"

/* What one attempt owns after it ended: released before the next one, or at exit. */
void update_result_release(struct update_result *r)
{
	tdx_report_free(r->report);
	free(r->image_path);
	free(r->sig_path);
	free(r->mapping_path);
	json_object_put(r->considered);
	memset(r, 0, sizeof(*r));
}

bool update_phases_shown(const struct update_args *a)
{
	return !a->g.json && !a->g.quiet && isatty(STDERR_FILENO);
}

/* "[  0.123s] message" on a terminal only: the terminal output is not an interface. */
void __attribute__((format(printf, 3, 4)))
update_phase(const struct update_args *a, const struct update_result *r, const char *fmt, ...)
{
	va_list args;

	if (!update_phases_shown(a))
		return;
	fprintf(stderr, "[%8.3fs] ", (double)(tdx_monotonic_ns() - r->t0) / 1e9);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

void __attribute__((format(printf, 3, 4)))
update_result_set(struct update_result *r, enum tdx_outcome outcome, const char *fmt, ...)
{
	va_list args;

	r->outcome = outcome;
	r->have_outcome = true;
	va_start(args, fmt);
	vsnprintf(r->verdict, sizeof(r->verdict), fmt, args);
	va_end(args);
}

enum tdx_outcome update_result_outcome(const struct update_result *r)
{
	return r->have_outcome ? r->outcome : tdx_report_outcome(r->report);
}

bool update_preflight_failed(const struct update_result *r)
{
	size_t i;

	return r->have_outcome || tdx_report_first_failure(r->report, &i) == 0;
}

/* What to do next, by outcome, when no failed check already says it. */
void update_result_advise(struct update_result *r)
{
	enum tdx_outcome outcome = update_result_outcome(r);
	size_t i;

	if (r->advice[0])
		return;
	if (!r->have_outcome && tdx_report_first_failure(r->report, &i) == 0) {
		snprintf(r->verdict, sizeof(r->verdict), "refused before anything reached the "
			 "kernel: %s failed", tdx_check_name(tdx_report_id(r->report, i)));
		snprintf(r->advice, sizeof(r->advice), "%s", tdx_report_message(r->report, i));
		return;
	}
	switch (outcome) {
	case TDX_OUTCOME_OK:
		break;
	case TDX_OUTCOME_REJECTED:
		snprintf(r->advice, sizeof(r->advice), "the running module %s is intact and every "
			 "TD keeps running; the kernel or the P-SEAMLDR refused the image%s%s; the "
			 "kernel log (dmesg) may say why; do not retry the same image unchanged",
			 r->old_version, r->have_kernel_error ? " with " : "",
			 r->have_kernel_error ? r->kernel_error : "");
		break;
	case TDX_OUTCOME_LOST:
		snprintf(r->advice, sizeof(r->advice), "the TDX module is LOST: every TD on this "
			 "host is gone and TDX stays down until a reboot; reboot now (the module "
			 "is loaded again at boot)");
		break;
	case TDX_OUTCOME_RETRY:
		snprintf(r->advice, sizeof(r->advice), "nothing changed; the running module %s "
			 "is intact; try again later", r->old_version[0] ? r->old_version : "");
		break;
	case TDX_OUTCOME_INTERRUPTED:
		snprintf(r->advice, sizeof(r->advice), "nothing changed; the running module %s "
			 "is intact; run the update again when it may go ahead",
			 r->old_version[0] ? r->old_version : "");
		break;
	default:
		snprintf(r->advice, sizeof(r->advice), "%s", r->verdict);
		break;
	}
}


struct json_object *update_result_to_json(const struct update_args *a,
					  const struct update_result *r, int code,
					  unsigned int attempts, int stop_signal)
{
	enum tdx_outcome outcome = update_result_outcome(r);
	struct json_object *o = json_object_new_object(), *failed = json_object_new_array();
	char fmt[16];

	for (size_t i = 0; i < tdx_report_count(r->report); i++) {
		struct json_object *f;

		if (tdx_report_status(r->report, i) != TDX_CHECK_FAIL)
			continue;
		f = json_object_new_object();
		json_object_object_add(f, "check", json_object_new_string(
			tdx_check_name(tdx_report_id(r->report, i))));
		json_object_object_add(f, "message",
				       json_object_new_string(tdx_report_message(r->report, i)));
		json_object_array_add(failed, f);
	}
	snprintf(fmt, sizeof(fmt), "0x%x", r->format);
	json_object_object_add(o, "outcome", json_object_new_string(tdx_outcome_name(outcome)));
	json_object_object_add(o, "retryable",
			       json_object_new_boolean(tdx_outcome_retryable(outcome)));
	json_object_object_add(o, "exit_code", json_object_new_int(code));
	json_object_object_add(o, "dry_run", json_object_new_boolean(r->dry_run));
	json_object_object_add(o, "attempts", json_object_new_int64(attempts));
	json_object_object_add(o, "retry_stopped_by", stop_signal ?
			       json_object_new_string(strsignal(stop_signal)) : NULL);
	json_object_object_add(o, "image", tdx_json_string_or_null(r->image_path));
	json_object_object_add(o, "latest_dir", tdx_json_string_or_null(a->latest));
	json_object_object_add(o, "mapping", tdx_json_string_or_null(r->mapping_path));
	json_object_object_add(o, "considered", json_object_get(r->considered));
	json_object_object_add(o, "phase", json_object_new_string(r->phase));
	json_object_object_add(o, "verdict", json_object_new_string(r->verdict));
	json_object_object_add(o, "old_version", tdx_json_string_or_null(r->old_version));
	json_object_object_add(o, "new_version", tdx_json_string_or_null(r->new_version));
	json_object_object_add(o, "image_version", tdx_json_string_or_null(r->image_version));
	json_object_object_add(o, "image_sha256", tdx_json_string_or_null(r->sha256));
	json_object_object_add(o, "format", r->format ? json_object_new_string(fmt) : NULL);
	json_object_object_add(o, "size", r->format ? json_object_new_int64((int64_t)r->size)
						    : NULL);
	json_object_object_add(o, "kernel_error",
			       r->have_kernel_error ? json_object_new_string(r->kernel_error)
						    : NULL);
	json_object_object_add(o, "uploaded", json_object_new_boolean(r->committed));
	json_object_object_add(o, "upload_started", r->started < 0 ? json_object_new_boolean(0) :
			       r->started > 0 ? json_object_new_boolean(1) : NULL);
	json_object_object_add(o, "remaining_updates_before", r->have_remaining_before ?
			       json_object_new_int64(r->remaining_before) : NULL);
	json_object_object_add(o, "remaining_updates_after", r->have_remaining_after ?
			       json_object_new_int64(r->remaining_after) : NULL);
	json_object_object_add(o, "failed_checks", failed);
	json_object_object_add(o, "advice", tdx_json_string_or_null(r->advice));
	json_object_object_add(o, "signal_held", r->held_signal ?
			       json_object_new_string(strsignal(r->held_signal)) : NULL);
	json_object_object_add(o, "duration_ms", json_object_new_int64(
		(int64_t)((tdx_monotonic_ns() - r->t0) / 1000000)));
	json_object_object_add(o, "checks", report_to_json(r->report));
	return o;
}

void update_result_print_text(const struct update_result *r, const struct update_run *run)
{
	enum tdx_outcome outcome = update_result_outcome(r);
	FILE *out = outcome == TDX_OUTCOME_OK ? stdout : stderr;
	uint64_t ms = (tdx_monotonic_ns() - run->t0) / 1000000;

	if (outcome != TDX_OUTCOME_OK) {
		report_print_text(r->report, stderr, true);
		fprintf(out, "tdxctl update: %s%s: %s\n",
			outcome == TDX_OUTCOME_LOST ? "FATAL: " : "", tdx_outcome_name(outcome),
			r->verdict);
	} else {
		/* Warnings (findings of observed rules) did not stop it, but are worth a look. */
		if (tdx_report_count_status(r->report, TDX_CHECK_WARN))
			report_print_text(r->report, stderr, true);
		fprintf(out, "tdxctl update: %s\n", r->verdict);
	}
	if (r->advice[0] && strcmp(r->advice, r->verdict) != 0)
		fprintf(out, "  what to do: %s\n", r->advice);
	if (r->held_signal)
		fprintf(out, "  %s arrived after the image was handed to the kernel; it was held "
			"until this verdict\n", strsignal(r->held_signal));
	if (run->attempts > 1)
		fprintf(out, "  attempt %u, after %llu.%01llu s of retrying\n", run->attempts,
			(unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000 / 100));
	if (run->stopped_by)
		fprintf(out, "  %s stopped the retrying\n", strsignal(run->stopped_by));
}

/* One history line and one syslog line, whatever happened. */
void update_result_record(struct tdx_ctx *ctx, const struct update_args *a,
			  const struct update_result *r, int code)
{
	const char **names = calloc(tdx_report_count(r->report) + 1, sizeof(*names));
	struct tdx_history_record rec = { 0 };
	size_t n = 0;

	for (size_t i = 0; names && i < tdx_report_count(r->report); i++)
		if (tdx_report_status(r->report, i) == TDX_CHECK_FAIL)
			names[n++] = tdx_check_name(tdx_report_id(r->report, i));
	rec.time = time(NULL);
	rec.command = r->dry_run ? "update --dry-run" : "update";
	rec.dry_run = r->dry_run;
	rec.image_version = r->image_version[0] ? r->image_version : NULL;
	rec.old_version = r->old_version[0] ? r->old_version : NULL;
	rec.new_version = r->new_version[0] ? r->new_version : NULL;
	rec.image = r->image_path ? r->image_path : a->latest;
	rec.image_sha256 = r->sha256[0] ? r->sha256 : NULL;
	rec.format = r->format;
	rec.failed_checks = names;
	rec.n_failed_checks = n;
	rec.kernel_error = r->have_kernel_error ? r->kernel_error : NULL;
	rec.uploaded = r->committed;
	rec.outcome = tdx_outcome_name(update_result_outcome(r));
	rec.verdict = r->verdict;
	rec.duration_ms = (tdx_monotonic_ns() - r->t0) / 1000000;
	rec.exit_code = code;
	rec.attempt = a->retry_for_ms ? r->attempt : 0;
	if (tdx_history_append(NULL, tdx_history_path(ctx, a->history), &rec) < 0 && !a->g.json &&
	    !a->g.quiet)
		cli_warn("could not record this attempt in %s",
			 tdx_history_path(ctx, a->history));
	tdx_history_syslog(&rec);
	free(names);
}

/* --quiet: cron mails any output, so 0 and 75 say nothing and any other code one line. */
void update_result_print_quiet(const struct update_result *r)
{
	size_t i;

	if (r->outcome == TDX_OUTCOME_OK || tdx_outcome_retryable(r->outcome))
		return;
	fprintf(stderr, "tdxctl update: %s%s: %s", r->outcome == TDX_OUTCOME_LOST ? "FATAL: " : "",
		tdx_outcome_name(r->outcome), r->verdict);
	/* A refusal's verdict names the check; its message says why and what to do. */
	if (tdx_report_first_failure(r->report, &i) == 0 && strstr(r->verdict, "refused before"))
		fprintf(stderr, ": %s", tdx_report_message(r->report, i));
	fputc('\n', stderr);
}

/* One line per attempt that is retried: the final attempt's result is printed in full. */
void update_note_retry(const struct update_args *a, const struct update_result *r,
		       uint64_t delay_ms)
{
	if (a->g.json || a->g.quiet)
		return;
	fprintf(stderr, "tdxctl update: attempt %u: %s: %s; attempt %u in %llu.%01llu s\n",
		r->attempt, tdx_outcome_name(r->outcome), r->verdict, r->attempt + 1,
		(unsigned long long)(delay_ms / 1000),
		(unsigned long long)(delay_ms % 1000 / 100));
}
