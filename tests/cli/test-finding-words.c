// SPDX-License-Identifier: GPL-2.0-only
/*
 * The findings and their words (lib/findings/, cli/words/, cli/finding-words.c): every finding
 * has words, every fact a template names exists, the forms render exactly, and a result whose
 * facts do not match its catalogue entry is refused by the library.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxctl.h"

static int failures;

#define FAIL(...) do { fprintf(stderr, "FAIL: " __VA_ARGS__); fputc('\n', stderr); \
		       failures++; } while (0)

/*
 * Keys the QEMU guest tests read from update's pretty JSON by the first match
 * (tests/vm-tdxctl/guest-lib.sh json_str): a fact of the same name inside a check would be
 * taken for them.
 */
static const char *const reserved[] = {
	"attempts", "format", "image", "image_sha", "kernel_error", "mapping", "module_version",
	"new_version", "outcome", "remaining_updates", "seamldr_version", "size", "td_builds",
	"td_builds_ignored", "status", "duration_ms", "check", "message", "finding", "facts",
	"evidence", "exit_code", "version", "path",
};

static bool is_fact(enum tdx_finding f, const char *name, size_t len)
{
	for (size_t k = 0; k < tdx_finding_fact_count(f); k++) {
		const char *n = tdx_finding_fact_name(f, k);

		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return true;
	}
	return false;
}

static void check_catalogue(void)
{
	for (unsigned int i = 0; i < TDX_FND__COUNT; i++) {
		enum tdx_finding f = (enum tdx_finding)i, back;
		const char *t = finding_template(f), *name = tdx_finding_name(f);

		if (!name[0] || tdx_finding_lookup(name, &back) < 0 || back != f)
			FAIL("finding %u: name \"%s\" is empty or not unique", i, name);
		for (size_t k = 0; k < tdx_finding_fact_count(f); k++)
			for (size_t r = 0; r < sizeof(reserved) / sizeof(reserved[0]); r++)
				if (strcmp(tdx_finding_fact_name(f, k), reserved[r]) == 0)
					FAIL("finding %s: fact \"%s\" is a key the VM tests read",
					     name, reserved[r]);
		if (!t) {
			FAIL("finding %s has no words in cli/words/", name);
			continue;
		}
		for (const char *p = t; *p; p++) {
			const char *end, *colon;

			if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
				p++;
				continue;
			}
			if (*p != '{')
				continue;
			end = strchr(p, '}');
			if (!end) {
				FAIL("finding %s: unclosed brace in \"%s\"", name, t);
				break;
			}
			colon = memchr(p, ':', (size_t)(end - p));
			if (!colon)
				colon = end;
			if (!is_fact(f, p + 1, (size_t)(colon - p - 1)))
				FAIL("finding %s: \"%s\" names %.*s, not one of its facts", name, t,
				     (int)(colon - p - 1), p + 1);
			/* {total:more:list}: the list is a fact too. */
			if (end - colon > 5 && memcmp(colon + 1, "more:", 5) == 0 &&
			    !is_fact(f, colon + 6, (size_t)(end - colon - 6)))
				FAIL("finding %s: \"%s\" names list %.*s, not one of its facts", name,
				     t, (int)(end - colon - 6), colon + 6);
			p = end;
		}
	}
}

static void expect(const char *what, char *got, const char *want)
{
	if (!got || strcmp(got, want) != 0)
		FAIL("%s: \"%s\", expected \"%s\"", what, got ? got : "(null)", want);
	free(got);
}

