/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The update: one attempt as an object (attempt.c), from the first check to its history record,
 * and what it came to, judged from facts collected after the upload. The judgement is a pure
 * function of the rules layer (tdx_update_judge(), lib/rules/judge.c, in tdx-rules.h), tested row
 * by row without a kernel.
 */
#ifndef TDX_UPDATE_H
#define TDX_UPDATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "tdx-gate.h"
#include "tdx-tcb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one update attempt (attempt.c, latest.c) ------------------------------------------------ */

/*
 * The releases under @dir as they are to @host, the one sequence list and update --latest
 * share: found (tdx_releases_scan()), labelled against @host with @mapping (NULL: none, rules
 * 3-4 skipped) and the opts (tdx_releases_label()), the newest installable picked. Returns 0
 * with *@list (NULL when @dir holds no release) and *@latest (its index, or -1 when none is
 * installable); or a negative errno, with *@list NULL when @dir could not be read and set
 * (its labels incomplete) when the releases could not be judged.
 */
int tdx_releases_judge(struct tdx_ctx *ctx, const char *dir, const struct tdx_host_facts *host,
		       const struct tdx_mapping *mapping, const struct tdx_compat_opts *opts,
		       const struct tdx_verify_opts *verify, struct tdx_releases **list,
		       ssize_t *latest);

struct tdx_update;

/* The steps an attempt reports through tdx_update_opts.phase, in order. */
enum tdx_update_phase {
	TDX_UPDATE_PHASE_MODULE_LOAD = 0,	/* loading the kernel module of the interface */
	TDX_UPDATE_PHASE_PICKED,	/* latest_dir: the release picked */
	TDX_UPDATE_PHASE_IMAGE_CHECKED,	/* the image's offline checks ran */
	TDX_UPDATE_PHASE_FORMAT,	/* the format was chosen from the sysfs layout */
	TDX_UPDATE_PHASE_GATE_WAIT,	/* the TD-build gate closed; waiting for builds to end */
	TDX_UPDATE_PHASE_BUILT,		/* pre-flight passed; the image built */
	TDX_UPDATE_PHASE_UPLOAD,	/* writing the image to the upload device */
	TDX_UPDATE_PHASE_COMMIT,	/* handing it to the kernel (loading=0) */
	TDX_UPDATE_PHASE_IDLE,		/* the upload device idle again, or the wait ended */
	TDX_UPDATE_PHASE_WARNING,	/* something failed that does not decide the outcome */
};

/* What failed, in a TDX_UPDATE_PHASE_WARNING. */
enum tdx_update_warning {
	TDX_UPDATE_WARN_MODULE_LOAD = 0,	/* name: the kernel module; err (why: the result's
						   module_load) */
	TDX_UPDATE_WARN_COMMIT,		/* name: the upload device; err: writing loading=0 */
};

/*
 * One step of an attempt, as facts (a front end words it): the fields each phase sets.
 * Strings are borrowed for the call.
 */
struct tdx_update_progress {
	enum tdx_update_phase phase;
	enum tdx_update_warning warning;	/* WARNING */
	const char *name;	/* MODULE_LOAD: the kernel module; PICKED, IMAGE_CHECKED: the image;
				   FORMAT: the sysfs layout; UPLOAD: the upload device */
	const char *dir;	/* PICKED: the folder of releases */
	const struct tdx_releases *releases;	/* PICKED: every release found, judged */
	const char *passed_over;	/* PICKED: the newer installable release not taken, because
					   the TCB Info does not rate it UpToDate; NULL: none */
	const char *passed_over_status;	/* PICKED: its tcbStatus ("NotSupported": no level) */
	const char *sha256;	/* UPLOAD: of the bytes built, in hex */
	int err;		/* WARNING: the errno; IDLE: < 0 the status was unreadable */
	enum tdx_kmodule_load kmodule_load;	/* WARNING MODULE_LOAD: why the load failed */
	size_t checks, failed;	/* IMAGE_CHECKED, BUILT: the checks that ran, and failed */
	size_t size;		/* BUILT, UPLOAD: the bytes built */
	unsigned int format;	/* FORMAT, BUILT, UPLOAD: the image format sent */
	unsigned int wait_ms;	/* GATE_WAIT: the wait for TD builds */
	size_t builds;		/* GATE_WAIT: the TD builds running */
	uint64_t ms;		/* IDLE: from loading=1 */
	unsigned int polls;	/* IDLE: of the upload device's status */
	bool timed_out;		/* IDLE: still busy at the deadline */
};

