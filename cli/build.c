// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl build begin|end|list: the VMM side of the TD-build gate (tdx-gate.h). A launcher
 * brackets each TD build with begin and end, so that tdxctl update never runs during one.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tdxctl.h"

enum build_verb { VERB_NONE = 0, VERB_BEGIN, VERB_END, VERB_LIST };

struct build_args {
	struct global_opts g;
	enum build_verb verb;
	const char *name;
	const char *rundir;
	uint64_t ttl_ms;
	uint64_t wait_ms;
	pid_t pid;
	bool have_ttl, have_wait;
};

enum { OPT_TTL = 0x300, OPT_WAIT, OPT_PID, OPT_RUNDIR };

static const struct argp_option build_options[] = {
	{ "ttl", OPT_TTL, "DURATION", 0,
	  "begin: the build's entry expires after DURATION (default 300s, at most 1d)", 0 },
	{ "wait", OPT_WAIT, "DURATION", 0,
	  "begin: while an update holds the gate closed, wait up to DURATION (default 0: refuse)",
	  0 },
	{ "pid", OPT_PID, "PID", 0,
	  "begin: the build's owner (default: the parent process, i.e. the launcher)", 0 },
	{ "rundir", OPT_RUNDIR, "DIR", 0,
	  "The gate's folder (default $TDXCTL_RUNDIR or /run/tdxctl)", 0 },
	{ "quiet", 'q', NULL, 0, "begin, end: print nothing on success", 0 },
	{ 0 }
};

/* A duration option; @what names it in the error. */
static void parse_duration(struct argp_state *state, const char *what, const char *arg,
			   uint64_t *ms)
{
	if (tdx_duration_parse(arg, ms) < 0)
		argp_error(state, "%s wants a duration (90, 90s, 500ms, 5m, 1h), not '%s'", what,
			   arg);
}

static error_t build_parse(int key, char *arg, struct argp_state *state)
{
	struct build_args *a = state->input;
	char *end;
	long v;

	switch (key) {
	case OPT_TTL:
		parse_duration(state, "--ttl", arg, &a->ttl_ms);
		if (a->ttl_ms < 1000 || a->ttl_ms > TDX_GATE_TTL_MAX * 1000ull)
			argp_error(state, "--ttl must be 1s to 1d, not '%s'", arg);
		a->have_ttl = true;
		return 0;
	case OPT_WAIT:
		parse_duration(state, "--wait", arg, &a->wait_ms);
		if (a->wait_ms > UINT_MAX)
			argp_error(state, "--wait is at most 49 days, not '%s'", arg);
		a->have_wait = true;
		return 0;
	case OPT_PID:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v <= 0 || v > INT_MAX)
			argp_error(state, "--pid wants a process id, not '%s'", arg);
		a->pid = (pid_t)v;
		return 0;
	case OPT_RUNDIR:
		cli_check_path_option(state, "--rundir");
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
			else if (strcmp(arg, "list") == 0)
				a->verb = VERB_LIST;
			else
				argp_error(state, "'%s' is not begin, end or list", arg);
			return 0;
		}
		if (a->verb == VERB_LIST || a->name)
			argp_error(state, "'%s' is extra", arg);
		if (!tdx_gate_name_valid(arg))
			argp_error(state, "build name '%s' is not 1 to %u of A-Z a-z 0-9 . _ + @ : - "
				   "(not starting with '.')", arg, TDX_GATE_NAME_MAX);
		a->name = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->verb == VERB_NONE)
			argp_error(state, "begin, end or list?");
		if (a->verb != VERB_LIST && !a->name)
			argp_error(state, "which build? (give a NAME)");
		if (a->verb != VERB_BEGIN && (a->have_ttl || a->have_wait || a->pid))
			argp_error(state, "--ttl, --wait and --pid are for begin");
		if (a->verb != VERB_LIST && a->g.json)
			argp_error(state, "--json is for list");
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
	build_options, build_parse, "begin NAME\nend NAME\nlist",
	"The TD-build gate: record TD builds so that tdxctl update never runs during one. A VMM "
	"launcher runs 'begin NAME' before it builds a TD and 'end NAME' once the TD runs (or "
	"failed to start); 'tdxctl update' closes the gate and waits for the builds to end.\v"
	"Exit status: 0 done; 75 the gate is closed (an update is in progress), retry later; 77 not "
	"root nor in the launcher group; 64 usage error; 1 anything else. See tdxctl-build(8).",
	build_children, NULL, NULL
};

static enum tdx_outcome build_begin(struct tdx_gate *gate, const struct build_args *a)
{
	pid_t owner = a->pid ? a->pid : getppid(), closer = 0;
	unsigned int ttl_s = a->have_ttl ? (unsigned int)(a->ttl_ms / 1000) : 0;
	int rc;

