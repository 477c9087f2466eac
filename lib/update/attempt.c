// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One update attempt, from the first check to its history record:
 *
 * 1. Pre-flight, before anything is written to the kernel: permission, every offline check,
 *    compatibility, "already current", the update budget, CPUs online, upload device idle, the
 *    update lock (and the same facts read again under it), the TD-build gate. Every failing
 *    check is recorded with its stable name; the host's are judged by status's readiness rules
 *    (tdx_readiness_judge_rules()) from the facts the attempt learns.
 * 2. Commit: the image in the kernel's format (0x200 unless told otherwise), uploaded; a
 *    cancel request abandons it cleanly before loading=0, and the front end holds its signals
 *    after it.
 * 3. The verdict from facts (the version file), judged by tdx_update_judge().
 * The front end decides what to print and how to exit; nothing here prints or words anything:
 * an attempt ends in a struct tdx_update_result (an outcome, a reason, its facts, remedies).
 *
 * One return convention for the steps, as for tdx_update_preflight(): 0 when the attempt goes
 * on, 1 when its outcome is decided (u->res says why), a negative errno when the step could
 * not run (and the outcome is decided too).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "update-private.h"


static enum tdx_outcome update_outcome(const struct tdx_update *u)
{
	return u->have_outcome ? u->outcome : tdx_report_outcome(u->report);
}

static bool update_failed(const struct tdx_update *u)
{
	size_t i;

	return u->have_outcome || tdx_report_first_failure(u->report, &i) == 0;
}

/* Between the steps of the checks: stop before anything is written when asked to (1). */
static int update_cancelled(struct tdx_update *u)
{
	if (!u->o.cancel || !*u->o.cancel)
		return 0;
	update_set(u, TDX_OUTCOME_INTERRUPTED, TDX_UPDATE_R_CANCELLED, 0, NULL)->signal =
		*u->o.cancel;
	return 1;
}

/*
 * The outcome fixed: set directly, or a failed check's (the first names the reason); what to
 * do next goes with it as remedies.
 */
static void update_finish(struct tdx_update *u)
{
	enum tdx_outcome outcome = update_outcome(u);
	size_t i;

	u->finished = true;
	if (!u->have_outcome && tdx_report_first_failure(u->report, &i) == 0) {
		update_set(u, outcome, TDX_UPDATE_R_CHECK_FAILED, 0, NULL);
		u->res.check = tdx_report_id(u->report, i);
		u->res.check_index = i;
		u->res.remedies = tdx_report_remedies(u->report, i);
	} else if (!u->have_outcome) {
		update_set(u, outcome, TDX_UPDATE_R_NONE, 0, NULL);
	}
	switch (outcome) {
	case TDX_OUTCOME_REJECTED:
		u->res.remedies |= TDX_REMEDY_KERNEL_LOG;
		break;
	case TDX_OUTCOME_LOST:
		u->res.remedies |= TDX_REMEDY_REBOOT;
		break;
	case TDX_OUTCOME_RETRY:
	case TDX_OUTCOME_INTERRUPTED:
		u->res.remedies |= TDX_REMEDY_RETRY_LATER;
		break;
	default:
		break;
	}
	u->outcome = outcome;
	u->have_outcome = true;
}

TDX_EXPORT
int tdx_update_new(struct tdx_ctx *ctx, const char *image, const struct tdx_update_opts *opts,
		   struct tdx_update **update)
{
	struct tdx_update *u;

	*update = NULL;
	if (!ctx || !opts || !image == !opts->latest_dir)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->ctx = ctx;
	u->o = *opts;
	if (!u->o.timeout_s)
		u->o.timeout_s = TDX_UPDATE_TIMEOUT_S;
	u->phase = "pre-flight";
	u->t0 = tdx_monotonic_ns();
	if (tdx_report_new(&u->report) < 0)
		goto oom;
	if (image) {
		u->image_path = strdup(image);
		u->sig_path = opts->sig_path ? strdup(opts->sig_path) : NULL;
		if (!u->image_path || (opts->sig_path && !u->sig_path))
			goto oom;
	}
	*update = u;
	return 0;
oom:
	tdx_update_free(u);
	return -ENOMEM;
}

TDX_EXPORT
void tdx_update_unlock(struct tdx_update *u)
{
	if (!u)
		return;
	tdx_gate_free(u->gate);		/* reopens the TD-build gate */
	u->gate = NULL;
	tdx_lock_free(u->lock);
	u->lock = NULL;
}

TDX_EXPORT
void tdx_update_free(struct tdx_update *u)
{
	if (!u)
		return;
	tdx_update_unlock(u);
	tdx_image_free(u->image);
	tdx_host_free(u->host);
	tdx_report_free(u->report);
	tdx_readiness_facts_clear(&u->rf);
	free(u->image_path);
	free(u->sig_path);
	free(u->mapping_path);
	free(u->res_path);
	free(u->res_detail);
	tdx_releases_free(u->releases);
	free(u);
}

