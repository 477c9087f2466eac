// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl convert: between Intel's blob (0x100), the kernel image (0x200) and a .bin + .sigstruct
 * pair. Lossless: the sigstruct and module pages are carried over byte for byte. The input is
 * verified first and the output after, and nothing is written unless both pass.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image-opts.h"

enum target { TARGET_IMAGE, TARGET_BLOB, TARGET_PAIR };

struct convert_args {
	struct image_args image;
	struct global_opts g;
	const char *out;
	const char *sig_out;
	enum target target;
	bool force;
};

enum { OPT_FORCE = 0x300, OPT_SIG_OUT };

static const struct argp_option convert_options[] = {
	{ "output", 'o', "FILE", 0, "Write the result here (required)", 0 },
	{ "format", 'f', "FORMAT", 0,
	  "0x200 (kernel image, the default), 0x100 (Intel blob) or pair (.bin + .sigstruct)", 0 },
	{ "sigstruct-output", OPT_SIG_OUT, "FILE", 0,
	  "With --format pair: where the .sigstruct goes (default: OUTPUT with .sigstruct "
	  "for .bin)", 0 },
	{ "force", OPT_FORCE, NULL, 0, "Replace an existing output file", 0 },
	{ "quiet", 'q', NULL, 0, "Print nothing on success", 0 },
	IMAGE_STRICT_OPTION,
	{ 0 }
};

