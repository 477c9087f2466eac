// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The SEAM sigstruct (image-formats.md §4): decoding, and one check per field rule. Pure: the
 * bytes come from the caller.
 */
#include <errno.h>

#include "image-private.h"

TDX_EXPORT
int tdx_sigstruct_parse(const uint8_t *buf, size_t len, struct tdx_sigstruct *sig)
{
	struct tdx_sigstruct s = { 0 };

	if (!buf || len < TDX_SIGSTRUCT_SIZE)
		return -EINVAL;
	s.header_type = get_le32(buf + 0x000);
	s.header_length = get_le32(buf + 0x004);
	s.header_version = get_le32(buf + 0x008);
	s.module_type = get_le32(buf + 0x00c);
	s.module_vendor = get_le32(buf + 0x010);
	s.date = get_le32(buf + 0x014);
	s.size = get_le32(buf + 0x018);
	s.key_size = get_le32(buf + 0x01c);
	s.modulus_size = get_le32(buf + 0x020);
	s.exponent_size = get_le32(buf + 0x024);
	memcpy(s.modulus, buf + 0x080, sizeof(s.modulus));
	s.exponent = get_le32(buf + 0x200);
	memcpy(s.signature, buf + 0x204, sizeof(s.signature));
	memcpy(s.seamhash, buf + 0x384, sizeof(s.seamhash));
	s.svn_minor = buf[0x3b4];
	s.svn_major = buf[0x3b5];
	s.attributes = get_le64(buf + 0x3b6);
	s.rip_offset = get_le32(buf + 0x3be);
	s.num_stack_pages = buf[0x3c2];
	s.num_tls_pages = buf[0x3c3];
	s.num_keyhole_pages = get_le16(buf + 0x3c4);
	s.num_global_data_pages = get_le16(buf + 0x3c6);
	s.max_tdmrs = get_le16(buf + 0x3c8);
	s.max_rsvd_per_tdmr = get_le16(buf + 0x3ca);
	s.pamt_entry_size_4k = get_le16(buf + 0x3cc);
	s.pamt_entry_size_2m = get_le16(buf + 0x3ce);
	s.pamt_entry_size_1g = get_le16(buf + 0x3d0);
	s.module_hv = get_le16(buf + 0x3d8);
	s.min_update_hv = get_le16(buf + 0x3da);
	s.no_downgrade = buf[0x3dc];
	s.num_handoff_pages = get_le16(buf + 0x3de);
	s.gdt_idt_offset = get_le32(buf + 0x3e0);
	s.fault_wrapper_offset = get_le32(buf + 0x3e4);
	memcpy(s.reserved3, buf + 0x3e8, sizeof(s.reserved3));
	s.cpuid_table_size = get_le32(buf + 0x400);
	for (size_t i = 0; i < TDX_CPUID_TABLE_MAX; i++)
		s.cpuid_table[i] = get_le32(buf + 0x404 + 4 * i);
	*sig = s;
	return 0;
}

TDX_EXPORT
bool tdx_sigstruct_is_debug(const struct tdx_sigstruct *sig)
{
	return sig->module_type & TDX_SIGSTRUCT_DEBUG;
}

/*
 * 2.x sigstructs carry the version in reserved3 (an inference from Intel's samples): u16 update,
 * u8 minor, u8 major. Only those four bytes are read as the version; what follows is data (the
 * samples have a build number in bytes 4-5, read here as a u32 over bytes 4-7 so that a build
 * above 0xFFFF reads right), never a reason to doubt the version. -ENOENT when reserved3 is zero
 * (1.x), -EBADMSG when its major byte is below 2 (not that layout).
 */
TDX_EXPORT
int tdx_sigstruct_get_version(const struct tdx_sigstruct *sig, struct tdx_version *v,
			      unsigned int *build)
{
	const uint8_t *r = sig->reserved3;

	if (mem_is_zero(r, sizeof(sig->reserved3)))
		return -ENOENT;
	if (r[3] < 2)
		return -EBADMSG;
	v->update = get_le16(r);
	v->minor = r[2];
	v->major = r[3];
	if (build)
		*build = get_le32(r + 4);
	return 0;
}

TDX_EXPORT
bool tdx_sigstruct_supports_cpu(const struct tdx_sigstruct *sig, uint32_t cpuid_eax)
{
	uint32_t n = sig->cpuid_table_size;

	if (n > TDX_CPUID_TABLE_MAX)
		n = TDX_CPUID_TABLE_MAX;
	for (uint32_t i = 0; i < n; i++)
		if ((sig->cpuid_table[i] & ~0xfu) == (cpuid_eax & ~0xfu))
			return true;
	return false;
}

