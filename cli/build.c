// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl build begin|end|forget|list: the VMM side of the TD-build gate (tdx-gate.h). A
 * launcher brackets each TD build with begin and end, so that tdxctl update never runs during
 * one; with end --launched it also records the module the TD was launched under (a launch
 * record, tdx-launch.h), which it forgets when the TD ends, for the relaunch advisories.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tdxctl.h"

enum build_verb { VERB_NONE = 0, VERB_BEGIN, VERB_END, VERB_FORGET, VERB_LIST };

struct build_args {
	struct global_opts g;
	enum build_verb verb;
	const char *name;
	const char *rundir;
	uint64_t ttl_ms;
	uint64_t wait_ms;
	pid_t pid;
	bool have_ttl, have_wait, force, launched;
};

enum { OPT_TTL = 0x300, OPT_WAIT, OPT_PID, OPT_RUNDIR, OPT_FORCE, OPT_LAUNCHED };

static const struct argp_option build_options[] = {
	{ "ttl", OPT_TTL, "DURATION", 0,
	  "begin: the build's entry expires after DURATION (default 300s; at most 1d for root, "
	  "1h for a launcher-group member)", 0 },
	{ "wait", OPT_WAIT, "DURATION", 0,
	  "begin: while an update holds the gate closed, wait up to DURATION (default 0: refuse)",
	  0 },
	{ "pid", OPT_PID, "PID", 0,
	  "begin: the build's owner; end --launched: the TD's process (default: the parent "
	  "process, i.e. the launcher); one of the caller's own processes unless root", 0 },
	{ "launched", OPT_LAUNCHED, NULL, 0,
	  "end: the TD runs; record the module it was launched under until 'forget'", 0 },
	{ "force", OPT_FORCE, NULL, 0,
	  "end, as root: end the builds of that name whoever recorded them (a member's too)", 0 },
	{ "rundir", OPT_RUNDIR, "DIR", 0,
	  "The gate's folder (default $TDXCTL_RUNDIR or /run/tdxctl)", 0 },
	{ "quiet", 'q', NULL, 0, "begin, end: print nothing on success", 0 },
	{ 0 }
};

/* A duration option; @what names it in the error. */
static bool parse_duration(struct argp_state *state, struct global_opts *g, const char *what,
			   const char *arg, uint64_t *ms)
{
	if (tdx_duration_parse(arg, ms) == 0)
		return true;
	cli_usage_error(state, g, "%s wants a duration (90, 90s, 500ms, 5m, 1h), not '%s'", what,
			arg);
	return false;
}

