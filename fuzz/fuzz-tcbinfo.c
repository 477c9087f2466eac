// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel's TDX TCB Info (PCS's body, optionally followed by its PEM issuer chain: the bundle
 * form): tdx_tcb_info_parse at a fixed time, then the module ratings for a spread of SVNs.
 * The seeds are Intel's real documents in the bundle form (tests/data/tcb-info), so the
 * fuzzer starts past the signature and mutates the JSON, the signature and the chain.
 */
#include "fuzz.h"

#define FUZZ_NOW	1751328000	/* 2025-07-01: inside the seeds' validity */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_tcb_info_opts o = { .now = FUZZ_NOW };
	struct tdx_tcb_info *t = NULL;
	char *doc = (char *)fuzz_memdup(data, size);	/* not NUL-terminated: @len is the size */
	struct tdx_tcb_refusal refusal;
	int rc;

	rc = tdx_tcb_info_parse(fuzz_ctx(), doc, size, NULL, 0, &o, &t, &refusal);
	/* Every refusal but no memory is a fault the front end can word. */
	FUZZ_ASSERT(rc == 0 || rc == -ENOMEM || refusal.fault != TDX_TCB_FAULT_NONE);
	FUZZ_ASSERT(rc != 0 || refusal.fault == TDX_TCB_FAULT_NONE);
	if (rc == 0) {
		static const unsigned int svns[][2] = { { 1, 0 }, { 1, 4 }, { 1, 255 }, { 3, 3 },
							{ 0, 0 }, { 255, 255 } };
		struct tdx_sigstruct sig = { 0 };
		struct tdx_report *r = NULL;

		FUZZ_ASSERT(t && tdx_tcb_info_fmspc(t) && tdx_tcb_info_issue_date(t));
		for (size_t i = 0; i < sizeof(svns) / sizeof(svns[0]); i++) {
			struct tdx_tcb_match m;

			rc = tdx_tcb_info_match(t, svns[i][0], svns[i][1], &m);
			FUZZ_ASSERT(rc == 0 || rc == -ENOENT);
			FUZZ_ASSERT(rc || (m.status && (m.grade == TDX_TCB_NOT_SUPPORTED ||
							m.level_isvsvn <= svns[i][1])));
		}
		/* The identities the front end names when none fits: each an id, none past them. */
		for (size_t i = 0; i < tdx_tcb_info_identity_count(t); i++)
			FUZZ_ASSERT(tdx_tcb_info_identity_id(t, i));
		FUZZ_ASSERT(!tdx_tcb_info_identity_id(t, tdx_tcb_info_identity_count(t)));
		if (tdx_report_new(&r) == 0) {
			struct tdx_tcb_match m;

			sig.svn_major = 1;
			sig.svn_minor = 4;
			rc = tdx_tcb_info_check(t, &sig, r);
			FUZZ_ASSERT(rc == 0 || rc == -EBADMSG || rc == -ENOENT || rc == -ENOMEM);
			/* No identity for the line: nothing recorded, as tdx_tcb_info_match() says. */
			FUZZ_ASSERT((rc == -ENOENT) == (tdx_tcb_info_match(t, 1, 4, &m) == -ENOENT));
			FUZZ_ASSERT(rc != -ENOENT || tdx_report_count(r) == 0);
			tdx_report_free(r);
		}
	} else {
		FUZZ_ASSERT(!t && (rc == -ENOMEM || refusal.fault != TDX_TCB_FAULT_NONE));
	}
	tdx_tcb_info_free(t);
	free(doc);
	return 0;
}