struct tdx_releases;
typedef void (*tdx_update_phase_fn)(void *data, const struct tdx_update_progress *progress);

/* The wait for the kernel's verdict unless tdx_update_opts.timeout_s says otherwise. */
#define TDX_UPDATE_TIMEOUT_S	120

/*
 * How to update. Strings are borrowed: they must outlive the attempt. Zeroed fields take the
 * defaults given.
 */
struct tdx_update_opts {
	const char *sig_path;		/* the image is a module .bin and this its .sigstruct */
	/* Instead of an image: the newest release here that this host can take in place. */
	const char *latest_dir;
	const char *mapping;		/* Intel's mapping_file.json; NULL: beside the image */
	const char *version;		/* the image's version (X.Y.ZZ) when it carries none */
	const char *kmodule;		/* the interface's kernel module; NULL: the context's */
	struct tdx_verify_opts verify;	/* signer, debug images, strict */
	unsigned int format;		/* TDX_IMAGE_FORMAT or TDX_BLOB_FORMAT; 0: by layout */
	unsigned int timeout_s;		/* the wait for the kernel; 0: TDX_UPDATE_TIMEOUT_S */
	unsigned int wait_builds_ms;	/* the wait for TD builds to end; 0: none */
	bool dry_run;			/* every check, the image built; nothing written */
	bool reinstall;			/* install even when the running version is the image's */
	bool load_module;		/* load kmodule when the interface is missing */
	/*
	 * Set (to a signal number, or any non-zero value) from a signal handler: the attempt
	 * stops at the next safe point before the image reaches the kernel (interrupted).
	 */
	const volatile sig_atomic_t *cancel;
	/*
	 * Called with true once the image is written, just before the last look at *cancel and
	 * loading=0 (from there on the attempt runs to its verdict: a front end blocks its
	 * signals), and with false when the attempt abandons the upload after all.
	 */
	void (*hold)(void *data, bool hold);
	tdx_update_phase_fn phase;	/* each step, for progress lines; may be NULL */
	/*
	 * Intel's TCB Info for this platform, authenticated (tdx_tcb_info_parse()): the image is
	 * rated (tcb.status) with its offline checks, and latest_dir prefers the newest release
	 * it rates UpToDate. NULL: not rated.
	 */
	const struct tdx_tcb_info *tcb_info;
	void *data;			/* for hold and phase */
};

/* An attempt at installing @image (NULL with opts->latest_dir) on this host. */
int tdx_update_new(struct tdx_ctx *ctx, const char *image, const struct tdx_update_opts *opts,
		   struct tdx_update **update);
/*
 * Every check, before anything is written to the kernel: permission, the image's offline
 * checks, compatibility, "already current", the host's readiness; then the update lock, the
 * same facts read again under it, and the TD-build gate closed (a dry run only looks at it).
 * The host.* checks are judged by the readiness rules status uses (tdx_readiness_judge_rules()),
 * a group at a time as their facts are learned. Returns 0 when the attempt may go on to
 * tdx_update_commit(); 1 when its outcome is decided (a refusal, already current,
 * interrupted); a negative errno when it could not run.
 */
int tdx_update_preflight(struct tdx_update *update);
/*
 * After a preflight that returned 0: build the image in the kernel's format, upload exactly
 * those bytes, wait for the kernel, and judge the result (tdx_update_judge()). A dry run stops
 * after the build. Returns 0 when an outcome was reached (whatever it is), a negative errno on
 * misuse.
 */
int tdx_update_commit(struct tdx_update *update);
/*
 * Append the attempt to the history (@path, NULL: the context's) and syslog, with the front
 * end's words for it: @command as the user ran it ("update", "update --dry-run") and @verdict.
 */
