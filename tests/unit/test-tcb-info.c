// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel's TDX TCB Info: real documents as Intel signed them (tests/data/tcb-info, each with its
 * source in the README there), and documents signed at test time by a test root
 * (tests/mktcbinfo.c) for every status, expiry, a bad signature and a wrong root.
 */
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define T_2023_07_01	1688169600
#define T_2025_06_01	1748736000
#define T_2025_07_01	1751328000
#define T_2025_08_01	1754006400
#define T_2026_03_01	1772323200

static const char *data_dir;
static char gen_dir[] = "/tmp/tdxctl-tcb-XXXXXX";
static uint8_t test_root[TDX_SHA256_LEN];

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char *p = test_path(dir, name);
	uint8_t *buf = test_read(p, len);

	free(p);
	return (char *)buf;
}

/* Parse @doc (with @chain when not NULL) at @now under @root (NULL: Intel's); why in @why. */
static int parse(const char *dir, const char *doc, const char *chain, int64_t now,
		 const uint8_t *root, struct tdx_tcb_info **info, struct tdx_tcb_refusal *why)
{
	struct tdx_tcb_info_opts o = { .now = now, .root_key_hash = root };
	size_t dl, cl = 0;
	char *d = slurp(dir, doc, &dl), *c = chain ? slurp(dir, chain, &cl) : NULL;
	int rc = tdx_tcb_info_parse(NULL, d, dl, c, cl, &o, info, why);

	free(d);
	free(c);
	return rc;
}

static void match_is(const struct tdx_tcb_info *t, unsigned int major, unsigned int minor,
		     enum tdx_tcb_grade grade, const char *status, unsigned int level)
{
	struct tdx_tcb_match m;

	if (!CHECK_INT(tdx_tcb_info_match(t, major, minor, &m), 0))
		return;
	CHECK_INT(m.grade, grade);
	CHECK_STR(m.status, status);
	if (grade != TDX_TCB_NOT_SUPPORTED)
		CHECK_INT(m.level_isvsvn, level);
}

