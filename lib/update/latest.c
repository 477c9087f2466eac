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

/* The mapping file: the one named, else mapping_file.json in the folder (none: rules 3-4 skipped). */
static int latest_mapping(struct tdx_update *u, struct tdx_mapping **mapping)
{
	struct tdx_mapping_source src = { .path = u->o.mapping, .dir = u->o.latest_dir };

	return update_mapping_open(u, &src, mapping, &u->mapping_path);
}

/* Every release @list holds, with its label ("1.5.08 running, 1.5.16 installable"), for @u's progress. */
static void latest_describe(const struct tdx_releases *list, char *text, size_t size)
{
	char v[TDX_VERSION_STRLEN];
	size_t len = 0;

	text[0] = '\0';
	for (size_t i = 0; i < tdx_releases_count(list) && len < size; i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);

		if (c->have_version)
			tdx_version_format(&c->version, v, sizeof(v));
		else
			snprintf(v, sizeof(v), "?");
		len += (size_t)snprintf(text + len, size - len, "%s%s %s", i ? ", " : "", v,
					tdx_release_label_name(c->label));
	}
}

/*
 * The newest release under the folder this host can take in place, judged against the host as
 * it is now (a retry judges again: another update may have run meanwhile). Returns 1 with
 * u->image_path set when one was picked; 0 when the outcome is decided (nothing newer is
 * installable: "already current"; the folder or the mapping unusable); -ENODEV when the
 * running version is unreadable, so the host checks must say why.
 */
int update_pick_latest(struct tdx_update *u)
{
	const char *dir = u->o.latest_dir;
	struct tdx_compat_opts copts = { .allow_debug = u->o.verify.allow_debug };
	struct tdx_releases *list = NULL;
	struct tdx_mapping *mapping = NULL;
	struct tdx_host_status st;
	struct tdx_host_facts facts;
	char text[384], running[TDX_VERSION_STRLEN];
	struct stat sb;
	size_t idx;
	int rc, ret = 0;

	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		update_set(u, TDX_OUTCOME_INPUT, TDX_UPDATE_R_LATEST_DIR,
			   access(dir, F_OK) < 0 ? -errno : 0, dir);
		return 0;
	}
	rc = latest_mapping(u, &mapping);
	if (rc < 0) {
		if (!u->have_outcome)
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, -ENOMEM, NULL);
		return 0;
	}
	tdx_host_collect(u->ctx, u->host, &st);
	tdx_host_status_facts(&st, &facts);
	if (!facts.have_running) {
		ret = -ENODEV;
		goto out;
	}
	tdx_version_format(&facts.running, running, sizeof(running));
	rc = tdx_releases_scan(u->ctx, dir, &list);
	if (rc == -ENOENT) {
		update_set(u, TDX_OUTCOME_OK, TDX_UPDATE_R_LATEST_EMPTY, rc, dir);
		goto current;
	}
	if (rc < 0) {
		update_set(u, tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT), TDX_UPDATE_R_LATEST_SCAN,
			   rc, dir);
		goto out;
	}
	copts.no_mapping = !mapping;
	rc = tdx_releases_label(u->ctx, list, &facts, mapping, &copts, &u->o.verify);
	if (rc < 0) {
		update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_LATEST_LABEL, rc, dir);
		goto out;
	}
	if (tdx_releases_pick_latest(list, &idx) == 0) {
		const struct tdx_candidate *c = tdx_releases_get(list, idx);

		u->image_path = strdup(c->path);
		u->sig_path = c->sig_path ? strdup(c->sig_path) : NULL;
		if (!u->image_path || (c->sig_path && !u->sig_path)) {
			update_set(u, TDX_OUTCOME_FAILED, TDX_UPDATE_R_NO_MEMORY, -ENOMEM, NULL);
			goto out;
		}
		latest_describe(list, text, sizeof(text));
		update_phase(u, TDX_UPDATE_PHASE_PICKED, "%s, the newest installable of %zu "
			     "releases under %s (%s)", u->image_path, tdx_releases_count(list), dir,
			     text);
		ret = 1;
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
