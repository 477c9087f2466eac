// SPDX-License-Identifier: GPL-2.0-only
/*
 * Images on the project's own fixtures (made by tdx-mkfixture with a test key): the valid forms
 * verify and convert into each other bytewise; every malformed variant is rejected with exactly
 * the expected check as its first failure; files are read and written as documented.
 *
 * Environment (set by meson): TDXCTL_FIXTURES (build/tests), TDXCTL_MKFIXTURE (the generator).
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define PAGE	4096u
#define SIG(x)	(PAGE + (x))		/* sigstruct field in a 0x200 or 0x100 fixture */
#define MOD(x)	(2 * PAGE + (x))	/* module byte in a fixture */

struct fixtures {
	const char *dir;
	char *key_path;
	uint8_t key_hash[TDX_SHA384_LEN];
	uint8_t *img, *blob, *bin, *sig, *v2, *dbg;
	size_t img_len, blob_len, bin_len, sig_len, v2_len, dbg_len;
};

enum base { B_IMG, B_BLOB, B_V2, B_DBG };

enum op { SET8, SET16, SET32, SET64, XOR8 };

enum fixup {
	FIX_NONE = 0,
	FIX_SUM = 1,		/* restore the container checksum afterwards */
	FIX_SIGN = 2,		/* new seamhash, signed again with the test key; FIX_SUM */
	FIX_SIGN_ONLY = 4,	/* signed again, the seamhash left as mutated; FIX_SUM */
};

struct variant {
	const char *name;
	enum base base;
	size_t off;
	enum op op;
	uint64_t value;
	int fixup;
	const char *expect;	/* the first failing check; "warn:CHECK": valid, CHECK a warning */
};

/*
 * Checks graded "observed" that reported something, over every image this program verifies:
 * as warnings by default, as failures with strict. test_observed_catalogue() asks that each
 * such check of the catalogue was seen both ways, so that a check added later is covered.
 */
static bool observed_warned[TDX_CHK__COUNT], observed_failed_strict[TDX_CHK__COUNT];

/* The evidence rule, on one report: an observed check never fails unless strict. */
static void check_observed_grading(const struct tdx_report *r, bool strict)
{
	for (size_t i = 0; i < tdx_report_count(r); i++) {
		enum tdx_check_id id = tdx_report_id(r, i);
		enum tdx_check_status st = tdx_report_status(r, i);

		if (tdx_check_evidence(id) != TDX_EVIDENCE_OBSERVED)
			continue;
		if (!strict && st == TDX_CHECK_FAIL)
			CHECK(!"an observed check failed without strict");
		if (!strict && st == TDX_CHECK_WARN)
			observed_warned[id] = true;
		if (strict && st == TDX_CHECK_WARN)
			CHECK(!"an observed check only warned with strict");
		if (strict && st == TDX_CHECK_FAIL)
			observed_failed_strict[id] = true;
	}
}

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/*
 * Sign a mutated sigstruct again with the test key, after recomputing its seamhash unless
 * @keep_hash (a seamhash that no longer matches the module, under a valid signature).
 */
static void resign_as(const struct fixtures *f, uint8_t *sig, const uint8_t *module,
		      size_t mlen, bool keep_hash)
{
	uint8_t msg[128 + 2048 - 0x384], be[384];
	size_t be_len = sizeof(be);
	unsigned int hlen = 48;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	FILE *kf = fopen(f->key_path, "rb");
	EVP_PKEY *key = kf ? PEM_read_PrivateKey(kf, NULL, NULL, NULL) : NULL;

	if (!md || !key ||
	    (!keep_hash && !EVP_Digest(module, mlen, sig + 0x384, &hlen, EVP_sha384(), NULL))) {
		fprintf(stderr, "cannot re-sign with %s\n", f->key_path);
		exit(1);
	}
	memcpy(msg, sig, 128);
	memcpy(msg + 128, sig + 0x384, 2048 - 0x384);
	if (EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) <= 0 ||
	    EVP_DigestSign(md, be, &be_len, msg, sizeof(msg)) <= 0 || be_len != sizeof(be)) {
		fprintf(stderr, "signing failed\n");
		exit(1);
	}
	for (size_t i = 0; i < sizeof(be); i++)
		sig[0x204 + i] = be[sizeof(be) - 1 - i];
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	fclose(kf);
}

static void resign(const struct fixtures *f, uint8_t *sig, const uint8_t *module, size_t mlen)
{
	resign_as(f, sig, module, mlen, false);
}

static void fix_checksum(uint8_t *buf, size_t len)
{
	put_le(buf + 2, 0, 2);
	put_le(buf + 2, (uint16_t)(0 - tdx_checksum16(buf, len)), 2);
}

/*
 * Parse and verify @buf (a container, or a pair when @sig is set) and return the report; *rc
 * gets the first negative result (parse or verify).
 */
static struct tdx_report *run_opts(const struct fixtures *f, const uint8_t *buf, size_t len,
				   const uint8_t *sig, size_t sig_len, bool allow_debug,
				   bool strict, int *rc)
{
	struct tdx_verify_opts opts = { .key_hash = f->key_hash, .allow_debug = allow_debug,
					.strict = strict };
	struct tdx_image *img = NULL;
	struct tdx_report *r;

	if (tdx_report_new(&r))
		exit(1);
	*rc = sig ? tdx_image_parse_pair(NULL, buf, len, sig, sig_len, r, &img) :
		    tdx_image_parse(NULL, buf, len, r, &img);
	CHECK((*rc == 0) == (img != NULL));
	if (!*rc)
		*rc = tdx_image_verify(img, &opts, r);
	/* Warnings never make the verdict; failures always do. */
	CHECK((*rc == -EBADMSG) == (tdx_report_count_status(r, TDX_CHECK_FAIL) > 0));
	check_observed_grading(r, strict);
	tdx_image_free(img);
	return r;
}

/* The index of check @id's one result in @r; tdx_report_count() (no result there) otherwise. */
static size_t result_of(const struct tdx_report *r, enum tdx_check_id id)
{
	size_t i, found = tdx_report_count(r);

	for (i = 0; i < tdx_report_count(r); i++)
		if (tdx_report_id(r, i) == id) {
			CHECK(found == tdx_report_count(r));	/* once */
			found = i;
		}
	CHECK(found < tdx_report_count(r));
	return found;
}

static struct tdx_report *run(const struct fixtures *f, const uint8_t *buf, size_t len,
			      const uint8_t *sig, size_t sig_len, bool allow_debug, int *rc)
{
	return run_opts(f, buf, len, sig, sig_len, allow_debug, false, rc);
}

/* Every check id has at most one line, and when parsing failed every image check has one. */
static void check_one_line_each(const struct tdx_report *r)
{
	for (unsigned int id = 0; id < TDX_CHK__COUNT; id++)
		CHECK(test_status_of(r, tdx_check_name((enum tdx_check_id)id)) != -2);
}

/* Fact @k of result @i is a number, and is @want. */
static bool fact_u_is(const struct tdx_report *r, size_t i, size_t k, uint64_t want)
{
	const struct tdx_fact *fact = i < tdx_report_count(r) ? tdx_report_fact_get(r, i, k) : NULL;

	return fact && fact->type == TDX_FACT_U64 && fact->u == want;
}

/* Fact @k of result @i is a run of bytes, and is @want (@len bytes). */
static bool fact_bytes_are(const struct tdx_report *r, size_t i, size_t k, const void *want,
			   size_t len)
{
	const struct tdx_fact *fact = i < tdx_report_count(r) ? tdx_report_fact_get(r, i, k) : NULL;

	return fact && fact->type == TDX_FACT_BYTES && fact->n == len &&
	       memcmp(fact->s, want, len) == 0;
}

/* Fact @k of result @i is a string, and is @want. */
static bool fact_s_is(const struct tdx_report *r, size_t i, size_t k, const char *want)
{
	const struct tdx_fact *fact = i < tdx_report_count(r) ? tdx_report_fact_get(r, i, k) : NULL;

	return fact && fact->type == TDX_FACT_STR && strcmp(fact->s, want) == 0;
}

/* Check @id was not run, because of @cause. */
static bool not_run_because(const struct tdx_report *r, enum tdx_check_id id,
			    enum tdx_finding cause)
{
	size_t i = result_of(r, id);
	const struct tdx_fact *fact = i < tdx_report_count(r) ? tdx_report_fact_get(r, i, 0) : NULL;

