// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel's mapping_file.json: the real file (read from the Intel binaries folder, never copied
 * into the repository), malformed files, and finding the file beside an image.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "libtdxctl.h"

static int passed, failed;

#define CHECK(cond, ...)								\
	do {										\
		if (cond) {								\
			passed++;							\
		} else {								\
			failed++;							\
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);	\
			fprintf(stderr, __VA_ARGS__);					\
			fputc('\n', stderr);						\
		}									\
	} while (0)

/* The last error logged through the context, so tests can check that it names entry and key. */
static char last_log[512];

static void log_capture(struct tdx_ctx *ctx, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
	__attribute__((format(printf, 6, 0)));

static void log_capture(struct tdx_ctx *ctx, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	(void)ctx, (void)priority, (void)file, (void)line, (void)fn;
	vsnprintf(last_log, sizeof(last_log), format, args);
}

static const char *intel_dir(void)
{
	static char buf[4096];
	const char *env = getenv("TDXCTL_INTEL_BINARIES");

	const char *root = getenv("TDXCTL_SOURCE_ROOT");	/* set by meson test */

	if (env && *env)
		return env;
	snprintf(buf, sizeof(buf), "%s/../shared/intel-tdx-module-binaries",
		 root && *root ? root : ".");
	return buf;
}

static bool vereq(const struct tdx_version *v, unsigned int a, unsigned int b, unsigned int c)
{
	return v->major == a && v->minor == b && v->update == c;
}

/* ---- Intel's real file ---------------------------------------------------------------------- */

static const struct {
	const char *version;
	const char *min;
	const char *seamldr[2];
	uint64_t features0;
} intel_expected[] = {
	{ "1.5.01", "1.5.01", { "1.5.00", NULL }, 0xF0FBFull },
	{ "1.5.05", "1.5.01", { "1.5.00", "2.0.00" }, 0x61F0FBFull },
	{ "1.5.06", "1.5.01", { "1.5.00", "2.0.00" }, 0x2E1F0FBFull },
	{ "1.5.08", "1.5.01", { "1.5.00", "2.0.00" }, 0x22E1F0FBFull },
	{ "1.5.09", "1.5.01", { "1.5.00", "2.0.00" }, 0x26F1F0FBFull },
	{ "1.5.13", "1.5.01", { "1.5.00", "2.0.00" }, 0x226F1F0FBFull },
	{ "1.5.16", "1.5.01", { "1.5.00", "2.0.00" }, 0x226F3F0FBFull },
	{ "2.0.02", "2.0.02", { "2.0.00", NULL }, 0x22E1F0FBFull },
	{ "2.0.04", "2.0.04", { "2.0.00", NULL }, 0x12AF1F0FBFull },
	{ "2.0.05", "2.0.04", { "2.0.00", NULL }, 0x226F3F0FBFull },
	{ "2.0.08", "2.0.04", { "2.0.00", NULL }, 0x32A71F0FBFull },
};

/* The refusal of the last open_from(). */
static struct tdx_mapping_refusal last_refusal;

/* tdx_mapping_open() from one source; the file it chose, if any, in *@found (to be freed). */
static int open_from(struct tdx_ctx *ctx, const char *path, const char *dir, const char *image,
		     struct tdx_mapping **m, char **found)
{
	struct tdx_mapping_source src = { .path = path, .dir = dir, .image = image };

	return tdx_mapping_open(ctx, &src, m, found, &last_refusal);
}

static void test_intel(struct tdx_ctx *ctx, const char *dir)
{
	const struct tdx_release_info *r;
	struct tdx_mapping *m = NULL;
	struct tdx_version v;
	char path[4200], *found = NULL;
	char buf[TDX_VERSION_STRLEN];
	int rc;

	snprintf(path, sizeof(path), "%s/mapping_file.json", dir);
	rc = open_from(ctx, path, NULL, NULL, &m, &found);
	CHECK(rc == 0 && found && strcmp(found, path) == 0, "load %s: %d (%s)", path, rc,
	      last_log);
	free(found);
	found = NULL;
	if (rc < 0)
		return;
	CHECK(tdx_mapping_count(m) == 11, "count %zu", tdx_mapping_count(m));
	for (size_t i = 0; i < sizeof(intel_expected) / sizeof(intel_expected[0]); i++) {
		const typeof(intel_expected[0]) *e = &intel_expected[i];
		size_t n = e->seamldr[1] ? 2 : 1;

		r = tdx_mapping_get(m, i);
		CHECK(r != NULL, "entry %zu", i);
		if (!r)
			continue;
		tdx_version_format(&r->version, buf, sizeof(buf));
		CHECK(strcmp(buf, e->version) == 0, "entry %zu: version %s, expected %s", i, buf,
		      e->version);
		tdx_version_format(&r->min_running, buf, sizeof(buf));
		CHECK(strcmp(buf, e->min) == 0, "%s: min %s, expected %s", e->version, buf, e->min);
		CHECK(r->n_min_seamldr == n, "%s: %zu seamldr entries", e->version, r->n_min_seamldr);
		for (size_t j = 0; j < n && j < r->n_min_seamldr; j++) {
			tdx_version_format(&r->min_seamldr[j], buf, sizeof(buf));
			CHECK(strcmp(buf, e->seamldr[j]) == 0, "%s: seamldr[%zu] %s, expected %s",
			      e->version, j, buf, e->seamldr[j]);
		}
		CHECK(r->features0 == e->features0, "%s: features0 0x%llX", e->version,
		      (unsigned long long)r->features0);
		CHECK(r->features0 & TDX_FEATURES0_TD_PRESERVING, "%s: TD-preserving bit",
		      e->version);
		CHECK(!(r->features0 & TDX_FEATURES0_UPDATE_BUSY), "%s: bit 47", e->version);
		CHECK(tdx_mapping_find(m, &r->version) == r, "%s: find", e->version);
	}

	/* The brief's example, by lookup rather than position. */
	tdx_version_parse("1.5.16", &v);
	r = tdx_mapping_find(m, &v);
	CHECK(r && vereq(&r->min_running, 1, 5, 1) && r->n_min_seamldr == 2 &&
	      vereq(&r->min_seamldr[0], 1, 5, 0) && vereq(&r->min_seamldr[1], 2, 0, 0),
	      "1.5.16 entry");
	tdx_version_parse("1.5.17", &v);
	CHECK(tdx_mapping_find(m, &v) == NULL, "1.5.17 is not listed");
	CHECK(tdx_mapping_get(m, 11) == NULL, "out of range");
	tdx_mapping_free(m);

	/*
	 * Issue 16: only beside the image, never from a parent folder (Intel's layout puts it two
	 * and three folders up: --mapping names it then).
	 */
	snprintf(path, sizeof(path), "%s/joined_files/1.5/tdx_module_1.5.16.blob", dir);
	rc = open_from(ctx, NULL, NULL, path, &m, &found);
	CHECK(rc == 0 && !found && !m, "not from a blob two folders down: %d", rc);
	free(found);
	found = NULL;
	rc = open_from(ctx, NULL, dir, NULL, &m, &found);
	CHECK(rc == 0 && found && tdx_mapping_count(m) == 11, "found in the folder: %d", rc);
	tdx_mapping_free(m);
	if (found) {
		char *real = realpath(dir, NULL);
		char want[4200];

		snprintf(want, sizeof(want), "%s/mapping_file.json", real ? real : dir);
		CHECK(strcmp(found, want) == 0, "located %s, expected %s", found, want);
		free(real);
	}
	free(found);
}

/* ---- malformed files ------------------------------------------------------------------------ */

#include "mapping-cases.h"

static void test_malformed(struct tdx_ctx *ctx)
{
	struct tdx_mapping_refusal why;

	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		struct tdx_mapping *m = (struct tdx_mapping *)&m;	/* must be reset to NULL */
		int rc;

		rc = tdx_mapping_parse(ctx, malformed[i].json, strlen(malformed[i].json), &m, &why);
		CHECK(rc == -EINVAL, "%s: rc %d", malformed[i].name, rc);
		CHECK(m == NULL, "%s: mapping not reset", malformed[i].name);
		CHECK(why.fault == malformed[i].fault, "%s: fault %d, expected %d",
		      malformed[i].name, why.fault, malformed[i].fault);
		/* @why may be NULL. */
		rc = tdx_mapping_parse(ctx, malformed[i].json, strlen(malformed[i].json), &m, NULL);
		CHECK(rc == -EINVAL && !m, "%s: without why", malformed[i].name);
		if (rc == 0)
			tdx_mapping_free(m);
	}

	/* The facts of a few, field by field (their words: tests/cli/test-mapping-words.c). */
	{
		static const char j[] = FILE_OF(GOOD_ENTRY ", " ENTRY("\"1.5.17\"", "\"1.5.01\"",
						  "[ \"1.5.00\" ]", "1"));
		struct tdx_mapping *m = NULL;

		CHECK(tdx_mapping_parse(ctx, j, sizeof(j) - 1, &m, &why) == -EINVAL, "entry 1");
		CHECK(why.fault == TDX_MAPPING_FAULT_TYPE && why.entry == 1 &&
		      strcmp(why.version, "1.5.17") == 0 && strcmp(why.key, "tdx_feature0") == 0 &&
		      why.item == -1 && why.found == TDX_JSON_KIND_INTEGER &&
		      why.expected == TDX_JSON_KIND_STRING, "entry 1's tdx_feature0: the facts");
	}
	{
		static const char j[] = FILE_OF(ENTRY("\"1.5.16\"", "\"1.5.01\"",
						      "[ \"1.5.00\", \"2.0\" ]", "\"0x1\""));
		struct tdx_mapping *m = NULL;

		CHECK(tdx_mapping_parse(ctx, j, sizeof(j) - 1, &m, &why) == -EINVAL, "seamldr[1]");
		CHECK(why.fault == TDX_MAPPING_FAULT_VERSION && why.entry == 0 &&
		      strcmp(why.key, "min_seamldr_versions") == 0 && why.item == 1 &&
		      strcmp(why.value, "2.0") == 0, "seamldr[1]: the facts");
	}
	{
		static const char j[] = FILE_OF(GOOD_ENTRY ", " GOOD_ENTRY);
		struct tdx_mapping *m = NULL;

		CHECK(tdx_mapping_parse(ctx, j, sizeof(j) - 1, &m, &why) == -EINVAL, "duplicate");
		CHECK(why.fault == TDX_MAPPING_FAULT_DUPLICATE && why.entry == 1 &&
		      why.number == 0 && strcmp(why.value, "1.5.16") == 0, "duplicate: the facts");
	}
	{
		static const char j[] = "{ \"tdx_module_releases\": [ ] } x";
		struct tdx_mapping *m = NULL;

		CHECK(tdx_mapping_parse(ctx, j, sizeof(j) - 1, &m, &why) == -EINVAL, "trailing");
		CHECK(why.fault == TDX_MAPPING_FAULT_TRAILING && why.number == 31 &&
		      why.entry == -1 && !why.key, "trailing: the facts (byte %llu)", why.number);
	}
	/* A version longer than the fact holds is cut, not overrun. */
	{
		static const char j[] = FILE_OF(ENTRY("\"1.5.16.1234567890123456789\"",
						      "\"1.5.01\"", "[ \"1.5.00\" ]", "\"0x1\""));
		struct tdx_mapping *m = NULL;

		CHECK(tdx_mapping_parse(ctx, j, sizeof(j) - 1, &m, &why) == -EINVAL, "long");
		CHECK(strcmp(why.version, "1.5.16.1234567890123") == 0 &&
		      strcmp(why.value, "1.5.16.1234567890123456789") == 0, "long: cut at 20");
	}

	/* A NUL inside the text, and a NULL buffer. */
	{
		static const char nul[] = "{ \"tdx_module_releases\": [ ] }\0 ";
		struct tdx_mapping *m = NULL;

		CHECK(tdx_mapping_parse(ctx, nul, sizeof(nul) - 1, &m, &why) == -EINVAL &&
		      why.fault == TDX_MAPPING_FAULT_NUL_BYTE, "NUL byte");
		CHECK(tdx_mapping_parse(ctx, NULL, 5, &m, &why) == -EINVAL &&
		      why.fault == TDX_MAPPING_FAULT_EMPTY, "NULL text");
	}
}

