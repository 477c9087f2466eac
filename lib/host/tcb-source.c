// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The host's TCB Info, as its configuration names it: CONF_DIR/tcb-info.conf (/etc/tdxctl),
 * then CONF_DIR/tcb-info.conf.d/ *.conf in name order, later keys overriding earlier ones. Root
 * reads these to decide what it reports about the running module, so each configuration file,
 * and the TCB Info and chain files they name, are trusted as the mapping file is: the file and
 * its folder owned by root (or the caller) and writable by nobody else, the bytes read from the
 * descriptor that was checked (tdx_file_read_trusted()). The TCB Info is then authenticated
 * (tdx_tcb_info_parse()): its signature makes its content trustworthy, the file checks make
 * sure nobody but root chooses which signed document, an older or another platform's, is used.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host-private.h"

#define TCB_CONF_NAME	"tcb-info.conf"
#define TCB_DROPIN_MAX	64	/* drop-ins read at most; more is a mistake, not a configuration */

TDX_EXPORT
const char *tdx_tcb_source_state_name(enum tdx_tcb_source_state state)
{
	switch (state) {
	case TDX_TCB_SOURCE_OK:		return "ok";
	case TDX_TCB_SOURCE_NONE:	return "no-file";
	case TDX_TCB_SOURCE_CONFIG_BAD:	return "config-invalid";
	case TDX_TCB_SOURCE_UNREADABLE:	return "file-unreadable";
	case TDX_TCB_SOURCE_EXPIRED:	return "file-expired";
	case TDX_TCB_SOURCE_INVALID:	return "file-invalid";
	}
	return "unknown";
}

/*
 * Why tdx_file_read_trusted() refused @path (it logs it; the caller's facts need it too): the
 * first of the file and its folder that is not root's or is writable by others.
 */
static void source_untrusted_why(const char *path, char *why, size_t size)
{
	char *real = realpath(path, NULL), *copy;
	const char *what = "the file";
	struct stat st;

	snprintf(why, size, "not trusted");
	if (!real)
		return;
	copy = strdup(real);
	if (copy && stat(real, &st) == 0 && st.st_uid != 0 && st.st_uid != geteuid())
		snprintf(why, size, "%s is owned by uid %u, not root", what,
			 (unsigned int)st.st_uid);
	else if (copy && stat(real, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)))
		snprintf(why, size, "%s is writable by %s (mode %04o)", what,
			 st.st_mode & S_IWOTH ? "every user" : "its group",
			 (unsigned int)(st.st_mode & 07777));
	else if (copy && stat(dirname(copy), &st) == 0) {
		what = "its folder";
		if (st.st_uid != 0 && st.st_uid != geteuid())
			snprintf(why, size, "%s is owned by uid %u, not root", what,
				 (unsigned int)st.st_uid);
		else if (st.st_mode & (S_IWGRP | S_IWOTH))
			snprintf(why, size, "%s is writable by %s (mode %04o)", what,
				 st.st_mode & S_IWOTH ? "every user" : "its group",
				 (unsigned int)(st.st_mode & 07777));
	}
	free(copy);
	free(real);
}

/* A trusted file's bytes, or @src->err and @src->why set (the caller sets the state). */
static int source_read(struct tdx_ctx *ctx, struct tdx_tcb_source *src, const char *path,
		       size_t max, uint8_t **buf, size_t *len)
{
	int rc = tdx_file_read_trusted(ctx, path, max, buf, len);

	if (rc == 0)
		return 0;
	src->err = rc;
	if (rc == -EPERM)
		source_untrusted_why(path, src->why, sizeof(src->why));
	else
		snprintf(src->why, sizeof(src->why), "%s", rc == -EFBIG ? "too large" :
			 strerror(-rc));
	return rc;
}

/* One configuration file applied to @src->cfg; -ENOENT when it does not exist. */
static int source_config_file(struct tdx_ctx *ctx, struct tdx_tcb_source *src, const char *path)
{
	char why[256];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (access(path, F_OK) < 0 && errno == ENOENT)
		return -ENOENT;
	snprintf(src->config, sizeof(src->config), "%s", path);
	rc = source_read(ctx, src, path, TDX_TCB_CONFIG_MAX_SIZE, &buf, &len);
	if (rc == 0) {
		rc = tdx_tcb_config_parse((const char *)buf, len, &src->cfg, why, sizeof(why));
		if (rc < 0) {
			src->err = rc;
			snprintf(src->why, sizeof(src->why), "%s", why);
		}
	}
	free(buf);
	if (rc < 0)
		src->state = TDX_TCB_SOURCE_CONFIG_BAD;
	return rc;
}

static int dropin_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

/*
 * The drop-ins, in name order (alphasort): every one must be usable, as the main file must; a
 * missing folder is none. Returns 1 when at least one was read, 0 when none, < 0 on failure.
 */
