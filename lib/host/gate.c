// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TD-build gate: VMM launchers record their TD builds, the updater closes the gate and
 * waits for them to end (tdx-gate.h describes the files). Two rules make it correct:
 *  - every step that checks the gate and records, or closes the gate and then reads, holds the
 *    exclusive flock on gate.lock, so no begin can slip between a close and its read of builds/;
 *  - the closed state is a flock on gate.closed held by the updater, never a flag in a file, so
 *    it ends when the updater ends, however it ends. The flock on gate.closed is only ever
 *    tested under gate.lock, so a test can never make a closer's non-blocking lock fail.
 * A closed gate.closed descriptor must not be inherited by a child that outlives the closer
 * (fork without exec): the flock belongs to the open file, not to the process.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "host-private.h"

#define GATE_LOCK	"gate.lock"
#define GATE_CLOSED	"gate.closed"
#define GATE_BUILDS	"builds"
#define ENTRY_MAX_SIZE	4096
#define POLL_FIRST_MS	5u
#define POLL_MAX_MS	250u

/* How long a check-and-record step may wait for gate.lock; its holders take milliseconds. */
#define GATE_LOCK_WAIT_MS	10000u
/* How far in the future a boot-time start may lie before the entry is not believed. */
#define START_SLACK_S		60

struct tdx_gate {
	struct tdx_ctx *ctx;
	char *dir;
	int closed_fd;		/* >= 0 while this handle holds the gate closed */
	const volatile sig_atomic_t *stop;	/* ends a wait for gate.lock; may be NULL */
};

TDX_EXPORT
const char *tdx_gate_state_name(enum tdx_gate_state state)
{
	switch (state) {
	case TDX_GATE_LIVE:	return "live";
	case TDX_GATE_STALE:	return "stale";
	case TDX_GATE_EXPIRED:	return "expired";
	}
	return "unknown";
}

TDX_EXPORT
bool tdx_gate_name_valid(const char *name)
{
	size_t len;

	if (!name || !*name || name[0] == '.')
		return false;
	len = strlen(name);
	if (len > TDX_GATE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._+@:-", c)))
			return false;
	}
	return true;
}

TDX_EXPORT
const char *tdx_gate_dir(struct tdx_ctx *ctx, const char *override)
{
	if (override && *override)
		return override;
	return tdx_ctx_get_path(ctx, TDX_CTX_RUN_DIR);
}

TDX_EXPORT
int tdx_gate_new(struct tdx_ctx *ctx, const char *rundir, struct tdx_gate **gatep)
{
	struct tdx_gate *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	g->dir = strdup(tdx_gate_dir(ctx, rundir));
	if (!g->dir) {
		free(g);
		return -ENOMEM;
	}
	g->ctx = ctx;
	g->closed_fd = -1;
	*gatep = g;
	return 0;
}

TDX_EXPORT
void tdx_gate_free(struct tdx_gate *g)
{
	if (!g)
		return;
	tdx_gate_reopen(g);
	free(g->dir);
	free(g);
}

