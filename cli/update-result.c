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

#include "update.h"

/* What one attempt owns after it ended: released before the next one, or at exit. */
void update_state_release(struct update_state *s)
{
	tdx_update_free(s->u);
	s->u = NULL;
	s->held_signal = 0;
	s->verdict[0] = s->advice[0] = '\0';
}

static bool update_phases_shown(const struct update_args *a)
{
	return !a->g.json && !a->g.quiet && isatty(STDERR_FILENO);
}

/*
 * The attempt's steps: "[  0.123s] message" on a terminal only (the terminal output is not an
 * interface), warnings always but with --quiet.
 */
void update_show_phase(void *data, enum tdx_update_phase phase, const char *msg)
{
	const struct update_state *s = data;

	if (phase == TDX_UPDATE_PHASE_WARNING) {
		if (!s->args->g.quiet)
			cli_warn("%s", msg);
		return;
	}
	if (!update_phases_shown(s->args))
		return;
	fprintf(stderr, "[%8.3fs] %s%s%s\n", (double)(tdx_monotonic_ns() - s->t0) / 1e9,
		phase == TDX_UPDATE_PHASE_PICKED ? "--latest: " : "", msg,
		phase == TDX_UPDATE_PHASE_FORMAT ? " (--image-format overrides)" : "");
}

/* The attempt's verdict and advice, with what tdxctl's options can do about them. */
void update_result_advise(const struct update_args *a, struct update_state *s)
{
	static const char unchanged[] = "; nothing was changed";
	const struct tdx_report *report = tdx_update_get_report(s->u);
	const char *verdict = tdx_update_get_verdict(s->u), *advice = tdx_update_get_advice(s->u);
	size_t i, len = strlen(verdict), tail = strlen(unchanged);
	char words[CLI_ADVICE_MAX];
	unsigned int remedies = 0;

	if (tdx_update_get_mapping_error(s->u) == -EPERM && len > tail &&
	    strcmp(verdict + len - tail, unchanged) == 0)
		snprintf(s->verdict, sizeof(s->verdict), "%.*s (fix its owner and mode, or give "
			 "--mapping)%s", (int)(len - tail), verdict, unchanged);
	else
		snprintf(s->verdict, sizeof(s->verdict), "%s%s", verdict,
			 tdx_update_get_current(s->u) && !a->latest ?
			 " (--reinstall installs it again)" : "");
	/* A failed check's message as advice: with what tdxctl's options can do about it. */
	words[0] = '\0';
	if (tdx_report_first_failure(report, &i) == 0) {
		remedies = tdx_report_remedies(report, i);
		if (strcmp(advice, tdx_report_message(report, i)) == 0)
			cli_advice(remedies, words, sizeof(words));
	}
	/* An advice that only repeats the verdict repeats the front end's too. */
	snprintf(s->advice, sizeof(s->advice), "%s%s", strcmp(advice, verdict) == 0 ? s->verdict
										     : advice, words);
	if (tdx_update_get_outcome(s->u) != TDX_OUTCOME_OK &&
	    tdx_report_first_failure(report, &i) == 0 &&
	    tdx_report_id(report, i) == TDX_CHK_COMPAT_IMAGE_VERSION &&
	    !(remedies & TDX_REMEDY_NAME_VERSION))
		snprintf(s->advice, sizeof(s->advice), "%s (drop --version or check the image)",
			 advice);
}

/*
 * --latest's releases considered, each reason worded as list words it (candidate_reason(): the
 * library's message with tdxctl's options for its remedies), so the two commands agree.
 */
static struct json_object *considered_to_json(const struct tdx_update *u)
{
	struct json_object *lib = tdx_update_get_considered(u), *arr;
	const struct tdx_releases *list = tdx_update_get_releases(u);
	size_t n = lib ? json_object_array_length(lib) : 0;

	if (!lib || !list || tdx_releases_count(list) != n)
		return json_object_get(lib);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *from = json_object_array_get_idx(lib, i);
		struct json_object *to = json_object_new_object();
		char *reason = candidate_reason(tdx_releases_get(list, i));

