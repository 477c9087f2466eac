// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx-mkfixture: make synthetic TDX module updates for the test suite.
 *
 * The output passes every check of image-formats.md, signed with a test key instead of Intel's.
 * It is written independently of libtdxctl on purpose: the library is tested against a second
 * implementation of the formats, not against itself. Output is deterministic given the key and
 * the options (PKCS#1 v1.5 signatures are deterministic), so fixtures can be compared bytewise.
 *
 *   tdx-mkfixture --genkey KEY.pem
 *   tdx-mkfixture --key KEY.pem --print-key-hash
 *   tdx-mkfixture --key KEY.pem [--version X.Y.ZZ] [--svn MAJOR.MINOR] [--cpuid HEX[,HEX...]]
 *                 [--debug] [--pages N] [--handoff HV,MINHV] [--date YYYYMMDD] [--build N]
 *                 [--sigstruct-byte OFFSET=VALUE]... [--format 0x200|0x100|pair] [--no-marker]
 *                 -o OUT
 *
 * What a next Intel release could plausibly look like, for the tests that judge it: versions of
 * new lines (--version 2.1.00, 3.0.00; 2.x and later carry the version in reserved3), a build
 * number above 0xFFFF (--build, 32 bits, in reserved3 bytes 4-7), many CPUID entries (--cpuid),
 * the largest legal module (--pages 496), and non-zero bytes anywhere in the signed sigstruct
 * (--sigstruct-byte, set before signing, e.g. in reserved3 or the reserved fields).
 *
 * The module carries "tdx_host_sim:version=X.Y.ZZ" at offset 0xc0 (unless --no-marker): the
 * emulated host (kernel/) installs it as that version, and no two versions have equal bytes.
 */
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define PAGE		4096u
#define SIG_SIZE	2048u
#define KEY_BYTES	384u
#define MAX_CPUID	255u
#define MAX_PAGES	4096u	/* more than the legal 496 on purpose, for tests */

#define EX_USAGE	64

enum out_format { FMT_IMAGE, FMT_BLOB, FMT_PAIR };

struct fixture_opts {
	const char *key_path;
	const char *out;
	unsigned int major, minor, update, build;
	int svn_major, svn_minor;		/* -1: derive from the version */
	uint32_t cpuid[MAX_CPUID];
	unsigned int cpuid_count;		/* 0: the default for the version line */
	bool debug;
	bool no_marker;
	unsigned int pages;
	unsigned int module_hv, min_update_hv;
	uint32_t date;				/* BCD yyyymmdd */
	enum out_format format;
	struct { unsigned int off; uint8_t value; } bytes[32];	/* --sigstruct-byte */
	unsigned int n_bytes;
};

/* Layout of the synthetic module ELF; all of it sits in the first page. */
enum {
	M_PHDR = 0x040,
	M_MARKER = 0x0c0,	/* "tdx_host_sim:version=X.Y.ZZ" */
	M_TEXT = 0x100,		/* entry point = rip_offset */
	M_FAULT = 0x180,	/* fault wrapper */
	M_RELA = 0x200,
	M_DYN = 0x300,
	M_DATA = 0x400,
	M_SHSTR = 0x480,
	M_SHDR = 0x500,
	M_NRELA = 3,
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void die_ssl(const char *what)
{
	fprintf(stderr, "tdx-mkfixture: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "tdx-mkfixture: out of memory\n");
		exit(1);
	}
	return p;
}

static void reverse(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = src[len - 1 - i];
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "tdx-mkfixture: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static int genkey(const char *path)
{
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;
	FILE *f;

	if (!pctx || EVP_PKEY_keygen_init(pctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(pctx, (int)KEY_BYTES * 8) <= 0 ||
	    EVP_PKEY_generate(pctx, &pkey) <= 0)
		die_ssl("RSA-3072 key generation");
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "tdx-mkfixture: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL))
		die_ssl("PEM_write_PrivateKey");
	if (fclose(f) != 0) {
		fprintf(stderr, "tdx-mkfixture: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	return 0;
}

/* Load the key and check it is what a sigstruct can hold: RSA-3072 with e = 65537. */
static EVP_PKEY *key_load(const char *path, uint8_t modulus_le[KEY_BYTES])
{
	BIGNUM *n = NULL, *e = NULL;
	EVP_PKEY *pkey;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "tdx-mkfixture: cannot read %s: %s\n", path, strerror(errno));
		exit(1);
	}
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!pkey)
		die_ssl("PEM_read_PrivateKey");
	if (!EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_get_bits(pkey) != (int)KEY_BYTES * 8 ||
	    !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) || !BN_is_word(e, 65537)) {
		fprintf(stderr, "tdx-mkfixture: %s is not an RSA-3072 key with e = 65537\n", path);
		exit(1);
	}
	if (BN_bn2lebinpad(n, modulus_le, KEY_BYTES) != (int)KEY_BYTES)
		die_ssl("BN_bn2lebinpad");
	BN_free(n);
	BN_free(e);
	return pkey;
}

static void sha384(const uint8_t *buf, size_t len, uint8_t out[48])
{
	unsigned int n = 48;

	if (!EVP_Digest(buf, len, out, &n, EVP_sha384(), NULL))
		die_ssl("SHA-384");
}

static int print_key_hash(const char *key_path)
{
	uint8_t modulus[KEY_BYTES], hash[48];
	EVP_PKEY *pkey = key_load(key_path, modulus);

	sha384(modulus, sizeof(modulus), hash);
	for (size_t i = 0; i < sizeof(hash); i++)
		printf("%02x", hash[i]);
	printf("\n");
	EVP_PKEY_free(pkey);
	return 0;
}

static void elf_shdr(uint8_t *p, uint32_t name, uint32_t type, uint64_t flags, uint64_t off,
		     uint64_t size, uint64_t align, uint64_t entsize)
{
	put32(p + offsetof(Elf64_Shdr, sh_name), name);
	put32(p + offsetof(Elf64_Shdr, sh_type), type);
	put64(p + offsetof(Elf64_Shdr, sh_flags), flags);
	put64(p + offsetof(Elf64_Shdr, sh_addr), off);
	put64(p + offsetof(Elf64_Shdr, sh_offset), off);
	put64(p + offsetof(Elf64_Shdr, sh_size), size);
	put64(p + offsetof(Elf64_Shdr, sh_addralign), align);
	put64(p + offsetof(Elf64_Shdr, sh_entsize), entsize);
}

static void elf_phdr(uint8_t *p, uint32_t type, uint32_t flags, uint64_t off, uint64_t size,
		     uint64_t align)
{
	put32(p + offsetof(Elf64_Phdr, p_type), type);
	put32(p + offsetof(Elf64_Phdr, p_flags), flags);
	put64(p + offsetof(Elf64_Phdr, p_offset), off);
	put64(p + offsetof(Elf64_Phdr, p_vaddr), off);
	put64(p + offsetof(Elf64_Phdr, p_paddr), off);
	put64(p + offsetof(Elf64_Phdr, p_filesz), size);
	put64(p + offsetof(Elf64_Phdr, p_memsz), size);
	put64(p + offsetof(Elf64_Phdr, p_align), align);
}

/*
 * A minimal but real ELF64 x86-64 shared object: ELF header, a LOAD and a DYNAMIC program header,
 * .text (entry and fault wrapper), .rela.dyn with R_X86_64_RELATIVE entries that patch .data,
 * .dynamic, .data, .shstrtab and the section headers; the rest of the pages is 0xF4 (hlt).
 */
static uint8_t *module_build(const struct fixture_opts *o, size_t *len)
{
	unsigned int pages = o->pages;
	static const char shstr[] = "\0.text\0.rela.dyn\0.dynamic\0.data\0.shstrtab";
	enum { N_TEXT = 1, N_RELA = 7, N_DYN = 17, N_DATA = 26, N_SHSTR = 32 };
	static const uint8_t entry_code[] = { 0xf3, 0x90, 0xeb, 0xfc };	/* pause; jmp */
	static const uint8_t fault_code[] = { 0x0f, 0x0b };		/* ud2 */
	size_t size = (size_t)pages * PAGE;
	uint8_t *m = xcalloc(size, 1);
	uint8_t *eh = m, *sh;

	memset(m, 0xf4, size);
	memset(m, 0, M_PHDR + 2 * sizeof(Elf64_Phdr));
	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = ELFCLASS64;
	eh[EI_DATA] = ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	eh[EI_OSABI] = ELFOSABI_NONE;
	put16(eh + offsetof(Elf64_Ehdr, e_type), ET_DYN);
	put16(eh + offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	put32(eh + offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
	put64(eh + offsetof(Elf64_Ehdr, e_entry), M_TEXT);
	put64(eh + offsetof(Elf64_Ehdr, e_phoff), M_PHDR);
	put64(eh + offsetof(Elf64_Ehdr, e_shoff), M_SHDR);
	put16(eh + offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr));
	put16(eh + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr));
	put16(eh + offsetof(Elf64_Ehdr, e_phnum), 2);
	put16(eh + offsetof(Elf64_Ehdr, e_shentsize), sizeof(Elf64_Shdr));
	put16(eh + offsetof(Elf64_Ehdr, e_shnum), 6);
	put16(eh + offsetof(Elf64_Ehdr, e_shstrndx), 5);

	elf_phdr(m + M_PHDR, PT_LOAD, PF_R | PF_W | PF_X, 0, size, PAGE);
	elf_phdr(m + M_PHDR + sizeof(Elf64_Phdr), PT_DYNAMIC, PF_R | PF_W, M_DYN,
		 5 * sizeof(Elf64_Dyn), 8);

	/* The version, for the emulated host (kernel/README.md): each release has its own bytes. */
	if (!o->no_marker)
		snprintf((char *)m + M_MARKER, M_TEXT - M_MARKER, "tdx_host_sim:version=%u.%u.%02u",
			 o->major, o->minor, o->update);
	memcpy(m + M_TEXT, entry_code, sizeof(entry_code));
	memcpy(m + M_FAULT, fault_code, sizeof(fault_code));

	for (unsigned int i = 0; i < M_NRELA; i++) {
		uint8_t *r = m + M_RELA + i * sizeof(Elf64_Rela);

		put64(r + offsetof(Elf64_Rela, r_offset), M_DATA + 8 * i);
		put64(r + offsetof(Elf64_Rela, r_info), ELF64_R_INFO(0, R_X86_64_RELATIVE));
		put64(r + offsetof(Elf64_Rela, r_addend), i ? M_FAULT : M_TEXT);
	}

	static const uint64_t dyn[][2] = {
		{ DT_RELA, M_RELA }, { DT_RELASZ, M_NRELA * sizeof(Elf64_Rela) },
		{ DT_RELAENT, sizeof(Elf64_Rela) }, { DT_RELACOUNT, M_NRELA }, { DT_NULL, 0 },
	};
	for (size_t i = 0; i < 5; i++) {
		put64(m + M_DYN + 16 * i, dyn[i][0]);
		put64(m + M_DYN + 16 * i + 8, dyn[i][1]);
	}
	memset(m + M_DATA, 0, 8 * M_NRELA);
	memcpy(m + M_SHSTR, shstr, sizeof(shstr));

	sh = m + M_SHDR;
	memset(sh, 0, 6 * sizeof(Elf64_Shdr));
	elf_shdr(sh + 1 * sizeof(Elf64_Shdr), N_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
		 M_TEXT, M_RELA - M_TEXT, 16, 0);
	elf_shdr(sh + 2 * sizeof(Elf64_Shdr), N_RELA, SHT_RELA, SHF_ALLOC, M_RELA,
		 M_NRELA * sizeof(Elf64_Rela), 8, sizeof(Elf64_Rela));
	elf_shdr(sh + 3 * sizeof(Elf64_Shdr), N_DYN, SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, M_DYN,
		 5 * sizeof(Elf64_Dyn), 8, sizeof(Elf64_Dyn));
	elf_shdr(sh + 4 * sizeof(Elf64_Shdr), N_DATA, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, M_DATA,
		 8 * M_NRELA, 8, 0);
	elf_shdr(sh + 5 * sizeof(Elf64_Shdr), N_SHSTR, SHT_STRTAB, 0, M_SHSTR, sizeof(shstr), 1,
		 0);
	put64(sh + 5 * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_addr), 0);
	/* .dynamic names no strings; link it to a string table all the same, as readelf wants. */
	put32(sh + 3 * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_link), 5);

	*len = size;
	return m;
}

