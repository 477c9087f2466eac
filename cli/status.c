// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl status: what the host's TDX module update path looks like right now, and whether an
 * update could start now. The exit status says so, for scripts: 0 ready, otherwise the code of
 * the first thing in the way (69 lasting, 75 try later, 77 run as root).
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "relaunch.h"
#include "status.h"
#include "tcb-opts.h"
#include "tdx-gate.h"
#include "tdx-host.h"
#include "tdxctl.h"

struct status_args {
	struct global_opts g;
	const char *module;
	const char *history;
	bool prometheus;
	const char *output;
	struct tcb_args tcb;
};

enum { OPT_MODULE = 0x300, OPT_HISTORY, OPT_PROMETHEUS };

static const struct argp_option status_options[] = {
	{ "module", OPT_MODULE, "NAME", 0,
	  "Kernel module providing the interface (default $TDXCTL_MODULE, else tdx_host)", 0 },
	{ "history", OPT_HISTORY, "FILE", 0, "History file to take the last update from", 0 },
	{ "prometheus", OPT_PROMETHEUS, NULL, 0,
	  "Print node_exporter textfile-collector metrics instead (tdxctl(8) lists them)", 0 },
	{ "output", 'o', "FILE", 0,
	  "With --prometheus: write FILE atomically (a temporary file, then rename)", 0 },
	{ 0 }
};

static error_t status_parse(int key, char *arg, struct argp_state *state)
{
	struct status_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->g;
		state->child_inputs[1] = &a->tcb;
		a->tcb.g = &a->g;	/* its bad values wait for --json too */
		return 0;
	case OPT_MODULE:
		cli_check_path_option(state, &a->g, "--module");
		a->module = arg;
		return 0;
	case OPT_HISTORY:
		cli_check_path_option(state, &a->g, "--history");
		a->history = arg;
		return 0;
	case OPT_PROMETHEUS:
		a->prometheus = true;
		return 0;
	case 'o':
		/* Root writes it: under sudo the caller must not choose which file (77). */
		cli_check_path_option(state, &a->g, "--output");
		if (!*arg)
			cli_usage_error(state, &a->g, "--output wants a file name");
		a->output = arg;
		return 0;
	case ARGP_KEY_ARG:
		cli_usage_error(state, &a->g, "unexpected argument '%s'", arg);
		return 0;
	case ARGP_KEY_END:
		if (a->output && !a->prometheus)
			cli_usage_error(state, &a->g, "--output goes with --prometheus");
		if (a->prometheus && a->g.json)
			cli_usage_error(state, &a->g, "--prometheus and --json exclude each "
					"other");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child status_children[] = {
	{ &output_argp, 0, NULL, 0 },
	{ &tcb_argp, 0, "Which running TDs verifiers will advise relaunching (Intel's TCB Info):",
	  0 },
	{ 0 }
};

static const struct argp status_argp = {
	status_options, status_parse, NULL,
	"Show the running TDX module, the P-SEAMLDR, the update budget, whether runtime update is "
	"supported, the upload device, the CPUs, the update lock and the last update; and whether "
	"an update could start now.\v"
	"Exit status: 0 an update can start now; 69 not on this host (unsupported, module lost, "
	"no updates left, CPUs offline); 75 not now (upload busy, lock held, TD builds in "
	"progress, TD-build gate closed); 77 run as root to see everything. With --prometheus: 0 "
	"the metrics were written (readiness is in tdx_update_ready), 73 FILE cannot be written.",
	status_children, NULL, NULL
};

/* The last attempt, and the last one that reached the kernel (refusals and no-ops do not). */
static void status_last_records(struct json_object *recs, struct status_extra *x)
{
	size_t n = json_object_array_length(recs);

	if (n)
		x->last = json_object_get(json_object_array_get_idx(recs, n - 1));
	for (size_t i = n; i-- > 0;) {
		struct json_object *o = json_object_array_get_idx(recs, i), *v;

		if (json_object_object_get_ex(o, "uploaded", &v) && json_object_get_boolean(v)) {
			x->last_upload = json_object_get(o);
			break;
		}
	}
}

/*
 * The delay the live builds cause: how many a launcher-group member recorded, how long the
 * oldest has been recorded, and how much longer they can hold an update at most (each is
 * bounded by its recorder's longest TTL; tdxctl(8), TRUST MODEL).
 */
struct build_delay {
	size_t by_members;
	int64_t oldest_s;
	int64_t hold_s;
};

static struct build_delay status_build_delay(const struct tdx_readiness_facts *rf)
{
	struct build_delay d = { 0 };

	for (size_t i = 0; i < rf->n_builds; i++) {
		const struct tdx_gate_entry *e = &rf->builds[i];

		if (e->state != TDX_GATE_LIVE)
			continue;
		d.by_members += e->member;
		if (e->age_s > d.oldest_s)
			d.oldest_s = e->age_s;
		if (e->hold_s > d.hold_s)
			d.hold_s = e->hold_s;
	}
	return d;
}

/* The live builds' names, one JSON string each. */
static struct json_object *status_build_names(const struct tdx_readiness_facts *rf)
{
	struct json_object *names = json_object_new_array();

	for (size_t i = 0; i < rf->n_builds; i++)
		if (rf->builds[i].state == TDX_GATE_LIVE)
			json_object_array_add(names, json_object_new_string(rf->builds[i].name));
	return names;
}

static struct json_object *json_version_or_null(int rc, const struct tdx_version *v)
{
	char buf[TDX_VERSION_STRLEN];

	return rc ? NULL : json_object_new_string(tdx_version_format(v, buf, sizeof(buf)));
}

/* The rollout hold: held (null when unreadable), since, reason, and why it is untrusted. */
static struct json_object *status_hold_json(const struct status_extra *x)
{
	const struct tdx_hold *h = &x->hold;
	struct json_object *o = json_object_new_object();
	char *untrusted = trust_refusal_words(&h->untrusted);
	char since[32];
	struct tm tm;

	json_object_object_add(o, "held", x->hold_rc && x->hold_rc != -EPERM ? NULL :
			       json_object_new_boolean(h->held));
	json_object_object_add(o, "path", json_object_new_string(h->path));
	json_object_object_add(o, "since", h->held && h->since && gmtime_r(&h->since, &tm) &&
			       strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm) ?
			       json_object_new_string(since) : NULL);
	json_object_object_add(o, "reason", tdx_json_string_or_null(h->reason));
	json_object_object_add(o, "untrusted", tdx_json_string_or_null(untrusted));
	free(untrusted);
	return o;
}

