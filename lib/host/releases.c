// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The releases in a folder (tdxctl list DIR, tdxctl update --latest DIR): Intel's layout and
 * plain folders of images, each candidate labelled against this host, and the newest installable
 * one. Scanning is the only folder I/O of the library; images are read by tdx_image_load().
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host-private.h"

/* Intel's separate_files/X.Y/X.Y.ZZ/ is three levels below DIR; one more for a wrapping folder. */
#define SCAN_MAX_DEPTH	4

struct tdx_releases {
	size_t count;
	size_t cap;
	struct tdx_candidate *items;
};

static const struct {
	const char *name;
	const char *description;
} labels[] = {
	[TDX_LABEL_INSTALLABLE]		= { "installable",	"installable" },
	[TDX_LABEL_RUNNING]		= { "running",		"already running" },
	[TDX_LABEL_OLDER]		= { "older",		"older than running" },
	[TDX_LABEL_OTHER_LINE]		= { "other-line",	"other major.minor" },
	[TDX_LABEL_BELOW_MINIMUM]	= { "below-minimum",
					    "running version below the release's minimum" },
	[TDX_LABEL_SEAMLDR]		= { "seamldr",		"P-SEAMLDR not accepted" },
	[TDX_LABEL_CPU]			= { "cpu",		"CPU not supported" },
	[TDX_LABEL_DEBUG]		= { "debug",		"debug module" },
	[TDX_LABEL_SVN]			= { "svn",		"SVN not accepted" },
	[TDX_LABEL_INVALID]		= { "invalid",		"image invalid" },
	[TDX_LABEL_UNLISTED]		= { "unlisted",		"not in mapping file" },
	[TDX_LABEL_NO_VERSION]		= { "no-version",	"version unknown" },
};

TDX_EXPORT
const char *tdx_release_label_name(enum tdx_release_label label)
{
	return (unsigned int)label < ARRAY_SIZE(labels) ? labels[label].name : "unknown";
}

TDX_EXPORT
const char *tdx_release_label_description(enum tdx_release_label label)
{
	return (unsigned int)label < ARRAY_SIZE(labels) ? labels[label].description : "unknown";
}

/*
 * The checks run in order of precedence (verification, then compatibility rules), so the first
 * failure is the reason to show; any failure that is not a compatibility rule is a bad image.
 */
TDX_EXPORT
enum tdx_release_label tdx_release_label_from_report(const struct tdx_report *report,
						     enum tdx_compat_verdict verdict)
{
	size_t i;

	if (!report || tdx_report_first_failure(report, &i) < 0) {
		if (verdict == TDX_COMPAT_CURRENT)
			return TDX_LABEL_RUNNING;
		if (verdict == TDX_COMPAT_INSTALLABLE)
			return TDX_LABEL_INSTALLABLE;
		return TDX_LABEL_INVALID;
	}
	switch (tdx_report_id(report, i)) {
	case TDX_CHK_COMPAT_IMAGE_VERSION:	return TDX_LABEL_NO_VERSION;
	case TDX_CHK_COMPAT_RELEASE:		return TDX_LABEL_UNLISTED;
	case TDX_CHK_COMPAT_LINE:		return TDX_LABEL_OTHER_LINE;
	case TDX_CHK_COMPAT_NOT_OLDER:		return TDX_LABEL_OLDER;
	case TDX_CHK_COMPAT_MIN_RUNNING:	return TDX_LABEL_BELOW_MINIMUM;
	case TDX_CHK_COMPAT_SEAMLDR:		return TDX_LABEL_SEAMLDR;
	case TDX_CHK_COMPAT_CPU:		return TDX_LABEL_CPU;
	case TDX_CHK_SIGSTRUCT_DEBUG:		return TDX_LABEL_DEBUG;
	case TDX_CHK_COMPAT_SVN:		return TDX_LABEL_SVN;
	default:				return TDX_LABEL_INVALID;
	}
}

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

/* Intel ships each release twice (blob and pair): keep the blob, remember the pair. */
static void list_dedup(struct tdx_ctx *ctx, struct tdx_releases *list)
{
	size_t out = 0;

	for (size_t i = 0; i < list->count; i++) {
		struct tdx_candidate *pair = &list->items[i];
		struct tdx_candidate *single = NULL;

		if (pair->sig_path && pair->have_version) {
			for (size_t j = 0; j < list->count; j++) {
				struct tdx_candidate *c = &list->items[j];

				if (!c->sig_path && c->have_version && !c->alt_path &&
				    tdx_version_cmp(&c->version, &pair->version) == 0) {
					single = c;
					break;
				}
			}
		}
		if (single) {
			dbg(ctx, "%s: the same release as %s\n", pair->path, single->path);
			single->alt_path = pair->path;
			single->alt_sig_path = pair->sig_path;
			pair->path = NULL;	/* dropped by the compaction below */
			pair->sig_path = NULL;
			pair->have_version = false;
		}
	}
	for (size_t i = 0; i < list->count; i++) {
		if (!list->items[i].path)
			continue;
		list->items[out++] = list->items[i];
	}
	list->count = out;
}

/* Oldest first; unknown versions last; then by path so the order does not depend on readdir. */
static int candidate_cmp(const void *pa, const void *pb)
{
	const struct tdx_candidate *a = pa, *b = pb;

	if (a->have_version != b->have_version)
		return a->have_version ? -1 : 1;
	if (a->have_version) {
		int cmp = tdx_version_cmp(&a->version, &b->version);

		if (cmp)
			return cmp;
	}
	/* A single file before a pair of the same version: the blob is the one preferred. */
	if (!a->sig_path != !b->sig_path)
		return a->sig_path ? 1 : -1;
	return strcmp(a->path, b->path);
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
	qsort(l->items, l->count, sizeof(*l->items), candidate_cmp);
	list_dedup(ctx, l);
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

TDX_EXPORT
size_t tdx_releases_count(const struct tdx_releases *list)
{
	return list ? list->count : 0;
}

TDX_EXPORT
const struct tdx_candidate *tdx_releases_get(const struct tdx_releases *list, size_t i)
{
	return list && i < list->count ? &list->items[i] : NULL;
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
	qsort(list->items, list->count, sizeof(*list->items), candidate_cmp);
	return 0;
}

TDX_EXPORT
const char *tdx_candidate_reason(const struct tdx_candidate *candidate)
{
	size_t i;

	if (!candidate || !candidate->report)
		return NULL;
	if (tdx_report_first_failure(candidate->report, &i) == 0)
		return tdx_report_message(candidate->report, i);
	if (candidate->error)
		return strerror(-candidate->error);
	return NULL;
}

TDX_EXPORT
unsigned int tdx_candidate_reason_remedies(const struct tdx_candidate *candidate)
{
	size_t i;

	if (!candidate || !candidate->report ||
	    tdx_report_first_failure(candidate->report, &i) < 0)
		return 0;
	return tdx_report_remedies(candidate->report, i);
}

TDX_EXPORT
int tdx_releases_pick_latest(const struct tdx_releases *list, size_t *index)
{
	bool found = false;
	size_t best = 0;

	for (size_t i = 0; list && i < list->count; i++) {
		const struct tdx_candidate *c = &list->items[i];

		if (!c->labelled || c->label != TDX_LABEL_INSTALLABLE || !c->have_version)
			continue;
		if (!found || tdx_version_cmp(&c->version, &list->items[best].version) > 0) {
			best = i;
			found = true;
		}
	}
	if (!found)
		return -ENOENT;
	*index = best;
	return 0;
}
