// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Could an update start now? The readiness rules, judged once for every front end (status,
 * metrics, the update's pre-flight): a pure judgement of facts (tdx_readiness_judge, or a group
 * of rules at a time, tdx_readiness_judge_rules, for the update, which learns its facts in
 * stages and stops at the first that fails). The host gathers the facts
 * (tdx_readiness_collect, lib/host/readiness.c). The messages say what was found, but not
 * which command or option would help: a result carries remedies (host.interface: load the
 * module, name it; host.upload_idle and host.lock: look again when it is idle or free;
 * host.td_builds: when the builds end, or wait longer for them) and a front end words them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format-private.h"
#include "tdx-rules.h"

TDX_EXPORT
const char *tdx_kmodule_state_name(enum tdx_kmodule_state state)
{
	switch (state) {
	case TDX_KMODULE_UNKNOWN:	return "unknown";
	case TDX_KMODULE_NOT_LOADED:	return "not loaded";
	case TDX_KMODULE_LOADED:	return "loaded";
	case TDX_KMODULE_BUILTIN:	return "built in";
	case TDX_KMODULE_COMING:	return "loading or unloading";
	}
	return "unknown";
}

/* The rows recorded so far and the outcome of the first failure among them. */
struct judging {
	struct tdx_report *report;
	enum tdx_outcome outcome;
	bool failed_first;	/* outcome is set */
	bool oom;
};

static void row(struct judging *j, enum tdx_check_id id, enum tdx_check_status status,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * One rule's result. The outcome is taken from the status as the report grades it, never read
 * back from the report: a result that cannot be recorded must not make the host look ready.
 */
static void row(struct judging *j, enum tdx_check_id id, enum tdx_check_status status,
		const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	if (tdx_report_addv(j->report, id, status, fmt, args) < 0)
		j->oom = true;
	va_end(args);
	if (!j->failed_first && tdx_report_grade(j->report, id, status) == TDX_CHECK_FAIL) {
		j->outcome = tdx_check_outcome(id);
		j->failed_first = true;
	}
}

/*
 * A failed row whose cause is permission, not time: the run folder is unsafe (not root's, or
 * writable by others: -EPERM from tdx_rundir_open()). Waiting does not fix it, so it is 77
 * (tdxctl(8), TRUST MODEL), not the check's usual 75: a timer must not retry it, nor a
 * pre-flight take it for busy.
 */
static void row_denied(struct judging *j, enum tdx_check_id id, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void row_denied(struct judging *j, enum tdx_check_id id, int rc, const char *fmt, ...)
{
	bool first = !j->failed_first;
	va_list args;

	va_start(args, fmt);
	if (tdx_report_addv(j->report, id, TDX_CHECK_FAIL, fmt, args) < 0)
		j->oom = true;
	va_end(args);
	if (first && tdx_report_grade(j->report, id, TDX_CHECK_FAIL) == TDX_CHECK_FAIL) {
		j->outcome = rc == -EPERM ? TDX_OUTCOME_PERMISSION : tdx_check_outcome(id);
		j->failed_first = true;
	}
}

/* host.interface, host.module_live, host.update_supported: can compatibility run at all? */
static void judge_interface(struct judging *j, const struct tdx_host_status *st,
			    const char *sysfs, const char *kmodule, enum tdx_kmodule_state ks)
{
	char v[TDX_VERSION_STRLEN];

	if (st->host_rc < 0) {
		switch (ks) {
		case TDX_KMODULE_NOT_LOADED:
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    "no %s/" TDX_HOST_SYSPATH ": kernel module %s is not loaded; nothing was "
			    "changed; load it with 'modprobe %s'", sysfs, kmodule, kmodule);
			if (!j->oom)
				tdx_report_add_remedy(j->report, TDX_REMEDY_LOAD_MODULE);
			break;
		case TDX_KMODULE_LOADED:
		case TDX_KMODULE_BUILTIN:
		case TDX_KMODULE_COMING:
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    "no %s/" TDX_HOST_SYSPATH " although module %s is %s: TDX was not "
			    "initialized at boot (BIOS setting, kvm_intel.tdx=1, or the kernel log "
			    "says why); nothing was changed", sysfs, kmodule,
			    tdx_kmodule_state_name(ks));
			break;
		case TDX_KMODULE_UNKNOWN:
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    "no %s/" TDX_HOST_SYSPATH " and no kernel module '%s': the kernel lacks "
			    "the TDX host services (CONFIG_TDX_HOST_SERVICES, Linux 7.2 or later) or "
			    "the module has another name; nothing was changed", sysfs,
			    kmodule ? kmodule : "");
			if (!j->oom)
				tdx_report_add_remedy(j->report, TDX_REMEDY_MODULE_NAME);
			break;
		}
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_SKIP, "no TDX host device");
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_SKIP, "no TDX host device");
		return;
	}
	row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_PASS, "%s/" TDX_HOST_SYSPATH ", upload device %s",
	    sysfs, st->upload_path ? st->upload_path : "(none)");
	if (st->version_rc == -ENXIO)
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_FAIL,
		    "the TDX module is LOST (reading version fails with ENXIO): every TD is gone "
		    "and TDX stays down until a reboot; reboot this host");
	else if (st->version_rc < 0)
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_FAIL,
		    "cannot read %s/" TDX_HOST_SYSPATH "/version: %s; nothing was changed", sysfs,
		    strerror(-st->version_rc));
	else
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_PASS, "running %s",
		    tdx_version_format(&st->version, v, sizeof(v)));

	switch (st->support) {
	case TDX_UPDATE_SUPPORTED:
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_PASS, "upload device %s (layout %s)",
		    st->upload_path, tdx_host_layout_name(st->layout));
		break;
	case TDX_UPDATE_ERRATUM:
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_FAIL,
		    "runtime update unsupported: this CPU has the seamret_invd_vmcs erratum "
		    "(/proc/cpuinfo bugs), so the kernel offers no upload device; nothing was "
		    "changed; install the module at boot instead");
		break;
	case TDX_UPDATE_NO_FEATURE:
	case TDX_UPDATE_NO_DEVICE:
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_FAIL,
		    "runtime update unsupported: no upload device under %s/" TDX_HOST_SYSPATH " and "
		    "no CPU erratum, so the running module lacks TD-preserving update "
		    "(TDX_FEATURES0 bit 1) or the kernel predates runtime update; nothing was "
		    "changed; install the module at boot instead", sysfs);
		break;
	}
}

