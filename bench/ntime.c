// SPDX-License-Identifier: GPL-2.0-only
/*
 * ntime: run a command RUNS times and print each run's wall time in nanoseconds, one a line,
 * then "median NS" and "maxrss KIB" (the largest peak resident set of the runs, from wait4(2):
 * busybox's time cannot tell it). Built static (bench/run does it) so that it also runs in the emulated host,
 * whose busybox `date` has no nanoseconds. The command's output goes to /dev/null; a run that
 * exits non-zero is reported and ends ntime with status 1.
 *
 *   ntime RUNS CMD [ARG...]
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint64_t *t;
	long maxrss = 0;
	int runs;

	if (argc < 3 || (runs = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: ntime RUNS CMD [ARG...]\n");
		return 2;
	}
	t = calloc((size_t)runs, sizeof(*t));
	if (!t)
		return 1;
	for (int i = 0; i < runs; i++) {
		uint64_t start = now_ns();
		struct rusage ru;
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			return 1;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		t[i] = now_ns() - start;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "ntime: %s: exit status %d\n", argv[2],
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			return 1;
		}
		printf("%llu\n", (unsigned long long)t[i]);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_u64);
	printf("median %llu\n", (unsigned long long)t[runs / 2]);
	printf("maxrss %ld\n", maxrss);
	free(t);
	return 0;
}