/* Unknown keys are ignored; the header is optional; values need not be padded. */
static void test_good_synthetic(struct tdx_ctx *ctx)
{
	static const char json[] =
		"{ \"future\": [ 1, 2 ], \"tdx_module_releases\": [ "
		"{ \"version\": \"1.6.3\", \"min_module_version_for_td_preserving\": \"1.6.01\", "
		"  \"min_seamldr_versions\": [ \"1.6.00\" ], \"tdx_feature0\": \"0xffffffffffffffff\", "
		"  \"notes\": { \"x\": null } } ] }\n";
	struct tdx_mapping_refusal why = { .fault = TDX_MAPPING_FAULT_EMPTY };
	struct tdx_mapping *m = NULL;
	const struct tdx_release_info *r;
	int rc;

	rc = tdx_mapping_parse(ctx, json, sizeof(json) - 1, &m, &why);
	CHECK(rc == 0, "synthetic: %d (%s)", rc, last_log);
	CHECK(why.fault == TDX_MAPPING_FAULT_NONE && why.entry == -1, "synthetic: no refusal");
	if (rc < 0)
		return;
	CHECK(tdx_mapping_count(m) == 1, "count");
	r = tdx_mapping_get(m, 0);
	CHECK(vereq(&r->version, 1, 6, 3) && vereq(&r->min_running, 1, 6, 1) &&
	      r->n_min_seamldr == 1 && vereq(&r->min_seamldr[0], 1, 6, 0) &&
	      r->features0 == UINT64_MAX, "synthetic values");
	tdx_mapping_free(m);
	CHECK(tdx_mapping_count(NULL) == 0 && tdx_mapping_get(NULL, 0) == NULL, "NULL mapping");
}

