// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl list DIR: every release under DIR with its label against this host (installable,
 * running, older, other-line, ...), as the library labels it (lib/host/releases.c loads each
 * image, lib/rules/release-label.c names the label and picks the newest). The host's facts come
 * from sysfs and CPUID, or from options, so releases can be judged for another host or without
 * TDX.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image-opts.h"
#include "tcb-opts.h"
#include "tdx-host.h"
#include "tdx-update.h"

struct list_args {
	struct global_opts g;
	const char *dir;
	const char *mapping;
	bool no_mapping;
	struct tdx_host_facts over;	/* the overrides given; have_* set for each */
	struct image_args image;	/* --key-hash, --allow-debug (image_key_argp), --strict */
	struct tcb_args tcb;		/* --tcb-info and its chain and root */
	const struct tdx_tcb_info *tcb_info;	/* read and authenticated; NULL: none given */
	const char **tcb_status;	/* per release: its tcbStatus; NULL: not rated */
};

enum {
	OPT_MAPPING = 0x400, OPT_NO_MAPPING, OPT_RUNNING, OPT_SEAMLDR, OPT_CPUID, OPT_STRICT,
};

static const struct argp_option list_options[] = {
	{ "mapping", OPT_MAPPING, "FILE", 0,
	  "Intel's mapping_file.json (default: in DIR)", 0 },
	{ "no-mapping", OPT_NO_MAPPING, NULL, 0,
	  "Judge without a mapping file (minimum running and P-SEAMLDR rules skipped)", 0 },
	{ "running", OPT_RUNNING, "X.Y.ZZ", 0,
	  "Judge for this running module version instead of the host's", 0 },
	{ "seamldr", OPT_SEAMLDR, "X.Y.ZZ", 0,
	  "Judge for this P-SEAMLDR version instead of the host's", 0 },
	{ "cpuid", OPT_CPUID, "HEX", 0,
	  "Judge for this CPUID(1).EAX (e.g. 0x806F8) instead of this CPU's", 0 },
	{ "strict", OPT_STRICT, NULL, 0,
	  "A finding of a rule only observed in Intel's samples makes a release invalid "
	  "(default: a warning)", 0 },
	{ 0 }
};

static void parse_version(struct argp_state *state, const char *what, const char *arg,
			  struct tdx_version *v, bool *have)
{
	struct list_args *a = state->input;

	if (tdx_version_parse(arg, v) < 0)
		cli_usage_error(state, &a->g, "%s wants X.Y.ZZ (e.g. 1.5.08), not '%s'", what,
				arg);
	*have = true;
}

static error_t list_parse(int key, char *arg, struct argp_state *state)
{
	struct list_args *a = state->input;
	unsigned long v;
	char *end;

	switch (key) {
	case OPT_MAPPING:
		a->mapping = arg;
		return 0;
	case OPT_NO_MAPPING:
		a->no_mapping = true;
		return 0;
	case OPT_RUNNING:
		parse_version(state, "--running", arg, &a->over.running, &a->over.have_running);
		return 0;
	case OPT_SEAMLDR:
		parse_version(state, "--seamldr", arg, &a->over.seamldr, &a->over.have_seamldr);
		return 0;
	case OPT_CPUID:
		errno = 0;
		v = strtoul(arg, &end, 16);
		if (errno || end == arg || *end || v > UINT32_MAX)
			cli_usage_error(state, &a->g, "--cpuid wants a 32-bit hex value (e.g. "
					"0x806F8), not '%s'", arg);
		a->over.cpuid_eax = (uint32_t)v;
		a->over.have_cpuid = true;
		return 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->image;
		state->child_inputs[1] = &a->g;
		state->child_inputs[2] = &a->tcb;
		/* The children's bad values wait for --json too (cli_usage_error()). */
		a->image.g = &a->g;
		a->tcb.g = &a->g;
		return 0;
	case OPT_STRICT:
		a->image.strict = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->dir)
			cli_usage_error(state, &a->g, "one folder at a time ('%s' is extra)", arg);
		a->dir = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->dir)
			cli_usage_error(state, &a->g, "which folder? (give the folder of releases)");
		if (a->mapping && a->no_mapping)
			cli_usage_error(state, &a->g, "--mapping and --no-mapping exclude each "
					"other");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child list_children[] = {
	{ &image_key_argp, 0, "Image options:", 0 },
	{ &output_argp, 0, NULL, 0 },
	{ &tcb_argp, 0, "What verifiers will think of each (Intel's TCB Info):", 0 },
	{ 0 }
};

