// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TD-build gate: VMM launchers record their TD builds, the updater closes the gate and
 * waits for them to end (tdx-gate.h describes the files and the protocol). Three rules make it
 * correct on a host root shares with the launcher group:
 *  - nothing root waits on can be held by anyone else: root's one lock (gate.lock) is in its
 *    0700 folder, members take no lock at all, and root never locks a file in builds/;
 *  - each side writes its own record, then reads the other's (a begin: its entry, then
 *    gate.closed; a close: gate.closed, then builds/), so no begin slips past a close unseen;
 *  - the closer waits only for the builds it saw when it closed, each judged as it was then,
 *    so an entry written or rewritten later extends nothing, and a member's build holds an
 *    update at most TDX_GATE_TTL_MEMBER_MAX.
 * The decisions (an entry's state, whether a record closes the gate) are rules of the pure
 * layer (lib/rules/gate.c: tdx_gate_entry_judge, tdx_gate_closed_judge); this reads the facts
 * they take and acts.
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
#include "rules-private.h"

#define GATE_LOCK	"gate.lock"	/* in TDX_PRIVATE_DIR */
#define GATE_CLOSED	"gate.closed"
#define GATE_BUILDS	"builds"
#define ENTRY_MAX_SIZE	4096
#define RECORD_MAX_SIZE	256
#define POLL_FIRST_MS	5u
#define POLL_MAX_MS	250u

struct tdx_gate {
	struct tdx_ctx *ctx;
	char *dir;
	/* While this handle holds the gate closed: */
	bool closed;
	int dir_fd;		/* the run folder, to remove gate.closed when it reopens */
	int lock_fd;		/* private/gate.lock, flocked */
	struct tdx_gate_entry *snap;	/* the builds recorded when it closed */
	size_t n_snap;
	const volatile sig_atomic_t *stop;	/* ends a wait; may be NULL */
};

TDX_EXPORT
const char *tdx_gate_state_name(enum tdx_gate_state state)
{
	switch (state) {
	case TDX_GATE_LIVE:	return "live";
	case TDX_GATE_STALE:	return "stale";
	case TDX_GATE_EXPIRED:	return "expired";
	case TDX_GATE_LATE:	return "late";
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
	g->dir_fd = -1;
	g->lock_fd = -1;
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

TDX_EXPORT
void tdx_gate_set_stop(struct tdx_gate *g, const volatile sig_atomic_t *stop)
{
	g->stop = stop;
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
static void gate_modes(gid_t gid, mode_t *closed_mode, mode_t *builds_mode)
{
	bool group = gid != (gid_t)-1;

	*closed_mode = group ? 0640 : 0600;
	*builds_mode = group ? 03770 : 0755;
}

/* The verified run folder, created when @create; its owner (root: whose builds count longer). */
static int gate_dir_open(struct tdx_gate *g, bool create, int *dirfd, uid_t *owner)
{
	struct stat st;
	int rc = tdx_rundir_open(g->ctx, g->dir, create, dirfd);

	if (rc == 0 && owner)
		*owner = fstat(*dirfd, &st) == 0 ? st.st_uid : 0;
	return rc;
}

/* builds/ in the verified run folder, created when @create. */
static int gate_builds_open(struct tdx_gate *g, int dirfd, bool create, int *fd)
{
	mode_t closed_mode, builds_mode;
	gid_t gid = tdx_launcher_gid();

	gate_modes(gid, &closed_mode, &builds_mode);
	return tdx_subdir_open(g->ctx, dirfd, GATE_BUILDS, create, builds_mode, gid, fd);
}

TDX_EXPORT
bool tdx_gate_owner_allowed(pid_t pid)
{
	if (pid <= 0) {
		errno = ESRCH;
		return false;
	}
	/* Root may signal anyone; anyone else only their own processes (or with CAP_KILL). */
	return kill(pid, 0) == 0;
}

/* The longest TTL for a build recorded by @uid in a run folder owned by @dir_owner. Pure. */
static unsigned int ttl_max_for(uid_t uid, uid_t dir_owner)
{
	return uid == dir_owner ? TDX_GATE_TTL_MAX : TDX_GATE_TTL_MEMBER_MAX;
}

TDX_EXPORT
unsigned int tdx_gate_ttl_max(struct tdx_gate *g)
{
	struct stat st;

	if (stat(g->dir, &st) == 0)
		return ttl_max_for(geteuid(), st.st_uid);
	return ttl_max_for(geteuid(), 0);
}

/* ---- facts: the clocks, the owner's and the closer's processes ----------------------------- */

/* What every entry of one listing is judged against. */
struct gate_now {
	time_t wall;
	int64_t boot;
	char boot_id[TDX_BOOT_ID_LEN + 1];
	bool have_boot_id;
	uint64_t pidns;		/* ours, 0 when unknown */
	uid_t dir_owner;
	struct tdx_proc_table procs;	/* /proc, read once for the whole listing */
};

static void gate_now_read(struct gate_now *n, uid_t dir_owner)
{
	memset(n, 0, sizeof(*n));
	n->wall = time(NULL);
	n->boot = tdx_boottime_s();
	n->have_boot_id = tdx_boot_id(n->boot_id) == 0;
	if (tdx_proc_pidns(0, &n->pidns) < 0)
		n->pidns = 0;
	n->dir_owner = dir_owner;
}

/*
 * Is the process that recorded (@pid, @start) still there? A PID now used by another process
 * has another start time. Where /proc hides other users' processes (hidepid=1 answers EACCES,
 * hidepid=2 ENOENT, as for a process that is gone), kill(0) tells gone (ESRCH) from there but
 * not ours to signal (EPERM): then existence is all we know, and the build is taken as live.
 */
static bool owner_alive(const struct tdx_gate_entry *e, struct gate_now *n)
{
	unsigned long long now = 0;
	int rc;

	if (e->pid <= 0)
		return false;
	/* Recorded inside another PID namespace (a container): its PID means nothing here. */
	if (e->pidns && n->pidns && n->pidns != e->pidns)
		return tdx_proc_alive_in_ns(&n->procs, e->pidns, e->pid, e->pid_start_time);
	rc = tdx_proc_start_time(e->pid, &now);
	if (rc == 0)
		return now == e->pid_start_time;
	if (rc == -ESRCH)
		return false;
	return kill(e->pid, 0) == 0 || errno == EPERM;
}

/* Judge @e now: its state, hold and age. */
static void entry_judge_now(struct tdx_gate_entry *e, struct gate_now *n)
{
	struct tdx_gate_entry_facts f = { 0 };

	f.other_boot = e->boot_id[0] && n->have_boot_id && strcmp(e->boot_id, n->boot_id) != 0;
	f.owner_alive = !f.other_boot && owner_alive(e, n);
	f.boot_clock = e->boot_id[0] && n->have_boot_id;
	f.now = f.boot_clock ? n->boot : (int64_t)n->wall;
	f.ttl_max = ttl_max_for(e->uid, n->dir_owner);
	e->member = e->uid != n->dir_owner;
	e->state = tdx_gate_entry_judge(e, &f, &e->hold_s, &e->age_s);
}

/* ---- the entries in builds/ ---------------------------------------------------------------- */

static int json_get_int64(struct json_object *o, const char *key, int64_t *v)
{
	struct json_object *f;

	if (!json_object_object_get_ex(o, key, &f) || !json_object_is_type(f, json_type_int))
		return -EINVAL;
	*v = json_object_get_int64(f);
	return 0;
}

/* One builds/ file. Its file name is not its name: entries are keyed by recorder and name. */
static int entry_parse(const char *text, struct tdx_gate_entry *e)
{
	struct json_object *o = json_tokener_parse(text), *f;
	int64_t pid, start, started, expires;
	int rc = -EINVAL;

	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	if (!json_object_object_get_ex(o, "name", &f) || !json_object_is_type(f, json_type_string) ||
	    !tdx_gate_name_valid(json_object_get_string(f)))
		goto out;
	if (json_get_int64(o, "pid", &pid) || json_get_int64(o, "pid_start_time", &start) ||
	    json_get_int64(o, "started", &started) || json_get_int64(o, "expires", &expires) ||
	    pid <= 0 || pid > INT_MAX || start < 0)
		goto out;
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", json_object_get_string(f));
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
 * Read @sub/@file from the verified folder @bfd into @buf (NUL-terminated), with its stat:
 * -ENOENT when absent, -EINVAL when not a regular file (a FIFO there must not hang the
 * updater), -EFBIG when larger than any entry.
 */
static int record_file_read(struct tdx_gate *g, int bfd, const char *sub, const char *file,
			    char buf[ENTRY_MAX_SIZE + 1], struct stat *st)
{
	ssize_t n;
	int fd, rc;

	rc = tdx_file_open_at(g->ctx, bfd, file, O_RDONLY, 0, (gid_t)-1, &fd);
	if (rc < 0)
		return rc;
	if (fstat(fd, st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	/* An entry is a few hundred bytes: a larger one is not read (the folder is others'). */
	if (st->st_size > ENTRY_MAX_SIZE) {
		close(fd);
		warn(g->ctx, "%s/%s/%s is %lld bytes, more than an entry's %u; ignored\n", g->dir,
		     sub, file, (long long)st->st_size, ENTRY_MAX_SIZE);
		return -EFBIG;
	}
	n = read(fd, buf, ENTRY_MAX_SIZE);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	buf[n] = '\0';
	return 0;
}

/*
 * Read and parse @sub/@file (builds/ or launches/) from the verified folder @bfd, with its
 * recorder (the file's owner) and inode: record_file_read()'s errors, -EINVAL when it does
 * not parse. The text is left in @text when not NULL.
 */
static int entry_read_in(struct tdx_gate *g, int bfd, const char *sub, const char *file,
			 struct tdx_gate_entry *e, char *text)
{
	char buf[ENTRY_MAX_SIZE + 1];
	struct stat st;
	int rc;

	rc = record_file_read(g, bfd, sub, file, buf, &st);
	if (rc < 0)
		return rc;
	rc = entry_parse(buf, e);
	if (rc < 0) {
		warn(g->ctx, "%s/%s/%s does not parse; ignored\n", g->dir, sub, file);
		return rc;
	}
	e->uid = st.st_uid;
	e->ino = (uint64_t)st.st_ino;
	snprintf(e->file, sizeof(e->file), "%s", file);
	if (text)
		memcpy(text, buf, sizeof(buf));
	return 0;
}

/* builds/@file: entry_read_in() for a build. */
static int entry_read(struct tdx_gate *g, int bfd, const char *file, struct tdx_gate_entry *e)
{
	return entry_read_in(g, bfd, GATE_BUILDS, file, e, NULL);
}

/*
 * Write @e whole under a new file name of its own, "UID.NAME.RANDOM" (a private temporary
 * file, renamed without replacing anything): no other user can take that name first, and a
 * refresh never overwrites the entry it refreshes. Its file name in @e->file.
 */
static int entry_write_in(struct tdx_gate *g, int bfd, const char *sub, struct tdx_gate_entry *e,
			  void (*extra)(struct json_object *o, const void *arg), const void *arg)
{
	struct json_object *o = json_object_new_object();
	char tmp[sizeof(e->file)], prefix[TDX_GATE_NAME_MAX + 16];
	const char *text;
	size_t len;
	int fd, rc = 0;

	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "uid", json_object_new_int64((int64_t)geteuid()));
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
	if (extra)
		extra(o, arg);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	len = strlen(text);

	snprintf(prefix, sizeof(prefix), "%u.%s", (unsigned int)geteuid(), e->name);
	rc = tdx_tmpfile_at(g->ctx, bfd, prefix, tmp, sizeof(tmp), &fd);
	if (rc < 0)
		goto out;
	if (fchmod(fd, 0644) < 0 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	/* ".UID.NAME.RANDOM" becomes "UID.NAME.RANDOM". */
	if (!rc && renameat2(bfd, tmp, bfd, tmp + 1, RENAME_NOREPLACE) < 0)
		rc = -errno;
	if (rc) {
		err(g->ctx, "cannot write %s/%s/%s: %s\n", g->dir, sub, tmp + 1, strerror(-rc));
		unlinkat(bfd, tmp, 0);
	} else {
		snprintf(e->file, sizeof(e->file), "%s", tmp + 1);
	}
out:
	json_object_put(o);
	return rc;
}

/* builds/: entry_write_in() for a build. */
static int entry_write(struct tdx_gate *g, int bfd, struct tdx_gate_entry *e)
{
	return entry_write_in(g, bfd, GATE_BUILDS, e, NULL, NULL);
}

/*
 * Call @fn on each entry in builds/ (@bfd; not consumed) recorded by @uid ((uid_t)-1: anyone)
 * under @name (NULL: any); the owner is checked before the file is read. Returns the number
 * of entries @fn returned true for, or a negative errno.
 */
static int entries_each(struct tdx_gate *g, int bfd, uid_t uid, const char *name,
			bool (*fn)(struct tdx_gate *g, int bfd, struct tdx_gate_entry *e, void *arg),
			void *arg)
{
	struct tdx_gate_entry e;
	struct dirent *d;
	int fd, count = 0;
	DIR *dir;

	fd = openat(bfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((d = readdir(dir))) {
		struct stat st;

		if (d->d_name[0] == '.')
			continue;	/* ".", "..", temporary files */
		if (uid != (uid_t)-1 &&
		    (fstatat(bfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_uid != uid))
			continue;
		if (entry_read(g, bfd, d->d_name, &e) < 0)
			continue;
		if (name && strcmp(e.name, name) != 0)
			continue;
		count += fn(g, bfd, &e, arg);
	}
	closedir(dir);
	return count;
}

static bool entry_unlink(struct tdx_gate *g, int bfd, struct tdx_gate_entry *e, void *arg)
{
	const char *keep = arg;

	if (keep && strcmp(e->file, keep) == 0)
		return false;
	if (unlinkat(bfd, e->file, 0) < 0) {
		dbg(g->ctx, "cannot remove %s/" GATE_BUILDS "/%s: %s\n", g->dir, e->file,
		    strerror(errno));
		return false;
	}
	return true;
}

/* The facts for begin's one check: does the caller have this name live under another owner? */
struct mine_check {
	const struct tdx_gate_entry *new;
	struct gate_now *now;
	pid_t other;
};

static bool entry_other_owner(struct tdx_gate *g, int bfd, struct tdx_gate_entry *e, void *arg)
{
	struct mine_check *c = arg;

	(void)g;
	(void)bfd;
	entry_judge_now(e, c->now);
	if (e->state != TDX_GATE_LIVE ||
	    (e->pid == c->new->pid && e->pid_start_time == c->new->pid_start_time))
		return false;
	c->other = e->pid;
	return true;
}

/* ---- gate.closed: root's record ------------------------------------------------------------- */

struct closer_record {
	pid_t pid;
	unsigned long long start;
	uint64_t pidns;		/* 0: not recorded (an older version's record) */
	char boot_id[TDX_BOOT_ID_LEN + 1];	/* empty: not recorded */
	int64_t since_boot;
};

/* The next space-separated decimal field of *@s, at most @max; advances *@s past it. */
static int field_u64(const char **s, unsigned long long max, unsigned long long *v)
{
	const char *p = *s;
	char *end;

	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(p, &end, 10);
	if (errno || *v > max)
		return -EINVAL;
	*s = end;
	return 0;
}

/* "PID START [PIDNS BOOT_ID SINCE_BOOT]\n"; older versions wrote the first two only. */
static int record_parse(const char *text, struct closer_record *r)
{
	unsigned long long pid, ns, since;
	const char *p = text;
	size_t len;

	memset(r, 0, sizeof(*r));
	if (field_u64(&p, INT_MAX, &pid) < 0 || pid == 0 || field_u64(&p, ULLONG_MAX, &r->start))
		return -EINVAL;
	r->pid = (pid_t)pid;
	if (*p == '\n' || *p == '\0')
		return 0;
	if (field_u64(&p, ULLONG_MAX, &ns) < 0 || *p++ != ' ')
		return -EINVAL;
	len = strcspn(p, " ");
	if (len != TDX_BOOT_ID_LEN)
		return -EINVAL;
	memcpy(r->boot_id, p, len);
	r->boot_id[len] = '\0';
	p += len;
	if (field_u64(&p, INT64_MAX, &since) < 0 || (*p != '\n' && *p != '\0'))
		return -EINVAL;
	r->pidns = ns;
	r->since_boot = (int64_t)since;
	return 0;
}

/* Can we see the closer, and is it the process that wrote the record? */
static enum tdx_gate_closer closer_look(const struct closer_record *r, struct gate_now *n)
{
	unsigned long long start = 0;
	int rc;

	if (r->pidns && n->pidns && r->pidns != n->pidns)
		return tdx_proc_alive_in_ns(&n->procs, r->pidns, r->pid, r->start) ?
		       TDX_GATE_CLOSER_ALIVE : TDX_GATE_CLOSER_UNSEEN;
	rc = tdx_proc_start_time(r->pid, &start);
	if (rc == 0)
		return start == r->start ? TDX_GATE_CLOSER_ALIVE : TDX_GATE_CLOSER_GONE;
	if (rc == -ESRCH)
		return TDX_GATE_CLOSER_GONE;
	/* Hidden (hidepid=): there or not is all we can tell. */
	return kill(r->pid, 0) == 0 || errno == EPERM ? TDX_GATE_CLOSER_ALIVE :
							TDX_GATE_CLOSER_GONE;
}

/*
 * The run folder's owner (root) removes a record whose closer is gone, so that a launcher that
 * cannot see the closer (in a container) is not kept out for good. Only while no closer holds
 * private/gate.lock: a new closer's record is never removed.
 */
static void record_remove_dead(struct tdx_gate *g, int dirfd)
{
	int privfd, fd;

	if (tdx_private_dir_open(g->ctx, dirfd, true, &privfd) < 0)
		return;
	if (tdx_file_open_at(g->ctx, privfd, GATE_LOCK, O_RDWR | O_CREAT, 0600, (gid_t)-1,
			     &fd) == 0) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dirfd, GATE_CLOSED, 0) == 0)
			info(g->ctx, "removed %s/" GATE_CLOSED ": its closer is gone\n", g->dir);
		close(fd);
	}
	close(privfd);
}

/*
 * Read gate.closed in the verified run folder: closed, by whom, since when (-1: unknown).
 * Never locks it: it is root's to write and others' to read.
 */
static int closed_read(struct tdx_gate *g, int dirfd, uid_t dir_owner, bool *closed,
		       pid_t *closer, int64_t *since_s)
{
	struct closer_record r;
	char text[RECORD_MAX_SIZE + 1];
	enum tdx_gate_closer seen = TDX_GATE_CLOSER_GONE;
	bool parses, other_boot = false;
	struct gate_now now;
	ssize_t n;
	int fd, rc;

	*closed = false;
	if (closer)
		*closer = 0;
	if (since_s)
		*since_s = -1;
	rc = tdx_file_open_at(g->ctx, dirfd, GATE_CLOSED, O_RDONLY, 0, (gid_t)-1, &fd);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	n = pread(fd, text, RECORD_MAX_SIZE, 0);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0 || n < 0)
		return rc;
	text[n] = '\0';
	if (n == 0)
		return 0;	/* an older version's open gate */
	gate_now_read(&now, dir_owner);
	parses = record_parse(text, &r) == 0;
	if (parses) {
		other_boot = r.boot_id[0] && now.have_boot_id &&
			     strcmp(r.boot_id, now.boot_id) != 0;
		if (!other_boot)
			seen = closer_look(&r, &now);
	}
	tdx_proc_table_free(&now.procs);
	*closed = tdx_gate_closed_judge(true, parses, other_boot, seen);
	if (*closed && parses && closer)
		*closer = r.pid;
	if (*closed && parses && r.boot_id[0] && since_s)
		*since_s = now.boot > r.since_boot ? now.boot - r.since_boot : 0;
	if (!*closed && geteuid() == dir_owner)
		record_remove_dead(g, dirfd);
	return 0;
}

/* Write gate.closed whole: this process closes the gate from now on. */
static int closed_write(struct tdx_gate *g, int dirfd)
{
	mode_t closed_mode, builds_mode;
	gid_t gid = tdx_launcher_gid();
	unsigned long long start = 0;
	char tmp[64], buf[RECORD_MAX_SIZE], boot_id[TDX_BOOT_ID_LEN + 1] = "";
	uint64_t ns = 0;
	int fd, rc = 0, len;

	gate_modes(gid, &closed_mode, &builds_mode);
	tdx_proc_start_time(getpid(), &start);
	tdx_proc_pidns(0, &ns);
	if (tdx_boot_id(boot_id) < 0)
		snprintf(boot_id, sizeof(boot_id), "%s", "00000000-0000-0000-0000-000000000000");
	len = snprintf(buf, sizeof(buf), "%d %llu %llu %s %lld\n", (int)getpid(), start,
		       (unsigned long long)ns, boot_id, (long long)tdx_boottime_s());
	rc = tdx_tmpfile_at(g->ctx, dirfd, GATE_CLOSED, tmp, sizeof(tmp), &fd);
	if (rc < 0)
		return rc;
	if ((gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) < 0) || fchmod(fd, closed_mode) < 0 ||
	    write(fd, buf, (size_t)len) != len)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && renameat(dirfd, tmp, dirfd, GATE_CLOSED) < 0)
		rc = -errno;
	if (rc) {
		err(g->ctx, "cannot write %s/" GATE_CLOSED ": %s\n", g->dir, strerror(-rc));
		unlinkat(dirfd, tmp, 0);
	}
	return rc;
}

/* ---- begin, end, list ------------------------------------------------------------------------ */

/*
 * With the gate open: write @e, then read gate.closed again; closed meanwhile, the entry is
 * taken back (*@closed set), else the caller's older entries of that name go (a refresh).
 */
static int gate_record(struct tdx_gate *g, int dirfd, int bfd, uid_t dir_owner,
		       struct tdx_gate_entry *e, bool *closed, pid_t *closer)
{
	struct mine_check check = { .new = e };
	struct gate_now now;
	int rc;

	gate_now_read(&now, dir_owner);
	check.now = &now;
	rc = entries_each(g, bfd, geteuid(), e->name, entry_other_owner, &check);
	tdx_proc_table_free(&now.procs);
	if (rc > 0) {
		info(g->ctx, "build %s is in progress, owned by pid %d\n", e->name, (int)check.other);
		return -EEXIST;
	}
	if (rc < 0)
		return rc;
	rc = entry_write(g, bfd, e);
	if (rc < 0)
		return rc;
	rc = closed_read(g, dirfd, dir_owner, closed, closer, NULL);
	if (rc < 0 || *closed) {
		unlinkat(bfd, e->file, 0);
		return rc;
	}
	entries_each(g, bfd, geteuid(), e->name, entry_unlink, e->file);
	return 0;
}

TDX_EXPORT
int tdx_gate_begin(struct tdx_gate *g, const char *name, pid_t pid, unsigned int ttl_s,
		   unsigned int wait_ms, pid_t *closer_pid)
{
	uint64_t deadline = tdx_monotonic_ns() / 1000000 + wait_ms;
	unsigned int interval = POLL_FIRST_MS, ttl;
	struct tdx_gate_entry e = { 0 };
	int dirfd = -1, bfd = -1, rc;
	uid_t dir_owner = 0;
	bool closed = false;

	if (!tdx_gate_name_valid(name) || ttl_s > TDX_GATE_TTL_MAX)
		return -EINVAL;
	if (pid <= 0 || tdx_proc_start_time(pid, &e.pid_start_time) < 0)
		return -ESRCH;
	if (!tdx_gate_owner_allowed(pid)) {
		rc = errno == EPERM ? -EPERM : -ESRCH;
		if (rc == -EPERM)
			err(g->ctx, "process %d is not yours: a build is owned by one of the "
			    "recorder's own processes\n", (int)pid);
		return rc;
	}
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.pid = pid;
	/* The owner's PID namespace is ours (it is a PID we can see): a container's, maybe. */
	if (tdx_proc_pidns(0, &e.pidns) < 0)
		e.pidns = 0;
	if (tdx_boot_id(e.boot_id) < 0)
		e.boot_id[0] = '\0';
	rc = gate_dir_open(g, true, &dirfd, &dir_owner);
	if (rc == 0 && ttl_s > ttl_max_for(geteuid(), dir_owner)) {
		err(g->ctx, "a build recorded by uid %u lasts at most %u s, not %u\n",
		    (unsigned int)geteuid(), ttl_max_for(geteuid(), dir_owner), ttl_s);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = gate_builds_open(g, dirfd, true, &bfd);
	ttl = ttl_s ? ttl_s : TDX_GATE_TTL_DEFAULT;
	while (rc == 0) {
		/* Not even written while the gate is closed: nothing for the closer to see. */
		rc = closed_read(g, dirfd, dir_owner, &closed, closer_pid, NULL);
		if (rc == 0 && !closed) {
			e.started = time(NULL);
			e.expires = e.started + ttl;
			e.started_boot = tdx_boottime_s();
			e.expires_boot = e.started_boot + ttl;
			rc = gate_record(g, dirfd, bfd, dir_owner, &e, &closed, closer_pid);
		}
		if (rc < 0 || !closed)
			break;
		if (g->stop && *g->stop) {
			rc = -EINTR;
			break;
		}
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

/* End the builds named @name recorded by @uid ((uid_t)-1: anyone); how many in *@ended. */
static int gate_end(struct tdx_gate *g, const char *name, uid_t uid, size_t *ended)
{
	int dirfd, bfd, rc;

	if (ended)
		*ended = 0;
	if (!tdx_gate_name_valid(name))
		return -EINVAL;
	rc = gate_dir_open(g, false, &dirfd, NULL);
	if (rc < 0)
		return rc;
	rc = gate_builds_open(g, dirfd, false, &bfd);
	close(dirfd);
	if (rc < 0)
		return rc;
	rc = entries_each(g, bfd, uid, name, entry_unlink, NULL);
	close(bfd);
	if (rc < 0)
		return rc;
	if (ended)
		*ended = (size_t)rc;
	return rc ? 0 : -ENOENT;
}

TDX_EXPORT
int tdx_gate_end(struct tdx_gate *g, const char *name)
{
	return gate_end(g, name, geteuid(), NULL);
}

TDX_EXPORT
int tdx_gate_end_any(struct tdx_gate *g, const char *name, size_t *ended)
{
	struct stat st;

	if (ended)
		*ended = 0;
	if (!tdx_gate_name_valid(name))
		return -EINVAL;
	if (stat(g->dir, &st) == 0 && st.st_uid != geteuid())
		return -EPERM;
	return gate_end(g, name, (uid_t)-1, ended);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct tdx_gate_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* On a handle that closed the gate: the entry as it was when it closed, or NULL (late). */
static const struct tdx_gate_entry *snap_find(const struct tdx_gate *g,
					      const struct tdx_gate_entry *e)
{
	for (size_t i = 0; i < g->n_snap; i++)
		if (g->snap[i].ino == e->ino && strcmp(g->snap[i].file, e->file) == 0)
			return &g->snap[i];
	return NULL;
}

/*
 * Open a subfolder of the run folder for listing (builds/ or launches/, through its own checked
 * opener @open_sub): 0 with *@dir, or with *@dir NULL when the folder does not exist yet (nothing
 * recorded), and the run folder's owner in *@dir_owner; or -errno.
 */
static int gate_subdir_opendir(struct tdx_gate *g,
			       int (*open_sub)(struct tdx_gate *g, int dirfd, bool create, int *fd),
			       DIR **dir, uid_t *dir_owner)
{
	int rootfd = -1, fd = -1, rc;

	*dir = NULL;
	rc = gate_dir_open(g, false, &rootfd, dir_owner);
	if (rc == 0)
		rc = open_sub(g, rootfd, false, &fd);
	if (rootfd >= 0)
		close(rootfd);
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	*dir = fdopendir(fd);
	if (!*dir) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return 0;
}

/* The listing; @use_snap judges against the closer's snapshot (tdx_gate_list()). */
static int gate_list(struct tdx_gate *g, bool use_snap, struct tdx_gate_entry **entries,
		     size_t *count)
{
	struct tdx_gate_entry *list = NULL, *grown;
	int rc;
	size_t n = 0, cap = 0;
	uid_t dir_owner = 0;
	struct gate_now now;
	struct dirent *d;
	DIR *dir;

	*entries = NULL;
	*count = 0;
	rc = gate_subdir_opendir(g, gate_builds_open, &dir, &dir_owner);
	if (rc < 0 || !dir)
		return rc;
	gate_now_read(&now, dir_owner);
	while ((d = readdir(dir))) {
		const struct tdx_gate_entry *then;
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
		if (d->d_name[0] == '.')
			continue;	/* ".", "..", temporary files */
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
		then = use_snap ? snap_find(g, &list[n]) : NULL;
		if (use_snap && !then) {
			entry_judge_now(&list[n], &now);
			list[n].state = TDX_GATE_LATE;
			list[n].hold_s = 0;
		} else {
			if (then) {
				uint64_t ino = list[n].ino;

				list[n] = *then;	/* rewritten since: not believed */
				list[n].ino = ino;
			}
			entry_judge_now(&list[n], &now);
		}
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
int tdx_gate_list(struct tdx_gate *g, struct tdx_gate_entry **entries, size_t *count)
{
	return gate_list(g, g->closed, entries, count);
}

TDX_EXPORT
int tdx_gate_query_since(struct tdx_gate *g, bool *closed, pid_t *closer_pid, int64_t *since_s)
{
	uid_t dir_owner = 0;
	int dirfd, rc;

	*closed = false;
	if (closer_pid)
		*closer_pid = 0;
	if (since_s)
		*since_s = -1;
	if (g->closed) {
		*closed = true;
		if (closer_pid)
			*closer_pid = getpid();
		return 0;
	}
	rc = gate_dir_open(g, false, &dirfd, &dir_owner);
	if (rc < 0)
		return rc == -ENOENT ? 0 : rc;
	rc = closed_read(g, dirfd, dir_owner, closed, closer_pid, since_s);
	close(dirfd);
	return rc;
}

TDX_EXPORT
int tdx_gate_query(struct tdx_gate *g, bool *closed, pid_t *closer_pid)
{
	return tdx_gate_query_since(g, closed, closer_pid, NULL);
}

/* ---- close and reopen -------------------------------------------------------------------------- */

/*
 * Take private/gate.lock (without waiting: only another closer holds it), write gate.closed,
 * then read builds/ once: the builds this close waits for.
 */
static int gate_take_closed(struct tdx_gate *g)
{
	int dirfd, bfd, privfd = -1, fd, rc;

	rc = gate_dir_open(g, true, &dirfd, NULL);
	if (rc < 0)
		return rc;
	rc = gate_builds_open(g, dirfd, true, &bfd);
	if (rc == 0) {
		close(bfd);
		rc = tdx_private_dir_open(g->ctx, dirfd, true, &privfd);
	}
	if (rc != 0 || privfd < 0) {
		close(dirfd);
		return rc < 0 ? rc : -EIO;
	}
	rc = tdx_file_open_at(g->ctx, privfd, GATE_LOCK, O_RDWR | O_CREAT, 0600, (gid_t)-1, &fd);
	close(privfd);
	if (rc < 0) {
		err(g->ctx, "cannot open %s/" TDX_PRIVATE_DIR "/" GATE_LOCK ": %s\n", g->dir,
		    strerror(-rc));
		close(dirfd);
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EALREADY : -errno;
		close(fd);
		close(dirfd);
		return rc;
	}
	rc = closed_write(g, dirfd);
	if (rc < 0) {
		close(fd);
		close(dirfd);
		return rc;
	}
	g->closed = true;
	g->dir_fd = dirfd;
	g->lock_fd = fd;
	/* From here no begin keeps an entry; the snapshot is what the update waits for. */
	rc = gate_list(g, false, &g->snap, &g->n_snap);
	if (rc < 0)
		tdx_gate_reopen(g);
	return rc;
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
	size_t n = 0, live;
	int rc;

	g->stop = stop;
	if (!g->closed) {
		rc = gate_take_closed(g);
		if (rc < 0)
			return rc;
	}
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
	if (!g || !g->closed)
		return;
	if (unlinkat(g->dir_fd, GATE_CLOSED, 0) < 0 && errno != ENOENT)
		err(g->ctx, "cannot remove %s/" GATE_CLOSED ": %s; the gate stays closed until "
		    "this process ends\n", g->dir, strerror(errno));
	close(g->dir_fd);
	close(g->lock_fd);
	free(g->snap);
	g->snap = NULL;
	g->n_snap = 0;
	g->dir_fd = g->lock_fd = -1;
	g->closed = false;
}

/* ---- launch records (RUNDIR/launches/) ------------------------------------------------------ */

#define GATE_LAUNCHES	"launches"
#define LAUNCH_FILES_MAX	4096u	/* files looked at in one listing, whoever wrote them */

/* launches/ in the verified run folder, created when @create: builds/'s modes and group. */
static int launches_open(struct tdx_gate *g, int dirfd, bool create, int *fd)
{
	mode_t closed_mode, builds_mode;
	gid_t gid = tdx_launcher_gid();

	gate_modes(gid, &closed_mode, &builds_mode);
	return tdx_subdir_open(g->ctx, dirfd, GATE_LAUNCHES, create, builds_mode, gid, fd);
}

/* The module fields of a launch record's text; those that do not parse are left unknown. */
static void launch_parse_module(const char *text, struct tdx_launch *l)
{
	struct json_object *o = json_tokener_parse(text), *f;
	int64_t major, minor;
	const char *src;

	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	if (json_object_object_get_ex(o, "module_version", &f) &&
	    json_object_is_type(f, json_type_string))
		l->have_version = tdx_version_parse(json_object_get_string(f), &l->version) == 0;
	if (!l->have_version || !json_object_object_get_ex(o, "svn_source", &f) ||
	    !json_object_is_type(f, json_type_string) ||
	    json_get_int64(o, "svn_major", &major) || json_get_int64(o, "svn_minor", &minor) ||
	    major < 0 || major > 255 || minor < 0 || minor > 255)
		goto out;
	src = json_object_get_string(f);
	if (strcmp(src, tdx_svn_source_name(TDX_SVN_HISTORY)) == 0)
		l->svn_source = TDX_SVN_HISTORY;
	else if (strcmp(src, tdx_svn_source_name(TDX_SVN_RELEASE)) == 0)
		l->svn_source = TDX_SVN_RELEASE;
	else
		goto out;
	l->svn_major = (uint8_t)major;
	l->svn_minor = (uint8_t)minor;
out:
	json_object_put(o);
}

/* A launch record's module fields: its version, and its SVNs and their source when known. */
static void launch_add_module(struct json_object *o, const void *arg)
{
	const struct tdx_module_svn *module = arg;
	char v[TDX_VERSION_STRLEN];

	json_object_object_add(o, "module_version", json_object_new_string(
		tdx_version_format(&module->version, v, sizeof(v))));
	if (module->source == TDX_SVN_UNKNOWN)
		return;
	json_object_object_add(o, "svn_major", json_object_new_int(module->major));
	json_object_object_add(o, "svn_minor", json_object_new_int(module->minor));
	json_object_object_add(o, "svn_source", json_object_new_string(
		tdx_svn_source_name(module->source)));
}

/* May @uid have recorded a launch of process @pid (a member's own process only)? */
static bool launch_owner_is(pid_t pid, uid_t uid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) == 0 && st.st_uid == uid;
}

/* Judge @l now: running, stale or untrusted (tdx_launch_list()). */
static void launch_judge_now(struct tdx_launch *l, struct gate_now *n)
{
	struct tdx_gate_entry *e = &l->entry;
	bool other_boot = e->boot_id[0] && n->have_boot_id && strcmp(e->boot_id, n->boot_id) != 0;
	bool foreign = e->pidns && n->pidns && e->pidns != n->pidns;

	e->member = e->uid != n->dir_owner;
	e->age_s = n->wall > e->started ? (int64_t)(n->wall - e->started) : 0;
	if (other_boot || !owner_alive(e, n))
		l->state = TDX_LAUNCH_STALE;
	/* A member names only their own processes, checked where they can be seen. */
	else if (e->member && (foreign || !launch_owner_is(e->pid, e->uid)))
		l->state = TDX_LAUNCH_UNTRUSTED;
	else
		l->state = TDX_LAUNCH_RUNNING;
	/* Only root's records are believed for the SVN: a member could write any. */
	if (e->member) {
		l->svn_source = TDX_SVN_UNKNOWN;
		l->svn_major = l->svn_minor = 0;
	}
}

/* How many launch records @uid has in @lfd (files it owns, not temporary). */
static size_t launch_count_of(int lfd, uid_t uid)
{
	struct dirent *d;
	size_t n = 0;
	int fd = openat(lfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((d = readdir(dir))) {
		struct stat st;

		if (d->d_name[0] != '.' &&
		    fstatat(lfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == uid)
			n++;
	}
	closedir(dir);
	return n;
}

/* Remove the caller's records of @name in @lfd but @keep (NULL: all); how many, or -errno. */
static int launch_remove_mine(struct tdx_gate *g, int lfd, const char *name, const char *keep)
{
	return entries_each(g, lfd, geteuid(), name, entry_unlink, (void *)keep);
}

TDX_EXPORT
int tdx_launch_record(struct tdx_gate *g, const char *name, pid_t pid,
		      const struct tdx_module_svn *module)
{
	struct tdx_gate_entry e = { 0 };
	int dirfd = -1, lfd = -1, rc;
	uid_t dir_owner = 0;

	if (!tdx_gate_name_valid(name) || !module)
		return -EINVAL;
	if (pid <= 0 || tdx_proc_start_time(pid, &e.pid_start_time) < 0)
		return -ESRCH;
	if (!tdx_gate_owner_allowed(pid))
		return errno == EPERM ? -EPERM : -ESRCH;
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.pid = pid;
	if (tdx_proc_pidns(0, &e.pidns) < 0)
		e.pidns = 0;
	if (tdx_boot_id(e.boot_id) < 0)
		e.boot_id[0] = '\0';
	e.started = e.expires = time(NULL);
	e.started_boot = e.expires_boot = tdx_boottime_s();
	rc = gate_dir_open(g, true, &dirfd, &dir_owner);
	if (rc == 0)
		rc = launches_open(g, dirfd, true, &lfd);
	if (dirfd >= 0)
		close(dirfd);
	if (rc < 0)
		return rc;
	/* A member's records are capped (launches/ is on tmpfs, and read by root). */
	if (geteuid() != dir_owner && launch_count_of(lfd, geteuid()) >= TDX_LAUNCH_MEMBER_MAX) {
		close(lfd);
		return -EDQUOT;
	}
	rc = entry_write_in(g, lfd, GATE_LAUNCHES, &e, launch_add_module, module);
	if (rc == 0)
		launch_remove_mine(g, lfd, name, e.file);
	close(lfd);
	return rc;
}

TDX_EXPORT
int tdx_launch_forget(struct tdx_gate *g, const char *name)
{
	int dirfd, lfd, rc;

	if (!tdx_gate_name_valid(name))
		return -EINVAL;
	rc = gate_dir_open(g, false, &dirfd, NULL);
	if (rc < 0)
		return rc;
	rc = launches_open(g, dirfd, false, &lfd);
	close(dirfd);
	if (rc < 0)
		return rc;
	rc = launch_remove_mine(g, lfd, name, NULL);
	close(lfd);
	if (rc < 0)
		return rc;
	return rc ? 0 : -ENOENT;
}

static int launch_cmp(const void *a, const void *b)
{
	return entry_cmp(&((const struct tdx_launch *)a)->entry,
			 &((const struct tdx_launch *)b)->entry);
}

/* Per member: how many of their records were read; past the cap, the rest are untrusted. */
struct launch_tally {
	uid_t uid;
	size_t n;
};

static bool launch_over_cap(struct launch_tally *t, size_t *nt, size_t cap, uid_t uid)
{
	size_t i;

	for (i = 0; i < *nt; i++)
		if (t[i].uid == uid)
			break;
	if (i == *nt) {
		if (*nt == cap)
			return true;	/* more recorders than files looked at: cannot happen */
		t[(*nt)++] = (struct launch_tally){ .uid = uid };
	}
	return ++t[i].n > TDX_LAUNCH_MEMBER_MAX;
}

TDX_EXPORT
int tdx_launch_list(struct tdx_gate *g, struct tdx_launch **entries, size_t *count)
{
	struct tdx_launch *list = NULL, *grown;
	struct launch_tally *tally = NULL;
	int rc;
	size_t n = 0, cap = 0, seen = 0, ntally = 0;
	char text[ENTRY_MAX_SIZE + 1];
	uid_t dir_owner = 0;
	struct gate_now now;
	struct dirent *d;
	DIR *dir;

	*entries = NULL;
	*count = 0;
	rc = gate_subdir_opendir(g, launches_open, &dir, &dir_owner);
	if (rc < 0 || !dir)
		return rc;
	tally = calloc(LAUNCH_FILES_MAX, sizeof(*tally));
	if (!tally) {
		closedir(dir);
		return -ENOMEM;
	}
	gate_now_read(&now, dir_owner);
	while ((d = readdir(dir))) {
		struct tdx_launch *l;
		struct stat st;

		if (d->d_name[0] == '.')
			continue;	/* ".", "..", temporary files */
		/* The size bound, kept by root, as in builds/. */
		if (geteuid() == 0 &&
		    fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_size > ENTRY_MAX_SIZE &&
		    unlinkat(dirfd(dir), d->d_name, 0) == 0) {
			warn(g->ctx, "%s/" GATE_LAUNCHES "/%s was %lld bytes (uid %u), more than a "
			     "record's %u: removed\n", g->dir, d->d_name, (long long)st.st_size,
			     (unsigned int)st.st_uid, ENTRY_MAX_SIZE);
			continue;
		}
		if (++seen > LAUNCH_FILES_MAX) {
			warn(g->ctx, "%s/" GATE_LAUNCHES " holds more than %u files; the rest are "
			     "not read\n", g->dir, LAUNCH_FILES_MAX);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = reallocarray(list, cap, sizeof(*list));
			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			list = grown;
		}
		l = &list[n];
		memset(l, 0, sizeof(*l));
		if (entry_read_in(g, dirfd(dir), GATE_LAUNCHES, d->d_name, &l->entry, text) < 0)
			continue;	/* forgotten meanwhile, or not a regular file */
		launch_parse_module(text, l);
		launch_judge_now(l, &now);
		if (l->entry.member && l->state == TDX_LAUNCH_RUNNING &&
		    launch_over_cap(tally, &ntally, LAUNCH_FILES_MAX, l->entry.uid))
			l->state = TDX_LAUNCH_UNTRUSTED;
		/* Root keeps launches/ to the TDs that run: a stale record goes. */
		if (l->state == TDX_LAUNCH_STALE && geteuid() == dir_owner &&
		    unlinkat(dirfd(dir), l->entry.file, 0) == 0)
			dbg(g->ctx, "removed the stale launch record %s/" GATE_LAUNCHES "/%s\n",
			    g->dir, l->entry.file);
		n++;
	}
	closedir(dir);
	free(tally);
	tdx_proc_table_free(&now.procs);
	if (rc < 0) {
		free(list);
		return rc;
	}
	if (n)
		qsort(list, n, sizeof(*list), launch_cmp);
	*entries = list;
	*count = n;
	return 0;
}

TDX_EXPORT
int tdx_launch_resolve_svn(struct tdx_ctx *ctx, struct tdx_launch *list, size_t count,
			   const char *history, const char *releases)
{
	for (size_t i = 0; i < count; i++) {
		struct tdx_launch *l = &list[i];
		struct tdx_module_svn s;
		int rc;

		if (l->state != TDX_LAUNCH_RUNNING || !l->have_version ||
		    l->svn_source != TDX_SVN_UNKNOWN)
			continue;
		/* The same version once more: the lookup is done once per version. */
		for (size_t j = 0; j < i; j++)
			if (list[j].svn_resolved && list[j].have_version &&
			    tdx_version_cmp(&list[j].version, &l->version) == 0) {
				l->svn_source = list[j].svn_source;
				l->svn_major = list[j].svn_major;
				l->svn_minor = list[j].svn_minor;
				l->svn_resolved = true;
				break;
			}
		if (l->svn_resolved)
			continue;
		rc = tdx_module_svn_resolve(ctx, &l->version, false, history, releases, NULL, &s);
		if (rc < 0)
			return rc;
		l->svn_source = s.source;
		l->svn_major = s.major;
		l->svn_minor = s.minor;
		l->svn_resolved = true;
	}
	return 0;
}
