/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtdxctl: everything tdxctl does goes through this library.
 *
 * Conventions: an opaque context (struct tdx_ctx) is passed explicitly, there are no globals,
 * functions return 0 or a negative errno, and names read object_verb. The pure parts (image,
 * sigstruct, module ELF, version, mapping file, compatibility, report) do no I/O and work on
 * bytes the caller owns; the system parts (files, sysfs, kmod, firmware upload, lock, history)
 * are thin.
 */
#ifndef LIBTDXCTL_H
#define LIBTDXCTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* ---- context and logging (ctx.c) ---------------------------------------------------------- */

struct tdx_ctx;

typedef void (*tdx_log_fn)(struct tdx_ctx *ctx, int priority, const char *file, int line,
			   const char *fn, const char *format, va_list args);

/*
 * Reads the environment once: TDXCTL_LOG, and each path setting's variable below. -EINVAL when
 * a root or the state folder from the environment is not an absolute path.
 */
int tdx_ctx_new(struct tdx_ctx **ctx);
void tdx_ctx_free(struct tdx_ctx *ctx);

/* What the host code works on; each setting's environment variable and default. */
enum tdx_ctx_path {
	TDX_CTX_SYSFS = 0,	/* $TDXCTL_SYSFS_ROOT, else /sys */
	TDX_CTX_PROCFS,		/* $TDXCTL_PROCFS_ROOT, else /proc: machine facts (cpuinfo) */
	TDX_CTX_RUN_DIR,	/* $TDXCTL_RUNDIR, else /run/tdxctl: update lock, TD-build gate */
	TDX_CTX_STATE_DIR,	/* $TDXCTL_STATEDIR, else /var/lib/tdxctl */
	TDX_CTX_HISTORY,	/* $TDXCTL_HISTORY, else STATE_DIR/history.jsonl */
	TDX_CTX_KMODULE,	/* $TDXCTL_MODULE, else the build's default (tdx_host) */
	TDX_CTX_PATH__COUNT
};

/* -EINVAL for an empty value, or a relative one for the roots and the state folder. */
int tdx_ctx_set_path(struct tdx_ctx *ctx, enum tdx_ctx_path which, const char *value);
/* The setting; for a NULL @ctx, the built-in default (no environment). */
const char *tdx_ctx_get_path(const struct tdx_ctx *ctx, enum tdx_ctx_path which);
void tdx_ctx_set_log_fn(struct tdx_ctx *ctx, tdx_log_fn fn);
int tdx_ctx_get_log_priority(const struct tdx_ctx *ctx);
void tdx_ctx_set_log_priority(struct tdx_ctx *ctx, int priority);
void tdx_ctx_set_userdata(struct tdx_ctx *ctx, void *data);
void *tdx_ctx_get_userdata(const struct tdx_ctx *ctx);

/*
 * May this caller choose the paths root writes and the module root loads (environment,
 * options)? Yes for an unprivileged caller (it writes as itself) and for root acting for itself;
 * no for root acting for someone else: under sudo, doas, pkexec, or with a real user that is
 * not root. Then only the build's configuration counts (tdxctl(8), TRUST MODEL).
 */
bool tdx_caller_may_choose_paths(void);
/* secure_getenv(@name) when tdx_caller_may_choose_paths(), and set and not empty; else NULL. */
const char *tdx_env_path(const char *name);

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
#define TDX_CHECK(sym, name, outcome, evidence, what) TDX_CHK_##sym,
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
const char *tdx_check_description(enum tdx_check_id id);
enum tdx_outcome tdx_check_outcome(enum tdx_check_id id);
enum tdx_evidence tdx_check_evidence(enum tdx_check_id id);
const char *tdx_evidence_name(enum tdx_evidence evidence);
/* Look a check up by its stable name; -ENOENT when there is none. */
int tdx_check_lookup(const char *name, enum tdx_check_id *id);
const char *tdx_check_status_name(enum tdx_check_status status);

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
/* Record one result. The message names the field, the value found and the value expected. */
int tdx_report_add(struct tdx_report *report, enum tdx_check_id id,
		   enum tdx_check_status status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int tdx_report_addv(struct tdx_report *report, enum tdx_check_id id,
		    enum tdx_check_status status, const char *fmt, va_list args)
	__attribute__((format(printf, 4, 0)));
size_t tdx_report_count(const struct tdx_report *report);
enum tdx_check_id tdx_report_id(const struct tdx_report *report, size_t i);
enum tdx_check_status tdx_report_status(const struct tdx_report *report, size_t i);
const char *tdx_report_message(const struct tdx_report *report, size_t i);
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
/*
 * Read @path (and @sig_path for a .bin/.sigstruct pair; NULL otherwise) with tdx_file_read() and
 * parse it; the image owns the bytes. A file larger than TDX_READ_MAX_SIZE is a failed
 * container.size check (-EBADMSG); other read errors are returned as they are (negative errno).
 */
int tdx_image_load(struct tdx_ctx *ctx, const char *path, const char *sig_path,
		   struct tdx_report *report, struct tdx_image **image);
/*
 * tdx_image_load() with what a front end tells its user when it fails, so that every command
 * says it alike: *@outcome (tdx_outcome_from_errno(), TDX_ERRNO_INPUT; TDX_OUTCOME_OK on
 * success) and, on failure, one line in @why: "cannot read PATH[ or SIG_PATH]: REASON", "out of
 * memory reading PATH" or "PATH is not a valid TDX module image" (the findings are in @report).
 * Returns what tdx_image_load() returned.
 */
int tdx_image_open(struct tdx_ctx *ctx, const char *path, const char *sig_path,
		   struct tdx_report *report, struct tdx_image **image, enum tdx_outcome *outcome,
		   char *why, size_t why_len);
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

/* SHA-256 of the concatenation of @n parts (crypto-*.c: OpenSSL). */
int tdx_sha256_parts(const struct tdx_image_part *parts, unsigned int n,
		     uint8_t out[TDX_SHA256_LEN]);

/* ---- files (file.c): the only place image bytes are read from disk ------------------------- */

/*
 * Read a regular file of at most @max bytes into a new buffer in one go. -EINVAL for a
 * non-regular file, -EFBIG when larger than @max, -EIO on a short read or when the file grew
 * while being read, or the open/read errno.
 */
int tdx_file_read(struct tdx_ctx *ctx, const char *path, size_t max, uint8_t **buf, size_t *len);

/*
 * Write @len bytes to @path atomically: a temporary file in the same folder, fsync, rename,
 * fsync of the folder. -EEXIST when @path exists and !@force.
 */
int tdx_file_write_atomic(struct tdx_ctx *ctx, const char *path, const uint8_t *buf, size_t len,
			  bool force);

/*
 * tdx_file_read() for a file that decides what root may do (what is installable): its real
 * path's file and folder must be owned by root or the caller and writable by nobody else (a
 * sticky folder does not help: the file's owner could still rewrite it). The bytes come from
 * the descriptor that was checked. -EPERM, logged with the reason and the fix, when not
 * trusted; tdx_file_read()'s errors otherwise.
 */
int tdx_file_read_trusted(struct tdx_ctx *ctx, const char *path, size_t max, uint8_t **buf,
			  size_t *len);

/* Does @path hold exactly these @len bytes? Read back in pieces; -EIO when not. */
int tdx_file_compare(struct tdx_ctx *ctx, const char *path, const uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif

/* The rest of the API: compatibility rules and releases; the host and its update interface. */
#include "tdx-compat.h"
#include "tdx-host.h"
#include "tdx-gate.h"
#include "tdx-update.h"

#endif /* LIBTDXCTL_H */
