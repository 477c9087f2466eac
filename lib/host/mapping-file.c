// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding and opening Intel's mapping_file.json: the one place that decides which file is used
 * (the one named, else the one beside the image or in the folder of releases, never a parent
 * folder's), whether it is trusted (it decides what is installable, so it is trusted the way ssh
 * trusts its files) and what a file that cannot be used comes to. The parsing is pure
 * (format/mapping.c); the I/O is here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host-private.h"

/*
 * mapping_file.json in @dir (canonicalised: what is reported is where it is), when that is a
 * regular file: 0 with a new string in *@out, or 0 with *@out NULL when there is none.
 */
static int mapping_probe_dir(const char *dir, char **out)
{
	struct stat st;
	char *real, *p;
	int n;

	*out = NULL;
	real = realpath(dir, NULL);
	if (!real)
		return errno == ENOMEM ? -ENOMEM : 0;
	n = asprintf(&p, "%s%s%s", real, strcmp(real, "/") ? "/" : "", TDX_MAPPING_FILE_NAME);
	free(real);
	if (n < 0)
		return -ENOMEM;
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
		*out = p;
	else
		free(p);
	return 0;
}

/* The folder an image is in, lexically: the image itself may be a symlink from elsewhere. */
static char *image_dir(const char *image)
{
	const char *slash = strrchr(image, '/');

	if (!slash)
		return strdup(".");
	if (slash == image)
		return strdup("/");
	return strndup(image, (size_t)(slash - image));
}

/* Trusted, read whole and parsed; the errors are tdx_mapping_open()'s. */
static int mapping_read(struct tdx_ctx *ctx, const char *path, struct tdx_mapping **mapping,
			struct tdx_mapping_refusal *why)
{
	uint8_t *buf;
	size_t len;
	int rc;

	rc = tdx_file_read_trusted(ctx, path, TDX_MAPPING_MAX_SIZE, &buf, &len);
	if (rc < 0) {
		dbg(ctx, "%s: cannot read: %s\n", path, strerror(-rc));
		return rc;
	}
	rc = tdx_mapping_parse(ctx, (const char *)buf, len, mapping, why);
	if (rc < 0)
		dbg(ctx, "%s: not a usable mapping file\n", path);
	free(buf);
	return rc;
}

TDX_EXPORT
int tdx_mapping_open(struct tdx_ctx *ctx, const struct tdx_mapping_source *src,
		     struct tdx_mapping **mapping, char **path, struct tdx_mapping_refusal *why)
{
	const char *where = src->dir ? src->dir : src->image;
	char *dir;
	int rc;

	*mapping = NULL;
	*path = NULL;
	if (why)
		*why = (struct tdx_mapping_refusal){ .entry = -1, .item = -1 };
	if (src->path) {
		*path = strdup(src->path);
		if (!*path)
			return -ENOMEM;
	} else if (where && *where) {
		/*
		 * Only in the folder itself: a parent folder is often writable by others (/tmp, a
		 * shared download folder), and a file planted there would change what is
		 * installable.
		 */
		dir = src->dir ? strdup(src->dir) : image_dir(src->image);
		if (!dir)
			return -ENOMEM;
		rc = mapping_probe_dir(dir, path);
		free(dir);
		if (rc < 0 || !*path)
			return rc;
	} else {
		return 0;
	}
	return mapping_read(ctx, *path, mapping, why);
}

TDX_EXPORT
enum tdx_outcome tdx_mapping_open_outcome(int rc)
{
	/* A mapping file is an input the caller named; the parser never says EBADMSG. */
	return tdx_outcome_from_errno(rc < 0 ? rc : 0, TDX_ERRNO_INPUT);
}
