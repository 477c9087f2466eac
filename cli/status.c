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

#include "status.h"
#include "tdx-gate.h"
#include "tdx-host.h"
#include "tdxctl.h"

struct status_args {
	struct global_opts g;
	const char *module;
	const char *history;
	bool prometheus;
	const char *output;
};

enum { OPT_MODULE = 0x300, OPT_HISTORY, OPT_PROMETHEUS };

static const struct argp_option status_options[] = {
	{ "json", 'j', NULL, 0, "Print the state as one JSON object", 0 },
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
	case 'j':
		a->g.json = true;
		return 0;
	case OPT_MODULE:
		cli_check_path_option(state, "--module");
		a->module = arg;
		return 0;
	case OPT_HISTORY:
		cli_check_path_option(state, "--history");
		a->history = arg;
		return 0;
	case OPT_PROMETHEUS:
		a->prometheus = true;
		return 0;
	case 'o':
		if (!*arg)
			argp_error(state, "--output wants a file name");
		a->output = arg;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	case ARGP_KEY_END:
		if (a->output && !a->prometheus)
			argp_error(state, "--output goes with --prometheus");
		if (a->prometheus && a->g.json)
			argp_error(state, "--prometheus and --json exclude each other");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp status_argp = {
	status_options, status_parse, NULL,
	"Show the running TDX module, the P-SEAMLDR, the update budget, whether runtime update is "
	"supported, the upload device, the CPUs, the update lock and the last update; and whether "
	"an update could start now.\v"
	"Exit status: 0 an update can start now; 69 not on this host (unsupported, module lost, "
	"no updates left, CPUs offline); 75 not now (upload busy, lock held, TD builds in "
	"progress, TD-build gate closed); 77 run as root to see everything. With --prometheus: 0 "
	"the metrics were written (readiness is in tdx_update_ready), 73 FILE cannot be written.",
	NULL, NULL, NULL
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

/* The TD builds recorded with the gate, read only (status never closes it). */
static void status_read_gate(struct tdx_ctx *ctx, struct status_extra *x)
{
	struct tdx_gate_entry *list = NULL;
	struct tdx_gate *gate = NULL;
	size_t n = 0;

	x->gate_rc = tdx_gate_new(ctx, NULL, &gate);
	if (!x->gate_rc)
		x->gate_rc = tdx_gate_list(gate, &list, &n);
	if (!x->gate_rc)
		x->gate_rc = tdx_gate_query(gate, &x->gate_closed, &x->gate_closer);
	x->live_names = json_object_new_array();
	for (size_t i = 0, len = 0; !x->gate_rc && i < n; i++) {
		if (list[i].state != TDX_GATE_LIVE) {
			x->builds_ignored++;
			continue;
		}
		x->builds_live++;
		json_object_array_add(x->live_names, json_object_new_string(list[i].name));
		if (len < sizeof(x->live_text))
			len += (size_t)snprintf(x->live_text + len, sizeof(x->live_text) - len,
						"%s%s", len ? ", " : "", list[i].name);
	}
	free(list);
	tdx_gate_free(gate);
}

static struct json_object *json_version_or_null(int rc, const struct tdx_version *v)
{
	char buf[TDX_VERSION_STRLEN];

	return rc ? NULL : json_object_new_string(tdx_version_format(v, buf, sizeof(buf)));
}

static struct json_object *status_to_json(const struct tdx_host_status *st,
					  const struct status_extra *x,
					  const struct tdx_report *report, enum tdx_outcome outcome)
{
	struct json_object *o = json_object_new_object(), *cpus, *upl, *lock;
	char buf[512];

	json_object_object_add(o, "ready", json_object_new_boolean(outcome == TDX_OUTCOME_OK));
	json_object_object_add(o, "outcome", json_object_new_string(tdx_outcome_name(outcome)));
	json_object_object_add(o, "exit_code", json_object_new_int(exit_from_outcome(outcome)));
	json_object_object_add(o, "kernel_module", json_object_new_string(x->kmodule));
	json_object_object_add(o, "kernel_module_state",
			       json_object_new_string(tdx_kmodule_state_name(x->kstate)));
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
			       json_object_new_string(tdx_update_support_name(st->support)));

	upl = json_object_new_object();
	json_object_object_add(upl, "path", st->upload_path ?
			       json_object_new_string(st->upload_path) : NULL);
	json_object_object_add(upl, "status", st->upload_status_rc ? NULL :
			       json_object_new_string(tdx_fw_status_name(st->upload_status)));
	json_object_object_add(upl, "last_error", st->upload_error_rc ? NULL :
			       json_object_new_string(tdx_fw_error_format(&st->upload_error, buf,
									  sizeof(buf))));
	json_object_object_add(o, "upload_device", upl);

	cpus = json_object_new_object();
	if (!st->cpus_rc) {
		json_object_object_add(cpus, "present", json_object_new_string(
			tdx_cpuset_format(&st->present, buf, sizeof(buf))));
		json_object_object_add(cpus, "online", json_object_new_string(
			tdx_cpuset_format(&st->online, buf, sizeof(buf))));
		json_object_object_add(cpus, "offline", json_object_new_string(
			tdx_cpuset_format(&st->offline, buf, sizeof(buf))));
	}
	json_object_object_add(o, "cpus", cpus);

	lock = json_object_new_object();
	/* null when it cannot be told: the lock file is root's alone (0600) since issue 16. */
	json_object_object_add(lock, "held", x->lock_rc < 0 ? NULL :
			       json_object_new_boolean(x->lock_held));
	json_object_object_add(lock, "pid", x->lock_held && x->owner.pid ?
			       json_object_new_int(x->owner.pid) : NULL);
	json_object_object_add(lock, "owner_alive", x->lock_held ?
			       json_object_new_boolean(x->owner.alive) : NULL);
	json_object_object_add(o, "lock", lock);
	json_object_object_add(o, "td_builds", x->gate_rc ? NULL :
			       json_object_new_int64((int64_t)x->builds_live));
	json_object_object_add(o, "td_builds_ignored", x->gate_rc ? NULL :
			       json_object_new_int64((int64_t)x->builds_ignored));
	json_object_object_add(o, "td_build_names", x->gate_rc ? NULL :
			       json_object_get(x->live_names));
	json_object_object_add(o, "td_build_gate_closed", x->gate_rc ? NULL :
			       json_object_new_boolean(x->gate_closed));
	json_object_object_add(o, "td_build_gate_closer", x->gate_closed && x->gate_closer ?
			       json_object_new_int(x->gate_closer) : NULL);
	json_object_object_add(o, "last_attempt", json_object_get(x->last));
	json_object_object_add(o, "last_update", json_object_get(x->last_upload));
	json_object_object_add(o, "checks", report_to_json(report));
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

static void status_print_text(const struct tdx_host_status *st, const struct status_extra *x,
			      const struct tdx_report *report, enum tdx_outcome outcome)
{
	char buf[512], v[TDX_VERSION_STRLEN];
	size_t i;

	printf("Kernel module:      %s (%s)\n", x->kmodule, tdx_kmodule_state_name(x->kstate));
	if (st->host_rc) {
		printf("TDX host device:    none\n");
	} else {
		if (st->version_rc == -ENXIO)
			printf("TDX module:         LOST: reboot required (every TD is gone)\n");
		else if (st->version_rc)
			printf("TDX module:         unreadable (%s)\n", strerror(-st->version_rc));
		else
			printf("TDX module:         %s\n",
			       tdx_version_format(&st->version, v, sizeof(v)));
		if (!st->seamldr_rc)
			printf("P-SEAMLDR:          %s\n",
			       tdx_version_format(&st->seamldr, v, sizeof(v)));
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
		       tdx_update_support_name(st->support));
	if (st->upload_path) {
		printf("Upload device:      %s: %s", st->upload_path,
		       st->upload_status_rc ? "?" : tdx_fw_status_name(st->upload_status));
		if (!st->upload_error_rc)
			printf(", last error: %s", st->upload_error.set ?
			       tdx_fw_error_format(&st->upload_error, buf, sizeof(buf)) : "none");
		putchar('\n');
	}
	if (!st->cpus_rc) {
		printf("CPUs:               %u present, %u online", tdx_cpuset_count(&st->present),
		       tdx_cpuset_count(&st->online));
		if (tdx_cpuset_count(&st->offline))
			printf(", offline: %s", tdx_cpuset_format(&st->offline, buf, sizeof(buf)));
		putchar('\n');
	}
	if (!x->gate_rc) {
		printf("TD builds:          %zu in progress%s%s%s%s\n", x->builds_live,
		       x->builds_live ? " (" : "", x->live_text, x->builds_live ? ")" : "",
		       x->builds_ignored ? "; stale or expired ones ignored" : "");
		printf("TD-build gate:      %s\n", x->gate_closed ? "closed by an update" : "open");
	}
	if (x->lock_held)
		printf("Update lock:        held by PID %d%s\n", (int)x->owner.pid,
		       x->owner.alive ? "" : " (not running any more?)");
	else if (x->lock_rc < 0)
		printf("Update lock:        unknown (%s; the lock is root's)\n",
		       strerror(-x->lock_rc));
	else
		printf("Update lock:        free\n");
	status_print_record("Last update:   ", x->last_upload);
	if (x->last != x->last_upload)
		status_print_record("Last attempt:  ", x->last);
	if (outcome == TDX_OUTCOME_OK) {
		printf("Ready for update:   yes\n");
	} else {
		printf("Ready for update:   no (%s)\n", tdx_outcome_name(outcome));
		for (i = 0; i < tdx_report_count(report); i++)
			if (tdx_report_status(report, i) == TDX_CHECK_FAIL)
				printf("  %s: %s\n", tdx_check_name(tdx_report_id(report, i)),
				       tdx_report_message(report, i));
	}
}

int cmd_status(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct status_args a = { 0 };
	struct status_extra x = { 0 };
	struct tdx_host_status st;
	struct tdx_report *report;
	struct tdx_host *host = NULL;
	struct json_object *recs = NULL;
	enum tdx_outcome outcome;

	if (argp_parse(&status_argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	if (tdx_report_new(&report) < 0)
		return exit_from_outcome(TDX_OUTCOME_FAILED);
	x.kmodule = tdx_kmodule_name(ctx, a.module);
	tdx_kmodule_get_state(ctx, x.kmodule, &x.kstate);
	tdx_host_open(ctx, &host);
	tdx_host_collect(ctx, host, &st);
	tdx_caller_get_privileges(&x.root, &x.rawio);
	x.lock_rc = tdx_lock_query(ctx, tdx_ctx_get_path(ctx, TDX_CTX_RUN_DIR), &x.lock_held,
				   &x.owner);
	x.history_rc = tdx_history_read(ctx, tdx_history_path(ctx, a.history), 0, &recs,
					&x.history_skipped);
	if (x.history_rc == 0) {
		status_last_records(recs, &x);
		tdx_history_last_update(recs, &x.last_update);
	}
	json_object_put(recs);

	status_read_gate(ctx, &x);
	tdx_host_check_interface(ctx, &st, x.kmodule, report);
	if (st.host_rc == 0)
		tdx_host_check_ready(ctx, &st, report);
	if (x.lock_held)
		tdx_report_add(report, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL,
			       "another tdxctl (PID %d) holds %s/update.lock: an update is "
			       "running; retry when it is done", (int)x.owner.pid,
			       tdx_ctx_get_path(ctx, TDX_CTX_RUN_DIR));
	else
		tdx_report_add(report, TDX_CHK_HOST_LOCK, TDX_CHECK_PASS, "free");
	if (x.gate_rc)
		tdx_report_add(report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_WARN,
			       "cannot read the TD-build gate: %s", strerror(-x.gate_rc));
	else if (x.builds_live)
		tdx_report_add(report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
			       "TD builds in progress: %s ('tdxctl build list'): an update now "
			       "would wait for them (--wait-builds), then be refused; retry when "
			       "they end", x.live_text);
	else if (x.gate_closed)
		tdx_report_add(report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
			       "the TD-build gate is closed by PID %d (an update is running); "
			       "retry when it is done", (int)x.gate_closer);
	else
		tdx_report_add(report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_PASS,
			       "no TD build in progress; the TD-build gate is open");
	if (!x.root || !x.rawio)
		tdx_report_add(report, TDX_CHK_HOST_PERMISSION, TDX_CHECK_FAIL,
			       "%s: an update needs root with CAP_SYS_RAWIO, and without root "
			       "the P-SEAMLDR version and the update budget are unreadable; run "
			       "as root",
			       x.root ? "CAP_SYS_RAWIO missing" : "not root");
	else
		tdx_report_add(report, TDX_CHK_HOST_PERMISSION, TDX_CHECK_PASS,
			       "root, CAP_SYS_RAWIO");
	outcome = tdx_report_outcome(report);

	if (a.prometheus)
		outcome = status_write_prometheus(ctx, &st, &x, report, outcome, a.output);
	else if (a.g.json)
		json_print(status_to_json(&st, &x, report, outcome));
	else
		status_print_text(&st, &x, report, outcome);
	json_object_put(x.last);
	json_object_put(x.last_upload);
	json_object_put(x.live_names);
	tdx_report_free(report);
	tdx_host_free(host);
	return exit_from_outcome(outcome);
}