/* ---- finding and opening the file ---------------------------------------------------------------------- */

static int touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs("{}", f);
	return fclose(f) ? -errno : 0;
}

static void test_locate(struct tdx_ctx *ctx)
{
	char tmpl[] = "/tmp/tdxctl-test-mapping.XXXXXX";
	char *top = mkdtemp(tmpl), *found = NULL, *real;
	char path[512], want[512], cwd[512];
	const struct tdx_trust_refusal *t;
	struct tdx_mapping *m = NULL;
	int rc;

	CHECK(top != NULL, "mkdtemp");
	if (!top)
		return;
	real = realpath(top, NULL);
	snprintf(path, sizeof(path), "%s/a", top);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/a/b", top);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/a/b/c", top);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/a/b/c/d", top);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/a/b/c/d/e", top);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/a/mapping_file.json", top);
	CHECK(touch(path) == 0, "create %s", path);
	snprintf(want, sizeof(want), "%s/a/mapping_file.json", real);

	/* Issue 16, finding 4: one level up (or four) is not searched any more. */
	snprintf(path, sizeof(path), "%s/a/b/x.blob", top);
	rc = open_from(ctx, NULL, NULL, path, &m, &found);
	CHECK(rc == 0 && !found && !m, "1 level: %d", rc);
	snprintf(path, sizeof(path), "%s/a/b/c/d/e/x.blob", top);
	rc = open_from(ctx, NULL, NULL, path, &m, &found);
	CHECK(rc == 0 && !found && !m, "4 levels: %d", rc);
	snprintf(path, sizeof(path), "%s/a/b", top);
	rc = open_from(ctx, NULL, path, NULL, &m, &found);
	CHECK(rc == 0 && !found && !m, "folder of releases: not its parent's: %d", rc);

	/* Beside the image: found ("{}" is a mapping file without releases: unusable). */
	snprintf(path, sizeof(path), "%s/a/x.blob", top);
	rc = open_from(ctx, NULL, NULL, path, &m, &found);
	CHECK(rc == -EINVAL && found && strcmp(found, want) == 0 && !m, "beside: %d", rc);
	CHECK(tdx_mapping_open_outcome(rc) == TDX_OUTCOME_INPUT, "unusable: an input error");
	free(found);
	found = NULL;
	/* In the folder of releases, by its canonical path. */
	snprintf(path, sizeof(path), "%s/a/b/..", top);
	rc = open_from(ctx, NULL, path, NULL, &m, &found);
	CHECK(rc == -EINVAL && found && strcmp(found, want) == 0, "in DIR: %d", rc);
	free(found);
	found = NULL;

	/* A folder of that name is not a mapping file. */
	snprintf(path, sizeof(path), "%s/a/b/mapping_file.json", top);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/a/b/x.blob", top);
	rc = open_from(ctx, NULL, NULL, path, &m, &found);
	CHECK(rc == 0 && !found, "folder named mapping_file.json: %d", rc);

	/* A relative image path. */
	if (getcwd(cwd, sizeof(cwd))) {
		snprintf(path, sizeof(path), "%s/a", top);
		if (chdir(path) == 0) {
			rc = open_from(ctx, NULL, NULL, "x.blob", &m, &found);
			CHECK(rc == -EINVAL && found && strcmp(found, want) == 0, "relative: %d",
			      rc);
			free(found);
			found = NULL;
			CHECK(chdir(cwd) == 0, "chdir back");
		}
	}

	/* Image folder missing, nothing to look in: none, not an error. */
	snprintf(path, sizeof(path), "%s/nope/x.blob", top);
	CHECK(open_from(ctx, NULL, NULL, path, &m, &found) == 0 && !found, "missing folder");
	CHECK(open_from(ctx, NULL, NULL, "", &m, &found) == 0 && !found, "empty path");
	CHECK(open_from(ctx, NULL, NULL, NULL, &m, &found) == 0 && !found, "no source");

	/* Named: a missing file keeps its errno; "{}" is a mapping file without releases. */
	snprintf(path, sizeof(path), "%s/a/none.json", top);
	rc = open_from(ctx, path, NULL, NULL, &m, &found);
	CHECK(rc == -ENOENT && !m && found && strcmp(found, path) == 0, "named, missing");
	CHECK(tdx_mapping_open_outcome(rc) == TDX_OUTCOME_INPUT, "missing: an input error");
	free(found);
	snprintf(path, sizeof(path), "%s/a/mapping_file.json", top);
	CHECK(open_from(ctx, path, NULL, NULL, &m, &found) == -EINVAL && !m, "load {}");
	CHECK(last_refusal.fault == TDX_MAPPING_FAULT_MISSING &&
	      strcmp(last_refusal.key, "tdx_module_releases") == 0, "load {}: why");
	free(found);

	/* Trusted only like ssh's files: root's (or the caller's), writable by nobody else. */
	CHECK(chmod(path, 0666) == 0, "chmod file");
	CHECK(open_from(ctx, path, NULL, NULL, &m, &found) == -EPERM && !m,
	      "world-writable file refused");
	free(found);
	/* Why, as a fact (the real path, the file's mode): the front end words it. */
	t = tdx_ctx_trust_refusal(ctx);
	CHECK(t->fault == TDX_TRUST_FAULT_WRITABLE && !t->folder && t->by_all && t->mode == 0666 &&
	      t->uid == (unsigned int)geteuid() && t->path && strcmp(t->path, want) == 0,
	      "world-writable: the fact (fault %d, folder %d, mode %04o, path %s)", t->fault,
	      t->folder, t->mode, t->path ? t->path : "(null)");
	CHECK(chmod(path, 0664) == 0, "chmod file");
	CHECK(open_from(ctx, path, NULL, NULL, &m, &found) == -EPERM && !m,
	      "group-writable file refused");
	free(found);
	t = tdx_ctx_trust_refusal(ctx);
	CHECK(t->fault == TDX_TRUST_FAULT_WRITABLE && !t->folder && !t->by_all && t->mode == 0664,
	      "group-writable: the fact");
	CHECK(chmod(path, 0644) == 0, "chmod file");
	snprintf(cwd, sizeof(cwd), "%s/a", top);
	CHECK(chmod(cwd, 01777) == 0, "chmod folder");
	CHECK(open_from(ctx, path, NULL, NULL, &m, &found) == -EPERM && !m,
	      "file in a sticky /tmp-like folder");
	free(found);
	t = tdx_ctx_trust_refusal(ctx);
	CHECK(t->fault == TDX_TRUST_FAULT_WRITABLE && t->folder && t->by_all && t->mode == 01777 &&
	      t->path && strcmp(t->path, want) == 0, "sticky folder: the fact is the folder's");
	/* The same file found rather than named: the same check. */
	rc = open_from(ctx, NULL, cwd, NULL, &m, &found);
	CHECK(rc == -EPERM && !m && found && strcmp(found, want) == 0, "found, not trusted");
	CHECK(tdx_mapping_open_outcome(rc) == TDX_OUTCOME_INPUT, "untrusted: an input error");
	free(found);
	CHECK(chmod(cwd, 0700) == 0, "chmod folder");
	if (geteuid() == 0) {
		CHECK(chown(path, 65534, (gid_t)-1) == 0, "chown file");
		CHECK(open_from(ctx, path, NULL, NULL, &m, &found) == -EPERM && !m,
		      "another user's file refused");
		free(found);
		t = tdx_ctx_trust_refusal(ctx);
		CHECK(t->fault == TDX_TRUST_FAULT_OWNER && !t->folder && t->uid == 65534,
		      "another user's file: the fact");
		CHECK(chown(path, 0, (gid_t)-1) == 0, "chown file");
	}
	CHECK(open_from(ctx, path, NULL, NULL, &m, &found) == -EINVAL && !m,
	      "root's 0644 file is read");
	free(found);
	CHECK(tdx_ctx_trust_refusal(ctx)->fault == TDX_TRUST_FAULT_NONE &&
	      !tdx_ctx_trust_refusal(ctx)->path, "a trusted file clears the refusal");
	CHECK(tdx_ctx_trust_refusal(NULL)->fault == TDX_TRUST_FAULT_NONE, "no context: none");
	CHECK(tdx_mapping_open_outcome(-ENOMEM) == TDX_OUTCOME_FAILED, "no memory: 1");
	CHECK(tdx_mapping_open_outcome(0) == TDX_OUTCOME_OK, "0: ok");
	snprintf(path, sizeof(path), "rm -rf '%s'", top);
	CHECK(system(path) == 0, "cleanup");
	free(real);
}

