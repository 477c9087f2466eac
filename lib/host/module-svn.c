// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A module version's SVN from the evidence on this host (tdx-launch.h): the history, then the
 * releases folder. The kernel shows the running module's version only; its SVN is what
 * verifiers rate, so it is taken only from something tdxctl wrote or Intel signed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-private.h"
#include "tdx-gate.h"

/*
 * A release image of version @v under @dir whose signature verifies with @key_hash (NULL:
 * Intel's) and whose own version (its sigstruct's, else its file name's) is @v: its SVNs.
 */
static int svn_from_releases(struct tdx_ctx *ctx, const char *dir, const struct tdx_version *v,
			     const uint8_t *key_hash, struct tdx_module_svn *out)
{
	struct tdx_verify_opts opts = { .key_hash = key_hash };
	struct tdx_releases *list = NULL;
	int rc = tdx_releases_scan(ctx, dir, &list);

	if (rc < 0) {
		dbg(ctx, "%s: no release to take the SVN of %u.%u.%02u from: %s\n", dir, v->major,
		    v->minor, v->update, strerror(-rc));
		return rc == -ENOMEM ? rc : -ENOENT;
	}
	rc = -ENOENT;
	for (size_t i = 0; i < tdx_releases_count(list) && rc == -ENOENT; i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);
		const struct tdx_sigstruct *sig;
		struct tdx_report *report = NULL;
		struct tdx_image *image = NULL;
		enum tdx_version_source src;
		struct tdx_version got;

		if (!c->have_version || tdx_version_cmp(&c->version, v) != 0)
			continue;
		if (tdx_report_new(&report) < 0) {
			rc = -ENOMEM;
			break;
		}
		/* Intel's signature makes the SVNs evidence; a version it does not sign is the name's. */
		if (tdx_image_load(ctx, c->path, c->sig_path, report, &image) == 0 &&
		    tdx_image_verify(image, &opts, report) == 0 &&
		    tdx_image_resolve_version(image, c->path, NULL, &got, &src) == 0 &&
		    tdx_version_cmp(&got, v) == 0 && (sig = tdx_image_get_sigstruct_fields(image))) {
			out->major = sig->svn_major;
			out->minor = sig->svn_minor;
			out->source = TDX_SVN_RELEASE;
			snprintf(out->evidence, sizeof(out->evidence), "%s", c->path);
			rc = 0;
		} else {
			dbg(ctx, "%s: not a verified release of %u.%u.%02u; its SVN is not used\n",
			    c->path, v->major, v->minor, v->update);
		}
		tdx_image_free(image);
		tdx_report_free(report);
	}
	tdx_releases_free(list);
	return rc;
}

TDX_EXPORT
int tdx_module_svn_resolve(struct tdx_ctx *ctx, const struct tdx_version *v, bool last_only,
			   const char *history, const char *releases, const uint8_t *key_hash,
			   struct tdx_module_svn *out)
{
	struct json_object *records = NULL;
	char dir[PATH_MAX];
	size_t skipped = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->version = *v;
	rc = tdx_history_read(ctx, tdx_history_path(ctx, history), 0, &records, &skipped);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		dbg(ctx, "%s: no history to take the SVN from: %s\n", tdx_history_path(ctx, history),
		    strerror(-rc));
	rc = tdx_module_svn_from_history(records, v, last_only, out);
	json_object_put(records);
	if (rc == 0)
		return 0;
	if (!releases || !*releases) {
		if (snprintf(dir, sizeof(dir), "%s/releases",
			     tdx_ctx_get_path(ctx, TDX_CTX_STATE_DIR)) >= (int)sizeof(dir))
			return 0;
		releases = dir;
	}
	rc = svn_from_releases(ctx, releases, v, key_hash, out);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		out->source = TDX_SVN_UNKNOWN;
		out->major = out->minor = 0;
		out->evidence[0] = '\0';
	}
	return 0;
}

TDX_EXPORT
int tdx_module_svn_running(struct tdx_ctx *ctx, struct tdx_host *host, const char *history,
			   const char *releases, struct tdx_module_svn *out)
{
	struct tdx_version v;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = tdx_host_read_version(host, &v);
	if (rc < 0)
		return rc;
	return tdx_module_svn_resolve(ctx, &v, true, history, releases, NULL, out);
}