	return fact && tdx_report_status(r, i) == TDX_CHECK_SKIP &&
	       tdx_report_finding(r, i) == TDX_FND_NOT_RUN && fact->type == TDX_FACT_FINDING &&
	       fact->u == cause;
}

/* Expect a rejection whose first failure is @expect; -EBADMSG from parse or verify. */
static void expect_reject(const struct fixtures *f, const char *name, const uint8_t *buf,
			  size_t len, const uint8_t *sig, size_t sig_len, const char *expect)
{
	uint8_t *copy = test_dup(buf, len), *sig_copy = sig ? test_dup(sig, sig_len) : NULL;
	int rc;
	struct tdx_report *r = run(f, copy, len, sig_copy, sig_len, false, &rc);
	bool ok = CHECK_INT(rc, -EBADMSG);

	ok &= CHECK_STR(test_first_failure(r), expect);
	check_one_line_each(r);
	if (!ok) {
		fprintf(stderr, "  variant %s:\n", name);
		test_dump_report(r);
	}
	tdx_report_free(r);
	free(copy);
	free(sig_copy);
}

/*
 * A finding of an observed rule: valid with @check a warning (the only one), and with strict
 * invalid with @check the first failure.
 */
static void expect_warn(const struct fixtures *f, const char *name, const uint8_t *buf,
			size_t len, const char *check)
{
	int rc;
	struct tdx_report *r = run(f, buf, len, NULL, 0, false, &rc);
	bool ok = CHECK_INT(rc, 0);

	ok &= CHECK_INT(test_status_of(r, check), TDX_CHECK_WARN);
	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_WARN), 1);
	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 0);
	for (size_t i = 0; i < tdx_report_count(r); i++)
		if (tdx_report_status(r, i) == TDX_CHECK_WARN)
			ok &= CHECK(tdx_report_observed(r, i) &&
				    tdx_report_remedies(r, i) == TDX_REMEDY_STRICT);
	if (!ok) {
		fprintf(stderr, "  variant %s:\n", name);
		test_dump_report(r);
	}
	tdx_report_free(r);
	r = run_opts(f, buf, len, NULL, 0, false, true, &rc);
	ok = CHECK_INT(rc, -EBADMSG);
	ok &= CHECK_STR(test_first_failure(r), check);
	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 1);
	if (!ok) {
		fprintf(stderr, "  variant %s, strict:\n", name);
		test_dump_report(r);
	}
	tdx_report_free(r);
}

static void expect_pass(const struct fixtures *f, const char *name, const uint8_t *buf,
			size_t len, const uint8_t *sig, size_t sig_len, bool allow_debug)
{
	int rc;
	struct tdx_report *r = run(f, buf, len, sig, sig_len, allow_debug, &rc);
	bool ok = CHECK_INT(rc, 0);

	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 0);
	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_SKIP), 0);
	check_one_line_each(r);
	if (!ok) {
		fprintf(stderr, "  %s:\n", name);
		test_dump_report(r);
	}
	tdx_report_free(r);
}

static const uint8_t *base_bytes(const struct fixtures *f, enum base b, size_t *len)
{
	switch (b) {
	case B_BLOB:	*len = f->blob_len; return f->blob;
	case B_V2:	*len = f->v2_len; return f->v2;
	case B_DBG:	*len = f->dbg_len; return f->dbg;
	case B_IMG:	break;
	}
	*len = f->img_len;
	return f->img;
}

