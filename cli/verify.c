// SPDX-License-Identifier: GPL-2.0-only
/* tdxctl verify and tdxctl inspect: what a file is, and whether the loader would accept it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image-opts.h"
#include "tcb-opts.h"

struct verify_args {
	struct image_args image;
	struct tcb_args tcb;
	struct global_opts g;
	const char *version;		/* inspect: --version, as given */
	struct tdx_version user;	/* inspect: --version, parsed */
};

static const struct argp_option verify_options[] = {
	{ "quiet", 'q', NULL, 0, "Print only failures, warnings and the verdict", 0 },
	IMAGE_STRICT_OPTION,
	{ 0 }
};

static const struct argp_option inspect_options[] = {
	{ "version", 'V', "X.Y.ZZ", 0,
	  "The module's version, when neither the sigstruct nor the file name carries it", 0 },
	{ 0 }
};

static error_t verify_parse(int key, char *arg, struct argp_state *state)
{
	struct verify_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->image;
		state->child_inputs[1] = &a->g;
		state->child_inputs[2] = &a->tcb;
		/* The children's bad values wait for --json too (cli_usage_error()). */
		a->image.g = &a->g;
		a->tcb.g = &a->g;
		return 0;
	case 'q':
		a->g.quiet = true;
		return 0;
	case 'V':
		if (tdx_version_parse(arg, &a->user) < 0)
			cli_usage_error(state, &a->g, "--version wants X.Y.ZZ (e.g. 1.5.16), "
					"not '%s'", arg);
		a->version = arg;
		return 0;
	case IMAGE_OPT_STRICT:
		a->image.strict = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->image.path)
			cli_usage_error(state, &a->g, "one image at a time ('%s' is extra)", arg);
		a->image.path = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->image.path)
			cli_usage_error(state, &a->g, "which image? (give a path)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child image_children[] = {
	{ &image_argp, 0, "Image options:", 0 },
	{ &output_argp, 0, NULL, 0 },
	{ &tcb_argp, 0, "What verifiers will think of it (Intel's TCB Info):", 0 },
	{ 0 }
};

static const struct argp verify_argp = {
	verify_options, verify_parse, "IMAGE",
	"Check a TDX module image offline exactly as the loader will judge it: container, "
	"sigstruct, signer, signature, seamhash and module ELF. IMAGE is an Intel blob (0x100), a "
	"kernel image (0x200), or a module .bin with --sigstruct. With --tcb-info, also how "
	"Intel's TCB Info for the platform rates the module (tcb.status).\v"
	"Exit status: 0 valid, 65 invalid (or Revoked), 66 unreadable, or a TCB Info that is "
	"expired, unsigned or not for this module, 64 usage error.",
	image_children, NULL, NULL
};

static const struct argp inspect_argp = {
	inspect_options, verify_parse, "IMAGE",
	"Show everything about a TDX module image: form, sizes, checksum, sigstruct fields, "
	"hashes, signer and module version.\v"
	"Exit status: 0 shown, 65 not an image, 66 unreadable, 64 usage error.",
	image_children, NULL, NULL
};

/*
 * The object a refusal carries besides its error: the file and, once the image was judged
 * (@report not NULL), valid, the failed checks' names and the checks, which the text shows too.
 */
static struct json_object *verify_fail_fields(const struct verify_args *a,
					      const struct tdx_report *report)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "file", json_object_new_string(a->image.path));
	if (report) {
		json_object_object_add(o, "valid", json_object_new_boolean(false));
		json_object_object_add(o, "failed", report_failed_json(report));
		json_object_object_add(o, "checks", report_to_json(report));
	}
	return o;
}

/* A refusal of verify or inspect, through the one error path (cli_fail_noting()). */
#define verify_fail(a, report, outcome, ...) \
	cli_fail_noting(&(a)->g, verify_fail_fields((a), (report)), (outcome), \
			"; nothing was changed", __VA_ARGS__)

/* For people: "Intel blob (format 0x100)"; JSON carries the library's short form name. */
static const char *form_label(enum tdx_image_form form, unsigned int format, char *buf,
			      size_t len)
{
	switch (form) {
	case TDX_FORM_BLOB:
		snprintf(buf, len, "Intel blob (format 0x%x)", format);
		break;
	case TDX_FORM_IMAGE:
		snprintf(buf, len, "kernel image (format 0x%x)", format);
		break;
	default:
		snprintf(buf, len, "module .bin + .sigstruct");
		break;
	}
	return buf;
}

/* What verify's text needs besides its object. */
struct verify_view {
	const struct verify_args *a;
	const struct tdx_image *image;
};

