// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compatibility rules (compatibility.md §2), labels, and choosing the newest installable release:
 * synthetic sigstructs and host facts for each rule, then Intel's real folder (read in place from
 * the Intel binaries folder, never copied into the repository) with synthetic hosts.
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
#include "facts.h"

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

static struct tdx_version ver(const char *s)
{
	struct tdx_version v = { 0, 0, 0 };

	if (tdx_version_parse(s, &v) < 0) {
		fprintf(stderr, "bad version in test: %s\n", s);
		abort();
	}
	return v;
}

/* ---- synthetic inputs ----------------------------------------------------------------------- */

/* A production 1.5.x-like sigstruct: CPUs 0x806F0, 0xC06F0, 0xA06F0; SVN 1.5. */
static void sig_init(struct tdx_sigstruct *sig)
{
	memset(sig, 0, sizeof(*sig));
	sig->header_type = 6;
	sig->module_vendor = 0x8086;
	sig->svn_major = 1;
	sig->svn_minor = 5;
	sig->cpuid_table_size = 3;
	sig->cpuid_table[0] = 0x806F0;
	sig->cpuid_table[1] = 0xC06F0;
	sig->cpuid_table[2] = 0xA06F0;
}

static struct tdx_release_info release_of(const char *v, const char *min, const char *s0,
					  const char *s1)
{
	struct tdx_release_info r;

	memset(&r, 0, sizeof(r));
	r.version = ver(v);
	r.min_running = ver(min);
	r.min_seamldr[0] = ver(s0);
	r.n_min_seamldr = 1;
	if (s1) {
		r.min_seamldr[1] = ver(s1);
		r.n_min_seamldr = 2;
	}
	r.features0 = 0x226F3F0FBFull;
	return r;
}

static struct tdx_host_facts host_default(void)
{
	struct tdx_host_facts h;

	memset(&h, 0, sizeof(h));
	h.have_running = true;
	h.running = ver("1.5.08");
	h.have_seamldr = true;
	h.seamldr = ver("1.5.02");
	h.have_cpuid = true;
	h.cpuid_eax = 0x806F8;
	return h;
}

/* One run of the rules; the report is kept for inspection until the next run. */
struct run {
	struct tdx_report *report;
	enum tdx_compat_verdict verdict;
	int rc;
};

static void run_free(struct run *r)
{
	tdx_report_free(r->report);
	r->report = NULL;
}

static struct run run_rules(const struct tdx_host_facts *h, const struct tdx_sigstruct *sig,
			    const char *image, const struct tdx_release_info *rel,
			    const struct tdx_compat_opts *opts)
{
	struct run r = { NULL, TDX_COMPAT_INSTALLABLE, 0 };
	struct tdx_version v;

	if (tdx_report_new(&r.report) < 0)
		abort();
	if (image)
		v = ver(image);
	r.verdict = (enum tdx_compat_verdict)-1;
	r.rc = tdx_compat_check_sigstruct(h, sig, image ? &v : NULL, rel, opts, r.report,
					  &r.verdict);
	return r;
}

/* The name of the first failed check, or "none". */
static const char *first_failure(const struct run *r)
{
	size_t i;

	if (tdx_report_first_failure(r->report, &i) < 0)
		return "none";
	return tdx_check_name(tdx_report_id(r->report, i));
}

/* The first failure's finding and facts (facts.h), or "". */
static const char *first_message(const struct run *r)
{
	size_t i;

	if (tdx_report_first_failure(r->report, &i) < 0)
		return "";
	return test_facts(r->report, i);
}

/* Status of check @name in the report; -1 when it was not recorded. */
static int status_of(const struct run *r, const char *name)
{
	for (size_t i = 0; i < tdx_report_count(r->report); i++)
		if (strcmp(tdx_check_name(tdx_report_id(r->report, i)), name) == 0)
			return (int)tdx_report_status(r->report, i);
	return -1;
}

/* The finding and facts of check @name (facts.h), or "". */
static const char *message_of(const struct run *r, const char *name)
{
	for (size_t i = 0; i < tdx_report_count(r->report); i++)
		if (strcmp(tdx_check_name(tdx_report_id(r->report, i)), name) == 0)
			return test_facts(r->report, i);
	return "";
}

/* The reason for a candidate's label (tdx_candidate_reason), for a failure's message. */
static const char *reason_of(const struct tdx_candidate *c)
{
	size_t i;
	int rc = tdx_candidate_reason(c, &i);

	return rc > 0 ? test_facts(c->report, i) : rc < 0 ? strerror(-rc) : NULL;
}

/* The remedies of check @name in the report; 0 when it was not recorded. */
static unsigned int remedies_of(const struct run *r, const char *name)
{
	for (size_t i = 0; i < tdx_report_count(r->report); i++)
		if (strcmp(tdx_check_name(tdx_report_id(r->report, i)), name) == 0)
			return tdx_report_remedies(r->report, i);
	return 0;
}

/* Expect exactly this first failure (or "none") and verdict; @line is the caller's. */
static void expect_at(const struct run *r, const char *fail, enum tdx_compat_verdict verd,
		      int line)
{
	if (r->rc == 0 && strcmp(first_failure(r), fail) == 0 && r->verdict == verd) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "FAIL %s:%d: rc %d, first failure %s (expected %s), verdict %s "
		"(expected %s): %s\n", __FILE__, line, r->rc, first_failure(r), fail,
		tdx_compat_verdict_name(r->verdict), tdx_compat_verdict_name(verd),
		first_message(r));
}

#define EXPECT(r, fail, verd)	expect_at(&(r), fail, verd, __LINE__)

static const char *const compat_ids[] = {
	"sigstruct.debug", "compat.cpu", "compat.image_version", "compat.line",
	"compat.not_older", "compat.release", "compat.min_running", "compat.seamldr", "compat.svn",
};

