// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Intel's TDX TCB Info (PCS API v4, tcbInfo version 3, id "TDX"): parse, authenticate, and rate
 * a module as Intel's quote verification library does (Verifiers/Checks/TdxModuleCheck.cpp:
 * identity "TDX_" + the major SVN in two upper-case hex digits, compared case-insensitively;
 * the first of its tcbLevels, highest isvsvn first, whose isvsvn is not above the module's
 * minor SVN; none: TCB not supported). Pure: it works on buffers and a time it is given.
 *
 * The signature covers the tcbInfo value's bytes exactly as served, so they are located in the
 * text, not re-serialised: the top-level object is walked member by member, json-c parsing
 * each key and value and saying where it ends. The fields are then read from those same bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "tcb-private.h"

#define PEM_BEGIN	"-----BEGIN "

/* Intel SGX Root CA's public key, SHA-256 of its DER SubjectPublicKeyInfo. */
TDX_EXPORT
const uint8_t tdx_sgx_root_key_hash[TDX_SHA256_LEN] = {
	0xa0, 0xaf, 0x03, 0x12, 0x89, 0xf5, 0xd5, 0xd4, 0x13, 0x2f, 0x91, 0x86, 0x06, 0x8a, 0x7f, 0xc1,
	0x36, 0x28, 0x63, 0x3b, 0xa2, 0x35, 0x77, 0x74, 0x72, 0xe2, 0x9b, 0x6b, 0x6c, 0x67, 0xa4, 0x9e,
};

#define MAX_IDENTITIES	64u
#define MAX_LEVELS	256u

struct tcb_level {
	unsigned int isvsvn;
	const char *status;
	const char *date;
	const char **advisories;	/* its advisoryIDs, strings of the document; NULL: none */
	size_t n_advisories;
};

struct tcb_identity {
	const char *id;
	struct tcb_level *levels;	/* highest isvsvn first */
	size_t n_levels;
};

struct tdx_tcb_info {
	struct json_object *root;	/* the tcbInfo value, parsed from the signed bytes */
	const char *fmspc;
	const char *issue_date;
	const char *next_update;
	unsigned int eval_number;
	struct tcb_identity *ids;
	size_t n_ids;
};

/* The refusal @fault in @r (its other facts set by the caller); returns @rc. */
static int refuse(struct tdx_tcb_refusal *r, int rc, enum tdx_tcb_fault fault)
{
	r->fault = fault;
	return rc;
}

/* A syntax fault near byte @at. */
static int refuse_syntax(struct tdx_tcb_refusal *r, size_t at)
{
	r->number = (long long)at;
	return refuse(r, -EINVAL, TDX_TCB_FAULT_SYNTAX);
}

/* A member @member that is @v's kind, not @expected (@member NULL: the place itself). */
static int refuse_type(struct tdx_tcb_refusal *r, const char *member, struct json_object *v,
		       enum tdx_json_kind expected)
{
	r->member = member;
	r->found = tdx_json_kind(v);
	r->expected = expected;
	return refuse(r, -EINVAL, TDX_TCB_FAULT_TYPE);
}

static size_t skip_ws(const char *s, size_t i, size_t len)
{
	while (i < len && strchr(" \t\r\n", s[i]) && s[i])
		i++;
	return i;
}

/* One JSON value starting at @s[*i]: parsed by json-c, *i moved past it. */
static struct json_object *parse_value(struct json_tokener *tok, const char *s, size_t *i,
				       size_t len)
{
	struct json_object *v;

	json_tokener_reset(tok);
	v = json_tokener_parse_ex(tok, s + *i, (int)(len - *i));
	if (!v && json_tokener_get_error(tok) != json_tokener_success)
		return NULL;
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(v);
		return NULL;
	}
	*i += (size_t)json_tokener_get_parse_end(tok);
	return v;
}

/*
 * The top-level object, member by member: where the tcbInfo value's bytes are, the signature
 * string, and where the object ends. A duplicate member is refused: the signed bytes and the
 * fields read must be one and the same.
 */
