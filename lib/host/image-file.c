// SPDX-License-Identifier: LGPL-2.1-or-later
/* Loading an image from disk: the files are read once (file.c), then parsed (image.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-private.h"
#include "image-private.h"

/* A file too large to be any legal input is a finding about the image, not a read error. */
static int oversize(struct tdx_report *report, enum tdx_check_id id, const char *path, bool pair)
{
	const enum tdx_finding why = TDX_FND_IMAGE_FILE_CAUSE_TOO_LARGE;
	int rc = tdx_report_fact(report, id, TDX_CHECK_FAIL, TDX_FND_IMAGE_FILE_TOO_LARGE,
				 TDX_FACT_S(path), TDX_FACT_U(TDX_READ_MAX_SIZE),
				 TDX_FACT_U(TDX_IMAGE_MAX_SIZE));

	if (!rc && pair)
		rc = tdx_report_skip_range(report, TDX_CHK_PAIR_SIGSTRUCT_SIZE,
					   TDX_CHK_PAIR_SIGSTRUCT_SIZE, why);
	if (!rc && pair)
		rc = tdx_report_skip_range(report, TDX_CHK_CONTAINER_MODULE_PAGES,
					   TDX_CHK_CONTAINER_MODULE_PAGES, why);
	if (!rc && !pair)
		rc = tdx_report_skip_range(report, TDX_CHK_CONTAINER_SIZE,
					   TDX_CHK_CONTAINER_SIGSTRUCT_PADDING, why);
	if (!rc)
		rc = tdx_report_skip_range(report, TDX_CHK_SIGSTRUCT_HEADER_TYPE,
					   TDX_CHK_ELF_RELOCATIONS, why);
	return rc ? rc : -EBADMSG;
}

TDX_EXPORT
int tdx_image_load(struct tdx_ctx *ctx, const char *path, const char *sig_path,
		   struct tdx_report *report, struct tdx_image **image)
{
	uint8_t *buf = NULL, *sig = NULL;
	size_t len, sig_len = 0;
	int rc;

	*image = NULL;
	rc = tdx_file_read(ctx, path, TDX_READ_MAX_SIZE, &buf, &len);
	if (rc == -EFBIG)
		return oversize(report, TDX_CHK_CONTAINER_SIZE, path, sig_path != NULL);
	if (rc)
		return rc;
	if (sig_path) {
		rc = tdx_file_read(ctx, sig_path, TDX_READ_MAX_SIZE, &sig, &sig_len);
		if (rc) {
			free(buf);
			if (rc == -EFBIG)
				rc = oversize(report, TDX_CHK_PAIR_SIGSTRUCT_SIZE, sig_path, true);
			return rc;
		}
		rc = tdx_image_parse_pair(ctx, buf, len, sig, sig_len, report, image);
	} else {
		rc = tdx_image_parse(ctx, buf, len, report, image);
	}
	if (rc) {
		free(buf);
		free(sig);
		return rc;
	}
	tdx_image_own(*image, buf, sig);
	return 0;
}

TDX_EXPORT
int tdx_image_open(struct tdx_ctx *ctx, const char *path, const char *sig_path,
		   struct tdx_report *report, struct tdx_image **image, enum tdx_outcome *outcome)
{
	int rc = tdx_image_load(ctx, path, sig_path, report, image);

	*outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT);
	return rc;
}