static void test_all_pass(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	/* Every rule recorded once, in the documented order. */
	CHECK(tdx_report_count(r.report) == 9, "count %zu", tdx_report_count(r.report));
	for (size_t i = 0; i < 9 && i < tdx_report_count(r.report); i++)
		CHECK(strcmp(tdx_check_name(tdx_report_id(r.report, i)), compat_ids[i]) == 0,
		      "entry %zu is %s, expected %s", i, tdx_check_name(tdx_report_id(r.report, i)),
		      compat_ids[i]);
	for (size_t i = 0; i < 8; i++)
		CHECK(status_of(&r, compat_ids[i]) == TDX_CHECK_PASS, "%s passes", compat_ids[i]);
	CHECK(status_of(&r, "compat.svn") == TDX_CHECK_SKIP, "svn unknown: skip");
	CHECK(strcmp(message_of(&r, "compat.min_running"),
		     "compat.min_running_met running_version=1.5.08 min_running=1.5.01") == 0, "%s", message_of(&r, "compat.min_running"));
	CHECK(strcmp(message_of(&r, "compat.seamldr"),
		     "compat.seamldr_met seamldr_running=1.5.02 seamldr_min=1.5.00 line_major=1 "
		     "line_minor=5 image_version=1.5.16") == 0, "%s", message_of(&r, "compat.seamldr"));
	CHECK(tdx_report_outcome(r.report) == TDX_OUTCOME_OK, "outcome ok");
	run_free(&r);

	/* A NULL report is allowed; the verdict still comes back. */
	{
		enum tdx_compat_verdict v = TDX_COMPAT_INCOMPATIBLE;
		struct tdx_version iv = ver("1.5.16");

		CHECK(tdx_compat_check_sigstruct(&h, &sig, &iv, &rel, &opts, NULL, &v) == 0 &&
		      v == TDX_COMPAT_INSTALLABLE, "NULL report");
		CHECK(tdx_compat_check(&h, NULL, &iv, &rel, &opts, NULL, &v) == 0 &&
		      v == TDX_COMPAT_INSTALLABLE, "no image: rules 5-7 skipped");
	}
}

static void test_rule_line(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("2.0.02", "2.0.02", "2.0.00", NULL);
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	r = run_rules(&h, &sig, "2.0.02", &rel, &opts);
	EXPECT(r, "compat.line", TDX_COMPAT_INCOMPATIBLE);
	CHECK(strcmp(first_message(&r),
		     "compat.line_differs image_version=2.0.02 image_major=2 image_minor=0 "
		     "running_version=1.5.08 running_major=1 running_minor=5") == 0, "%s", first_message(&r));
	/* Rules that compare within a line are not run across lines. */
	CHECK(status_of(&r, "compat.not_older") == TDX_CHECK_SKIP, "not_older skipped");
	CHECK(status_of(&r, "compat.min_running") == TDX_CHECK_SKIP, "min_running skipped");
	CHECK(status_of(&r, "compat.seamldr") == TDX_CHECK_FAIL, "seamldr 1.5.02 cannot load 2.0");
	CHECK(tdx_report_outcome(r.report) == TDX_OUTCOME_UNAVAILABLE, "outcome unavailable");
	run_free(&r);

	/* Same major, other minor. */
	rel = release_of("1.6.00", "1.6.00", "1.5.00", NULL);
	r = run_rules(&h, &sig, "1.6.00", &rel, &opts);
	EXPECT(r, "compat.line", TDX_COMPAT_INCOMPATIBLE);
	run_free(&r);
}

static void test_rule_not_older(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.06", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	r = run_rules(&h, &sig, "1.5.06", &rel, &opts);
	EXPECT(r, "compat.not_older", TDX_COMPAT_INCOMPATIBLE);
	CHECK(strcmp(first_message(&r),
		     "compat.older image_version=1.5.06 running_version=1.5.08") == 0, "%s", first_message(&r));
	run_free(&r);

	/* Reinstall does not allow a downgrade. */
	opts.reinstall = true;
	r = run_rules(&h, &sig, "1.5.06", &rel, &opts);
	EXPECT(r, "compat.not_older", TDX_COMPAT_INCOMPATIBLE);
	run_free(&r);
}

static void test_current_and_reinstall(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.08", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	r = run_rules(&h, &sig, "1.5.08", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_CURRENT);
	/* The library names no option: the front end words the remedy (tdxctl: --reinstall). */
	CHECK(strcmp(message_of(&r, "compat.not_older"),
		     "compat.current image_version=1.5.08") == 0, "%s",
	      message_of(&r, "compat.not_older"));
	CHECK(remedies_of(&r, "compat.not_older") == TDX_REMEDY_REINSTALL, "reinstall remedy");
	run_free(&r);

	opts.reinstall = true;
	r = run_rules(&h, &sig, "1.5.08", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	run_free(&r);

	/* Current but incompatible for another reason: incompatible wins. */
	opts.reinstall = false;
	h.cpuid_eax = 0x906A0;
	r = run_rules(&h, &sig, "1.5.08", &rel, &opts);
	EXPECT(r, "compat.cpu", TDX_COMPAT_INCOMPATIBLE);
	run_free(&r);
}

static void test_rule_release(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	/* A mapping file was given but does not list the image. */
	r = run_rules(&h, &sig, "1.5.17", NULL, &opts);
	EXPECT(r, "compat.release", TDX_COMPAT_INCOMPATIBLE);
	CHECK(strcmp(first_message(&r), "compat.release_unlisted image_version=1.5.17") == 0,
	      "%s", first_message(&r));
	CHECK(status_of(&r, "compat.min_running") == TDX_CHECK_SKIP, "min skipped");
	CHECK(status_of(&r, "compat.seamldr") == TDX_CHECK_SKIP, "seamldr skipped");
	run_free(&r);

	/* No mapping file at all: a warning, rules 3-4 skipped, installable. */
	opts.no_mapping = true;
	r = run_rules(&h, &sig, "1.5.17", NULL, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	CHECK(status_of(&r, "compat.release") == TDX_CHECK_WARN, "release warns");
	CHECK(status_of(&r, "compat.min_running") == TDX_CHECK_SKIP, "min skipped");
	CHECK(strcmp(message_of(&r, "compat.min_running"),
		     "compat.not_checked cause=compat.no_mapping") == 0,
	      "%s", message_of(&r, "compat.min_running"));
	CHECK(status_of(&r, "compat.seamldr") == TDX_CHECK_SKIP, "seamldr skipped");
	run_free(&r);

	/* A release entry for another version is a caller error. */
	{
		struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", NULL);

		opts.no_mapping = false;
		r = run_rules(&h, &sig, "1.5.13", &rel, &opts);
		CHECK(r.rc == -EINVAL, "mismatched release: %d", r.rc);
		run_free(&r);
	}
}

static void test_rule_min_running(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	h.running = ver("1.5.00");
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "compat.min_running", TDX_COMPAT_INCOMPATIBLE);
	CHECK(strcmp(first_message(&r),
		     "compat.below_min_running running_version=1.5.00 min_running=1.5.01") == 0, "%s",
	      first_message(&r));
	run_free(&r);

	/* Exactly the minimum passes. */
	h.running = ver("1.5.01");
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	run_free(&r);

	/* Intel's 2.0.05: needs a running 2.0.04. */
	rel = release_of("2.0.05", "2.0.04", "2.0.00", NULL);
	h.running = ver("2.0.02");
	h.seamldr = ver("2.0.00");
	h.cpuid_eax = 0xA06D0;
	sig.cpuid_table[0] = 0xA06D0;
	r = run_rules(&h, &sig, "2.0.05", &rel, &opts);
	EXPECT(r, "compat.min_running", TDX_COMPAT_INCOMPATIBLE);
	run_free(&r);
	h.running = ver("2.0.04");
	r = run_rules(&h, &sig, "2.0.05", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	run_free(&r);
}

static void test_rule_seamldr(void)
{
	static const struct {
		const char *seamldr;
		bool ok;
	} cases[] = {
		{ "1.5.00", true }, { "1.5.02", true }, { "1.4.99", false }, { "2.0.00", true },
		{ "2.0.07", true }, { "2.1.00", false }, { "3.0.00", false }, { "0.5.00", false },
	};
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h.seamldr = ver(cases[i].seamldr);
		r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
		if (cases[i].ok)
			EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
		else
			EXPECT(r, "compat.seamldr", TDX_COMPAT_INCOMPATIBLE);
		run_free(&r);
	}
	/* The entry's minimums are a list fact: each a record of the version and its line. */
	h.seamldr = ver("1.4.00");
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	CHECK(strcmp(message_of(&r, "compat.release"), "compat.release_listed "
		     "image_version=1.5.16 min_running=1.5.01 "
		     "min_seamldr=[[1.5.00,1,5],[2.0.00,2,0]]") == 0, "%s",
	      message_of(&r, "compat.release"));
	CHECK(strcmp(first_message(&r), "compat.seamldr_cannot_load seamldr_running=1.4.00 "
		     "image_version=1.5.16 min_seamldr=[[1.5.00,1,5],[2.0.00,2,0]]") == 0, "%s",
	      first_message(&r));
	run_free(&r);

	/* The entry's update is a minimum within its line. */
	rel = release_of("1.5.16", "1.5.01", "1.5.03", NULL);
	h.seamldr = ver("1.5.02");
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "compat.seamldr", TDX_COMPAT_INCOMPATIBLE);
	CHECK(strcmp(first_message(&r),
		     "compat.seamldr_cannot_load seamldr_running=1.5.02 image_version=1.5.16 "
		     "min_seamldr=[[1.5.03,1,5]]") == 0, "%s", first_message(&r));
	run_free(&r);
	h.seamldr = ver("1.5.03");
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	run_free(&r);

	/* P-SEAMLDR unknown (not root): skipped, not failed. */
	h.have_seamldr = false;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	CHECK(status_of(&r, "compat.seamldr") == TDX_CHECK_SKIP, "seamldr skipped");
	run_free(&r);
}