/* The host device, loading its kernel module first when asked to (and allowed to). */
static void update_host_open(struct tdx_update *u, const char *kmodule, bool root)
{
	enum tdx_kmodule_state ks = TDX_KMODULE_UNKNOWN;
	int rc;

	if (tdx_host_open(u->ctx, &u->host) != -ENODEV || !u->o.load_module || !root)
		return;
	tdx_kmodule_get_state(u->ctx, kmodule, &ks);
	if (ks != TDX_KMODULE_NOT_LOADED)
		return;
	update_phase(u, &(struct tdx_update_progress){ .phase = TDX_UPDATE_PHASE_MODULE_LOAD,
						       .name = kmodule });
	rc = tdx_kmodule_load(u->ctx, kmodule, &u->rf.kmodule_load);
	/* Facts for host.interface, and for the result (update_set() copies them). */
	u->rf.kmodule_load_err = rc < 0 ? rc : 0;
	if (rc < 0)
		update_phase(u, &(struct tdx_update_progress){
			.phase = TDX_UPDATE_PHASE_WARNING, .warning = TDX_UPDATE_WARN_MODULE_LOAD,
			.name = kmodule, .err = rc, .kmodule_load = u->rf.kmodule_load });
	tdx_host_open(u->ctx, &u->host);
}

/*
 * What verifiers will think of the image (tcb.status), when a TCB Info was given. An image
 * that failed a check is not rated: its SVN is not to be trusted. Returns 1 when the outcome
 * is decided (a TCB Info for another module line is an input error), else 0.
 */
static int update_tcb(struct tdx_update *u, bool image_failed)
{
	const struct tdx_sigstruct *s = tdx_image_get_sigstruct_fields(u->image);
	int rc;

	if (image_failed) {
		rc = tdx_report_fact(u->report, TDX_CHK_TCB_STATUS, TDX_CHECK_SKIP,
				     TDX_FND_UPDATE_TCB_NOT_RATED, TDX_FACT_U(s->svn_major),
				     TDX_FACT_U(s->svn_minor));
	} else {
		rc = tdx_tcb_info_check(u->o.tcb_info, s, u->report);
		if (rc == -ENOENT) {
			update_set(u, TDX_OUTCOME_INPUT, TDX_UPDATE_R_TCB_MISMATCH, rc,
				   NULL)->svn_major = s->svn_major;
			return 1;
		}
	}
	if (rc == -ENOMEM) {
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, rc, NULL);
		return 1;
	}
	return 0;
}

/* The image, loaded and checked offline: 0, or 1 when the outcome is decided. */
static int update_image_open(struct tdx_update *u)
{
	enum tdx_outcome oc;
	int rc = tdx_image_open(u->ctx, u->image_path, u->sig_path, u->report, &u->image, &oc);

	/* An invalid image (-EBADMSG) is not decided here: its failed checks are in the report. */
	if (rc < 0 && rc != -EBADMSG) {
		/* A permission failure comes first: probably why the file is unreadable. */
		if (!update_failed(u))
			update_set(u, oc, TDX_UPDATE_R_IMAGE_OPEN, rc, u->image_path);
		return 1;
	}
	if (u->image) {
		rc = tdx_image_verify(u->image, &u->o.verify, u->report);
		if (rc < 0 && rc != -EBADMSG) {
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_VERIFY_ERROR, rc, NULL);
			return 1;
		}
		if (u->o.tcb_info && update_tcb(u, rc == -EBADMSG))
			return 1;
	}
	update_phase(u, &(struct tdx_update_progress){
		.phase = TDX_UPDATE_PHASE_IMAGE_CHECKED, .name = u->image_path,
		.checks = tdx_report_count(u->report),
		.failed = tdx_report_count_status(u->report, TDX_CHECK_FAIL) });
	return 0;
}

/*
 * Compatibility (compatibility.md §2) against the mapping file named or found beside the image.
 * Returns the verdict; a mapping file that cannot be used is an input error.
 */
static enum tdx_compat_verdict update_compat(struct tdx_update *u)
{
	enum tdx_compat_verdict verdict = TDX_COMPAT_INCOMPATIBLE;
	struct tdx_compat_opts copts = { .reinstall = u->o.reinstall,
					 .allow_debug = u->o.verify.allow_debug };
	const struct tdx_release_info *release = NULL;
	struct tdx_version user, v, *vp = NULL;
	struct tdx_mapping *mapping = NULL;
	enum tdx_version_source src;
	struct tdx_host_facts facts;
	struct tdx_mapping_source msrc = { 0 };
	char *found = NULL;
	int rc;

