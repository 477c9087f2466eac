// SPDX-License-Identifier: GPL-2.0-only
/* tdxctl history: the update attempts recorded on this host, newest last. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tdx-host.h"
#include "tdxctl.h"

struct history_args {
	struct global_opts g;
	const char *path;
	size_t n;
};

enum { OPT_HISTORY = 0x300 };

static const struct argp_option history_options[] = {
	{ NULL, 'n', "N", 0, "Only the last N records (default 10; 0: all)", 0 },
	{ "history", OPT_HISTORY, "FILE", 0,
	  "Read FILE (default $TDXCTL_HISTORY, else " TDXCTL_STATEDIR "/history.jsonl)", 0 },
	{ 0 }
};

static error_t history_parse(int key, char *arg, struct argp_state *state)
{
	struct history_args *a = state->input;
	char *end;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->g;
		return 0;
	case 'n':
		errno = 0;
		a->n = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || arg[0] == '-')
			cli_usage_error(state, &a->g, "-n wants a count, not '%s'", arg);
		return 0;
	case OPT_HISTORY:
		cli_check_path_option(state, &a->g, "--history");
		a->path = arg;
		return 0;
	case ARGP_KEY_ARG:
		cli_usage_error(state, &a->g, "unexpected argument '%s'", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child history_children[] = {
	{ &output_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp history_argp = {
	history_options, history_parse, NULL,
	"Show the update attempts recorded on this host (every 'tdxctl update', refused ones "
	"included), oldest first.\v"
	"Exit status: 0 shown (also when nothing is recorded yet), 66 the file cannot be read.",
	history_children, NULL, NULL
};

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

/* "TIME  OUTCOME(EXIT)  OLD -> NEW  IMAGE  DURATION  VERDICT", one line a record. */
/* The records as lines, from the object --json prints (strings of any length: no cut). */
static void history_print_text(struct json_object *obj, const void *data)
{
	struct json_object *recs = NULL;
	const char *path = field(obj, "path") ?: "?", *skipped = field(obj, "skipped_lines");
	size_t n;

	(void)data;
	json_object_object_get_ex(obj, "records", &recs);
	n = recs ? json_object_array_length(recs) : 0;
	if (!n)
		printf("no update attempts recorded in %s\n", path);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(recs, i), *checks;
		const char *nv = field(o, "new_version"), *err = field(o, "kernel_error");
		const char *outcome = field(o, "outcome") ?: "?", *iv = field(o, "image_version");
		bool dry = strcmp(field(o, "kind") ?: "", "dry-run") == 0;
		char *label = NULL, *versions = NULL;

		/* A dry run installs nothing: never shown as "ok ... OLD -> NEW" like an update. */
		if (dry && strcmp(outcome, "ok") == 0)
			label = strdup("dry-run");
		else if (asprintf(&label, "%s%s", dry ? "dry-run:" : "", outcome) < 0)
			label = NULL;
		if (dry ? asprintf(&versions, "%s (image %s, not installed)",
				   field(o, "old_version") ?: "-", iv ? iv : "-") < 0 :
			  asprintf(&versions, "%s -> %s", field(o, "old_version") ?: "-",
				   nv ? nv : "-") < 0)
			versions = NULL;
		printf("%s  %-17s exit %-3s %s  %s  %s ms\n", field(o, "time") ?: "?",
		       label ? label : "?", field(o, "exit_code") ?: "?", versions ? versions : "?",
		       field(o, "image") ?: "-", field(o, "duration_ms") ?: "?");
		free(label);
		free(versions);
		if (field(o, "verdict"))
			printf("    %s\n", field(o, "verdict"));
		if (json_object_object_get_ex(o, "failed_checks", &checks) &&
		    json_object_array_length(checks))
			printf("    failed checks: %s\n", json_object_to_json_string_ext(
				       checks, JSON_C_TO_STRING_PLAIN));
		if (err && *err)
			printf("    kernel error: %s\n", err);
	}
	if (skipped && strcmp(skipped, "0") != 0)
		cli_warn("%s unreadable line(s) in %s skipped (an interrupted write?)", skipped,
			 path);
}

int cmd_history(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct history_args a = { .n = 10 };
	struct json_object *recs = NULL, *obj;
	const char *path;
	size_t skipped = 0;
	int rc;

	if (cli_parse(&history_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	path = tdx_history_path(ctx, a.path);
	rc = tdx_history_read(ctx, path, a.n, &recs, &skipped);
	if (rc == -ENOENT) {
		recs = json_object_new_array();
		rc = 0;
	}
	if (rc < 0) {
		struct json_object *o = a.g.json ? json_object_new_object() : NULL;

		if (o)
			json_object_object_add(o, "path", json_object_new_string(path));
		return exit_from_outcome(cli_fail(&a.g, o, tdx_outcome_from_errno(rc,
							TDX_ERRNO_INPUT),
						  "cannot read the history %s: %s", path,
						  strerror(-rc)));
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "path", json_object_new_string(path));
	json_object_object_add(obj, "skipped_lines", json_object_new_int64((int64_t)skipped));
	json_object_object_add(obj, "records", recs);
	cli_emit(&a.g, obj, history_print_text, NULL);
	return exit_from_outcome(TDX_OUTCOME_OK);
}
