// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl update: install a TDX module image into the running host through the kernel's
 * firmware-upload device, safely.
 *
 * 1. Pre-flight, before anything is written to the kernel: permission, every offline check,
 *    compatibility, "already current", the update budget, CPUs online, upload device idle, the
 *    update lock. Every failing check is recorded with its stable name.
 * 2. The image in the kernel's format (0x200 unless told otherwise).
 * 3. The upload, with SIGINT/SIGTERM abandoning cleanly before loading=0 and held after it.
 * 4. The verdict from facts (the version file), not from the error word alone.
 * Every attempt ends in exactly one result (text, or one JSON object), one history line and
 * one syslog line; the exit status comes from exit_from_outcome() only.
 */
#include <argp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "update.h"

#define DEFAULT_TIMEOUT_S	120
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
	{ "json", 'j', NULL, 0, "Print the result as one JSON object", 0 },
	{ "quiet", 'q', NULL, 0,
	  "For cron and timers: nothing when updated, current or to be retried later (0, 75); "
	  "one line on stderr otherwise", 0 },
	{ "timeout", OPT_TIMEOUT, "S", 0,
	  "Wait at most S seconds for the kernel to finish (default 120)", 0 },
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
	uint64_t ms;

	if (tdx_duration_parse(arg, &ms) < 0 || ms < min_ms || ms > max_ms)
		argp_error(state, "%s wants a duration such as 500ms, 30s, 30m or 2h (%llu ms to "
			   "%llu s), not '%s'", opt, (unsigned long long)min_ms,
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
		return 0;
	case 'j':
		a->g.json = true;
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
			argp_error(state, "--version wants X.Y.ZZ, not '%s'", arg);
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
			argp_error(state, "--timeout wants 1 to 3600 seconds, not '%s'", arg);
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "0x200") == 0 || strcmp(arg, "512") == 0)
			a->format = TDX_IMAGE_FORMAT;
		else if (strcmp(arg, "0x100") == 0 || strcmp(arg, "256") == 0)
			a->format = TDX_BLOB_FORMAT;
		else
			argp_error(state, "--image-format wants 0x200 or 0x100, not '%s'", arg);
		return 0;
	case OPT_REINSTALL:
		a->reinstall = true;
		return 0;
	case OPT_MODULE:
		cli_check_path_option(state, "--module");
		a->module = arg;
		return 0;
	case OPT_LOAD_MODULE:
		a->load_module = true;
		return 0;
	case OPT_HISTORY:
		cli_check_path_option(state, "--history");
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
			argp_error(state, "one image at a time ('%s' is extra)", arg);
		a->image.path = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->latest && a->image.path)
			argp_error(state, "give IMAGE or --latest DIR, not both");
		if (!a->image.path && !a->latest)
			argp_error(state, "which image? (give a path, or --latest DIR)");
		if (a->latest && (a->image.sig_path || a->version || a->reinstall))
			argp_error(state, "--latest picks the release itself: --sigstruct, "
				   "--version and --reinstall go with IMAGE");
		if (a->have_retry_interval && !a->retry_for_ms)
			argp_error(state, "--retry-interval goes with --retry-for");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child update_children[] = {
	{ &image_argp, 0, "Image options:", 0 },
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

/* The image's bytes for the kernel, with their SHA-256 for the record and for comparison. */
static int update_build(const struct update_args *a, const struct tdx_image *image,
			struct update_result *r, uint8_t **buf, size_t *len)
{
	uint8_t md[TDX_SHA256_LEN];
	int rc;

	rc = tdx_image_build(image, a->format, buf, len);
	if (rc < 0) {
		update_result_set(r, TDX_OUTCOME_FAILED, "cannot build the image in format 0x%x: %s; "
			   "nothing was changed", a->format, strerror(-rc));
		return rc;
	}
	if (tdx_sha256(*buf, *len, md) < 0) {
		update_result_set(r, TDX_OUTCOME_FAILED, "cannot hash the image (OpenSSL); nothing was "
			   "changed");
		return -EIO;
	}
	tdx_hex_encode(md, sizeof(md), r->sha256);
	r->format = a->format;
	r->size = *len;
	return 0;
}

/*
 * The mapping file @src names or finds (tdx_mapping_open()); one that cannot be used ends the
 * attempt (66, or 1 without memory), with the CLI's advice. 0 with *@mapping NULL: none.
 */
int update_mapping_open(struct tdx_ctx *ctx, struct update_result *r,
			const struct tdx_mapping_source *src, struct tdx_mapping **mapping,
			char **path)
{
	int rc = tdx_mapping_open(ctx, src, mapping, path);

	if (rc < 0)
		update_result_set(r, tdx_mapping_open_outcome(rc), "cannot use the mapping file %s: "
				  "%s%s; nothing was changed", *path ? *path : "",
				  tdx_mapping_strerror(rc),
				  rc == -EPERM ? " (fix its owner and mode, or give --mapping)" : "");
	return rc;
}

/*
 * Compatibility (compatibility.md §2) against the mapping file named or found beside the image.
 * Returns the verdict; a mapping file that cannot be used is an input error.
 */
static enum tdx_compat_verdict update_compat(struct tdx_ctx *ctx, const struct update_args *a,
					     const struct tdx_image *image,
					     const struct tdx_host_status *st,
					     struct update_result *r)
{
	enum tdx_compat_verdict verdict = TDX_COMPAT_INCOMPATIBLE;
	struct tdx_compat_opts copts = { .reinstall = a->reinstall,
					 .allow_debug = a->image.allow_debug };
	const struct tdx_release_info *release = NULL;
	struct tdx_version user, v, *vp = NULL;
	struct tdx_mapping *mapping = NULL;
	enum tdx_version_source src;
	struct tdx_host_facts facts;
	struct tdx_mapping_source msrc = { 0 };
	char *found = NULL;
	int rc;

	if (a->version)
		tdx_version_parse(a->version, &user);
	rc = tdx_image_resolve_version(image, r->image_path, a->version ? &user : NULL, &v, &src);
	if (rc == 0) {
		vp = &v;
	} else if (rc == -EINVAL) {
		char sv[TDX_VERSION_STRLEN];

		tdx_report_add(r->report, TDX_CHK_COMPAT_IMAGE_VERSION, TDX_CHECK_FAIL,
			       "--version %s disagrees with the version %s in the image's "
			       "sigstruct; nothing was changed; drop --version or check the image",
			       a->version, tdx_version_format(&v, sv, sizeof(sv)));
		vp = &v;
	}
	if (vp)
		tdx_version_format(vp, r->image_version, sizeof(r->image_version));

	msrc.path = r->mapping_path ? r->mapping_path : a->mapping;
	msrc.image = r->image_path;
	if (update_mapping_open(ctx, r, &msrc, &mapping, &found) < 0) {
		free(found);
		return TDX_COMPAT_INCOMPATIBLE;
	}
	if (mapping && vp)
		release = tdx_mapping_find(mapping, vp);
	copts.no_mapping = !mapping;
	tdx_host_status_facts(st, &facts);
	rc = tdx_compat_check(&facts, image, vp, release, &copts, r->report, &verdict);
	if (rc < 0)
		update_result_set(r, TDX_OUTCOME_FAILED, "compatibility check failed to run: %s",
			   strerror(-rc));
	tdx_mapping_free(mapping);
	free(found);
	return verdict;
}

/*
 * The running module's handoff version (its sigstruct's module_hv) is in no sysfs file: only
 * its release's files have it. Look for them where Intel's trees put a release of the same line
 * as the image: beside it (joined_files/X.Y/, or a folder of images), or in the sibling folder
 * of separate_files/X.Y/X.Y.ZZ/. Returns 0 and the value, or -ENOENT.
 */
static int running_module_hv(struct tdx_ctx *ctx, const char *image_path,
			     const struct tdx_version *running, uint16_t *hv)
{
	/* where, relative to the image's folder ("" or "/../X.Y.ZZ"), and which file */
	static const struct {
		bool sibling;
		const char *ext;
	} places[] = { { false, "sigstruct" }, { false, "blob" }, { false, "img" },
		       { true, "sigstruct" } };
	char v[TDX_VERSION_STRLEN], path[4096], *dir, *slash;
	struct tdx_sigstruct sig;
	int rc = -ENOENT;

	dir = strdup(image_path);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	tdx_version_format(running, v, sizeof(v));
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]) && rc; i++) {
		bool pair = strcmp(places[i].ext, "sigstruct") == 0;
		uint8_t *buf = NULL;
		size_t len, off = pair ? 0 : TDX_PAGE_SIZE;

		snprintf(path, sizeof(path), "%s%s%s/tdx_module_%s.%s", dir,
			 places[i].sibling ? "/../" : "", places[i].sibling ? v : "", v,
			 places[i].ext);
		if (access(path, R_OK) || tdx_file_read(ctx, path, TDX_READ_MAX_SIZE, &buf, &len))
			continue;
		if (len >= off + TDX_SIGSTRUCT_SIZE &&
		    tdx_sigstruct_parse(buf + off, TDX_SIGSTRUCT_SIZE, &sig) == 0) {
			*hv = sig.module_hv;
			rc = 0;
		}
		free(buf);
	}
	free(dir);
	return rc;
}

