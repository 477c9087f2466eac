/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The system side of libtdxctl: the kernel's TDX host device and its firmware-upload device,
 * the providing kernel module, the upload protocol, the update lock and the history.
 *
 * Split in two: pure parsers of what sysfs and /proc print (no I/O, unit-tested), and thin
 * functions that read and write the files. Everything returns 0 or a negative errno.
 */
#ifndef TDX_HOST_H
#define TDX_HOST_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <json-c/json.h>

#include "libtdxctl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- pure parsers (format/sysfs-text.c) ------------------------------------------------------- */

#define TDX_CPUSET_MAX	8192u	/* CPUs a set holds; larger ids are -ERANGE */

/* A set of CPU ids, as /sys/devices/system/cpu/{present,online} print them ("0-3,5"). */
struct tdx_cpuset {
	uint64_t bits[TDX_CPUSET_MAX / 64];
};

/* Parse a kernel CPU list ("0-3,5\n"; empty is the empty set). -EINVAL, -ERANGE. */
int tdx_cpuset_parse(const char *s, struct tdx_cpuset *set);
unsigned int tdx_cpuset_count(const struct tdx_cpuset *set);
/* @dst = @a without @b (e.g. present CPUs that are not online). */
void tdx_cpuset_andnot(struct tdx_cpuset *dst, const struct tdx_cpuset *a,
		       const struct tdx_cpuset *b);
/* Format as a kernel CPU list ("0-3,5"); returns @buf ("..." at the end when truncated). */
char *tdx_cpuset_format(const struct tdx_cpuset *set, char *buf, size_t size);

/* One unsigned decimal as sysfs prints it ("3\n"). -EINVAL, -ERANGE. */
int tdx_sysfs_parse_uint(const char *s, unsigned int *v);

/* Does the "bugs" line of /proc/cpuinfo text list @bug as a whole word? */
bool tdx_cpuinfo_has_bug(const char *cpuinfo, const char *bug);

/* The firmware-upload class's `status` file. */
enum tdx_fw_status {
	TDX_FW_IDLE = 0,
	TDX_FW_RECEIVING,
	TDX_FW_PREPARING,
	TDX_FW_TRANSFERRING,
	TDX_FW_PROGRAMMING,
};

int tdx_fw_status_parse(const char *s, enum tdx_fw_status *status);
const char *tdx_fw_status_name(enum tdx_fw_status status);

/* The `error` file: empty, or "<status>:<error>" such as "transferring:firmware-invalid". */
struct tdx_fw_error {
	bool set;		/* false: empty (the last upload succeeded, or none yet) */
	char phase[16];		/* the status part: "transferring" */
	char code[24];		/* the error word: "firmware-invalid", "device-busy", ... */
};

/* -EINVAL when the text is neither empty nor "<word>:<word>". Unknown words are kept as read. */
int tdx_fw_error_parse(const char *s, struct tdx_fw_error *err);
/* "transferring:firmware-invalid", or "" when not set; returns @buf. */
char *tdx_fw_error_format(const struct tdx_fw_error *err, char *buf, size_t size);
bool tdx_fw_error_equal(const struct tdx_fw_error *a, const struct tdx_fw_error *b);
/* Is the error word one the generic firmware-upload class prints? */
bool tdx_fw_error_code_known(const char *code);

/* ---- the host devices (host.c) --------------------------------------------------------------- */

/* Which sysfs layout the running kernel uses (kernel-update-path.md §1.1). */
enum tdx_host_layout {
	TDX_LAYOUT_NONE = 0,	/* tdx_host without an upload device */
	TDX_LAYOUT_MAINLINE,	/* v8+: flat attributes, upload device tdx_module */
	TDX_LAYOUT_SEAMLDR_DIR,	/* v4-v7: seamldr/ subfolder, upload device tdx_module */
	TDX_LAYOUT_V3,		/* v3: seamldr/ subfolder, upload device seamldr_upload */
};

const char *tdx_host_layout_name(enum tdx_host_layout layout);
/*
 * The layout a host's files show (pure; host.c looks): an upload device (@has_upload) named
 * seamldr_upload (@upload_is_seamldr_upload), the flat num_remaining_updates or
 * seamldr_version (@flat_attrs), a seamldr/ subfolder (@seamldr_dir).
 */
enum tdx_host_layout tdx_host_layout_detect(bool has_upload, bool upload_is_seamldr_upload,
					    bool flat_attrs, bool seamldr_dir);