/* Fill every sigstruct field, then sign the header and body with the key. */
static void sigstruct_build(const struct fixture_opts *o, EVP_PKEY *pkey,
			    const uint8_t modulus[KEY_BYTES], const uint8_t *module,
			    size_t module_len, uint8_t s[SIG_SIZE])
{
	uint8_t msg[128 + (SIG_SIZE - 0x384)], sig_be[KEY_BYTES];
	size_t sig_len = sizeof(sig_be);
	bool v2 = o->major >= 2;
	EVP_MD_CTX *md;

	memset(s, 0, SIG_SIZE);
	put32(s + 0x000, 0x00000006);
	put32(s + 0x004, 0x000000e1);
	put32(s + 0x008, 0x00010000);
	put32(s + 0x00c, o->debug ? 0x80000000u : 0);
	put32(s + 0x010, 0x00008086);
	put32(s + 0x014, o->date);
	put32(s + 0x018, 0x200);
	put32(s + 0x01c, 0x60);
	put32(s + 0x020, 0x60);
	put32(s + 0x024, 0x1);
	memcpy(s + 0x080, modulus, KEY_BYTES);
	put32(s + 0x200, 65537);
	sha384(module, module_len, s + 0x384);
	s[0x3b4] = (uint8_t)o->svn_minor;
	s[0x3b5] = (uint8_t)o->svn_major;
	put32(s + 0x3be, M_TEXT);
	s[0x3c2] = 1;				/* num_stack_pages */
	s[0x3c3] = 1;				/* num_tls_pages */
	put16(s + 0x3c4, 0x7f);			/* num_keyhole_pages */
	put16(s + 0x3c6, v2 ? 0x21 : 0x15);	/* num_global_data_pages */
	put16(s + 0x3d8, (uint16_t)o->module_hv);
	put16(s + 0x3da, (uint16_t)o->min_update_hv);
	put16(s + 0x3de, v2 ? 0x18 : 0x0d);	/* num_handoff_pages */
	if (module_len >= 2 * PAGE) {
		put32(s + 0x3e0, PAGE);		/* gdt_idt_offset: the second page */
		put32(s + 0x3e4, M_FAULT);
	}
	if (v2) {
		put16(s + 0x3e8, (uint16_t)o->update);
		s[0x3ea] = (uint8_t)o->minor;
		s[0x3eb] = (uint8_t)o->major;
		put32(s + 0x3ec, o->build);
	}
	/* Bytes the signer chose: inside the signed range they stay covered by the signature. */
	for (unsigned int i = 0; i < o->n_bytes; i++)
		s[o->bytes[i].off] = o->bytes[i].value;
	put32(s + 0x400, o->cpuid_count);
	for (unsigned int i = 0; i < o->cpuid_count; i++)
		put32(s + 0x404 + 4 * i, o->cpuid[i]);

	memcpy(msg, s, 128);
	memcpy(msg + 128, s + 0x384, SIG_SIZE - 0x384);
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, pkey) <= 0 ||
	    EVP_DigestSign(md, sig_be, &sig_len, msg, sizeof(msg)) <= 0 || sig_len != KEY_BYTES)
		die_ssl("RSA-3072 PKCS#1 v1.5 SHA-384 signing");
	EVP_MD_CTX_free(md);
	reverse(s + 0x204, sig_be, KEY_BYTES);
}