static const struct variant variants[] = {
	/* 0x200 container */
	{ "0x200 magic", B_IMG, 4, XOR8, 0x01, 0, "container.magic" },
	{ "0x200 version 0x300", B_IMG, 0, SET16, 0x300, 0, "container.version" },
	{ "0x200 version 0", B_IMG, 0, SET16, 0, 0, "container.version" },
	{ "0x200 sigstruct_nr_pages 2", B_IMG, 12, SET32, 2, 0, "container.sigstruct_pages" },
	{ "0x200 sigstruct_nr_pages 0", B_IMG, 12, SET32, 0, 0, "container.sigstruct_pages" },
	{ "0x200 sigstruct_nr_pages max", B_IMG, 12, SET32, 0xffffffff, 0,
	  "container.sigstruct_pages" },
	{ "0x200 module_nr_pages 0", B_IMG, 16, SET32, 0, 0, "container.module_pages" },
	{ "0x200 module_nr_pages 497", B_IMG, 16, SET32, 497, 0, "container.module_pages" },
	{ "0x200 module_nr_pages max", B_IMG, 16, SET32, 0xffffffff, 0, "container.module_pages" },
	{ "0x200 module_nr_pages 3", B_IMG, 16, SET32, 3, 0, "container.page_total" },
	{ "0x200 module_nr_pages 1", B_IMG, 16, SET32, 1, 0, "container.page_total" },
	{ "0x200 reserved byte 20", B_IMG, 20, SET8, 1, 0, "container.reserved" },
	{ "0x200 reserved byte 0xfff", B_IMG, 0xfff, XOR8, 0x80, 0, "container.reserved" },
	{ "0x200 sigstruct padding", B_IMG, SIG(2048), SET8, 1, 0, "container.sigstruct_padding" },
	{ "0x200 sigstruct padding end", B_IMG, SIG(4095), SET8, 1, 0,
	  "container.sigstruct_padding" },
	/* 0x100 container */
	{ "0x100 magic", B_BLOB, 15, XOR8, 0x20, 0, "container.magic" },
	{ "0x100 version 0x101", B_BLOB, 0, SET16, 0x101, 0, "container.version" },
	{ "0x100 length +4096", B_BLOB, 16, SET32, 4 * PAGE + PAGE, 0, "container.length" },
	{ "0x100 length 0", B_BLOB, 16, SET32, 0, 0, "container.length" },
	{ "0x100 offset unaligned", B_BLOB, 4, SET32, 0x2001, FIX_SUM, "container.module_offset" },
	{ "0x100 offset 0x1000", B_BLOB, 4, SET32, 0x1000, FIX_SUM, "container.module_offset" },
	{ "0x100 offset 0", B_BLOB, 4, SET32, 0, FIX_SUM, "container.module_offset" },
	{ "0x100 offset at end", B_BLOB, 4, SET32, 4 * PAGE, FIX_SUM, "container.module_offset" },
	{ "0x100 offset huge", B_BLOB, 4, SET32, 0xfffff000, FIX_SUM, "container.module_offset" },
	{ "0x100 two sigstruct pages", B_BLOB, 4, SET32, 0x3000, FIX_SUM,
	  "container.sigstruct_pages" },
	{ "0x100 reserved0", B_BLOB, 20, SET8, 1, FIX_SUM, "container.reserved" },
	{ "0x100 reserved1", B_BLOB, 0x800, SET8, 1, FIX_SUM, "container.reserved" },
	{ "0x100 checksum", B_BLOB, 2, XOR8, 0x01, 0, "container.checksum" },
	{ "0x100 sigstruct flip without checksum", B_BLOB, SIG(0x3b4), XOR8, 1, 0,
	  "container.checksum" },
	{ "0x100 sigstruct padding", B_BLOB, SIG(3000), SET8, 1, FIX_SUM,
	  "container.sigstruct_padding" },
	{ "0x100 header_type", B_BLOB, SIG(0), SET32, 7, FIX_SUM, "sigstruct.header_type" },
	{ "0x100 module flip", B_BLOB, MOD(100), XOR8, 1, FIX_SUM, "seamhash" },
	/* sigstruct fields */
	{ "header_type", B_IMG, SIG(0x000), SET32, 7, 0, "sigstruct.header_type" },
	{ "header_type bit", B_IMG, SIG(0x003), XOR8, 0x80, 0, "sigstruct.header_type" },
	{ "header_length", B_IMG, SIG(0x004), SET32, 0xe0, 0, "sigstruct.header_length" },
	{ "header_version", B_IMG, SIG(0x008), SET32, 0x00020000, 0, "sigstruct.header_version" },
	{ "module_type bit 0", B_IMG, SIG(0x00c), SET32, 1, 0, "sigstruct.module_type" },
	{ "module_type bit 30", B_IMG, SIG(0x00c), SET32, 1u << 30, 0, "sigstruct.module_type" },
	{ "module_vendor", B_IMG, SIG(0x010), SET32, 0x8087, 0, "sigstruct.module_vendor" },
	/* observed rules: signed again, so that the finding is the only one; a warning */
	{ "date month 13", B_IMG, SIG(0x014), SET32, 0x20251301, FIX_SIGN, "warn:sigstruct.date" },
	{ "date day 0", B_IMG, SIG(0x014), SET32, 0x20250600, FIX_SIGN, "warn:sigstruct.date" },
	{ "date not BCD", B_IMG, SIG(0x014), SET32, 0x2025060a, FIX_SIGN, "warn:sigstruct.date" },
	{ "size", B_IMG, SIG(0x018), SET32, 0x100, 0, "sigstruct.size" },
	{ "key_size", B_IMG, SIG(0x01c), SET32, 0x40, 0, "sigstruct.key_size" },
	{ "modulus_size", B_IMG, SIG(0x020), SET32, 0x40, 0, "sigstruct.modulus_size" },
	{ "exponent_size", B_IMG, SIG(0x024), SET32, 2, 0, "sigstruct.exponent_size" },
	{ "exponent 3", B_IMG, SIG(0x200), SET32, 3, 0, "sigstruct.exponent" },
	{ "reserved0 first", B_IMG, SIG(0x028), SET8, 1, 0, "sigstruct.reserved0" },
	{ "reserved0 last", B_IMG, SIG(0x07f), SET8, 1, 0, "sigstruct.reserved0" },
	{ "SVN major 0", B_IMG, SIG(0x3b5), SET8, 0, 0, "sigstruct.svn" },
	{ "attributes", B_IMG, SIG(0x3bd), SET8, 0x80, 0, "sigstruct.attributes" },
	{ "reserved1", B_IMG, SIG(0x3d7), SET8, 1, 0, "sigstruct.reserved1" },
	{ "handoff below min", B_IMG, SIG(0x3da), SET16, 1, 0, "sigstruct.handoff" },
	{ "reserved2", B_IMG, SIG(0x3dd), SET8, 1, 0, "sigstruct.reserved2" },
	{ "gdt_idt_offset unaligned", B_IMG, SIG(0x3e0), SET32, 0x1010, 0,
	  "sigstruct.gdt_idt_offset" },
	{ "gdt_idt_offset outside", B_IMG, SIG(0x3e0), SET32, 0x2000, 0,
	  "sigstruct.gdt_idt_offset" },
	{ "gdt_idt_offset 0 alone", B_IMG, SIG(0x3e0), SET32, 0, 0, "sigstruct.gdt_idt_offset" },
	{ "fault_wrapper_offset outside", B_IMG, SIG(0x3e4), SET32, 0x2000, 0,
	  "sigstruct.fault_wrapper_offset" },
	{ "fault_wrapper_offset 0 alone", B_IMG, SIG(0x3e4), SET32, 0, 0,
	  "sigstruct.gdt_idt_offset" },
	{ "reserved3 non-zero on 1.x", B_IMG, SIG(0x3e8), SET8, 1, FIX_SIGN,
	  "warn:sigstruct.reserved3" },
	{ "reserved3 major 1", B_IMG, SIG(0x3eb), SET8, 1, FIX_SIGN, "warn:sigstruct.reserved3" },
	{ "reserved3 last byte", B_IMG, SIG(0x3ff), SET8, 1, FIX_SIGN, "warn:sigstruct.reserved3" },
	/* 2.x: bytes 4-7 are the build number, with no limit; later bytes are data */
	{ "2.x reserved3 byte 6 (build above 0xFFFF)", B_V2, SIG(0x3ee), SET8, 8, FIX_SIGN, "pass" },
	{ "2.x reserved3 byte 7", B_V2, SIG(0x3ef), SET8, 0xff, FIX_SIGN, "pass" },
	{ "2.x reserved3 byte 8", B_V2, SIG(0x3f0), SET8, 1, FIX_SIGN, "warn:sigstruct.reserved3" },
	{ "2.x reserved3 last byte", B_V2, SIG(0x3ff), SET8, 0x80, FIX_SIGN,
	  "warn:sigstruct.reserved3" },
	{ "2.x reserved3 major 1", B_V2, SIG(0x3eb), SET8, 1, FIX_SIGN,
	  "warn:sigstruct.reserved3" },
	{ "2.x reserved3 flip in version", B_V2, SIG(0x3e8), XOR8, 1, 0, "signature" },
	{ "2.x reserved3 byte 6 unsigned", B_V2, SIG(0x3ee), SET8, 8, 0, "signature" },
	{ "cpuid_table_size 0", B_IMG, SIG(0x400), SET32, 0, 0, "sigstruct.cpuid_table" },
	{ "cpuid_table_size 256", B_IMG, SIG(0x400), SET32, 256, 0, "sigstruct.cpuid_table" },
	{ "cpuid_table_size huge", B_IMG, SIG(0x400), SET32, 0xffffffff, 0,
	  "sigstruct.cpuid_table" },
	{ "cpuid unused entry", B_IMG, SIG(0x404 + 4 * 3), SET32, 0x906a0, 0,
	  "sigstruct.cpuid_table" },
	{ "cpuid last entry", B_IMG, SIG(0x7fc), SET8, 1, 0, "sigstruct.cpuid_table" },
	{ "debug bit", B_IMG, SIG(0x00f), SET8, 0x80, 0, "sigstruct.debug" },
	{ "debug fixture", B_DBG, 0, XOR8, 0, 0, "sigstruct.debug" },
	/* authenticity and integrity */
	{ "modulus flip", B_IMG, SIG(0x080 + 100), XOR8, 0x10, 0, "signer" },
	{ "modulus top byte", B_IMG, SIG(0x1ff), XOR8, 0x01, 0, "signer" },
	{ "signature flip", B_IMG, SIG(0x204 + 5), XOR8, 0x01, 0, "signature" },
	{ "signature top byte", B_IMG, SIG(0x383), XOR8, 0x01, 0, "signature" },
	{ "signed header: date", B_IMG, SIG(0x014), SET8, 0x02, 0, "signature" },
	{ "signed body: SVN minor", B_IMG, SIG(0x3b4), XOR8, 0x01, 0, "signature" },
	{ "signed body: seamhash", B_IMG, SIG(0x384 + 47), XOR8, 0x01, 0, "signature" },
	/*
	 * A seamhash that differs from the module's SHA-384 under a valid signature: each end of
	 * the 48 bytes, so that a comparison of fewer bytes (a SHA-256 length) is caught.
	 */
	{ "seamhash byte 47, signed", B_IMG, SIG(0x384 + 47), XOR8, 0x01, FIX_SIGN_ONLY,
	  "seamhash" },
	{ "seamhash byte 32, signed", B_IMG, SIG(0x384 + 32), XOR8, 0x80, FIX_SIGN_ONLY,
	  "seamhash" },
	{ "seamhash byte 0, signed", B_IMG, SIG(0x384), XOR8, 0x01, FIX_SIGN_ONLY, "seamhash" },
	{ "0x100 seamhash byte 47, signed", B_BLOB, SIG(0x384 + 47), XOR8, 0x01, FIX_SIGN_ONLY,
	  "seamhash" },
	{ "signed body: rip_offset", B_IMG, SIG(0x3be), XOR8, 0x04, 0, "signature" },
	{ "signed body: cpuid entry", B_IMG, SIG(0x404), XOR8, 0x01, 0, "signature" },
	{ "signed body: max_tdmrs", B_IMG, SIG(0x3c8), XOR8, 0x01, 0, "signature" },
	{ "module flip: ELF header", B_IMG, MOD(0x18), XOR8, 0x01, 0, "seamhash" },
	{ "module flip: padding", B_IMG, MOD(0x1fff), XOR8, 0x01, 0, "seamhash" },
	{ "module flip: second page", B_IMG, MOD(0x1000), XOR8, 0x01, 0, "seamhash" },
	/* module ELF, signed again so that only the ELF rule fails */
	{ "ELF magic", B_IMG, MOD(1), SET8, 'F', FIX_SIGN, "elf.header" },
	{ "ELF class 32", B_IMG, MOD(4), SET8, 1, FIX_SIGN, "elf.header" },
	{ "ELF big-endian", B_IMG, MOD(5), SET8, 2, FIX_SIGN, "elf.header" },
	{ "ELF ident version", B_IMG, MOD(6), SET8, 0, FIX_SIGN, "elf.header" },
	{ "ELF e_type EXEC", B_IMG, MOD(16), SET16, 2, FIX_SIGN, "elf.header" },
	{ "ELF e_machine i386", B_IMG, MOD(18), SET16, 3, FIX_SIGN, "elf.header" },
	{ "ELF e_version", B_IMG, MOD(20), SET32, 2, FIX_SIGN, "elf.header" },
	{ "ELF e_phoff huge", B_IMG, MOD(32), SET64, UINT64_MAX - 15, FIX_SIGN, "elf.header" },
	{ "ELF e_phoff past end", B_IMG, MOD(32), SET64, 0x1fd0, FIX_SIGN, "elf.header" },
	{ "ELF e_shoff huge", B_IMG, MOD(40), SET64, UINT64_MAX - 63, FIX_SIGN, "elf.header" },
	{ "ELF e_shoff past end", B_IMG, MOD(40), SET64, 0x1f00, FIX_SIGN, "elf.header" },
	{ "ELF e_ehsize", B_IMG, MOD(52), SET16, 0, FIX_SIGN, "elf.header" },
	{ "ELF e_phentsize", B_IMG, MOD(54), SET16, 32, FIX_SIGN, "elf.header" },
	{ "ELF e_phnum huge", B_IMG, MOD(56), SET16, 0xffff, FIX_SIGN, "elf.header" },
	{ "ELF e_shentsize", B_IMG, MOD(58), SET16, 40, FIX_SIGN, "elf.header" },
	{ "ELF e_shnum huge", B_IMG, MOD(60), SET16, 0xfeff, FIX_SIGN, "elf.header" },
	{ "ELF e_shstrndx", B_IMG, MOD(62), SET16, 6, FIX_SIGN, "elf.header" },
	{ "ELF extended shnum huge", B_IMG, MOD(60), SET16, 0, FIX_SIGN, "elf.header" },
	{ "ELF e_entry", B_IMG, MOD(24), SET64, 0x104, FIX_SIGN, "warn:elf.entry" },
	{ "ELF e_entry high", B_IMG, MOD(28), SET8, 1, FIX_SIGN, "warn:elf.entry" },
	{ "RELA type R_X86_64_64", B_IMG, MOD(0x200 + 24 + 8), SET32, 1, FIX_SIGN,
	  "elf.relocations" },
	{ "RELA type R_X86_64_NONE", B_IMG, MOD(0x200 + 8), SET32, 0, FIX_SIGN,
	  "elf.relocations" },
	{ "RELA r_offset last byte", B_IMG, MOD(0x200 + 48), SET64, 0x1ffc, FIX_SIGN,
	  "elf.relocations" },
	{ "RELA r_offset huge", B_IMG, MOD(0x200), SET64, UINT64_MAX, FIX_SIGN,
	  "elf.relocations" },
	{ "RELA sh_entsize 0", B_IMG, MOD(0x500 + 2 * 64 + 56), SET64, 0, FIX_SIGN,
	  "elf.relocations" },
	{ "RELA sh_size not whole", B_IMG, MOD(0x500 + 2 * 64 + 32), SET64, 70, FIX_SIGN,
	  "elf.relocations" },
	{ "RELA sh_size huge", B_IMG, MOD(0x500 + 2 * 64 + 32), SET64, 0xaaaaaaaaaaaaaaa8ull,
	  FIX_SIGN, "elf.relocations" },
	{ "RELA sh_offset huge", B_IMG, MOD(0x500 + 2 * 64 + 24), SET64, UINT64_MAX - 7,
	  FIX_SIGN, "elf.relocations" },
	{ "RELA sh_offset past end", B_IMG, MOD(0x500 + 2 * 64 + 24), SET64, 0x1ff0, FIX_SIGN,
	  "elf.relocations" },
	{ "SHT_REL section", B_IMG, MOD(0x500 + 4 * 64 + 4), SET32, 9, FIX_SIGN,
	  "elf.relocations" },
};

