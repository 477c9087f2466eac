// SPDX-License-Identifier: GPL-2.0-only
/*
 * A module version's SVN (tdx-launch.h): from the history's record of its install (pure), else
 * from a verified release of that version (Intel's binaries, when present), else unknown.
 */
#include <json-c/json.h>
#include <unistd.h>

#include "test.h"
#include "tdx-launch.h"

/* Intel's tdx_module_1.5.16.blob: its sigstruct's svn_major and svn_minor (not its update) */
#define TEST_SVN_1_5_16_MAJOR	1
#define TEST_SVN_1_5_16_MINOR	11

#define INSTALL(time, old, new, maj, min)							\
	"{\"time\":\"" time "\",\"command\":\"update\",\"kind\":\"update\",\"old_version\":\"" old \
	"\",\"new_version\":\"" new "\",\"image_version\":\"" new "\",\"outcome\":\"ok\","	\
	"\"uploaded\":true,\"exit_code\":0,\"image_svn_major\":" #maj ",\"image_svn_minor\":"	\
	#min "}"

static struct json_object *records(const char *const *lines, size_t n)
{
	struct json_object *all = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(all, json_tokener_parse(lines[i]));
	return all;
}

static int from(const char *const *lines, size_t n, const char *version, bool last_only,
		struct tdx_module_svn *out)
{
	struct json_object *r = records(lines, n);
	struct tdx_version v;
	int rc;

	if (tdx_version_parse(version, &v) < 0)
		return -EINVAL;
	rc = tdx_module_svn_from_history(r, &v, last_only, out);
	json_object_put(r);
	return rc;
}

#define FROM(arr, ver, last, out) from(arr, sizeof(arr) / sizeof(arr[0]), ver, last, out)

static void test_history(void)
{
	static const char *const lines[] = {
		INSTALL("2026-12-01T10:00:00Z", "1.5.06", "1.5.08", 1, 8),
		/* rejected, dry run, uploaded false: not installs */
		"{\"time\":\"2026-12-01T11:00:00Z\",\"kind\":\"update\",\"new_version\":\"1.5.13\","
		"\"image_version\":\"1.5.13\",\"outcome\":\"rejected\",\"uploaded\":true,"
		"\"image_svn_major\":1,\"image_svn_minor\":13}",
		"{\"time\":\"2026-12-01T12:00:00Z\",\"command\":\"update --dry-run\","
		"\"new_version\":\"1.5.13\",\"image_version\":\"1.5.13\",\"outcome\":\"ok\","
		"\"uploaded\":true,\"image_svn_major\":1,\"image_svn_minor\":13}",
		"{\"time\":\"2026-12-01T13:00:00Z\",\"kind\":\"update\",\"new_version\":\"1.5.13\","
		"\"image_version\":\"1.5.13\",\"outcome\":\"ok\",\"uploaded\":false,"
		"\"image_svn_major\":1,\"image_svn_minor\":13}",
	};
	struct tdx_module_svn s;

	CHECK_INT(FROM(lines, "1.5.08", true, &s), 0);
	CHECK_INT(s.source, TDX_SVN_HISTORY);
	CHECK_INT(s.major, 1);
	CHECK_INT(s.minor, 8);
	CHECK_STR(s.evidence, "2026-12-01T10:00:00Z");
	CHECK_STR(tdx_svn_source_name(s.source), "history");
	/* 1.5.13 was never installed: unknown, never the rejected or dry run's SVN */
	CHECK_INT(FROM(lines, "1.5.13", false, &s), -ENOENT);
	CHECK_INT(s.source, TDX_SVN_UNKNOWN);
	CHECK_INT(s.minor, 0);
	CHECK_STR(s.evidence, "");
	CHECK_STR(tdx_svn_source_name(s.source), "unknown");
}

static void test_last_only(void)
{
	static const char *const lines[] = {
		INSTALL("2026-12-01T10:00:00Z", "1.5.06", "1.5.08", 1, 8),
		INSTALL("2026-12-02T10:00:00Z", "1.5.08", "1.5.13", 1, 13),
	};
	struct tdx_module_svn s;

	/* Running 1.5.08 after 1.5.13 was installed: a reboot loaded it, not the history */
	CHECK_INT(FROM(lines, "1.5.08", true, &s), -ENOENT);
	CHECK_INT(s.source, TDX_SVN_UNKNOWN);
	/* A launch under 1.5.08: the newest install of that version says */
	CHECK_INT(FROM(lines, "1.5.08", false, &s), 0);
	CHECK_INT(s.minor, 8);
	CHECK_INT(FROM(lines, "1.5.13", true, &s), 0);
	CHECK_INT(s.minor, 13);
	CHECK_STR(s.evidence, "2026-12-02T10:00:00Z");
}