	if (u->o.version && tdx_version_parse(u->o.version, &user) < 0) {
		update_set(u, TDX_OUTCOME_INPUT, TDX_UPDATE_R_VERSION_GIVEN, -EINVAL, NULL);
		if (!update_set_detail(u, u->o.version))
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, -ENOMEM, NULL);
		return verdict;
	}
	rc = tdx_image_resolve_version(u->image, u->image_path, u->o.version ? &user : NULL, &v,
				       &src);
	if (rc == 0) {
		vp = &v;
	} else if (rc == -EINVAL) {
		char sv[TDX_VERSION_STRLEN];

		tdx_report_fact(u->report, TDX_CHK_COMPAT_IMAGE_VERSION, TDX_CHECK_FAIL,
				TDX_FND_UPDATE_VERSION_DISAGREES, TDX_FACT_S(u->o.version),
				TDX_FACT_S(tdx_version_format(&v, sv, sizeof(sv))));
		vp = &v;
	}
	if (vp)
		tdx_version_format(vp, u->image_version, sizeof(u->image_version));

	msrc.path = u->mapping_path ? u->mapping_path : u->o.mapping;
	msrc.image = u->image_path;
	if (update_mapping_open(u, &msrc, &mapping, &found) < 0) {
		free(found);
		return TDX_COMPAT_INCOMPATIBLE;
	}
	if (mapping && vp)
		release = tdx_mapping_find(mapping, vp);
	copts.no_mapping = !mapping;
	tdx_host_status_facts(&u->st, &facts);
	rc = tdx_compat_check(&facts, u->image, vp, release, &copts, u->report, &verdict);
	if (rc < 0)
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_COMPAT_ERROR, rc, NULL);
	tdx_mapping_free(mapping);
	free(found);
	return verdict;
}

/*
 * The running module's handoff version (its sigstruct's module_hv) is in no sysfs file: only
 * its release's files have it. Look for them where Intel's trees put a release of the same line
 * as the image: beside it (joined_files/X.Y/, or a folder of images), or in the sibling folder
 * of separate_files/X.Y/X.Y.ZZ/. Fills @f: known with the value, or why not (none found, or
 * the first file found set aside, in @file, which holds @size bytes), a fact the report gives.
 */
static void running_module_hv(struct tdx_update *u, const struct tdx_version *running,
			      struct tdx_handoff_hv *f, char *file, size_t size)
{
	/* where, relative to the image's folder ("" or "/../X.Y.ZZ"), and which file */
	static const struct {
		bool sibling;
		const char *ext;
	} places[] = { { false, "sigstruct" }, { false, "blob" }, { false, "img" },
		       { true, "sigstruct" } };
	const uint8_t *trusted = u->o.verify.key_hash ? u->o.verify.key_hash : tdx_intel_key_hash;
	char v[TDX_VERSION_STRLEN], path[4096], *dir, *slash;
	uint8_t hash[TDX_SHA384_LEN];
	struct tdx_sigstruct sig;
	struct tdx_version sv;

	*f = (struct tdx_handoff_hv){ .state = TDX_HANDOFF_HV_NOT_FOUND };
	dir = strdup(u->image_path);
	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	tdx_version_format(running, v, sizeof(v));
	for (size_t i = 0; i < ARRAY_SIZE(places) && f->state != TDX_HANDOFF_HV_KNOWN; i++) {
		bool pair = strcmp(places[i].ext, "sigstruct") == 0;
		enum tdx_handoff_hv_state aside;
		uint8_t *buf = NULL;
		size_t len, off = pair ? 0 : TDX_PAGE_SIZE;

		snprintf(path, sizeof(path), "%s%s%s/tdx_module_%s.%s", dir,
			 places[i].sibling ? "/../" : "", places[i].sibling ? v : "", v,
			 places[i].ext);
		if (access(path, R_OK) || tdx_file_read(u->ctx, path, TDX_READ_MAX_SIZE, &buf, &len))
			continue;
		if (len < off + TDX_SIGSTRUCT_SIZE ||
		    tdx_sigstruct_parse(buf + off, TDX_SIGSTRUCT_SIZE, &sig) < 0) {
			free(buf);
			continue;
		}
		/*
		 * Whoever owns the image's folder could edit module_hv in an unsigned copy: the
		 * sigstruct counts only when it verifies with the key trusted for the image, and
		 * when the version it carries (2.x) is the running one. Otherwise it is set aside,
		 * and the first one set aside is what the report names.
		 */
		if (tdx_signature_verify(buf + off) != 0 || tdx_sigstruct_key_hash(&sig, hash) != 0 ||
		    memcmp(hash, trusted, sizeof(hash)) != 0)
			aside = TDX_HANDOFF_HV_UNTRUSTED;
		else if (tdx_sigstruct_get_version(&sig, &sv, NULL) == 0 &&
			 tdx_version_cmp(&sv, running) != 0)
			aside = TDX_HANDOFF_HV_OTHER_VERSION;
		else
			aside = TDX_HANDOFF_HV_KNOWN;
		if (aside == TDX_HANDOFF_HV_KNOWN) {
			f->state = TDX_HANDOFF_HV_KNOWN;
			f->hv = sig.module_hv;
			snprintf(file, size, "%s", path);
			f->file = file;
		} else if (f->state == TDX_HANDOFF_HV_NOT_FOUND) {
			dbg(u->ctx, "%s: its handoff version is not used\n", path);
			f->state = aside;
			snprintf(file, size, "%s", path);
			f->file = file;
		}
		free(buf);
	}
	free(dir);
}