/* host.remaining_updates, host.cpus_online, host.upload_idle: what can change while it runs. */
static void judge_host_state(struct judging *j, const struct tdx_host_status *st,
			     const char *sysfs)
{
	char list[256];

	if (st->remaining_rc == -EACCES || st->remaining_rc == -EPERM)
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_SKIP,
		    "num_remaining_updates is readable by root only");
	else if (st->remaining_rc < 0)
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_SKIP,
		    "num_remaining_updates unavailable: %s", strerror(-st->remaining_rc));
	else if (st->remaining == 0)
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_FAIL,
		    "the P-SEAMLDR accepts no more updates until reboot (num_remaining_updates is "
		    "0; an update now would fail after the running module shut down, losing it); "
		    "nothing was changed; reboot to reset the budget");
	else
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_PASS, "%u more update(s) accepted",
		    st->remaining);

	if (st->cpus_rc < 0)
		row(j, TDX_CHK_HOST_CPUS_ONLINE, TDX_CHECK_FAIL,
		    "cannot read %s/" CPU_SYSPATH "/{present,online}: %s; nothing was changed",
		    sysfs, strerror(-st->cpus_rc));
	else if (tdx_cpuset_count(&st->offline))
		row(j, TDX_CHK_HOST_CPUS_ONLINE, TDX_CHECK_FAIL,
		    "CPU(s) %s present but offline: the P-SEAMLDR needs every CPU, and an update "
		    "now would fail after shutdown, losing the module; nothing was changed; bring "
		    "them online (echo 1 > %s/" CPU_SYSPATH "/cpuN/online) and retry",
		    tdx_cpuset_format(&st->offline, list, sizeof(list)), sysfs);
	else
		row(j, TDX_CHK_HOST_CPUS_ONLINE, TDX_CHECK_PASS, "all %u present CPUs online",
		    tdx_cpuset_count(&st->present));

	if (!st->upload_path) {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_SKIP, "no upload device");
	} else if (st->upload_status_rc < 0) {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_FAIL,
		    "cannot read %s/status: %s; nothing was changed", st->upload_path,
		    strerror(-st->upload_status_rc));
	} else if (st->upload_status != TDX_FW_IDLE) {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_FAIL,
		    "the upload device is busy (status %s): another update is running; nothing was "
		    "changed", tdx_fw_status_name(st->upload_status));
		if (!j->oom)
			tdx_report_add_remedy(j->report, TDX_REMEDY_STATUS_IDLE);
	} else {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_PASS, "idle");
	}
}

