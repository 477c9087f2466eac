// SPDX-License-Identifier: GPL-2.0-only
/*
 * Image checks of tdx_host_sim.
 *
 * tdx_sim_check_header() is what the mainline kernel checks before an
 * update starts (a failure there is harmless). tdx_sim_check_loader() is
 * what the P-SEAMLDR checks at CPU_INSTALL, after the running module was shut
 * down (a failure there is fatal), including the RSA-3072 signature.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/sig.h>
#include <linux/kernel.h>
#include <linux/slab.h>
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
#define SS_SIGNATURE		0x204
#define SS_SEAMHASH		0x384
#define SS_SVN_MINOR		0x3b4
#define SS_SVN_MAJOR		0x3b5
#define SS_ATTRIBUTES		0x3b6
#define SS_RESERVED1		0x3d2
#define SS_MODULE_HV		0x3d8
#define SS_MIN_UPDATE_HV	0x3da
#define SS_NO_DOWNGRADE		0x3dc
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

/* Intel's blob, format 0x100 (image-formats.md section 2). */
#define BLOB_VERSION		0
#define BLOB_MODULE_OFFSET	4
#define BLOB_SIGNATURE		8
#define BLOB_LENGTH		16
#define BLOB_RESERVED		20

/*
 * The merged kernel's checks, in its order (7.3's arch/x86/virt/vmx/tdx/seamldr.c:
 * seamldr_install_module() line 327, then init_seamldr_params() lines 180, 184,
 * 187-189, 191, 194): at least one page, size exactly the page counts', version
 * 0x200, page counts, TDX-BLOB, reserved bytes zero. Zero page counts pass, as
 * there. Series v9 had neither the size nor the page-limit check: an image
 * longer than its counts says installs (the tail is ignored), one shorter is
 * marked truncated and fails in the loader (what the real loader would read
 * there is undefined; the shim does not read past the image).
 */
static const char *check_header_200(const u8 *data, size_t size, bool v9,
				    struct tdx_sim_parts *parts)
{
	u32 ss_pages, mod_pages;
	u64 need;

	if (size < TDX_SIM_PAGE)
		return "header: image smaller than 4096 bytes";
	ss_pages = get_unaligned_le32(data + HDR_SIGSTRUCT_PAGES);
	mod_pages = get_unaligned_le32(data + HDR_MODULE_PAGES);
	need = (u64)TDX_SIM_PAGE * (1 + (u64)ss_pages + mod_pages);
	if (!v9 && (u64)size != need)
		return "header: size does not match the page counts";
	if (get_unaligned_le16(data + HDR_VERSION) != 0x200)
		return "header: version is not 0x200";
	if (!v9 && ss_pages > TDX_SIM_MAX_SIGSTRUCT_PAGES)
		return "header: sigstruct_nr_pages above 1";
	if (!v9 && mod_pages > TDX_SIM_MAX_MODULE_PAGES)
		return "header: module_nr_pages above 496";
	if (memcmp(data + HDR_SIGNATURE, "TDX-BLOB", 8))
		return "header: signature is not TDX-BLOB";
	if (!all_zero(data + HDR_RESERVED, TDX_SIM_PAGE - HDR_RESERVED))
		return "header: reserved bytes not zero";
	parts->sigstruct_pages = ss_pages;
	parts->module_pages = mod_pages;
	if (need > size) {
		parts->truncated = true;
		return NULL;
	}
	parts->sigstruct = data + TDX_SIM_PAGE;
	parts->module = parts->sigstruct + (size_t)ss_pages * TDX_SIM_PAGE;
	return NULL;
}

/* 16-bit little-endian word sum of the whole blob, carries dropped. */
static u16 blob_word_sum(const u8 *data, size_t size)
{
	u16 sum = 0;
	size_t i;

	for (i = 0; i + 1 < size; i += 2)
		sum += get_unaligned_le16(data + i);
	if (size & 1)
		sum += data[size - 1];
	return sum;
}

/*
 * What the series v3, v4 and v8 kernels checked of Intel's 0x100 blob
 * (image-formats.md section 2): version, TDX-BLOB, length, zero reserved
 * fields, a page-aligned module offset after at least one sigstruct page, and
 * v3 only the checksum (v4's changelog: "Remove checksum verification"). v4 took
 * up to 4 sigstruct pages (its seamldr_params had a 4-entry sigstruct list) and
 * refused a blob without module pages; v3 and v8 are given mainline's limits
 * and let an empty module through to the loader.
 */
