/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host layer of libtdxctl (lib/host): everything that reads or writes the host. Files, the
 * kernel's TDX host device and its firmware-upload device, the providing kernel module, the
 * upload protocol, the update lock, the history, readiness, Intel's mapping file found and
 * opened, this CPU, the releases in a folder. What these functions read is judged by the pure
 * code (tdx-format.h). Everything returns 0 or a negative errno.
 */
#ifndef TDX_HOST_H
#define TDX_HOST_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <json-c/json.h>

#include "tdx-rules.h"
#include "tdx-tcb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- files (file.c): the only place image bytes are read from disk ------------------------- */

/*
 * Read a regular file of at most @max bytes into a new buffer in one go. -EINVAL for a
 * non-regular file, -EFBIG when larger than @max, -EIO on a short read or when the file grew
 * while being read, or the open/read errno.
 */
int tdx_file_read(struct tdx_ctx *ctx, const char *path, size_t max, uint8_t **buf, size_t *len);

/*
 * Write @len bytes to @path atomically: a temporary file in the same folder, fsync, rename,
 * fsync of the folder. -EEXIST when @path exists and !@force.
 */
int tdx_file_write_atomic(struct tdx_ctx *ctx, const char *path, const uint8_t *buf, size_t len,
			  bool force);

/*
 * tdx_file_read() for a file that decides what root may do (what is installable): its real
 * path's file and folder must be owned by root or the caller and writable by nobody else (a
 * sticky folder does not help: the file's owner could still rewrite it). The bytes come from
 * the descriptor that was checked. -EPERM when not trusted, why in tdx_ctx_trust_refusal();
 * tdx_file_read()'s errors otherwise.
 */
int tdx_file_read_trusted(struct tdx_ctx *ctx, const char *path, size_t max, uint8_t **buf,
			  size_t *len);

/* Does @path hold exactly these @len bytes? Read back in pieces; -EIO when not. */
int tdx_file_compare(struct tdx_ctx *ctx, const char *path, const uint8_t *buf, size_t len);

/* ---- images from files (image-file.c) ------------------------------------------------------- */

/*
 * Read @path (and @sig_path for a .bin/.sigstruct pair; NULL otherwise) with tdx_file_read() and
 * parse it; the image owns the bytes. A file larger than TDX_READ_MAX_SIZE is a failed
 * container.size check (-EBADMSG); other read errors are returned as they are (negative errno).
 */
int tdx_image_load(struct tdx_ctx *ctx, const char *path, const char *sig_path,
		   struct tdx_report *report, struct tdx_image **image);
/*
 * tdx_image_load() with the outcome a failure comes to, so that every command exits alike:
 * *@outcome is tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT) (TDX_OUTCOME_OK on success). The
 * returned errno is the reason, for the front end to word: -EBADMSG not a valid image (the
 * findings are in @report), -ENOMEM out of memory, -EINVAL PATH or SIG_PATH is not a regular
 * file, another negative errno: one of them cannot be read.
 */
int tdx_image_open(struct tdx_ctx *ctx, const char *path, const char *sig_path,
		   struct tdx_report *report, struct tdx_image **image, enum tdx_outcome *outcome);

/* ---- the host devices (host.c) --------------------------------------------------------------- */

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

/*
 * The state of module @name, as libkmod sees it; *@state is always set. 0 when it is known;
 * else a negative errno with *@state saying why not: -ENOSYS and TDX_KMODULE_NO_LIBKMOD when
 * libkmod cannot be loaded, libkmod's errno and TDX_KMODULE_QUERY_FAILED when it failed.
 */
int tdx_kmodule_get_state(struct tdx_ctx *ctx, const char *name, enum tdx_kmodule_state *state);
/*
 * modprobe @name, honouring the blacklist; *@load (always set) says what it came to. 0 when
 * loaded; else a negative errno: -ENOSYS (no libkmod), -ENOENT (not found by modprobe's rules),
 * -EPERM (blacklisted), or libkmod's or the module's init errno (TDX_KMODULE_LOAD_FAILED, e.g.
 * -ENODEV: no TDX on this platform).
 */
int tdx_kmodule_load(struct tdx_ctx *ctx, const char *name, enum tdx_kmodule_load *load);

/* ---- the upload protocol (fwupload.c) -------------------------------------------------------- */

int tdx_fwupload_read_status(struct tdx_ctx *ctx, const char *dir, enum tdx_fw_status *status);
/* -EBUSY while the status is not idle (the class refuses to show it then). */
int tdx_fwupload_read_error(struct tdx_ctx *ctx, const char *dir, struct tdx_fw_error *err);

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

/*
 * Take the update lock without blocking: -EWOULDBLOCK (with @owner filled when readable) when
 * another process holds it. The holder's PID and start time are written into the lock file.
 */
