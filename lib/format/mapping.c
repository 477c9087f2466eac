// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Intel's mapping_file.json: per release, the oldest running module it can update in place, the
 * P-SEAMLDR lines that can load it, and its TDX_FEATURES0. There is no published schema: unknown
 * keys are ignored, missing or ill-typed ones are errors that name the entry and the key.
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

/* The name an error message gives an entry: its version when that much could be read. */
static const char *entry_name(struct json_object *entry, size_t i, char *buf, size_t size)
{
	struct json_object *v;

	if (json_object_object_get_ex(entry, KEY_VERSION, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(buf, size, "entry %zu (version \"%.20s\")", i, json_object_get_string(v));
	else
		snprintf(buf, size, "entry %zu", i);
	return buf;
}

/* A required string member; -EINVAL with a message naming the entry and key otherwise. */
static int get_string(struct tdx_ctx *ctx, struct json_object *obj, const char *where,
		      const char *key, const char **out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v)) {
		err(ctx, "mapping file: %s: key \"%s\" is missing\n", where, key);
		return -EINVAL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		err(ctx, "mapping file: %s: key \"%s\" is %s, expected a string\n", where, key,
		    tdx_json_kind(v));
		return -EINVAL;
	}
	*out = json_object_get_string(v);
	return 0;
}