static const char *check_header_100(const u8 *data, size_t size,
				    enum tdx_sim_hdr_rules rules,
				    struct tdx_sim_parts *parts)
{
	u32 max_ss = TDX_SIM_MAX_SIGSTRUCT_PAGES;
	u32 off;

	if (rules == TDX_SIM_HDR_BLOB_V4)
		max_ss = TDX_SIM_V4_MAX_SIGSTRUCT_PAGES;
	if (size < TDX_SIM_PAGE)
		return "header: image smaller than 4096 bytes";
	if (get_unaligned_le16(data + BLOB_VERSION) != 0x100)
		return "header: version is not 0x100";
	if (memcmp(data + BLOB_SIGNATURE, "TDX-BLOB", 8))
		return "header: signature is not TDX-BLOB";
	if (get_unaligned_le32(data + BLOB_LENGTH) != size)
		return "header: length is not the size";
	if (!all_zero(data + BLOB_RESERVED, TDX_SIM_PAGE - BLOB_RESERVED))
		return "header: reserved bytes not zero";
	if (rules == TDX_SIM_HDR_BLOB_V3 && blob_word_sum(data, size))
		return "header: checksum";
	off = get_unaligned_le32(data + BLOB_MODULE_OFFSET);
	if (off % TDX_SIM_PAGE || off < 2 * TDX_SIM_PAGE || off > size ||
	    size % TDX_SIM_PAGE)
		return "header: module offset or size not page-aligned";
	if (off / TDX_SIM_PAGE - 1 > max_ss)
		return max_ss == 1 ? "header: more than 1 sigstruct page" :
				     "header: more than 4 sigstruct pages";
	if (rules == TDX_SIM_HDR_BLOB_V4 && off == size)
		return "header: no module pages";
	if ((size - off) / TDX_SIM_PAGE > TDX_SIM_MAX_MODULE_PAGES)
		return "header: more than 496 module pages";
	parts->sigstruct = data + TDX_SIM_PAGE;
	parts->sigstruct_pages = off / TDX_SIM_PAGE - 1;
	parts->module = data + off;
	parts->module_pages = (size - off) / TDX_SIM_PAGE;
	return NULL;
}

/**
 * tdx_sim_check_header() - the kernel's checks of an update image
 * @data: the image
 * @size: its size in bytes
 * @rules: the header checks of the emulated kernel
 * @parts: set to the sigstruct and module pages when the image passes
 *
 * Return: NULL when the image passes, else the rule it breaks (each one is
 * -EINVAL, firmware-invalid, in the real driver).
 */
const char *tdx_sim_check_header(const u8 *data, size_t size,
				 enum tdx_sim_hdr_rules rules,
				 struct tdx_sim_parts *parts)
{
	memset(parts, 0, sizeof(*parts));
	if (rules == TDX_SIM_HDR_MAINLINE || rules == TDX_SIM_HDR_V9)
		return check_header_200(data, size, rules == TDX_SIM_HDR_V9,
					parts);
	return check_header_100(data, size, rules, parts);
}

/*
 * The sigstruct's fixed fields and reserved areas. Evidence for each:
 * image-formats.md section 4 (Intel's sigstruct layout, the "required value"
 * column) and section 6 (the P-SEAMLDR rejects any constant or reserved field
 * that is wrong).
 */
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
	 * reserved3: the reference says a 1.x P-SEAMLDR requires it to be
	 * zero. A 2.x sigstruct carries version bytes there and later 2.0
	 * releases more non-zero bytes; no document says what a 2.x loader
	 * requires of it, so a 2.x loader checks nothing here.
	 */
	if (plat->seamldr.major < 2 && !all_zero(ss + SS_RESERVED3, 24))
		return "sigstruct: reserved3 (P-SEAMLDR 1.x)";
	/* "module_hv ... must be >= min_update_hv" (section 4). */
	if (get_unaligned_le16(ss + SS_MODULE_HV) <
	    get_unaligned_le16(ss + SS_MIN_UPDATE_HV))
		return "sigstruct: module_hv below min_update_hv";
	/* "number of entries, <= 255" (section 4). */
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