/*
 * Record one check as @finding and its facts; a failure, as graded by its evidence, also sets
 * *failed for the verdict.
 */
static int check_factv(struct tdx_report *report, enum tdx_check_id id, bool ok, bool *failed,
		       enum tdx_finding finding, const struct tdx_fact *facts, size_t n)
{
	enum tdx_check_status st = ok ? TDX_CHECK_PASS : TDX_CHECK_FAIL;

	if (tdx_report_grade(report, id, st) == TDX_CHECK_FAIL)
		*failed = true;
	return tdx_report_factv(report, id, st, finding, facts, n);
}

/* check_factv() with its facts counted, as tdx_report_fact(); a fact-less finding needs none. */
#define check_fact(report, id, ok, failed, finding, ...)					\
	check_factv((report), (id), (ok), (failed), (finding),				\
		    (const struct tdx_fact[]){ __VA_ARGS__ },				\
		    sizeof((const struct tdx_fact[]){ __VA_ARGS__ }) / sizeof(struct tdx_fact))
#define check_bare(report, id, ok, failed, finding)						\
	check_factv((report), (id), (ok), (failed), (finding), NULL, 0)

static int check_const(struct tdx_report *report, enum tdx_check_id id, const char *field,
		       uint32_t found, uint32_t expected, bool *failed)
{
	if (found == expected)
		return check_fact(report, id, true, failed, TDX_FND_SIGSTRUCT_FIELD_IS,
				  TDX_FACT_S(field), TDX_FACT_U(found));
	return check_fact(report, id, false, failed, TDX_FND_SIGSTRUCT_FIELD_NOT, TDX_FACT_S(field),
			  TDX_FACT_U(found), TDX_FACT_U(expected));
}

/* A reserved range of the raw sigstruct must be zero; name the first non-zero byte. */
static int check_zero(struct tdx_report *report, enum tdx_check_id id, const char *field,
		      const uint8_t *raw, size_t off, size_t len, bool *failed)
{
	for (size_t i = off; i < off + len; i++)
		if (raw[i])
			return check_fact(report, id, false, failed,
					  TDX_FND_SIGSTRUCT_RESERVED_NONZERO, TDX_FACT_S(field),
					  TDX_FACT_U(i), TDX_FACT_U(raw[i]));
	return check_fact(report, id, true, failed, TDX_FND_SIGSTRUCT_RESERVED_ZERO,
			  TDX_FACT_S(field), TDX_FACT_U(off), TDX_FACT_U(len));
}