/* verify --json's object: the image, the counts, the checks and, with --tcb-info, its rating. */
static struct json_object *verify_to_json(const struct verify_args *a,
					  const struct tdx_image *image,
					  const struct tdx_report *report,
					  const struct tdx_tcb_info *tcb)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "file", json_object_new_string(a->image.path));
	if (a->image.sig_path)
		json_object_object_add(o, "sigstruct_file",
				       json_object_new_string(a->image.sig_path));
	json_object_object_add(o, "form", json_object_new_string(
		tdx_image_form_name(tdx_image_get_form(image))));
	json_object_object_add(o, "format", json_object_new_int((int)tdx_image_get_format(image)));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)tdx_image_get_size(image)));
	json_object_object_add(o, "valid", json_object_new_boolean(
		tdx_report_count_status(report, TDX_CHECK_FAIL) == 0));
	json_object_object_add(o, "strict", json_object_new_boolean(a->image.strict));
	json_object_object_add(o, "passed", json_object_new_int(
		(int)tdx_report_count_status(report, TDX_CHECK_PASS)));
	json_object_object_add(o, "warnings", json_object_new_int(
		(int)tdx_report_count_status(report, TDX_CHECK_WARN)));
	json_object_object_add(o, "failed", report_failed_json(report));
	json_object_object_add(o, "checks", report_to_json(report));
	if (tcb)
		json_object_object_add(o, "tcb_info", tcb_info_to_json(&a->tcb, tcb,
				       tdx_image_get_sigstruct_fields(image)));
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

/* cli_emit()'s text for verify: the checks and the verdict, from verify --json's object. */
static void verify_text(struct json_object *o, const void *data)
{
	const struct verify_view *v = data;
	struct json_object *failed = json_object_object_get(o, "failed");
	struct json_object *tcb = json_object_object_get(o, "tcb_info");
	size_t nfail = json_object_array_length(failed);
	int nwarn = json_object_get_int(json_object_object_get(o, "warnings"));
	bool quiet = v->a->g.quiet;
	char form[64];

	if (!quiet)
		printf("%s: %s, %s bytes\n", jstr(o, "file"),
		       form_label(tdx_image_get_form(v->image), tdx_image_get_format(v->image),
				  form, sizeof(form)), jstr(o, "size"));
	if (!quiet && tcb)
		printf("TCB Info %s: FMSPC %s, evaluation %s, issued %s, next update %s\n",
		       jstr(tcb, "file"), jstr(tcb, "fmspc"), jstr(tcb, "evaluation"),
		       jstr(tcb, "issue_date"), jstr(tcb, "next_update"));
	report_json_print_lines(json_object_object_get(o, "checks"), stdout, quiet);
	if (nfail) {
		printf("verdict: INVALID: %zu check%s failed (", nfail, nfail == 1 ? "" : "s");
		for (size_t i = 0; i < nfail; i++)
			printf("%s%s", i ? ", " : "",
			       json_object_get_string(json_object_array_get_idx(failed, i)));
		printf("); do not install this image\n");
	} else {
		printf("verdict: valid (%s checks passed, %d warning%s)\n", jstr(o, "passed"), nwarn,
		       nwarn == 1 ? "" : "s");
	}
	if (!nfail && nwarn && !quiet)
		printf("  a warning is a finding that no kernel code or Intel document "
		       "rejects; --strict makes those of observed rules failures\n");
}