static int walk_top(const char *s, size_t len, size_t *tcb_off, size_t *tcb_len, char **sig,
		    size_t *end, struct tdx_tcb_refusal *why)
{
	struct json_tokener *tok = json_tokener_new();
	bool have_tcb = false;
	size_t i = skip_ws(s, 0, len);
	int rc;

	*sig = NULL;
	if (!tok)
		return -ENOMEM;
	if (i >= len || s[i] != '{') {
		rc = refuse(why, -EINVAL, TDX_TCB_FAULT_NOT_AN_OBJECT);
		goto out;
	}
	i = skip_ws(s, i + 1, len);
	while (i < len && s[i] != '}') {
		struct json_object *key, *val;
		size_t start;
		char name[32];

		key = s[i] == '"' ? parse_value(tok, s, &i, len) : NULL;
		if (!key || !json_object_is_type(key, json_type_string)) {
			json_object_put(key);
			rc = refuse_syntax(why, i);
			goto out;
		}
		snprintf(name, sizeof(name), "%s", json_object_get_string(key));
		json_object_put(key);
		i = skip_ws(s, i, len);
		if (i >= len || s[i] != ':') {
			rc = refuse_syntax(why, i);
			goto out;
		}
		start = i = skip_ws(s, i + 1, len);
		val = parse_value(tok, s, &i, len);
		if (!val && !(i + 4 <= len && memcmp(s + start, "null", 4) == 0)) {
			rc = refuse_syntax(why, start);
			goto out;
		}
		if (strcmp(name, "tcbInfo") == 0) {
			if (have_tcb) {
				json_object_put(val);
				why->member = "tcbInfo";
				rc = refuse(why, -EINVAL, TDX_TCB_FAULT_TWICE);
				goto out;
			}
			have_tcb = true;
			*tcb_off = start;
			*tcb_len = i - start;
		} else if (strcmp(name, "signature") == 0) {
			if (*sig || !json_object_is_type(val, json_type_string)) {
				why->member = "signature";
				rc = *sig ? refuse(why, -EINVAL, TDX_TCB_FAULT_TWICE) :
				     refuse_type(why, "signature", val, TDX_JSON_KIND_STRING);
				json_object_put(val);
				goto out;
			}
			*sig = strdup(json_object_get_string(val));
			if (!*sig) {
				json_object_put(val);
				rc = -ENOMEM;
				goto out;
			}
		}
		json_object_put(val);
		i = skip_ws(s, i, len);
		if (i < len && s[i] == ',')
			i = skip_ws(s, i + 1, len);
		else if (i >= len || s[i] != '}') {
			rc = refuse_syntax(why, i);
			goto out;
		}
	}
	if (i >= len) {
		rc = refuse(why, -EINVAL, TDX_TCB_FAULT_UNENDED);
		goto out;
	}
	*end = i + 1;
	if (!have_tcb) {
		rc = refuse(why, -EINVAL, TDX_TCB_FAULT_NO_TCB_INFO);
		goto out;
	}
	rc = *sig ? 0 : refuse(why, -EKEYREJECTED, TDX_TCB_FAULT_UNSIGNED);
out:
	json_tokener_free(tok);
	if (rc) {
		free(*sig);
		*sig = NULL;
	}
	return rc;
}

/* A required member @key (a literal) of type @type; NULL with *@rc and @why set otherwise. */
static struct json_object *need(struct json_object *o, const char *key, enum json_type type,
				enum tdx_json_kind what, struct tdx_tcb_refusal *why, int *rc)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		why->member = key;
		*rc = refuse(why, -EINVAL, TDX_TCB_FAULT_MISSING);
		return NULL;
	}
	if (!json_object_is_type(v, type)) {
		*rc = refuse_type(why, key, v, what);
		return NULL;
	}
	return v;
}

