// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The update lock: an exclusive flock(2) on private/update.lock in the run folder, taken without
 * blocking. flock rather than a PID file, so a crashed holder releases it by dying; the holder's
 * PID and start time are written into the file only so that `tdxctl status` can say who holds it.
 * It lives in root's 0700 folder (tdx_private_dir_open), never in the run folder itself: there
 * an older version left it 0644, and a user who opened it then keeps that handle (and could
 * hold its flock) whatever its mode became since; nobody but root can open anything in private/.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host-private.h"

#define LOCK_NAME	"update.lock"	/* in TDX_PRIVATE_DIR */

struct tdx_lock {
	int fd;
};

/* Decimal digits only, at most @max (sscanf's %d wraps "4294967297" to 1). Advances *s. */
static int parse_decimal(const char **s, unsigned long long max, unsigned long long *v)
{
	const char *p = *s;
	unsigned long long r = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (r > (max - d) / 10)
			return -ERANGE;
		r = r * 10 + d;
	}
	*s = p;
	*v = r;
	return 0;
}

TDX_EXPORT
int tdx_lock_owner_parse(const char *s, struct tdx_lock_owner *owner)
{
	unsigned long long pid, start;
	const char *p = s;

	if (parse_decimal(&p, INT_MAX, &pid) < 0 || pid == 0 || *p++ != ' ' ||
	    parse_decimal(&p, ULLONG_MAX, &start) < 0 || (*p && strcmp(p, "\n") != 0))
		return -EINVAL;
	owner->pid = (pid_t)pid;
	owner->starttime = start;
	owner->alive = false;
	return 0;
}


/* The holder's record, and whether that very process (PID and start time) still runs. */
static void lock_owner_from_text(const char *text, struct tdx_lock_owner *owner)
{
	unsigned long long start;

	memset(owner, 0, sizeof(*owner));
	if (tdx_lock_owner_parse(text, owner) < 0)
		return;
	owner->alive = tdx_proc_start_time(owner->pid, &start) == 0 && start == owner->starttime;
}

static void lock_read_owner(int fd, struct tdx_lock_owner *owner)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	lock_owner_from_text(buf, owner);
}

TDX_EXPORT
int tdx_lock_acquire(struct tdx_ctx *ctx, const char *dir, struct tdx_lock **lockp,
		     struct tdx_lock_owner *owner)
{
	unsigned long long start = 0;
	struct tdx_lock *lock;
	char buf[64];
	int dirfd, privfd, fd, rc, len;

	rc = tdx_rundir_open(ctx, dir, true, &dirfd);
	if (rc < 0)
		return rc;
	rc = tdx_private_dir_open(ctx, dirfd, true, &privfd);
	close(dirfd);
	if (rc < 0)
		return rc;
	/* Root's alone (0600, in a 0700 folder): nobody else can open it, nor hold its flock. */
	rc = tdx_file_open_at(ctx, privfd, LOCK_NAME, O_RDWR | O_CREAT, 0600, (gid_t)-1, &fd);
	close(privfd);
	if (rc < 0) {
		err(ctx, "cannot open %s/" TDX_LOCK_FILE ": %s\n", dir, strerror(-rc));
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		if (owner)
			lock_read_owner(fd, owner);
		close(fd);
		return rc == -EAGAIN ? -EWOULDBLOCK : rc;
	}
	lock = calloc(1, sizeof(*lock));
	if (!lock) {
		close(fd);
		return -ENOMEM;
	}
	lock->fd = fd;
	tdx_proc_start_time(getpid(), &start);
	len = snprintf(buf, sizeof(buf), "%d %llu\n", (int)getpid(), start);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len)
		dbg(ctx, "cannot record the owner in %s/" TDX_LOCK_FILE ": %s\n", dir,
		    strerror(errno));
	*lockp = lock;
	return 0;
}

/* The file stays: unlinking it would let a waiter lock a file nobody else can find. */
TDX_EXPORT
void tdx_lock_free(struct tdx_lock *lock)
{
	if (!lock)
		return;
	if (ftruncate(lock->fd, 0) < 0) {
		/* Harmless: the owner recorded is not alive any more, and status says so. */
	}
	close(lock->fd);
	free(lock);
}

TDX_EXPORT
int tdx_lock_query(struct tdx_ctx *ctx, const char *dir, bool *held, struct tdx_lock_owner *owner)
{
	char text[64];
	int dirfd, privfd, rc;

	memset(owner, 0, sizeof(*owner));
	*held = false;
	rc = tdx_rundir_open(ctx, dir, false, &dirfd);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	/* Not there: nobody ever took the lock in this run folder. Not ours to open: unknown. */
	rc = tdx_private_dir_open(ctx, dirfd, false, &privfd);
	close(dirfd);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	rc = tdx_flock_probe(ctx, privfd, LOCK_NAME, held, text, sizeof(text));
	close(privfd);
	if (rc < 0)
		dbg(ctx, "flock %s/" TDX_LOCK_FILE ": %s\n", dir, strerror(-rc));
	else if (*held)
		lock_owner_from_text(text, owner);
	return rc;
}
