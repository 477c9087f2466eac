// SPDX-License-Identifier: GPL-2.0-only
/*
 * flock-hold FILE SECONDS | flock-hold FILE --until PATH: hold an exclusive flock on FILE
 * (recording "PID 0" in it, as tdxctl records its owner) for SECONDS, or until PATH exists, so
 * the VM tests can see tdxctl refuse a held update lock. The PID in FILE tells the test that the
 * lock is held; --until lets it release the lock after an event rather than after a time, which
 * a loaded host stretches. busybox has no flock(1); this is built statically by
 * tests/vm-tdxctl/prepare.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *until = NULL;
	char buf[32];
	int fd, len;

	if (argc == 4 && !strcmp(argv[2], "--until"))
		until = argv[3];
	else if (argc != 3)
		return 2;
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		perror(argv[1]);
		return 1;
	}
	len = snprintf(buf, sizeof(buf), "%d 0\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)len) != len)
		return 1;
	if (!until) {
		sleep((unsigned int)atoi(argv[2]));
		return 0;
	}
	while (access(until, F_OK) < 0)
		usleep(50000);
	return 0;
}
