/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure layer of libtdxctl (lib/format, its own archive, libtdxctl-format.a): outcomes and
 * reports, versions, the sigstruct, images parsed, verified and built, Intel's mapping file,
 * the compatibility rules, the text of sysfs and proc files, the sysfs layouts, the retry
 * policy. Nothing declared here does I/O or reads the host's state: each result depends on the
 * arguments only (tests/lint/check-pure.sh proves it on the archive), and this header includes
 * no header that declares a host function.
 */
#ifndef LIBTDXCTL_FORMAT_H
#define LIBTDXCTL_FORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tdx-ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TDX_PAGE_SIZE		4096u
#define TDX_SIGSTRUCT_SIZE	2048u
#define TDX_SHA384_LEN		48u
#define TDX_SHA256_LEN		32u
#define TDX_MODULE_MAX_PAGES	496u
#define TDX_SIGSTRUCT_MAX_PAGES	1u	/* what mainline accepts */
/* The largest legal image: header + one sigstruct page + 496 module pages. */
#define TDX_IMAGE_MAX_SIZE	(TDX_PAGE_SIZE * (1 + TDX_SIGSTRUCT_MAX_PAGES + TDX_MODULE_MAX_PAGES))
/* Files are read up to this size so that an oversized one still gets a precise message. */
#define TDX_READ_MAX_SIZE	(TDX_PAGE_SIZE * (1 + 4 + TDX_MODULE_MAX_PAGES))

#define TDX_BLOB_FORMAT		0x100u	/* Intel's published blobs */
#define TDX_IMAGE_FORMAT	0x200u	/* what mainline accepts */

/* ---- outcomes: the error taxonomy (outcome.c) --------------------------------------------- */

/*
 * What an operation came to, in the terms a caller acts on. cli/ maps these to exit codes in
 * one place; lib/ never decides an exit code.
 */
enum tdx_outcome {
	TDX_OUTCOME_OK = 0,		/* done, or nothing to do */
	TDX_OUTCOME_INVALID_IMAGE,	/* the image fails a check */
	TDX_OUTCOME_INPUT,		/* an input cannot be read */
	TDX_OUTCOME_UNAVAILABLE,	/* not possible on this host, for a lasting reason */
	TDX_OUTCOME_RETRY,		/* nothing changed; try again later */
	TDX_OUTCOME_PERMISSION,		/* needs privileges the caller lacks */
	TDX_OUTCOME_REJECTED,		/* kernel or loader refused; running module intact */
	TDX_OUTCOME_LOST,		/* the running module is gone: reboot required */
	TDX_OUTCOME_OUTPUT,		/* an output file cannot be written */
	TDX_OUTCOME_FAILED,		/* anything else */
	TDX_OUTCOME_INTERRUPTED,	/* a signal ended it before anything was changed */
};

const char *tdx_outcome_name(enum tdx_outcome outcome);
bool tdx_outcome_retryable(enum tdx_outcome outcome);

/* Whose object a library call failed on: the same errno means different things for each. */
enum tdx_errno_site {
	TDX_ERRNO_INPUT = 0,	/* reading a file or folder the caller named: image, mapping, ... */
	TDX_ERRNO_HOST,		/* the host's own state: run folder, lock, TD-build gate, sysfs */
	TDX_ERRNO_OUTPUT,	/* writing a file the caller named */
	TDX_ERRNO_WORK,		/* the library's own work on data in memory: verify, build */
};

/*
 * The one mapping from a library call's negative errno to an outcome, so that an errno gives
 * the same exit code whichever command met it. Everywhere: 0 OK, -ENOMEM FAILED, -EINTR
 * INTERRUPTED. INPUT and WORK: -EBADMSG INVALID_IMAGE (a check failed). HOST: -EACCES,
 * -EPERM, -EROFS PERMISSION; -EBUSY, -EAGAIN, -EALREADY, -ETIMEDOUT RETRY (someone else holds
 * it; nothing changed). Anything else: INPUT, FAILED, OUTPUT, FAILED respectively (sysexits:
 * an input that is missing or unreadable, permissions included, is an input error).
 */
enum tdx_outcome tdx_outcome_from_errno(int err, enum tdx_errno_site site);

/* ---- reports: named checks with results (report.c) ----------------------------------------- */

enum tdx_check_status {
	TDX_CHECK_PASS = 0,
	TDX_CHECK_WARN,
	TDX_CHECK_FAIL,
	TDX_CHECK_SKIP,		/* not run because an earlier check it depends on failed */
};

/*
 * Every check has a stable identifier (e.g. "container.magic") and the outcome its failure
 * stands for. The catalogue lives in lib/checks.def; it is also the table the man page
 * documents, and a test keeps the two in step.
 */
enum tdx_check_id {
#define TDX_CHECK(sym, name, outcome, evidence) TDX_CHK_##sym,
#include "checks.def"
#undef TDX_CHECK
	TDX_CHK__COUNT
};

/* Where a check's rule comes from (checks.def explains each); names as in tdx_evidence_name(). */
enum tdx_evidence {
	TDX_EVIDENCE_KERNEL = 0,	/* "kernel": the kernel's own code */
	TDX_EVIDENCE_SPEC,		/* "spec": a document Intel published */
	TDX_EVIDENCE_TOOL,		/* "tool": Intel's selection tool and mapping file */
	TDX_EVIDENCE_OBSERVED,		/* "observed": inferred from samples; warns, never fails */
};