/*
 * The image's min_update_hv against the running module's handoff version, when tdxctl can know
 * it (README.md): above it, the loader fails the install at CPU_INSTALL and the module is lost.
 */
static void update_handoff(struct tdx_ctx *ctx, const struct tdx_image *image,
			   const struct tdx_host_status *st, struct update_result *r)
{
	const struct tdx_sigstruct *ss = tdx_image_get_sigstruct_fields(image);
	char v[TDX_VERSION_STRLEN];
	uint16_t hv;

	if (!ss)
		return;
	if (!ss->min_update_hv) {
		tdx_report_add(r->report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_PASS,
			       "min_update_hv is 0: any running module can hand over");
		return;
	}
	if (st->version_rc)
		return;
	tdx_version_format(&st->version, v, sizeof(v));
	if (running_module_hv(ctx, r->image_path, &st->version, &hv) < 0) {
		tdx_report_add(r->report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_WARN,
			       "the image needs a running module with handoff version %u or later; "
			       "the running %s's is unknown (its release is not beside the image): "
			       "if it is lower, the loader fails the install and every TD is lost",
			       ss->min_update_hv, v);
		return;
	}
	if (hv < ss->min_update_hv) {
		tdx_report_add(r->report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_FAIL,
			       "the image needs a running module with handoff version %u or later; "
			       "the running %s has %u (its release's sigstruct): the loader would "
			       "fail the install and every TD would be lost; nothing was changed",
			       ss->min_update_hv, v, hv);
		return;
	}
	tdx_report_add(r->report, TDX_CHK_COMPAT_HANDOFF, TDX_CHECK_PASS,
		       "the running %s has handoff version %u, at least min_update_hv %u", v, hv,
		       ss->min_update_hv);
}