/*
 * The image's min_update_hv against the running module's handoff version, when it can be known
 * (README.md): above it, the loader fails the install at CPU_INSTALL and the module is lost.
 * The rule is pure (tdx_handoff_judge()); this finds the facts.
 */
static void update_handoff(struct tdx_update *u)
{
	const struct tdx_sigstruct *ss = tdx_image_get_sigstruct_fields(u->image);
	struct tdx_handoff_hv hv = { .state = TDX_HANDOFF_HV_NOT_FOUND };
	char file[4096];

	if (!ss)
		return;
	if (ss->min_update_hv && !u->st.version_rc)
		running_module_hv(u, &u->st.version, &hv, file, sizeof(file));
	tdx_handoff_judge(ss->min_update_hv, u->st.version_rc ? NULL : &u->st.version, &hv,
			  u->report);
}

/*
 * Judge the readiness rules in @rules (tdx_readiness_judge_rules(), the rules status judges)
 * from the facts this attempt learned, into its report. A result that cannot be recorded
 * decides the attempt: a refusal must never be lost. Returns the rules' outcome.
 */
static enum tdx_outcome update_judge(struct tdx_update *u, const struct tdx_readiness_facts *f,
				     unsigned int rules)
{
	enum tdx_outcome oc = tdx_readiness_judge_rules(f, rules, u->report);

	if (oc == TDX_OUTCOME_FAILED && !u->have_outcome)
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_CHECKS_UNRECORDED, -ENOMEM, NULL);
	return oc;
}

/*
 * The last check is the lock, judged as status judges it from what taking it told; once it is
 * held, re-read what another updater could have changed meanwhile (it held the lock until its
 * verdict), so two updates never both run. 0, or 1 when the outcome is decided.
 */
static int update_lock(struct tdx_update *u)
{
	struct tdx_readiness_facts *f = &u->rf, under;
	struct tdx_lock_owner owner = { 0 };
	struct tdx_host_status now;
	struct tdx_report *again;
	int rc;

	rc = tdx_lock_acquire(u->ctx, f->run_dir, &u->lock, &owner);
	f->lock_tried = true;
	f->lock_rc = rc == -EWOULDBLOCK ? 0 : rc;
	f->lock_held = rc == 0 || rc == -EWOULDBLOCK;
	f->lock_mine = rc == 0;
	f->lock_owner = rc == 0 ? (struct tdx_lock_owner){ .pid = getpid(), .alive = true } : owner;
	update_judge(u, f, TDX_READINESS_LOCK);
	if (rc == -EPERM)
		/* An unsafe run folder does not clear by itself: 77, never a retry (75). */
		update_set(u, TDX_OUTCOME_PERMISSION, TDX_UPDATE_R_LOCK_UNSAFE, rc, f->run_dir)
			->remedies = TDX_REMEDY_RUN_DIR_OWNER;
	if (rc < 0)
		return 1;

	tdx_host_collect(u->ctx, u->host, &now);
	if (now.version_rc != u->st.version_rc ||
	    (!now.version_rc && tdx_version_cmp(&now.version, &u->st.version) != 0)) {
		char v[TDX_VERSION_STRLEN] = "?";

		if (!now.version_rc)
			tdx_version_format(&now.version, v, sizeof(v));
		if (!now.version_rc && strcmp(v, u->image_version) == 0)
			update_set(u, TDX_OUTCOME_OK, TDX_UPDATE_R_INSTALLED_MEANWHILE, 0, NULL);
		else
			update_set(u, TDX_OUTCOME_RETRY, TDX_UPDATE_R_VERSION_CHANGED, now.version_rc,
				   NULL);
		snprintf(u->res.found, sizeof(u->res.found), "%s", v);
		return 1;
	}
	/* The same rules on the host as it is now; only a failure among them is recorded. */
	if (tdx_report_new(&again) < 0) {
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, -ENOMEM, NULL);
		return 1;
	}
	under = *f;
	under.host = now;
	if (tdx_readiness_judge_rules(&under, TDX_READINESS_HOST_STATE, again) != TDX_OUTCOME_OK) {
		size_t i;

		if (tdx_report_first_failure(again, &i) != 0 ||
		    tdx_report_copy(u->report, again, i, TDX_CHECK_FAIL) != 0)
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_LOCKED_UNRECORDED, -ENOMEM,
				   NULL);
		rc = -EAGAIN;
	}
	tdx_report_free(again);
	u->st = now;
	f->host = now;
	return rc < 0 || u->have_outcome ? 1 : 0;
}

/* The TD builds still live, by name ("a, b"), as the reason's detail: no length cuts them. */
static bool update_builds_detail(struct tdx_update *u, const struct tdx_readiness_facts *f)
{
	char *names = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&names, &len);
	bool ok;

	if (!m)
		return false;
	for (size_t i = 0, k = 0; i < f->n_builds; i++)
		if (f->builds[i].state == TDX_GATE_LIVE)
			fprintf(m, "%s%s", k++ ? ", " : "", f->builds[i].name);
	ok = fclose(m) == 0 && update_set_detail(u, names);
	free(names);
	return ok;
}