static error_t build_parse(int key, char *arg, struct argp_state *state)
{
	struct build_args *a = state->input;
	char *end;
	long v;

	switch (key) {
	case OPT_TTL:
		if (parse_duration(state, &a->g, "--ttl", arg, &a->ttl_ms) &&
		    (a->ttl_ms < 1000 || a->ttl_ms > TDX_GATE_TTL_MAX * 1000ull))
			cli_usage_error(state, &a->g, "--ttl must be 1s to 1d, not '%s'", arg);
		a->have_ttl = true;
		return 0;
	case OPT_WAIT:
		if (parse_duration(state, &a->g, "--wait", arg, &a->wait_ms) &&
		    a->wait_ms > UINT_MAX)
			cli_usage_error(state, &a->g, "--wait is at most 49 days, not '%s'", arg);
		a->have_wait = true;
		return 0;
	case OPT_PID:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v <= 0 || v > INT_MAX)
			cli_usage_error(state, &a->g, "--pid wants a process id, not '%s'", arg);
		a->pid = (pid_t)v;
		return 0;
	case OPT_FORCE:
		a->force = true;
		return 0;
	case OPT_LAUNCHED:
		a->launched = true;
		return 0;
	case OPT_RUNDIR:
		cli_check_path_option(state, &a->g, "--rundir");
		a->rundir = arg;
		return 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->g;
		return 0;
	case 'q':
		a->g.quiet = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->verb == VERB_NONE) {
			if (strcmp(arg, "begin") == 0)
				a->verb = VERB_BEGIN;
			else if (strcmp(arg, "end") == 0)
				a->verb = VERB_END;
			else if (strcmp(arg, "forget") == 0)
				a->verb = VERB_FORGET;
			else if (strcmp(arg, "list") == 0)
				a->verb = VERB_LIST;
			else
				cli_usage_error(state, &a->g, "'%s' is not begin, end, forget or "
						"list", arg);
			return 0;
		}
		if (a->verb == VERB_LIST || a->name)
			cli_usage_error(state, &a->g, "'%s' is extra", arg);
		if (!tdx_gate_name_valid(arg))
			cli_usage_error(state, &a->g, "build name '%s' is not 1 to %u of A-Z a-z "
					"0-9 . _ + @ : - (not starting with '.')", arg,
					TDX_GATE_NAME_MAX);
		a->name = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->verb == VERB_NONE)
			cli_usage_error(state, &a->g, "begin, end, forget or list?");
		if (a->verb != VERB_LIST && !a->name)
			cli_usage_error(state, &a->g, "which build? (give a NAME)");
		if (a->verb != VERB_BEGIN && (a->have_ttl || a->have_wait))
			cli_usage_error(state, &a->g, "--ttl and --wait are for begin");
		if (a->pid && a->verb != VERB_BEGIN && !(a->verb == VERB_END && a->launched))
			cli_usage_error(state, &a->g, "--pid is for begin and end --launched");
		if (a->launched && (a->verb != VERB_END || a->force))
			cli_usage_error(state, &a->g, "--launched is for end, without --force");
		if (a->verb != VERB_END && a->force)
			cli_usage_error(state, &a->g, "--force is for end");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child build_children[] = {
	{ &output_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp build_argp = {
	build_options, build_parse, "begin NAME\nend NAME [--launched [--pid PID]]\nforget NAME\nlist",
	"The TD-build gate: record TD builds so that tdxctl update never runs during one. A VMM "
	"launcher runs 'begin NAME' before it builds a TD and 'end NAME' once the TD runs (or "
	"failed to start); 'tdxctl update' closes the gate and waits for the builds to end. A build "
	"is known by its name and who recorded it: one user's builds never block another's. "
	"'end NAME --launched' also records the module the TD runs under (read by tdxctl), kept "
	"until 'forget NAME' or the TD's process ends: 'tdxctl status' names the TDs launched "
	"under an older module.\v"
	"Exit status: 0 done; 75 the gate is closed (an update is in progress), retry later; 77 not "
	"root nor in the launcher group, --pid not the caller's, --force not as root; 64 usage "
	"error; 1 anything else. See tdxctl-build(8).",
	build_children, NULL, NULL
};

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

/* The fault's name in JSON: "not-a-folder", "owner", "writable", "private". */
static const char *rundir_fault_name(enum tdx_rundir_fault fault)
{
	switch (fault) {
	case TDX_RUNDIR_FAULT_NONE:		return "none";
	case TDX_RUNDIR_FAULT_NOT_A_FOLDER:	return "not-a-folder";
	case TDX_RUNDIR_FAULT_OWNER:		return "owner";
	case TDX_RUNDIR_FAULT_WRITABLE:		return "writable";
	case TDX_RUNDIR_FAULT_PRIVATE:		return "private";
	}
	return "none";
}

/*
 * Why a gate call failed with @rc: the run folder's refusal when the library recorded one
 * (then also as "rundir_refusal" in @o: fault, name, uid, mode), else the errno's words. A new
 * string; NULL without memory.
 */
static char *gate_failure_words(struct tdx_ctx *ctx, int rc, struct json_object *o)
{
	const struct tdx_rundir_refusal *r = tdx_ctx_rundir_refusal(ctx);
	char *w = rundir_refusal_words(ctx), mode[8];
	struct json_object *f;

	if (!w)
		return strdup(strerror(-rc));
	f = json_object_new_object();
	snprintf(mode, sizeof(mode), "%04o", r->mode);
	json_object_object_add(f, "fault", json_object_new_string(rundir_fault_name(r->fault)));
	json_object_object_add(f, "name", tdx_json_string_or_null(r->name));
	json_object_object_add(f, "uid", r->fault == TDX_RUNDIR_FAULT_NOT_A_FOLDER ? NULL :
			       json_object_new_int64(r->uid));
	json_object_object_add(f, "mode", r->fault == TDX_RUNDIR_FAULT_NOT_A_FOLDER ? NULL :
			       json_object_new_string(mode));
	json_object_object_add(o, "rundir_refusal", f);
	return w;
}

/*
 * The error of a gate call that failed with @rc: "@what[ @name] in RUNDIR: why", why as
 * gate_failure_words() says it (and puts in @o). Releases @o; returns the outcome.
 */
static enum tdx_outcome gate_fail(struct tdx_ctx *ctx, struct tdx_gate *gate,
				  const struct global_opts *g, struct json_object *o, int rc,
				  const char *what, const char *name)
{
	char *why = gate_failure_words(ctx, rc, o);
	enum tdx_outcome outcome;

	outcome = cli_fail(g, o, tdx_outcome_from_errno(rc, TDX_ERRNO_HOST), "%s%s%s in %s: %s",
			   what, name ? " " : "", name ? name : "", tdx_gate_get_dir(gate),
			   why ? why : "out of memory");
	free(why);
	return outcome;
}

/* What every build error and result carries: the build's name and the gate's folder. */
static struct json_object *build_fields(struct tdx_gate *gate, const struct build_args *a)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "rundir", json_object_new_string(tdx_gate_get_dir(gate)));
	return o;
}