TDX_EXPORT
const char *tdx_gate_get_dir(const struct tdx_gate *g)
{
	return g->dir;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The next poll interval: doubled, capped, and never past the deadline. */
static unsigned int poll_next(unsigned int *interval, uint64_t deadline)
{
	uint64_t now = tdx_monotonic_ns() / 1000000;
	unsigned int ms = *interval;

	if (now >= deadline)
		return 0;
	if (ms > deadline - now)
		ms = (unsigned int)(deadline - now);
	*interval = *interval * 2 > POLL_MAX_MS ? POLL_MAX_MS : *interval * 2;
	return ms;
}

/* The launcher group's modes when it exists; root's alone otherwise (tdxctl(8), TRUST MODEL). */
static void gate_modes(gid_t gid, mode_t *lock_mode, mode_t *closed_mode, mode_t *builds_mode)
{
	bool group = gid != (gid_t)-1;

	*lock_mode = group ? 0660 : 0600;
	*closed_mode = group ? 0640 : 0600;
	*builds_mode = group ? 03770 : 0755;
}

/* The verified run folder, created when @create. -ENOENT when missing and !@create. */
static int gate_dir_open(struct tdx_gate *g, bool create, int *dirfd)
{
	return tdx_rundir_open(g->ctx, g->dir, create, dirfd);
}

/* builds/ in the verified run folder, created when @create. */
static int gate_builds_open(struct tdx_gate *g, int dirfd, bool create, int *fd)
{
	mode_t lock_mode, closed_mode, builds_mode;
	gid_t gid = tdx_launcher_gid();

	gate_modes(gid, &lock_mode, &closed_mode, &builds_mode);
	return tdx_subdir_open(g->ctx, dirfd, GATE_BUILDS, create, builds_mode, gid, fd);
}

/*
 * Take gate.lock exclusively and return its descriptor; closing it unlocks. Holders only ever
 * check and record, so the wait is short; but anyone who can open the file can hold it, so the
 * wait has a deadline (-ETIMEDOUT) and the handle's stop flag ends it (-EINTR). With !@create a
 * missing file is -ENOENT (then nobody has ever closed the gate or recorded a build).
 */
static int gate_lock(struct tdx_gate *g, int dirfd, bool create)
{
	mode_t lock_mode, closed_mode, builds_mode;
	gid_t gid = tdx_launcher_gid();
	int fd, rc;

	gate_modes(gid, &lock_mode, &closed_mode, &builds_mode);
	rc = tdx_file_open_at(g->ctx, dirfd, GATE_LOCK, create ? O_RDWR | O_CREAT : O_RDONLY,
			      lock_mode, gid, &fd);
	if (rc < 0) {
		if (rc != -ENOENT || create)
			err(g->ctx, "cannot open %s/" GATE_LOCK ": %s\n", g->dir, strerror(-rc));
		return rc;
	}
	rc = tdx_flock_wait(fd, LOCK_EX, GATE_LOCK_WAIT_MS, g->stop);
	if (rc < 0) {
		if (rc == -ETIMEDOUT)
			err(g->ctx, "%s/" GATE_LOCK " stayed locked by another process for %u s; "
			    "nothing was changed\n", g->dir, GATE_LOCK_WAIT_MS / 1000);
		else if (rc != -EINTR)
			err(g->ctx, "cannot lock %s/" GATE_LOCK ": %s\n", g->dir, strerror(-rc));
		close(fd);
		return rc;
	}
	return fd;
}

/*
 * Is the process that recorded (@pid, @start) still there? A PID now used by another process
 * has another start time. Where /proc hides other users' processes (hidepid=1 answers EACCES,
 * hidepid=2 ENOENT, as for a process that is gone), kill(0) tells gone (ESRCH) from there but
 * not ours to signal (EPERM): then existence is all we know, and the build is taken as live.
 */
static bool owner_alive(const struct tdx_gate_entry *e, struct tdx_proc_table *procs)
{
	unsigned long long now = 0;
	uint64_t ns = 0;
	int rc;

	if (e->pid <= 0)
		return false;
	/* Recorded inside another PID namespace (a container): its PID means nothing here. */
	if (e->pidns && tdx_proc_pidns(0, &ns) == 0 && ns != e->pidns)
		return tdx_proc_alive_in_ns(procs, e->pidns, e->pid, e->pid_start_time);
	rc = tdx_proc_start_time(e->pid, &now);
	if (rc == 0)
		return now == e->pid_start_time;
	if (rc == -ESRCH)
		return false;
	return kill(e->pid, 0) == 0 || errno == EPERM;
}

/*
 * Judged on the boot-time clock when the entry has one (a wall-clock jump must not expire a
 * live build) and only within the boot that wrote it; an expiry is never believed beyond
 * TDX_GATE_TTL_MAX after the start, nor a start in the future, so no entry stays live for ever.
 */
static enum tdx_gate_state entry_state(const struct tdx_gate_entry *e, time_t now,
				       const char *boot_id, int64_t boot_now,
				       struct tdx_proc_table *procs)
{
	int64_t expires;

	if (e->boot_id[0] && boot_id && strcmp(e->boot_id, boot_id) != 0)
		return TDX_GATE_STALE;		/* recorded before this boot */
	if (!owner_alive(e, procs))
		return TDX_GATE_STALE;
	if (e->boot_id[0] && boot_id) {
		if (e->started_boot > boot_now + START_SLACK_S)
			return TDX_GATE_EXPIRED;
		expires = e->expires_boot;
		if (expires > e->started_boot + (int64_t)TDX_GATE_TTL_MAX)
			expires = e->started_boot + (int64_t)TDX_GATE_TTL_MAX;
		return boot_now >= expires ? TDX_GATE_EXPIRED : TDX_GATE_LIVE;
	}
	if (e->started > now + START_SLACK_S)
		return TDX_GATE_EXPIRED;
	expires = e->expires;
	if (expires > (int64_t)e->started + (int64_t)TDX_GATE_TTL_MAX)
		expires = (int64_t)e->started + (int64_t)TDX_GATE_TTL_MAX;
	return (int64_t)now >= expires ? TDX_GATE_EXPIRED : TDX_GATE_LIVE;
}

/* The clocks every entry of one listing is judged against. */
struct gate_now {
	time_t wall;
	int64_t boot;
	char boot_id[TDX_BOOT_ID_LEN + 1];
	bool have_boot_id;
	struct tdx_proc_table procs;	/* /proc, read once for the whole listing */
};

static void gate_now_read(struct gate_now *n)
{
	memset(&n->procs, 0, sizeof(n->procs));
	n->wall = time(NULL);
	n->boot = tdx_boottime_s();
	n->have_boot_id = tdx_boot_id(n->boot_id) == 0;
}

static enum tdx_gate_state entry_state_now(const struct tdx_gate_entry *e, struct gate_now *n)
{
	return entry_state(e, n->wall, n->have_boot_id ? n->boot_id : NULL, n->boot, &n->procs);
}

static int json_get_int64(struct json_object *o, const char *key, int64_t *v)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) || !json_object_is_type(f, json_type_int))
		return -EINVAL;
	*v = json_object_get_int64(f);
	return 0;
}

