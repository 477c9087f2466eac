// SPDX-License-Identifier: GPL-2.0-only
/*
 * The other small texts tdxctl reads: a sysfs number (remaining updates), the bugs line of
 * /proc/cpuinfo, and the update lock file ("PID STARTTIME\n", which tdxctl writes: whatever it
 * accepts must be exactly that, with the numbers as read).
 */
#include "fuzz.h"
#include "tdx-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	struct tdx_lock_owner owner;
	unsigned int v;

	tdx_sysfs_parse_uint(s, &v);
	tdx_cpuinfo_has_bug(s, "seamret_invd_vmcs");
	tdx_cpuinfo_has_bug(s, "");
	if (tdx_lock_owner_parse(s, &owner) == 0) {
		unsigned long long pid, start;
		char *end;

		FUZZ_ASSERT(owner.pid > 0 && !owner.alive);
		/* Digits, one space, digits, an optional newline; the numbers exactly as read. */
		FUZZ_ASSERT(s[0] >= '0' && s[0] <= '9');
		errno = 0;
		pid = strtoull(s, &end, 10);
		FUZZ_ASSERT(!errno && *end == ' ' && end[1] >= '0' && end[1] <= '9');
		start = strtoull(end + 1, &end, 10);
		FUZZ_ASSERT(!errno && (!*end || strcmp(end, "\n") == 0));
		FUZZ_ASSERT(pid == (unsigned long long)owner.pid && start == owner.starttime);
	}
	free(s);
	return 0;
}
