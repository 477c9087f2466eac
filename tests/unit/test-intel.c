// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance on Intel's published releases: every blob and every .bin/.sigstruct pair verifies
 * with Intel's production key; pair and blob hold the same bytes; 0x100 -> 0x200 -> 0x100 is
 * lossless; and single flipped bytes are caught by the right check.
 *
 * The folder is ${TDXCTL_INTEL_BINARIES:-<source root>/../shared/intel-tdx-module-binaries}.
 * Without it the test is skipped (exit 77) with a visible message, unless TDXCTL_REQUIRE_INTEL=1.
 */
#include <glob.h>
#include <libgen.h>

#include "test.h"

#define PAGE	4096u

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* Parse (container or pair) and verify with Intel's key; returns the report, *rc the result. */
static struct tdx_report *verify_bytes(const uint8_t *buf, size_t len, const uint8_t *sig,
				       size_t sig_len, int *rc)
{
	struct tdx_image *img = NULL;
	struct tdx_report *r;

	if (tdx_report_new(&r))
		exit(1);
	*rc = sig ? tdx_image_parse_pair(NULL, buf, len, sig, sig_len, r, &img) :
		    tdx_image_parse(NULL, buf, len, r, &img);
	if (!*rc)
		*rc = tdx_image_verify(img, NULL, r);
	tdx_image_free(img);
	return r;
}

static void expect_clean(const char *what, const uint8_t *buf, size_t len, const uint8_t *sig,
			 size_t sig_len)
{
	int rc;
	struct tdx_report *r = verify_bytes(buf, len, sig, sig_len, &rc);
	bool ok = CHECK_INT(rc, 0);

	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 0);
	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_WARN), 0);
	ok &= CHECK_INT(tdx_report_count_status(r, TDX_CHECK_SKIP), 0);
	if (!ok) {
		fprintf(stderr, "  %s:\n", what);
		test_dump_report(r);
	}
	tdx_report_free(r);
}

/* Flip one byte of a copy and expect @check as the first failure. */
static void expect_flip(const char *what, const uint8_t *buf, size_t len, size_t off,
			const char *check)
{
	uint8_t *copy = test_dup(buf, len);
	struct tdx_report *r;
	bool ok;
	int rc;

	copy[off] ^= 0x01;
	r = verify_bytes(copy, len, NULL, 0, &rc);
	ok = CHECK_INT(rc, -EBADMSG);
	ok &= CHECK_STR(test_first_failure(r), check);
	if (!ok) {
		fprintf(stderr, "  %s, byte 0x%zx flipped:\n", what, off);
		test_dump_report(r);
	}
	tdx_report_free(r);
	free(copy);
}

/* The 0x200 image built from a blob: the header the kernel reads, and the same pages. */
static void check_converted(const uint8_t *blob, size_t len, const uint8_t *img, size_t img_len)
{
	uint32_t module_off = le32(blob + 4);

	CHECK_INT(img_len, len);
	CHECK_INT(le16(img), 0x200);
	CHECK(memcmp(img + 4, "TDX-BLOB", 8) == 0);
	CHECK_INT(le32(img + 12), (module_off - PAGE) / PAGE);
	CHECK_INT(le32(img + 16), (len - module_off) / PAGE);
	for (size_t i = 20; i < PAGE; i++)
		if (!CHECK_INT(img[i], 0))
			break;
	CHECK_INT(tdx_checksum16(img, img_len), 0);
	CHECK(memcmp(img + PAGE, blob + PAGE, len - PAGE) == 0);
}

