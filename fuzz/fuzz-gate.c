// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TD-build gate's files: each builds/ entry (JSON) is read back by tdx_gate_list, so the
 * input is written as builds/fuzz-entry in a private run folder and listed; and root's record
 * gate.closed is read by tdx_gate_query, so the same bytes are written there and queried. They
 * also go through the gate's other parsers: tdx_duration_parse (--wait, --ttl) and
 * tdx_gate_name_valid.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "tdx-gate.h"

static char rundir[64], entry[128], builds[96], closed[96];

static void cleanup(void)
{
	char path[128];

	unlink(entry);
	unlink(closed);
	/* Root's private/ folder, made when a record named a dead closer and was removed. */
	snprintf(path, sizeof(path), "%s/private/gate.lock", rundir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/private", rundir);
	rmdir(path);
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
	snprintf(closed, sizeof(closed), "%s/gate.closed", rundir);
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
	/* The name is the entry's own (the file name carries nothing), always a valid one. */
	if (n)
		FUZZ_ASSERT(tdx_gate_name_valid(list[0].name) && list[0].pid > 0 &&
			    list[0].uid == geteuid());
	free(list);
	/* Root's record: whatever it says, the query ends and names no closer of PID 0 or less. */
	fd = open(closed, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	{
		bool is_closed = false;
		pid_t closer = -1;

		rc = tdx_gate_query(gate, &is_closed, &closer);
		FUZZ_ASSERT(rc == 0 && closer >= 0 && (is_closed || closer == 0));
	}
	tdx_gate_free(gate);
	free(s);
	return 0;
}