const char *tdx_check_name(enum tdx_check_id id);
enum tdx_outcome tdx_check_outcome(enum tdx_check_id id);
enum tdx_evidence tdx_check_evidence(enum tdx_check_id id);
const char *tdx_evidence_name(enum tdx_evidence evidence);
/* Look a check up by its stable name; -ENOENT when there is none. */
int tdx_check_lookup(const char *name, enum tdx_check_id *id);
const char *tdx_check_status_name(enum tdx_check_status status);

/*
 * What a check result found, as facts (lib/findings/ is the catalogue): the library never words
 * a result; the front end has a template per finding and fills it with the facts.
 */
enum tdx_finding {
#define TDX_FINDING(sym, ...) TDX_FND_##sym,
#include "findings/common.def"
#include "findings/image.def"
#include "findings/sigstruct.def"
#include "findings/rules.def"
#undef TDX_FINDING
	TDX_FND__COUNT
};

/* The most facts a finding has (a TCB level with its advisories: 11). */
#define TDX_FACT_MAX	12

enum tdx_fact_type {
	TDX_FACT_U64 = 0,	/* a number: @u */
	TDX_FACT_STR,		/* a string: @s, NUL-terminated (bytes from a file: escape them) */
	TDX_FACT_BYTES,		/* raw bytes: @s, @n of them (at most TDX_FACT_BYTES_MAX) */
	TDX_FACT_FINDING,	/* another finding, without facts: @u is its enum tdx_finding */
	TDX_FACT_LIST,		/* @n facts at @items (at most TDX_FACT_LIST_MAX): below */
};

#define TDX_FACT_BYTES_MAX	64
/*
 * A list is data of no fixed length (the TD builds, a release's P-SEAMLDR minimums), never a
 * string to split again. An item may itself be a list of other facts, a record (a build's
 * name, state and number); a record holds no list. lib/findings/ says what each list holds.
 */
#define TDX_FACT_LIST_MAX	32

struct tdx_fact {
	enum tdx_fact_type type;
	uint64_t u;
	const char *s;
	size_t n;
	const struct tdx_fact *items;
};

#define TDX_FACT_U(x)	((struct tdx_fact){ .type = TDX_FACT_U64, .u = (uint64_t)(x) })
#define TDX_FACT_S(x)	((struct tdx_fact){ .type = TDX_FACT_STR, .s = (x) })
#define TDX_FACT_B(p, len) \
	((struct tdx_fact){ .type = TDX_FACT_BYTES, .s = (const char *)(p), .n = (len) })
#define TDX_FACT_F(f)	((struct tdx_fact){ .type = TDX_FACT_FINDING, .u = (uint64_t)(f) })
#define TDX_FACT_L(p, len) \
	((struct tdx_fact){ .type = TDX_FACT_LIST, .items = (p), .n = (len) })

const char *tdx_finding_name(enum tdx_finding finding);
/* Look a finding up by its stable name; -ENOENT when there is none. */
int tdx_finding_lookup(const char *name, enum tdx_finding *finding);
/* How many facts @finding carries, and the name of fact @k ("" past the last). */
size_t tdx_finding_fact_count(enum tdx_finding finding);
const char *tdx_finding_fact_name(enum tdx_finding finding, size_t k);

struct tdx_report;

int tdx_report_new(struct tdx_report **report);
void tdx_report_free(struct tdx_report *report);
/*
 * A failure of a check graded TDX_EVIDENCE_OBSERVED is recorded as a warning (with
 * TDX_REMEDY_STRICT), unless the report is strict: then it stays a failure. Applies to results
 * added afterwards.
 */
void tdx_report_set_strict(struct tdx_report *report, bool strict);
bool tdx_report_get_strict(const struct tdx_report *report);
/* The status @status of check @id is recorded as in @report (NULL: not strict). */
enum tdx_check_status tdx_report_grade(const struct tdx_report *report, enum tdx_check_id id,
				       enum tdx_check_status status);
/*
 * Record one result as a finding and its facts (copied, lists item by item): the field, the
 * value found and the value expected, exactly as many facts as the catalogue names (-EINVAL
 * otherwise, so that a template never reads a fact that is not there, and for a list longer
 * than TDX_FACT_LIST_MAX or a record holding a list); how it was graded is a fact beside it
 * (tdx_report_observed()). The front end words all of it. Use tdx_report_fact(), which counts
 * the facts.
 */
int tdx_report_factv(struct tdx_report *report, enum tdx_check_id id,
		     enum tdx_check_status status, enum tdx_finding finding,
		     const struct tdx_fact *facts, size_t n);
#define tdx_report_fact(report, id, status, finding, ...)				\
	tdx_report_factv((report), (id), (status), (finding),				\
			 (const struct tdx_fact[]){ __VA_ARGS__ },			\
			 sizeof((const struct tdx_fact[]){ __VA_ARGS__ }) /		\
			 sizeof(struct tdx_fact))
/* Record result @i of @src again in @report, with its finding, facts and remedies, as @status. */
int tdx_report_copy(struct tdx_report *report, const struct tdx_report *src, size_t i,
		    enum tdx_check_status status);
size_t tdx_report_count(const struct tdx_report *report);
enum tdx_check_id tdx_report_id(const struct tdx_report *report, size_t i);
enum tdx_check_status tdx_report_status(const struct tdx_report *report, size_t i);
enum tdx_finding tdx_report_finding(const struct tdx_report *report, size_t i);
size_t tdx_report_fact_count(const struct tdx_report *report, size_t i);
/* Fact @k of result @i; NULL past the last. */
const struct tdx_fact *tdx_report_fact_get(const struct tdx_report *report, size_t i, size_t k);
/*
 * Result @i failed a rule of TDX_EVIDENCE_OBSERVED: a warning (with TDX_REMEDY_STRICT) unless
 * the report was strict, then a failure; tdx_report_status() says which.
 */
