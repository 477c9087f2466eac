// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Intel's mapping_file.json: per release, the oldest running module it can update in place, the
 * P-SEAMLDR lines that can load it, and its TDX_FEATURES0. There is no published schema: unknown
 * keys are ignored, missing or ill-typed ones are refused with a fact that names the entry and
 * the key (struct tdx_mapping_refusal).
 * Pure: it parses a buffer; host/mapping-file.c finds, checks and reads the file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "format-private.h"

#define KEY_RELEASES	"tdx_module_releases"
#define KEY_VERSION	"version"
#define KEY_MIN_RUNNING	"min_module_version_for_td_preserving"
#define KEY_MIN_SEAMLDR	"min_seamldr_versions"
#define KEY_FEATURES0	"tdx_feature0"

struct tdx_mapping {
	size_t count;
	struct tdx_release_info *releases;
};

/* Where a fault is: entry @i (its version, when that much could be read), and key @key. */
static int refuse(struct tdx_mapping_refusal *why, enum tdx_mapping_fault fault, long i,
		  struct json_object *entry, const char *key)
{
	struct json_object *v;

	why->fault = fault;
	why->entry = i;
	why->key = key;
	if (i >= 0 && json_object_is_type(entry, json_type_object) &&
	    json_object_object_get_ex(entry, KEY_VERSION, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(why->version, sizeof(why->version), "%s", json_object_get_string(v));
	return -EINVAL;
}

/* A TYPE refusal: @v is not @expected. */
static int refuse_type(struct tdx_mapping_refusal *why, long i, struct json_object *entry,
		       const char *key, struct json_object *v, enum tdx_json_kind expected)
{
	why->found = tdx_json_kind(v);
	why->expected = expected;
	return refuse(why, TDX_MAPPING_FAULT_TYPE, i, entry, key);
}

/* A refusal of the string @value (VERSION, HEX, DUPLICATE). */
static int refuse_value(struct tdx_mapping_refusal *why, enum tdx_mapping_fault fault, long i,
			struct json_object *entry, const char *key, const char *value)
{
	snprintf(why->value, sizeof(why->value), "%s", value);
	return refuse(why, fault, i, entry, key);
}

/* A required string member of entry @i; -EINVAL with the refusal otherwise. */
static int get_string(struct json_object *entry, long i, const char *key, const char **out,
		      struct tdx_mapping_refusal *why)
{
	struct json_object *v;

	if (!json_object_object_get_ex(entry, key, &v))
		return refuse(why, TDX_MAPPING_FAULT_MISSING, i, entry, key);
	if (!json_object_is_type(v, json_type_string))
		return refuse_type(why, i, entry, key, v, TDX_JSON_KIND_STRING);
	*out = json_object_get_string(v);
	return 0;
}

/* A version string in Intel's "X.Y.ZZ" form. */
static int parse_version_value(const char *s, struct json_object *entry, long i, const char *key,
			       struct tdx_version *v, struct tdx_mapping_refusal *why)
{
	/* tdx_version_parse() accepts a trailing newline (sysfs); a JSON value must not. */
	if (strchr(s, '\n') || tdx_version_parse(s, v) < 0)
		return refuse_value(why, TDX_MAPPING_FAULT_VERSION, i, entry, key, s);
	return 0;
}

/* Strict "0x" hex of at most 64 bits: strtoull would accept signs, spaces and overflow. */
static int parse_hex64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	for (s += 2; *s; s++, n++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | d;
	}
	if (n == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_entry(struct json_object *entry, long i, struct tdx_release_info *r,
		       struct tdx_mapping_refusal *why)
{
	struct json_object *arr;
	const char *s;
	size_t n;
	int rc;

	if (!json_object_is_type(entry, json_type_object))
		return refuse_type(why, i, entry, NULL, entry, TDX_JSON_KIND_OBJECT);
	memset(r, 0, sizeof(*r));

	rc = get_string(entry, i, KEY_VERSION, &s, why);
	if (rc == 0)
		rc = parse_version_value(s, entry, i, KEY_VERSION, &r->version, why);
	if (rc == 0)
		rc = get_string(entry, i, KEY_MIN_RUNNING, &s, why);
	if (rc == 0)
		rc = parse_version_value(s, entry, i, KEY_MIN_RUNNING, &r->min_running, why);
	if (rc == 0)
		rc = get_string(entry, i, KEY_FEATURES0, &s, why);
	if (rc == 0 && parse_hex64(s, &r->features0) < 0)
		rc = refuse_value(why, TDX_MAPPING_FAULT_HEX, i, entry, KEY_FEATURES0, s);
	if (rc < 0)
		return rc;

	if (!json_object_object_get_ex(entry, KEY_MIN_SEAMLDR, &arr))
		return refuse(why, TDX_MAPPING_FAULT_MISSING, i, entry, KEY_MIN_SEAMLDR);
	if (!json_object_is_type(arr, json_type_array))
		return refuse_type(why, i, entry, KEY_MIN_SEAMLDR, arr, TDX_JSON_KIND_STRING_ARRAY);
	n = json_object_array_length(arr);
	if (n == 0 || n > TDX_MAPPING_MAX_SEAMLDR) {
		why->number = n;
		why->limit = TDX_MAPPING_MAX_SEAMLDR;
		return refuse(why, TDX_MAPPING_FAULT_COUNT, i, entry, KEY_MIN_SEAMLDR);
	}
	for (size_t j = 0; j < n; j++) {
		struct json_object *e = json_object_array_get_idx(arr, j);

		why->item = (long)j;
		if (!json_object_is_type(e, json_type_string))
			return refuse_type(why, i, entry, KEY_MIN_SEAMLDR, e, TDX_JSON_KIND_STRING);
		rc = parse_version_value(json_object_get_string(e), entry, i, KEY_MIN_SEAMLDR,
					 &r->min_seamldr[j], why);
		if (rc < 0)
			return rc;
	}
	why->item = -1;
	r->n_min_seamldr = n;
	return 0;
}

/* The releases array of the root object, each entry parsed, duplicates refused. */
static int parse_root(struct json_object *root, struct tdx_mapping *m,
		      struct tdx_mapping_refusal *why)
{
	struct json_object *arr;
	size_t n;

	if (!json_object_is_type(root, json_type_object))
		return refuse_type(why, -1, NULL, NULL, root, TDX_JSON_KIND_OBJECT);
	if (!json_object_object_get_ex(root, KEY_RELEASES, &arr))
		return refuse(why, TDX_MAPPING_FAULT_MISSING, -1, NULL, KEY_RELEASES);
	if (!json_object_is_type(arr, json_type_array))
		return refuse_type(why, -1, NULL, KEY_RELEASES, arr, TDX_JSON_KIND_ARRAY);
	n = json_object_array_length(arr);
	if (n == 0)
		return refuse(why, TDX_MAPPING_FAULT_NO_RELEASE, -1, NULL, KEY_RELEASES);
	m->releases = calloc(n, sizeof(*m->releases));
	if (!m->releases)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *entry = json_object_array_get_idx(arr, i);
		struct tdx_release_info *r = &m->releases[i];
		int rc = parse_entry(entry, (long)i, r, why);

		if (rc < 0)
			return rc;
		for (size_t j = 0; j < i; j++) {
			if (tdx_version_cmp(&m->releases[j].version, &r->version) == 0) {
				char v[TDX_VERSION_STRLEN];

				why->number = j;
				return refuse_value(why, TDX_MAPPING_FAULT_DUPLICATE, (long)i,
						    entry, KEY_VERSION,
						    tdx_version_format(&r->version, v, sizeof(v)));
			}
		}
		m->count = i + 1;
	}
	return 0;
}

/* The JSON text itself: one object, nothing after it but white space. */
static int parse_text(const char *json, size_t len, struct json_object **root,
		      struct tdx_mapping_refusal *why)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;

	*root = NULL;
	if (!json || len == 0)
		return refuse(why, TDX_MAPPING_FAULT_EMPTY, -1, NULL, NULL);
	if (len > TDX_MAPPING_MAX_SIZE || len > INT_MAX) {
		why->number = len;
		why->limit = TDX_MAPPING_MAX_SIZE;
		return refuse(why, TDX_MAPPING_FAULT_TOO_LARGE, -1, NULL, NULL);
	}
	if (memchr(json, '\0', len))
		return refuse(why, TDX_MAPPING_FAULT_NUL_BYTE, -1, NULL, NULL);
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	*root = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	end = (size_t)json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	why->number = end;
	/* A truncated text stops json-c in json_tokener_continue. */
	if (!*root || jerr != json_tokener_success) {
		json_object_put(*root);
		*root = NULL;
		if (jerr == json_tokener_continue)
			return refuse(why, TDX_MAPPING_FAULT_UNENDED, -1, NULL, NULL);
		why->detail = json_tokener_error_desc(jerr);
		return refuse(why, TDX_MAPPING_FAULT_SYNTAX, -1, NULL, NULL);
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", json[end])) {
			json_object_put(*root);
			*root = NULL;
			why->number = end;
			return refuse(why, TDX_MAPPING_FAULT_TRAILING, -1, NULL, NULL);
		}
	}
	why->number = 0;
	return 0;
}