/* The attributes whose place depends on the layout. */
enum tdx_host_attr {
	TDX_ATTR_SEAMLDR_VERSION,
	TDX_ATTR_REMAINING_UPDATES,
};

/* @attr's file relative to tdx_host in @layout; NULL where the layout has none. */
const char *tdx_host_layout_attr(enum tdx_host_layout layout, enum tdx_host_attr attr);
/* The format @layout's kernels take when the caller does not choose one. */
unsigned int tdx_host_layout_format(enum tdx_host_layout layout);

/* Why runtime update is or is not possible, as far as the host shows it. */
enum tdx_update_support {
	TDX_UPDATE_SUPPORTED = 0,
	TDX_UPDATE_NO_DEVICE,	/* no tdx_host: module not loaded, TDX off, old kernel */
	TDX_UPDATE_ERRATUM,	/* the CPU has the seamret_invd_vmcs erratum */
	/* No erratum, yet no upload device: the module lacks TDX_FEATURES0 bit 1, or the kernel
	 * predates runtime update. */
	TDX_UPDATE_NO_FEATURE,
};

const char *tdx_update_support_name(enum tdx_update_support support);

struct tdx_host;

/*
 * Find /sys/devices/faux/tdx_host and the firmware-upload device whose parent it is. -ENODEV
 * when there is no tdx_host; a missing upload device is not an error (layout NONE).
 */
int tdx_host_open(struct tdx_ctx *ctx, struct tdx_host **host);
void tdx_host_free(struct tdx_host *host);
/* The upload device's sysfs folder (@host's, valid until it is freed); NULL when there is none. */
const char *tdx_host_get_upload_path(const struct tdx_host *host);

/* The running module's version; -ENXIO when the kernel has lost the module (reboot needed). */
int tdx_host_read_version(struct tdx_host *host, struct tdx_version *v);
/* The P-SEAMLDR's version; -ENOENT when not exposed, -EACCES when not root. */
int tdx_host_read_seamldr_version(struct tdx_host *host, struct tdx_version *v);
int tdx_host_read_remaining_updates(struct tdx_host *host, unsigned int *n);
/* Supported, or which of the two preconditions is missing. @host may be NULL. */
int tdx_host_get_update_support(struct tdx_ctx *ctx, struct tdx_host *host,
				enum tdx_update_support *support);

/* /sys/devices/system/cpu/{present,online}. */
int tdx_cpus_read(struct tdx_ctx *ctx, struct tdx_cpuset *present, struct tdx_cpuset *online);
/* The seamret_invd_vmcs entry of the /proc/cpuinfo bugs line. */
int tdx_cpu_read_seamret_erratum(struct tdx_ctx *ctx, bool *has);

/* Effective uid 0 and CAP_SYS_RAWIO in the effective set (capget). */
int tdx_caller_get_privileges(bool *root, bool *rawio);

/* Everything `status` shows and the pre-flight checks judge, read once (host.c). */
struct tdx_host_status {
	int host_rc;			/* tdx_host_open(): 0 or -ENODEV */
	enum tdx_host_layout layout;
	const char *upload_path;	/* NULL when there is no upload device */
	int version_rc;			/* -ENXIO: the module is lost */
	struct tdx_version version;
	int seamldr_rc;
	struct tdx_version seamldr;
	int remaining_rc;
	unsigned int remaining;
	enum tdx_update_support support;
	int upload_status_rc;
	enum tdx_fw_status upload_status;
	int upload_error_rc;		/* -EBUSY while not idle */
	struct tdx_fw_error upload_error;
	int cpus_rc;
	struct tdx_cpuset present, online, offline;
};

/* Read every fact; each read's result is kept in its own _rc, nothing here fails. */
void tdx_host_collect(struct tdx_ctx *ctx, struct tdx_host *host, struct tdx_host_status *st);
/*
 * What compatibility needs from the host (tdx_compat_check): the versions that could be read,
 * and this CPU's CPUID(1).EAX. A fact that could not be read is left out, never guessed.
 */
void tdx_host_status_facts(const struct tdx_host_status *st, struct tdx_host_facts *facts);
/* ---- the providing kernel module (kmodule.c) ------------------------------------------------- */

/* The module name: @override, else the context's (TDX_CTX_KMODULE). */
const char *tdx_kmodule_name(struct tdx_ctx *ctx, const char *override);

enum tdx_kmodule_state {
	TDX_KMODULE_UNKNOWN = 0,	/* no module of that name is known to modprobe */
	TDX_KMODULE_NOT_LOADED,
	TDX_KMODULE_LOADED,
	TDX_KMODULE_BUILTIN,
	TDX_KMODULE_COMING,		/* loading or unloading right now */
};

