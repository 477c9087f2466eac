// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's TDX host device and its firmware-upload device: discovery in sysfs, and
 * fresh reads of the attributes an update depends on. Also the CPU sets and the CPU erratum.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "host-private.h"

/* Relative to the context's sysfs root (TDX_HOST_SYSPATH, CPU_SYSPATH: host-private.h). */
#define TDX_HOST_BUSPATH	"bus/faux/devices/tdx_host"
#define SEAMRET_ERRATUM		"seamret_invd_vmcs"

struct tdx_host {
	struct tdx_ctx *ctx;
	char *syspath;
	char *upload_path;
	char *upload_name;
	enum tdx_host_layout layout;
};

static bool path_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

/* ---- discovery ------------------------------------------------------------------------------- */

/* <sysfs>/@rel, the way messages name it. */
static void sysfs_path(struct tdx_ctx *ctx, const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", tdx_ctx_get_path(ctx, TDX_CTX_SYSFS), rel);
}

/* A device folder: a folder with a uevent file, as libudev requires of a device's syspath. */
static bool is_device_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && path_exists(path, "uevent");
}

/* Is the device at @path in the class @class (its subsystem link ends in /@class)? */
static bool device_in_class(const char *path, const char *class)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (snprintf(link, sizeof(link), "%s/subsystem", path) >= (int)sizeof(link))
		return false;
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	return strcmp(base ? base + 1 : target, class) == 0;
}

/*
 * The upload device: a child of tdx_host in the firmware class, so in the class's folder under
 * tdx_host, named as one of the layouts names it (tdx_host_layout_upload(), in the layouts'
 * order: the mainline name wins). Any other firmware-upload device (CXL, FPGA, test_firmware)
 * is never ours. Plain sysfs rather than libudev, which knows only /sys: the host code works
 * on the context's sysfs root.
 */
static int host_find_upload(struct tdx_host *host)
{
	char path[PATH_MAX];

	for (int l = 0; l < TDX_LAYOUT__COUNT; l++) {
		const char *name = tdx_host_layout_upload((enum tdx_host_layout)l);

		if (!name)
			continue;
		if (snprintf(path, sizeof(path), "%s/firmware/%s", host->syspath, name) >=
		    (int)sizeof(path))
			return -ENAMETOOLONG;
		if (!is_device_dir(path) || !device_in_class(path, "firmware"))
			continue;
		host->upload_path = strdup(path);
		host->upload_name = strdup(name);
		if (!host->upload_path || !host->upload_name)
			return -ENOMEM;
		return 0;
	}
	return 0;
}

/* For tdx_host_layout_detect(): is @file there under the tdx_host folder @data? */
static bool host_file_present(const char *file, void *data)
{
	return path_exists(data, file);
}

/* The layout the files show, judged by the layouts' clues (tdx_host_layout_detect()). */
static enum tdx_host_layout host_detect_layout(const struct tdx_host *host)
{
	return tdx_host_layout_detect(host->upload_name, host_file_present, host->syspath);
}

TDX_EXPORT
int tdx_host_open(struct tdx_ctx *ctx, struct tdx_host **hostp)
{
	static const char *const paths[] = { TDX_HOST_SYSPATH, TDX_HOST_BUSPATH };
	char path[PATH_MAX];
	struct tdx_host *host;
	char *syspath = NULL;
	int rc;

	for (size_t i = 0; i < ARRAY_SIZE(paths) && !syspath; i++) {
		sysfs_path(ctx, paths[i], path, sizeof(path));
		if (is_device_dir(path))
			syspath = realpath(path, NULL);
	}
	if (!syspath) {
		sysfs_path(ctx, TDX_HOST_SYSPATH, path, sizeof(path));
		dbg(ctx, "no %s\n", path);
		return -ENODEV;
	}
	host = calloc(1, sizeof(*host));
	if (!host) {
		free(syspath);
		return -ENOMEM;
	}
	host->ctx = ctx;
	host->syspath = syspath;
	rc = host_find_upload(host);
	if (rc < 0) {
		tdx_host_free(host);
		return rc;
	}
	host->layout = host_detect_layout(host);
	dbg(ctx, "tdx_host at %s, upload device %s, layout %s\n", host->syspath,
	    host->upload_path ? host->upload_path : "(none)", tdx_host_layout_name(host->layout));
	*hostp = host;
	return 0;
}

TDX_EXPORT
void tdx_host_free(struct tdx_host *host)
{
	if (!host)
		return;
	free(host->syspath);
	free(host->upload_path);
	free(host->upload_name);
	free(host);
}

TDX_EXPORT
const char *tdx_host_get_upload_path(const struct tdx_host *host)
{
	return host->upload_path;
}

/* Read an attribute and parse it as a version. */
static int host_read_version_attr(struct tdx_host *host, const char *name, struct tdx_version *v)
{
	char buf[64];
	int rc = tdx_sysfs_read(host->syspath, name, buf, sizeof(buf));

	if (rc < 0) {
		dbg(host->ctx, "%s/%s: %s\n", host->syspath, name, strerror(-rc));
		return rc;
	}
	rc = tdx_version_parse(buf, v);
	if (rc < 0)
		err(host->ctx, "%s/%s: unexpected content '%.*s'\n", host->syspath, name,
		    (int)strcspn(buf, "\n"), buf);
	return rc;
}

TDX_EXPORT
int tdx_host_read_version(struct tdx_host *host, struct tdx_version *v)
{
	return host_read_version_attr(host, "version", v);
}

