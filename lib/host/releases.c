// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The releases in a folder (tdxctl list DIR, tdxctl update --latest DIR): Intel's layout and
 * plain folders of images found, and each candidate's image loaded and labelled against this
 * host. Scanning is the only folder I/O of the library; images are read by tdx_image_load().
 * What is decided from what was found (labels, order, the blob kept for a pair, the newest
 * installable one) is pure: lib/rules/release-label.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host-private.h"
#include "rules-private.h"

/* Intel's separate_files/X.Y/X.Y.ZZ/ is three levels below DIR; one more for a wrapping folder. */
#define SCAN_MAX_DEPTH	4

/* ---- scanning ----------------------------------------------------------------------------- */

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcmp(name + n - s, suffix) == 0;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int list_add(struct tdx_releases *list, const char *path, const char *sig_path)
{
	struct tdx_candidate *c;

	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;

		c = reallocarray(list->items, cap, sizeof(*c));
		if (!c)
			return -ENOMEM;
		list->items = c;
		list->cap = cap;
	}
	c = &list->items[list->count];
	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	c->sig_path = sig_path ? strdup(sig_path) : NULL;
	if (!c->path || (sig_path && !c->sig_path)) {
		free(c->path);
		free(c->sig_path);
		return -ENOMEM;
	}
	if (tdx_version_from_filename(path, &c->version) == 0) {
		c->have_version = true;
		c->version_source = TDX_VERSION_FILENAME;
	}
	list->count++;
	return 0;
}

/* A file that may be a release: a blob or kernel image, or a .bin with its .sigstruct beside it. */
static int scan_file(struct tdx_ctx *ctx, struct tdx_releases *list, const char *path,
		     const char *name)
{
	char *sig;
	int rc;

	if (has_suffix(name, ".blob") || has_suffix(name, ".img"))
		return is_regular(path) ? list_add(list, path, NULL) : 0;
	if (!has_suffix(name, ".bin"))
		return 0;
	if (asprintf(&sig, "%.*s.sigstruct", (int)(strlen(path) - 4), path) < 0)
		return -ENOMEM;
	if (is_regular(sig) && is_regular(path))
		rc = list_add(list, path, sig);
	else {
		dbg(ctx, "%s: no %s beside it: not a release\n", path, sig);
		rc = 0;
	}
	free(sig);
	return rc;
}