/* Results through a report as every command renders them, and the library's refusals. */
static void check_report(void)
{
	static const uint8_t magic[] = { 0x54, 0x44, 0x58, 0x2d };
	struct tdx_report *r;

	if (tdx_report_new(&r) < 0)
		exit(1);
	if (tdx_report_fact(r, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_SKIP, TDX_FND_NOT_RUN,
			    TDX_FACT_F(TDX_FND_COMPAT_NO_IMAGE_VERSION)) != 0)
		FAIL("a well-formed result was not recorded");
	if (tdx_report_fact(r, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_SKIP, TDX_FND_NOT_RUN) !=
	    -EINVAL)
		FAIL("a result with too few facts was recorded");
	if (tdx_report_fact(r, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_SKIP, TDX_FND_NOT_RUN,
			    TDX_FACT_F(TDX_FND_COMPAT_NO_IMAGE_VERSION), TDX_FACT_U(1)) != -EINVAL)
		FAIL("a result with too many facts was recorded");
	if (tdx_report_fact(r, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_PASS, TDX_FND_COMPAT_IMAGE_VERSION,
			    TDX_FACT_B(magic, TDX_FACT_BYTES_MAX + 1)) != -EINVAL)
		FAIL("a result with an oversized byte fact was recorded");
	if (tdx_report_fact(r, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_PASS, TDX_FND_NOT_RUN,
			    TDX_FACT_F(TDX_FND__COUNT)) != -EINVAL)
		FAIL("a result whose cause is no finding was recorded");
	if (tdx_report_fact(r, TDX_CHK_CONTAINER_SIZE, TDX_CHECK_SKIP, TDX_FND_NOT_RUN,
			    TDX_FACT_F(TDX_FND_COMPAT_IMAGE_VERSION)) != 0)
		FAIL("a result with a cause that has facts was not recorded");
	if (tdx_report_count(r) != 2)
		FAIL("%zu results recorded, expected 2", tdx_report_count(r));
	expect("cause", report_result_words(r, 0), "not run: image version unknown");
	/* A cause with facts of its own cannot be worded without them: its name stands. */
	expect("cause with facts", report_result_words(r, 1), "not run: compat.image_version");
	if (tdx_report_copy(r, r, 0, TDX_CHECK_FAIL) != 0 || tdx_report_count(r) != 3 ||
	    tdx_report_finding(r, 2) != TDX_FND_NOT_RUN ||
	    tdx_report_status(r, 2) != TDX_CHECK_FAIL ||
	    tdx_report_fact_get(r, 2, 0)->u != TDX_FND_COMPAT_NO_IMAGE_VERSION)
		FAIL("a copied result lost its finding or status");
	tdx_report_free(r);
}

/* The template language, on templates of the tests' own, over compat.image_version's one fact. */
static void check_forms(void)
{
	static const uint8_t magic[] = { 0x54, 0x44, 0x58, 0x2d };
	struct tdx_fact u = TDX_FACT_U(0x2a), b = TDX_FACT_B(magic, sizeof(magic));
	struct tdx_fact one = TDX_FACT_U(1), s = TDX_FACT_S("abc"), c = TDX_FACT_F(TDX_FND_COMPAT_NO_IMAGE_VERSION);
	const struct tdx_fact *fu[] = { &u }, *fb[] = { &b }, *f1[] = { &one }, *fs[] = { &s };
	struct tdx_fact e = TDX_FACT_U(EACCES);
	const struct tdx_fact *fc[] = { &c }, *fe[] = { &e };
	enum tdx_finding t = TDX_FND_COMPAT_IMAGE_VERSION;

	expect("decimal", finding_fill("n={image_version}.", t, fu, 1), "n=42.");
	expect("hex", finding_fill("{image_version:x}", t, fu, 1), "2a");
	expect("hex8", finding_fill("0x{image_version:x8}", t, fu, 1), "0x0000002a");
	expect("HEX4", finding_fill("{image_version:X4}", t, fu, 1), "002A");
	expect("plural", finding_fill("{image_version} page{image_version:plural}", t, fu, 1), "42 pages");
	expect("errno", finding_fill("{image_version:errno}", t, fe, 1), "Permission denied");
	expect("singular", finding_fill("{image_version} page{image_version:plural}", t, f1, 1), "1 page");
	expect("string", finding_fill("\"{image_version}\"", t, fs, 1), "\"abc\"");
	expect("bytes", finding_fill("{image_version}", t, fb, 1), "5444582d");
	expect("spaced", finding_fill("{image_version:hexsp}", t, fb, 1), "54 44 58 2d");
	expect("braces", finding_fill("{{x}} {image_version}", t, fu, 1), "{x} 42");
	expect("cause", finding_fill("({image_version})", t, fc, 1), "(image version unknown)");
	expect("no such fact", finding_fill("{size}", t, fu, 1), "{?size}");
	expect("missing fact", finding_fill("{image_version}", t, fu, 0), "{?image_version}");
	expect("bad form", finding_fill("{image_version:q}", t, fu, 1), "{?image_version:q}");
	expect("form for bytes", finding_fill("{image_version:x}", t, fb, 1), "{?image_version:x}");
	expect("form for a string", finding_fill("{image_version:x}", t, fs, 1), "{?image_version:x}");
	expect("unclosed", finding_fill("a {image_version", t, fu, 1), "a {image_version");
	expect("no words", finding_fill(NULL, t, fu, 1),
	       "compat.image_version: image_version=42");
	expect("catalogue", finding_words(t, fs, 1), "image version abc");
}