int cmd_verify(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct verify_args a = { 0 };
	struct tdx_verify_opts opts = { 0 };
	struct tdx_report *report = NULL;
	struct tdx_image *image = NULL;
	struct tdx_tcb_info *tcb = NULL;
	enum tdx_outcome outcome;
	char *why = NULL;
	int rc;

	if (cli_parse(&verify_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	if (tdx_report_new(&report) < 0)
		return EXIT_FAILED;
	/* The TCB Info first: a bad one is an input error before anything is judged. */
	rc = tcb_info_open(ctx, &a.tcb, &tcb, &outcome, &why);
	if (rc < 0) {
		verify_fail(&a, NULL, outcome, "%s", why ? why : "out of memory");
		goto out;
	}
	rc = image_open(ctx, &a.image, report, &image, &outcome, &why);
	if (rc < 0) {
		verify_fail(&a, report, outcome, "%s", why ? why : "out of memory");
		goto out;
	}
	image_args_verify_opts(&a.image, &opts);
	rc = tdx_image_verify(image, &opts, report);
	if (rc < 0 && rc != -EBADMSG) {
		outcome = verify_fail(&a, NULL, tdx_outcome_from_errno(rc, TDX_ERRNO_WORK),
				      "cannot verify %s: %s", a.image.path, strerror(-rc));
		goto out;
	}
	if (tcb) {
		int trc = tcb_info_judge(&a.tcb, tcb, tdx_image_get_sigstruct_fields(image),
					 rc == -EBADMSG, report, &why);

		if (trc < 0) {
			outcome = verify_fail(&a, NULL, trc == -ENOMEM ? TDX_OUTCOME_FAILED :
					      TDX_OUTCOME_INPUT, "%s", why ? why : "out of memory");
			goto out;
		}
	}
	outcome = tdx_report_outcome(report);
	{
		struct verify_view view = { .a = &a, .image = image };

		cli_emit(&a.g, verify_to_json(&a, image, report, tcb), verify_text, &view);
	}
out:
	free(why);
	tdx_tcb_info_free(tcb);
	tdx_image_free(image);
	tdx_report_free(report);
	return exit_from_outcome(outcome);
}

/* Everything inspect knows, as one JSON object; the text output is printed from it. */
static struct json_object *inspect_to_json(const struct verify_args *a,
					   const struct tdx_image *image,
					   const struct tdx_version *v,
					   enum tdx_version_source src)
{
	const struct tdx_sigstruct *s = tdx_image_get_sigstruct_fields(image);
	struct json_object *o = json_object_new_object(), *sj = json_object_new_object();
	struct json_object *cpuids = json_object_new_array();
	uint8_t hash[TDX_SHA384_LEN], key[TDX_SHA384_LEN];
	char hex[2 * TDX_SHA384_LEN + 1], buf[64];
	size_t siglen, modlen;

	tdx_image_get_sigstruct(image, &siglen);
	tdx_image_get_module(image, &modlen);
	json_object_object_add(o, "file", json_object_new_string(a->image.path));
	if (a->image.sig_path)
		json_object_object_add(o, "sigstruct_file",
				       json_object_new_string(a->image.sig_path));
	json_object_object_add(o, "form", json_object_new_string(
		tdx_image_form_name(tdx_image_get_form(image))));
	json_object_object_add(o, "format", json_object_new_int((int)tdx_image_get_format(image)));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)tdx_image_get_size(image)));
	json_object_object_add(o, "sigstruct_pages",
			       json_object_new_int((int)tdx_image_get_sigstruct_pages(image)));
	json_object_object_add(o, "module_pages",
			       json_object_new_int((int)tdx_image_get_module_pages(image)));
	json_object_object_add(o, "module_size", json_object_new_int64((int64_t)modlen));
	if (tdx_image_get_format(image)) {
		snprintf(buf, sizeof(buf), "0x%04x", tdx_image_get_checksum(image));
		json_object_object_add(o, "checksum", json_object_new_string(buf));
		json_object_object_add(o, "checksum_ok",
				       json_object_new_boolean(tdx_image_checksum_ok(image)));
	}
	if (src != TDX_VERSION_UNKNOWN)
		json_object_object_add(o, "version", json_object_new_string(
			tdx_version_format(v, buf, sizeof(buf))));
	else
		json_object_object_add(o, "version", json_object_new_string("unknown"));
	json_object_object_add(o, "version_source",
			       json_object_new_string(tdx_version_source_name(src)));

	snprintf(buf, sizeof(buf), "%04x-%02x-%02x", s->date >> 16, (s->date >> 8) & 0xff,
		 s->date & 0xff);
	json_object_object_add(sj, "date", json_object_new_string(buf));
	snprintf(buf, sizeof(buf), "0x%04x", s->module_vendor);
	json_object_object_add(sj, "vendor", json_object_new_string(buf));
	snprintf(buf, sizeof(buf), "0x%08x", s->module_type);
	json_object_object_add(sj, "module_type", json_object_new_string(buf));
	json_object_object_add(sj, "debug", json_object_new_boolean(tdx_sigstruct_is_debug(s)));
	json_object_object_add(sj, "svn_major", json_object_new_int(s->svn_major));
	json_object_object_add(sj, "svn_minor", json_object_new_int(s->svn_minor));
	snprintf(buf, sizeof(buf), "0x%x", s->rip_offset);
	json_object_object_add(sj, "rip_offset", json_object_new_string(buf));
	json_object_object_add(sj, "num_stack_pages", json_object_new_int(s->num_stack_pages));
	json_object_object_add(sj, "num_tls_pages", json_object_new_int(s->num_tls_pages));
	json_object_object_add(sj, "num_keyhole_pages", json_object_new_int(s->num_keyhole_pages));
	json_object_object_add(sj, "num_global_data_pages",
			       json_object_new_int(s->num_global_data_pages));
	json_object_object_add(sj, "module_hv", json_object_new_int(s->module_hv));
	json_object_object_add(sj, "min_update_hv", json_object_new_int(s->min_update_hv));
	json_object_object_add(sj, "no_downgrade", json_object_new_int(s->no_downgrade));
	json_object_object_add(sj, "num_handoff_pages", json_object_new_int(s->num_handoff_pages));
	/* reserved3 as a 2.x sigstruct uses it: the version's build number, and the raw bytes. */
	{
		struct tdx_version sv;
		unsigned int build;
		char r3[2 * sizeof(s->reserved3) + 1];

		json_object_object_add(sj, "build", tdx_sigstruct_get_version(s, &sv, &build) == 0 ?
				       json_object_new_int64(build) : NULL);
		tdx_hex_encode(s->reserved3, sizeof(s->reserved3), r3);
		json_object_object_add(sj, "reserved3", json_object_new_string(r3));
	}
	for (uint32_t i = 0; i < s->cpuid_table_size && i < TDX_CPUID_TABLE_MAX; i++) {
		snprintf(buf, sizeof(buf), "0x%x", s->cpuid_table[i]);
		json_object_array_add(cpuids, json_object_new_string(buf));
	}
	json_object_object_add(sj, "cpuid_table", cpuids);
	tdx_hex_encode(s->seamhash, TDX_SHA384_LEN, hex);
	json_object_object_add(sj, "seamhash", json_object_new_string(hex));
	json_object_object_add(o, "sigstruct", sj);

	if (tdx_image_module_sha384(image, hash) == 0) {
		tdx_hex_encode(hash, TDX_SHA384_LEN, hex);
		json_object_object_add(o, "module_sha384", json_object_new_string(hex));
		json_object_object_add(o, "seamhash_matches", json_object_new_boolean(
			memcmp(hash, s->seamhash, TDX_SHA384_LEN) == 0));
	}
	if (tdx_sigstruct_key_hash(s, key) == 0) {
		tdx_hex_encode(key, TDX_SHA384_LEN, hex);
		json_object_object_add(o, "signer_key_hash", json_object_new_string(hex));
		json_object_object_add(o, "signer_is_intel", json_object_new_boolean(
			memcmp(key, tdx_intel_key_hash, TDX_SHA384_LEN) == 0));
	}
	return o;
}

