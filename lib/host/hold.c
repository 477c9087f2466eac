// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rollout hold: a file root writes in the state folder (STATE_DIR/hold, /var/lib/tdxctl/hold)
 * while a rollout has not yet reached this host or has halted. `update --latest` (the timer, the
 * boot unit, cron) installs nothing while it exists; status and the metrics show it. Read as a
 * host fact here; the refusal is decided with the --latest selection.
 *
 * The file is trusted as the run folder's files are: a regular file (not a symlink, opened with
 * O_NOFOLLOW and O_NONBLOCK so that a FIFO cannot hang the reader), owned by root (or the
 * caller), writable by nobody else, in a folder of the same kind. A hold that fails one of these
 * is neither obeyed nor ignored: the caller refuses and says why (someone else could otherwise
 * lift a hold by replacing it, or forge one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"
#include "tdx-host.h"

/* Root's or the caller's, writable by nobody else: else why not, into @why (NONE: trusted). */
static void hold_judge_owner(const struct stat *st, bool folder, struct tdx_trust_refusal *why)
{
	*why = (struct tdx_trust_refusal){
		.folder = folder, .uid = (unsigned int)st->st_uid,
		.mode = (unsigned int)(st->st_mode & 07777), .by_all = st->st_mode & S_IWOTH,
	};
	if (st->st_uid != 0 && st->st_uid != geteuid())
		why->fault = TDX_TRUST_FAULT_OWNER;
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		why->fault = TDX_TRUST_FAULT_WRITABLE;
}

/* @hold cannot be trusted: note why on @ctx too (tdx_ctx_trust_refusal()); -EPERM. */
static int hold_untrusted(struct tdx_ctx *ctx, struct tdx_hold *hold)
{
	struct tdx_trust_refusal r = hold->untrusted;

	r.path = hold->path;
	tdx_ctx_note_trust(ctx, &r);
	dbg(ctx, "%s: not trusted (fault %d, folder %d, uid %u, mode %04o)\n", hold->path,
	    r.fault, r.folder, r.uid, r.mode);
	return -EPERM;
}

/* The first line of @buf as printable ASCII (a file's bytes are printed to people and logs). */
static void hold_copy_reason(const char *buf, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len && buf[i] != '\n' && n + 1 < size; i++) {
		out[n] = buf[i];
		if (buf[i] < 0x20 || buf[i] >= 0x7f)
			out[n] = '?';
		n++;
	}
	out[n] = '\0';
}

TDX_EXPORT
int tdx_hold_read(struct tdx_ctx *ctx, struct tdx_hold *hold)
{
	const char *dir = tdx_ctx_get_path(ctx, TDX_CTX_STATE_DIR);
	char buf[TDX_HOLD_REASON_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	memset(hold, 0, sizeof(*hold));
	tdx_ctx_note_trust(ctx, &(struct tdx_trust_refusal){ .fault = TDX_TRUST_FAULT_NONE });
	snprintf(hold->path, sizeof(hold->path), "%s%shold", dir,
		 dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/");
	fd = open(hold->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return 0;
	hold->held = true;
	if (fd < 0 && errno == ELOOP) {
		hold->untrusted.fault = TDX_TRUST_FAULT_SYMLINK;
		return hold_untrusted(ctx, hold);
	}
	if (fd < 0) {
		int rc = -errno;

		dbg(ctx, "%s: %s\n", hold->path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		hold->untrusted.fault = TDX_TRUST_FAULT_NOT_REGULAR;
		close(fd);
		return hold_untrusted(ctx, hold);
	}
	hold->since = st.st_mtime;
	hold_judge_owner(&st, false, &hold->untrusted);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0)
		hold_copy_reason(buf, (size_t)n, hold->reason, sizeof(hold->reason));
	if (hold->untrusted.fault == TDX_TRUST_FAULT_NONE && lstat(dir, &st) == 0)
		hold_judge_owner(&st, true, &hold->untrusted);
	if (hold->untrusted.fault != TDX_TRUST_FAULT_NONE)
		return hold_untrusted(ctx, hold);
	return 0;
}