const char *tdx_kmodule_state_name(enum tdx_kmodule_state state);
int tdx_kmodule_get_state(struct tdx_ctx *ctx, const char *name, enum tdx_kmodule_state *state);
/*
 * modprobe @name, honouring the blacklist: -ENOENT when unknown, -EPERM when blacklisted, the
 * init errno (e.g. -ENODEV: no TDX on this platform) when the module refuses.
 */
int tdx_kmodule_load(struct tdx_ctx *ctx, const char *name);

/* ---- the upload protocol (fwupload.c) -------------------------------------------------------- */

int tdx_fwupload_read_status(struct tdx_ctx *ctx, const char *dir, enum tdx_fw_status *status);
/* -EBUSY while the status is not idle (the class refuses to show it then). */
int tdx_fwupload_read_error(struct tdx_ctx *ctx, const char *dir, struct tdx_fw_error *err);

/* What one upload observed; filled in by the calls below, read by the caller for its verdict. */
struct tdx_fwupload_run {
	struct tdx_fw_error error_before;	/* `error` when idle before loading=1 */
	bool have_error_before;
	struct tdx_fw_error error_after;
	bool have_error_after;
	bool saw_busy;		/* status was seen other than idle after loading=0 */
	bool timed_out;		/* still not idle at the deadline */
	size_t written;		/* bytes taken by `data` */
	uint64_t upload_ns;	/* from loading=0 to idle */
	unsigned int polls;
};

/* Did our upload demonstrably start? true: yes; false: unknown (never "no"). */
bool tdx_fwupload_run_started(const struct tdx_fwupload_run *run);

/* loading=1, after recording the current `error` in @run. */
int tdx_fwupload_begin(struct tdx_ctx *ctx, const char *dir, struct tdx_fwupload_run *run);
/*
 * The @n parts, one after the other, to `data`, short writes and EINTR handled; @run's
 * `written` counts the bytes taken. Returns -EINTR as soon as *@stop is set (between writes),
 * -ENODEV when another upload owns the device.
 */
int tdx_fwupload_write_data(struct tdx_ctx *ctx, const char *dir,
			    const struct tdx_image_part *parts, unsigned int n,
			    const volatile sig_atomic_t *stop, struct tdx_fwupload_run *run);
/* loading=0: hand the image to the driver. From here on the update cannot be called back. */
int tdx_fwupload_commit(struct tdx_ctx *ctx, const char *dir);
/* loading=-1: abandon before commit; nothing reaches the driver. */
int tdx_fwupload_abandon(struct tdx_ctx *ctx, const char *dir);
/*
 * Poll `status` until idle or until CLOCK_MONOTONIC passes @deadline_ns, starting at 1 ms and
 * backing off; then read `error` into @run. -ETIMEDOUT at the deadline.
 */
int tdx_fwupload_wait_idle(struct tdx_ctx *ctx, const char *dir, uint64_t deadline_ns,
			   struct tdx_fwupload_run *run);
/* CLOCK_MONOTONIC in nanoseconds: the one monotonic clock of lib/ and cli/. */
uint64_t tdx_monotonic_ns(void);

/* ---- the update lock (lock.c) ---------------------------------------------------------------- */

struct tdx_lock;

struct tdx_lock_owner {
	pid_t pid;
	unsigned long long starttime;	/* /proc/PID/stat field 22: tells a reused PID apart */
	bool alive;			/* that process still exists with that start time */
};

/*
 * Take the update lock without blocking: -EWOULDBLOCK (with @owner filled when readable) when
 * another process holds it. The holder's PID and start time are written into the lock file.
 */
int tdx_lock_acquire(struct tdx_ctx *ctx, const char *dir, struct tdx_lock **lock,
		     struct tdx_lock_owner *owner);
void tdx_lock_release(struct tdx_lock *lock);
/* Is the lock held, and by whom? *@held false when nobody holds it. */
int tdx_lock_query(struct tdx_ctx *ctx, const char *dir, bool *held, struct tdx_lock_owner *owner);
/* The lock file's content, "PID STARTTIME\n". */
int tdx_lock_owner_parse(const char *s, struct tdx_lock_owner *owner);

/* ---- the history (history.c) ----------------------------------------------------------------- */

/* @override, else the context's (TDX_CTX_HISTORY). */
const char *tdx_history_path(struct tdx_ctx *ctx, const char *override);