bool tdx_report_observed(const struct tdx_report *report, size_t i);
size_t tdx_report_count_status(const struct tdx_report *report, enum tdx_check_status status);
/* The first failed check, or -ENOENT when nothing failed. */
int tdx_report_first_failure(const struct tdx_report *report, size_t *index);
/* The outcome of the first failed check; TDX_OUTCOME_OK when nothing failed. */
enum tdx_outcome tdx_report_outcome(const struct tdx_report *report);

/*
 * What the caller could do about a result, as flags for a front end to word with its own
 * options: library messages name no command-line option (tdxctl words these in cli/output.c,
 * "--version X.Y.ZZ" and the like, and appends them to the message in this order).
 */
enum tdx_remedy {
	TDX_REMEDY_NAME_VERSION		= 1u << 0,	/* say which module version the image is */
	TDX_REMEDY_REINSTALL		= 1u << 1,	/* ask for the running version again */
	TDX_REMEDY_GIVE_MAPPING		= 1u << 2,	/* give Intel's mapping file */
	TDX_REMEDY_RELEASE_MAPPING	= 1u << 3,	/* give the mapping file of that release */
	TDX_REMEDY_ALLOW_DEBUG		= 1u << 4,	/* allow a debug-signed module */
	TDX_REMEDY_LOAD_MODULE		= 1u << 5,	/* let the tool load the kernel module */
	TDX_REMEDY_MODULE_NAME		= 1u << 6,	/* name the kernel module to use */
	TDX_REMEDY_STRICT		= 1u << 7,	/* strict checking refuses this finding */
	TDX_REMEDY_WAIT_BUILDS		= 1u << 8,	/* let an update wait longer for TD builds */
	TDX_REMEDY_SEE_STATUS		= 1u << 9,	/* look at the host's state before acting */
	TDX_REMEDY_RUN_DIR_OWNER	= 1u << 10,	/* make the run folder root's, mode 0755 */
	TDX_REMEDY_MAPPING_OWNER	= 1u << 11,	/* make the mapping file root's, or name one */
	TDX_REMEDY_RETRY_LATER		= 1u << 12,	/* the same again later may go ahead */
	TDX_REMEDY_REBOOT		= 1u << 13,	/* only a reboot brings TDX back */
	TDX_REMEDY_KERNEL_LOG		= 1u << 14,	/* the kernel log may say why */
	TDX_REMEDY_STATUS_IDLE		= 1u << 15,	/* look again when the upload device is idle */
	TDX_REMEDY_STATUS_FREE		= 1u << 16,	/* look again when the update lock is free */
	TDX_REMEDY_BUILDS_END		= 1u << 17,	/* look again when the TD builds have ended */
};

/* Add @remedies (enum tdx_remedy flags) to the result recorded last; none recorded: nothing. */
void tdx_report_add_remedy(struct tdx_report *report, unsigned int remedies);
/* The remedies of result @i (0: none). */
unsigned int tdx_report_remedies(const struct tdx_report *report, size_t i);

/* ---- versions (version.c) ----------------------------------------------------------------- */

/* A TDX module or P-SEAMLDR version, "major.minor.update" (update printed with two digits). */
struct tdx_version {
	unsigned int major;
	unsigned int minor;
	unsigned int update;
};

#define TDX_VERSION_STRLEN	16	/* "255.255.65535" and a NUL fit */

/* Strict parse of "X.Y.ZZ" with an optional trailing newline (as sysfs prints it). */
int tdx_version_parse(const char *s, struct tdx_version *v);
int tdx_version_cmp(const struct tdx_version *a, const struct tdx_version *b);
bool tdx_version_same_line(const struct tdx_version *a, const struct tdx_version *b);
/* Formats as the kernel does ("%u.%u.%02u"); returns buf. */
char *tdx_version_format(const struct tdx_version *v, char *buf, size_t size);
/* The version in an Intel file name "tdx_module_X.Y.ZZ[.blob|.bin|...]"; -ENOENT if none. */
int tdx_version_from_filename(const char *path, struct tdx_version *v);

/* ---- the SEAM sigstruct (sigstruct.c) ----------------------------------------------------- */

#define TDX_CPUID_TABLE_MAX	255u
#define TDX_CPUID_STEPPING_MASK	0xfu	/* CPUID(1).EAX bits 3:0, masked when comparing CPUs */

/* The decoded fields of a 2048-byte SEAM sigstruct, in host byte order. */
struct tdx_sigstruct {
	uint32_t header_type;
	uint32_t header_length;
	uint32_t header_version;
	uint32_t module_type;
	uint32_t module_vendor;
	uint32_t date;
	uint32_t size;
	uint32_t key_size;
	uint32_t modulus_size;
	uint32_t exponent_size;
	uint32_t exponent;
	uint8_t modulus[384];		/* as stored: little-endian */
	uint8_t signature[384];		/* as stored: little-endian */
	uint8_t seamhash[TDX_SHA384_LEN];
	uint8_t svn_minor;
	uint8_t svn_major;
	uint64_t attributes;
	uint32_t rip_offset;
	uint8_t num_stack_pages;
	uint8_t num_tls_pages;
	uint16_t num_keyhole_pages;
	uint16_t num_global_data_pages;
	uint16_t max_tdmrs;
	uint16_t max_rsvd_per_tdmr;
	uint16_t pamt_entry_size_4k;
	uint16_t pamt_entry_size_2m;
	uint16_t pamt_entry_size_1g;
	uint16_t module_hv;
	uint16_t min_update_hv;
	uint8_t no_downgrade;
	uint16_t num_handoff_pages;
	uint32_t gdt_idt_offset;
	uint32_t fault_wrapper_offset;
	uint8_t reserved3[24];
	uint32_t cpuid_table_size;
	uint32_t cpuid_table[TDX_CPUID_TABLE_MAX];
};

