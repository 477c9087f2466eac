// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one place where outcomes become exit codes, and the one table of the codes: the help
 * text is printed from it, and tests/docs/test-docs.sh checks tdxctl(8), the README, the
 * systemd units, the cron file, the Ansible playbook and the alert rules against it (through
 * `tdxctl --list-exit-codes`). A new code is one row here, then what that test asks for.
 */
#include <string.h>

#include "tdxctl.h"

#define NO_OUTCOME	(-1)

static const struct exit_code {
	int code;
	int outcome;		/* enum tdx_outcome, or NO_OUTCOME (usage: the front end's own) */
	const char *name;	/* for --list-exit-codes: the word the outcome goes by */
	const char *meaning;
} exit_codes[] = {
	{ EXIT_OK, TDX_OUTCOME_OK, "ok",
	  "success: valid, written, updated, or already current" },
	{ EXIT_FAILED, TDX_OUTCOME_FAILED, "failed", "any other failure" },
	{ EXIT_REJECTED, TDX_OUTCOME_REJECTED, "rejected",
	  "the kernel or loader rejected the update; the running module is intact" },
	{ EXIT_LOST, TDX_OUTCOME_LOST, "module-lost",
	  "FATAL: the running module was lost; every TD is gone; reboot required" },
	{ EXIT_INTERRUPTED, TDX_OUTCOME_INTERRUPTED, "interrupted",
	  "interrupted by a signal before anything was changed; the running module is intact" },
	{ EXIT_USAGE, NO_OUTCOME, "usage", "usage error" },
	{ EXIT_DATAERR, TDX_OUTCOME_INVALID_IMAGE, "invalid-image", "invalid image" },
	{ EXIT_NOINPUT, TDX_OUTCOME_INPUT, "input",
	  "an input cannot be read, or Intel's mapping file is not valid" },
	{ EXIT_UNAVAILABLE, TDX_OUTCOME_UNAVAILABLE, "unavailable",
	  "not possible on this host for a lasting reason" },
	{ EXIT_CANTCREAT, TDX_OUTCOME_OUTPUT, "output", "an output file cannot be written" },
	{ EXIT_TEMPFAIL, TDX_OUTCOME_RETRY, "retry-later",
	  "try again later; nothing was changed" },
	{ EXIT_NOPERM, TDX_OUTCOME_PERMISSION, "permission", "permission denied" },
};

#define N_CODES	(sizeof(exit_codes) / sizeof(exit_codes[0]))

int exit_from_outcome(enum tdx_outcome outcome)
{
	for (size_t i = 0; i < N_CODES; i++)
		if (exit_codes[i].outcome == (int)outcome)
			return exit_codes[i].code;
	return EXIT_FAILED;
}

/*
 * The table for people: the end of `tdxctl --help`, each meaning wrapped under itself before
 * argp's 79 columns would wrap it to the margin.
 */
void exit_codes_print_help(FILE *f)
{
	enum { INDENT = 6, WIDTH = 78 };

	fputs("Exit codes (every command):\n", f);
	for (size_t i = 0; i < N_CODES; i++) {
		const char *p = exit_codes[i].meaning;
		int col = fprintf(f, "  %-3d", exit_codes[i].code);

		while (*p) {
			size_t word = strcspn(p, " ");

			if (col + 1 + (int)word > WIDTH)
				col = fprintf(f, "\n%*s", INDENT - 1, "") - 1;
			col += fprintf(f, " %.*s", (int)word, p);
			p += word;
			p += strspn(p, " ");
		}
		fputc('\n', f);
	}
}

/* The table for the documentation test: "CODE NAME RETRYABLE MEANING", one code a line. */
void exit_codes_print_list(FILE *f)
{
	for (size_t i = 0; i < N_CODES; i++)
		fprintf(f, "%d\t%s\t%s\t%s\n", exit_codes[i].code, exit_codes[i].name,
			exit_codes[i].outcome != NO_OUTCOME &&
			tdx_outcome_retryable((enum tdx_outcome)exit_codes[i].outcome) ? "retry" :
			"final", exit_codes[i].meaning);
}