int tdx_update_record(struct tdx_update *update, const char *path, const char *command,
		      const char *verdict, int exit_code, unsigned int attempt);
/*
 * Reopen the TD-build gate and unlock the update lock now, once the attempt ended; what it
 * came to stays readable (a front end that retries holds neither while it waits).
 */
void tdx_update_unlock(struct tdx_update *update);
/* Reopens the TD-build gate and unlocks the update lock, if still held; frees the attempt. */
void tdx_update_free(struct tdx_update *update);

/*
 * Why an attempt ended as it did: what decided it, named, never worded (a front end makes the
 * sentences). Each names the fields of struct tdx_update_result it sets; the versions, the
 * judgement, the kernel's error word and the bytes built are the attempt's own getters'.
 */
enum tdx_update_reason {
	TDX_UPDATE_R_NONE = 0,		/* not decided (yet) */
	TDX_UPDATE_R_CHECK_FAILED,	/* check, check_index: the first failed check */
	TDX_UPDATE_R_CANCELLED,		/* signal: interrupted during the checks */
	TDX_UPDATE_R_MAPPING,		/* path (may be NULL), err: the mapping file unusable;
					   untrusted (-EPERM), mapping (-EINVAL): why */
	TDX_UPDATE_R_VERSION_GIVEN,	/* detail: the version given is not X.Y.ZZ */
	TDX_UPDATE_R_IMAGE_OPEN,	/* path, err: the image cannot be read (tdx_image_open) */
	TDX_UPDATE_R_VERIFY_ERROR,	/* err: the offline checks could not run */
	TDX_UPDATE_R_COMPAT_ERROR,	/* err: the compatibility check could not run */
	TDX_UPDATE_R_CHECKS_UNRECORDED,	/* the host checks' results could not be recorded */
	TDX_UPDATE_R_LOCKED_UNRECORDED,	/* the same, under the lock */
	TDX_UPDATE_R_LOCK_UNSAFE,	/* path (the run folder), err: the lock cannot be taken */
	TDX_UPDATE_R_INSTALLED_MEANWHILE, /* found: another update installed the image's version */
	TDX_UPDATE_R_VERSION_CHANGED,	/* found ("?": unreadable): it changed during the checks */
	TDX_UPDATE_R_GATE_UNSAFE,	/* path (the run folder), err: the gate cannot be closed */
	TDX_UPDATE_R_BUILDS,		/* detail: the TD builds still running ("": just ended) */
	TDX_UPDATE_R_VERSION_UNREADABLE, /* path (the folder of releases), err */
	TDX_UPDATE_R_CURRENT,		/* the running module is the image's version */
	TDX_UPDATE_R_BUILD_FAILED,	/* format, err: the image cannot be built in that format */
	TDX_UPDATE_R_HASH_FAILED,	/* the built image cannot be hashed */
	TDX_UPDATE_R_UPLOAD_START,	/* path (the upload device), err: loading=1 failed */
	TDX_UPDATE_R_UPLOAD_OWNED,	/* another upload owns the device (data: ENODEV) */
	TDX_UPDATE_R_UPLOAD_CANCELLED,	/* signal: interrupted before loading=0; abandoned */
	TDX_UPDATE_R_UPLOAD_WRITE,	/* written, size, err: writing data failed; abandoned */
	TDX_UPDATE_R_DRY_RUN,		/* path (the upload device), size, format, timeout_s */
	TDX_UPDATE_R_JUDGED,		/* the judgement (tdx_update_get_judgement()); ms,
					   upload_ms, size, format, timeout_s, err (version read) */
	TDX_UPDATE_R_LATEST_DIR,	/* path, err (0: not a folder): the folder unreadable */
	TDX_UPDATE_R_LATEST_EMPTY,	/* path, found (running): the folder holds no release */
	TDX_UPDATE_R_LATEST_SCAN,	/* path, err: the folder cannot be scanned */
	TDX_UPDATE_R_LATEST_LABEL,	/* path, err: the releases cannot be judged */
	TDX_UPDATE_R_LATEST_NONE,	/* path, found (running): no newer release installable */
	TDX_UPDATE_R_NO_MEMORY,		/* out of memory */
	TDX_UPDATE_R_HELD,		/* path (the hold), detail (its first line): --latest held */
	TDX_UPDATE_R_HOLD_UNTRUSTED,	/* path, untrusted: why the hold cannot be trusted */
	TDX_UPDATE_R_HOLD_UNREADABLE,	/* path, err: the hold cannot be read */
	TDX_UPDATE_R_TCB_MISMATCH,	/* svn_major: the options' tcb_info has no identity for
					   the image's line (it rates no module of it) */
	TDX_UPDATE_R__COUNT		/* not a reason: how many there are */
};