TDX_EXPORT
int tdx_mapping_parse(struct tdx_ctx *ctx, const char *json, size_t len,
		      struct tdx_mapping **mapping, struct tdx_mapping_refusal *why)
{
	struct tdx_mapping_refusal local;
	struct json_object *root;
	struct tdx_mapping *m;
	int rc;

	if (!why)
		why = &local;
	*why = (struct tdx_mapping_refusal){ .fault = TDX_MAPPING_FAULT_NONE, .entry = -1,
					     .item = -1 };
	*mapping = NULL;
	rc = parse_text(json, len, &root, why);
	m = rc ? NULL : calloc(1, sizeof(*m));
	if (!rc && !m)
		rc = -ENOMEM;
	if (!rc)
		rc = parse_root(root, m, why);
	json_object_put(root);
	if (rc || !m) {
		tdx_mapping_free(m);
		if (why->fault != TDX_MAPPING_FAULT_NONE)
			dbg(ctx, "mapping file: refused: fault %d, entry %ld, key %s, item %ld\n",
			    why->fault, why->entry, why->key ? why->key : "-", why->item);
		return rc;
	}
	dbg(ctx, "mapping file: %zu releases\n", m->count);
	*mapping = m;
	return 0;
}

TDX_EXPORT
void tdx_mapping_free(struct tdx_mapping *mapping)
{
	if (!mapping)
		return;
	free(mapping->releases);
	free(mapping);
}

TDX_EXPORT
size_t tdx_mapping_count(const struct tdx_mapping *mapping)
{
	return mapping ? mapping->count : 0;
}

TDX_EXPORT
const struct tdx_release_info *tdx_mapping_get(const struct tdx_mapping *mapping, size_t i)
{
	return mapping && i < mapping->count ? &mapping->releases[i] : NULL;
}

TDX_EXPORT
const struct tdx_release_info *tdx_mapping_find(const struct tdx_mapping *mapping,
						const struct tdx_version *v)
{
	if (!mapping || !v)
		return NULL;
	for (size_t i = 0; i < mapping->count; i++)
		if (tdx_version_cmp(&mapping->releases[i].version, v) == 0)
			return &mapping->releases[i];
	return NULL;
}