/* 16-bit little-endian word sum, carries dropped, an odd last byte counting as a low byte. */
static uint16_t checksum16(const uint8_t *buf, size_t len)
{
	uint16_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum = (uint16_t)(sum + (buf[i] | buf[i + 1] << 8));
	if (i < len)
		sum = (uint16_t)(sum + buf[i]);
	return sum;
}

static void container_write(const struct fixture_opts *o, const uint8_t sig[SIG_SIZE],
			    const uint8_t *module, size_t module_len)
{
	size_t len = 2 * PAGE + module_len;
	uint8_t *img = xcalloc(len, 1);

	memcpy(img + PAGE, sig, SIG_SIZE);
	memcpy(img + 2 * PAGE, module, module_len);
	if (o->format == FMT_BLOB) {
		put16(img, 0x100);
		put32(img + 4, 2 * PAGE);
		memcpy(img + 8, "TDX-BLOB", 8);
		put32(img + 16, (uint32_t)len);
	} else {
		put16(img, 0x200);
		memcpy(img + 4, "TDX-BLOB", 8);
		put32(img + 12, 1);
		put32(img + 16, (uint32_t)(module_len / PAGE));
	}
	put16(img + 2, (uint16_t)(0 - checksum16(img, len)));
	write_file(o->out, img, len);
	free(img);
}

