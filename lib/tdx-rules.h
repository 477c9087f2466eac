/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rules layer of libtdxctl (lib/rules, in the pure archive with lib/format): the
 * judgements made from host facts. Could an update start now (readiness), may the running
 * module hand over to the image (handoff), and what did an update come to (its verdict). The
 * host code gathers the facts (tdx-host.h), the update calls the rules (tdx-update.h), and
 * status, metrics or a test fill the same facts in by hand: every rule is a function of its
 * arguments, proven by the nm check of the pure archive (tests/lint/check-pure.sh).
 */
#ifndef LIBTDXCTL_RULES_H
#define LIBTDXCTL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "tdx-format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the facts readiness is judged from -------------------------------------------------- */

/*
 * The providing kernel module (tdx_kmodule_get_state(), kmodule.c). The last three say why
 * its state is not known: the question could not be asked (no libkmod), or libkmod failed.
 */
enum tdx_kmodule_state {
	TDX_KMODULE_UNKNOWN = 0,	/* no module of that name is known to modprobe */
	TDX_KMODULE_NOT_LOADED,
	TDX_KMODULE_LOADED,
	TDX_KMODULE_BUILTIN,
	TDX_KMODULE_COMING,		/* loading or unloading right now */
	TDX_KMODULE_BLACKLISTED,	/* not loaded, and modprobe's blacklist refuses it */
	TDX_KMODULE_NO_LIBKMOD,		/* libkmod cannot be loaded: not known */
	TDX_KMODULE_QUERY_FAILED,	/* libkmod failed to tell (an errno): not known */
};

/*
 * "unknown", "not loaded", "loaded", "built in", "loading or unloading", "blacklisted",
 * "no libkmod", "query failed": stable, for JSON and metrics.
 */
const char *tdx_kmodule_state_name(enum tdx_kmodule_state state);

/* What loading the providing kernel module came to (tdx_kmodule_load(), kmodule.c). */
enum tdx_kmodule_load {
	TDX_KMODULE_LOAD_NONE = 0,	/* not tried */
	TDX_KMODULE_LOAD_DONE,		/* loaded */
	TDX_KMODULE_LOAD_NO_LIBKMOD,	/* libkmod cannot be loaded */
	TDX_KMODULE_LOAD_NOT_FOUND,	/* modprobe's rules know no module of that name */
	TDX_KMODULE_LOAD_BLACKLISTED,	/* modprobe's blacklist refuses it */
	TDX_KMODULE_LOAD_FAILED,	/* libkmod or the kernel refused it: an errno */
};

/* The update lock's file, relative to the run folder: in root's 0700 folder (lock.c says why). */
#define TDX_LOCK_FILE	"private/update.lock"

/* Who holds the update lock (tdx_lock_query(), lock.c). */
struct tdx_lock_owner {
	pid_t pid;
	unsigned long long starttime;	/* /proc/PID/stat field 22: tells a reused PID apart */
	bool alive;			/* that process still exists with that start time */
};

/* One recorded TD build (tdx_gate_list(), gate.c). */
#define TDX_GATE_NAME_MAX	64u	/* bytes of a build name */

enum tdx_gate_state {
	TDX_GATE_LIVE = 0,	/* owner alive, not expired: a TD build is in progress */
	TDX_GATE_STALE,		/* owner gone, or its PID reused by another process */
	TDX_GATE_EXPIRED,	/* owner alive, but past its expiry */
	TDX_GATE_LATE,		/* recorded after this handle closed the gate: not waited for */
};

