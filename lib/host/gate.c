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

#include "config.h"
#include "private.h"
#include "tdx-gate.h"

#define GATE_LOCK	"gate.lock"
#define GATE_CLOSED	"gate.closed"
#define GATE_BUILDS	"builds"
#define ENTRY_MAX_SIZE	4096
#define POLL_FIRST_MS	5u
#define POLL_MAX_MS	250u

struct tdx_gate {
	struct tdx_ctx *ctx;
	char *dir;
	int closed_fd;		/* >= 0 while this handle holds the gate closed */
};

const char *tdx_gate_state_name(enum tdx_gate_state state)
{
	switch (state) {
	case TDX_GATE_LIVE:	return "live";
	case TDX_GATE_STALE:	return "stale";
	case TDX_GATE_EXPIRED:	return "expired";
	}
	return "unknown";
}

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

const char *tdx_gate_dir(const char *override)
{
	const char *env;

	if (override && *override)
		return override;
	env = secure_getenv("TDXCTL_RUNDIR");
	return env && *env ? env : TDXCTL_RUNDIR;
}

int tdx_gate_new(struct tdx_ctx *ctx, const char *rundir, struct tdx_gate **gatep)
{
	struct tdx_gate *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	g->dir = strdup(tdx_gate_dir(rundir));
	if (!g->dir) {
		free(g);
		return -ENOMEM;
	}
	g->ctx = ctx;
	g->closed_fd = -1;
	*gatep = g;
	return 0;
}

void tdx_gate_free(struct tdx_gate *g)
{
	if (!g)
		return;
	tdx_gate_reopen(g);
	free(g->dir);
	free(g);
}

const char *tdx_gate_get_dir(const struct tdx_gate *g)
{
	return g->dir;
}

static void gate_path(const struct tdx_gate *g, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", g->dir, name);
}

static void entry_path(const struct tdx_gate *g, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/" GATE_BUILDS "/%s", g->dir, name);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The next poll interval: doubled, capped, and never past the deadline. */
static unsigned int poll_next(unsigned int *interval, uint64_t deadline)
{
	uint64_t now = now_ms();
	unsigned int ms = *interval;

	if (now >= deadline)
		return 0;
	if (ms > deadline - now)
		ms = (unsigned int)(deadline - now);
	*interval = *interval * 2 > POLL_MAX_MS ? POLL_MAX_MS : *interval * 2;
	return ms;
}

static int gate_mkdirs(struct tdx_gate *g)
{
	char path[PATH_MAX];

	if (mkdir(g->dir, 0755) < 0 && errno != EEXIST) {
		int rc = -errno;

		err(g->ctx, "cannot create %s: %s\n", g->dir, strerror(-rc));
		return rc;
	}
	gate_path(g, GATE_BUILDS, path, sizeof(path));
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		int rc = -errno;

		err(g->ctx, "cannot create %s: %s\n", path, strerror(-rc));
		return rc;
	}
	return 0;
}

/*
 * Take gate.lock exclusively and return its descriptor; closing it unlocks. Holders only ever
 * check and record, so the wait is short; a holder that dies releases it. With !@create a
 * missing file is -ENOENT (then nobody has ever closed the gate or recorded a build).
 */
static int gate_lock(struct tdx_gate *g, bool create)
{
	char path[PATH_MAX];
	int fd, rc;

	gate_path(g, GATE_LOCK, path, sizeof(path));
	fd = create ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)
		    : open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = -errno;
		if (rc != -ENOENT || create)
			err(g->ctx, "cannot open %s: %s\n", path, strerror(-rc));
		return rc;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			rc = -errno;
			err(g->ctx, "cannot lock %s: %s\n", path, strerror(-rc));
			close(fd);
			return rc;
		}
	}
	return fd;
}


/*
 * Is the process that recorded (@pid, @start) still there? A PID now used by another process
 * has another start time. Where /proc hides other users' processes, existence is all we know.
 */
static bool owner_alive(pid_t pid, unsigned long long start)
{
	unsigned long long now = 0;
	int rc;

	if (pid <= 0)
		return false;
	rc = tdx_proc_start_time(pid, &now);
	if (rc == 0)
		return now == start;
	if (rc == -ENOENT || rc == -ESRCH)
		return false;
	return kill(pid, 0) == 0 || errno == EPERM;
}