/*
 * Intel's dates, "YYYY-MM-DDThh:mm:ssZ", as an ASN.1 time string (OpenSSL checks the
 * calendar). Fractions of seconds or offsets are not what PCS serves: refused.
 */
static int iso_to_gtime(const char *iso, char out[16])
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t o = 0;

	if (strlen(iso) != sizeof(shape) - 1)
		return -EINVAL;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'd') {
			if (!isdigit((unsigned char)iso[i]))
				return -EINVAL;
			out[o++] = iso[i];
		} else if (iso[i] != shape[i]) {
			return -EINVAL;
		}
	}
	out[o++] = 'Z';
	out[o] = '\0';
	return 0;
}

static int date_cmp(const char *iso, int64_t now, int *cmp)
{
	char g[16];

	return iso_to_gtime(iso, g) ? -EINVAL : tdx_gtime_cmp(g, now, cmp);
}

static int by_isvsvn_desc(const void *a, const void *b)
{
	const struct tcb_level *x = a, *y = b;

	return x->isvsvn < y->isvsvn ? 1 : x->isvsvn > y->isvsvn ? -1 : 0;
}

/* The advisoryIDs @arr (checked to be strings) as @l's list, in the document's order. */
static int level_advisories(struct json_object *arr, struct tcb_level *l)
{
	size_t n = json_object_array_length(arr);

	if (!n)
		return 0;
	l->advisories = calloc(n, sizeof(*l->advisories));
	if (!l->advisories)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		l->advisories[i] = json_object_get_string(json_object_array_get_idx(arr, i));
	l->n_advisories = n;
	return 0;
}

static int parse_level(struct json_object *lv, struct tcb_level *l, struct tdx_tcb_refusal *why)
{
	struct json_object *tcb, *v, *adv;
	int rc = 0;
	int64_t svn;

	if (!json_object_is_type(lv, json_type_object))
		return refuse_type(why, NULL, lv, TDX_JSON_KIND_OBJECT);
	tcb = need(lv, "tcb", json_type_object, TDX_JSON_KIND_OBJECT, why, &rc);
	v = tcb ? need(tcb, "isvsvn", json_type_int, TDX_JSON_KIND_INTEGER, why, &rc) : NULL;
	if (!v)
		return rc;
	svn = json_object_get_int64(v);
	if (svn < 0 || svn > 255) {
		why->member = "isvsvn";
		why->number = (long long)svn;
		why->limit = 255;
		return refuse(why, -EINVAL, TDX_TCB_FAULT_RANGE);
	}
	l->isvsvn = (unsigned int)svn;
	v = need(lv, "tcbStatus", json_type_string, TDX_JSON_KIND_STRING, why, &rc);
	if (!v)
		return rc;
	l->status = json_object_get_string(v);
	v = need(lv, "tcbDate", json_type_string, TDX_JSON_KIND_STRING, why, &rc);
	if (!v)
		return rc;
	l->date = json_object_get_string(v);
	if (json_object_object_get_ex(lv, "advisoryIDs", &adv)) {
		if (!json_object_is_type(adv, json_type_array))
			return refuse_type(why, "advisoryIDs", adv, TDX_JSON_KIND_ARRAY);
		for (size_t i = 0; i < json_object_array_length(adv); i++)
			if (!json_object_is_type(json_object_array_get_idx(adv, i),
						 json_type_string)) {
				refuse_type(why, "advisoryIDs", json_object_array_get_idx(adv, i),
					    TDX_JSON_KIND_STRING);
				return refuse(why, -EINVAL, TDX_TCB_FAULT_ITEM_TYPE);
			}
		return level_advisories(adv, l);
	}
	return 0;
}

static int parse_identity(struct json_object *o, size_t k, struct tcb_identity *id,
			  struct tdx_tcb_refusal *why)
{
	struct json_object *v, *levels;
	size_t n;
	int rc = 0;