/* A list of the tests' own, one fact of compat.image_version, in @form. */
static char *list_words_of(const char *t, const struct tdx_fact *items, size_t n)
{
	struct tdx_fact l = TDX_FACT_L(items, n);
	const struct tdx_fact *fl[] = { &l };

	return finding_fill(t, TDX_FND_COMPAT_IMAGE_VERSION, fl, 1);
}

/* The list forms: plain, per item, count, and the record forms of cli/words/lists.def. */
static void check_lists(void)
{
	const struct tdx_fact nums[] = { TDX_FACT_U(1), TDX_FACT_U(0x2a), TDX_FACT_U(255) };
	const struct tdx_fact one[] = { TDX_FACT_S("abc") };
	const struct tdx_fact s150[] = { TDX_FACT_S("1.5.00"), TDX_FACT_U(1), TDX_FACT_U(5) };
	const struct tdx_fact s200[] = { TDX_FACT_S("2.0.00"), TDX_FACT_U(2), TDX_FACT_U(0) };
	const struct tdx_fact s203[] = { TDX_FACT_S("2.0.03"), TDX_FACT_U(2), TDX_FACT_U(0) };
	const struct tdx_fact seamldr[] = { TDX_FACT_L(s150, 3), TDX_FACT_L(s200, 3) };
	const struct tdx_fact seamldr1[] = { TDX_FACT_L(s203, 3) };
	const struct tdx_fact b1[] = { TDX_FACT_S("vm1"), TDX_FACT_S("live"), TDX_FACT_U(12) };
	const struct tdx_fact b2[] = { TDX_FACT_S("a"), TDX_FACT_S("stale"), TDX_FACT_U(31) };
	const struct tdx_fact b3[] = { TDX_FACT_S("b"), TDX_FACT_S("late") };
	const struct tdx_fact b4[] = { TDX_FACT_S("c"), TDX_FACT_S("expired"), TDX_FACT_U(5) };
	const struct tdx_fact b5[] = { TDX_FACT_S("d"), TDX_FACT_S("expired") };
	const struct tdx_fact b6[] = { TDX_FACT_S("vm:2,x"), TDX_FACT_S("live"), TDX_FACT_U(7) };
	const struct tdx_fact builds[] = {
		TDX_FACT_L(b1, 3), TDX_FACT_L(b2, 3), TDX_FACT_L(b3, 2), TDX_FACT_L(b4, 3),
		TDX_FACT_L(b5, 2), TDX_FACT_L(b6, 3),
	};
	const struct tdx_fact odd[] = { TDX_FACT_L(b1, 3), TDX_FACT_L(b1, 2) };
	const struct tdx_fact cpuids[] = { TDX_FACT_U(0x806F0), TDX_FACT_U(0xC06F0) };

	expect("list", list_words_of("({image_version})", nums, 3), "(1, 42, 255)");
	expect("list, one item", list_words_of("({image_version})", one, 1), "(abc)");
	expect("list, empty", list_words_of("({image_version})", NULL, 0), "()");
	expect("list, per item", list_words_of("{image_version:x2}", nums, 3), "01, 2a, ff");
	expect("list, count", list_words_of("{image_version:count}", nums, 3), "3");
	expect("list, count of none", list_words_of("{image_version:count}", NULL, 0), "0");
	expect("list, plural", list_words_of("build{image_version:plural}", nums, 3), "builds");
	expect("list, singular", list_words_of("build{image_version:plural}", one, 1), "build");
	expect("list, records", list_words_of("{image_version}", builds, 3),
	       "vm1 live 12, a stale 31, b late");
	expect("list, no words", list_words_of(NULL, seamldr, 2),
	       "compat.image_version: image_version=1.5.00 1 5, 2.0.00 2 0");
	expect("or_later", list_words_of("{image_version:or_later}", seamldr, 2),
	       "1.5.00 or later of 1.5.x, or 2.0.00 or later of 2.0.x");
	expect("or_later, one", list_words_of("{image_version:or_later}", seamldr1, 1),
	       "2.0.03 or later of 2.0.x");
	expect("builds", list_words_of("{image_version:builds}", builds, 6),
	       "vm1 (pid 12), a (stale: owner pid 31 is gone), b (recorded after the gate closed), "
	       "c (expired 5 s ago), d (expired), vm:2,x (pid 7)");
	expect("builds, empty", list_words_of("[{image_version:builds}]", NULL, 0), "[]");
	expect("cpuid", list_words_of("({image_version:cpuid})", cpuids, 2), "(0x806F0, 0xC06F0)");
	/* A record no row of the form fits: the whole fact unworded, never half of it. */
	expect("builds, unknown record", list_words_of("{image_version:builds}", odd, 2),
	       "{?image_version:builds}");
	expect("builds, not records", list_words_of("{image_version:builds}", nums, 3),
	       "{?image_version:builds}");
	expect("form for a list of strings", list_words_of("{image_version:x}", one, 1),
	       "{?image_version:x}");
	expect("list form on a number", finding_fill("{image_version:builds}",
						     TDX_FND_COMPAT_IMAGE_VERSION,
						     (const struct tdx_fact *[]){ &nums[0] }, 1),
	       "{?image_version:builds}");
}

