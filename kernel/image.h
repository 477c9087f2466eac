/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Image checks of tdx_host_sim: the kernel's header checks (mainline, and the
 * older series' 0x100 blob) and the emulated P-SEAMLDR's checks of the
 * sigstruct and module.
 */
#ifndef TDX_SIM_IMAGE_H
#define TDX_SIM_IMAGE_H

#include <linux/types.h>

#define TDX_SIM_PAGE		4096u
#define TDX_SIM_MAX_MODULE_PAGES 496u
#define TDX_SIM_MAX_SIGSTRUCT_PAGES 1u
#define TDX_SIM_V4_MAX_SIGSTRUCT_PAGES 4u
#define TDX_SIM_SIGSTRUCT_SIZE	2048u
#define TDX_SIM_HASH_LEN	48u
#define TDX_SIM_SS_SEAMHASH	0x384u

/* Offset in the module of the version marker tdx-mkfixture writes. */
#define TDX_SIM_MARKER_OFFSET	0xc0u
#define TDX_SIM_MARKER		"tdx_host_sim:version="

/**
 * enum tdx_sim_hdr_rules - the header checks one kernel made (README.md has the evidence)
 * @TDX_SIM_HDR_MAINLINE: merged code (and series v10): image header 0x200, size and
 *	page limits checked
 * @TDX_SIM_HDR_V9: series v9: header 0x200 without the size and page-limit checks
 * @TDX_SIM_HDR_BLOB_V8: series v8: Intel's blob, version 0x100
 * @TDX_SIM_HDR_BLOB_V4: series v4: the blob, up to 4 sigstruct pages, an empty module refused
 * @TDX_SIM_HDR_BLOB_V3: series v3: the blob, with its checksum checked
 */
enum tdx_sim_hdr_rules {
	TDX_SIM_HDR_MAINLINE,
	TDX_SIM_HDR_V9,
	TDX_SIM_HDR_BLOB_V8,
	TDX_SIM_HDR_BLOB_V4,
	TDX_SIM_HDR_BLOB_V3,
};

/**
 * struct tdx_sim_version - a TDX module or P-SEAMLDR version, major.minor.update
 * @major: major
 * @minor: minor
 * @update: update number, printed with two digits
 */
struct tdx_sim_version {
	u8 major;
	u8 minor;
	u16 update;
};

/**
 * struct tdx_sim_parts - where the sigstruct and module pages of an image are
 * @sigstruct: first sigstruct page
 * @sigstruct_pages: number of sigstruct pages
 * @module: first module page
 * @module_pages: number of module pages
 * @truncated: the header's page counts reach past the end of the image (only
 *	series v9 let such an image through; the pointers above are then unset)
 */
struct tdx_sim_parts {
	const u8 *sigstruct;
	u32 sigstruct_pages;
	const u8 *module;
	u32 module_pages;
	bool truncated;
};

/**
 * struct tdx_sim_platform - what the emulated P-SEAMLDR checks an image against
 * @svn_major: SVN major of the running module
 * @svn_minor: SVN minor of the running module
 * @module_hv: handoff version of the running module (what it hands over with)
 * @remaining: updates the P-SEAMLDR still accepts
 * @seamldr: P-SEAMLDR version (1.x requires sigstruct reserved3 to be zero)
 * @cpuid: CPUID(1).EAX of the emulated CPU
 * @key_hash: SHA-384 of the accepted signer's modulus
 * @debug_platform: accept debug-signed modules
 */
struct tdx_sim_platform {
	u8 svn_major;
	u8 svn_minor;
	u16 module_hv;
	u32 remaining;
	struct tdx_sim_version seamldr;
	u32 cpuid;
	u8 key_hash[TDX_SIM_HASH_LEN];
	bool debug_platform;
};

/**
 * struct tdx_sim_image_info - what the loader learned from an accepted image
 * @has_version: the sigstruct carries the version (2.x reserved3)
 * @version: that version
 * @svn_major: SVN major of the new module
 * @svn_minor: SVN minor of the new module
 * @module_hv: handoff version of the new module
 * @min_update_hv: the new module's min_update_hv
 * @no_downgrade: the new module's no_downgrade byte (sigstruct 0x3DC)
 */
struct tdx_sim_image_info {
	bool has_version;
	struct tdx_sim_version version;
	u8 svn_major;
	u8 svn_minor;
	u16 module_hv;
	u16 min_update_hv;
	u8 no_downgrade;
};

struct crypto_shash;
struct crypto_sig;

const char *tdx_sim_check_header(const u8 *data, size_t size,
				 enum tdx_sim_hdr_rules rules,
				 struct tdx_sim_parts *parts);
const char *tdx_sim_check_loader(const struct tdx_sim_parts *parts,
				 const struct tdx_sim_platform *plat,
				 struct crypto_shash *sha384,
				 struct crypto_sig *rsa,
				 struct tdx_sim_image_info *info);
bool tdx_sim_module_marker(const struct tdx_sim_parts *parts,
			   char *buf, size_t len);

#endif /* TDX_SIM_IMAGE_H */
