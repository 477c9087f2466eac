// SPDX-License-Identifier: GPL-2.0-only
/* The check catalogue, reports and the 16-bit checksum. */
#include "test.h"

static void test_catalogue(void)
{
	enum tdx_check_id id;

	for (unsigned int i = 0; i < TDX_CHK__COUNT; i++) {
		const char *name = tdx_check_name((enum tdx_check_id)i);

		CHECK(name && *name && strcmp(name, "unknown") != 0);
		CHECK_INT(tdx_check_lookup(name, &id), 0);
		CHECK_INT(id, i);
		for (unsigned int j = 0; j < i; j++)	/* names are unique */
			CHECK(strcmp(name, tdx_check_name((enum tdx_check_id)j)) != 0);
	}
	CHECK_INT(tdx_check_lookup("container.nonsense", &id), -ENOENT);
	CHECK_INT(tdx_check_lookup("", &id), -ENOENT);
	CHECK_STR(tdx_check_name(TDX_CHK__COUNT), "unknown");
	CHECK_STR(tdx_check_name(TDX_CHK_SEAMHASH), "seamhash");
	CHECK_STR(tdx_check_name(TDX_CHK_CONTAINER_CHECKSUM), "container.checksum");
	CHECK_STR(tdx_check_name(TDX_CHK_SIGSTRUCT_RESERVED3), "sigstruct.reserved3");
	CHECK_INT(tdx_check_outcome(TDX_CHK_SIGNER), TDX_OUTCOME_INVALID_IMAGE);
	CHECK_INT(tdx_check_outcome(TDX_CHK_HOST_LOCK), TDX_OUTCOME_RETRY);
	CHECK_INT(tdx_check_outcome(TDX_CHK__COUNT), TDX_OUTCOME_FAILED);
	CHECK_STR(tdx_check_status_name(TDX_CHECK_PASS), "pass");
	CHECK_STR(tdx_check_status_name(TDX_CHECK_WARN), "warn");
	CHECK_STR(tdx_check_status_name(TDX_CHECK_FAIL), "fail");
	CHECK_STR(tdx_check_status_name(TDX_CHECK_SKIP), "skip");
}

/*
 * The evidence rule, for every check of the catalogue (a check added later included): a failure
 * of an "observed" check is recorded as a warning, and as a failure only in a strict report;
 * every other failure stays one. Passes, warnings and skips are never changed.
 */
