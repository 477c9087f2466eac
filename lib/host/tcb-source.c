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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* A trusted file's bytes, or @src->err and its fault set (the caller sets the state). */
static int source_read(struct tdx_ctx *ctx, struct tdx_tcb_source *src, const char *path,
		       size_t max, uint8_t **buf, size_t *len)
{
	int rc = tdx_file_read_trusted(ctx, path, max, buf, len);

	if (rc == 0)
		return 0;
	src->err = rc;
	src->fault = TDX_TCB_SOURCE_FAULT_READ;
	if (rc == -EPERM) {
		/* The refusal lives on @ctx until its next read: a copy, its path the source's. */
		src->fault = TDX_TCB_SOURCE_FAULT_UNTRUSTED;
		src->untrusted = *tdx_ctx_trust_refusal(ctx);
		src->untrusted.path = NULL;
	}
	return rc;
}

/* One configuration file applied to @src->cfg; -ENOENT when it does not exist. */
static int source_config_file(struct tdx_ctx *ctx, struct tdx_tcb_source *src, const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (access(path, F_OK) < 0 && errno == ENOENT)
		return -ENOENT;
	snprintf(src->config, sizeof(src->config), "%s", path);
	rc = source_read(ctx, src, path, TDX_TCB_CONFIG_MAX_SIZE, &buf, &len);
	if (rc == 0) {
		rc = tdx_tcb_config_parse((const char *)buf, len, &src->cfg, &src->config_refusal);
		if (rc < 0) {
			src->err = rc;
			src->fault = TDX_TCB_SOURCE_FAULT_CONFIG;
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
		src->fault = TDX_TCB_SOURCE_FAULT_READ;
		snprintf(src->config, sizeof(src->config), "%s", dir);
		return rc;
	}
	if (n > TCB_DROPIN_MAX) {
		src->err = rc = -E2BIG;
		src->state = TDX_TCB_SOURCE_CONFIG_BAD;
		src->fault = TDX_TCB_SOURCE_FAULT_DROPINS;
		src->limit = TCB_DROPIN_MAX;
		snprintf(src->config, sizeof(src->config), "%s", dir);
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
				src->fault = TDX_TCB_SOURCE_FAULT_DROPIN_PATH;
				snprintf(src->config, sizeof(src->config), "%s", dir);
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
		dbg(ctx, "%s: %s: fault %d, errno %d, document fault %d\n", src->chain_failed ?
		    src->cfg.chain : src->cfg.file, tdx_tcb_source_state_name(src->state),
		    (int)src->fault, -src->err, (int)src->refusal.fault);
	return src->err == -ENOMEM ? -ENOMEM : 0;
}

TDX_EXPORT
void tdx_tcb_source_clear(struct tdx_tcb_source *src)
{
	tdx_tcb_info_free(src->info);
	src->info = NULL;
}
