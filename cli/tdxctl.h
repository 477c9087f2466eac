/* SPDX-License-Identifier: GPL-2.0-only */
/* What the command files share: the command table, exit codes and output helpers. */
#ifndef TDXCTL_CLI_H
#define TDXCTL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "libtdxctl.h"

/* Exit codes: their meanings and outcomes in the one table (exit.c), which the help prints. */
enum tdxctl_exit {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_REJECTED = 3,	/* update rejected by the kernel or loader; running module intact */
	EXIT_LOST = 4,		/* FATAL: the running module is lost; reboot required */
	EXIT_INTERRUPTED = 5,	/* a signal stopped it before anything was changed */
	EXIT_USAGE = 64,	/* EX_USAGE */
	EXIT_DATAERR = 65,	/* EX_DATAERR: invalid image */
	EXIT_NOINPUT = 66,	/* EX_NOINPUT: cannot read an input */
	EXIT_UNAVAILABLE = 69,	/* EX_UNAVAILABLE: not possible on this host, lasting reason */
	EXIT_CANTCREAT = 73,	/* EX_CANTCREAT: cannot write an output file */
	EXIT_TEMPFAIL = 75,	/* EX_TEMPFAIL: try again later */
	EXIT_NOPERM = 77,	/* EX_NOPERM */
};

int exit_from_outcome(enum tdx_outcome outcome);
void exit_codes_print_help(FILE *f);
void exit_codes_print_list(FILE *f);

/* Options every command takes, filled by the command's parser. */
struct parse_capture;
struct global_opts {
	bool json;
	bool quiet;
	int verbose;
	char *usage_error;	/* the first bad option or argument, said once all are read */
	struct parse_capture *capture;	/* --json: argp's stderr, caught while cli_parse() runs */
};

/*
 * A usage error (exit 64) in a command's argp parser, instead of argp_error(): kept in @g until
 * every option is read, then said by cli_usage_finish() as argp says it, or with --json as one
 * JSON object {"error": {"outcome": "usage-error", "message"}, "exit_code": 64}. With a NULL @g
 * (a parser that has no command options), argp_error() at once.
 */
#define CLI_OUTCOME_USAGE	"usage-error"
struct argp_state;
void cli_usage_error(struct argp_state *state, struct global_opts *g, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Say @g's usage error, if any, and exit 64; output_argp calls it once parsing succeeded. */
void cli_usage_finish(struct argp_state *state, struct global_opts *g);

/*
 * argp_parse() for a command, with @g its global_opts inside @input: with --json anywhere on the
 * command line (not an option's value, not after "--"), every usage error argp itself finds (an
 * unknown option, an option without its value) or a parser reports, and a path option refused
 * under sudo (77), is one JSON object on stdout like cli_usage_finish()'s, and nothing on stderr;
 * without it, argp's text as ever. Returns 0, or EXIT_USAGE when argp returned an error.
 */
/*
 * The object a usage error (@code 64) or a refused option (77) is with --json: {"error":
 * {"outcome": "usage-error" or "permission-denied", "message": @msg}, "exit_code": @code}.
 */
void cli_usage_json(int code, const char *msg);
struct argp;
int cli_parse(const struct argp *argp, int argc, char **argv, void *input, struct global_opts *g);
/*
 * The same for the root parser (ARGP_IN_ORDER, no global_opts of its own): its usage errors,
 * "tdxctl --bogus", are one JSON object when a command's --json is on the command line.
 */
int cli_parse_root(const struct argp *argp, int argc, char **argv, void *input);

/*
 * --json, as an argp child every command lists (output.c), with &its global_opts as input:
 * the option is parsed in one place.
 */
extern const struct argp output_argp;

struct cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv, struct tdx_ctx *ctx);
	bool openssl;		/* hashes or verifies signatures: OpenSSL is set up first */
};