static void test_real_documents(void)
{
	struct tdx_tcb_info *t = NULL;
	struct tdx_tcb_match m;
	struct tdx_tcb_refusal why;

	/* Intel's TCB Info for FMSPC B0C06F000000, June 2025, with the 2025 signing certificate. */
	CHECK_INT(parse(data_dir, "phala-b0c06f000000.json", "phala-b0c06f000000.chain.pem",
			T_2025_07_01, NULL, &t, &why), 0);
	if (t) {
		CHECK_STR(tdx_tcb_info_fmspc(t), "B0C06F000000");
		CHECK_STR(tdx_tcb_info_issue_date(t), "2025-06-19T10:16:03Z");
		CHECK_STR(tdx_tcb_info_next_update(t), "2025-07-19T10:16:03Z");
		CHECK_INT(tdx_tcb_info_evaluation_number(t), 17);
		match_is(t, 1, 4, TDX_TCB_UP_TO_DATE, "UpToDate", 4);
		match_is(t, 1, 200, TDX_TCB_UP_TO_DATE, "UpToDate", 4);
		match_is(t, 1, 3, TDX_TCB_OUT_OF_DATE, "OutOfDate", 2);
		match_is(t, 1, 1, TDX_TCB_NOT_SUPPORTED, "NotSupported", 0);
		match_is(t, 3, 3, TDX_TCB_UP_TO_DATE, "UpToDate", 3);
		CHECK_INT(tdx_tcb_info_match(t, 2, 9, &m), -ENOENT);
		CHECK_STR(m.identity, "TDX_02");
		/* Its identities, in the document's order. */
		CHECK_INT(tdx_tcb_info_identity_count(t), 2);
		CHECK_STR(tdx_tcb_info_identity_id(t, 0), "TDX_03");
		CHECK_STR(tdx_tcb_info_identity_id(t, 1), "TDX_01");
		CHECK(!tdx_tcb_info_identity_id(t, 2));
		tdx_tcb_info_free(t);
		t = NULL;
	} else {
		fprintf(stderr, "    fault: %d\n", (int)why.fault);
	}
	/* The same document after its nextUpdate, and before its issueDate. */
	CHECK_INT(parse(data_dir, "phala-b0c06f000000.json", "phala-b0c06f000000.chain.pem",
			T_2025_08_01, NULL, &t, &why), -ESTALE);
	CHECK_INT(why.fault, TDX_TCB_FAULT_EXPIRED);
	CHECK_STR(why.value, "2025-07-19T10:16:03Z");
	CHECK(!t);
	CHECK_INT(parse(data_dir, "phala-b0c06f000000.json", "phala-b0c06f000000.chain.pem",
			T_2025_06_01, NULL, &t, &why), -ESTALE);
	CHECK_INT(why.fault, TDX_TCB_FAULT_FUTURE);
	/* Without its chain; under another root than Intel's. */
	CHECK_INT(parse(data_dir, "phala-b0c06f000000.json", NULL,
			T_2025_07_01, NULL, &t, &why), -ENOKEY);
	CHECK_INT(why.fault, TDX_TCB_FAULT_NO_CHAIN);
	CHECK_INT(parse(data_dir, "phala-b0c06f000000.json", "phala-b0c06f000000.chain.pem",
			T_2025_07_01, test_root, &t, &why), -EKEYREJECTED);
	CHECK_INT(why.fault, TDX_TCB_FAULT_CHAIN_ROOT);
	CHECK_STR(why.chain_root_key,
		  "a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a49e");

	/* FMSPC 90C06F000000, February 2026: TDX_01 isvsvn 4 and 5 are OutOfDate. */
	CHECK_INT(parse(data_dir, "phala-90c06f000000.json", "phala-90c06f000000.chain.pem",
			T_2026_03_01, NULL, &t, &why), 0);
	if (t) {
		CHECK_INT(tdx_tcb_info_evaluation_number(t), 18);
		match_is(t, 1, 6, TDX_TCB_UP_TO_DATE, "UpToDate", 6);
		match_is(t, 1, 5, TDX_TCB_OUT_OF_DATE, "OutOfDate", 4);
		CHECK_INT(tdx_tcb_info_match(t, 1, 5, &m), 0);
		if (CHECK_INT(m.n_advisories, 2)) {
			CHECK_STR(m.advisories[0], "INTEL-SA-01036");
			CHECK_STR(m.advisories[1], "INTEL-SA-01099");
		}
		CHECK_STR(m.tcb_date, "2024-03-13T00:00:00Z");
		CHECK_INT(m.latest_isvsvn, 6);
		CHECK_STR(m.latest_status, "UpToDate");
		tdx_tcb_info_free(t);
		t = NULL;
	}

	/*
	 * FMSPC 50806F000000, June 2023, from go-tdx-guest: the 2018 signing certificate, the
	 * chain URL-encoded as PCS's header carries it, and no tdxModuleIdentities (TDX 1.0).
	 */
	CHECK_INT(parse(data_dir, "google-50806f000000.json", "google-50806f000000.chain.url",
			T_2023_07_01, NULL, &t, &why), 0);
	if (t) {
		struct tdx_sigstruct sig = { .svn_major = 1, .svn_minor = 8 };
		struct tdx_report *r;

		CHECK_INT(tdx_tcb_info_match(t, 1, 8, &m), -ENOENT);
		tdx_report_new(&r);
		/* No identity at all: the check records nothing; the facts name what is missing. */
		CHECK_INT(tdx_tcb_info_check(t, &sig, r), -ENOENT);
		CHECK_INT(tdx_report_count(r), 0);
		CHECK_STR(m.identity, "TDX_01");
		CHECK_INT(tdx_tcb_info_identity_count(t), 0);
		CHECK(!tdx_tcb_info_identity_id(t, 0));
		tdx_report_free(r);
		tdx_tcb_info_free(t);
		t = NULL;
	}
	/* Its signing certificate expired in May 2025: a stale chain, whatever the document. */
	CHECK_INT(parse(data_dir, "google-50806f000000.json", "google-50806f000000.chain.url",
			T_2025_07_01, NULL, &t, &why), -ESTALE);
	CHECK_INT(why.fault, TDX_TCB_FAULT_CHAIN_INVALID);
	CHECK_STR(why.detail, "certificate has expired");
}

