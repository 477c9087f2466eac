// SPDX-License-Identifier: LGPL-2.1-or-later
/* The check catalogue and reports: an ordered list of named checks with their results. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format-private.h"

static const struct {
	const char *name;
	enum tdx_outcome outcome;
	enum tdx_evidence evidence;
} catalogue[] = {
#define TDX_CHECK(sym, name, outcome, evidence) \
	[TDX_CHK_##sym] = { name, outcome, TDX_EVIDENCE_##evidence },
#include "checks.def"
#undef TDX_CHECK
};

static const struct {
	const char *name;
	const char *facts[TDX_FACT_MAX];
} findings[] = {
#define TDX_FINDING(sym, name, ...) [TDX_FND_##sym] = { name, { __VA_ARGS__ } },
#include "findings/common.def"
#include "findings/image.def"
#include "findings/sigstruct.def"
#include "findings/rules.def"
#undef TDX_FINDING
};

struct report_entry {
	enum tdx_check_id id;
	enum tdx_check_status status;
	unsigned int remedies;	/* enum tdx_remedy flags */
	bool observed;		/* failed a rule observed in samples only (whatever its grade) */
	enum tdx_finding finding;
	size_t nfacts;
	struct tdx_fact facts[TDX_FACT_MAX];	/* strings and bytes owned by the entry */
};

TDX_EXPORT
const char *tdx_finding_name(enum tdx_finding finding)
{
	return (unsigned int)finding < TDX_FND__COUNT ? findings[finding].name : "unknown";
}

TDX_EXPORT
int tdx_finding_lookup(const char *name, enum tdx_finding *finding)
{
	for (unsigned int i = 0; i < TDX_FND__COUNT; i++) {
		if (strcmp(findings[i].name, name) == 0) {
			*finding = (enum tdx_finding)i;
			return 0;
		}
	}
	return -ENOENT;
}

TDX_EXPORT
size_t tdx_finding_fact_count(enum tdx_finding finding)
{
	size_t n = 0;

	if ((unsigned int)finding >= TDX_FND__COUNT)
		return 0;
	while (n < TDX_FACT_MAX && findings[finding].facts[n])
		n++;
	return n;
}

TDX_EXPORT
const char *tdx_finding_fact_name(enum tdx_finding finding, size_t k)
{
	return k < tdx_finding_fact_count(finding) ? findings[finding].facts[k] : "";
}

/* Free what fact @f owns: its string or bytes, or its items and theirs. */
static void fact_free(struct tdx_fact *f)
{
	if (f->type == TDX_FACT_STR || f->type == TDX_FACT_BYTES)
		free((char *)f->s);
	if (f->type == TDX_FACT_LIST) {
		for (size_t k = 0; k < f->n; k++)
			fact_free((struct tdx_fact *)&f->items[k]);
		free((struct tdx_fact *)f->items);
	}
}

static void entry_facts_free(struct report_entry *e)
{
	for (size_t k = 0; k < e->nfacts; k++)
		fact_free(&e->facts[k]);
	e->nfacts = 0;
}

/*
 * Copy @from into @to, which then owns every string, byte run and list item (a list deep, its
 * records too); -ENOMEM leaves nothing to free. @from was checked by fact_valid().
 */
static int fact_copy(struct tdx_fact *to, const struct tdx_fact *from)
{
	struct tdx_fact *items;
	char *p;

	*to = *from;
	to->items = NULL;
	switch (from->type) {
	case TDX_FACT_STR:
		p = strdup(from->s ? from->s : "");
		if (!p)
			return -ENOMEM;
		to->s = p;
		to->n = strlen(p);
		return 0;
	case TDX_FACT_BYTES:
		p = malloc(from->n ? from->n : 1);
		if (!p)
			return -ENOMEM;
		if (from->n)
			memcpy(p, from->s, from->n);
		to->s = p;
		return 0;
	case TDX_FACT_LIST:
		to->s = NULL;
		items = calloc(from->n ? from->n : 1, sizeof(*items));
		if (!items)
			return -ENOMEM;
		for (size_t k = 0; k < from->n; k++) {
			if (fact_copy(&items[k], &from->items[k]) < 0) {
				while (k--)
					fact_free(&items[k]);
				free(items);
				return -ENOMEM;
			}
		}
		to->items = items;
		return 0;
	case TDX_FACT_U64:
	case TDX_FACT_FINDING:
		break;
	}
	to->s = NULL;
	to->n = 0;
	return 0;
}

/* Copy @facts into @e, which then owns every string, byte run and list; -ENOMEM leaves none. */
static int entry_facts_copy(struct report_entry *e, const struct tdx_fact *facts, size_t n)
{
	e->nfacts = 0;
	for (size_t k = 0; k < n; k++) {
		if (fact_copy(&e->facts[k], &facts[k]) < 0) {
			entry_facts_free(e);
			return -ENOMEM;
		}
		e->nfacts++;
	}
	return 0;
}