/*
 * The last check is the lock; once it is held, re-read what another updater could have
 * changed meanwhile (it held the lock until its verdict), so two updates never both run.
 */
static int update_lock(struct tdx_ctx *ctx, struct tdx_host *host, struct tdx_host_status *st,
		       struct update_result *r, struct tdx_lock **lock)
{
	struct tdx_host_status now;
	struct tdx_lock_owner owner = { 0 };
	struct tdx_report *again;
	int rc;

	rc = tdx_lock_acquire(ctx, tdx_ctx_get_path(ctx, TDX_CTX_RUN_DIR), lock, &owner);
	if (rc == -EWOULDBLOCK) {
		tdx_report_add(r->report, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL,
			       "another tdxctl (PID %d) holds %s/update.lock and is updating; "
			       "nothing was changed; retry when it is done ('tdxctl status')",
			       (int)owner.pid, tdx_ctx_get_path(ctx, TDX_CTX_RUN_DIR));
		return rc;
	}
	if (rc < 0) {
		tdx_report_add(r->report, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL,
			       "cannot take %s/update.lock: %s; nothing was changed",
			       tdx_ctx_get_path(ctx, TDX_CTX_RUN_DIR), strerror(-rc));
		return rc;
	}
	tdx_report_add(r->report, TDX_CHK_HOST_LOCK, TDX_CHECK_PASS, "held by this process");