int cmd_verify(int argc, char **argv, struct tdx_ctx *ctx);
int cmd_inspect(int argc, char **argv, struct tdx_ctx *ctx);
int cmd_convert(int argc, char **argv, struct tdx_ctx *ctx);
int cmd_status(int argc, char **argv, struct tdx_ctx *ctx);
int cmd_update(int argc, char **argv, struct tdx_ctx *ctx);
int cmd_history(int argc, char **argv, struct tdx_ctx *ctx);
int cmd_list(int argc, char **argv, struct tdx_ctx *ctx);
int cmd_build(int argc, char **argv, struct tdx_ctx *ctx);

/* Print a JSON object to stdout, pretty, with a trailing newline; then release it. */
void json_print(struct json_object *obj);
/*
 * The one place a command's object reaches the user: with --json the object itself
 * (json_print()), else @text's words made from it (and @data, what the object leaves out).
 * Releases @obj. A new output format is one more branch here.
 */
typedef void (*cli_text_fn)(struct json_object *obj, const void *data);
void cli_emit(const struct global_opts *g, struct json_object *obj, cli_text_fn text,
	      const void *data);
/*
 * The one way a command fails before it has its object to print: the message on stderr (after
 * the failed checks of @fields' "checks", if it has them), or with --json one JSON object on
 * stdout, @fields (taken; NULL: none) with "error" (outcome, message) and "exit_code", as the
 * README promises. Returns @outcome.
 */