#define TDX_SIGSTRUCT_DEBUG	(1u << 31)

/* Decode; never fails on content (checks are separate), only on a short buffer (-EINVAL). */
int tdx_sigstruct_parse(const uint8_t *buf, size_t len, struct tdx_sigstruct *sig);
bool tdx_sigstruct_is_debug(const struct tdx_sigstruct *sig);
/* The version a 2.x sigstruct carries in reserved3; -ENOENT when it carries none. */
int tdx_sigstruct_get_version(const struct tdx_sigstruct *sig, struct tdx_version *v,
			      unsigned int *build);
/* SHA-384 of the 384 modulus bytes as stored: what identifies the signer. */
int tdx_sigstruct_key_hash(const struct tdx_sigstruct *sig, uint8_t out[TDX_SHA384_LEN]);
/* Does the table list this CPUID(1).EAX? Stepping (bits 3:0) masked on both sides. */
bool tdx_sigstruct_supports_cpu(const struct tdx_sigstruct *sig, uint32_t cpuid_eax);
/* Intel's production signing key, as SHA-384 of the modulus bytes as stored. */
extern const uint8_t tdx_intel_key_hash[TDX_SHA384_LEN];

/* ---- images: the three forms, parsed and built (image.c) ---------------------------------- */

enum tdx_image_form {
	TDX_FORM_BLOB = 1,	/* Intel blob, format 0x100 */
	TDX_FORM_IMAGE,		/* kernel image, format 0x200 */
	TDX_FORM_PAIR,		/* module .bin + .sigstruct */
};

const char *tdx_image_form_name(enum tdx_image_form form);

struct tdx_image;

/*
 * Parse a blob (0x100) or a kernel image (0x200), detected from the bytes. Container checks go
 * to @report; when the container cannot be located at all, the failing check is recorded and
 * -EBADMSG returned. The image refers to @buf, which must outlive it.
 */
int tdx_image_parse(struct tdx_ctx *ctx, const uint8_t *buf, size_t len,
		    struct tdx_report *report, struct tdx_image **image);
/* The same for a module .bin and its .sigstruct. */
int tdx_image_parse_pair(struct tdx_ctx *ctx, const uint8_t *bin, size_t bin_len,
			 const uint8_t *sig, size_t sig_len, struct tdx_report *report,
			 struct tdx_image **image);

void tdx_image_free(struct tdx_image *image);

enum tdx_image_form tdx_image_get_form(const struct tdx_image *image);
/* 0x100 or 0x200 for the container forms, 0 for a pair. */
unsigned int tdx_image_get_format(const struct tdx_image *image);
/* The container's size in bytes; for a pair, the .bin and .sigstruct sizes added. */
size_t tdx_image_get_size(const struct tdx_image *image);
/*
 * The checksum field as stored, and whether the 16-bit word sum of the file is zero (0 and false
 * for a pair, which has no checksum).
 */
uint16_t tdx_image_get_checksum(const struct tdx_image *image);
bool tdx_image_checksum_ok(const struct tdx_image *image);
/* The 2048-byte sigstruct (*len = TDX_SIGSTRUCT_SIZE), and the pages it occupies (1 for a pair). */
const uint8_t *tdx_image_get_sigstruct(const struct tdx_image *image, size_t *len);
unsigned int tdx_image_get_sigstruct_pages(const struct tdx_image *image);
const uint8_t *tdx_image_get_module(const struct tdx_image *image, size_t *len);
unsigned int tdx_image_get_module_pages(const struct tdx_image *image);
const struct tdx_sigstruct *tdx_image_get_sigstruct_fields(const struct tdx_image *image);
int tdx_image_module_sha384(const struct tdx_image *image, uint8_t out[TDX_SHA384_LEN]);

struct tdx_verify_opts {
	const uint8_t *key_hash;	/* trusted signer; NULL: Intel's production key */
	bool allow_debug;		/* accept debug-signed modules */
	bool strict;			/* observed rules fail too (tdx_report_set_strict) */
};

/*
 * Run every offline check (sigstruct, signer, signature, seamhash, module ELF) and record each
 * in @report. Returns 0 when nothing failed (warnings allowed), -EBADMSG when a check failed
 * (here or in a container check of tdx_image_parse), another negative errno when a check could
 * not run (-ENOMEM). @opts may be NULL: Intel's production key, no debug modules.
 */
int tdx_image_verify(struct tdx_image *image, const struct tdx_verify_opts *opts,
		     struct tdx_report *report);

/*
 * Build the image in container format @format (0x100 or 0x200) into a new buffer, which the
 * caller frees. For 0x200 the checksum field follows the 0x100 rule (word sum zero).
 */
int tdx_image_build(const struct tdx_image *image, unsigned int format, uint8_t **buf,
		    size_t *len);

/* One piece of a built image: @len bytes at @data. */
struct tdx_image_part {
	const uint8_t *data;
	size_t len;
};
#define TDX_IMAGE_PARTS	3

/*
 * The same image as tdx_image_build(), as *@n (at most TDX_IMAGE_PARTS) pieces whose
 * concatenation is its *@len bytes: a new header page (with, for a pair, the padded sigstruct
 * page) in *@head, which the caller frees, then the sigstruct pages and the module where they
 * are in @image, which must outlive the parts. For sending an image without copying it.
 */