	why->place = TDX_TCB_AT_IDENTITY;
	why->identity = (unsigned int)k;
	why->identity_id[0] = '\0';
	if (!json_object_is_type(o, json_type_object))
		return refuse_type(why, NULL, o, TDX_JSON_KIND_OBJECT);
	v = need(o, "id", json_type_string, TDX_JSON_KIND_STRING, why, &rc);
	if (!v)
		return rc;
	id->id = json_object_get_string(v);
	snprintf(why->identity_id, sizeof(why->identity_id), "%s", id->id);
	levels = need(o, "tcbLevels", json_type_array, TDX_JSON_KIND_ARRAY, why, &rc);
	if (!levels)
		return rc;
	n = json_object_array_length(levels);
	if (n > MAX_LEVELS) {
		why->member = "tcbLevels";
		why->number = (long long)n;
		why->limit = MAX_LEVELS;
		return refuse(why, -EINVAL, TDX_TCB_FAULT_TOO_MANY);
	}
	id->levels = calloc(n ? n : 1, sizeof(*id->levels));
	if (!id->levels)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		why->place = TDX_TCB_AT_LEVEL;
		why->level = (unsigned int)i;
		rc = parse_level(json_object_array_get_idx(levels, i), &id->levels[i], why);
		id->n_levels = i + 1;
		if (rc)
			return rc;
	}
	qsort(id->levels, n, sizeof(*id->levels), by_isvsvn_desc);
	return 0;
}

/* A date member @member (@iso) compared with @now; -EINVAL (a fault) when it is not a date. */
static int date_check(const char *member, const char *iso, int64_t now, int *cmp,
		      struct tdx_tcb_refusal *why)
{
	int rc = date_cmp(iso, now, cmp);

	if (rc == -EINVAL) {
		why->member = member;
		snprintf(why->value, sizeof(why->value), "%s", iso);
		return refuse(why, rc, TDX_TCB_FAULT_DATE);
	}
	return rc;
}

/* The fields of the tcbInfo object that tdxctl reads; the rest (platform levels) it ignores. */
static int parse_fields(struct tdx_tcb_info *t, int64_t now, struct tdx_tcb_refusal *why)
{
	struct json_object *o = t->root, *v, *ids;
	int rc = 0, cmp;
	size_t n;

	why->place = TDX_TCB_AT_TCB_INFO;
	if (!json_object_is_type(o, json_type_object))
		return refuse_type(why, NULL, o, TDX_JSON_KIND_OBJECT);
	v = need(o, "id", json_type_string, TDX_JSON_KIND_STRING, why, &rc);
	if (!v)
		return rc;
	if (strcmp(json_object_get_string(v), "TDX") != 0) {
		snprintf(why->value, sizeof(why->value), "%.16s", json_object_get_string(v));
		return refuse(why, -EINVAL, TDX_TCB_FAULT_NOT_TDX);
	}
	v = need(o, "version", json_type_int, TDX_JSON_KIND_INTEGER, why, &rc);
	if (!v)
		return rc;
	if (json_object_get_int64(v) != 3) {
		why->number = (long long)json_object_get_int64(v);
		return refuse(why, -EINVAL, TDX_TCB_FAULT_VERSION);
	}
	v = need(o, "fmspc", json_type_string, TDX_JSON_KIND_STRING, why, &rc);
	if (!v)
		return rc;
	t->fmspc = json_object_get_string(v);
	v = need(o, "tcbEvaluationDataNumber", json_type_int, TDX_JSON_KIND_INTEGER, why, &rc);
	if (!v)
		return rc;
	if (json_object_get_int64(v) < 0 || json_object_get_int64(v) > UINT_MAX) {
		why->member = "tcbEvaluationDataNumber";
		why->number = (long long)json_object_get_int64(v);
		why->limit = UINT_MAX;
		return refuse(why, -EINVAL, TDX_TCB_FAULT_RANGE);
	}
	t->eval_number = (unsigned int)json_object_get_int64(v);

	v = need(o, "issueDate", json_type_string, TDX_JSON_KIND_STRING, why, &rc);
	if (!v)
		return rc;
	t->issue_date = json_object_get_string(v);
	v = need(o, "nextUpdate", json_type_string, TDX_JSON_KIND_STRING, why, &rc);
	if (!v)
		return rc;
	t->next_update = json_object_get_string(v);
	rc = date_check("issueDate", t->issue_date, now, &cmp, why);
	if (rc)
		return rc;
	if (cmp > 0) {
		snprintf(why->value, sizeof(why->value), "%s", t->issue_date);
		return refuse(why, -ESTALE, TDX_TCB_FAULT_FUTURE);
	}
	rc = date_check("nextUpdate", t->next_update, now, &cmp, why);
	if (rc)
		return rc;
	if (cmp < 0) {
		snprintf(why->value, sizeof(why->value), "%s", t->next_update);
		snprintf(why->value2, sizeof(why->value2), "%s", t->issue_date);
		return refuse(why, -ESTALE, TDX_TCB_FAULT_EXPIRED);
	}

	/* TCB Info of TDX 1.0 platforms has none: then it rates no module by identity. */
	if (!json_object_object_get_ex(o, "tdxModuleIdentities", &ids))
		return 0;
	if (!json_object_is_type(ids, json_type_array))
		return refuse_type(why, "tdxModuleIdentities", ids, TDX_JSON_KIND_ARRAY);
	n = json_object_array_length(ids);
	if (n > MAX_IDENTITIES) {
		why->member = "tdxModuleIdentities";
		why->number = (long long)n;
		why->limit = MAX_IDENTITIES;
		return refuse(why, -EINVAL, TDX_TCB_FAULT_TOO_MANY);
	}
	t->ids = calloc(n ? n : 1, sizeof(*t->ids));
	if (!t->ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rc = parse_identity(json_object_array_get_idx(ids, i), i, &t->ids[i], why);
		t->n_ids = i + 1;
		if (rc)
			return rc;
	}
	return 0;
}

