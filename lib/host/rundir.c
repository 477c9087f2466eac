// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The run folder (update lock, TD-build gate) as root must see it on a host shared with VMM
 * launchers and other users. Everything in it is opened relative to one verified folder
 * descriptor: the folder is a directory (not a symlink) owned by root (or by the caller, for an
 * unprivileged caller's own folder) and writable by nobody else, so no file in it can be
 * removed or swapped by another user; files are opened with O_NOFOLLOW and O_NONBLOCK and must
 * be regular (a FIFO would hang the reader, a device could act on open); lock files get
 * private modes, so that nobody outside the launcher group can even open them to take a flock.
 * Root's own locks live in private/ (0700), where nobody else can open anything, and root never
 * waits for a flock on a file that others can open.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "host-private.h"

gid_t tdx_launcher_gid(void)
{
	const struct group *gr = getgrnam(TDXCTL_LAUNCHER_GROUP);

	return gr ? gr->gr_gid : (gid_t)-1;
}

/*
 * Is this folder safe for root to keep its locks and records in? A directory, owned by root
 * or by the caller, writable by nobody else; with @group_sticky, writable by its group when the
 * sticky bit keeps each member to their own files (builds/ for the launcher group). A refusal
 * is a fact (tdx_ctx_note_rundir()) that tdxctl words once; the log line is for debugging.
 */
static int dir_verify(struct tdx_ctx *ctx, const char *what, const struct stat *st,
		      bool group_sticky, bool top)
{
	struct tdx_rundir_refusal r = {
		.name = what, .top = top, .uid = (unsigned int)st->st_uid,
		.mode = (unsigned int)(st->st_mode & 07777),
	};

	if (!S_ISDIR(st->st_mode)) {
		r.fault = TDX_RUNDIR_FAULT_NOT_A_FOLDER;
		tdx_ctx_note_rundir(ctx, &r);
		dbg(ctx, "%s is not a folder; nothing was changed\n", what);
		return -ENOTDIR;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		r.fault = TDX_RUNDIR_FAULT_OWNER;
		tdx_ctx_note_rundir(ctx, &r);
		dbg(ctx, "%s is owned by uid %u, not root: another user could replace what is in it; "
		    "refusing to use it, nothing was changed (it must be owned by root, mode 0755)\n",
		    what, (unsigned int)st->st_uid);
		return -EPERM;
	}
	if ((st->st_mode & S_IWOTH) ||
	    ((st->st_mode & S_IWGRP) && !(group_sticky && (st->st_mode & S_ISVTX)))) {
		r.fault = TDX_RUNDIR_FAULT_WRITABLE;
		r.by_all = st->st_mode & S_IWOTH;
		tdx_ctx_note_rundir(ctx, &r);
		dbg(ctx, "%s is writable by %s (mode %04o): they could remove or replace its "
		    "files; refusing to use it, nothing was changed (chmod go-w it)\n", what,
		    st->st_mode & S_IWOTH ? "every user" : "its group",
		    (unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* What a descriptor opened by rundir_openat() must be, besides not a symlink. */
enum rundir_kind {
	RUNDIR_TOP,		/* the run folder itself: dir_verify() */
	RUNDIR_SHARED,		/* a folder in it: dir_verify(), group-writable if sticky */
	RUNDIR_PRIVATE,		/* root's folder in it: the caller's, closed to everyone else */
	RUNDIR_FILE,		/* a file in one of them: regular (not a FIFO, device or folder) */
};

/*
 * The one way anything of the run folder is opened: @name relative to the verified folder
 * @dirfd (AT_FDCWD for the run folder's own path), never through a symlink (O_NOFOLLOW), and
 * kept only when fstat() of what was opened (not of the name, which could be swapped
 * meanwhile) is what @kind must be. Returns the descriptor, or a negative errno with the
 * refusal noted as a fact for tdxctl to word (tdx_ctx_rundir_refusal(); logged at debug level): -ENOTDIR (a folder that is a symlink or a file), -EPERM (a folder others
 * could change), -EINVAL (a file that is a symlink or not regular). The descriptor goes to
 * *@fdp (-1 on failure), what fstat() said to *@st.
 */
static int rundir_openat(struct tdx_ctx *ctx, int dirfd, const char *name, enum rundir_kind kind,
			 int flags, struct stat *st, int *fdp)
{
	bool dir = kind != RUNDIR_FILE;
	int fd, rc;

	*fdp = -1;
	memset(st, 0, sizeof(*st));
	if (dir)
		flags = O_RDONLY | O_DIRECTORY;
	else
		/* O_NONBLOCK: a FIFO planted here must not hang the open; it is refused below. */
		flags |= O_NONBLOCK | O_NOCTTY;
	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == ELOOP ? (dir ? -ENOTDIR : -EINVAL) : -errno;
		if (dir && rc == -ENOTDIR)
			tdx_ctx_note_rundir(ctx, &(struct tdx_rundir_refusal){
				.fault = TDX_RUNDIR_FAULT_NOT_A_FOLDER, .name = name,
				.top = kind == RUNDIR_TOP });
		if (!dir && rc == -EINVAL)
			warn(ctx, "%s is a symlink; ignored\n", name);
		else if (kind == RUNDIR_TOP && rc == -ENOTDIR)
			dbg(ctx, "%s is a symlink or not a folder; refusing to use it, nothing was "
			    "changed\n", name);
		else if (rc == -ENOTDIR)
			dbg(ctx, "%s in the run folder is a symlink or not a folder; refusing to "
			    "use it, nothing was changed\n", name);
		else if (kind == RUNDIR_TOP && rc != -ENOENT)
			err(ctx, "cannot open %s: %s\n", name, strerror(-rc));
		return rc;
	}
	if (fstat(fd, st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	switch (kind) {
	case RUNDIR_TOP:
	case RUNDIR_SHARED:
		rc = dir_verify(ctx, name, st, kind == RUNDIR_SHARED, kind == RUNDIR_TOP);
		break;
	case RUNDIR_PRIVATE:
		/* The run folder is root's, so only root made it; still, it must be ours and closed. */
		rc = 0;
		if (st->st_uid != geteuid() || (st->st_mode & 077)) {
			tdx_ctx_note_rundir(ctx, &(struct tdx_rundir_refusal){
				.fault = TDX_RUNDIR_FAULT_PRIVATE, .name = name,
				.uid = (unsigned int)st->st_uid,
				.mode = (unsigned int)(st->st_mode & 07777) });
			dbg(ctx, "%s in the run folder is uid %u, mode %04o, not the caller's with "
			    "mode 0700; refusing to use it, nothing was changed (remove it)\n", name,
			    (unsigned int)st->st_uid, (unsigned int)(st->st_mode & 07777));
			rc = -EPERM;
		}
		break;
	case RUNDIR_FILE:
		rc = 0;
		if (!S_ISREG(st->st_mode)) {
			warn(ctx, "%s is not a regular file; ignored\n", name);
			rc = -EINVAL;
		}
		break;
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	*fdp = fd;
	return 0;
}

int tdx_rundir_open(struct tdx_ctx *ctx, const char *path, bool create, int *dirfd)
{
	struct stat st;
	int rc;

	*dirfd = -1;
	tdx_ctx_note_rundir(ctx, &(struct tdx_rundir_refusal){ .fault = TDX_RUNDIR_FAULT_NONE });
	if (create && mkdir(path, 0755) == 0) {
		/* Exactly 0755 whatever the umask: readable for `build list`, writable by root. */
		if (chmod(path, 0755) < 0)
			dbg(ctx, "chmod %s: %s\n", path, strerror(errno));
	} else if (create && errno != EEXIST) {
		rc = -errno;
		err(ctx, "cannot create %s: %s\n", path, strerror(-rc));
		return rc;
	}
	return rundir_openat(ctx, AT_FDCWD, path, RUNDIR_TOP, 0, &st, dirfd);
}

int tdx_subdir_open(struct tdx_ctx *ctx, int dirfd, const char *name, bool create, mode_t mode,
		    gid_t gid, int *subfd)
{
	struct stat st;
	int fd, rc;

	*subfd = -1;
	if (create && mkdirat(dirfd, name, 0700) == 0) {
		/* Made private first, then given its group and mode: never briefly too open. */
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			if ((gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) < 0) ||
			    fchmod(fd, mode) < 0)
				dbg(ctx, "cannot set the mode of %s: %s\n", name, strerror(errno));
			close(fd);
		}
	} else if (create && errno != EEXIST) {
		rc = -errno;
		err(ctx, "cannot create %s: %s\n", name, strerror(-rc));
		return rc;
	}
	return rundir_openat(ctx, dirfd, name, RUNDIR_SHARED, 0, &st, subfd);
}

int tdx_private_dir_open(struct tdx_ctx *ctx, int dirfd, bool create, int *subfd)
{
	struct stat st;
	int rc;

	*subfd = -1;
	if (create && mkdirat(dirfd, TDX_PRIVATE_DIR, 0700) < 0 && errno != EEXIST) {
		rc = -errno;
		err(ctx, "cannot create " TDX_PRIVATE_DIR " in the run folder: %s\n", strerror(-rc));
		return rc;
	}
	return rundir_openat(ctx, dirfd, TDX_PRIVATE_DIR, RUNDIR_PRIVATE, 0, &st, subfd);
}

int tdx_file_open_at(struct tdx_ctx *ctx, int dirfd, const char *name, int flags, mode_t mode,
		     gid_t gid, int *fdp)
{
	struct stat st;
	int rc = rundir_openat(ctx, dirfd, name, RUNDIR_FILE, flags, &st, fdp);

	if (rc < 0)
		return rc;
	/* Ours: the mode we want, whatever the umask or an older version left (0644). */
	if ((flags & O_CREAT) && st.st_uid == geteuid() &&
	    (((st.st_mode & 07777) != mode) || (gid != (gid_t)-1 && st.st_gid != gid))) {
		if ((gid != (gid_t)-1 && fchown(*fdp, (uid_t)-1, gid) < 0) ||
		    fchmod(*fdp, mode) < 0)
			dbg(ctx, "cannot set the mode of %s: %s\n", name, strerror(errno));
	}
	return 0;
}

int tdx_tmpfile_at(struct tdx_ctx *ctx, int dirfd, const char *prefix, char *name, size_t size,
		   int *fdp)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	for (int attempt = 0; attempt < 16; attempt++) {
		uint8_t rnd[8];
		char suffix[9];
		int fd;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -EIO;
		for (size_t i = 0; i < sizeof(rnd); i++)
			suffix[i] = chars[rnd[i] % (sizeof(chars) - 1)];
		suffix[8] = '\0';
		if ((size_t)snprintf(name, size, ".%s.%s", prefix, suffix) >= size)
			return -ENAMETOOLONG;
		fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*fdp = fd;
			return 0;
		}
		if (errno != EEXIST) {
			int rc = -errno;

			err(ctx, "cannot create a file in the run folder: %s\n", strerror(-rc));
			return rc;
		}
	}
	return -EEXIST;
}

int tdx_boot_id(char id[TDX_BOOT_ID_LEN + 1])
{
	ssize_t n;
	int fd;

	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, id, TDX_BOOT_ID_LEN);
	close(fd);
	if (n != TDX_BOOT_ID_LEN)
		return -EIO;
	id[TDX_BOOT_ID_LEN] = '\0';
	return 0;
}

int64_t tdx_boottime_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec;
}
