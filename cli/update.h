/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tdxctl update, in three files: update.c (the options, one attempt's checks, upload and
 * verdict, the retry loop), update-result.c (what an attempt came to: set, printed as text,
 * JSON or one quiet line, and recorded in the history and syslog) and update-latest.c (--latest:
 * choosing the release).
 */
#ifndef TDXCTL_UPDATE_H
#define TDXCTL_UPDATE_H

#include <stdint.h>

#include "image-opts.h"
#include "tdx-compat.h"
#include "tdx-gate.h"
#include "tdx-host.h"

struct update_args {
	struct image_args image;
	struct global_opts g;
	const char *mapping;
	const char *version;
	const char *module;
	const char *history;
	const char *latest;		/* --latest DIR: the image is picked from DIR */
	unsigned int format;
	unsigned int timeout_s;
	unsigned int wait_builds_ms;
	uint64_t retry_for_ms;		/* 0: one attempt */
	uint64_t retry_interval_ms;
	bool have_retry_interval;
	bool dry_run;
	bool reinstall;
	bool load_module;
};

/* Everything the result, the history line and the syslog line are made of. */
struct update_result {
	struct tdx_report *report;
	enum tdx_outcome outcome;
	bool have_outcome;		/* set directly, not from a failed check */
	uint64_t t0;
	const char *phase;		/* where it ended: "pre-flight", "upload", "verdict" */
	char verdict[512];		/* one line for people */
	char advice[640];
	char old_version[TDX_VERSION_STRLEN];
	char new_version[TDX_VERSION_STRLEN];
	char image_version[TDX_VERSION_STRLEN];
	char sha256[2 * TDX_SHA256_LEN + 1];
	unsigned int format;		/* sent (or would be): 0 when nothing was built */
	size_t size;
	char kernel_error[64];
	bool have_kernel_error;
	int started;			/* 1 yes, 0 unknown, -1 never written */
	bool have_remaining_before, have_remaining_after;
	unsigned int remaining_before, remaining_after;
	int held_signal;
	bool committed;			/* loading=0 was written: the kernel has the image */
	bool dry_run;
	struct tdx_fwupload_run run;
	unsigned int attempt;		/* 1, 2, ... within this run */
	char *image_path;		/* this attempt's image (--latest: the release picked) */
	char *sig_path;
	char *mapping_path;		/* --latest: the mapping file used to pick */
	struct json_object *considered;	/* --latest: every release found, with its label */
};

/* How the run of attempts ended, for the final result. */
struct update_run {
	unsigned int attempts;
	int stopped_by;		/* the signal that ended the retrying, or 0 */
	uint64_t t0;		/* the first attempt's start */
};

void update_result_release(struct update_result *r);
bool update_phases_shown(const struct update_args *a);
void __attribute__((format(printf, 3, 4)))
update_phase(const struct update_args *a, const struct update_result *r, const char *fmt, ...);
void __attribute__((format(printf, 3, 4)))
update_result_set(struct update_result *r, enum tdx_outcome outcome, const char *fmt, ...);
enum tdx_outcome update_result_outcome(const struct update_result *r);
bool update_preflight_failed(const struct update_result *r);
void update_result_advise(struct update_result *r);
struct json_object *update_result_to_json(const struct update_args *a,
					  const struct update_result *r, int code,
					  unsigned int attempts, int stop_signal);
void update_result_print_text(const struct update_result *r, const struct update_run *run);
void update_result_record(struct tdx_ctx *ctx, const struct update_args *a,
			  const struct update_result *r, int code);
void update_result_print_quiet(const struct update_result *r);
void update_note_retry(const struct update_args *a, const struct update_result *r,
		       uint64_t delay_ms);
int update_mapping_open(struct tdx_ctx *ctx, struct update_result *r,
			const struct tdx_mapping_source *src, struct tdx_mapping **mapping,
			char **path);
int update_pick_latest(struct tdx_ctx *ctx, const struct update_args *a,
		       struct tdx_host *host, struct update_result *r);

#endif /* TDXCTL_UPDATE_H */