static const struct argp list_argp = {
	list_options, list_parse, "DIR",
	"List every TDX module release under DIR (Intel's joined_files/ and separate_files/ "
	"layout, or plain folders of images) with what it is to this host: installable, running, "
	"older, other-line, below-minimum, seamldr, cpu, debug, svn, invalid, unlisted or "
	"no-version. Each release is verified, not just named.\v"
	"Exit status: 0 listed (even when nothing is installable), 66 DIR or the mapping file "
	"unreadable or the mapping file invalid, 64 usage error. See tdxctl-list(8).",
	list_children, NULL, NULL
};

/* Where each host fact came from, for the output. */
struct facts_source {
	const char *running;
	const char *seamldr;
	const char *cpuid;
	char why_running[160];
	char why_seamldr[160];
};

/*
 * This host's facts, each override taking precedence; a fact that cannot be read is left
 * out (its rules are skipped) with the reason, never guessed.
 */
static void host_facts_read(struct tdx_ctx *ctx, const struct list_args *a,
			    struct tdx_host_facts *h, struct facts_source *src)
{
	struct tdx_host *host = NULL;
	struct tdx_host_status st;

	tdx_host_open(ctx, &host);
	tdx_host_collect(ctx, host, &st);
	tdx_host_free(host);
	tdx_host_status_facts(&st, h);
	src->running = h->have_running ? "host" : NULL;
	src->seamldr = h->have_seamldr ? "host" : NULL;
	src->cpuid = h->have_cpuid ? "host" : NULL;
	if (!h->have_running)
		snprintf(src->why_running, sizeof(src->why_running), "%s",
			 st.host_rc == -ENODEV ? "no TDX host device (no TDX, or tdx_host not "
			 "loaded)" : st.version_rc == -ENXIO ? "the running module is lost" :
			 strerror(-st.version_rc));
	if (!h->have_seamldr)
		snprintf(src->why_seamldr, sizeof(src->why_seamldr), "%s",
			 st.host_rc == -ENODEV ? "no TDX host device" : st.seamldr_rc == -EACCES ?
			 "readable by root only" : strerror(-st.seamldr_rc));
	if (a->over.have_running) {
		h->have_running = true;
		h->running = a->over.running;
		src->running = "option";
	}
	if (a->over.have_seamldr) {
		h->have_seamldr = true;
		h->seamldr = a->over.seamldr;
		src->seamldr = "option";
	}
	if (a->over.have_cpuid) {
		h->have_cpuid = true;
		h->cpuid_eax = a->over.cpuid_eax;
		src->cpuid = "option";
	}
}

/* @path relative to @dir when it lies inside it: the table stays readable. */
static const char *rel_path(const char *dir, const char *path)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (path && strncmp(path, dir, len) == 0 && path[len] == '/')
		return path + len + 1;
	return path;
}

static struct json_object *json_version_or_null(bool have, const struct tdx_version *v)
{
	char buf[TDX_VERSION_STRLEN];

	return have ? json_object_new_string(tdx_version_format(v, buf, sizeof(buf))) : NULL;
}

