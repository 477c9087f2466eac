// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The sigstruct's RSA-3072 PKCS#1 v1.5 SHA-384 signature and Intel's signing key: which bytes
 * are signed, in which byte order. The primitives (SHA-2, RSA) are OpenSSL's, through
 * crypto-lowlevel.c or crypto-evp.c, the only files of lib/ that call OpenSSL.
 */
#include <errno.h>
#include <string.h>

#include "image-private.h"

TDX_EXPORT
const uint8_t tdx_intel_key_hash[TDX_SHA384_LEN] = {
	0xc8, 0x57, 0x2f, 0x54, 0x88, 0x69, 0xa0, 0xbe, 0xca, 0x19, 0x37, 0x6b,
	0x81, 0xc2, 0xdf, 0xfc, 0x2a, 0x23, 0xb5, 0xa5, 0xf7, 0x1d, 0xa0, 0xb8,
	0x75, 0x79, 0xb4, 0x3f, 0x40, 0x8d, 0xaa, 0x1a, 0x33, 0xba, 0xd9, 0xc1,
	0x49, 0xeb, 0x56, 0xc6, 0x34, 0xf8, 0x83, 0x73, 0x79, 0x68, 0xa3, 0x4c,
};

TDX_EXPORT
int tdx_sigstruct_key_hash(const struct tdx_sigstruct *sig, uint8_t out[TDX_SHA384_LEN])
{
	return tdx_sha384(sig->modulus, sizeof(sig->modulus), out);
}

static void reverse_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = src[len - 1 - i];
}

/*
 * 0 when the signature verifies over the header (0x000-0x07F) and body (0x384-0x7FF) with the
 * key the sigstruct carries; -EBADMSG when it does not (or the key is unusable); -ENOMEM.
 * Whether that key is trusted is the signer check's business.
 */
int tdx_signature_verify(const uint8_t raw[TDX_SIGSTRUCT_SIZE])
{
	uint8_t msg[SIGSTRUCT_SIGNED_LEN], sig_be[SIGSTRUCT_KEY_BYTES], n_be[SIGSTRUCT_KEY_BYTES];

	memcpy(msg, raw, SIGSTRUCT_HEADER_LEN);
	memcpy(msg + SIGSTRUCT_HEADER_LEN, raw + SIGSTRUCT_BODY_OFF,
	       TDX_SIGSTRUCT_SIZE - SIGSTRUCT_BODY_OFF);
	reverse_copy(n_be, raw + 0x080, sizeof(n_be));
	reverse_copy(sig_be, raw + 0x204, sizeof(sig_be));
	return tdx_rsa_verify_sha384(n_be, sizeof(n_be), get_le32(raw + 0x200), sig_be,
				     sizeof(sig_be), msg, sizeof(msg));
}
