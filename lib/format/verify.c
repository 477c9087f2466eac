// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tdx_image_verify: every offline check of a located sigstruct and module, in the order of the
 * catalogue (sigstruct fields, signer, signature, seamhash, module ELF), so that the first
 * failure in the report is the most basic one. Pure: no I/O.
 */
#include <errno.h>

#include "image-private.h"

static int check_signer(const struct tdx_image *img, const uint8_t *trusted,
			struct tdx_report *r, bool *failed)
{
	char found_hex[2 * TDX_SHA384_LEN + 1], want_hex[2 * TDX_SHA384_LEN + 1];
	const char *who = trusted == tdx_intel_key_hash ? "Intel's production key" :
			  "the trusted key";
	uint8_t hash[TDX_SHA384_LEN];
	int rc = tdx_sigstruct_key_hash(&img->fields, hash);

	if (rc)
		return rc;
	tdx_hex_encode(hash, sizeof(hash), found_hex);
	if (memcmp(hash, trusted, sizeof(hash)) == 0)
		return tdx_report_add(r, TDX_CHK_SIGNER, TDX_CHECK_PASS,
				      "modulus SHA-384 is %s, %s", found_hex, who);
	*failed = true;
	tdx_hex_encode(trusted, TDX_SHA384_LEN, want_hex);
	return tdx_report_add(r, TDX_CHK_SIGNER, TDX_CHECK_FAIL,
			      "modulus SHA-384 is %s, expected %s (%s)", found_hex, want_hex, who);
}

static int check_signature(const struct tdx_image *img, struct tdx_report *r, bool *failed)
{
	int rc = tdx_signature_verify(img->sig);

	if (rc == 0)
		return tdx_report_add(r, TDX_CHK_SIGNATURE, TDX_CHECK_PASS, "RSA-3072 PKCS#1 v1.5 "
				      "SHA-384 signature over the header and body verifies");
	if (rc != -EBADMSG)
		return rc;
	*failed = true;
	return tdx_report_add(r, TDX_CHK_SIGNATURE, TDX_CHECK_FAIL, "RSA-3072 PKCS#1 v1.5 SHA-384 "
			      "signature over the header and body does not verify with the "
			      "sigstruct's modulus, expected a valid signature");
}

static int check_seamhash(const struct tdx_image *img, struct tdx_report *r, bool *failed)
{
	char found_hex[2 * TDX_SHA384_LEN + 1], want_hex[2 * TDX_SHA384_LEN + 1];
	uint8_t hash[TDX_SHA384_LEN];
	int rc = tdx_image_module_sha384(img, hash);

	if (rc)
		return rc;
	tdx_hex_encode(hash, sizeof(hash), found_hex);
	if (memcmp(hash, img->fields.seamhash, sizeof(hash)) == 0)
		return tdx_report_add(r, TDX_CHK_SEAMHASH, TDX_CHECK_PASS, "SHA-384 of the %zu "
				      "module bytes is %s, equal to seamhash", img->module_len,
				      found_hex);
	*failed = true;
	tdx_hex_encode(img->fields.seamhash, TDX_SHA384_LEN, want_hex);
	return tdx_report_add(r, TDX_CHK_SEAMHASH, TDX_CHECK_FAIL, "SHA-384 of the %zu module "
			      "bytes is %s, expected seamhash %s", img->module_len, found_hex,
			      want_hex);
}

TDX_EXPORT
int tdx_image_verify(struct tdx_image *image, const struct tdx_verify_opts *opts,
		     struct tdx_report *report)
{
	static const struct tdx_verify_opts defaults = { 0 };
	bool failed = image->container_failed;
	int rc;

	if (!opts)
		opts = &defaults;
	if (opts->strict)
		tdx_report_set_strict(report, true);
	rc = tdx_sigstruct_check(&image->fields, image->sig, image->module_len, opts->allow_debug,
				 report, &failed);
	if (!rc)
		rc = check_signer(image, opts->key_hash ? opts->key_hash : tdx_intel_key_hash,
				  report, &failed);
	if (!rc)
		rc = check_signature(image, report, &failed);
	if (!rc)
		rc = check_seamhash(image, report, &failed);
	if (!rc)
		rc = tdx_elf_check(image->module, image->module_len, image->fields.rip_offset,
				   report, &failed);
	if (rc)
		return rc;
	return failed ? -EBADMSG : 0;
}
