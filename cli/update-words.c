// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl update's words for what an attempt came to: libtdxctl returns an outcome, a reason
 * and the facts it names (struct tdx_update_result); every sentence is made here, in strings
 * of any length (no buffer cuts a path). The verdict is what happened; the advice what to do.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "update.h"

/* The releases --latest considered, with their labels: "1.5.08 running, 1.5.16 installable". */
static char *releases_words(const struct tdx_releases *list)
{
	char v[TDX_VERSION_STRLEN], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; list && i < tdx_releases_count(list); i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);

		fprintf(f, "%s%s %s", i ? ", " : "",
			c->have_version ? tdx_version_format(&c->version, v, sizeof(v)) : "?",
			tdx_release_label_name(c->label));
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

char *update_progress_words(const struct tdx_update_progress *p)
{
	char *list, *s;

	switch (p->phase) {
	case TDX_UPDATE_PHASE_MODULE_LOAD:
		return cli_words("loading kernel module %s", p->name);
	case TDX_UPDATE_PHASE_PICKED:
		list = releases_words(p->releases);
		if (p->passed_over)
			s = cli_words("%s, the newest installable release the TCB Info rates UpToDate, "
				  "preferred to the newer %s, which it rates %s; %zu releases under "
				  "%s (%s)", p->name, p->passed_over, p->passed_over_status,
				  tdx_releases_count(p->releases), p->dir, list ? list : "?");
		else
			s = cli_words("%s, the newest installable of %zu releases under %s (%s)",
				  p->name, tdx_releases_count(p->releases), p->dir,
				  list ? list : "?");
		free(list);
		return s;
	case TDX_UPDATE_PHASE_IMAGE_CHECKED:
		return cli_words("image %s: %zu checks, %zu failed", p->name, p->checks, p->failed);
	case TDX_UPDATE_PHASE_FORMAT:
		return cli_words("layout %s: sending format 0x%x", p->name, p->format);
	case TDX_UPDATE_PHASE_GATE_WAIT:
		return cli_words("closing the TD-build gate; waiting up to %u.%03u s for %zu TD build(s) "
			     "to end", p->wait_ms / 1000, p->wait_ms % 1000, p->builds);
	case TDX_UPDATE_PHASE_BUILT:
		return cli_words("pre-flight passed: %zu checks; image built (%zu bytes, format 0x%x)",
			     p->checks, p->size, p->format);
	case TDX_UPDATE_PHASE_UPLOAD:
		return cli_words("uploading %zu bytes (format 0x%x, sha256 %.16s...) to %s", p->size,
			     p->format, p->sha256, p->name);
	case TDX_UPDATE_PHASE_COMMIT:
		return cli_words("image written; handing it to the kernel (loading=0)");
	case TDX_UPDATE_PHASE_IDLE:
		return cli_words("upload device %s after %llu ms (%u polls)%s",
			     p->timed_out ? "still busy" : "idle", (unsigned long long)p->ms,
			     p->polls, p->err < 0 && !p->timed_out ? "; status unreadable" : "");
	case TDX_UPDATE_PHASE_WARNING:
		break;
	}
	return cli_words("%s", "");
}