int tdx_image_build_parts(const struct tdx_image *image, unsigned int format, uint8_t **head,
			  struct tdx_image_part parts[TDX_IMAGE_PARTS], unsigned int *n,
			  size_t *len);

/* 16-bit little-endian word sum of @buf, carries dropped (an odd last byte is a low byte). */
uint16_t tdx_checksum16(const uint8_t *buf, size_t len);

/* ---- hex (hex.c) ------------------------------------------------------------------------- */

/* Exactly 2 * @len hex digits (either case) into @len bytes; -EINVAL otherwise. */
int tdx_hex_decode(const char *hex, uint8_t *out, size_t len);
/* Lower-case hex of @len bytes into @out, which holds 2 * @len + 1 bytes. */
void tdx_hex_encode(const uint8_t *in, size_t len, char *out);

/* ---- escaping bytes that are not ours (escape.c) ----------------------------------------- */

#define TDX_ESCAPE_KEEP_NEWLINE	0x1u	/* a text stream: '\n' passes (a log line escapes it) */
#define TDX_ESCAPE_KEEP_TAB	0x2u	/* '\t' passes */

/*
 * @len bytes as text safe for a terminal, a log or syslog, in a new string (NULL: no memory):
 * valid UTF-8 passes, except C0 controls, DEL and C1 controls, which become \e, \n, \t, \r or
 * \xNN (newline and tab pass when @flags say so); each byte of invalid UTF-8 becomes \xNN.
 */
char *tdx_escape(const char *s, size_t len, unsigned int flags);
/*
 * How many bytes at the end of @s are a UTF-8 sequence not finished yet (0 to 3): a stream
 * escaper keeps them for its next write instead of escaping half a character.
 */
size_t tdx_utf8_incomplete_tail(const char *s, size_t len);
/*
 * JSON text made valid UTF-8 for strict readers, in a new string: each invalid byte becomes
 * \ufffd, DEL and C1 controls \u00XX. Only valid on JSON text (where such bytes can only be in
 * strings), as json-c prints it.
 */
char *tdx_json_sanitize(const char *json, size_t len);
/* @s with each byte of invalid UTF-8 replaced by U+FFFD, in a new string (a JSON value). */
char *tdx_utf8_sanitize(const char *s);
struct json_object;
/*
 * A JSON string of @s made valid UTF-8 (tdx_utf8_sanitize: a file name is any bytes), or NULL,
 * which json-c adds as null, for NULL or "" (a field that has no value) or when out of memory.
 */
struct json_object *tdx_json_string_or_null(const char *s);
/*
 * The kind of a JSON value a parser of Intel's JSON files found where it wanted another (the
 * refusals' @found); cli/ words it. NONE: no value was looked at.
 */
enum tdx_json_kind {
	TDX_JSON_KIND_NONE = 0,
	TDX_JSON_KIND_NULL,
	TDX_JSON_KIND_BOOLEAN,
	TDX_JSON_KIND_FRACTION,		/* a number with a fraction or an exponent */
	TDX_JSON_KIND_INTEGER,
	TDX_JSON_KIND_OBJECT,
	TDX_JSON_KIND_ARRAY,
	TDX_JSON_KIND_STRING,
	TDX_JSON_KIND_OTHER,		/* a type json-c added after this was written */
	TDX_JSON_KIND_STRING_ARRAY,	/* an array of strings: only ever expected, never found */
};

/* SHA-256 of the concatenation of @n parts (crypto-*.c: OpenSSL). */
int tdx_sha256_parts(const struct tdx_image_part *parts, unsigned int n,
		     uint8_t out[TDX_SHA256_LEN]);

/* ---- the text of sysfs and proc files (sysfs-text.c) ----------------------------------------- */

#define TDX_CPUSET_MAX	8192u	/* CPUs a set holds; larger ids are -ERANGE */
/*
 * Bytes that hold any set's CPU list and its NUL: the longest list repeats a range of two and a
 * gap ("8000-8001,8003-8004,..."), at most 10 characters for every 3 CPUs.
 */
#define TDX_CPUSET_STRLEN	(TDX_CPUSET_MAX * 4u + 1u)

/* A set of CPU ids, as /sys/devices/system/cpu/{present,online} print them ("0-3,5"). */
struct tdx_cpuset {
	uint64_t bits[TDX_CPUSET_MAX / 64];
};

/* Parse a kernel CPU list ("0-3,5\n"; empty is the empty set). -EINVAL, -ERANGE. */
int tdx_cpuset_parse(const char *s, struct tdx_cpuset *set);
unsigned int tdx_cpuset_count(const struct tdx_cpuset *set);
/* @dst = @a without @b (e.g. present CPUs that are not online). */
void tdx_cpuset_andnot(struct tdx_cpuset *dst, const struct tdx_cpuset *a,
		       const struct tdx_cpuset *b);
/*
 * Format as a kernel CPU list ("0-3,5"); returns @buf ("..." at the end when truncated, which
 * a buffer of TDX_CPUSET_STRLEN never is).
 */
char *tdx_cpuset_format(const struct tdx_cpuset *set, char *buf, size_t size);

/* One unsigned decimal as sysfs prints it ("3\n"). -EINVAL, -ERANGE. */
int tdx_sysfs_parse_uint(const char *s, unsigned int *v);

/* Does the "bugs" line of /proc/cpuinfo text list @bug as a whole word? */
bool tdx_cpuinfo_has_bug(const char *cpuinfo, const char *bug);

/* The firmware-upload class's `status` file. */
enum tdx_fw_status {
	TDX_FW_IDLE = 0,
	TDX_FW_RECEIVING,
	TDX_FW_PREPARING,
	TDX_FW_TRANSFERRING,
	TDX_FW_PROGRAMMING,
};

