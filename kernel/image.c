// SPDX-License-Identifier: GPL-2.0-only
/*
 * Image checks of tdx_host_sim.
 *
 * tdx_sim_check_header() is what the mainline kernel checks before an
 * update starts (a failure there is harmless). tdx_sim_check_loader() is
 * what the P-SEAMLDR checks at CPU_INSTALL, after the running module was shut
 * down (a failure there is fatal). The RSA signature is NOT verified: that
 * is left to userspace (tdxctl verify), see README.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "image.h"

/* Image header, format 0x200 (kernel-update-path.md section 2). */
#define HDR_VERSION		0
#define HDR_SIGNATURE		4
#define HDR_SIGSTRUCT_PAGES	12
#define HDR_MODULE_PAGES	16
#define HDR_RESERVED		20

/* SEAM sigstruct offsets (image-formats.md section 4). */
#define SS_HEADER_TYPE		0x000
#define SS_HEADER_LENGTH	0x004
#define SS_HEADER_VERSION	0x008
#define SS_MODULE_TYPE		0x00c
#define SS_MODULE_VENDOR	0x010
#define SS_SIZE			0x018
#define SS_KEY_SIZE		0x01c
#define SS_MODULUS_SIZE		0x020
#define SS_EXPONENT_SIZE	0x024
#define SS_RESERVED0		0x028
#define SS_MODULUS		0x080
#define SS_EXPONENT		0x200
#define SS_SEAMHASH		0x384
#define SS_SVN_MINOR		0x3b4
#define SS_SVN_MAJOR		0x3b5
#define SS_ATTRIBUTES		0x3b6
#define SS_RESERVED1		0x3d2
#define SS_MODULE_HV		0x3d8
#define SS_MIN_UPDATE_HV	0x3da
#define SS_RESERVED2		0x3dd
#define SS_RESERVED3		0x3e8
#define SS_CPUID_TABLE_SIZE	0x400
#define SS_CPUID_TABLE		0x404

#define SS_DEBUG_BIT		BIT(31)
#define SS_CPUID_MAX		255u

