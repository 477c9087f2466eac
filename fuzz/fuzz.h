/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the fuzz harnesses: the libFuzzer entry point's prototype, a quiet context whose
 * log function still formats every message (so a bad format argument is caught), and helpers
 * that turn the fuzzer's bytes into what each parser takes.
 *
 * Each harness is built twice: with libFuzzer (-Dfuzz=true, clang) to search, and with
 * fuzz/replay.c as its main() in every build to replay the seed corpus and the regressions.
 */
#ifndef TDXCTL_FUZZ_H
#define TDXCTL_FUZZ_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libtdxctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Format the message into a scratch buffer and drop it. */
__attribute__((format(printf, 6, 0)))
static inline void fuzz_log(struct tdx_ctx *ctx, int priority, const char *file, int line,
			    const char *fn, const char *format, va_list args)
{
	char buf[512];

	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	vsnprintf(buf, sizeof(buf), format, args);
}

/* One context for the whole run, logging everything through fuzz_log(). */
static inline struct tdx_ctx *fuzz_ctx(void)
{
	static struct tdx_ctx *ctx;

	if (!ctx) {
		if (tdx_ctx_new(&ctx) < 0)
			abort();
		tdx_ctx_set_log_fn(ctx, fuzz_log);
		tdx_ctx_set_log_priority(ctx, 7);	/* LOG_DEBUG: every message formatted */
	}
	return ctx;
}

/* A NUL-terminated heap copy of the input, exactly sized so ASan sees any over-read. */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An exactly sized heap copy (a zero-length input becomes a 1-byte allocation). */
static inline uint8_t *fuzz_memdup(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

/* A property the harness checks: a violation is a crash the fuzzer reports. */
#define FUZZ_ASSERT(cond)								\
	do {										\
		if (!(cond)) {								\
			fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__,	\
				__LINE__, #cond);					\
			abort();							\
		}									\
	} while (0)

#endif /* TDXCTL_FUZZ_H */
