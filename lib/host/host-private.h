/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the host layer (lib/host): sysfs attribute I/O, /proc, the run folder and its
 * files, for its own files and the update above it.
 */
#ifndef TDX_HOST_PRIVATE_H
#define TDX_HOST_PRIVATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "format-private.h"
#include "tdx-host.h"
#include "tdx-gate.h"

/*
 * Read a small sysfs or proc file afresh into @buf (NUL-terminated). Returns the length or the
 * read's negative errno, unchanged (ENXIO, EBUSY and EACCES mean different things here).
 */
int tdx_sysfs_read(const char *dir, const char *name, char *buf, size_t size);
/* Write @s to a sysfs file in one write(); the errno of open or write. */
int tdx_sysfs_write(const char *dir, const char *name, const char *s);
/*
 * The image's fields of a history record (old, new and image version, [image,] image_sha256,
 * format) added to @o: the one place they are built, for the record and the update's result.
 */
void tdx_history_json_add_image(struct json_object *o, const struct tdx_history_record *rec,
				bool with_path);
/*
 * The TD-build gate read only, as status reads it: its builds (judged now), whether it is
 * closed and by whom, into @facts (their gate_rc, gate_closed, gate_mine, gate_closer, builds,
 * builds_live, builds_ignored; @facts->builds must hold no list yet). Nothing is closed.
 */
void tdx_readiness_read_gate(struct tdx_ctx *ctx, struct tdx_readiness_facts *facts);

/*
 * Field 22 of /proc/PID/stat (the start time, in clock ticks since boot); -ESRCH for a process
 * that has exited but is not reaped yet, -ENOENT for none (proc.c).
 */
int tdx_proc_start_time(pid_t pid, unsigned long long *start);
/*
 * Is the flock on @name in the verified folder @dirfd held, and what does its holder's record
 * say (proc.c)?
 */
int tdx_flock_probe(struct tdx_ctx *ctx, int dirfd, const char *name, bool *held, char *text,
		    size_t size);
/* The inode of @pid's PID namespace (/proc/PID/ns/pid); 0 for self (proc.c). */
int tdx_proc_pidns(pid_t pid, uint64_t *ns);
/*
 * The processes of /proc with their PID namespaces, read once for a whole listing of builds
 * (proc.c): each lookup is then a walk over memory, never another scan of /proc, however many
 * entries claim a foreign namespace. Zero-initialise; read on first use; free with
 * tdx_proc_table_free().
 */
struct tdx_proc_table {
	struct tdx_proc_row *rows;
	size_t n;
	bool read;
};
void tdx_proc_table_free(struct tdx_proc_table *t);
/*
 * Is the process that is @pid inside PID namespace @ns, started at @start, alive? For a build
 * recorded from inside a container, whose PID means nothing in ours (proc.c).
 */
bool tdx_proc_alive_in_ns(struct tdx_proc_table *t, uint64_t ns, pid_t pid,
			  unsigned long long start);

/* ---- the run folder (rundir.c) ---- */

#define TDX_BOOT_ID_LEN	36u

/* The launcher group (TDXCTL_LAUNCHER_GROUP)'s id, or (gid_t)-1 when it does not exist. */
gid_t tdx_launcher_gid(void);
/*
 * Open (with @create, make: mode 0755) the run folder @path: a directory, not a symlink, owned
 * by root or the caller, writable by nobody else. -EPERM (logged) when it is not safe,
 * -ENOTDIR for a symlink or a file, -ENOENT when missing and !@create.
 */
int tdx_rundir_open(struct tdx_ctx *ctx, const char *path, bool create, int *dirfd);
/*
 * The same for @name inside @dirfd, created with @mode and group @gid ((gid_t)-1: keep); it
 * may be group-writable when sticky (builds/ for the launcher group).
 */
int tdx_subdir_open(struct tdx_ctx *ctx, int dirfd, const char *name, bool create, mode_t mode,
		    gid_t gid, int *subfd);
/*
 * Root's own folder in the run folder, RUNDIR/private (mode 0700, the caller's): where the
 * locks root waits on or holds live, so that no other user can even open them, let alone hold
 * a flock on them (a handle opened on an older, more open lock file stays on that old file).
 * Created with @create; -ENOENT when missing and !@create; -EPERM (logged) when not private.
 */
#define TDX_PRIVATE_DIR	"private"
int tdx_private_dir_open(struct tdx_ctx *ctx, int dirfd, bool create, int *subfd);
/*
 * openat(@dirfd, @name, @flags) with O_NOFOLLOW, O_NONBLOCK and O_CLOEXEC; a regular file
 * only (-EINVAL otherwise). With O_CREAT, a file we own gets exactly @mode and group @gid.
 */
int tdx_file_open_at(struct tdx_ctx *ctx, int dirfd, const char *name, int flags, mode_t mode,
		     gid_t gid, int *fd);
/* A new private file ".@prefix.RANDOM" in @dirfd (O_EXCL); its name in @name. */
int tdx_tmpfile_at(struct tdx_ctx *ctx, int dirfd, const char *prefix, char *name, size_t size,
		   int *fd);
/* /proc/sys/kernel/random/boot_id: which boot a boot-time clock reading belongs to. */
int tdx_boot_id(char id[TDX_BOOT_ID_LEN + 1]);
/* CLOCK_BOOTTIME in seconds: counts suspend, never jumps with the wall clock. */
int64_t tdx_boottime_s(void);

#endif /* TDX_HOST_PRIVATE_H */
