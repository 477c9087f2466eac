// SPDX-License-Identifier: LGPL-2.1-or-later
/* A JSON value's kind as an error message says it, for the parsers of Intel's JSON files. */
#include <json-c/json.h>

#include "format-private.h"

const char *tdx_json_kind(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:	return "null";
	case json_type_boolean:	return "a boolean";
	case json_type_double:	return "a fraction";
	case json_type_int:	return "an integer";
	case json_type_object:	return "an object";
	case json_type_array:	return "an array";
	case json_type_string:	return "a string";
	}
	return "of an unknown type";
}
