// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Could an update start now? The readiness rules, judged once for every front end (status,
 * metrics, the update's pre-flight): a pure judgement of facts (tdx_readiness_judge, or a group
 * of rules at a time, tdx_readiness_judge_rules, for the update, which learns its facts in
 * stages and stops at the first that fails). The host gathers the facts
 * (tdx_readiness_collect, lib/host/readiness.c). Each row is a finding and its facts
 * (lib/findings/rules.def), never a sentence, and names no command or option: a result carries
 * remedies (host.interface: load the module, name it; host.upload_idle and host.lock: look again
 * when it is idle or free; host.td_builds: when the builds end, or wait longer for them) and a
 * front end words them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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
	case TDX_KMODULE_BLACKLISTED:	return "blacklisted";
	case TDX_KMODULE_NO_LIBKMOD:	return "no libkmod";
	case TDX_KMODULE_QUERY_FAILED:	return "query failed";
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

/*
 * One rule's result, recorded by row() (@rc: tdx_report_fact()'s). The outcome is taken from
 * the status as the report grades it, never read back from the report: a result that cannot be
 * recorded must not make the host look ready.
 */
static void row_done(struct judging *j, enum tdx_check_id id, enum tdx_check_status status,
		     int rc)
{
	if (rc < 0)
		j->oom = true;
	if (!j->failed_first && tdx_report_grade(j->report, id, status) == TDX_CHECK_FAIL) {
		j->outcome = tdx_check_outcome(id);
		j->failed_first = true;
	}
}

#define row(j, id, status, ...) \
	row_done((j), (id), (status), tdx_report_fact((j)->report, (id), (status), __VA_ARGS__))

/*
 * A failed row whose cause is permission, not time: the run folder is unsafe (not root's, or
 * writable by others: -EPERM from tdx_rundir_open()). Waiting does not fix it, so it is 77
 * (tdxctl(8), TRUST MODEL), not the check's usual 75: a timer must not retry it, nor a
 * pre-flight take it for busy.
 */
static void row_denied_done(struct judging *j, enum tdx_check_id id, int rc, int added)
{
	bool first = !j->failed_first;

	if (added < 0)
		j->oom = true;
	if (first && tdx_report_grade(j->report, id, TDX_CHECK_FAIL) == TDX_CHECK_FAIL) {
		j->outcome = rc == -EPERM ? TDX_OUTCOME_PERMISSION : tdx_check_outcome(id);
		j->failed_first = true;
	}
}

#define row_denied(j, id, rc, ...) \
	row_denied_done((j), (id), (rc), \
			tdx_report_fact((j)->report, (id), TDX_CHECK_FAIL, __VA_ARGS__))

/* @dir/@sub, a path for a fact ("" past @size). */
static const char *path_of(char *buf, size_t size, const char *dir, const char *sub)
{
	int n = snprintf(buf, size, "%s/%s", dir, sub);

	return n < 0 || (size_t)n >= size ? "" : buf;
}

/* A positive errno for a fact, from a negative one (EIO when there is none). */
static unsigned int errno_of(int rc)
{
	return rc < 0 ? (unsigned int)-rc : EIO;
}

/*
 * host.interface, host.module_live, host.update_supported: can compatibility run at all? When
 * tdx_host is missing, the module's state says why, or why that is not known (a finding of its
 * own each: no libkmod is not "no module"); whatever the state, host.interface fails the same
 * way (tdx_check_outcome(): 69), since the interface is what is missing.
 */
