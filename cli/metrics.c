// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl status --prometheus: the state status gathers and judges, in the Prometheus text
 * format that node_exporter's textfile collector reads. Every value is computed by status; here
 * it is only printed. A fact that could not be read is left out and said so in
 * tdx_fact_known{fact="..."} 0, so the file is always complete and valid. The text is built in
 * memory first: the file is written whole (temporary file, fsync, rename) or not at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "status.h"
#include "tdxctl.h"

/* "# HELP" and "# TYPE" of one family; every family here is a gauge (nothing is a counter). */
static void prom_family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/*
 * A label value as the text format wants it: backslash, double quote and newline escaped. The
 * values are versions, check and outcome names, but some come from files: any other control or
 * non-ASCII byte becomes '?', so the file stays valid whatever they hold.
 */
static void prom_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fputc('?', f);
		else
			fputc(c, f);
	}
}

/* name{label="value"} 1: the one sample of an _info family or of a labelled gauge. */
static void prom_labelled(FILE *f, const char *name, const char *label, const char *value,
			  long long v)
{
	fprintf(f, "%s{%s=\"", name, label);
	prom_label_value(f, value);
	fprintf(f, "\"} %lld\n", v);
}

static void prom_gauge(FILE *f, const char *name, const char *help, long long v)
{
	prom_family(f, name, help);
	fprintf(f, "%s %lld\n", name, v);
}

static const char *version_or_empty(bool ok, const struct tdx_version *v, char *buf, size_t size)
{
	return ok ? tdx_version_format(v, buf, size) : "";
}

/* The name of the first check that stands in the way, "none" when ready. */
static const char *ready_reason(const struct tdx_report *report)
{
	size_t i;

	if (tdx_report_first_failure(report, &i) < 0)
		return "none";
	return tdx_check_name(tdx_report_id(report, i));
}

struct fact {
	const char *name;
	bool known;
};

/* The whole file into @f. */
/*
 * The delay the live TD builds cause updates, without labels (a stable set of series): how
 * many a launcher-group member recorded, how long the oldest has been recorded, and how much
 * longer they can hold an update at most. TdxTdBuildHoldingUpdates alerts on the oldest.
 */
static void metrics_build_delay(FILE *f, const struct tdx_readiness_facts *rf)
{
	long long members = 0, oldest = 0, hold = 0;

	for (size_t i = 0; i < rf->n_builds; i++) {
		const struct tdx_gate_entry *e = &rf->builds[i];

		if (e->state != TDX_GATE_LIVE)
			continue;
		members += e->member;
		if (e->age_s > oldest)
			oldest = e->age_s;
		if (e->hold_s > hold)
			hold = e->hold_s;
	}
	prom_gauge(f, "tdx_td_builds_by_members", "Live TD builds recorded by launcher-group "
		   "members (not root).", members);
	prom_gauge(f, "tdx_td_build_oldest_seconds", "How long the oldest live TD build has "
		   "been recorded (0: none); an update waits for it.", oldest);
	prom_gauge(f, "tdx_td_build_hold_seconds", "How much longer the live TD builds can hold "
		   "an update at most (their expiry; 0: none).", hold);
}

/*
 * The running module's TCB status (tcb-status.c), by the TCB Info the host is configured with.
 * One info series always (status and reason), so that a fleet can count hosts by both; the
 * 0/1 gauge only when it is rated, for alerts; and when the TCB Info expires.
 */
static void metrics_tcb(FILE *f, const struct tcb_running *r)
{
	const char *status = r->reason == TCB_RATED && r->match.status ? r->match.status :
			     "unknown";

	prom_family(f, "tdx_tcb_status_info", "Always 1: how the configured TCB Info rates the "
		    "running TDX module (status: its tcbStatus, NotSupported, or unknown) and why "
		    "(reason: rated, no-file, config-invalid, file-unreadable, file-expired, "
		    "file-invalid, module-unknown, svn-unknown, no-identity).");
	fputs("tdx_tcb_status_info{status=\"", f);
	prom_label_value(f, status);
	fputs("\",reason=\"", f);
	prom_label_value(f, tcb_reason_name(r->reason));
	fputs("\"} 1\n", f);
	if (r->reason == TCB_RATED)
		prom_gauge(f, "tdx_tcb_up_to_date", "1: the TCB Info rates the running TDX module "
			   "UpToDate; 0: verifiers rate this host's TDs out of date or refuse them.",
			   r->match.grade == TDX_TCB_UP_TO_DATE);
	if (r->src.info && r->next_update)
		prom_gauge(f, "tdx_tcb_info_next_update_timestamp_seconds", "When the configured "
			   "TCB Info's nextUpdate passes (seconds since the epoch): after it the TCB "
			   "status is unknown until a current one replaces it.",
			   (long long)r->next_update);
}

