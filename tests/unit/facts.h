/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A result's finding and facts as one line, for unit tests to compare exactly:
 *   "compat.older image_version=1.5.06 running_version=1.5.08"
 * Strings as they are, numbers in decimal below 65536 and else as 0x%X (CPUID values, flags),
 * bytes in hex, a cause finding by its name, a list in brackets: builds=[[vm1,live,12]]. The
 * front end's words are tested in tests/cli.
 */
#ifndef TDXCTL_TEST_FACTS_H
#define TDXCTL_TEST_FACTS_H

#include <inttypes.h>
#include <stdio.h>

#include "libtdxctl.h"

/* A number as test_facts() writes it, in @buf (for expectations with a PID in them). */
static inline const char *test_u(uint64_t v, char *buf, size_t size)
{
	snprintf(buf, size, v < 65536 ? "%" PRIu64 : "0x%" PRIX64, v);
	return buf;
}

/* Fact @x at @buf + *@off, as test_facts() writes it; a list as [item,item], records within. */
static inline void test_fact_put(const struct tdx_fact *x, char *buf, size_t size, size_t *off)
{
	if (*off >= size)
		return;
	switch (x->type) {
	case TDX_FACT_BYTES:
		for (size_t b = 0; b < x->n && *off < size; b++)
			*off += (size_t)snprintf(buf + *off, size - *off, "%02x", (uint8_t)x->s[b]);
		break;
	case TDX_FACT_STR:
		*off += (size_t)snprintf(buf + *off, size - *off, "%s", x->s);
		break;
	case TDX_FACT_FINDING:
		*off += (size_t)snprintf(buf + *off, size - *off, "%s",
					 tdx_finding_name((enum tdx_finding)x->u));
		break;
	case TDX_FACT_U64:
		*off += (size_t)snprintf(buf + *off, size - *off,
					 x->u < 65536 ? "%" PRIu64 : "0x%" PRIX64, x->u);
		break;
	case TDX_FACT_LIST:
		*off += (size_t)snprintf(buf + *off, size - *off, "[");
		for (size_t k = 0; k < x->n && *off < size; k++) {
			if (k)
				*off += (size_t)snprintf(buf + *off, size - *off, ",");
			test_fact_put(&x->items[k], buf, size, off);
		}
		if (*off < size)
			*off += (size_t)snprintf(buf + *off, size - *off, "]");
		break;
	}
}

/* Result @i of @report as one line, in a buffer of its own until the next call. */
static inline const char *test_facts(const struct tdx_report *report, size_t i)
{
	static char buf[1024];
	enum tdx_finding f;
	size_t off;

	if (!report || i >= tdx_report_count(report))
		return "(no result)";
	f = tdx_report_finding(report, i);
	off = (size_t)snprintf(buf, sizeof(buf), "%s", tdx_finding_name(f));
	for (size_t k = 0; k < tdx_report_fact_count(report, i) && off < sizeof(buf); k++) {
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s=",
					tdx_finding_fact_name(f, k));
		test_fact_put(tdx_report_fact_get(report, i, k), buf, sizeof(buf), &off);
	}
	return buf;
}

#endif
