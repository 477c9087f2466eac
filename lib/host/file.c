// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Files: the only place in lib/ where image bytes come from or go to disk. A file is read once,
 * whole, into memory; every later step works on those bytes, so what was verified is what is
 * used. Writes are atomic: a temporary file in the target folder, fsync, rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host-private.h"

/* Read exactly @len bytes; -EIO when the file ends first (it shrank after fstat). */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* After reading st_size bytes, the file must be at its end: one more byte means it grew. */
static int read_at_end(int fd)
{
	uint8_t extra;
	ssize_t n;

	do
		n = read(fd, &extra, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? 0 : -EIO;
}

/*
 * Open @path for reading only once it is known to be a regular file: an O_PATH descriptor is
 * checked with fstat first, because opening a device can act (rewind a tape, arm a watchdog)
 * and a FIFO can block. The file is then opened through that descriptor, so it is the same
 * one. Returns the descriptor (with *@st) or -EINVAL for anything but a regular file.
 */
static int file_open_regular(const char *path, struct stat *st)
{
	char proc[64];
	struct stat again;
	int pfd, fd, rc;

	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (fstat(pfd, st) < 0) {
		rc = -errno;
		close(pfd);
		return rc;
	}
	if (!S_ISREG(st->st_mode)) {
		close(pfd);
		return -EINVAL;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	/* Without /proc, the path again; the inode comparison below catches a swap. */
	if (fd < 0 && errno == ENOENT)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	rc = fd < 0 ? -errno : 0;
	close(pfd);
	if (rc < 0)
		return rc;
	if (fstat(fd, &again) < 0 || again.st_dev != st->st_dev || again.st_ino != st->st_ino) {
		close(fd);
		return -EINVAL;
	}
	*st = again;
	return fd;
}

/* A transparent huge page on x86-64; the largest file tdxctl reads fits in one. */
#define HUGE_PAGE	(2u << 20)
#define HUGE_MIN	(HUGE_PAGE / 8)

/*
 * Memory for a file's bytes. Each fresh 4 KiB page costs the process a page fault, and where
 * page tables are virtualised in software a fault costs tens of microseconds: the 512 of a
 * 2 MB image cost more than hashing it. A buffer of HUGE_MIN or more is therefore 2 MiB aligned
 * and advised for a transparent huge page: one fault when the kernel grants one, 4 KiB pages as
 * before when it does not. Smaller buffers stay ordinary, so as not to hold 2 MiB for a small
 * file. Freed with free().
 */
static uint8_t *buf_alloc(size_t size)
{
	void *p;

	if (size < HUGE_MIN)
		return malloc(size ? size : 1);
	size = (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	if (posix_memalign(&p, HUGE_PAGE, size))
		return NULL;
	(void)madvise(p, size, MADV_HUGEPAGE);	/* advice: without it, 4 KiB pages */
	return p;
}

/* Read all of @fd, a regular file of @st, into a new buffer of at most @max bytes. */
static int file_read_fd(int fd, const struct stat *st, size_t max, uint8_t **buf, size_t *len)
{
	uint8_t *data;
	size_t size;
	int rc;

	if (st->st_size < 0 || (uint64_t)st->st_size > max)
		return -EFBIG;
	size = (size_t)st->st_size;
	data = buf_alloc(size);
	if (!data)
		return -ENOMEM;
	rc = read_full(fd, data, size);
	if (!rc)
		rc = read_at_end(fd);
	if (rc) {
		free(data);
		return rc;
	}
	*buf = data;
	*len = size;
	return 0;
}

TDX_EXPORT
int tdx_file_read(struct tdx_ctx *ctx, const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st = { 0 };
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = file_open_regular(path, &st);
	if (fd < 0) {
		dbg(ctx, "%s: open: %s\n", path, strerror(-fd));
		return fd;
	}
	rc = file_read_fd(fd, &st, max, buf, len);
	if (rc)
		dbg(ctx, "%s: %s\n", path, strerror(-rc));
	close(fd);
	return rc;
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* Make the rename durable: fsync the folder that holds @path. */
static int dir_sync(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * Move the finished temporary file into place. Without @force, renameat2(RENAME_NOREPLACE)
 * refuses an existing target atomically; file systems without it get link() + unlink(), which
 * refuses it just as atomically.
 */
static int install_tmp(const char *tmp, const char *path, bool force)
{
	if (force)
		return rename(tmp, path) < 0 ? -errno : 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (link(tmp, path) < 0)
		return -errno;
	unlink(tmp);
	return 0;
}

TDX_EXPORT
int tdx_file_write_atomic(struct tdx_ctx *ctx, const char *path, const uint8_t *buf, size_t len,
			  bool force)
{
	char *copy, *tmp = NULL;
	const char *base;
	int fd, rc;

	if (!force && access(path, F_OK) == 0)
		return -EEXIST;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	base = strrchr(path, '/');
	rc = base ? asprintf(&tmp, "%.*s/.%s.XXXXXX", (int)(base - path), path, base + 1) :
		    asprintf(&tmp, ".%s.XXXXXX", path);
	free(copy);
	if (rc < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	rc = write_full(fd, buf, len);
	if (!rc && fchmod(fd, 0644) < 0)
		rc = -errno;
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc)
		rc = install_tmp(tmp, path, force);
	if (rc)
		unlink(tmp);
	else
		rc = dir_sync(path);
	if (rc)
		dbg(ctx, "%s: %s\n", path, strerror(-rc));
	free(tmp);
	return rc;
}

/*
 * Owned by root or the caller, writable by nobody else: 0, or -EPERM with the refusal noted on
 * @ctx (@folder: @st is the folder's of @path).
 */
static int stat_trusted(struct tdx_ctx *ctx, const char *path, bool folder, const struct stat *st)
{
	struct tdx_trust_refusal r = {
		.path = path, .folder = folder, .uid = (unsigned int)st->st_uid,
		.mode = (unsigned int)(st->st_mode & 07777), .by_all = st->st_mode & S_IWOTH,
	};
	if (st->st_uid != 0 && st->st_uid != geteuid())
		r.fault = TDX_TRUST_FAULT_OWNER;
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		r.fault = TDX_TRUST_FAULT_WRITABLE;
	else
		return 0;
	tdx_ctx_note_trust(ctx, &r);
	dbg(ctx, "%s: not trusted (fault %d, folder %d, uid %u, mode %04o)\n", path, r.fault,
	    r.folder, r.uid, r.mode);
	return -EPERM;
}

/*
 * The file is judged by the descriptor that is then read, so what was checked is what is used:
 * a check of the path followed by a second open would leave a window for a swap.
 */
TDX_EXPORT
int tdx_file_read_trusted(struct tdx_ctx *ctx, const char *path, size_t max, uint8_t **buf,
			  size_t *len)
{
	char *real, *copy = NULL;
	struct stat st = { 0 };
	int fd, rc;

	*buf = NULL;
	*len = 0;
	tdx_ctx_note_trust(ctx, &(struct tdx_trust_refusal){ .fault = TDX_TRUST_FAULT_NONE });
	real = realpath(path, NULL);
	if (!real)
		return -errno;
	fd = file_open_regular(real, &st);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	rc = stat_trusted(ctx, real, false, &st);
	copy = rc ? NULL : strdup(real);
	if (!rc && !copy)
		rc = -ENOMEM;
	if (!rc)
		rc = stat(dirname(copy), &st) < 0 ? -errno : stat_trusted(ctx, real, true, &st);
	if (!rc) {
		struct stat fst;

		rc = fstat(fd, &fst) < 0 ? -errno : 0;
		if (!rc)
			rc = file_read_fd(fd, &fst, max, buf, len);
	}
	close(fd);
out:
	if (rc && rc != -EPERM)
		dbg(ctx, "%s: %s\n", path, strerror(-rc));
	free(copy);
	free(real);
	return rc;
}

/*
 * Read @path back in small pieces and compare it with @buf: proves what is on disk without a
 * second copy of the image in memory. -EIO on any difference, including the size.
 */
TDX_EXPORT
int tdx_file_compare(struct tdx_ctx *ctx, const char *path, const uint8_t *buf, size_t len)
{
	uint8_t chunk[65536];
	size_t off = 0;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0) {
			if (off != len)
				rc = -EIO;
			break;
		}
		if ((size_t)n > len - off || memcmp(chunk, buf + off, (size_t)n) != 0) {
			rc = -EIO;
			break;
		}
		off += (size_t)n;
	}
	close(fd);
	if (rc == -EIO)
		dbg(ctx, "%s differs from what was written\n", path);
	return rc;
}