/* The reason's stable name, for JSON and records ("check-failed", "judged", ...). */
const char *tdx_update_reason_name(enum tdx_update_reason reason);

/*
 * What the attempt came to, as facts (tdx_update_get_result()); strings are the attempt's and
 * live as long as it does. A front end words the reason and the remedies.
 */
struct tdx_update_result {
	enum tdx_outcome outcome;
	enum tdx_update_reason reason;
	unsigned int remedies;		/* what the user could do (enum tdx_remedy flags) */
	int err;			/* the errno behind the reason, negative; or 0 */
	int signal;			/* the signal that interrupted it; or 0 */
	enum tdx_check_id check;	/* R_CHECK_FAILED: the check, */
	size_t check_index;		/* and its result in tdx_update_get_report() */
	const char *path;		/* the file or folder the reason concerns; or NULL */
	const char *detail;		/* see the reason; or NULL */
	char found[TDX_VERSION_STRLEN];	/* a version found on the host ("" none, "?" unreadable) */
	unsigned int format;		/* the image format built (R_BUILD_FAILED: asked for) */
	size_t size;			/* the bytes built */
	size_t written;			/* of them, written before the failure */
	unsigned int timeout_s;		/* the wait for the kernel */
	uint64_t ms;			/* from the start of the attempt to the verdict */
	uint64_t upload_ms;		/* from loading=1 to idle */
	struct tdx_trust_refusal untrusted; /* R_HOLD_UNTRUSTED, R_MAPPING: why not trusted */
	struct tdx_mapping_refusal mapping;	/* R_MAPPING: why not a mapping file */
	unsigned int svn_major;		/* R_TCB_MISMATCH: the image's SVN major */
	/*
	 * opts.load_module, the interface missing and its module not loaded: what loading it
	 * came to (TDX_KMODULE_LOAD_NONE: not tried), whatever the reason; and its errno.
	 */
	enum tdx_kmodule_load module_load;
	int module_load_err;
};

enum tdx_outcome tdx_update_get_outcome(const struct tdx_update *update);
/* What it came to and why; the reason is TDX_UPDATE_R_NONE until it ended. */
const struct tdx_update_result *tdx_update_get_result(const struct tdx_update *update);
/* Every check that ran, passed or not. */
const struct tdx_report *tdx_update_get_report(const struct tdx_update *update);
/* Where it ended: "pre-flight", "upload" or "verdict". */
const char *tdx_update_get_phase_name(const struct tdx_update *update);
/* The judgement, once the image reached the kernel; -ENODATA before. */
int tdx_update_get_judgement(const struct tdx_update *update,
			     enum tdx_update_judgement *judgement);
/* "X.Y.ZZ", or "" when unknown. */
const char *tdx_update_get_old_version(const struct tdx_update *update);
const char *tdx_update_get_new_version(const struct tdx_update *update);
const char *tdx_update_get_image_version(const struct tdx_update *update);
/* The image (with latest_dir, the release picked), its sigstruct, the mapping file; or NULL. */
const char *tdx_update_get_image_path(const struct tdx_update *update);
const char *tdx_update_get_sig_path(const struct tdx_update *update);
const char *tdx_update_get_mapping_path(const struct tdx_update *update);
/*
 * latest_dir: every release found, as judged, with its label (borrowed; else NULL): a front
 * end shows them as it shows a listing of the releases.
 */