static void test_rule_cpu(void)
{
	static const struct {
		uint32_t eax;
		bool ok;
	} cases[] = {
		{ 0x806F8, true }, { 0x806F0, true }, { 0x806FF, true }, { 0xC06F2, true },
		{ 0xA06F1, true }, { 0x806E8, false }, { 0xA06D0, false }, { 0x906F8, false },
		{ 0x1806F8, false },
	};
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h.cpuid_eax = cases[i].eax;
		r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
		if (cases[i].ok)
			EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
		else
			EXPECT(r, "compat.cpu", TDX_COMPAT_INCOMPATIBLE);
		run_free(&r);
	}
	h.cpuid_eax = 0xA06D0;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	CHECK(strcmp(first_message(&r),
		     "compat.cpu_not_listed cpuid_eax=0xA06D0 cpuid_masked=0xA06D0 "
		     "cpuid_table=[0x806F0,0xC06F0,0xA06F0] cpuid_table_total=3") == 0, "%s",
	      first_message(&r));
	run_free(&r);

	/*
	 * A table longer than a list fact holds: its first TDX_FACT_LIST_MAX entries other than 0
	 * listed, and how many there are in all (a 0 entry among them is not one).
	 */
	{
		char want[1024];
		size_t off = (size_t)snprintf(want, sizeof(want), "compat.cpu_not_listed "
					      "cpuid_eax=0xA06D0 cpuid_masked=0xA06D0 cpuid_table=[");

		sig_init(&sig);
		sig.cpuid_table_size = 41;
		for (uint32_t i = 0, n = 0; i < 41; i++) {
			sig.cpuid_table[i] = i == 1 ? 0 : 0x80000 + i * 0x10;
			if (i != 1 && n++ < TDX_FACT_LIST_MAX)
				off += (size_t)snprintf(want + off, sizeof(want) - off, "%s0x%X",
							n > 1 ? "," : "", 0x80000 + i * 0x10);
		}
		snprintf(want + off, sizeof(want) - off, "] cpuid_table_total=40");
		r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
		EXPECT(r, "compat.cpu", TDX_COMPAT_INCOMPATIBLE);
		CHECK(strcmp(first_message(&r), want) == 0, "%s", first_message(&r));
		run_free(&r);
		sig_init(&sig);
	}

	/* The stepping of a table entry is masked too. */
	sig.cpuid_table[0] = 0x806F3;
	h.cpuid_eax = 0x806F8;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	run_free(&r);

	/* Entries past cpuid_table_size do not count. */
	sig_init(&sig);
	sig.cpuid_table_size = 1;
	h.cpuid_eax = 0xC06F0;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "compat.cpu", TDX_COMPAT_INCOMPATIBLE);
	run_free(&r);

	/* CPUID unknown: skipped. */
	h.have_cpuid = false;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	CHECK(status_of(&r, "compat.cpu") == TDX_CHECK_SKIP, "cpu skipped");
	run_free(&r);

	/* The CPU rule comes before the version rules: "not for this CPU" before "older". */
	sig_init(&sig);
	h.have_cpuid = true;
	h.cpuid_eax = 0xA06D0;
	rel = release_of("1.5.06", "1.5.01", "1.5.00", "2.0.00");
	r = run_rules(&h, &sig, "1.5.06", &rel, &opts);
	EXPECT(r, "compat.cpu", TDX_COMPAT_INCOMPATIBLE);
	CHECK(status_of(&r, "compat.not_older") == TDX_CHECK_FAIL, "older also recorded");
	CHECK(tdx_report_count_status(r.report, TDX_CHECK_FAIL) == 2, "two failures");
	run_free(&r);
}