/* cli_emit()'s text for begin: one line, unless --quiet. */
static void build_begin_text(struct json_object *o, const void *data)
{
	const struct build_args *a = data;

	if (!a->g.quiet)
		printf("build %s recorded: owner pid %d, expires in %d s; run 'tdxctl build end %s' "
		       "once the TD runs\n", a->name,
		       json_object_get_int(json_object_object_get(o, "owner_pid")),
		       json_object_get_int(json_object_object_get(o, "expires_in_s")), a->name);
}

static enum tdx_outcome build_begin(struct tdx_ctx *ctx, struct tdx_gate *gate,
				    const struct build_args *a)
{
	pid_t owner = a->pid ? a->pid : getppid(), closer = 0;
	unsigned int ttl_s = a->have_ttl ? (unsigned int)(a->ttl_ms / 1000) : 0;
	const struct global_opts *g = &a->g;
	struct json_object *o = build_fields(gate, a);
	enum tdx_outcome outcome;
	char *why = NULL;
	int rc;

	json_object_object_add(o, "owner_pid", json_object_new_int(owner));
	/* Only one's own process: a member naming pid 1 would own a build that never goes stale. */
	if (!tdx_gate_owner_allowed(owner)) {
		if (errno == EPERM)
			return cli_fail(g, o, TDX_OUTCOME_PERMISSION, "process %d is not yours: "
					"build %s not recorded; a launcher-group member's build is "
					"owned by one of its own processes (--pid; see TRUST MODEL "
					"in tdxctl(8))", (int)owner, a->name);
		return cli_fail(g, o, tdx_outcome_from_errno(-ESRCH, TDX_ERRNO_HOST),
				"no process %d to own build %s (--pid)", (int)owner, a->name);
	}
	/* A member's builds are bounded (TRUST MODEL): the bound is a permission, so 77. */
	if (ttl_s > tdx_gate_ttl_max(gate))
		return cli_fail(g, o, TDX_OUTCOME_PERMISSION, "--ttl %u s is more than the %u s "
				"a build recorded by uid %u may last; build %s not recorded (see "
				"TRUST MODEL in tdxctl(8))", ttl_s, tdx_gate_ttl_max(gate),
				(unsigned int)geteuid(), a->name);
	/* The message here; the outcome is the library's reading of the errno. */
	rc = tdx_gate_begin(gate, a->name, owner, ttl_s, (unsigned int)a->wait_ms, &closer);
	outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_HOST);
	switch (rc) {
	case 0:
		json_object_object_add(o, "expires_in_s", json_object_new_int(
			(int)(ttl_s ? ttl_s : TDX_GATE_TTL_DEFAULT)));
		cli_emit(g, o, build_begin_text, a);
		return TDX_OUTCOME_OK;
	case -EBUSY:
		json_object_object_add(o, "closer_pid", closer ? json_object_new_int(closer) : NULL);
		if (closer)
			return cli_fail(g, o, outcome, "the TD-build gate is closed: an update is "
					"in progress (pid %d); build %s not recorded; retry later%s",
					(int)closer, a->name, a->have_wait ? "" : " or give --wait");
		return cli_fail(g, o, outcome, "the TD-build gate is closed: an update is in "
				"progress; build %s not recorded; retry later%s", a->name,
				a->have_wait ? "" : " or give --wait");
	case -EEXIST:
		return cli_fail(g, o, outcome, "a build of yours named %s is already in progress "
				"under another owner; pick another name ('tdxctl build list')",
				a->name);
	case -EINTR:
		return cli_fail(g, o, outcome, "interrupted while waiting for the TD-build gate; "
				"build %s not recorded", a->name);
	case -ESRCH:
		return cli_fail(g, o, outcome, "no process %d to own build %s (--pid)", (int)owner,
				a->name);
	case -ETIMEDOUT:
		return cli_fail(g, o, outcome, "the TD-build gate in %s stayed locked by another "
				"process; build %s not recorded; retry later",
				tdx_gate_get_dir(gate), a->name);
	case -EACCES:
	case -EPERM:
		why = gate_failure_words(ctx, rc, o);
		/* An unsafe folder is the folder's fault, not the caller's: no group advice. */
		if (tdx_ctx_rundir_refusal(ctx)->fault != TDX_RUNDIR_FAULT_NONE) {
			outcome = cli_fail(g, o, outcome, "cannot record build %s in %s: %s; "
					   "nothing was recorded", a->name, tdx_gate_get_dir(gate),
					   why ? why : "out of memory");
			break;
		}
		/* Not --rundir: builds recorded elsewhere are builds the updater never sees. */
		outcome = cli_fail(g, o, outcome, "cannot record build %s in %s: %s; nothing was "
				   "recorded; TD builds are recorded by root or by members of group "
				   "'%s' (see TRUST MODEL in tdxctl(8))", a->name,
				   tdx_gate_get_dir(gate), why ? why : "out of memory",
				   TDXCTL_LAUNCHER_GROUP);
		break;
	default:
		return gate_fail(ctx, gate, g, o, rc, "cannot record build", a->name);
	}
	free(why);
	return outcome;
}

