/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Intel's TDX TCB Info: what verifiers will think of a module (format/tcb-info.c, pure).
 *
 * Intel PCS (and a PCCS in front of it) serves, per platform (FMSPC), a JSON body
 * {"tcbInfo": {...}, "signature": "HEX"} and, in the TCB-Info-Issuer-Chain header, the
 * certificates that signed it: Intel SGX TCB Signing, then Intel SGX Root CA. The signature is
 * ECDSA P-256 with SHA-256 over the exact bytes of the tcbInfo value as served, r || s in hex.
 * tdxctl checks the chain up to the Intel SGX Root CA, pinned by the SHA-256 of its public key,
 * the signature, and issueDate <= now <= nextUpdate at a time the caller gives; then rates a
 * module (its sigstruct's SVN major and minor) as Intel's quote verification library does:
 * identity "TDX_<major, two hex digits>" in tdxModuleIdentities, and in its tcbLevels the
 * highest isvsvn not above the module's minor SVN.
 */
#ifndef LIBTDXCTL_TCB_H
#define LIBTDXCTL_TCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tdx-format.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TDX_TCB_INFO_MAX_SIZE	(1024u * 1024u)	/* Intel's are a few KiB; refuse the absurd */

/*
 * SHA-256 of the DER SubjectPublicKeyInfo of the Intel SGX Root CA (P-256), the anchor of every
 * TCB Info chain: a0af0312...67a49e (tdxctl-verify(8) says where it comes from).
 */
extern const uint8_t tdx_sgx_root_key_hash[TDX_SHA256_LEN];

struct tdx_tcb_info_opts {
	int64_t now;			/* seconds since the epoch: the caller's clock */
	const uint8_t *root_key_hash;	/* SHA-256 of the root's public key; NULL: Intel's */
};

struct tdx_tcb_info;

/* Why a TCB Info document was refused: the fact; the front end words it. */
enum tdx_tcb_fault {
	TDX_TCB_FAULT_NONE = 0,
	TDX_TCB_FAULT_EMPTY,		/* no bytes */
	TDX_TCB_FAULT_TOO_LARGE,	/* more than @limit bytes */
	TDX_TCB_FAULT_NUL_BYTE,		/* a NUL byte: not a JSON text */
	TDX_TCB_FAULT_NOT_AN_OBJECT,	/* it does not start with a JSON object */
	TDX_TCB_FAULT_SYNTAX,		/* not valid JSON near byte @number */
	TDX_TCB_FAULT_UNENDED,		/* the top-level object does not end */
	TDX_TCB_FAULT_TWICE,		/* the top-level @member appears twice */
	TDX_TCB_FAULT_NO_TCB_INFO,	/* no "tcbInfo" member */
	TDX_TCB_FAULT_UNSIGNED,		/* no "signature" member */
	TDX_TCB_FAULT_SIGNATURE_HEX,	/* "signature" is not @limit hex digits */
	TDX_TCB_FAULT_TRAILING,		/* text at byte @number after the object, not a PEM chain */
	TDX_TCB_FAULT_NO_CHAIN,		/* no issuer chain */
	TDX_TCB_FAULT_CHAIN_NOT_PEM,	/* the chain is not valid PEM certificates */
	TDX_TCB_FAULT_CHAIN_ROOT,	/* the chain does not end at @root_key (@chain_root_key) */
	TDX_TCB_FAULT_CHAIN_NO_SIGNER,	/* the chain has no @member certificate */
	TDX_TCB_FAULT_CHAIN_INVALID,	/* OpenSSL said @detail of the certificate at depth @number */
	TDX_TCB_FAULT_SIGNER_KEY,	/* the signing certificate's key is not an ECDSA P-256 key */
	TDX_TCB_FAULT_SIGNATURE,	/* the signature is not @member's over the tcbInfo bytes */
	TDX_TCB_FAULT_MISSING,		/* @member of @place is missing */
	TDX_TCB_FAULT_TYPE,		/* @member of @place (NULL: @place) is @found, not @expected */
	TDX_TCB_FAULT_ITEM_TYPE,	/* @member of @place holds @found, not @expected */
	TDX_TCB_FAULT_NOT_TDX,		/* its id is @value, not "TDX" */
	TDX_TCB_FAULT_VERSION,		/* its version is @number, not 3 */
	TDX_TCB_FAULT_RANGE,		/* @member of @place is @number, not 0 to @limit */
	TDX_TCB_FAULT_DATE,		/* @member is @value, not a date YYYY-MM-DDThh:mm:ssZ */
	TDX_TCB_FAULT_FUTURE,		/* issued @value, after the caller's now */
	TDX_TCB_FAULT_EXPIRED,		/* its nextUpdate @value is past (issued @value2) */
	TDX_TCB_FAULT_TOO_MANY,		/* @place has @number @member, more than @limit */
};

/* Where in the document a fault is. */
enum tdx_tcb_place {
	TDX_TCB_AT_TOP = 0,		/* the document's top-level object */
	TDX_TCB_AT_TCB_INFO,		/* "tcbInfo" */
	TDX_TCB_AT_IDENTITY,		/* tdxModuleIdentities[@identity] */
	TDX_TCB_AT_LEVEL,		/* tdxModuleIdentities[@identity] tcbLevels[@level] */
};

/*
 * A refusal of tdx_tcb_info_parse(), as facts: which fault and where, with what it concerns.
 * Strings the document holds are cut (an id at 16 bytes, a date at 32) and may hold any byte:
 * escape them before they reach a terminal. Static strings: @member, @detail.
 */
struct tdx_tcb_refusal {
	enum tdx_tcb_fault fault;
	enum tdx_tcb_place place;
	unsigned int identity;		/* AT_IDENTITY, AT_LEVEL: the index in tdxModuleIdentities */
	unsigned int level;		/* AT_LEVEL: the index in its tcbLevels */
	char identity_id[17];		/* its "id" once read, else "" */
	const char *member;		/* the member concerned ("isvsvn", ...), or NULL */
	enum tdx_json_kind found;	/* the kind of JSON value it is */
	enum tdx_json_kind expected;	/* the kind it should be (ITEM_TYPE: of each item) */
	const char *detail;		/* CHAIN_INVALID: OpenSSL's reason */
	long long number;		/* a byte offset, a version, a value, a count, a depth */
	unsigned long long limit;	/* the bound that was passed */
	char value[33];			/* a string of the document: an id, a date */
	char value2[33];		/* EXPIRED: the issueDate */
	char root_key[65];		/* CHAIN_ROOT: the pinned root's key hash, hex */
	char chain_root_key[65];	/* CHAIN_ROOT: the chain's own root's, hex; "" none */
};

/*
 * Parse and authenticate a TCB Info document: @doc is PCS's body, optionally followed by the
 * issuer chain in PEM (the bundle form); @chain (may be NULL) is the chain as a PEM file or as
 * the URL-encoded TCB-Info-Issuer-Chain header value, and wins over a chain in @doc. On error,
 * *@why (may be NULL) holds the fault: -EINVAL not a TDX TCB Info (syntax, id, version, a
 * field), -ENOKEY no issuer chain, -EKEYREJECTED the chain does not lead to the pinned root or
 * the signature does not verify, -ESTALE @opts->now is outside issueDate..nextUpdate or a
 * certificate's validity, -ENOMEM (no fault).
 */
int tdx_tcb_info_parse(struct tdx_ctx *ctx, const char *doc, size_t len, const char *chain,
		       size_t chain_len, const struct tdx_tcb_info_opts *opts,
		       struct tdx_tcb_info **info, struct tdx_tcb_refusal *why);
void tdx_tcb_info_free(struct tdx_tcb_info *info);

/* The document's facts, as it spells them. */
const char *tdx_tcb_info_fmspc(const struct tdx_tcb_info *info);
const char *tdx_tcb_info_issue_date(const struct tdx_tcb_info *info);
const char *tdx_tcb_info_next_update(const struct tdx_tcb_info *info);
unsigned int tdx_tcb_info_evaluation_number(const struct tdx_tcb_info *info);
/*
 * Its tdxModuleIdentities, in the document's order: how many, and the id of the @i-th as written
 * ("TDX_03"; NULL past the last). An id is the document's string, of any length and any byte but
 * NUL: cut and escape it before it reaches a terminal.
 */
size_t tdx_tcb_info_identity_count(const struct tdx_tcb_info *info);
const char *tdx_tcb_info_identity_id(const struct tdx_tcb_info *info, size_t i);

/* How a verifier rates a module's TCB level (Intel's tcbStatus values for a module). */
enum tdx_tcb_grade {
	TDX_TCB_UP_TO_DATE = 0,	/* "UpToDate" */
	TDX_TCB_OUT_OF_DATE,	/* "OutOfDate", or any status other than these three */
	TDX_TCB_REVOKED,	/* "Revoked" */
	TDX_TCB_NOT_SUPPORTED,	/* no level at or below the module's SVN: verifiers refuse it */
};

/* What the document says about one module. Strings point into @info. */
struct tdx_tcb_match {
	char identity[8];		/* "TDX_03" */
	enum tdx_tcb_grade grade;
	const char *status;		/* tcbStatus as written; "NotSupported" when no level */
	unsigned int level_isvsvn;	/* the matched level's isvsvn */
	const char *tcb_date;		/* the matched level's tcbDate; NULL when none */
	const char *const *advisories;	/* its advisoryIDs, @n_advisories of them; NULL: none */
	size_t n_advisories;
	unsigned int latest_isvsvn;	/* the identity's highest level (an up-to-date target) */
	const char *latest_status;	/* and its status */
};

/*
 * Rate the module whose sigstruct SVNs are @svn_major, @svn_minor. -ENOENT when the document
 * has no identity TDX_<major> (it is not for this module line: Intel's TDX_MODULE_MISMATCH);
 * @match->identity names the one looked for either way.
 */
int tdx_tcb_info_match(const struct tdx_tcb_info *info, unsigned int svn_major,
		       unsigned int svn_minor, struct tdx_tcb_match *match);

/*
 * The tcb.status check of the module whose sigstruct is @sig, in @report: UpToDate passes;
 * OutOfDate and other statuses warn (fail when the report is strict); Revoked and no matching
 * level fail. Returns 0, -EBADMSG when the check failed, -ENOENT (nothing recorded) when the
 * document has no identity for the module's major SVN (tdx_tcb_info_match() names the one
 * looked for, tdx_tcb_info_identity_id() those it has), -ENOMEM.
 */
int tdx_tcb_info_check(const struct tdx_tcb_info *info, const struct tdx_sigstruct *sig,
		       struct tdx_report *report);

/* The grade's name in JSON: "UpToDate", "OutOfDate", "Revoked", "NotSupported". */
const char *tdx_tcb_grade_name(enum tdx_tcb_grade grade);

/* ---- where the host's TCB Info is: its configuration (tcb-config.c, pure) ------------------ */

#define TDX_TCB_CONFIG_MAX_SIZE	(64u * 1024u)
#define TDX_TCB_CONFIG_PATH_MAX	4096

/* What the configuration says; zeroed: nothing configured. */
struct tdx_tcb_config {
	char file[TDX_TCB_CONFIG_PATH_MAX];	/* "file": the TCB Info; "" none */
	char chain[TDX_TCB_CONFIG_PATH_MAX];	/* "chain": its issuer chain; "" in the file */
	uint8_t root_hash[TDX_SHA256_LEN];	/* "root_hash": another root than Intel's */
	bool have_root_hash;
};

/* Why a configuration text was refused: the fact; the front end words it. */
enum tdx_tcb_config_fault {
	TDX_TCB_CONFIG_FAULT_NONE = 0,
	TDX_TCB_CONFIG_FAULT_NUL_BYTE,		/* a NUL byte: not a text file (no @line) */
	TDX_TCB_CONFIG_FAULT_NOT_KEY_VALUE,	/* @line is not "key = value" */
	TDX_TCB_CONFIG_FAULT_UNKNOWN_KEY,	/* @line's key is none of file, chain, root_hash */
	TDX_TCB_CONFIG_FAULT_RELATIVE,		/* @key's path is not absolute */
	TDX_TCB_CONFIG_FAULT_TOO_LONG,		/* @key's path is longer than @limit bytes */
	TDX_TCB_CONFIG_FAULT_CONTROL,		/* @key's path holds a control character */
	TDX_TCB_CONFIG_FAULT_ROOT_HASH,		/* @key (root_hash) is not 64 hex digits */
};

/* A refusal of tdx_tcb_config_parse(), as facts. */
struct tdx_tcb_config_refusal {
	enum tdx_tcb_config_fault fault;
	unsigned int line;		/* the line, from 1; 0: the text as a whole */
	const char *key;		/* the known key concerned ("file", ...: static), or NULL */
	size_t limit;			/* TOO_LONG: the longest value accepted */
};

/*
 * Apply one configuration file's text to @cfg (a later file overrides an earlier one's keys; an
 * empty value unsets a key). Lines are "key = value", "# comment" or blank; keys file and chain
 * take an absolute path, root_hash 64 hex digits. -EINVAL with the fault in *@why (may be NULL;
 * zeroed on success) for anything else: an unknown key, a relative path, a control character,
 * a NUL byte.
 */
int tdx_tcb_config_parse(const char *text, size_t len, struct tdx_tcb_config *cfg,
			 struct tdx_tcb_config_refusal *why);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_TCB_H */