static int source_dropins(struct tdx_ctx *ctx, struct tdx_tcb_source *src, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, dropin_filter, alphasort), rc = 0, read = 0;
	char path[TDX_TCB_CONFIG_PATH_MAX];

	if (n < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		rc = -errno;
		src->err = rc;
		src->state = TDX_TCB_SOURCE_CONFIG_BAD;
		snprintf(src->config, sizeof(src->config), "%s", dir);
		snprintf(src->why, sizeof(src->why), "%s", strerror(-rc));
		return rc;
	}
	if (n > TCB_DROPIN_MAX) {
		src->err = rc = -E2BIG;
		src->state = TDX_TCB_SOURCE_CONFIG_BAD;
		snprintf(src->config, sizeof(src->config), "%s", dir);
		snprintf(src->why, sizeof(src->why), "more than %d drop-ins", TCB_DROPIN_MAX);
	}
	for (int i = 0; i < n; i++) {
		if (rc == 0) {
			if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) >=
			    (int)sizeof(path))
				rc = -ENAMETOOLONG;
			else
				rc = source_config_file(ctx, src, path);
			if (rc == -ENAMETOOLONG) {
				src->err = rc;
				src->state = TDX_TCB_SOURCE_CONFIG_BAD;
				snprintf(src->config, sizeof(src->config), "%s", dir);
				snprintf(src->why, sizeof(src->why), "a drop-in's path is too long");
			} else if (rc == -ENOENT) {
				rc = 0;
			}
			else if (rc == 0)
				read = 1;
		}
		free(names[i]);
	}
	free(names);
	return rc < 0 ? rc : read;
}

/* The configured TCB Info (and chain), read and authenticated at @now. */
static void source_load(struct tdx_ctx *ctx, struct tdx_tcb_source *src, int64_t now)
{
	struct tdx_tcb_info_opts o = {
		.now = now,
		.root_key_hash = src->cfg.have_root_hash ? src->cfg.root_hash : NULL,
	};
	uint8_t *doc = NULL, *chain = NULL;
	size_t len = 0, chain_len = 0;
	int rc;

	rc = source_read(ctx, src, src->cfg.file, TDX_TCB_INFO_MAX_SIZE, &doc, &len);
	if (rc == 0 && src->cfg.chain[0]) {
		rc = source_read(ctx, src, src->cfg.chain, TDX_TCB_INFO_MAX_SIZE, &chain,
				 &chain_len);
		src->chain_failed = rc < 0;
	}
	if (rc < 0) {
		src->state = TDX_TCB_SOURCE_UNREADABLE;
		goto out;
	}
	rc = tdx_tcb_info_parse(ctx, (const char *)doc, len, (const char *)chain, chain_len, &o,
				&src->info, &src->refusal);
	if (rc < 0) {
		src->err = rc;
		src->state = rc == -ESTALE ? TDX_TCB_SOURCE_EXPIRED : TDX_TCB_SOURCE_INVALID;
		src->info = NULL;
		goto out;
	}
	src->state = TDX_TCB_SOURCE_OK;
out:
	free(doc);
	free(chain);
}

TDX_EXPORT
int tdx_tcb_source_open(struct tdx_ctx *ctx, int64_t now, struct tdx_tcb_source *src)
{
	const char *dir = tdx_ctx_get_path(ctx, TDX_CTX_CONF_DIR);
	char path[TDX_TCB_CONFIG_PATH_MAX];
	int rc, main_rc;

	memset(src, 0, sizeof(*src));
	src->state = TDX_TCB_SOURCE_NONE;
	snprintf(path, sizeof(path), "%s/" TCB_CONF_NAME, dir);
	main_rc = source_config_file(ctx, src, path);
	if (main_rc < 0 && main_rc != -ENOENT)
		return 0;
	snprintf(path, sizeof(path), "%s/" TCB_CONF_NAME ".d", dir);
	rc = source_dropins(ctx, src, path);
	if (rc < 0)
		return 0;
	if (main_rc == -ENOENT && rc == 0)
		snprintf(src->config, sizeof(src->config), "%s/" TCB_CONF_NAME, dir);
	if (!src->cfg.file[0]) {
		src->state = TDX_TCB_SOURCE_NONE;
		return 0;
	}
	source_load(ctx, src, now);
	if (src->state != TDX_TCB_SOURCE_OK)
		dbg(ctx, "%s: %s: %s (fault %d)\n", src->chain_failed ? src->cfg.chain :
		    src->cfg.file, tdx_tcb_source_state_name(src->state), src->why,
		    (int)src->refusal.fault);
	return src->err == -ENOMEM ? -ENOMEM : 0;
}

TDX_EXPORT
void tdx_tcb_source_clear(struct tdx_tcb_source *src)
{
	tdx_tcb_info_free(src->info);
	src->info = NULL;
}
