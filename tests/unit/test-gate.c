// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TD-build gate: begin/end/list, states (live, stale, expired), close and drain, a closer
 * that crashes, and the race: many begins against a close, many times, never both proceeding.
 * Other processes are real processes (fork), since the protocol is about processes and flocks.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "facts.h"

#define RACE_ROUNDS	200
#define RACE_BEGINS	6

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A child process that lives until its pipe closes: a build owner or a closer. */
struct child {
	pid_t pid;
	int hold;	/* closing it lets the child go */
	int report;	/* what the child says (one int) */
};

static void child_wait_release(int fd)
{
	char c;

	while (read(fd, &c, 1) > 0)
		;
}

/* A process that only exists: a TD build owner that is alive until released or killed. */
static struct child spawn_owner(void)
{
	struct child c = { 0 };
	int hold[2];

	if (pipe(hold) < 0)
		exit(1);
	c.pid = fork();
	if (c.pid == 0) {
		close(hold[1]);
		child_wait_release(hold[0]);
		_exit(0);
	}
	close(hold[0]);
	c.hold = hold[1];
	c.report = -1;
	return c;
}

/* A process that closes the gate in @dir (drain wait @wait_ms), says how that went, holds it. */
static struct child spawn_closer(const char *dir, unsigned int wait_ms)
{
	struct child c = { 0 };
	int hold[2], rep[2];

	if (pipe(hold) < 0 || pipe(rep) < 0)
		exit(1);
	c.pid = fork();
	if (c.pid == 0) {
		struct tdx_gate *g = NULL;
		int rc;

		close(hold[1]);
		close(rep[0]);
		rc = tdx_gate_new(NULL, dir, &g);
		if (rc == 0)
			rc = tdx_gate_close(g, wait_ms);
		if (write(rep[1], &rc, sizeof(rc)) != sizeof(rc))
			_exit(1);
		child_wait_release(hold[0]);
		tdx_gate_free(g);
		_exit(0);
	}
	close(hold[0]);
	close(rep[1]);
	c.hold = hold[1];
	c.report = rep[0];
	return c;
}

static int child_result(struct child *c)
{
	int rc = 0x7fff;

	if (read(c->report, &rc, sizeof(rc)) != sizeof(rc))
		return 0x7fff;
	return rc;
}

static void child_release(struct child *c)
{
	close(c->hold);
	if (c->report >= 0)
		close(c->report);
	waitpid(c->pid, NULL, 0);
}

static void child_kill(struct child *c)
{
	kill(c->pid, SIGKILL);
	child_release(c);
}

static struct tdx_gate_entry *find(struct tdx_gate_entry *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	return NULL;
}

/*
 * What the updater makes of a close that returned @rc after waiting up to @wait_ms: the gate's
 * state read as the update reads it, judged by the readiness rules (host.td_builds). The one
 * row goes into a new *@r; the facts are left in @f (their builds freed by the caller).
 */
static enum tdx_outcome judge_close(struct tdx_gate *g, int rc, unsigned int wait_ms,
				    struct tdx_readiness_facts *f, struct tdx_report **r)
{
	memset(f, 0, sizeof(*f));
	f->run_dir = tdx_gate_get_dir(g);
	f->root = f->rawio = true;
	tdx_readiness_read_gate_close(g, rc, wait_ms, f);
	*r = NULL;
	if (tdx_report_new(r) < 0)
		exit(1);
	return tdx_readiness_judge_rules(f, TDX_READINESS_BUILDS, *r);
}

