// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 2048-byte SEAM sigstruct: tdx_sigstruct_parse, every field check (tdx_sigstruct_check, with
 * a module length from the bytes past the sigstruct), the version in reserved3, the CPUID table,
 * the signer's key hash and the RSA signature.
 */
#include "fuzz.h"
#include "image-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_sigstruct sig;
	struct tdx_report *report;
	struct tdx_version v;
	uint8_t hash[TDX_SHA384_LEN];
	unsigned int build;
	size_t module_len = 0;
	bool failed = false;
	int rc;

	rc = tdx_sigstruct_parse(data, size, &sig);
	if (size < TDX_SIGSTRUCT_SIZE) {
		FUZZ_ASSERT(rc == -EINVAL);
		return 0;
	}
	FUZZ_ASSERT(rc == 0);
	/* Up to 4 trailing bytes choose the module length the offset checks compare with. */
	for (size_t i = TDX_SIGSTRUCT_SIZE; i < size && i < TDX_SIGSTRUCT_SIZE + 4; i++)
		module_len |= (size_t)data[i] << (8 * (i - TDX_SIGSTRUCT_SIZE));
	if (tdx_report_new(&report) < 0)
		abort();
	rc = tdx_sigstruct_check(&sig, data, module_len, size & 1, report, &failed);
	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(failed == (tdx_report_outcome(report) != TDX_OUTCOME_OK));
	rc = tdx_sigstruct_get_version(&sig, &v, &build);
	FUZZ_ASSERT(rc == 0 || rc == -ENOENT || rc == -EBADMSG);
	if (rc == 0)
		FUZZ_ASSERT(v.major >= 2);
	tdx_sigstruct_is_debug(&sig);
	tdx_sigstruct_supports_cpu(&sig, 0x806f8);
	tdx_sigstruct_supports_cpu(&sig, sig.cpuid_table[0]);
	FUZZ_ASSERT(tdx_sigstruct_key_hash(&sig, hash) == 0);
	rc = tdx_signature_verify(data);
	FUZZ_ASSERT(rc == 0 || rc == -EBADMSG);
	tdx_report_free(report);
	return 0;
}