static void test_blob(const char *dir, const char *path)
{
	char *copy = strdup(path), *bin_path, *sig_path;
	const char *base = basename(copy);
	struct tdx_version v, v2;
	struct tdx_report *r;
	struct tdx_image *img, *img2, *pair;
	uint8_t *blob, *bin, *sig, *out, *back;
	size_t len, bin_len, sig_len, out_len, back_len, mlen, slen;
	char ver[TDX_VERSION_STRLEN];
	unsigned int build;

	printf("  %s\n", base);
	if (!CHECK_INT(tdx_version_from_filename(base, &v), 0))
		goto out_name;
	tdx_version_format(&v, ver, sizeof(ver));
	if (asprintf(&bin_path, "%s/separate_files/%u.%u/%s/tdx_module_%s.bin", dir, v.major,
		     v.minor, ver, ver) < 0 ||
	    asprintf(&sig_path, "%s/separate_files/%u.%u/%s/tdx_module_%s.sigstruct", dir, v.major,
		     v.minor, ver, ver) < 0)
		exit(1);

	blob = test_read(path, &len);
	expect_clean(base, blob, len, NULL, 0);
	tdx_report_new(&r);
	CHECK_INT(tdx_image_load(NULL, path, NULL, r, &img), 0);
	CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 0);
	tdx_report_free(r);
	CHECK_INT(tdx_image_get_form(img), TDX_FORM_BLOB);
	CHECK_INT(tdx_image_get_format(img), 0x100);
	CHECK(tdx_image_checksum_ok(img));

	/* 2.x sigstructs carry the version the file name gives */
	if (v.major >= 2) {
		CHECK_INT(tdx_sigstruct_get_version(tdx_image_get_sigstruct_fields(img), &v2,
						    &build), 0);
		CHECK_INT(tdx_version_cmp(&v, &v2), 0);
	} else {
		CHECK_INT(tdx_sigstruct_get_version(tdx_image_get_sigstruct_fields(img), &v2,
						    &build), -ENOENT);
	}

	/* the pair holds the same sigstruct and module bytes */
	bin = test_read(bin_path, &bin_len);
	sig = test_read(sig_path, &sig_len);
	expect_clean(bin_path, bin, bin_len, sig, sig_len);
	CHECK_INT(tdx_image_parse_pair(NULL, bin, bin_len, sig, sig_len, NULL, &pair), 0);
	CHECK(memcmp(tdx_image_get_sigstruct(pair, &slen), tdx_image_get_sigstruct(img, NULL),
		     TDX_SIGSTRUCT_SIZE) == 0);
	CHECK_INT(slen, TDX_SIGSTRUCT_SIZE);
	CHECK(tdx_image_get_module(img, &mlen) != NULL);
	CHECK_INT(mlen, bin_len);
	CHECK(memcmp(tdx_image_get_module(img, NULL), bin, bin_len) == 0);
	CHECK(memcmp(blob + PAGE, sig, sig_len) == 0);
	CHECK(memcmp(blob + le32(blob + 4), bin, bin_len) == 0);
	/* pair -> 0x100 gives Intel's blob */
	CHECK_INT(tdx_image_build(pair, 0x100, &out, &out_len), 0);
	CHECK(out_len == len && memcmp(out, blob, len) == 0);
	free(out);
	tdx_image_free(pair);

	/* 0x100 -> 0x200 -> verify -> 0x100 == the original */
	CHECK_INT(tdx_image_build(img, 0x200, &out, &out_len), 0);
	check_converted(blob, len, out, out_len);
	expect_clean("converted to 0x200", out, out_len, NULL, 0);
	CHECK_INT(tdx_image_parse(NULL, out, out_len, NULL, &img2), 0);
	CHECK_INT(tdx_image_get_form(img2), TDX_FORM_IMAGE);
	CHECK(tdx_image_checksum_ok(img2));
	CHECK_INT(tdx_image_build(img2, 0x100, &back, &back_len), 0);
	CHECK(back_len == len && memcmp(back, blob, len) == 0);
	free(back);
	tdx_image_free(img2);

	/* single flipped bytes, in the blob and in the 0x200 image (no checksum repair needed
	 * there: the 0x200 checksum is a warning only) */
	expect_flip("module", out, out_len, 2 * PAGE + 0x1234, "seamhash");
	expect_flip("module, last byte", out, out_len, out_len - 1, "seamhash");
	expect_flip("signed header", out, out_len, PAGE + 0x14, "signature");
	expect_flip("signed body", out, out_len, PAGE + 0x384 + 7, "signature");
	expect_flip("signature", out, out_len, PAGE + 0x204 + 100, "signature");
	expect_flip("modulus", out, out_len, PAGE + 0x80 + 200, "signer");
	expect_flip("blob module", blob, len, le32(blob + 4) + 10, "container.checksum");
	free(out);

	tdx_image_free(img);
	free(blob);
	free(bin);
	free(sig);
	free(bin_path);
	free(sig_path);
