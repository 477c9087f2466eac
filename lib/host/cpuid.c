// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * This CPU's CPUID(1).EAX (family, model, stepping), which compatibility rule 5 matches against
 * the sigstruct's CPUID table. Read with the compiler's <cpuid.h> so that no third-party module
 * or /dev/cpu/N/cpuid (root, msr driver) is needed.
 */
#include <errno.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "host-private.h"

/* All CPUs of a host are one model in practice (compatibility.md §2 rule 5): one is enough. */
TDX_EXPORT
int tdx_cpuid_eax(uint32_t *eax)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return -ENODEV;
	*eax = a;
	return 0;
#else
	(void)eax;
	return -ENODEV;
#endif
}