/*
 * {total:more:list}: a list holds at most TDX_FACT_LIST_MAX items, a count beside it says how
 * many there were; the words say how many more only when some were left out.
 */
static void check_more(void)
{
	const struct tdx_fact nums[] = { TDX_FACT_U(1), TDX_FACT_U(2) };
	struct tdx_fact l = TDX_FACT_L(nums, 2), total = TDX_FACT_U(2);
	const struct tdx_fact *f[] = { &l, &total };
	enum tdx_finding b = TDX_FND_HOST_BUILDS_LIVE;
	const char *t = "({builds}{builds_total:more:builds})";

	expect("more, none left out", finding_fill(t, b, f, 2), "(1, 2)");
	total.u = 1;
	expect("more, fewer than listed", finding_fill(t, b, f, 2), "(1, 2)");
	total.u = 40;
	expect("more, 38 left out", finding_fill(t, b, f, 2), "(1, 2, and 38 more)");
	expect("more of a number", finding_fill("{builds_total:more:builds_total}", b, f, 2),
	       "{?builds_total:more:builds_total}");
	expect("more of no fact", finding_fill("{builds_total:more:size}", b, f, 2),
	       "{?builds_total:more:size}");
	expect("more of a list", finding_fill("{builds:more:builds}", b, f, 2),
	       "{?builds:more:builds}");
}

/* Every row of lists.def words a record of its kind in full: its template names its facts. */
static void check_list_words(void)
{
	for (size_t i = 0; i < list_words_count; i++) {
		const struct list_words *w = &list_words[i];
		struct tdx_fact rec[10], item;
		char t[64];
		bool worded;
		char *got;

		if (w->items < 1 || w->items > 10) {
			FAIL("lists.def %s/%s: %zu facts in a record", w->form, w->kind, w->items);
			continue;
		}
		for (size_t k = 0; k < w->items; k++)
			rec[k] = TDX_FACT_U(k);
		rec[0] = TDX_FACT_S("n");
		if (w->kind[0] && w->items >= 2)
			rec[1] = TDX_FACT_S(w->kind);
		item = w->items == 1 ? rec[0] : TDX_FACT_L(rec, w->items);
		snprintf(t, sizeof(t), "{image_version:%s}", w->form);
		got = list_words_of(t, &item, 1);
		worded = got && !strstr(got, "{?") && strstr(got, "n");
		/* A row of numbers (cpuid): its one fact, 42, in any form. */
		if (!worded && w->items == 1) {
			free(got);
			item = TDX_FACT_U(42);
			got = list_words_of(t, &item, 1);
			worded = got && !strstr(got, "{?") &&
				 (strstr(got, "42") || strstr(got, "2a") || strstr(got, "2A"));
		}
		if (!worded)
			FAIL("lists.def %s/%s: \"%s\" does not word its record (%s)", w->form,
			     w->kind, w->text, got ? got : "(null)");
		free(got);
	}
}