static void pair_write(const struct fixture_opts *o, const uint8_t sig[SIG_SIZE],
		       const uint8_t *module, size_t module_len)
{
	size_t n = strlen(o->out) + sizeof(".sigstruct");
	char *path = xcalloc(n, 1);

	snprintf(path, n, "%s.bin", o->out);
	write_file(path, module, module_len);
	snprintf(path, n, "%s.sigstruct", o->out);
	write_file(path, sig, SIG_SIZE);
	free(path);
}

static int make_fixture(struct fixture_opts *o)
{
	uint8_t modulus[KEY_BYTES], sig[SIG_SIZE];
	EVP_PKEY *pkey = key_load(o->key_path, modulus);
	size_t module_len;
	uint8_t *module = module_build(o, &module_len);

	sigstruct_build(o, pkey, modulus, module, module_len, sig);
	if (o->format == FMT_PAIR)
		pair_write(o, sig, module, module_len);
	else
		container_write(o, sig, module, module_len);
	free(module);
	EVP_PKEY_free(pkey);
	return 0;
}

static bool parse_uint(const char *s, int base, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* "A.B" or "A.B.C" of bounded decimal numbers. */
static int parse_dotted(const char *s, unsigned long *parts, const unsigned long *max, int n)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int i = 0, ok = 1;

	if (!copy)
		return 0;
	for (tok = strtok_r(copy, ".", &save); tok; tok = strtok_r(NULL, ".", &save), i++)
		if (i >= n || !parse_uint(tok, 10, max[i], &parts[i]))
			ok = 0;
	free(copy);
	return ok && i == n;
}