static void test_old_records(void)
{
	/* Records written before the SVN fields, and damaged ones: parse, but no SVN */
	static const char *const lines[] = {
		INSTALL("2026-11-01T10:00:00Z", "1.5.05", "1.5.06", 1, 6),
		"{\"time\":\"2026-12-01T10:00:00Z\",\"command\":\"update\",\"old_version\":\"1.5.06\","
		"\"new_version\":\"1.5.06\",\"image_version\":\"1.5.06\",\"outcome\":\"ok\","
		"\"uploaded\":true}",
	};
	static const char *const bad[] = {
		"{\"kind\":\"update\",\"new_version\":\"1.5.08\",\"image_version\":\"1.5.08\","
		"\"outcome\":\"ok\",\"uploaded\":true,\"image_svn_major\":1,\"image_svn_minor\":256}",
		"{\"kind\":\"update\",\"new_version\":\"1.5.09\",\"image_version\":\"1.5.08\","
		"\"outcome\":\"ok\",\"uploaded\":true,\"image_svn_major\":1,\"image_svn_minor\":9}",
		"{\"kind\":\"update\",\"new_version\":\"1.5.08\",\"image_version\":\"1.5.08\","
		"\"outcome\":\"ok\",\"uploaded\":true,\"image_svn_major\":\"1\",\"image_svn_minor\":8}",
		"[1,2]",
	};
	struct tdx_module_svn s;

	/* the last install has no SVN: unknown, not the older record's (last_only) */
	CHECK_INT(FROM(lines, "1.5.06", true, &s), -ENOENT);
	CHECK_INT(s.source, TDX_SVN_UNKNOWN);
	/* any install of 1.5.06: the older one has it */
	CHECK_INT(FROM(lines, "1.5.06", false, &s), 0);
	CHECK_INT(s.minor, 6);
	CHECK_INT(FROM(bad, "1.5.08", false, &s), -ENOENT);
	CHECK_INT(FROM(bad, "1.5.09", false, &s), -ENOENT);
	CHECK_INT(tdx_module_svn_from_history(NULL, &s.version, true, &s), -ENOENT);
}

/* The host half: the history file first, then a verified release of the version. */
static void test_resolve(struct tdx_ctx *ctx, const char *intel)
{
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static const uint8_t other[TDX_SHA384_LEN] = { 1 };
	char hist[4096], path[4200];
	struct tdx_module_svn s;
	struct tdx_version v;
	FILE *f;

	snprintf(hist, sizeof(hist), "%s/test-module-svn.%d.jsonl", tmpdir, (int)getpid());
	f = fopen(hist, "w");
	if (!CHECK(f))
		return;
	fputs(INSTALL("2026-12-01T10:00:00Z", "1.5.06", "1.5.08", 1, 77) "\n", f);
	fclose(f);
	tdx_version_parse("1.5.08", &v);
	CHECK_INT(tdx_module_svn_resolve(ctx, &v, true, hist, "/nonexistent", NULL, &s), 0);
	CHECK_INT(s.source, TDX_SVN_HISTORY);
	CHECK_INT(s.minor, 77);
	tdx_version_parse("1.5.16", &v);
	CHECK_INT(tdx_module_svn_resolve(ctx, &v, true, hist, "/nonexistent", NULL, &s), 0);
	CHECK_INT(s.source, TDX_SVN_UNKNOWN);
	if (intel) {
		/* not in the history: Intel's signed release of 1.5.16 says */
		CHECK_INT(tdx_module_svn_resolve(ctx, &v, true, hist, intel, NULL, &s), 0);
		CHECK_INT(s.source, TDX_SVN_RELEASE);
		CHECK_STR(tdx_svn_source_name(s.source), "release");
		CHECK_INT(s.major, TEST_SVN_1_5_16_MAJOR);
		CHECK_INT(s.minor, TEST_SVN_1_5_16_MINOR);
		snprintf(path, sizeof(path), "%s/joined_files/1.5/tdx_module_1.5.16.blob", intel);
		CHECK_STR(s.evidence, path);
		/* a release that does not verify with the key given is no evidence */
		CHECK_INT(tdx_module_svn_resolve(ctx, &v, true, hist, intel, other, &s), 0);
		CHECK_INT(s.source, TDX_SVN_UNKNOWN);
		/* the history wins over the release */
		tdx_version_parse("1.5.08", &v);
		CHECK_INT(tdx_module_svn_resolve(ctx, &v, true, hist, intel, NULL, &s), 0);
		CHECK_INT(s.source, TDX_SVN_HISTORY);
		/* a version of which there is neither */
		tdx_version_parse("1.5.99", &v);
		CHECK_INT(tdx_module_svn_resolve(ctx, &v, true, hist, intel, NULL, &s), 0);
		CHECK_INT(s.source, TDX_SVN_UNKNOWN);
	} else {
		printf("SKIP: the release half (Intel's binaries not found)\n");
	}
	unlink(hist);
}

int main(void)
{
	const char *src = getenv("TDXCTL_SOURCE_ROOT");
	char intel[4096];
	struct tdx_ctx *ctx;
	struct stat st;

	test_history();
	test_last_only();
	test_old_records();
	snprintf(intel, sizeof(intel), "%s", getenv("TDXCTL_INTEL_BINARIES") ?
		 getenv("TDXCTL_INTEL_BINARIES") : "");
	if (!intel[0] && src)
		snprintf(intel, sizeof(intel), "%s/../shared/intel-tdx-module-binaries", src);
	if (CHECK(tdx_ctx_new(&ctx) == 0)) {
		test_resolve(ctx, stat(intel, &st) == 0 && S_ISDIR(st.st_mode) ? intel : NULL);
		tdx_ctx_free(ctx);
	}
	return test_finish();
}