/* Result @i's facts as scripts get them (JSON "facts"), in a new string. */
static char *facts_json_text(const struct tdx_report *r, size_t i)
{
	struct json_object *o = report_facts_json(r, i);
	char *s = o ? strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) : NULL;

	json_object_put(o);
	return s;
}

/*
 * Lists through a report: copied deep (the caller's arrays may go), refused over the cap or
 * nested in a record, worded and given to scripts as JSON arrays.
 */
static void check_report_lists(void)
{
	struct tdx_fact items[TDX_FACT_LIST_MAX + 1], recs[TDX_FACT_LIST_MAX + 1][3];
	struct tdx_fact rec[3], inner[1];
	char names[TDX_FACT_LIST_MAX + 1][8], want[1024];
	struct json_object *o;
	struct tdx_report *r;
	size_t off;

	if (tdx_report_new(&r) < 0)
		exit(1);
	off = (size_t)snprintf(want, sizeof(want), "TD builds in progress: ");
	for (size_t i = 0; i <= TDX_FACT_LIST_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "vm%zu", i);
		recs[i][0] = TDX_FACT_S(names[i]);
		recs[i][1] = TDX_FACT_S("live");
		recs[i][2] = TDX_FACT_U(100 + i);
		items[i] = TDX_FACT_L(recs[i], 3);
		if (i < TDX_FACT_LIST_MAX)
			off += (size_t)snprintf(want + off, sizeof(want) - off, "%svm%zu (pid %zu)",
						i ? ", " : "", i, 100 + i);
	}
	snprintf(want + off, sizeof(want) - off, ": an update now would wait for them, then be "
		 "refused; nothing was changed");
	if (tdx_report_fact(r, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_LIVE,
			    TDX_FACT_L(items, TDX_FACT_LIST_MAX), TDX_FACT_U(TDX_FACT_LIST_MAX)) != 0)
		FAIL("a list at the cap was not recorded");
	if (tdx_report_fact(r, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_LIVE,
			    TDX_FACT_L(items, TDX_FACT_LIST_MAX + 1),
			    TDX_FACT_U(TDX_FACT_LIST_MAX + 1)) != -EINVAL)
		FAIL("a list over the cap was recorded");
	if (tdx_report_fact(r, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_LIVE,
			    TDX_FACT_L(NULL, 1), TDX_FACT_U(1)) != -EINVAL)
		FAIL("a list without its items was recorded");
	inner[0] = TDX_FACT_S("x");
	rec[0] = TDX_FACT_S("vm:1");
	rec[1] = TDX_FACT_S("live");
	rec[2] = TDX_FACT_L(inner, 1);
	if (tdx_report_fact(r, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_LIVE,
			    TDX_FACT_L((const struct tdx_fact[]){ TDX_FACT_L(rec, 3) }, 1),
			    TDX_FACT_U(1)) != -EINVAL)
		FAIL("a record holding a list was recorded");
	rec[2] = TDX_FACT_U(12);
	if (tdx_report_fact(r, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_LIVE,
			    TDX_FACT_L((const struct tdx_fact[]){ TDX_FACT_L(rec, 3) }, 1),
			    TDX_FACT_U(1)) != 0)
		FAIL("a list of one record was not recorded");
	if (tdx_report_fact(r, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_WARN,
			    TDX_FND_HOST_GATE_MINE_IGNORED, TDX_FACT_L(NULL, 0), TDX_FACT_U(0)) != 0)
		FAIL("an empty list was not recorded");
	/* The report's copy is its own: the caller's strings change, the result does not. */
	strcpy(names[0], "gone");
	rec[0] = TDX_FACT_S("gone");
	if (tdx_report_copy(r, r, 1, TDX_CHECK_FAIL) != 0 || tdx_report_count(r) != 4)
		FAIL("a result with a list was not copied");
	expect("list at the cap", report_result_words(r, 0), want);
	expect("record in words", report_result_words(r, 1),
	       "TD builds in progress: vm:1 (pid 12): an update now would wait for them, then be "
	       "refused; nothing was changed");
	expect("copied record in words", report_result_words(r, 3),
	       "TD builds in progress: vm:1 (pid 12): an update now would wait for them, then be "
	       "refused; nothing was changed");
	expect("record as JSON", facts_json_text(r, 1),
	       "{\"builds\":[[\"vm:1\",\"live\",12]],\"builds_total\":1}");
	expect("empty list as JSON", facts_json_text(r, 2), "{\"builds\":[],\"builds_total\":0}");
	o = report_facts_json(r, 0);
	if (!o ||
	    json_object_array_length(json_object_object_get(o, "builds")) != TDX_FACT_LIST_MAX)
		FAIL("a list at the cap is not a JSON array of all its items");
	json_object_put(o);
	/* 40 builds: the first TDX_FACT_LIST_MAX listed, the words say how many more there are. */
	strcpy(names[0], "vm0");
	if (tdx_report_fact(r, TDX_CHK_HOST_TD_BUILDS, TDX_CHECK_FAIL, TDX_FND_HOST_BUILDS_LIVE,
			    TDX_FACT_L(items, TDX_FACT_LIST_MAX), TDX_FACT_U(40)) != 0)
		FAIL("a list of the first of 40 builds was not recorded");
	snprintf(want + off, sizeof(want) - off, ", and 8 more: an update now would wait for them, "
		 "then be refused; nothing was changed");
	expect("40 builds in words", report_result_words(r, 4), want);
	o = report_facts_json(r, 4);
	if (!o ||
	    json_object_array_length(json_object_object_get(o, "builds")) != TDX_FACT_LIST_MAX ||
	    json_object_get_int(json_object_object_get(o, "builds_total")) != 40)
		FAIL("40 builds are not a JSON array of the listed ones and their count");
	json_object_put(o);
	tdx_report_free(r);
}

