// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An update of the latest release: scan a folder for releases, label each against this host
 * with the compatibility rules, and pick the newest installable one. Each attempt picks again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "update-private.h"

/*
 * The mapping file: the one named, else mapping_file.json in the folder (none: rules 3-4
 * skipped).
 */
static int latest_mapping(struct tdx_update *u, struct tdx_mapping **mapping)
{
	struct tdx_mapping_source src = { .path = u->o.mapping, .dir = u->o.latest_dir };

	return update_mapping_open(u, &src, mapping, &u->mapping_path);
}

TDX_EXPORT
int tdx_releases_judge(struct tdx_ctx *ctx, const char *dir, const struct tdx_host_facts *host,
		       const struct tdx_mapping *mapping, const struct tdx_compat_opts *opts,
		       const struct tdx_verify_opts *verify, struct tdx_releases **list,
		       ssize_t *latest)
{
	struct tdx_compat_opts copts = *opts;
	size_t idx;
	int rc;

	*latest = -1;
	rc = tdx_releases_scan(ctx, dir, list);
	if (rc < 0) {
		tdx_releases_free(*list);
		*list = NULL;
		return rc == -ENOENT ? 0 : rc;
	}
	copts.no_mapping = !mapping;
	rc = tdx_releases_label(ctx, *list, host, mapping, &copts, verify);
	if (rc < 0)
		return rc;
	if (tdx_releases_pick_latest(*list, &idx) == 0)
		*latest = (ssize_t)idx;
	return 0;
}

/*
 * A rollout hold (tdx_hold_read()) stops the selection: a halted rollout must leave no host
 * that installs the release by itself. Returns 1 when the outcome is decided, else 0. A hold
 * that cannot be trusted is neither obeyed nor ignored: refused (77) with the reason.
 */
static int latest_held(struct tdx_update *u)
{
	struct tdx_hold h;
	int rc = tdx_hold_read(u->ctx, &h);

	if (rc == -EPERM && h.untrusted.fault != TDX_TRUST_FAULT_NONE) {
		update_set(u, TDX_OUTCOME_PERMISSION, TDX_UPDATE_R_HOLD_UNTRUSTED, rc,
			   h.path)->untrusted = h.untrusted;
	} else if (rc < 0) {
		update_set(u, tdx_outcome_from_errno(rc, TDX_ERRNO_HOST),
			   TDX_UPDATE_R_HOLD_UNREADABLE, rc, h.path);
	} else if (h.held) {
		update_set(u, TDX_OUTCOME_UNAVAILABLE, TDX_UPDATE_R_HELD, 0, h.path);
		update_set_detail(u, h.reason);
	}
	return rc < 0 || h.held ? 1 : 0;
}

/* The TCB Info's rating of candidate @c (read again: the label keeps no SVN); -errno. */
static int latest_grade(struct tdx_update *u, const struct tdx_candidate *c,
			struct tdx_tcb_match *m)
{
	const struct tdx_sigstruct *s;
	struct tdx_image *img = NULL;
	int rc = tdx_image_load(u->ctx, c->path, c->sig_path, NULL, &img);

	if (rc < 0) {
		tdx_image_free(img);
		return rc;
	}
	s = tdx_image_get_sigstruct_fields(img);
	rc = tdx_tcb_info_match(u->o.tcb_info, s->svn_major, s->svn_minor, m);
	tdx_image_free(img);
	return rc;
}

/*
 * With a TCB Info: when the newest installable release @latest is not rated UpToDate, the
 * newest installable one that is (a release verifiers trust over a newer one they do not);
 * *@passed is then @latest, with *@status its tcbStatus. None rated UpToDate: @latest stays,
 * and its own tcb.status check says what verifiers will think.
 */
static ssize_t latest_prefer_uptodate(struct tdx_update *u, const struct tdx_releases *list,
				      ssize_t latest, ssize_t *passed, const char **status)
{
	const struct tdx_candidate *best = tdx_releases_get(list, (size_t)latest);
	struct tdx_tcb_match m;
	ssize_t pick = -1;

	*passed = -1;
	if (latest_grade(u, best, &m) < 0 || m.grade == TDX_TCB_UP_TO_DATE)
		return latest;
	*status = m.status;
	for (size_t i = 0; i < tdx_releases_count(list); i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);
		const struct tdx_candidate *p = pick >= 0 ? tdx_releases_get(list, (size_t)pick) :
						NULL;

		if (!c->labelled || c->label != TDX_LABEL_INSTALLABLE || !c->have_version ||
		    (p && tdx_version_cmp(&c->version, &p->version) <= 0))
			continue;
		if (latest_grade(u, c, &m) == 0 && m.grade == TDX_TCB_UP_TO_DATE)
			pick = (ssize_t)i;
	}
	if (pick < 0)
		return latest;
	*passed = latest;
	return pick;
}