/* BCD yyyymmdd: every nibble a decimal digit, month 01-12, day 01-31. */
static bool date_valid(uint32_t d)
{
	unsigned int month = (d >> 12 & 0xf) * 10 + (d >> 8 & 0xf);
	unsigned int day = (d >> 4 & 0xf) * 10 + (d & 0xf);

	for (int shift = 0; shift < 32; shift += 4)
		if ((d >> shift & 0xf) > 9)
			return false;
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static int check_module_type(const struct tdx_sigstruct *s, struct tdx_report *r, bool *failed)
{
	uint32_t bits = s->module_type & ~TDX_SIGSTRUCT_DEBUG;

	if (!bits)
		return check_fact(r, TDX_CHK_SIGSTRUCT_MODULE_TYPE, true, failed,
				  TDX_FND_SIGSTRUCT_MODULE_TYPE_OK, TDX_FACT_U(s->module_type));
	return check_fact(r, TDX_CHK_SIGSTRUCT_MODULE_TYPE, false, failed,
			  TDX_FND_SIGSTRUCT_MODULE_TYPE_BITS, TDX_FACT_U(bits));
}

static int check_date(const struct tdx_sigstruct *s, struct tdx_report *r, bool *failed)
{
	if (date_valid(s->date))
		return check_fact(r, TDX_CHK_SIGSTRUCT_DATE, true, failed, TDX_FND_SIGSTRUCT_DATE_OK,
				  TDX_FACT_U(s->date >> 16), TDX_FACT_U(s->date >> 8 & 0xff),
				  TDX_FACT_U(s->date & 0xff));
	return check_fact(r, TDX_CHK_SIGSTRUCT_DATE, false, failed, TDX_FND_SIGSTRUCT_DATE_NOT_BCD,
			  TDX_FACT_U(s->date));
}

static int check_svn(const struct tdx_sigstruct *s, struct tdx_report *r, bool *failed)
{
	if (s->svn_major)
		return check_fact(r, TDX_CHK_SIGSTRUCT_SVN, true, failed, TDX_FND_SIGSTRUCT_SVN_OK,
				  TDX_FACT_U(s->svn_major), TDX_FACT_U(s->svn_minor));
	return check_fact(r, TDX_CHK_SIGSTRUCT_SVN, false, failed,
			  TDX_FND_SIGSTRUCT_SVN_MAJOR_ZERO, TDX_FACT_U(s->svn_minor));
}

static int check_attributes(const struct tdx_sigstruct *s, struct tdx_report *r, bool *failed)
{
	if (!s->attributes)
		return check_bare(r, TDX_CHK_SIGSTRUCT_ATTRIBUTES, true, failed,
				  TDX_FND_SIGSTRUCT_ATTRIBUTES_ZERO);
	return check_fact(r, TDX_CHK_SIGSTRUCT_ATTRIBUTES, false, failed,
			  TDX_FND_SIGSTRUCT_ATTRIBUTES_SET, TDX_FACT_U(s->attributes));
}

static int check_handoff(const struct tdx_sigstruct *s, struct tdx_report *r, bool *failed)
{
	bool ok = s->module_hv >= s->min_update_hv;

	return check_fact(r, TDX_CHK_SIGSTRUCT_HANDOFF, ok, failed,
			  ok ? TDX_FND_SIGSTRUCT_HANDOFF_OK : TDX_FND_SIGSTRUCT_HANDOFF_BELOW,
			  TDX_FACT_U(s->module_hv), TDX_FACT_U(s->min_update_hv));
}

/* An offset into the module (@field names it): zero, or inside the module's @module_len bytes. */
static int check_offset_inside(struct tdx_report *r, enum tdx_check_id id, const char *field,
			       uint32_t off, size_t module_len, bool *failed)
{
	if (off && off >= module_len)
		return check_fact(r, id, false, failed, TDX_FND_SIGSTRUCT_OFFSET_OUTSIDE,
				  TDX_FACT_S(field), TDX_FACT_U(off), TDX_FACT_U(module_len));
	return check_fact(r, id, true, failed, TDX_FND_SIGSTRUCT_OFFSET_IS, TDX_FACT_S(field),
			  TDX_FACT_U(off));
}

static int check_gdt_idt(const struct tdx_sigstruct *s, size_t module_len, struct tdx_report *r,
			 bool *failed)
{
	enum tdx_check_id id = TDX_CHK_SIGSTRUCT_GDT_IDT_OFFSET;
	uint32_t gdt = s->gdt_idt_offset, fw = s->fault_wrapper_offset;

	if ((gdt == 0) != (fw == 0))
		return check_fact(r, id, false, failed, TDX_FND_SIGSTRUCT_OFFSET_PAIR,
				  TDX_FACT_U(gdt), TDX_FACT_U(fw));
	if (gdt % TDX_PAGE_SIZE)
		return check_fact(r, id, false, failed, TDX_FND_SIGSTRUCT_OFFSET_NOT_PAGE,
				  TDX_FACT_S("gdt_idt_offset"), TDX_FACT_U(gdt));
	return check_offset_inside(r, id, "gdt_idt_offset", gdt, module_len, failed);
}

static int check_fault_wrapper(const struct tdx_sigstruct *s, size_t module_len,
			       struct tdx_report *r, bool *failed)
{
	return check_offset_inside(r, TDX_CHK_SIGSTRUCT_FAULT_WRAPPER_OFFSET,
				   "fault_wrapper_offset", s->fault_wrapper_offset, module_len,
				   failed);
}

/*
 * An observed rule (image-formats.md §4): the 1.x samples have reserved3 zero, the 2.0 samples a
 * version, a build number and zeros. No document defines these bytes and they are signed, so
 * anything else is reported as what it is and what the samples had, never refused by default.
 */
static int check_reserved3(const struct tdx_sigstruct *s, struct tdx_report *r, bool *failed)
{
	enum tdx_check_id id = TDX_CHK_SIGSTRUCT_RESERVED3;
	const uint8_t *b = s->reserved3;
	const size_t data = 8;		/* after the version (4) and the build number (4) */
	struct tdx_version v;
	unsigned int build;
	char ver[TDX_VERSION_STRLEN];
	int rc = tdx_sigstruct_get_version(s, &v, &build);
	size_t i;

	if (rc == -ENOENT)
		return check_bare(r, id, true, failed, TDX_FND_SIGSTRUCT_RESERVED3_ZERO);
	if (rc < 0) {
		for (i = 0; !b[i]; i++)
			;
		return check_fact(r, id, false, failed, TDX_FND_SIGSTRUCT_RESERVED3_NO_VERSION,
				  TDX_FACT_U(i), TDX_FACT_U(b[i]), TDX_FACT_U(b[3]));
	}
	tdx_version_format(&v, ver, sizeof(ver));
	if (mem_is_zero(b + data, sizeof(s->reserved3) - data))
		return check_fact(r, id, true, failed, TDX_FND_SIGSTRUCT_RESERVED3_VERSION,
				  TDX_FACT_S(ver), TDX_FACT_U(build));
	for (i = data; !b[i]; i++)
		;
	return check_fact(r, id, false, failed, TDX_FND_SIGSTRUCT_RESERVED3_DATA, TDX_FACT_S(ver),
			  TDX_FACT_U(build), TDX_FACT_U(i), TDX_FACT_U(b[i]));
}

static int check_cpuid_table(const struct tdx_sigstruct *s, struct tdx_report *r, bool *failed)
{
	enum tdx_check_id id = TDX_CHK_SIGSTRUCT_CPUID_TABLE;
	uint32_t n = s->cpuid_table_size;

	if (n > TDX_CPUID_TABLE_MAX)
		return check_fact(r, id, false, failed, TDX_FND_SIGSTRUCT_CPUID_TOO_MANY,
				  TDX_FACT_U(n), TDX_FACT_U(TDX_CPUID_TABLE_MAX));
	if (n == 0 && !tdx_sigstruct_is_debug(s))
		return check_bare(r, id, false, failed, TDX_FND_SIGSTRUCT_CPUID_NONE);
	for (uint32_t i = n; i < TDX_CPUID_TABLE_MAX; i++)
		if (s->cpuid_table[i])
			return check_fact(r, id, false, failed, TDX_FND_SIGSTRUCT_CPUID_UNUSED_SET,
					  TDX_FACT_U(i), TDX_FACT_U(n),
					  TDX_FACT_U(s->cpuid_table[i]));
	return check_fact(r, id, true, failed, TDX_FND_SIGSTRUCT_CPUID_OK, TDX_FACT_U(n));
}

static int check_debug(const struct tdx_sigstruct *s, bool allow_debug, struct tdx_report *r,
		       bool *failed)
{
	if (!tdx_sigstruct_is_debug(s))
		return check_bare(r, TDX_CHK_SIGSTRUCT_DEBUG, true, failed,
				  TDX_FND_SIGSTRUCT_PRODUCTION);
	if (allow_debug)
		return check_bare(r, TDX_CHK_SIGSTRUCT_DEBUG, true, failed,
				  TDX_FND_SIGSTRUCT_DEBUG_ALLOWED);
	return check_bare(r, TDX_CHK_SIGSTRUCT_DEBUG, false, failed, TDX_FND_SIGSTRUCT_DEBUG);
}

/* Every field rule, in catalogue order so the first failure is the one the caller is told. */
int tdx_sigstruct_check(const struct tdx_sigstruct *s, const uint8_t *raw, size_t module_len,
			bool allow_debug, struct tdx_report *r, bool *failed)
{
	int rc = 0;

#define RUN(expr)	do { if (!rc) rc = (expr); } while (0)
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_HEADER_TYPE, "header_type", s->header_type, 6,
			failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_HEADER_LENGTH, "header_length", s->header_length, 0xe1,
			failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_HEADER_VERSION, "header_version", s->header_version,
			0x00010000, failed));
	RUN(check_module_type(s, r, failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_MODULE_VENDOR, "module_vendor", s->module_vendor,
			0x8086, failed));
	RUN(check_date(s, r, failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_SIZE, "size", s->size, 0x200, failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_KEY_SIZE, "key_size", s->key_size, 0x60, failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_MODULUS_SIZE, "modulus_size", s->modulus_size, 0x60,
			failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_EXPONENT_SIZE, "exponent_size", s->exponent_size, 1,
			failed));
	RUN(check_const(r, TDX_CHK_SIGSTRUCT_EXPONENT, "exponent", s->exponent, 65537, failed));
	RUN(check_zero(r, TDX_CHK_SIGSTRUCT_RESERVED0, "reserved0", raw, 0x028, 88, failed));
	RUN(check_svn(s, r, failed));
	RUN(check_attributes(s, r, failed));
	RUN(check_zero(r, TDX_CHK_SIGSTRUCT_RESERVED1, "reserved1", raw, 0x3d2, 6, failed));
	RUN(check_handoff(s, r, failed));
	RUN(check_zero(r, TDX_CHK_SIGSTRUCT_RESERVED2, "reserved2", raw, 0x3dd, 1, failed));
	RUN(check_gdt_idt(s, module_len, r, failed));
	RUN(check_fault_wrapper(s, module_len, r, failed));
	RUN(check_reserved3(s, r, failed));
	RUN(check_cpuid_table(s, r, failed));
	RUN(check_debug(s, allow_debug, r, failed));
#undef RUN
	return rc;
}
