// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU lists as /sys/devices/system/cpu/{present,online} print them: tdx_cpuset_parse, and
 * tdx_cpuset_format must give back a list that parses to the same set (into a buffer large
 * enough, then into a small one that must truncate cleanly).
 */
#include "fuzz.h"
#include "tdx-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[TDX_CPUSET_MAX * 6];
	static struct tdx_cpuset a, b, d;
	char small[12];
	char *s = fuzz_strdup(data, size);

	if (tdx_cpuset_parse(s, &a) == 0) {
		tdx_cpuset_format(&a, buf, sizeof(buf));
		FUZZ_ASSERT(tdx_cpuset_parse(buf, &b) == 0);
		FUZZ_ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
		FUZZ_ASSERT(tdx_cpuset_count(&a) <= TDX_CPUSET_MAX);
		tdx_cpuset_andnot(&d, &a, &b);
		FUZZ_ASSERT(tdx_cpuset_count(&d) == 0);
		tdx_cpuset_format(&a, small, sizeof(small));
		FUZZ_ASSERT(strlen(small) < sizeof(small));
	}
	free(s);
	return 0;
}
