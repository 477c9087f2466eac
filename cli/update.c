// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl update: install a TDX module image into the running host through the kernel's
 * firmware-upload device, safely. The attempt itself (pre-flight, upload, verdict, history
 * record) is libtdxctl's struct tdx_update (lib/update/attempt.c); this is its front end: the
 * options, the signals (SIGINT/SIGTERM abandon cleanly before loading=0 and are held after
 * it), the retry loop, the output and the exit status (exit_from_outcome() only).
 */
#include <argp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "update.h"

#define STRINGIFY_(x)	#x
#define STRINGIFY(x)	STRINGIFY_(x)
#define DEFAULT_WAIT_BUILDS_MS	(60 * 1000u)
#define WAIT_BUILDS_MAX_MS	(24 * 3600 * 1000u)
#define DEFAULT_RETRY_INTERVAL_MS	(30 * 1000u)
#define RETRY_CAP_FACTOR	10u	/* no backoff delay exceeds 10 x --retry-interval */

/*
 * The one piece of process-wide state: a signal handler can only talk to the code it
 * interrupted through a static volatile sig_atomic_t. It is written by the handler and read by
 * the upload loop (between writes to `data`) and just before loading=0. Nothing else uses it.
 */
static volatile sig_atomic_t update_signal;

static void update_on_signal(int sig)
{
	update_signal = sig;
}

enum {
	OPT_MAPPING = 0x300, OPT_VERSION, OPT_DRY_RUN, OPT_TIMEOUT, OPT_FORMAT, OPT_REINSTALL,
	OPT_MODULE, OPT_LOAD_MODULE, OPT_HISTORY, OPT_LATEST, OPT_WAIT_BUILDS, OPT_RETRY_FOR,
	OPT_RETRY_INTERVAL,
};

static const struct argp_option update_options[] = {
	IMAGE_STRICT_OPTION,
	{ "mapping", OPT_MAPPING, "FILE", 0,
	  "Intel's mapping_file.json (default: beside the image)", 0 },
	{ "version", OPT_VERSION, "X.Y.ZZ", 0,
	  "The image's module version, when neither its sigstruct nor its file name carries it",
	  0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0,
	  "Do every check, say what the upload would do, and write nothing to the kernel", 0 },
	{ "latest", OPT_LATEST, "DIR", 0,
	  "Instead of IMAGE: the newest release under DIR this host can take in place (exit 0, "
	  "'already current', when none is newer)", 0 },
	{ "wait-builds", OPT_WAIT_BUILDS, "DURATION", 0,
	  "Wait up to DURATION for recorded TD builds to end before giving up with 75 (default "
	  "60s)", 0 },
	{ "retry-for", OPT_RETRY_FOR, "DURATION", 0,
	  "Retry outcomes that may clear by themselves (75: device busy, lock held, TD builds) "
	  "with backoff and jitter for up to DURATION", 0 },
	{ "retry-interval", OPT_RETRY_INTERVAL, "DURATION", 0,
	  "The first and shortest delay between attempts (default 30s; delays double up to 10 "
	  "times it)", 0 },
	{ "quiet", 'q', NULL, 0,
	  "For cron and timers: nothing when updated, current or to be retried later (0, 75); "
	  "one line on stderr otherwise", 0 },
	{ "timeout", OPT_TIMEOUT, "S", 0,
	  "Wait at most S seconds for the kernel to finish (default "
	  STRINGIFY(TDX_UPDATE_TIMEOUT_S) ")", 0 },
	{ "image-format", OPT_FORMAT, "0x200|0x100", 0,
	  "Format sent to the kernel: 0x200 (mainline and series v8+; the default) or 0x100 "
	  "(series up to v8; the default when the sysfs layout is one of series v3-v7)", 0 },
	{ "reinstall", OPT_REINSTALL, NULL, 0,
	  "Install even when the running version is the image's", 0 },
	{ "module", OPT_MODULE, "NAME", 0,
	  "Kernel module providing the interface (default $TDXCTL_MODULE, else tdx_host)", 0 },
	{ "load-module", OPT_LOAD_MODULE, NULL, 0,
	  "Load that module when the interface is missing (modprobe rules, blacklist honoured)",
	  0 },
	{ "history", OPT_HISTORY, "FILE", 0,
	  "Record the attempt in FILE (default $TDXCTL_HISTORY, else " TDXCTL_STATEDIR
	  "/history.jsonl)", 0 },
	{ 0 }
};

