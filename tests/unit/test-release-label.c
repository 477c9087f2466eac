// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure judgement of the releases found in a folder (lib/rules/release-label.c), on
 * hand-made candidates with no file behind them: their order, one candidate per release when
 * Intel ships a blob and a pair, the newest installable one, and the reason for a label.
 * test-compat.c takes real folders through the scan and the labelling.
 */
#include <errno.h>

#include "test.h"
#include "rules-private.h"

#define V(a, b, c)	{ .major = (a), .minor = (b), .update = (c) }

static struct tdx_candidate blob(const char *path, struct tdx_version v)
{
	return (struct tdx_candidate){ .path = (char *)path, .have_version = true, .version = v };
}

static struct tdx_candidate pair(const char *path, const char *sig, struct tdx_version v)
{
	struct tdx_candidate c = blob(path, v);

	c.sig_path = (char *)sig;
	return c;
}

/* Oldest first, unknown versions last, a blob before the pair of its version, then by path. */
static void test_sort(void)
{
	struct tdx_candidate items[] = {
		{ .path = (char *)"b/none.blob" },
		pair("p/1.5.16.bin", "p/1.5.16.sigstruct", (struct tdx_version)V(1, 5, 16)),
		blob("z/2.0.01.blob", (struct tdx_version)V(2, 0, 1)),
		{ .path = (char *)"a/none.blob" },
		blob("j/1.5.16.blob", (struct tdx_version)V(1, 5, 16)),
		blob("j/1.5.08.blob", (struct tdx_version)V(1, 5, 8)),
	};
	static const char *const want[] = { "j/1.5.08.blob", "j/1.5.16.blob", "p/1.5.16.bin",
					    "z/2.0.01.blob", "a/none.blob", "b/none.blob" };
	struct tdx_releases list = { .count = ARRAY_SIZE(items), .items = items };

	tdx_releases_sort(&list);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		CHECK_STR(tdx_releases_get(&list, i)->path, want[i]);
	CHECK(tdx_releases_get(&list, ARRAY_SIZE(want)) == NULL);
	CHECK_INT(tdx_releases_count(NULL), 0);
}

/*
 * A pair of a blob's version becomes its alt_path; a pair alone, a second pair of that
 * version, or a pair of no version stays a candidate of its own.
 */
static void test_dedup(void)
{
	struct tdx_candidate items[] = {
		blob("j/1.5.08.blob", (struct tdx_version)V(1, 5, 8)),
		blob("j/1.5.16.blob", (struct tdx_version)V(1, 5, 16)),
		pair("s/1.5.16.bin", "s/1.5.16.sigstruct", (struct tdx_version)V(1, 5, 16)),
		pair("t/1.5.16.bin", "t/1.5.16.sigstruct", (struct tdx_version)V(1, 5, 16)),
		pair("s/1.5.20.bin", "s/1.5.20.sigstruct", (struct tdx_version)V(1, 5, 20)),
		{ .path = (char *)"x/none.bin", .sig_path = (char *)"x/none.sigstruct" },
	};
	struct tdx_releases list = { .count = ARRAY_SIZE(items), .items = items };
	const struct tdx_candidate *c;

	tdx_releases_dedup(NULL, &list);
	CHECK_INT(tdx_releases_count(&list), 5);
	c = tdx_releases_get(&list, 1);
	CHECK_STR(c->path, "j/1.5.16.blob");
	CHECK_STR(c->alt_path, "s/1.5.16.bin");
	CHECK_STR(c->alt_sig_path, "s/1.5.16.sigstruct");
	CHECK(tdx_releases_get(&list, 0)->alt_path == NULL);
	CHECK_STR(tdx_releases_get(&list, 2)->path, "t/1.5.16.bin");
	CHECK_STR(tdx_releases_get(&list, 3)->path, "s/1.5.20.bin");
	CHECK(tdx_releases_get(&list, 3)->alt_path == NULL);
	CHECK_STR(tdx_releases_get(&list, 4)->path, "x/none.bin");
}

/*
 * The newest labelled installable one with a version, the first of equals; unlabelled ones,
 * other labels and installable ones of no version are never picked.
 */