/* "%XX" decoding of the TCB-Info-Issuer-Chain header value, as PCS sends it, into @out. */
static int url_decode(const char *s, size_t len, char **out, size_t *out_len)
{
	char *d = malloc(len + 1);
	size_t o = 0;

	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		char hex[3] = { 0 };
		uint8_t b;

		if (s[i] == '%' && i + 2 < len) {
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
		}
		if (hex[0] && tdx_hex_decode(hex, &b, 1) == 0) {
			d[o++] = (char)b;
			i += 2;
		} else {
			d[o++] = s[i];
		}
	}
	d[o] = '\0';
	*out = d;
	*out_len = o;
	return 0;
}

static int load_chain(const char *text, size_t len, struct tdx_cert_chain **chain,
		      struct tdx_tcb_refusal *why)
{
	static const char url_begin[] = "-----BEGIN%20CERTIFICATE";
	char *dec = NULL;
	size_t dec_len;
	int rc;

	if (len >= sizeof(url_begin) - 1 && memmem(text, len, url_begin, sizeof(url_begin) - 1)) {
		rc = url_decode(text, len, &dec, &dec_len);
		if (rc)
			return rc;
		text = dec;
		len = dec_len;
	}
	rc = tdx_cert_chain_parse(text, len, chain);
	free(dec);
	if (rc == -ENOKEY)
		return refuse(why, rc, TDX_TCB_FAULT_NO_CHAIN);
	if (rc == -EINVAL)
		return refuse(why, rc, TDX_TCB_FAULT_CHAIN_NOT_PEM);
	return rc;
}