/*
 * What status shows, gathered once: the JSON object and the text are both made from it, one
 * section at a time (a status_json_* and a status_text_* function each). A new section is a
 * pair of functions and a line in each of status_to_json() and status_text().
 */
struct status_view {
	const struct status_extra *x;
	const struct tdx_relaunch *relaunch;
	const struct tdx_report *report;
	enum tdx_outcome outcome;
};

/* Whether an update could start now, and the exit code that says so. */
static void status_json_verdict(struct json_object *o, const struct status_view *v)
{
	json_object_object_add(o, "ready", json_object_new_boolean(v->outcome == TDX_OUTCOME_OK));
	json_object_object_add(o, "outcome", json_object_new_string(tdx_outcome_name(v->outcome)));
	json_object_object_add(o, "exit_code", json_object_new_int(exit_from_outcome(v->outcome)));
}

static void status_json_kmodule(struct json_object *o, const struct status_view *v)
{
	const struct tdx_readiness_facts *rf = &v->x->rf;

	json_object_object_add(o, "kernel_module", json_object_new_string(rf->kmodule));
	json_object_object_add(o, "kernel_module_state",
			       json_object_new_string(tdx_kmodule_state_name(rf->kmodule_state)));
}

/* The TDX host device: the module, the P-SEAMLDR, the budget and runtime-update support. */
static void status_json_module(struct json_object *o, const struct status_view *v)
{
	const struct tdx_host_status *st = &v->x->rf.host;

	json_object_object_add(o, "tdx_host", json_object_new_boolean(st->host_rc == 0));
	json_object_object_add(o, "layout", st->host_rc ? NULL :
			       json_object_new_string(tdx_host_layout_name(st->layout)));
	json_object_object_add(o, "module_version",
			       json_version_or_null(st->version_rc, &st->version));
	json_object_object_add(o, "module_lost", json_object_new_boolean(st->version_rc == -ENXIO));
	json_object_object_add(o, "seamldr_version",
			       json_version_or_null(st->seamldr_rc, &st->seamldr));
	json_object_object_add(o, "remaining_updates",
			       st->remaining_rc ? NULL : json_object_new_int64(st->remaining));
	json_object_object_add(o, "update_supported",
			       json_object_new_boolean(st->support == TDX_UPDATE_SUPPORTED));
	json_object_object_add(o, "update_support",
			       tdx_json_string_or_null(update_support_words(st->support)));
}