static struct json_object *list_to_json(const struct list_args *a, const char *mapping_path,
					const struct tdx_host_facts *h,
					const struct facts_source *src,
					const struct tdx_releases *list, ssize_t latest)
{
	struct json_object *o = json_object_new_object(), *host = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	char buf[32];

	json_object_object_add(o, "dir", json_object_new_string(a->dir));
	json_object_object_add(o, "mapping",
			       mapping_path ? json_object_new_string(mapping_path) : NULL);
	json_object_object_add(host, "running", json_version_or_null(h->have_running, &h->running));
	json_object_object_add(host, "running_from",
			       src->running ? json_object_new_string(src->running) : NULL);
	json_object_object_add(host, "seamldr", json_version_or_null(h->have_seamldr, &h->seamldr));
	json_object_object_add(host, "seamldr_from",
			       src->seamldr ? json_object_new_string(src->seamldr) : NULL);
	snprintf(buf, sizeof(buf), "0x%X", h->cpuid_eax);
	json_object_object_add(host, "cpuid", h->have_cpuid ? json_object_new_string(buf) : NULL);
	json_object_object_add(host, "cpuid_from",
			       src->cpuid ? json_object_new_string(src->cpuid) : NULL);
	json_object_object_add(o, "host", host);
	for (size_t i = 0; list && i < tdx_releases_count(list); i++) {
		struct json_object *r = release_to_json(tdx_releases_get(list, i), false);

		if (a->tcb_info)
			json_object_object_add(r, "tcb_status", a->tcb_status && a->tcb_status[i] ?
					       json_object_new_string(a->tcb_status[i]) : NULL);
		json_object_array_add(arr, r);
	}
	json_object_object_add(o, "releases", arr);
	if (a->tcb_info) {
		struct json_object *t = json_object_new_object();

		json_object_object_add(t, "file", tdx_json_string_or_null(a->tcb.path));
		json_object_object_add(t, "fmspc", json_object_new_string(
			tdx_tcb_info_fmspc(a->tcb_info)));
		json_object_object_add(t, "evaluation", json_object_new_int64(
			tdx_tcb_info_evaluation_number(a->tcb_info)));
		json_object_object_add(t, "issue_date", json_object_new_string(
			tdx_tcb_info_issue_date(a->tcb_info)));
		json_object_object_add(t, "next_update", json_object_new_string(
			tdx_tcb_info_next_update(a->tcb_info)));
		json_object_object_add(o, "tcb_info", t);
	}
	json_object_object_add(o, "latest", latest >= 0 ?
			       json_version_or_null(true, &tdx_releases_get(list, (size_t)latest)->version) :
			       NULL);
	return o;
}

/*
 * @s as one line of a table: a newline or tab in a file name would otherwise start a row of its
 * own (the output layer keeps both, for the lines tdxctl writes). Freed with free(); NULL when
 * out of memory, printed as "?".
 */
static char *one_line(const char *s)
{
	return s ? tdx_escape(s, strlen(s), 0) : NULL;
}

/* What list's text shows: the object --json prints leaves out why a fact is unknown. */
struct list_view {
	const struct list_args *a;
	const char *mapping_path;
	const struct tdx_host_facts *h;
	const struct facts_source *src;
	const struct tdx_releases *list;
	ssize_t latest;
};

static void list_print_text(const struct list_args *a, const char *mapping_path,
			    const struct tdx_host_facts *h, const struct facts_source *src,
			    const struct tdx_releases *list, ssize_t latest)
{
	char v[TDX_VERSION_STRLEN], *line;
	size_t n = list ? tdx_releases_count(list) : 0;

	printf("host: running ");
	if (h->have_running)
		printf("%s (%s)", tdx_version_format(&h->running, v, sizeof(v)), src->running);
	else
		printf("unknown: %s", src->why_running);
	printf(", P-SEAMLDR ");
	if (h->have_seamldr)
		printf("%s (%s)", tdx_version_format(&h->seamldr, v, sizeof(v)), src->seamldr);
	else
		printf("unknown: %s", src->why_seamldr);
	if (h->have_cpuid)
		printf(", CPUID 0x%X (%s)\n", h->cpuid_eax, src->cpuid);
	else
		printf(", CPUID unknown\n");
	line = one_line(mapping_path);
	printf("mapping: %s\n", !mapping_path ? "none (rules 3 and 4 skipped)" : line ? line : "?");
	free(line);
	if (!n) {
		line = one_line(a->dir);
		printf("no releases under %s\n", line ? line : "?");
		free(line);
		return;
	}
	if (a->tcb_info)
		printf("TCB Info %s: FMSPC %s, evaluation %u, issued %s, next update %s\n",
		       a->tcb.path, tdx_tcb_info_fmspc(a->tcb_info),
		       tdx_tcb_info_evaluation_number(a->tcb_info),
		       tdx_tcb_info_issue_date(a->tcb_info), tdx_tcb_info_next_update(a->tcb_info));
	printf("%-8s  %-13s  ", "VERSION", "LABEL");
	if (a->tcb_info)
		printf("%-13s  ", "TCB");
	printf("%-44s  %s\n", "FILE", "REASON");
	for (size_t i = 0; i < n; i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);
		char *reason = candidate_reason(c), *safe_reason = one_line(reason);

		line = one_line(rel_path(a->dir, c->path));
		printf("%-8s  %-13s  ",
		       c->have_version ? tdx_version_format(&c->version, v, sizeof(v)) : "?",
		       tdx_release_label_name(c->label));
		if (a->tcb_info)
			printf("%-13s  ", a->tcb_status && a->tcb_status[i] ? a->tcb_status[i] :
			       "-");
		printf("%-44s  %s\n", line ? line : "?", safe_reason ? safe_reason : "");
		free(line);
		free(safe_reason);
		free(reason);
	}
	if (latest >= 0) {
		line = one_line(rel_path(a->dir, tdx_releases_get(list, (size_t)latest)->path));
		printf("latest installable: %s (%s)\n",
		       tdx_version_format(&tdx_releases_get(list, (size_t)latest)->version, v, sizeof(v)),
		       line ? line : "?");
		free(line);
	} else {
		printf("nothing installable\n");
	}
}

