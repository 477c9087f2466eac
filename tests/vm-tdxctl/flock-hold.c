// SPDX-License-Identifier: GPL-2.0-only
/*
 * flock-hold FILE SECONDS: hold an exclusive flock on FILE (recording "PID 0" in it, as tdxctl
 * records its owner) for SECONDS, so the VM tests can see tdxctl refuse a held update lock.
 * busybox has no flock(1); this is built statically by tests/vm-tdxctl/prepare.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[32];
	int fd, len;

	if (argc != 3)
		return 2;
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		perror(argv[1]);
		return 1;
	}
	len = snprintf(buf, sizeof(buf), "%d 0\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)len) != len)
		return 1;
	sleep((unsigned int)atoi(argv[2]));
	return 0;
}