static void test_rule_debug(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	sig.module_type = TDX_SIGSTRUCT_DEBUG;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "sigstruct.debug", TDX_COMPAT_INCOMPATIBLE);
	CHECK(strcmp(first_message(&r),
		     "compat.debug_refused module_type=0x80000000") == 0,
	      "%s", first_message(&r));
	CHECK(remedies_of(&r, "sigstruct.debug") == TDX_REMEDY_ALLOW_DEBUG, "allow-debug remedy");
	run_free(&r);

	opts.allow_debug = true;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	CHECK(status_of(&r, "sigstruct.debug") == TDX_CHECK_WARN, "debug allowed: warning");
	run_free(&r);

	/* A debug module may have an empty CPUID table: not checked. */
	sig.cpuid_table_size = 0;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	CHECK(status_of(&r, "compat.cpu") == TDX_CHECK_WARN, "empty debug table: warning");
	run_free(&r);
}

static void test_rule_svn(void)
{
	static const struct {
		uint8_t major, minor;
		bool ok;
	} cases[] = {
		{ 1, 5, true }, { 1, 4, true }, { 1, 0, true }, { 1, 6, false }, { 3, 5, false },
		{ 0, 5, false },
	};
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);		/* SVN 1.5 */
	h.have_running_svn = true;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h.svn_major = cases[i].major;
		h.svn_minor = cases[i].minor;
		r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
		if (cases[i].ok)
			EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
		else
			EXPECT(r, "compat.svn", TDX_COMPAT_INCOMPATIBLE);
		run_free(&r);
	}
	h.svn_major = 1;
	h.svn_minor = 6;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	CHECK(strcmp(first_message(&r),
		     "compat.svn_minor_below svn_minor=5 running_svn_minor=6") == 0, "%s", first_message(&r));
	run_free(&r);
}

static void test_missing_facts(void)
{
	struct tdx_host_facts h = host_default();
	struct tdx_release_info rel = release_of("1.5.16", "1.5.01", "1.5.00", "2.0.00");
	struct tdx_compat_opts opts = { 0 };
	struct tdx_sigstruct sig;
	struct run r;

	sig_init(&sig);
	/* Unknown image version: the first failure, rules 1-4 skipped. */
	r = run_rules(&h, &sig, NULL, NULL, &opts);
	EXPECT(r, "compat.image_version", TDX_COMPAT_INCOMPATIBLE);
	CHECK(tdx_report_count_status(r.report, TDX_CHECK_FAIL) == 1, "one failure");
	CHECK(status_of(&r, "compat.line") == TDX_CHECK_SKIP &&
	      status_of(&r, "compat.not_older") == TDX_CHECK_SKIP &&
	      status_of(&r, "compat.release") == TDX_CHECK_SKIP &&
	      status_of(&r, "compat.min_running") == TDX_CHECK_SKIP &&
	      status_of(&r, "compat.seamldr") == TDX_CHECK_SKIP, "rules 1-4 skipped");
	CHECK(status_of(&r, "compat.cpu") == TDX_CHECK_PASS, "cpu still checked");
	run_free(&r);

	/* Running version unknown: rules 1-3 skipped. */
	h.have_running = false;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "none", TDX_COMPAT_INSTALLABLE);
	CHECK(status_of(&r, "compat.line") == TDX_CHECK_SKIP &&
	      status_of(&r, "compat.not_older") == TDX_CHECK_SKIP &&
	      status_of(&r, "compat.min_running") == TDX_CHECK_SKIP, "rules 1-3 skipped");
	run_free(&r);

	/* Several failures: each recorded, the first decides. */
	h = host_default();
	h.running = ver("1.5.00");
	h.seamldr = ver("1.4.00");
	sig.module_type = TDX_SIGSTRUCT_DEBUG;
	r = run_rules(&h, &sig, "1.5.16", &rel, &opts);
	EXPECT(r, "sigstruct.debug", TDX_COMPAT_INCOMPATIBLE);
	CHECK(tdx_report_count_status(r.report, TDX_CHECK_FAIL) == 3, "three failures");
	CHECK(status_of(&r, "compat.min_running") == TDX_CHECK_FAIL &&
	      status_of(&r, "compat.seamldr") == TDX_CHECK_FAIL, "each failure recorded");
	run_free(&r);

	{
		enum tdx_compat_verdict v;

		CHECK(tdx_compat_check_sigstruct(NULL, &sig, NULL, NULL, &opts, NULL, &v) == -EINVAL,
		      "NULL host");
	}
}

static void test_names(void)
{
	CHECK(strcmp(tdx_version_source_name(TDX_VERSION_SIGSTRUCT), "sigstruct") == 0, "src");
	CHECK(strcmp(tdx_version_source_name(TDX_VERSION_FILENAME), "file name") == 0, "src");
	CHECK(strcmp(tdx_version_source_name(TDX_VERSION_USER), "user") == 0, "src");
	CHECK(strcmp(tdx_version_source_name(TDX_VERSION_UNKNOWN), "unknown") == 0, "src");
	CHECK(strcmp(tdx_release_label_name(TDX_LABEL_INSTALLABLE), "installable") == 0, "label");
	CHECK(strcmp(tdx_release_label_name(TDX_LABEL_BELOW_MINIMUM), "below-minimum") == 0,
	      "label");
	CHECK(strcmp(tdx_release_label_name(TDX_LABEL_OTHER_LINE), "other-line") == 0, "label");
	CHECK(strcmp(tdx_release_label_name(TDX_LABEL_RUNNING), "running") == 0, "label");
	CHECK(strcmp(tdx_release_label_name((enum tdx_release_label)99), "unknown") == 0, "label");
}

