// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module ELF checks directly (tdx_elf_check): the input is a 32-bit little-endian
 * rip_offset followed by the module bytes, copied to an exactly sized buffer.
 */
#include "fuzz.h"
#include "image-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_report *report;
	uint32_t rip;
	uint8_t *module;
	bool failed = false;
	int rc;

	if (size < 4)
		return 0;
	rip = get_le32(data);
	module = fuzz_memdup(data + 4, size - 4);
	if (tdx_report_new(&report) < 0)
		abort();
	rc = tdx_elf_check(module, size - 4, rip, report, &failed);
	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(failed == (tdx_report_outcome(report) != TDX_OUTCOME_OK));
	FUZZ_ASSERT(tdx_report_count(report) == 3);
	tdx_report_free(report);
	free(module);
	return 0;
}