/* One builds/ file; its name must be the file's name, so a renamed file is not trusted. */
static int entry_parse(const char *text, const char *file_name, struct tdx_gate_entry *e)
{
	struct json_object *o = json_tokener_parse(text), *f;
	int64_t pid, start, started, expires;
	int rc = -EINVAL;

	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	if (!json_object_object_get_ex(o, "name", &f) || !json_object_is_type(f, json_type_string) ||
	    strcmp(json_object_get_string(f), file_name) != 0)
		goto out;
	if (json_get_int64(o, "pid", &pid) || json_get_int64(o, "pid_start_time", &start) ||
	    json_get_int64(o, "started", &started) || json_get_int64(o, "expires", &expires) ||
	    pid <= 0 || pid > INT_MAX || start < 0)
		goto out;
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", file_name);
	e->pid = (pid_t)pid;
	e->pid_start_time = (unsigned long long)start;
	e->started = (time_t)started;
	e->expires = (time_t)expires;
	/* Optional (older entries lack them): the boot, its clock, the owner's PID namespace. */
	if (json_object_object_get_ex(o, "boot_id", &f) && json_object_is_type(f, json_type_string) &&
	    strlen(json_object_get_string(f)) == TDX_BOOT_ID_LEN &&
	    json_get_int64(o, "started_boot", &started) == 0 &&
	    json_get_int64(o, "expires_boot", &expires) == 0) {
		memcpy(e->boot_id, json_object_get_string(f), TDX_BOOT_ID_LEN + 1);
		e->started_boot = started;
		e->expires_boot = expires;
	}
	if (json_get_int64(o, "pidns", &pid) == 0 && pid > 0)
		e->pidns = (uint64_t)pid;
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

/*
 * Read and parse builds/@name from the verified folder @bfd: -ENOENT when absent, -EINVAL when
 * it does not parse or is not a regular file (a FIFO there must not hang the updater).
 */
static int entry_read(struct tdx_gate *g, int bfd, const char *name, struct tdx_gate_entry *e)
{
	char buf[ENTRY_MAX_SIZE + 1];
	ssize_t n;
	int fd, rc;

	struct stat st;

	rc = tdx_file_open_at(g->ctx, bfd, name, O_RDONLY, 0, (gid_t)-1, &fd);
	if (rc < 0)
		return rc;
	/* An entry is a few hundred bytes: a larger one is not read (builds/ is others'). */
	if (fstat(fd, &st) == 0 && st.st_size > ENTRY_MAX_SIZE) {
		close(fd);
		warn(g->ctx, "%s/" GATE_BUILDS "/%s is %lld bytes, more than an entry's %u; "
		     "ignored\n", g->dir, name, (long long)st.st_size, ENTRY_MAX_SIZE);
		return -EFBIG;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	buf[n] = '\0';
	rc = entry_parse(buf, name, e);
	if (rc < 0)
		warn(g->ctx, "%s/" GATE_BUILDS "/%s does not parse; ignored\n", g->dir, name);
	return rc;
}

/* Write builds/NAME whole or not at all: a private temporary file, renamed over it. */
static int entry_write(struct tdx_gate *g, int bfd, const struct tdx_gate_entry *e)
{
	struct json_object *o = json_object_new_object();
	char tmp[TDX_GATE_NAME_MAX + 32];
	const char *text;
	size_t len;
	int fd, rc = 0;

	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "pid", json_object_new_int64(e->pid));
	json_object_object_add(o, "pid_start_time",
			       json_object_new_int64((int64_t)e->pid_start_time));
	json_object_object_add(o, "started", json_object_new_int64(e->started));
	json_object_object_add(o, "expires", json_object_new_int64(e->expires));
	if (e->boot_id[0]) {
		json_object_object_add(o, "boot_id", json_object_new_string(e->boot_id));
		json_object_object_add(o, "started_boot", json_object_new_int64(e->started_boot));
		json_object_object_add(o, "expires_boot", json_object_new_int64(e->expires_boot));
	}
	if (e->pidns)
		json_object_object_add(o, "pidns", json_object_new_int64((int64_t)e->pidns));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	len = strlen(text);

	rc = tdx_tmpfile_at(g->ctx, bfd, e->name, tmp, sizeof(tmp), &fd);
	if (rc < 0)
		goto out;
	if (fchmod(fd, 0644) < 0 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && renameat(bfd, tmp, bfd, e->name) < 0)
		rc = -errno;
	if (rc) {
		err(g->ctx, "cannot write %s/" GATE_BUILDS "/%s: %s\n", g->dir, e->name,
		    strerror(-rc));
		unlinkat(bfd, tmp, 0);
	}
out:
	json_object_put(o);
	return rc;
}

/*
 * Under gate.lock: is gate.closed locked by someone (not us through this handle)? The probe
 * takes a shared lock for an instant; only a closer's exclusive lock makes it fail.
 */
static int gate_probe_closed(struct tdx_gate *g, int dirfd, bool *closed, pid_t *closer)
{
	char text[64], *end;
	long pid;
	int rc;

	if (closer)
		*closer = 0;
	rc = tdx_flock_probe(g->ctx, dirfd, GATE_CLOSED, closed, text, sizeof(text));
	if (rc == 0 && *closed && closer) {
		errno = 0;
		pid = strtol(text, &end, 10);
		if (!errno && end != text && pid > 0 && pid <= INT_MAX)
			*closer = (pid_t)pid;
	}
	return rc;
}

/* Under gate.lock and with the gate open: record @e unless a live build of another owns it. */
static int gate_record(struct tdx_gate *g, int bfd, const struct tdx_gate_entry *e)
{
	struct tdx_gate_entry old;
	struct gate_now now;
	int rc;

	gate_now_read(&now);
	rc = entry_read(g, bfd, e->name, &old);
	if (rc == 0 && entry_state_now(&old, &now) == TDX_GATE_LIVE &&
	    (old.pid != e->pid || old.pid_start_time != e->pid_start_time)) {
		info(g->ctx, "build %s is in progress, owned by pid %d\n", e->name, (int)old.pid);
		tdx_proc_table_free(&now.procs);
		return -EEXIST;
	}
	tdx_proc_table_free(&now.procs);
	return entry_write(g, bfd, e);
}

TDX_EXPORT
int tdx_gate_begin(struct tdx_gate *g, const char *name, pid_t pid, unsigned int ttl_s,
		   unsigned int wait_ms, pid_t *closer_pid)
{
	uint64_t deadline = tdx_monotonic_ns() / 1000000 + wait_ms;
	unsigned int interval = POLL_FIRST_MS;
	struct tdx_gate_entry e = { 0 };
	int dirfd = -1, bfd = -1, fd, rc;
	bool closed = false;

	if (!tdx_gate_name_valid(name) || ttl_s > TDX_GATE_TTL_MAX)
		return -EINVAL;
	if (pid <= 0 || tdx_proc_start_time(pid, &e.pid_start_time) < 0)
		return -ESRCH;
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.pid = pid;
	/* The owner's PID namespace is ours (it is a PID we can see): a container's, maybe. */
	if (tdx_proc_pidns(0, &e.pidns) < 0)
		e.pidns = 0;
	if (tdx_boot_id(e.boot_id) < 0)
		e.boot_id[0] = '\0';
	rc = gate_dir_open(g, true, &dirfd);
	if (rc == 0)
		rc = gate_builds_open(g, dirfd, true, &bfd);
	for (; rc == 0;) {
		fd = gate_lock(g, dirfd, true);
		if (fd < 0) {
			rc = fd;
			break;
		}
		rc = gate_probe_closed(g, dirfd, &closed, closer_pid);
		if (rc == 0 && !closed) {
			e.started = time(NULL);
			e.expires = e.started + (ttl_s ? ttl_s : TDX_GATE_TTL_DEFAULT);
			e.started_boot = tdx_boottime_s();
			e.expires_boot = e.started_boot + (ttl_s ? ttl_s : TDX_GATE_TTL_DEFAULT);
			rc = gate_record(g, bfd, &e);
		}
		close(fd);
		if (rc < 0 || !closed)
			break;
		if (tdx_monotonic_ns() / 1000000 >= deadline) {
			rc = -EBUSY;
			break;
		}
		sleep_ms(poll_next(&interval, deadline));
	}
	if (bfd >= 0)
		close(bfd);
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}

TDX_EXPORT
int tdx_gate_end(struct tdx_gate *g, const char *name)
{
	int dirfd, bfd, fd, rc;

	if (!tdx_gate_name_valid(name))
		return -EINVAL;
	rc = gate_dir_open(g, false, &dirfd);
	if (rc < 0)
		return rc;
	fd = gate_lock(g, dirfd, false);
	if (fd < 0) {
		close(dirfd);
		return fd;
	}
	rc = gate_builds_open(g, dirfd, false, &bfd);
	if (rc == 0) {
		if (unlinkat(bfd, name, 0) < 0)
			rc = -errno;
		close(bfd);
	}
	close(fd);
	close(dirfd);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tdx_gate_entry *)a)->name,
		      ((const struct tdx_gate_entry *)b)->name);
}

