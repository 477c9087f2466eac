// SPDX-License-Identifier: GPL-2.0-only
/*
 * The refusals the context keeps (lib/ctx.c): tdx_ctx_note_rundir() and tdx_ctx_note_trust()
 * keep a copy of the string, whoever frees theirs; fault NONE clears it; a kept fact noted again
 * (its string the context's own copy) stays whole; a NULL context has none.
 */
#include "test.h"
#include "private.h"

static void rundir_kept(struct tdx_ctx *ctx)
{
	char name[] = "/run/tdxctl/gate";
	const struct tdx_rundir_refusal *r;

	tdx_ctx_note_rundir(ctx, &(struct tdx_rundir_refusal){
		.fault = TDX_RUNDIR_FAULT_WRITABLE, .name = name, .top = true, .uid = 7,
		.mode = 0777, .by_all = true });
	memset(name, 'x', sizeof(name) - 1);
	r = tdx_ctx_rundir_refusal(ctx);
	CHECK_INT(r->fault, TDX_RUNDIR_FAULT_WRITABLE);
	CHECK_STR(r->name, "/run/tdxctl/gate");
	CHECK(r->name != name);
	CHECK(r->top && r->by_all);
	CHECK_INT(r->uid, 7);
	CHECK_INT(r->mode, 0777);
	/* The kept fact itself, noted again: its string is copied before the old copy goes. */
	tdx_ctx_note_rundir(ctx, r);
	r = tdx_ctx_rundir_refusal(ctx);
	CHECK_STR(r->name, "/run/tdxctl/gate");
	CHECK_INT(r->mode, 0777);
	/* NONE clears it, a name given with it too. */
	tdx_ctx_note_rundir(ctx, &(struct tdx_rundir_refusal){ .fault = TDX_RUNDIR_FAULT_NONE,
							       .name = "ignored" });
	r = tdx_ctx_rundir_refusal(ctx);
	CHECK_INT(r->fault, TDX_RUNDIR_FAULT_NONE);
	CHECK(!r->name);
	/* A fault without a name stays nameless. */
	tdx_ctx_note_rundir(ctx, &(struct tdx_rundir_refusal){
		.fault = TDX_RUNDIR_FAULT_NOT_A_FOLDER });
	CHECK_INT(tdx_ctx_rundir_refusal(ctx)->fault, TDX_RUNDIR_FAULT_NOT_A_FOLDER);
	CHECK(!tdx_ctx_rundir_refusal(ctx)->name);
}

static void trust_kept(struct tdx_ctx *ctx)
{
	char path[] = "/etc/tdxctl/hold";
	const struct tdx_trust_refusal *t;

	tdx_ctx_note_trust(ctx, &(struct tdx_trust_refusal){
		.fault = TDX_TRUST_FAULT_WRITABLE, .path = path, .folder = true, .uid = 0,
		.mode = 0775 });
	memset(path, 'x', sizeof(path) - 1);
	t = tdx_ctx_trust_refusal(ctx);
	CHECK_INT(t->fault, TDX_TRUST_FAULT_WRITABLE);
	CHECK_STR(t->path, "/etc/tdxctl/hold");
	CHECK(t->path != path);
	CHECK(t->folder && !t->by_all);
	CHECK_INT(t->mode, 0775);
	tdx_ctx_note_trust(ctx, t);
	CHECK_STR(tdx_ctx_trust_refusal(ctx)->path, "/etc/tdxctl/hold");
	tdx_ctx_note_trust(ctx, &(struct tdx_trust_refusal){ .fault = TDX_TRUST_FAULT_NONE,
							     .path = "ignored" });
	t = tdx_ctx_trust_refusal(ctx);
	CHECK_INT(t->fault, TDX_TRUST_FAULT_NONE);
	CHECK(!t->path);
	/* The two are kept apart. */
	CHECK_INT(tdx_ctx_rundir_refusal(ctx)->fault, TDX_RUNDIR_FAULT_NOT_A_FOLDER);
}

int main(void)
{
	struct tdx_ctx *ctx;

	if (tdx_ctx_new(&ctx) < 0) {
		fprintf(stderr, "tdx_ctx_new failed\n");
		return 1;
	}
	rundir_kept(ctx);
	trust_kept(ctx);
	/* Freed with a refusal kept: ASan sees any leak of the copies. */
	tdx_ctx_note_trust(ctx, &(struct tdx_trust_refusal){ .fault = TDX_TRUST_FAULT_OWNER,
							     .path = "/x" });
	tdx_ctx_free(ctx);
	/* No context: nothing kept, nothing refused. */
	tdx_ctx_note_rundir(NULL, &(struct tdx_rundir_refusal){ .fault = TDX_RUNDIR_FAULT_OWNER });
	tdx_ctx_note_trust(NULL, &(struct tdx_trust_refusal){ .fault = TDX_TRUST_FAULT_OWNER });
	CHECK_INT(tdx_ctx_rundir_refusal(NULL)->fault, TDX_RUNDIR_FAULT_NONE);
	CHECK_INT(tdx_ctx_trust_refusal(NULL)->fault, TDX_TRUST_FAULT_NONE);
	return test_finish();
}
