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

/* Record a failed check @id; -EBADMSG tells the caller to stop there. */
static int elf_failv(struct tdx_report *r, bool *failed, enum tdx_check_id id,
		     enum tdx_finding finding, const struct tdx_fact *facts, size_t n)
{
	int rc;

	*failed = true;
	rc = tdx_report_factv(r, id, TDX_CHECK_FAIL, finding, facts, n);
	return rc ? rc : -EBADMSG;
}

/* elf_failv() with the facts counted, as tdx_report_fact() does. */
#define elf_fail(r, failed, id, finding, ...)						\
	elf_failv((r), (failed), (id), (finding), (const struct tdx_fact[]){ __VA_ARGS__ },	\
		  sizeof((const struct tdx_fact[]){ __VA_ARGS__ }) / sizeof(struct tdx_fact))
#define header_fail(r, failed, finding, ...) \
	elf_fail((r), (failed), TDX_CHK_ELF_HEADER, (finding), __VA_ARGS__)
#define reloc_fail(r, failed, finding, ...) \
	elf_fail((r), (failed), TDX_CHK_ELF_RELOCATIONS, (finding), __VA_ARGS__)

/* e_ident and the fixed fields: what kind of file this is. */
static int elf_check_ident(const uint8_t *m, size_t len, struct tdx_report *r, bool *failed)
{
	if (len < sizeof(Elf64_Ehdr))
		return header_fail(r, failed, TDX_FND_ELF_HEADER_SHORT, TDX_FACT_U(len),
				   TDX_FACT_U(sizeof(Elf64_Ehdr)));
	if (memcmp(m, ELFMAG, SELFMAG) != 0)
		return header_fail(r, failed, TDX_FND_ELF_MAGIC, TDX_FACT_B(m, SELFMAG));
	if (m[EI_CLASS] != ELFCLASS64)
		return header_fail(r, failed, TDX_FND_ELF_FIELD_NAMED, TDX_FACT_S("EI_CLASS"),
				   TDX_FACT_U(m[EI_CLASS]), TDX_FACT_U(ELFCLASS64),
				   TDX_FACT_S("ELFCLASS64"));
	if (m[EI_DATA] != ELFDATA2LSB)
		return header_fail(r, failed, TDX_FND_ELF_FIELD_NAMED, TDX_FACT_S("EI_DATA"),
				   TDX_FACT_U(m[EI_DATA]), TDX_FACT_U(ELFDATA2LSB),
				   TDX_FACT_S("ELFDATA2LSB"));
	if (m[EI_VERSION] != EV_CURRENT || get_le32(m + EH(e_version)) != EV_CURRENT)
		return header_fail(r, failed, TDX_FND_ELF_VERSION, TDX_FACT_U(m[EI_VERSION]),
				   TDX_FACT_U(get_le32(m + EH(e_version))), TDX_FACT_U(EV_CURRENT));
	if (get_le16(m + EH(e_type)) != ET_DYN)
		return header_fail(r, failed, TDX_FND_ELF_FIELD_NAMED, TDX_FACT_S("e_type"),
				   TDX_FACT_U(get_le16(m + EH(e_type))), TDX_FACT_U(ET_DYN),
				   TDX_FACT_S("ET_DYN"));
	if (get_le16(m + EH(e_machine)) != EM_X86_64)
		return header_fail(r, failed, TDX_FND_ELF_FIELD_NAMED, TDX_FACT_S("e_machine"),
				   TDX_FACT_U(get_le16(m + EH(e_machine))), TDX_FACT_U(EM_X86_64),
				   TDX_FACT_S("EM_X86_64"));
	if (get_le16(m + EH(e_ehsize)) != sizeof(Elf64_Ehdr))
		return header_fail(r, failed, TDX_FND_ELF_FIELD, TDX_FACT_S("e_ehsize"),
				   TDX_FACT_U(get_le16(m + EH(e_ehsize))),
				   TDX_FACT_U(sizeof(Elf64_Ehdr)));
	return 0;
}

static int elf_check_phdrs(const uint8_t *m, size_t len, struct tdx_report *r, bool *failed)
{
	uint64_t phoff = get_le64(m + EH(e_phoff));
	uint16_t phnum = get_le16(m + EH(e_phnum)), phentsize = get_le16(m + EH(e_phentsize));

	if (phnum && phentsize != sizeof(Elf64_Phdr))
		return header_fail(r, failed, TDX_FND_ELF_FIELD, TDX_FACT_S("e_phentsize"),
				   TDX_FACT_U(phentsize), TDX_FACT_U(sizeof(Elf64_Phdr)));
	if (!table_in_bounds(phoff, phnum, sizeof(Elf64_Phdr), len))
		return header_fail(r, failed, TDX_FND_ELF_PHDRS_BEYOND, TDX_FACT_U(phoff),
				   TDX_FACT_U(phnum), TDX_FACT_U(len));
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
		return header_fail(r, failed, TDX_FND_ELF_FIELD, TDX_FACT_S("e_shentsize"),
				   TDX_FACT_U(shentsize), TDX_FACT_U(sizeof(Elf64_Shdr)));
	if (!l->shnum) {
		if (!table_in_bounds(l->shoff, 1, sizeof(Elf64_Shdr), len))
			return header_fail(r, failed, TDX_FND_ELF_SHDR0_BEYOND,
					   TDX_FACT_U(l->shoff), TDX_FACT_U(len));
		l->shnum = get_le64(m + l->shoff + SH(sh_size));
	}
	if (!table_in_bounds(l->shoff, l->shnum, sizeof(Elf64_Shdr), len))
		return header_fail(r, failed, TDX_FND_ELF_SHDRS_BEYOND, TDX_FACT_U(l->shoff),
				   TDX_FACT_U(l->shnum), TDX_FACT_U(len));
	if (shstrndx != SHN_UNDEF && shstrndx != SHN_XINDEX && shstrndx >= l->shnum)
		return header_fail(r, failed, TDX_FND_ELF_SHSTRNDX, TDX_FACT_U(shstrndx),
				   TDX_FACT_U(l->shnum));
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
	return tdx_report_fact(r, TDX_CHK_ELF_HEADER, TDX_CHECK_PASS, TDX_FND_ELF_HEADER_OK,
			       TDX_FACT_U(get_le16(m + EH(e_phnum))), TDX_FACT_U(l->shnum));
}