/* A DURATION option ("500ms", "30s", "30m"; bare numbers are seconds) within [@min, @max] ms. */
static uint64_t parse_duration(struct argp_state *state, const char *opt, const char *arg,
			       uint64_t min_ms, uint64_t max_ms)
{
	struct update_args *a = state->input;
	uint64_t ms;

	if (tdx_duration_parse(arg, &ms) < 0 || ms < min_ms || ms > max_ms)
		cli_usage_error(state, &a->g, "%s wants a duration such as 500ms, 30s, 30m or 2h "
				"(%llu ms to %llu s), not '%s'", opt, (unsigned long long)min_ms,
				(unsigned long long)(max_ms / 1000), arg);
	return ms;
}

static error_t update_parse(int key, char *arg, struct argp_state *state)
{
	struct update_args *a = state->input;
	struct tdx_version v;
	char *end;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->image;
		state->child_inputs[1] = &a->g;
		state->child_inputs[2] = &a->tcb;
		/* The children's bad values wait for --json too (cli_usage_error()). */
		a->image.g = &a->g;
		a->tcb.g = &a->g;
		return 0;
	case 'q':
		a->g.quiet = true;
		return 0;
	case OPT_MAPPING:
		a->mapping = arg;
		return 0;
	case IMAGE_OPT_STRICT:
		a->image.strict = true;
		return 0;
	case OPT_VERSION:
		if (tdx_version_parse(arg, &v) < 0)
			cli_usage_error(state, &a->g, "--version wants X.Y.ZZ, not '%s'", arg);
		a->version = arg;
		return 0;
	case OPT_DRY_RUN:
		a->dry_run = true;
		return 0;
	case OPT_TIMEOUT:
		errno = 0;
		a->timeout_s = (unsigned int)strtoul(arg, &end, 10);
		if (errno || end == arg || *end || arg[0] == '-' || !a->timeout_s ||
		    a->timeout_s > 3600)
			cli_usage_error(state, &a->g, "--timeout wants 1 to 3600 seconds, not '%s'",
					arg);
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "0x200") == 0 || strcmp(arg, "512") == 0)
			a->format = TDX_IMAGE_FORMAT;
		else if (strcmp(arg, "0x100") == 0 || strcmp(arg, "256") == 0)
			a->format = TDX_BLOB_FORMAT;
		else
			cli_usage_error(state, &a->g, "--image-format wants 0x200 or 0x100, not '%s'",
					arg);
		return 0;
	case OPT_REINSTALL:
		a->reinstall = true;
		return 0;
	case OPT_MODULE:
		cli_check_path_option(state, &a->g, "--module");
		a->module = arg;
		return 0;
	case OPT_LOAD_MODULE:
		a->load_module = true;
		return 0;
	case OPT_HISTORY:
		cli_check_path_option(state, &a->g, "--history");
		a->history = arg;
		return 0;
	case OPT_LATEST:
		a->latest = arg;
		return 0;
	case OPT_WAIT_BUILDS:
		a->wait_builds_ms = (unsigned int)parse_duration(state, "--wait-builds", arg, 0,
								 WAIT_BUILDS_MAX_MS);
		return 0;
	case OPT_RETRY_FOR:
		a->retry_for_ms = parse_duration(state, "--retry-for", arg, 0,
						 7ull * 24 * 3600 * 1000);
		return 0;
	case OPT_RETRY_INTERVAL:
		a->retry_interval_ms = parse_duration(state, "--retry-interval", arg, 100,
						      24ull * 3600 * 1000);
		a->have_retry_interval = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->image.path)
			cli_usage_error(state, &a->g, "one image at a time ('%s' is extra)",
					arg);
		a->image.path = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->latest && a->image.path)
			cli_usage_error(state, &a->g, "give IMAGE or --latest DIR, not both");
		if (!a->image.path && !a->latest)
			cli_usage_error(state, &a->g, "which image? (give a path, or --latest "
					"DIR)");
		if (a->latest && (a->image.sig_path || a->version || a->reinstall))
			cli_usage_error(state, &a->g, "--latest picks the release itself: "
					"--sigstruct, --version and --reinstall go with IMAGE");
		/*
		 * Under sudo the trusted key is the host's, never the caller's choice; a usage
		 * error before it is said first (64), as when argp_error() stopped there.
		 */
		if (a->image.have_key_hash && !tdx_caller_may_choose_paths() && !a->g.usage_error)
			argp_failure(state, EXIT_NOPERM, 0, "--key-hash is refused when root runs "
				     "tdxctl update for another user (sudo, doas, pkexec): the caller "
				     "would choose the key root trusts; nothing was done; drop the "
				     "option, or run tdxctl as root itself");
		if (a->have_retry_interval && !a->retry_for_ms)
			cli_usage_error(state, &a->g, "--retry-interval goes with --retry-for");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child update_children[] = {
	{ &image_argp, 0, "Image options:", 0 },
	{ &output_argp, 0, NULL, 0 },
	{ &tcb_argp, 0, "What verifiers will think of it (Intel's TCB Info):", 0 },
	{ 0 }
};