	tdx_host_collect(ctx, host, &now);
	if (now.version_rc != st->version_rc ||
	    (!now.version_rc && tdx_version_cmp(&now.version, &st->version) != 0)) {
		char v[TDX_VERSION_STRLEN] = "?";

		if (!now.version_rc)
			tdx_version_format(&now.version, v, sizeof(v));
		if (!now.version_rc && strcmp(v, r->image_version) == 0)
			update_result_set(r, TDX_OUTCOME_OK, "already current: another update installed "
				   "%s while this one was checking; nothing done", v);
		else
			update_result_set(r, TDX_OUTCOME_RETRY, "the running module changed from %s to %s "
				   "during the checks (another update?); nothing was changed; run "
				   "again", r->old_version, v);
		return -EAGAIN;
	}
	if (tdx_report_new(&again) < 0)
		return -ENOMEM;
	tdx_host_check_ready(ctx, &now, again);
	if (tdx_report_outcome(again) != TDX_OUTCOME_OK) {
		size_t i;

		tdx_report_first_failure(again, &i);
		tdx_report_add(r->report, tdx_report_id(again, i), TDX_CHECK_FAIL, "%s",
			       tdx_report_message(again, i));
		rc = -EAGAIN;
	}
	tdx_report_free(again);
	*st = now;
	return rc;
}

static bool update_interrupted(struct update_result *r);

/*
 * The live builds' names, "vm1, vm2", for the one-line refusal: the gate's own report line
 * says more, but a fleet's log wants the names first.
 */
static void gate_live_names(struct tdx_gate *gate, char *buf, size_t size)
{
	struct tdx_gate_entry *list = NULL;
	size_t n = 0, len = 0;

	buf[0] = '\0';
	if (tdx_gate_list(gate, &list, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n && len < size; i++) {
		if (list[i].state != TDX_GATE_LIVE)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
					list[i].name);
	}
	free(list);
	if (!buf[0])
		snprintf(buf, size, "(ended just now)");
}

/*
 * TD builds (kernel-update-path.md §4.2): close the gate VMM launchers check before a TD build,
 * then wait up to --wait-builds for the recorded builds to end; refuse (75) when some remain.
 * It stays closed until the verdict, and a signal ends the wait at once. A dry run only looks,
 * so that it never holds up a launcher.
 */
static int update_gate(struct tdx_ctx *ctx, const struct update_args *a, struct update_result *r,
		       struct tdx_gate **gate)
{
	struct tdx_gate_entry *list = NULL;
	size_t n = 0, live = 0;
	char names[256];
	int rc;

	rc = tdx_gate_new(ctx, NULL, gate);
	if (rc < 0)
		return rc;
	if (a->dry_run) {
		rc = tdx_gate_list(*gate, &list, &n);
		for (size_t i = 0; !rc && i < n; i++)
			live += list[i].state == TDX_GATE_LIVE;
		free(list);
		if (rc < 0)
			tdx_report_add(r->report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
				       "cannot list the TD builds in %s: %s",
				       tdx_gate_get_dir(*gate), strerror(-rc));
		else if (live)
			tdx_report_add(r->report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
				       "%zu TD build(s) in progress ('tdxctl build list'): an "
				       "update now would be refused; retry when they end", live);
		else
			tdx_report_add(r->report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_PASS,
				       "no TD build in progress");
		return rc < 0 ? rc : live ? -EBUSY : 0;
	}
	if (update_phases_shown(a) && tdx_gate_list(*gate, &list, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			live += list[i].state == TDX_GATE_LIVE;
		if (live)
			update_phase(a, r, "closing the TD-build gate; waiting up to %u.%03u s for %zu TD "
			      "build(s) to end", a->wait_builds_ms / 1000, a->wait_builds_ms % 1000,
			      live);
	}
	free(list);
	rc = tdx_gate_close_stop(*gate, a->wait_builds_ms, &update_signal, r->report);
	if (rc == -EBUSY) {
		gate_live_names(*gate, names, sizeof(names));
		update_result_set(r, TDX_OUTCOME_RETRY, "TD builds in progress: %s; retry later", names);
	} else if (rc == -EINTR) {
		update_interrupted(r);
	} else if (rc == -EALREADY)
		tdx_report_add(r->report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
			       "another process holds the TD-build gate in %s closed; nothing was "
			       "changed; retry later", tdx_gate_get_dir(*gate));
	else if (rc < 0)
		tdx_report_add(r->report, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL,
			       "cannot close the TD-build gate in %s: %s; nothing was changed",
			       tdx_gate_get_dir(*gate), strerror(-rc));
	return rc;
}

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

/* Between the steps of the checks: stop before anything is written when asked to. */
static bool update_interrupted(struct update_result *r)
{
	if (!update_signal)
		return false;
	update_result_set(r, TDX_OUTCOME_INTERRUPTED, "interrupted by %s during the checks: "
			  "nothing was written to the kernel", strsignal(update_signal));
	return true;
}

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
 * The verdict: the facts after the upload, judged by tdx_update_judge() (the version file
 * decides, the error word only refines), put in words for people.
 */
static void update_verdict(struct tdx_host *host, const struct update_args *a,
			   struct update_result *r, bool same_version_expected)
{
	struct tdx_update_facts facts = { 0 };
	enum tdx_update_judgement judgement;
	enum tdx_outcome outcome;
	unsigned int remaining;