TDX_EXPORT
int tdx_host_read_seamldr_version(struct tdx_host *host, struct tdx_version *v)
{
	const char *name = tdx_host_layout_attr(host->layout, TDX_ATTR_SEAMLDR_VERSION);

	return name ? host_read_version_attr(host, name, v) : -ENOENT;
}

TDX_EXPORT
int tdx_host_read_remaining_updates(struct tdx_host *host, unsigned int *n)
{
	const char *name = tdx_host_layout_attr(host->layout, TDX_ATTR_REMAINING_UPDATES);
	char buf[32];
	int rc;

	if (!name)
		return -ENOENT;
	rc = tdx_sysfs_read(host->syspath, name, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	rc = tdx_sysfs_parse_uint(buf, n);
	if (rc < 0)
		err(host->ctx, "%s/%s: unexpected content\n", host->syspath, name);
	return rc;
}

/*
 * The kernel hides the upload device when either precondition is missing; the erratum is the
 * one of the two userspace can see, so the other is what remains.
 */
TDX_EXPORT
int tdx_host_get_update_support(struct tdx_ctx *ctx, struct tdx_host *host,
				enum tdx_update_support *support)
{
	bool erratum = false;
	int rc;

	if (!host) {
		*support = TDX_UPDATE_NO_DEVICE;
		return 0;
	}
	if (host->upload_path) {
		*support = TDX_UPDATE_SUPPORTED;
		return 0;
	}
	rc = tdx_cpu_read_seamret_erratum(ctx, &erratum);
	if (rc < 0)
		dbg(ctx, "cannot read /proc/cpuinfo: %s\n", strerror(-rc));
	*support = erratum ? TDX_UPDATE_ERRATUM : TDX_UPDATE_NO_FEATURE;
	return 0;
}

TDX_EXPORT
int tdx_cpus_read(struct tdx_ctx *ctx, struct tdx_cpuset *present, struct tdx_cpuset *online)
{
	/* Large enough for 8192 CPUs listed one by one, the worst case the kernel prints. */
	size_t size = 64 * 1024;
	char *buf = malloc(size), dir[PATH_MAX];
	int rc;

	if (!buf)
		return -ENOMEM;
	sysfs_path(ctx, CPU_SYSPATH, dir, sizeof(dir));
	rc = tdx_sysfs_read(dir, "present", buf, size);
	if (rc >= 0)
		rc = tdx_cpuset_parse(buf, present);
	if (rc >= 0)
		rc = tdx_sysfs_read(dir, "online", buf, size);
	if (rc >= 0)
		rc = tdx_cpuset_parse(buf, online);
	if (rc < 0)
		err(ctx, "cannot read the CPU lists in %s: %s\n", dir, strerror(-rc));
	free(buf);
	return rc < 0 ? rc : 0;
}

TDX_EXPORT
int tdx_cpu_read_seamret_erratum(struct tdx_ctx *ctx, bool *has)
{
	char *line = NULL, path[PATH_MAX];
	size_t cap = 0;
	int rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cpuinfo", tdx_ctx_get_path(ctx, TDX_CTX_PROCFS));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	*has = false;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "bugs", 4) == 0) {
			*has = tdx_cpuinfo_has_bug(line, SEAMRET_ERRATUM);
			break;
		}
	}
	if (ferror(f))
		rc = -EIO;
	free(line);
	fclose(f);
	dbg(ctx, "%s: %s\n", SEAMRET_ERRATUM, *has ? "present" : "absent");
	return rc;
}

TDX_EXPORT
int tdx_caller_get_privileges(bool *root, bool *rawio)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	*root = geteuid() == 0;
	*rawio = false;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	*rawio = data[CAP_TO_INDEX(CAP_SYS_RAWIO)].effective & CAP_TO_MASK(CAP_SYS_RAWIO);
	return 0;
}

/* ---- facts and the host checks --------------------------------------------------------------- */

TDX_EXPORT
void tdx_host_collect(struct tdx_ctx *ctx, struct tdx_host *host, struct tdx_host_status *st)
{
	memset(st, 0, sizeof(*st));
	st->host_rc = host ? 0 : -ENODEV;
	st->version_rc = st->seamldr_rc = st->remaining_rc = -ENODEV;
	st->upload_status_rc = st->upload_error_rc = -ENODEV;
	tdx_host_get_update_support(ctx, host, &st->support);
	st->cpus_rc = tdx_cpus_read(ctx, &st->present, &st->online);
	if (!st->cpus_rc)
		tdx_cpuset_andnot(&st->offline, &st->present, &st->online);
	if (!host)
		return;
	st->layout = host->layout;
	st->upload_path = host->upload_path;
	st->version_rc = tdx_host_read_version(host, &st->version);
	st->seamldr_rc = tdx_host_read_seamldr_version(host, &st->seamldr);
	st->remaining_rc = tdx_host_read_remaining_updates(host, &st->remaining);
	if (!host->upload_path)
		return;
	st->upload_status_rc = tdx_fwupload_read_status(ctx, host->upload_path, &st->upload_status);
	if (!st->upload_status_rc && st->upload_status == TDX_FW_IDLE)
		st->upload_error_rc = tdx_fwupload_read_error(ctx, host->upload_path,
							      &st->upload_error);
	else
		st->upload_error_rc = -EBUSY;
}

TDX_EXPORT
void tdx_host_status_facts(const struct tdx_host_status *st, struct tdx_host_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->have_running = st->version_rc == 0;
	facts->running = st->version;
	facts->have_seamldr = st->seamldr_rc == 0;
	facts->seamldr = st->seamldr;
	facts->have_cpuid = tdx_cpuid_eax(&facts->cpuid_eax) == 0;
}