/* A real document with one byte of its signed bytes changed, or re-serialised. */
static void test_real_tampered(void)
{
	struct tdx_tcb_info_opts o = { .now = T_2025_07_01 };
	struct tdx_tcb_info *t = NULL;
	size_t dl, cl;
	char *d = slurp(data_dir, "phala-b0c06f000000.json", &dl);
	char *c = slurp(data_dir, "phala-b0c06f000000.chain.pem", &cl);
	char *p = strstr(d, "\"isvsvn\":4");
	struct tdx_tcb_refusal why;

	if (!CHECK(p))
		goto out;
	p[9] = '2';	/* rate isvsvn 2 UpToDate: what an attacker would want */
	CHECK_INT(tdx_tcb_info_parse(NULL, d, dl, c, cl, &o, &t, &why),
		  -EKEYREJECTED);
	CHECK_INT(why.fault, TDX_TCB_FAULT_SIGNATURE);
	p[9] = '4';
	CHECK_INT(tdx_tcb_info_parse(NULL, d, dl, c, cl, &o, &t, &why), 0);
	tdx_tcb_info_free(t);
	t = NULL;
	/* The bundle form: the body, then the chain. */
	{
		char *b = malloc(dl + cl + 2);

		memcpy(b, d, dl);
		b[dl] = '\n';
		memcpy(b + dl + 1, c, cl);
		CHECK_INT(tdx_tcb_info_parse(NULL, b, dl + 1 + cl, NULL, 0, &o, &t, &why), 0);
		tdx_tcb_info_free(t);
		t = NULL;
		/* Text after the object that is not a chain. */
		memcpy(b + dl + 1, "garbage", 7);
		CHECK_INT(tdx_tcb_info_parse(NULL, b, dl + 8, NULL, 0, &o, &t, &why),
			  -EINVAL);
		CHECK_INT(why.fault, TDX_TCB_FAULT_TRAILING);
		free(b);
	}
out:
	free(d);
	free(c);
}

/*
 * tcb.status of a module at SVN @major.@minor against @doc: its status in *@status, its finding
 * in *@finding (-1: none), with the SVN as its first facts and, for a level, the level's
 * tcbStatus as written in *@tcb_status (NULL otherwise).
 */
static int check_status_fact(const char *doc, unsigned int major, unsigned int minor,
			     bool strict, int *status, int *finding, const char **tcb_status)
{
	struct tdx_sigstruct sig = { .svn_major = (uint8_t)major, .svn_minor = (uint8_t)minor };
	struct tdx_tcb_info *t = NULL;
	struct tdx_report *r;
	struct tdx_tcb_refusal why;
	int rc;

	static char status_word[64];

	*status = -1;
	*finding = -1;
	*tcb_status = NULL;
	rc = parse(gen_dir, doc, "chain.pem", time(NULL), test_root, &t, &why);
	if (rc) {
		fprintf(stderr, "    %s: fault %d\n", doc, (int)why.fault);
		return rc;
	}
	tdx_report_new(&r);
	tdx_report_set_strict(r, strict);
	rc = tdx_tcb_info_check(t, &sig, r);
	*status = test_status_of(r, "tcb.status");
	if (*status == TDX_CHECK_WARN)
		CHECK_INT(tdx_report_remedies(r, 0), TDX_REMEDY_STRICT);
	if (tdx_report_count(r) == 1) {
		enum tdx_finding f = tdx_report_finding(r, 0);
		char identity[16];

		*finding = (int)f;
		snprintf(identity, sizeof(identity), "TDX_%02u", major);
		CHECK_INT(tdx_report_fact_count(r, 0), tdx_finding_fact_count(f));
		CHECK_INT(tdx_report_fact_get(r, 0, 0)->u, major);
		CHECK_INT(tdx_report_fact_get(r, 0, 1)->u, minor);
		CHECK_STR(tdx_report_fact_get(r, 0, 2 + (f != TDX_FND_TCB_BELOW_EVERY_LEVEL))->s,
			  identity);
		if (f != TDX_FND_TCB_BELOW_EVERY_LEVEL) {
			snprintf(status_word, sizeof(status_word), "%s",
				 tdx_report_fact_get(r, 0, 5)->s);
			*tcb_status = status_word;
			CHECK_STR(tdx_report_fact_get(r, 0, tdx_report_fact_count(r, 0) - 3)->s,
				  tdx_tcb_info_fmspc(t));
		}
	}
	tdx_report_free(r);
	tdx_tcb_info_free(t);
	return rc;
}