/* Each check id maps to its label; a check that is not a compatibility rule means invalid. */
static void test_label_from_report(void)
{
	static const struct {
		const char *check;
		enum tdx_release_label label;
	} cases[] = {
		{ "compat.image_version", TDX_LABEL_NO_VERSION },
		{ "compat.release", TDX_LABEL_UNLISTED },
		{ "compat.line", TDX_LABEL_OTHER_LINE },
		{ "compat.not_older", TDX_LABEL_OLDER },
		{ "compat.min_running", TDX_LABEL_BELOW_MINIMUM },
		{ "compat.seamldr", TDX_LABEL_SEAMLDR },
		{ "compat.cpu", TDX_LABEL_CPU },
		{ "sigstruct.debug", TDX_LABEL_DEBUG },
		{ "compat.svn", TDX_LABEL_SVN },
		{ "signature", TDX_LABEL_INVALID },
		{ "container.magic", TDX_LABEL_INVALID },
		{ "seamhash", TDX_LABEL_INVALID },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tdx_report *rep;
		enum tdx_check_id id;

		if (tdx_report_new(&rep) < 0 || tdx_check_lookup(cases[i].check, &id) < 0)
			abort();
		tdx_report_fact(rep, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_PASS,
				TDX_FND_COMPAT_NO_IMAGE_VERSION);
		tdx_report_fact(rep, TDX_CHK_COMPAT_CPU, TDX_CHECK_WARN,
				TDX_FND_COMPAT_NO_IMAGE_VERSION);
		tdx_report_fact(rep, id, TDX_CHECK_FAIL, TDX_FND_COMPAT_NO_IMAGE_VERSION);
		tdx_report_fact(rep, TDX_CHK_COMPAT_SVN, TDX_CHECK_FAIL,
				TDX_FND_COMPAT_NO_IMAGE_VERSION);
		CHECK(tdx_release_label_from_report(rep, TDX_COMPAT_INCOMPATIBLE) == cases[i].label,
		      "%s", cases[i].check);
		tdx_report_free(rep);
	}
	{
		struct tdx_report *rep;

		if (tdx_report_new(&rep) < 0)
			abort();
		CHECK(tdx_release_label_from_report(rep, TDX_COMPAT_CURRENT) == TDX_LABEL_RUNNING,
		      "current");
		CHECK(tdx_release_label_from_report(rep, TDX_COMPAT_INSTALLABLE) ==
		      TDX_LABEL_INSTALLABLE, "installable");
		tdx_report_free(rep);
	}
}

static void test_resolve_version_names(void)
{
	struct tdx_version v, user = ver("1.5.09");
	enum tdx_version_source src;

	CHECK(tdx_image_resolve_version(NULL, "/x/tdx_module_1.5.16.blob", NULL, &v, &src) == 0 &&
	      src == TDX_VERSION_FILENAME && tdx_version_cmp(&v, &(struct tdx_version){ 1, 5, 16 })
	      == 0, "from file name");
	CHECK(tdx_image_resolve_version(NULL, "/x/tdx_module_1.5.16.blob", &user, &v, &src) == 0 &&
	      src == TDX_VERSION_USER && tdx_version_cmp(&v, &user) == 0, "user wins");
	CHECK(tdx_image_resolve_version(NULL, "/x/module.img", NULL, &v, &src) == -ENOENT &&
	      src == TDX_VERSION_UNKNOWN, "unknown");
	CHECK(tdx_image_resolve_version(NULL, NULL, NULL, &v, &src) == -ENOENT, "nothing");
}

static void test_cpuid(void)
{
	uint32_t eax = 0;
	int rc = tdx_cpuid_eax(&eax);

#if defined(__x86_64__) || defined(__i386__)
	CHECK(rc == 0 && eax != 0, "CPUID(1).EAX: %d 0x%X", rc, eax);
#else
	CHECK(rc == -ENODEV, "no CPUID: %d", rc);
#endif
}

/* ---- Intel's real folder -------------------------------------------------------------------- */

struct expect_label {
	const char *version;
	enum tdx_release_label label;
};

/* Label every candidate of @list against @h and compare with @want (in version order). */
static void check_labels(struct tdx_ctx *ctx, struct tdx_releases *list,
			 const struct tdx_mapping *m, const struct tdx_host_facts *h,
			 const struct tdx_compat_opts *opts, const char *what,
			 const struct expect_label *want, size_t n, const char *latest)
{
	size_t idx = 0;
	int rc;

	rc = tdx_releases_label(ctx, list, h, m, opts, NULL);
	CHECK(rc == 0, "%s: label: %d", what, rc);
	CHECK(tdx_releases_count(list) == n, "%s: %zu candidates", what, tdx_releases_count(list));
	for (size_t i = 0; i < n && i < tdx_releases_count(list); i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);
		char v[TDX_VERSION_STRLEN] = "?";
		const char *reason = reason_of(c);

		if (c->have_version)
			tdx_version_format(&c->version, v, sizeof(v));
		CHECK(strcmp(v, want[i].version) == 0, "%s: candidate %zu is %s, expected %s", what,
		      i, v, want[i].version);
		CHECK(c->labelled && c->label == want[i].label, "%s: %s labelled %s, expected %s (%s)",
		      what, v, tdx_release_label_name(c->label),
		      tdx_release_label_name(want[i].label), reason ? reason : "no reason");
	}
	rc = tdx_releases_pick_latest(list, &idx);
	if (!latest) {
		CHECK(rc == -ENOENT, "%s: nothing installable, got %d", what, rc);
	} else {
		char v[TDX_VERSION_STRLEN] = "";

		CHECK(rc == 0, "%s: pick_latest %d", what, rc);
		if (rc == 0)
			tdx_version_format(&tdx_releases_get(list, idx)->version, v, sizeof(v));
		CHECK(strcmp(v, latest) == 0, "%s: latest %s, expected %s", what, v, latest);
	}
}