/* Depth-first over @dir; unreadable sub-folders are skipped, symlinked folders not followed. */
static int scan_dir(struct tdx_ctx *ctx, struct tdx_releases *list, const char *dir, int depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	d = opendir(dir);
	if (!d)
		return -errno;
	while (rc == 0 && (de = readdir(d))) {
		struct stat st;
		char *path;

		if (de->d_name[0] == '.')
			continue;	/* ".", ".." and hidden files */
		if (asprintf(&path, "%s%s%s", dir, has_suffix(dir, "/") ? "" : "/",
			     de->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (lstat(path, &st) < 0) {
			dbg(ctx, "%s: %s: skipped\n", path, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (depth < SCAN_MAX_DEPTH) {
				int sub = scan_dir(ctx, list, path, depth + 1);

				if (sub == -ENOMEM)
					rc = sub;
				else if (sub < 0)
					dbg(ctx, "%s: %s: skipped\n", path, strerror(-sub));
			}
		} else {
			rc = scan_file(ctx, list, path, de->d_name);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

static void candidate_clear(struct tdx_candidate *c)
{
	free(c->path);
	free(c->sig_path);
	free(c->alt_path);
	free(c->alt_sig_path);
	tdx_report_free(c->report);
}

TDX_EXPORT
int tdx_releases_scan(struct tdx_ctx *ctx, const char *dir, struct tdx_releases **list)
{
	struct tdx_releases *l;
	struct stat st;
	int rc;

	*list = NULL;
	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = scan_dir(ctx, l, dir, 0);
	if (rc >= 0 && l->count == 0)
		rc = -ENOENT;
	if (rc < 0) {
		tdx_releases_free(l);
		return rc;
	}
	/* Sorted first, so a blob is matched with its pair whatever order readdir gave. */
	tdx_releases_sort(l);
	tdx_releases_dedup(ctx, l);
	dbg(ctx, "%s: %zu candidate releases\n", dir, l->count);
	*list = l;
	return 0;
}

TDX_EXPORT
void tdx_releases_free(struct tdx_releases *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		candidate_clear(&list->items[i]);
	free(list->items);
	free(list);
}

/* ---- labelling ---------------------------------------------------------------------------- */

/*
 * One candidate: load, verify, version, mapping entry, compatibility, label. A debug module
 * that is not allowed is not verified (it is signed with another key, so verification would
 * only hide the real reason); the compatibility rules say "debug".
 */
static int candidate_label(struct tdx_ctx *ctx, struct tdx_candidate *c,
			   const struct tdx_host_facts *host, const struct tdx_mapping *mapping,
			   const struct tdx_compat_opts *opts, const struct tdx_verify_opts *verify)
{
	struct tdx_compat_opts copts = *opts;
	enum tdx_compat_verdict verdict = TDX_COMPAT_INCOMPATIBLE;
	const struct tdx_release_info *rel = NULL;
	const struct tdx_sigstruct *sig;
	enum tdx_version_source src;
	struct tdx_image *image = NULL;
	struct tdx_version v;
	int rc;

	tdx_report_free(c->report);
	c->report = NULL;
	c->labelled = false;
	c->listed = false;
	c->error = 0;
	rc = tdx_report_new(&c->report);
	if (rc < 0)
		return rc;

	rc = tdx_image_load(ctx, c->path, c->sig_path, c->report, &image);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		c->error = rc;
		c->label = TDX_LABEL_INVALID;
		c->labelled = true;
		return 0;
	}

	sig = tdx_image_get_sigstruct_fields(image);
	if (!(sig && tdx_sigstruct_is_debug(sig) && !opts->allow_debug)) {
		struct tdx_verify_opts vopts = { .key_hash = verify ? verify->key_hash : NULL,
						 .strict = verify && verify->strict };

		/* One word on debug modules for both verification and compatibility: @opts'. */
		vopts.allow_debug = opts->allow_debug;
		rc = tdx_image_verify(image, &vopts, c->report);
		if (rc < 0 && rc != -EBADMSG)
			goto out;
	}

	if (tdx_image_resolve_version(image, c->path, NULL, &v, &src) == 0) {
		if (c->have_version && tdx_version_cmp(&v, &c->version) != 0) {
			char a[TDX_VERSION_STRLEN], b[TDX_VERSION_STRLEN];

			warn(ctx, "%s: the sigstruct says %s, the file name %s: using %s\n", c->path,
			     tdx_version_format(&v, a, sizeof(a)),
			     tdx_version_format(&c->version, b, sizeof(b)), a);
		}
		c->version = v;
		c->have_version = true;
		c->version_source = src;
	}
	if (c->have_version && mapping)
		rel = tdx_mapping_find(mapping, &c->version);
	if (rel) {
		c->release = *rel;
		c->listed = true;
	}
	copts.no_mapping = !mapping;
	rc = tdx_compat_check(host, image, c->have_version ? &c->version : NULL, rel, &copts,
			      c->report, &verdict);
	if (rc < 0)
		goto out;
	c->label = tdx_release_label_from_report(c->report, verdict);
	c->labelled = true;
out:
	tdx_image_free(image);
	return rc;
}

TDX_EXPORT
int tdx_releases_label(struct tdx_ctx *ctx, struct tdx_releases *list,
		       const struct tdx_host_facts *host, const struct tdx_mapping *mapping,
		       const struct tdx_compat_opts *opts, const struct tdx_verify_opts *verify)
{
	if (!list || !host || !opts)
		return -EINVAL;
	for (size_t i = 0; i < list->count; i++) {
		int rc = candidate_label(ctx, &list->items[i], host, mapping, opts, verify);

		if (rc < 0)
			return rc;
	}
	/* The sigstruct may have given a version the file name did not: keep the order true. */
	tdx_releases_sort(list);
	return 0;
}
