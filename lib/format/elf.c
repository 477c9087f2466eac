// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The module ELF as the P-SEAMLDR will relocate it (image-formats.md §5): an ELF64 LE x86-64
 * ET_DYN whose entry is the sigstruct's rip_offset and whose relocations are all
 * R_X86_64_RELATIVE inside the image.
 *
 * The bytes are untrusted: every field is read with the little-endian helpers at a bounds-checked
 * offset, and every offset + size is checked in 64-bit arithmetic that cannot overflow.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>

#include "image-private.h"

#ifndef SHT_RELR
#define SHT_RELR	19
#endif

#define EH(field)	offsetof(Elf64_Ehdr, field)
#define SH(field)	offsetof(Elf64_Shdr, field)
#define RELA(field)	offsetof(Elf64_Rela, field)

/* The parts of the ELF header the later checks need, once the header is known to be sound. */
struct elf_layout {
	uint64_t entry;
	uint64_t shoff;
	uint64_t shnum;
};

/* True when @count entries of @entsize bytes at @off lie inside @len bytes. */
static bool table_in_bounds(uint64_t off, uint64_t count, uint64_t entsize, size_t len)
{
	uint64_t size;

	if (entsize && count > UINT64_MAX / entsize)
		return false;
	size = count * entsize;
	return off <= (uint64_t)len && size <= (uint64_t)len - off;
}

