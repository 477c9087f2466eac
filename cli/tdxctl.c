// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl: the command. The root parser takes the global options and stops at the first word,
 * the command; each command parses the rest with its own argp, with argv[0] "tdxctl COMMAND".
 */
#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "config.h"
#include "tdxctl.h"

/* Summaries fit an 80-column --help: at most 63 characters. */
static const struct cmd commands[] = {
	{ "verify",  "check an image offline: format, sigstruct, signature, hash, ELF", cmd_verify,
	  true },
	{ "inspect", "show everything about an image", cmd_inspect, true },
	{ "convert", "convert between blob 0x100, image 0x200 and .bin + .sigstruct", cmd_convert,
	  true },
	{ "status",  "can an update start now? module, P-SEAMLDR, budget, lock, ...", cmd_status,
	  false },
	{ "update",  "install a module image into the running host, checked first", cmd_update,
	  true },
	{ "history", "show the update attempts recorded on this host", cmd_history, false },
	{ "list",    "list the releases in a folder, labelled against this host", cmd_list, true },
	{ "build",   "record TD builds, so that no update runs during one", cmd_build, false },
};

/*
 * A build with libcrypto linked in (-Dstatic_libcrypto=true) says which OpenSSL it holds: the
 * system's security updates do not reach it, and whoever runs it must be able to tell.
 */
#ifdef TDXCTL_STATIC_LIBCRYPTO
const char *argp_program_version = "tdxctl " TDXCTL_VERSION "\n" OPENSSL_VERSION_TEXT
	", linked in statically: OpenSSL's security updates reach it only with a rebuild of tdxctl";
#else
const char *argp_program_version = "tdxctl " TDXCTL_VERSION;
#endif
const char *argp_program_bug_address = NULL;

struct root_args {
	int cmd_index;
	bool list_commands, list_exit_codes;
};

enum { OPT_LIST_COMMANDS = 0x100, OPT_LIST_EXIT_CODES };

static const struct argp_option root_options[] = {
	{ "list-commands", OPT_LIST_COMMANDS, NULL, OPTION_HIDDEN, "List the commands, one a line", 0 },
	{ "list-exit-codes", OPT_LIST_EXIT_CODES, NULL, OPTION_HIDDEN,
	  "List the exit codes, one a line: code, name, retry or final, meaning", 0 },
	{ 0 }
};

