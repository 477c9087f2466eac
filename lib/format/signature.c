// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The cryptography: SHA-384 and the sigstruct's RSA-3072 PKCS#1 v1.5 SHA-384 signature, through
 * OpenSSL 3's EVP interface. The only file of lib/ that calls OpenSSL.
 */
#include <errno.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "image-private.h"

const uint8_t tdx_intel_key_hash[TDX_SHA384_LEN] = {
	0xc8, 0x57, 0x2f, 0x54, 0x88, 0x69, 0xa0, 0xbe, 0xca, 0x19, 0x37, 0x6b,
	0x81, 0xc2, 0xdf, 0xfc, 0x2a, 0x23, 0xb5, 0xa5, 0xf7, 0x1d, 0xa0, 0xb8,
	0x75, 0x79, 0xb4, 0x3f, 0x40, 0x8d, 0xaa, 0x1a, 0x33, 0xba, 0xd9, 0xc1,
	0x49, 0xeb, 0x56, 0xc6, 0x34, 0xf8, 0x83, 0x73, 0x79, 0x68, 0xa3, 0x4c,
};

int tdx_sha384(const uint8_t *buf, size_t len, uint8_t out[TDX_SHA384_LEN])
{
	unsigned int n = TDX_SHA384_LEN;
	int ok = EVP_Digest(buf, len, out, &n, EVP_sha384(), NULL);

	ERR_clear_error();
	return ok && n == TDX_SHA384_LEN ? 0 : -ENOMEM;
}

int tdx_sha256(const uint8_t *buf, size_t len, uint8_t out[TDX_SHA256_LEN])
{
	unsigned int n = TDX_SHA256_LEN;
	int ok = EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL);

	ERR_clear_error();
	return ok && n == TDX_SHA256_LEN ? 0 : -ENOMEM;
}

int tdx_sigstruct_key_hash(const struct tdx_sigstruct *sig, uint8_t out[TDX_SHA384_LEN])
{
	return tdx_sha384(sig->modulus, sizeof(sig->modulus), out);
}

static void reverse_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = src[len - 1 - i];
}

/* The public key the sigstruct carries: modulus and exponent, stored little-endian. */
static int sigstruct_pkey(const uint8_t *raw, EVP_PKEY **pkey)
{
	uint8_t n_be[SIGSTRUCT_KEY_BYTES];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	OSSL_PARAM *params = NULL;
	BIGNUM *n = NULL, *e = NULL;
	int rc = -ENOMEM;

	reverse_copy(n_be, raw + 0x080, sizeof(n_be));
	n = BN_bin2bn(n_be, sizeof(n_be), NULL);
	e = BN_new();
	if (!bld || !pctx || !n || !e || !BN_set_word(e, get_le32(raw + 0x200)) ||
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

/*
 * 0 when the signature verifies over the header (0x000-0x07F) and body (0x384-0x7FF) with the
 * key the sigstruct carries; -EBADMSG when it does not (or the key is unusable); -ENOMEM.
 * Whether that key is trusted is the signer check's business.
 */
int tdx_signature_verify(const uint8_t raw[TDX_SIGSTRUCT_SIZE])
{
	uint8_t msg[SIGSTRUCT_SIGNED_LEN], sig_be[SIGSTRUCT_KEY_BYTES];
	EVP_PKEY_CTX *vctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md;
	int rc, ok;

	memcpy(msg, raw, SIGSTRUCT_HEADER_LEN);
	memcpy(msg + SIGSTRUCT_HEADER_LEN, raw + SIGSTRUCT_BODY_OFF,
	       TDX_SIGSTRUCT_SIZE - SIGSTRUCT_BODY_OFF);
	reverse_copy(sig_be, raw + 0x204, sizeof(sig_be));

	rc = sigstruct_pkey(raw, &pkey);
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
	ok = EVP_DigestVerify(md, sig_be, sizeof(sig_be), msg, sizeof(msg));
	rc = ok == 1 ? 0 : -EBADMSG;
out_md:
	EVP_MD_CTX_free(md);
out_key:
	EVP_PKEY_free(pkey);
out_clear:
	ERR_clear_error();	/* a bad signature is an answer, not an error to leave queued */
	return rc;
}