/*
 * TD builds (kernel-update-path.md §4.2): close the gate VMM launchers check before a TD build,
 * then wait up to wait_builds_ms for the recorded builds to end; refuse (retry) when some
 * remain. It stays closed until the attempt is freed, and a cancel ends the wait at once. A
 * dry run only looks, as status does, so that it never holds up a launcher. host.td_builds is
 * judged as status judges it, from what the close (or the look) found. 0, or 1 when the
 * outcome is decided.
 */
static int update_gate(struct tdx_update *u)
{
	struct tdx_readiness_facts *f = &u->rf;
	struct tdx_gate_entry *list = NULL;
	unsigned int wait_ms = u->o.wait_builds_ms;
	size_t n = 0, live = 0;
	int rc;

	rc = tdx_gate_new(u->ctx, NULL, &u->gate);
	if (rc < 0) {
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, rc, NULL);
		return 1;
	}
	if (u->o.dry_run) {
		tdx_readiness_read_gate(u->ctx, f);
		f->now = time(NULL);
		rc = update_judge(u, f, TDX_READINESS_BUILDS) != TDX_OUTCOME_OK;
		tdx_readiness_facts_clear(f);
		return rc;
	}
	if (u->o.phase && tdx_gate_list(u->gate, &list, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			live += list[i].state == TDX_GATE_LIVE;
		if (live)
			update_phase(u, &(struct tdx_update_progress){
				.phase = TDX_UPDATE_PHASE_GATE_WAIT, .wait_ms = wait_ms,
				.builds = live });
	}
	free(list);
	rc = tdx_gate_close_stop(u->gate, wait_ms, u->o.cancel);
	if (rc == -EINTR) {
		update_cancelled(u);
		return 1;
	}
	tdx_readiness_read_gate_close(u->gate, rc, wait_ms, f);
	update_judge(u, f, TDX_READINESS_BUILDS);
	if (rc == -EPERM)
		update_set(u, TDX_OUTCOME_PERMISSION, TDX_UPDATE_R_GATE_UNSAFE, rc, f->run_dir)
			->remedies = TDX_REMEDY_RUN_DIR_OWNER;
	if (rc == -EBUSY) {
		update_set(u, TDX_OUTCOME_RETRY, TDX_UPDATE_R_BUILDS, rc, NULL);
		if (!update_builds_detail(u, f))
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, -ENOMEM, NULL);
	}
	tdx_readiness_facts_clear(f);
	return rc < 0 ? 1 : 0;
}

/* The caller's privileges, as the first check (the rule status judges: host.permission). */
static void update_check_privileges(struct tdx_update *u)
{
	tdx_caller_get_privileges(&u->rf.root, &u->rf.rawio);
	update_judge(u, &u->rf, TDX_READINESS_PERMISSION);
}

/* The attempt's outcome is decided before any upload: 1 for tdx_update_preflight(). */
static int update_decided(struct tdx_update *u)
{
	update_finish(u);
	return 1;
}

TDX_EXPORT
int tdx_update_preflight(struct tdx_update *u)
{
	const char *kmodule;
	enum tdx_compat_verdict verdict;

	if (!u || u->preflight_done)
		return -EINVAL;
	u->preflight_done = true;
	kmodule = tdx_kmodule_name(u->ctx, u->o.kmodule);
	u->rf.sysfs_root = tdx_ctx_get_path(u->ctx, TDX_CTX_SYSFS);
	u->rf.run_dir = tdx_ctx_get_path(u->ctx, TDX_CTX_RUN_DIR);
	u->rf.kmodule = kmodule;
	u->rf.kmodule_state = TDX_KMODULE_UNKNOWN;
	u->rf.kmodule_load = TDX_KMODULE_LOAD_NONE;

	update_check_privileges(u);
	update_host_open(u, kmodule, u->rf.root);
	if (u->o.latest_dir && update_pick_latest(u))
		return update_decided(u);
	if (u->image_path && update_image_open(u))
		return update_decided(u);

	tdx_host_collect(u->ctx, u->host, &u->st);
	if (!u->st.version_rc)
		tdx_version_format(&u->st.version, u->old_version, sizeof(u->old_version));
	if (!u->st.remaining_rc) {
		u->have_remaining_before = true;
		u->remaining_before = u->st.remaining;
	}
	u->rf.host = u->st;
	/* libkmod is asked only when it explains something: tdx_host is missing. */
	if (u->st.host_rc < 0 && kmodule) {
		int rc = tdx_kmodule_get_state(u->ctx, kmodule, &u->rf.kmodule_state);

		u->rf.kmodule_err = u->rf.kmodule_state == TDX_KMODULE_QUERY_FAILED ? rc : 0;
	}
	update_judge(u, &u->rf, TDX_READINESS_INTERFACE);
	u->format = u->o.format;
	if (!u->format) {
		/* The layout table says which format its kernels take (0x100: series v3-v7). */
		u->format = tdx_host_layout_format(u->st.layout);
		if (u->format == TDX_BLOB_FORMAT)
			update_phase(u, &(struct tdx_update_progress){
				.phase = TDX_UPDATE_PHASE_FORMAT, .format = u->format,
				.name = tdx_host_layout_name(u->st.layout) });
	}
	if (!u->image) {
		if (!u->image_path && !update_failed(u))
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_VERSION_UNREADABLE,
				   u->st.version_rc, u->o.latest_dir)->remedies = TDX_REMEDY_SEE_STATUS;
		return update_decided(u);
	}
	verdict = update_compat(u);
	if (u->have_outcome)
		return update_decided(u);
	if (verdict != TDX_COMPAT_CURRENT)
		update_handoff(u);
	if (verdict == TDX_COMPAT_CURRENT && !update_failed(u)) {
		update_set(u, TDX_OUTCOME_OK, TDX_UPDATE_R_CURRENT, 0, NULL)->remedies =
			u->o.latest_dir ? 0 : TDX_REMEDY_REINSTALL;
		snprintf(u->new_version, sizeof(u->new_version), "%s", u->old_version);
		u->current = true;
		return update_decided(u);
	}
	if (u->host)
		update_judge(u, &u->rf, TDX_READINESS_HOST_STATE);
	if (update_failed(u) || update_cancelled(u))
		return update_decided(u);
	if (update_lock(u) || update_gate(u) || update_cancelled(u))
		return update_decided(u);
	u->ready = true;
	return 0;
}