/* The verdict after the image reached the kernel, by the library's judgement. */
static char *judged_words(const struct tdx_update *u, const struct tdx_update_result *r)
{
	const char *kerr = tdx_update_get_kernel_error(u);
	const char *old = tdx_update_get_old_version(u), *now = tdx_update_get_new_version(u);
	const char *image = tdx_update_get_image_version(u);
	enum tdx_update_judgement j;

	if (tdx_update_get_judgement(u, &j) < 0)
		return cli_words("%s", "");
	switch (j) {
	case TDX_JUDGED_LOST:
		return cli_words("the TDX module was LOST during the update (version now fails with "
			     "ENXIO%s%s): every TD is gone; reboot required",
			     kerr ? "; kernel error " : "", kerr ? kerr : "");
	case TDX_JUDGED_STILL_BUSY:
		return cli_words("the kernel was still busy after %u s (status not idle): the update is "
			     "still running; do not reboot or retry now; watch 'tdxctl status' until "
			     "the upload device is idle", r->timeout_s);
	case TDX_JUDGED_UNREADABLE:
		return cli_words("cannot read the module version after the update: %s; check 'tdxctl "
			     "status'", strerror(-r->err));
	case TDX_JUDGED_PARTIAL:
		return cli_words("the kernel reported %s, yet the version now reads %s: the update may "
			     "be partial (some CPU failed a step); start no new TDs, check the kernel "
			     "log, and reboot to get a consistent state", kerr ? kerr : "", now);
	case TDX_JUDGED_UPDATED:
		return cli_words("%s the TDX module %s -> %s in %llu ms (upload %llu ms, %zu bytes, "
			     "format 0x%x)", strcmp(old, image) == 0 ? "reinstalled" : "updated",
			     old, now, (unsigned long long)r->ms, (unsigned long long)r->upload_ms,
			     r->size, r->format);
	case TDX_JUDGED_OTHER_VERSION:
		return cli_words("the running module is now %s, neither the old %s nor the image's %s; "
			     "TDX is running; check 'tdxctl status' and the kernel log", now, old,
			     image);
	case TDX_JUDGED_DEVICE_BUSY:
		return cli_words("the kernel refused to start now (%s: a TD build or migration is in "
			     "progress); the running module %s is intact; retry later",
			     kerr ? kerr : "", old);
	case TDX_JUDGED_REJECTED:
		return cli_words("the update was rejected (%s); the running module %s is intact%s",
			     kerr ? kerr : "the kernel reported no error, yet the version did not "
			     "change", old, tdx_update_get_started(u) ? "" : " (tdxctl could not "
			     "confirm that its upload started: the error shown may be an earlier "
			     "attempt's)");
	}
	return cli_words("%s", "");
}

/* Why --load-module did not load the kernel module (@load, @err < 0); NULL: it did. */
const char *module_load_words(enum tdx_kmodule_load load, int err)
{
	switch (load) {
	case TDX_KMODULE_LOAD_NONE:
	case TDX_KMODULE_LOAD_DONE:
		break;
	case TDX_KMODULE_LOAD_NO_LIBKMOD:
		return "libkmod (libkmod.so.2) cannot be loaded";
	case TDX_KMODULE_LOAD_NOT_FOUND:
		return "modprobe's rules know no such module";
	case TDX_KMODULE_LOAD_BLACKLISTED:
		return "it is blacklisted in the modprobe configuration";
	case TDX_KMODULE_LOAD_FAILED:
		return strerror(err < 0 ? -err : EIO);
	}
	return NULL;
}

/*
 * What happened, in one line; with @options, with what tdxctl's options can do about it (the
 * history keeps the line without them).
 */