static void test_evidence(void)
{
	static const char *const names[] = { "kernel", "spec", "tool", "observed" };
	unsigned int observed = 0;

	for (unsigned int i = 0; i < TDX_CHK__COUNT; i++) {
		enum tdx_check_id id = (enum tdx_check_id)i;
		enum tdx_evidence ev = tdx_check_evidence(id);
		bool obs = ev == TDX_EVIDENCE_OBSERVED;
		struct tdx_report *r, *strict;

		if (!CHECK((unsigned int)ev < 4))
			continue;
		CHECK_STR(tdx_evidence_name(ev), names[ev]);
		observed += obs;
		if (tdx_report_new(&r) || tdx_report_new(&strict))
			exit(1);
		tdx_report_set_strict(strict, true);
		CHECK(!tdx_report_get_strict(r) && tdx_report_get_strict(strict));
		for (int st = TDX_CHECK_PASS; st <= TDX_CHECK_SKIP; st++) {
			CHECK_INT(tdx_report_fact(r, id, (enum tdx_check_status)st,
						  TDX_FND_COMPAT_CPU_LISTED, TDX_FACT_U(st),
						  TDX_FACT_U(0)), 0);
			CHECK_INT(tdx_report_fact(strict, id, (enum tdx_check_status)st,
						  TDX_FND_COMPAT_CPU_LISTED, TDX_FACT_U(st),
						  TDX_FACT_U(0)), 0);
			CHECK_INT(tdx_report_status(strict, (size_t)st), st);
			if (st == TDX_CHECK_FAIL && obs)
				CHECK_INT(tdx_report_status(r, (size_t)st), TDX_CHECK_WARN);
			else
				CHECK_INT(tdx_report_status(r, (size_t)st), st);
		}
		/*
		 * The downgraded result says so as a fact, and carries the remedy a front end words
		 * (tdxctl: --strict); the finding and its facts are what was found, unchanged by
		 * the grading, which is worded in cli/.
		 */
		for (int st = TDX_CHECK_PASS; st <= TDX_CHECK_SKIP; st++) {
			CHECK_INT(tdx_report_observed(r, (size_t)st), obs && st == TDX_CHECK_FAIL);
			CHECK_INT(tdx_report_observed(strict, (size_t)st), obs && st == TDX_CHECK_FAIL);
			CHECK_INT(tdx_report_finding(r, (size_t)st), TDX_FND_COMPAT_CPU_LISTED);
			CHECK_INT(tdx_report_fact_get(r, (size_t)st, 0)->u, (uint64_t)st);
		}
		if (obs) {
			CHECK_INT(tdx_report_remedies(r, TDX_CHECK_FAIL), TDX_REMEDY_STRICT);
			CHECK_INT(tdx_report_remedies(strict, TDX_CHECK_FAIL), 0);
		}
		if (!obs)
			CHECK_INT(tdx_report_remedies(r, TDX_CHECK_FAIL), 0);
		CHECK_INT(tdx_report_outcome(r), obs ? TDX_OUTCOME_OK : tdx_check_outcome(id));
		CHECK_INT(tdx_report_outcome(strict), tdx_check_outcome(id));
		CHECK_INT(tdx_report_grade(NULL, id, TDX_CHECK_FAIL),
			  obs ? TDX_CHECK_WARN : TDX_CHECK_FAIL);
		tdx_report_free(r);
		tdx_report_free(strict);
	}
	CHECK(observed > 0);
	CHECK_INT(tdx_check_evidence(TDX_CHK_SIGSTRUCT_RESERVED3), TDX_EVIDENCE_OBSERVED);
	CHECK_INT(tdx_check_evidence(TDX_CHK_SIGNATURE), TDX_EVIDENCE_SPEC);
	CHECK_INT(tdx_check_evidence(TDX_CHK_CONTAINER_MODULE_PAGES), TDX_EVIDENCE_KERNEL);
	CHECK_INT(tdx_check_evidence(TDX_CHK_COMPAT_MIN_RUNNING), TDX_EVIDENCE_TOOL);
	CHECK_INT(tdx_check_evidence(TDX_CHK__COUNT), TDX_EVIDENCE_KERNEL);
}

