// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One sysfs attribute, read or written afresh: the I/O under the host's discovery (host.c) and
 * the firmware-upload protocol (fwupload.c), which both build on it and not on each other.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host-private.h"

/*
 * Not libudev's udev_device_get_sysattr_value(): that caches the first value it read and hides
 * the errno, and an update needs a fresh `version` afterwards and the ENXIO that says "lost".
 */
int tdx_sysfs_read(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, rc;

	buf[0] = '\0';		/* an empty string on every error path */
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf, size - 1);
	} while (n < 0 && errno == EINTR);
	rc = n < 0 ? -errno : (int)n;
	close(fd);
	if (rc < 0)
		return rc;
	buf[n] = '\0';
	return rc;
}

int tdx_sysfs_write(const char *dir, const char *name, const char *s)
{
	char path[PATH_MAX];
	size_t len = strlen(s);
	ssize_t n;
	int fd, rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = write(fd, s, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}
