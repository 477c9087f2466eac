// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of a refused mapping file and of a file that is not trusted (cli/mapping-words.c,
 * cli/trust-words.c): the library returns the facts, tdxctl says them. Exact strings, on the
 * malformed files whose facts tests/unit/test-mapping.c checks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxctl.h"
#include "../unit/mapping-cases.h"

static int failures;

/* cli/output.c's, which brings the rest of the front end with it. */
char *cli_words(const char *fmt, ...)
{
	va_list args;
	char *s;
	int n;

	va_start(args, fmt);
	n = vasprintf(&s, fmt, args);
	va_end(args);
	return n < 0 ? NULL : s;
}

/* @got (freed here) is exactly @want. */
static void expect(const char *what, char *got, const char *want)
{
	if (!got || strcmp(got, want) != 0) {
		fprintf(stderr, "FAIL: %s: \"%s\", expected \"%s\"\n", what, got ? got : "(null)",
			want);
		failures++;
	}
	free(got);
}

/* No words for no fault. */
static void expect_none(const char *what, char *got)
{
	if (got) {
		fprintf(stderr, "FAIL: %s: \"%s\", expected none\n", what, got);
		failures++;
	}
	free(got);
}

int main(void)
{
	struct tdx_mapping_refusal why;
	struct tdx_mapping *m;

	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		if (tdx_mapping_parse(NULL, malformed[i].json, strlen(malformed[i].json), &m,
				      &why) != -EINVAL) {
			fprintf(stderr, "FAIL: %s: not refused\n", malformed[i].name);
			failures++;
			continue;
		}
		expect(malformed[i].name, mapping_refusal_words(&why), malformed[i].words);
	}
	tdx_mapping_parse(NULL, "", 0, &m, &why);
	expect("EINVAL", mapping_error_words(-EINVAL, &why, NULL),
	       "not a valid Intel mapping file: empty");
	expect("EINVAL, no fact", mapping_error_words(-EINVAL, NULL, NULL),
	       "not a valid Intel mapping file");
	why = (struct tdx_mapping_refusal){ .fault = TDX_MAPPING_FAULT_TOO_LARGE, .entry = -1,
					    .item = -1, .number = 2000000, .limit = 1048576 };
	expect("too large", mapping_refusal_words(&why),
	       "2000000 bytes, more than the 1048576 accepted");
	expect_none("none", mapping_refusal_words(&(struct tdx_mapping_refusal){ .entry = -1 }));
	expect("ENOENT", mapping_error_words(-ENOENT, NULL, NULL), "No such file or directory");

	/* Every kind of JSON value a refusal can find, as the parsers' messages always said it. */
	{
		static const char *const kinds[] = {
			[TDX_JSON_KIND_NONE] = "?", [TDX_JSON_KIND_NULL] = "null",
			[TDX_JSON_KIND_BOOLEAN] = "a boolean", [TDX_JSON_KIND_FRACTION] = "a fraction",
			[TDX_JSON_KIND_INTEGER] = "an integer", [TDX_JSON_KIND_OBJECT] = "an object",
			[TDX_JSON_KIND_ARRAY] = "an array", [TDX_JSON_KIND_STRING] = "a string",
			[TDX_JSON_KIND_OTHER] = "of an unknown type",
			[TDX_JSON_KIND_STRING_ARRAY] = "an array of strings",
		};

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			expect(kinds[k], strdup(json_kind_words((enum tdx_json_kind)k)), kinds[k]);
		why = (struct tdx_mapping_refusal){ .fault = TDX_MAPPING_FAULT_TYPE, .entry = -1,
						    .item = -1, .found = TDX_JSON_KIND_BOOLEAN,
						    .expected = TDX_JSON_KIND_OBJECT };
		expect("top level a boolean", mapping_refusal_words(&why),
		       "the top level is a boolean, expected an object");
	}

	/* Not trusted: the file's or its folder's owner or mode, a symlink, not a file. */
	expect("EPERM owner", mapping_error_words(-EPERM, NULL, &(struct tdx_trust_refusal){
		.fault = TDX_TRUST_FAULT_OWNER, .uid = 65534, .mode = 0644 }),
	       "the file is owned by uid 65534, not root, so it is not trusted");
	expect("EPERM folder", mapping_error_words(-EPERM, NULL, &(struct tdx_trust_refusal){
		.fault = TDX_TRUST_FAULT_WRITABLE, .folder = true, .by_all = true, .mode = 01777 }),
	       "its folder is writable by every user (mode 1777), so it is not trusted");
	expect("EPERM group", trust_refusal_words(&(struct tdx_trust_refusal){
		.fault = TDX_TRUST_FAULT_WRITABLE, .mode = 0664 }),
	       "the file is writable by its group (mode 0664)");
	expect("symlink", trust_refusal_words(&(struct tdx_trust_refusal){
		.fault = TDX_TRUST_FAULT_SYMLINK }), "the file is a symbolic link");
	expect("not regular", trust_refusal_words(&(struct tdx_trust_refusal){
		.fault = TDX_TRUST_FAULT_NOT_REGULAR }), "the file is not a regular file");
	expect_none("trusted", trust_refusal_words(&(struct tdx_trust_refusal){ 0 }));
	expect("EPERM, no fact", mapping_error_words(-EPERM, NULL, NULL),
	       "it or its folder is writable by someone other than root, so it is not trusted");

	printf("%zu cases, %d failures\n", sizeof(malformed) / sizeof(malformed[0]) + 13,
	       failures);
	return failures ? 1 : 0;
}