static void test_pick_latest(void)
{
	struct tdx_candidate items[] = {
		blob("a", (struct tdx_version)V(1, 5, 8)),
		blob("b", (struct tdx_version)V(1, 5, 16)),
		blob("c", (struct tdx_version)V(1, 5, 16)),
		blob("d", (struct tdx_version)V(1, 5, 20)),
		blob("e", (struct tdx_version)V(2, 0, 1)),
		{ .path = (char *)"f" },
	};
	struct tdx_releases list = { .count = ARRAY_SIZE(items), .items = items };
	size_t idx = 99;

	CHECK_INT(tdx_releases_pick_latest(&list, &idx), -ENOENT);	/* none labelled */
	CHECK_INT(idx, 99);
	for (size_t i = 0; i < ARRAY_SIZE(items); i++) {
		items[i].labelled = true;
		items[i].label = TDX_LABEL_INSTALLABLE;
	}
	items[3].labelled = false;		/* 1.5.20: not labelled */
	items[4].label = TDX_LABEL_OTHER_LINE;	/* 2.0.01 */
	items[5].label = TDX_LABEL_INSTALLABLE;	/* no version */
	CHECK_INT(tdx_releases_pick_latest(&list, &idx), 0);
	CHECK_INT(idx, 1);			/* b, the first of the two 1.5.16 */
	items[1].label = TDX_LABEL_RUNNING;
	CHECK_INT(tdx_releases_pick_latest(&list, &idx), 0);
	CHECK_INT(idx, 2);
	items[0].label = items[2].label = TDX_LABEL_OLDER;
	CHECK_INT(tdx_releases_pick_latest(&list, &idx), -ENOENT);
	CHECK_INT(tdx_releases_pick_latest(NULL, &idx), -ENOENT);
}

/* The first failed check (its index, for the front end to word) and remedies; else the error. */
static void test_reason(void)
{
	struct tdx_candidate c = blob("a", (struct tdx_version)V(1, 5, 8));
	struct tdx_report *rep;
	size_t i = 99;

	CHECK_INT(tdx_candidate_reason(&c, &i), 0);
	CHECK_INT(tdx_candidate_reason(NULL, &i), 0);
	if (tdx_report_new(&rep) < 0)
		abort();
	c.report = rep;
	CHECK_INT(tdx_candidate_reason(&c, &i), 0);
	CHECK_INT(tdx_candidate_reason_remedies(&c), 0);
	c.error = -EACCES;
	CHECK_INT(tdx_candidate_reason(&c, &i), -EACCES);
	CHECK_INT(tdx_report_fact(rep, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_PASS,
				  TDX_FND_COMPAT_IMAGE_VERSION, TDX_FACT_S("1.5.08")), 0);
	CHECK_INT(tdx_report_fact(rep, TDX_CHK_COMPAT_CPU, TDX_CHECK_FAIL,
				  TDX_FND_COMPAT_CPU_TABLE_EMPTY, TDX_FACT_U(0x806F8),
				  TDX_FACT_U(0x806F0)), 0);
	tdx_report_add_remedy(rep, TDX_REMEDY_ALLOW_DEBUG);
	CHECK_INT(tdx_report_fact(rep, TDX_CHK_COMPAT_SVN, TDX_CHECK_FAIL,
				  TDX_FND_COMPAT_SVN_MINOR_BELOW, TDX_FACT_U(4), TDX_FACT_U(5)), 0);
	tdx_report_add_remedy(rep, TDX_REMEDY_REINSTALL);
	CHECK_INT(tdx_candidate_reason(&c, &i), 1);
	CHECK_INT(i, 1);
	CHECK_INT(tdx_report_finding(rep, i), TDX_FND_COMPAT_CPU_TABLE_EMPTY);
	CHECK_INT(tdx_candidate_reason_remedies(&c), TDX_REMEDY_ALLOW_DEBUG);
	CHECK_INT(tdx_release_label_from_report(rep, TDX_COMPAT_INCOMPATIBLE), TDX_LABEL_CPU);
	tdx_report_free(rep);
}

int main(void)
{
	test_sort();
	test_dedup();
	test_pick_latest();
	test_reason();
	return test_finish();
}
