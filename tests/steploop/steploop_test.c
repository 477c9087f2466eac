// SPDX-License-Identifier: GPL-2.0-only
/*
 * Randomized test of kernel/steploop.c in userspace: threads are CPUs,
 * faults are injected at random steps, CPUs and errnos, and every round
 * checks the abort rule on the trace. Built with -fsanitize=thread, so the
 * loop's locking and ordering are checked too.
 *
 * usage: steploop_test [ROUNDS [SEED]]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "steploop.h"

#define MAX_CPUS 8
#define MAX_TRACE (MAX_CPUS * TDX_SIM_NR_STEPS)

enum target { T_LEAD, T_CPU, T_ANY, T_ALL, T_NR };

struct entry {
	unsigned int cpu;
	enum tdx_sim_step step;
	bool work;
	int ret;
};

/* One round: the control block, the armed fault, emulated state, the trace. */
struct round {
	struct tdx_sim_steploop sl;
	unsigned int nr_cpus;
	bool run_on;		/* the run-on fault injection (no kernel did this) */
	enum tdx_sim_step fault_step;	/* START: no fault */
	enum target target;
	unsigned int target_cpu;
	int err;
	int any_claimed;
	unsigned int seed[MAX_CPUS];
	/* emulated module state, written without atomics on purpose */
	bool shut_down;
	unsigned int installed;
	bool updated;
	int in_install;
	struct entry trace[MAX_TRACE];
	int trace_len;
	int cpu_ret[MAX_CPUS];
};

struct cpu_arg {
	struct round *r;
	unsigned int cpu;
};

/* Small random delay so that CPUs interleave differently every round. */
static void jitter(unsigned int *seed)
{
	unsigned int n = rand_r(seed) % 4;

	while (n--)
		sched_yield();
}

/* Does the armed fault hit this CPU's part of this step? */
static int fault_hit(struct round *r, enum tdx_sim_step step, unsigned int cpu)
{
	int zero = 0;

	if (r->fault_step != step)
		return 0;
	switch (r->target) {
	case T_LEAD:
		return cpu == 0 ? r->err : 0;
	case T_CPU:
		return cpu == r->target_cpu ? r->err : 0;
	case T_ANY:
		return __atomic_compare_exchange_n(&r->any_claimed, &zero, 1, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ?
		       r->err : 0;
	default:
		return r->err;
	}
}

/* The step callback: emulated work whose ordering TSan checks, plus the trace. */
static int step_fn(void *arg, enum tdx_sim_step step, unsigned int cpu, bool work)
{
	struct round *r = arg;
	int ret = 0, i;

	jitter(&r->seed[cpu]);
	if (work) {
		ret = fault_hit(r, step, cpu);
		if (!ret) {
			switch (step) {
			case TDX_SIM_SHUTDOWN:
				r->shut_down = true;
				break;
			case TDX_SIM_CPU_INSTALL:
				if (__atomic_add_fetch(&r->in_install, 1, __ATOMIC_SEQ_CST) != 1) {
					fprintf(stderr, "two CPUs in CPU_INSTALL at once\n");
					abort();
				}
				if (!r->shut_down && !r->run_on) {
					fprintf(stderr, "CPU_INSTALL before SHUTDOWN\n");
					abort();
				}
				r->installed++;
				jitter(&r->seed[cpu]);
				__atomic_sub_fetch(&r->in_install, 1, __ATOMIC_SEQ_CST);
				break;
			case TDX_SIM_RUN_UPDATE:
				if (r->installed == r->nr_cpus)
					r->updated = true;
				break;
			default:
				break;
			}
		}
	}
	i = __atomic_fetch_add(&r->trace_len, 1, __ATOMIC_SEQ_CST);
	r->trace[i] = (struct entry){ cpu, step, work, ret };
	return ret;
}

static void *cpu_thread(void *p)
{
	struct cpu_arg *a = p;

	a->r->cpu_ret[a->cpu] = tdx_sim_steploop_cpu(&a->r->sl, a->cpu);
	return NULL;
}

static bool lead_only(enum tdx_sim_step s)
{
	return s == TDX_SIM_SHUTDOWN || s == TDX_SIM_RUN_UPDATE;
}

/* Will the armed fault fire at all? (A lead-only step never runs elsewhere.) */
static bool fault_fires(const struct round *r)
{
	if (r->fault_step == TDX_SIM_START)
		return false;
	if (lead_only(r->fault_step) && r->target == T_CPU)
		return r->target_cpu == 0;
	return true;
}

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "round %u: ", n);			\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		return false;						\
	}								\
} while (0)