static void test_names(void)
{
	char long_name[TDX_GATE_NAME_MAX + 2];
	struct tdx_ctx *env_ctx = NULL, *plain = NULL;

	CHECK(tdx_gate_name_valid("vm1"));
	CHECK(tdx_gate_name_valid("libvirt:td-guest_2.example+x@host"));
	CHECK(!tdx_gate_name_valid(""));
	CHECK(!tdx_gate_name_valid(NULL));
	CHECK(!tdx_gate_name_valid(".hidden"));
	CHECK(!tdx_gate_name_valid(".."));
	CHECK(!tdx_gate_name_valid("a/b"));
	CHECK(!tdx_gate_name_valid("a b"));
	CHECK(!tdx_gate_name_valid("a\nb"));
	memset(long_name, 'a', sizeof(long_name));
	long_name[TDX_GATE_NAME_MAX] = '\0';
	CHECK(tdx_gate_name_valid(long_name));
	long_name[TDX_GATE_NAME_MAX] = 'a';
	long_name[TDX_GATE_NAME_MAX + 1] = '\0';
	CHECK(!tdx_gate_name_valid(long_name));

	/* The environment is read when a context is created, not later. */
	setenv("TDXCTL_RUNDIR", "/from/env", 1);
	CHECK(tdx_ctx_new(&env_ctx) == 0);
	unsetenv("TDXCTL_RUNDIR");
	CHECK(tdx_ctx_new(&plain) == 0);
	CHECK_STR(tdx_gate_dir(env_ctx, "/x/y"), "/x/y");
	CHECK_STR(tdx_gate_dir(env_ctx, NULL), "/from/env");
	CHECK_STR(tdx_gate_dir(env_ctx, ""), "/from/env");
	CHECK_STR(tdx_gate_dir(plain, NULL), "/run/tdxctl");
	tdx_ctx_free(env_ctx);
	tdx_ctx_free(plain);
	CHECK_STR(tdx_gate_state_name(TDX_GATE_LIVE), "live");
	CHECK_STR(tdx_gate_state_name(TDX_GATE_STALE), "stale");
	CHECK_STR(tdx_gate_state_name(TDX_GATE_EXPIRED), "expired");
}

static void test_begin_end_list(const char *dir)
{
	struct tdx_gate_entry *list = NULL, *e;
	struct tdx_gate *g = NULL;
	struct child owner;
	size_t n = 0;
	time_t now = time(NULL);
	bool closed = true;

	CHECK(tdx_gate_new(NULL, dir, &g) == 0);
	/* Nothing there yet: an empty list and an open gate, nothing created. */
	CHECK(tdx_gate_list(g, &list, &n) == 0 && n == 0);
	CHECK(tdx_gate_query(g, &closed, NULL) == 0 && !closed);
	CHECK_INT(tdx_gate_end(g, "vm1"), -ENOENT);

	CHECK_INT(tdx_gate_begin(g, "vm1", getpid(), 0, 0, NULL), 0);
	CHECK_INT(tdx_gate_begin(g, "vm0", getpid(), 60, 0, NULL), 0);
	CHECK(tdx_gate_list(g, &list, &n) == 0 && n == 2);
	if (n == 2) {
		CHECK_STR(list[0].name, "vm0");
		CHECK_STR(list[1].name, "vm1");
		CHECK_INT(list[1].pid, getpid());
		CHECK_INT(list[1].state, TDX_GATE_LIVE);
		CHECK(list[1].started >= now && list[1].started <= now + 5);
		CHECK_INT(list[1].expires - list[1].started, TDX_GATE_TTL_DEFAULT);
		CHECK_INT(list[0].expires - list[0].started, 60);
		CHECK(list[1].pid_start_time > 0);
	}
	free(list);

	/* The same owner again refreshes; another live owner is refused. */
	CHECK_INT(tdx_gate_begin(g, "vm1", getpid(), 30, 0, NULL), 0);
	owner = spawn_owner();
	CHECK_INT(tdx_gate_begin(g, "vm1", owner.pid, 30, 0, NULL), -EEXIST);
	CHECK_INT(tdx_gate_begin(g, "vm2", owner.pid, 30, 0, NULL), 0);
	/* The owner dies: its entry is stale, and a new begin may take the name. */
	child_kill(&owner);
	CHECK(tdx_gate_list(g, &list, &n) == 0 && n == 3);
	e = find(list, n, "vm2");
	CHECK(e && e->state == TDX_GATE_STALE);
	free(list);
	CHECK_INT(tdx_gate_begin(g, "vm2", getpid(), 30, 0, NULL), 0);
	CHECK(tdx_gate_list(g, &list, &n) == 0 && (e = find(list, n, "vm2")) &&
	      e->state == TDX_GATE_LIVE && e->pid == getpid());
	free(list);

	/* Refusals of bad input. */
	CHECK_INT(tdx_gate_begin(g, "../x", getpid(), 0, 0, NULL), -EINVAL);
	CHECK_INT(tdx_gate_begin(g, "x", getpid(), TDX_GATE_TTL_MAX + 1, 0, NULL), -EINVAL);
	CHECK_INT(tdx_gate_begin(g, "x", 0, 0, 0, NULL), -ESRCH);
	CHECK_INT(tdx_gate_begin(g, "x", 0x7ffffff0, 0, 0, NULL), -ESRCH);
	CHECK_INT(tdx_gate_end(g, "../x"), -EINVAL);

	CHECK_INT(tdx_gate_end(g, "vm0"), 0);
	CHECK_INT(tdx_gate_end(g, "vm0"), -ENOENT);
	CHECK_INT(tdx_gate_end(g, "vm1"), 0);
	CHECK_INT(tdx_gate_end(g, "vm2"), 0);
	CHECK(tdx_gate_list(g, &list, &n) == 0 && n == 0);
	free(list);
	tdx_gate_free(g);
}