	r->phase = "verdict";
	r->have_kernel_error = r->run.have_error_after && r->run.error_after.set;
	if (r->have_kernel_error)
		tdx_fw_error_format(&r->run.error_after, r->kernel_error, sizeof(r->kernel_error));
	if (tdx_host_read_remaining_updates(host, &remaining) == 0) {
		r->have_remaining_after = true;
		r->remaining_after = remaining;
	}
	r->started = tdx_fwupload_run_started(&r->run) ||
		     (r->have_remaining_before && r->have_remaining_after &&
		      r->remaining_after < r->remaining_before);

	facts.version_rc = tdx_host_read_version(host, &facts.now);
	tdx_version_parse(r->old_version, &facts.old);
	tdx_version_parse(r->image_version, &facts.image);
	facts.reinstall = same_version_expected;
	facts.timed_out = r->run.timed_out;
	facts.have_kernel_error = r->have_kernel_error;
	facts.kernel_error_code = r->run.error_after.code;
	facts.started = r->started;
	judgement = tdx_update_judge(&facts);
	outcome = tdx_update_judgement_outcome(judgement);
	if (judgement != TDX_JUDGED_LOST && judgement != TDX_JUDGED_STILL_BUSY &&
	    judgement != TDX_JUDGED_UNREADABLE)
		tdx_version_format(&facts.now, r->new_version, sizeof(r->new_version));

