/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TDX module update step loop, as a twin of the kernel's
 * arch/x86/virt/vmx/tdx/seamldr.c: every online CPU runs tdx_sim_steploop_cpu()
 * inside one stop_machine() call.
 *
 * This file and steploop.c are also compiled in userspace by tests/steploop/,
 * with threads standing in for CPUs: there, steploop_compat.h provides the
 * few kernel primitives used here.
 */
#ifndef TDX_SIM_STEPLOOP_H
#define TDX_SIM_STEPLOOP_H

#ifdef __KERNEL__
#include <linux/cpumask.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#else
#include "steploop_compat.h"
#endif

/**
 * enum tdx_sim_step - the steps of a TDX module update, in order
 * @TDX_SIM_START: initial value, nothing runs
 * @TDX_SIM_SHUTDOWN: lead CPU shuts the running module down (TDH.SYS.SHUTDOWN)
 * @TDX_SIM_CPU_INSTALL: every CPU, one at a time, runs SEAMLDR.INSTALL
 * @TDX_SIM_CPU_INIT: every CPU re-initializes TDX (TDH.SYS.INIT, TDH.SYS.LP.INIT)
 * @TDX_SIM_RUN_UPDATE: lead CPU imports the handed-over state (TDH.SYS.UPDATE)
 * @TDX_SIM_DONE: every CPU leaves the loop
 * @TDX_SIM_NR_STEPS: number of values above
 */
enum tdx_sim_step {
	TDX_SIM_START,
	TDX_SIM_SHUTDOWN,
	TDX_SIM_CPU_INSTALL,
	TDX_SIM_CPU_INIT,
	TDX_SIM_RUN_UPDATE,
	TDX_SIM_DONE,
	TDX_SIM_NR_STEPS,
};

/**
 * typedef tdx_sim_step_fn - the work of one CPU for one step
 * @arg: the caller's data, as given to tdx_sim_steploop_init()
 * @step: the step being run
 * @cpu: the CPU running it
 * @work: false when the step is lead-only and @cpu is not the lead: the CPU
 *	entered the step but has nothing to do (the callback may record that)
 *
 * Called with interrupts off inside stop_machine(): must not sleep. For
 * %TDX_SIM_CPU_INSTALL it is called with the install lock held.
 *
 * Return: 0 or a negative errno.
 */
typedef int (*tdx_sim_step_fn)(void *arg, enum tdx_sim_step step,
			       unsigned int cpu, bool work);

/**
 * struct tdx_sim_steploop - the control block shared by all CPUs
 * @lock: protects @step (writes), @nr_acked, @nr_failed, @first_err, @failed_step
 * @install_lock: serializes %TDX_SIM_CPU_INSTALL (the loader takes one CPU at a time)
 * @step: the step every CPU is to run now
 * @nr_acked: CPUs that finished @step
 * @nr_failed: CPUs whose part of a step failed; a count, not a flag, so that
 *	acking needs no extra condition
 * @first_err: errno of the first failure
 * @failed_step: step of the first failure (%TDX_SIM_START when none)
 * @nr_cpus: CPUs taking part (userspace only; the kernel uses num_online_cpus())
 * @run_on: continue after a failed step: a fault injection only (no kernel of
 *	the series or mainline did this; v2 skipped to DONE, v3-v8 left the loop,
 *	v9 and mainline count failures and stop)
 * @fn: the work of a step
 * @arg: passed to @fn
 */
struct tdx_sim_steploop {
	raw_spinlock_t lock;
	raw_spinlock_t install_lock;
	enum tdx_sim_step step;
	unsigned int nr_acked;
	unsigned int nr_failed;
	int first_err;
	enum tdx_sim_step failed_step;
	unsigned int nr_cpus;
	bool run_on;
	tdx_sim_step_fn fn;
	void *arg;
};

void tdx_sim_steploop_init(struct tdx_sim_steploop *sl, unsigned int nr_cpus,
			   bool run_on, tdx_sim_step_fn fn, void *arg);
int tdx_sim_steploop_cpu(struct tdx_sim_steploop *sl, unsigned int cpu);
const char *tdx_sim_step_name(enum tdx_sim_step step);

#endif /* TDX_SIM_STEPLOOP_H */
