// SPDX-License-Identifier: GPL-2.0-only
/*
 * The firmware-upload class's `error` and `status` files: tdx_fw_error_parse must round-trip
 * through tdx_fw_error_format; tdx_fw_status_parse must give a state whose name parses back.
 */
#include "fuzz.h"
#include "tdx-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	struct tdx_fw_error e, f;
	enum tdx_fw_status st, st2;
	char buf[64];

	if (tdx_fw_error_parse(s, &e) == 0) {
		tdx_fw_error_format(&e, buf, sizeof(buf));
		FUZZ_ASSERT(tdx_fw_error_parse(buf, &f) == 0 && tdx_fw_error_equal(&e, &f));
		if (e.set)
			tdx_fw_error_code_known(e.code);
	}
	if (tdx_fw_status_parse(s, &st) == 0) {
		FUZZ_ASSERT(tdx_fw_status_parse(tdx_fw_status_name(st), &st2) == 0 && st == st2);
	}
	free(s);
	return 0;
}
