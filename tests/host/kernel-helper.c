// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx-kernel-helper: plays the kernel's side of one upload in a fake sysfs tree, so that the
 * host tier takes a real `tdxctl update` (not a dry run) to its verdict.
 *
 *   tdx-kernel-helper UPLOAD_DIR HOST_DIR SIZE ERROR VERSION
 *
 * UPLOAD_DIR/data becomes a pipe of one page that this helper drains; once the first bytes
 * arrive (the upload has started: loading=1 was written, the image is being written) and while
 * the writer still waits on the pipe, it writes ERROR to UPLOAD_DIR/error ("" leaves it) and
 * makes HOST_DIR/version VERSION ("lost": a socket, which open(2) answers with ENXIO, as the
 * kernel's version file does once the module is gone; "-": left as it is). Then it reads the
 * remaining bytes, SIZE in all, and exits. The update reads error and version only after its
 * last write and loading=0, so the order is fixed without timers.
 * Prints "ready" once the pipe is in place and "received N" at the end; exits 0, or 1 when
 * something failed (also when fewer than SIZE bytes came within 60 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "tdx-kernel-helper: %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		return fail("cannot write", path);
	return 0;
}

/* The module is gone: its version file now answers open(2) with ENXIO, like a socket. */
static int make_lost(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return fail("socket path", path);
	}
	strcpy(sa.sun_path, path);
	if (unlink(path) < 0 && errno != ENOENT)
		return fail("cannot remove", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("cannot bind", path);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char data[4096], path[4096], buf[4096];
	size_t size, got = 0;
	bool acted = false;
	int fd;

	if (argc != 6) {
		fprintf(stderr, "usage: tdx-kernel-helper UPLOAD_DIR HOST_DIR SIZE ERROR VERSION\n");
		return 64;
	}
	size = strtoull(argv[3], NULL, 10);
	snprintf(data, sizeof(data), "%s/data", argv[1]);
	if (unlink(data) < 0 && errno != ENOENT)
		return fail("cannot remove", data);
	if (mkfifo(data, 0600) < 0)
		return fail("cannot make", data);
	/* Read and write: the open does not wait for the writer, and the pipe's size can be set. */
	fd = open(data, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("cannot open", data);
	if (fcntl(fd, F_SETPIPE_SZ, 4096) < 0)
		return fail("cannot shrink", data);
	printf("ready\n");
	fflush(stdout);
	while (got < size) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 60000) <= 0) {
			fprintf(stderr, "tdx-kernel-helper: %zu of %zu bytes, then nothing\n", got,
				size);
			return 1;
		}
		n = read(fd, buf, sizeof(buf) < size - got ? sizeof(buf) : size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail("cannot read", data);
		if (!acted) {
			acted = true;
			snprintf(path, sizeof(path), "%s/error", argv[1]);
			if (argv[4][0] && write_file(path, argv[4]))
				return 1;
			snprintf(path, sizeof(path), "%s/version", argv[2]);
			if (strcmp(argv[5], "lost") == 0 ? make_lost(path) :
			    strcmp(argv[5], "-") != 0 ? write_file(path, argv[5]) : 0)
				return 1;
		}
		got += (size_t)n;
	}
	close(fd);
	printf("received %zu\n", got);
	return 0;
}
