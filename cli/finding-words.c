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

const struct list_words list_words[] = {
#define TDX_LIST_WORDS(form, sep, kind, items, text) { form, sep, kind, items, text },
#include "words/lists.def"
#undef TDX_LIST_WORDS
};
const size_t list_words_count = sizeof(list_words) / sizeof(list_words[0]);

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

/* Where a template's names are looked up: a finding's facts by name, or a record's by place. */
struct fill_src {
	enum tdx_finding finding;
	const struct tdx_fact *const *facts;
	size_t n;
	const struct tdx_fact *record;	/* a list item being worded: {0} {1} ... (or NULL) */
};

static size_t fill(FILE *out, const char *t, const struct fill_src *src);

/* The fact a template names with @name (@len bytes), or NULL. */
static const struct tdx_fact *fill_lookup(const struct fill_src *src, const char *name,
					  size_t len)
{
	size_t k = 0;

	if (!src->record)
		return fact_index(src->finding, name, len, &k) == 0 && k < src->n ? src->facts[k] :
		       NULL;
	if (len < 1 || len > 2)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return NULL;
		k = k * 10 + (size_t)(name[i] - '0');
	}
	if (src->record->type != TDX_FACT_LIST)
		return k == 0 ? src->record : NULL;
	return k < src->record->n ? &src->record->items[k] : NULL;
}

/*
 * The row of list form @form (lists.def) that words @item: its kind is the record's second
 * fact, its count the record's. *@is_form says whether @form is a list form at all.
 */
static const struct list_words *list_words_find(const char *form, size_t len,
						const struct tdx_fact *item, bool *is_form)
{
	bool rec = item->type == TDX_FACT_LIST;
	size_t n = rec ? item->n : 1;

	*is_form = false;
	for (size_t i = 0; i < list_words_count; i++) {
		const struct list_words *w = &list_words[i];

		if (!form_is(form, len, w->form))
			continue;
		*is_form = true;
		if (w->items != n)
			continue;
		if (!w->kind[0] || (rec && n >= 2 && item->items[1].type == TDX_FACT_STR &&
				    strcmp(item->items[1].s, w->kind) == 0))
			return w;
	}
	return NULL;
}

static int put_fact(FILE *out, const struct tdx_fact *f, const char *form, size_t len);

/* One item of a list in @form (@len 0: the plain form); *@sep is the separator before the next. */
static int put_item(FILE *out, const struct tdx_fact *item, const char *form, size_t len,
		    const char **sep)
{
	const struct list_words *w;
	bool is_form;

	*sep = ", ";
	if (!len && item->type == TDX_FACT_LIST) {
		for (size_t k = 0; k < item->n; k++) {
			if (k)
				fputc(' ', out);
			if (put_fact(out, &item->items[k], "", 0) < 0)
				return -EINVAL;
		}
		return 0;
	}
	if (!len)
		return put_fact(out, item, "", 0);
	w = list_words_find(form, len, item, &is_form);
	if (!is_form)
		return put_fact(out, item, form, len);
	if (!w)
		return -EINVAL;
	*sep = w->sep;
	return fill(out, w->text, &(struct fill_src){ .record = item }) ? -EINVAL : 0;
}

/*
 * A list in @form: its count, or every item worded and joined. Written only once every item
 * could be worded, so that a list that cannot is "{?name:form}" as a whole, never half of it.
 */
static int put_list(FILE *out, const struct tdx_fact *f, const char *form, size_t len)
{
	const char *sep = "";
	char *s = NULL;
	size_t size = 0;
	FILE *buf;
	int rc = 0;

	if (len && form_is(form, len, "count")) {
		fprintf(out, "%zu", f->n);
		return 0;
	}
	if (len && form_is(form, len, "plural")) {
		fputs(f->n == 1 ? "" : "s", out);
		return 0;
	}
	buf = open_memstream(&s, &size);
	if (!buf)
		return -ENOMEM;
	for (size_t k = 0; k < f->n && rc == 0; k++) {
		fputs(sep, buf);
		rc = put_item(buf, &f->items[k], form, len, &sep);
	}
	if (fclose(buf) != 0)
		rc = -ENOMEM;
	if (rc == 0)
		fputs(s, out);
	free(s);
	return rc;
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
	case TDX_FACT_LIST:
		return put_list(out, f, form, len);
	}
	return -EINVAL;
}

/*
 * "{total:more:list}": a list holds at most TDX_FACT_LIST_MAX items, and @total says how many
 * there were. Nothing when @list holds them all, else lists.def's "more" row with {0} the
 * number left out.
 */
static int put_more(FILE *out, const struct tdx_fact *total, const struct tdx_fact *list)
{
	struct tdx_fact left;

	if (total->type != TDX_FACT_U64 || !list || list->type != TDX_FACT_LIST)
		return -EINVAL;
	if (total->u <= list->n)
		return 0;
	left = TDX_FACT_U(total->u - list->n);
	for (size_t i = 0; i < list_words_count; i++)
		if (strcmp(list_words[i].form, "more") == 0)
			return fill(out, list_words[i].text, &(struct fill_src){ .record = &left }) ?
			       -EINVAL : 0;
	return -EINVAL;
}

/* Fill template @t from @src into @out; returns how many names it could not fill ({?name}). */
static size_t fill(FILE *out, const char *t, const struct fill_src *src)
{
	size_t missing = 0;

	for (const char *p = t; p && *p; p++) {
		const struct tdx_fact *f;
		const char *end, *colon;
		int rc;

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
		f = fill_lookup(src, p + 1, (size_t)(colon - p - 1));
		if (f && end - colon > 5 && memcmp(colon + 1, "more:", 5) == 0)
			rc = put_more(out, f, fill_lookup(src, colon + 6, (size_t)(end - colon - 6)));
		else
			rc = f ? put_fact(out, f, colon + (colon < end),
					  colon < end ? (size_t)(end - colon - 1) : 0) : -ENOENT;
		if (rc < 0) {
			fprintf(out, "{?%.*s}", (int)(end - p - 1), p + 1);
			missing++;
		}
		p = end;
	}
	return missing;
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
	fill(out, t, &(struct fill_src){ .finding = finding, .facts = facts, .n = n });
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
	case TDX_FACT_LIST:
		o = json_object_new_array();
		for (size_t i = 0; o && i < f->n; i++)
			json_object_array_add(o, fact_json(&f->items[i]));
		return o;
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