static void status_json_upload(struct json_object *o, const struct status_view *v)
{
	const struct tdx_host_status *st = &v->x->rf.host;
	struct json_object *upl = json_object_new_object();
	char buf[512];

	json_object_object_add(upl, "path", st->upload_path ?
			       json_object_new_string(st->upload_path) : NULL);
	json_object_object_add(upl, "status", st->upload_status_rc ? NULL :
			       json_object_new_string(tdx_fw_status_name(st->upload_status)));
	json_object_object_add(upl, "last_error", st->upload_error_rc ? NULL :
			       json_object_new_string(tdx_fw_error_format(&st->upload_error, buf,
									  sizeof(buf))));
	json_object_object_add(o, "upload_device", upl);
}

static void status_json_cpus(struct json_object *o, const struct status_view *v)
{
	const struct tdx_host_status *st = &v->x->rf.host;
	struct json_object *cpus = json_object_new_object();
	char *buf = malloc(TDX_CPUSET_STRLEN);

	if (!st->cpus_rc && buf) {
		json_object_object_add(cpus, "present", json_object_new_string(
			tdx_cpuset_format(&st->present, buf, TDX_CPUSET_STRLEN)));
		json_object_object_add(cpus, "online", json_object_new_string(
			tdx_cpuset_format(&st->online, buf, TDX_CPUSET_STRLEN)));
		json_object_object_add(cpus, "offline", json_object_new_string(
			tdx_cpuset_format(&st->offline, buf, TDX_CPUSET_STRLEN)));
	}
	free(buf);
	json_object_object_add(o, "cpus", cpus);
}

static void status_json_lock(struct json_object *o, const struct status_view *v)
{
	const struct tdx_readiness_facts *rf = &v->x->rf;
	struct json_object *lock = json_object_new_object();

	/* null when it cannot be told: the lock file is root's alone (0600) since issue 16. */
	json_object_object_add(lock, "held", rf->lock_rc < 0 ? NULL :
			       json_object_new_boolean(rf->lock_held));
	json_object_object_add(lock, "pid", rf->lock_held && rf->lock_owner.pid ?
			       json_object_new_int(rf->lock_owner.pid) : NULL);
	json_object_object_add(lock, "owner_alive", rf->lock_held ?
			       json_object_new_boolean(rf->lock_owner.alive) : NULL);
	json_object_object_add(o, "lock", lock);
}