static void judge_interface(struct judging *j, const struct tdx_readiness_facts *f,
			    const char *sysfs)
{
	const struct tdx_host_status *st = &f->host;
	const char *kmodule = f->kmodule;
	char v[TDX_VERSION_STRLEN], dir[PATH_MAX];
	const char *tdx = path_of(dir, sizeof(dir), sysfs, TDX_HOST_SYSPATH);

	if (st->host_rc < 0) {
		switch (f->kmodule_state) {
		case TDX_KMODULE_NOT_LOADED:
			/* Loading it was tried and failed: why, and no advice to try again. */
			if (f->kmodule_load == TDX_KMODULE_LOAD_FAILED) {
				row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
				    TDX_FND_HOST_NO_INTERFACE_LOAD_FAILED, TDX_FACT_S(tdx),
				    TDX_FACT_S(kmodule), TDX_FACT_U(errno_of(f->kmodule_load_err)));
				break;
			}
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    TDX_FND_HOST_NO_INTERFACE_NOT_LOADED, TDX_FACT_S(tdx), TDX_FACT_S(kmodule));
			if (!j->oom)
				tdx_report_add_remedy(j->report, TDX_REMEDY_LOAD_MODULE);
			break;
		case TDX_KMODULE_LOADED:
		case TDX_KMODULE_BUILTIN:
		case TDX_KMODULE_COMING:
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL, TDX_FND_HOST_NO_INTERFACE_LOADED,
			    TDX_FACT_S(tdx), TDX_FACT_S(kmodule),
			    TDX_FACT_S(tdx_kmodule_state_name(f->kmodule_state)));
			break;
		case TDX_KMODULE_UNKNOWN:
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    TDX_FND_HOST_NO_INTERFACE_NO_MODULE, TDX_FACT_S(tdx),
			    TDX_FACT_S(kmodule ? kmodule : ""));
			if (!j->oom)
				tdx_report_add_remedy(j->report, TDX_REMEDY_MODULE_NAME);
			break;
		case TDX_KMODULE_BLACKLISTED:
			/* Not TDX_REMEDY_LOAD_MODULE: the load applies the same blacklist. */
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    TDX_FND_HOST_NO_INTERFACE_BLACKLISTED, TDX_FACT_S(tdx),
			    TDX_FACT_S(kmodule ? kmodule : ""));
			break;
		case TDX_KMODULE_NO_LIBKMOD:
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    TDX_FND_HOST_NO_INTERFACE_NO_LIBKMOD, TDX_FACT_S(tdx),
			    TDX_FACT_S(kmodule ? kmodule : ""));
			break;
		case TDX_KMODULE_QUERY_FAILED:
			row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_FAIL,
			    TDX_FND_HOST_NO_INTERFACE_QUERY_FAILED, TDX_FACT_S(tdx),
			    TDX_FACT_S(kmodule ? kmodule : ""), TDX_FACT_U(errno_of(f->kmodule_err)));
			break;
		}
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_SKIP, TDX_FND_HOST_NO_DEVICE);
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_SKIP, TDX_FND_HOST_NO_DEVICE);
		return;
	}
	if (st->upload_path)
		row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_PASS, TDX_FND_HOST_INTERFACE, TDX_FACT_S(tdx),
		    TDX_FACT_S(st->upload_path));
	else
		row(j, TDX_CHK_HOST_INTERFACE, TDX_CHECK_PASS, TDX_FND_HOST_INTERFACE_NO_UPLOAD,
		    TDX_FACT_S(tdx));
	if (st->version_rc == -ENXIO)
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_FAIL, TDX_FND_HOST_MODULE_LOST);
	else if (st->version_rc < 0)
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_FAIL, TDX_FND_HOST_VERSION_UNREADABLE,
		    TDX_FACT_S(tdx), TDX_FACT_U(-st->version_rc));
	else
		row(j, TDX_CHK_HOST_MODULE_LIVE, TDX_CHECK_PASS, TDX_FND_HOST_RUNNING,
		    TDX_FACT_S(tdx_version_format(&st->version, v, sizeof(v))));

	switch (st->support) {
	case TDX_UPDATE_SUPPORTED:
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_PASS, TDX_FND_HOST_UPDATE_SUPPORTED,
		    TDX_FACT_S(st->upload_path), TDX_FACT_S(tdx_host_layout_name(st->layout)));
		break;
	case TDX_UPDATE_ERRATUM:
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_FAIL, TDX_FND_HOST_UPDATE_ERRATUM);
		break;
	case TDX_UPDATE_NO_FEATURE:
	case TDX_UPDATE_NO_DEVICE:
		row(j, TDX_CHK_HOST_UPDATE_SUPPORTED, TDX_CHECK_FAIL, TDX_FND_HOST_UPDATE_NO_DEVICE,
		    TDX_FACT_S(tdx));
		break;
	}
}

