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

#include "host-private.h"

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

/*
 * The last PID of the NSpid line of /proc/N/status: N as its own namespace numbers it. The whole
 * file is read, line by line: with hundreds of supplementary groups the Groups line alone is
 * kilobytes long, and a NSpid line not found would judge a live container build stale.
 */
static pid_t proc_inner_pid(const char *dirname)
{
	char path[300], *buf = NULL, *line, *end;
	size_t cap = 0;
	long last = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", dirname);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (getline(&buf, &cap, f) > 0) {
		if (strncmp(buf, "NSpid:", 6) != 0)
			continue;
		for (line = buf + 6;;) {
			long v;

			errno = 0;
			v = strtol(line, &end, 10);
			if (errno || end == line)
				break;
			last = v;
			line = end;
		}
		break;
	}
	free(buf);
	fclose(f);
	return last > 0 && last <= INT_MAX ? (pid_t)last : 0;
}

struct tdx_proc_row {
	pid_t pid;	/* in our namespace */
	uint64_t ns;	/* its PID namespace */
	pid_t inner;	/* its PID there: 0 not read yet, -1 unknown */
};

void tdx_proc_table_free(struct tdx_proc_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* One pass over /proc: each process and its namespace (a stat); NSpid is read when asked. */
static void proc_table_read(struct tdx_proc_table *t)
{
	struct tdx_proc_row *grown;
	size_t cap = 0;
	struct dirent *d;
	DIR *dir;

	t->read = true;
	dir = opendir("/proc");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		uint64_t ns = 0;
		char *end;
		long v;

		errno = 0;
		v = strtol(d->d_name, &end, 10);
		if (errno || *end || v <= 0 || v > INT_MAX || tdx_proc_pidns((pid_t)v, &ns) < 0)
			continue;
		if (t->n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = reallocarray(t->rows, cap, sizeof(*grown));
			if (!grown)
				break;
			t->rows = grown;
		}
		t->rows[t->n++] = (struct tdx_proc_row){ .pid = (pid_t)v, .ns = ns };
	}
	closedir(dir);
}

bool tdx_proc_alive_in_ns(struct tdx_proc_table *t, uint64_t ns, pid_t pid,
			  unsigned long long start)
{
	if (!t->read)
		proc_table_read(t);
	for (size_t i = 0; i < t->n; i++) {
		struct tdx_proc_row *r = &t->rows[i];
		unsigned long long st = 0;
		char name[16];

		if (r->ns != ns)
			continue;
		if (!r->inner) {
			snprintf(name, sizeof(name), "%d", (int)r->pid);
			r->inner = proc_inner_pid(name);
			if (!r->inner)
				r->inner = -1;
		}
		if (r->inner == pid)
			return tdx_proc_start_time(r->pid, &st) == 0 && st == start;
	}
	return false;
}