/* The TD builds in progress and the TD-build gate; all null when the gate cannot be read. */
static void status_json_builds(struct json_object *o, const struct status_view *v)
{
	const struct tdx_readiness_facts *rf = &v->x->rf;
	struct build_delay delay = status_build_delay(rf);

	json_object_object_add(o, "td_builds", rf->gate_rc ? NULL :
			       json_object_new_int64((int64_t)rf->builds_live));
	json_object_object_add(o, "td_builds_ignored", rf->gate_rc ? NULL :
			       json_object_new_int64((int64_t)rf->builds_ignored));
	json_object_object_add(o, "td_build_names", rf->gate_rc ? NULL : status_build_names(rf));
	json_object_object_add(o, "td_builds_by_members", rf->gate_rc ? NULL :
			       json_object_new_int64((int64_t)delay.by_members));
	json_object_object_add(o, "td_build_oldest_s", rf->gate_rc ? NULL :
			       json_object_new_int64(delay.oldest_s));
	json_object_object_add(o, "td_build_hold_s", rf->gate_rc ? NULL :
			       json_object_new_int64(delay.hold_s));
	json_object_object_add(o, "td_build_gate_closed", rf->gate_rc ? NULL :
			       json_object_new_boolean(rf->gate_closed));
	json_object_object_add(o, "td_build_gate_closer", rf->gate_closed && rf->gate_closer ?
			       json_object_new_int(rf->gate_closer) : NULL);
}

static void status_json_hold(struct json_object *o, const struct status_view *v)
{
	json_object_object_add(o, "hold", status_hold_json(v->x));
}

/* The last attempt and the last update, as the history records them. */
static void status_json_history(struct json_object *o, const struct status_view *v)
{
	json_object_object_add(o, "last_attempt", json_object_get(v->x->last));
	json_object_object_add(o, "last_update", json_object_get(v->x->last_upload));
}

/* How verifiers rate the running module, by the TCB Info the host is configured with. */
static void status_json_tcb(struct json_object *o, const struct status_view *v)
{
	json_object_object_add(o, "tcb", tcb_running_to_json(&v->x->tcb));
}

/* The TDs launched under an older module, and which verifiers will advise relaunching. */
static void status_json_relaunch(struct json_object *o, const struct status_view *v)
{
	json_object_object_add(o, "relaunch", relaunch_to_json(v->relaunch));
}

static void status_json_checks(struct json_object *o, const struct status_view *v)
{
	json_object_object_add(o, "checks", report_to_json(v->report));
}

/* The one object status --json prints, and status's text is made beside: section by section. */
static struct json_object *status_to_json(const struct status_view *v)
{
	struct json_object *o = json_object_new_object();

	status_json_verdict(o, v);
	status_json_kmodule(o, v);
	status_json_module(o, v);
	status_json_tcb(o, v);
	status_json_upload(o, v);
	status_json_cpus(o, v);
	status_json_lock(o, v);
	status_json_builds(o, v);
	status_json_hold(o, v);
	status_json_history(o, v);
	status_json_relaunch(o, v);
	status_json_checks(o, v);
	return o;
}

static const char *record_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return "-";
	return json_object_get_string(v);
}

/* "Last update:        TIME OUTCOME (OLD -> NEW)" from a history record. */
static void status_print_record(const char *label, struct json_object *o)
{
	if (!o)
		return;
	printf("%s     %s %s (%s -> %s)\n", label, record_str(o, "time"),
	       record_str(o, "outcome"), record_str(o, "old_version"),
	       record_str(o, "new_version"));
}

static void status_text_kmodule(const struct status_view *v)
{
	const struct tdx_readiness_facts *rf = &v->x->rf;

	printf("Kernel module:      %s (%s)\n", rf->kmodule,
	       tdx_kmodule_state_name(rf->kmodule_state));
}

static void status_text_module(const struct status_view *v)
{
	const struct tdx_host_status *st = &v->x->rf.host;
	char ver[TDX_VERSION_STRLEN];

	if (st->host_rc) {
		printf("TDX host device:    none\n");
	} else {
		if (st->version_rc == -ENXIO)
			printf("TDX module:         LOST: reboot required (every TD is gone)\n");
		else if (st->version_rc)
			printf("TDX module:         unreadable (%s)\n", strerror(-st->version_rc));
		else
			printf("TDX module:         %s\n",
			       tdx_version_format(&st->version, ver, sizeof(ver)));
		if (!st->seamldr_rc)
			printf("P-SEAMLDR:          %s\n",
			       tdx_version_format(&st->seamldr, ver, sizeof(ver)));
		else if (st->seamldr_rc == -EACCES)
			printf("P-SEAMLDR:          (root only)\n");
		if (!st->remaining_rc)
			printf("Updates remaining:  %u\n", st->remaining);
		else if (st->remaining_rc == -EACCES)
			printf("Updates remaining:  (root only)\n");
	}
	if (st->support == TDX_UPDATE_SUPPORTED)
		printf("Runtime update:     supported (%s layout)\n",
		       tdx_host_layout_name(st->layout));
	else
		printf("Runtime update:     not supported: %s\n",
		       update_support_words(st->support) ?: tdx_update_support_name(st->support));
}

