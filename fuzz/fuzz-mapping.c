// SPDX-License-Identifier: GPL-2.0-only
/* Intel's mapping_file.json: tdx_mapping_parse, then every entry read back and looked up. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_mapping_refusal why;
	struct tdx_mapping *m = NULL;
	char *json = (char *)fuzz_memdup(data, size);	/* not NUL-terminated: @len is the size */
	int rc;

	rc = tdx_mapping_parse(fuzz_ctx(), json, size, &m, &why);
	if (rc == 0) {
		size_t n = tdx_mapping_count(m);

		FUZZ_ASSERT(n > 0);
		for (size_t i = 0; i < n; i++) {
			const struct tdx_release_info *r = tdx_mapping_get(m, i);

			FUZZ_ASSERT(r);
			FUZZ_ASSERT(r->n_min_seamldr >= 1 &&
				    r->n_min_seamldr <= TDX_MAPPING_MAX_SEAMLDR);
			FUZZ_ASSERT(tdx_mapping_find(m, &r->version) == r);
		}
		FUZZ_ASSERT(!tdx_mapping_get(m, n));
		FUZZ_ASSERT(why.fault == TDX_MAPPING_FAULT_NONE);
	} else {
		/* Every refusal names its fault, and its strings end within their fields. */
		FUZZ_ASSERT(rc == -EINVAL && !m && why.fault != TDX_MAPPING_FAULT_NONE);
		FUZZ_ASSERT(memchr(why.version, '\0', sizeof(why.version)));
		FUZZ_ASSERT(memchr(why.value, '\0', sizeof(why.value)));
		FUZZ_ASSERT(why.fault != TDX_MAPPING_FAULT_TYPE ||
			    (why.found != TDX_JSON_KIND_NONE && why.expected != TDX_JSON_KIND_NONE));
	}
	tdx_mapping_free(m);
	free(json);
	return 0;
}