static void test_intel_folder(struct tdx_ctx *ctx, const char *dir)
{
	static const struct expect_label at_1508[] = {
		{ "1.5.01", TDX_LABEL_OLDER }, { "1.5.05", TDX_LABEL_OLDER },
		{ "1.5.06", TDX_LABEL_OLDER }, { "1.5.08", TDX_LABEL_RUNNING },
		{ "1.5.09", TDX_LABEL_INSTALLABLE }, { "1.5.13", TDX_LABEL_INSTALLABLE },
		{ "1.5.16", TDX_LABEL_INSTALLABLE }, { "2.0.02", TDX_LABEL_CPU },
	};
	static const struct expect_label at_1500[] = {
		{ "1.5.01", TDX_LABEL_BELOW_MINIMUM }, { "1.5.05", TDX_LABEL_BELOW_MINIMUM },
		{ "1.5.06", TDX_LABEL_BELOW_MINIMUM }, { "1.5.08", TDX_LABEL_BELOW_MINIMUM },
		{ "1.5.09", TDX_LABEL_BELOW_MINIMUM }, { "1.5.13", TDX_LABEL_BELOW_MINIMUM },
		{ "1.5.16", TDX_LABEL_BELOW_MINIMUM }, { "2.0.02", TDX_LABEL_CPU },
	};
	static const struct expect_label other_cpu[] = {
		{ "1.5.01", TDX_LABEL_CPU }, { "1.5.05", TDX_LABEL_CPU }, { "1.5.06", TDX_LABEL_CPU },
		{ "1.5.08", TDX_LABEL_CPU }, { "1.5.09", TDX_LABEL_CPU }, { "1.5.13", TDX_LABEL_CPU },
		{ "1.5.16", TDX_LABEL_CPU }, { "2.0.02", TDX_LABEL_OTHER_LINE },
	};
	/* A 1.4 P-SEAMLDR loads none of them. */
	static const struct expect_label old_seamldr[] = {
		{ "1.5.01", TDX_LABEL_OLDER }, { "1.5.05", TDX_LABEL_OLDER },
		{ "1.5.06", TDX_LABEL_OLDER }, { "1.5.08", TDX_LABEL_SEAMLDR },
		{ "1.5.09", TDX_LABEL_SEAMLDR }, { "1.5.13", TDX_LABEL_SEAMLDR },
		{ "1.5.16", TDX_LABEL_SEAMLDR }, { "2.0.02", TDX_LABEL_CPU },
	};
	/* 1.5.01 lists only the 1.5 P-SEAMLDR line; a 2.0 P-SEAMLDR loads 1.5.05 and later. */
	static const struct expect_label at_1501_seamldr2[] = {
		{ "1.5.01", TDX_LABEL_SEAMLDR }, { "1.5.05", TDX_LABEL_INSTALLABLE },
		{ "1.5.06", TDX_LABEL_INSTALLABLE }, { "1.5.08", TDX_LABEL_INSTALLABLE },
		{ "1.5.09", TDX_LABEL_INSTALLABLE }, { "1.5.13", TDX_LABEL_INSTALLABLE },
		{ "1.5.16", TDX_LABEL_INSTALLABLE }, { "2.0.02", TDX_LABEL_CPU },
	};
	static const struct expect_label at_2002[] = {
		{ "1.5.01", TDX_LABEL_CPU }, { "1.5.05", TDX_LABEL_CPU }, { "1.5.06", TDX_LABEL_CPU },
		{ "1.5.08", TDX_LABEL_CPU }, { "1.5.09", TDX_LABEL_CPU }, { "1.5.13", TDX_LABEL_CPU },
		{ "1.5.16", TDX_LABEL_CPU }, { "2.0.02", TDX_LABEL_RUNNING },
	};
	static const struct expect_label at_1508_nomap[] = {
		{ "1.5.01", TDX_LABEL_OLDER }, { "1.5.05", TDX_LABEL_OLDER },
		{ "1.5.06", TDX_LABEL_OLDER }, { "1.5.08", TDX_LABEL_RUNNING },
		{ "1.5.09", TDX_LABEL_INSTALLABLE }, { "1.5.13", TDX_LABEL_INSTALLABLE },
		{ "1.5.16", TDX_LABEL_INSTALLABLE }, { "2.0.02", TDX_LABEL_CPU },
	};
	struct tdx_compat_opts opts = { 0 };
	struct tdx_releases *list = NULL;
	struct tdx_mapping *m = NULL;
	struct tdx_host_facts h;
	char path[4200], *found = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/mapping_file.json", dir);
	rc = tdx_mapping_open(ctx, &(struct tdx_mapping_source){ .path = path }, &m, &found,
			      NULL);
	CHECK(rc == 0, "mapping: %d", rc);
	free(found);
	rc = tdx_releases_scan(ctx, dir, &list);
	CHECK(rc == 0, "scan %s: %d", dir, rc);
	if (rc < 0 || !m) {
		tdx_mapping_free(m);
		return;
	}

	/* Every release is a blob, with its pair remembered. */
	CHECK(tdx_releases_count(list) == 8, "8 releases, got %zu", tdx_releases_count(list));
	for (size_t i = 0; i < tdx_releases_count(list); i++) {
		const struct tdx_candidate *c = tdx_releases_get(list, i);

		CHECK(strstr(c->path, "/joined_files/") && !c->sig_path, "%s is the blob", c->path);
		CHECK(c->alt_path && strstr(c->alt_path, "/separate_files/") && c->alt_sig_path &&
		      strstr(c->alt_sig_path, ".sigstruct"), "%s has its pair", c->path);
	}

	h = host_default();	/* running 1.5.08, P-SEAMLDR 1.5.02, CPUID 0x806F8 */
	check_labels(ctx, list, m, &h, &opts, "1.5.08", at_1508, 8, "1.5.16");
	{
		const struct tdx_candidate *c = tdx_releases_get(list, 6);
		bool sig_ok = false, hash_ok = false;

		/* Labelling verified the image, not just its name. */
		for (size_t i = 0; i < tdx_report_count(c->report); i++) {
			const char *name = tdx_check_name(tdx_report_id(c->report, i));
			bool pass = tdx_report_status(c->report, i) == TDX_CHECK_PASS;

			sig_ok |= strcmp(name, "signature") == 0 && pass;
			hash_ok |= strcmp(name, "seamhash") == 0 && pass;
		}
		CHECK(sig_ok && hash_ok, "1.5.16: signature and seamhash checked");
		{
			size_t n = 0;

			for (size_t i = 0; i < tdx_report_count(c->report); i++)
				n += tdx_report_id(c->report, i) == TDX_CHK_SIGSTRUCT_DEBUG;
			CHECK(n == 1, "1.5.16: sigstruct.debug recorded once, not %zu times", n);
		}
		CHECK(reason_of(c) == NULL, "1.5.16: no reason");
		c = tdx_releases_get(list, 7);
		CHECK(reason_of(c) && strcmp(reason_of(c),
			     "compat.cpu_not_listed cpuid_eax=0x806F8 cpuid_masked=0x806F0 "
			     "cpuid_table=[0xA06D0] cpuid_table_total=1") == 0, "2.0.02 reason: %s", reason_of(c));

		CHECK(c->version_source == TDX_VERSION_SIGSTRUCT, "2.0.02's version from sigstruct");
		c = tdx_releases_get(list, 6);
		CHECK(c->version_source == TDX_VERSION_FILENAME && c->listed &&
		      c->release.min_running.update == 1, "1.5.16 from its name, listed");
	}

	h.running = ver("1.5.00");
	check_labels(ctx, list, m, &h, &opts, "1.5.00", at_1500, 8, NULL);

	h = host_default();
	h.cpuid_eax = 0xA06D0;
	check_labels(ctx, list, m, &h, &opts, "CPU 0xA06D0", other_cpu, 8, NULL);

	h = host_default();
	h.seamldr = ver("1.4.00");
	check_labels(ctx, list, m, &h, &opts, "P-SEAMLDR 1.4.00", old_seamldr, 8, NULL);

	h = host_default();
	h.running = ver("1.5.01");
	h.seamldr = ver("2.0.00");
	check_labels(ctx, list, m, &h, &opts, "1.5.01, P-SEAMLDR 2.0.00", at_1501_seamldr2, 8,
		     "1.5.16");

	h = host_default();
	h.running = ver("2.0.02");
	h.seamldr = ver("2.0.00");
	h.cpuid_eax = 0xA06D1;
	check_labels(ctx, list, m, &h, &opts, "2.0.02", at_2002, 8, NULL);
	opts.reinstall = true;
	{
		static const struct expect_label reinstall_2002[] = {
			{ "1.5.01", TDX_LABEL_CPU }, { "1.5.05", TDX_LABEL_CPU },
			{ "1.5.06", TDX_LABEL_CPU }, { "1.5.08", TDX_LABEL_CPU },
			{ "1.5.09", TDX_LABEL_CPU }, { "1.5.13", TDX_LABEL_CPU },
			{ "1.5.16", TDX_LABEL_CPU }, { "2.0.02", TDX_LABEL_INSTALLABLE },
		};

		check_labels(ctx, list, m, &h, &opts, "2.0.02 reinstall", reinstall_2002, 8,
			     "2.0.02");
	}
	opts.reinstall = false;

	/* Without a mapping file the rules that need it are skipped. */
	h = host_default();
	check_labels(ctx, list, NULL, &h, &opts, "1.5.08, no mapping", at_1508_nomap, 8, "1.5.16");

	/* A 2.x sigstruct's version contradicting the user's. */
	{
		struct tdx_report *rep = NULL;
		struct tdx_image *img = NULL;
		struct tdx_version v, user = ver("2.0.03");
		enum tdx_version_source src;

		snprintf(path, sizeof(path), "%s/joined_files/2.0/tdx_module_2.0.02.blob", dir);
		tdx_report_new(&rep);
		rc = tdx_image_load(ctx, path, NULL, rep, &img);
		CHECK(rc == 0, "load 2.0.02: %d", rc);
		if (rc == 0) {
			CHECK(tdx_image_resolve_version(img, path, &user, &v, &src) == -EINVAL &&
			      src == TDX_VERSION_SIGSTRUCT && v.update == 2, "user vs sigstruct");
			user = ver("2.0.02");
			CHECK(tdx_image_resolve_version(img, path, &user, &v, &src) == 0 &&
			      src == TDX_VERSION_USER, "user agrees with sigstruct");
			CHECK(tdx_image_resolve_version(img, "/x/y.img", NULL, &v, &src) == 0 &&
			      src == TDX_VERSION_SIGSTRUCT && v.update == 2, "sigstruct beats name");
		}
		tdx_image_free(img);
		tdx_report_free(rep);
	}

	tdx_releases_free(list);
	tdx_mapping_free(m);

	/* One of Intel's folders on its own is a plain folder of images. */
	snprintf(path, sizeof(path), "%s/separate_files/1.5", dir);
	rc = tdx_releases_scan(ctx, path, &list);
	CHECK(rc == 0 && tdx_releases_count(list) == 7, "pairs only: %d %zu", rc,
	      tdx_releases_count(list));
	if (rc == 0) {
		const struct tdx_candidate *c = tdx_releases_get(list, 0);

		CHECK(c->sig_path && !c->alt_path && strstr(c->path, "tdx_module_1.5.01.bin"),
		      "first pair %s", c->path);
		tdx_releases_free(list);
	}
}

