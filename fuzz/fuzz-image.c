// SPDX-License-Identifier: GPL-2.0-only
/*
 * A blob (0x100) or kernel image (0x200): tdx_image_parse, then every offline check with
 * tdx_image_verify (the crypto path included: the trusted key is the input's own unless bit 0 of
 * byte 3 is set, then Intel's), the accessors, the version and compatibility rules, and
 * tdx_image_build into both containers, whose output must parse back to the same sigstruct and
 * module.
 */
#include "fuzz.h"

static void check_rebuild(const struct tdx_image *img, unsigned int format)
{
	const uint8_t *sig, *mod, *sig2, *mod2;
	size_t sig_len, mod_len, sig2_len, mod2_len, len;
	struct tdx_image *again = NULL;
	uint8_t *buf = NULL;

	if (tdx_image_build(img, format, &buf, &len) < 0)
		return;
	FUZZ_ASSERT(tdx_checksum16(buf, len) == 0);
	FUZZ_ASSERT(tdx_image_parse(fuzz_ctx(), buf, len, NULL, &again) == 0);
	FUZZ_ASSERT(tdx_image_get_format(again) == format);
	sig = tdx_image_get_sigstruct(img, &sig_len);
	sig2 = tdx_image_get_sigstruct(again, &sig2_len);
	mod = tdx_image_get_module(img, &mod_len);
	mod2 = tdx_image_get_module(again, &mod2_len);
	FUZZ_ASSERT(sig_len == sig2_len && memcmp(sig, sig2, sig_len) == 0);
	FUZZ_ASSERT(mod_len == mod2_len && memcmp(mod, mod2, mod_len) == 0);
	tdx_image_free(again);
	free(buf);
}

static void check_compat(const struct tdx_image *img)
{
	static const struct tdx_host_facts host = {
		.have_running = true, .running = { 1, 5, 6 },
		.have_seamldr = true, .seamldr = { 1, 5, 1 },
		.have_cpuid = true, .cpuid_eax = 0x806f8,
		.have_running_svn = true, .svn_major = 1, .svn_minor = 0,
	};
	static const struct tdx_release_info release = {
		.version = { 1, 5, 8 }, .min_running = { 1, 5, 1 },
		.n_min_seamldr = 1, .min_seamldr = { { 1, 5, 0 } },
		.features0 = TDX_FEATURES0_TD_PRESERVING,
	};
	struct tdx_compat_opts opts = { 0 };
	enum tdx_version_source src;
	enum tdx_compat_verdict verdict;
	struct tdx_report *report;
	struct tdx_version v;
	int rc;

	if (tdx_report_new(&report) < 0)
		abort();
	rc = tdx_image_resolve_version(img, "dir/tdx_module_1.5.08.blob", NULL, &v, &src);
	/* The mapping entry passed must be the one for the image's version. */
	rc = tdx_compat_check(&host, img, rc == 0 ? &v : NULL,
			      rc == 0 && tdx_version_cmp(&v, &release.version) == 0 ? &release : NULL,
			      &opts, report, &verdict);
	FUZZ_ASSERT(rc == 0);
	tdx_release_label_from_report(report, verdict);
	tdx_report_free(report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_verify_opts opts = { 0 };
	uint8_t key[TDX_SHA384_LEN], hash[TDX_SHA384_LEN];
	struct tdx_report *report;
	struct tdx_image *img = NULL;
	size_t len;
	int rc;

	if (tdx_report_new(&report) < 0)
		abort();
	rc = tdx_image_parse(fuzz_ctx(), data, size, report, &img);
	if (rc == 0) {
		FUZZ_ASSERT(img);
		tdx_image_get_form(img);
		tdx_image_get_size(img);
		tdx_image_get_checksum(img);
		tdx_image_checksum_ok(img);
		tdx_image_get_sigstruct_pages(img);
		tdx_image_get_module_pages(img);
		tdx_image_get_sigstruct(img, &len);
		tdx_image_get_module(img, &len);
		FUZZ_ASSERT(tdx_image_module_sha384(img, hash) == 0);
		if (!(size > 3 && data[3] & 1)) {
			FUZZ_ASSERT(tdx_sigstruct_key_hash(tdx_image_get_sigstruct_fields(img),
							   key) == 0);
			opts.key_hash = key;
		}
		opts.allow_debug = size > 2 && data[2] & 1;
		rc = tdx_image_verify(img, &opts, report);
		FUZZ_ASSERT(rc == 0 || rc == -EBADMSG);
		FUZZ_ASSERT((rc == 0) == (tdx_report_outcome(report) == TDX_OUTCOME_OK));
		check_compat(img);
		check_rebuild(img, TDX_BLOB_FORMAT);
		check_rebuild(img, TDX_IMAGE_FORMAT);
	} else {
		FUZZ_ASSERT(rc == -EBADMSG && !img);
		FUZZ_ASSERT(tdx_report_outcome(report) != TDX_OUTCOME_OK);
	}
	for (size_t i = 0; i < tdx_report_count(report); i++)
		FUZZ_ASSERT(tdx_report_finding(report, i) < TDX_FND__COUNT &&
			    tdx_report_fact_count(report, i) ==
			    tdx_finding_fact_count(tdx_report_finding(report, i)));
	tdx_image_free(img);
	tdx_report_free(report);
	return 0;
}