/*
 * How the TCB Info rates each release (its tcbStatus, "NotSupported" below every level), read
 * from its sigstruct again; NULL for one that cannot be read or failed a check (its SVN is not
 * to be trusted) or whose line the TCB Info does not rate. The array is freed with free().
 */
static const char **release_tcb_statuses(struct tdx_ctx *ctx, const struct tdx_tcb_info *tcb,
					 const struct tdx_releases *list)
{
	size_t n = tdx_releases_count(list);
	const char **st = calloc(n ? n : 1, sizeof(*st));

	for (size_t i = 0; st && i < n; i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);
		const struct tdx_sigstruct *s;
		struct tdx_image *img = NULL;
		struct tdx_tcb_match m;

		if (c->error || c->label == TDX_LABEL_INVALID ||
		    tdx_image_load(ctx, c->path, c->sig_path, NULL, &img) < 0) {
			tdx_image_free(img);
			continue;
		}
		s = tdx_image_get_sigstruct_fields(img);
		if (tdx_tcb_info_match(tcb, s->svn_major, s->svn_minor, &m) == 0)
			st[i] = m.status;
		tdx_image_free(img);
	}
	return st;
}

/* cli_emit()'s text for list: the table, from the releases the object was made from. */
static void list_text(struct json_object *obj, const void *data)
{
	const struct list_view *v = data;

	(void)obj;
	list_print_text(v->a, v->mapping_path, v->h, v->src, v->list, v->latest);
}

/* A failure before anything was listed (cli_fail()), with the folder and the mapping file. */
#define list_fail(a, mapping_path, outcome, ...)					\
	cli_fail(&(a)->g, list_fail_fields((a), (mapping_path)), (outcome), __VA_ARGS__)

static struct json_object *list_fail_fields(const struct list_args *a, const char *mapping_path)
{
	struct json_object *o;

	if (!a->g.json)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "dir", json_object_new_string(a->dir));
	json_object_object_add(o, "mapping", tdx_json_string_or_null(mapping_path));
	return o;
}

/* The mapping file the options name, or the one in DIR; none is not an error. */
static enum tdx_outcome mapping_open(struct tdx_ctx *ctx, const struct list_args *a,
				     struct tdx_mapping **m, char **path)
{
	struct tdx_mapping_source src = { .path = a->mapping, .dir = a->dir };
	const struct tdx_trust_refusal *untrusted;
	struct tdx_mapping_refusal why;
	struct json_object *fields;
	enum tdx_outcome outcome;
	char *reason;
	int rc;