/* A version string in Intel's "X.Y.ZZ" form. */
static int parse_version_value(struct tdx_ctx *ctx, const char *s, const char *where,
			       const char *key, struct tdx_version *v)
{
	/* tdx_version_parse() accepts a trailing newline (sysfs); a JSON value must not. */
	if (strchr(s, '\n') || tdx_version_parse(s, v) < 0) {
		err(ctx, "mapping file: %s: key \"%s\": \"%.40s\" is not a version X.Y.ZZ\n", where,
		    key, s);
		return -EINVAL;
	}
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

static int parse_entry(struct tdx_ctx *ctx, struct json_object *entry, size_t i,
		       struct tdx_release_info *r)
{
	char where[64];
	struct json_object *arr;
	const char *s;
	size_t n;
	int rc;

	entry_name(entry, i, where, sizeof(where));
	if (!json_object_is_type(entry, json_type_object)) {
		err(ctx, "mapping file: %s of \"%s\" is %s, expected an object\n", where,
		    KEY_RELEASES, tdx_json_kind(entry));
		return -EINVAL;
	}
	memset(r, 0, sizeof(*r));

	rc = get_string(ctx, entry, where, KEY_VERSION, &s);
	if (rc == 0)
		rc = parse_version_value(ctx, s, where, KEY_VERSION, &r->version);
	if (rc == 0)
		rc = get_string(ctx, entry, where, KEY_MIN_RUNNING, &s);
	if (rc == 0)
		rc = parse_version_value(ctx, s, where, KEY_MIN_RUNNING, &r->min_running);
	if (rc == 0)
		rc = get_string(ctx, entry, where, KEY_FEATURES0, &s);
	if (rc == 0 && parse_hex64(s, &r->features0) < 0) {
		err(ctx, "mapping file: %s: key \"%s\": \"%.40s\" is not a hex number 0x... of at "
		    "most 64 bits\n", where, KEY_FEATURES0, s);
		rc = -EINVAL;
	}
	if (rc < 0)
		return rc;

	if (!json_object_object_get_ex(entry, KEY_MIN_SEAMLDR, &arr)) {
		err(ctx, "mapping file: %s: key \"%s\" is missing\n", where, KEY_MIN_SEAMLDR);
		return -EINVAL;
	}
	if (!json_object_is_type(arr, json_type_array)) {
		err(ctx, "mapping file: %s: key \"%s\" is %s, expected an array of strings\n", where,
		    KEY_MIN_SEAMLDR, tdx_json_kind(arr));
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	if (n == 0 || n > TDX_MAPPING_MAX_SEAMLDR) {
		err(ctx, "mapping file: %s: key \"%s\" has %zu entries, expected 1 to %u\n", where,
		    KEY_MIN_SEAMLDR, n, TDX_MAPPING_MAX_SEAMLDR);
		return -EINVAL;
	}
	for (size_t j = 0; j < n; j++) {
		struct json_object *e = json_object_array_get_idx(arr, j);
		char key[64];

		snprintf(key, sizeof(key), "%s[%zu]", KEY_MIN_SEAMLDR, j);
		if (!json_object_is_type(e, json_type_string)) {
			err(ctx, "mapping file: %s: key \"%s\" is %s, expected a string\n", where,
			    key, tdx_json_kind(e));
			return -EINVAL;
		}
		rc = parse_version_value(ctx, json_object_get_string(e), where, key,
					 &r->min_seamldr[j]);
		if (rc < 0)
			return rc;
	}
	r->n_min_seamldr = n;
	return 0;
}

/* The releases array of the root object, each entry parsed, duplicates refused. */
static int parse_root(struct tdx_ctx *ctx, struct json_object *root, struct tdx_mapping *m)
{
	struct json_object *arr;
	size_t n;

	if (!json_object_is_type(root, json_type_object)) {
		err(ctx, "mapping file: the top level is %s, expected an object\n",
		    tdx_json_kind(root));
		return -EINVAL;
	}
	if (!json_object_object_get_ex(root, KEY_RELEASES, &arr)) {
		err(ctx, "mapping file: key \"%s\" is missing\n", KEY_RELEASES);
		return -EINVAL;
	}
	if (!json_object_is_type(arr, json_type_array)) {
		err(ctx, "mapping file: key \"%s\" is %s, expected an array\n", KEY_RELEASES,
		    tdx_json_kind(arr));
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	if (n == 0) {
		err(ctx, "mapping file: \"%s\" lists no release\n", KEY_RELEASES);
		return -EINVAL;
	}
	m->releases = calloc(n, sizeof(*m->releases));
	if (!m->releases)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct tdx_release_info *r = &m->releases[i];
		int rc = parse_entry(ctx, json_object_array_get_idx(arr, i), i, r);

		if (rc < 0)
			return rc;
		for (size_t j = 0; j < i; j++) {
			if (tdx_version_cmp(&m->releases[j].version, &r->version) == 0) {
				char v[TDX_VERSION_STRLEN];

				tdx_version_format(&r->version, v, sizeof(v));
				err(ctx, "mapping file: entry %zu: version %s is already listed by "
				    "entry %zu\n", i, v, j);
				return -EINVAL;
			}
		}
		m->count = i + 1;
	}
	return 0;
}

TDX_EXPORT
int tdx_mapping_parse(struct tdx_ctx *ctx, const char *json, size_t len,
		      struct tdx_mapping **mapping)
{
	struct json_tokener *tok;
	struct json_object *root;
	struct tdx_mapping *m;
	enum json_tokener_error jerr;
	size_t end;
	int rc;

	*mapping = NULL;
	if (!json || len == 0) {
		err(ctx, "mapping file: empty\n");
		return -EINVAL;
	}
	if (len > TDX_MAPPING_MAX_SIZE || len > INT_MAX) {
		err(ctx, "mapping file: %zu bytes, more than the %u accepted\n", len,
		    TDX_MAPPING_MAX_SIZE);
		return -EINVAL;
	}
	if (memchr(json, '\0', len)) {
		err(ctx, "mapping file: contains a NUL byte: not a JSON text\n");
		return -EINVAL;
	}
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	end = (size_t)json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		/* A truncated text stops json-c in json_tokener_continue: also "not JSON". */
		err(ctx, "mapping file: not valid JSON: %s (near byte %zu)\n",
		    jerr == json_tokener_continue ? "unexpected end of text" :
		    json_tokener_error_desc(jerr), end);
		json_object_put(root);
		return -EINVAL;
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", json[end])) {
			err(ctx, "mapping file: text after the JSON object at byte %zu\n", end);
			json_object_put(root);
			return -EINVAL;
		}
	}

	m = calloc(1, sizeof(*m));
	if (!m) {
		json_object_put(root);
		return -ENOMEM;
	}
	rc = parse_root(ctx, root, m);
	json_object_put(root);
	if (rc < 0) {
		tdx_mapping_free(m);
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