/* Write a builds/ file by hand: a reused PID, an expired entry, garbage. */
static void forge(const char *dir, const char *name, const char *json)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/builds/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		exit(1);
	fputs(json, f);
	fclose(f);
}

static unsigned long long self_start_time(const char *dir)
{
	struct tdx_gate_entry *list = NULL;
	struct tdx_gate *g = NULL;
	unsigned long long t = 0;
	size_t n = 0;

	tdx_gate_new(NULL, dir, &g);
	tdx_gate_begin(g, "self", getpid(), 0, 0, NULL);
	tdx_gate_list(g, &list, &n);
	if (n)
		t = list[0].pid_start_time;
	free(list);
	tdx_gate_end(g, "self");
	tdx_gate_free(g);
	return t;
}

static void test_stale_expired(const char *dir)
{
	struct tdx_gate_entry *list = NULL, *e;
	struct tdx_readiness_facts f;
	struct tdx_report *r = NULL;
	struct tdx_gate *g = NULL;
	unsigned long long start = self_start_time(dir);
	char json[512];
	time_t now = time(NULL);
	size_t n = 0;
	int rc;

	CHECK(start > 0);
	tdx_gate_new(NULL, dir, &g);
	snprintf(json, sizeof(json), "{\"name\":\"reused\",\"pid\":%d,\"pid_start_time\":%llu,"
		 "\"started\":%lld,\"expires\":%lld}", (int)getpid(), start + 1,
		 (long long)now, (long long)now + 100);
	forge(dir, "reused", json);
	snprintf(json, sizeof(json), "{\"name\":\"old\",\"pid\":%d,\"pid_start_time\":%llu,"
		 "\"started\":%lld,\"expires\":%lld}", (int)getpid(), start,
		 (long long)now - 100, (long long)now - 10);
	forge(dir, "old", json);
	forge(dir, "garbage", "{\"name\":\"garbage\",\"pid\":\"x\"}");
	forge(dir, "renamed", "{\"name\":\"other\",\"pid\":1,\"pid_start_time\":0,"
	      "\"started\":0,\"expires\":99999999999}");
	forge(dir, ".tmpfile", "{}");

	/* A build is known by its content and recorder, not its file name: "renamed" is "other". */
	CHECK(tdx_gate_list(g, &list, &n) == 0 && n == 3);
	e = find(list, n, "other");
	CHECK(e && e->state == TDX_GATE_STALE);
	e = find(list, n, "reused");
	CHECK(e && e->state == TDX_GATE_STALE);
	e = find(list, n, "old");
	CHECK(e && e->state == TDX_GATE_EXPIRED);
	free(list);

	/* A real TTL running out. */
	CHECK_INT(tdx_gate_begin(g, "short", getpid(), 1, 0, NULL), 0);
	usleep(1100 * 1000);
	CHECK(tdx_gate_list(g, &list, &n) == 0 && (e = find(list, n, "short")) &&
	      e->state == TDX_GATE_EXPIRED);
	free(list);

	/* The updater ignores them all, and says so. */
	rc = tdx_gate_close(g, 0);
	CHECK_INT(rc, 0);
	CHECK_INT(judge_close(g, rc, 0, &f, &r), TDX_OUTCOME_OK);
	CHECK(f.gate_tried && f.gate_closed && f.gate_mine && f.gate_closer == getpid());
	CHECK_INT(f.builds_live, 0);
	CHECK_INT(f.builds_ignored, 4);
	CHECK_INT(tdx_report_count(r), 1);
	CHECK_INT(test_status_of(r, "host.td_builds"), TDX_CHECK_WARN);
	if (tdx_report_count(r) == 1) {
		const char *m = test_facts(r, 0);
		char want[64];

		/* A build's pid is a number in its record of the builds list. */
		CHECK(strstr(m, "host.gate_mine_ignored builds=") == m);
		snprintf(want, sizeof(want), "[reused,stale,%s]",
			 test_u((uint64_t)getpid(), (char[24]){ 0 }, 24));
		CHECK(strstr(m, want) != NULL);
		CHECK(strstr(m, "[old,expired,") != NULL);
		CHECK(strstr(m, "[short,expired,") != NULL);
	}
	tdx_report_free(r);
	tdx_readiness_facts_clear(&f);
	tdx_gate_reopen(g);
	tdx_gate_end(g, "reused");
	tdx_gate_end(g, "old");
	tdx_gate_end(g, "short");
	tdx_gate_end(g, "garbage");
	CHECK_INT(tdx_gate_end(g, "renamed"), -ENOENT);
	CHECK_INT(tdx_gate_end(g, "other"), 0);
	tdx_gate_free(g);
}

