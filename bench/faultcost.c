// SPDX-License-Identifier: GPL-2.0-only
/*
 * faultcost: the CPU time of one minor page fault on this machine, for bench/run. Start-up of
 * a program linked with shared libraries is mostly page faults (the loader writing relocations
 * into each page of a library's RELRO data), so what a fault costs decides how far apart
 * tdxctl and sha384sum are: a fraction of a microsecond on bare metal, tens where the page
 * tables are virtualised in software. Touches PAGES fresh pages of a private writable mapping
 * of FILE (copy on write, what the loader's relocations do), ROUNDS times, and prints
 * "fault_ns MEDIAN" over the rounds: CPU time (user + system) per minor fault.
 *
 *   faultcost FILE [PAGES [ROUNDS]]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* CPU time (ns) and minor faults of this process so far. */
static void usage_now(double *cpu_ns, long *faults)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	*cpu_ns = (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e9 +
		  (r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e3;
	*faults = r.ru_minflt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), pages, rounds, f0, f1;
	double *per, c0, c1;
	struct stat st;
	int fd;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: faultcost FILE [PAGES [ROUNDS]]\n");
		return 2;
	}
	pages = argc > 2 ? atol(argv[2]) : 4096;
	rounds = argc > 3 ? atol(argv[3]) : 9;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || pages < 1 || rounds < 1 ||
	    st.st_size < pages * page) {
		fprintf(stderr, "faultcost: %s: not a file of %ld pages or more\n", argv[1], pages);
		return 1;
	}
	per = calloc((size_t)rounds, sizeof(*per));
	if (!per)
		return 1;
	for (long r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, (size_t)(pages * page), PROT_READ | PROT_WRITE,
					MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED) {
			perror("faultcost: mmap");
			return 1;
		}
		usage_now(&c0, &f0);
		for (long i = 0; i < pages; i++)
			p[i * page] = 1;
		usage_now(&c1, &f1);
		per[r] = f1 > f0 ? (c1 - c0) / (double)(f1 - f0) : 0;
		munmap((void *)p, (size_t)(pages * page));
	}
	qsort(per, (size_t)rounds, sizeof(*per), cmp_double);
	printf("fault_ns %.0f\n", per[rounds / 2]);
	free(per);
	return 0;
}