/*
 * end --launched: the launch record of the TD in process --pid (default the launcher), with the
 * running module's version and SVN as tdxctl reads them now. A launch that cannot be recorded
 * never fails the TD's start: it is said (the advisories will not know this TD), and the build
 * is ended all the same. The record, or null, goes to "launch" in @o.
 */
static void build_launched(struct tdx_ctx *ctx, struct tdx_gate *gate, const struct build_args *a,
			   struct json_object *o)
{
	pid_t owner = a->pid ? a->pid : getppid();
	struct tdx_module_svn module = { 0 };
	struct tdx_host *host = NULL;
	char v[TDX_VERSION_STRLEN];
	struct json_object *l;
	int rc;

	json_object_object_add(o, "launch", NULL);
	rc = tdx_host_open(ctx, &host);
	if (rc == 0)
		rc = tdx_module_svn_running(ctx, host, NULL, NULL, &module);
	tdx_host_free(host);
	if (rc < 0) {
		cli_warn("cannot read the running TDX module's version (%s): the launch of %s is not "
			 "recorded, and relaunch advisories will not know it", strerror(-rc), a->name);
		return;
	}
	rc = tdx_launch_record(gate, a->name, owner, &module);
	switch (rc) {
	case 0:
		l = json_object_new_object();
		json_object_object_add(l, "pid", json_object_new_int(owner));
		json_object_object_add(l, "module_version", json_object_new_string(
			tdx_version_format(&module.version, v, sizeof(v))));
		json_object_object_add(l, "svn_major", module.source != TDX_SVN_UNKNOWN ?
				       json_object_new_int(module.major) : NULL);
		json_object_object_add(l, "svn_minor", module.source != TDX_SVN_UNKNOWN ?
				       json_object_new_int(module.minor) : NULL);
		json_object_object_add(l, "svn_source", json_object_new_string(
			tdx_svn_source_name(module.source)));
		json_object_object_add(o, "launch", l);
		if (!a->g.quiet && !a->g.json) {
			printf("launch %s recorded: pid %d, module %s", a->name, (int)owner, v);
			if (module.source != TDX_SVN_UNKNOWN)
				printf(", SVN %u.%u (from the %s)\n", module.major, module.minor,
				       tdx_svn_source_name(module.source));
			else
				printf(", SVN unknown\n");
		}
		return;
	case -EPERM:
		cli_warn("process %d is not yours: the launch of %s is not recorded (a "
			 "launcher-group member records only its own processes; see TRUST MODEL in "
			 "tdxctl(8))", (int)owner, a->name);
		return;
	case -ESRCH:
		cli_warn("no process %d: the launch of %s is not recorded (--pid)", (int)owner,
			 a->name);
		return;
	case -EDQUOT:
		cli_warn("you have %u launch records already: the launch of %s is not recorded; "
			 "'tdxctl build forget' those of TDs that ended", TDX_LAUNCH_MEMBER_MAX,
			 a->name);
		return;
	default:
		cli_warn("cannot record the launch of %s in %s: %s; relaunch advisories will not "
			 "know it", a->name, tdx_gate_get_dir(gate), strerror(-rc));
		return;
	}
}