/*
 * The newest release under the folder this host can take in place, judged against the host as
 * it is now (a retry judges again: another update may have run meanwhile). Returns 0 when the
 * attempt goes on: with u->image_path set to the release picked, or without when the running
 * version is unreadable (the host checks then say why); 1 when the outcome is decided (nothing
 * newer is installable: "already current"; the folder or the mapping unusable).
 */
int update_pick_latest(struct tdx_update *u)
{
	const char *dir = u->o.latest_dir;
	struct tdx_compat_opts copts = { .allow_debug = u->o.verify.allow_debug };
	struct tdx_releases *list = NULL;
	struct tdx_mapping *mapping = NULL;
	struct tdx_host_status st;
	struct tdx_host_facts facts;
	char running[TDX_VERSION_STRLEN];
	struct stat sb;
	ssize_t latest;
	int rc, ret = 1;

	u->passed_over = 0;
	u->passed_over_status = NULL;
	if (latest_held(u))
		return 1;
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		update_set(u, TDX_OUTCOME_INPUT, TDX_UPDATE_R_LATEST_DIR,
			   access(dir, F_OK) < 0 ? -errno : 0, dir);
		return 1;
	}
	rc = latest_mapping(u, &mapping);
	if (rc < 0) {
		if (!u->have_outcome)
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, -ENOMEM, NULL);
		return 1;
	}
	tdx_host_collect(u->ctx, u->host, &st);
	tdx_host_status_facts(&st, &facts);
	if (!facts.have_running) {
		ret = 0;
		goto out;
	}
	tdx_version_format(&facts.running, running, sizeof(running));
	rc = tdx_releases_judge(u->ctx, dir, &facts, mapping, &copts, &u->o.verify, &list, &latest);
	if (rc < 0) {
		if (list)
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_LATEST_LABEL, rc, dir);
		else
			update_set(u, tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT),
				   TDX_UPDATE_R_LATEST_SCAN, rc, dir);
		goto out;
	}
	if (!list) {
		update_set(u, TDX_OUTCOME_OK, TDX_UPDATE_R_LATEST_EMPTY, -ENOENT, dir);
		goto current;
	}
	if (latest >= 0) {
		const char *passed_status = NULL;
		ssize_t passed = -1;
		const struct tdx_candidate *c;

		if (u->o.tcb_info)
			latest = latest_prefer_uptodate(u, list, latest, &passed, &passed_status);
		c = tdx_releases_get(list, (size_t)latest);

		u->image_path = strdup(c->path);
		u->sig_path = c->sig_path ? strdup(c->sig_path) : NULL;
		if (!u->image_path || (c->sig_path && !u->sig_path)) {
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, -ENOMEM, NULL);
			goto out;
		}
		update_phase(u, &(struct tdx_update_progress){
			.phase = TDX_UPDATE_PHASE_PICKED, .name = u->image_path, .dir = dir,
			.releases = list, .passed_over_status = passed_status,
			.passed_over = passed >= 0 ?
				tdx_releases_get(list, (size_t)passed)->path : NULL });
		if (passed >= 0) {
			notice(u->ctx, "%s preferred to the newer %s, which the TCB Info "
			       "rates %s\n", u->image_path,
			       tdx_releases_get(list, (size_t)passed)->path, passed_status);
			u->passed_over = (size_t)passed + 1;
			u->passed_over_status = passed_status;
		}
		ret = 0;
		goto out;
	}
	update_set(u, TDX_OUTCOME_OK, TDX_UPDATE_R_LATEST_NONE, 0, dir);
current:
	snprintf(u->res.found, sizeof(u->res.found), "%s", running);
	snprintf(u->old_version, sizeof(u->old_version), "%s", running);
	snprintf(u->new_version, sizeof(u->new_version), "%s", running);
out:
	/* Kept for the front end's wording of the reasons (tdx_update_get_releases()). */
	tdx_releases_free(u->releases);
	u->releases = list;
	tdx_mapping_free(mapping);
	return ret;
}

/* Kept with the releases it indexes (u->releases): both live as long as the attempt. */
TDX_EXPORT
const struct tdx_candidate *tdx_update_get_passed_over(const struct tdx_update *u,
						       const char **status)
{
	if (status)
		*status = u->passed_over ? u->passed_over_status : NULL;
	if (!u->passed_over || !u->releases || u->passed_over > tdx_releases_count(u->releases))
		return NULL;
	return tdx_releases_get(u->releases, u->passed_over - 1);
}