static void test_close(const char *dir)
{
	struct tdx_gate *g = NULL, *other = NULL;
	struct tdx_readiness_facts f;
	struct tdx_report *r = NULL;
	struct child owner, closer;
	bool closed = false;
	pid_t by = 0;
	uint64_t t0;
	int rc;

	tdx_gate_new(NULL, dir, &g);
	tdx_gate_new(NULL, dir, &other);

	/* No builds: closed and drained at once; begins are refused while it stays closed. */
	rc = tdx_gate_close(g, 5000);
	CHECK_INT(rc, 0);
	CHECK_INT(judge_close(g, rc, 5000, &f, &r), TDX_OUTCOME_OK);
	CHECK_INT(test_status_of(r, "host.td_builds"), TDX_CHECK_PASS);
	if (tdx_report_count(r) == 1)
		CHECK_STR(test_facts(r, 0), "host.gate_mine");
	tdx_report_free(r);
	tdx_readiness_facts_clear(&f);
	CHECK(tdx_gate_query(other, &closed, &by) == 0 && closed && by == getpid());
	CHECK_INT(tdx_gate_begin(other, "vm1", getpid(), 0, 0, &by), -EBUSY);
	CHECK_INT(by, getpid());
	t0 = mono_ms();
	CHECK_INT(tdx_gate_begin(other, "vm1", getpid(), 0, 200, NULL), -EBUSY);
	CHECK(mono_ms() - t0 >= 200 && mono_ms() - t0 < 2000);
	/* Closing twice from one handle is harmless; from another process it is -EALREADY. */
	CHECK_INT(tdx_gate_close(g, 0), 0);
	closer = spawn_closer(dir, 0);
	CHECK_INT(child_result(&closer), -EALREADY);
	child_release(&closer);
	tdx_gate_reopen(g);
	CHECK(tdx_gate_query(other, &closed, NULL) == 0 && !closed);
	CHECK_INT(tdx_gate_begin(other, "vm1", getpid(), 0, 0, NULL), 0);
	CHECK_INT(tdx_gate_end(other, "vm1"), 0);

	/* A live build that does not end: refused after the wait, named, gate open again. */
	owner = spawn_owner();
	CHECK_INT(tdx_gate_begin(other, "td-a", owner.pid, 0, 0, NULL), 0);
	t0 = mono_ms();
	rc = tdx_gate_close(g, 300);
	CHECK_INT(rc, -EBUSY);
	CHECK(mono_ms() - t0 >= 300);
	CHECK_INT(judge_close(g, rc, 300, &f, &r), TDX_OUTCOME_RETRY);
	CHECK(f.gate_tried && !f.gate_closed && !f.gate_mine && f.gate_rc == 0);
	CHECK_INT(f.builds_live, 1);
	CHECK_INT(f.builds_waited_ms, 300);
	/* The build still in progress, and its owner. */
	CHECK(f.n_builds == 1 && strcmp(f.builds[0].name, "td-a") == 0 &&
	      f.builds[0].pid == owner.pid && f.builds[0].state == TDX_GATE_LIVE);
	CHECK_INT(test_status_of(r, "host.td_builds"), TDX_CHECK_FAIL);
	if (tdx_report_count(r) == 1) {
		char want[112];

		snprintf(want, sizeof(want), "host.builds_after_wait builds=[[td-a,live,%s]] "
			 "builds_total=1 waited_s=0.300", test_u((uint64_t)owner.pid, (char[24]){ 0 }, 24));
		CHECK_STR(test_facts(r, 0), want);
		CHECK_INT(tdx_report_remedies(r, 0),
			  TDX_REMEDY_BUILDS_END | TDX_REMEDY_WAIT_BUILDS);
	}
	CHECK_INT(tdx_report_outcome(r), TDX_OUTCOME_RETRY);
	tdx_report_free(r);
	tdx_readiness_facts_clear(&f);
	CHECK(tdx_gate_query(other, &closed, NULL) == 0 && !closed);
	CHECK_INT(tdx_gate_begin(other, "td-b", getpid(), 0, 0, NULL), 0);
	CHECK_INT(tdx_gate_end(other, "td-b"), 0);

	/* The build's owner dies during the wait: drained. */
	t0 = mono_ms();
	if (fork() == 0) {
		usleep(200 * 1000);
		kill(owner.pid, SIGKILL);
		_exit(0);
	}
	CHECK_INT(tdx_gate_close(g, 10000), 0);
	CHECK(mono_ms() - t0 >= 150 && mono_ms() - t0 < 5000);
	wait(NULL);
	child_release(&owner);
	tdx_gate_reopen(g);
	tdx_gate_end(g, "td-a");

	/* The build ends during the wait: drained. */
	CHECK_INT(tdx_gate_begin(other, "td-c", getpid(), 0, 0, NULL), 0);
	if (fork() == 0) {
		struct tdx_gate *c = NULL;

		usleep(200 * 1000);
		tdx_gate_new(NULL, dir, &c);
		_exit(tdx_gate_end(c, "td-c") == 0 ? 0 : 1);
	}
	t0 = mono_ms();
	CHECK_INT(tdx_gate_close(g, 10000), 0);
	CHECK(mono_ms() - t0 >= 150);
	wait(&rc);
	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	tdx_gate_free(g);	/* reopens */
	CHECK(tdx_gate_query(other, &closed, NULL) == 0 && !closed);
	tdx_gate_free(other);
}