/* Apply one variant to a copy of its base fixture and expect its first failure. */
static void run_variant(const struct fixtures *f, const struct variant *v)
{
	size_t len;
	const uint8_t *base = base_bytes(f, v->base, &len);
	uint8_t *buf = test_dup(base, len);

	switch (v->op) {
	case SET8:	buf[v->off] = (uint8_t)v->value; break;
	case SET16:	put_le(buf + v->off, v->value, 2); break;
	case SET32:	put_le(buf + v->off, v->value, 4); break;
	case SET64:	put_le(buf + v->off, v->value, 8); break;
	case XOR8:	buf[v->off] ^= (uint8_t)v->value; break;
	}
	if (v->fixup & (FIX_SIGN | FIX_SIGN_ONLY))
		resign_as(f, buf + PAGE, buf + 2 * PAGE, len - 2 * PAGE,
			  v->fixup & FIX_SIGN_ONLY);
	if (v->fixup & (FIX_SUM | FIX_SIGN | FIX_SIGN_ONLY))
		fix_checksum(buf, len);
	if (strncmp(v->expect, "warn:", 5) == 0)
		expect_warn(f, v->name, buf, len, v->expect + 5);
	else if (strcmp(v->expect, "pass") == 0)
		expect_pass(f, v->name, buf, len, NULL, 0, false);
	else
		expect_reject(f, v->name, buf, len, NULL, 0, v->expect);
	free(buf);
}

static void test_variants(const struct fixtures *f)
{
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		run_variant(f, &variants[i]);
}

/*
 * Driven by the catalogue: every check graded "observed" fired in some image verified here, as
 * a warning by default and as a failure with strict. A check added to checks.def with that
 * grade fails this until a variant shows it warns.
 */
static void test_observed_catalogue(void)
{
	for (unsigned int id = 0; id < TDX_CHK__COUNT; id++) {
		if (tdx_check_evidence((enum tdx_check_id)id) != TDX_EVIDENCE_OBSERVED)
			continue;
		if (!CHECK(observed_warned[id]) || !CHECK(observed_failed_strict[id]))
			fprintf(stderr, "  observed check %s: no variant shows it warning and "
				"failing under strict\n", tdx_check_name((enum tdx_check_id)id));
	}
}

/* What the first failure of a truncated fixture must be, from the container rules. */
static const char *truncation_expect(bool blob, size_t t)
{
	if (t < PAGE || t % PAGE)
		return "container.size";
	if (blob)
		return "container.length";
	return t <= 2 * PAGE ? "container.sigstruct_pages" : "container.page_total";
}

static void test_truncations(const struct fixtures *f)
{
	static const size_t extra[] = { 1, 2, 3, 7, 8, 11, 12, 15, 16, 19, 20, 23, 24 };
	char name[64];

	for (int blob = 0; blob < 2; blob++) {
		const uint8_t *base = blob ? f->blob : f->img;
		size_t len = blob ? f->blob_len : f->img_len;
		const char *form = blob ? "0x100" : "0x200";

		for (size_t t = 0; t < len; t += 256) {
			snprintf(name, sizeof(name), "%s truncated to %zu", form, t);
			expect_reject(f, name, base, t, NULL, 0, truncation_expect(blob, t));
		}
		for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
			snprintf(name, sizeof(name), "%s truncated to %zu", form, extra[i]);
			expect_reject(f, name, base, extra[i], NULL, 0, "container.size");
			snprintf(name, sizeof(name), "%s truncated to %zu", form, len - extra[i]);
			expect_reject(f, name, base, len - extra[i], NULL, 0, "container.size");
		}
	}
}