static int check_status(const char *doc, unsigned int major, unsigned int minor, bool strict,
			int *status)
{
	const char *tcb_status;
	int finding;

	return check_status_fact(doc, major, minor, strict, status, &finding, &tcb_status);
}

static void test_generated(void)
{
	static const struct {
		const char *doc;
		int rc, status, strict_rc, strict_status;
		int finding;		/* at SVN 1.8, with its tcbStatus as written */
		const char *tcb_status;
	} cases[] = {
		{ "uptodate.json", 0, TDX_CHECK_PASS, 0, TDX_CHECK_PASS,
		  TDX_FND_TCB_LEVEL_UP_TO_DATE, "UpToDate" },
		{ "uptodate.bundle", 0, TDX_CHECK_PASS, 0, TDX_CHECK_PASS,
		  TDX_FND_TCB_LEVEL_UP_TO_DATE, "UpToDate" },
		{ "outofdate.json", 0, TDX_CHECK_WARN, -EBADMSG, TDX_CHECK_FAIL,
		  TDX_FND_TCB_LEVEL_BELOW_ADVISORIES, "OutOfDate" },
		{ "other.json", 0, TDX_CHECK_WARN, -EBADMSG, TDX_CHECK_FAIL,
		  TDX_FND_TCB_LEVEL_BELOW, "ConfigurationNeeded" },
		{ "revoked.json", -EBADMSG, TDX_CHECK_FAIL, -EBADMSG, TDX_CHECK_FAIL,
		  TDX_FND_TCB_LEVEL_REVOKED_ADVISORIES, "Revoked" },
		{ "notsupported.json", -EBADMSG, TDX_CHECK_FAIL, -EBADMSG, TDX_CHECK_FAIL,
		  TDX_FND_TCB_BELOW_EVERY_LEVEL, NULL },
		{ "mismatch.json", -ENOENT, -1, -ENOENT, -1, -1, NULL },
	};
	struct tdx_tcb_info *t = NULL;
	const char *tcb_status;
	struct tdx_tcb_refusal why;
	int st, finding;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!test_check(check_status_fact(cases[i].doc, 1, 8, false, &st, &finding,
						  &tcb_status) == cases[i].rc,
				__FILE__, __LINE__, "%s: rc", cases[i].doc))
			continue;
		test_check(st == cases[i].status, __FILE__, __LINE__, "%s: status %d, want %d",
			   cases[i].doc, st, cases[i].status);
		test_check(finding == cases[i].finding, __FILE__, __LINE__, "%s: finding %s, want %s",
			   cases[i].doc, finding < 0 ? "none" : tdx_finding_name(finding),
			   cases[i].finding < 0 ? "none" : tdx_finding_name(cases[i].finding));
		test_check(cases[i].tcb_status ? tcb_status &&
			   strcmp(tcb_status, cases[i].tcb_status) == 0 : !tcb_status, __FILE__,
			   __LINE__, "%s: tcbStatus %s", cases[i].doc, tcb_status ? tcb_status : "none");
		test_check(check_status(cases[i].doc, 1, 8, true, &st) == cases[i].strict_rc &&
			   st == cases[i].strict_status, __FILE__, __LINE__, "%s strict: status %d",
			   cases[i].doc, st);
		/* SVN 3.x is UpToDate in every document (the 2.0 line). */
		if (cases[i].rc == 0 || cases[i].rc == -EBADMSG || cases[i].rc == -ENOENT)
			test_check(check_status(cases[i].doc, 3, 2, true, &st) == 0 &&
				   st == TDX_CHECK_PASS, __FILE__, __LINE__, "%s at 3.2",
				   cases[i].doc);
	}

	CHECK_INT(parse(gen_dir, "expired.json", "chain.pem",
			time(NULL), test_root, &t, &why), -ESTALE);
	CHECK_INT(why.fault, TDX_TCB_FAULT_EXPIRED);
	CHECK_INT(parse(gen_dir, "future.json", "chain.pem",
			time(NULL), test_root, &t, &why), -ESTALE);
	CHECK_INT(parse(gen_dir, "badsig.json", "chain.pem",
			time(NULL), test_root, &t, &why), -EKEYREJECTED);
	CHECK_INT(why.fault, TDX_TCB_FAULT_SIGNATURE);
	CHECK_INT(parse(gen_dir, "pretty.json", "chain.pem",
			time(NULL), test_root, &t, &why), -EKEYREJECTED);
	CHECK_INT(parse(gen_dir, "unsigned.json", "chain.pem",
			time(NULL), test_root, &t, &why), -EKEYREJECTED);
	CHECK_INT(why.fault, TDX_TCB_FAULT_UNSIGNED);
	CHECK_INT(parse(gen_dir, "wrong-root.json", "other-chain.pem", time(NULL), test_root, &t,
			&why), -EKEYREJECTED);
	CHECK_INT(why.fault, TDX_TCB_FAULT_CHAIN_ROOT);
	/* The test root is not Intel's: the default pin refuses it. */
	CHECK_INT(parse(gen_dir, "uptodate.json", "chain.pem",
			time(NULL), NULL, &t, &why), -EKEYREJECTED);
	CHECK_INT(parse(gen_dir, "sgx.json", "chain.pem",
			time(NULL), test_root, &t, &why), -EINVAL);
	CHECK_INT(why.fault, TDX_TCB_FAULT_NOT_TDX);
	CHECK_STR(why.value, "SGX");
	CHECK_INT(parse(gen_dir, "v2.json", "chain.pem", time(NULL), test_root, &t, &why), -EINVAL);
	CHECK_INT(why.fault, TDX_TCB_FAULT_VERSION);
	CHECK_INT(why.number, 2);
	/* A chain file that is no PEM at all. */
	CHECK_INT(parse(gen_dir, "uptodate.json", "root.hash",
			time(NULL), test_root, &t, &why), -ENOKEY);
	CHECK(!t);
}

