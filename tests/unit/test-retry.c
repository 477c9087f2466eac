// SPDX-License-Identifier: GPL-2.0-only
/*
 * The retry policy: exact delays for given random values, the bounds, the budget. The loop that
 * sleeps between attempts is the CLI's (tests/cli: --retry-for).
 */

#include "test.h"

static void test_delay(void)
{
	struct tdx_retry_policy p = { .base_ms = 1000, .cap_ms = 0, .budget_ms = 3600000 };

	/* The first retry waits exactly the base: no room for jitter. */
	CHECK_INT(tdx_retry_delay(&p, 1, 0), 1000);
	CHECK_INT(tdx_retry_delay(&p, 1, UINT32_MAX), 1000);
	/* Then uniform in [base, base * 2^(attempt-1)], placed by the random value. */
	CHECK_INT(tdx_retry_delay(&p, 2, 0), 1000);
	CHECK_INT(tdx_retry_delay(&p, 2, 0x80000000u), 1500);
	CHECK_INT(tdx_retry_delay(&p, 2, UINT32_MAX), 2000);
	CHECK_INT(tdx_retry_delay(&p, 3, UINT32_MAX), 4000);
	CHECK_INT(tdx_retry_delay(&p, 3, 0x40000000u), 1750);
	/* The default cap is 64 x base. */
	CHECK_INT(tdx_retry_delay(&p, 7, UINT32_MAX), 64000);
	CHECK_INT(tdx_retry_delay(&p, 8, UINT32_MAX), 64000);
	CHECK_INT(tdx_retry_delay(&p, 100000, UINT32_MAX), 64000);
	CHECK_INT(tdx_retry_delay(&p, 100000, 0), 1000);
	/* An explicit cap. */
	p.cap_ms = 5000;
	CHECK_INT(tdx_retry_delay(&p, 4, UINT32_MAX), 5000);
	CHECK_INT(tdx_retry_delay(&p, 3, UINT32_MAX), 4000);
	/* A cap below the base is the base; a zero base is 1 ms. */
	p.cap_ms = 10;
	CHECK_INT(tdx_retry_delay(&p, 5, UINT32_MAX), 1000);
	p.base_ms = 0;
	p.cap_ms = 0;
	CHECK_INT(tdx_retry_delay(&p, 1, UINT32_MAX), 1);
	CHECK_INT(tdx_retry_delay(&p, 20, UINT32_MAX), 64);
	/* No overflow near the top of the range. */
	p.base_ms = UINT64_MAX / 4;
	p.cap_ms = UINT64_MAX / 2;
	CHECK(tdx_retry_delay(&p, 64, UINT32_MAX) <= UINT64_MAX / 2);
	CHECK(tdx_retry_delay(&p, 64, 0) == UINT64_MAX / 4);
}

/* Full jitter: over many random values, the mean sits in the middle of the range. */
static void test_delay_spread(void)
{
	struct tdx_retry_policy p = { .base_ms = 1000, .cap_ms = 60000, .budget_ms = 1 };
	uint64_t sum = 0, lo = UINT64_MAX, hi = 0;
	uint32_t x = 12345;

	for (int i = 0; i < 10000; i++) {
		uint64_t d;

		x = x * 1664525u + 1013904223u;
		d = tdx_retry_delay(&p, 3, x);
		sum += d;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	CHECK(lo >= 1000 && hi <= 4000);
	CHECK(lo < 1100 && hi > 3900);
	CHECK(sum / 10000 > 2400 && sum / 10000 < 2600);
}

static void test_next(void)
{
	struct tdx_retry_policy p = { .base_ms = 1000, .cap_ms = 8000, .budget_ms = 60000 };
	uint64_t d = 777;

	/* Only retryable outcomes are retried. */
	CHECK(tdx_retry_next(&p, TDX_OUTCOME_RETRY, 1, 0, 0, &d) && d == 1000);
	for (int o = TDX_OUTCOME_OK; o <= TDX_OUTCOME_INTERRUPTED; o++) {
		if (o == TDX_OUTCOME_RETRY)
			continue;
		d = 777;
		CHECK(!tdx_retry_next(&p, (enum tdx_outcome)o, 1, 0, 0, &d) && d == 777);
	}
	/* The budget: the last attempt starts when it ends, none after. */
	CHECK(tdx_retry_next(&p, TDX_OUTCOME_RETRY, 4, 59000, UINT32_MAX, &d) && d == 1000);
	CHECK(tdx_retry_next(&p, TDX_OUTCOME_RETRY, 4, 59999, UINT32_MAX, &d) && d == 1);
	CHECK(!tdx_retry_next(&p, TDX_OUTCOME_RETRY, 4, 60000, 0, &d));
	CHECK(!tdx_retry_next(&p, TDX_OUTCOME_RETRY, 4, 90000, 0, &d));
	CHECK(tdx_retry_next(&p, TDX_OUTCOME_RETRY, 4, 10000, UINT32_MAX, &d) && d == 8000);
	p.budget_ms = 0;
	CHECK(!tdx_retry_next(&p, TDX_OUTCOME_RETRY, 1, 0, 0, &d));
}

static void test_duration(void)
{
	uint64_t ms = 0;

	CHECK(tdx_duration_parse("90", &ms) == 0 && ms == 90000);
	CHECK(tdx_duration_parse("90s", &ms) == 0 && ms == 90000);
	CHECK(tdx_duration_parse("500ms", &ms) == 0 && ms == 500);
	CHECK(tdx_duration_parse("5m", &ms) == 0 && ms == 300000);
	CHECK(tdx_duration_parse("1h", &ms) == 0 && ms == 3600000);
	CHECK(tdx_duration_parse("2d", &ms) == 0 && ms == 172800000);
	CHECK(tdx_duration_parse("0", &ms) == 0 && ms == 0);
	CHECK(tdx_duration_parse("366d", &ms) == 0);
	CHECK(tdx_duration_parse("367d", &ms) == -ERANGE);
	CHECK(tdx_duration_parse("99999999999999999999999", &ms) == -ERANGE);
	CHECK(tdx_duration_parse("", &ms) == -EINVAL);
	CHECK(tdx_duration_parse(NULL, &ms) == -EINVAL);
	CHECK(tdx_duration_parse("-1", &ms) == -EINVAL);
	CHECK(tdx_duration_parse(" 1", &ms) == -EINVAL);
	CHECK(tdx_duration_parse("1.5s", &ms) == -EINVAL);
	CHECK(tdx_duration_parse("1x", &ms) == -EINVAL);
	CHECK(tdx_duration_parse("1s ", &ms) == -EINVAL);
	CHECK(tdx_duration_parse("s", &ms) == -EINVAL);
}

int main(void)
{
	test_delay();
	test_delay_spread();
	test_next();
	test_duration();
	return test_finish();
}
