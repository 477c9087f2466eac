// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TCB Info's certificate chain and ECDSA signature, through OpenSSL's X.509 interface (the
 * same in both API builds, so one file serves crypto-lowlevel.c and crypto-evp.c alike). Pure:
 * certificates come from memory (PEM_X509_INFO_read_bio on a memory BIO) and the time is the
 * caller's, never the clock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "tcb-private.h"

/* The subject CN of the certificate that signs TCB Info (Intel's PCS API). */
#define TCB_SIGNER_CN	"Intel SGX TCB Signing"

struct tdx_cert_chain {
	STACK_OF(X509) *certs;
};

int tdx_cert_chain_parse(const char *pem, size_t len, struct tdx_cert_chain **chain)
{
	STACK_OF(X509_INFO) *infos = NULL;
	struct tdx_cert_chain *c;
	BIO *bio;
	int rc = -ENOMEM;

	*chain = NULL;
	if (len > TDX_TCB_INFO_MAX_SIZE)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!c || !bio)
		goto out;
	c->certs = sk_X509_new_null();
	if (!c->certs)
		goto out;
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	if (!infos) {
		rc = -EINVAL;
		goto out;
	}
	for (int i = 0; i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *xi = sk_X509_INFO_value(infos, i);

		if (!xi->x509)
			continue;
		if (!sk_X509_push(c->certs, xi->x509))
			goto out;
		xi->x509 = NULL;	/* the chain owns it now */
	}
	if (sk_X509_num(c->certs) == 0) {
		rc = -ENOKEY;
		goto out;
	}
	*chain = c;
	c = NULL;
	rc = 0;
out:
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	tdx_cert_chain_free(c);
	ERR_clear_error();
	return rc;
}

void tdx_cert_chain_free(struct tdx_cert_chain *chain)
{
	if (!chain)
		return;
	sk_X509_pop_free(chain->certs, X509_free);
	free(chain);
}

size_t tdx_cert_chain_count(const struct tdx_cert_chain *chain)
{
	return chain ? (size_t)sk_X509_num(chain->certs) : 0;
}

/* SHA-256 of the certificate's DER SubjectPublicKeyInfo: what the pin names. */
static int key_hash(X509 *cert, uint8_t out[TDX_SHA256_LEN])
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
	struct tdx_image_part part;
	int rc;

	if (len <= 0)
		return -EKEYREJECTED;
	part.data = der;
	part.len = (size_t)len;
	rc = tdx_sha256_parts(&part, 1, out);
	OPENSSL_free(der);
	return rc;
}

static bool is_self_signed(X509 *cert)
{
	return X509_check_issued(cert, cert) == X509_V_OK;
}

static bool has_cn(X509 *cert, const char *cn)
{
	char buf[128];
	int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf,
					  (int)sizeof(buf));

	return n > 0 && (size_t)n == strlen(cn) && strcmp(buf, cn) == 0;
}

/* The chain from @leaf to @root, each valid at @now, as OpenSSL's verifier judges it. */
static int verify_path(X509 *root, X509 *leaf, STACK_OF(X509) *untrusted, int64_t now,
		       struct tdx_tcb_refusal *why)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *sctx = X509_STORE_CTX_new();
	int rc = -ENOMEM, err;

	if (!store || !sctx || !X509_STORE_add_cert(store, root) ||
	    !X509_STORE_CTX_init(sctx, store, leaf, untrusted))
		goto out;
	X509_STORE_CTX_set_time(sctx, 0, (time_t)now);
	if (X509_verify_cert(sctx) == 1) {
		rc = 0;
		goto out;
	}
	err = X509_STORE_CTX_get_error(sctx);
	rc = err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID ?
	     -ESTALE : -EKEYREJECTED;
	why->fault = TDX_TCB_FAULT_CHAIN_INVALID;
	why->detail = X509_verify_cert_error_string(err);
	why->number = X509_STORE_CTX_get_error_depth(sctx);
out:
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	return rc;
}

