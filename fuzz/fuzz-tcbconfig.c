// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TCB Info configuration (/etc/tdxctl/tcb-info.conf and its drop-ins): whatever the bytes,
 * tdx_tcb_config_parse either refuses them with a fault (on a line, naming a known key or
 * none, a limit only for a path too long) or yields paths that are empty or
 * absolute, NUL-terminated within their arrays and free of control characters, and parsing
 * the same text again over its own result changes nothing.
 */
#include "fuzz.h"

/* An accepted path value: "" or "/...", no byte below 0x20 nor DEL, terminated in the array. */
static void check_path(const char *p, size_t size)
{
	size_t n = strnlen(p, size);

	FUZZ_ASSERT(n < size);
	FUZZ_ASSERT(n == 0 || p[0] == '/');
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)p[i] >= 0x20 && p[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_tcb_config *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct tdx_tcb_config_refusal why;
	int rc;

	FUZZ_ASSERT(a && b);
	rc = tdx_tcb_config_parse((const char *)data, size, a, &why);
	FUZZ_ASSERT(rc == 0 || (rc == -EINVAL && why.fault != TDX_TCB_CONFIG_FAULT_NONE));
	FUZZ_ASSERT(rc != 0 || why.fault == TDX_TCB_CONFIG_FAULT_NONE);
	/* Only the NUL byte concerns the text as a whole; every other fault has its line. */
	FUZZ_ASSERT(rc == 0 || (why.line == 0) == (why.fault == TDX_TCB_CONFIG_FAULT_NUL_BYTE));
	FUZZ_ASSERT(!why.key || strcmp(why.key, "file") == 0 || strcmp(why.key, "chain") == 0 ||
		    strcmp(why.key, "root_hash") == 0);
	FUZZ_ASSERT((why.limit != 0) == (why.fault == TDX_TCB_CONFIG_FAULT_TOO_LONG));
	if (rc == 0) {
		check_path(a->file, sizeof(a->file));
		check_path(a->chain, sizeof(a->chain));
		*b = *a;
		FUZZ_ASSERT(tdx_tcb_config_parse((const char *)data, size, b, &why) == 0);
		FUZZ_ASSERT(memcmp(a, b, sizeof(*a)) == 0);
	}
	free(a);
	free(b);
	return 0;
}
