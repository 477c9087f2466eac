// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TD-build gate's rules (lib/rules/gate.c), from facts only: a recorded build's state,
 * hold and age, and whether a gate.closed record closes the gate. No folder, no process.
 */
#include "test.h"
#include "rules-private.h"

/* An entry started at 1000 s, expiring at 1300 s, on the boot-time clock or the wall clock. */
static struct tdx_gate_entry entry(void)
{
	struct tdx_gate_entry e = { .pid = 4242 };

	e.started_boot = e.started = 1000;
	e.expires_boot = e.expires = 1300;
	return e;
}

static void test_entry(void)
{
	struct tdx_gate_entry e = entry();
	struct tdx_gate_entry_facts f = { .owner_alive = true, .boot_clock = true, .now = 1100,
					  .ttl_max = 86400 };
	int64_t hold, age;

	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_LIVE);
	CHECK_INT(hold, 200);
	CHECK_INT(age, 100);
	/* At its expiry, and past it. */
	f.now = 1300;
	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_EXPIRED);
	CHECK_INT(hold, 0);
	/* An expiry beyond the recorder's longest TTL is not believed. */
	f.now = 1100;
	f.ttl_max = 60;
	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_EXPIRED);
	f.ttl_max = 86400;
	/* A start in the future: within the slack believed, beyond it not. */
	f.now = 1000 - TDX_GATE_START_SLACK_S;
	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_LIVE);
	CHECK_INT(age, 0);
	f.now = 1000 - TDX_GATE_START_SLACK_S - 1;
	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_EXPIRED);
	/* Owner gone, or recorded in an earlier boot: stale, whatever the clock says. */
	f.now = 1100;
	f.owner_alive = false;
	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_STALE);
	CHECK_INT(hold, 0);
	f.owner_alive = true;
	f.other_boot = true;
	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_STALE);
	/* The wall clock for an entry without a boot-time one: its own fields. */
	f.other_boot = false;
	f.boot_clock = false;
	e.expires_boot = 0;
	CHECK_INT(tdx_gate_entry_judge(&e, &f, &hold, &age), TDX_GATE_LIVE);
	CHECK_INT(hold, 200);
}

static void test_closed(void)
{
	CHECK(!tdx_gate_closed_judge(false, true, false, TDX_GATE_CLOSER_ALIVE));
	/* A record that does not parse is root's: closed. */
	CHECK(tdx_gate_closed_judge(true, false, true, TDX_GATE_CLOSER_GONE));
	CHECK(!tdx_gate_closed_judge(true, true, true, TDX_GATE_CLOSER_ALIVE));
	CHECK(!tdx_gate_closed_judge(true, true, false, TDX_GATE_CLOSER_GONE));
	CHECK(tdx_gate_closed_judge(true, true, false, TDX_GATE_CLOSER_ALIVE));
	/* A closer that cannot be seen (another PID namespace): closed. */
	CHECK(tdx_gate_closed_judge(true, true, false, TDX_GATE_CLOSER_UNSEEN));
}

int main(void)
{
	test_entry();
	test_closed();
	return test_finish();
}