int tdx_lock_acquire(struct tdx_ctx *ctx, const char *dir, struct tdx_lock **lock,
		     struct tdx_lock_owner *owner);
/* Unlock (the flock ends with its descriptor) and free the handle; the file stays. */
void tdx_lock_free(struct tdx_lock *lock);
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
	bool have_image_svn;		/* the image's sigstruct was read: its SVNs are written */
	uint8_t image_svn_major;	/* as "image_svn_major", "image_svn_minor" (tdx-launch.h) */
	uint8_t image_svn_minor;
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

/* ---- readiness: gathering the facts (readiness.c; judged in tdx-rules.h) --------------------- */

struct tdx_gate;

struct tdx_gate_entry;

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
void tdx_readiness_facts_clear(struct tdx_readiness_facts *facts);
/* tdx_readiness_collect() then tdx_readiness_judge(): the host's readiness now. */
enum tdx_outcome tdx_host_readiness(struct tdx_ctx *ctx, struct tdx_host *host,
				    const char *kmodule, struct tdx_readiness_facts *facts,
				    struct tdx_report *report);

/* ---- Intel's mapping file found and opened (mapping-file.c) ------------------------------- */

/* Where the mapping file comes from: the first of these that is set. */
struct tdx_mapping_source {
	const char *path;	/* named by the user: it must be usable */
	const char *dir;	/* else mapping_file.json in this folder of releases, if there */
	const char *image;	/* else mapping_file.json beside this image, if there */
};

/*
 * Find Intel's mapping file as @src says, check that it is trusted (tdx_file_read_trusted():
 * it decides what is installable) and parse it. Only in the folder itself, never a parent's (a
 * file planted in a shared parent folder would change what is installable); the folder is
 * canonicalised, the image itself is not followed if it is a symlink.
 *
 * 0 with *@mapping and *@path (a new string: the file used, as named or canonical); or 0 with
 * both NULL when none was named and none is there (the rules that need it are then skipped).
 * Otherwise, with *@path set once a file was chosen (NULL before): -EINVAL not a mapping file
 * (why in *@why, which may be NULL), -EPERM not trusted (why in tdx_ctx_trust_refusal()), a read
 * error (-ENOENT, -EACCES, ...), -ENOMEM.
 */
int tdx_mapping_open(struct tdx_ctx *ctx, const struct tdx_mapping_source *src,
		     struct tdx_mapping **mapping, char **path, struct tdx_mapping_refusal *why);
/* What that failure comes to: tdx_outcome_from_errno(@rc, TDX_ERRNO_INPUT), input-error (66). */
enum tdx_outcome tdx_mapping_open_outcome(int rc);

/* ---- this CPU (cpuid.c) ------------------------------------------------------------------- */

/* CPUID(1).EAX of the CPU we run on; -ENODEV when CPUID is unavailable (not x86). */
int tdx_cpuid_eax(uint32_t *eax);

/* ---- releases in a folder (releases.c; their labels: tdx-rules.h) ---------------------- */

/*
 * Find the releases under @dir: Intel's layout (joined_files/X.Y/tdx_module_*.blob,
 * separate_files/X.Y/X.Y.ZZ/tdx_module_X.Y.ZZ.bin + .sigstruct) and plain folders of images
 * (*.blob, *.img, *.bin with a .sigstruct of the same stem), up to 4 folder levels deep, not
 * following symlinked folders. A release present both as a blob and as a pair (same version
 * from the file names) is one candidate: the blob, with the pair in alt_path/alt_sig_path.
 * Candidates are sorted by version, those of unknown version last, then by path. Versions come
 * from file names here; tdx_releases_label() refines them from the sigstruct. -ENOENT when
 * @dir holds no candidate, -ENOTDIR/-EACCES/... when it cannot be read.
 */
int tdx_releases_scan(struct tdx_ctx *ctx, const char *dir, struct tdx_releases **list);
void tdx_releases_free(struct tdx_releases *list);

/*
 * Label every candidate against @host: load it (tdx_image_load), verify it (tdx_image_verify
 * with @verify's key, NULL: Intel's; debug modules allowed as @opts says, whatever @verify
 * says), resolve its version, look it up in @mapping (NULL: no mapping file, rules 3-4
 * skipped), and apply tdx_compat_check(). All the checks go to the candidate's report. An
 * unreadable or invalid image is labelled, not an error. Returns 0, or a negative errno when
 * a check could not run (-ENOMEM).
 */
int tdx_releases_label(struct tdx_ctx *ctx, struct tdx_releases *list,
		       const struct tdx_host_facts *host, const struct tdx_mapping *mapping,
		       const struct tdx_compat_opts *opts, const struct tdx_verify_opts *verify);


/* ---- the rollout hold (hold.c) -------------------------------------------------------------- */

#define TDX_HOLD_REASON_MAX	256

