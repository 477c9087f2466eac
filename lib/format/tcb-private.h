/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What tcb-info.c needs from OpenSSL's X.509 and ECDSA code (crypto-x509.c), kept behind an
 * opaque chain so that OpenSSL's types stay in the one file that calls it.
 */
#ifndef LIBTDXCTL_TCB_PRIVATE_H
#define LIBTDXCTL_TCB_PRIVATE_H

#include "format-private.h"
#include "tdx-tcb.h"

#define TDX_ECDSA_P256_SIG_LEN	64u	/* r || s, 32 bytes each */

struct tdx_cert_chain;

/*
 * The certificates of a PEM text (any other text between them is ignored, as PEM readers do).
 * -ENOKEY when it holds none, -EINVAL when a certificate block does not decode, -ENOMEM.
 */
int tdx_cert_chain_parse(const char *pem, size_t len, struct tdx_cert_chain **chain);
void tdx_cert_chain_free(struct tdx_cert_chain *chain);
size_t tdx_cert_chain_count(const struct tdx_cert_chain *chain);

/*
 * Does the chain lead from an "Intel SGX TCB Signing" certificate to a self-signed root whose
 * public key hashes (SHA-256 of its DER SubjectPublicKeyInfo) to @root_hash, every certificate
 * valid at @now, and does the signing certificate's P-256 key verify @rs (r || s) as an ECDSA
 * SHA-256 signature of @msg? 0 when all hold; else @why's fault says which failed:
 * -EKEYREJECTED (root, chain, key or signature), -ESTALE (a certificate not valid at @now),
 * -ENOMEM (no fault).
 */
int tdx_cert_chain_verify(const struct tdx_cert_chain *chain, const uint8_t *root_hash,
			  int64_t now, const uint8_t *msg, size_t msg_len,
			  const uint8_t rs[TDX_ECDSA_P256_SIG_LEN], struct tdx_tcb_refusal *why);

/*
 * Compare the time @gtime ("YYYYMMDDhhmmssZ", an ASN.1 GeneralizedTime) with @now:
 * *@cmp < 0 when it is earlier, 0 equal, > 0 later. -EINVAL when @gtime is not a valid time.
 */
int tdx_gtime_cmp(const char *gtime, int64_t now, int *cmp);

#endif /* LIBTDXCTL_TCB_PRIVATE_H */