/*
 * The CPUID table and a TCB level's advisories, lists since issue 26: worded as they were when
 * the library joined them, and with "and N more" past the cap.
 */
static void check_cpuid_advisories_words(void)
{
	struct tdx_fact items[TDX_FACT_LIST_MAX], total, l;
	struct tdx_fact eax = TDX_FACT_U(0xA06D0), ids[2] = { TDX_FACT_S("INTEL-SA-01036"),
							     TDX_FACT_S("INTEL-SA-01099") };
	const struct tdx_fact *cpu[] = { &eax, &eax, &l, &total };
	struct tdx_fact level[] = {
		TDX_FACT_U(1), TDX_FACT_U(5), TDX_FACT_U(4), TDX_FACT_S("TDX_01"),
		TDX_FACT_S("2024-03-13T00:00:00Z"), TDX_FACT_S("OutOfDate"), TDX_FACT_L(ids, 2),
		TDX_FACT_U(2), TDX_FACT_S("00806F050000"), TDX_FACT_U(17),
		TDX_FACT_S("2025-01-01T00:00:00Z"),
	};
	const struct tdx_fact *lf[11];
	char want[1024];
	size_t off;

	items[0] = TDX_FACT_U(0x806F0);
	items[1] = TDX_FACT_U(0xC06F0);
	items[2] = TDX_FACT_U(0xA06F0);
	l = TDX_FACT_L(items, 3);
	total = TDX_FACT_U(3);
	expect("cpuid table", finding_words(TDX_FND_COMPAT_CPU_NOT_LISTED, cpu, 4),
	       "this CPU's CPUID(1).EAX 0xA06D0 (stepping masked: 0xA06D0) is not in the module's "
	       "CPUID table (0x806F0, 0xC06F0, 0xA06F0): the module is not built for this CPU: pick "
	       "a release that lists it");
	off = (size_t)snprintf(want, sizeof(want), "this CPU's CPUID(1).EAX 0xA06D0 (stepping "
			       "masked: 0xA06D0) is not in the module's CPUID table (");
	for (size_t i = 0; i < TDX_FACT_LIST_MAX; i++) {
		items[i] = TDX_FACT_U(0x80000 + i * 0x10);
		off += (size_t)snprintf(want + off, sizeof(want) - off, "%s0x%zX", i ? ", " : "",
					0x80000 + i * 0x10);
	}
	snprintf(want + off, sizeof(want) - off, ", and 8 more): the module is not built for this "
		 "CPU: pick a release that lists it");
	l = TDX_FACT_L(items, TDX_FACT_LIST_MAX);
	total = TDX_FACT_U(40);
	expect("cpuid table of 40", finding_words(TDX_FND_COMPAT_CPU_NOT_LISTED, cpu, 4), want);

	for (size_t i = 0; i < 11; i++)
		lf[i] = &level[i];
	expect("advisories", finding_words(TDX_FND_TCB_LEVEL_BELOW_ADVISORIES, lf, 11),
	       "SVN 1.5 is at level isvsvn 4 of TDX_01 (tcbDate 2024-03-13T00:00:00Z): OutOfDate, "
	       "advisories INTEL-SA-01036, INTEL-SA-01099; verifiers rate TDs on it below UpToDate "
	       "(TCB Info for FMSPC 00806F050000, evaluation 17, issued 2025-01-01T00:00:00Z)");
	level[7] = TDX_FACT_U(40);
	expect("advisories, 38 more", finding_words(TDX_FND_TCB_LEVEL_BELOW_ADVISORIES, lf, 11),
	       "SVN 1.5 is at level isvsvn 4 of TDX_01 (tcbDate 2024-03-13T00:00:00Z): OutOfDate, "
	       "advisories INTEL-SA-01036, INTEL-SA-01099, and 38 more; verifiers rate TDs on it "
	       "below UpToDate (TCB Info for FMSPC 00806F050000, evaluation 17, issued "
	       "2025-01-01T00:00:00Z)");
}

