/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The update: one attempt as an object (attempt.c), from the first check to its history record,
 * and what it came to, judged from facts collected after the upload. The judgement is a pure
 * function (judge.c), tested row by row without a kernel.
 */
#ifndef TDX_UPDATE_H
#define TDX_UPDATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "libtdxctl.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* ---- one update attempt (attempt.c, latest.c) ------------------------------------------------ */

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

typedef void (*tdx_update_phase_fn)(void *data, enum tdx_update_phase phase, const char *msg);

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
 * a group at a time as their facts are learned. Returns 0 when the attempt may go on to tdx_update_commit(); 1 when its outcome is decided
 * (a refusal, already current, interrupted); a negative errno when it could not run.
 */
int tdx_update_preflight(struct tdx_update *update);
/*
 * After a preflight that returned 0: build the image in the kernel's format, upload exactly
 * those bytes, wait for the kernel, and judge the result (tdx_update_judge()). A dry run stops
 * after the build. Returns 0 when an outcome was reached (whatever it is), a negative errno on
 * misuse.
 */
int tdx_update_commit(struct tdx_update *update);
/* Append the attempt to the history (@path, NULL: the context's) and syslog. */
int tdx_update_record(struct tdx_update *update, const char *path, int exit_code,
		      unsigned int attempt);
/*
 * Reopen the TD-build gate and release the update lock now, once the attempt ended; what it
 * came to stays readable (a front end that retries holds neither while it waits).
 */
void tdx_update_release(struct tdx_update *update);
/* Releases the TD-build gate and the update lock, if still held, and the attempt. */
void tdx_update_free(struct tdx_update *update);

enum tdx_outcome tdx_update_get_outcome(const struct tdx_update *update);
/* Every check that ran, passed or not. */
const struct tdx_report *tdx_update_get_report(const struct tdx_update *update);
/* One line for people, and what to do next ("" when nothing). */
const char *tdx_update_get_verdict(const struct tdx_update *update);
const char *tdx_update_get_advice(const struct tdx_update *update);
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
/* latest_dir: every release found, with its label, as a JSON array (borrowed); else NULL. */
struct json_object *tdx_update_get_considered(const struct tdx_update *update);
/*
 * latest_dir: the same releases as judged, in the same order (borrowed; else NULL), for a
 * front end that words a reason's remedies (tdx_candidate_reason_remedies()) as it words them
 * for a listing of the releases.
 */
struct tdx_releases;
const struct tdx_releases *tdx_update_get_releases(const struct tdx_update *update);
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

#ifdef __cplusplus
}
#endif

#endif /* TDX_UPDATE_H */
