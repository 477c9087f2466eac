// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The releases found in a folder, judged: what each one's label is called, which label its
 * report comes to, why, their order, which of a blob and a pair is kept, and the newest
 * installable one. Pure: lib/host/releases.c scans the folder and loads the images (the only
 * I/O), this decides from what it found, so a unit test can judge hand-made candidates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules-private.h"

/* The labels' stable names; tdxctl words them (cli/name-words.c). */
static const char *const labels[] = {
	[TDX_LABEL_INSTALLABLE]		= "installable",
	[TDX_LABEL_RUNNING]		= "running",
	[TDX_LABEL_OLDER]		= "older",
	[TDX_LABEL_OTHER_LINE]		= "other-line",
	[TDX_LABEL_BELOW_MINIMUM]	= "below-minimum",
	[TDX_LABEL_SEAMLDR]		= "seamldr",
	[TDX_LABEL_CPU]			= "cpu",
	[TDX_LABEL_DEBUG]		= "debug",
	[TDX_LABEL_SVN]			= "svn",
	[TDX_LABEL_INVALID]		= "invalid",
	[TDX_LABEL_UNLISTED]		= "unlisted",
	[TDX_LABEL_NO_VERSION]		= "no-version",
};

TDX_EXPORT
const char *tdx_release_label_name(enum tdx_release_label label)
{
	return (unsigned int)label < ARRAY_SIZE(labels) && labels[label] ? labels[label] :
	       "unknown";
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

TDX_EXPORT
int tdx_candidate_reason(const struct tdx_candidate *candidate, size_t *index)
{
	if (!candidate || !candidate->report)
		return 0;
	if (tdx_report_first_failure(candidate->report, index) == 0)
		return 1;
	return candidate->error < 0 ? candidate->error : 0;
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

void tdx_releases_sort(struct tdx_releases *list)
{
	if (list && list->count)
		qsort(list->items, list->count, sizeof(*list->items), candidate_cmp);
}

/* Intel ships each release twice (blob and pair): keep the blob, remember the pair. */
void tdx_releases_dedup(struct tdx_ctx *ctx, struct tdx_releases *list)
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
