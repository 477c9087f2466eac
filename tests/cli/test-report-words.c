// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of a check result (cli/report-words.c): the library records the finding and whether
 * it failed a rule observed in samples only; tdxctl says how that was graded. Exact strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxctl.h"

static int failures;

static void expect_words(const struct tdx_report *r, size_t i, const char *want)
{
	char *got = report_finding_words(r, i);

	if (!got || strcmp(got, want) != 0) {
		fprintf(stderr, "FAIL: result %zu is \"%s\", expected \"%s\"\n", i,
			got ? got : "(null)", want);
		failures++;
	}
	free(got);
}

int main(void)
{
	struct tdx_report *r, *strict;

	if (tdx_report_new(&r) < 0 || tdx_report_new(&strict) < 0)
		return 1;
	tdx_report_set_strict(strict, true);
	/* sigstruct.date is a rule observed in Intel's samples; container.size is the kernel's. */
	tdx_report_fact(r, TDX_CHK_SIGSTRUCT_DATE, TDX_CHECK_FAIL, TDX_FND_SIGSTRUCT_DATE_NOT_BCD,
			TDX_FACT_U(0x19990a01));
	tdx_report_fact(r, TDX_CHK_SIGSTRUCT_DATE, TDX_CHECK_PASS, TDX_FND_SIGSTRUCT_DATE_OK,
			TDX_FACT_U(0x2025), TDX_FACT_U(0x06), TDX_FACT_U(0x01));
	tdx_report_fact(r, TDX_CHK_SIGSTRUCT_HEADER_TYPE, TDX_CHECK_FAIL,
			TDX_FND_SIGSTRUCT_FIELD_NOT, TDX_FACT_S("header_type"), TDX_FACT_U(7),
			TDX_FACT_U(6));
	tdx_report_fact(strict, TDX_CHK_SIGSTRUCT_DATE, TDX_CHECK_FAIL,
			TDX_FND_SIGSTRUCT_DATE_NOT_BCD, TDX_FACT_U(0x19990a01));
	expect_words(r, 0, "date is 0x19990a01, not a BCD date yyyymmdd as in every sample (a "
		     "rule observed in Intel's samples, not documented: reported, not refused)");
	expect_words(r, 1, "date is 2025-06-01");
	expect_words(r, 2, "header_type is 0x00000007, expected 0x00000006");
	expect_words(strict, 0, "date is 0x19990a01, not a BCD date yyyymmdd as in every sample (a "
		     "rule observed in Intel's samples, not documented: a failure in strict mode)");
	tdx_report_free(r);
	tdx_report_free(strict);
	printf("%s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}
