// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TD-build gate's files: each builds/NAME entry (JSON) is read back by tdx_gate_list, so
 * the input is written as builds/fuzz-entry in a private run folder and listed. The same bytes
 * also go through the gate's other parsers: tdx_duration_parse (--wait, --ttl) and
 * tdx_gate_name_valid.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "tdx-gate.h"

static char rundir[64], entry[128], builds[96];

static void cleanup(void)
{
	unlink(entry);
	rmdir(builds);
	rmdir(rundir);
}

static void setup(void)
{
	snprintf(rundir, sizeof(rundir), "/tmp/tdxctl-fuzz-gate.XXXXXX");
	if (!mkdtemp(rundir))
		abort();
	snprintf(builds, sizeof(builds), "%s/builds", rundir);
	snprintf(entry, sizeof(entry), "%s/fuzz-entry", builds);
	if (mkdir(builds, 0700) < 0)
		abort();
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_gate_entry *list = NULL;
	struct tdx_gate *gate;
	char *s = fuzz_strdup(data, size);
	size_t n = 0;
	uint64_t ms;
	int fd, rc;

	if (!rundir[0])
		setup();
	tdx_duration_parse(s, &ms);
	tdx_gate_name_valid(s);

	fd = open(entry, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	if (tdx_gate_new(fuzz_ctx(), rundir, &gate) < 0)
		abort();
	rc = tdx_gate_list(gate, &list, &n);
	FUZZ_ASSERT(rc == 0 && n <= 1);
	if (n)
		FUZZ_ASSERT(strcmp(list[0].name, "fuzz-entry") == 0 && list[0].pid > 0);
	free(list);
	tdx_gate_free(gate);
	free(s);
	return 0;
}
