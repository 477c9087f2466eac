// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of a finding: the library records what a check found as a finding and its facts
 * (lib/findings/); each finding has one template here (cli/words/), filled with the facts. The
 * only place a check result becomes a sentence.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxctl.h"

static const char *const templates[TDX_FND__COUNT] = {
#define TDX_WORDS(sym, text) [TDX_FND_##sym] = (text),
#include "words/common.def"
#include "words/image.def"
#include "words/sigstruct.def"
#include "words/rules.def"
#undef TDX_WORDS
};

const char *finding_template(enum tdx_finding finding)
{
	return (unsigned int)finding < TDX_FND__COUNT ? templates[finding] : NULL;
}

/* The fact named @name (@len bytes) of @finding, or -ENOENT. */
static int fact_index(enum tdx_finding finding, const char *name, size_t len, size_t *k)
{
	for (size_t i = 0; i < tdx_finding_fact_count(finding); i++) {
		const char *f = tdx_finding_fact_name(finding, i);

		if (strlen(f) == len && memcmp(f, name, len) == 0) {
			*k = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* "x", "x8", "X4": hex of a number, zero-padded; -EINVAL for another form. */
static int put_hex_number(FILE *out, const char *form, size_t len, uint64_t v)
{
	unsigned int width = 0;

	if (len < 1 || (form[0] != 'x' && form[0] != 'X'))
		return -EINVAL;
	for (size_t i = 1; i < len; i++) {
		if (form[i] < '0' || form[i] > '9' || width > 16)
			return -EINVAL;
		width = width * 10 + (unsigned int)(form[i] - '0');
	}
	if (form[0] == 'x')
		fprintf(out, "%0*" PRIx64, (int)width, v);
	else
		fprintf(out, "%0*" PRIX64, (int)width, v);
	return 0;
}

static bool form_is(const char *form, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(form, name, len) == 0;
}

/*
 * "or_later": versions joined by commas ("1.5.00,2.0.00"), each the minimum of its major.minor
 * line, as "1.5.00 or later of 1.5.x, or 2.0.00 or later of 2.0.x": the library records the
 * list as data, and a list has no fixed number of facts.
 */
static int put_or_later(FILE *out, const char *list)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ","), line = n;

		while (line && p[line - 1] != '.')
			line--;
		fprintf(out, "%s%.*s or later of %.*s.x", p == list ? "" : ", or ", (int)n, p,
			(int)(line ? line - 1 : n), p);
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/*
 * "builds": TD builds as name:state:number joined by commas (lib/findings/rules.def), as
 * "vm1 (pid 12), a (stale: owner pid 31 is gone), b (expired 5 s ago)".
 */
static int put_builds(FILE *out, const char *list)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ","), name = strcspn(p, ":");
		const char *state = name < n ? p + name + 1 : p + n;
		size_t slen = strcspn(state, ":,");
		const char *num = state + slen + (state[slen] == ':');
		int nlen = (int)(p + n - num);

		if (name > n)
			name = n;
		fprintf(out, "%s%.*s", p == list ? "" : ", ", (int)name, p);
		if (slen == 4 && memcmp(state, "live", 4) == 0)
			fprintf(out, " (pid %.*s)", nlen, num);
		else if (slen == 5 && memcmp(state, "stale", 5) == 0)
			fprintf(out, " (stale: owner pid %.*s is gone)", nlen, num);
		else if (slen == 4 && memcmp(state, "late", 4) == 0)
			fputs(" (recorded after the gate closed)", out);
		else if (nlen > 0)
			fprintf(out, " (expired %.*s s ago)", nlen, num);
		else
			fputs(" (expired)", out);
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* One fact in the form a template asks for; -EINVAL when the form does not fit the fact. */
static int put_fact(FILE *out, const struct tdx_fact *f, const char *form, size_t len)
{
	switch (f->type) {
	case TDX_FACT_U64:
		if (!len)
			fprintf(out, "%" PRIu64, f->u);
		else if (form_is(form, len, "plural"))
			fputs(f->u == 1 ? "" : "s", out);
		else if (form_is(form, len, "errno"))
			fputs(strerror(f->u <= 4095 ? (int)f->u : EINVAL), out);
		else
			return put_hex_number(out, form, len, f->u);
		return 0;
	case TDX_FACT_STR:
		if (len && form_is(form, len, "or_later"))
			return put_or_later(out, f->s);
		if (len && form_is(form, len, "builds"))
			return put_builds(out, f->s);
		if (len)
			return -EINVAL;
		fputs(f->s, out);
		return 0;
	case TDX_FACT_BYTES:
		if (len && !form_is(form, len, "hexsp"))
			return -EINVAL;
		for (size_t i = 0; i < f->n; i++)
			fprintf(out, "%s%02x", len && i ? " " : "", (uint8_t)f->s[i]);
		return 0;
	case TDX_FACT_FINDING: {
		const char *t = finding_template((enum tdx_finding)f->u);

		if (len)
			return -EINVAL;
		/* A cause has no facts of its own: its template is its words. */
		fputs(t && !tdx_finding_fact_count((enum tdx_finding)f->u) ? t :
		      tdx_finding_name((enum tdx_finding)f->u), out);
		return 0;
	}
	}
	return -EINVAL;
}

/*
 * Fill @finding's template with @facts (as many as the catalogue names). A finding without
 * words, or a template that names no such fact, still says what was found: the finding's name
 * and "{?name}" where the fact should be, which tests/cli/test-finding-words refuses to let in.
 */
char *finding_words(enum tdx_finding finding, const struct tdx_fact *const *facts, size_t n)
{
	return finding_fill(finding_template(finding), finding, facts, n);
}

/* finding_words() with template @t (NULL: none), for the tests of the forms. */
char *finding_fill(const char *t, enum tdx_finding finding, const struct tdx_fact *const *facts,
		   size_t n)
{
	char *s = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&s, &size);

	if (!out)
		return NULL;
	if (!t) {
		fprintf(out, "%s", tdx_finding_name(finding));
		for (size_t k = 0; k < n; k++) {
			fprintf(out, "%s%s=", k ? ", " : ": ", tdx_finding_fact_name(finding, k));
			put_fact(out, facts[k], "", 0);
		}
	}
	for (const char *p = t; p && *p; p++) {
		const char *end, *colon;
		size_t k;

		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			fputc(*p++, out);
			continue;
		}
		if (*p != '{' || !(end = strchr(p, '}'))) {
			fputc(*p, out);
			continue;
		}
		colon = memchr(p, ':', (size_t)(end - p));
		if (!colon)
			colon = end;
		if (fact_index(finding, p + 1, (size_t)(colon - p - 1), &k) < 0 || k >= n ||
		    put_fact(out, facts[k], colon + (colon < end),
			     colon < end ? (size_t)(end - colon - 1) : 0) < 0)
			fprintf(out, "{?%.*s}", (int)(end - p - 1), p + 1);
		p = end;
	}
	if (fclose(out) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Result @i of @report in words: its finding's template filled with its facts. */
char *report_result_words(const struct tdx_report *report, size_t i)
{
	const struct tdx_fact *facts[TDX_FACT_MAX];
	size_t n = tdx_report_fact_count(report, i);

	for (size_t k = 0; k < n && k < TDX_FACT_MAX; k++)
		facts[k] = tdx_report_fact_get(report, i, k);
	return finding_words(tdx_report_finding(report, i), facts, n < TDX_FACT_MAX ? n :
			     TDX_FACT_MAX);
}

static struct json_object *fact_json(const struct tdx_fact *f)
{
	char *hex;
	struct json_object *o;

	switch (f->type) {
	case TDX_FACT_U64:
		return json_object_new_uint64(f->u);
	case TDX_FACT_STR:
		return json_object_new_string(f->s);
	case TDX_FACT_FINDING:
		return json_object_new_string(tdx_finding_name((enum tdx_finding)f->u));
	case TDX_FACT_BYTES:
		hex = malloc(2 * f->n + 1);
		if (!hex)
			return NULL;
		for (size_t i = 0; i < f->n; i++)
			snprintf(hex + 2 * i, 3, "%02x", (uint8_t)f->s[i]);
		hex[2 * f->n] = '\0';
		o = json_object_new_string(hex);
		free(hex);
		return o;
	}
	return NULL;
}

struct json_object *report_facts_json(const struct tdx_report *report, size_t i)
{
	enum tdx_finding finding = tdx_report_finding(report, i);
	struct json_object *o = json_object_new_object();

	for (size_t k = 0; k < tdx_report_fact_count(report, i); k++)
		json_object_object_add(o, tdx_finding_fact_name(finding, k),
				       fact_json(tdx_report_fact_get(report, i, k)));
	return o;
}
