// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The cryptographic primitives through OpenSSL's low-level SHA-2 and RSA functions: the same
 * code (the same assembly) as the EVP interface runs, without the provider machinery around
 * it. Fetching SHA-384 and building an RSA key through EVP sets up the library context, the
 * default provider and its method store: about 40 page faults and a millisecond of CPU in
 * every run, more than hashing Intel's blob (bench/run). OpenSSL 3 marks these functions
 * deprecated but keeps them; a build whose OpenSSL lacks them uses crypto-evp.c instead
 * (meson -Dopenssl_api=evp chooses it too). Neither reads an OpenSSL configuration file.
 */
#define OPENSSL_SUPPRESS_DEPRECATED	/* the choice is deliberate: see above */

#include <errno.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "image-private.h"

int tdx_sha384(const uint8_t *buf, size_t len, uint8_t out[TDX_SHA384_LEN])
{
	SHA512_CTX c;
	int ok = SHA384_Init(&c) && SHA384_Update(&c, buf, len) && SHA384_Final(out, &c);

	OPENSSL_cleanse(&c, sizeof(c));
	return ok ? 0 : -ENOMEM;
}

TDX_EXPORT
int tdx_sha256_parts(const struct tdx_image_part *parts, unsigned int n,
		     uint8_t out[TDX_SHA256_LEN])
{
	SHA256_CTX c;
	int ok = SHA256_Init(&c);

	for (unsigned int i = 0; ok && i < n; i++)
		ok = SHA256_Update(&c, parts[i].data, parts[i].len);
	ok = ok && SHA256_Final(out, &c);
	OPENSSL_cleanse(&c, sizeof(c));
	return ok ? 0 : -ENOMEM;
}

int tdx_rsa_verify_sha384(const uint8_t *n_be, size_t n_len, uint32_t exponent,
			  const uint8_t *sig_be, size_t sig_len, const uint8_t *msg, size_t msg_len)
{
	uint8_t digest[TDX_SHA384_LEN];
	BIGNUM *n = BN_bin2bn(n_be, (int)n_len, NULL);
	BIGNUM *e = BN_new();
	RSA *rsa = RSA_new();
	int rc = -ENOMEM;

	if (!n || !e || !rsa || !BN_set_word(e, exponent))
		goto out;
	if (!RSA_set0_key(rsa, n, e, NULL)) {
		rc = -EBADMSG;
		goto out;
	}
	n = e = NULL;	/* the key owns them */
	rc = tdx_sha384(msg, msg_len, digest);
	if (rc < 0)
		goto out;
	/* PKCS#1 v1.5: the DigestInfo for SHA-384, compared whole (RSA_verify(3)) */
	rc = RSA_verify(NID_sha384, digest, sizeof(digest), sig_be, (unsigned int)sig_len,
			rsa) == 1 ? 0 : -EBADMSG;
out:
	RSA_free(rsa);
	BN_free(n);
	BN_free(e);
	ERR_clear_error();	/* a bad signature is an answer, not an error to leave queued */
	return rc;
}
