// SPDX-License-Identifier: GPL-2.0-only
/* Versions: strict parsing, ordering, formatting and Intel's file names. */
#include "test.h"

static void test_parse(void)
{
	static const struct { const char *s; int rc; unsigned int ma, mi, up; } cases[] = {
		{ "1.5.08", 0, 1, 5, 8 },
		{ "1.5.08\n", 0, 1, 5, 8 },
		{ "2.0.02", 0, 2, 0, 2 },
		{ "0.0.0", 0, 0, 0, 0 },
		{ "255.255.65535", 0, 255, 255, 65535 },
		{ "1.5.8", 0, 1, 5, 8 },
		{ "256.0.0", -EINVAL, 0, 0, 0 },
		{ "1.256.0", -EINVAL, 0, 0, 0 },
		{ "1.5.65536", -EINVAL, 0, 0, 0 },
		{ "1.5", -EINVAL, 0, 0, 0 },
		{ "1.5.08.1", -EINVAL, 0, 0, 0 },
		{ "1.5.08\n\n", -EINVAL, 0, 0, 0 },
		{ " 1.5.08", -EINVAL, 0, 0, 0 },
		{ "1.5.08 ", -EINVAL, 0, 0, 0 },
		{ "-1.5.08", -EINVAL, 0, 0, 0 },
		{ "1.+5.08", -EINVAL, 0, 0, 0 },
		{ "1..08", -EINVAL, 0, 0, 0 },
		{ "", -EINVAL, 0, 0, 0 },
		{ "a.b.c", -EINVAL, 0, 0, 0 },
		{ "99999999999999999999.0.0", -EINVAL, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tdx_version v = { 7, 7, 7 };
		int rc = tdx_version_parse(cases[i].s, &v);

		if (!CHECK_INT(rc, cases[i].rc))
			fprintf(stderr, "  input \"%s\"\n", cases[i].s);
		if (cases[i].rc == 0) {
			CHECK_INT(v.major, cases[i].ma);
			CHECK_INT(v.minor, cases[i].mi);
			CHECK_INT(v.update, cases[i].up);
		} else {
			CHECK(v.major == 7 && v.minor == 7 && v.update == 7);	/* untouched */
		}
	}
	CHECK_INT(tdx_version_parse(NULL, &(struct tdx_version){ 0 }), -EINVAL);
}

static void test_cmp_format(void)
{
	struct tdx_version a = { 1, 5, 8 }, b = { 1, 5, 16 }, c = { 2, 0, 2 }, d = { 1, 5, 8 };
	char buf[TDX_VERSION_STRLEN];

	CHECK_INT(tdx_version_cmp(&a, &b), -1);
	CHECK_INT(tdx_version_cmp(&b, &a), 1);
	CHECK_INT(tdx_version_cmp(&a, &d), 0);
	CHECK_INT(tdx_version_cmp(&b, &c), -1);
	CHECK_INT(tdx_version_cmp(&(struct tdx_version){ 1, 6, 0 }, &b), 1);
	CHECK(tdx_version_same_line(&a, &b));
	CHECK(!tdx_version_same_line(&a, &c));
	CHECK(!tdx_version_same_line(&a, &(struct tdx_version){ 1, 4, 8 }));
	CHECK_STR(tdx_version_format(&a, buf, sizeof(buf)), "1.5.08");
	CHECK_STR(tdx_version_format(&b, buf, sizeof(buf)), "1.5.16");
	CHECK_STR(tdx_version_format(&c, buf, sizeof(buf)), "2.0.02");
	CHECK_STR(tdx_version_format(&(struct tdx_version){ 255, 255, 65535 }, buf, sizeof(buf)),
		  "255.255.65535");
	CHECK_STR(tdx_version_format(&(struct tdx_version){ 1, 5, 100 }, buf, sizeof(buf)),
		  "1.5.100");
}

static void test_filename(void)
{
	static const struct { const char *s; int rc; unsigned int ma, mi, up; } cases[] = {
		{ "tdx_module_1.5.08.blob", 0, 1, 5, 8 },
		{ "/a/b/tdx_module_2.0.02.bin", 0, 2, 0, 2 },
		{ "separate/tdx_module_1.5.16.sigstruct", 0, 1, 5, 16 },
		{ "tdx_module_1.5.08", 0, 1, 5, 8 },
		{ "tdx_module_1.5.08.", 0, 1, 5, 8 },
		{ "dir.tdx_module_1.5.08/x.blob", -ENOENT, 0, 0, 0 },
		{ "tdx_module_1.5.blob", -ENOENT, 0, 0, 0 },
		{ "tdx_module_1.5.08-rc1.blob", -ENOENT, 0, 0, 0 },
		{ "tdx_module_1.5.08x", -ENOENT, 0, 0, 0 },
		{ "module_1.5.08.blob", -ENOENT, 0, 0, 0 },
		{ "my_tdx_module_1.5.08.blob", -ENOENT, 0, 0, 0 },
		{ "tdx_module_256.5.08.blob", -ENOENT, 0, 0, 0 },
		{ "tdx_module_1.5.08/", -ENOENT, 0, 0, 0 },
		{ "", -ENOENT, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tdx_version v = { 0 };
		int rc = tdx_version_from_filename(cases[i].s, &v);

		if (!CHECK_INT(rc, cases[i].rc))
			fprintf(stderr, "  input \"%s\"\n", cases[i].s);
		if (cases[i].rc == 0)
			CHECK(v.major == cases[i].ma && v.minor == cases[i].mi &&
			      v.update == cases[i].up);
	}
}

int main(void)
{
	test_parse();
	test_cmp_format();
	test_filename();
	return test_finish();
}
