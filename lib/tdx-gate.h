/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The TD-build gate (gate.c); its retry policy is pure (format/retry.c, in tdx-format.h).
 *
 * An update that races a TD build corrupts that TD's measurement (kernel-update-path.md §4.2),
 * and no kernel in use detects it. So VMM launchers record their TD builds in a host-local
 * folder, and the updater closes a gate before it updates:
 *
 *   RUNDIR/gate.lock      every check-and-record step holds an exclusive flock on it, so
 *                         "is the gate open? then record my build" (begin) and "close the gate,
 *                         then read the builds" (close) are atomic against each other;
 *   RUNDIR/gate.closed    the updater holds an exclusive flock on it for as long as the gate
 *                         is closed (its PID and start time written inside, for people). A
 *                         flock dies with its process, so a crashed updater cannot leave the
 *                         gate closed;
 *   RUNDIR/builds/NAME    one JSON object per build in progress: name, owner pid, the owner's
 *                         start time (/proc/PID/stat field 22, which tells a reused PID apart),
 *                         started and expires (seconds since the epoch), written atomically.
 *
 * A build whose owner is gone (or whose PID now belongs to another process) is stale; one past
 * its expiry is expired. Both are ignored by the updater and reported.
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

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the TD-build gate (gate.c) ------------------------------------------------------------ */

#define TDX_GATE_TTL_DEFAULT	300u	/* seconds a build may stay recorded without an end */
#define TDX_GATE_TTL_MAX	86400u

/* "live", "stale", "expired". */
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
 * Record a TD build: while the gate is open, write builds/@name for owner @pid (alive; its
 * start time is recorded) with an expiry @ttl_s seconds from now (0: TDX_GATE_TTL_DEFAULT).
 * While the gate is closed, wait up to @wait_ms for it to reopen (polling with backoff).
 * A recorded entry of the same name is replaced when it is stale or expired or has the same
 * owner (a refresh). Returns 0; -EBUSY when the gate stayed closed (*@closer_pid its closer,
 * when known, may be NULL); -EEXIST when a live build of that name has another owner;
 * -EINVAL for a bad name or TTL; -ESRCH when @pid is not a live process; -EACCES/-EPERM
 * without write access to the run folder; another negative errno on I/O errors.
 */
int tdx_gate_begin(struct tdx_gate *gate, const char *name, pid_t pid, unsigned int ttl_s,
		   unsigned int wait_ms, pid_t *closer_pid);
/* Remove builds/@name, whatever its state. -ENOENT when none is recorded, -EINVAL bad name. */
int tdx_gate_end(struct tdx_gate *gate, const char *name);

/*
 * Every recorded build, sorted by name, each with its state judged now; *@entries is freed
 * with free(). A missing run folder is an empty list. Entries that do not parse are skipped
 * (logged). Returns 0 or a negative errno.
 */
int tdx_gate_list(struct tdx_gate *gate, struct tdx_gate_entry **entries, size_t *count);

/*
 * Is the gate closed, and by whom (*@closer_pid, 0 when unknown; may be NULL)? A closed state
 * whose closer has died is open: its flock died with it.
 */
int tdx_gate_query(struct tdx_gate *gate, bool *closed, pid_t *closer_pid);

/*
 * For the updater: close the gate (new begins wait or are refused), then wait up to @wait_ms
 * for the live builds to end; stale and expired entries are ignored. The gate says how that
 * went by its return value, and which builds remain by tdx_gate_list(); the judgement and its
 * words (host.td_builds) are the readiness rules' (tdx_readiness_read_gate_close(), then
 * tdx_readiness_judge_rules(), in tdx-host.h).
 * Returns 0: closed and drained, the gate stays closed until tdx_gate_reopen() or
 * tdx_gate_free() or this process ends; -EBUSY: live builds remain, the gate is open again;
 * -EALREADY: another process holds the gate closed; another negative errno (gate open) on I/O
 * errors, -EACCES/-EPERM without write access to the run folder. On a handle that already
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

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_GATE_H */