static error_t root_parse(int key, char *arg, struct argp_state *state)
{
	struct root_args *args = state->input;

	(void)arg;
	switch (key) {
	case OPT_LIST_COMMANDS:
		args->list_commands = true;
		return 0;
	case OPT_LIST_EXIT_CODES:
		args->list_exit_codes = true;
		return 0;
	case ARGP_KEY_ARG:
		/* The command: stop here, it parses the rest. */
		args->cmd_index = state->next - 1;
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		if (!args->cmd_index && !args->list_commands && !args->list_exit_codes)
			argp_error(state, "a command is required (try 'tdxctl --help')");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static char *root_help_filter(int key, const char *text, void *input)
{
	char *out;
	size_t len = 0;
	FILE *f;

	(void)input;
	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	f = open_memstream(&out, &len);
	if (!f)
		return (char *)text;
	fputs("Commands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'tdxctl COMMAND --help' describes each.\n\n", f);
	exit_codes_print_help(f);
	fclose(f);
	return out;
}

static const struct argp root_argp = {
	root_options, root_parse, "COMMAND [ARG...]",
	"Inspect, verify and install Intel TDX module updates on a running host.\v", NULL,
	root_help_filter, NULL
};

/* One message line on stderr: a newline inside (from a file name) is escaped, not obeyed. */
__attribute__((format(printf, 2, 0)))
static void cli_message(const char *prefix, const char *fmt, va_list args)
{
	char *msg = NULL, *safe = NULL;
	int len = vasprintf(&msg, fmt, args);

	if (len >= 0)
		safe = tdx_escape(msg, (size_t)len, TDX_ESCAPE_KEEP_TAB);
	fprintf(stderr, "%s%s\n", prefix, safe ? safe : "(out of memory)");
	free(safe);
	free(msg);
}

void cli_err(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	cli_message("tdxctl: ", fmt, args);
	va_end(args);
}

void cli_warn(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	cli_message("tdxctl: warning: ", fmt, args);
	va_end(args);
}

void cli_check_path_option(struct argp_state *state, struct global_opts *g, const char *option)
{
	if (tdx_caller_may_choose_paths())
		return;
	/* The first error on the command line is the one said: a bad value before this one. */
	if (g && g->usage_error)
		cli_usage_finish(state, g);
	argp_failure(state, EXIT_NOPERM, 0, "%s is refused when root runs tdxctl for another user "
		     "(sudo, doas, pkexec, or a real user that is not root): it would let the caller "
		     "choose what root writes, reads or loads; nothing was done; drop the option "
		     "(the configured location is used), or run tdxctl as root itself", option);
}

/* The environment's paths that tdx_env_path() ignores for a delegated root: say so once. */
static void warn_ignored_env(void)
{
	static const char *const vars[] = { "TDXCTL_RUNDIR", "TDXCTL_HISTORY", "TDXCTL_MODULE",
					    "TDXCTL_STATEDIR", "TDXCTL_SYSFS_ROOT", "TDXCTL_PROCFS_ROOT",
					    "TDXCTL_CONFDIR" };

	if (tdx_caller_may_choose_paths())
		return;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			cli_warn("$%s ignored: root is running tdxctl for another user (sudo), so "
				 "paths and the module come from the configuration only", vars[i]);
	}
}

/*
 * tdxctl needs nothing from an OpenSSL configuration file, and the one $OPENSSL_CONF names
 * could load provider or engine modules into a root process; nor does it print OpenSSL's
 * error strings. Said before the first OpenSSL call, so that neither is ever loaded: that
 * also spares each run about 40 page faults (bench/run). The program decides this, not
 * libtdxctl, whose host process may want its configuration.
 */
static void openssl_init(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
}

/* Library messages go to stderr with the same prefix as the tool's own. */
__attribute__((format(printf, 6, 0)))
static void log_to_stderr(struct tdx_ctx *ctx, int priority, const char *file, int line,
			  const char *fn, const char *format, va_list args)
{
	(void)ctx;
	(void)file;
	(void)line;
	fprintf(stderr, "tdxctl: %s%s: ", priority >= LOG_DEBUG ? "debug: " : "", fn);
	vfprintf(stderr, format, args);
}

int main(int argc, char **argv)
{
	struct root_args args = { 0 };
	struct cli_run run = { 0 };
	struct tdx_ctx *ctx;
	char *name;
	int rc;

	/* Everything printed, argp's messages included, is escaped on its way out. */
	fflush(stdout);
	fflush(stderr);
	stdout = output_filter_open(stdout, STDOUT_FILENO);
	stderr = output_filter_open(stderr, STDERR_FILENO);
	argp_err_exit_status = EXIT_USAGE;
	if (cli_parse_root(&root_argp, argc, argv, &args))
		return EXIT_USAGE;
	/*
	 * glibc's argp adds --version to every parser while this (its API's global) is set:
	 * commands have options of their own by that name, so only "tdxctl --version" keeps it.
	 */
	argp_program_version = NULL;
	warn_ignored_env();
	if (args.list_exit_codes) {
		exit_codes_print_list(stdout);
		return EXIT_OK;
	}
	if (args.list_commands) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			printf("%s\n", commands[i].name);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[args.cmd_index], commands[i].name) != 0)
			continue;
		if (commands[i].openssl)
			openssl_init();
		rc = tdx_ctx_new(&ctx);
		if (rc < 0) {
			enum tdx_ctx_path bad;

			if (rc == -EINVAL && tdx_ctx_env_check(&bad) < 0)
				cli_err("$%s must be an absolute path, not '%s'; nothing was changed "
					"(unset it, or give a full path)", tdx_ctx_path_env(bad),
					tdx_env_path(tdx_ctx_path_env(bad)));
			else
				cli_err("cannot set up: %s", strerror(-rc));
			return EXIT_FAILED;
		}
		tdx_ctx_set_log_fn(ctx, log_to_stderr);
		tdx_ctx_set_userdata(ctx, &run);
		if (asprintf(&name, "tdxctl %s", commands[i].name) < 0) {
			tdx_ctx_free(ctx);
			return EXIT_FAILED;
		}
		argv[args.cmd_index] = name;
		rc = commands[i].run(argc - args.cmd_index, argv + args.cmd_index, ctx);
		rundir_refusal_say(ctx);
		free(name);
		tdx_ctx_free(ctx);
		return rc;
	}
	/* No command to know its options: --json is taken as itself, before any "--". */
	for (int i = args.cmd_index + 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--json") != 0 && strcmp(argv[i], "-j") != 0)
			continue;
		if (asprintf(&name, "unknown command '%s' (try 'tdxctl --help')",
			     argv[args.cmd_index]) < 0)
			name = NULL;
		cli_usage_json(EXIT_USAGE, name ? name : "out of memory");
		free(name);
		return EXIT_USAGE;
	}
	cli_err("unknown command '%s' (try 'tdxctl --help')", argv[args.cmd_index]);
	return EXIT_USAGE;
}