static void test_scan_errors(struct tdx_ctx *ctx)
{
	struct tdx_releases *list = NULL;
	char tmpl[] = "/tmp/tdxctl-test-releases.XXXXXX";
	char *top = mkdtemp(tmpl);
	char path[512];
	FILE *f;

	CHECK(tdx_releases_scan(ctx, "/nonexistent-tdxctl", &list) == -ENOENT && !list, "missing");
	CHECK(tdx_releases_scan(ctx, "/dev/null", &list) == -ENOTDIR, "not a folder");
	if (!top)
		return;
	CHECK(tdx_releases_scan(ctx, top, &list) == -ENOENT, "empty folder");

	/* A .bin without its .sigstruct is not a release; a broken blob is a candidate. */
	snprintf(path, sizeof(path), "%s/tdx_module_1.5.20.bin", top);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	CHECK(tdx_releases_scan(ctx, top, &list) == -ENOENT, "lone .bin");
	snprintf(path, sizeof(path), "%s/tdx_module_1.5.20.blob", top);
	f = fopen(path, "w");
	if (f) {
		fputs("not a blob", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/other.img", top);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	CHECK(tdx_releases_scan(ctx, top, &list) == 0 && tdx_releases_count(list) == 2, "two");
	if (list) {
		struct tdx_host_facts h = host_default();
		struct tdx_compat_opts opts = { 0 };
		const struct tdx_candidate *c;

		/* Known versions first. */
		c = tdx_releases_get(list, 0);
		CHECK(c->have_version && strstr(c->path, "1.5.20.blob"), "blob first");
		c = tdx_releases_get(list, 1);
		CHECK(!c->have_version && strstr(c->path, "other.img"), "unknown last");
		CHECK(tdx_releases_label(ctx, list, &h, NULL, &opts, NULL) == 0, "label");
		for (size_t i = 0; i < 2; i++) {
			c = tdx_releases_get(list, i);
			CHECK(c->label == TDX_LABEL_INVALID && reason_of(c), "%s invalid",
			      c->path);
		}
		size_t idx;

		CHECK(tdx_releases_pick_latest(list, &idx) == -ENOENT, "none installable");
		tdx_releases_free(list);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", top);
	CHECK(system(path) == 0, "cleanup");
}

/*
 * The build's fixtures (signed with the test key) in a plain folder: a blob and its pair under
 * Intel's names, a 2.0 image named without a version, a debug image.
 */
static void test_fixture_folder(struct tdx_ctx *ctx, const char *fixtures)
{
	static const char json[] =
		"{ \"tdx_module_releases\": [ "
		"{ \"version\": \"1.5.08\", \"min_module_version_for_td_preserving\": \"1.5.01\", "
		"  \"min_seamldr_versions\": [ \"1.5.00\" ], \"tdx_feature0\": \"0x2\" }, "
		"{ \"version\": \"2.0.02\", \"min_module_version_for_td_preserving\": \"2.0.02\", "
		"  \"min_seamldr_versions\": [ \"2.0.00\" ], \"tdx_feature0\": \"0x2\" } ] }";
	static const char *const links[][2] = {		/* name in the folder, fixture */
		{ "tdx_module_1.5.08.blob", "fixture-1.5.08.blob" },
		{ "tdx_module_1.5.08.bin", "fixture-1.5.08.bin" },
		{ "tdx_module_1.5.08.sigstruct", "fixture-1.5.08.sigstruct" },
		{ "v2.img", "fixture-2.0.02.img" },
		{ "debug.img", "fixture-debug.img" },
	};
	uint8_t key_hash[TDX_SHA384_LEN];
	struct tdx_verify_opts vopts = { .key_hash = key_hash };
	struct tdx_compat_opts opts = { 0 };
	struct tdx_host_facts h = host_default();
	char tmpl[] = "/tmp/tdxctl-test-fixtures.XXXXXX";
	struct tdx_releases *list = NULL;
	struct tdx_mapping *m = NULL;
	const struct tdx_candidate *c;
	char hex[128] = "", path[4200];
	char *top;
	size_t idx;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/test-key.hash", fixtures);
	f = fopen(path, "r");
	CHECK(f && fgets(hex, sizeof(hex), f), "read %s", path);
	if (f)
		fclose(f);
	hex[strcspn(hex, "\n")] = '\0';
	CHECK(tdx_hex_decode(hex, key_hash, sizeof(key_hash)) == 0, "key hash %s", hex);
	CHECK(tdx_mapping_parse(ctx, json, sizeof(json) - 1, &m, NULL) == 0, "mapping");
	top = mkdtemp(tmpl);
	CHECK(top != NULL, "mkdtemp");
	if (!top || !m) {
		tdx_mapping_free(m);
		return;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char *target;

		snprintf(path, sizeof(path), "%s/%s", fixtures, links[i][1]);
		target = realpath(path, NULL);
		snprintf(path, sizeof(path), "%s/%s", top, links[i][0]);
		CHECK(target && symlink(target, path) == 0, "link %s", path);
		free(target);
	}

	h.running = ver("1.5.06");
	h.seamldr = ver("1.5.00");
	rc = tdx_releases_scan(ctx, top, &list);
	CHECK(rc == 0 && tdx_releases_count(list) == 3, "fixtures: %d, %zu", rc,
	      tdx_releases_count(list));
	if (rc == 0 && tdx_releases_count(list) == 3) {
		CHECK(tdx_releases_label(ctx, list, &h, m, &opts, &vopts) == 0, "label");
		c = tdx_releases_get(list, 0);
		CHECK(strstr(c->path, "1.5.08.blob") && c->alt_path && c->alt_sig_path &&
		      c->label == TDX_LABEL_INSTALLABLE, "blob with pair, installable: %s %s",
		      tdx_release_label_name(c->label), reason_of(c));
		c = tdx_releases_get(list, 1);
		CHECK(strstr(c->path, "v2.img") && c->version_source == TDX_VERSION_SIGSTRUCT &&
		      c->version.major == 2 && c->listed && c->label == TDX_LABEL_CPU,
		      "2.0.02 by its sigstruct, not for this CPU: %s", tdx_release_label_name(c->label));
		c = tdx_releases_get(list, 2);
		CHECK(strstr(c->path, "debug.img") && c->label == TDX_LABEL_DEBUG,
		      "debug: %s (%s)", tdx_release_label_name(c->label), reason_of(c));
		CHECK(tdx_releases_pick_latest(list, &idx) == 0 && idx == 0, "latest is 1.5.08");

		/* Debug allowed: verified with the test key, then it has no version. */
		opts.allow_debug = true;
		CHECK(tdx_releases_label(ctx, list, &h, m, &opts, &vopts) == 0, "label");
		c = tdx_releases_get(list, 2);
		CHECK(c->label == TDX_LABEL_NO_VERSION, "debug allowed: %s (%s)",
		      tdx_release_label_name(c->label), reason_of(c));
		opts.allow_debug = false;

		/* With Intel's key the test-signed images are invalid. */
		CHECK(tdx_releases_label(ctx, list, &h, m, &opts, NULL) == 0, "label");
		c = tdx_releases_get(list, 0);
		CHECK(c->label == TDX_LABEL_INVALID, "wrong key: %s", tdx_release_label_name(c->label));
		CHECK(tdx_releases_pick_latest(list, &idx) == -ENOENT, "nothing installable");
	}
	tdx_releases_free(list);
	tdx_mapping_free(m);
	snprintf(path, sizeof(path), "rm -rf '%s'", top);
	CHECK(system(path) == 0, "cleanup");
}

int main(void)
{
	const char *fixtures = getenv("TDXCTL_FIXTURES");	/* set by meson test */
	const char *dir = intel_dir();
	struct tdx_ctx *ctx;
	struct stat st;
	bool have_intel;
	char path[4200];

	if (tdx_ctx_new(&ctx) < 0)
		return 1;
	tdx_ctx_set_log_priority(ctx, LOG_CRIT);	/* broken images are expected here */

	test_all_pass();
	test_rule_line();
	test_rule_not_older();
	test_current_and_reinstall();
	test_rule_release();
	test_rule_min_running();
	test_rule_seamldr();
	test_rule_cpu();
	test_rule_debug();
	test_rule_svn();
	test_missing_facts();
	test_names();
	test_label_from_report();
	test_resolve_version_names();
	test_cpuid();
	test_scan_errors(ctx);
	if (fixtures && *fixtures)
		test_fixture_folder(ctx, fixtures);
	else
		printf("note: TDXCTL_FIXTURES not set: the fixture folder tests did not run\n");

	snprintf(path, sizeof(path), "%s/mapping_file.json", dir);
	have_intel = stat(path, &st) == 0;
	if (have_intel)
		test_intel_folder(ctx, dir);
	else if (getenv("TDXCTL_REQUIRE_INTEL") && strcmp(getenv("TDXCTL_REQUIRE_INTEL"), "1") == 0)
		CHECK(have_intel, "Intel's files are required (TDXCTL_REQUIRE_INTEL=1): %s", dir);

	tdx_ctx_free(ctx);
	printf("%d passed, %d failed\n", passed, failed);
	if (failed)
		return 1;
	if (!have_intel) {
		printf("SKIP: Intel's TDX module files not found at %s (set TDXCTL_INTEL_BINARIES); "
		       "the tests over the real releases did not run\n", dir);
		return 77;
	}
	return 0;
}
