// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The retry policy for outcomes that may clear by themselves (device busy, lock held, TD builds
 * in progress): exponential backoff with jitter, within a time budget, and the durations that
 * set it. Pure: the randomness and the clock come from the caller, whose loop sleeps (the CLI's
 * retry loop, cli/update.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format-private.h"

#define RETRY_CAP_FACTOR	64u
#define DURATION_MAX_MS		(366ull * 24 * 3600 * 1000)

TDX_EXPORT
uint64_t tdx_retry_delay(const struct tdx_retry_policy *policy, unsigned int attempt,
			 uint32_t random)
{
	uint64_t base = policy->base_ms ? policy->base_ms : 1;
	uint64_t cap = policy->cap_ms ? policy->cap_ms : base * RETRY_CAP_FACTOR;
	uint64_t ceiling = base;

	if (cap < base)
		cap = base;
	/* base * 2^(attempt-1), stopping at the cap before it can overflow. */
	for (unsigned int i = 1; i < attempt && ceiling < cap; i++)
		ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
	if (ceiling > cap)
		ceiling = cap;
	/* Scale rather than take a remainder: no bias towards the low end. */
	return base + (uint64_t)(((unsigned __int128)(ceiling - base + 1) * random) >> 32);
}

TDX_EXPORT
bool tdx_retry_next(const struct tdx_retry_policy *policy, enum tdx_outcome outcome,
		    unsigned int attempt, uint64_t elapsed_ms, uint32_t random,
		    uint64_t *delay_ms)
{
	uint64_t delay;

	if (!tdx_outcome_retryable(outcome) || elapsed_ms >= policy->budget_ms)
		return false;
	delay = tdx_retry_delay(policy, attempt, random);
	if (delay > policy->budget_ms - elapsed_ms)
		delay = policy->budget_ms - elapsed_ms;
	*delay_ms = delay;
	return true;
}

TDX_EXPORT
int tdx_duration_parse(const char *s, uint64_t *ms)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 },
		{ "h", 3600 * 1000 }, { "d", 24 * 3600 * 1000 },
	};
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		if (v > DURATION_MAX_MS / units[i].ms)
			return -ERANGE;
		*ms = v * units[i].ms;
		return 0;
	}
	return -EINVAL;
}