TDX_EXPORT
int tdx_tcb_info_parse(struct tdx_ctx *ctx, const char *doc, size_t len, const char *chain,
		       size_t chain_len, const struct tdx_tcb_info_opts *opts,
		       struct tdx_tcb_info **info, struct tdx_tcb_refusal *why)
{
	struct tdx_cert_chain *certs = NULL;
	struct json_tokener *tok = NULL;
	struct tdx_tcb_info *t = NULL;
	struct tdx_tcb_refusal scratch;
	size_t off = 0, tlen = 0, end = 0, i;
	uint8_t rs[TDX_ECDSA_P256_SIG_LEN];
	char *sig = NULL;
	int rc;

	*info = NULL;
	if (!why)
		why = &scratch;
	memset(why, 0, sizeof(*why));
	if (!doc || len == 0)
		return refuse(why, -EINVAL, TDX_TCB_FAULT_EMPTY);
	if (len > TDX_TCB_INFO_MAX_SIZE || chain_len > TDX_TCB_INFO_MAX_SIZE) {
		why->limit = TDX_TCB_INFO_MAX_SIZE;
		return refuse(why, -EINVAL, TDX_TCB_FAULT_TOO_LARGE);
	}
	if (memchr(doc, '\0', len))
		return refuse(why, -EINVAL, TDX_TCB_FAULT_NUL_BYTE);

	rc = walk_top(doc, len, &off, &tlen, &sig, &end, why);
	if (rc)
		return rc;
	if (!sig || strlen(sig) != 2 * TDX_ECDSA_P256_SIG_LEN ||
	    tdx_hex_decode(sig, rs, sizeof(rs))) {
		why->limit = 2 * TDX_ECDSA_P256_SIG_LEN;
		rc = refuse(why, -EKEYREJECTED, TDX_TCB_FAULT_SIGNATURE_HEX);
		goto out;
	}
	/*
	 * After the object: nothing, or the chain in PEM (the bundle form). The text is not
	 * NUL-terminated: compare only the bytes it has.
	 */
	i = skip_ws(doc, end, len);
	if (chain) {
		rc = load_chain(chain, chain_len, &certs, why);
	} else if (len - i >= sizeof(PEM_BEGIN) - 1 &&
		   memcmp(doc + i, PEM_BEGIN, sizeof(PEM_BEGIN) - 1) == 0) {
		rc = load_chain(doc + i, len - i, &certs, why);
	} else if (i < len) {
		why->number = (long long)i;
		rc = refuse(why, -EINVAL, TDX_TCB_FAULT_TRAILING);
	} else {
		rc = load_chain("", 0, &certs, why);
	}
	if (rc)
		goto out;

	rc = tdx_cert_chain_verify(certs, opts->root_key_hash ? opts->root_key_hash :
				   tdx_sgx_root_key_hash, opts->now, (const uint8_t *)doc + off,
				   tlen, rs, why);
	if (rc)
		goto out;

	t = calloc(1, sizeof(*t));
	tok = json_tokener_new();
	if (!t || !tok) {
		rc = -ENOMEM;
		goto out;
	}
	t->root = json_tokener_parse_ex(tok, doc + off, (int)tlen);
	if (!t->root) {
		why->place = TDX_TCB_AT_TCB_INFO;
		rc = refuse_syntax(why, off);
		goto out;
	}
	rc = parse_fields(t, opts->now, why);
	if (rc)
		goto out;
	dbg(ctx, "TCB Info: FMSPC %s, evaluation %u, %zu module identities\n", t->fmspc,
	    t->eval_number, t->n_ids);
	memset(why, 0, sizeof(*why));
	*info = t;
	t = NULL;
out:
	if (tok)
		json_tokener_free(tok);	/* json-c 0.16 does not take NULL */
	tdx_cert_chain_free(certs);
	tdx_tcb_info_free(t);
	free(sig);
	if (rc == -ENOMEM)
		memset(why, 0, sizeof(*why));
	return rc;
}

TDX_EXPORT
void tdx_tcb_info_free(struct tdx_tcb_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->n_ids; i++) {
		for (size_t j = 0; j < info->ids[i].n_levels; j++)
			free(info->ids[i].levels[j].advisories);
		free(info->ids[i].levels);
	}
	free(info->ids);
	json_object_put(info->root);
	free(info);
}

