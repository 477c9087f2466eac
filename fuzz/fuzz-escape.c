// SPDX-License-Identifier: GPL-2.0-only
/*
 * Output escaping: whatever the bytes, tdx_escape() gives valid UTF-8 without C0 (but the
 * newline and tab it is told to keep), DEL or C1, and tdx_json_sanitize() of json-c's text of
 * the same bytes gives JSON that json-c parses back. The first byte picks the flags.
 */
#include <json-c/json.h>

#include "fuzz.h"

/* Valid UTF-8 with no control but those @flags keep: checked independently of escape.c. */
static int text_is_safe(const char *s, unsigned int flags)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p, n, cp;

		if (c < 0x80) {
			if ((c < 0x20 && !(c == '\n' && (flags & TDX_ESCAPE_KEEP_NEWLINE)) &&
			     !(c == '\t' && (flags & TDX_ESCAPE_KEEP_TAB))) || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		cp = c & (0x3f >> n);
		for (unsigned int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (cp <= 0x9f)
			return 0;	/* C1, or an overlong form */
		p += n + 1;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *o, *back;
	unsigned int flags;
	const char *text;
	char *out, *str;
	size_t tail;

	if (size < 1)
		return 0;
	flags = data[0] & 3u;
	out = tdx_escape((const char *)data + 1, size - 1, flags);
	FUZZ_ASSERT(out && text_is_safe(out, flags));
	free(out);
	tail = tdx_utf8_incomplete_tail((const char *)data + 1, size - 1);
	FUZZ_ASSERT(tail <= 3 && tail <= size - 1);

	/* A C string for json-c: the bytes up to the first NUL. */
	str = strndup((const char *)data + 1, size - 1);
	FUZZ_ASSERT(str);
	o = json_object_new_string(str);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	out = tdx_json_sanitize(text, strlen(text));
	FUZZ_ASSERT(out && text_is_safe(out, 0));
	back = json_tokener_parse(out);
	FUZZ_ASSERT(back && json_object_is_type(back, json_type_string));
	json_object_put(back);
	free(out);
	json_object_put(o);
	free(str);
	return 0;
}