int tdx_fw_status_parse(const char *s, enum tdx_fw_status *status);
const char *tdx_fw_status_name(enum tdx_fw_status status);

/* The `error` file: empty, or "<status>:<error>" such as "transferring:firmware-invalid". */
struct tdx_fw_error {
	bool set;		/* false: empty (the last upload succeeded, or none yet) */
	char phase[16];		/* the status part: "transferring" */
	char code[24];		/* the error word: "firmware-invalid", "device-busy", ... */
};

/* -EINVAL when the text is neither empty nor "<word>:<word>". Unknown words are kept as read. */
int tdx_fw_error_parse(const char *s, struct tdx_fw_error *err);
/* "transferring:firmware-invalid", or "" when not set; returns @buf. */
char *tdx_fw_error_format(const struct tdx_fw_error *err, char *buf, size_t size);
bool tdx_fw_error_equal(const struct tdx_fw_error *a, const struct tdx_fw_error *b);
/* Is the error word one the generic firmware-upload class prints? */
bool tdx_fw_error_code_known(const char *code);

/* ---- sysfs layouts (sysfs-text.c) ----------------------------------------------------------- */

/* Which sysfs layout the running kernel uses (kernel-update-path.md §1.1). */
enum tdx_host_layout {
	TDX_LAYOUT_NONE = 0,	/* tdx_host without an upload device */
	TDX_LAYOUT_MAINLINE,	/* v8+: flat attributes, upload device tdx_module */
	TDX_LAYOUT_SEAMLDR_DIR,	/* v4-v7: seamldr/ subfolder, upload device tdx_module */
	TDX_LAYOUT_V3,		/* v3: seamldr/ subfolder, upload device seamldr_upload */
	TDX_LAYOUT__COUNT
};

/*
 * Everything that depends on the layout is in its row of one table (sysfs-text.c): its name,
 * its upload device's name, the clues that detect it, where its attributes are and the format
 * its kernels take. A new layout is an enum value, its row, and its test tree.
 */
const char *tdx_host_layout_name(enum tdx_host_layout layout);
/*
 * The name of @layout's upload device under tdx_host/firmware/; NULL for NONE or an unknown
 * layout. The host looks for the names in the order of the layouts (the mainline name wins).
 */
const char *tdx_host_layout_upload(enum tdx_host_layout layout);
/*
 * The layout a host's files show (pure; host.c looks): the upload device found, named @upload
 * (NULL: none, layout NONE), and @present(@file, @data), whether a file or folder relative to
 * tdx_host exists. The first layout whose clues hold: one of its clue files is there and, when
 * its row says so, the upload device has its name; when none holds, mainline (its names are
 * then tried, and fail as missing rather than as misplaced).
 */
enum tdx_host_layout tdx_host_layout_detect(const char *upload,
					    bool (*present)(const char *file, void *data),
					    void *data);

/* The attributes whose place depends on the layout. */
enum tdx_host_attr {
	TDX_ATTR_SEAMLDR_VERSION,
	TDX_ATTR_REMAINING_UPDATES,
};

/* @attr's file relative to tdx_host in @layout; NULL where the layout has none. */
const char *tdx_host_layout_attr(enum tdx_host_layout layout, enum tdx_host_attr attr);
/* The format @layout's kernels take when the caller does not choose one. */
unsigned int tdx_host_layout_format(enum tdx_host_layout layout);

/* Why runtime update is or is not possible, as far as the host shows it. */
enum tdx_update_support {
	TDX_UPDATE_SUPPORTED = 0,
	TDX_UPDATE_NO_DEVICE,	/* no tdx_host: module not loaded, TDX off, old kernel */
	TDX_UPDATE_ERRATUM,	/* the CPU has the seamret_invd_vmcs erratum */
	/* No erratum, yet no upload device: the module lacks TDX_FEATURES0 bit 1, or the kernel
	 * predates runtime update. */
	TDX_UPDATE_NO_FEATURE,
};

/* A stable name: "supported", "no-tdx-host", "cpu-erratum", "no-upload-device" (the metric's). */
const char *tdx_update_support_name(enum tdx_update_support support);

/* What one upload observed: filled in by tdx_fwupload_*() (tdx-host.h), read for the verdict. */
struct tdx_fwupload_run {
	struct tdx_fw_error error_before;	/* `error` when idle before loading=1 */
	bool have_error_before;
	struct tdx_fw_error error_after;
	bool have_error_after;
	bool saw_busy;		/* status was seen other than idle after loading=0 */
	bool timed_out;		/* still not idle at the deadline */
	size_t written;		/* bytes taken by `data` */
	uint64_t upload_ns;	/* from loading=0 to idle */
	unsigned int polls;
};

/* Did our upload demonstrably start? true: yes; false: unknown (never "no"). */
bool tdx_fwupload_run_started(const struct tdx_fwupload_run *run);

/* Everything `status` shows and the pre-flight checks judge, read once (tdx_host_collect()). */
struct tdx_host_status {
	int host_rc;			/* tdx_host_open(): 0 or -ENODEV */
	enum tdx_host_layout layout;
	const char *upload_path;	/* NULL when there is no upload device */
	int version_rc;			/* -ENXIO: the module is lost */
	struct tdx_version version;
	int seamldr_rc;
	struct tdx_version seamldr;
	int remaining_rc;
	unsigned int remaining;
	enum tdx_update_support support;
	int upload_status_rc;
	enum tdx_fw_status upload_status;
	int upload_error_rc;		/* -EBUSY while not idle */
	struct tdx_fw_error upload_error;
	int cpus_rc;
	struct tdx_cpuset present, online, offline;
};

