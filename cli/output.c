// SPDX-License-Identifier: GPL-2.0-only
/* Output shared by the commands: reports as text lines or JSON, JSON printing. */
#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tdxctl.h"

/*
 * tdxctl's words for what a library result says the user could do (enum tdx_remedy): the
 * library names no option, the front end does, appended to the message in flag order.
 */
static const struct {
	unsigned int remedy;
	const char *words;
} advice_words[] = {
	{ TDX_REMEDY_NAME_VERSION, ": name it with --version X.Y.ZZ" },
	{ TDX_REMEDY_REINSTALL, " (--reinstall installs it again)" },
	{ TDX_REMEDY_GIVE_MAPPING, ": give Intel's mapping_file.json with --mapping FILE" },
	{ TDX_REMEDY_RELEASE_MAPPING, " (--mapping FILE)" },
	{ TDX_REMEDY_ALLOW_DEBUG, ", or --allow-debug on a debug platform" },
	{ TDX_REMEDY_LOAD_MODULE, " or run again with --load-module" },
	{ TDX_REMEDY_MODULE_NAME, "; name it with --module" },
	{ TDX_REMEDY_STRICT, "; --strict refuses it" },
	{ TDX_REMEDY_STATUS_IDLE, "; retry when 'tdxctl status' shows it idle" },
	{ TDX_REMEDY_STATUS_FREE, "; retry when 'tdxctl status' shows it free" },
	{ TDX_REMEDY_BUILDS_END, "; retry when they end ('tdxctl build list')" },
	{ TDX_REMEDY_WAIT_BUILDS, "; --wait-builds sets how long an update waits" },
};

