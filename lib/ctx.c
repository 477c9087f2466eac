// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library context: logging, caller data and the paths the host code works on (sysfs and
 * procfs roots, run and state folders). Everything in lib/ hangs off one of these. The
 * environment is read here, once, when the context is created, and nowhere else in lib/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "private.h"

struct tdx_ctx {
	tdx_log_fn log_fn;
	int log_priority;
	void *userdata;
	char *paths[TDX_CTX_PATH__COUNT];	/* NULL: the default */
	char *history_default;			/* STATE_DIR/history.jsonl */
	struct tdx_rundir_refusal rundir;	/* the last refusal of the run folder */
	char *rundir_name;			/* its name, owned */
	struct tdx_trust_refusal trust;		/* the last refusal to trust a file */
	char *trust_path;			/* its path, owned */
};

/* Each setting: its environment variable and its default (NULL: derived from another). */
static const struct {
	const char *env;
	const char *def;
	bool absolute;		/* a relative value from the environment is refused */
} path_settings[TDX_CTX_PATH__COUNT] = {
	[TDX_CTX_SYSFS]		= { "TDXCTL_SYSFS_ROOT", "/sys", true },
	[TDX_CTX_PROCFS]	= { "TDXCTL_PROCFS_ROOT", "/proc", true },
	[TDX_CTX_RUN_DIR]	= { "TDXCTL_RUNDIR", TDXCTL_RUNDIR, false },
	[TDX_CTX_STATE_DIR]	= { "TDXCTL_STATEDIR", TDXCTL_STATEDIR, true },
	[TDX_CTX_HISTORY]	= { "TDXCTL_HISTORY", NULL, false },
	[TDX_CTX_KMODULE]	= { "TDXCTL_MODULE", TDXCTL_DEFAULT_MODULE, false },
	[TDX_CTX_CONF_DIR]	= { "TDXCTL_CONFDIR", TDXCTL_CONFDIR, true },
};

__attribute__((format(printf, 6, 0)))
static void log_stderr(struct tdx_ctx *ctx, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	fprintf(stderr, "libtdxctl: %s: ", fn);
	vfprintf(stderr, format, args);
}

/* TDXCTL_LOG takes a syslog priority as a number or a name ("debug", "info", "err"). */
static int log_priority_parse(const char *s)
{
	static const struct { const char *name; int prio; } names[] = {
		{ "err", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
		{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	};
	char *end;
	long v;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].prio;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < LOG_EMERG || v > LOG_DEBUG)
		return -1;
	return (int)v;
}

/*
 * Root acting for someone else: sudo (and run0, which sets the same variables), doas, pkexec,
 * or a real user that is not root (a setuid or file-capability install). Setting one of these
 * variables only makes tdxctl stricter, so trusting them is safe.
 */