/* cli_emit()'s text for inspect: every line from inspect --json's object (the form's label
 * from the image). */
static void inspect_text(struct json_object *o, const void *data)
{
	const struct tdx_image *image = data;
	struct json_object *s, *v;
	char buf[64];

	json_object_object_get_ex(o, "sigstruct", &s);
	printf("file:              %s\n", jstr(o, "file"));
	if (json_object_object_get_ex(o, "sigstruct_file", &v))
		printf("sigstruct file:    %s\n", json_object_get_string(v));
	printf("form:              %s\n", form_label(tdx_image_get_form(image),
						    tdx_image_get_format(image), buf, sizeof(buf)));
	printf("size:              %s bytes; sigstruct pages %s, module pages %s (%s bytes)\n",
	       jstr(o, "size"), jstr(o, "sigstruct_pages"), jstr(o, "module_pages"),
	       jstr(o, "module_size"));
	if (json_object_object_get_ex(o, "checksum", &v))
		printf("checksum:          %s (word sum %s)\n", json_object_get_string(v),
		       json_object_get_boolean(json_object_object_get(o, "checksum_ok")) ?
		       "zero: ok" : "not zero");
	printf("module version:    %s", jstr(o, "version"));
	if (strcmp(jstr(o, "version_source"), "unknown") != 0)
		printf(" (from the %s)", jstr(o, "version_source"));
	else
		printf(" (the sigstruct carries none and the file name has none: use --version)");
	printf("\nsigstruct:\n");
	printf("  date:            %s\n", jstr(s, "date"));
	printf("  vendor:          %s\n", jstr(s, "vendor"));
	printf("  module type:     %s (%s)\n", jstr(s, "module_type"),
	       json_object_get_boolean(json_object_object_get(s, "debug")) ?
	       "DEBUG-signed" : "production");
	printf("  SVN:             major %s, minor %s\n", jstr(s, "svn_major"),
	       jstr(s, "svn_minor"));
	if (json_object_object_get(s, "build"))
		printf("  build:           %s\n", jstr(s, "build"));
	printf("  reserved3:       %s\n", jstr(s, "reserved3"));
	printf("  rip_offset:      %s\n", jstr(s, "rip_offset"));
	printf("  pages:           stack %s, tls %s, keyhole %s, global data %s\n",
	       jstr(s, "num_stack_pages"), jstr(s, "num_tls_pages"), jstr(s, "num_keyhole_pages"),
	       jstr(s, "num_global_data_pages"));
	printf("  handoff:         module_hv %s, min_update_hv %s, no_downgrade %s, "
	       "handoff pages %s\n", jstr(s, "module_hv"), jstr(s, "min_update_hv"),
	       jstr(s, "no_downgrade"), jstr(s, "num_handoff_pages"));
	printf("  CPUID table:    ");
	v = json_object_object_get(s, "cpuid_table");
	for (size_t i = 0; i < json_object_array_length(v); i++)
		printf(" %s", json_object_get_string(json_object_array_get_idx(v, i)));
	printf("%s\n", json_object_array_length(v) ? "" : " (empty)");
	printf("  seamhash:        %s\n", jstr(s, "seamhash"));
	printf("module SHA-384:    %s (%s the seamhash)\n", jstr(o, "module_sha384"),
	       json_object_get_boolean(json_object_object_get(o, "seamhash_matches")) ?
	       "matches" : "DOES NOT MATCH");
	printf("signer key hash:   %s (%s)\n", jstr(o, "signer_key_hash"),
	       json_object_get_boolean(json_object_object_get(o, "signer_is_intel")) ?
	       "Intel production key" : "not Intel's production key");
	if (json_object_object_get_ex(o, "tcb_info", &v)) {
		if (json_object_object_get(v, "level_isvsvn"))
			printf("TCB status:        %s (%s level isvsvn %s of %s", jstr(v, "status"),
			       jstr(v, "identity"), jstr(v, "level_isvsvn"), jstr(v, "tcb_date"));
		else
			printf("TCB status:        NotSupported (below every %s level",
			       jstr(v, "identity"));
		if (json_object_object_get(v, "advisories"))
			printf(", advisories %s", jstr(v, "advisories"));
		printf("; the latest level is isvsvn %s)\n", jstr(v, "latest_isvsvn"));
		printf("TCB Info:          %s: FMSPC %s, evaluation %s, issued %s, next update %s\n",
		       jstr(v, "file"), jstr(v, "fmspc"), jstr(v, "evaluation"),
		       jstr(v, "issue_date"), jstr(v, "next_update"));
	}
}