	/* The message here; the outcome is the library's reading of the errno. */
	rc = tdx_gate_begin(gate, a->name, owner, ttl_s, (unsigned int)a->wait_ms, &closer);
	switch (rc) {
	case 0:
		if (!a->g.quiet)
			printf("build %s recorded: owner pid %d, expires in %u s; run 'tdxctl build "
			       "end %s' once the TD runs\n", a->name, (int)owner,
			       ttl_s ? ttl_s : TDX_GATE_TTL_DEFAULT, a->name);
		break;
	case -EBUSY:
		if (closer)
			cli_err("the TD-build gate is closed: an update is in progress (pid %d); "
				"build %s not recorded; retry later%s", (int)closer, a->name,
				a->have_wait ? "" : " or give --wait");
		else
			cli_err("the TD-build gate is closed: an update is in progress; build %s "
				"not recorded; retry later%s", a->name,
				a->have_wait ? "" : " or give --wait");
		break;
	case -EEXIST:
		cli_err("a build named %s is already in progress under another owner; pick "
			"another name ('tdxctl build list')", a->name);
		break;
	case -ESRCH:
		cli_err("no process %d to own build %s (--pid)", (int)owner, a->name);
		break;
	case -ETIMEDOUT:
		cli_err("the TD-build gate in %s stayed locked by another process; build %s not "
			"recorded; retry later", tdx_gate_get_dir(gate), a->name);
		break;
	case -EACCES:
	case -EPERM:
		/* Not --rundir: builds recorded elsewhere are builds the updater never sees. */
		cli_err("cannot record build %s in %s: %s; nothing was recorded; TD builds are "
			"recorded by root or by members of group '%s' (see TRUST MODEL in tdxctl(8))",
			a->name, tdx_gate_get_dir(gate), strerror(-rc), TDXCTL_LAUNCHER_GROUP);
		break;
	default:
		cli_err("cannot record build %s in %s: %s", a->name, tdx_gate_get_dir(gate),
			strerror(-rc));
		break;
	}
	return tdx_outcome_from_errno(rc, TDX_ERRNO_HOST);
}

static enum tdx_outcome build_end(struct tdx_gate *gate, const struct build_args *a)
{
	int rc = tdx_gate_end(gate, a->name);

	if (rc == 0) {
		if (!a->g.quiet)
			printf("build %s ended\n", a->name);
		return TDX_OUTCOME_OK;
	}
	if (rc == -ENOENT) {
		/* Ending twice (started, then stopped) is normal for hooks: not an error. */
		if (!a->g.quiet)
			cli_warn("no build %s is recorded in %s", a->name, tdx_gate_get_dir(gate));
		return TDX_OUTCOME_OK;
	}
	cli_err("cannot end build %s in %s: %s", a->name, tdx_gate_get_dir(gate), strerror(-rc));
	return tdx_outcome_from_errno(rc, TDX_ERRNO_HOST);
}

static void format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

static enum tdx_outcome build_list(struct tdx_gate *gate, const struct build_args *a)
{
	struct tdx_gate_entry *list = NULL;
	bool closed = false;
	pid_t closer = 0;
	size_t n = 0;
	time_t now = time(NULL);
	char started[32];
	int rc;

	rc = tdx_gate_query(gate, &closed, &closer);
	if (rc == 0)
		rc = tdx_gate_list(gate, &list, &n);
	if (rc < 0) {
		struct json_object *o = a->g.json ? json_object_new_object() : NULL;

		if (o)
			json_object_object_add(o, "rundir",
					       json_object_new_string(tdx_gate_get_dir(gate)));
		return cli_fail(&a->g, o, tdx_outcome_from_errno(rc, TDX_ERRNO_HOST),
				"cannot read the TD-build gate in %s: %s", tdx_gate_get_dir(gate),
				strerror(-rc));
	}
	if (a->g.json) {
		struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

		json_object_object_add(o, "rundir", json_object_new_string(tdx_gate_get_dir(gate)));
		json_object_object_add(o, "gate", json_object_new_string(closed ? "closed" : "open"));
		json_object_object_add(o, "closer_pid",
				       closed && closer ? json_object_new_int(closer) : NULL);
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "name", json_object_new_string(list[i].name));
			json_object_object_add(e, "state", json_object_new_string(
				tdx_gate_state_name(list[i].state)));
			json_object_object_add(e, "pid", json_object_new_int(list[i].pid));
			json_object_object_add(e, "pid_start_time",
					       json_object_new_int64((int64_t)list[i].pid_start_time));
			json_object_object_add(e, "started", json_object_new_int64(list[i].started));
			json_object_object_add(e, "expires", json_object_new_int64(list[i].expires));
			json_object_array_add(arr, e);
		}
		json_object_object_add(o, "builds", arr);
		json_print(o);
	} else {
		if (closed && closer)
			printf("gate: closed by pid %d (an update is in progress)\n", (int)closer);
		else
			printf("gate: %s\n", closed ? "closed (an update is in progress)" : "open");
		if (!n)
			printf("no TD builds recorded\n");
		else
			printf("%-24s %-8s %8s  %-19s  %s\n", "NAME", "STATE", "PID", "STARTED",
			       "EXPIRES");
		for (size_t i = 0; i < n; i++) {
			const struct tdx_gate_entry *e = &list[i];
			long long left = (long long)(e->expires - now);

			format_time(e->started, started, sizeof(started));
			printf("%-24s %-8s %8d  %-19s  ", e->name, tdx_gate_state_name(e->state),
			       (int)e->pid, started);
			if (left > 0)
				printf("in %lld s\n", left);
			else
				printf("%lld s ago\n", -left);
		}
	}
	free(list);
	return TDX_OUTCOME_OK;
}

int cmd_build(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct build_args a = { 0 };
	struct tdx_gate *gate = NULL;
	enum tdx_outcome outcome;

	if (argp_parse(&build_argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	if (tdx_gate_new(ctx, a.rundir, &gate) < 0)
		return exit_from_outcome(a.g.json ? cli_fail(&a.g, NULL, TDX_OUTCOME_FAILED,
							     "cannot set up the TD-build gate") :
					 TDX_OUTCOME_FAILED);
	switch (a.verb) {
	case VERB_BEGIN:
		outcome = build_begin(gate, &a);
		break;
	case VERB_END:
		outcome = build_end(gate, &a);
		break;
	default:
		outcome = build_list(gate, &a);
		break;
	}
	tdx_gate_free(gate);
	return exit_from_outcome(outcome);
}