/* DER RSAPublicKey: SEQUENCE { INTEGER n (0x00 + 384 bytes), INTEGER e }. */
#define RSA_KEY_DER_LEN		(4 + 4 + 1 + TDX_SIM_RSA_BYTES + 5)
#define TDX_SIM_RSA_BYTES	384u
#define SS_SIGNED_HEAD		0x80u

/*
 * The signature (image-formats.md section 4, "Signature", checked on every
 * sample): RSA-3072 PKCS#1 v1.5 with SHA-384 over the header 0x000-0x07F
 * and the body 0x384-0x7FF; modulus and signature stored little-endian.
 */
static int verify_signature(const u8 *ss, struct crypto_shash *sha384,
			    struct crypto_sig *rsa)
{
	u8 digest[TDX_SIM_HASH_LEN];
	u8 *key, *sig;
	unsigned int i;
	int ret;

	{
		SHASH_DESC_ON_STACK(desc, sha384);

		desc->tfm = sha384;
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, ss, SS_SIGNED_HEAD) ?:
		      crypto_shash_update(desc, ss + SS_SEAMHASH,
					  TDX_SIM_SIGSTRUCT_SIZE - SS_SEAMHASH) ?:
		      crypto_shash_final(desc, digest);
		shash_desc_zero(desc);
		if (ret)
			return ret;
	}

	key = kmalloc(RSA_KEY_DER_LEN + TDX_SIM_RSA_BYTES, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	sig = key + RSA_KEY_DER_LEN;
	key[0] = 0x30;
	key[1] = 0x82;
	put_unaligned_be16(RSA_KEY_DER_LEN - 4, key + 2);
	key[4] = 0x02;
	key[5] = 0x82;
	put_unaligned_be16(TDX_SIM_RSA_BYTES + 1, key + 6);
	key[8] = 0;
	for (i = 0; i < TDX_SIM_RSA_BYTES; i++) {
		key[9 + i] = ss[SS_MODULUS + TDX_SIM_RSA_BYTES - 1 - i];
		sig[i] = ss[SS_SIGNATURE + TDX_SIM_RSA_BYTES - 1 - i];
	}
	/* The exponent was checked to be 65537. */
	memcpy(key + 9 + TDX_SIM_RSA_BYTES, "\x02\x03\x01\x00\x01", 5);

	ret = crypto_sig_set_pubkey(rsa, key, RSA_KEY_DER_LEN);
	if (!ret)
		ret = crypto_sig_verify(rsa, sig, TDX_SIM_RSA_BYTES, digest,
					sizeof(digest));
	kfree(key);
	return ret;
}

/**
 * tdx_sim_check_loader() - the emulated P-SEAMLDR's checks (SEAMLDR.INSTALL)
 * @parts: the image's sigstruct and module, from tdx_sim_check_header()
 * @plat: the running module and platform
 * @sha384: a "sha384" transform
 * @rsa: an RSA PKCS#1 v1.5 SHA-384 signature transform
 * @info: filled with what the loader learned when the image passes
 *
 * In the order of Intel's P-SEAMLDR (seamldr_update.c: check_seamldr_params(),
 * verify_manifest(), seam_module_load_and_verify(), init_seam_range_on_update()):
 * the page count; the sigstruct's fields; the signer; debug; the SVN; the
 * CPUID table; the signature; the module's hash; then, with the handed-over
 * state in hand, the update budget and the handoff version in both directions
 * (the running module's must lie in [min_update_hv, module_hv] of the new one).
 * The real loader runs these on each CPU at CPU_INSTALL; the shim runs them
 * once before stop_machine() (the crypto API may sleep) and CPU_INSTALL fails
 * with the verdict. Not checked: the module's ELF and relocations.
 *
 * Return: NULL when the image passes, else the check that failed.
 */
const char *tdx_sim_check_loader(const struct tdx_sim_parts *parts,
				 const struct tdx_sim_platform *plat,
				 struct crypto_shash *sha384,
				 struct crypto_sig *rsa,
				 struct tdx_sim_image_info *info)
{
	u8 digest[TDX_SIM_HASH_LEN];
	const u8 *ss = parts->sigstruct;
	u16 min_hv, new_hv;
	const char *why;
	bool debug;
	int ret;

