// SPDX-License-Identifier: GPL-2.0-only
/* Output escaping (escape.c): what reaches a terminal, a log, syslog and a JSON reader. */
#include "test.h"

#include <json-c/json.h>

static void check_escape(const char *in, size_t len, unsigned int flags, const char *want)
{
	char *out = tdx_escape(in, len, flags);

	CHECK_STR(out, want);
	free(out);
}

static void test_escape(void)
{
	/* The reproducer: clear screen, set title, BEL. */
	check_escape("x\033[2J\033]0;pwn\a.img", 17, 0, "x\\e[2J\\e]0;pwn\\x07.img");
	check_escape("plain ascii", 11, 0, "plain ascii");
	check_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 0,
		     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* C1 as a raw byte (invalid UTF-8) and as a valid code point (U+009B, CSI). */
	check_escape("a\x9b" "b", 3, 0, "a\\x9bb");
	check_escape("a\xc2\x9b" "b", 4, 0, "a\\x9bb");
	check_escape("del\x7f", 4, 0, "del\\x7f");
	check_escape("a\nb\tc\rd", 7, 0, "a\\nb\\tc\\rd");
	check_escape("a\nb\tc", 5, TDX_ESCAPE_KEEP_NEWLINE | TDX_ESCAPE_KEEP_TAB, "a\nb\tc");
	check_escape("nul\0x", 5, 0, "nul\\x00x");
	/* Invalid UTF-8: overlong, surrogate, beyond U+10FFFF, stray continuation, cut short. */
	check_escape("\xc0\xaf", 2, 0, "\\xc0\\xaf");
	check_escape("\xe0\x80\xaf", 3, 0, "\\xe0\\x80\\xaf");
	check_escape("\xed\xa0\x80", 3, 0, "\\xed\\xa0\\x80");
	check_escape("\xf4\x90\x80\x80", 4, 0, "\\xf4\\x90\\x80\\x80");
	check_escape("\x80x", 2, 0, "\\x80x");
	check_escape("\xe2\x82", 2, 0, "\\xe2\\x82");
	check_escape("", 0, 0, "");
}

static void test_incomplete_tail(void)
{
	CHECK_INT(tdx_utf8_incomplete_tail("abc", 3), 0);
	CHECK_INT(tdx_utf8_incomplete_tail("ab\xe2", 3), 1);
	CHECK_INT(tdx_utf8_incomplete_tail("ab\xe2\x82", 4), 2);
	CHECK_INT(tdx_utf8_incomplete_tail("ab\xe2\x82\xac", 5), 0);
	CHECK_INT(tdx_utf8_incomplete_tail("\xf0\x9f\x98", 3), 3);
	CHECK_INT(tdx_utf8_incomplete_tail("a\xff", 2), 0);
	CHECK_INT(tdx_utf8_incomplete_tail("a\x80\x80", 3), 0);
	CHECK_INT(tdx_utf8_incomplete_tail("", 0), 0);
}

/* json-c's text of a string holding every hostile byte parses, is valid UTF-8, has no C1. */
static void test_json(void)
{
	static const char bad[] = "a\033[2J\xff\xc2\x9b\x7f\xc3\xa9\x80z";
	struct json_object *o = json_object_new_object(), *back;
	const char *text;
	char *safe;

	json_object_object_add(o, "file", json_object_new_string(bad));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	safe = tdx_json_sanitize(text, strlen(text));
	CHECK_STR(safe, "{\"file\":\"a\\u001b[2J\\ufffd\\u009b\\u007f\xc3\xa9\\ufffdz\"}");
	back = safe ? json_tokener_parse(safe) : NULL;
	CHECK(back != NULL);
	json_object_put(back);
	free(safe);
	json_object_put(o);

	safe = tdx_utf8_sanitize("ok\xff\xc3\xa9");
	CHECK_STR(safe, "ok\xef\xbf\xbd\xc3\xa9");
	free(safe);

	/* The one JSON string helper of lib/ and cli/: null for nothing, valid UTF-8 otherwise. */
	CHECK(tdx_json_string_or_null(NULL) == NULL);
	CHECK(tdx_json_string_or_null("") == NULL);
	o = tdx_json_string_or_null("ok\xff\xc3\xa9");
	CHECK(o != NULL);
	if (o)
		CHECK_STR(json_object_get_string(o), "ok\xef\xbf\xbd\xc3\xa9");
	json_object_put(o);
}

int main(void)
{
	test_escape();
	test_incomplete_tail();
	test_json();
	return test_finish();
}