/* One attempt. Strings may be NULL (written as null). */
struct tdx_history_record {
	time_t time;
	const char *command;		/* "update", "update --dry-run" */
	bool dry_run;			/* recorded as "kind": "dry-run" (else "update") */
	const char *image_version;	/* the image's version, when known */
	const char *old_version;
	const char *new_version;
	const char *image;
	const char *image_sha256;
	unsigned int format;		/* 0 when nothing was built */
	const char **failed_checks;	/* stable check names */
	size_t n_failed_checks;
	const char *kernel_error;
	bool uploaded;			/* the image reached the kernel (loading=0 written) */
	const char *outcome;		/* tdx_outcome_name() */
	const char *verdict;		/* one line for people */
	uint64_t duration_ms;
	int exit_code;
	unsigned int attempt;		/* 1, 2, ... within one retrying run; 0: not written */
};

/*
 * Append one JSON line (one write with O_APPEND under an exclusive flock, then fsync), creating
 * the file and its folder when missing.
 */
int tdx_history_append(struct tdx_ctx *ctx, const char *path,
		       const struct tdx_history_record *rec);
/* The same record as one syslog(3) line (LOG_DAEMON; LOG_CRIT when the module was lost). */
void tdx_history_syslog(const struct tdx_history_record *rec);
/*
 * The last @n records (all when 0), oldest first, as a new JSON array. Lines that do not parse
 * (a truncated last line after a crash) are skipped and counted in *@skipped. -ENOENT when the
 * file does not exist.
 */
int tdx_history_read(struct tdx_ctx *ctx, const char *path, size_t n,
		     struct json_object **records, size_t *skipped);

#define TDX_HISTORY_OUTCOME_MAX	32

/* The last update attempt that was not a dry run, each field taken only when well formed. */
struct tdx_history_last {
	bool found;			/* there is such a record */
	bool time_ok;
	time_t time;
	bool exit_code_ok;		/* 0..255 */
	int exit_code;
	char outcome[TDX_HISTORY_OUTCOME_MAX];	/* a-z and '-' only; "" when missing or malformed */
	bool old_ok, new_ok;
	struct tdx_version old_version, new_version;
	bool uploaded;			/* the image reached the kernel */
};

/* From tdx_history_read()'s @records (NULL allowed: nothing found). Pure: no I/O. */
void tdx_history_last_update(struct json_object *records, struct tdx_history_last *last);

/* ---- readiness: could an update start now? (readiness.c) ------------------------------------ */

struct tdx_gate;
struct tdx_gate_entry;

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
 * Gather the facts: the host's (@host may be NULL: no tdx_host), @kmodule's state (NULL: the
 * context's), the caller's privileges, the update lock and the TD-build gate, read only (the
 * gate is never closed here). Nothing fails: each read keeps its own _rc.
 */
void tdx_readiness_collect(struct tdx_ctx *ctx, struct tdx_host *host, const char *kmodule,
			   struct tdx_readiness_facts *facts);
/*
 * The gate's facts after an update's tdx_gate_close() or tdx_gate_close_stop() on @gate returned
 * @rc, having waited up to @wait_ms for the live builds: gate_tried and builds_waited_ms set,
 * gate_rc why it could not close it, the builds as listed now (builds_live from what the close
 * found: a build that ended since the refusal still counts), gate_closed and gate_mine when it
 * closed and drained it, and now. A gate closed by another process (-EALREADY) is read as
 * status reads it, and still judged closed should it have reopened since. The gate itself says
 * only its return value and its list; this is how its close is judged (host.td_builds) by
 * tdx_readiness_judge_rules(). Any builds list the facts held is freed first.
 */
void tdx_readiness_read_gate_close(struct tdx_gate *gate, int rc, unsigned int wait_ms,
				   struct tdx_readiness_facts *facts);
/* Free what the facts own (the builds list); the facts stay readable but for @builds. */
void tdx_readiness_facts_release(struct tdx_readiness_facts *facts);
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
/* The live builds' names, "vm1, vm2" ("" when none; cut to fit @size); returns @buf. */
char *tdx_readiness_builds_format(const struct tdx_readiness_facts *facts, char *buf,
				  size_t size);
/* tdx_readiness_collect() then tdx_readiness_judge(): the host's readiness now. */
enum tdx_outcome tdx_host_readiness(struct tdx_ctx *ctx, struct tdx_host *host,
				    const char *kmodule, struct tdx_readiness_facts *facts,
				    struct tdx_report *report);

#ifdef __cplusplus
}
#endif

#endif /* TDX_HOST_H */
