// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl's words for the library's names (cli/name-words.c, cli/words/checks.def): every check,
 * release label and update-support reason has words, and the library's names stay names: the
 * words a person reads are made in cli/, not in lib/ (issue 26).
 */
#include <stdio.h>
#include <string.h>

#include "tdxctl.h"

static int failures;

#define FAIL(...) do { fprintf(stderr, "FAIL: " __VA_ARGS__); fputc('\n', stderr); \
		       failures++; } while (0)

/* A stable name: lower case, digits, '.', '_' and '-' only, never "unknown". */
static bool is_name(const char *s)
{
	if (!s || !*s || strcmp(s, "unknown") == 0)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s);
}

static void expect_str(const char *what, const char *got, const char *want)
{
	if (!got || strcmp(got, want) != 0)
		FAIL("%s is '%s', expected '%s'", what, got ? got : "(null)", want);
}

int main(void)
{
	static const enum tdx_update_support supports[] = {
		TDX_UPDATE_SUPPORTED, TDX_UPDATE_NO_DEVICE, TDX_UPDATE_ERRATUM,
		TDX_UPDATE_NO_FEATURE,
	};

	for (int i = 0; i < TDX_CHK__COUNT; i++) {
		const char *w = check_words((enum tdx_check_id)i);

		if (!is_name(tdx_check_name((enum tdx_check_id)i)))
			FAIL("check %d: name '%s'", i, tdx_check_name((enum tdx_check_id)i));
		if (!w || !*w)
			FAIL("check %s has no words (cli/words/checks.def)",
			     tdx_check_name((enum tdx_check_id)i));
	}
	for (int i = 0; i < TDX_LABEL__COUNT; i++) {
		const char *w = label_words((enum tdx_release_label)i);

		if (!is_name(tdx_release_label_name((enum tdx_release_label)i)))
			FAIL("label %d: name '%s'", i,
			     tdx_release_label_name((enum tdx_release_label)i));
		if (!w || !*w)
			FAIL("label %s has no words", tdx_release_label_name((enum tdx_release_label)i));
	}
	for (size_t i = 0; i < sizeof(supports) / sizeof(supports[0]); i++) {
		const char *w = update_support_words(supports[i]);

		if (!is_name(tdx_update_support_name(supports[i])))
			FAIL("update support %d: name '%s'", (int)supports[i],
			     tdx_update_support_name(supports[i]));
		if (!w || !*w)
			FAIL("update support %s has no words", tdx_update_support_name(supports[i]));
	}
	if (check_words(TDX_CHK__COUNT) || label_words(TDX_LABEL__COUNT))
		FAIL("words for an id past the end");
	expect_str("check_words(CONTAINER_MAGIC)", check_words(TDX_CHK_CONTAINER_MAGIC),
		   "signature field is the ASCII bytes TDX-BLOB");
	expect_str("label name", tdx_release_label_name(TDX_LABEL_OTHER_LINE), "other-line");
	expect_str("label words", label_words(TDX_LABEL_OTHER_LINE), "other major.minor");
	/* The metrics' reason label, and status --json's update_support words, as they were. */
	expect_str("support name", tdx_update_support_name(TDX_UPDATE_ERRATUM), "cpu-erratum");
	expect_str("support name", tdx_update_support_name(TDX_UPDATE_NO_DEVICE), "no-tdx-host");
	expect_str("support words", update_support_words(TDX_UPDATE_ERRATUM),
		   "CPU erratum seamret_invd_vmcs");
	expect_str("support words", update_support_words(TDX_UPDATE_NO_DEVICE),
		   "no TDX host device");
	printf("%s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}
