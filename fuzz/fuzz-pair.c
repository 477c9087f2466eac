// SPDX-License-Identifier: GPL-2.0-only
/*
 * A module .bin and its .sigstruct: the input is a 16-bit little-endian length L, then the
 * .sigstruct (L bytes, or what is left), then the .bin. tdx_image_parse_pair, tdx_image_verify
 * (trusted key: the input's own) and tdx_image_build. Both parts are exactly sized heap copies so
 * that a read past either is seen.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_verify_opts opts = { 0 };
	uint8_t key[TDX_SHA384_LEN];
	struct tdx_report *report;
	struct tdx_image *img = NULL;
	uint8_t *sig, *bin, *out;
	size_t sig_len, bin_len, len;
	int rc;

	if (size < 2)
		return 0;
	sig_len = (size_t)(data[0] | data[1] << 8);
	data += 2;
	size -= 2;
	if (sig_len > size)
		sig_len = size;
	bin_len = size - sig_len;
	sig = fuzz_memdup(data, sig_len);
	bin = fuzz_memdup(data + sig_len, bin_len);
	if (tdx_report_new(&report) < 0)
		abort();
	rc = tdx_image_parse_pair(fuzz_ctx(), bin, bin_len, sig, sig_len, report, &img);
	if (rc == 0) {
		FUZZ_ASSERT(tdx_image_get_form(img) == TDX_FORM_PAIR);
		FUZZ_ASSERT(tdx_sigstruct_key_hash(tdx_image_get_sigstruct_fields(img), key) == 0);
		opts.key_hash = key;
		rc = tdx_image_verify(img, &opts, report);
		FUZZ_ASSERT(rc == 0 || rc == -EBADMSG);
		if (tdx_image_build(img, TDX_IMAGE_FORMAT, &out, &len) == 0) {
			FUZZ_ASSERT(len == TDX_PAGE_SIZE * 2 + bin_len);
			free(out);
		}
	} else {
		FUZZ_ASSERT(rc == -EBADMSG && !img);
	}
	tdx_image_free(img);
	tdx_report_free(report);
	free(sig);
	free(bin);
	return 0;
}