struct tdx_gate_entry {
	char name[TDX_GATE_NAME_MAX + 1];
	pid_t pid;
	unsigned long long pid_start_time;	/* clock ticks after boot, /proc/PID/stat field 22 */
	time_t started;		/* wall clock, for people */
	time_t expires;
	/* The boot-time clock (CLOCK_BOOTTIME s) of boot @boot_id: what the state is judged on. */
	char boot_id[37];	/* empty in entries of older versions: the wall clock then */
	int64_t started_boot;
	int64_t expires_boot;	/* believed at most TDX_GATE_TTL_MAX after started_boot */
	uint64_t pidns;		/* the PID namespace @pid is numbered in (0: unknown) */
	uid_t uid;		/* who recorded it: the owner of its file */
	bool member;		/* recorded by someone other than the run folder's owner (root) */
	char file[TDX_GATE_NAME_MAX + 32];	/* its file in builds/ */
	uint64_t ino;		/* that file's inode, when listed */
	enum tdx_gate_state state;
	/* When listed: how long it has been recorded, and how much longer it holds an update. */
	int64_t age_s;
	int64_t hold_s;		/* 0 unless live */
};

/* ---- readiness: could an update start now? (readiness.c) ------------------------------------ */

/*
 * Every fact the readiness rules are judged from. tdx_readiness_collect() gathers them from the
 * host; a test or another front end may fill them in by hand. The strings and @host.upload_path
 * belong to the caller (collect: the context and the tdx_host object), @builds to the facts.
 */
struct tdx_readiness_facts {
	struct tdx_host_status host;		/* tdx_host_collect() */
	const char *sysfs_root;			/* for messages: where tdx_host and the CPUs are */
	const char *kmodule;			/* the providing kernel module's name (may be NULL) */
	enum tdx_kmodule_state kmodule_state;
	int kmodule_err;			/* TDX_KMODULE_QUERY_FAILED: libkmod's errno */
	/* An update loaded the module (tdx_kmodule_load()): what that came to, and its errno. */
	enum tdx_kmodule_load kmodule_load;
	int kmodule_load_err;
	bool root, rawio;			/* tdx_caller_get_privileges() */
	const char *run_dir;			/* the run folder: update lock, TD-build gate */
	int lock_rc;				/* tdx_lock_query(): < 0 the lock cannot be told */
	bool lock_tried;			/* an update tried to take it: lock_rc is why not */
	bool lock_held;
	bool lock_mine;				/* held by this very process */
	struct tdx_lock_owner lock_owner;
	int gate_rc;				/* reading the gate and its builds: < 0 unknown */
	bool gate_closed;
	bool gate_mine;				/* closed by this very process */
	pid_t gate_closer;			/* 0 when unknown */
	/*
	 * An update tried to close the gate and waited @builds_waited_ms for the live builds:
	 * gate_rc is why it could not close it, builds_live those still running after the wait
	 * (the gate open again), gate_mine that it closed and drained it. Else (status, a dry
	 * run) the gate was read only, and the builds would make an update wait.
	 */
	bool gate_tried;
	unsigned int builds_waited_ms;
	struct tdx_gate_entry *builds;		/* every recorded build, judged; free() */
	size_t n_builds;
	size_t builds_live, builds_ignored;	/* live ones; stale or expired ones */
	time_t now;				/* when the builds were read ("expired N s ago"); 0 */
};

/*
 * The readiness rules, in groups: an update learns its facts in stages (privileges first, the
 * lock only once every other check passed, the gate under the lock) and judges each group
 * when it has its facts.
 */
enum tdx_readiness_rules {
	/* host.interface, host.module_live, host.update_supported */
	TDX_READINESS_INTERFACE		= 1u << 0,
	/* host.remaining_updates, host.cpus_online, host.upload_idle (only with tdx_host) */
	TDX_READINESS_HOST_STATE	= 1u << 1,
	TDX_READINESS_LOCK		= 1u << 2,	/* host.lock */
	TDX_READINESS_BUILDS		= 1u << 3,	/* host.td_builds */
	TDX_READINESS_PERMISSION	= 1u << 4,	/* host.permission */
	TDX_READINESS_ALL		= (1u << 5) - 1,
};

/*
 * Judge whether an update could start now, from @facts only (no I/O). One result per rule is
 * appended to @report (may be NULL), in this order, which is the order of precedence:
 * host.interface, host.module_live, host.update_supported, host.remaining_updates,
 * host.cpus_online, host.upload_idle, host.lock, host.td_builds, host.permission. Returns the
 * outcome of the first rule that failed (tdx_check_outcome()), TDX_OUTCOME_OK when the host is
 * ready, TDX_OUTCOME_FAILED when a result could not be recorded (out of memory).
 */