static error_t convert_parse(int key, char *arg, struct argp_state *state)
{
	struct convert_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->image;
		state->child_inputs[1] = &a->g;
		a->image.g = &a->g;	/* --key-hash's bad value waits for --json too */
		return 0;
	case 'o':
		cli_check_path_option(state, &a->g, "--output");
		a->out = arg;
		return 0;
	case 'f':
		if (!strcmp(arg, "0x200") || !strcmp(arg, "200") || !strcmp(arg, "image"))
			a->target = TARGET_IMAGE;
		else if (!strcmp(arg, "0x100") || !strcmp(arg, "100") || !strcmp(arg, "blob"))
			a->target = TARGET_BLOB;
		else if (!strcmp(arg, "pair"))
			a->target = TARGET_PAIR;
		else
			cli_usage_error(state, &a->g, "--format is 0x200, 0x100 or pair, not '%s'",
					arg);
		return 0;
	case OPT_SIG_OUT:
		cli_check_path_option(state, &a->g, "--sigstruct-output");
		a->sig_out = arg;
		return 0;
	case OPT_FORCE:
		a->force = true;
		return 0;
	case IMAGE_OPT_STRICT:
		a->image.strict = true;
		return 0;
	case 'q':
		a->g.quiet = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->image.path)
			cli_usage_error(state, &a->g, "one input at a time ('%s' is extra)", arg);
		a->image.path = arg;
		return 0;
	case ARGP_KEY_END:
		if (!a->image.path)
			cli_usage_error(state, &a->g, "which image? (give a path)");
		if (!a->out)
			cli_usage_error(state, &a->g, "where to? (give -o OUTPUT)");
		if (a->sig_out && a->target != TARGET_PAIR)
			cli_usage_error(state, &a->g, "--sigstruct-output goes with --format pair");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child convert_children[] = {
	{ &image_argp, 0, "Input options:", 0 },
	{ &output_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp convert_argp = {
	convert_options, convert_parse, "INPUT -o OUTPUT",
	"Convert a TDX module between Intel's blob (format 0x100), the kernel image the kernel "
	"accepts (format 0x200, the default) and a module .bin with its .sigstruct. The input is "
	"verified first and the result after; an existing file is never replaced without "
	"--force.\v"
	"For 0x200 the header's checksum is set by the 0x100 rule (the 16-bit word sum of the "
	"whole image is zero); the kernel ignores it.\n"
	"Exit status: 0 written, 65 the input or result is invalid, 66 unreadable input, "
	"73 cannot write the output, 64 usage error.",
	convert_children, NULL, NULL
};

/* OUTPUT.bin -> OUTPUT.sigstruct; anything else gets .sigstruct appended. */
static char *sig_out_default(const char *out)
{
	size_t len = strlen(out);
	char *s;

	if (len > 4 && !strcmp(out + len - 4, ".bin")) {
		if (asprintf(&s, "%.*s.sigstruct", (int)(len - 4), out) < 0)
			return NULL;
	} else if (asprintf(&s, "%s.sigstruct", out) < 0) {
		return NULL;
	}
	return s;
}

/* Parse and verify bytes we are about to write, so a bug here cannot emit a bad image. */
static int verify_result(struct tdx_ctx *ctx, const struct convert_args *a,
			 const uint8_t *buf, size_t len, const uint8_t *sig, size_t sig_len,
			 struct tdx_report *report)
{
	struct tdx_verify_opts opts;
	struct tdx_image *image;
	int rc;

	image_args_verify_opts(&a->image, &opts);
	if (sig)
		rc = tdx_image_parse_pair(ctx, buf, len, sig, sig_len, report, &image);
	else
		rc = tdx_image_parse(ctx, buf, len, report, &image);
	if (rc < 0)
		return rc;
	rc = tdx_image_verify(image, &opts, report);
	tdx_image_free(image);
	return rc;
}

/* Write, then read back and compare: the file on disk is what was verified. */
static int write_checked(struct tdx_ctx *ctx, const char *path, const uint8_t *buf, size_t len,
			 bool force)
{
	int rc = tdx_file_write_atomic(ctx, path, buf, len, force);

	return rc < 0 ? rc : tdx_file_compare(ctx, path, buf, len);
}

/*
 * What convert --json says in every case: the input, the outputs, the format and whether it was
 * written; then the size (written) or the checks that refused it (@report, when judged).
 */
static struct json_object *convert_to_json(const struct convert_args *a, const char *sig_out,
					   bool written, const struct tdx_report *report,
					   size_t out_len)
{
	struct json_object *o = json_object_new_object();
	static const char *const names[] = { "0x200", "0x100", "pair" };

	json_object_object_add(o, "input", json_object_new_string(a->image.path));
	json_object_object_add(o, "output", json_object_new_string(a->out));
	if (sig_out)
		json_object_object_add(o, "sigstruct_output", json_object_new_string(sig_out));
	json_object_object_add(o, "format", json_object_new_string(names[a->target]));
	json_object_object_add(o, "written", json_object_new_boolean(written));
	if (written)
		json_object_object_add(o, "size", json_object_new_int64((int64_t)out_len));
	if (report)
		json_object_object_add(o, "checks", report_to_json(report));
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

/* cli_emit()'s text for convert: "OUT: written (N bytes[; sigstruct in SIG]), verified". */
static void convert_text(struct json_object *o, const void *data)
{
	const struct convert_args *a = data;
	struct json_object *sig;

	if (a->g.quiet)
		return;
	sig = json_object_object_get(o, "sigstruct_output");
	printf("%s: written (%s bytes%s%s), verified\n", jstr(o, "output"), jstr(o, "size"),
	       sig ? "; sigstruct in " : "", sig ? json_object_get_string(sig) : "");
}

int cmd_convert(int argc, char **argv, struct tdx_ctx *ctx)
{
	struct convert_args a = { 0 };
	struct tdx_verify_opts opts;
	struct tdx_report *report = NULL;
	struct tdx_image *image = NULL;
	enum tdx_outcome outcome = TDX_OUTCOME_OK;
	uint8_t *buf = NULL;
	const uint8_t *out_buf, *sig = NULL;
	size_t out_len, sig_len = 0;
	char *why = NULL, *sig_out = NULL;
	int rc, code;

	if (cli_parse(&convert_argp, argc, argv, &a, &a.g))
		return EXIT_USAGE;
	if (a.target == TARGET_PAIR) {
		sig_out = a.sig_out ? strdup(a.sig_out) : sig_out_default(a.out);
		if (!sig_out)
			return EXIT_FAILED;
	}
	if (tdx_report_new(&report) < 0) {
		free(sig_out);
		return EXIT_FAILED;
	}
	rc = image_open(ctx, &a.image, report, &image, &outcome, &why);
	if (rc < 0)
		goto refuse;
	image_args_verify_opts(&a.image, &opts);
	rc = tdx_image_verify(image, &opts, report);
	if (rc < 0) {
		outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_WORK);
		why = cli_words("%s fails verification, so it is not converted ('tdxctl verify %s' says "
			    "why)", a.image.path, a.image.path);
		goto refuse;
	}

	if (a.target == TARGET_PAIR) {
		out_buf = tdx_image_get_module(image, &out_len);
		sig = tdx_image_get_sigstruct(image, &sig_len);
		sig_len = TDX_SIGSTRUCT_SIZE;
	} else {
		rc = tdx_image_build(image, a.target == TARGET_BLOB ? TDX_BLOB_FORMAT :
				     TDX_IMAGE_FORMAT, &buf, &out_len);
		if (rc < 0) {
			outcome = TDX_OUTCOME_FAILED;
			why = cli_words("cannot build the output: %s", strerror(-rc));
			goto refuse;
		}
		out_buf = buf;
	}
	tdx_report_free(report);
	report = NULL;
	if (tdx_report_new(&report) < 0)
		goto refuse;
	rc = verify_result(ctx, &a, out_buf, out_len, sig, sig_len, report);
	if (rc < 0) {
		outcome = TDX_OUTCOME_FAILED;
		why = cli_words("the converted image fails verification (a bug: please report it)");
		goto refuse;
	}
	tdx_report_free(report);
	report = NULL;

	rc = write_checked(ctx, a.out, out_buf, out_len, a.force);
	if (rc == 0 && sig_out) {
		rc = write_checked(ctx, sig_out, sig, sig_len, a.force);
		if (rc < 0)
			unlink(a.out);
	}
	if (rc < 0) {
		outcome = tdx_outcome_from_errno(rc, TDX_ERRNO_OUTPUT);
		if (rc == -EEXIST)
			why = cli_words("%s already exists; give --force to replace it",
				    sig_out && access(a.out, F_OK) != 0 ? sig_out : a.out);
		else
			why = cli_words("cannot write %s: %s", a.out, strerror(-rc));
		goto refuse;
	}
	cli_emit(&a.g, convert_to_json(&a, sig_out, true, NULL, out_len), convert_text, &a);
	code = EXIT_OK;
	goto out;

refuse:
	code = exit_from_outcome(cli_fail_noting(&a.g, convert_to_json(&a, sig_out, false, report, 0),
						 outcome, "; nothing was written", "%s",
						 why ? why : "out of memory"));
out:
	free(why);
	free(buf);
	free(sig_out);
	tdx_image_free(image);
	tdx_report_free(report);
	return code;
}