static void status_text_upload(const struct status_view *v)
{
	const struct tdx_host_status *st = &v->x->rf.host;
	char buf[512];

	if (!st->upload_path)
		return;
	printf("Upload device:      %s: %s", st->upload_path,
	       st->upload_status_rc ? "?" : tdx_fw_status_name(st->upload_status));
	if (!st->upload_error_rc)
		printf(", last error: %s", st->upload_error.set ?
		       tdx_fw_error_format(&st->upload_error, buf, sizeof(buf)) : "none");
	putchar('\n');
}

static void status_text_cpus(const struct status_view *v)
{
	const struct tdx_host_status *st = &v->x->rf.host;
	char *buf;

	if (st->cpus_rc)
		return;
	printf("CPUs:               %u present, %u online", tdx_cpuset_count(&st->present),
	       tdx_cpuset_count(&st->online));
	buf = tdx_cpuset_count(&st->offline) ? malloc(TDX_CPUSET_STRLEN) : NULL;
	if (buf)
		printf(", offline: %s", tdx_cpuset_format(&st->offline, buf, TDX_CPUSET_STRLEN));
	free(buf);
	putchar('\n');
}

static void status_text_builds(const struct status_view *v)
{
	const struct tdx_readiness_facts *rf = &v->x->rf;
	struct build_delay delay = status_build_delay(rf);

	if (rf->gate_rc)
		return;
	printf("TD builds:          %zu in progress", rf->builds_live);
	if (rf->builds_live) {
		const char *sep = " (";

		for (size_t i = 0; i < rf->n_builds; i++) {
			if (rf->builds[i].state != TDX_GATE_LIVE)
				continue;
			printf("%s%s", sep, rf->builds[i].name);
			sep = ", ";
		}
		fputs(*sep == ',' ? ")" : " ()", stdout);
	}
	printf("%s\n", rf->builds_ignored ? "; stale or expired ones ignored" : "");
	if (rf->builds_live)
		printf("TD build delay:     the oldest recorded %lld s ago; %zu by "
		       "launcher-group members; they hold an update %lld s more at most\n",
		       (long long)delay.oldest_s, delay.by_members, (long long)delay.hold_s);
	printf("TD-build gate:      %s\n", rf->gate_closed ? "closed by an update" : "open");
}

static void status_text_lock(const struct status_view *v)
{
	const struct tdx_readiness_facts *rf = &v->x->rf;

	if (rf->lock_held)
		printf("Update lock:        held by PID %d%s\n", (int)rf->lock_owner.pid,
		       rf->lock_owner.alive ? "" : " (not running any more?)");
	else if (rf->lock_rc < 0)
		printf("Update lock:        unknown (%s; the lock is root's)\n",
		       strerror(-rf->lock_rc));
	else
		printf("Update lock:        free\n");
}

static void status_text_hold(const struct status_view *v)
{
	const struct status_extra *x = v->x;
	char *untrusted = trust_refusal_words(&x->hold.untrusted);

	if (x->hold.untrusted.fault != TDX_TRUST_FAULT_NONE)
		printf("Rollout hold:       %s, but untrusted: %s (update --latest refuses)\n",
		       x->hold.path, untrusted ? untrusted : "?");
	else if (x->hold.held)
		printf("Rollout hold:       set (%s%s%s): update --latest installs nothing\n",
		       x->hold.path, x->hold.reason[0] ? ": " : "", x->hold.reason);
	else if (x->hold_rc)
		printf("Rollout hold:       unknown (%s)\n", strerror(-x->hold_rc));
	else
		printf("Rollout hold:       none\n");
	free(untrusted);
}