/*
 * One fact as the catalogue allows it; @depth is how many lists hold it: a list's items may be
 * records (lists), a record's may not, so a list is two levels deep at most and its copy bounded
 * (TDX_FACT_LIST_MAX squared items).
 */
static bool fact_valid(const struct tdx_fact *f, unsigned int depth)
{
	switch (f->type) {
	case TDX_FACT_U64:
	case TDX_FACT_STR:
		return true;
	case TDX_FACT_BYTES:
		return f->n <= TDX_FACT_BYTES_MAX && (!f->n || f->s);
	case TDX_FACT_FINDING:
		return f->u < TDX_FND__COUNT;
	case TDX_FACT_LIST:
		if (depth >= 2 || f->n > TDX_FACT_LIST_MAX || (f->n && !f->items))
			return false;
		for (size_t k = 0; k < f->n; k++)
			if (!fact_valid(&f->items[k], depth + 1))
				return false;
		return true;
	}
	return false;
}

/* A fact list the catalogue does not describe is a bug at the call site, never a result. */
static bool facts_valid(enum tdx_finding finding, const struct tdx_fact *facts, size_t n)
{
	if ((unsigned int)finding >= TDX_FND__COUNT || n != tdx_finding_fact_count(finding))
		return false;
	for (size_t k = 0; k < n; k++)
		if (!fact_valid(&facts[k], 0))
			return false;
	return true;
}

struct tdx_report {
	struct report_entry *entries;
	size_t count;
	size_t cap;
	bool strict;
};

TDX_EXPORT
const char *tdx_check_name(enum tdx_check_id id)
{
	return (unsigned int)id < TDX_CHK__COUNT ? catalogue[id].name : "unknown";
}

TDX_EXPORT
enum tdx_outcome tdx_check_outcome(enum tdx_check_id id)
{
	return (unsigned int)id < TDX_CHK__COUNT ? catalogue[id].outcome : TDX_OUTCOME_FAILED;
}

/* An unknown id counts as kernel evidence: it can only make a failure stay a failure. */
TDX_EXPORT
enum tdx_evidence tdx_check_evidence(enum tdx_check_id id)
{
	return (unsigned int)id < TDX_CHK__COUNT ? catalogue[id].evidence : TDX_EVIDENCE_KERNEL;
}

TDX_EXPORT
const char *tdx_evidence_name(enum tdx_evidence evidence)
{
	switch (evidence) {
	case TDX_EVIDENCE_KERNEL:	return "kernel";
	case TDX_EVIDENCE_SPEC:		return "spec";
	case TDX_EVIDENCE_TOOL:		return "tool";
	case TDX_EVIDENCE_OBSERVED:	return "observed";
	}
	return "unknown";
}

TDX_EXPORT
int tdx_check_lookup(const char *name, enum tdx_check_id *id)
{
	for (unsigned int i = 0; i < TDX_CHK__COUNT; i++) {
		if (strcmp(catalogue[i].name, name) == 0) {
			*id = (enum tdx_check_id)i;
			return 0;
		}
	}
	return -ENOENT;
}

TDX_EXPORT
const char *tdx_check_status_name(enum tdx_check_status status)
{
	switch (status) {
	case TDX_CHECK_PASS:	return "pass";
	case TDX_CHECK_WARN:	return "warn";
	case TDX_CHECK_FAIL:	return "fail";
	case TDX_CHECK_SKIP:	return "skip";
	}
	return "unknown";
}

TDX_EXPORT
int tdx_report_new(struct tdx_report **report)
{
	*report = calloc(1, sizeof(**report));
	return *report ? 0 : -ENOMEM;
}

TDX_EXPORT
void tdx_report_free(struct tdx_report *report)
{
	if (!report)
		return;
	for (size_t i = 0; i < report->count; i++)
		entry_facts_free(&report->entries[i]);
	free(report->entries);
	free(report);
}

TDX_EXPORT
void tdx_report_set_strict(struct tdx_report *report, bool strict)
{
	if (report)
		report->strict = strict;
}

TDX_EXPORT
bool tdx_report_get_strict(const struct tdx_report *report)
{
	return report && report->strict;
}

/*
 * The one place where evidence decides: a rule inferred from samples only reports what it saw,
 * so that a genuine release unlike the samples is never refused, unless the caller asked for
 * strictness. Every check site records through here, so a check added later is graded too.
 */
TDX_EXPORT
enum tdx_check_status tdx_report_grade(const struct tdx_report *report, enum tdx_check_id id,
				       enum tdx_check_status status)
{
	if (status == TDX_CHECK_FAIL && tdx_check_evidence(id) == TDX_EVIDENCE_OBSERVED &&
	    !tdx_report_get_strict(report))
		return TDX_CHECK_WARN;
	return status;
}

/* Room for one more entry; the caller fills it and then counts it. */
static struct report_entry *report_grow(struct tdx_report *report)
{
	struct report_entry *e;