static void test_sizes(const struct fixtures *f)
{
	uint8_t *big = calloc(1, f->img_len + PAGE);

	if (!big)
		exit(1);
	expect_reject(f, "empty", f->img, 0, NULL, 0, "container.size");
	memcpy(big, f->img, f->img_len);
	expect_reject(f, "one byte more", big, f->img_len + 1, NULL, 0, "container.size");
	expect_reject(f, "one page more", big, f->img_len + PAGE, NULL, 0, "container.page_total");
	free(big);
	/* pair */
	expect_reject(f, "pair sigstruct 2047", f->bin, f->bin_len, f->sig, 2047,
		      "pair.sigstruct_size");
	expect_reject(f, "pair sigstruct 0", f->bin, f->bin_len, f->sig, 0, "pair.sigstruct_size");
	big = calloc(1, 2 * PAGE + PAGE);
	if (!big)
		exit(1);
	memcpy(big, f->sig, f->sig_len);
	expect_reject(f, "pair sigstruct 2049", f->bin, f->bin_len, big, 2049,
		      "pair.sigstruct_size");
	free(big);
	expect_reject(f, "pair module 8191", f->bin, f->bin_len - 1, f->sig, f->sig_len,
		      "container.module_pages");
	expect_reject(f, "pair module empty", f->bin, 0, f->sig, f->sig_len,
		      "container.module_pages");
	expect_reject(f, "pair module one page", f->bin, PAGE, f->sig, f->sig_len,
		      "sigstruct.gdt_idt_offset");
}

/* The generator at test time, for images the standard fixtures do not cover. */
static char *mkfixture(const struct fixtures *f, const char *tmp, const char *out,
		       const char *arg1, const char *arg2)
{
	char *path = test_path(tmp, out);
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execl(test_env("TDXCTL_MKFIXTURE"), "tdx-mkfixture", "--key", f->key_path, "-o",
		      path, arg1, arg2, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "tdx-mkfixture %s %s failed\n", arg1, arg2 ? arg2 : "");
		exit(1);
	}
	return path;
}

static void test_generated(const struct fixtures *f, const char *tmp)
{
	char *p;
	uint8_t *buf;
	size_t len;

	p = mkfixture(f, tmp, "max.img", "--pages", "496");
	buf = test_read(p, &len);
	CHECK_INT(len, TDX_IMAGE_MAX_SIZE);
	expect_pass(f, "largest legal image", buf, len, NULL, 0, false);
	free(buf);
	unlink(p);
	free(p);

	p = mkfixture(f, tmp, "over.img", "--pages", "497");
	buf = test_read(p, &len);
	CHECK_INT(len, TDX_IMAGE_MAX_SIZE + PAGE);
	expect_reject(f, "497 module pages", buf, len, NULL, 0, "container.size");
	free(buf);
	unlink(p);
	free(p);

	p = mkfixture(f, tmp, "one.img", "--pages", "1");
	buf = test_read(p, &len);
	expect_pass(f, "one module page", buf, len, NULL, 0, false);
	free(buf);
	unlink(p);
	free(p);

	p = mkfixture(f, tmp, "handoff.img", "--handoff", "3,4");
	buf = test_read(p, &len);
	expect_reject(f, "handoff 3,4", buf, len, NULL, 0, "sigstruct.handoff");
	free(buf);
	unlink(p);
	free(p);

	p = mkfixture(f, tmp, "cpuid.img", "--cpuid", "0x806f8");
	buf = test_read(p, &len);
	expect_pass(f, "one CPUID entry", buf, len, NULL, 0, false);
	free(buf);
	unlink(p);
	free(p);
}

static void test_valid(const struct fixtures *f)
{
	uint8_t *dbg0;

	expect_pass(f, "0x200 fixture", f->img, f->img_len, NULL, 0, false);
	expect_pass(f, "0x100 fixture", f->blob, f->blob_len, NULL, 0, false);
	expect_pass(f, "pair fixture", f->bin, f->bin_len, f->sig, f->sig_len, false);
	expect_pass(f, "2.x fixture", f->v2, f->v2_len, NULL, 0, false);
	expect_pass(f, "debug fixture, allowed", f->dbg, f->dbg_len, NULL, 0, true);
	/* a debug module may have an empty CPUID table */
	dbg0 = test_dup(f->dbg, f->dbg_len);
	put_le(dbg0 + SIG(0x400), 0, 4);
	memset(dbg0 + SIG(0x404), 0, 12);
	resign(f, dbg0 + PAGE, dbg0 + 2 * PAGE, f->dbg_len - 2 * PAGE);
	fix_checksum(dbg0, f->dbg_len);
	expect_pass(f, "debug, no CPUID entries", dbg0, f->dbg_len, NULL, 0, true);
	free(dbg0);
}

/* Details of the report and the accessors on the standard fixtures. */
/*
 * What a result says is a finding and its facts (the words are cli/'s): the ones the image
 * checks record, for a valid image and for one failure of each kind of check.
 */
static void test_findings(const struct fixtures *f)
{
	struct tdx_report *r;
	uint8_t *buf;
	size_t i;
	int rc;

	r = run(f, f->img, f->img_len, NULL, 0, false, &rc);
	CHECK_INT(rc, 0);
	i = result_of(r, TDX_CHK_CONTAINER_SIZE);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_CONTAINER_SIZE_OK);
	CHECK(fact_u_is(r, i, 0, 4 * PAGE) && fact_u_is(r, i, 1, 4));
	i = result_of(r, TDX_CHK_CONTAINER_VERSION);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_CONTAINER_VERSION_IMAGE);
	CHECK(fact_u_is(r, i, 0, 0x200));
	i = result_of(r, TDX_CHK_CONTAINER_PAGE_TOTAL);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_CONTAINER_PAGE_TOTAL_OK);
	CHECK(fact_u_is(r, i, 0, 4 * PAGE) && fact_u_is(r, i, 1, 1) && fact_u_is(r, i, 2, 2));
	i = result_of(r, TDX_CHK_SEAMHASH);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SEAMHASH_EQUAL);
	CHECK(fact_u_is(r, i, 0, 2 * PAGE));
	CHECK(fact_bytes_are(r, i, 1, f->img + SIG(0x384), TDX_SHA384_LEN));
	i = result_of(r, TDX_CHK_ELF_HEADER);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_ELF_HEADER_OK);
	CHECK(fact_u_is(r, i, 0, 2) && fact_u_is(r, i, 1, 6));
	i = result_of(r, TDX_CHK_ELF_RELOCATIONS);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_ELF_RELOCATIONS_OK);
	CHECK(fact_u_is(r, i, 0, 3) && fact_u_is(r, i, 1, 1));
	tdx_report_free(r);

	/*
	 * Issue 26 item 6: seamhash byte 47 flipped and the sigstruct signed again without a new
	 * hash: the signature verifies, seamhash is the first failure, with both hashes.
	 */
	buf = test_dup(f->img, f->img_len);
	buf[SIG(0x384 + 47)] ^= 0x01;
	resign_as(f, buf + PAGE, buf + 2 * PAGE, f->img_len - 2 * PAGE, true);
	fix_checksum(buf, f->img_len);
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	CHECK_INT(rc, -EBADMSG);
	CHECK_STR(test_first_failure(r), "seamhash");
	CHECK_INT(tdx_report_status(r, result_of(r, TDX_CHK_SIGNATURE)), TDX_CHECK_PASS);
	i = result_of(r, TDX_CHK_SEAMHASH);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SEAMHASH_DIFFERS);
	CHECK(fact_u_is(r, i, 0, 2 * PAGE));
	CHECK(fact_bytes_are(r, i, 1, f->img + SIG(0x384), TDX_SHA384_LEN));
	CHECK(fact_bytes_are(r, i, 2, buf + SIG(0x384), TDX_SHA384_LEN));
	tdx_report_free(r);
	free(buf);

	/* no signature: the bytes found, and every later check not run, saying why */
	buf = test_dup(f->img, f->img_len);
	buf[4] ^= 0x01;
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	i = result_of(r, TDX_CHK_CONTAINER_MAGIC);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_CONTAINER_MAGIC_MISSING);
	CHECK(fact_u_is(r, i, 0, 4) && fact_bytes_are(r, i, 1, "UDX-BLOB", 8));
	CHECK(not_run_because(r, TDX_CHK_CONTAINER_VERSION, TDX_FND_CONTAINER_CAUSE_NO_MAGIC));
	CHECK(not_run_because(r, TDX_CHK_ELF_RELOCATIONS, TDX_FND_CONTAINER_CAUSE_NO_MAGIC));
	tdx_report_free(r);
	free(buf);

	/* a header byte: its offset and value; the 0x200 checksum only warns */
	buf = test_dup(f->img, f->img_len);
	buf[0x100] = 5;
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	i = result_of(r, TDX_CHK_CONTAINER_RESERVED);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_CONTAINER_RESERVED_NONZERO);
	CHECK(fact_u_is(r, i, 0, 0x100) && fact_u_is(r, i, 1, 5));
	i = result_of(r, TDX_CHK_CONTAINER_CHECKSUM);
	CHECK_INT(tdx_report_status(r, i), TDX_CHECK_WARN);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_CONTAINER_CHECKSUM_IGNORED);
	CHECK(fact_u_is(r, i, 0, 5) && fact_u_is(r, i, 1, le16(f->img + 2)));
	tdx_report_free(r);
	free(buf);

	/* an ELF field: its name, found, expected and the constant's name; the rest not run */
	buf = test_dup(f->img, f->img_len);
	put_le(buf + MOD(16), 2, 2);
	resign(f, buf + PAGE, buf + 2 * PAGE, f->img_len - 2 * PAGE);
	fix_checksum(buf, f->img_len);
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	CHECK_STR(test_first_failure(r), "elf.header");
	i = result_of(r, TDX_CHK_ELF_HEADER);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_ELF_FIELD_NAMED);
	CHECK(fact_s_is(r, i, 0, "e_type") && fact_u_is(r, i, 1, 2) && fact_u_is(r, i, 2, 3) &&
	      fact_s_is(r, i, 3, "ET_DYN"));
	CHECK(not_run_because(r, TDX_CHK_ELF_ENTRY, TDX_FND_ELF_CAUSE_HEADER));
	CHECK(not_run_because(r, TDX_CHK_ELF_RELOCATIONS, TDX_FND_ELF_CAUSE_HEADER));
	tdx_report_free(r);
	free(buf);

	/* a pair's short sigstruct: its size, and the module's pages not run */
	r = run(f, f->bin, f->bin_len, f->sig, TDX_SIGSTRUCT_SIZE - 1, false, &rc);
	i = result_of(r, TDX_CHK_PAIR_SIGSTRUCT_SIZE);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_PAIR_SIGSTRUCT_SIZE_WRONG);
	CHECK(fact_u_is(r, i, 0, TDX_SIGSTRUCT_SIZE - 1) && fact_u_is(r, i, 1, TDX_SIGSTRUCT_SIZE));
	CHECK(not_run_because(r, TDX_CHK_CONTAINER_MODULE_PAGES,
			      TDX_FND_PAIR_CAUSE_SIGSTRUCT_SHORT));
	tdx_report_free(r);
}