/* begin --wait: refused while closed, succeeds once the closer reopens; and a crashed closer. */
static void test_wait_and_crash(const char *dir)
{
	struct tdx_readiness_facts f;
	struct tdx_report *r = NULL;
	struct tdx_gate *g = NULL;
	struct child closer;
	int rc;
	bool closed = false;
	pid_t by = 0;
	uint64_t t0;

	tdx_gate_new(NULL, dir, &g);
	closer = spawn_closer(dir, 0);
	CHECK_INT(child_result(&closer), 0);
	CHECK(tdx_gate_query(g, &closed, &by) == 0 && closed && by == closer.pid);
	CHECK_INT(tdx_gate_begin(g, "w", getpid(), 0, 0, NULL), -EBUSY);
	/* Another updater holds it closed: refused, the closer named. */
	rc = tdx_gate_close(g, 0);
	CHECK_INT(rc, -EALREADY);
	CHECK_INT(judge_close(g, rc, 0, &f, &r), TDX_OUTCOME_RETRY);
	CHECK(f.gate_closed && !f.gate_mine && !f.gate_tried && f.gate_closer == closer.pid);
	if (tdx_report_count(r) == 1) {
		char want[400], pid[24];

		snprintf(want, sizeof(want), "host.gate_closed_pid run_dir=%s pid=%s", dir,
			 test_u((uint64_t)closer.pid, pid, sizeof(pid)));
		CHECK_STR(test_facts(r, 0), want);
	}
	tdx_report_free(r);
	tdx_readiness_facts_clear(&f);
	if (fork() == 0) {
		usleep(300 * 1000);
		close(closer.hold);	/* the closer reopens and exits */
		_exit(0);
	}
	close(closer.hold);
	closer.hold = open("/dev/null", O_RDONLY);
	t0 = mono_ms();
	CHECK_INT(tdx_gate_begin(g, "w", getpid(), 0, 10000, NULL), 0);
	CHECK(mono_ms() - t0 >= 250 && mono_ms() - t0 < 5000);
	wait(NULL);
	child_release(&closer);
	CHECK_INT(tdx_gate_end(g, "w"), 0);

	/* A closer killed while it holds the gate closed: the gate is usable at once. */
	closer = spawn_closer(dir, 0);
	CHECK_INT(child_result(&closer), 0);
	CHECK_INT(tdx_gate_begin(g, "k", getpid(), 0, 0, NULL), -EBUSY);
	child_kill(&closer);
	CHECK(tdx_gate_query(g, &closed, NULL) == 0 && !closed);
	CHECK_INT(tdx_gate_begin(g, "k", getpid(), 0, 0, NULL), 0);
	CHECK_INT(tdx_gate_close(g, 0), -EBUSY);
	CHECK_INT(tdx_gate_end(g, "k"), 0);
	CHECK_INT(tdx_gate_close(g, 0), 0);
	tdx_gate_free(g);
}

