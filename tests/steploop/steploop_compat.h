/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel primitives kernel/steploop.c uses, for building it in
 * userspace with threads standing in for CPUs. READ_ONCE/WRITE_ONCE become
 * acquire/release atomics: what x86 gives the kernel for free, and what
 * ThreadSanitizer needs to see to judge the loop's ordering.
 */
#ifndef TDX_SIM_STEPLOOP_COMPAT_H
#define TDX_SIM_STEPLOOP_COMPAT_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

typedef pthread_spinlock_t raw_spinlock_t;

#define raw_spin_lock_init(l)	pthread_spin_init((l), PTHREAD_PROCESS_PRIVATE)
#define raw_spin_lock(l)	pthread_spin_lock(l)
#define raw_spin_unlock(l)	pthread_spin_unlock(l)

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* More threads than cores: give the core away instead of spinning on it. */
static inline void cpu_relax(void)
{
	sched_yield();
}

#endif /* TDX_SIM_STEPLOOP_COMPAT_H */
