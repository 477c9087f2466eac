// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl update --latest DIR: scan DIR for releases, label each against this host with the
 * compatibility rules, and pick the newest installable one; each attempt picks again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "update.h"

/* --latest's mapping file: --mapping, else mapping_file.json in DIR (none: rules 3-4 skipped). */
static int update_latest_mapping(struct tdx_ctx *ctx, const struct update_args *a,
				 struct update_result *r, struct tdx_mapping **mapping)
{
	struct tdx_mapping_source src = { .path = a->mapping, .dir = a->latest };

	return update_mapping_open(ctx, r, &src, mapping, &r->mapping_path);
}

/*
 * Every release @list holds, with its label: as JSON into r->considered, and as
 * "1.5.08 running, 1.5.16 installable" into @text for the one-line verdicts.
 */
static void update_latest_describe(const struct tdx_releases *list, struct update_result *r,
				   char *text, size_t size)
{
	char v[TDX_VERSION_STRLEN];
	size_t len = 0;

	r->considered = json_object_new_array();
	text[0] = '\0';
	for (size_t i = 0; i < tdx_releases_count(list); i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);
		const char *reason = tdx_candidate_reason(c);
		struct json_object *o = json_object_new_object();

		if (c->have_version)
			tdx_version_format(&c->version, v, sizeof(v));
		else
			snprintf(v, sizeof(v), "?");
		json_object_object_add(o, "version", c->have_version ?
				       json_object_new_string(v) : NULL);
		json_object_object_add(o, "label", json_object_new_string(
			tdx_release_label_name(c->label)));
		json_object_object_add(o, "path", json_object_new_string(c->path));
		json_object_object_add(o, "reason", tdx_json_string_or_null(reason));
		json_object_array_add(r->considered, o);
		if (len < size)
			len += (size_t)snprintf(text + len, size - len, "%s%s %s", i ? ", " : "", v,
						tdx_release_label_name(c->label));
	}
}

/*
 * --latest, for one attempt: the newest release under DIR this host can take in place,
 * judged against the host as it is now (a retry judges again: another update may have run
 * meanwhile). Returns 1 with r->image_path set when one was picked; 0 when the result is
 * decided (nothing newer is installable: "already current"; DIR or the mapping unusable);
 * -ENODEV when the running version is unreadable, so the host checks must say why.
 */
int update_pick_latest(struct tdx_ctx *ctx, const struct update_args *a,
		       struct tdx_host *host, struct update_result *r)
{
	struct tdx_compat_opts copts = { .allow_debug = a->image.allow_debug };
	struct tdx_verify_opts vopts;
	struct tdx_releases *list = NULL;
	struct tdx_mapping *mapping = NULL;
	struct tdx_host_status st;
	struct tdx_host_facts facts;
	char text[384], running[TDX_VERSION_STRLEN];
	struct stat sb;
	size_t idx;
	int rc, ret = 0;

	if (stat(a->latest, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		update_result_set(r, TDX_OUTCOME_INPUT, "cannot read the folder of releases %s: %s; "
			   "nothing was changed", a->latest, access(a->latest, F_OK) < 0 ?
			   strerror(errno) : "not a folder");
		return 0;
	}
	rc = update_latest_mapping(ctx, a, r, &mapping);
	if (rc < 0) {
		if (!r->have_outcome)
			update_result_set(r, TDX_OUTCOME_FAILED, "out of memory");
		return 0;
	}
	tdx_host_collect(ctx, host, &st);
	tdx_host_status_facts(&st, &facts);
	if (!facts.have_running) {
		ret = -ENODEV;
		goto out;
	}
	tdx_version_format(&facts.running, running, sizeof(running));
	rc = tdx_releases_scan(ctx, a->latest, &list);
	if (rc == -ENOENT) {
		update_result_set(r, TDX_OUTCOME_OK, "already current: the running module is %s and %s "
			   "holds no release; nothing done", running, a->latest);
		goto current;
	}
	if (rc < 0) {
		update_result_set(r, rc == -ENOMEM ? TDX_OUTCOME_FAILED : TDX_OUTCOME_INPUT, "cannot "
			   "read the folder of releases %s: %s; nothing was changed", a->latest,
			   strerror(-rc));
		goto out;
	}
	image_args_verify_opts(&a->image, &vopts);
	copts.no_mapping = !mapping;
	rc = tdx_releases_label(ctx, list, &facts, mapping, &copts, &vopts);
	if (rc < 0) {
		update_result_set(r, TDX_OUTCOME_FAILED, "cannot judge the releases under %s: %s; nothing "
			   "was changed", a->latest, strerror(-rc));
		goto out;
	}
	update_latest_describe(list, r, text, sizeof(text));
	if (tdx_releases_pick_latest(list, &idx) == 0) {
		const struct tdx_candidate *c = tdx_releases_get(list, idx);

		r->image_path = strdup(c->path);
		r->sig_path = c->sig_path ? strdup(c->sig_path) : NULL;
		if (!r->image_path || (c->sig_path && !r->sig_path)) {
			update_result_set(r, TDX_OUTCOME_FAILED, "out of memory");
			goto out;
		}
		update_phase(a, r, "--latest: %s, the newest installable of %zu releases under %s (%s)",
		      r->image_path, tdx_releases_count(list), a->latest, text);
		ret = 1;
		goto out;
	}
	update_result_set(r, TDX_OUTCOME_OK, "already current: the running module is %s and no newer "
		   "release under %s is installable on this host (%s); nothing done", running,
		   a->latest, text);
current:
	snprintf(r->old_version, sizeof(r->old_version), "%s", running);
	snprintf(r->new_version, sizeof(r->new_version), "%s", running);
out:
	tdx_releases_free(list);
	tdx_mapping_free(mapping);
	return ret;
}
