// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TD-build gate's rules: the state of a recorded build, and whether a record closes the
 * gate. Pure: lib/host/gate.c reads the entries, the clocks and the processes, and asks here.
 */
#include "rules-private.h"

enum tdx_gate_state tdx_gate_entry_judge(const struct tdx_gate_entry *e,
					 const struct tdx_gate_entry_facts *f, int64_t *hold_s,
					 int64_t *age_s)
{
	int64_t start = f->boot_clock ? e->started_boot : (int64_t)e->started;
	int64_t expires = f->boot_clock ? e->expires_boot : (int64_t)e->expires;

	*hold_s = 0;
	*age_s = f->now > start ? f->now - start : 0;
	if (f->other_boot || !f->owner_alive)
		return TDX_GATE_STALE;
	if (start > f->now + TDX_GATE_START_SLACK_S)
		return TDX_GATE_EXPIRED;
	if (expires > start + f->ttl_max)
		expires = start + f->ttl_max;
	if (f->now >= expires)
		return TDX_GATE_EXPIRED;
	*hold_s = expires - f->now;
	return TDX_GATE_LIVE;
}

bool tdx_gate_closed_judge(bool have_record, bool parses, bool other_boot,
			   enum tdx_gate_closer seen)
{
	if (!have_record)
		return false;
	if (!parses)
		return true;
	if (other_boot)
		return false;
	return seen != TDX_GATE_CLOSER_GONE;
}