	if (report->count == report->cap) {
		size_t cap = report->cap ? report->cap * 2 : 32;

		e = reallocarray(report->entries, cap, sizeof(*e));
		if (!e)
			return NULL;
		report->entries = e;
		report->cap = cap;
	}
	e = &report->entries[report->count];
	memset(e, 0, sizeof(*e));
	return e;
}

TDX_EXPORT
int tdx_report_factv(struct tdx_report *report, enum tdx_check_id id,
		     enum tdx_check_status status, enum tdx_finding finding,
		     const struct tdx_fact *facts, size_t n)
{
	struct report_entry *e;

	if (!report)
		return 0;
	if (!facts_valid(finding, facts, n))
		return -EINVAL;
	e = report_grow(report);
	if (!e || entry_facts_copy(e, facts, n) < 0)
		return -ENOMEM;
	e->id = id;
	e->finding = finding;
	/* A fact for the front end, which says why it did (not) refuse, whichever way it went. */
	e->observed = status == TDX_CHECK_FAIL && tdx_check_evidence(id) == TDX_EVIDENCE_OBSERVED;
	e->status = tdx_report_grade(report, id, status);
	e->remedies = status == TDX_CHECK_FAIL && e->status != TDX_CHECK_FAIL ?
		      TDX_REMEDY_STRICT : 0;
	report->count++;
	return 0;
}

TDX_EXPORT
int tdx_report_copy(struct tdx_report *report, const struct tdx_report *src, size_t i,
		    enum tdx_check_status status)
{
	const struct report_entry *from;
	int rc;

	if (!report || !src || i >= src->count)
		return report ? -EINVAL : 0;
	from = &src->entries[i];
	rc = tdx_report_factv(report, from->id, status, from->finding, from->facts, from->nfacts);
	if (rc == 0)
		report->entries[report->count - 1].remedies |= from->remedies;
	return rc;
}

static bool report_has(const struct tdx_report *report, enum tdx_check_id id)
{
	for (size_t i = 0; i < report->count; i++)
		if (report->entries[i].id == id)
			return true;
	return false;
}

/* One result per check not reached, so that a report always names every check it covers. */
int tdx_report_skip_range(struct tdx_report *report, enum tdx_check_id first,
			  enum tdx_check_id last, enum tdx_finding cause)
{
	int rc;

	if (!report)
		return 0;
	for (unsigned int id = first; id <= (unsigned int)last; id++) {
		if (report_has(report, (enum tdx_check_id)id))
			continue;
		rc = tdx_report_fact(report, (enum tdx_check_id)id, TDX_CHECK_SKIP, TDX_FND_NOT_RUN,
				     TDX_FACT_F(cause));
		if (rc)
			return rc;
	}
	return 0;
}

TDX_EXPORT
void tdx_report_add_remedy(struct tdx_report *report, unsigned int remedies)
{
	if (report && report->count)
		report->entries[report->count - 1].remedies |= remedies;
}

TDX_EXPORT
unsigned int tdx_report_remedies(const struct tdx_report *report, size_t i)
{
	return report && i < report->count ? report->entries[i].remedies : 0;
}

TDX_EXPORT
size_t tdx_report_count(const struct tdx_report *report)
{
	return report->count;
}

TDX_EXPORT
enum tdx_check_id tdx_report_id(const struct tdx_report *report, size_t i)
{
	return report->entries[i].id;
}

TDX_EXPORT
enum tdx_check_status tdx_report_status(const struct tdx_report *report, size_t i)
{
	return report->entries[i].status;
}

TDX_EXPORT
enum tdx_finding tdx_report_finding(const struct tdx_report *report, size_t i)
{
	return report->entries[i].finding;
}

TDX_EXPORT
size_t tdx_report_fact_count(const struct tdx_report *report, size_t i)
{
	return report->entries[i].nfacts;
}

TDX_EXPORT
const struct tdx_fact *tdx_report_fact_get(const struct tdx_report *report, size_t i, size_t k)
{
	return k < report->entries[i].nfacts ? &report->entries[i].facts[k] : NULL;
}

TDX_EXPORT
bool tdx_report_observed(const struct tdx_report *report, size_t i)
{
	return report->entries[i].observed;
}

TDX_EXPORT
size_t tdx_report_count_status(const struct tdx_report *report, enum tdx_check_status status)
{
	size_t n = 0;

	for (size_t i = 0; i < report->count; i++)
		n += report->entries[i].status == status;
	return n;
}

TDX_EXPORT
int tdx_report_first_failure(const struct tdx_report *report, size_t *index)
{
	for (size_t i = 0; i < report->count; i++) {
		if (report->entries[i].status == TDX_CHECK_FAIL) {
			*index = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* Checks run in order of precedence, so the first failure decides what the caller is told. */
TDX_EXPORT
enum tdx_outcome tdx_report_outcome(const struct tdx_report *report)
{
	size_t i;

	if (tdx_report_first_failure(report, &i) < 0)
		return TDX_OUTCOME_OK;
	return tdx_check_outcome(report->entries[i].id);
}