/*
 * The image's bytes for the kernel, with their SHA-256 for the record and for comparison: a new
 * header page, then the verified sigstruct and module bytes where they are (no second copy).
 */
static int update_build(struct tdx_update *u, uint8_t **head, struct tdx_image_part *parts,
			unsigned int *n, size_t *len)
{
	uint8_t md[TDX_SHA256_LEN];
	int rc;

	rc = tdx_image_build_parts(u->image, u->format, head, parts, n, len);
	if (rc < 0) {
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_BUILD_FAILED, rc, NULL)->format =
			u->format;
		return rc;
	}
	if (tdx_sha256_parts(parts, *n, md) < 0) {
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_HASH_FAILED, -EIO, NULL);
		return -EIO;
	}
	tdx_hex_encode(md, sizeof(md), u->sha256);
	u->built_format = u->format;
	u->size = *len;
	return 0;
}

static void update_hold(struct tdx_update *u, bool hold)
{
	if (u->o.hold)
		u->o.hold(u->o.data, hold);
}

/*
 * The upload itself: loading=1, data, then the front end's hold, loading=0, wait. From the
 * hold on, the attempt runs to its verdict.
 */
static void update_upload(struct tdx_update *u, const struct tdx_image_part *parts,
			  unsigned int n, size_t len)
{
	const char *dir = tdx_host_get_upload_path(u->host);
	int rc;

	u->phase = "upload";
	update_phase(u, &(struct tdx_update_progress){
		.phase = TDX_UPDATE_PHASE_UPLOAD, .size = len, .format = u->built_format,
		.sha256 = u->sha256, .name = dir });
	rc = tdx_fwupload_begin(u->ctx, dir, &u->run);
	if (rc < 0) {
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_UPLOAD_START, rc, dir);
		u->started = -1;
		return;
	}
	rc = tdx_fwupload_write_data(u->ctx, dir, parts, n, u->o.cancel, &u->run);
	update_hold(u, true);
	if (!rc && u->o.cancel && *u->o.cancel)
		rc = -EINTR;	/* arrived after the last write, before the hold */
	if (rc == -ENODEV) {
		/* Another writer owns the device: our loading=1 did nothing, leave theirs alone. */
		update_set(u, TDX_OUTCOME_RETRY, TDX_UPDATE_R_UPLOAD_OWNED, rc, dir);
		u->started = -1;
		update_hold(u, false);
		return;
	}
	if (rc < 0) {
		tdx_fwupload_abandon(u->ctx, dir);
		u->started = -1;
		if (rc == -EINTR) {
			update_set(u, TDX_OUTCOME_INTERRUPTED, TDX_UPDATE_R_UPLOAD_CANCELLED, rc,
				   dir)->signal = u->o.cancel ? *u->o.cancel : 0;
		} else {
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_UPLOAD_WRITE, rc, dir);
			u->res.written = u->run.written;
			u->res.size = len;
		}
		update_hold(u, false);
		return;
	}
	update_phase(u, &(struct tdx_update_progress){ .phase = TDX_UPDATE_PHASE_COMMIT,
						       .name = dir });
	rc = tdx_fwupload_commit(u->ctx, dir);
	u->committed = true;
	/* Whether anything started is judged from the version file. */
	if (rc < 0)
		update_phase(u, &(struct tdx_update_progress){
			.phase = TDX_UPDATE_PHASE_WARNING, .warning = TDX_UPDATE_WARN_COMMIT,
			.name = dir, .err = rc });
	rc = tdx_fwupload_wait_idle(u->ctx, dir, tdx_monotonic_ns() +
				    (uint64_t)u->o.timeout_s * 1000000000ull, &u->run);
	update_phase(u, &(struct tdx_update_progress){
		.phase = TDX_UPDATE_PHASE_IDLE, .name = dir, .timed_out = u->run.timed_out,
		.ms = u->run.upload_ns / 1000000, .polls = u->run.polls, .err = rc < 0 ? rc : 0 });
}

