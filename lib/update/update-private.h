/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of one update attempt (attempt.c) and its pick of the latest release (latest.c). */
#ifndef TDX_UPDATE_PRIVATE_H
#define TDX_UPDATE_PRIVATE_H

#include "host-private.h"
#include "tdx-update.h"

struct tdx_update {
	struct tdx_ctx *ctx;
	struct tdx_update_opts o;
	unsigned int format;		/* to send: o.format, else chosen from the layout */
	struct tdx_report *report;
	enum tdx_outcome outcome;
	bool have_outcome;		/* set directly, not from a failed check */
	bool preflight_done, ready, finished, current, judged;
	enum tdx_update_judgement judgement;
	uint64_t t0;
	const char *phase;		/* where it ended: "pre-flight", "upload", "verdict" */
	struct tdx_update_result res;	/* what it came to; its strings: */
	char *res_path, *res_detail;
	char old_version[TDX_VERSION_STRLEN];
	char new_version[TDX_VERSION_STRLEN];
	char image_version[TDX_VERSION_STRLEN];
	char sha256[2 * TDX_SHA256_LEN + 1];
	size_t size;			/* of the bytes built (format is 0 until then) */
	unsigned int built_format;
	char kernel_error[64];
	bool have_kernel_error;
	int started;			/* 1 yes, 0 unknown, -1 never written */
	bool have_remaining_before, have_remaining_after;
	unsigned int remaining_before, remaining_after;
	bool committed;			/* loading=0 was written: the kernel has the image */
	struct tdx_fwupload_run run;
	char *image_path;		/* this attempt's image (latest_dir: the release picked) */
	char *sig_path;
	char *mapping_path;		/* latest_dir: the mapping file used to pick */
	struct tdx_releases *releases;	/* latest_dir: every release found, as judged */
	size_t passed_over;		/* latest_dir: 1 + the index in releases of the newer
					   release not taken (TCB Info); 0: none */
	const char *passed_over_status;	/* its tcbStatus (borrowed from o.tcb_info) */
	int mapping_rc;			/* tdx_mapping_open() failed with it */
	/* Held from the pre-flight to the end. */
	struct tdx_host *host;
	struct tdx_image *image;
	struct tdx_lock *lock;
	struct tdx_gate *gate;
	struct tdx_host_status st;
	/*
	 * The readiness facts as the pre-flight learns them (privileges, the host, the lock as
	 * taken, the gate as closed), judged a group of rules at a time by the rules status uses.
	 */
	struct tdx_readiness_facts rf;
};

/*
 * result.c: the attempt's outcome and why (the reason's other facts set in u->res by the
 * caller), its progress, its mapping file. @path is copied; NULL for none. Returns u->res.
 */
struct tdx_update_result *update_set(struct tdx_update *u, enum tdx_outcome outcome,
				     enum tdx_update_reason reason, int err, const char *path);
/* The reason's detail (copied); false without memory (the detail is then NULL). */
bool update_set_detail(struct tdx_update *u, const char *detail);
void update_phase(struct tdx_update *u, const struct tdx_update_progress *progress);
int update_mapping_open(struct tdx_update *u, const struct tdx_mapping_source *src,
			struct tdx_mapping **mapping, char **path);
/*
 * latest_dir, for one attempt (latest.c, which attempt.c calls and which calls only result.c):
 * 0 to go on (u->image_path set when a release was picked; not when the running version is
 * unreadable), 1 when the outcome is decided.
 */
int update_pick_latest(struct tdx_update *u);

#endif