/* host.cpus_online failed: the offline CPUs, every one of them (a list of any length fits). */
static void judge_offline(struct judging *j, const struct tdx_cpuset *offline, const char *cpu)
{
	char *list = malloc(TDX_CPUSET_STRLEN);

	if (!list)
		j->oom = true;
	row(j, TDX_CHK_HOST_CPUS_ONLINE, TDX_CHECK_FAIL, TDX_FND_HOST_CPUS_OFFLINE,
	    TDX_FACT_S(list ? tdx_cpuset_format(offline, list, TDX_CPUSET_STRLEN) : ""),
	    TDX_FACT_S(cpu));
	free(list);
}

/* host.remaining_updates, host.cpus_online, host.upload_idle: what can change while it runs. */
static void judge_host_state(struct judging *j, const struct tdx_host_status *st,
			     const char *sysfs)
{
	char dir[PATH_MAX];
	const char *cpu = path_of(dir, sizeof(dir), sysfs, CPU_SYSPATH);

	if (st->remaining_rc == -EACCES || st->remaining_rc == -EPERM)
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_SKIP, TDX_FND_HOST_REMAINING_ROOT_ONLY);
	else if (st->remaining_rc < 0)
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_SKIP,
		    TDX_FND_HOST_REMAINING_UNAVAILABLE, TDX_FACT_U(-st->remaining_rc));
	else if (st->remaining == 0)
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_FAIL, TDX_FND_HOST_NO_UPDATES_LEFT);
	else
		row(j, TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHECK_PASS, TDX_FND_HOST_UPDATES_LEFT,
		    TDX_FACT_U(st->remaining));

	if (st->cpus_rc < 0)
		row(j, TDX_CHK_HOST_CPUS_ONLINE, TDX_CHECK_FAIL, TDX_FND_HOST_CPUS_UNREADABLE,
		    TDX_FACT_S(cpu), TDX_FACT_U(-st->cpus_rc));
	else if (tdx_cpuset_count(&st->offline))
		judge_offline(j, &st->offline, cpu);
	else
		row(j, TDX_CHK_HOST_CPUS_ONLINE, TDX_CHECK_PASS, TDX_FND_HOST_CPUS_ONLINE,
		    TDX_FACT_U(tdx_cpuset_count(&st->present)));

	if (!st->upload_path) {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_SKIP, TDX_FND_HOST_NO_UPLOAD_DEVICE);
	} else if (st->upload_status_rc < 0) {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_FAIL, TDX_FND_HOST_UPLOAD_UNREADABLE,
		    TDX_FACT_S(st->upload_path), TDX_FACT_U(-st->upload_status_rc));
	} else if (st->upload_status != TDX_FW_IDLE) {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_FAIL, TDX_FND_HOST_UPLOAD_BUSY,
		    TDX_FACT_S(tdx_fw_status_name(st->upload_status)));
		if (!j->oom)
			tdx_report_add_remedy(j->report, TDX_REMEDY_STATUS_IDLE);
	} else {
		row(j, TDX_CHK_HOST_UPLOAD_IDLE, TDX_CHECK_PASS, TDX_FND_HOST_UPLOAD_IDLE);
	}
}

/*
 * host.lock. A lock that cannot be told is a failure for root, whose update could not take it
 * either, and a warning for anyone else: the lock is root's alone, and host.permission already
 * says that an update needs root. An update that tried to take it (lock_tried) says so.
 */