static void test_details(const struct fixtures *f)
{
	struct tdx_verify_opts opts = { .key_hash = f->key_hash };
	struct tdx_image *img;
	struct tdx_report *r;
	const struct tdx_sigstruct *s;
	struct tdx_version v;
	unsigned int build = 0;
	uint8_t *buf, hash[TDX_SHA384_LEN];
	size_t len, i;
	int rc;

	tdx_report_new(&r);
	CHECK_INT(tdx_image_parse(NULL, f->img, f->img_len, r, &img), 0);
	CHECK_INT(tdx_image_get_form(img), TDX_FORM_IMAGE);
	CHECK_INT(tdx_image_get_format(img), 0x200);
	CHECK_INT(tdx_image_get_size(img), 4 * PAGE);
	CHECK_INT(tdx_image_get_sigstruct_pages(img), 1);
	CHECK_INT(tdx_image_get_module_pages(img), 2);
	CHECK(tdx_image_checksum_ok(img));
	CHECK_INT(tdx_image_get_checksum(img), le16(f->img + 2));
	CHECK(tdx_image_get_sigstruct(img, &len) == f->img + PAGE);
	CHECK_INT(len, 2048);
	CHECK(tdx_image_get_module(img, &len) == f->img + 2 * PAGE);
	CHECK_INT(len, 2 * PAGE);
	s = tdx_image_get_sigstruct_fields(img);
	CHECK_INT(s->header_type, 6);
	CHECK_INT(s->svn_major, 1);
	CHECK_INT(s->svn_minor, 8);
	CHECK_INT(s->rip_offset, 0x100);
	CHECK_INT(s->gdt_idt_offset, 0x1000);
	CHECK_INT(s->cpuid_table_size, 3);
	CHECK_INT(s->cpuid_table[2], 0xa06f0);
	CHECK_INT(s->date, 0x20250601);
	CHECK(!tdx_sigstruct_is_debug(s));
	CHECK_INT(tdx_sigstruct_get_version(s, &v, &build), -ENOENT);
	CHECK(tdx_sigstruct_supports_cpu(s, 0x806f8));
	CHECK(tdx_sigstruct_supports_cpu(s, 0x806f3));		/* stepping masked */
	CHECK(tdx_sigstruct_supports_cpu(s, 0xc06f2));
	CHECK(!tdx_sigstruct_supports_cpu(s, 0xa06d0));
	CHECK(!tdx_sigstruct_supports_cpu(s, 0x806e8));
	CHECK_INT(tdx_sigstruct_key_hash(s, hash), 0);
	CHECK(memcmp(hash, f->key_hash, sizeof(hash)) == 0);
	CHECK_INT(tdx_image_module_sha384(img, hash), 0);
	CHECK(memcmp(hash, f->img + SIG(0x384), sizeof(hash)) == 0);
	/* one PASS line per check, each check exactly once */
	CHECK_INT(tdx_image_verify(img, &opts, r), 0);
	for (unsigned int id = TDX_CHK_SIGSTRUCT_HEADER_TYPE; id <= TDX_CHK_ELF_RELOCATIONS; id++)
		CHECK_INT(test_status_of(r, tdx_check_name((enum tdx_check_id)id)), TDX_CHECK_PASS);
	CHECK_INT(test_status_of(r, "container.length"), -1);	/* 0x100 only */
	CHECK_INT(test_status_of(r, "pair.sigstruct_size"), -1);
	/* the signer it trusted, by the modulus hash */
	i = result_of(r, TDX_CHK_SIGNER);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGNER_TRUSTED);
	CHECK(fact_bytes_are(r, i, 0, f->key_hash, TDX_SHA384_LEN));
	/* the default signer is Intel's key: the test key fails it, naming both hashes */
	tdx_report_free(r);
	tdx_report_new(&r);
	CHECK_INT(tdx_image_verify(img, NULL, r), -EBADMSG);
	CHECK_STR(test_first_failure(r), "signer");
	CHECK_INT(tdx_report_first_failure(r, &i), 0);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGNER_NOT_INTEL);
	CHECK_INT(tdx_report_fact_count(r, i), 2);
	CHECK(fact_bytes_are(r, i, 0, f->key_hash, TDX_SHA384_LEN));
	CHECK_INT(tdx_hex_decode("c8572f548869a0beca19376b81c2dffc2a23b5a5f71da0b8"
				 "7579b43f408daa1a33bad9c149eb56c634f883737968a34c", hash,
				 sizeof(hash)), 0);
	CHECK(fact_bytes_are(r, i, 1, hash, sizeof(hash)));
	tdx_image_free(img);
	tdx_report_free(r);

	/* findings name the field (a fact), the value found and the value expected */
	buf = test_dup(f->img, f->img_len);
	put_le(buf + SIG(0), 7, 4);
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	CHECK_INT(tdx_report_first_failure(r, &i), 0);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_FIELD_NOT);
	CHECK_INT(tdx_report_fact_count(r, i), 3);
	CHECK_STR(tdx_report_fact_get(r, i, 0)->s, "header_type");
	CHECK_INT(tdx_report_fact_get(r, i, 1)->u, 7);
	CHECK_INT(tdx_report_fact_get(r, i, 2)->u, 6);
	CHECK_INT(tdx_report_outcome(r), TDX_OUTCOME_INVALID_IMAGE);
	i = result_of(r, TDX_CHK_SIGSTRUCT_HEADER_LENGTH);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_FIELD_IS);
	CHECK_STR(tdx_report_fact_get(r, i, 0)->s, "header_length");
	CHECK_INT(tdx_report_fact_get(r, i, 1)->u, 0xe1);
	i = result_of(r, TDX_CHK_SIGSTRUCT_RESERVED2);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_RESERVED_ZERO);
	CHECK_STR(tdx_report_fact_get(r, i, 0)->s, "reserved2");
	CHECK_INT(tdx_report_fact_get(r, i, 1)->u, 0x3dd);
	CHECK_INT(tdx_report_fact_get(r, i, 2)->u, 1);
	tdx_report_free(r);
	free(buf);

	/* a reserved range: the first byte that is not zero, where and what */
	buf = test_dup(f->img, f->img_len);
	buf[SIG(0x07f)] = 0x5a;
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	CHECK_INT(tdx_report_first_failure(r, &i), 0);
	CHECK_INT(tdx_report_id(r, i), TDX_CHK_SIGSTRUCT_RESERVED0);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_RESERVED_NONZERO);
	CHECK_STR(tdx_report_fact_get(r, i, 0)->s, "reserved0");
	CHECK_INT(tdx_report_fact_get(r, i, 1)->u, 0x07f);
	CHECK_INT(tdx_report_fact_get(r, i, 2)->u, 0x5a);
	tdx_report_free(r);
	free(buf);

	/* an offset outside the module: the field, the offset and the module's length */
	buf = test_dup(f->img, f->img_len);
	put_le(buf + SIG(0x3e4), 0x7fffff00, 4);
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	i = result_of(r, TDX_CHK_SIGSTRUCT_FAULT_WRAPPER_OFFSET);
	CHECK_INT(tdx_report_status(r, i), TDX_CHECK_FAIL);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_OFFSET_OUTSIDE);
	CHECK_STR(tdx_report_fact_get(r, i, 0)->s, "fault_wrapper_offset");
	CHECK_INT(tdx_report_fact_get(r, i, 1)->u, 0x7fffff00);
	CHECK(tdx_report_fact_get(r, i, 2)->u > 0 && tdx_report_fact_get(r, i, 2)->u < f->img_len);
	tdx_report_free(r);
	free(buf);

	/* 0x200 checksum: a warning only */
	buf = test_dup(f->img, f->img_len);
	buf[2] ^= 1;
	r = run(f, buf, f->img_len, NULL, 0, false, &rc);
	CHECK_INT(rc, 0);
	CHECK_INT(test_status_of(r, "container.checksum"), TDX_CHECK_WARN);
	CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 0);
	tdx_report_free(r);
	free(buf);

	/* debug, allowed: PASS with a message that says so */
	r = run(f, f->dbg, f->dbg_len, NULL, 0, true, &rc);
	CHECK_INT(rc, 0);
	i = result_of(r, TDX_CHK_SIGSTRUCT_DEBUG);
	CHECK_INT(tdx_report_status(r, i), TDX_CHECK_PASS);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_DEBUG_ALLOWED);
	CHECK_INT(tdx_report_fact_count(r, i), 0);
	tdx_report_free(r);

	/* 2.x: reserved3 carries the version (a string fact) and the build number */
	r = run(f, f->v2, f->v2_len, NULL, 0, false, &rc);
	i = result_of(r, TDX_CHK_SIGSTRUCT_RESERVED3);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_RESERVED3_VERSION);
	CHECK_STR(tdx_report_fact_get(r, i, 0)->s, "2.0.02");
	CHECK_INT(tdx_report_fact_get(r, i, 1)->u, 786);
	i = result_of(r, TDX_CHK_SIGSTRUCT_DATE);
	CHECK_INT(tdx_report_finding(r, i), TDX_FND_SIGSTRUCT_DATE_OK);
	CHECK_INT(tdx_report_fact_count(r, i), 3);
	tdx_report_free(r);

	/* 2.x: the version from reserved3 */
	CHECK_INT(tdx_image_parse(NULL, f->v2, f->v2_len, NULL, &img), 0);
	s = tdx_image_get_sigstruct_fields(img);
	CHECK_INT(tdx_sigstruct_get_version(s, &v, &build), 0);
	CHECK(v.major == 2 && v.minor == 0 && v.update == 2);
	CHECK_INT(build, 786);
	CHECK_INT(s->svn_major, 3);
	CHECK_INT(s->cpuid_table_size, 1);
	CHECK(tdx_sigstruct_supports_cpu(s, 0xa06d1));
	CHECK(!tdx_sigstruct_supports_cpu(s, 0x806f8));
	tdx_image_free(img);

	/* a failed parse skips the image checks, one line each, with the reason */
	buf = test_dup(f->img, f->img_len);
	buf[4] ^= 1;
	tdx_report_new(&r);
	CHECK_INT(tdx_image_parse(NULL, buf, f->img_len, r, &img), -EBADMSG);
	CHECK(img == NULL);
	CHECK_INT(test_status_of(r, "container.magic"), TDX_CHECK_FAIL);
	CHECK_INT(test_status_of(r, "signature"), TDX_CHECK_SKIP);
	CHECK_INT(test_status_of(r, "elf.relocations"), TDX_CHECK_SKIP);
	CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 1);
	tdx_report_free(r);
	free(buf);
}