out_name:
	free(copy);
}

/* Every pair Intel ships verifies, whether or not a blob goes with it. */
static size_t test_pairs(const char *dir)
{
	char *pattern;
	glob_t g;
	size_t n;

	if (asprintf(&pattern, "%s/separate_files/*/*/*.bin", dir) < 0)
		exit(1);
	if (glob(pattern, 0, NULL, &g) != 0)
		g.gl_pathc = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t blen = strlen(g.gl_pathv[i]), bin_len, sig_len;
		char *sig_path = malloc(blen + sizeof("sigstruct"));
		uint8_t *bin, *sig;
		struct tdx_report *r;
		struct tdx_image *img;

		if (!sig_path)
			exit(1);
		memcpy(sig_path, g.gl_pathv[i], blen - 3);
		strcpy(sig_path + blen - 3, "sigstruct");
		bin = test_read(g.gl_pathv[i], &bin_len);
		sig = test_read(sig_path, &sig_len);
		expect_clean(g.gl_pathv[i], bin, bin_len, sig, sig_len);
		tdx_report_new(&r);
		CHECK_INT(tdx_image_load(NULL, g.gl_pathv[i], sig_path, r, &img), 0);
		CHECK_INT(tdx_image_verify(img, NULL, r), 0);
		tdx_image_free(img);
		tdx_report_free(r);
		free(bin);
		free(sig);
		free(sig_path);
	}
	n = g.gl_pathc;
	if (n)
		globfree(&g);
	free(pattern);
	return n;
}

int main(void)
{
	const char *dir = getenv("TDXCTL_INTEL_BINARIES");
	const char *require = getenv("TDXCTL_REQUIRE_INTEL");
	char *fallback = NULL, *pattern;
	struct stat st;
	glob_t g;
	size_t pairs;

	if (!dir || !*dir) {
		if (asprintf(&fallback, "%s/../shared/intel-tdx-module-binaries",
			     test_env("TDXCTL_SOURCE_ROOT")) < 0)
			return 1;
		dir = fallback;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if (require && strcmp(require, "1") == 0) {
			fprintf(stderr, "FAIL: Intel's binaries not found at %s and "
				"TDXCTL_REQUIRE_INTEL=1\n", dir);
			printf("0 passed, 1 failed\n");
			return 1;
		}
		printf("SKIP: Intel's binaries not found at %s (set TDXCTL_INTEL_BINARIES; "
		       "TDXCTL_REQUIRE_INTEL=1 makes this a failure)\n", dir);
		free(fallback);
		return TEST_SKIP;
	}
	printf("Intel's binaries: %s\n", dir);
	if (asprintf(&pattern, "%s/joined_files/*/*.blob", dir) < 0)
		return 1;
	CHECK_INT(glob(pattern, 0, NULL, &g), 0);
	CHECK(g.gl_pathc > 0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		test_blob(dir, g.gl_pathv[i]);
	pairs = test_pairs(dir);
	CHECK(pairs > 0);
	printf("%zu blobs, %zu pairs\n", g.gl_pathc, pairs);
	globfree(&g);
	free(pattern);
	free(fallback);
	return test_finish();
}
