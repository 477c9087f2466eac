// SPDX-License-Identifier: GPL-2.0-only
/*
 * The outcome-to-exit-code mapping (cli/exit.c) against the codes tdxctl(8) documents, written
 * out here as numbers: a swap in the one table (3 and 4, say) fails this fast test, not only
 * the QEMU suites. Every outcome the library has is listed, so that a new one needs its code.
 */
#include "../unit/test.h"
#include "tdxctl.h"

static const struct {
	enum tdx_outcome outcome;
	int code;
} documented[] = {
	{ TDX_OUTCOME_OK,		0 },
	{ TDX_OUTCOME_FAILED,		1 },
	{ TDX_OUTCOME_REJECTED,		3 },
	{ TDX_OUTCOME_LOST,		4 },
	{ TDX_OUTCOME_INTERRUPTED,	5 },
	{ TDX_OUTCOME_INVALID_IMAGE,	65 },
	{ TDX_OUTCOME_INPUT,		66 },
	{ TDX_OUTCOME_UNAVAILABLE,	69 },
	{ TDX_OUTCOME_OUTPUT,		73 },
	{ TDX_OUTCOME_RETRY,		75 },
	{ TDX_OUTCOME_PERMISSION,	77 },
};

int main(void)
{
	bool seen[TDX_OUTCOME_INTERRUPTED + 1] = { false };
	size_t n = sizeof(documented) / sizeof(documented[0]);

	for (size_t i = 0; i < n; i++) {
		CHECK_INT(exit_from_outcome(documented[i].outcome), documented[i].code);
		seen[documented[i].outcome] = true;
	}
	/* Every outcome named, and no two outcomes on one code. */
	for (int o = 0; o <= TDX_OUTCOME_INTERRUPTED; o++)
		test_check(seen[o], __FILE__, __LINE__, "outcome %d (%s) has a documented exit "
			   "code", o, tdx_outcome_name((enum tdx_outcome)o));
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			test_check(exit_from_outcome(documented[i].outcome) !=
				   exit_from_outcome(documented[k].outcome), __FILE__, __LINE__,
				   "outcomes %s and %s share an exit code",
				   tdx_outcome_name(documented[i].outcome),
				   tdx_outcome_name(documented[k].outcome));
	/* An outcome outside the enum (a newer library) is a failure, never success. */
	CHECK_INT(exit_from_outcome((enum tdx_outcome)1000), 1);
	return test_finish();
}