TDX_EXPORT
const char *tdx_tcb_info_fmspc(const struct tdx_tcb_info *info)
{
	return info->fmspc;
}

TDX_EXPORT
const char *tdx_tcb_info_issue_date(const struct tdx_tcb_info *info)
{
	return info->issue_date;
}

TDX_EXPORT
const char *tdx_tcb_info_next_update(const struct tdx_tcb_info *info)
{
	return info->next_update;
}

TDX_EXPORT
unsigned int tdx_tcb_info_evaluation_number(const struct tdx_tcb_info *info)
{
	return info->eval_number;
}

TDX_EXPORT
size_t tdx_tcb_info_identity_count(const struct tdx_tcb_info *info)
{
	return info->n_ids;
}

TDX_EXPORT
const char *tdx_tcb_info_identity_id(const struct tdx_tcb_info *info, size_t i)
{
	return i < info->n_ids ? info->ids[i].id : NULL;
}

TDX_EXPORT
const char *tdx_tcb_grade_name(enum tdx_tcb_grade grade)
{
	switch (grade) {
	case TDX_TCB_UP_TO_DATE:	return "UpToDate";
	case TDX_TCB_OUT_OF_DATE:	return "OutOfDate";
	case TDX_TCB_REVOKED:		return "Revoked";
	case TDX_TCB_NOT_SUPPORTED:	return "NotSupported";
	}
	return "unknown";
}

static enum tdx_tcb_grade grade_of(const char *status)
{
	if (strcmp(status, "UpToDate") == 0)
		return TDX_TCB_UP_TO_DATE;
	if (strcmp(status, "Revoked") == 0)
		return TDX_TCB_REVOKED;
	return TDX_TCB_OUT_OF_DATE;
}

TDX_EXPORT
int tdx_tcb_info_match(const struct tdx_tcb_info *info, unsigned int svn_major,
		       unsigned int svn_minor, struct tdx_tcb_match *m)
{
	const struct tcb_identity *id = NULL;

	memset(m, 0, sizeof(*m));
	snprintf(m->identity, sizeof(m->identity), "TDX_%02X", svn_major & 0xffu);
	for (size_t i = 0; i < info->n_ids && !id; i++)
		if (strcasecmp(info->ids[i].id, m->identity) == 0)
			id = &info->ids[i];
	if (!id)
		return -ENOENT;
	if (id->n_levels) {
		m->latest_isvsvn = id->levels[0].isvsvn;
		m->latest_status = id->levels[0].status;
	}
	m->grade = TDX_TCB_NOT_SUPPORTED;
	m->status = "NotSupported";
	for (size_t j = 0; j < id->n_levels; j++) {
		const struct tcb_level *l = &id->levels[j];

		if (svn_minor >= l->isvsvn) {
			m->grade = grade_of(l->status);
			m->status = l->status;
			m->level_isvsvn = l->isvsvn;
			m->tcb_date = l->date;
			m->advisories = l->advisories;
			m->n_advisories = l->n_advisories;
			break;
		}
	}
	return 0;
}

/* The lowest isvsvn the identity @name lists (0 when none). */
static unsigned int id_lowest(const struct tdx_tcb_info *info, const char *name)
{
	for (size_t i = 0; i < info->n_ids; i++)
		if (strcasecmp(info->ids[i].id, name) == 0 && info->ids[i].n_levels)
			return info->ids[i].levels[info->ids[i].n_levels - 1].isvsvn;
	return 0;
}

/*
 * The finding of the level @m the module's SVN is at: one per grade (what verifiers make of
 * it), with or without the level's advisories, all with the level and the document.
 */