/*
 * The verdict: the facts after the upload, judged by tdx_update_judge() (the version file
 * decides, the error word only refines), as facts a front end words.
 */
static void update_verdict(struct tdx_update *u, bool same_version_expected)
{
	struct tdx_update_facts facts = { 0 };
	enum tdx_outcome outcome;
	unsigned int remaining;

	u->phase = "verdict";
	u->have_kernel_error = u->run.have_error_after && u->run.error_after.set;
	if (u->have_kernel_error)
		tdx_fw_error_format(&u->run.error_after, u->kernel_error, sizeof(u->kernel_error));
	if (tdx_host_read_remaining_updates(u->host, &remaining) == 0) {
		u->have_remaining_after = true;
		u->remaining_after = remaining;
	}
	u->started = tdx_fwupload_run_started(&u->run) ||
		     (u->have_remaining_before && u->have_remaining_after &&
		      u->remaining_after < u->remaining_before);

	facts.version_rc = tdx_host_read_version(u->host, &facts.now);
	tdx_version_parse(u->old_version, &facts.old);
	tdx_version_parse(u->image_version, &facts.image);
	facts.reinstall = same_version_expected;
	facts.timed_out = u->run.timed_out;
	facts.have_kernel_error = u->have_kernel_error;
	facts.kernel_error_code = u->run.error_after.code;
	facts.started = u->started;
	u->judgement = tdx_update_judge(&facts);
	u->judged = true;
	outcome = tdx_update_judgement_outcome(u->judgement);
	if (u->judgement != TDX_JUDGED_LOST && u->judgement != TDX_JUDGED_STILL_BUSY &&
	    u->judgement != TDX_JUDGED_UNREADABLE)
		tdx_version_format(&facts.now, u->new_version, sizeof(u->new_version));

	update_set(u, outcome, TDX_UPDATE_R_JUDGED, facts.version_rc, NULL);
	u->res.ms = (tdx_monotonic_ns() - u->t0) / 1000000;
	u->res.upload_ms = u->run.upload_ns / 1000000;
	u->res.size = u->size;
	u->res.format = u->built_format;
	u->res.timeout_s = u->o.timeout_s;
	switch (u->judgement) {
	case TDX_JUDGED_STILL_BUSY:
	case TDX_JUDGED_UNREADABLE:
	case TDX_JUDGED_OTHER_VERSION:
		u->res.remedies = TDX_REMEDY_SEE_STATUS;
		break;
	case TDX_JUDGED_PARTIAL:
		u->res.remedies = TDX_REMEDY_KERNEL_LOG | TDX_REMEDY_REBOOT;
		break;
	default:
		break;
	}
}

TDX_EXPORT
int tdx_update_commit(struct tdx_update *u)
{
	struct tdx_image_part parts[TDX_IMAGE_PARTS];
	uint8_t *head = NULL;
	unsigned int n = 0;
	size_t len = 0;

	if (!u || !u->ready || u->finished)
		return -EINVAL;
	if (update_build(u, &head, parts, &n, &len) < 0 || update_cancelled(u))
		goto done;
	update_phase(u, &(struct tdx_update_progress){
		.phase = TDX_UPDATE_PHASE_BUILT, .checks = tdx_report_count(u->report),
		.size = len, .format = u->built_format });
	if (u->o.dry_run) {
		update_set(u, TDX_OUTCOME_OK, TDX_UPDATE_R_DRY_RUN, 0,
			   tdx_host_get_upload_path(u->host));
		u->res.size = len;
		u->res.format = u->built_format;
		u->res.timeout_s = u->o.timeout_s;
		goto done;
	}
	update_upload(u, parts, n, len);
	if (u->committed)
		update_verdict(u, strcmp(u->old_version, u->image_version) == 0);
done:
	free(head);
	update_finish(u);
	return 0;
}