/* r || s as the DER ECDSA-Sig-Value that OpenSSL verifies. */
static int ecdsa_der(const uint8_t rs[TDX_ECDSA_P256_SIG_LEN], unsigned char **der, int *len)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, 32, NULL), *s = BN_bin2bn(rs + 32, 32, NULL);

	if (!sig || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
		ECDSA_SIG_free(sig);
		BN_free(r);
		BN_free(s);
		return -ENOMEM;
	}
	*der = NULL;
	*len = i2d_ECDSA_SIG(sig, der);
	ECDSA_SIG_free(sig);
	return *len > 0 ? 0 : -ENOMEM;
}

static int verify_signature(X509 *signer, const uint8_t *msg, size_t msg_len,
			    const uint8_t rs[TDX_ECDSA_P256_SIG_LEN], struct tdx_tcb_refusal *why)
{
	EVP_PKEY *key = X509_get0_pubkey(signer);
	EVP_MD_CTX *md = NULL;
	unsigned char *der = NULL;
	int der_len, rc;

	if (!key || !EVP_PKEY_is_a(key, "EC") || EVP_PKEY_get_bits(key) != 256) {
		why->fault = TDX_TCB_FAULT_SIGNER_KEY;
		return -EKEYREJECTED;
	}
	rc = ecdsa_der(rs, &der, &der_len);
	if (rc)
		return rc;
	md = EVP_MD_CTX_new();
	if (!md) {
		OPENSSL_free(der);
		return -ENOMEM;
	}
	rc = -EKEYREJECTED;
	if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(md, der, (size_t)der_len, msg, msg_len) == 1)
		rc = 0;
	else
		why->fault = TDX_TCB_FAULT_SIGNATURE;
	why->member = TCB_SIGNER_CN;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	return rc;
}

int tdx_cert_chain_verify(const struct tdx_cert_chain *chain, const uint8_t *root_hash,
			  int64_t now, const uint8_t *msg, size_t msg_len,
			  const uint8_t rs[TDX_ECDSA_P256_SIG_LEN], struct tdx_tcb_refusal *why)
{
	X509 *root = NULL, *leaf = NULL;
	uint8_t h[TDX_SHA256_LEN];
	int rc;

	for (int i = 0; i < sk_X509_num(chain->certs); i++) {
		X509 *c = sk_X509_value(chain->certs, i);

		if (is_self_signed(c)) {
			rc = key_hash(c, h);
			if (rc == -ENOMEM)
				goto out;
			if (rc == 0 && memcmp(h, root_hash, sizeof(h)) == 0)
				root = c;
			else if (rc == 0)
				tdx_hex_encode(h, sizeof(h), why->chain_root_key);
		} else if (!leaf && has_cn(c, TCB_SIGNER_CN)) {
			leaf = c;
		}
	}
	rc = -EKEYREJECTED;
	if (!root) {
		tdx_hex_encode(root_hash, TDX_SHA256_LEN, why->root_key);
		why->fault = TDX_TCB_FAULT_CHAIN_ROOT;
		goto out;
	}
	why->chain_root_key[0] = '\0';
	if (!leaf) {
		why->member = TCB_SIGNER_CN;
		why->fault = TDX_TCB_FAULT_CHAIN_NO_SIGNER;
		goto out;
	}
	rc = verify_path(root, leaf, chain->certs, now, why);
	if (rc == 0)
		rc = verify_signature(leaf, msg, msg_len, rs, why);
out:
	ERR_clear_error();	/* a bad chain is an answer, not an error to leave queued */
	return rc;
}

int tdx_gtime_cmp(const char *gtime, int64_t now, int *cmp)
{
	ASN1_TIME *t = ASN1_TIME_new();
	int c;

	if (!t)
		return -ENOMEM;
	if (!ASN1_TIME_set_string_X509(t, gtime)) {
		ASN1_TIME_free(t);
		ERR_clear_error();
		return -EINVAL;
	}
	c = ASN1_TIME_cmp_time_t(t, (time_t)now);
	ASN1_TIME_free(t);
	ERR_clear_error();
	if (c == -2)
		return -EINVAL;
	*cmp = c;
	return 0;
}