static int parse_cpuid(const char *s, struct fixture_opts *o)
{
	char *copy = strdup(s), *save = NULL, *tok;
	unsigned long v;
	int ok = 1;

	if (!copy)
		return 0;
	o->cpuid_count = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->cpuid_count == MAX_CPUID || !parse_uint(tok, 16, UINT32_MAX, &v) || !v) {
			ok = 0;
			break;
		}
		o->cpuid[o->cpuid_count++] = (uint32_t)v;
	}
	free(copy);
	return ok && o->cpuid_count;
}

/* YYYYMMDD as decimal digits becomes the BCD value 0xYYYYMMDD. */
static int parse_date(const char *s, uint32_t *date)
{
	unsigned long v;

	if (strlen(s) != 8 || strspn(s, "0123456789") != 8 || !parse_uint(s, 16, UINT32_MAX, &v))
		return 0;
	*date = (uint32_t)v;
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tdx-mkfixture --genkey KEY.pem\n"
		"       tdx-mkfixture --key KEY.pem --print-key-hash\n"
		"       tdx-mkfixture --key KEY.pem [--version X.Y.ZZ] [--svn MAJOR.MINOR]\n"
		"                     [--cpuid HEX[,HEX...]] [--debug] [--pages N]\n"
		"                     [--handoff HV,MINHV] [--date YYYYMMDD] [--build N]\n"
		"                     [--sigstruct-byte OFFSET=VALUE]...\n"
		"                     [--format 0x200|0x100|pair] [--no-marker] -o OUT\n");
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "tdx-mkfixture: invalid %s: '%s'\n", what, arg ? arg : "");
	usage(stderr);
	return EX_USAGE;
}

static void defaults_fill(struct fixture_opts *o)
{
	static const uint32_t cpuid_v1[] = { 0x806f8, 0xc06f0, 0xa06f0 };
	static const uint32_t cpuid_v2[] = { 0xa06d0 };

	if (o->svn_major < 0) {
		o->svn_major = o->major >= 2 ? 3 : 1;
		o->svn_minor = (int)(o->update & 0xff);
	}
	if (!o->cpuid_count) {
		const uint32_t *t = o->major >= 2 ? cpuid_v2 : cpuid_v1;

		o->cpuid_count = o->major >= 2 ? 1 : 3;
		memcpy(o->cpuid, t, o->cpuid_count * sizeof(*t));
	}
}

