/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtdxctl's base: the opaque context every call takes (its paths, read from the environment
 * once, and its logging hook), and who the caller is. Below every other layer: the pure format
 * code (tdx-format.h) needs nothing else from it, the host code (tdx-host.h) and the update
 * (tdx-update.h) take their paths from it.
 */
#ifndef LIBTDXCTL_CTX_H
#define LIBTDXCTL_CTX_H

#include <stdarg.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- context and logging (ctx.c) ---------------------------------------------------------- */

struct tdx_ctx;

typedef void (*tdx_log_fn)(struct tdx_ctx *ctx, int priority, const char *file, int line,
			   const char *fn, const char *format, va_list args);

/*
 * Reads the environment once: TDXCTL_LOG, and each path setting's variable below. -EINVAL when
 * a root or the state folder from the environment is not an absolute path (which one:
 * tdx_ctx_env_check()).
 */
int tdx_ctx_new(struct tdx_ctx **ctx);
void tdx_ctx_free(struct tdx_ctx *ctx);

/* What the host code works on; each setting's environment variable and default. */
enum tdx_ctx_path {
	TDX_CTX_SYSFS = 0,	/* $TDXCTL_SYSFS_ROOT, else /sys */
	TDX_CTX_PROCFS,		/* $TDXCTL_PROCFS_ROOT, else /proc: machine facts (cpuinfo) */
	TDX_CTX_RUN_DIR,	/* $TDXCTL_RUNDIR, else /run/tdxctl: update lock, TD-build gate */
	TDX_CTX_STATE_DIR,	/* $TDXCTL_STATEDIR, else /var/lib/tdxctl */
	TDX_CTX_HISTORY,	/* $TDXCTL_HISTORY, else STATE_DIR/history.jsonl */
	TDX_CTX_KMODULE,	/* $TDXCTL_MODULE, else the build's default (tdx_host) */
	TDX_CTX_CONF_DIR,	/* $TDXCTL_CONFDIR, else /etc/tdxctl: tcb-info.conf */
	TDX_CTX_PATH__COUNT
};

/* The environment variable setting @which ("TDXCTL_SYSFS_ROOT", ...); NULL for no setting. */
const char *tdx_ctx_path_env(enum tdx_ctx_path which);
/*
 * Why tdx_ctx_new() failed with -EINVAL: the first setting whose value from the environment
 * it refuses (a root or the state folder that is not an absolute path) in *@which, and
 * -EINVAL; 0 when the environment holds none.
 */
int tdx_ctx_env_check(enum tdx_ctx_path *which);
/* -EINVAL for an empty value, or a relative one for the roots and the state folder. */
int tdx_ctx_set_path(struct tdx_ctx *ctx, enum tdx_ctx_path which, const char *value);
/* The setting; for a NULL @ctx, the built-in default (no environment). */
const char *tdx_ctx_get_path(const struct tdx_ctx *ctx, enum tdx_ctx_path which);
void tdx_ctx_set_log_fn(struct tdx_ctx *ctx, tdx_log_fn fn);
int tdx_ctx_get_log_priority(const struct tdx_ctx *ctx);
void tdx_ctx_set_log_priority(struct tdx_ctx *ctx, int priority);
void tdx_ctx_set_userdata(struct tdx_ctx *ctx, void *data);

/* Why the run folder, or a folder in it, was refused (rundir.c): a fact for the front end. */
enum tdx_rundir_fault {
	TDX_RUNDIR_FAULT_NONE = 0,
	TDX_RUNDIR_FAULT_NOT_A_FOLDER,	/* @name is a symlink, or not a folder */
	TDX_RUNDIR_FAULT_OWNER,		/* @name is owned by @uid: neither root nor the caller */
	TDX_RUNDIR_FAULT_WRITABLE,	/* @name is writable by every user (@by_all) or its group */
	TDX_RUNDIR_FAULT_PRIVATE,	/* root's private/ is @uid's or @mode, not ours with 0700 */
};

struct tdx_rundir_refusal {
	enum tdx_rundir_fault fault;
	const char *name;	/* the run folder's path, or a folder's name in it; NULL: none */
	bool top;		/* @name is the run folder itself */
	unsigned int uid;	/* its owner */
	unsigned int mode;	/* its permission bits (07777) */
	bool by_all;		/* WRITABLE: by every user, else by its group */
};

/*
 * The last refusal of the run folder (or of a folder in it) by a call on @ctx, cleared when
 * the run folder is next opened; fault NONE when there was none. Valid until that next call.
 */
const struct tdx_rundir_refusal *tdx_ctx_rundir_refusal(const struct tdx_ctx *ctx);
void *tdx_ctx_get_userdata(const struct tdx_ctx *ctx);

/*
 * Why a file was not trusted (tdx_file_read_trusted(), tdx_hold_read()): a fact for the front
 * end. A file root reads to decide what it does must be a regular file, owned by root (or the
 * caller) and writable by nobody else, in a folder of the same kind.
 */
enum tdx_trust_fault {
	TDX_TRUST_FAULT_NONE = 0,
	TDX_TRUST_FAULT_SYMLINK,	/* @path is a symbolic link, where none is followed */
	TDX_TRUST_FAULT_NOT_REGULAR,	/* @path is not a regular file */
	TDX_TRUST_FAULT_OWNER,		/* owned by @uid: neither root nor the caller */
	TDX_TRUST_FAULT_WRITABLE,	/* writable by every user (@by_all) or its group */
};

struct tdx_trust_refusal {
	enum tdx_trust_fault fault;
	const char *path;	/* the file's path; NULL: none */
	bool folder;		/* OWNER, WRITABLE: the fault is the folder's of @path, not its own */
	unsigned int uid;	/* the owner of the file (or its folder) */
	unsigned int mode;	/* its permission bits (07777) */
	bool by_all;		/* WRITABLE: by every user, else by its group */
};

/*
 * The last trust refusal by a call on @ctx: set exactly when tdx_file_read_trusted() or
 * tdx_hold_read() returns -EPERM, cleared (fault NONE) when either is next called. Valid until
 * that next call.
 */
const struct tdx_trust_refusal *tdx_ctx_trust_refusal(const struct tdx_ctx *ctx);

/*
 * May this caller choose the paths root writes and the module root loads (environment,
 * options)? Yes for an unprivileged caller (it writes as itself) and for root acting for itself;
 * no for root acting for someone else: under sudo, doas, pkexec, or with a real user that is
 * not root. Then only the build's configuration counts (tdxctl(8), TRUST MODEL).
 */
bool tdx_caller_may_choose_paths(void);
/* secure_getenv(@name) when tdx_caller_may_choose_paths(), and set and not empty; else NULL. */
const char *tdx_env_path(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_CTX_H */