/*
 * A level with 40 advisoryIDs, more than a list fact holds: the match has them all, the
 * finding lists the first TDX_FACT_LIST_MAX and says how many there are.
 */
static void test_advisories_cap(void)
{
	struct tdx_sigstruct sig = { .svn_major = 1, .svn_minor = 8 };
	const struct tdx_fact *list, *total;
	struct tdx_tcb_info *t = NULL;
	struct tdx_tcb_refusal why;
	struct tdx_tcb_match m;
	struct tdx_report *r;

	if (!CHECK_INT(parse(gen_dir, "advisories40.json", "chain.pem", time(NULL), test_root, &t,
			     &why), 0))
		return;
	if (CHECK_INT(tdx_tcb_info_match(t, 1, 8, &m), 0) && CHECK_INT(m.n_advisories, 40)) {
		CHECK_STR(m.advisories[0], "INTEL-SA-01000");
		CHECK_STR(m.advisories[39], "INTEL-SA-01039");
	}
	tdx_report_new(&r);
	tdx_tcb_info_check(t, &sig, r);
	if (CHECK_INT(tdx_report_count(r), 1) &&
	    CHECK_INT(tdx_report_finding(r, 0), TDX_FND_TCB_LEVEL_BELOW_ADVISORIES)) {
		list = tdx_report_fact_get(r, 0, 6);
		total = tdx_report_fact_get(r, 0, 7);
		if (CHECK(list && list->type == TDX_FACT_LIST) &&
		    CHECK_INT(list->n, TDX_FACT_LIST_MAX)) {
			CHECK_STR(list->items[0].s, "INTEL-SA-01000");
			CHECK_STR(list->items[TDX_FACT_LIST_MAX - 1].s, "INTEL-SA-01031");
		}
		if (CHECK(total && total->type == TDX_FACT_U64))
			CHECK_INT(total->u, 40);
	}
	tdx_report_free(r);
	tdx_tcb_info_free(t);
}

