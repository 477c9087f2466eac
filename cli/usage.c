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

struct parse_capture;
static void capture_forward(struct parse_capture *c);

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
	/* Said here, not again when exit() ends a --json parse (cli_parse()). */
	capture_forward(g->capture);
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

/*
 * What getopt would take an option for, found in the command's argp tree: its real option
 * (an alias's arg and flags are those of the option before it) and the argp that lists it.
 */
struct opt_found {
	const struct argp_option *real;
	const struct argp *owner;
	int n;			/* how many different options match: getopt refuses all but 1 */
	bool exact;
};

static bool option_is_end(const struct argp_option *o)
{
	return !o->key && !o->name && !o->doc && !o->group;
}

/* The options argp adds to every parser (argp_default_options: --help, --usage, ...). */
static const struct argp_option default_options[] = {
	{ "help", '?', NULL, 0, "", 0 },
	{ "usage", -3, NULL, 0, "", 0 },
	{ "program-name", -2, "NAME", OPTION_HIDDEN, "", 0 },
	{ "HANG", -4, "SECS", OPTION_ARG_OPTIONAL | OPTION_HIDDEN, "", 0 },
	{ 0 }
};
static const struct argp default_argp = { default_options, NULL, NULL, NULL, NULL, NULL, NULL };

/* @name of @len characters ("--NAME" without the dashes): exact, or an unambiguous prefix. */
static void find_long(const struct argp *argp, const char *name, size_t len, struct opt_found *f)
{
	const struct argp_option *real = NULL;

	for (const struct argp_option *o = argp->options; o && !option_is_end(o); o++) {
		if (!(o->flags & OPTION_ALIAS))
			real = o;
		if (!o->name || (o->flags & OPTION_DOC) || strncmp(o->name, name, len) != 0)
			continue;
		if (!o->name[len]) {
			*f = (struct opt_found){ real, argp, 1, true };
			return;
		}
		if (f->exact)
			continue;
		if (!f->n || f->real != real)
			f->n++;
		f->real = real;
		f->owner = argp;
	}
	for (const struct argp_child *c = argp->children; c && c->argp && !f->exact; c++)
		find_long(c->argp, name, len, f);
}

static void find_short(const struct argp *argp, int key, struct opt_found *f)
{
	const struct argp_option *real = NULL;

	for (const struct argp_option *o = argp->options; o && !option_is_end(o); o++) {
		if (!(o->flags & OPTION_ALIAS))
			real = o;
		if (o->key == key && !(o->flags & OPTION_DOC)) {
			*f = (struct opt_found){ real, argp, 1, true };
			return;
		}
	}
	for (const struct argp_child *c = argp->children; c && c->argp && !f->n; c++)
		find_short(c->argp, key, f);
}

/*
 * Whether --json (or -j, or a prefix getopt takes for it) is on the command line, read as
 * getopt will read it: not an option's value, not after "--". argp stops at the first option it
 * does not know, and --json may come after it; the error is said as JSON all the same.
 */
static bool json_asked(const struct argp *argp, int argc, char **argv)
{
	const struct argp_child children[] = { { argp, 0, NULL, 0 }, { &default_argp, 0, NULL, 0 },
					       { 0 } };
	const struct argp top = { NULL, NULL, NULL, NULL, children, NULL, NULL };

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *eq;
		struct opt_found f = { 0 };

		if (strcmp(s, "--") == 0)
			break;
		if (s[0] != '-' || !s[1])
			continue;
		if (s[1] == '-') {
			eq = strchr(s + 2, '=');
			find_long(&top, s + 2, eq ? (size_t)(eq - s - 2) : strlen(s + 2), &f);
			if (f.n != 1 || !f.real)
				continue;
			if (f.owner == &output_argp)
				return true;
			if (f.real->arg && !(f.real->flags & OPTION_ARG_OPTIONAL) && !eq)
				i++;
			continue;
		}
		for (const char *c = s + 1; *c; c++) {
			f = (struct opt_found){ 0 };
			find_short(&top, (unsigned char)*c, &f);
			if (!f.n || !f.real)
				continue;
			if (f.owner == &output_argp)
				return true;
			if (f.real->arg) {
				if (!c[1] && !(f.real->flags & OPTION_ARG_OPTIONAL))
					i++;
				break;
			}
		}
	}
	return false;
}

/*
 * A parse under way with --json: what argp and getopt print for an error (to stderr, then
 * exit()) is caught here, and said as one JSON object when they exit. One a parse, on the heap:
 * on_exit() is handed it (and frees it), the parse reaches it through its global_opts.
 */