/*
 * The TDs recorded at launch that still run (relaunch.c): how many, how many were launched
 * under an older module than the running one, and, judged with a TCB Info, how many verifiers
 * rate TD_RELAUNCH_ADVISED (TdxTdRelaunchOverdue alerts on it after 7 days). Counts without
 * labels: the names are in status --json.
 */
static void metrics_relaunch(FILE *f, const struct tdx_relaunch *r)
{
	prom_gauge(f, "tdx_tds_running_recorded", "TDs whose launch was recorded (libvirt hook, "
		   "tdxctl-build-wrap, build) and that still run.", (long long)r->running_tds);
	prom_gauge(f, "tdx_tds_launched_under_older", "Running TDs launched under an older TDX "
		   "module than the running one: their quotes still carry the old module's SVNs "
		   "(TEE_TCB_SVN) until they are relaunched.", (long long)r->older);
	if (r->tcb)
		prom_gauge(f, "tdx_tds_relaunch_advised", "Of them, those verifiers rate "
			   "TD_RELAUNCH_ADVISED by the TCB Info (launch module below UpToDate, "
			   "running module UpToDate): a relaunch makes them UpToDate.",
			   (long long)r->advised);
}

static void metrics_print(FILE *f, const struct status_extra *x, const struct tdx_report *report,
			  enum tdx_outcome outcome)
{
	const struct tdx_readiness_facts *rf = &x->rf;
	const struct tdx_host_status *st = &rf->host;
	const struct tdx_history_last *lu = &x->last_update;
	bool host = st->host_rc == 0;
	bool module_known = host && (st->version_rc == 0 || st->version_rc == -ENXIO);
	bool history_known = x->history_rc == 0 || x->history_rc == -ENOENT;
	bool last_known = history_known &&
			  (!lu->found || (lu->time_ok && lu->exit_code_ok && lu->outcome[0]));
	const struct fact facts[] = {
		{ "module", module_known },
		{ "seamldr", host && st->seamldr_rc == 0 },
		{ "updates_remaining", host && st->remaining_rc == 0 },
		{ "cpus", st->cpus_rc == 0 },
		{ "td_builds", rf->gate_rc == 0 },
		{ "history", history_known },
		{ "last_update", last_known },
		{ "hold", x->hold_rc == 0 || x->hold_rc == -EPERM },
		{ "tcb_status", x->tcb.reason == TCB_RATED },
		{ "launches", x->relaunch.rc == 0 },
	};
	char v1[TDX_VERSION_STRLEN], v2[TDX_VERSION_STRLEN];