/* The three forms convert into each other bytewise (two independent implementations agree). */
static void test_build(const struct fixtures *f)
{
	struct tdx_image *img;
	uint8_t *out;
	size_t len;

	CHECK_INT(tdx_image_parse(NULL, f->img, f->img_len, NULL, &img), 0);
	CHECK_INT(tdx_image_build(img, 0x100, &out, &len), 0);
	CHECK(len == f->blob_len && memcmp(out, f->blob, len) == 0);
	free(out);
	CHECK_INT(tdx_image_build(img, 0x200, &out, &len), 0);
	CHECK(len == f->img_len && memcmp(out, f->img, len) == 0);
	free(out);
	CHECK_INT(tdx_image_build(img, 0x300, &out, &len), -EINVAL);
	CHECK(out == NULL);
	tdx_image_free(img);

	/*
	 * The parts an update sends: a new header page, then the sigstruct pages and the module
	 * where the image holds them (not copied), together the built image, for every form.
	 */
	for (unsigned int form = 0; form < 3; form++) {
		struct tdx_image_part parts[TDX_IMAGE_PARTS];
		unsigned int n = 0;
		uint8_t *head;
		size_t at = 0, mlen;

		CHECK_INT(form == 2 ? tdx_image_parse_pair(NULL, f->bin, f->bin_len, f->sig,
							   f->sig_len, NULL, &img) :
			  tdx_image_parse(NULL, form ? f->blob : f->img,
					  form ? f->blob_len : f->img_len, NULL, &img), 0);
		CHECK_INT(tdx_image_build_parts(img, 0x200, &head, parts, &n, &len), 0);
		CHECK_INT(n, form == 2 ? 2 : 3);
		CHECK(parts[0].data == head);
		CHECK(parts[n - 1].data == tdx_image_get_module(img, &mlen) &&
		      parts[n - 1].len == mlen);
		CHECK_INT(len, f->img_len);
		for (unsigned int i = 0; i < n && at + parts[i].len <= f->img_len; i++) {
			CHECK(memcmp(parts[i].data, f->img + at, parts[i].len) == 0);
			at += parts[i].len;
		}
		CHECK_INT(at, f->img_len);
		free(head);
		CHECK_INT(tdx_image_build_parts(img, 0x300, &head, parts, &n, &len), -EINVAL);
		CHECK(head == NULL);
		tdx_image_free(img);
	}

	CHECK_INT(tdx_image_parse(NULL, f->blob, f->blob_len, NULL, &img), 0);
	CHECK_INT(tdx_image_get_form(img), TDX_FORM_BLOB);
	CHECK_INT(tdx_image_build(img, 0x200, &out, &len), 0);
	CHECK(len == f->img_len && memcmp(out, f->img, len) == 0);
	free(out);
	tdx_image_free(img);

	CHECK_INT(tdx_image_parse_pair(NULL, f->bin, f->bin_len, f->sig, f->sig_len, NULL, &img),
		  0);
	CHECK_INT(tdx_image_get_form(img), TDX_FORM_PAIR);
	CHECK_INT(tdx_image_get_format(img), 0);
	CHECK_INT(tdx_image_get_size(img), f->bin_len + f->sig_len);
	CHECK(!tdx_image_checksum_ok(img));
	CHECK_INT(tdx_image_build(img, 0x200, &out, &len), 0);
	CHECK(len == f->img_len && memcmp(out, f->img, len) == 0);
	free(out);
	CHECK_INT(tdx_image_build(img, 0x100, &out, &len), 0);
	CHECK(len == f->blob_len && memcmp(out, f->blob, len) == 0);
	free(out);
	tdx_image_free(img);
	/* the header fields mkfixture and the library agree on */
	CHECK_INT(le16(f->img), 0x200);
	CHECK_INT(le32(f->img + 12), 1);
	CHECK_INT(le32(f->img + 16), 2);
	CHECK_INT(le32(f->blob + 4), 0x2000);
	CHECK_INT(le32(f->blob + 16), f->blob_len);
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fwrite(buf, 1, len, fp) != len || fclose(fp) != 0)
		exit(1);
}