/* ---- Intel's mapping file (mapping.c) ----------------------------------------------------- */

#define TDX_MAPPING_FILE_NAME	"mapping_file.json"
#define TDX_MAPPING_MAX_SIZE	(1024u * 1024u)	/* Intel's is 2 KiB; refuse the absurd */
#define TDX_MAPPING_MAX_SEAMLDR	16u

/* TDX_FEATURES0 bits that matter here (compatibility.md §1). */
#define TDX_FEATURES0_TD_PRESERVING	(1ull << 1)
#define TDX_FEATURES0_UPDATE_BUSY	(1ull << 47)

/* One entry of Intel's mapping file. */
struct tdx_release_info {
	struct tdx_version version;
	struct tdx_version min_running;		/* min_module_version_for_td_preserving */
	size_t n_min_seamldr;			/* 1 .. TDX_MAPPING_MAX_SEAMLDR */
	struct tdx_version min_seamldr[TDX_MAPPING_MAX_SEAMLDR];	/* min_seamldr_versions */
	uint64_t features0;			/* tdx_feature0 */
};

struct tdx_mapping;

/* Why a mapping file was refused as not one (tdx_mapping_parse()): the fact; cli/ words it. */
enum tdx_mapping_fault {
	TDX_MAPPING_FAULT_NONE = 0,
	TDX_MAPPING_FAULT_EMPTY,	/* no bytes */
	TDX_MAPPING_FAULT_TOO_LARGE,	/* @number bytes, more than @limit */
	TDX_MAPPING_FAULT_NUL_BYTE,	/* a NUL byte: not a JSON text */
	TDX_MAPPING_FAULT_SYNTAX,	/* not valid JSON near byte @number (json-c's @detail) */
	TDX_MAPPING_FAULT_UNENDED,	/* the text ends inside the JSON value (byte @number) */
	TDX_MAPPING_FAULT_TRAILING,	/* text after the JSON object at byte @number */
	TDX_MAPPING_FAULT_MISSING,	/* @key is missing (from @entry, or the top level) */
	TDX_MAPPING_FAULT_TYPE,		/* @key (NULL: @entry, or the top level) is @found,
					   not @expected */
	TDX_MAPPING_FAULT_NO_RELEASE,	/* @key (tdx_module_releases) lists no release */
	TDX_MAPPING_FAULT_VERSION,	/* @key's @value is not a version X.Y.ZZ */
	TDX_MAPPING_FAULT_HEX,		/* @key's @value is not 0x and 1 to 16 hex digits */
	TDX_MAPPING_FAULT_COUNT,	/* @key has @number items, not 1 to @limit */
	TDX_MAPPING_FAULT_DUPLICATE,	/* @entry's version @value is entry @number's too */
};

/*
 * The fault and where it is. Strings of the file are cut (@value at 40 bytes, @version at 20)
 * and may hold any byte: escape them before they reach a terminal. Static strings: @key,
 * @expected, @detail.
 */
struct tdx_mapping_refusal {
	enum tdx_mapping_fault fault;
	long entry;			/* the index in tdx_module_releases; -1: the top level */
	char version[21];		/* that entry's "version" when it is a string, else "" */
	const char *key;		/* "tdx_module_releases", "version", ...; or NULL */
	long item;			/* the index in @key's array (min_seamldr_versions); -1 */
	enum tdx_json_kind found;	/* TYPE: the kind of JSON value found */
	enum tdx_json_kind expected;	/* TYPE: the kind of JSON value wanted there */
	const char *detail;		/* SYNTAX: json-c's description of the error */
	unsigned long long number;	/* a byte offset, a size, a count, an entry index */
	unsigned long long limit;	/* the bound that was passed */
	char value[41];			/* a string value of the file */
};

/*
 * Parse Intel's mapping_file.json. Unknown keys are ignored; a missing or ill-typed required
 * key, a malformed version, a duplicate release, an empty release list, or text that is not one
 * JSON object is -EINVAL, with *@why (may be NULL) naming the fault, the entry and the key.
 */
int tdx_mapping_parse(struct tdx_ctx *ctx, const char *json, size_t len,
		      struct tdx_mapping **mapping, struct tdx_mapping_refusal *why);
void tdx_mapping_free(struct tdx_mapping *mapping);
size_t tdx_mapping_count(const struct tdx_mapping *mapping);
/* Entries in the file's order; NULL when @i is out of range. */
const struct tdx_release_info *tdx_mapping_get(const struct tdx_mapping *mapping, size_t i);
/* The entry for exactly @v; NULL when the file does not list it. */
const struct tdx_release_info *tdx_mapping_find(const struct tdx_mapping *mapping,
						const struct tdx_version *v);

/* ---- the image's version (compat.c) ------------------------------------------------------- */

/* Where an image's module version came from. */
enum tdx_version_source {
	TDX_VERSION_UNKNOWN = 0,
	TDX_VERSION_SIGSTRUCT,	/* reserved3 of a 2.x sigstruct */
	TDX_VERSION_FILENAME,	/* tdx_module_X.Y.ZZ.* */
	TDX_VERSION_USER,	/* --version */
};

/* "sigstruct", "file name", "user", "unknown". */
const char *tdx_version_source_name(enum tdx_version_source src);

/*
 * The module version of @image (whose file is @path; either may be NULL): @user when given,
 * else the version a 2.x sigstruct carries, else the file name's. -EINVAL when @user and the
 * sigstruct disagree (the caller says so: *@v is the sigstruct's, *@src TDX_VERSION_SIGSTRUCT);
 * -ENOENT when there is no version at all (*@src TDX_VERSION_UNKNOWN).
 */
