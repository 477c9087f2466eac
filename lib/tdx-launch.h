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
#include "tdx-rules.h"
#include "tdx-tcb.h"

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

/* ---- launch records (gate.c reads and writes them; tdx-gate.h) ----------------------------- */

/*
 * RUNDIR/launches/FILE: one JSON object per TD launched, written by its launcher when the TD
 * is built (tdx_launch_record()) and removed when it ends (tdx_launch_forget()): the build
 * entry's fields (name, pid, pid_start_time, the boot and its clock, pidns) and the module the
 * TD was launched under, as tdxctl read it then: module_version, and svn_major, svn_minor and
 * svn_source when its SVN was known. Same folder rules as builds/: a file of its own per
 * record, known by recorder and name.
 */
enum tdx_launch_state {
	TDX_LAUNCH_RUNNING = 0,	/* its process is alive: the TD runs */
	TDX_LAUNCH_STALE,	/* its process is gone (or another boot's): ignored */
	TDX_LAUNCH_UNTRUSTED,	/* a member's record of a process not theirs, or beyond the cap */
};

/* "running", "stale", "untrusted". */
const char *tdx_launch_state_name(enum tdx_launch_state state);

#define TDX_LAUNCH_MEMBER_MAX	256u	/* records read per launcher-group member */

struct tdx_launch {
	struct tdx_gate_entry entry;	/* name, pid, started (launched at), uid, member, file */
	enum tdx_launch_state state;
	bool have_version;
	struct tdx_version version;	/* the module it was launched under */
	enum tdx_svn_source svn_source;	/* TDX_SVN_UNKNOWN: svn_* are 0 */
	uint8_t svn_major, svn_minor;
	bool svn_resolved;		/* the SVN is tdxctl's lookup of the version, not the record's */
};

/* ---- the relaunch rule (relaunch.c) ---------------------------------------------------------- */

/* What a running TD's launch module is to the running one. */
struct tdx_relaunch_td {
	bool older;		/* launched under another (older) module than the running one */
	bool svn_known;		/* its launch module's SVN is known */
	/* With TCB Info, and both SVNs known: */
	bool rated;
	int launch_match_rc;	/* tdx_tcb_info_match() for the launch module: 0, -ENOENT */
	struct tdx_tcb_match launch;
	bool advised;		/* verifiers will rate it TD_RELAUNCH_ADVISED */
};

/*
 * Judge one running TD @l against the running module @running (its version; its SVN when
 * @running->source is not TDX_SVN_UNKNOWN) and @tcb (NULL: no TCB Info). Intel's quote
 * verification (TDRelaunchCheck.cpp, checkForRelaunch) advises a relaunch when the module
 * level of TEE_TCB_SVN (the launch module: identity TDX_<svn_major>, level by svn_minor) is
 * OutOfDate and TEE_TCB_SVN_2's minor SVN (the running module) is at least the latest level
 * of its identity; the platform's own TCB levels (CPU SVN, microcode, QE) are not known here
 * and not judged. Records without a known launch SVN are older, never rated. Returns 0, or
 * -EINVAL for NULL arguments.
 */
int tdx_relaunch_judge(const struct tdx_launch *l, const struct tdx_module_svn *running,
		       const struct tdx_tcb_info *tcb, struct tdx_relaunch_td *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_LAUNCH_H */