TDX_EXPORT
int tdx_gate_list(struct tdx_gate *g, struct tdx_gate_entry **entries, size_t *count)
{
	struct tdx_gate_entry *list = NULL, *grown;
	int rootfd = -1, bfd = -1, rc;
	size_t n = 0, cap = 0;
	struct gate_now now;
	struct dirent *d;
	DIR *dir;

	*entries = NULL;
	*count = 0;
	rc = gate_dir_open(g, false, &rootfd);
	if (rc == 0)
		rc = gate_builds_open(g, rootfd, false, &bfd);
	if (rootfd >= 0)
		close(rootfd);
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	dir = fdopendir(bfd);
	if (!dir) {
		rc = -errno;
		close(bfd);
		return rc;
	}
	gate_now_read(&now);
	while ((d = readdir(dir))) {
		struct stat st;

		/*
		 * The size bound, kept by root: builds/ is on tmpfs (memory) and its members'
		 * to write, so a file larger than any entry, whatever its name, is removed.
		 */
		if (geteuid() == 0 &&
		    fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_size > ENTRY_MAX_SIZE &&
		    unlinkat(dirfd(dir), d->d_name, 0) == 0) {
			warn(g->ctx, "%s/" GATE_BUILDS "/%s was %lld bytes (uid %u), more than an "
			     "entry's %u: removed\n", g->dir, d->d_name, (long long)st.st_size,
			     (unsigned int)st.st_uid, ENTRY_MAX_SIZE);
			continue;
		}
		if (!tdx_gate_name_valid(d->d_name))
			continue;	/* ".", "..", our temporary files, foreign files */
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = reallocarray(list, cap, sizeof(*list));
			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			list = grown;
		}
		if (entry_read(g, dirfd(dir), d->d_name, &list[n]) < 0)
			continue;	/* ended meanwhile, not ours, or not a regular file */
		list[n].state = entry_state_now(&list[n], &now);
		n++;
	}
	closedir(dir);
	tdx_proc_table_free(&now.procs);
	if (rc < 0) {
		free(list);
		return rc;
	}
	if (n)
		qsort(list, n, sizeof(*list), entry_cmp);
	*entries = list;
	*count = n;
	return 0;
}

