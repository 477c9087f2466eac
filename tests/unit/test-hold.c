// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rollout hold's reader (lib/host/hold.c): a hold that cannot be trusted is -EPERM with why
 * as a fact (struct tdx_trust_refusal, in the hold and on the context), never as a sentence.
 * The words are cli/'s (tests/host/test-host.sh checks them).
 */
#include <fcntl.h>
#include <unistd.h>

#include "test.h"

static char dir[] = "/tmp/tdxctl-test-hold.XXXXXX";
static char path[256];

/* Read the hold; check the refusal in it and on @ctx (@fault NONE: none); returns the rc. */
static int hold_read(struct tdx_ctx *ctx, struct tdx_hold *h, enum tdx_trust_fault fault)
{
	const struct tdx_trust_refusal *t;
	int rc = tdx_hold_read(ctx, h);

	t = tdx_ctx_trust_refusal(ctx);
	CHECK_INT(h->untrusted.fault, fault);
	CHECK_INT(t->fault, fault);
	CHECK(!h->untrusted.path);
	if (fault != TDX_TRUST_FAULT_NONE) {
		CHECK_INT(rc, -EPERM);
		CHECK(h->held);
		CHECK_STR(t->path, path);
		CHECK_INT(t->folder, h->untrusted.folder);
		CHECK_INT(t->uid, h->untrusted.uid);
		CHECK_INT(t->mode, h->untrusted.mode);
		CHECK_INT(t->by_all, h->untrusted.by_all);
	} else {
		CHECK(!t->path);
	}
	return rc;
}

int main(void)
{
	struct tdx_ctx *ctx;
	struct tdx_hold h;

	if (!mkdtemp(dir) || tdx_ctx_new(&ctx) < 0 || chmod(dir, 0755) < 0)
		return 1;
	CHECK_INT(tdx_ctx_set_path(ctx, TDX_CTX_STATE_DIR, dir), 0);
	snprintf(path, sizeof(path), "%s/hold", dir);

	/* None, then a trusted one: no refusal. */
	CHECK_INT(hold_read(ctx, &h, TDX_TRUST_FAULT_NONE), 0);
	CHECK(!h.held);
	CHECK_STR(h.path, path);
	{
		FILE *f = fopen(path, "w");

		if (!f)
			return 1;
		fputs("wave 2\n", f);
		fclose(f);
	}
	CHECK_INT(chmod(path, 0644), 0);
	CHECK_INT(hold_read(ctx, &h, TDX_TRUST_FAULT_NONE), 0);
	CHECK(h.held);
	CHECK_STR(h.reason, "wave 2");

	/* Writable by its group, by everyone: the file's mode. */
	CHECK_INT(chmod(path, 0664), 0);
	hold_read(ctx, &h, TDX_TRUST_FAULT_WRITABLE);
	CHECK(!h.untrusted.folder && !h.untrusted.by_all && h.untrusted.mode == 0664);
	CHECK_INT(h.untrusted.uid, geteuid());
	CHECK_STR(h.reason, "wave 2");
	CHECK_INT(chmod(path, 0666), 0);
	hold_read(ctx, &h, TDX_TRUST_FAULT_WRITABLE);
	CHECK(!h.untrusted.folder && h.untrusted.by_all && h.untrusted.mode == 0666);
	CHECK_INT(chmod(path, 0644), 0);

	/* Another user's (as root only). */
	if (geteuid() == 0) {
		CHECK_INT(chown(path, 65534, (gid_t)-1), 0);
		hold_read(ctx, &h, TDX_TRUST_FAULT_OWNER);
		CHECK(!h.untrusted.folder && h.untrusted.uid == 65534);
		CHECK_INT(chown(path, 0, (gid_t)-1), 0);
	}

	/* Its folder writable by everyone: the folder's facts. */
	CHECK_INT(chmod(dir, 0777), 0);
	hold_read(ctx, &h, TDX_TRUST_FAULT_WRITABLE);
	CHECK(h.untrusted.folder && h.untrusted.by_all && h.untrusted.mode == 0777);
	CHECK_INT(chmod(dir, 0755), 0);

	/* A symlink, a FIFO. */
	CHECK_INT(unlink(path), 0);
	CHECK_INT(symlink("/etc/hostname", path), 0);
	hold_read(ctx, &h, TDX_TRUST_FAULT_SYMLINK);
	CHECK(!h.untrusted.folder);
	CHECK_INT(unlink(path), 0);
	CHECK_INT(mkfifo(path, 0644), 0);
	hold_read(ctx, &h, TDX_TRUST_FAULT_NOT_REGULAR);
	CHECK_INT(unlink(path), 0);

	/* Gone again: the context's refusal is cleared. */
	CHECK_INT(hold_read(ctx, &h, TDX_TRUST_FAULT_NONE), 0);
	CHECK(!h.held);

	CHECK_INT(rmdir(dir), 0);
	tdx_ctx_free(ctx);
	return test_finish();
}