static enum tdx_gate_state entry_state(const struct tdx_gate_entry *e, time_t now)
{
	if (!owner_alive(e->pid, e->pid_start_time))
		return TDX_GATE_STALE;
	if (now >= e->expires)
		return TDX_GATE_EXPIRED;
	return TDX_GATE_LIVE;
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
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* Read and parse builds/@name: -ENOENT when absent, -EINVAL when it does not parse. */
static int entry_read(struct tdx_gate *g, const char *name, struct tdx_gate_entry *e)
{
	char path[PATH_MAX], buf[ENTRY_MAX_SIZE + 1];
	ssize_t n;
	int fd, rc;

	entry_path(g, name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	buf[n] = '\0';
	rc = entry_parse(buf, name, e);
	if (rc < 0)
		warn(g->ctx, "%s does not parse; ignored\n", path);
	return rc;
}

/* Write builds/NAME whole or not at all: a temporary file, renamed over it. */
static int entry_write(struct tdx_gate *g, const struct tdx_gate_entry *e)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	struct json_object *o = json_object_new_object();
	const char *text;
	size_t len;
	int fd, rc = 0;

	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "pid", json_object_new_int64(e->pid));
	json_object_object_add(o, "pid_start_time",
			       json_object_new_int64((int64_t)e->pid_start_time));
	json_object_object_add(o, "started", json_object_new_int64(e->started));
	json_object_object_add(o, "expires", json_object_new_int64(e->expires));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	len = strlen(text);

	snprintf(tmp, sizeof(tmp), "%s/" GATE_BUILDS "/.%s.XXXXXX", g->dir, e->name);
	entry_path(g, e->name, path, sizeof(path));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		err(g->ctx, "cannot create a file in %s/" GATE_BUILDS ": %s\n", g->dir,
		    strerror(-rc));
		goto out;
	}
	if (fchmod(fd, 0644) < 0 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		err(g->ctx, "cannot write %s: %s\n", path, strerror(-rc));
		unlink(tmp);
	}
out:
	json_object_put(o);
	return rc;
}

/*
 * Under gate.lock: is gate.closed locked by someone (not us through this handle)? The probe
 * takes a shared lock for an instant; only a closer's exclusive lock makes it fail.
 */
static int gate_probe_closed(struct tdx_gate *g, bool *closed, pid_t *closer)
{
	char path[PATH_MAX], text[64], *end;
	long pid;
	int rc;

	if (closer)
		*closer = 0;
	gate_path(g, GATE_CLOSED, path, sizeof(path));
	rc = tdx_flock_probe(path, closed, text, sizeof(text));
	if (rc == 0 && *closed && closer) {
		errno = 0;
		pid = strtol(text, &end, 10);
		if (!errno && end != text && pid > 0 && pid <= INT_MAX)
			*closer = (pid_t)pid;
	}
	return rc;
}

/* Under gate.lock and with the gate open: record @e unless a live build of another owns it. */
static int gate_record(struct tdx_gate *g, const struct tdx_gate_entry *e)
{
	struct tdx_gate_entry old;
	int rc;

	rc = entry_read(g, e->name, &old);
	if (rc == 0 && entry_state(&old, time(NULL)) == TDX_GATE_LIVE &&
	    (old.pid != e->pid || old.pid_start_time != e->pid_start_time)) {
		info(g->ctx, "build %s is in progress, owned by pid %d\n", e->name, (int)old.pid);
		return -EEXIST;
	}
	return entry_write(g, e);
}

int tdx_gate_begin(struct tdx_gate *g, const char *name, pid_t pid, unsigned int ttl_s,
		   unsigned int wait_ms, pid_t *closer_pid)
{
	uint64_t deadline = now_ms() + wait_ms;
	unsigned int interval = POLL_FIRST_MS;
	struct tdx_gate_entry e = { 0 };
	bool closed;
	int fd, rc;

	if (!tdx_gate_name_valid(name) || ttl_s > TDX_GATE_TTL_MAX)
		return -EINVAL;
	if (pid <= 0 || tdx_proc_start_time(pid, &e.pid_start_time) < 0)
		return -ESRCH;
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.pid = pid;
	rc = gate_mkdirs(g);
	if (rc < 0)
		return rc;
	for (;;) {
		fd = gate_lock(g, true);
		if (fd < 0)
			return fd;
		rc = gate_probe_closed(g, &closed, closer_pid);
		if (rc == 0 && !closed) {
			e.started = time(NULL);
			e.expires = e.started + (ttl_s ? ttl_s : TDX_GATE_TTL_DEFAULT);
			rc = gate_record(g, &e);
		}
		close(fd);
		if (rc < 0 || !closed)
			return rc;
		if (now_ms() >= deadline)
			return -EBUSY;
		sleep_ms(poll_next(&interval, deadline));
	}
}

int tdx_gate_end(struct tdx_gate *g, const char *name)
{
	char path[PATH_MAX];
	int fd, rc = 0;

	if (!tdx_gate_name_valid(name))
		return -EINVAL;
	fd = gate_lock(g, false);
	if (fd < 0)
		return fd;
	entry_path(g, name, path, sizeof(path));
	if (unlink(path) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tdx_gate_entry *)a)->name,
		      ((const struct tdx_gate_entry *)b)->name);
}