TDX_EXPORT
int tdx_gate_query(struct tdx_gate *g, bool *closed, pid_t *closer_pid)
{
	int dirfd, fd, rc;

	*closed = false;
	if (closer_pid)
		*closer_pid = 0;
	if (g->closed_fd >= 0) {
		*closed = true;
		if (closer_pid)
			*closer_pid = getpid();
		return 0;
	}
	rc = gate_dir_open(g, false, &dirfd);
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	fd = gate_lock(g, dirfd, false);
	if (fd < 0) {
		close(dirfd);
		return fd == -ENOENT ? 0 : fd;
	}
	rc = gate_probe_closed(g, dirfd, closed, closer_pid);
	close(fd);
	close(dirfd);
	return rc;
}

/* Under gate.lock: lock gate.closed exclusively and keep it; the gate is closed from here on. */
static int gate_take_closed(struct tdx_gate *g, int dirfd)
{
	mode_t lock_mode, closed_mode, builds_mode;
	unsigned long long start = 0;
	gid_t gid = tdx_launcher_gid();
	char buf[64];
	int fd, rc, len;

	gate_modes(gid, &lock_mode, &closed_mode, &builds_mode);
	rc = tdx_file_open_at(g->ctx, dirfd, GATE_CLOSED, O_RDWR | O_CREAT, closed_mode, gid, &fd);
	if (rc < 0) {
		err(g->ctx, "cannot open %s/" GATE_CLOSED ": %s\n", g->dir, strerror(-rc));
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EALREADY : -errno;
		close(fd);
		return rc;
	}
	/* Who closed it, for 'tdxctl build list' and status; the flock is what counts. */
	tdx_proc_start_time(getpid(), &start);
	len = snprintf(buf, sizeof(buf), "%d %llu\n", (int)getpid(), start);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len)
		dbg(g->ctx, "cannot record the closer in %s/" GATE_CLOSED ": %s\n", g->dir,
		    strerror(errno));
	g->closed_fd = fd;
	return 0;
}