/*
 * The race: RACE_BEGINS processes begin at the same instant as a close, RACE_ROUNDS times.
 * The builds' owners stay alive until the round is judged, so a recorded build stays live.
 * Never both: a close that drained sees no begin succeed (before it, close would have seen
 * the build; after it, the gate was closed). A close that found builds while no begin
 * succeeded saw an entry its begin then took back (it read gate.closed after writing it): a
 * refusal to retry, never a TD built during an update; counted, not a violation.
 */
static void test_race(const char *dir)
{
	unsigned int drained = 0, busy = 0, taken_back = 0, violations = 0;

	for (int round = 0; round < RACE_ROUNDS; round++) {
		struct tdx_gate *g = NULL;
		struct tdx_gate_entry *list = NULL;
		int go[2], rep[2], hold[2], began = 0, rc, live = 0;
		pid_t pids[RACE_BEGINS];
		size_t n = 0;

		if (pipe(go) < 0 || pipe(rep) < 0 || pipe(hold) < 0)
			exit(1);
		for (int k = 0; k < RACE_BEGINS; k++) {
			pids[k] = fork();
			if (pids[k] == 0) {
				struct tdx_gate *c = NULL;
				char name[16];
				int r;

				close(go[1]);
				close(rep[0]);
				close(hold[1]);
				child_wait_release(go[0]);
				snprintf(name, sizeof(name), "b%d", k);
				r = tdx_gate_new(NULL, dir, &c);
				if (r == 0)
					r = tdx_gate_begin(c, name, getpid(), 0, 0, NULL);
				if (write(rep[1], &r, sizeof(r)) != sizeof(r))
					_exit(1);
				child_wait_release(hold[0]);
				if (r == 0)
					tdx_gate_end(c, name);
				_exit(0);
			}
		}
		close(go[0]);
		close(rep[1]);
		close(hold[0]);
		tdx_gate_new(NULL, dir, &g);
		close(go[1]);	/* all begins go */
		if (round % 4)
			usleep((useconds_t)(round % 4) * 150);
		rc = tdx_gate_close(g, 0);
		for (int k = 0; k < RACE_BEGINS; k++) {
			int r = 0x7fff;

			if (read(rep[0], &r, sizeof(r)) != sizeof(r) || (r != 0 && r != -EBUSY)) {
				fprintf(stderr, "round %d: begin %d: %d\n", round, k, r);
				violations++;
			}
			began += r == 0;
		}
		/* Still closed if it drained: nothing live may be recorded now. */
		if (tdx_gate_list(g, &list, &n) == 0)
			for (size_t i = 0; i < n; i++)
				live += list[i].state == TDX_GATE_LIVE;
		free(list);
		if (rc == 0) {
			drained++;
			if (began || live) {
				fprintf(stderr, "round %d: close drained, yet %d begins succeeded "
					"(%d live)\n", round, began, live);
				violations++;
			}
		} else if (rc == -EBUSY) {
			busy++;
			taken_back += !began;
		} else {
			fprintf(stderr, "round %d: close: %d\n", round, rc);
			violations++;
		}
		tdx_gate_free(g);
		close(hold[1]);
		close(rep[0]);
		for (int k = 0; k < RACE_BEGINS; k++)
			waitpid(pids[k], NULL, 0);
	}
	printf("race: %u rounds, close drained %u, builds won %u (%u taken back), violations %u\n",
	       RACE_ROUNDS, drained, busy, taken_back, violations);
	CHECK_INT(violations, 0);
	CHECK_INT(drained + busy, RACE_ROUNDS);
}

/*
 * Issue 16, finding 7: what is not a regular file in builds/ is skipped without being opened
 * for reading in a way that could block (a FIFO), and a symlink is never followed; builds/
 * itself as a symlink, or a run folder others can write, is refused.
 */