int tdx_gate_list(struct tdx_gate *g, struct tdx_gate_entry **entries, size_t *count)
{
	struct tdx_gate_entry *list = NULL, *grown;
	size_t n = 0, cap = 0;
	char path[PATH_MAX];
	struct dirent *d;
	time_t now;
	DIR *dir;
	int rc = 0;

	*entries = NULL;
	*count = 0;
	gate_path(g, GATE_BUILDS, path, sizeof(path));
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	now = time(NULL);
	while ((d = readdir(dir))) {
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
		if (entry_read(g, d->d_name, &list[n]) < 0)
			continue;	/* ended meanwhile, or not ours */
		list[n].state = entry_state(&list[n], now);
		n++;
	}
	closedir(dir);
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

int tdx_gate_query(struct tdx_gate *g, bool *closed, pid_t *closer_pid)
{
	int fd, rc;

	*closed = false;
	if (closer_pid)
		*closer_pid = 0;
	if (g->closed_fd >= 0) {
		*closed = true;
		if (closer_pid)
			*closer_pid = getpid();
		return 0;
	}
	fd = gate_lock(g, false);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	rc = gate_probe_closed(g, closed, closer_pid);
	close(fd);
	return rc;
}

/* Under gate.lock: lock gate.closed exclusively and keep it; the gate is closed from here on. */
static int gate_take_closed(struct tdx_gate *g)
{
	unsigned long long start = 0;
	char path[PATH_MAX], buf[64];
	int fd, rc, len;

	gate_path(g, GATE_CLOSED, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		rc = -errno;
		err(g->ctx, "cannot open %s: %s\n", path, strerror(-rc));
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
		dbg(g->ctx, "cannot record the closer in %s: %s\n", path, strerror(errno));
	g->closed_fd = fd;
	return 0;
}

/* The names of the entries in @state, "a (pid 1), b (pid 2)", for the report. */
static void entries_describe(FILE *f, const struct tdx_gate_entry *list, size_t n, bool live,
			     time_t now)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		const struct tdx_gate_entry *e = &list[i];

		if ((e->state == TDX_GATE_LIVE) != live)
			continue;
		fprintf(f, "%s%s ", first ? "" : ", ", e->name);
		if (e->state == TDX_GATE_LIVE)
			fprintf(f, "(pid %d)", (int)e->pid);
		else if (e->state == TDX_GATE_STALE)
			fprintf(f, "(stale: owner pid %d is gone)", (int)e->pid);
		else
			fprintf(f, "(expired %lld s ago)", (long long)(now - e->expires));
		first = false;
	}
}

static void close_report(struct tdx_gate *g, struct tdx_report *report,
			 const struct tdx_gate_entry *list, size_t n, size_t live,
			 unsigned int wait_ms)
{
	char *msg = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	FILE *f;

	if (!report)
		return;
	f = open_memstream(&msg, &len);
	if (!f)
		return;
	if (live) {
		fputs("TD builds in progress: ", f);
		entries_describe(f, list, n, true, now);
		fprintf(f, ", still after waiting %u.%03u s; an update now could corrupt their "
			"measurement; nothing was changed; retry later ('tdxctl build list' in %s)",
			wait_ms / 1000, wait_ms % 1000, g->dir);
	} else {
		fputs("no TD build in progress; the TD-build gate is closed", f);
		if (n) {
			fputs("; ignored: ", f);
			entries_describe(f, list, n, false, now);
		}
	}
	fclose(f);
	tdx_report_add(report, TDX_CHK_HOST_TD_BUILDS,
		       live ? TDX_CHECK_FAIL : n ? TDX_CHECK_WARN : TDX_CHECK_PASS, "%s",
		       msg ? msg : "");
	free(msg);
}

int tdx_gate_close(struct tdx_gate *g, unsigned int wait_ms, struct tdx_report *report)
{
	return tdx_gate_close_stop(g, wait_ms, NULL, report);
}

int tdx_gate_close_stop(struct tdx_gate *g, unsigned int wait_ms,
			const volatile sig_atomic_t *stop, struct tdx_report *report)
{
	uint64_t deadline = now_ms() + wait_ms;
	unsigned int interval = POLL_FIRST_MS;
	struct tdx_gate_entry *list = NULL;
	size_t n = 0, live;
	int fd, rc;

	if (g->closed_fd < 0) {
		rc = gate_mkdirs(g);
		if (rc < 0)
			return rc;
		fd = gate_lock(g, true);
		if (fd < 0)
			return fd;
		rc = gate_take_closed(g);
		close(fd);
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
		if (!live || now_ms() >= deadline)
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
	close_report(g, report, list, n, live, wait_ms);
	free(list);
	if (live) {
		tdx_gate_reopen(g);
		return -EBUSY;
	}
	return 0;
}

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