static void test_report(void)
{
	struct tdx_report *r;
	size_t i = 99;

	CHECK_INT(tdx_report_new(&r), 0);
	CHECK_INT(tdx_report_count(r), 0);
	tdx_report_add_remedy(r, TDX_REMEDY_REINSTALL);	/* no result yet: nothing */
	tdx_report_add_remedy(NULL, TDX_REMEDY_REINSTALL);
	CHECK_INT(tdx_report_remedies(r, 0), 0);
	CHECK_INT(tdx_report_remedies(NULL, 0), 0);
	CHECK_INT(tdx_report_first_failure(r, &i), -ENOENT);
	CHECK_INT(tdx_report_outcome(r), TDX_OUTCOME_OK);
	CHECK_INT(tdx_report_fact(r, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_PASS,
				  TDX_FND_COMPAT_IMAGE_VERSION, TDX_FACT_S("size 4096")), 0);
	CHECK_INT(tdx_report_fact(r, TDX_CHK_CONTAINER_CHECKSUM, TDX_CHECK_WARN,
				  TDX_FND_COMPAT_IMAGE_VERSION, TDX_FACT_S("sum")), 0);
	/* Remedies go to the result added last, and add up. */
	tdx_report_add_remedy(r, TDX_REMEDY_GIVE_MAPPING);
	tdx_report_add_remedy(r, TDX_REMEDY_MODULE_NAME);
	CHECK_INT(tdx_report_remedies(r, 0), 0);
	CHECK_INT(tdx_report_remedies(r, 1), TDX_REMEDY_GIVE_MAPPING | TDX_REMEDY_MODULE_NAME);
	CHECK_INT(tdx_report_remedies(r, 2), 0);
	CHECK_INT(tdx_report_first_failure(r, &i), -ENOENT);
	CHECK_INT(tdx_report_outcome(r), TDX_OUTCOME_OK);
	CHECK_INT(tdx_report_fact(r, TDX_CHK_HOST_LOCK, TDX_CHECK_FAIL,
				  TDX_FND_COMPAT_IMAGE_VERSION, TDX_FACT_S("locked by pid 1")), 0);
	CHECK_INT(tdx_report_fact(r, TDX_CHK_SIGNER, TDX_CHECK_FAIL,
				  TDX_FND_COMPAT_CPU_LISTED, TDX_FACT_U(0x806f8), TDX_FACT_U(0x806f0)), 0);
	CHECK_INT(tdx_report_fact(r, TDX_CHK_SEAMHASH, TDX_CHECK_SKIP, TDX_FND_NOT_RUN,
				  TDX_FACT_F(TDX_FND_COMPAT_NO_IMAGE_VERSION)), 0);
	CHECK_INT(tdx_report_count(r), 5);
	CHECK_INT(tdx_report_first_failure(r, &i), 0);
	CHECK_INT(i, 2);
	CHECK_INT(tdx_report_outcome(r), TDX_OUTCOME_RETRY);
	CHECK_INT(tdx_report_id(r, 3), TDX_CHK_SIGNER);
	CHECK_INT(tdx_report_status(r, 4), TDX_CHECK_SKIP);
	/* The facts are copies, in the catalogue's order, with their types. */
	CHECK_INT(tdx_report_fact_count(r, 0), 1);
	CHECK_STR(tdx_report_fact_get(r, 0, 0)->s, "size 4096");
	CHECK_INT(tdx_report_fact_get(r, 0, 0)->type, TDX_FACT_STR);
	CHECK(tdx_report_fact_get(r, 0, 1) == NULL);
	CHECK_STR(tdx_report_fact_get(r, 2, 0)->s, "locked by pid 1");
	CHECK_INT(tdx_report_finding(r, 3), TDX_FND_COMPAT_CPU_LISTED);
	CHECK_INT(tdx_report_fact_get(r, 3, 1)->u, 0x806f0);
	CHECK_INT(tdx_report_fact_get(r, 4, 0)->type, TDX_FACT_FINDING);
	CHECK_INT(tdx_report_fact_get(r, 4, 0)->u, TDX_FND_COMPAT_NO_IMAGE_VERSION);
	CHECK_STR(tdx_finding_name(TDX_FND_COMPAT_CPU_LISTED), "compat.cpu_listed");
	CHECK_STR(tdx_finding_fact_name(TDX_FND_COMPAT_CPU_LISTED, 1), "cpuid_masked");
	CHECK_STR(tdx_finding_fact_name(TDX_FND_COMPAT_CPU_LISTED, 2), "");
	CHECK_STR(tdx_finding_name(TDX_FND__COUNT), "unknown");
	CHECK_INT(tdx_report_count_status(r, TDX_CHECK_PASS), 1);
	CHECK_INT(tdx_report_count_status(r, TDX_CHECK_WARN), 1);
	CHECK_INT(tdx_report_count_status(r, TDX_CHECK_FAIL), 2);
	CHECK_INT(tdx_report_count_status(r, TDX_CHECK_SKIP), 1);
	for (int n = 0; n < 100; n++)		/* growth past the first allocation */
		CHECK_INT(tdx_report_fact(r, TDX_CHK_ELF_ENTRY, TDX_CHECK_PASS,
					  TDX_FND_COMPAT_CPU_LISTED, TDX_FACT_U(n), TDX_FACT_U(0)), 0);
	CHECK_INT(tdx_report_count(r), 105);
	CHECK_INT(tdx_report_fact_get(r, 104, 0)->u, 99);
	tdx_report_free(r);
	tdx_report_free(NULL);
	CHECK_INT(tdx_report_fact(NULL, TDX_CHK_SIGNER, TDX_CHECK_FAIL, TDX_FND_COMPAT_IMAGE_VERSION,
				  TDX_FACT_S("ignored")), 0);
}

