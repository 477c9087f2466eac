// SPDX-License-Identifier: GPL-2.0-only
/*
 * The handoff rule (lib/rules/handoff.c), case by case: the status it records and, when the
 * running module's handoff version is unknown, that the report says why (no release found, or
 * which release file was set aside and for what): the update's only word on it.
 */
#include "test.h"

static const struct tdx_version running = { 1, 5, 8 };

/* Judge once; the one result's status in *@status, its message returned (NULL: none). */
static char *judge(uint16_t min_hv, const struct tdx_version *run, struct tdx_handoff_hv hv,
		   enum tdx_check_status *status)
{
	struct tdx_report *rep;
	char *msg = NULL;

	if (tdx_report_new(&rep) < 0)
		abort();
	tdx_handoff_judge(min_hv, run, &hv, rep);
	if (tdx_report_count(rep) == 1) {
		CHECK_INT(tdx_report_id(rep, 0), TDX_CHK_COMPAT_HANDOFF);
		*status = tdx_report_status(rep, 0);
		msg = strdup(tdx_report_message(rep, 0));
	}
	CHECK(tdx_report_count(rep) <= 1);
	tdx_report_free(rep);
	return msg;
}

int main(void)
{
	const char *file = "/r/tdx_module_1.5.08.sigstruct";
	enum tdx_check_status st = TDX_CHECK_SKIP;
	char *m;

	m = judge(0, &running, (struct tdx_handoff_hv){ .state = TDX_HANDOFF_HV_NOT_FOUND }, &st);
	CHECK_INT(st, TDX_CHECK_PASS);
	free(m);
	m = judge(5, NULL, (struct tdx_handoff_hv){ .state = TDX_HANDOFF_HV_KNOWN, .hv = 1 }, &st);
	CHECK(m == NULL);	/* the running version unknown: nothing recorded */

	m = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_KNOWN, 5, file }, &st);
	CHECK_INT(st, TDX_CHECK_PASS);
	free(m);
	m = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_KNOWN, 4, file }, &st);
	CHECK_INT(st, TDX_CHECK_FAIL);
	CHECK(m && strstr(m, "has 4"));
	free(m);

	m = judge(5, &running, (struct tdx_handoff_hv){ .state = TDX_HANDOFF_HV_NOT_FOUND }, &st);
	CHECK_INT(st, TDX_CHECK_WARN);
	CHECK(m && strstr(m, "its release is not beside the image"));
	free(m);
	/* Set aside: a warning, however high the value in the file, naming the file and why. */
	m = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_UNTRUSTED, 9, file }, &st);
	CHECK_INT(st, TDX_CHECK_WARN);
	CHECK(m && strstr(m, file) && strstr(m, "does not verify with the trusted key"));
	free(m);
	m = judge(5, &running, (struct tdx_handoff_hv){ TDX_HANDOFF_HV_OTHER_VERSION, 9, file },
		  &st);
	CHECK_INT(st, TDX_CHECK_WARN);
	CHECK(m && strstr(m, file) && strstr(m, "another version than the running one"));
	free(m);
	return test_finish();
}