static const struct argp update_argp = {
	update_options, update_parse, "IMAGE\n--latest DIR",
	"Install IMAGE (or the newest installable release under DIR) as the running TDX module "
	"without a reboot. Every check runs before anything reaches the kernel; the verdict comes "
	"from the module version the kernel reports afterwards.\v"
	"Exit status: 0 updated or already current; 3 rejected, running module intact; 4 FATAL: "
	"module lost, reboot required; 64 usage; 65 invalid image; 66 unreadable input; 69 not "
	"possible on this host; 75 try again later; 77 permission; 1 anything else.",
	update_children, NULL, NULL
};


/*
 * From the start, so that an interrupted attempt still ends in one result and one history
 * line. A signal the caller left ignored (nohup, a shell's background job) stays ignored.
 */
static void update_signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { 0 }, old;

	sa.sa_handler = update_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a write to `data` returns EINTR so the loop sees the signal. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* From loading=0 to the verdict; SIGQUIT too, whose default would dump core mid-update. */
static void update_signals_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* A signal that arrived while blocked after loading=0 (it stays pending until exit). */
static int update_signal_pending(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigset_t set;

	if (update_signal)
		return update_signal;
	if (sigpending(&set) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigismember(&set, sigs[i]))
			return sigs[i];
	return 0;
}

/*
 * The attempt's hold: once the image is written, block the signals that would interrupt the
 * verdict (they stay pending and are reported as held); unblock them if it abandons after all.
 */
static void update_hold(void *data, bool hold)
{
	struct update_state *s = data;

	if (hold)
		update_signals_block(&s->mask);
	else
		sigprocmask(SIG_SETMASK, &s->mask, NULL);
}

/*
 * One attempt, from the first check to its history line. The gate and the lock are released
 * before the line is written, so that nothing is held while it or a retry waits; what it came
 * to stays in @s for the caller to print once it knows this attempt was the last. When the
 * image reached the kernel, signals stay blocked (update_hold()), so that one arriving during
 * the verdict is held.
 */
static enum tdx_outcome update_attempt(struct tdx_ctx *ctx, const struct update_args *a,
				       struct update_state *s)
{
	struct tdx_update_opts o = {
		.sig_path = a->image.sig_path, .latest_dir = a->latest, .mapping = a->mapping,
		.version = a->version, .kmodule = a->module, .format = a->format,
		.timeout_s = a->timeout_s, .wait_builds_ms = a->wait_builds_ms,
		.dry_run = a->dry_run, .reinstall = a->reinstall, .load_module = a->load_module,
		.cancel = &update_signal, .hold = update_hold, .data = s,
		.tcb_info = a->tcb_info,
	};
	enum tdx_outcome outcome;
	int code;

	image_args_verify_opts(&a->image, &o.verify);
	/* Warnings are shown unless --quiet; progress only on a terminal. */
	if (!a->g.quiet)
		o.phase = update_show_phase;
	s->t0 = tdx_monotonic_ns();
	if (tdx_update_new(ctx, a->latest ? NULL : a->image.path, &o, &s->u) < 0)
		return TDX_OUTCOME_FAILED;
	if (tdx_update_preflight(s->u) == 0) {
		tdx_update_commit(s->u);
		if (tdx_update_get_uploaded(s->u))
			s->held_signal = update_signal_pending();
	}
	update_result_advise(s);
	outcome = tdx_update_get_outcome(s->u);
	code = exit_from_outcome(outcome);
	/*
	 * The gate and the lock first: writing the record can wait (briefly) for the history's
	 * lock, and no TD launch or other update may wait on that.
	 */
	tdx_update_unlock(s->u);
	if (tdx_update_record(s->u, a->history, a->dry_run ? "update --dry-run" : "update",
			      said(s->record), code, a->retry_for_ms ? s->attempt : 0) < 0 &&
	    !a->g.json && !a->g.quiet)
		cli_warn("could not record this attempt in %s", tdx_history_path(ctx, a->history));
	return outcome;
}

/*
 * The one jitter source for the backoff: getrandom(2) does not block once the pool is ready;
 * before that, the clock's low bits spread a fleet's retries well enough.
 */
static uint32_t update_random(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	return (uint32_t)tdx_monotonic_ns() * 2654435761u;
}

/*
 * Wait @ms before the next attempt, with the signal mask of the program's start (@orig) so
 * that SIGINT/SIGTERM/SIGHUP end the wait at once. The handled signals are blocked except
 * inside ppoll(), which unblocks them atomically: one that arrives just before the wait still
 * ends it. Returns false when a signal asked to stop. Leaves the mask at @orig.
 */