/* The definition, one word at a time: what the eight-byte version must agree with. */
static uint16_t checksum_ref(const uint8_t *buf, size_t len)
{
	uint16_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum = (uint16_t)(sum + (buf[i] | buf[i + 1] << 8));
	if (i < len)
		sum = (uint16_t)(sum + buf[i]);
	return sum;
}

/*
 * Every length from 0 to 40 at every start offset up to 8 (the tail and unaligned loads), and
 * the largest file tdxctl reads, all 0xff and then pseudo-random: lanes near their limit, and
 * more than one fold of them.
 */
static void test_checksum_wide(void)
{
	size_t big_len = TDX_READ_MAX_SIZE + 3;
	uint8_t *big = malloc(big_len);
	uint32_t x = 2463534242u;
	unsigned int bad = 0;

	if (!big) {
		CHECK(big != NULL);
		return;
	}
	memset(big, 0xff, big_len);
	CHECK_INT(tdx_checksum16(big, big_len), checksum_ref(big, big_len));
	CHECK_INT(tdx_checksum16(big, big_len - 3), (uint16_t)(0xffff * ((big_len - 3) / 2)));
	for (size_t i = 0; i < big_len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[i] = (uint8_t)x;
	}
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 40; len++)
			bad += tdx_checksum16(big + off, len) != checksum_ref(big + off, len);
	CHECK_INT(bad, 0);
	CHECK_INT(tdx_checksum16(big, big_len), checksum_ref(big, big_len));
	CHECK_INT(tdx_checksum16(big + 1, big_len - 1), checksum_ref(big + 1, big_len - 1));
	free(big);
}