int tdx_image_resolve_version(const struct tdx_image *image, const char *path,
			      const struct tdx_version *user, struct tdx_version *v,
			      enum tdx_version_source *src);

/* ---- compatibility rules (compat.c) ------------------------------------------------------- */

/* What compatibility needs to know about the host: filled by the host code or by tests. */
struct tdx_host_facts {
	bool have_running;
	struct tdx_version running;		/* sysfs version */
	bool have_seamldr;
	struct tdx_version seamldr;		/* sysfs seamldr_version (root only) */
	bool have_cpuid;
	uint32_t cpuid_eax;			/* CPUID(1).EAX of this CPU */
	bool have_running_svn;			/* only when the running sigstruct is known */
	uint8_t svn_major;
	uint8_t svn_minor;
};

struct tdx_compat_opts {
	bool reinstall;		/* the running version again is installable, not "current" */
	bool allow_debug;	/* debug-signed modules pass rule 6 */
	/*
	 * No mapping file is available at all: with a NULL release, rules 3-4 are SKIP and
	 * compat.release a warning. Otherwise (the default) a NULL release means the mapping
	 * file does not list the image's version: compat.release FAIL.
	 */
	bool no_mapping;
};

enum tdx_compat_verdict {
	TDX_COMPAT_INSTALLABLE = 0,
	TDX_COMPAT_CURRENT,		/* the image is the running version: nothing to do */
	TDX_COMPAT_INCOMPATIBLE,	/* some check in @report failed */
};

const char *tdx_compat_verdict_name(enum tdx_compat_verdict verdict);

/*
 * Apply compatibility.md §2 rules 1-7 (rule 8, the update budget, is the host code's), in this
 * order, each recorded in @report (which may be NULL) with the value found, the value required
 * and what to do:
 *   sigstruct.debug (6), compat.cpu (5), compat.image_version, compat.line (1),
 *   compat.not_older (2), compat.release, compat.min_running (3), compat.seamldr (4),
 *   compat.svn (7).
 * What the image is (debug, its CPUs, its version) comes first, as the more fundamental reason
 * when several rules fail: a module for another CPU is "not for this CPU" before "older".
 * sigstruct.debug is also a verification check: when @report already holds the same result
 * (tdx_image_verify() ran into it), it is not recorded twice.
 * Every rule is evaluated, so each failing one has its message; the first failure is the one
 * to tell. A rule whose inputs are missing (unknown image version, host fact not available,
 * no image) is SKIP: the host code's own checks say why a fact is missing. @release is the
 * mapping entry for @image_version (see tdx_compat_opts.no_mapping for NULL). @image may be
 * NULL (rules 5-7 SKIP). Returns 0 or a negative errno (-ENOMEM, -EINVAL for NULL @host/@opts/
 * @verdict); *@verdict is INCOMPATIBLE when a check failed, CURRENT when the image is the
 * running version and !reinstall, INSTALLABLE otherwise.
 */
int tdx_compat_check(const struct tdx_host_facts *host, const struct tdx_image *image,
		     const struct tdx_version *image_version,
		     const struct tdx_release_info *release,
		     const struct tdx_compat_opts *opts, struct tdx_report *report,
		     enum tdx_compat_verdict *verdict);
/* The same on decoded sigstruct fields (what tdx_compat_check uses; @sig may be NULL). */
int tdx_compat_check_sigstruct(const struct tdx_host_facts *host, const struct tdx_sigstruct *sig,
			       const struct tdx_version *image_version,
			       const struct tdx_release_info *release,
			       const struct tdx_compat_opts *opts, struct tdx_report *report,
			       enum tdx_compat_verdict *verdict);

/* ---- the retry policy (format/retry.c) ----------------------------------------------------- */

/*
 * Exponential backoff with jitter within a time budget, the random value and the elapsed time
 * supplied by the caller so that it is testable; the caller's loop sleeps (tdxctl's is in
 * cli/update.c).
 */
struct tdx_retry_policy {
	uint64_t base_ms;	/* the first delay, and the shortest one */
	uint64_t cap_ms;	/* no delay is longer (0: 64 x base) */
	uint64_t budget_ms;	/* no attempt starts after this much time from the first */
};

/*
 * The delay before retry number @attempt (1 for the first retry): uniform in
 * [base, min(cap, base * 2^(attempt-1))], placed by @random (any 32-bit value: the caller's
 * randomness, fixed in tests). Jitter spreads a fleet's retries; the floor keeps a host from
 * being hammered. Pure.
 */
uint64_t tdx_retry_delay(const struct tdx_retry_policy *policy, unsigned int attempt,
			 uint32_t random);

/*
 * After an attempt that came to @outcome, @elapsed_ms after the first attempt began: retry?
 * false when @outcome is not retryable (tdx_outcome_retryable) or the budget is spent;
 * otherwise true with *@delay_ms = tdx_retry_delay(), shortened so that the last attempt
 * starts when the budget ends. Pure.
 */
bool tdx_retry_next(const struct tdx_retry_policy *policy, enum tdx_outcome outcome,
		    unsigned int attempt, uint64_t elapsed_ms, uint32_t random,
		    uint64_t *delay_ms);

/*
 * A duration: a number with an optional unit, "ms", "s" (the default), "m", "h" or "d"
 * ("90", "90s", "500ms", "30m", "1h"). -EINVAL, -ERANGE (more than a year).
 */
int tdx_duration_parse(const char *s, uint64_t *ms);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_FORMAT_H */