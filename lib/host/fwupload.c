// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's firmware-upload protocol (Documentation/ABI/testing/sysfs-class-firmware):
 * loading=1, the image to data, loading=0, wait for idle, read error. Also its pitfalls: a second
 * writer's loading=1/0 succeed and do nothing, and `error` keeps an older result until an upload
 * starts, so whether our upload started is tracked, not assumed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host-private.h"

/* Start at 1 ms, so that a fast update is not padded by a fixed sleep. */
#define POLL_FIRST_NS	1000000ull
#define POLL_MAX_NS	100000000ull	/* 100 ms: a slow one costs a few reads a second */

TDX_EXPORT
uint64_t tdx_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

TDX_EXPORT
int tdx_fwupload_read_status(struct tdx_ctx *ctx, const char *dir, enum tdx_fw_status *status)
{
	char buf[32];
	int rc = tdx_sysfs_read(dir, "status", buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = tdx_fw_status_parse(buf, status);
	if (rc < 0)
		err(ctx, "%s/status: unexpected content '%.*s'\n", dir, (int)strcspn(buf, "\n"),
		    buf);
	return rc;
}

TDX_EXPORT
int tdx_fwupload_read_error(struct tdx_ctx *ctx, const char *dir, struct tdx_fw_error *fwerr)
{
	char buf[64];
	int rc = tdx_sysfs_read(dir, "error", buf, sizeof(buf));

	if (rc < 0)
		return rc;
	rc = tdx_fw_error_parse(buf, fwerr);
	if (rc < 0)
		err(ctx, "%s/error: unexpected content '%.*s'\n", dir, (int)strcspn(buf, "\n"),
		    buf);
	return rc;
}

TDX_EXPORT
int tdx_fwupload_begin(struct tdx_ctx *ctx, const char *dir, struct tdx_fwupload_run *run)
{
	int rc;

	run->have_error_before = tdx_fwupload_read_error(ctx, dir, &run->error_before) == 0;
	rc = tdx_sysfs_write(dir, "loading", "1");
	if (rc < 0)
		err(ctx, "%s/loading=1: %s\n", dir, strerror(-rc));
	return rc;
}

TDX_EXPORT
int tdx_fwupload_write_data(struct tdx_ctx *ctx, const char *dir,
			    const struct tdx_image_part *parts, unsigned int n,
			    const volatile sig_atomic_t *stop, struct tdx_fwupload_run *run)
{
	char path[PATH_MAX];
	unsigned int part = 0;
	size_t at = 0;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/data", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		err(ctx, "%s: %s\n", path, strerror(-rc));
		return rc;
	}
	run->written = 0;
	/*
	 * kernfs takes at most a page per write(): short writes are the normal case here. @at is
	 * the offset in the current part; a write stays within one part (an image's parts are
	 * whole pages, so the writes stay page-aligned).
	 */
	while (part < n) {
		ssize_t w;

		if (at == parts[part].len) {
			part++;
			at = 0;
			continue;
		}
		if (stop && *stop) {
			rc = -EINTR;
			break;
		}
		w = write(fd, parts[part].data + at, parts[part].len - at);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			err(ctx, "%s: write at offset %zu: %s\n", path, run->written,
			    strerror(-rc));
			break;
		}
		if (w == 0) {
			rc = -EIO;
			break;
		}
		at += (size_t)w;
		run->written += (size_t)w;
	}
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

TDX_EXPORT
int tdx_fwupload_commit(struct tdx_ctx *ctx, const char *dir)
{
	int rc = tdx_sysfs_write(dir, "loading", "0");

	if (rc < 0)
		err(ctx, "%s/loading=0: %s\n", dir, strerror(-rc));
	return rc;
}

TDX_EXPORT
int tdx_fwupload_abandon(struct tdx_ctx *ctx, const char *dir)
{
	int rc = tdx_sysfs_write(dir, "loading", "-1");

	if (rc < 0)
		err(ctx, "%s/loading=-1: %s\n", dir, strerror(-rc));
	return rc;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

TDX_EXPORT
int tdx_fwupload_wait_idle(struct tdx_ctx *ctx, const char *dir, uint64_t deadline_ns,
			   struct tdx_fwupload_run *run)
{
	uint64_t start = tdx_monotonic_ns(), step = POLL_FIRST_NS, now;
	enum tdx_fw_status status;
	int rc;

	for (;;) {
		rc = tdx_fwupload_read_status(ctx, dir, &status);
		run->polls++;
		if (rc < 0)
			return rc;
		now = tdx_monotonic_ns();
		if (status == TDX_FW_IDLE)
			break;
		if (!run->saw_busy)
			dbg(ctx, "status %s after %llu us\n", tdx_fw_status_name(status),
			    (unsigned long long)(now - start) / 1000);
		run->saw_busy = true;
		if (now >= deadline_ns) {
			run->timed_out = true;
			run->upload_ns = now - start;
			return -ETIMEDOUT;
		}
		sleep_ns(step < deadline_ns - now ? step : deadline_ns - now);
		step = step * 3 / 2 < POLL_MAX_NS ? step * 3 / 2 : POLL_MAX_NS;
	}
	run->upload_ns = now - start;
	rc = tdx_fwupload_read_error(ctx, dir, &run->error_after);
	run->have_error_after = rc == 0;
	return rc;
}
