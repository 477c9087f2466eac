// SPDX-License-Identifier: LGPL-2.1-or-later
/* A JSON value's kind, for the refusals of the parsers of Intel's JSON files (cli/ words it). */
#include <json-c/json.h>

#include "format-private.h"

enum tdx_json_kind tdx_json_kind(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:	return TDX_JSON_KIND_NULL;
	case json_type_boolean:	return TDX_JSON_KIND_BOOLEAN;
	case json_type_double:	return TDX_JSON_KIND_FRACTION;
	case json_type_int:	return TDX_JSON_KIND_INTEGER;
	case json_type_object:	return TDX_JSON_KIND_OBJECT;
	case json_type_array:	return TDX_JSON_KIND_ARRAY;
	case json_type_string:	return TDX_JSON_KIND_STRING;
	}
	return TDX_JSON_KIND_OTHER;
}