/*
 * host.lock. A lock that cannot be told is a failure for root, whose update could not take it
 * either, and a warning for anyone else: the lock is root's alone, and host.permission already
 * says that an update needs root. An update that tried to take it (lock_tried) says so.
 */
static void judge_lock(struct judging *j, const struct tdx_readiness_facts *f)
{
	if (f->lock_rc < 0 && f->lock_tried)
		row_denied(j, TDX_CHK_HOST_LOCK, f->lock_rc,
			   "cannot take %s/" TDX_LOCK_FILE ": %s; nothing was changed", f->run_dir,
			   strerror(-f->lock_rc));
	else if (f->lock_rc < 0 && f->root)
		row_denied(j, TDX_CHK_HOST_LOCK, f->lock_rc,
			   "cannot tell whether %s/" TDX_LOCK_FILE " is held: %s; an update could "
			   "not take it either; nothing was changed", f->run_dir, strerror(-f->lock_rc));
	else if (f->lock_rc < 0)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_WARN,
		    "cannot tell whether %s/" TDX_LOCK_FILE " is held: %s; the lock is root's",
		    f->run_dir, strerror(-f->lock_rc));
	else if (f->lock_held && f->lock_mine)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_PASS, "held by this process");
	else if (f->lock_held && f->lock_owner.pid)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL,
		    "another tdxctl (PID %d) holds %s/" TDX_LOCK_FILE ": an update is running; "
		    "nothing was changed", (int)f->lock_owner.pid, f->run_dir);
	else if (f->lock_held)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL,
		    "another process holds %s/" TDX_LOCK_FILE " (it recorded no PID): an update is "
		    "running; nothing was changed", f->run_dir);
	else
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_PASS, "free");
	/* Held by someone else: look again once it is free. */
	if (f->lock_rc >= 0 && f->lock_held && !f->lock_mine && !j->oom)
		tdx_report_add_remedy(j->report, TDX_REMEDY_STATUS_FREE);
}

/*
 * The builds with their owners, for the td_builds rows: the live ones, "vm1 (pid 12), vm2
 * (pid 34)" ("(ended just now)" when none is left), or the ones an update ignores, "a (stale:
 * owner pid 1 is gone), b (expired 5 s ago)", which it names once it closed the gate.
 */
static void builds_describe(const struct tdx_readiness_facts *f, bool live, char *buf,
			    size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < f->n_builds && len < size; i++) {
		const struct tdx_gate_entry *e = &f->builds[i];
		const char *sep = len ? ", " : "";

		if ((e->state == TDX_GATE_LIVE) != live)
			continue;
		if (e->state == TDX_GATE_LIVE)
			len += (size_t)snprintf(buf + len, size - len, "%s%s (pid %d)", sep,
						e->name, (int)e->pid);
		else if (e->state == TDX_GATE_STALE)
			len += (size_t)snprintf(buf + len, size - len,
						"%s%s (stale: owner pid %d is gone)", sep, e->name,
						(int)e->pid);
		else if (e->state == TDX_GATE_LATE)
			len += (size_t)snprintf(buf + len, size - len,
						"%s%s (recorded after the gate closed)", sep,
						e->name);
		else if (f->now)
			len += (size_t)snprintf(buf + len, size - len, "%s%s (expired %lld s ago)",
						sep, e->name, (long long)(f->now - e->expires));
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%s (expired)", sep,
						e->name);
	}
	if (live && !buf[0])
		snprintf(buf, size, "(ended just now)");
}

/*
 * host.td_builds: a build racing the update would get a wrong measurement (§4.2). The facts
 * are either the gate read only (status, a dry run) or, with gate_tried, what the update's
 * own close found: the builds still live after builds_waited_ms, or the gate closed by it.
 */
