// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tdx_image_verify: every offline check of a located sigstruct and module, in the order of the
 * catalogue (sigstruct fields, signer, signature, seamhash, module ELF), so that the first
 * failure in the report is the most basic one. Pure: no I/O.
 */
#include <errno.h>

#include "image-private.h"

/* Whether the key is Intel's or one the caller trusts is two findings: the words differ. */
static int check_signer(const struct tdx_image *img, const uint8_t *trusted,
			struct tdx_report *r, bool *failed)
{
	bool intel = trusted == tdx_intel_key_hash;
	uint8_t hash[TDX_SHA384_LEN];
	int rc = tdx_sigstruct_key_hash(&img->fields, hash);

	if (rc)
		return rc;
	if (memcmp(hash, trusted, sizeof(hash)) == 0)
		return tdx_report_fact(r, TDX_CHK_SIGNER, TDX_CHECK_PASS,
				       intel ? TDX_FND_SIGNER_INTEL : TDX_FND_SIGNER_TRUSTED,
				       TDX_FACT_B(hash, sizeof(hash)));
	*failed = true;
	return tdx_report_fact(r, TDX_CHK_SIGNER, TDX_CHECK_FAIL,
			       intel ? TDX_FND_SIGNER_NOT_INTEL : TDX_FND_SIGNER_NOT_TRUSTED,
			       TDX_FACT_B(hash, sizeof(hash)), TDX_FACT_B(trusted, TDX_SHA384_LEN));
}

static int check_signature(const struct tdx_image *img, struct tdx_report *r, bool *failed)
{
	int rc = tdx_signature_verify(img->sig);

	if (rc == 0)
		return tdx_report_factv(r, TDX_CHK_SIGNATURE, TDX_CHECK_PASS, TDX_FND_SIGNATURE_OK,
					NULL, 0);
	if (rc != -EBADMSG)
		return rc;
	*failed = true;
	return tdx_report_factv(r, TDX_CHK_SIGNATURE, TDX_CHECK_FAIL, TDX_FND_SIGNATURE_INVALID,
				NULL, 0);
}

static int check_seamhash(const struct tdx_image *img, struct tdx_report *r, bool *failed)
{
	uint8_t hash[TDX_SHA384_LEN];
	int rc = tdx_image_module_sha384(img, hash);

	if (rc)
		return rc;
	if (memcmp(hash, img->fields.seamhash, sizeof(hash)) == 0)
		return tdx_report_fact(r, TDX_CHK_SEAMHASH, TDX_CHECK_PASS, TDX_FND_SEAMHASH_EQUAL,
				       TDX_FACT_U(img->module_len), TDX_FACT_B(hash, sizeof(hash)));
	*failed = true;
	return tdx_report_fact(r, TDX_CHK_SEAMHASH, TDX_CHECK_FAIL, TDX_FND_SEAMHASH_DIFFERS,
			       TDX_FACT_U(img->module_len), TDX_FACT_B(hash, sizeof(hash)),
			       TDX_FACT_B(img->fields.seamhash, TDX_SHA384_LEN));
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