static void test_files(const struct fixtures *f, const char *tmp)
{
	char *p = test_path(tmp, "file.bin"), *fifo = test_path(tmp, "fifo");
	char *big = test_path(tmp, "big.img"), *missing = test_path(tmp, "missing");
	struct tdx_image *img;
	struct tdx_report *r;
	uint8_t *buf;
	size_t len, at;
	int fd;

	write_bytes(p, "abcdef", 6);
	CHECK_INT(tdx_file_read(NULL, p, 6, &buf, &len), 0);
	CHECK(len == 6 && memcmp(buf, "abcdef", 6) == 0);
	free(buf);
	CHECK_INT(tdx_file_read(NULL, p, 5, &buf, &len), -EFBIG);
	CHECK(buf == NULL);
	CHECK_INT(tdx_file_read(NULL, tmp, 100, &buf, &len), -EINVAL);
	CHECK_INT(tdx_file_read(NULL, missing, 100, &buf, &len), -ENOENT);
	CHECK_INT(mkfifo(fifo, 0600), 0);
	CHECK_INT(tdx_file_read(NULL, fifo, 100, &buf, &len), -EINVAL);
	write_bytes(p, "", 0);
	CHECK_INT(tdx_file_read(NULL, p, 100, &buf, &len), 0);
	CHECK_INT(len, 0);
	free(buf);

	/*
	 * Large files go into a buffer aligned for a huge page (from 256 KiB): just below, at, and
	 * at the largest size read, every byte comes back, and one byte more is -EFBIG.
	 */
	{
		static const size_t sizes[] = { 256 * 1024 - 1, 256 * 1024, TDX_READ_MAX_SIZE };
		uint8_t *want = malloc(TDX_READ_MAX_SIZE + 1);
		uint32_t x = 88172645u;

		CHECK(want != NULL);
		for (size_t i = 0; want && i <= TDX_READ_MAX_SIZE; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			want[i] = (uint8_t)x;
		}
		for (size_t i = 0; want && i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			write_bytes(p, want, sizes[i]);
			CHECK_INT(tdx_file_read(NULL, p, TDX_READ_MAX_SIZE, &buf, &len), 0);
			CHECK(len == sizes[i] && memcmp(buf, want, len) == 0);
			free(buf);
		}
		if (want)
			write_bytes(p, want, TDX_READ_MAX_SIZE + 1);
		CHECK_INT(tdx_file_read(NULL, p, TDX_READ_MAX_SIZE, &buf, &len), -EFBIG);
		free(want);
	}

	/* atomic writes: no overwrite without force, nothing left behind */
	unlink(p);
	CHECK_INT(tdx_file_write_atomic(NULL, p, (const uint8_t *)"one", 3, false), 0);
	CHECK_INT(tdx_file_write_atomic(NULL, p, (const uint8_t *)"two", 3, false), -EEXIST);
	CHECK_INT(tdx_file_read(NULL, p, 100, &buf, &len), 0);
	CHECK(len == 3 && memcmp(buf, "one", 3) == 0);
	free(buf);
	CHECK_INT(tdx_file_write_atomic(NULL, p, (const uint8_t *)"three", 5, true), 0);
	CHECK_INT(tdx_file_read(NULL, p, 100, &buf, &len), 0);
	CHECK(len == 5 && memcmp(buf, "three", 5) == 0);
	free(buf);
	CHECK_INT(tdx_file_write_atomic(NULL, missing, f->img, f->img_len, false), 0);
	CHECK_INT(tdx_file_read(NULL, missing, f->img_len, &buf, &len), 0);
	CHECK(len == f->img_len && memcmp(buf, f->img, len) == 0);
	free(buf);
	CHECK_INT(tdx_file_write_atomic(NULL, "/nonexistent-dir/x", f->img, 1, false), -ENOENT);

	/* tdx_image_load: oversize is a container.size failure, read errors are errno */
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, TDX_READ_MAX_SIZE + 1) == 0);
	close(fd);
	tdx_report_new(&r);
	CHECK_INT(tdx_image_load(NULL, big, NULL, r, &img), -EBADMSG);
	CHECK(img == NULL);
	CHECK_STR(test_first_failure(r), "container.size");
	CHECK_INT(test_status_of(r, "seamhash"), TDX_CHECK_SKIP);
	at = result_of(r, TDX_CHK_CONTAINER_SIZE);
	CHECK_INT(tdx_report_finding(r, at), TDX_FND_IMAGE_FILE_TOO_LARGE);
	CHECK(fact_s_is(r, at, 0, big) && fact_u_is(r, at, 1, TDX_READ_MAX_SIZE) &&
	      fact_u_is(r, at, 2, TDX_IMAGE_MAX_SIZE));
	CHECK(not_run_because(r, TDX_CHK_SEAMHASH, TDX_FND_IMAGE_FILE_CAUSE_TOO_LARGE));
	check_one_line_each(r);
	tdx_report_free(r);
	tdx_report_new(&r);
	CHECK_INT(tdx_image_load(NULL, p, big, r, &img), -EBADMSG);
	CHECK_STR(test_first_failure(r), "pair.sigstruct_size");
	check_one_line_each(r);
	tdx_report_free(r);
	tdx_report_new(&r);
	CHECK_INT(tdx_image_load(NULL, tmp, NULL, r, &img), -EINVAL);
	CHECK_INT(tdx_image_load(NULL, "/nonexistent-dir/x", NULL, r, &img), -ENOENT);
	CHECK_INT(tdx_report_count(r), 0);
	CHECK_INT(tdx_image_load(NULL, missing, NULL, r, &img), 0);
	CHECK_INT(tdx_image_get_size(img), f->img_len);
	tdx_image_free(img);
	tdx_report_free(r);

	unlink(p);
	unlink(fifo);
	unlink(big);
	unlink(missing);
	free(p);
	free(fifo);
	free(big);
	free(missing);
}

static void fixtures_load(struct fixtures *f)
{
	char *p;
	uint8_t *hex;
	size_t len;

	f->dir = test_env("TDXCTL_FIXTURES");
	f->key_path = test_path(f->dir, "test-key.pem");
	p = test_path(f->dir, "test-key.hash");
	hex = test_read(p, &len);
	if (len < 96 || (hex[96] = 0, tdx_hex_decode((char *)hex, f->key_hash, 48)) != 0) {
		fprintf(stderr, "bad %s\n", p);
		exit(1);
	}
	free(hex);
	free(p);
#define LOAD(field, name)						\
	do {								\
		p = test_path(f->dir, name);				\
		f->field = test_read(p, &f->field##_len);		\
		free(p);						\
	} while (0)
	LOAD(img, "fixture-1.5.08.img");
	LOAD(blob, "fixture-1.5.08.blob");
	LOAD(bin, "fixture-1.5.08.bin");
	LOAD(sig, "fixture-1.5.08.sigstruct");
	LOAD(v2, "fixture-2.0.02.img");
	LOAD(dbg, "fixture-debug.img");
#undef LOAD
}

static void fixtures_free(struct fixtures *f)
{
	free(f->key_path);
	free(f->img);
	free(f->blob);
	free(f->bin);
	free(f->sig);
	free(f->v2);
	free(f->dbg);
}

int main(void)
{
	struct fixtures f = { 0 };
	char tmp[] = "/tmp/tdxctl-test-image.XXXXXX";

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	fixtures_load(&f);
	test_valid(&f);
	test_details(&f);
	test_findings(&f);
	test_build(&f);
	test_variants(&f);
	printf("%zu malformed variants checked\n", sizeof(variants) / sizeof(variants[0]));
	test_truncations(&f);
	test_sizes(&f);
	test_generated(&f, tmp);
	test_files(&f, tmp);
	test_observed_catalogue();
	fixtures_free(&f);
	rmdir(tmp);
	return test_finish();
}