int main(int argc, char **argv)
{
	enum { O_GENKEY = 256, O_KEY, O_HASH, O_VERSION, O_SVN, O_CPUID, O_DEBUG, O_PAGES,
	       O_HANDOFF, O_DATE, O_FORMAT, O_BUILD, O_SIGBYTE, O_NO_MARKER };
	static const struct option longopts[] = {
		{ "genkey", required_argument, NULL, O_GENKEY },
		{ "key", required_argument, NULL, O_KEY },
		{ "print-key-hash", no_argument, NULL, O_HASH },
		{ "version", required_argument, NULL, O_VERSION },
		{ "svn", required_argument, NULL, O_SVN },
		{ "cpuid", required_argument, NULL, O_CPUID },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "pages", required_argument, NULL, O_PAGES },
		{ "handoff", required_argument, NULL, O_HANDOFF },
		{ "date", required_argument, NULL, O_DATE },
		{ "build", required_argument, NULL, O_BUILD },
		{ "sigstruct-byte", required_argument, NULL, O_SIGBYTE },
		{ "no-marker", no_argument, NULL, O_NO_MARKER },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const unsigned long vmax[] = { 255, 255, 65535 }, hvmax[] = { 65535, 65535 };
	struct fixture_opts o = {
		.major = 1, .minor = 5, .update = 8, .svn_major = -1, .svn_minor = -1,
		.pages = 2, .date = 0x20250601, .format = FMT_IMAGE,
	};
	const char *genkey_path = NULL;
	bool want_hash = false, svn_set = false;
	unsigned long parts[3], v;
	char *comma;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_GENKEY:
			genkey_path = optarg;
			break;
		case O_KEY:
			o.key_path = optarg;
			break;
		case O_HASH:
			want_hash = true;
			break;
		case O_VERSION:
			if (!parse_dotted(optarg, parts, vmax, 3))
				return usage_error("version", optarg);
			o.major = (unsigned int)parts[0];
			o.minor = (unsigned int)parts[1];
			o.update = (unsigned int)parts[2];
			break;
		case O_SVN:
			if (!parse_dotted(optarg, parts, vmax, 2))
				return usage_error("svn", optarg);
			o.svn_major = (int)parts[0];
			o.svn_minor = (int)parts[1];
			svn_set = true;
			break;
		case O_CPUID:
			if (!parse_cpuid(optarg, &o))
				return usage_error("cpuid list", optarg);
			break;
		case O_DEBUG:
			o.debug = true;
			break;
		case O_PAGES:
			if (!parse_uint(optarg, 10, MAX_PAGES, &v) || !v)
				return usage_error("page count", optarg);
			o.pages = (unsigned int)v;
			break;
		case O_HANDOFF:
			comma = strchr(optarg, ',');
			if (!comma)
				return usage_error("handoff versions", optarg);
			*comma = '.';
			if (!parse_dotted(optarg, parts, hvmax, 2))
				return usage_error("handoff versions", optarg);
			o.module_hv = (unsigned int)parts[0];
			o.min_update_hv = (unsigned int)parts[1];
			break;
		case O_DATE:
			if (!parse_date(optarg, &o.date))
				return usage_error("date", optarg);
			break;
		case O_BUILD:
			if (!parse_uint(optarg, 10, UINT32_MAX, &v))
				return usage_error("build number", optarg);
			o.build = (unsigned int)v;
			break;
		case O_SIGBYTE:
			/* OFFSET=VALUE, both hex (0x optional): a sigstruct byte, set before signing */
			comma = strchr(optarg, '=');
			if (!comma || o.n_bytes == sizeof(o.bytes) / sizeof(o.bytes[0]))
				return usage_error("sigstruct byte (OFFSET=VALUE, at most 32)", optarg);
			*comma = '\0';
			if (!parse_uint(optarg, 16, SIG_SIZE - 1, &v))
				return usage_error("sigstruct byte offset", optarg);
			o.bytes[o.n_bytes].off = (unsigned int)v;
			if (!parse_uint(comma + 1, 16, 255, &v))
				return usage_error("sigstruct byte value", comma + 1);
			o.bytes[o.n_bytes++].value = (uint8_t)v;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "0x200") == 0)
				o.format = FMT_IMAGE;
			else if (strcmp(optarg, "0x100") == 0)
				o.format = FMT_BLOB;
			else if (strcmp(optarg, "pair") == 0)
				o.format = FMT_PAIR;
			else
				return usage_error("format", optarg);
			break;
		case O_NO_MARKER:
			o.no_marker = true;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc)
		return usage_error("argument", argv[optind]);
	if (genkey_path)
		return genkey(genkey_path);
	if (!o.key_path)
		return usage_error("options", "--key is required");
	if (want_hash)
		return print_key_hash(o.key_path);
	if (!o.out)
		return usage_error("options", "-o OUT is required");
	if (!svn_set && o.update > 255)
		return usage_error("svn (update above 255: give --svn)", "");
	defaults_fill(&o);
	return make_fixture(&o);
}