		json_object_object_foreach(from, key, val) {
			if (strcmp(key, "reason") == 0 && reason)
				json_object_object_add(to, key, json_object_new_string(reason));
			else
				json_object_object_add(to, key, json_object_get(val));
		}
		json_object_array_add(arr, to);
		free(reason);
	}
	return arr;
}

struct json_object *update_result_to_json(const struct update_args *a,
					  const struct update_state *s, int code,
					  unsigned int attempts, int stop_signal)
{
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
		json_object_array_add(failed, f);
	}
	json_object_object_add(o, "outcome", json_object_new_string(tdx_outcome_name(outcome)));
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
	json_object_object_add(o, "phase", json_object_new_string(tdx_update_get_phase_name(u)));
	json_object_object_add(o, "verdict", json_object_new_string(s->verdict));
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
	json_object_object_add(o, "checks", report_to_json(report));
	return o;
}

void update_result_print_text(const struct update_state *s, const struct update_run *run)
{
	const struct tdx_report *report = tdx_update_get_report(s->u);
	enum tdx_outcome outcome = tdx_update_get_outcome(s->u);
	FILE *out = outcome == TDX_OUTCOME_OK ? stdout : stderr;
	uint64_t ms = (tdx_monotonic_ns() - run->t0) / 1000000;

	if (outcome != TDX_OUTCOME_OK) {
		report_print_text(report, stderr, true);
		fprintf(out, "tdxctl update: %s%s: %s\n",
			outcome == TDX_OUTCOME_LOST ? "FATAL: " : "", tdx_outcome_name(outcome),
			s->verdict);
	} else {
		/* Warnings (findings of observed rules) did not stop it, but are worth a look. */
		if (tdx_report_count_status(report, TDX_CHECK_WARN))
			report_print_text(report, stderr, true);
		fprintf(out, "tdxctl update: %s\n", s->verdict);
	}
	if (s->advice[0] && strcmp(s->advice, s->verdict) != 0)
		fprintf(out, "  what to do: %s\n", s->advice);
	if (s->held_signal)
		fprintf(out, "  %s arrived after the image was handed to the kernel; it was held "
			"until this verdict\n", strsignal(s->held_signal));
	if (run->attempts > 1)
		fprintf(out, "  attempt %u, after %llu.%01llu s of retrying\n", run->attempts,
			(unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000 / 100));
	if (run->stopped_by)
		fprintf(out, "  %s stopped the retrying\n", strsignal(run->stopped_by));
}

/* --quiet: cron mails any output, so 0 and 75 say nothing and any other code one line. */
void update_result_print_quiet(const struct update_state *s)
{
	const struct tdx_report *report = tdx_update_get_report(s->u);
	enum tdx_outcome outcome = tdx_update_get_outcome(s->u);
	char words[CLI_ADVICE_MAX];
	size_t i;

	if (outcome == TDX_OUTCOME_OK || tdx_outcome_retryable(outcome))
		return;
	fprintf(stderr, "tdxctl update: %s%s: %s", outcome == TDX_OUTCOME_LOST ? "FATAL: " : "",
		tdx_outcome_name(outcome), s->verdict);
	/* A refusal's verdict names the check; its message says why and what to do. */
	if (tdx_report_first_failure(report, &i) == 0 && strstr(s->verdict, "refused before"))
		fprintf(stderr, ": %s%s", tdx_report_message(report, i),
			cli_advice(tdx_report_remedies(report, i), words, sizeof(words)));
	fputc('\n', stderr);
}

/* One line per attempt that is retried: the final attempt's result is printed in full. */
void update_note_retry(const struct update_args *a, const struct update_state *s,
		       uint64_t delay_ms)
{
	if (a->g.json || a->g.quiet)
		return;
	fprintf(stderr, "tdxctl update: attempt %u: %s: %s; attempt %u in %llu.%01llu s\n",
		s->attempt, tdx_outcome_name(tdx_update_get_outcome(s->u)), s->verdict,
		s->attempt + 1, (unsigned long long)(delay_ms / 1000),
		(unsigned long long)(delay_ms % 1000 / 100));
}
