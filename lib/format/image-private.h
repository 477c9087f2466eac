/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals shared by the image files: the image object and the checks each file provides. */
#ifndef LIBTDXCTL_IMAGE_PRIVATE_H
#define LIBTDXCTL_IMAGE_PRIVATE_H

#include "format-private.h"

/* Sigstruct field offsets that the checks read from the raw bytes. */
#define SIGSTRUCT_HEADER_LEN	0x080u	/* signed: 0x000-0x07F */
#define SIGSTRUCT_BODY_OFF	0x384u	/* signed: 0x384-0x7FF */
#define SIGSTRUCT_SIGNED_LEN	(SIGSTRUCT_HEADER_LEN + TDX_SIGSTRUCT_SIZE - SIGSTRUCT_BODY_OFF)
#define SIGSTRUCT_KEY_BYTES	384u

struct tdx_image {
	struct tdx_ctx *ctx;
	enum tdx_image_form form;
	unsigned int format;		/* 0x100, 0x200, or 0 for a pair */
	const uint8_t *buf;		/* the whole container; NULL for a pair */
	size_t len;
	const uint8_t *sig;		/* the sigstruct pages, or the .sigstruct file's bytes */
	size_t sig_len;			/* at least TDX_SIGSTRUCT_SIZE */
	const uint8_t *module;
	size_t module_len;		/* at least one byte */
	uint16_t checksum;
	bool checksum_ok;
	bool container_failed;		/* a container check failed while parsing */
	struct tdx_sigstruct fields;
	uint8_t *owned[2];		/* buffers freed with the image (tdx_image_load) */
};

/* signature.c: OpenSSL. */
int tdx_sha384(const uint8_t *buf, size_t len, uint8_t out[TDX_SHA384_LEN]);
/*
 * 0 when @sig_be is an RSA PKCS#1 v1.5 SHA-384 signature of @msg under the public key
 * (@n_be, @exponent); -EBADMSG when it is not or the key is unusable; -ENOMEM
 * (crypto-lowlevel.c or crypto-evp.c, as the build chose).
 */
int tdx_rsa_verify_sha384(const uint8_t *n_be, size_t n_len, uint32_t exponent,
			  const uint8_t *sig_be, size_t sig_len, const uint8_t *msg, size_t msg_len);

/* sigstruct.c: the field checks; *failed is set when one failed. */
int tdx_sigstruct_check(const struct tdx_sigstruct *sig, const uint8_t *raw, size_t module_len,
			bool allow_debug, struct tdx_report *report, bool *failed);

/* elf.c: elf.header, elf.entry and elf.relocations. */
int tdx_elf_check(const uint8_t *module, size_t len, uint32_t rip_offset,
		  struct tdx_report *report, bool *failed);

/* image.c */
void tdx_image_own(struct tdx_image *image, uint8_t *a, uint8_t *b);

#endif /* LIBTDXCTL_IMAGE_PRIVATE_H */
