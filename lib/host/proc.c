// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Who is still there: the start time of a process, which together with its PID names it
 * uniquely (a PID can be reused, a PID and start time cannot). The update lock and the TD-build
 * gate both record their owners this way, in a file whose flock says whether the owner holds it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
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
 * Is the flock on @name (in the verified folder @dirfd) held by any other open file? When it
 * is, the owner's record, the file's text, goes to @text (at most @size - 1 bytes,
 * NUL-terminated; empty if unreadable). A missing file is not held. The probe takes a shared
 * lock for an instant and drops it, so it never keeps a holder out.
 */
int tdx_flock_probe(struct tdx_ctx *ctx, int dirfd, const char *name, bool *held, char *text,
		    size_t size)
{
	ssize_t n;
	int fd, rc;

	*held = false;
	text[0] = '\0';
	rc = tdx_file_open_at(ctx, dirfd, name, O_RDONLY, 0, (gid_t)-1, &fd);
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
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

int tdx_proc_pidns(pid_t pid, uint64_t *ns)
{
	char path[64];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/pid");
	if (stat(path, &st) < 0)
		return -errno;
	*ns = (uint64_t)st.st_ino;
	return 0;
}

/* The last PID of the NSpid line of /proc/N/status: N as its own namespace numbers it. */
static pid_t proc_inner_pid(const char *dirname)
{
	char path[300], buf[2048], *line, *end;
	long last = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/status", dirname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	line = strstr(buf, "\nNSpid:");
	if (!line)
		return 0;
	line += strlen("\nNSpid:");
	for (;;) {
		long v;

		errno = 0;
		v = strtol(line, &end, 10);
		if (errno || end == line)
			break;
		last = v;
		line = end;
	}
	return last > 0 && last <= INT_MAX ? (pid_t)last : 0;
}

bool tdx_proc_alive_in_ns(uint64_t ns, pid_t pid, unsigned long long start)
{
	struct dirent *d;
	bool alive = false;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return false;
	while (!alive && (d = readdir(dir))) {
		unsigned long long st = 0;
		uint64_t their = 0;
		char *end;
		long v;

		errno = 0;
		v = strtol(d->d_name, &end, 10);
		if (errno || *end || v <= 0 || v > INT_MAX)
			continue;
		if (tdx_proc_pidns((pid_t)v, &their) < 0 || their != ns)
			continue;
		if (proc_inner_pid(d->d_name) != pid)
			continue;
		alive = tdx_proc_start_time((pid_t)v, &st) == 0 && st == start;
	}
	closedir(dir);
	return alive;
}
