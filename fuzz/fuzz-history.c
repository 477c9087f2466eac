// SPDX-License-Identifier: GPL-2.0-only
/*
 * The update history (JSON lines): tdx_history_read reads a file, so the input is written to a
 * memfd and read through /proc/self/fd. The first byte chooses how many records to keep.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "tdx-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *records = NULL;
	char path[64];
	size_t skipped, keep;
	int fd, rc;

	if (size < 1)
		return 0;
	keep = data[0] % 8;
	fd = memfd_create("history", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = tdx_history_read(fuzz_ctx(), path, keep, &records, &skipped);
	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(!keep || json_object_array_length(records) <= keep);
	json_object_to_json_string_ext(records, JSON_C_TO_STRING_PLAIN);
	json_object_put(records);
	close(fd);
	return 0;
}