static void judge_lock(struct judging *j, const struct tdx_readiness_facts *f)
{
	char buf[PATH_MAX];
	const char *lock = path_of(buf, sizeof(buf), f->run_dir, TDX_LOCK_FILE);

	if (f->lock_rc < 0 && f->lock_tried)
		row_denied(j, TDX_CHK_HOST_LOCK, f->lock_rc, TDX_FND_HOST_LOCK_NOT_TAKEN,
			   TDX_FACT_S(lock), TDX_FACT_U(-f->lock_rc));
	else if (f->lock_rc < 0 && f->root)
		row_denied(j, TDX_CHK_HOST_LOCK, f->lock_rc, TDX_FND_HOST_LOCK_UNKNOWN_ROOT,
			   TDX_FACT_S(lock), TDX_FACT_U(-f->lock_rc));
	else if (f->lock_rc < 0)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_WARN, TDX_FND_HOST_LOCK_UNKNOWN, TDX_FACT_S(lock),
		    TDX_FACT_U(-f->lock_rc));
	else if (f->lock_held && f->lock_mine)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_PASS, TDX_FND_HOST_LOCK_MINE);
	else if (f->lock_held && f->lock_owner.pid)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL, TDX_FND_HOST_LOCK_HELD_PID,
		    TDX_FACT_U(f->lock_owner.pid), TDX_FACT_S(lock));
	else if (f->lock_held)
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL, TDX_FND_HOST_LOCK_HELD, TDX_FACT_S(lock));
	else
		row(j, TDX_CHK_HOST_LOCK, TDX_CHECK_PASS, TDX_FND_HOST_LOCK_FREE);
	/* Held by someone else: look again once it is free. */
	if (f->lock_rc >= 0 && f->lock_held && !f->lock_mine && !j->oom)
		tdx_report_add_remedy(j->report, TDX_REMEDY_STATUS_FREE);
}

/*
 * The builds for the td_builds rows, as a list the front end words (lib/findings/rules.def):
 * the live ones, or the ones an update ignores (which it names once it closed the gate), each a
 * record of name, state and number, the number left out where there is none. At most
 * TDX_FACT_LIST_MAX are listed; @total counts them all, so that the words can say how many
 * more there are.
 */
struct builds_list {
	struct tdx_fact items[TDX_FACT_LIST_MAX];
	struct tdx_fact records[TDX_FACT_LIST_MAX][3];
	size_t n;
	size_t total;
};

/* Fill @l with the live builds (@live) or the others; returns whether any was listed. */
static bool builds_describe(const struct tdx_readiness_facts *f, bool live, struct builds_list *l)
{
	l->n = l->total = 0;
	for (size_t i = 0; i < f->n_builds; i++) {
		const struct tdx_gate_entry *e = &f->builds[i];
		struct tdx_fact *r = l->records[l->n];
		size_t n = 2;

		if ((e->state == TDX_GATE_LIVE) != live || l->total++ >= TDX_FACT_LIST_MAX)
			continue;
		r[0] = TDX_FACT_S(e->name);
		if (e->state == TDX_GATE_LIVE || e->state == TDX_GATE_STALE) {
			r[1] = TDX_FACT_S(e->state == TDX_GATE_LIVE ? "live" : "stale");
			r[n++] = TDX_FACT_U(e->pid);
		} else if (e->state == TDX_GATE_LATE) {
			r[1] = TDX_FACT_S("late");
		} else {
			r[1] = TDX_FACT_S("expired");
			/* Seconds since it expired, when the wall clock can tell. */
			if (f->now && f->now >= e->expires)
				r[n++] = TDX_FACT_U(f->now - e->expires);
		}
		l->items[l->n++] = TDX_FACT_L(r, n);
	}
	return l->n != 0;
}

/*
 * host.td_builds: a build racing the update would get a wrong measurement (§4.2). The facts
 * are either the gate read only (status, a dry run) or, with gate_tried, what the update's
 * own close found: the builds still live after builds_waited_ms, or the gate closed by it.
 */