static bool update_backoff_sleep(uint64_t ms, const sigset_t *orig)
{
	uint64_t end = tdx_monotonic_ns() + ms * 1000000ull;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	while (!update_signal) {
		uint64_t now = tdx_monotonic_ns();
		struct timespec ts;

		if (now >= end)
			break;
		ts.tv_sec = (time_t)((end - now) / 1000000000ull);
		ts.tv_nsec = (long)((end - now) % 1000000000ull);
		ppoll(NULL, 0, &ts, orig);
	}
	sigprocmask(SIG_SETMASK, orig, NULL);
	return !update_signal;
}

/*
 * What the update means for the TDs already running, once it installed the module or found it
 * current (not for a dry run, nor any other outcome: the running module is not the target's):
 * those launched under an older module, judged with --tcb-info, else the host's configured TCB
 * Info, as status judges them. After the attempt's record, which is the evidence of the running
 * module's SVN.
 */
static void update_relaunch_collect(struct tdx_ctx *ctx, const struct update_args *a,
				    struct update_state *s)
{
	const struct tdx_tcb_info *tcb = a->tcb_info;
	struct tdx_host *host = NULL;

	if (tdx_update_get_outcome(s->u) != TDX_OUTCOME_OK || tdx_update_get_dry_run(s->u))
		return;
	/* Kept in @s until the result is printed: the judged TDs' statuses are its strings. */
	if (!tcb && tdx_tcb_source_open(ctx, (int64_t)time(NULL), &s->relaunch_tcb) == 0 &&
	    s->relaunch_tcb.state == TDX_TCB_SOURCE_OK)
		tcb = s->relaunch_tcb.info;
	tdx_host_open(ctx, &host);
	tdx_relaunch_collect(ctx, host, a->history, tcb, &s->relaunch);
	s->have_relaunch = true;
	tdx_host_free(host);
}

int cmd_update(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct update_args a = { .timeout_s = TDX_UPDATE_TIMEOUT_S,
				 .wait_builds_ms = DEFAULT_WAIT_BUILDS_MS,
				 .retry_interval_ms = DEFAULT_RETRY_INTERVAL_MS };
	struct update_state s = { .args = &a };
	struct update_run run = { 0 };
	struct tdx_retry_policy policy;
	enum tdx_outcome outcome;
	uint64_t delay, elapsed_ms;
	struct json_object *result;
	sigset_t orig;
	int code, sig;

	if (cli_parse(&update_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	/* A TCB Info that cannot be trusted refuses the run before any check (66). */
	{
		struct tdx_tcb_info *tcb = NULL;
		char *why = NULL;

		if (tcb_info_open(ctx, &a.tcb, &tcb, &outcome, &why) < 0) {
			outcome = cli_fail(&a.g, NULL, outcome, "%s; nothing was changed",
					   why ? why : "out of memory");
			free(why);
			return exit_from_outcome(outcome);
		}
		a.tcb_info = tcb;
	}
	/* --quiet promises one line at most: the library's own error lines would add more. */
	if (a.g.quiet && tdx_ctx_get_log_priority(ctx) <= LOG_ERR)
		tdx_ctx_set_log_priority(ctx, LOG_CRIT);
	policy.base_ms = a.retry_interval_ms;
	policy.cap_ms = a.retry_interval_ms * RETRY_CAP_FACTOR;
	policy.budget_ms = a.retry_for_ms;
	sigprocmask(SIG_BLOCK, NULL, &orig);
	update_signals_install();

	run.t0 = tdx_monotonic_ns();
	for (;;) {
		update_state_clear(&s);
		s.attempt = ++run.attempts;
		outcome = update_attempt(ctx, &a, &s);
		if (!s.u) {
			cli_err("update: out of memory");
			return exit_from_outcome(TDX_OUTCOME_FAILED);
		}
		sig = update_signal_pending();
		if (sig) {
			if (a.retry_for_ms && tdx_outcome_retryable(outcome))
				run.stopped_by = sig;
			break;
		}
		elapsed_ms = (tdx_monotonic_ns() - run.t0) / 1000000;
		if (!tdx_retry_next(&policy, outcome, run.attempts, elapsed_ms, update_random(),
				    &delay))
			break;
		update_note_retry(&a, &s, delay);
		if (!update_backoff_sleep(delay, &orig)) {
			run.stopped_by = update_signal;
			break;
		}
	}

	code = exit_from_outcome(tdx_update_get_outcome(s.u));
	update_relaunch_collect(ctx, &a, &s);
	result = update_result_to_json(&a, &s, code, &run);
	cli_emit(&a.g, result, a.g.quiet ? update_result_print_quiet : update_result_print_text,
		 NULL);
	update_state_clear(&s);
	tdx_tcb_info_free((struct tdx_tcb_info *)a.tcb_info);
	return code;
}