static void test_file_types(const char *dir)
{
	struct tdx_gate_entry *list = NULL;
	struct tdx_gate *g = NULL;
	char path[300], target[300];
	size_t n = 9;

	CHECK(tdx_gate_new(NULL, dir, &g) == 0);
	CHECK_INT(tdx_gate_begin(g, "real", getpid(), 0, 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/builds/fifo", dir);
	CHECK(mkfifo(path, 0644) == 0);
	snprintf(path, sizeof(path), "%s/builds/subdir", dir);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/builds/link", dir);
	snprintf(target, sizeof(target), "%s/builds/real", dir);
	CHECK(symlink(target, path) == 0);
	CHECK(tdx_gate_list(g, &list, &n) == 0 && n == 1 && strcmp(list[0].name, "real") == 0);
	free(list);
	CHECK_INT(tdx_gate_end(g, "real"), 0);
	snprintf(path, sizeof(path), "%s/builds/fifo", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/builds/subdir", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/builds/link", dir);
	unlink(path);

	/* builds/ replaced by a symlink: nothing is written through it. */
	snprintf(path, sizeof(path), "%s/builds", dir);
	snprintf(target, sizeof(target), "%s.elsewhere", dir);
	CHECK(rename(path, target) == 0);
	CHECK(symlink(target, path) == 0);
	CHECK_INT(tdx_gate_begin(g, "x", getpid(), 0, 0, NULL), -ENOTDIR);
	CHECK(tdx_gate_list(g, &list, &n) == -ENOTDIR);
	unlink(path);
	CHECK(rename(target, path) == 0);

	/* A run folder others can write. */
	CHECK(chmod(dir, 0777) == 0);
	CHECK_INT(tdx_gate_begin(g, "x", getpid(), 0, 0, NULL), -EPERM);
	CHECK(chmod(dir, 0755) == 0);
	CHECK_INT(tdx_gate_begin(g, "x", getpid(), 0, 0, NULL), 0);
	CHECK_INT(tdx_gate_end(g, "x"), 0);
	tdx_gate_free(g);
}

static volatile sig_atomic_t test_stop;

static void on_alarm(int sig)
{
	(void)sig;
	test_stop = 1;
}

/*
 * Issue 24, N4: the closer waits only for the builds recorded when it closed, as they were
 * then. An entry written by hand after the close (ignoring gate.closed) is late and delays
 * nothing; a live entry rewritten in place with a later expiry extends nothing.
 */
static void test_late(const char *dir)
{
	struct tdx_gate_entry *list = NULL, *e;
	struct tdx_gate *g = NULL, *other = NULL;
	struct child owner = spawn_owner();
	char json[512], path[400];
	time_t now = time(NULL);
	size_t n = 0;
	uint64_t t0;
	FILE *f;

	tdx_gate_new(NULL, dir, &g);
	tdx_gate_new(NULL, dir, &other);
	CHECK_INT(tdx_gate_begin(other, "early", owner.pid, 2, 0, NULL), 0);
	CHECK(tdx_gate_list(other, &list, &n) == 0 && n == 1);
	if (n == 1)
		snprintf(path, sizeof(path), "%s/builds/%s", dir, list[0].file);
	free(list);
	/* Closed with a zero wait: the early build is live, so -EBUSY; with 5 s it expires. */
	if (fork() == 0) {
		unsigned long long st = 0;
		char stat_path[64], buf[1024];
		FILE *sf;

		usleep(300 * 1000);
		/* The owner's start time, for an entry that is live. */
		snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", (int)owner.pid);
		sf = fopen(stat_path, "r");
		if (sf && fgets(buf, sizeof(buf), sf)) {
			char *p = strrchr(buf, ')');

			for (int i = 0; p && i < 20; i++)
				p = strchr(p + 1, ' ');
			if (p)
				st = strtoull(p + 1, NULL, 10);
		}
		if (sf)
			fclose(sf);
		snprintf(json, sizeof(json), "{\"name\":\"late\",\"pid\":%d,"
			 "\"pid_start_time\":%llu,\"started\":%lld,\"expires\":%lld}",
			 (int)owner.pid, st, (long long)now, (long long)now + 3000);
		forge(dir, "late-by-hand", json);
		/* The early entry rewritten in place: a day's expiry. */
		f = fopen(path, "r+");
		if (f) {
			snprintf(json, sizeof(json), "{\"name\":\"early\",\"pid\":%d,"
				 "\"pid_start_time\":%llu,\"started\":%lld,\"expires\":%lld}",
				 (int)owner.pid, st, (long long)now, (long long)now + 3000);
			fputs(json, f);
			fclose(f);
		}
		_exit(0);
	}
	t0 = mono_ms();
	CHECK_INT(tdx_gate_close(g, 10000), 0);
	CHECK(mono_ms() - t0 >= 500 && mono_ms() - t0 < 6000);
	wait(NULL);
	CHECK(tdx_gate_list(g, &list, &n) == 0 && n == 2);
	e = find(list, n, "late");
	CHECK(e && e->state == TDX_GATE_LATE && e->hold_s == 0);
	e = find(list, n, "early");
	CHECK(e && e->state == TDX_GATE_EXPIRED);
	free(list);
	/* Another reader, not the closer, sees both as the files say. */
	CHECK(tdx_gate_list(other, &list, &n) == 0 && n == 2);
	e = find(list, n, "late");
	CHECK(e && e->state == TDX_GATE_LIVE && e->hold_s > 2000);
	free(list);
	tdx_gate_reopen(g);
	child_kill(&owner);
	CHECK_INT(tdx_gate_end(other, "late"), 0);
	CHECK_INT(tdx_gate_end(other, "early"), 0);
	tdx_gate_free(other);
	tdx_gate_free(g);
}

/*
 * Issue 24, N4: what a launcher-group member can open, it can flock: gate.closed and the old
 * top-level gate.lock. Neither closes the gate nor makes the updater wait: the gate is a record
 * root writes and others read, and root's lock is in its 0700 folder. And a signal, through the
 * stop flag, ends the updater's wait for a build at once.
 */
static void test_lock_holder_and_signal(const char *dir)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct tdx_gate *g = NULL, *other = NULL;
	struct child owner;
	char lock[300], closed[300];
	int pipefd[2], status;
	bool is_closed = true;
	pid_t child;
	uint64_t t0;
	char c;

	CHECK(tdx_gate_new(NULL, dir, &g) == 0);
	CHECK(tdx_gate_new(NULL, dir, &other) == 0);
	snprintf(lock, sizeof(lock), "%s/gate.lock", dir);
	snprintf(closed, sizeof(closed), "%s/gate.closed", dir);
	CHECK(pipe(pipefd) == 0);
	child = fork();
	if (child == 0) {
		int fd1 = open(lock, O_RDWR | O_CREAT, 0644);
		int fd2 = open(closed, O_RDWR | O_CREAT, 0644);

		if (fd1 < 0 || fd2 < 0 || flock(fd1, LOCK_EX) < 0 || flock(fd2, LOCK_EX) < 0)
			_exit(1);
		if (write(pipefd[1], "l", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	CHECK(read(pipefd[0], &c, 1) == 1);
	/* Held by "a member": the gate reads open, and a build begins and ends at once. */
	CHECK(tdx_gate_query(other, &is_closed, NULL) == 0 && !is_closed);
	t0 = mono_ms();
	CHECK_INT(tdx_gate_begin(other, "x", getpid(), 0, 0, NULL), 0);
	CHECK_INT(tdx_gate_end(other, "x"), 0);
	/* The updater closes it at once, and begins are refused while it is closed. */
	CHECK_INT(tdx_gate_close(g, 0), 0);
	CHECK(mono_ms() - t0 < 2000);
	CHECK_INT(tdx_gate_begin(other, "y", getpid(), 0, 0, NULL), -EBUSY);
	tdx_gate_reopen(g);
	CHECK(tdx_gate_query(other, &is_closed, NULL) == 0 && !is_closed);

	/* A live build, and a signal during the wait for it: -EINTR, the gate open again. */
	owner = spawn_owner();
	CHECK_INT(tdx_gate_begin(other, "z", owner.pid, 0, 0, NULL), 0);
	sigaction(SIGALRM, &sa, &old);
	test_stop = 0;
	alarm(1);
	t0 = mono_ms();
	CHECK_INT(tdx_gate_close_stop(g, 30000, &test_stop), -EINTR);
	CHECK(mono_ms() - t0 < 5000);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	CHECK(tdx_gate_query(other, &is_closed, NULL) == 0 && !is_closed);
	child_kill(&owner);
	CHECK_INT(tdx_gate_end(other, "z"), 0);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	tdx_gate_free(other);
	tdx_gate_free(g);
}

int main(void)
{
	char tmpl[] = "/tmp/tdxctl-test-gate.XXXXXX", cmd[64];
	const char *dir = mkdtemp(tmpl);
	char sub[sizeof(tmpl) + 16];

	if (!dir)
		return 1;
	/* The run folder does not exist yet: the gate creates it. */
	snprintf(sub, sizeof(sub), "%s/run", dir);
	test_names();
	test_begin_end_list(sub);
	test_stale_expired(sub);
	test_close(sub);
	test_wait_and_crash(sub);
	test_race(sub);
	test_late(sub);
	test_lock_holder_and_signal(sub);
	test_file_types(sub);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return test_finish();
}