enum tdx_outcome tdx_readiness_judge(const struct tdx_readiness_facts *facts,
				     struct tdx_report *report);
/*
 * The same judgement restricted to the groups in @rules (enum tdx_readiness_rules): the rows
 * tdx_readiness_judge() would append for them, in the same order, and the outcome of the first
 * of them that failed. tdx_readiness_judge() is this with TDX_READINESS_ALL.
 */
enum tdx_outcome tdx_readiness_judge_rules(const struct tdx_readiness_facts *facts,
					   unsigned int rules, struct tdx_report *report);

/* ---- the handoff rule (handoff.c) --------------------------------------------------------- */

/*
 * The running module's handoff version is in no sysfs file: the update looks for its release's
 * sigstruct beside the image, and uses it only when it verifies with the trusted key and is of
 * the running version.
 */
enum tdx_handoff_hv_state {
	TDX_HANDOFF_HV_KNOWN = 0,	/* @hv, from @file */
	TDX_HANDOFF_HV_NOT_FOUND,	/* no release of the running version where it looked */
	TDX_HANDOFF_HV_UNTRUSTED,	/* @file found, not signed with the trusted key: set aside */
	TDX_HANDOFF_HV_OTHER_VERSION,	/* @file found, of another version than running: aside */
};

struct tdx_handoff_hv {
	enum tdx_handoff_hv_state state;
	uint16_t hv;
	const char *file;	/* the release file used or set aside; NULL when none was found */
};

/*
 * compat.handoff: may the running module hand over to an image whose sigstruct asks for
 * @min_update_hv (its min_update_hv)? Above the running module's handoff version the loader
 * fails the install at CPU_INSTALL and the module is lost. The running module's version
 * @running (NULL: unknown, then nothing is recorded) and what was found of its handoff version
 * (@hv). One result appended to @report: PASS when @min_update_hv is 0 or the handoff version
 * is high enough, WARN when it is unknown (saying why: no release found, or which file was set
 * aside and for what), FAIL when it is lower.
 */
void tdx_handoff_judge(uint16_t min_update_hv, const struct tdx_version *running,
		       const struct tdx_handoff_hv *hv, struct tdx_report *report);

/* ---- releases found in a folder, judged (release-label.c) --------------------------------- */

/*
 * What a release found in a folder is to this host. When several apply, the first failed check
 * decides (tdx_release_label_from_report), so the order of precedence is: invalid, debug, cpu,
 * no-version, other-line, older, unlisted, below-minimum, seamldr, svn.
 */
enum tdx_release_label {
	TDX_LABEL_INSTALLABLE = 0,	/* passes every rule: can be installed in place */
	TDX_LABEL_RUNNING,		/* the running version (installable with --reinstall) */
	TDX_LABEL_OLDER,		/* older than the running module */
	TDX_LABEL_OTHER_LINE,		/* another major.minor than the running module */
	TDX_LABEL_BELOW_MINIMUM,	/* running module below the release's minimum */
	TDX_LABEL_SEAMLDR,		/* the running P-SEAMLDR cannot load it */
	TDX_LABEL_CPU,			/* this CPU is not in its CPUID table */
	TDX_LABEL_DEBUG,		/* debug-signed, debug modules not allowed */
	TDX_LABEL_SVN,			/* SVN rule fails against the running module */
	TDX_LABEL_INVALID,		/* the image fails an offline check or cannot be read */
	TDX_LABEL_UNLISTED,		/* the mapping file does not list its version */
	TDX_LABEL_NO_VERSION,		/* version in neither its name nor its sigstruct */
	TDX_LABEL__COUNT
};

/* Short stable name for JSON and scripts: "installable", "running", "older", "other-line", ... */
const char *tdx_release_label_name(enum tdx_release_label label);

/*
 * The label that the first failed check of @report stands for (verification and compatibility
 * checks of one candidate in one report), or the verdict's when nothing failed. Pure.
 */