static void test_checksum(void)
{
	static const uint8_t a[] = { 0x01, 0x02, 0x03, 0x04 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	static const uint8_t carry[] = { 0xff, 0xff, 0x02, 0x00 };
	static const uint8_t zero_sum[] = { 0x34, 0x12, 0xcc, 0xed };
	uint8_t big[4096];

	CHECK_INT(tdx_checksum16(a, 0), 0);
	CHECK_INT(tdx_checksum16(a, sizeof(a)), 0x0604);
	CHECK_INT(tdx_checksum16(odd, sizeof(odd)), 0x0204);	/* odd last byte: low byte */
	CHECK_INT(tdx_checksum16(odd, 1), 0x0001);
	CHECK_INT(tdx_checksum16(carry, sizeof(carry)), 0x0001);	/* carries dropped */
	CHECK_INT(tdx_checksum16(zero_sum, sizeof(zero_sum)), 0);
	memset(big, 0xff, sizeof(big));
	CHECK_INT(tdx_checksum16(big, sizeof(big)), (uint16_t)(0xffff * 2048));
	test_checksum_wide();
}

/* The one errno-to-outcome mapping, site by site: the exit codes of every command rest on it. */
static void test_outcome_from_errno(void)
{
	static const struct {
		int err;
		enum tdx_errno_site site;
		enum tdx_outcome want;
	} rows[] = {
		{ 0, TDX_ERRNO_INPUT, TDX_OUTCOME_OK },
		{ 0, TDX_ERRNO_HOST, TDX_OUTCOME_OK },
		{ 0, TDX_ERRNO_OUTPUT, TDX_OUTCOME_OK },
		{ 0, TDX_ERRNO_WORK, TDX_OUTCOME_OK },
		{ -ENOMEM, TDX_ERRNO_INPUT, TDX_OUTCOME_FAILED },
		{ -ENOMEM, TDX_ERRNO_HOST, TDX_OUTCOME_FAILED },
		{ -ENOMEM, TDX_ERRNO_OUTPUT, TDX_OUTCOME_FAILED },
		{ -ENOMEM, TDX_ERRNO_WORK, TDX_OUTCOME_FAILED },
		{ -EINTR, TDX_ERRNO_INPUT, TDX_OUTCOME_INTERRUPTED },
		{ -EINTR, TDX_ERRNO_HOST, TDX_OUTCOME_INTERRUPTED },
		{ -EINTR, TDX_ERRNO_OUTPUT, TDX_OUTCOME_INTERRUPTED },
		{ -EINTR, TDX_ERRNO_WORK, TDX_OUTCOME_INTERRUPTED },
		/* An input file: missing or unreadable alike are input errors (sysexits). */
		{ -ENOENT, TDX_ERRNO_INPUT, TDX_OUTCOME_INPUT },
		{ -EACCES, TDX_ERRNO_INPUT, TDX_OUTCOME_INPUT },
		{ -EPERM, TDX_ERRNO_INPUT, TDX_OUTCOME_INPUT },
		{ -EINVAL, TDX_ERRNO_INPUT, TDX_OUTCOME_INPUT },
		{ -EIO, TDX_ERRNO_INPUT, TDX_OUTCOME_INPUT },
		{ -EBADMSG, TDX_ERRNO_INPUT, TDX_OUTCOME_INVALID_IMAGE },
		/* The host's state: privileges, or someone else holding it. */
		{ -EACCES, TDX_ERRNO_HOST, TDX_OUTCOME_PERMISSION },
		{ -EPERM, TDX_ERRNO_HOST, TDX_OUTCOME_PERMISSION },
		{ -EROFS, TDX_ERRNO_HOST, TDX_OUTCOME_PERMISSION },
		{ -EBUSY, TDX_ERRNO_HOST, TDX_OUTCOME_RETRY },
		{ -EAGAIN, TDX_ERRNO_HOST, TDX_OUTCOME_RETRY },
		{ -EWOULDBLOCK, TDX_ERRNO_HOST, TDX_OUTCOME_RETRY },
		{ -EALREADY, TDX_ERRNO_HOST, TDX_OUTCOME_RETRY },
		{ -ETIMEDOUT, TDX_ERRNO_HOST, TDX_OUTCOME_RETRY },
		{ -EEXIST, TDX_ERRNO_HOST, TDX_OUTCOME_FAILED },
		{ -ESRCH, TDX_ERRNO_HOST, TDX_OUTCOME_FAILED },
		{ -EIO, TDX_ERRNO_HOST, TDX_OUTCOME_FAILED },
		{ -EBADMSG, TDX_ERRNO_HOST, TDX_OUTCOME_FAILED },
		/* An output file. */
		{ -EACCES, TDX_ERRNO_OUTPUT, TDX_OUTCOME_OUTPUT },
		{ -EEXIST, TDX_ERRNO_OUTPUT, TDX_OUTCOME_OUTPUT },
		{ -ENOSPC, TDX_ERRNO_OUTPUT, TDX_OUTCOME_OUTPUT },
		{ -EIO, TDX_ERRNO_OUTPUT, TDX_OUTCOME_OUTPUT },
		/* The library's own work: a failed check, or anything else. */
		{ -EBADMSG, TDX_ERRNO_WORK, TDX_OUTCOME_INVALID_IMAGE },
		{ -EINVAL, TDX_ERRNO_WORK, TDX_OUTCOME_FAILED },
		{ -EACCES, TDX_ERRNO_WORK, TDX_OUTCOME_FAILED },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum tdx_outcome got = tdx_outcome_from_errno(rows[i].err, rows[i].site);

		test_check(got == rows[i].want, __FILE__, __LINE__, "errno %d site %d: %s, want %s",
			   rows[i].err, (int)rows[i].site, tdx_outcome_name(got),
			   tdx_outcome_name(rows[i].want));
	}
	CHECK_INT(tdx_outcome_from_errno(-EIO, (enum tdx_errno_site)99), TDX_OUTCOME_FAILED);
}

int main(void)
{
	test_outcome_from_errno();
	test_catalogue();
	test_evidence();
	test_report();
	test_checksum();
	return test_finish();
}