static int tcb_level_report(const struct tdx_tcb_info *info, const struct tdx_sigstruct *sig,
			    const struct tdx_tcb_match *m, enum tdx_check_status st,
			    struct tdx_report *report)
{
	enum tdx_finding f;
	struct tdx_fact level[] = {
		TDX_FACT_U(sig->svn_major), TDX_FACT_U(sig->svn_minor), TDX_FACT_U(m->level_isvsvn),
		TDX_FACT_S(m->identity), TDX_FACT_S(m->tcb_date ? m->tcb_date : ""),
		TDX_FACT_S(m->status ? m->status : ""),
	};
	struct tdx_fact doc[] = {
		TDX_FACT_S(info->fmspc), TDX_FACT_U(info->eval_number),
		TDX_FACT_S(info->issue_date),
	};
	struct tdx_fact facts[TDX_FACT_MAX], ids[TDX_FACT_LIST_MAX], list;
	size_t n = 0, listed = m->n_advisories < TDX_FACT_LIST_MAX ? m->n_advisories :
			       TDX_FACT_LIST_MAX;

	if (m->grade == TDX_TCB_UP_TO_DATE)
		f = m->advisories ? TDX_FND_TCB_LEVEL_UP_TO_DATE_ADVISORIES :
		    TDX_FND_TCB_LEVEL_UP_TO_DATE;
	else if (m->grade == TDX_TCB_REVOKED)
		f = m->advisories ? TDX_FND_TCB_LEVEL_REVOKED_ADVISORIES : TDX_FND_TCB_LEVEL_REVOKED;
	else
		f = m->advisories ? TDX_FND_TCB_LEVEL_BELOW_ADVISORIES : TDX_FND_TCB_LEVEL_BELOW;
	for (size_t k = 0; k < sizeof(level) / sizeof(level[0]); k++)
		facts[n++] = level[k];
	if (m->advisories) {
		/* At most TDX_FACT_LIST_MAX of them listed, with how many there are. */
		/* cppcheck-suppress knownConditionTrueFalse ; false positive: the level's count */
		for (size_t k = 0; k < listed; k++)
			ids[k] = TDX_FACT_S(m->advisories[k]);
		list = TDX_FACT_L(ids, listed);
		facts[n++] = list;
		facts[n++] = TDX_FACT_U(m->n_advisories);
	}
	for (size_t k = 0; k < sizeof(doc) / sizeof(doc[0]); k++)
		facts[n++] = doc[k];
	return tdx_report_factv(report, TDX_CHK_TCB_STATUS, st, f, facts, n);
}

TDX_EXPORT
int tdx_tcb_info_check(const struct tdx_tcb_info *info, const struct tdx_sigstruct *sig,
		       struct tdx_report *report)
{
	enum tdx_check_status st;
	struct tdx_tcb_match m;
	int rc;

	rc = tdx_tcb_info_match(info, sig->svn_major, sig->svn_minor, &m);
	if (rc == -ENOENT)
		return rc;
	switch (m.grade) {
	case TDX_TCB_UP_TO_DATE:
		st = TDX_CHECK_PASS;
		break;
	case TDX_TCB_OUT_OF_DATE:
		st = tdx_report_get_strict(report) ? TDX_CHECK_FAIL : TDX_CHECK_WARN;
		break;
	default:
		st = TDX_CHECK_FAIL;
		break;
	}
	if (m.grade == TDX_TCB_NOT_SUPPORTED)
		rc = tdx_report_fact(report, TDX_CHK_TCB_STATUS, st, TDX_FND_TCB_BELOW_EVERY_LEVEL,
				     TDX_FACT_U(sig->svn_major), TDX_FACT_U(sig->svn_minor),
				     TDX_FACT_S(m.identity), TDX_FACT_U(id_lowest(info, m.identity)),
				     TDX_FACT_S(info->fmspc));
	else
		rc = tcb_level_report(info, sig, &m, st, report);
	if (rc)
		return rc;
	if (st == TDX_CHECK_WARN)
		tdx_report_add_remedy(report, TDX_REMEDY_STRICT);
	return st == TDX_CHECK_FAIL ? -EBADMSG : 0;
}