static void status_text_history(const struct status_view *v)
{
	status_print_record("Last update:   ", v->x->last_upload);
	if (v->x->last != v->x->last_upload)
		status_print_record("Last attempt:  ", v->x->last);
}

/* "Ready for update: no (OUTCOME)" and the failed checks, worded as in --json's checks. */
static void status_text_verdict(struct json_object *obj, const struct status_view *v)
{
	struct json_object *checks = NULL;

	if (v->outcome == TDX_OUTCOME_OK) {
		printf("Ready for update:   yes\n");
		return;
	}
	printf("Ready for update:   no (%s)\n", tdx_outcome_name(v->outcome));
	json_object_object_get_ex(obj, "checks", &checks);
	for (size_t i = 0; checks && i < json_object_array_length(checks); i++) {
		struct json_object *c = json_object_array_get_idx(checks, i);

		if (strcmp(record_str(c, "status"), tdx_check_status_name(TDX_CHECK_FAIL)) == 0)
			printf("  %s: %s\n", record_str(c, "check"), record_str(c, "message"));
	}
}

/* cli_emit()'s text for status: the same sections, from the object and the view it came from. */
static void status_text(struct json_object *obj, const void *data)
{
	const struct status_view *v = data;

	status_text_kmodule(v);
	status_text_module(v);
	tcb_running_print(&v->x->tcb);
	status_text_upload(v);
	status_text_cpus(v);
	status_text_builds(v);
	status_text_lock(v);
	status_text_hold(v);
	status_text_history(v);
	relaunch_print(v->relaunch);
	status_text_verdict(obj, v);
}

int cmd_status(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct status_args a = { 0 };
	struct status_extra x = { 0 };
	struct tdx_report *report;
	struct tdx_host *host = NULL;
	struct json_object *recs = NULL;
	struct tdx_tcb_info *tcb = NULL;
	enum tdx_outcome outcome;
	char *why = NULL;

	if (cli_parse(&status_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	if (tcb_info_open(ctx, &a.tcb, &tcb, &outcome, &why) < 0) {
		outcome = cli_fail(&a.g, NULL, outcome, "%s", why ? why : "out of memory");
		free(why);
		return exit_from_outcome(outcome);
	}
	if (tdx_report_new(&report) < 0)
		return exit_from_outcome(TDX_OUTCOME_FAILED);
	tdx_host_open(ctx, &host);
	outcome = tdx_host_readiness(ctx, host, a.module, &x.rf, report);
	x.history_rc = tdx_history_read(ctx, tdx_history_path(ctx, a.history), 0, &recs,
					&x.history_skipped);
	if (x.history_rc == 0) {
		status_last_records(recs, &x);
		tdx_history_last_update(recs, &x.last_update);
	}
	json_object_put(recs);
	x.hold_rc = tdx_hold_read(ctx, &x.hold);
	tcb_running_collect(ctx, host, a.history, &x.tcb);
	/* --tcb-info judges the relaunches; without it, the host's configured TCB Info does. */
	tdx_relaunch_collect(ctx, host, a.history,
			     tcb ? tcb : x.tcb.src.state == TDX_TCB_SOURCE_OK ? x.tcb.src.info : NULL,
			     &x.relaunch);

	if (a.prometheus) {
		outcome = status_write_prometheus(ctx, &x, report, outcome, a.output);
	} else {
		struct status_view view = { .x = &x, .relaunch = &x.relaunch, .report = report,
					    .outcome = outcome };

		cli_emit(&a.g, status_to_json(&view), status_text, &view);
	}
	tdx_relaunch_clear(&x.relaunch);
	tdx_tcb_info_free(tcb);
	json_object_put(x.last);
	json_object_put(x.last_upload);
	tcb_running_clear(&x.tcb);
	tdx_readiness_facts_clear(&x.rf);
	tdx_report_free(report);
	tdx_host_free(host);
	return exit_from_outcome(outcome);
}