struct parse_capture {
	FILE *stderr_saved;	/* NULL: no capture under way */
	FILE *capture;
	char *text;
	size_t len;
	const char *name;	/* argv[0], "tdxctl COMMAND", which starts argp's lines */
};

/* Put stderr back; the caught text stays in @c->text (free it). */
static void capture_stop(struct parse_capture *c)
{
	if (!c || !c->stderr_saved)
		return;
	fclose(c->capture);
	stderr = c->stderr_saved;
	c->stderr_saved = NULL;
	c->name = NULL;		/* argv[0]: the command's, freed after it */
}

/* Stop the capture (if any) and pass on what was caught, as it would have been printed. */
static void capture_forward(struct parse_capture *c)
{
	if (!c)
		return;
	capture_stop(c);
	if (c->text)
		fwrite(c->text, 1, c->len, stderr);
	free(c->text);
	c->text = NULL;
}

void cli_usage_json(int code, const char *msg)
{
	struct json_object *o = json_object_new_object(), *e = json_object_new_object();

	json_object_object_add(e, "outcome", json_object_new_string(
		code == EXIT_USAGE ? CLI_OUTCOME_USAGE : tdx_outcome_name(TDX_OUTCOME_PERMISSION)));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(o, "error", e);
	json_object_object_add(o, "exit_code", json_object_new_int(code));
	json_print(o);
}

/*
 * argp exits from inside argp_parse(): a usage error with 64, a refused path option with 77
 * (argp_failure()). Its first line of its own is the message; anything else caught (a
 * warning) goes to stderr as it came. Frees @arg, the parse's capture, whatever happened.
 */
static void capture_on_exit(int status, void *arg)
{
	struct parse_capture *c = arg;
	const char *name = c->name;
	char *line, *msg = NULL;
	size_t plen;

	if (!c->stderr_saved)
		goto out;
	plen = strlen(name);
	capture_stop(c);
	if (status != EXIT_USAGE && status != EXIT_NOPERM) {
		capture_forward(c);
		goto out;
	}
	for (line = c->text; line && *line; ) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (!msg && plen && strncmp(line, name, plen) == 0 &&
		    strncmp(line + plen, ": ", 2) == 0)
			msg = line + plen + 2;
		else if (strncmp(line, "Try `", 5) != 0)
			fprintf(stderr, "%s\n", line);
		line = nl ? nl + 1 : NULL;
	}
	cli_usage_json(status, msg ? msg : "usage error");
out:
	free(c->text);
	free(c);
}

/*
 * argp_parse() with @flags, its stderr caught when --json is asked for, as @scan (the parser's
 * tree with output_argp in it) reads the command line.
 */
static int parse_json_aware(const struct argp *argp, const struct argp *scan, unsigned int flags,
			    int argc, char **argv, void *input, struct global_opts *g)
{
	struct parse_capture *c;
	int rc;

	if (!json_asked(scan, argc, argv))
		return argp_parse(argp, argc, argv, flags, NULL, input) ? EXIT_USAGE : 0;
	g->json = true;
	fflush(stderr);
	/* Handed to on_exit(), which frees it: each parse registers its own. */
	c = calloc(1, sizeof(*c));
	if (c)
		c->capture = open_memstream(&c->text, &c->len);
	if (c && c->capture && !on_exit(capture_on_exit, c)) {
		c->name = argv[0];
		c->stderr_saved = stderr;
		stderr = c->capture;
		g->capture = c;
	} else if (c) {
		if (c->capture)
			fclose(c->capture);
		free(c->text);
		free(c);
	}
	rc = argp_parse(argp, argc, argv, flags, NULL, input);
	/* The capture stays for capture_on_exit() to free; the parse is done with it. */
	capture_forward(g->capture);
	g->capture = NULL;
	if (!rc)
		return 0;
	/* An error argp returned instead of exiting: still one object. */
	cli_usage_json(EXIT_USAGE, strerror(rc));
	return EXIT_USAGE;
}

int cli_parse(const struct argp *argp, int argc, char **argv, void *input, struct global_opts *g)
{
	return parse_json_aware(argp, argp, 0, argc, argv, input, g);
}

int cli_parse_root(const struct argp *argp, int argc, char **argv, void *input)
{
	/* The root has no --json of its own: a command's, anywhere, asks for JSON. */
	const struct argp_child children[] = { { argp, 0, NULL, 0 }, { &output_argp, 0, NULL, 0 },
					       { 0 } };
	const struct argp scan = { NULL, NULL, NULL, NULL, children, NULL, NULL };
	struct global_opts g = { 0 };

	return parse_json_aware(argp, &scan, ARGP_IN_ORDER, argc, argv, input, &g);
}