static void judge_builds(struct judging *j, const struct tdx_readiness_facts *f)
{
	char names[512], ignored[512];

	builds_describe(f, true, names, sizeof(names));
	if (f->gate_rc < 0 && f->gate_tried) {
		row_denied(j, TDX_CHK_HOST_TD_BUILDS, f->gate_rc,
			   "cannot close the TD-build gate in %s: %s; nothing was changed",
			   f->run_dir, strerror(-f->gate_rc));
	} else if (f->gate_rc < 0 && f->root) {
		row_denied(j, TDX_CHK_HOST_TD_BUILDS, f->gate_rc,
			   "cannot read the TD-build gate in %s: %s; an update could not close it "
			   "either; nothing was changed", f->run_dir, strerror(-f->gate_rc));
	} else if (f->gate_rc < 0) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_WARN, "cannot read the TD-build gate: %s",
		    strerror(-f->gate_rc));
	} else if (f->builds_live && f->gate_tried) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
		    "TD builds in progress: %s, still after waiting %u.%03u s: an update now could "
		    "corrupt their measurement; nothing was changed", names,
		    f->builds_waited_ms / 1000, f->builds_waited_ms % 1000);
		if (!j->oom)
			tdx_report_add_remedy(j->report, TDX_REMEDY_BUILDS_END | TDX_REMEDY_WAIT_BUILDS);
	} else if (f->builds_live) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
		    "TD builds in progress: %s: an update now would wait for them, then be "
		    "refused; nothing was changed", names);
		if (!j->oom)
			tdx_report_add_remedy(j->report, TDX_REMEDY_BUILDS_END | TDX_REMEDY_WAIT_BUILDS);
	} else if (f->gate_closed && f->gate_mine && f->builds_ignored) {
		builds_describe(f, false, ignored, sizeof(ignored));
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_WARN,
		    "no TD build in progress; the TD-build gate is closed by this process; "
		    "ignored: %s", ignored);
	} else if (f->gate_closed && f->gate_mine) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_PASS,
		    "no TD build in progress; the TD-build gate is closed by this process");
	} else if (f->gate_closed && f->gate_closer) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
		    "the TD-build gate in %s is closed by PID %d (an update is running); nothing "
		    "was changed; retry when it is done", f->run_dir, (int)f->gate_closer);
	} else if (f->gate_closed) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
		    "the TD-build gate in %s is closed by another process (an update is running); "
		    "nothing was changed; retry when it is done", f->run_dir);
	} else {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_PASS,
		    "no TD build in progress; the TD-build gate is open");
	}
}

static void judge_permission(struct judging *j, const struct tdx_readiness_facts *f)
{
	if (!f->root || !f->rawio)
		row(j, TDX_CHK_HOST_PERMISSION, TDX_CHECK_FAIL,
		    "%s: an update needs root with CAP_SYS_RAWIO, and without root the P-SEAMLDR "
		    "version and the update budget are unreadable; nothing was changed; run as "
		    "root",
		    f->root ? "CAP_SYS_RAWIO missing" : "not root");
	else
		row(j, TDX_CHK_HOST_PERMISSION, TDX_CHECK_PASS, "root, CAP_SYS_RAWIO");
}

TDX_EXPORT
enum tdx_outcome tdx_readiness_judge_rules(const struct tdx_readiness_facts *f,
					   unsigned int rules, struct tdx_report *report)
{
	struct judging j = { report, TDX_OUTCOME_OK, false, false };
	const char *sysfs = f->sysfs_root ? f->sysfs_root : "/sys";

	if (rules & TDX_READINESS_INTERFACE)
		judge_interface(&j, &f->host, sysfs, f->kmodule, f->kmodule_state);
	if ((rules & TDX_READINESS_HOST_STATE) && f->host.host_rc == 0)
		judge_host_state(&j, &f->host, sysfs);
	if (rules & TDX_READINESS_LOCK)
		judge_lock(&j, f);
	if (rules & TDX_READINESS_BUILDS)
		judge_builds(&j, f);
	if (rules & TDX_READINESS_PERMISSION)
		judge_permission(&j, f);
	return j.oom ? TDX_OUTCOME_FAILED : j.outcome;
}

TDX_EXPORT
enum tdx_outcome tdx_readiness_judge(const struct tdx_readiness_facts *f,
				     struct tdx_report *report)
{
	return tdx_readiness_judge_rules(f, TDX_READINESS_ALL, report);
}

TDX_EXPORT
char *tdx_readiness_builds_format(const struct tdx_readiness_facts *f, char *buf, size_t size)
{
	size_t len = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < f->n_builds && len < size; i++) {
		if (f->builds[i].state != TDX_GATE_LIVE)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
					f->builds[i].name);
	}
	return buf;
}
