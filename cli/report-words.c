// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of a check result: the library records the finding and the facts of how it was
 * graded; what a reader is told about that grading is made here, in one place, for every
 * command (verify, inspect, convert, list, update, status).
 */
#include <stdio.h>
#include <stdlib.h>

#include "tdxctl.h"

char *report_finding_words(const struct tdx_report *report, size_t i)
{
	char *finding = report_result_words(report, i);
	char *s;
	int n;

	if (!finding)
		return NULL;
	if (!tdx_report_observed(report, i))
		n = asprintf(&s, "%s", finding);
	else
		n = asprintf(&s, "%s (a rule observed in Intel's samples, not documented: %s)",
			     finding, tdx_report_status(report, i) == TDX_CHECK_FAIL ?
			     "a failure in strict mode" : "reported, not refused");
	free(finding);
	return n < 0 ? NULL : s;
}