	switch (judgement) {
	case TDX_JUDGED_LOST:
		update_result_set(r, outcome, "the TDX module was LOST during the update "
			   "(version now fails with ENXIO%s%s): every TD is gone; reboot required",
			   r->have_kernel_error ? "; kernel error " : "",
			   r->have_kernel_error ? r->kernel_error : "");
		break;
	case TDX_JUDGED_STILL_BUSY:
		update_result_set(r, outcome, "the kernel was still busy after %u s (status "
			   "not idle): the update is still running; do not reboot or retry now; "
			   "watch 'tdxctl status' until the upload device is idle", a->timeout_s);
		break;
	case TDX_JUDGED_UNREADABLE:
		update_result_set(r, outcome, "cannot read the module version after the "
			   "update: %s; check 'tdxctl status'", strerror(-facts.version_rc));
		break;
	case TDX_JUDGED_PARTIAL:
		update_result_set(r, outcome, "the kernel reported %s, yet the version now "
			   "reads %s: the update may be partial (some CPU failed a step); start no "
			   "new TDs, check the kernel log, and reboot to get a consistent state",
			   r->kernel_error, r->new_version);
		break;
	case TDX_JUDGED_UPDATED:
		update_result_set(r, outcome, "%s the TDX module %s -> %s in %llu ms (upload "
			   "%llu ms, %zu bytes, format 0x%x)",
			   same_version_expected ? "reinstalled" : "updated", r->old_version,
			   r->new_version,
			   (unsigned long long)((tdx_monotonic_ns() - r->t0) / 1000000),
			   (unsigned long long)(r->run.upload_ns / 1000000), r->size, r->format);
		break;
	case TDX_JUDGED_OTHER_VERSION:
		update_result_set(r, outcome, "the running module is now %s, neither the "
			   "old %s nor the image's %s; TDX is running; check 'tdxctl status' and "
			   "the kernel log", r->new_version, r->old_version, r->image_version);
		break;
	case TDX_JUDGED_DEVICE_BUSY:
		update_result_set(r, outcome, "the kernel refused to start now (%s: a TD "
			   "build or migration is in progress); the running module %s is intact; "
			   "retry later", r->kernel_error, r->old_version);
		break;
	case TDX_JUDGED_REJECTED:
		update_result_set(r, outcome, "the update was rejected (%s); the running module "
			   "%s is intact%s", r->have_kernel_error ? r->kernel_error :
			   "the kernel reported no error, yet the version did not change",
			   r->old_version, r->started ? "" : " (tdxctl could not confirm that its "
			   "upload started: the error shown may be an earlier attempt's)");
		break;
	}
}

/*
 * The upload itself: loading=1, data, then signals blocked, loading=0, wait. Returns with
 * signals still blocked once loading=0 was written (*@committed), so that nothing interrupts
 * the verdict.
 */
static void update_upload(struct tdx_ctx *ctx, const struct update_args *a,
			  struct update_result *r, const char *dir, const uint8_t *buf, size_t len,
			  bool *committed)
{
	sigset_t old;
	int rc;

	*committed = false;
	r->phase = "upload";
	update_phase(a, r, "uploading %zu bytes (format 0x%x, sha256 %.16s...) to %s", len, r->format,
	      r->sha256, dir);
	rc = tdx_fwupload_begin(ctx, dir, &r->run);
	if (rc < 0) {
		update_result_set(r, TDX_OUTCOME_FAILED, "cannot start the upload (%s/loading=1: %s); "
			   "nothing was changed", dir, strerror(-rc));
		r->started = -1;
		return;
	}
	rc = tdx_fwupload_write_data(ctx, dir, buf, len, &update_signal, &r->run);
	update_signals_block(&old);
	if (!rc && update_signal)
		rc = -EINTR;	/* arrived after the last write, before the block */
	if (rc == -ENODEV) {
		/* Another writer owns the device: our loading=1 did nothing, leave theirs alone. */
		update_result_set(r, TDX_OUTCOME_RETRY, "another upload owns the upload device (data: "
			   "ENODEV); nothing was changed; retry when it is idle");
		r->started = -1;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	if (rc < 0) {
		tdx_fwupload_abandon(ctx, dir);
		r->started = -1;
		if (rc == -EINTR)
			update_result_set(r, TDX_OUTCOME_INTERRUPTED, "interrupted by %s before "
				   "the image was handed to the kernel: abandoned (loading=-1); "
				   "nothing was changed", strsignal(update_signal));
		else
			update_result_set(r, TDX_OUTCOME_FAILED, "writing the image failed at byte %zu of "
				   "%zu: %s; abandoned (loading=-1); nothing was changed",
				   r->run.written, len, strerror(-rc));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	update_phase(a, r, "image written; handing it to the kernel (loading=0)");
	rc = tdx_fwupload_commit(ctx, dir);
	*committed = true;
	if (rc < 0) {
		/* Whether anything started is judged below from the version file. */
		if (!a->g.quiet)
			cli_warn("%s/loading=0: %s", dir, strerror(-rc));
	}
	rc = tdx_fwupload_wait_idle(ctx, dir, tdx_monotonic_ns() +
				    (uint64_t)a->timeout_s * 1000000000ull, &r->run);
	update_phase(a, r, "upload device %s after %llu ms (%u polls)%s", r->run.timed_out ? "still busy"
	      : "idle", (unsigned long long)(r->run.upload_ns / 1000000), r->run.polls,
	      rc < 0 && !r->run.timed_out ? "; status unreadable" : "");
}

/* The host device, loading its kernel module first when asked to (and allowed to). */
static struct tdx_host *update_host_open(struct tdx_ctx *ctx, const struct update_args *a,
					 const struct update_result *r, const char *kmodule,
					 bool root)
{
	struct tdx_host *host = NULL;
	enum tdx_kmodule_state ks = TDX_KMODULE_UNKNOWN;
	int rc;

	if (tdx_host_open(ctx, &host) != -ENODEV || !a->load_module || !root)
		return host;
	tdx_kmodule_get_state(ctx, kmodule, &ks);
	if (ks != TDX_KMODULE_NOT_LOADED)
		return host;
	update_phase(a, r, "loading kernel module %s", kmodule);
	rc = tdx_kmodule_load(ctx, kmodule);
	if (rc < 0 && !a->g.quiet)
		cli_warn("could not load %s: %s", kmodule,
			 rc == -EPERM ? "blacklisted" : strerror(-rc));
	tdx_host_open(ctx, &host);
	return host;
}

/*
 * One attempt, from the first check to its history line. It takes and releases the update
 * lock and the TD-build gate itself, so that nothing is held while a retry waits. The result
 * stays in @r (zeroed by the caller) for the caller to print once it knows this attempt was
 * the last; returns its outcome. When the image reached the kernel, signals stay blocked
 * (update_upload()), so that one arriving during the verdict is reported as held.
 */
static enum tdx_outcome update_attempt(struct tdx_ctx *ctx, const struct update_args *args,
				       unsigned int attempt, struct update_result *r)
{
	struct update_args a = *args;	/* the format default is per attempt */
	struct tdx_verify_opts vopts;
	struct tdx_image *image = NULL;
	struct tdx_host *host;
	struct tdx_lock *lock = NULL;
	struct tdx_gate *gate = NULL;
	struct tdx_host_status st;
	enum tdx_compat_verdict verdict = TDX_COMPAT_INCOMPATIBLE;
	enum tdx_outcome oc;
	const char *kmodule = tdx_kmodule_name(ctx, a.module), *upload;
	char why[512];
	uint8_t *buf = NULL;
	size_t len = 0;
	bool root, rawio, committed = false, same_version;
	int rc;

	r->phase = "pre-flight";
	r->attempt = attempt;
	r->t0 = tdx_monotonic_ns();
	r->dry_run = a.dry_run;
	if (tdx_report_new(&r->report) < 0)
		return TDX_OUTCOME_FAILED;

	/* 1. Pre-flight. Nothing below writes to the kernel until the upload. */
	tdx_caller_get_privileges(&root, &rawio);
	if (!root || !rawio)
		tdx_report_add(r->report, TDX_CHK_HOST_PERMISSION, TDX_CHECK_FAIL,
			       "%s: installing a module needs root with CAP_SYS_RAWIO; nothing was "
			       "changed; run as root", root ? "CAP_SYS_RAWIO missing" : "not root");
	else
		tdx_report_add(r->report, TDX_CHK_HOST_PERMISSION, TDX_CHECK_PASS,
			       "root, CAP_SYS_RAWIO");
	host = update_host_open(ctx, &a, r, kmodule, root);

	if (a.latest) {
		if (update_pick_latest(ctx, &a, host, r) == 0)
			goto done;
	} else {
		r->image_path = strdup(a.image.path);
		r->sig_path = a.image.sig_path ? strdup(a.image.sig_path) : NULL;
		if (!r->image_path || (a.image.sig_path && !r->sig_path)) {
			update_result_set(r, TDX_OUTCOME_FAILED, "out of memory");
			goto done;
		}
	}
	if (r->image_path) {
		struct image_args img = a.image;

		img.path = r->image_path;
		img.sig_path = r->sig_path;
		rc = image_open(ctx, &img, r->report, &image, &oc, why, sizeof(why));
		if (rc < 0 && oc != TDX_OUTCOME_INVALID_IMAGE) {
			/* A permission failure comes first: probably why the file is unreadable. */
			if (!update_preflight_failed(r))
				update_result_set(r, oc, "%s; nothing was changed", why);
			goto done;
		}
		if (image) {
			image_args_verify_opts(&img, &vopts);
			rc = tdx_image_verify(image, &vopts, r->report);
			if (rc < 0 && rc != -EBADMSG) {
				update_result_set(r, TDX_OUTCOME_FAILED, "offline checks could not "
					   "run: %s", strerror(-rc));
				goto done;
			}
		}
		update_phase(&a, r, "image %s: %zu checks, %zu failed", r->image_path,
		      tdx_report_count(r->report), tdx_report_count_status(r->report,
									     TDX_CHECK_FAIL));
	}

	tdx_host_collect(ctx, host, &st);
	if (!st.version_rc)
		tdx_version_format(&st.version, r->old_version, sizeof(r->old_version));
	if (!st.remaining_rc) {
		r->have_remaining_before = true;
		r->remaining_before = st.remaining;
	}
	tdx_host_check_interface(ctx, &st, kmodule, r->report);
	if (!a.format) {
		/* The series with the seamldr/ folder (v3-v7) took only Intel's 0x100 blobs. */
		a.format = st.layout == TDX_LAYOUT_SEAMLDR_DIR || st.layout == TDX_LAYOUT_V3 ?
			   TDX_BLOB_FORMAT : TDX_IMAGE_FORMAT;
		if (a.format == TDX_BLOB_FORMAT)
			update_phase(&a, r, "layout %s: sending format 0x100 (--image-format overrides)",
			      tdx_host_layout_name(st.layout));
	}
	if (!image) {
		if (!r->image_path && !update_preflight_failed(r))
			update_result_set(r, TDX_OUTCOME_FAILED, "cannot tell which release under %s "
				   "is newer: the running module's version is unreadable (%s); "
				   "nothing was changed; see 'tdxctl status'", a.latest,
				   strerror(-st.version_rc));
		goto done;
	}
	verdict = update_compat(ctx, &a, image, &st, r);
	if (r->have_outcome)
		goto done;
	if (verdict != TDX_COMPAT_CURRENT)
		update_handoff(ctx, image, &st, r);
	if (verdict == TDX_COMPAT_CURRENT && !update_preflight_failed(r)) {
		update_result_set(r, TDX_OUTCOME_OK, "already current: the running module is %s, the "
			   "image's version; nothing done (--reinstall installs it again)",
			   r->old_version);
		snprintf(r->new_version, sizeof(r->new_version), "%s", r->old_version);
		goto done;
	}
	if (host)
		tdx_host_check_ready(ctx, &st, r->report);
	if (update_preflight_failed(r) || update_interrupted(r))
		goto done;
	if (update_lock(ctx, host, &st, r, &lock) < 0 || r->have_outcome)
		goto done;
	if (update_gate(ctx, &a, r, &gate) < 0 || update_interrupted(r))
		goto done;
	upload = tdx_host_get_upload_path(host);	/* @host's: valid until it is freed below */

	/* 2. The image in the kernel's format. */
	if (update_build(&a, image, r, &buf, &len) < 0 || update_interrupted(r))
		goto done;
	update_phase(&a, r, "pre-flight passed: %zu checks; image built (%zu bytes, format 0x%x)",
	      tdx_report_count(r->report), len, r->format);
	if (a.dry_run) {
		update_result_set(r, TDX_OUTCOME_OK, "dry run: every check passed; would write "
			   "loading=1, %zu bytes (format 0x%x, sha256 %s) to %s/data, loading=0, "
			   "then wait up to %u s for idle and expect version %s -> %s; nothing was "
			   "written", len, r->format, r->sha256, upload, a.timeout_s,
			   r->old_version, r->image_version);
		goto done;
	}

	/* 3. The upload; 4. the verdict. */
	same_version = strcmp(r->old_version, r->image_version) == 0;
	update_upload(ctx, &a, r, upload, buf, len, &committed);
	r->committed = committed;
	if (committed) {
		update_verdict(host, &a, r, same_version);
		r->held_signal = update_signal_pending();
	}

done:
	update_result_advise(r);
	r->outcome = update_result_outcome(r);
	r->have_outcome = true;
	update_result_record(ctx, &a, r, exit_from_outcome(r->outcome));
	tdx_gate_free(gate);	/* reopens the TD-build gate */
	tdx_lock_release(lock);
	free(buf);
	tdx_image_free(image);
	tdx_host_free(host);
	return r->outcome;
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

int cmd_update(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct update_args a = { .timeout_s = DEFAULT_TIMEOUT_S,
				 .wait_builds_ms = DEFAULT_WAIT_BUILDS_MS,
				 .retry_interval_ms = DEFAULT_RETRY_INTERVAL_MS };
	struct update_result r = { 0 };
	struct update_run run = { 0 };
	struct tdx_retry_policy policy;
	enum tdx_outcome outcome;
	uint64_t delay, elapsed_ms;
	sigset_t orig;
	int code, sig;

	if (argp_parse(&update_argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
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
		update_result_release(&r);
		outcome = update_attempt(ctx, &a, ++run.attempts, &r);
		if (!r.report) {
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
		update_note_retry(&a, &r, delay);
		if (!update_backoff_sleep(delay, &orig)) {
			run.stopped_by = update_signal;
			break;
		}
	}

	code = exit_from_outcome(r.outcome);
	if (a.g.json)
		json_print(update_result_to_json(&a, &r, code, run.attempts, run.stopped_by));
	else if (a.g.quiet)
		update_result_print_quiet(&r);
	else
		update_result_print_text(&r, &run);
	update_result_release(&r);
	return code;
}