/* cli_emit()'s text for forget: one line, unless --quiet. */
static void build_forget_text(struct json_object *o, const void *data)
{
	const struct build_args *a = data;

	if (!a->g.quiet)
		printf(json_object_get_boolean(json_object_object_get(o, "forgotten")) ?
		       "launch %s forgotten\n" : "no launch %s is recorded by you\n", a->name);
}

static enum tdx_outcome build_forget(struct tdx_ctx *ctx, struct tdx_gate *gate,
				     const struct build_args *a)
{
	struct json_object *o = build_fields(gate, a);
	int rc = tdx_launch_forget(gate, a->name);

	if (rc == 0 || rc == -ENOENT) {
		/* Forgetting twice (stopped, then released) is normal for hooks: not an error. */
		json_object_object_add(o, "forgotten", json_object_new_boolean(rc == 0));
		cli_emit(&a->g, o, build_forget_text, a);
		return TDX_OUTCOME_OK;
	}
	return gate_fail(ctx, gate, &a->g, o, rc, "cannot forget launch", a->name);
}

/* cli_emit()'s text for end: one line, or the warning that there was none, unless --quiet. */
static void build_end_text(struct json_object *o, const void *data)
{
	const struct build_args *a = data;
	int ended = json_object_get_int(json_object_object_get(o, "ended"));

	if (a->g.quiet)
		return;
	if (!ended)
		cli_warn("no build %s is recorded in %s%s", a->name, jstr(o, "rundir"),
			 a->force ? "" : " by you");
	else if (a->force)
		printf("build %s ended (%d %s)\n", a->name, ended, ended == 1 ? "entry" : "entries");
	else
		printf("build %s ended\n", a->name);
}

static enum tdx_outcome build_end(struct tdx_ctx *ctx, struct tdx_gate *gate,
				  const struct build_args *a)
{
	struct json_object *o = build_fields(gate, a);
	size_t ended = 0;
	int rc;

	if (a->launched)
		build_launched(ctx, gate, a, o);

	if (a->force) {
		rc = tdx_gate_end_any(gate, a->name, &ended);
		if (rc == -EPERM)
			return cli_fail(&a->g, o, TDX_OUTCOME_PERMISSION, "--force is root's: only "
					"the run folder's owner ends other users' builds; build %s "
					"not ended", a->name);
	} else {
		rc = tdx_gate_end(gate, a->name);
		ended = rc == 0;
	}
	/* Ending twice (started, then stopped) is normal for hooks: not an error (0 ended). */
	if (rc == 0 || rc == -ENOENT) {
		json_object_object_add(o, "ended", json_object_new_int64((int64_t)ended));
		cli_emit(&a->g, o, build_end_text, a);
		return TDX_OUTCOME_OK;
	}
	return gate_fail(ctx, gate, &a->g, o, rc, "cannot end build", a->name);
}

static void format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

/* The recorder's user name, or the uid in decimal when it has none. */
static void format_user(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res)
		snprintf(buf, size, "%s", res->pw_name);
	else
		snprintf(buf, size, "%u", (unsigned int)uid);
}

/* The launch records build list shows, for its text. */
struct launches_view {
	const struct tdx_launch *list;
	size_t n;
};