/* The abort rule and the success rule, checked on one finished round. */
static bool check_round(struct round *r, unsigned int n)
{
	bool fails = fault_fires(r);
	int count[MAX_CPUS][TDX_SIM_NR_STEPS] = { { 0 } };
	int i, failed_entries = 0;
	unsigned int c, s;

	for (i = 0; i < r->trace_len; i++) {
		struct entry *e = &r->trace[i];

		count[e->cpu][e->step]++;
		if (e->ret)
			failed_entries++;
		CHECK(e->work == (!lead_only(e->step) || e->cpu == 0),
		      "cpu %u did the wrong part of step %s", e->cpu,
		      tdx_sim_step_name(e->step));
		if (fails && !r->run_on)
			CHECK(e->step <= r->fault_step,
			      "cpu %u entered %s after %s failed", e->cpu,
			      tdx_sim_step_name(e->step),
			      tdx_sim_step_name(r->fault_step));
	}
	for (c = 0; c < r->nr_cpus; c++)
		for (s = 0; s < TDX_SIM_NR_STEPS; s++)
			CHECK(count[c][s] <= 1, "cpu %u entered %s twice", c,
			      tdx_sim_step_name(s));

	if (!fails || r->run_on) {
		/* every CPU ran every step exactly once */
		for (c = 0; c < r->nr_cpus; c++)
			for (s = TDX_SIM_SHUTDOWN; s <= TDX_SIM_RUN_UPDATE; s++)
				CHECK(count[c][s] == 1, "cpu %u ran %s %d times",
				      c, tdx_sim_step_name(s), count[c][s]);
	}
	if (!fails) {
		CHECK(r->sl.first_err == 0, "no fault but error %d", r->sl.first_err);
		CHECK(r->updated && r->installed == r->nr_cpus,
		      "no fault but the update did not complete");
		for (c = 0; c < r->nr_cpus; c++)
			CHECK(r->cpu_ret[c] == 0, "cpu %u returned %d", c, r->cpu_ret[c]);
		return true;
	}
	CHECK(r->sl.first_err == r->err, "error %d, expected %d", r->sl.first_err, r->err);
	CHECK(r->sl.failed_step == r->fault_step, "failed at %s, expected %s",
	      tdx_sim_step_name(r->sl.failed_step), tdx_sim_step_name(r->fault_step));
	CHECK(failed_entries >= 1, "a fault fired but no entry failed");
	if (r->target != T_ALL)
		CHECK(failed_entries == 1, "%d entries failed, expected 1", failed_entries);
	if (!r->run_on) {
		CHECK(!r->updated, "update completed after a failure");
		if (r->fault_step == TDX_SIM_SHUTDOWN)
			CHECK(!r->shut_down && !r->installed,
			      "SHUTDOWN failed but something changed");
	}
	return true;
}

int main(int argc, char **argv)
{
	static const int errs[] = { -EBUSY, -EIO, -EINVAL };
	unsigned int rounds = argc > 1 ? strtoul(argv[1], NULL, 0) : 500;
	unsigned int seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 12345;
	unsigned int passed = 0, failed = 0, fired = 0, n, c;

	for (n = 0; n < rounds; n++) {
		struct round *r = calloc(1, sizeof(*r));
		pthread_t th[MAX_CPUS];
		struct cpu_arg args[MAX_CPUS];

		if (!r)
			return 2;
		r->nr_cpus = 1 + rand_r(&seed) % MAX_CPUS;
		r->run_on = rand_r(&seed) % 8 == 0;
		if (rand_r(&seed) % 4) {
			r->fault_step = TDX_SIM_SHUTDOWN + rand_r(&seed) % 4;
			r->target = rand_r(&seed) % T_NR;
			r->target_cpu = rand_r(&seed) % r->nr_cpus;
			r->err = errs[rand_r(&seed) % 3];
		}
		for (c = 0; c < r->nr_cpus; c++)
			r->seed[c] = rand_r(&seed);
		tdx_sim_steploop_init(&r->sl, r->nr_cpus, r->run_on, step_fn, r);
		for (c = 0; c < r->nr_cpus; c++) {
			args[c] = (struct cpu_arg){ r, c };
			if (pthread_create(&th[c], NULL, cpu_thread, &args[c]))
				return 2;
		}
		for (c = 0; c < r->nr_cpus; c++)
			pthread_join(th[c], NULL);
		fired += fault_fires(r);
		if (check_round(r, n)) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "  cpus %u run_on %d fault %s target %d/%u err %d\n",
				r->nr_cpus, r->run_on, tdx_sim_step_name(r->fault_step),
				r->target, r->target_cpu, r->err);
		}
		free(r);
	}
	printf("steploop: %u rounds, %u with a fault that fired\n", rounds, fired);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
