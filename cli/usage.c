// SPDX-License-Identifier: GPL-2.0-only
/*
 * Usage errors that --json can carry. A bad option value is kept until every option has been
 * read, since --json may come after it on the command line; then it is said as argp says it
 * (message, "Try ... --help", exit 64), or with --json as one JSON object on standard output.
 */
#include <argp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxctl.h"

void cli_usage_error(struct argp_state *state, struct global_opts *g, const char *fmt, ...)
{
	va_list args;
	char *msg;

	va_start(args, fmt);
	if (vasprintf(&msg, fmt, args) < 0)
		msg = NULL;
	va_end(args);
	if (!g) {
		/* A parser that cannot see the command's options: said at once, as before. */
		argp_error(state, "%s", msg ? msg : "out of memory");
		free(msg);
		return;
	}
	/* The first error is the one said, as when argp_error() stopped at it. */
	if (g->usage_error) {
		free(msg);
		return;
	}
	g->usage_error = msg ? msg : strdup("out of memory");
}

void cli_usage_finish(struct argp_state *state, struct global_opts *g)
{
	struct json_object *o, *e;
	char *msg = g->usage_error;

	if (!msg)
		return;
	g->usage_error = NULL;
	if (!g->json) {
		argp_error(state, "%s", msg);
		free(msg);
		return;
	}
	o = json_object_new_object();
	e = json_object_new_object();
	json_object_object_add(e, "outcome", json_object_new_string(CLI_OUTCOME_USAGE));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(o, "error", e);
	json_object_object_add(o, "exit_code", json_object_new_int(EXIT_USAGE));
	free(msg);
	json_print(o);
	exit(EXIT_USAGE);
}