	prom_gauge(f, "tdx_metrics_generated_timestamp_seconds",
		   "When tdxctl wrote these metrics, in seconds since the epoch.", (long long)time(NULL));
	prom_family(f, "tdx_fact_known", "Whether tdxctl could read a fact (0: unknown, and the "
		    "metrics that show it are absent), by fact.");
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		prom_labelled(f, "tdx_fact_known", "fact", facts[i].name, facts[i].known);
	prom_gauge(f, "tdx_host_interface_present", "Whether the kernel's TDX host interface "
		   "(/sys/devices/faux/tdx_host) exists.", host);
	/*
	 * A value and, apart, its reason: a series whose label changed with the reason would end
	 * and restart, resetting every alert's "for:" on it.
	 */
	prom_gauge(f, "tdx_runtime_update_supported", "Whether the host supports TDX module "
		   "updates at runtime (tdx_runtime_update_support_info says why not).",
		   st->support == TDX_UPDATE_SUPPORTED);
	prom_family(f, "tdx_runtime_update_support_info", "Always 1: why runtime update is "
		    "(not) supported (reason).");
	prom_labelled(f, "tdx_runtime_update_support_info", "reason",
		      tdx_update_support_name(st->support), 1);
	if (module_known) {
		prom_gauge(f, "tdx_module_lost", "1: the running TDX module was lost, every TD is "
			   "gone and only a reboot brings TDX back.", st->version_rc == -ENXIO);
	}
	if (host && st->version_rc == 0) {
		prom_family(f, "tdx_module_info", "The running TDX module's version.");
		prom_labelled(f, "tdx_module_info", "version",
			      tdx_version_format(&st->version, v1, sizeof(v1)), 1);
	}
	if (host && st->seamldr_rc == 0) {
		prom_family(f, "tdx_seamldr_info", "The P-SEAMLDR's version.");
		prom_labelled(f, "tdx_seamldr_info", "version",
			      tdx_version_format(&st->seamldr, v1, sizeof(v1)), 1);
	}
	if (host && st->remaining_rc == 0)
		prom_gauge(f, "tdx_updates_remaining", "How many more runtime updates the "
			   "P-SEAMLDR allows before a reboot.", st->remaining);
	if (st->cpus_rc == 0) {
		prom_gauge(f, "tdx_cpus_present", "CPUs present.", tdx_cpuset_count(&st->present));
		prom_gauge(f, "tdx_cpus_online", "CPUs online (an update needs every present CPU "
			   "online).", tdx_cpuset_count(&st->online));
	}
	if (rf->gate_rc == 0) {
		prom_gauge(f, "tdx_td_builds_in_progress", "TD builds recorded with the TD-build gate "
			   "and still live.", (long long)rf->builds_live);
		prom_gauge(f, "tdx_td_build_gate_closed", "1: an update holds the TD-build gate "
			   "closed.", rf->gate_closed);
		metrics_build_delay(f, rf);
	}
	if (host && st->upload_status_rc == 0) {
		prom_gauge(f, "tdx_upload_busy", "1: the firmware-upload device is not idle (an "
			   "upload is under way, or stuck).", st->upload_status != TDX_FW_IDLE);
	}
	prom_gauge(f, "tdx_update_ready", "1: an update could start now; 0: "
		   "tdx_update_ready_info names the first check in the way.",
		   outcome == TDX_OUTCOME_OK);
	prom_family(f, "tdx_update_ready_info", "Always 1: reason is the first check in the way "
		    "of an update (tdxctl-update(8)), none when ready.");
	prom_labelled(f, "tdx_update_ready_info", "reason", ready_reason(report), 1);
	if (x->hold_rc == 0 || x->hold_rc == -EPERM)
		prom_gauge(f, "tdx_update_held", "1: a rollout hold is set (/var/lib/tdxctl/hold, "
			   "trusted or not): update --latest, the timer and the boot unit install "
			   "nothing.", x->hold.held);
	metrics_tcb(f, &x->tcb);
	if (x->relaunch.rc == 0)
		metrics_relaunch(f, &x->relaunch);
	if (history_known) {
		prom_gauge(f, "tdx_history_lines_skipped", "Lines of the update history that could "
			   "not be read (a write cut short, damage).", (long long)x->history_skipped);
	}
	if (last_known && lu->found) {
		prom_gauge(f, "tdx_last_update_timestamp_seconds", "When the last update (not a dry "
			   "run) was attempted, in seconds since the epoch.", (long long)lu->time);
		prom_gauge(f, "tdx_last_update_exit_code", "The exit code of the last update "
			   "(tdxctl(8): 0 updated or current, 75 try later, others failed).",
			   lu->exit_code);
		prom_family(f, "tdx_last_update_info", "The last update's outcome and the module "
			    "versions before and after it.");
		fputs("tdx_last_update_info{outcome=\"", f);
		prom_label_value(f, lu->outcome);
		fputs("\",old_version=\"", f);
		prom_label_value(f, version_or_empty(lu->old_ok, &lu->old_version, v1, sizeof(v1)));
		fputs("\",new_version=\"", f);
		prom_label_value(f, version_or_empty(lu->new_ok, &lu->new_version, v2, sizeof(v2)));
		fputs("\"} 1\n", f);
	}
}

enum tdx_outcome status_write_prometheus(struct tdx_ctx *ctx, const struct status_extra *x,
					 const struct tdx_report *report, enum tdx_outcome outcome,
					 const char *output)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f) {
		cli_err("cannot build the metrics: %s", strerror(errno));
		return TDX_OUTCOME_FAILED;
	}
	metrics_print(f, x, report, outcome);
	if (fclose(f) != 0) {
		cli_err("cannot build the metrics: %s", strerror(errno));
		free(buf);
		return TDX_OUTCOME_FAILED;
	}
	if (output) {
		rc = tdx_file_write_atomic(ctx, output, (const uint8_t *)buf, len, true);
		if (rc < 0)
			cli_err("cannot write the metrics to %s: %s", output, strerror(-rc));
	} else {
		rc = fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -EIO;
		if (rc < 0)
			cli_err("cannot write the metrics to stdout");
	}
	free(buf);
	return tdx_outcome_from_errno(rc, TDX_ERRNO_OUTPUT);
}
