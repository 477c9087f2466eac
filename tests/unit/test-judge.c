// SPDX-License-Identifier: GPL-2.0-only
/*
 * The update judgement, row by row: every combination of the facts that decides it (version
 * after, timeout, kernel error word, reinstall, upload started) against the expected judgement
 * and outcome. Exhaustive over those facts, so a reordering of the rules that changes any
 * answer fails here.
 */
#include <errno.h>

#include "test.h"
#include "tdx-update.h"

enum after { OLD, IMAGE, OTHER, ENXIO_, EIO_ };

struct row {
	enum after after;
	bool timed_out;
	const char *error;	/* NULL: no kernel error */
	bool reinstall;
	bool started;
	enum tdx_update_judgement want;
};

static const struct tdx_version v_old = { 1, 5, 8 }, v_image = { 1, 5, 9 }, v_other = { 1, 5, 7 };

/* The rule, written as the table's reader states it, independently of judge.c's code. */
static enum tdx_update_judgement expected(const struct row *r)
{
	bool is_image = r->reinstall ? r->after == OLD || r->after == IMAGE : r->after == IMAGE;
	bool is_old = r->reinstall ? is_image : r->after == OLD;

	if (r->after == ENXIO_)
		return TDX_JUDGED_LOST;
	if (r->timed_out)
		return TDX_JUDGED_STILL_BUSY;
	if (r->after == EIO_)
		return TDX_JUDGED_UNREADABLE;
	if (is_image && !r->reinstall)
		return r->error ? TDX_JUDGED_PARTIAL : TDX_JUDGED_UPDATED;
	if (is_image && !r->error && r->started)
		return TDX_JUDGED_UPDATED;
	if (!is_old)
		return TDX_JUDGED_OTHER_VERSION;
	if (r->error && strcmp(r->error, "device-busy") == 0)
		return TDX_JUDGED_DEVICE_BUSY;
	return TDX_JUDGED_REJECTED;
}

static enum tdx_update_judgement judge(const struct row *r)
{
	struct tdx_update_facts f = { 0 };

	f.old = v_old;
	f.image = r->reinstall ? v_old : v_image;
	switch (r->after) {
	case OLD:	f.now = v_old; break;
	case IMAGE:	f.now = f.image; break;
	case OTHER:	f.now = v_other; break;
	case ENXIO_:	f.version_rc = -ENXIO; break;
	case EIO_:	f.version_rc = -EIO; break;
	}
	f.reinstall = r->reinstall;
	f.timed_out = r->timed_out;
	f.have_kernel_error = r->error != NULL;
	f.kernel_error_code = r->error;
	f.started = r->started;
	return tdx_update_judge(&f);
}

/* The rows a reader checks by eye: one per judgement, with the facts that lead to it. */
static const struct row named[] = {
	{ IMAGE, false, NULL, false, true, TDX_JUDGED_UPDATED },
	{ IMAGE, false, NULL, false, false, TDX_JUDGED_UPDATED },	/* version decides */
	{ OLD, false, NULL, true, true, TDX_JUDGED_UPDATED },		/* reinstall, started */
	{ OLD, false, NULL, true, false, TDX_JUDGED_REJECTED },		/* reinstall, unproven */
	{ OLD, false, "firmware-invalid", true, true, TDX_JUDGED_REJECTED },
	{ ENXIO_, false, NULL, false, true, TDX_JUDGED_LOST },
	{ ENXIO_, true, "hw-error", false, true, TDX_JUDGED_LOST },	/* lost beats busy */
	{ IMAGE, true, NULL, false, true, TDX_JUDGED_STILL_BUSY },
	{ OLD, true, "device-busy", false, true, TDX_JUDGED_STILL_BUSY },
	{ EIO_, false, NULL, false, true, TDX_JUDGED_UNREADABLE },
	{ IMAGE, false, "hw-error", false, true, TDX_JUDGED_PARTIAL },
	{ OTHER, false, NULL, false, true, TDX_JUDGED_OTHER_VERSION },
	{ OTHER, false, "device-busy", false, true, TDX_JUDGED_OTHER_VERSION },
	{ OLD, false, "device-busy", false, true, TDX_JUDGED_DEVICE_BUSY },
	{ OLD, false, "device-busy", false, false, TDX_JUDGED_DEVICE_BUSY },
	{ OLD, false, "firmware-invalid", false, true, TDX_JUDGED_REJECTED },
	{ OLD, false, NULL, false, true, TDX_JUDGED_REJECTED },		/* no error, no change */
	{ OLD, false, "hw-error", false, false, TDX_JUDGED_REJECTED },
};

static void test_named_rows(void)
{
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		enum tdx_update_judgement got = judge(&named[i]);

		test_check(got == named[i].want, __FILE__, __LINE__, "row %zu: %s, want %s", i,
			   tdx_update_judgement_name(got), tdx_update_judgement_name(named[i].want));
		CHECK(expected(&named[i]) == named[i].want);
	}
}

/* Every combination: 5 x 2 x 4 x 2 x 2 = 160 rows. */
static void test_all_rows(void)
{
	static const char *const errors[] = { NULL, "device-busy", "firmware-invalid", "hw-error" };
	unsigned int n = 0;

	for (int after = OLD; after <= EIO_; after++)
		for (int t = 0; t < 2; t++)
			for (size_t e = 0; e < 4; e++)
				for (int re = 0; re < 2; re++)
					for (int st = 0; st < 2; st++) {
						struct row r = { (enum after)after, t, errors[e],
								 re, st, 0 };
						enum tdx_update_judgement got = judge(&r);

						test_check(got == expected(&r), __FILE__, __LINE__,
							   "after %d timeout %d error %s "
							   "reinstall %d started %d: %s", after,
							   t, errors[e] ? errors[e] : "-", re, st,
							   tdx_update_judgement_name(got));
						n++;
					}
	CHECK_INT(n, 160);
}

static void test_outcomes(void)
{
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_UPDATED), TDX_OUTCOME_OK);
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_LOST), TDX_OUTCOME_LOST);
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_STILL_BUSY), TDX_OUTCOME_FAILED);
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_UNREADABLE), TDX_OUTCOME_FAILED);
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_PARTIAL), TDX_OUTCOME_FAILED);
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_OTHER_VERSION), TDX_OUTCOME_FAILED);
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_DEVICE_BUSY), TDX_OUTCOME_RETRY);
	CHECK_INT(tdx_update_judgement_outcome(TDX_JUDGED_REJECTED), TDX_OUTCOME_REJECTED);
	CHECK_STR(tdx_update_judgement_name(TDX_JUDGED_LOST), "lost");
	CHECK_STR(tdx_update_judgement_name(TDX_JUDGED_REJECTED), "rejected");
}

int main(void)
{
	test_named_rows();
	test_all_rows();
	test_outcomes();
	return test_finish();
}
