// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why Intel's mapping file cannot be used, in words: the library returns the errno and the
 * facts (struct tdx_mapping_refusal from the parser, struct tdx_trust_refusal when the file is
 * not trusted); list and update say it with the same clauses, and give JSON readers the same
 * facts (mapping_refusal_to_json()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tdxctl.h"

const char *json_kind_words(enum tdx_json_kind kind)
{
	switch (kind) {
	case TDX_JSON_KIND_NONE:	return "?";
	case TDX_JSON_KIND_NULL:	return "null";
	case TDX_JSON_KIND_BOOLEAN:	return "a boolean";
	case TDX_JSON_KIND_FRACTION:	return "a fraction";
	case TDX_JSON_KIND_INTEGER:	return "an integer";
	case TDX_JSON_KIND_OBJECT:	return "an object";
	case TDX_JSON_KIND_ARRAY:	return "an array";
	case TDX_JSON_KIND_STRING:	return "a string";
	case TDX_JSON_KIND_STRING_ARRAY: return "an array of strings";
	case TDX_JSON_KIND_OTHER:	break;
	}
	return "of an unknown type";
}

/*
 * A string of the file as one line: any byte may be in it, and a newline would start a line of
 * its own (the output layer keeps newlines, for the lines tdxctl writes). NULL without memory.
 */
static char *file_string(const char *s)
{
	return tdx_escape(s, strlen(s), 0);
}

/* Where @r's fault is: "entry 1 (version \"1.5.17\")", "entry 0"; NULL without memory. */
static char *mapping_entry_words(const struct tdx_mapping_refusal *r)
{
	char *version, *w;

	if (!r->version[0])
		return cli_words("entry %ld", r->entry);
	version = file_string(r->version);
	w = version ? cli_words("entry %ld (version \"%s\")", r->entry, version) : NULL;
	free(version);
	return w;
}

/* The key, with its item: "key \"min_seamldr_versions[1]\"". */
static char *mapping_key_words(const struct tdx_mapping_refusal *r)
{
	const char *key = r->key ? r->key : "?";

	if (r->item >= 0)
		return cli_words("key \"%s[%ld]\"", key, r->item);
	return cli_words("key \"%s\"", key);
}

/* A fault inside an entry (or at the top level): "entry 0: key \"x\" " + @what. */
static char *mapping_at(const struct tdx_mapping_refusal *r, const char *what)
{
	char *entry = r->entry >= 0 ? mapping_entry_words(r) : NULL;
	char *key = mapping_key_words(r), *w = NULL;

	if (key && (entry || r->entry < 0))
		w = cli_words("%s%s%s%s", entry ? entry : "", entry ? ": " : "", key, what);
	free(entry);
	free(key);
	return w;
}

/* mapping_refusal_words(), with @value the file's value escaped (NULL: no memory). */
static char *mapping_refusal_say(const struct tdx_mapping_refusal *r, const char *value)
{
	char *entry, *w, what[160];

	switch (r->fault) {
	case TDX_MAPPING_FAULT_NONE:
		return NULL;
	case TDX_MAPPING_FAULT_EMPTY:
		return cli_words("empty");
	case TDX_MAPPING_FAULT_TOO_LARGE:
		return cli_words("%llu bytes, more than the %llu accepted", r->number, r->limit);
	case TDX_MAPPING_FAULT_NUL_BYTE:
		return cli_words("contains a NUL byte: not a JSON text");
	case TDX_MAPPING_FAULT_SYNTAX:
		return cli_words("not valid JSON: %s (near byte %llu)", r->detail ? r->detail : "?",
				 r->number);
	case TDX_MAPPING_FAULT_UNENDED:
		return cli_words("not valid JSON: unexpected end of text (near byte %llu)",
				 r->number);
	case TDX_MAPPING_FAULT_TRAILING:
		return cli_words("text after the JSON object at byte %llu", r->number);
	case TDX_MAPPING_FAULT_MISSING:
		return mapping_at(r, " is missing");
	case TDX_MAPPING_FAULT_TYPE:
		if (!r->key && r->entry < 0)
			return cli_words("the top level is %s, expected %s", json_kind_words(r->found),
					 json_kind_words(r->expected));
		if (!r->key)
			return cli_words("entry %ld of \"tdx_module_releases\" is %s, expected %s",
					 r->entry, json_kind_words(r->found),
					 json_kind_words(r->expected));
		snprintf(what, sizeof(what), " is %s, expected %s", json_kind_words(r->found),
			 json_kind_words(r->expected));
		return mapping_at(r, what);
	case TDX_MAPPING_FAULT_NO_RELEASE:
		return cli_words("\"%s\" lists no release", r->key ? r->key : "?");
	case TDX_MAPPING_FAULT_VERSION:
		w = cli_words(": \"%s\" is not a version X.Y.ZZ", value ? value : "?");
		entry = w ? mapping_at(r, w) : NULL;
		free(w);
		return entry;
	case TDX_MAPPING_FAULT_HEX:
		w = cli_words(": \"%s\" is not a hex number 0x... of at most 64 bits",
			      value ? value : "?");
		entry = w ? mapping_at(r, w) : NULL;
		free(w);
		return entry;
	case TDX_MAPPING_FAULT_COUNT:
		snprintf(what, sizeof(what), " has %llu entries, expected 1 to %llu", r->number,
			 r->limit);
		return mapping_at(r, what);
	case TDX_MAPPING_FAULT_DUPLICATE:
		return cli_words("entry %ld: version %s is already listed by entry %llu", r->entry,
				 value ? value : "?", r->number);
	}
	return cli_words("not a valid mapping file");
}

char *mapping_refusal_words(const struct tdx_mapping_refusal *r)
{
	char *value = file_string(r->value), *w = mapping_refusal_say(r, value);

	free(value);
	return w;
}

/* The fault's name in JSON: "syntax", "missing", "type", ... */
static const char *mapping_fault_name(enum tdx_mapping_fault fault)
{
	switch (fault) {
	case TDX_MAPPING_FAULT_NONE:		return "none";
	case TDX_MAPPING_FAULT_EMPTY:		return "empty";
	case TDX_MAPPING_FAULT_TOO_LARGE:	return "too-large";
	case TDX_MAPPING_FAULT_NUL_BYTE:	return "nul-byte";
	case TDX_MAPPING_FAULT_SYNTAX:		return "syntax";
	case TDX_MAPPING_FAULT_UNENDED:		return "unended";
	case TDX_MAPPING_FAULT_TRAILING:	return "trailing";
	case TDX_MAPPING_FAULT_MISSING:		return "missing";
	case TDX_MAPPING_FAULT_TYPE:		return "type";
	case TDX_MAPPING_FAULT_NO_RELEASE:	return "no-release";
	case TDX_MAPPING_FAULT_VERSION:		return "version";
	case TDX_MAPPING_FAULT_HEX:		return "hex";
	case TDX_MAPPING_FAULT_COUNT:		return "count";
	case TDX_MAPPING_FAULT_DUPLICATE:	return "duplicate";
	}
	return "none";
}

/*
 * The facts mapping_refusal_words() says, for JSON readers: every member always, null where it
 * does not apply to the fault (number and limit mean what the fault says of them). The file's
 * strings are as they are (JSON escapes them), not cut further.
 */
struct json_object *mapping_refusal_to_json(const struct tdx_mapping_refusal *r)
{
	enum tdx_mapping_fault f = r->fault;
	bool number = f == TDX_MAPPING_FAULT_TOO_LARGE || f == TDX_MAPPING_FAULT_SYNTAX ||
		      f == TDX_MAPPING_FAULT_UNENDED || f == TDX_MAPPING_FAULT_TRAILING ||
		      f == TDX_MAPPING_FAULT_COUNT || f == TDX_MAPPING_FAULT_DUPLICATE;
	bool limit = f == TDX_MAPPING_FAULT_TOO_LARGE || f == TDX_MAPPING_FAULT_COUNT;
	struct json_object *o;

	if (f == TDX_MAPPING_FAULT_NONE)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "fault", json_object_new_string(mapping_fault_name(f)));
	json_object_object_add(o, "entry", r->entry >= 0 ? json_object_new_int64(r->entry) : NULL);
	json_object_object_add(o, "version", r->version[0] ?
			       json_object_new_string(r->version) : NULL);
	json_object_object_add(o, "key", tdx_json_string_or_null(r->key));
	json_object_object_add(o, "item", r->item >= 0 ? json_object_new_int64(r->item) : NULL);
	json_object_object_add(o, "found", r->found != TDX_JSON_KIND_NONE ?
			       json_object_new_string(json_kind_words(r->found)) : NULL);
	json_object_object_add(o, "expected", r->expected != TDX_JSON_KIND_NONE ?
			       json_object_new_string(json_kind_words(r->expected)) : NULL);
	json_object_object_add(o, "detail", tdx_json_string_or_null(r->detail));
	json_object_object_add(o, "value", r->value[0] ? json_object_new_string(r->value) : NULL);
	json_object_object_add(o, "number", number ? json_object_new_uint64(r->number) : NULL);
	json_object_object_add(o, "limit", limit ? json_object_new_uint64(r->limit) : NULL);
	return o;
}

char *mapping_error_words(int err, const struct tdx_mapping_refusal *why,
			  const struct tdx_trust_refusal *untrusted)
{
	char *reason, *w;

	if (err == -EINVAL) {
		reason = why ? mapping_refusal_words(why) : NULL;
		w = cli_words("not a valid Intel mapping file%s%s", reason ? ": " : "",
			      reason ? reason : "");
	} else if (err == -EPERM) {
		reason = untrusted ? trust_refusal_words(untrusted) : NULL;
		w = cli_words("%s, so it is not trusted", reason ? reason :
			      "it or its folder is writable by someone other than root");
	} else {
		return cli_words("%s", strerror(-err));
	}
	free(reason);
	return w;
}