/* A launch record's module as JSON fields of @e. */
static void launch_json_add(struct json_object *e, const struct tdx_launch *l)
{
	char v[TDX_VERSION_STRLEN];
	bool svn = l->svn_source != TDX_SVN_UNKNOWN;

	json_object_object_add(e, "module_version", l->have_version ? json_object_new_string(
		tdx_version_format(&l->version, v, sizeof(v))) : NULL);
	json_object_object_add(e, "svn_major", svn ? json_object_new_int(l->svn_major) : NULL);
	json_object_object_add(e, "svn_minor", svn ? json_object_new_int(l->svn_minor) : NULL);
	json_object_object_add(e, "svn_source", json_object_new_string(
		tdx_svn_source_name(l->svn_source)));
}

/* The launch records, judged, as "launches" in @o (JSON) or as a table. */
static void build_list_launches(const struct tdx_launch *ls, size_t n,
				struct json_object *o)
{
	char started[32], user[64], v[TDX_VERSION_STRLEN], svn[16];

	if (o) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < n; i++) {
			const struct tdx_launch *l = &ls[i];
			struct json_object *e = json_object_new_object();

			format_user(l->entry.uid, user, sizeof(user));
			json_object_object_add(e, "name", json_object_new_string(l->entry.name));
			json_object_object_add(e, "state", json_object_new_string(
				tdx_launch_state_name(l->state)));
			json_object_object_add(e, "uid", json_object_new_int64(l->entry.uid));
			json_object_object_add(e, "user", json_object_new_string(user));
			json_object_object_add(e, "member", json_object_new_boolean(l->entry.member));
			json_object_object_add(e, "pid", json_object_new_int(l->entry.pid));
			json_object_object_add(e, "pid_start_time",
					       json_object_new_int64((int64_t)l->entry.pid_start_time));
			json_object_object_add(e, "launched", json_object_new_int64(l->entry.started));
			json_object_object_add(e, "age_s", json_object_new_int64(l->entry.age_s));
			launch_json_add(e, l);
			json_object_array_add(arr, e);
		}
		json_object_object_add(o, "launches", arr);
		return;
	}
	if (!n) {
		printf("no TD launches recorded\n");
		return;
	}
	printf("%-24s %-9s %-12s %8s  %-19s  %-8s %s\n", "LAUNCH", "STATE", "RECORDER", "PID",
	       "LAUNCHED", "MODULE", "SVN");
	for (size_t i = 0; i < n; i++) {
		const struct tdx_launch *l = &ls[i];

		format_time(l->entry.started, started, sizeof(started));
		format_user(l->entry.uid, user, sizeof(user));
		if (l->svn_source != TDX_SVN_UNKNOWN)
			snprintf(svn, sizeof(svn), "%u.%u", l->svn_major, l->svn_minor);
		else
			snprintf(svn, sizeof(svn), "unknown");
		printf("%-24s %-9s %-12s %8d  %-19s  %-8s %s\n", l->entry.name,
		       tdx_launch_state_name(l->state), user, (int)l->entry.pid, started,
		       l->have_version ? tdx_version_format(&l->version, v, sizeof(v)) : "?", svn);
	}
}

/* build list --json's object: the gate and every recorded build. */
static struct json_object *build_list_to_json(struct tdx_gate *gate, bool closed, pid_t closer,
					      int64_t since, const struct tdx_gate_entry *list,
					      size_t n)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char user[64];

	json_object_object_add(o, "rundir", json_object_new_string(tdx_gate_get_dir(gate)));
	json_object_object_add(o, "gate", json_object_new_string(closed ? "closed" : "open"));
	json_object_object_add(o, "closer_pid",
			       closed && closer ? json_object_new_int(closer) : NULL);
	json_object_object_add(o, "closed_for_s", closed && since >= 0 ?
			       json_object_new_int64(since) : NULL);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_new_object();

		format_user(list[i].uid, user, sizeof(user));
		json_object_object_add(e, "name", json_object_new_string(list[i].name));
		json_object_object_add(e, "state", json_object_new_string(
			tdx_gate_state_name(list[i].state)));
		json_object_object_add(e, "uid", json_object_new_int64(list[i].uid));
		json_object_object_add(e, "user", json_object_new_string(user));
		json_object_object_add(e, "member", json_object_new_boolean(list[i].member));
		json_object_object_add(e, "pid", json_object_new_int(list[i].pid));
		json_object_object_add(e, "pid_start_time",
				       json_object_new_int64((int64_t)list[i].pid_start_time));
		json_object_object_add(e, "started", json_object_new_int64(list[i].started));
		json_object_object_add(e, "expires", json_object_new_int64(list[i].expires));
		json_object_object_add(e, "age_s", json_object_new_int64(list[i].age_s));
		json_object_object_add(e, "holds_s", json_object_new_int64(list[i].hold_s));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "builds", arr);
	return o;
}