enum tdx_release_label tdx_release_label_from_report(const struct tdx_report *report,
						     enum tdx_compat_verdict verdict);

/* One release found in a folder. Read-only for callers. */
struct tdx_candidate {
	char *path;			/* blob, kernel image, or module .bin of a pair */
	char *sig_path;			/* the pair's .sigstruct; NULL for a blob or image */
	char *alt_path;			/* the same release as a pair (the blob preferred) */
	char *alt_sig_path;
	bool have_version;
	struct tdx_version version;
	enum tdx_version_source version_source;
	/* Set by tdx_releases_label(): */
	bool labelled;
	int error;			/* negative errno when the files could not be read */
	enum tdx_release_label label;
	bool listed;			/* the mapping file lists it; @release is its entry */
	struct tdx_release_info release;
	struct tdx_report *report;	/* every check that ran for this candidate */
};

/* The releases found in a folder (tdx_releases_scan(), tdx-host.h); opaque. */
struct tdx_releases;

size_t tdx_releases_count(const struct tdx_releases *list);
const struct tdx_candidate *tdx_releases_get(const struct tdx_releases *list, size_t i);

/*
 * The reason for a candidate's label, for the front end to word: 1 when it is result *@index of
 * the candidate's report (its first failed check), the candidate's error (a negative errno: its
 * files could not be read) when no check failed, else 0.
 */
int tdx_candidate_reason(const struct tdx_candidate *candidate, size_t *index);
/* The remedies (enum tdx_remedy) of that reason's check; 0 when there are none. */
unsigned int tdx_candidate_reason_remedies(const struct tdx_candidate *candidate);

/*
 * The newest installable candidate (labelled TDX_LABEL_INSTALLABLE), the first of equals, in
 * *@index. -ENOENT when none is installable (the caller can tell "already current" by a
 * candidate labelled TDX_LABEL_RUNNING).
 */
int tdx_releases_pick_latest(const struct tdx_releases *list, size_t *index);

/* ---- what an update came to (judge.c) ---------------------------------------------------- */

/* What the host showed once the upload device was idle again (or the wait ended). */
struct tdx_update_facts {
	int version_rc;			/* reading `version` afterwards: 0, -ENXIO (lost), ... */
	struct tdx_version now;		/* when version_rc is 0 */
	struct tdx_version old;		/* the running version before */
	struct tdx_version image;	/* the image's */
	bool reinstall;			/* the image's version is the running one */
	bool timed_out;			/* the upload device was still busy at the deadline */
	bool have_kernel_error;		/* `error` was set after the upload */
	const char *kernel_error_code;	/* its error word ("firmware-invalid", "device-busy") */
	bool started;			/* our upload demonstrably started */
};

enum tdx_update_judgement {
	TDX_JUDGED_UPDATED = 0,		/* the version is the image's */
	TDX_JUDGED_LOST,		/* version fails with ENXIO: every TD gone, reboot */
	TDX_JUDGED_STILL_BUSY,		/* still running at the deadline: do not act yet */
	TDX_JUDGED_UNREADABLE,		/* version cannot be read (not ENXIO) */
	TDX_JUDGED_PARTIAL,		/* the image's version, yet the kernel reported an error */
	TDX_JUDGED_OTHER_VERSION,	/* neither the old nor the image's version */
	TDX_JUDGED_DEVICE_BUSY,		/* refused to start (device-busy); intact, retry later */
	TDX_JUDGED_REJECTED,		/* refused; the running module intact */
};

/*
 * The judgement, from facts only: the version file decides; the kernel's error word refines
 * (device-busy: nothing happened) and never overrides it. For a reinstall (same version), the
 * version alone proves nothing, so it counts as done only when the upload demonstrably
 * started and the kernel reported no error.
 */
enum tdx_update_judgement tdx_update_judge(const struct tdx_update_facts *facts);
const char *tdx_update_judgement_name(enum tdx_update_judgement judgement);
enum tdx_outcome tdx_update_judgement_outcome(enum tdx_update_judgement judgement);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_RULES_H */
