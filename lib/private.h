/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals shared by the library's files: logging macros and small byte helpers. */
#ifndef LIBTDXCTL_PRIVATE_H
#define LIBTDXCTL_PRIVATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>
#include <sys/types.h>

#include "libtdxctl.h"

void tdx_log(struct tdx_ctx *ctx, int priority, const char *file, int line, const char *fn,
	     const char *format, ...) __attribute__((format(printf, 6, 7)));

#define tdx_log_cond(ctx, prio, ...)							\
	do {										\
		if ((ctx) && tdx_ctx_get_log_priority(ctx) >= (prio))			\
			tdx_log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__);	\
	} while (0)

#define dbg(ctx, ...)	tdx_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...)	tdx_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define notice(ctx, ...) tdx_log_cond(ctx, LOG_NOTICE, __VA_ARGS__)
#define warn(ctx, ...)	tdx_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define err(ctx, ...)	tdx_log_cond(ctx, LOG_ERR, __VA_ARGS__)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

/* True when all @len bytes at @p are zero. */
static inline int mem_is_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

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
/*
 * 0 when a sigstruct's RSA signature verifies with the key it carries (signature.c); whether
 * that key is trusted is the caller's check. Also for the update's check of the running
 * module's sigstruct found beside an image (update/attempt.c).
 */
int tdx_signature_verify(const uint8_t raw[TDX_SIGSTRUCT_SIZE]);
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
 * openat(@dirfd, @name, @flags) with O_NOFOLLOW, O_NONBLOCK and O_CLOEXEC; a regular file
 * only (-EINVAL otherwise). With O_CREAT, a file we own gets exactly @mode and group @gid.
 */
int tdx_file_open_at(struct tdx_ctx *ctx, int dirfd, const char *name, int flags, mode_t mode,
		     gid_t gid, int *fd);
/* A new private file ".@prefix.RANDOM" in @dirfd (O_EXCL); its name in @name. */
int tdx_tmpfile_at(struct tdx_ctx *ctx, int dirfd, const char *prefix, char *name, size_t size,
		   int *fd);
/*
 * flock(@fd, @op) within @wait_ms, polling: -ETIMEDOUT at the deadline, -EINTR as soon as
 * *@stop is set (may be NULL).
 */
int tdx_flock_wait(int fd, int op, unsigned int wait_ms, const volatile sig_atomic_t *stop);
/* /proc/sys/kernel/random/boot_id: which boot a boot-time clock reading belongs to. */
int tdx_boot_id(char id[TDX_BOOT_ID_LEN + 1]);
/* CLOCK_BOOTTIME in seconds: counts suspend, never jumps with the wall clock. */
int64_t tdx_boottime_s(void);


#endif /* LIBTDXCTL_PRIVATE_H */