int main(void)
{
	const char *dir = intel_dir();
	struct tdx_ctx *ctx;
	struct stat st;
	bool have_intel;
	char path[4200];

	if (tdx_ctx_new(&ctx) < 0)
		return 1;
	tdx_ctx_set_log_fn(ctx, log_capture);
	tdx_ctx_set_log_priority(ctx, LOG_ERR);

	test_good_synthetic(ctx);
	test_malformed(ctx);
	test_locate(ctx);

	snprintf(path, sizeof(path), "%s/mapping_file.json", dir);
	have_intel = stat(path, &st) == 0;
	if (have_intel)
		test_intel(ctx, dir);
	else if (getenv("TDXCTL_REQUIRE_INTEL") && strcmp(getenv("TDXCTL_REQUIRE_INTEL"), "1") == 0)
		CHECK(have_intel, "Intel's files are required (TDXCTL_REQUIRE_INTEL=1): %s", path);

	tdx_ctx_free(ctx);
	printf("%d passed, %d failed\n", passed, failed);
	if (failed)
		return 1;
	if (!have_intel) {
		printf("SKIP: Intel's mapping file not found at %s (set TDXCTL_INTEL_BINARIES); "
		       "the tests of Intel's real file did not run\n", path);
		return 77;
	}
	return 0;
}