const struct tdx_releases *tdx_update_get_releases(const struct tdx_update *update);
/*
 * latest_dir with a TCB Info: the newer installable release passed over because the TCB Info
 * does not rate it UpToDate while it rates the one picked so (one of tdx_update_get_releases(),
 * borrowed), and with *@status its tcbStatus; NULL when none was passed over.
 */
const struct tdx_candidate *tdx_update_get_passed_over(const struct tdx_update *update,
						       const char **status);
/* The bytes built for the kernel: their SHA-256 in hex ("" before), format (0) and size. */
const char *tdx_update_get_sha256(const struct tdx_update *update);
unsigned int tdx_update_get_format(const struct tdx_update *update);
size_t tdx_update_get_size(const struct tdx_update *update);
/* The kernel's error word after the upload ("firmware-invalid:..."), or NULL. */
const char *tdx_update_get_kernel_error(const struct tdx_update *update);
bool tdx_update_get_dry_run(const struct tdx_update *update);
/* loading=0 was written: the kernel has the image. */
bool tdx_update_get_uploaded(const struct tdx_update *update);
/* Did the upload start: 1 yes, 0 unknown, -1 never written. */
int tdx_update_get_started(const struct tdx_update *update);
/* The update budget before and after; -ENODATA when it could not be read. */
int tdx_update_get_remaining(const struct tdx_update *update, bool after, unsigned int *n);
/* The mapping file could not be used: tdx_mapping_open()'s errno; else 0. */
int tdx_update_get_mapping_error(const struct tdx_update *update);
/* The running version was the image's: "already current", nothing done. */
bool tdx_update_get_current(const struct tdx_update *update);
uint64_t tdx_update_get_duration_ms(const struct tdx_update *update);
/*
 * Add the image's fields (old_version, new_version, image_version, image_sha256, format) to
 * @obj, as the history record has them (history.c builds both).
 */
void tdx_update_json_add_image(const struct tdx_update *update, struct json_object *obj);

/* ---- the TDs left on an older module (relaunch.c) ------------------------------------------ */

/*
 * The running TDs recorded at launch (tdx_launch_list()) judged against the module running now
 * (tdx_relaunch_judge()): what an update means for their attestation. A TD 1.5 quote carries
 * the SVNs of the module it was launched under (TEE_TCB_SVN) until it is relaunched, whatever
 * module runs since; a TD whose launcher did not record it is not known here.
 */
struct tdx_relaunch {
	int rc;				/* tdx_relaunch_collect()'s: 0, or why these are unknown */
	struct tdx_module_svn running;	/* the running module, its SVN and the evidence */
	bool tcb;			/* judged with a TCB Info */
	struct tdx_launch *list;	/* every launch record, as tdx_launch_list() judged it */
	struct tdx_relaunch_td *judged;	/* the rule's result for each running one */
	size_t n;			/* of both */
	size_t running_tds;		/* records of TDs that still run */
	size_t ignored;			/* records not trusted (TDX_LAUNCH_UNTRUSTED) */
	size_t older;			/* running, launched under another module than the running */
	size_t svn_unknown;		/* of them, their launch module's SVN unknown: never rated */
	size_t advised;			/* of them, rated TD_RELAUNCH_ADVISED by @tcb (0 without) */
};

/*
 * Read the launch records and the running module's version from @host (NULL: unknown, -ENODEV)
 * and its SVN (tdx_module_svn_running() with @history, NULL: the context's), and judge each TD
 * that still runs with @tcb (NULL: none, nothing rated). After an update attempt that ended
 * TDX_OUTCOME_OK (installed, or already current), call it once tdx_update_record() wrote the
 * attempt to @history: that record is the evidence of the running module's SVN. Returns 0, or
 * a negative errno also left in @r->rc (the records or the running module unreadable, -ENOMEM).
 * Call tdx_relaunch_clear() on @r in either case; the judged TDs' statuses (@r->judged[i].launch)
 * are @tcb's strings: keep @tcb until then.
 */
int tdx_relaunch_collect(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
			 const struct tdx_tcb_info *tcb, struct tdx_relaunch *r);
void tdx_relaunch_clear(struct tdx_relaunch *r);

#ifdef __cplusplus
}
#endif

#endif /* TDX_UPDATE_H */
