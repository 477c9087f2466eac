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
	struct tdx_fact l = TDX_FACT_S("1.5.00,2.0.00"), l1 = TDX_FACT_S("2.0.03");
	const struct tdx_fact *fl[] = { &l }, *fl1[] = { &l1 };
	struct tdx_fact bu = TDX_FACT_S("vm1:live:12,a:stale:31,b:late:,c:expired:5,d:expired:");
	const struct tdx_fact *fbu[] = { &bu };
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
	expect("or_later", finding_fill("{image_version:or_later}", t, fl, 1),
	       "1.5.00 or later of 1.5.x, or 2.0.00 or later of 2.0.x");
	expect("or_later, one", finding_fill("{image_version:or_later}", t, fl1, 1),
	       "2.0.03 or later of 2.0.x");
	expect("builds", finding_fill("{image_version:builds}", t, fbu, 1),
	       "vm1 (pid 12), a (stale: owner pid 31 is gone), b (recorded after the gate closed), "
	       "c (expired 5 s ago), d (expired)");
}

int main(void)
{
	check_catalogue();
	check_report();
	check_forms();
	printf("%s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}
