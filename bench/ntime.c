// SPDX-License-Identifier: GPL-2.0-only
/*
 * ntime: run a command RUNS times and print each run's wall time in nanoseconds, one a line,
 * then "median NS" and "maxrss KIB" (the largest peak resident set of the runs, from wait4(2):
 * busybox's time cannot tell it). Built static (bench/run does it) so that it also runs in the
 * emulated host, whose busybox `date` has no nanoseconds. The command's output goes to
 * /dev/null; a run that exits non-zero is reported and ends ntime with status 1.
 *
 *   ntime RUNS CMD [ARG...]
 *   ntime -p RUNS CMD_A [ARG...] -- CMD_B [ARG...]
 *
 * -p: paired runs. A and B run alternately (A B, then B A, so that neither always goes first),
 * RUNS pairs in all; each pair gives the ratio A/B of its two wall times. A shared machine's
 * load changes from second to second: two runs side by side see about the same load, so the
 * ratio of a pair is steadier than the ratio of two medians taken minutes apart. Prints each
 * pair's two times, then "median_a NS", "median_b NS", "ratio MEDIAN MIN MAX" over the pairs;
 * the same for the CPU time (user + system, from wait4(2)), which leaves out the time spent
 * waiting for a CPU on a loaded machine: "cpu_a NS", "cpu_b NS", "cpu_ratio MEDIAN MIN MAX";
 * and "faults A B", the median minor page faults of a run of each, which do not depend on the
 * machine's load at all.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct sample {
	uint64_t ns;		/* wall */
	uint64_t cpu_ns;	/* user + system */
	uint64_t faults;	/* minor page faults */
};

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

/* One run of @argv, output to /dev/null, measured into *s; the peak RSS into *maxrss. */
static int run_once(char **argv, struct sample *s, long *maxrss)
{
	uint64_t start = now_ns();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	s->ns = now_ns() - start;
	s->cpu_ns = tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
	s->faults = (uint64_t)ru.ru_minflt;
	if (ru.ru_maxrss > *maxrss)
		*maxrss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "ntime: %s: exit status %d\n", argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -1;
	}
	return 0;
}

/* Median of @n sorted values; the mean of the middle two for an even @n. */
static double median(const double *v, int n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t median_u64(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static int paired(int runs, char **a, char **b)
{
	struct sample *sa = calloc((size_t)runs, sizeof(*sa)), *sb = calloc((size_t)runs, sizeof(*sb));
	uint64_t *v = calloc((size_t)runs, sizeof(*v));
	double *r = calloc((size_t)runs, sizeof(*r)), *rc = calloc((size_t)runs, sizeof(*rc));
	long maxrss = 0;

	if (!sa || !sb || !v || !r || !rc)
		return 1;
	for (int i = 0; i < runs; i++) {
		char **first = i % 2 ? b : a, **second = i % 2 ? a : b;
		struct sample *s1 = i % 2 ? &sb[i] : &sa[i], *s2 = i % 2 ? &sa[i] : &sb[i];

		if (run_once(first, s1, &maxrss) || run_once(second, s2, &maxrss))
			return 1;
		r[i] = (double)sa[i].ns / (double)sb[i].ns;
		rc[i] = (double)sa[i].cpu_ns / (double)(sb[i].cpu_ns ? sb[i].cpu_ns : 1);
		printf("%llu %llu\n", (unsigned long long)sa[i].ns, (unsigned long long)sb[i].ns);
	}
	qsort(r, (size_t)runs, sizeof(*r), cmp_double);
	qsort(rc, (size_t)runs, sizeof(*rc), cmp_double);
	for (int i = 0; i < runs; i++)
		v[i] = sa[i].ns;
	printf("median_a %llu\n", (unsigned long long)median_u64(v, runs));
	for (int i = 0; i < runs; i++)
		v[i] = sb[i].ns;
	printf("median_b %llu\n", (unsigned long long)median_u64(v, runs));
	printf("ratio %.3f %.3f %.3f\n", median(r, runs), r[0], r[runs - 1]);
	for (int i = 0; i < runs; i++)
		v[i] = sa[i].cpu_ns;
	printf("cpu_a %llu\n", (unsigned long long)median_u64(v, runs));
	for (int i = 0; i < runs; i++)
		v[i] = sb[i].cpu_ns;
	printf("cpu_b %llu\n", (unsigned long long)median_u64(v, runs));
	printf("cpu_ratio %.3f %.3f %.3f\n", median(rc, runs), rc[0], rc[runs - 1]);
	for (int i = 0; i < runs; i++)
		v[i] = sa[i].faults;
	printf("faults %llu", (unsigned long long)median_u64(v, runs));
	for (int i = 0; i < runs; i++)
		v[i] = sb[i].faults;
	printf(" %llu\n", (unsigned long long)median_u64(v, runs));
	free(sa);
	free(sb);
	free(v);
	free(r);
	free(rc);
	return 0;
}

int main(int argc, char **argv)
{
	struct sample one;
	uint64_t *t;
	long maxrss = 0;
	int runs;

	if (argc >= 6 && strcmp(argv[1], "-p") == 0 && (runs = atoi(argv[2])) >= 1) {
		int sep = 4;

		while (sep < argc && strcmp(argv[sep], "--") != 0)
			sep++;
		if (sep >= argc - 1) {
			fprintf(stderr, "usage: ntime -p RUNS CMD_A [ARG...] -- CMD_B [ARG...]\n");
			return 2;
		}
		argv[sep] = NULL;
		return paired(runs, argv + 3, argv + sep + 1);
	}
	if (argc < 3 || (runs = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: ntime RUNS CMD [ARG...]\n"
				"       ntime -p RUNS CMD_A [ARG...] -- CMD_B [ARG...]\n");
		return 2;
	}
	t = calloc((size_t)runs, sizeof(*t));
	if (!t)
		return 1;
	for (int i = 0; i < runs; i++) {
		if (run_once(argv + 2, &one, &maxrss))
			return 1;
		t[i] = one.ns;
		printf("%llu\n", (unsigned long long)t[i]);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_u64);
	printf("median %llu\n", (unsigned long long)t[runs / 2]);
	printf("maxrss %ld\n", maxrss);
	free(t);
	return 0;
}