TDX_EXPORT
int tdx_gate_close(struct tdx_gate *g, unsigned int wait_ms)
{
	return tdx_gate_close_stop(g, wait_ms, NULL);
}

TDX_EXPORT
int tdx_gate_close_stop(struct tdx_gate *g, unsigned int wait_ms,
			const volatile sig_atomic_t *stop)
{
	uint64_t deadline = tdx_monotonic_ns() / 1000000 + wait_ms;
	unsigned int interval = POLL_FIRST_MS;
	struct tdx_gate_entry *list = NULL;
	int dirfd, bfd, fd, rc;
	size_t n = 0, live;

	g->stop = stop;
	if (g->closed_fd < 0) {
		rc = gate_dir_open(g, true, &dirfd);
		if (rc < 0)
			return rc;
		rc = gate_builds_open(g, dirfd, true, &bfd);
		if (rc == 0)
			close(bfd);
		fd = rc < 0 ? rc : gate_lock(g, dirfd, true);
		if (fd < 0) {
			close(dirfd);
			return fd;
		}
		rc = gate_take_closed(g, dirfd);
		close(fd);
		close(dirfd);
		if (rc < 0)
			return rc;
	}
	/* From here no begin can record; the builds can only end. */
	for (;;) {
		rc = tdx_gate_list(g, &list, &n);
		if (rc < 0) {
			tdx_gate_reopen(g);
			return rc;
		}
		live = 0;
		for (size_t i = 0; i < n; i++)
			live += list[i].state == TDX_GATE_LIVE;
		if (!live || tdx_monotonic_ns() / 1000000 >= deadline)
			break;
		if (stop && *stop) {
			/* Asked to stop while builds remain: reopen, as for any failure. */
			free(list);
			tdx_gate_reopen(g);
			return -EINTR;
		}
		free(list);
		list = NULL;
		sleep_ms(poll_next(&interval, deadline));
	}
	free(list);
	if (live) {
		tdx_gate_reopen(g);
		return -EBUSY;
	}
	return 0;
}

TDX_EXPORT
void tdx_gate_reopen(struct tdx_gate *g)
{
	if (!g || g->closed_fd < 0)
		return;
	if (ftruncate(g->closed_fd, 0) < 0) {
		/* Harmless: without the flock the file's content means nothing. */
	}
	close(g->closed_fd);
	g->closed_fd = -1;
}
