// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TDX module update step loop (see steploop.h). Kept free of anything
 * but the control block so that tests/steploop/ can run this very file in
 * userspace under ThreadSanitizer.
 */
#ifdef __KERNEL__
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/cpumask.h>
#include <linux/processor.h>
#endif

#include "steploop.h"

#ifdef __KERNEL__
/* Every online CPU takes part; stable inside stop_machine() (hotplug is locked). */
static unsigned int steploop_nr_cpus(const struct tdx_sim_steploop *sl)
{
	return num_online_cpus();
}

/* The lead CPU runs the lead-only steps: the first online CPU, i.e. CPU 0 on x86. */
static bool steploop_is_lead(unsigned int cpu)
{
	return cpu == cpumask_first(cpu_online_mask);
}
#else
static unsigned int steploop_nr_cpus(const struct tdx_sim_steploop *sl)
{
	return sl->nr_cpus;
}

static bool steploop_is_lead(unsigned int cpu)
{
	return cpu == 0;
}
#endif

static const char * const step_names[TDX_SIM_NR_STEPS] = {
	[TDX_SIM_START] = "START",
	[TDX_SIM_SHUTDOWN] = "SHUTDOWN",
	[TDX_SIM_CPU_INSTALL] = "CPU_INSTALL",
	[TDX_SIM_CPU_INIT] = "CPU_INIT",
	[TDX_SIM_RUN_UPDATE] = "RUN_UPDATE",
	[TDX_SIM_DONE] = "DONE",
};

/**
 * tdx_sim_step_name() - name of a step, for traces and messages
 * @step: the step
 *
 * Return: the name as in the kernel's enum, e.g. "CPU_INSTALL".
 */
const char *tdx_sim_step_name(enum tdx_sim_step step)
{
	if ((unsigned int)step >= TDX_SIM_NR_STEPS)
		return "?";
	return step_names[step];
}

/**
 * tdx_sim_steploop_init() - prepare the control block for one update
 * @sl: control block
 * @nr_cpus: CPUs taking part (used in userspace only)
 * @run_on: keep going after a failed step (fault injection only)
 * @fn: the work of each step
 * @arg: passed to @fn
 *
 * The first step is set here, before any CPU runs, so that every CPU sees a
 * change from its own START and nobody has to kick the loop off.
 */
void tdx_sim_steploop_init(struct tdx_sim_steploop *sl, unsigned int nr_cpus,
			   bool run_on, tdx_sim_step_fn fn, void *arg)
{
	raw_spin_lock_init(&sl->lock);
	raw_spin_lock_init(&sl->install_lock);
	sl->nr_acked = 0;
	sl->nr_failed = 0;
	sl->first_err = 0;
	sl->failed_step = TDX_SIM_START;
	sl->nr_cpus = nr_cpus;
	sl->run_on = run_on;
	sl->fn = fn;
	sl->arg = arg;
	WRITE_ONCE(sl->step, TDX_SIM_START + 1);
}

/*
 * Record the result of this CPU's part of @step. Only the last CPU to ack
 * moves the loop on, and only while no CPU has failed (the abort rule): a
 * failed step is never advanced past. With @run_on failures are counted
 * but do not stop the loop: that is a fault injection, no kernel did it.
 */
static void steploop_ack(struct tdx_sim_steploop *sl, enum tdx_sim_step step,
			 int ret)
{
	raw_spin_lock(&sl->lock);
	if (ret) {
		if (!sl->nr_failed) {
			sl->first_err = ret;
			sl->failed_step = step;
		}
		WRITE_ONCE(sl->nr_failed, sl->nr_failed + 1);
	}
	sl->nr_acked++;
	if (sl->nr_acked == steploop_nr_cpus(sl) &&
	    (!sl->nr_failed || sl->run_on)) {
		sl->nr_acked = 0;
		WRITE_ONCE(sl->step, step + 1);
	}
	raw_spin_unlock(&sl->lock);
}

/* One CPU's part of one step: lead-only steps are a no-op elsewhere. */
static int steploop_run_step(struct tdx_sim_steploop *sl,
			     enum tdx_sim_step step, unsigned int cpu)
{
	bool lead = steploop_is_lead(cpu);
	int ret;

	switch (step) {
	case TDX_SIM_SHUTDOWN:
	case TDX_SIM_RUN_UPDATE:
		return sl->fn(sl->arg, step, cpu, lead);
	case TDX_SIM_CPU_INSTALL:
		raw_spin_lock(&sl->install_lock);
		ret = sl->fn(sl->arg, step, cpu, true);
		raw_spin_unlock(&sl->install_lock);
		return ret;
	case TDX_SIM_CPU_INIT:
		return sl->fn(sl->arg, step, cpu, true);
	default:
		return 0;
	}
}

/**
 * tdx_sim_steploop_cpu() - the loop every online CPU runs
 * @sl: control block, prepared by tdx_sim_steploop_init()
 * @cpu: the CPU running this call
 *
 * Spin until the step changes, do this CPU's part of the new step, ack it,
 * and leave at DONE or as soon as any CPU has failed (unless @run_on). A CPU
 * that already read a step may finish its part of it after another CPU
 * failed that step, but no CPU ever starts a later step.
 *
 * Return: this CPU's first error, or 0.
 */
int tdx_sim_steploop_cpu(struct tdx_sim_steploop *sl, unsigned int cpu)
{
	enum tdx_sim_step cur = TDX_SIM_START, next;
	int ret, err = 0;

	do {
		next = READ_ONCE(sl->step);
		if (next == cur) {
			cpu_relax();
			continue;
		}
		cur = next;
		if (cur == TDX_SIM_DONE)
			break;
		ret = steploop_run_step(sl, cur, cpu);
		if (ret && !err)
			err = ret;
		steploop_ack(sl, cur, ret);
	} while (cur != TDX_SIM_DONE &&
		 (sl->run_on || !READ_ONCE(sl->nr_failed)));

	return err;
}