/* One history line and one syslog line, whatever happened. */
TDX_EXPORT
int tdx_update_record(struct tdx_update *u, const char *path, const char *command,
		      const char *verdict, int exit_code, unsigned int attempt)
{
	size_t count = tdx_report_count(u->report), n = 0;
	const char **names = calloc(count + 1, sizeof(*names));
	struct tdx_history_record rec = { 0 };
	int rc;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++)
		if (tdx_report_status(u->report, i) == TDX_CHECK_FAIL)
			names[n++] = tdx_check_name(tdx_report_id(u->report, i));
	rec.time = time(NULL);
	rec.command = command;
	rec.dry_run = u->o.dry_run;
	rec.image_version = u->image_version[0] ? u->image_version : NULL;
	rec.old_version = u->old_version[0] ? u->old_version : NULL;
	rec.new_version = u->new_version[0] ? u->new_version : NULL;
	rec.image = u->image_path ? u->image_path : u->o.latest_dir;
	rec.image_sha256 = u->sha256[0] ? u->sha256 : NULL;
	rec.format = u->built_format;
	rec.failed_checks = names;
	rec.n_failed_checks = n;
	rec.kernel_error = u->have_kernel_error ? u->kernel_error : NULL;
	rec.uploaded = u->committed;
	rec.outcome = tdx_outcome_name(update_outcome(u));
	rec.verdict = verdict;
	rec.duration_ms = tdx_update_get_duration_ms(u);
	rec.exit_code = exit_code;
	rec.attempt = attempt;
	if (u->image && tdx_image_get_sigstruct_fields(u->image)) {
		const struct tdx_sigstruct *ss = tdx_image_get_sigstruct_fields(u->image);

		rec.have_image_svn = true;
		rec.image_svn_major = ss->svn_major;
		rec.image_svn_minor = ss->svn_minor;
	}
	rc = tdx_history_append(NULL, tdx_history_path(u->ctx, path), &rec);
	tdx_history_syslog(&rec);
	free(names);
	return rc;
}

TDX_EXPORT
void tdx_update_json_add_image(const struct tdx_update *u, struct json_object *obj)
{
	struct tdx_history_record rec = { 0 };

	rec.image_version = u->image_version[0] ? u->image_version : NULL;
	rec.old_version = u->old_version[0] ? u->old_version : NULL;
	rec.new_version = u->new_version[0] ? u->new_version : NULL;
	rec.image_sha256 = u->sha256[0] ? u->sha256 : NULL;
	rec.format = u->built_format;
	tdx_history_json_add_image(obj, &rec, false);
}

TDX_EXPORT
enum tdx_outcome tdx_update_get_outcome(const struct tdx_update *u)
{
	return update_outcome(u);
}

TDX_EXPORT
const struct tdx_report *tdx_update_get_report(const struct tdx_update *u)
{
	return u->report;
}

TDX_EXPORT
const struct tdx_update_result *tdx_update_get_result(const struct tdx_update *u)
{
	return &u->res;
}

TDX_EXPORT
const char *tdx_update_get_phase_name(const struct tdx_update *u)
{
	return u->phase;
}

TDX_EXPORT
int tdx_update_get_judgement(const struct tdx_update *u, enum tdx_update_judgement *judgement)
{
	if (!u->judged)
		return -ENODATA;
	*judgement = u->judgement;
	return 0;
}

TDX_EXPORT
const char *tdx_update_get_old_version(const struct tdx_update *u)
{
	return u->old_version;
}

TDX_EXPORT
const char *tdx_update_get_new_version(const struct tdx_update *u)
{
	return u->new_version;
}

TDX_EXPORT
const char *tdx_update_get_image_version(const struct tdx_update *u)
{
	return u->image_version;
}

TDX_EXPORT
const char *tdx_update_get_image_path(const struct tdx_update *u)
{
	return u->image_path;
}

TDX_EXPORT
const char *tdx_update_get_sig_path(const struct tdx_update *u)
{
	return u->sig_path;
}

TDX_EXPORT
const char *tdx_update_get_mapping_path(const struct tdx_update *u)
{
	return u->mapping_path;
}

TDX_EXPORT
const struct tdx_releases *tdx_update_get_releases(const struct tdx_update *u)
{
	return u->releases;
}

TDX_EXPORT
const char *tdx_update_get_sha256(const struct tdx_update *u)
{
	return u->sha256;
}

TDX_EXPORT
unsigned int tdx_update_get_format(const struct tdx_update *u)
{
	return u->built_format;
}

TDX_EXPORT
size_t tdx_update_get_size(const struct tdx_update *u)
{
	return u->size;
}

TDX_EXPORT
const char *tdx_update_get_kernel_error(const struct tdx_update *u)
{
	return u->have_kernel_error ? u->kernel_error : NULL;
}

TDX_EXPORT
bool tdx_update_get_dry_run(const struct tdx_update *u)
{
	return u->o.dry_run;
}

TDX_EXPORT
bool tdx_update_get_uploaded(const struct tdx_update *u)
{
	return u->committed;
}

TDX_EXPORT
int tdx_update_get_started(const struct tdx_update *u)
{
	return u->started;
}

TDX_EXPORT
int tdx_update_get_remaining(const struct tdx_update *u, bool after, unsigned int *n)
{
	if (after ? !u->have_remaining_after : !u->have_remaining_before)
		return -ENODATA;
	*n = after ? u->remaining_after : u->remaining_before;
	return 0;
}

TDX_EXPORT
int tdx_update_get_mapping_error(const struct tdx_update *u)
{
	return u->mapping_rc;
}

TDX_EXPORT
bool tdx_update_get_current(const struct tdx_update *u)
{
	return u->current;
}

TDX_EXPORT
uint64_t tdx_update_get_duration_ms(const struct tdx_update *u)
{
	return (tdx_monotonic_ns() - u->t0) / 1000000;
}
