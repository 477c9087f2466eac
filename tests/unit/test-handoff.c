// SPDX-License-Identifier: GPL-2.0-only
/*
 * The handoff rule (lib/rules/handoff.c), case by case: the status it records, its finding and
 * facts and, when the running module's handoff version is unknown, that the report says why (no
 * release found, or which release file was set aside and for what): the update's only word on it.
 */
#include "test.h"

static const struct tdx_version running = { 1, 5, 8 };

/*
 * Judge once; the one result's status in *@status, its finding returned (-1: nothing recorded),
 * its facts checked against @n_facts and, when given, @hv_fact (the last number) and @file.
 */
static int judge(uint16_t min_hv, const struct tdx_version *run, struct tdx_handoff_hv hv,
		 enum tdx_check_status *status, size_t n_facts, const char *file)
{
	struct tdx_report *rep;
	int finding = -1;

	if (tdx_report_new(&rep) < 0)
		abort();
	tdx_handoff_judge(min_hv, run, &hv, rep);
	if (tdx_report_count(rep) == 1) {
		CHECK_INT(tdx_report_id(rep, 0), TDX_CHK_COMPAT_HANDOFF);
		*status = tdx_report_status(rep, 0);
		finding = (int)tdx_report_finding(rep, 0);
		CHECK_INT(tdx_report_fact_count(rep, 0), n_facts);
		if (n_facts >= 2) {
			CHECK_INT(tdx_report_fact_get(rep, 0, 0)->u, min_hv);
			CHECK_STR(tdx_report_fact_get(rep, 0, 1)->s, "1.5.08");
		}
		if (n_facts == 3 && file)
			CHECK_STR(tdx_report_fact_get(rep, 0, 2)->s, file);
		if (n_facts == 3 && !file)
			CHECK_INT(tdx_report_fact_get(rep, 0, 2)->u, hv.hv);
	}
	CHECK(tdx_report_count(rep) <= 1);
	tdx_report_free(rep);
	return finding;
}

int main(void)
{
	const char *file = "/r/tdx_module_1.5.08.sigstruct";
	enum tdx_check_status st = TDX_CHECK_SKIP;
	int f;

	f = judge(0, &running, (struct tdx_handoff_hv){ .state = TDX_HANDOFF_HV_NOT_FOUND }, &st,
		  0, NULL);
	CHECK_INT(st, TDX_CHECK_PASS);
	CHECK_INT(f, TDX_FND_HANDOFF_ANY);
	f = judge(5, NULL, (struct tdx_handoff_hv){ .state = TDX_HANDOFF_HV_KNOWN, .hv = 1 }, &st,
		  0, NULL);
	CHECK_INT(f, -1);	/* the running version unknown: nothing recorded */

	f = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_KNOWN, 5, file }, &st, 3,
		  NULL);
	CHECK_INT(st, TDX_CHECK_PASS);
	CHECK_INT(f, TDX_FND_HANDOFF_RUNNING_OK);
	f = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_KNOWN, 4, file }, &st, 3,
		  NULL);
	CHECK_INT(st, TDX_CHECK_FAIL);
	CHECK_INT(f, TDX_FND_HANDOFF_RUNNING_BELOW);

	f = judge(5, &running, (struct tdx_handoff_hv){ .state = TDX_HANDOFF_HV_NOT_FOUND }, &st,
		  2, NULL);
	CHECK_INT(st, TDX_CHECK_WARN);
	CHECK_INT(f, TDX_FND_HANDOFF_RELEASE_NOT_FOUND);
	/* Set aside: a warning, however high the value in the file, naming the file and why. */
	f = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_UNTRUSTED, 9, file }, &st,
		  3, file);
	CHECK_INT(st, TDX_CHECK_WARN);
	CHECK_INT(f, TDX_FND_HANDOFF_RELEASE_UNTRUSTED);
	f = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_OTHER_VERSION, 9, file },
		  &st, 3, file);
	CHECK_INT(st, TDX_CHECK_WARN);
	CHECK_INT(f, TDX_FND_HANDOFF_RELEASE_OTHER_VERSION);
	/* No file named: an empty string fact, not a missing one. */
	f = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_UNTRUSTED, 9, NULL }, &st,
		  3, "");
	CHECK_INT(f, TDX_FND_HANDOFF_RELEASE_UNTRUSTED);
	return test_finish();
}