struct tdx_hold {
	bool held;		/* the file exists (trusted or not) */
	time_t since;		/* its modification time; 0 when it could not be read */
	char path[4096];	/* STATE_DIR/hold */
	char reason[TDX_HOLD_REASON_MAX];	/* its first line, printable ASCII only */
	/* Why it cannot be trusted (its path NULL: the file is @path); fault NONE when it can. */
	struct tdx_trust_refusal untrusted;
};
/*
 * Is a rollout hold set on this host (STATE_DIR/hold)? 0 with @hold->held false when there is
 * none, true when there is one and it can be trusted (a regular file, root's, writable by nobody
 * else, in a folder of the same kind). -EPERM when a hold exists but cannot be trusted
 * (@hold->untrusted says why, as tdx_ctx_trust_refusal() does): neither obey nor ignore it.
 * Another -errno: it cannot be read.
 */
int tdx_hold_read(struct tdx_ctx *ctx, struct tdx_hold *hold);

/* ---- the host's TCB Info, as configured (tcb-source.c) ------------------------------------ */

/* What came of the configured TCB Info. */
enum tdx_tcb_source_state {
	TDX_TCB_SOURCE_OK = 0,		/* read, authenticated and current: info is set */
	TDX_TCB_SOURCE_NONE,		/* no configuration file, or none names a TCB Info */
	TDX_TCB_SOURCE_CONFIG_BAD,	/* config: unreadable, untrusted or invalid (why) */
	TDX_TCB_SOURCE_UNREADABLE,	/* the TCB Info or its chain: unreadable or untrusted */
	TDX_TCB_SOURCE_EXPIRED,		/* outside issueDate..nextUpdate or a certificate's time */
	TDX_TCB_SOURCE_INVALID,		/* not a TDX TCB Info, no chain, or badly signed */
};

/* The stable name: "ok", "no-file", "config-invalid", "file-unreadable", "file-expired", ... */
const char *tdx_tcb_source_state_name(enum tdx_tcb_source_state state);

/*
 * What is wrong with the file a CONFIG_BAD or UNREADABLE source names: @config (CONFIG_BAD;
 * the drop-in folder for READ of a folder, DROPINS, DROPIN_PATH), or cfg.chain when
 * chain_failed, else cfg.file (UNREADABLE).
 */
enum tdx_tcb_source_fault {
	TDX_TCB_SOURCE_FAULT_NONE = 0,
	TDX_TCB_SOURCE_FAULT_READ,		/* err: it cannot be read (-EFBIG: too large) */
	TDX_TCB_SOURCE_FAULT_UNTRUSTED,		/* untrusted: it or its folder is not trusted */
	TDX_TCB_SOURCE_FAULT_CONFIG,		/* config_refusal: its text is refused */
	TDX_TCB_SOURCE_FAULT_DROPINS,		/* the folder holds more than limit drop-ins */
	TDX_TCB_SOURCE_FAULT_DROPIN_PATH,	/* a drop-in's path is too long */
};

struct tdx_tcb_source {
	enum tdx_tcb_source_state state;
	int err;			/* the errno behind the state (negative), or 0 */
	char config[TDX_TCB_CONFIG_PATH_MAX];	/* the configuration file read last (or the
						   failing one; NONE: the main file's path) */
	struct tdx_tcb_config cfg;	/* what the configuration says */
	bool chain_failed;		/* UNREADABLE: the chain file (cfg.chain), not cfg.file */
	enum tdx_tcb_source_fault fault;	/* CONFIG_BAD, UNREADABLE: what is wrong */
	struct tdx_tcb_config_refusal config_refusal;	/* FAULT_CONFIG: the line refused */
	/* FAULT_UNTRUSTED: why (its path NULL: the file the fault names, see above) */
	struct tdx_trust_refusal untrusted;
	unsigned int limit;		/* FAULT_DROPINS: the most drop-ins read */
	struct tdx_tcb_refusal refusal;	/* EXPIRED, INVALID: why the document was refused */
	struct tdx_tcb_info *info;	/* OK: the document, owned (tdx_tcb_source_clear()) */
};

/*
 * The TCB Info this host is configured with (CONF_DIR/tcb-info.conf, then its drop-ins
 * CONF_DIR/tcb-info.conf.d/NAME.conf in name order): every configuration file, and the files
 * they name, must be trusted as tdx_file_read_trusted() trusts (root's, writable by nobody
 * else, nor their folders), and the document authenticated at @now (seconds since the epoch).
 * Returns 0 with @src->state saying what came of it, or -ENOMEM.
 */
int tdx_tcb_source_open(struct tdx_ctx *ctx, int64_t now, struct tdx_tcb_source *src);
void tdx_tcb_source_clear(struct tdx_tcb_source *src);

#ifdef __cplusplus
}
#endif

#endif /* TDX_HOST_H */