	*m = NULL;
	*path = NULL;
	if (a->no_mapping)
		return TDX_OUTCOME_OK;
	rc = tdx_mapping_open(ctx, &src, m, path, &why);
	if (rc == 0) {
		if (!*m)
			cli_warn("no %s in %s: judging without it (rules 3 and 4 skipped); give "
				 "--mapping", TDX_MAPPING_FILE_NAME, a->dir);
		return TDX_OUTCOME_OK;
	}
	/*
	 * Like update: a mapping file that cannot be used is an input error (66), never 65. The
	 * refusal's facts go with the message (mapping_refusal, trust_refusal), from the same
	 * struct the words are made of.
	 */
	outcome = tdx_mapping_open_outcome(rc);
	fields = list_fail_fields(a, *path);
	if (rc == -EINVAL) {
		reason = mapping_refusal_words(&why);
		if (fields)
			json_object_object_add(fields, "mapping_refusal",
					       mapping_refusal_to_json(&why));
		outcome = cli_fail(&a->g, fields, outcome, "%s is not a valid Intel mapping file: "
				   "%s; nothing listed; fix or replace it, or give --mapping FILE "
				   "or --no-mapping", *path, reason ? reason : "?");
	} else if (rc == -EPERM) {
		untrusted = tdx_ctx_trust_refusal(ctx);
		reason = trust_refusal_words(untrusted);
		if (fields)
			json_object_object_add(fields, "trust_refusal",
					       trust_refusal_to_json(untrusted));
		outcome = cli_fail(&a->g, fields, outcome, "%s is not trusted to decide what is "
				   "installable: %s; nothing was judged; fix its owner and mode, "
				   "or give --mapping with a file only root can write", *path,
				   reason ? reason : "?");
	} else {
		json_object_put(fields);
		return list_fail(a, *path, outcome, "cannot read %s: %s",
				 *path ? *path : TDX_MAPPING_FILE_NAME, strerror(-rc));
	}
	free(reason);
	return outcome;
}

int cmd_list(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct list_args a = { 0 };
	struct tdx_compat_opts copts = { 0 };
	struct tdx_verify_opts vopts = { 0 };
	struct tdx_releases *list = NULL;
	struct tdx_mapping *m = NULL;
	struct tdx_host_facts h;
	struct facts_source src = { 0 };
	enum tdx_outcome outcome;
	char *mapping_path = NULL;
	ssize_t latest = -1;
	struct list_view view;
	int rc;
	struct stat st;

	if (cli_parse(&list_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	if (stat(a.dir, &st) < 0)
		return exit_from_outcome(list_fail(&a, NULL, TDX_OUTCOME_INPUT, "cannot read %s: %s",
						   a.dir, strerror(errno)));
	if (!S_ISDIR(st.st_mode))
		return exit_from_outcome(list_fail(&a, NULL, TDX_OUTCOME_INPUT,
						   "cannot read %s: not a folder", a.dir));
	{
		struct tdx_tcb_info *tcb = NULL;
		char *why = NULL;

		if (tcb_info_open(ctx, &a.tcb, &tcb, &outcome, &why) < 0) {
			outcome = list_fail(&a, NULL, outcome, "%s", why ? why : "out of memory");
			free(why);
			return exit_from_outcome(outcome);
		}
		a.tcb_info = tcb;
	}
	outcome = mapping_open(ctx, &a, &m, &mapping_path);
	if (outcome != TDX_OUTCOME_OK)
		goto out;
	host_facts_read(ctx, &a, &h, &src);
	copts.allow_debug = a.image.allow_debug;
	image_args_verify_opts(&a.image, &vopts);
	rc = tdx_releases_judge(ctx, a.dir, &h, m, &copts, &vopts, &list, &latest);
	if (rc < 0 && !list) {
		outcome = list_fail(&a, mapping_path, tdx_outcome_from_errno(rc, TDX_ERRNO_INPUT),
				    "cannot read %s: %s", a.dir, strerror(-rc));
		goto out;
	}
	if (!h.have_running)
		cli_warn("the running module's version is unknown (%s): the version rules are "
			 "skipped; give --running X.Y.ZZ", src.why_running);
	if (rc < 0) {
		outcome = list_fail(&a, mapping_path, TDX_OUTCOME_FAILED,
				    "cannot judge the releases: %s", strerror(-rc));
		goto out;
	}
	if (a.tcb_info && list)
		a.tcb_status = release_tcb_statuses(ctx, a.tcb_info, list);
	view = (struct list_view){ &a, mapping_path, &h, &src, list, latest };
	cli_emit(&a.g, list_to_json(&a, mapping_path, &h, &src, list, latest), list_text, &view);
	outcome = TDX_OUTCOME_OK;
out:
	free(a.tcb_status);
	tdx_tcb_info_free((struct tdx_tcb_info *)a.tcb_info);
	tdx_releases_free(list);
	tdx_mapping_free(m);
	free(mapping_path);
	return exit_from_outcome(outcome);
}
