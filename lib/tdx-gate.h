/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The TD-build gate (gate.c); its retry policy is pure (format/retry.c, in tdx-format.h).
 *
 * An update that races a TD build corrupts that TD's measurement (kernel-update-path.md §4.2),
 * and no kernel in use detects it. So VMM launchers record their TD builds in a host-local
 * folder, and the updater closes a gate before it updates. Root and the launcher group
 * (TDXCTL_LAUNCHER_GROUP) share that folder, and nothing root waits on is anything a member
 * can lock or write (tdxctl(8), TRUST MODEL):
 *
 *   RUNDIR/gate.closed    root's record, written whole (rename) while an updater holds the gate
 *                         closed: its PID, start time, PID namespace, boot ID and since when.
 *                         Members read it, never lock it; it is gone (or empty) while the gate
 *                         is open, and a record whose closer has died is open (its closer is
 *                         judged like a build's owner, failing closed where it cannot be seen);
 *   RUNDIR/private/       root's 0700 folder: gate.lock, held by the closer for as long as the
 *                         gate is closed (so that two closers never both think they closed it),
 *                         and the update lock (tdx-host.h);
 *   RUNDIR/builds/FILE    one JSON object per build in progress: name, owner pid, the owner's
 *                         start time (/proc/PID/stat field 22, which tells a reused PID apart),
 *                         started and expires (seconds since the epoch), written whole (rename)
 *                         under a file name of its own (UID.NAME.RANDOM). A build is known by
 *                         its recorder (the file's owner uid) and its name: one recorder's
 *                         entries never block another's begin or end.
 *
 * No lock orders a begin against a close: each side writes its own record, then reads the
 * other's. A begin writes its entry, then reads gate.closed, and takes its entry back if the
 * gate is closed; a close writes gate.closed, then reads builds/ once (its snapshot) and waits
 * only for those. Whichever wrote second sees the other's record, so no build starts unseen
 * during an update; an entry written after the snapshot (by anything that ignores the gate) is
 * "late" and delays nothing.
 *
 * A build whose owner is gone (or whose PID now belongs to another process) is stale; one past
 * its expiry is expired. Both are ignored by the updater and reported. An entry's expiry is
 * never believed beyond TDX_GATE_TTL_MAX after its start when root (the run folder's owner)
 * recorded it, TDX_GATE_TTL_MEMBER_MAX when anyone else did: that bounds the delay one member
 * build can cause an updater that waits (tdxctl update --wait-builds) at least that long, for
 * no build can be recorded while the gate is closed.
 */
#ifndef LIBTDXCTL_GATE_H
#define LIBTDXCTL_GATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "tdx-host.h"
#include "tdx-launch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the TD-build gate (gate.c) ------------------------------------------------------------ */

#define TDX_GATE_TTL_DEFAULT	300u	/* seconds a build may stay recorded without an end */
#define TDX_GATE_TTL_MAX	86400u	/* a build root recorded */
#define TDX_GATE_TTL_MEMBER_MAX	3600u	/* a build a launcher-group member recorded */

/* "live", "stale", "expired", "late". */
const char *tdx_gate_state_name(enum tdx_gate_state state);

/*
 * A build name is 1 to TDX_GATE_NAME_MAX bytes of [A-Za-z0-9._+@:-], not starting with '.'
 * (so it is one file name in builds/, never a path, never a temporary file of ours).
 */
bool tdx_gate_name_valid(const char *name);

/* The run folder: @override, else the context's (TDX_CTX_RUN_DIR). */
const char *tdx_gate_dir(struct tdx_ctx *ctx, const char *override);

struct tdx_gate;

/*
 * A handle on the gate in @rundir (NULL: the context's run folder). Nothing is created or locked
 * yet; the folder is created by the first call that writes. Returns 0 or -ENOMEM.
 */
int tdx_gate_new(struct tdx_ctx *ctx, const char *rundir, struct tdx_gate **gate);
/* Reopens the gate if this handle closed it, then frees the handle. */
void tdx_gate_free(struct tdx_gate *gate);
const char *tdx_gate_get_dir(const struct tdx_gate *gate);

/*
 * May the caller record a build owned by @pid? Root may name any process; anyone else only one
 * of their own (one they may signal), so that a member cannot make pid 1 own a build that never
 * goes stale. false with errno ESRCH (no such process) or EPERM (not theirs).
 */
bool tdx_gate_owner_allowed(pid_t pid);
/* The longest TTL the caller may give a build in @gate's folder: root's or a member's. */
unsigned int tdx_gate_ttl_max(struct tdx_gate *gate);

/*
 * Record a TD build: while the gate is open, write an entry for @name and owner @pid (alive;
 * its start time is recorded) with an expiry @ttl_s seconds from now (0: TDX_GATE_TTL_DEFAULT).
 * While the gate is closed, wait up to @wait_ms for it to reopen (polling with backoff). The
 * caller's entry of the same name is replaced when it is stale or expired or has the same
 * owner (a refresh); other users' entries are never looked at. Returns 0; -EBUSY when the gate
 * stayed closed (*@closer_pid its closer, when known, may be NULL); -EEXIST when the caller
 * has a live build of that name with another owner; -EINVAL for a bad name, or a TTL above
 * tdx_gate_ttl_max(); -ESRCH when @pid is not a live process; -EPERM when it is not the
 * caller's (tdx_gate_owner_allowed) or the folder is unsafe; -EACCES without write access to
 * the run folder; -EINTR once the handle's stop flag is set; another negative errno on I/O.
 */
int tdx_gate_begin(struct tdx_gate *gate, const char *name, pid_t pid, unsigned int ttl_s,
		   unsigned int wait_ms, pid_t *closer_pid);
/* End the caller's build @name, whatever its state. -ENOENT when none, -EINVAL bad name. */
int tdx_gate_end(struct tdx_gate *gate, const char *name);
/*
 * Root's override (tdxctl build end --force): end the builds named @name whoever recorded
 * them; *@ended (may be NULL) says how many. -ENOENT when none is recorded, -EINVAL for a bad
 * name, -EPERM from anyone but the run folder's owner.
 */
int tdx_gate_end_any(struct tdx_gate *gate, const char *name, size_t *ended);
/* The stop flag (a signal handler's) that ends tdx_gate_begin()'s wait; may be NULL. */
void tdx_gate_set_stop(struct tdx_gate *gate, const volatile sig_atomic_t *stop);

/*
 * Every recorded build, sorted by name (then recorder), each with its state judged now;
 * *@entries is freed with free(). A missing run folder is an empty list. Entries that do not
 * parse are skipped (logged). On a handle that holds the gate closed, entries recorded after it
 * closed are late, and the others are judged as they were when it closed (an entry rewritten
 * since extends nothing). Returns 0 or a negative errno.
 */
int tdx_gate_list(struct tdx_gate *gate, struct tdx_gate_entry **entries, size_t *count);

/*
 * Is the gate closed, and by whom (*@closer_pid, 0 when unknown; may be NULL)? A record whose
 * closer has died is open (root removes it when it sees one); one whose closer cannot be seen
 * from here (another PID namespace) is closed. *@since_s (may be NULL): for how long.
 */
int tdx_gate_query(struct tdx_gate *gate, bool *closed, pid_t *closer_pid);
int tdx_gate_query_since(struct tdx_gate *gate, bool *closed, pid_t *closer_pid,
			 int64_t *since_s);

/*
 * For the updater: close the gate (new begins wait or are refused), then wait up to @wait_ms
 * for the builds live when it closed to end; stale, expired and late entries are ignored. The gate says how that
 * went by its return value, and which builds remain by tdx_gate_list(); the judgement and its
 * words (host.td_builds) are the readiness rules' (tdx_readiness_read_gate_close(), then
 * tdx_readiness_judge_rules(), in tdx-host.h).
 * Returns 0: closed and drained, the gate stays closed until tdx_gate_reopen() or
 * tdx_gate_free() or this process ends; -EBUSY: live builds remain, the gate is open again;
 * -EALREADY: another process holds the gate closed; another negative errno (gate open) on I/O
 * errors, -EACCES/-EPERM without write access to the run folder (only its owner, root, can
 * close the gate). On a handle that already
 * holds the gate closed it only waits for the builds again. Call it after taking the update
 * lock, and do not fork without exec while the gate is closed (a child would keep it closed).
 */
int tdx_gate_close(struct tdx_gate *gate, unsigned int wait_ms);
/*
 * tdx_gate_close(), but the wait for live builds ends early, with the gate open again and
 * -EINTR, once *@stop is set (a signal handler's flag; may be NULL): a signal interrupts the
 * poll's sleep, so an updater told to stop does not first sit out the whole wait.
 */
int tdx_gate_close_stop(struct tdx_gate *gate, unsigned int wait_ms,
			const volatile sig_atomic_t *stop);
/* Open the gate again if this handle closed it; harmless otherwise. */
void tdx_gate_reopen(struct tdx_gate *gate);

/* ---- launch records (gate.c; tdx-launch.h) --------------------------------------------------- */

/*
 * Record that the caller's TD @name runs in process @pid (one of the caller's own unless root,
 * as for tdx_gate_begin()), launched under @module (the running module's version and SVN, as
 * tdx_module_svn_running() read them: the caller's word is never asked for). Written whole in
 * RUNDIR/launches/ under a file of its own; the caller's older records of @name are removed.
 * Returns 0; -EINVAL a bad name; -ESRCH no such process; -EPERM not the caller's, or the
 * folder is unsafe; -EACCES no write access; -EDQUOT the caller has TDX_LAUNCH_MEMBER_MAX
 * records already (a member); another negative errno on I/O.
 */
int tdx_launch_record(struct tdx_gate *gate, const char *name, pid_t pid,
		      const struct tdx_module_svn *module);
/* Remove the caller's launch records of @name. -ENOENT when none, -EINVAL bad name. */
int tdx_launch_forget(struct tdx_gate *gate, const char *name);
/*
 * Every launch record, sorted by name (then recorder), judged now: running, stale (its process
 * gone, its PID reused, another boot's) or untrusted (a member's record of a process that is
 * not theirs, one that cannot be told from here, or past TDX_LAUNCH_MEMBER_MAX of theirs). A
 * record's SVN is believed only from the run folder's owner (root); a member's is dropped
 * (tdx_launch_resolve_svn() finds it again). Root removes stale records as it lists them.
 * Files that do not parse are skipped (logged); a missing folder is an empty list. *@entries is
 * freed with free(). Returns 0 or a negative errno.
 */
int tdx_launch_list(struct tdx_gate *gate, struct tdx_launch **entries, size_t *count);
/*
 * For each running record whose SVN is unknown (a member's, or one recorded without): the SVN of its
 * version by tdx_module_svn_resolve() (any install of it in @history, else a release under
 * @releases), marked svn_resolved. Returns 0 or -ENOMEM.
 */
int tdx_launch_resolve_svn(struct tdx_ctx *ctx, struct tdx_launch *list, size_t count,
			   const char *history, const char *releases);

/* ---- a module version's SVN on this host (module-svn.c; tdx-launch.h) ---------------------- */

/*
 * The SVN of version @v: from the history at @history (NULL: the context's), else from a
 * release image of version @v under @releases (NULL: STATE_DIR/releases; tdx_releases_scan())
 * whose signature verifies with Intel's production key (@key_hash NULL) or @key_hash, and whose
 * version is @v (its sigstruct's, else its file name's), else unknown. @last_only as for
 * tdx_module_svn_from_history(). An unreadable history or folder is no evidence, not an error
 * (logged at debug). Returns 0 (@out->source says which evidence, possibly TDX_SVN_UNKNOWN), or
 * -ENOMEM.
 */
int tdx_module_svn_resolve(struct tdx_ctx *ctx, const struct tdx_version *v, bool last_only,
			   const char *history, const char *releases, const uint8_t *key_hash,
			   struct tdx_module_svn *out);

/*
 * The running module's version (from @host) and SVN (tdx_module_svn_resolve() with
 * @last_only). Returns 0, or tdx_host_read_version()'s error (-ENXIO: the module is lost).
 */
int tdx_module_svn_running(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
			   const char *releases, struct tdx_module_svn *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_GATE_H */