/*
 * The readiness rows as the library records them and tdxctl words them: each build a record, so
 * that a name holding ':' or ',' (tdx_gate_name_valid() allows ':') is worded as it is.
 */
static void check_readiness_words(void)
{
	struct tdx_gate_entry b[3] = { 0 };
	struct tdx_readiness_facts f = { 0 };
	struct tdx_report *r;

	snprintf(b[0].name, sizeof(b[0].name), "vm1");
	b[0].state = TDX_GATE_LIVE;
	b[0].pid = 12;
	snprintf(b[1].name, sizeof(b[1].name), "vm:2");
	b[1].state = TDX_GATE_LIVE;
	b[1].pid = 34;
	snprintf(b[2].name, sizeof(b[2].name), "old:1");
	b[2].state = TDX_GATE_EXPIRED;
	b[2].expires = 995;
	f.builds = b;
	f.n_builds = 3;
	f.builds_live = 2;
	f.builds_ignored = 1;
	f.now = 1000;
	f.run_dir = "/run/tdxctl";
	if (tdx_report_new(&r) < 0)
		exit(1);
	tdx_readiness_judge_rules(&f, TDX_READINESS_BUILDS, r);
	expect("readiness: live builds", tdx_report_count(r) == 1 ? report_result_words(r, 0) :
	       NULL, "TD builds in progress: vm1 (pid 12), vm:2 (pid 34): an update now would "
	       "wait for them, then be refused; nothing was changed");
	tdx_report_free(r);
	f.builds_live = 0;
	f.gate_closed = f.gate_mine = f.gate_tried = true;
	b[0].state = b[1].state = TDX_GATE_STALE;
	if (tdx_report_new(&r) < 0)
		exit(1);
	tdx_readiness_judge_rules(&f, TDX_READINESS_BUILDS, r);
	expect("readiness: ignored builds", tdx_report_count(r) == 1 ?
	       report_result_words(r, 0) : NULL,
	       "no TD build in progress; the TD-build gate is closed by this process; ignored: "
	       "vm1 (stale: owner pid 12 is gone), vm:2 (stale: owner pid 34 is gone), "
	       "old:1 (expired 5 s ago)");
	tdx_report_free(r);
}

int main(void)
{
	check_catalogue();
	check_report();
	check_forms();
	check_lists();
	check_more();
	check_list_words();
	check_report_lists();
	check_readiness_words();
	check_cpuid_advisories_words();
	printf("%s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}
