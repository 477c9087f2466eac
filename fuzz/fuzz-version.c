// SPDX-License-Identifier: GPL-2.0-only
/*
 * Versions as sysfs prints them ("1.5.08\n": the version and seamldr_version files) and as
 * Intel's file names carry them: tdx_version_parse must round-trip through tdx_version_format,
 * and tdx_version_from_filename must agree with it on the same digits.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	char buf[TDX_VERSION_STRLEN];
	struct tdx_version v, w;

	if (tdx_version_parse(s, &v) == 0) {
		FUZZ_ASSERT(v.major <= 255 && v.minor <= 255 && v.update <= 65535);
		tdx_version_format(&v, buf, sizeof(buf));
		FUZZ_ASSERT(tdx_version_parse(buf, &w) == 0 && tdx_version_cmp(&v, &w) == 0);
		FUZZ_ASSERT(tdx_version_same_line(&v, &w));
	}
	if (tdx_version_from_filename(s, &v) == 0)
		FUZZ_ASSERT(v.major <= 255 && v.minor <= 255 && v.update <= 65535);
	free(s);
	return 0;
}