/* True when @len bytes at @p are all zero. */
static bool all_zero(const u8 *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/**
 * tdx_sim_check_header() - the mainline kernel's checks of an update image
 * @data: the image
 * @size: its size in bytes
 *
 * Return: NULL when the image passes, else the rule it breaks (each one is
 * -EINVAL, firmware-invalid, in the real driver).
 */
const char *tdx_sim_check_header(const u8 *data, size_t size)
{
	u32 ss_pages, mod_pages;

	if (size < TDX_SIM_PAGE)
		return "header: image smaller than 4096 bytes";
	if (get_unaligned_le16(data + HDR_VERSION) != 0x200)
		return "header: version is not 0x200";
	if (memcmp(data + HDR_SIGNATURE, "TDX-BLOB", 8))
		return "header: signature is not TDX-BLOB";
	ss_pages = get_unaligned_le32(data + HDR_SIGSTRUCT_PAGES);
	mod_pages = get_unaligned_le32(data + HDR_MODULE_PAGES);
	if (ss_pages > TDX_SIM_MAX_SIGSTRUCT_PAGES)
		return "header: sigstruct_nr_pages above 1";
	if (mod_pages > TDX_SIM_MAX_MODULE_PAGES)
		return "header: module_nr_pages above 496";
	if (!all_zero(data + HDR_RESERVED, TDX_SIM_PAGE - HDR_RESERVED))
		return "header: reserved bytes not zero";
	if ((u64)size != (u64)TDX_SIM_PAGE * (1 + ss_pages + mod_pages))
		return "header: size does not match the page counts";
	return NULL;
}

/* The sigstruct's fixed fields and reserved areas. */
static const char *check_sigstruct_fields(const u8 *ss,
					  const struct tdx_sim_platform *plat)
{
	static const struct {
		unsigned int off;
		u32 val;
		const char *what;
	} fixed[] = {
		{ SS_HEADER_TYPE, 0x6, "sigstruct: header_type" },
		{ SS_HEADER_LENGTH, 0xe1, "sigstruct: header_length" },
		{ SS_HEADER_VERSION, 0x10000, "sigstruct: header_version" },
		{ SS_MODULE_VENDOR, 0x8086, "sigstruct: module_vendor" },
		{ SS_SIZE, 0x200, "sigstruct: size" },
		{ SS_KEY_SIZE, 0x60, "sigstruct: key_size" },
		{ SS_MODULUS_SIZE, 0x60, "sigstruct: modulus_size" },
		{ SS_EXPONENT_SIZE, 0x1, "sigstruct: exponent_size" },
		{ SS_EXPONENT, 65537, "sigstruct: exponent" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		if (get_unaligned_le32(ss + fixed[i].off) != fixed[i].val)
			return fixed[i].what;
	if (get_unaligned_le32(ss + SS_MODULE_TYPE) & ~SS_DEBUG_BIT)
		return "sigstruct: module_type reserved bits";
	if (!all_zero(ss + SS_RESERVED0, 88))
		return "sigstruct: reserved0";
	if (!all_zero(ss + SS_ATTRIBUTES, 8))
		return "sigstruct: attributes";
	if (!all_zero(ss + SS_RESERVED1, 6))
		return "sigstruct: reserved1";
	if (ss[SS_RESERVED2])
		return "sigstruct: reserved2";
	/*
	 * A 1.x P-SEAMLDR requires reserved3 to be zero; 2.x modules carry
	 * their version and build number in its first 6 bytes, the rest is zero.
	 */
	if (plat->seamldr.major < 2) {
		if (!all_zero(ss + SS_RESERVED3, 24))
			return "sigstruct: reserved3 (P-SEAMLDR 1.x)";
	} else if (!all_zero(ss + SS_RESERVED3 + 6, 18)) {
		return "sigstruct: reserved3";
	}
	if (get_unaligned_le16(ss + SS_MODULE_HV) <
	    get_unaligned_le16(ss + SS_MIN_UPDATE_HV))
		return "sigstruct: module_hv below min_update_hv";
	if (get_unaligned_le32(ss + SS_CPUID_TABLE_SIZE) > SS_CPUID_MAX)
		return "sigstruct: cpuid_table_size";
	return NULL;
}

/* Stepping-masked match of the emulated CPU in the sigstruct's table. */
static bool cpuid_in_table(const u8 *ss, u32 cpuid)
{
	u32 n = get_unaligned_le32(ss + SS_CPUID_TABLE_SIZE);
	u32 i;

	for (i = 0; i < n; i++) {
		u32 e = get_unaligned_le32(ss + SS_CPUID_TABLE + 4 * i);

		if (e && (e & ~0xfu) == (cpuid & ~0xfu))
			return true;
	}
	return false;
}

/**
 * tdx_sim_check_loader() - the emulated P-SEAMLDR's checks (SEAMLDR.INSTALL)
 * @data: the image, already through tdx_sim_check_header()
 * @size: its size
 * @plat: the running module and platform
 * @sha384: a "sha384" transform
 * @info: filled with what the loader learned when the image passes
 *
 * The real loader runs these on each CPU at CPU_INSTALL; the shim runs them
 * once before stop_machine() (hashing 2 MB inside it would only slow the
 * guest) and CPU_INSTALL fails with the verdict. Not checked: the RSA
 * signature, the module's ELF and relocations.
 *
 * Return: NULL when the image passes, else the check that failed.
 */
const char *tdx_sim_check_loader(const u8 *data, size_t size,
				 const struct tdx_sim_platform *plat,
				 struct crypto_shash *sha384,
				 struct tdx_sim_image_info *info)
{
	u8 digest[TDX_SIM_HASH_LEN];
	u32 ss_pages = get_unaligned_le32(data + HDR_SIGSTRUCT_PAGES);
	u32 mod_pages = get_unaligned_le32(data + HDR_MODULE_PAGES);
	const u8 *ss = data + TDX_SIM_PAGE;
	const u8 *mod = ss + (size_t)ss_pages * TDX_SIM_PAGE;
	bool debug;
	const char *why;

	memset(info, 0, sizeof(*info));
	if (!ss_pages)
		return "loader: no sigstruct";
	why = check_sigstruct_fields(ss, plat);
	if (why)
		return why;
	if (crypto_shash_tfm_digest(sha384, ss + SS_MODULUS, 384, digest))
		return "loader: sha384 failed";
	if (memcmp(digest, plat->key_hash, TDX_SIM_HASH_LEN))
		return "loader: signer key hash";
	debug = get_unaligned_le32(ss + SS_MODULE_TYPE) & SS_DEBUG_BIT;
	if (debug && !plat->debug_platform)
		return "loader: debug-signed module on a production platform";
	if (mod_pages < 1 || mod_pages > TDX_SIM_MAX_MODULE_PAGES)
		return "loader: module page count";
	if (crypto_shash_tfm_digest(sha384, mod,
				    (size_t)mod_pages * TDX_SIM_PAGE, digest))
		return "loader: sha384 failed";
	if (memcmp(digest, ss + SS_SEAMHASH, TDX_SIM_HASH_LEN))
		return "loader: seamhash";
	if (!ss[SS_SVN_MAJOR])
		return "loader: SVN major is zero";
	if (ss[SS_SVN_MAJOR] != plat->svn_major)
		return "loader: SVN major differs";
	if (ss[SS_SVN_MINOR] < plat->svn_minor)
		return "loader: SVN minor rollback";
	if (!debug && !get_unaligned_le32(ss + SS_CPUID_TABLE_SIZE))
		return "loader: empty CPUID table";
	if (get_unaligned_le32(ss + SS_CPUID_TABLE_SIZE) &&
	    !cpuid_in_table(ss, plat->cpuid))
		return "loader: CPU not in the CPUID table";

	info->svn_major = ss[SS_SVN_MAJOR];
	info->svn_minor = ss[SS_SVN_MINOR];
	if (plat->seamldr.major >= 2 && !all_zero(ss + SS_RESERVED3, 4)) {
		info->has_version = true;
		info->version.update = get_unaligned_le16(ss + SS_RESERVED3);
		info->version.minor = ss[SS_RESERVED3 + 2];
		info->version.major = ss[SS_RESERVED3 + 3];
	}
	return NULL;
}
