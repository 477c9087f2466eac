/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny harness for the unit tests: exact assertions that count, a closing line
 * "N passed, N failed", exit 1 on any failure and 77 to skip (meson's convention).
 */
#ifndef TDXCTL_TEST_H
#define TDXCTL_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libtdxctl.h"

#define TEST_SKIP	77

static unsigned int test_passed, test_failed;

__attribute__((format(printf, 4, 5)))
static inline bool test_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list args;

	if (ok) {
		test_passed++;
		return true;
	}
	test_failed++;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	return false;
}

#define CHECK(cond)	test_check(!!(cond), __FILE__, __LINE__, "%s", #cond)
#define CHECK_INT(a, b)									\
	({ long long a_ = (long long)(a), b_ = (long long)(b);				\
	   test_check(a_ == b_, __FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_); })
#define CHECK_STR(a, b)									\
	({ const char *a_ = (a), *b_ = (b);						\
	   test_check(a_ && b_ && strcmp(a_, b_) == 0, __FILE__, __LINE__,		\
		      "%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",		\
		      b_ ? b_ : "(null)"); })

static inline int test_finish(void)
{
	printf("%u passed, %u failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}

/* Read a whole file into an exactly sized heap buffer (so ASan sees any over-read). */
static inline uint8_t *test_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		exit(1);
	}
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static inline void *test_dup(const void *p, size_t len)
{
	void *d = malloc(len ? len : 1);

	if (!d)
		exit(1);
	memcpy(d, p, len);
	return d;
}

/* The name of the first failed check, or "none". */
static inline const char *test_first_failure(const struct tdx_report *r)
{
	size_t i;

	if (tdx_report_first_failure(r, &i) < 0)
		return "none";
	return tdx_check_name(tdx_report_id(r, i));
}

/* The status recorded for a check, or -1 when it has no line; fails on two lines for one id. */
static inline int test_status_of(const struct tdx_report *r, const char *name)
{
	int status = -1;

	for (size_t i = 0; i < tdx_report_count(r); i++) {
		if (strcmp(tdx_check_name(tdx_report_id(r, i)), name) != 0)
			continue;
		if (status != -1)
			return -2;
		status = (int)tdx_report_status(r, i);
	}
	return status;
}

static inline void test_dump_report(const struct tdx_report *r)
{
	for (size_t i = 0; i < tdx_report_count(r); i++)
		fprintf(stderr, "    %-4s %-30s %s\n",
			tdx_check_status_name(tdx_report_status(r, i)),
			tdx_check_name(tdx_report_id(r, i)),
			tdx_finding_name(tdx_report_finding(r, i)));
}

/* An environment variable that must be set (meson passes it); exit 1 otherwise. */
static inline const char *test_env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		fprintf(stderr, "%s is not set (run the tests through meson test)\n", name);
		exit(1);
	}
	return v;
}

static inline char *test_path(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		exit(1);
	return p;
}

#endif /* TDXCTL_TEST_H */