static bool caller_is_delegated(void)
{
	static const char *const vars[] = { "SUDO_UID", "SUDO_USER", "DOAS_USER", "PKEXEC_UID" };

	if (getuid() != 0 || getgid() != 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		if (getenv(vars[i]))
			return true;
	return false;
}

TDX_EXPORT
bool tdx_caller_may_choose_paths(void)
{
	/* An unprivileged caller writes as itself: its own environment and options are its own. */
	if (geteuid() != 0)
		return true;
	return !caller_is_delegated();
}

TDX_EXPORT
const char *tdx_env_path(const char *name)
{
	const char *env;

	if (!tdx_caller_may_choose_paths())
		return NULL;
	env = secure_getenv(name);
	return env && *env ? env : NULL;
}

/* The history file's default lives in the state folder, and follows it when that changes. */
static int ctx_history_default(struct tdx_ctx *c)
{
	char *s;

	if (asprintf(&s, "%s/history.jsonl", tdx_ctx_get_path(c, TDX_CTX_STATE_DIR)) < 0)
		return -ENOMEM;
	free(c->history_default);
	c->history_default = s;
	return 0;
}

TDX_EXPORT
const char *tdx_ctx_path_env(enum tdx_ctx_path which)
{
	return (unsigned int)which < TDX_CTX_PATH__COUNT ? path_settings[which].env : NULL;
}

/* A value of setting @i from the environment that tdx_ctx_new() refuses: not absolute. */
static bool env_refused(int i, const char *env)
{
	return env && *env && path_settings[i].absolute && env[0] != '/';
}

/* The refusal is a fact the caller words (tdx_ctx_new() logs nothing: its base calls no format). */
TDX_EXPORT
int tdx_ctx_env_check(enum tdx_ctx_path *which)
{
	for (int i = 0; i < TDX_CTX_PATH__COUNT; i++) {
		if (env_refused(i, tdx_env_path(path_settings[i].env))) {
			*which = (enum tdx_ctx_path)i;
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Every setting from the environment, once: an empty variable is unset. A root that must be
 * absolute and is not makes creation fail (-EINVAL) rather than quietly use the real host;
 * tdx_ctx_env_check() says which.
 */
TDX_EXPORT
int tdx_ctx_new(struct tdx_ctx **ctx)
{
	struct tdx_ctx *c = calloc(1, sizeof(*c));
	const char *env;
	int rc = 0;

	if (!c)
		return -ENOMEM;
	c->log_fn = log_stderr;
	c->log_priority = LOG_ERR;
	env = secure_getenv("TDXCTL_LOG");
	if (env && log_priority_parse(env) >= 0)
		c->log_priority = log_priority_parse(env);
	for (int i = 0; i < TDX_CTX_PATH__COUNT && !rc; i++) {
		/* None is obeyed from a delegated caller (sudo): see tdx_env_path(). */
		env = tdx_env_path(path_settings[i].env);
		if (env_refused(i, env)) {
			rc = -EINVAL;
		} else if (env && *env) {
			c->paths[i] = strdup(env);
			rc = c->paths[i] ? 0 : -ENOMEM;
		}
	}
	if (!rc)
		rc = ctx_history_default(c);
	if (rc < 0) {
		tdx_ctx_free(c);
		return rc;
	}
	*ctx = c;
	return 0;
}

TDX_EXPORT
void tdx_ctx_free(struct tdx_ctx *ctx)
{
	if (!ctx)
		return;
	for (int i = 0; i < TDX_CTX_PATH__COUNT; i++)
		free(ctx->paths[i]);
	free(ctx->history_default);
	free(ctx->rundir_name);
	free(ctx->trust_path);
	free(ctx);
}

TDX_EXPORT
const struct tdx_rundir_refusal *tdx_ctx_rundir_refusal(const struct tdx_ctx *ctx)
{
	static const struct tdx_rundir_refusal none = { .fault = TDX_RUNDIR_FAULT_NONE };

	return ctx ? &ctx->rundir : &none;
}

/*
 * A refusal the context keeps (tdx_ctx_note_rundir(), tdx_ctx_note_trust()) owns its one string:
 * @s copied into *@owned, the old copy freed; none without a fault. Returns the copy for the
 * kept fact to point at; NULL without memory, and the fact stays, without its string. Copied
 * before the old one is freed, so that @s may be that old copy.
 */
static const char *ctx_refusal_keep(char **owned, bool fault, const char *s)
{
	char *copy = fault && s ? strdup(s) : NULL;

	free(*owned);
	*owned = copy;
	return copy;
}

void tdx_ctx_note_rundir(struct tdx_ctx *ctx, const struct tdx_rundir_refusal *r)
{
	if (!ctx)
		return;
	ctx->rundir = *r;
	ctx->rundir.name = ctx_refusal_keep(&ctx->rundir_name, r->fault != TDX_RUNDIR_FAULT_NONE,
					    r->name);
}

TDX_EXPORT
const struct tdx_trust_refusal *tdx_ctx_trust_refusal(const struct tdx_ctx *ctx)
{
	static const struct tdx_trust_refusal none = { .fault = TDX_TRUST_FAULT_NONE };

	return ctx ? &ctx->trust : &none;
}

void tdx_ctx_note_trust(struct tdx_ctx *ctx, const struct tdx_trust_refusal *r)
{
	if (!ctx)
		return;
	ctx->trust = *r;
	ctx->trust.path = ctx_refusal_keep(&ctx->trust_path, r->fault != TDX_TRUST_FAULT_NONE,
					   r->path);
}

TDX_EXPORT
int tdx_ctx_set_path(struct tdx_ctx *ctx, enum tdx_ctx_path which, const char *value)
{
	char *copy;

	if ((int)which < 0 || which >= TDX_CTX_PATH__COUNT || !value || !*value)
		return -EINVAL;
	if (path_settings[which].absolute && value[0] != '/')
		return -EINVAL;
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	free(ctx->paths[which]);
	ctx->paths[which] = copy;
	return which == TDX_CTX_STATE_DIR ? ctx_history_default(ctx) : 0;
}

/* A NULL context (allowed wherever lib/ takes one) stands for the built-in defaults. */
TDX_EXPORT
const char *tdx_ctx_get_path(const struct tdx_ctx *ctx, enum tdx_ctx_path which)
{
	if ((int)which < 0 || which >= TDX_CTX_PATH__COUNT)
		return NULL;
	if (!ctx)
		return which == TDX_CTX_HISTORY ? TDXCTL_STATEDIR "/history.jsonl" :
						  path_settings[which].def;
	if (ctx->paths[which])
		return ctx->paths[which];
	return which == TDX_CTX_HISTORY ? ctx->history_default : path_settings[which].def;
}

TDX_EXPORT
void tdx_ctx_set_log_fn(struct tdx_ctx *ctx, tdx_log_fn fn)
{
	ctx->log_fn = fn ? fn : log_stderr;
}

TDX_EXPORT
int tdx_ctx_get_log_priority(const struct tdx_ctx *ctx)
{
	return ctx->log_priority;
}

TDX_EXPORT
void tdx_ctx_set_log_priority(struct tdx_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

TDX_EXPORT
void tdx_ctx_set_userdata(struct tdx_ctx *ctx, void *data)
{
	ctx->userdata = data;
}

TDX_EXPORT
void *tdx_ctx_get_userdata(const struct tdx_ctx *ctx)
{
	return ctx->userdata;
}

/* The log function takes a format and a va_list; this makes the va_list. */
__attribute__((format(printf, 6, 7)))
static void log_call(struct tdx_ctx *ctx, int priority, const char *file, int line,
		     const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
}

/*
 * Hand one finished line to the log function, which takes a format and a va_list. The line is
 * made (formatted, escaped) by tdx_log() in the format layer: the context only carries it, so
 * that the base calls nothing above it.
 */
void tdx_ctx_log_line(struct tdx_ctx *ctx, int priority, const char *file, int line,
		      const char *fn, const char *msg)
{
	log_call(ctx, priority, file, line, fn, "%s\n", msg);
}