static int header_fail(struct tdx_report *r, bool *failed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int header_fail(struct tdx_report *r, bool *failed, const char *fmt, ...)
{
	va_list args;
	int rc;

	*failed = true;
	va_start(args, fmt);
	rc = tdx_report_addv(r, TDX_CHK_ELF_HEADER, TDX_CHECK_FAIL, fmt, args);
	va_end(args);
	return rc ? rc : -EBADMSG;
}

/* e_ident and the fixed fields: what kind of file this is. */
static int elf_check_ident(const uint8_t *m, size_t len, struct tdx_report *r, bool *failed)
{
	if (len < sizeof(Elf64_Ehdr))
		return header_fail(r, failed, "module is %zu bytes, expected at least the %zu-byte "
				   "ELF header", len, sizeof(Elf64_Ehdr));
	if (memcmp(m, ELFMAG, SELFMAG) != 0)
		return header_fail(r, failed, "ELF magic is %02x %02x %02x %02x, expected "
				   "7f 45 4c 46", m[0], m[1], m[2], m[3]);
	if (m[EI_CLASS] != ELFCLASS64)
		return header_fail(r, failed, "EI_CLASS is %u, expected %u (ELFCLASS64)",
				   m[EI_CLASS], ELFCLASS64);
	if (m[EI_DATA] != ELFDATA2LSB)
		return header_fail(r, failed, "EI_DATA is %u, expected %u (ELFDATA2LSB)",
				   m[EI_DATA], ELFDATA2LSB);
	if (m[EI_VERSION] != EV_CURRENT || get_le32(m + EH(e_version)) != EV_CURRENT)
		return header_fail(r, failed, "ELF version is %u/%" PRIu32 ", expected %u",
				   m[EI_VERSION], get_le32(m + EH(e_version)), EV_CURRENT);
	if (get_le16(m + EH(e_type)) != ET_DYN)
		return header_fail(r, failed, "e_type is %u, expected %u (ET_DYN)",
				   get_le16(m + EH(e_type)), ET_DYN);
	if (get_le16(m + EH(e_machine)) != EM_X86_64)
		return header_fail(r, failed, "e_machine is %u, expected %u (EM_X86_64)",
				   get_le16(m + EH(e_machine)), EM_X86_64);
	if (get_le16(m + EH(e_ehsize)) != sizeof(Elf64_Ehdr))
		return header_fail(r, failed, "e_ehsize is %u, expected %zu",
				   get_le16(m + EH(e_ehsize)), sizeof(Elf64_Ehdr));
	return 0;
}

static int elf_check_phdrs(const uint8_t *m, size_t len, struct tdx_report *r, bool *failed)
{
	uint64_t phoff = get_le64(m + EH(e_phoff));
	uint16_t phnum = get_le16(m + EH(e_phnum)), phentsize = get_le16(m + EH(e_phentsize));

	if (phnum && phentsize != sizeof(Elf64_Phdr))
		return header_fail(r, failed, "e_phentsize is %u, expected %zu", phentsize,
				   sizeof(Elf64_Phdr));
	if (!table_in_bounds(phoff, phnum, sizeof(Elf64_Phdr), len))
		return header_fail(r, failed, "program header table (e_phoff 0x%" PRIx64 ", %u "
				   "entries) ends beyond the module (0x%zx bytes)", phoff, phnum,
				   len);
	return 0;
}

/*
 * The section header table. With more than 0xff00 sections, e_shnum is 0 and the count is in
 * section 0's sh_size (ELF extended numbering); honour that rather than miss relocations.
 */
static int elf_check_shdrs(const uint8_t *m, size_t len, struct elf_layout *l,
			   struct tdx_report *r, bool *failed)
{
	uint16_t shentsize = get_le16(m + EH(e_shentsize));
	uint16_t shstrndx = get_le16(m + EH(e_shstrndx));

	l->shoff = get_le64(m + EH(e_shoff));
	l->shnum = get_le16(m + EH(e_shnum));
	if (!l->shnum && !l->shoff)
		return 0;
	if (shentsize != sizeof(Elf64_Shdr))
		return header_fail(r, failed, "e_shentsize is %u, expected %zu", shentsize,
				   sizeof(Elf64_Shdr));
	if (!l->shnum) {
		if (!table_in_bounds(l->shoff, 1, sizeof(Elf64_Shdr), len))
			return header_fail(r, failed, "section header 0 (e_shoff 0x%" PRIx64 ") "
					   "ends beyond the module (0x%zx bytes)", l->shoff, len);
		l->shnum = get_le64(m + l->shoff + SH(sh_size));
	}
	if (!table_in_bounds(l->shoff, l->shnum, sizeof(Elf64_Shdr), len))
		return header_fail(r, failed, "section header table (e_shoff 0x%" PRIx64 ", %"
				   PRIu64 " entries) ends beyond the module (0x%zx bytes)",
				   l->shoff, l->shnum, len);
	if (shstrndx != SHN_UNDEF && shstrndx != SHN_XINDEX && shstrndx >= l->shnum)
		return header_fail(r, failed, "e_shstrndx is %u, expected below e_shnum %" PRIu64,
				   shstrndx, l->shnum);
	return 0;
}

static int elf_check_header(const uint8_t *m, size_t len, struct elf_layout *l,
			    struct tdx_report *r, bool *failed)
{
	int rc = elf_check_ident(m, len, r, failed);

	if (!rc)
		rc = elf_check_phdrs(m, len, r, failed);
	if (!rc)
		rc = elf_check_shdrs(m, len, l, r, failed);
	if (rc)
		return rc;
	l->entry = get_le64(m + EH(e_entry));
	return tdx_report_add(r, TDX_CHK_ELF_HEADER, TDX_CHECK_PASS,
			      "ELF64 LSB x86-64 ET_DYN, %u program headers, %" PRIu64
			      " section headers", get_le16(m + EH(e_phnum)), l->shnum);
}

static int elf_check_entry(const struct elf_layout *l, uint32_t rip_offset,
			   struct tdx_report *r, bool *failed)
{
	if (l->entry == rip_offset)
		return tdx_report_add(r, TDX_CHK_ELF_ENTRY, TDX_CHECK_PASS,
				      "e_entry is 0x%" PRIx64 ", equal to rip_offset", l->entry);
	if (tdx_report_grade(r, TDX_CHK_ELF_ENTRY, TDX_CHECK_FAIL) == TDX_CHECK_FAIL)
		*failed = true;
	return tdx_report_add(r, TDX_CHK_ELF_ENTRY, TDX_CHECK_FAIL,
			      "e_entry is 0x%" PRIx64 ", rip_offset 0x%" PRIx32 " (every sample "
			      "has them equal)", l->entry, rip_offset);
}

static int reloc_fail(struct tdx_report *r, bool *failed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reloc_fail(struct tdx_report *r, bool *failed, const char *fmt, ...)
{
	va_list args;
	int rc;

	*failed = true;
	va_start(args, fmt);
	rc = tdx_report_addv(r, TDX_CHK_ELF_RELOCATIONS, TDX_CHECK_FAIL, fmt, args);
	va_end(args);
	return rc ? rc : -EBADMSG;
}

/* One SHT_RELA section: a sane table in bounds, every entry R_X86_64_RELATIVE in bounds. */
static int elf_check_rela(const uint8_t *m, size_t len, uint64_t idx, const uint8_t *sh,
			  uint64_t *count, struct tdx_report *r, bool *failed)
{
	uint64_t off = get_le64(sh + SH(sh_offset)), size = get_le64(sh + SH(sh_size));
	uint64_t entsize = get_le64(sh + SH(sh_entsize)), n;

	if (entsize != sizeof(Elf64_Rela))
		return reloc_fail(r, failed, "section %" PRIu64 " (SHT_RELA) sh_entsize is %" PRIu64
				  ", expected %zu", idx, entsize, sizeof(Elf64_Rela));
	if (size % sizeof(Elf64_Rela))
		return reloc_fail(r, failed, "section %" PRIu64 " (SHT_RELA) sh_size is %" PRIu64
				  ", expected a multiple of %zu", idx, size, sizeof(Elf64_Rela));
	n = size / sizeof(Elf64_Rela);
	if (!table_in_bounds(off, n, sizeof(Elf64_Rela), len))
		return reloc_fail(r, failed, "section %" PRIu64 " (SHT_RELA) at 0x%" PRIx64 ", 0x%"
				  PRIx64 " bytes, ends beyond the module (0x%zx bytes)", idx, off,
				  size, len);
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *e = m + off + i * sizeof(Elf64_Rela);
		uint64_t r_offset = get_le64(e + RELA(r_offset));
		uint64_t type = ELF64_R_TYPE(get_le64(e + RELA(r_info)));

		if (type != R_X86_64_RELATIVE)
			return reloc_fail(r, failed, "section %" PRIu64 " entry %" PRIu64
					  " has type %" PRIu64 ", expected %u (R_X86_64_RELATIVE)",
					  idx, i, type, R_X86_64_RELATIVE);
		if (len < 8 || r_offset > (uint64_t)len - 8)
			return reloc_fail(r, failed, "section %" PRIu64 " entry %" PRIu64
					  " r_offset is 0x%" PRIx64 ", expected at most 0x%zx "
					  "(8 bytes inside the module)", idx, i, r_offset,
					  len < 8 ? 0 : len - 8);
	}
	*count += n;
	return 0;
}

static int elf_check_relocations(const uint8_t *m, size_t len, const struct elf_layout *l,
				 struct tdx_report *r, bool *failed)
{
	uint64_t sections = 0, count = 0;
	int rc;

	for (uint64_t i = 0; i < l->shnum; i++) {
		const uint8_t *sh = m + l->shoff + i * sizeof(Elf64_Shdr);
		uint32_t type = get_le32(sh + SH(sh_type));

		if (type == SHT_REL || type == SHT_RELR)
			return reloc_fail(r, failed, "section %" PRIu64 " has type %s, expected "
					  "only SHT_RELA relocations", i,
					  type == SHT_REL ? "SHT_REL" : "SHT_RELR");
		if (type != SHT_RELA)
			continue;
		rc = elf_check_rela(m, len, i, sh, &count, r, failed);
		if (rc)
			return rc;
		sections++;
	}
	return tdx_report_add(r, TDX_CHK_ELF_RELOCATIONS, TDX_CHECK_PASS,
			      "%" PRIu64 " relocations in %" PRIu64 " SHT_RELA sections, all "
			      "R_X86_64_RELATIVE inside the module", count, sections);
}

/*
 * elf.header, elf.entry and elf.relocations. The last two need a sound header, so they are
 * skipped when it is not. Returns 0 or -ENOMEM; failures go to @report and *failed.
 */
int tdx_elf_check(const uint8_t *module, size_t len, uint32_t rip_offset,
		  struct tdx_report *report, bool *failed)
{
	struct elf_layout l = { 0 };
	int rc = elf_check_header(module, len, &l, report, failed);

	if (rc == -EBADMSG)
		return tdx_report_skip_range(report, TDX_CHK_ELF_ENTRY, TDX_CHK_ELF_RELOCATIONS,
					     "the module's ELF header is invalid");
	if (rc)
		return rc;
	rc = elf_check_entry(&l, rip_offset, report, failed);
	if (rc)
		return rc;
	rc = elf_check_relocations(module, len, &l, report, failed);
	return rc == -EBADMSG ? 0 : rc;
}