static void judge_builds(struct judging *j, const struct tdx_readiness_facts *f)
{
	struct builds_list names, ignored;
	char waited[32];
	bool listed = builds_describe(f, true, &names);

	snprintf(waited, sizeof(waited), "%u.%03u", f->builds_waited_ms / 1000,
		 f->builds_waited_ms % 1000);
	if (f->gate_rc < 0 && f->gate_tried) {
		row_denied(j, TDX_CHK_HOST_TD_BUILDS, f->gate_rc, TDX_FND_HOST_GATE_NOT_CLOSED,
			   TDX_FACT_S(f->run_dir), TDX_FACT_U(-f->gate_rc));
	} else if (f->gate_rc < 0 && f->root) {
		row_denied(j, TDX_CHK_HOST_TD_BUILDS, f->gate_rc, TDX_FND_HOST_GATE_UNREADABLE_ROOT,
			   TDX_FACT_S(f->run_dir), TDX_FACT_U(-f->gate_rc));
	} else if (f->gate_rc < 0) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_WARN, TDX_FND_HOST_GATE_UNREADABLE,
		    TDX_FACT_U(-f->gate_rc));
	} else if (f->builds_live && f->gate_tried) {
		/* Listed live, or ended between the close and the reading ("ended just now"). */
		if (listed)
			row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_AFTER_WAIT,
			    TDX_FACT_L(names.items, names.n), TDX_FACT_U(names.total),
			    TDX_FACT_S(waited));
		else
			row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
			    TDX_FND_HOST_BUILDS_ENDED_AFTER_WAIT, TDX_FACT_S(waited));
		if (!j->oom)
			tdx_report_add_remedy(j->report, TDX_REMEDY_BUILDS_END | TDX_REMEDY_WAIT_BUILDS);
	} else if (f->builds_live) {
		if (listed)
			row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_LIVE,
			    TDX_FACT_L(names.items, names.n), TDX_FACT_U(names.total));
		else
			row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_ENDED);
		if (!j->oom)
			tdx_report_add_remedy(j->report, TDX_REMEDY_BUILDS_END | TDX_REMEDY_WAIT_BUILDS);
	} else if (f->gate_closed && f->gate_mine && f->builds_ignored) {
		builds_describe(f, false, &ignored);
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_WARN, TDX_FND_HOST_GATE_MINE_IGNORED,
		    TDX_FACT_L(ignored.items, ignored.n), TDX_FACT_U(ignored.total));
	} else if (f->gate_closed && f->gate_mine) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_PASS, TDX_FND_HOST_GATE_MINE);
	} else if (f->gate_closed && f->gate_closer) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_GATE_CLOSED_PID,
		    TDX_FACT_S(f->run_dir), TDX_FACT_U(f->gate_closer));
	} else if (f->gate_closed) {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_GATE_CLOSED,
		    TDX_FACT_S(f->run_dir));
	} else {
		row(j, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_PASS, TDX_FND_HOST_GATE_OPEN);
	}
}

static void judge_permission(struct judging *j, const struct tdx_readiness_facts *f)
{
	if (!f->root || !f->rawio)
		row(j, TDX_CHK_HOST_PERMISSION, TDX_CHECK_FAIL,
		    f->root ? TDX_FND_HOST_NO_RAWIO : TDX_FND_HOST_NOT_ROOT);
	else
		row(j, TDX_CHK_HOST_PERMISSION, TDX_CHECK_PASS, TDX_FND_HOST_PERMITTED);
}

TDX_EXPORT
enum tdx_outcome tdx_readiness_judge_rules(const struct tdx_readiness_facts *f,
					   unsigned int rules, struct tdx_report *report)
{
	struct judging j = { report, TDX_OUTCOME_OK, false, false };
	const char *sysfs = f->sysfs_root ? f->sysfs_root : "/sys";

	if (rules & TDX_READINESS_INTERFACE)
		judge_interface(&j, f, sysfs);
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
