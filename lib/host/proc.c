// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Who is still there: the start time of a process, which together with its PID names it
 * uniquely (a PID can be reused, a PID and start time cannot). The update lock and the TD-build
 * gate both record their owners this way, in a file whose flock says whether the owner holds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "private.h"

/*
 * Field 22 of /proc/PID/stat, counted after the command name, which may hold spaces; -ESRCH
 * for a process that has exited but is not reaped yet.
 */
int tdx_proc_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *end;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || !p[1] || !p[2])
		return -EINVAL;
	/* A zombie has exited: whatever it was building has ended. */
	if (p[2] == 'Z' || p[2] == 'X')
		return -ESRCH;
	/* The space before field N is the (N-2)th after the ')': skip to the one before 22. */
	for (int field = 3; field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	errno = 0;
	*start = strtoull(p + 1, &end, 10);
	return errno || end == p + 1 ? -EINVAL : 0;
}

/*
 * Is the flock on @path held (by any other open file)? When it is, the owner's record, the
 * file's text, goes to @text (at most @size - 1 bytes, NUL-terminated; empty if unreadable).
 * A missing file is not held. The probe takes a shared lock for an instant and drops it, so it
 * never keeps a holder out.
 */
int tdx_flock_probe(const char *path, bool *held, char *text, size_t size)
{
	ssize_t n;
	int fd, rc = 0;

	*held = false;
	text[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
	} else if (errno == EWOULDBLOCK) {
		*held = true;
		n = pread(fd, text, size - 1, 0);
		text[n > 0 ? n : 0] = '\0';
	} else {
		rc = -errno;
	}
	close(fd);
	return rc;
}