enum tdx_outcome cli_fail(const struct global_opts *g, struct json_object *fields,
			  enum tdx_outcome outcome, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * The same, with @note added to the message: "; nothing was changed" (verify, inspect), "; nothing
 * was written" (convert), as those commands always said it, in the text and JSON alike.
 */
enum tdx_outcome cli_fail_noting(const struct global_opts *g, struct json_object *fields,
				 enum tdx_outcome outcome, const char *note, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * What the user could do, in tdxctl's options, for a library result's remedies (enum
 * tdx_remedy): "" or e.g. ": name it with --version X.Y.ZZ", to append to its message.
 */
#define CLI_ADVICE_MAX	512
const char *cli_advice(unsigned int remedies, char *buf, size_t size);
/* @message with that advice appended, in a new string; NULL for NULL or without memory. */
/* A sentence in a new string of any length (nothing is cut); NULL without memory. */
char *cli_words(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *cli_advised(const char *message, unsigned int remedies);
/*
 * Why a file is not trusted (trust-words.c), as the clause after its path: "the file is owned by
 * uid 65534, not root", "its folder is writable by every user (mode 0777)". A new string; NULL
 * for fault NONE or without memory.
 */
char *trust_refusal_words(const struct tdx_trust_refusal *r);
/*
 * The same facts as JSON: {"fault": "symlink", "not-regular", "owner" or "writable", "path",
 * "folder", "uid", "mode": "0666", "writable_by": "all" or "group"}, null where a fact does not
 * apply. A new object; NULL for fault NONE.
 */
struct json_object *trust_refusal_to_json(const struct tdx_trust_refusal *r);
/*
 * Why a mapping file is not one (mapping-words.c): "entry 0 (version \"1.5.16\"): key
 * \"tdx_feature0\" is missing". A new string; NULL for fault NONE or without memory.
 */
char *mapping_refusal_words(const struct tdx_mapping_refusal *r);
/* A JSON value's kind as a refusal says it (mapping-words.c): "an integer", "null", ... */
const char *json_kind_words(enum tdx_json_kind kind);
/*
 * The same facts as JSON: {"fault": "syntax", "missing", ..., "entry", "version", "key", "item",
 * "found", "expected", "detail", "value", "number", "limit"}, null where one does not apply. A
 * new object; NULL for fault NONE.
 */
struct json_object *mapping_refusal_to_json(const struct tdx_mapping_refusal *r);
/*
 * Why tdx_mapping_open() failed with @err, to go after "cannot use FILE: ": "not a valid Intel
 * mapping file: ..." with @why, "the file is ..., so it is not trusted" with @untrusted (each
 * may be NULL), else the errno's words. A new string; NULL without memory.
 */
char *mapping_error_words(int err, const struct tdx_mapping_refusal *why,
			  const struct tdx_trust_refusal *untrusted);
/*
 * Result @i of @report in words (report-words.c): the finding and, for a rule observed in
 * Intel's samples only, how it was graded. A new string; NULL without memory.
 */
char *report_finding_words(const struct tdx_report *report, size_t i);
/* A row of cli/words/lists.def: how list form @form words a record of @items facts of @kind. */
struct list_words {
	const char *form;
	const char *sep;
	const char *kind;
	size_t items;
	const char *text;
};
extern const struct list_words list_words[];
extern const size_t list_words_count;
/* finding-words.c: a finding's template (NULL: none), and a finding or a result in words. */
const char *finding_template(enum tdx_finding finding);
char *finding_words(enum tdx_finding finding, const struct tdx_fact *const *facts, size_t n);
char *finding_fill(const char *t, enum tdx_finding finding, const struct tdx_fact *const *facts,
		   size_t n);
char *report_result_words(const struct tdx_report *report, size_t i);
/* A result's finding and facts as JSON: { "name": value, ... }, bytes as hex, lists as arrays. */
struct json_object *report_facts_json(const struct tdx_report *report, size_t i);
/* Result @i of @report as tdxctl words it (message and advice), as a JSON string. */
struct json_object *report_message_json(const struct tdx_report *report, size_t i);
struct tdx_candidate;
/*
 * Why a TCB Info document was refused (tdx_tcb_info_parse()'s facts), in one line of any
 * length: "expired: its nextUpdate is ...". A new string; NULL without memory (tcb-opts.c).
 */
char *tcb_refusal_words(const struct tdx_tcb_refusal *r);
/* A release's label reason as tdxctl words it, in a new string; NULL when it has none. */
char *candidate_reason(const struct tdx_candidate *candidate);
/*
 * One release as list --json shows it; @brief: only version, label, path and reason, as
 * update --json shows the releases --latest considered.
 */
struct json_object *release_to_json(const struct tdx_candidate *candidate, bool brief);

/*
 * tdxctl's words for the library's names (name-words.c): what check @id asserts, what a release
 * label means, why runtime update is not possible. NULL for a name without words.
 */
const char *check_words(enum tdx_check_id id);
const char *label_words(enum tdx_release_label label);
const char *update_support_words(enum tdx_update_support support);

/*
 * What main() keeps for one command's run, handed to it as @ctx's userdata
 * (tdx_ctx_set_userdata()): whatever must outlive the command's own state.
 */
struct cli_run {
	bool rundir_said;	/* the run folder's refusal was worded in the command's error */
};
/*
 * @ctx's refused run folder (the library's fact) in words: "NAME is writable by every user (mode
 * 0777): ...", a new string, and noted as said in @ctx's cli_run; NULL when nothing was refused
 * or without memory (output.c).
 */
char *rundir_refusal_words(const struct tdx_ctx *ctx);
/* Say the refusal on stderr, unless rundir_refusal_words() already worded it for an error. */
void rundir_refusal_say(const struct tdx_ctx *ctx);

/* Report helpers shared by verify, convert, status and update (output.c). */
struct json_object *report_to_json(const struct tdx_report *report);
/* The names of @report's failed checks (none for NULL), as a JSON array. */
struct json_object *report_failed_json(const struct tdx_report *report);
/* The failures and warnings of report_to_json()'s array, one line a check. */
void report_json_print_text(struct json_object *checks, FILE *out);
/* Every check of that array (passing ones too), or with @failures_only as above. */
void report_json_print_lines(struct json_object *checks, FILE *out, bool failures_only);

/* A stream over @fd that escapes what is written to it (output.c); @orig if it cannot. */
FILE *output_filter_open(FILE *orig, int fd);

/*
 * For an option that names a path root writes or reads, or the module root loads: refused (exit
 * 77) when root runs for someone else (sudo, doas, pkexec, a non-root real user). A usage error
 * @g holds from earlier on the command line is met first, so it is said instead (64).
 */
struct argp_state;
void cli_check_path_option(struct argp_state *state, struct global_opts *g, const char *option);

/* "tdxctl: " + message on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* TDXCTL_CLI_H */
