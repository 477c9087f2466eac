/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a TD's attestation rests on across an update (issue 27, item 1).
 *
 * A TD 1.5 report carries TEE_TCB_SVN, the SVNs of the module the TD was launched under, and
 * TEE_TCB_SVN_2, those of the module running now; verifiers rate the TD by both. The kernel
 * exposes the running module's version only, never its SVN (compatibility.md §2, rule 7), so
 * the SVN of a version is resolved from evidence tdxctl keeps or finds:
 *
 *   history   the history's record of the update that installed that version (records carry
 *             the image's sigstruct SVN major and minor from this version on);
 *   release   a release image of that version in the releases folder whose signature verifies
 *             with Intel's key (the SVNs are in its signed sigstruct);
 *   unknown   neither: the SVN is never guessed.
 *
 * This header is the pure half (lib/rules: history records read, the relaunch rule); the host
 * half (lib/host/module-svn.c: the history file and the releases folder read) is declared in
 * tdx-gate.h.
 */
#ifndef LIBTDXCTL_LAUNCH_H
#define LIBTDXCTL_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "tdx-format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- a module version's SVN (module-svn.c) ------------------------------------------------- */

/* Where a module's SVN comes from. */
enum tdx_svn_source {
	TDX_SVN_UNKNOWN = 0,
	TDX_SVN_HISTORY,	/* the history's record of the update that installed the version */
	TDX_SVN_RELEASE,	/* a release image of the version, its signature verified */
};

/* "unknown", "history", "release". */
const char *tdx_svn_source_name(enum tdx_svn_source source);

#define TDX_SVN_EVIDENCE_MAX	4096

/* A module version's SVN and its evidence. */
struct tdx_module_svn {
	struct tdx_version version;
	enum tdx_svn_source source;
	uint8_t major;			/* the sigstruct's svn_major (the TDX_<major> identity) */
	uint8_t minor;			/* its svn_minor (the TCB level's isvsvn); 0 when unknown */
	/* history: the record's "time" as written; release: the image's path; else "". */
	char evidence[TDX_SVN_EVIDENCE_MAX];
};

/*
 * The SVN of version @v from history records (tdx_history_read()'s array; NULL: none), pure.
 * A record "installed" a module when it is an update (not a dry run) whose outcome is "ok",
 * that reached the kernel (uploaded) and whose new_version and image_version are both @v. With
 * @last_only only the last installing record counts (the running module's: a later install of
 * another version means the running one came from elsewhere, a reboot's BIOS load); otherwise
 * the newest one of @v. Its image_svn_major and image_svn_minor (0..255) are taken; a record
 * without them (written before they existed) leaves the SVN unknown. Returns 0 with
 * @out->source TDX_SVN_HISTORY, or -ENOENT with @out->source TDX_SVN_UNKNOWN.
 */
int tdx_module_svn_from_history(struct json_object *records, const struct tdx_version *v,
				bool last_only, struct tdx_module_svn *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_LAUNCH_H */