/* Malformed text: each refused with a reason, never a crash. */
static void test_malformed(void)
{
	static const char *docs[] = {
		"", "[]", "{", "{\"tcbInfo\":{}", "{\"tcbInfo\":{},\"tcbInfo\":{},\"signature\":\"00\"}",
		"{\"signature\":\"00\"}", "{\"tcbInfo\":{},\"signature\":7}",
		"{\"tcbInfo\":{},\"signature\":\"zz\"}", "{\"tcbInfo\" {}}", "{\"tcbInfo\":{}x}",
		"{\"tcbInfo\":nul}", "{\"tcbInfo\":{},\"signature\":\"00\",}",
	};
	struct tdx_tcb_info_opts o = { .now = T_2025_07_01 };

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct tdx_tcb_info *t = NULL;
		struct tdx_tcb_refusal why;
		int rc = tdx_tcb_info_parse(NULL, docs[i], strlen(docs[i]), NULL, 0, &o, &t, &why);

		test_check(rc < 0 && !t && why.fault != TDX_TCB_FAULT_NONE, __FILE__, __LINE__,
			   "'%s': rc %d, fault %d", docs[i], rc, (int)why.fault);
	}
	/* A member of the wrong kind: the kind found is a fact (cli/ words it). */
	{
		static const char doc[] = "{\"tcbInfo\":{},\"signature\":7}";
		struct tdx_tcb_info *t = NULL;
		struct tdx_tcb_refusal why;

		CHECK_INT(tdx_tcb_info_parse(NULL, doc, sizeof(doc) - 1, NULL, 0, &o, &t, &why),
			  -EINVAL);
		CHECK_INT(why.fault, TDX_TCB_FAULT_TYPE);
		CHECK_INT(why.found, TDX_JSON_KIND_INTEGER);
		CHECK_STR(why.member, "signature");
	}
}

int main(void)
{
	const char *src = test_env("TDXCTL_SOURCE_ROOT");
	const char *gen = test_env("TDXCTL_MKTCBINFO");
	char cmd[8192], *hash;
	size_t len;
	int rc;

	if (asprintf((char **)&data_dir, "%s/tests/data/tcb-info", src) < 0 || !mkdtemp(gen_dir))
		return 1;
	snprintf(cmd, sizeof(cmd), "'%s' '%s'", gen, gen_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "%s failed\n", cmd);
		return 1;
	}
	hash = slurp(gen_dir, "root.hash", &len);
	if (len < 64)
		return 1;
	hash[64] = '\0';
	if (tdx_hex_decode(hash, test_root, sizeof(test_root)) < 0)
		return 1;
	free(hash);

	test_real_documents();
	test_real_tampered();
	test_generated();
	test_malformed();
	test_advisories_cap();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", gen_dir);
	rc = system(cmd);
	(void)rc;
	return test_finish();
}