/* cli_emit()'s text for build list: the gate, then a table of the builds, from the object. */
static void build_list_text(struct json_object *o, const void *data)
{
	const struct launches_view *launches = data;
	struct json_object *builds = json_object_object_get(o, "builds");
	struct json_object *closer = json_object_object_get(o, "closer_pid");
	bool closed = strcmp(jstr(o, "gate"), "closed") == 0;
	size_t n = json_object_array_length(builds);
	char started[32];

	if (closed && closer)
		printf("gate: closed by pid %d (an update is in progress)\n",
		       json_object_get_int(closer));
	else
		printf("gate: %s\n", closed ? "closed (an update is in progress)" : "open");
	if (!n)
		printf("no TD builds recorded\n");
	else
		printf("%-24s %-8s %-12s %8s  %-19s  %s\n", "NAME", "STATE", "RECORDER", "PID",
		       "STARTED", "HOLDS UPDATES");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(builds, i);

		format_time((time_t)json_object_get_int64(json_object_object_get(e, "started")),
			    started, sizeof(started));
		printf("%-24s %-8s %-12s %8d  %-19s  ", jstr(e, "name"), jstr(e, "state"),
		       jstr(e, "user"), json_object_get_int(json_object_object_get(e, "pid")),
		       started);
		if (strcmp(jstr(e, "state"), tdx_gate_state_name(TDX_GATE_LIVE)) == 0)
			printf("%s s more at most\n", jstr(e, "holds_s"));
		else
			printf("no\n");
	}
	build_list_launches(launches->list, launches->n, NULL);
}

static enum tdx_outcome build_list(struct tdx_ctx *ctx, struct tdx_gate *gate,
				   const struct build_args *a)
{
	struct tdx_launch *launches = NULL;
	size_t n_launches = 0;
	struct tdx_gate_entry *list = NULL;
	bool closed = false;
	pid_t closer = 0;
	int64_t since = -1;
	size_t n = 0;
	int rc;

	rc = tdx_gate_query_since(gate, &closed, &closer, &since);
	if (rc == 0)
		rc = tdx_gate_list(gate, &list, &n);
	if (rc == 0)
		rc = tdx_launch_list(gate, &launches, &n_launches);
	if (rc == 0)
		rc = tdx_launch_resolve_svn(ctx, launches, n_launches, NULL, NULL);
	if (rc < 0) {
		struct json_object *o = json_object_new_object();

		free(list);
		free(launches);
		json_object_object_add(o, "rundir", json_object_new_string(tdx_gate_get_dir(gate)));
		return gate_fail(ctx, gate, &a->g, o, rc, "cannot read the TD-build gate", NULL);
	}
	{
		struct launches_view lv = { .list = launches, .n = n_launches };
		struct json_object *o = build_list_to_json(gate, closed, closer, since, list, n);

		build_list_launches(launches, n_launches, o);
		cli_emit(&a->g, o, build_list_text, &lv);
	}
	free(list);
	free(launches);
	return TDX_OUTCOME_OK;
}

int cmd_build(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct build_args a = { 0 };
	struct tdx_gate *gate = NULL;
	enum tdx_outcome outcome;

	if (cli_parse(&build_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	if (tdx_gate_new(ctx, a.rundir, &gate) < 0)
		return exit_from_outcome(a.g.json ? cli_fail(&a.g, NULL, TDX_OUTCOME_FAILED,
							     "cannot set up the TD-build gate") :
					 TDX_OUTCOME_FAILED);
	switch (a.verb) {
	case VERB_BEGIN:
		outcome = build_begin(ctx, gate, &a);
		break;
	case VERB_END:
		outcome = build_end(ctx, gate, &a);
		break;
	case VERB_FORGET:
		outcome = build_forget(ctx, gate, &a);
		break;
	default:
		outcome = build_list(ctx, gate, &a);
		break;
	}
	tdx_gate_free(gate);
	return exit_from_outcome(outcome);
}
