// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The cryptographic primitives through OpenSSL 3's EVP interface and its default provider:
 * the build's choice when OpenSSL offers no low-level interface (built with
 * no-deprecated), or with meson -Dopenssl_api=evp. crypto-lowlevel.c does the same work
 * without the provider machinery, which costs every run about 40 page faults to set up.
 * One of the two is built; the tests run both (tools/test.sh builds the sanitizer build
 * with this one).
 */
#include <errno.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "image-private.h"

int tdx_sha384(const uint8_t *buf, size_t len, uint8_t out[TDX_SHA384_LEN])
{
	unsigned int n = TDX_SHA384_LEN;
	int ok = EVP_Digest(buf, len, out, &n, EVP_sha384(), NULL);

	ERR_clear_error();
	return ok && n == TDX_SHA384_LEN ? 0 : -ENOMEM;
}

TDX_EXPORT
int tdx_sha256_parts(const struct tdx_image_part *parts, unsigned int n,
		     uint8_t out[TDX_SHA256_LEN])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int got = 0;
	int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL);

	for (unsigned int i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(c, parts[i].data, parts[i].len);
	ok = ok && EVP_DigestFinal_ex(c, out, &got);
	EVP_MD_CTX_free(c);
	ERR_clear_error();
	return ok && got == TDX_SHA256_LEN ? 0 : -ENOMEM;
}

/* An RSA public key from its big-endian modulus and its exponent. */
static int rsa_pkey(const uint8_t *n_be, size_t n_len, uint32_t exponent, EVP_PKEY **pkey)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	OSSL_PARAM *params = NULL;
	BIGNUM *n = NULL, *e = NULL;
	int rc = -ENOMEM;

	n = BN_bin2bn(n_be, (int)n_len, NULL);
	e = BN_new();
	if (!bld || !pctx || !n || !e || !BN_set_word(e, exponent) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params)
		goto out;
	rc = -EBADMSG;
	if (EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto out;
	rc = 0;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(pctx);
	BN_free(n);
	BN_free(e);
	return rc;
}

int tdx_rsa_verify_sha384(const uint8_t *n_be, size_t n_len, uint32_t exponent,
			  const uint8_t *sig_be, size_t sig_len, const uint8_t *msg, size_t msg_len)
{
	EVP_PKEY_CTX *vctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md;
	int rc, ok;

	rc = rsa_pkey(n_be, n_len, exponent, &pkey);
	if (rc < 0)
		goto out_clear;
	md = EVP_MD_CTX_new();
	if (!md) {
		rc = -ENOMEM;
		goto out_key;
	}
	rc = -EBADMSG;
	if (EVP_DigestVerifyInit(md, &vctx, EVP_sha384(), NULL, pkey) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(vctx, RSA_PKCS1_PADDING) <= 0)
		goto out_md;
	ok = EVP_DigestVerify(md, sig_be, sig_len, msg, msg_len);
	rc = ok == 1 ? 0 : -EBADMSG;
out_md:
	EVP_MD_CTX_free(md);
out_key:
	EVP_PKEY_free(pkey);
out_clear:
	ERR_clear_error();	/* a bad signature is an answer, not an error to leave queued */
	return rc;
}