static int elf_check_entry(const struct elf_layout *l, uint32_t rip_offset,
			   struct tdx_report *r, bool *failed)
{
	if (l->entry == rip_offset)
		return tdx_report_fact(r, TDX_CHK_ELF_ENTRY, TDX_CHECK_PASS, TDX_FND_ELF_ENTRY_OK,
				       TDX_FACT_U(l->entry));
	if (tdx_report_grade(r, TDX_CHK_ELF_ENTRY, TDX_CHECK_FAIL) == TDX_CHECK_FAIL)
		*failed = true;
	return tdx_report_fact(r, TDX_CHK_ELF_ENTRY, TDX_CHECK_FAIL, TDX_FND_ELF_ENTRY_DIFFERS,
			       TDX_FACT_U(l->entry), TDX_FACT_U(rip_offset));
}

/* One SHT_RELA section: a sane table in bounds, every entry R_X86_64_RELATIVE in bounds. */
static int elf_check_rela(const uint8_t *m, size_t len, uint64_t idx, const uint8_t *sh,
			  uint64_t *count, struct tdx_report *r, bool *failed)
{
	uint64_t off = get_le64(sh + SH(sh_offset)), size = get_le64(sh + SH(sh_size));
	uint64_t entsize = get_le64(sh + SH(sh_entsize)), n;

	if (entsize != sizeof(Elf64_Rela))
		return reloc_fail(r, failed, TDX_FND_ELF_RELA_ENTSIZE, TDX_FACT_U(idx),
				  TDX_FACT_U(entsize), TDX_FACT_U(sizeof(Elf64_Rela)));
	if (size % sizeof(Elf64_Rela))
		return reloc_fail(r, failed, TDX_FND_ELF_RELA_SIZE, TDX_FACT_U(idx),
				  TDX_FACT_U(size), TDX_FACT_U(sizeof(Elf64_Rela)));
	n = size / sizeof(Elf64_Rela);
	if (!table_in_bounds(off, n, sizeof(Elf64_Rela), len))
		return reloc_fail(r, failed, TDX_FND_ELF_RELA_BEYOND, TDX_FACT_U(idx),
				  TDX_FACT_U(off), TDX_FACT_U(size), TDX_FACT_U(len));
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *e = m + off + i * sizeof(Elf64_Rela);
		uint64_t r_offset = get_le64(e + RELA(r_offset));
		uint64_t type = ELF64_R_TYPE(get_le64(e + RELA(r_info)));

		if (type != R_X86_64_RELATIVE)
			return reloc_fail(r, failed, TDX_FND_ELF_RELOC_TYPE, TDX_FACT_U(idx),
					  TDX_FACT_U(i), TDX_FACT_U(type),
					  TDX_FACT_U(R_X86_64_RELATIVE));
		if (len < 8 || r_offset > (uint64_t)len - 8)
			return reloc_fail(r, failed, TDX_FND_ELF_RELOC_OFFSET, TDX_FACT_U(idx),
					  TDX_FACT_U(i), TDX_FACT_U(r_offset),
					  TDX_FACT_U(len < 8 ? 0 : len - 8));
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
			return reloc_fail(r, failed, TDX_FND_ELF_REL_SECTION, TDX_FACT_U(i),
					  TDX_FACT_S(type == SHT_REL ? "SHT_REL" : "SHT_RELR"));
		if (type != SHT_RELA)
			continue;
		rc = elf_check_rela(m, len, i, sh, &count, r, failed);
		if (rc)
			return rc;
		sections++;
	}
	return tdx_report_fact(r, TDX_CHK_ELF_RELOCATIONS, TDX_CHECK_PASS, TDX_FND_ELF_RELOCATIONS_OK,
			       TDX_FACT_U(count), TDX_FACT_U(sections));
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
					     TDX_FND_ELF_CAUSE_HEADER);
	if (rc)
		return rc;
	rc = elf_check_entry(&l, rip_offset, report, failed);
	if (rc)
		return rc;
	rc = elf_check_relocations(module, len, &l, report, failed);
	return rc == -EBADMSG ? 0 : rc;
}
