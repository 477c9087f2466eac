// SPDX-License-Identifier: GPL-2.0-only
/*
 * The updater's side of the TD-build gate for the command tests (tdxctl update is another
 * engineer's; this is the library call it makes): close the gate, say how that went, hold it
 * closed for a while, then say whether any build was recorded meanwhile (there must be none).
 * Usage: tdx-gate-helper RUNDIR WAIT_MS HOLD
 * HOLD is milliseconds, or a path: the gate stays closed until that file exists (at most 120 s),
 * so that a test on a loaded machine decides when it reopens instead of racing a timer.
 * Prints "drained" or "busy" or "error N"; then the host.td_builds row as the update judges the
 * close (the gate's state after it, judged by the readiness rules), "STATUS: MESSAGE"; then the
 * builds it found, one "build NAME STATE pid PID" line each; after the hold, "live=N".
 * Exits 0 drained, 75 busy, 1 on errors.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tdxctl.h"

/* Hold the gate closed: HOLD milliseconds, or until the file HOLD exists. */
static void hold(const char *arg)
{
	if (isdigit((unsigned char)arg[0])) {
		usleep((useconds_t)atoi(arg) * 1000);
		return;
	}
	for (int i = 0; i < 12000 && access(arg, F_OK) != 0; i++)
		usleep(10000);
}

int main(int argc, char **argv)
{
	struct tdx_readiness_facts facts = { 0 };
	struct tdx_gate_entry *list = NULL;
	struct tdx_report *report = NULL;
	struct tdx_gate *gate = NULL;
	unsigned int wait_ms;
	size_t n = 0, live = 0;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: %s RUNDIR WAIT_MS HOLD_MS|HOLD_UNTIL_FILE\n", argv[0]);
		return 64;
	}
	if (tdx_gate_new(NULL, argv[1], &gate) < 0 || tdx_report_new(&report) < 0)
		return 1;
	wait_ms = (unsigned int)atoi(argv[2]);
	rc = tdx_gate_close(gate, wait_ms);
	if (rc == 0)
		printf("drained\n");
	else if (rc == -EBUSY)
		printf("busy\n");
	else
		printf("error %d\n", rc);
	facts.run_dir = tdx_gate_get_dir(gate);
	facts.root = facts.rawio = true;
	tdx_readiness_read_gate_close(gate, rc, wait_ms, &facts);
	tdx_readiness_judge_rules(&facts, TDX_READINESS_BUILDS, report);
	if (tdx_report_count(report)) {
		/* The row as tdxctl words it (cli/finding-words.c). */
		char *words = report_result_words(report, 0);

		printf("%s: %s\n", tdx_check_status_name(tdx_report_status(report, 0)),
		       words ? words : "(no memory)");
		free(words);
	}
	for (size_t i = 0; i < facts.n_builds; i++)
		printf("build %s %s pid %d\n", facts.builds[i].name,
		       tdx_gate_state_name(facts.builds[i].state), (int)facts.builds[i].pid);
	tdx_readiness_facts_clear(&facts);
	fflush(stdout);
	if (rc == 0) {
		hold(argv[3]);
		if (tdx_gate_list(gate, &list, &n) == 0)
			for (size_t i = 0; i < n; i++)
				live += list[i].state == TDX_GATE_LIVE;
		printf("live=%zu\n", live);
		free(list);
	}
	tdx_report_free(report);
	tdx_gate_free(gate);
	return rc == 0 ? 0 : rc == -EBUSY ? 75 : 1;
}