	memset(info, 0, sizeof(*info));
	/* Series v9 only: the kernel passed pages from past the image's end. */
	if (parts->truncated)
		return "loader: pages past the end of the image";
	if (!parts->sigstruct_pages)
		return "loader: no sigstruct";
	/* check_seamldr_params(): module page count outside 1..496. */
	if (parts->module_pages < 1 ||
	    parts->module_pages > TDX_SIM_MAX_MODULE_PAGES)
		return "loader: module page count";
	why = check_sigstruct_fields(ss, plat);
	if (why)
		return why;
	/* The signer is pinned to the platform's key (section 4). */
	if (crypto_shash_tfm_digest(sha384, ss + SS_MODULUS, 384, digest))
		return "loader: sha384 failed";
	if (memcmp(digest, plat->key_hash, TDX_SIM_HASH_LEN))
		return "loader: signer key hash";
	debug = get_unaligned_le32(ss + SS_MODULE_TYPE) & SS_DEBUG_BIT;
	if (debug && !plat->debug_platform)
		return "loader: debug-signed module on a production platform";
	/* SVN major non-zero and kept, SVN minor no rollback (EBADSIG). */
	if (!ss[SS_SVN_MAJOR])
		return "loader: SVN major is zero";
	if (ss[SS_SVN_MAJOR] != plat->svn_major)
		return "loader: SVN major differs";
	if (ss[SS_SVN_MINOR] < plat->svn_minor)
		return "loader: SVN minor rollback";
	/* The stepping-masked CPUID(1).EAX must be in the table. */
	if (get_unaligned_le32(ss + SS_CPUID_TABLE_SIZE) &&
	    !cpuid_in_table(ss, plat->cpuid))
		return "loader: CPU not in the CPUID table";
	if (!debug && !get_unaligned_le32(ss + SS_CPUID_TABLE_SIZE))
		return "loader: empty CPUID table";
	ret = verify_signature(ss, sha384, rsa);
	if (ret == -ENOMEM)
		return "loader: out of memory";
	if (ret)
		return "loader: signature";
	/* seamhash = SHA-384 of all module pages (EBADHASH). */
	if (crypto_shash_tfm_digest(sha384, parts->module,
				    (size_t)parts->module_pages * TDX_SIM_PAGE,
				    digest))
		return "loader: sha384 failed";
	if (memcmp(digest, ss + SS_SEAMHASH, TDX_SIM_HASH_LEN))
		return "loader: seamhash";
	/* init_seam_range_on_update(): budget (EBADCALL), handoff (EBADHANDOFF). */
	if (!plat->remaining)
		return "loader: no updates remaining";
	min_hv = get_unaligned_le16(ss + SS_MIN_UPDATE_HV);
	new_hv = get_unaligned_le16(ss + SS_MODULE_HV);
	if (plat->module_hv < min_hv)
		return "loader: handoff version below the new module's min_update_hv";
	if (plat->module_hv > new_hv)
		return "loader: handoff version above the new module's module_hv";

	info->svn_major = ss[SS_SVN_MAJOR];
	info->svn_minor = ss[SS_SVN_MINOR];
	info->module_hv = new_hv;
	info->min_update_hv = min_hv;
	info->no_downgrade = ss[SS_NO_DOWNGRADE];
	/* 2.x sigstructs carry u16 update, u8 minor, u8 major in reserved3. */
	if (!all_zero(ss + SS_RESERVED3, 4)) {
		info->has_version = true;
		info->version.update = get_unaligned_le16(ss + SS_RESERVED3);
		info->version.minor = ss[SS_RESERVED3 + 2];
		info->version.major = ss[SS_RESERVED3 + 3];
	}
	return NULL;
}

/**
 * tdx_sim_module_marker() - the version tdx-mkfixture wrote into its module
 * @parts: the image's parts
 * @buf: set to the version text after the marker, NUL-terminated
 * @len: size of @buf
 *
 * Return: true when the module carries the marker.
 */
bool tdx_sim_module_marker(const struct tdx_sim_parts *parts, char *buf,
			   size_t len)
{
	const char *m = (const char *)parts->module + TDX_SIM_MARKER_OFFSET;
	size_t n = sizeof(TDX_SIM_MARKER) - 1;

	if (!parts->module_pages || parts->truncated ||
	    strncmp(m, TDX_SIM_MARKER, n))
		return false;
	strscpy(buf, m + n, min_t(size_t, len, 16));
	return true;
}