int cmd_inspect(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct verify_args a = { 0 };
	struct tdx_report *report = NULL;
	struct tdx_image *image = NULL;
	struct tdx_version v = { 0 };
	enum tdx_version_source src = TDX_VERSION_UNKNOWN;
	enum tdx_outcome outcome = TDX_OUTCOME_OK;
	struct tdx_tcb_info *tcb = NULL;
	struct json_object *o;
	char *why = NULL;
	int rc;

	if (cli_parse(&inspect_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	if (tdx_report_new(&report) < 0)
		return EXIT_FAILED;
	rc = tcb_info_open(ctx, &a.tcb, &tcb, &outcome, &why);
	if (rc < 0) {
		verify_fail(&a, NULL, outcome, "%s", why ? why : "out of memory");
		goto out;
	}
	rc = image_open(ctx, &a.image, report, &image, &outcome, &why);
	if (rc < 0) {
		verify_fail(&a, report, outcome, "%s", why ? why : "out of memory");
		goto out;
	}
	if (tcb) {
		const struct tdx_sigstruct *s = tdx_image_get_sigstruct_fields(image);
		struct tdx_tcb_match m;

		if (tdx_tcb_info_match(tcb, s->svn_major, s->svn_minor, &m) == -ENOENT) {
			outcome = verify_fail(&a, NULL, TDX_OUTCOME_INPUT, "TCB Info %s does not fit "
					      "this module: it has no identity %s (SVN major %u)",
					      a.tcb.path, m.identity, s->svn_major);
			goto out;
		}
	}
	rc = tdx_image_resolve_version(image, a.image.path, a.version ? &a.user : NULL, &v, &src);
	if (rc == -EINVAL) {
		outcome = verify_fail(&a, NULL, TDX_OUTCOME_INVALID_IMAGE, "--version %s contradicts "
				      "the version the sigstruct carries", a.version);
		goto out;
	}
	o = inspect_to_json(&a, image, &v, src);
	if (tcb)
		json_object_object_add(o, "tcb_info", tcb_info_to_json(&a.tcb, tcb,
				       tdx_image_get_sigstruct_fields(image)));
	cli_emit(&a.g, o, inspect_text, image);
out:
	free(why);
	tdx_tcb_info_free(tcb);
	tdx_image_free(image);
	tdx_report_free(report);
	return exit_from_outcome(outcome);
}