char *update_verdict_words(const struct tdx_update *u, const struct tdx_tcb_info *tcb,
			   bool options)
{
	const struct tdx_update_result *r = tdx_update_get_result(u);
	const char *path = r->path ? r->path : "", *detail = r->detail ? r->detail : "";
	const char *old = tdx_update_get_old_version(u);
	const char *load = module_load_words(r->module_load, r->module_load_err);
	char *list, *s;

	switch (r->reason) {
	case TDX_UPDATE_R_NONE:
	case TDX_UPDATE_R__COUNT:	/* not a reason */
		break;
	case TDX_UPDATE_R_CHECK_FAILED:
		return cli_words("refused before anything reached the kernel: %s failed%s%s%s",
			     tdx_check_name(r->check),
			     load ? " (loading the kernel module failed: " : "", load ? load : "",
			     load ? ")" : "");
	case TDX_UPDATE_R_CANCELLED:
		return cli_words("interrupted by %s during the checks: nothing was written to the "
			     "kernel", strsignal(r->signal));
	case TDX_UPDATE_R_MAPPING:
		list = mapping_error_words(r->err, &r->mapping, &r->untrusted);
		s = cli_words("cannot use the mapping file %s: %s%s; nothing was changed", path,
			  list ? list : "?", options && r->remedies & TDX_REMEDY_MAPPING_OWNER ?
			  " (fix its owner and mode, or give --mapping)" : "");
		free(list);
		return s;
	case TDX_UPDATE_R_VERSION_GIVEN:
		return cli_words("the expected version '%s' is not X.Y.ZZ; nothing was changed", detail);
	case TDX_UPDATE_R_IMAGE_OPEN:
		list = image_open_words(r->err, path, tdx_update_get_sig_path(u));
		s = cli_words("%s; nothing was changed", said(list));
		free(list);
		return s;
	case TDX_UPDATE_R_VERIFY_ERROR:
		return cli_words("offline checks could not run: %s", strerror(-r->err));
	case TDX_UPDATE_R_COMPAT_ERROR:
		return cli_words("compatibility check failed to run: %s", strerror(-r->err));
	case TDX_UPDATE_R_CHECKS_UNRECORDED:
		return cli_words("cannot record the host checks: out of memory; nothing was changed");
	case TDX_UPDATE_R_LOCKED_UNRECORDED:
		return cli_words("cannot record the host checks under the lock: out of memory; nothing "
			     "was changed");
	case TDX_UPDATE_R_LOCK_UNSAFE:
		return cli_words("cannot take the update lock in %s: %s; nothing was changed; the run "
			     "folder must be root's, mode 0755 (tdxctl(8), TRUST MODEL)", path,
			     strerror(-r->err));
	case TDX_UPDATE_R_INSTALLED_MEANWHILE:
		return cli_words("already current: another update installed %s while this one was "
			     "checking; nothing done", r->found);
	case TDX_UPDATE_R_VERSION_CHANGED:
		return cli_words("the running module changed from %s to %s during the checks (another "
			     "update?); nothing was changed; run again", old, r->found);
	case TDX_UPDATE_R_GATE_UNSAFE:
		return cli_words("cannot close the TD-build gate in %s: %s; nothing was changed; the run "
			     "folder and its builds/ must be root's (tdxctl(8), TRUST MODEL)", path,
			     strerror(-r->err));
	case TDX_UPDATE_R_BUILDS:
		return cli_words("TD builds in progress: %s; retry later",
			     detail[0] ? detail : "(ended just now)");
	case TDX_UPDATE_R_VERSION_UNREADABLE:
		return cli_words("cannot tell which release under %s is newer: the running module's "
			     "version is unreadable (%s); nothing was changed; see 'tdxctl status'",
			     path, strerror(-r->err));
	case TDX_UPDATE_R_CURRENT:
		return cli_words("already current: the running module is %s, the image's version; "
			     "nothing done%s", old, options && r->remedies & TDX_REMEDY_REINSTALL ?
			     " (--reinstall installs it again)" : "");
	case TDX_UPDATE_R_BUILD_FAILED:
		return cli_words("cannot build the image in format 0x%x: %s; nothing was changed",
			     r->format, strerror(-r->err));
	case TDX_UPDATE_R_HASH_FAILED:
		return cli_words("cannot hash the image (OpenSSL); nothing was changed");
	case TDX_UPDATE_R_UPLOAD_START:
		return cli_words("cannot start the upload (%s/loading=1: %s); nothing was changed", path,
			     strerror(-r->err));
	case TDX_UPDATE_R_UPLOAD_OWNED:
		return cli_words("another upload owns the upload device (data: ENODEV); nothing was "
			     "changed; retry when it is idle");
	case TDX_UPDATE_R_UPLOAD_CANCELLED:
		return cli_words("interrupted by %s before the image was handed to the kernel: "
			     "abandoned (loading=-1); nothing was changed", strsignal(r->signal));
	case TDX_UPDATE_R_UPLOAD_WRITE:
		return cli_words("writing the image failed at byte %zu of %zu: %s; abandoned "
			     "(loading=-1); nothing was changed", r->written, r->size,
			     strerror(-r->err));
	case TDX_UPDATE_R_DRY_RUN:
		return cli_words("dry run: every check passed; would write loading=1, %zu bytes (format "
			     "0x%x, sha256 %s) to %s/data, loading=0, then wait up to %u s for idle "
			     "and expect version %s -> %s; nothing was written", r->size, r->format,
			     tdx_update_get_sha256(u), path, r->timeout_s, old,
			     tdx_update_get_image_version(u));
	case TDX_UPDATE_R_JUDGED:
		return judged_words(u, r);
	case TDX_UPDATE_R_LATEST_DIR:
		return cli_words("cannot read the folder of releases %s: %s; nothing was changed", path,
			     r->err ? strerror(-r->err) : "not a folder");
	case TDX_UPDATE_R_LATEST_EMPTY:
		return cli_words("already current: the running module is %s and %s holds no release; "
			     "nothing done", r->found, path);
	case TDX_UPDATE_R_LATEST_SCAN:
		return cli_words("cannot read the folder of releases %s: %s; nothing was changed", path,
			     strerror(-r->err));
	case TDX_UPDATE_R_LATEST_LABEL:
		return cli_words("cannot judge the releases under %s: %s; nothing was changed", path,
			     strerror(-r->err));
	case TDX_UPDATE_R_LATEST_NONE:
		list = releases_words(tdx_update_get_releases(u));
		s = cli_words("already current: the running module is %s and no newer release under %s "
			  "is installable on this host (%s); nothing done", r->found, path,
			  list ? list : "?");
		free(list);
		return s;
	case TDX_UPDATE_R_NO_MEMORY:
		return cli_words("out of memory");
	case TDX_UPDATE_R_HELD:
		return cli_words("held: a rollout hold is set on this host (%s%s%s); --latest installs "
			     "nothing while it exists, nothing was changed (the rollout removes it "
			     "when this host's wave succeeds; to release the host by hand: rm %s)",
			     path, r->detail && r->detail[0] ? ": " : "", r->detail ? r->detail : "",
			     path);
	case TDX_UPDATE_R_HOLD_UNTRUSTED:
		list = trust_refusal_words(&r->untrusted);
		s = cli_words("a rollout hold exists but cannot be trusted: %s: %s; it is neither "
			  "obeyed nor ignored, nothing was changed (remove it, or make it root's, "
			  "mode 0644, in a folder only root can write)", path, list ? list : "?");
		free(list);
		return s;
	case TDX_UPDATE_R_HOLD_UNREADABLE:
		return cli_words("cannot read the rollout hold %s: %s; nothing was changed", path,
			     strerror(-r->err));
	case TDX_UPDATE_R_TCB_MISMATCH:
		list = tcb ? tcb_mismatch_words(tcb, r->svn_major) : NULL;
		s = cli_words("the TCB Info does not fit this module: %s; nothing was changed",
			      list ? list : "?");
		free(list);
		return s;
	}
	return cli_words("%s", "");
}