const char *cli_advice(unsigned int remedies, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(advice_words) / sizeof(advice_words[0]); i++) {
		int n;

		if (!(remedies & advice_words[i].remedy))
			continue;
		n = snprintf(buf + len, size - len, "%s", advice_words[i].words);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

char *cli_words(const char *fmt, ...)
{
	va_list args;
	char *s;
	int n;

	va_start(args, fmt);
	n = vasprintf(&s, fmt, args);
	va_end(args);
	return n < 0 ? NULL : s;
}

char *cli_advised(const char *message, unsigned int remedies)
{
	char advice[CLI_ADVICE_MAX], *s;

	if (!message)
		return NULL;
	if (asprintf(&s, "%s%s", message, cli_advice(remedies, advice, sizeof(advice))) < 0)
		return NULL;
	return s;
}

struct json_object *report_message_json(const struct tdx_report *report, size_t i)
{
	char *finding = report_finding_words(report, i);
	char *s = cli_advised(finding, tdx_report_remedies(report, i));
	struct json_object *o = json_object_new_string(s ? s : tdx_finding_name(
		tdx_report_finding(report, i)));

	free(s);
	free(finding);
	return o;
}

/* The first failed check, as its result is worded everywhere; else the library's reason. */
char *candidate_reason(const struct tdx_candidate *candidate)
{
	char *finding = NULL, *s;
	size_t i = 0;
	int rc = tdx_candidate_reason(candidate, &i);

	if (rc > 0)
		finding = report_finding_words(candidate->report, i);
	s = cli_advised(finding ? finding : rc < 0 ? strerror(-rc) : NULL,
			tdx_candidate_reason_remedies(candidate));
	free(finding);
	return s;
}

static struct json_object *json_version_or_null(bool have, const struct tdx_version *v)
{
	char buf[TDX_VERSION_STRLEN];

	return have ? json_object_new_string(tdx_version_format(v, buf, sizeof(buf))) : NULL;
}

struct json_object *release_to_json(const struct tdx_candidate *c, bool brief)
{
	struct json_object *r = json_object_new_object();
	char *reason = candidate_reason(c);

	json_object_object_add(r, "version", json_version_or_null(c->have_version, &c->version));
	if (!brief)
		json_object_object_add(r, "version_source", json_object_new_string(
			tdx_version_source_name(c->version_source)));
	json_object_object_add(r, "label", json_object_new_string(
		tdx_release_label_name(c->label)));
	if (!brief)
		json_object_object_add(r, "description", tdx_json_string_or_null(
			label_words(c->label)));
	json_object_object_add(r, "path", json_object_new_string(c->path));
	if (!brief) {
		json_object_object_add(r, "sigstruct", tdx_json_string_or_null(c->sig_path));
		json_object_object_add(r, "alt_path", tdx_json_string_or_null(c->alt_path));
		json_object_object_add(r, "alt_sigstruct",
				       tdx_json_string_or_null(c->alt_sig_path));
		json_object_object_add(r, "listed", json_object_new_boolean(c->listed));
	}
	json_object_object_add(r, "reason", tdx_json_string_or_null(reason));
	free(reason);
	if (brief)
		return r;
	json_object_object_add(r, "failed", report_failed_json(c->report));
	return r;
}

char *rundir_refusal_words(const struct tdx_ctx *ctx)
{
	const struct tdx_rundir_refusal *r = tdx_ctx_rundir_refusal(ctx);
	const char *name = r->name ? r->name : "?", *in = r->top ? "" : " in the run folder";
	struct cli_run *run = ctx ? tdx_ctx_get_userdata(ctx) : NULL;

	/* Worded is said: whoever asked for the words says them, rundir_refusal_say() not. */
	if (r->fault != TDX_RUNDIR_FAULT_NONE && run)
		run->rundir_said = true;
	switch (r->fault) {
	case TDX_RUNDIR_FAULT_NONE:
		return NULL;
	case TDX_RUNDIR_FAULT_NOT_A_FOLDER:
		return cli_words("%s%s is a symlink or not a folder", name, in);
	case TDX_RUNDIR_FAULT_OWNER:
		return cli_words("%s%s is owned by uid %u, not root: another user could replace "
				 "what is in it (it must be owned by root, mode 0755)", name, in,
				 r->uid);
	case TDX_RUNDIR_FAULT_WRITABLE:
		return cli_words("%s%s is writable by %s (mode %04o): they could remove or replace "
				 "its files (chmod go-w it)", name, in,
				 r->by_all ? "every user" : "its group", r->mode);
	case TDX_RUNDIR_FAULT_PRIVATE:
		return cli_words("%s%s is uid %u, mode %04o, not the caller's with mode 0700 "
				 "(remove it)", name, in, r->uid, r->mode);
	}
	return NULL;
}

/*
 * The library only logs a refused run folder at debug level and keeps the fact
 * (tdx_ctx_rundir_refusal()): a command that says why in its own error (build) says it once;
 * for the others (status, update, whose checks see only the errno) it is said here, at the end.
 */
void rundir_refusal_say(const struct tdx_ctx *ctx)
{
	const struct cli_run *run = ctx ? tdx_ctx_get_userdata(ctx) : NULL;
	char *w;

	if (run && run->rundir_said)
		return;
	w = rundir_refusal_words(ctx);
	if (w)
		cli_err("%s; it was not used, nothing in it was changed", w);
	free(w);
}

/* --json, for every command: one option, parsed here. */
static const struct argp_option output_options[] = {
	{ "json", 'j', NULL, 0, "Print one JSON object on standard output, errors included", 0 },
	{ 0 }
};

static error_t output_parse(int key, char *arg, struct argp_state *state)
{
	struct global_opts *g = state->input;

	(void)arg;
	/* Every option read (--json too): a bad one is said now, as text or JSON. */
	if (key == ARGP_KEY_SUCCESS) {
		cli_usage_finish(state, g);
		return 0;
	}
	if (key != 'j')
		return ARGP_ERR_UNKNOWN;
	g->json = true;
	return 0;
}

const struct argp output_argp = { output_options, output_parse, NULL, NULL, NULL, NULL, NULL };

void cli_emit(const struct global_opts *g, struct json_object *obj, cli_text_fn text,
	      const void *data)
{
	if (g->json) {
		json_print(obj);
		return;
	}
	if (text)
		text(obj, data);
	json_object_put(obj);
}

/*
 * cli_fail() and cli_fail_noting(): the one error path. @tail is added to the message, one
 * message for the text and JSON alike; the text shows the failed and warned checks of @fields'
 * "checks" first, as report_json_print_text() prints them.
 */
__attribute__((format(printf, 5, 0)))
static enum tdx_outcome cli_fail_va(const struct global_opts *g, struct json_object *fields,
				    enum tdx_outcome outcome, const char *tail,
				    const char *fmt, va_list args)
{
	struct json_object *e, *checks;
	char *msg = NULL, *said;

	if (vasprintf(&msg, fmt, args) < 0)
		msg = NULL;
	if (msg && tail) {
		said = cli_words("%s%s", msg, tail);
		free(msg);
		msg = said;
	}
	if (!g->json) {
		if (fields && json_object_object_get_ex(fields, "checks", &checks))
			report_json_print_text(checks, stderr);
		cli_err("%s", msg ? msg : "out of memory");
		json_object_put(fields);
		free(msg);
		return outcome;
	}
	if (!fields)
		fields = json_object_new_object();
	e = json_object_new_object();
	json_object_object_add(e, "outcome", json_object_new_string(tdx_outcome_name(outcome)));
	json_object_object_add(e, "message", tdx_json_string_or_null(msg));
	json_object_object_add(fields, "error", e);
	json_object_object_add(fields, "exit_code", json_object_new_int(exit_from_outcome(outcome)));
	json_print(fields);
	free(msg);
	return outcome;
}

enum tdx_outcome cli_fail(const struct global_opts *g, struct json_object *fields,
			  enum tdx_outcome outcome, const char *fmt, ...)
{
	enum tdx_outcome rc;
	va_list args;

	va_start(args, fmt);
	rc = cli_fail_va(g, fields, outcome, NULL, fmt, args);
	va_end(args);
	return rc;
}

enum tdx_outcome cli_fail_noting(const struct global_opts *g, struct json_object *fields,
				 enum tdx_outcome outcome, const char *note, const char *fmt, ...)
{
	enum tdx_outcome rc;
	va_list args;

	va_start(args, fmt);
	rc = cli_fail_va(g, fields, outcome, note, fmt, args);
	va_end(args);
	return rc;
}

/*
 * Valid UTF-8 for strict readers whatever the strings hold (file names, history lines): the
 * text json-c prints goes through tdx_json_sanitize() before it reaches stdout.
 */
void json_print(struct json_object *obj)
{
	const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	char *safe = tdx_json_sanitize(text, strlen(text));

	fputs(safe ? safe : "{}", stdout);
	fputc('\n', stdout);
	free(safe);
	json_object_put(obj);
}

/* A terminal-safe stream over a descriptor: what it keeps between writes. */
struct out_filter {
	int fd;
	size_t ncarry;
	char carry[4];		/* an unfinished UTF-8 sequence from the last write */
};

static int fd_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Escape @len bytes (after the carry) and write them; an unfinished character waits. */
static int out_filter_emit(struct out_filter *f, const char *buf, size_t len, bool final)
{
	size_t total = f->ncarry + len, tail;
	char *joined, *safe;
	int rc;

	joined = malloc(total ? total : 1);
	if (!joined)
		return -1;
	memcpy(joined, f->carry, f->ncarry);
	memcpy(joined + f->ncarry, buf, len);
	tail = final ? 0 : tdx_utf8_incomplete_tail(joined, total);
	safe = tdx_escape(joined, total - tail, TDX_ESCAPE_KEEP_NEWLINE | TDX_ESCAPE_KEEP_TAB);
	memcpy(f->carry, joined + total - tail, tail);
	f->ncarry = tail;
	free(joined);
	if (!safe)
		return -1;
	rc = fd_write_all(f->fd, safe, strlen(safe));
	free(safe);
	return rc;
}

static ssize_t out_filter_write(void *cookie, const char *buf, size_t len)
{
	return out_filter_emit(cookie, buf, len, false) < 0 ? -1 : (ssize_t)len;
}

static int out_filter_close(void *cookie)
{
	struct out_filter *f = cookie;

	return f->ncarry ? out_filter_emit(f, "", 0, true) : 0;
}

/*
 * Every byte tdxctl prints to @fd goes through tdx_escape() (C0 but newline and tab, DEL, C1,
 * invalid UTF-8): file names, history fields, kernel words and argp's echo of a bad argument
 * alike, so no path to the terminal can forget it. Returns the new stream, or @orig when the
 * filter cannot be set up (out of memory at start-up). For stdout and stderr only.
 */
FILE *output_filter_open(FILE *orig, int fd)
{
	static const cookie_io_functions_t io = {
		.write = out_filter_write,
		.close = out_filter_close,
	};
	/*
	 * Static, like the standard streams they stand in for and which live until exit: glibc
	 * keeps the cookie where LeakSanitizer cannot see it, so a heap one reads as a leak.
	 */
	static struct out_filter filters[2];
	struct out_filter *f;
	FILE *stream;

	if (fd != STDOUT_FILENO && fd != STDERR_FILENO)
		return orig;
	f = &filters[fd == STDERR_FILENO];
	f->fd = fd;
	f->ncarry = 0;
	stream = fopencookie(f, "w", io);
	if (!stream)
		return orig;
	/* As before: a terminal and stderr see each line at once, a pipe gets blocks. */
	setvbuf(stream, NULL, fd == STDERR_FILENO || isatty(fd) ? _IOLBF : _IOFBF, BUFSIZ);
	return stream;
}

/*
 * One line a check: "  fail  signature  [spec]  ...", with the evidence its rule rests on, so
 * that a reader can weigh a finding; the failures and warnings only (report_json_print_lines()
 * prints every check).
 */
void report_json_print_text(struct json_object *checks, FILE *out)
{
	report_json_print_lines(checks, out, true);
}

void report_json_print_lines(struct json_object *checks, FILE *out, bool failures_only)
{
	for (size_t i = 0; checks && i < json_object_array_length(checks); i++) {
		struct json_object *c = json_object_array_get_idx(checks, i), *v;
		const char *f[4] = { NULL };
		static const char *const keys[] = { "status", "check", "evidence", "message" };
		char ev[32];

		for (size_t k = 0; k < 4; k++)
			f[k] = json_object_object_get_ex(c, keys[k], &v) ? json_object_get_string(v)
									 : "";
		if (failures_only && strcmp(f[0], tdx_check_status_name(TDX_CHECK_FAIL)) != 0 &&
		    strcmp(f[0], tdx_check_status_name(TDX_CHECK_WARN)) != 0)
			continue;
		snprintf(ev, sizeof(ev), "[%s]", f[2]);
		fprintf(out, "  %-4s  %-30s %-10s %s\n", f[0], f[1], ev, f[3]);
	}
}

struct json_object *report_failed_json(const struct tdx_report *report)
{
	struct json_object *names = json_object_new_array();

	for (size_t i = 0; report && i < tdx_report_count(report); i++)
		if (tdx_report_status(report, i) == TDX_CHECK_FAIL)
			json_object_array_add(names, json_object_new_string(
				tdx_check_name(tdx_report_id(report, i))));
	return names;
}

struct json_object *report_to_json(const struct tdx_report *report)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < tdx_report_count(report); i++) {
		struct json_object *o = json_object_new_object();
		enum tdx_check_id id = tdx_report_id(report, i);

		json_object_object_add(o, "check", json_object_new_string(tdx_check_name(id)));
		json_object_object_add(o, "status", json_object_new_string(
			tdx_check_status_name(tdx_report_status(report, i))));
		json_object_object_add(o, "evidence", json_object_new_string(
			tdx_evidence_name(tdx_check_evidence(id))));
		json_object_object_add(o, "message", report_message_json(report, i));
		json_object_object_add(o, "finding", json_object_new_string(
			tdx_finding_name(tdx_report_finding(report, i))));
		json_object_object_add(o, "facts", report_facts_json(report, i));
		json_object_array_add(arr, o);
	}
	return arr;
}