/*
 * What to do next, without tdxctl's options: a refusal's first failed check says it (its
 * message), otherwise the outcome does. NULL: the verdict says it already.
 */
char *update_advice_words(const struct tdx_update *u)
{
	const struct tdx_update_result *r = tdx_update_get_result(u);
	const struct tdx_report *report = tdx_update_get_report(u);
	const char *old = tdx_update_get_old_version(u), *kerr = tdx_update_get_kernel_error(u);

	if (r->reason == TDX_UPDATE_R_CHECK_FAILED)
		return report_finding_words(report, r->check_index);
	switch (r->outcome) {
	case TDX_OUTCOME_OK:
		return cli_words("%s", "");
	case TDX_OUTCOME_REJECTED:
		return cli_words("the running module %s is intact and every TD keeps running; the kernel "
			     "or the P-SEAMLDR refused the image%s%s; the kernel log (dmesg) may say "
			     "why; do not retry the same image unchanged", old, kerr ? " with " : "",
			     kerr ? kerr : "");
	case TDX_OUTCOME_LOST:
		return cli_words("the TDX module is LOST: every TD on this host is gone and TDX stays "
			     "down until a reboot; reboot now (the module is loaded again at boot)");
	case TDX_OUTCOME_RETRY:
		return cli_words("nothing changed; the running module %s is intact; try again later",
			     old);
	case TDX_OUTCOME_INTERRUPTED:
		return cli_words("nothing changed; the running module %s is intact; run the update "
			     "again when it may go ahead", old);
	default:
		return NULL;
	}
}
