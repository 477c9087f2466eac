// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Can this image be installed in place on this host? compatibility.md §2 rules 1-7, each a
 * finding with the facts of what was found and what is required (lib/findings/rules.def); the
 * front end words them, with what to do. Pure: no I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format-private.h"

TDX_EXPORT
const char *tdx_version_source_name(enum tdx_version_source src)
{
	switch (src) {
	case TDX_VERSION_SIGSTRUCT:	return "sigstruct";
	case TDX_VERSION_FILENAME:	return "file name";
	case TDX_VERSION_USER:		return "user";
	case TDX_VERSION_UNKNOWN:	break;
	}
	return "unknown";
}

TDX_EXPORT
const char *tdx_compat_verdict_name(enum tdx_compat_verdict verdict)
{
	switch (verdict) {
	case TDX_COMPAT_INSTALLABLE:	return "installable";
	case TDX_COMPAT_CURRENT:	return "current";
	case TDX_COMPAT_INCOMPATIBLE:	return "incompatible";
	}
	return "unknown";
}

/*
 * The user's word wins because 1.x modules carry no version at all; a 2.x sigstruct's own
 * version contradicting it means the user named the wrong file, which must not pass silently.
 */
TDX_EXPORT
int tdx_image_resolve_version(const struct tdx_image *image, const char *path,
			      const struct tdx_version *user, struct tdx_version *v,
			      enum tdx_version_source *src)
{
	const struct tdx_sigstruct *sig = image ? tdx_image_get_sigstruct_fields(image) : NULL;
	struct tdx_version from_sig;
	bool have_sig = false;
	unsigned int build;

	*src = TDX_VERSION_UNKNOWN;
	if (sig && tdx_sigstruct_get_version(sig, &from_sig, &build) == 0)
		have_sig = true;
	if (user) {
		if (have_sig && tdx_version_cmp(user, &from_sig) != 0) {
			*v = from_sig;
			*src = TDX_VERSION_SIGSTRUCT;
			return -EINVAL;
		}
		*v = *user;
		*src = TDX_VERSION_USER;
		return 0;
	}
	if (have_sig) {
		*v = from_sig;
		*src = TDX_VERSION_SIGSTRUCT;
		return 0;
	}
	if (path && tdx_version_from_filename(path, v) == 0) {
		*src = TDX_VERSION_FILENAME;
		return 0;
	}
	return -ENOENT;
}

/* Collects the first report error so that the rules read as a plain sequence. */
struct rules {
	struct tdx_report *report;
	int rc;
	bool failed;
	bool recorded;		/* the last record() made it into the report */
	char image[TDX_VERSION_STRLEN];
	char running[TDX_VERSION_STRLEN];
	char seamldr[TDX_VERSION_STRLEN];
};

/* Note the result of recording one rule (tdx_report_fact()'s @rc) and whether it failed. */
static void recorded(struct rules *r, enum tdx_check_status status, int rc)
{
	if (status == TDX_CHECK_FAIL)
		r->failed = true;
	r->recorded = rc == 0;
	if (rc < 0 && r->rc == 0)
		r->rc = rc;
}

#define record(r, id, status, finding, ...) \
	recorded((r), (status), tdx_report_fact((r)->report, (id), (status), (finding), __VA_ARGS__))
/* A rule not judged, for want of @cause (a fact-less finding). */
#define not_checked(r, id, status, cause) \
	record((r), (id), (status), TDX_FND_COMPAT_NOT_CHECKED, TDX_FACT_F(cause))

/* What the user could do about the result just recorded; the front end words it. */
static void remedy(struct rules *r, unsigned int remedies)
{
	if (r->recorded)
		tdx_report_add_remedy(r->report, remedies);
}

/*
 * The mapping entry's P-SEAMLDR minimums as a fact of its own, a list the front end words: each
 * the minimum of its major.minor line, as a record of the version, its major and its minor.
 */
struct seamldr_list {
	char text[TDX_MAPPING_MAX_SEAMLDR][TDX_VERSION_STRLEN];
	struct tdx_fact records[TDX_MAPPING_MAX_SEAMLDR][3];
	struct tdx_fact items[TDX_MAPPING_MAX_SEAMLDR];
	size_t n;
};

_Static_assert(TDX_MAPPING_MAX_SEAMLDR <= TDX_FACT_LIST_MAX, "a mapping entry's list fits a fact");

static struct tdx_fact seamldr_list_fact(const struct tdx_release_info *rel,
					 struct seamldr_list *l)
{
	l->n = 0;
	for (size_t i = 0; i < rel->n_min_seamldr && i < TDX_MAPPING_MAX_SEAMLDR; i++) {
		const struct tdx_version *v = &rel->min_seamldr[i];
		struct tdx_fact *r = l->records[l->n];

		r[0] = TDX_FACT_S(tdx_version_format(v, l->text[l->n], sizeof(l->text[l->n])));
		r[1] = TDX_FACT_U(v->major);
		r[2] = TDX_FACT_U(v->minor);
		l->items[l->n++] = TDX_FACT_L(r, 3);
	}
	return TDX_FACT_L(l->items, l->n);
}

/* Rule 4 exactly as compatibility.md §1: same major.minor as one entry, update not below it. */
static const struct tdx_version *seamldr_match(const struct tdx_release_info *rel,
					       const struct tdx_version *seamldr)
{
	for (size_t i = 0; i < rel->n_min_seamldr; i++) {
		const struct tdx_version *e = &rel->min_seamldr[i];

		if (tdx_version_same_line(e, seamldr) && seamldr->update >= e->update)
			return e;
	}
	return NULL;
}

/*
 * The table's entries other than 0 as a list fact for a failure: at most TDX_FACT_LIST_MAX of
 * them at @items, how many are listed in *@n; returns how many there are in all.
 */
static size_t cpuid_table_list(const struct tdx_sigstruct *sig,
			       struct tdx_fact items[TDX_FACT_LIST_MAX], size_t *n)
{
	uint32_t size = sig->cpuid_table_size < TDX_CPUID_TABLE_MAX ? sig->cpuid_table_size
								      : TDX_CPUID_TABLE_MAX;
	size_t total = 0;

	*n = 0;
	/* cppcheck-suppress knownConditionTrueFalse ; false positive: size is the table's size */
	for (uint32_t i = 0; i < size; i++) {
		if (!sig->cpuid_table[i])
			continue;
		if (total++ < TDX_FACT_LIST_MAX)
			items[(*n)++] = TDX_FACT_U(sig->cpuid_table[i]);
	}
	return total;
}

static void rule_image_version(struct rules *r, const struct tdx_version *iv)
{
	if (iv) {
		record(r, TDX_CHK_COMPAT_IMAGE_VERSION, TDX_CHECK_PASS, TDX_FND_COMPAT_IMAGE_VERSION,
		       TDX_FACT_S(r->image));
	} else {
		recorded(r, TDX_CHECK_FAIL, tdx_report_fact(r->report, TDX_CHK_COMPAT_IMAGE_VERSION,
							    TDX_CHECK_FAIL,
							    TDX_FND_COMPAT_IMAGE_VERSION_UNKNOWN));
		remedy(r, TDX_REMEDY_NAME_VERSION);
	}
}

/* Rule 1. Returns whether rules 2-3, which compare within one line, can run. */
static bool rule_line(struct rules *r, const struct tdx_host_facts *host,
		      const struct tdx_version *iv)
{
	if (!iv) {
		not_checked(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_SKIP, TDX_FND_COMPAT_NO_IMAGE_VERSION);
		return false;
	}
	if (!host->have_running) {
		not_checked(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_SKIP,
			    TDX_FND_COMPAT_NO_RUNNING_VERSION);
		return false;
	}
	if (!tdx_version_same_line(iv, &host->running)) {
		record(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_FAIL, TDX_FND_COMPAT_LINE_DIFFERS,
		       TDX_FACT_S(r->image), TDX_FACT_U(iv->major), TDX_FACT_U(iv->minor),
		       TDX_FACT_S(r->running), TDX_FACT_U(host->running.major),
		       TDX_FACT_U(host->running.minor));
		return false;
	}
	record(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_PASS, TDX_FND_COMPAT_LINE_SAME,
	       TDX_FACT_S(r->image), TDX_FACT_S(r->running), TDX_FACT_U(iv->major),
	       TDX_FACT_U(iv->minor));
	return true;
}

/* Rule 2. Returns whether the image is the running version. */
static bool rule_not_older(struct rules *r, const struct tdx_host_facts *host,
			   const struct tdx_version *iv, bool same_line,
			   const struct tdx_compat_opts *opts)
{
	int cmp;

	if (!same_line) {
		not_checked(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_SKIP,
			    TDX_FND_COMPAT_NOT_SAME_LINE_IMAGE);
		return false;
	}
	cmp = tdx_version_cmp(iv, &host->running);
	if (cmp < 0)
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_FAIL, TDX_FND_COMPAT_OLDER,
		       TDX_FACT_S(r->image), TDX_FACT_S(r->running));
	else if (cmp == 0 && opts->reinstall)
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_PASS, TDX_FND_COMPAT_REINSTALL,
		       TDX_FACT_S(r->image));
	else if (cmp == 0) {
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_PASS, TDX_FND_COMPAT_CURRENT,
		       TDX_FACT_S(r->image));
		remedy(r, TDX_REMEDY_REINSTALL);
	} else
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_PASS, TDX_FND_COMPAT_NEWER,
		       TDX_FACT_S(r->image), TDX_FACT_S(r->running));
	return cmp == 0;
}

static void rule_release(struct rules *r, const struct tdx_version *iv,
			 const struct tdx_release_info *rel, const struct tdx_compat_opts *opts)
{
	char min[TDX_VERSION_STRLEN];
	struct seamldr_list list;

	if (!iv) {
		not_checked(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_SKIP,
			    TDX_FND_COMPAT_NO_IMAGE_VERSION);
	} else if (rel) {
		record(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_PASS, TDX_FND_COMPAT_RELEASE_LISTED,
		       TDX_FACT_S(r->image),
		       TDX_FACT_S(tdx_version_format(&rel->min_running, min, sizeof(min))),
		       seamldr_list_fact(rel, &list));
	} else if (opts->no_mapping) {
		record(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_WARN, TDX_FND_COMPAT_RELEASE_UNCHECKED,
		       TDX_FACT_S(r->image));
		remedy(r, TDX_REMEDY_GIVE_MAPPING);
	} else {
		record(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_FAIL, TDX_FND_COMPAT_RELEASE_UNLISTED,
		       TDX_FACT_S(r->image));
		remedy(r, TDX_REMEDY_RELEASE_MAPPING);
	}
}

/* Why rules 3-4 cannot use the mapping: a cause finding, or TDX_FND__COUNT when they can. */
static enum tdx_finding release_missing(const struct tdx_version *iv,
					const struct tdx_release_info *rel,
					const struct tdx_compat_opts *opts)
{
	if (!iv)
		return TDX_FND_COMPAT_NO_IMAGE_VERSION;
	if (!rel)
		return opts->no_mapping ? TDX_FND_COMPAT_NO_MAPPING
					: TDX_FND_COMPAT_RELEASE_NOT_LISTED;
	return TDX_FND__COUNT;
}

/* Rule 3. */
static void rule_min_running(struct rules *r, const struct tdx_host_facts *host,
			     const struct tdx_version *iv, bool same_line,
			     const struct tdx_release_info *rel, const struct tdx_compat_opts *opts)
{
	enum tdx_finding why = release_missing(iv, rel, opts);
	char min[TDX_VERSION_STRLEN];

	if (why != TDX_FND__COUNT) {
		not_checked(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_SKIP, why);
		return;
	}
	if (!same_line) {
		not_checked(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_SKIP,
			    TDX_FND_COMPAT_NOT_SAME_LINE_RUNNING);
		return;
	}
	tdx_version_format(&rel->min_running, min, sizeof(min));
	if (tdx_version_cmp(&host->running, &rel->min_running) < 0)
		record(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_FAIL, TDX_FND_COMPAT_BELOW_MIN_RUNNING,
		       TDX_FACT_S(r->running), TDX_FACT_S(min));
	else
		record(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_PASS, TDX_FND_COMPAT_MIN_RUNNING_MET,
		       TDX_FACT_S(r->running), TDX_FACT_S(min));
}

/* Rule 4. */
static void rule_seamldr(struct rules *r, const struct tdx_host_facts *host,
			 const struct tdx_version *iv, const struct tdx_release_info *rel,
			 const struct tdx_compat_opts *opts)
{
	enum tdx_finding why = release_missing(iv, rel, opts);
	const struct tdx_version *match;
	struct seamldr_list list;
	char v[TDX_VERSION_STRLEN];

	if (why != TDX_FND__COUNT) {
		not_checked(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_SKIP, why);
		return;
	}
	if (!host->have_seamldr) {
		not_checked(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_SKIP,
			    TDX_FND_COMPAT_NO_SEAMLDR_VERSION);
		return;
	}
	match = seamldr_match(rel, &host->seamldr);
	if (!match)
		record(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_FAIL, TDX_FND_COMPAT_SEAMLDR_CANNOT_LOAD,
		       TDX_FACT_S(r->seamldr), TDX_FACT_S(r->image), seamldr_list_fact(rel, &list));
	else
		record(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_PASS, TDX_FND_COMPAT_SEAMLDR_MET,
		       TDX_FACT_S(r->seamldr), TDX_FACT_S(tdx_version_format(match, v, sizeof(v))),
		       TDX_FACT_U(match->major), TDX_FACT_U(match->minor), TDX_FACT_S(r->image));
}

/* Rule 5. */
static void rule_cpu(struct rules *r, const struct tdx_host_facts *host,
		     const struct tdx_sigstruct *sig)
{
	uint32_t masked = host->cpuid_eax & ~TDX_CPUID_STEPPING_MASK;
	struct tdx_fact table[TDX_FACT_LIST_MAX];
	size_t n, total;

	if (!sig) {
		not_checked(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_SKIP, TDX_FND_COMPAT_NO_SIGSTRUCT);
		return;
	}
	if (!host->have_cpuid) {
		not_checked(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_SKIP, TDX_FND_COMPAT_NO_CPUID);
		return;
	}
	if (sig->cpuid_table_size == 0 && tdx_sigstruct_is_debug(sig)) {
		/* Only debug modules may have no table; verification has its own check for it. */
		not_checked(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_WARN,
			    TDX_FND_COMPAT_DEBUG_CPUID_TABLE_EMPTY);
		return;
	}
	if (tdx_sigstruct_supports_cpu(sig, host->cpuid_eax)) {
		record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_PASS, TDX_FND_COMPAT_CPU_LISTED,
		       TDX_FACT_U(host->cpuid_eax), TDX_FACT_U(masked));
		return;
	}
	total = cpuid_table_list(sig, table, &n);
	if (!total)
		record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_FAIL, TDX_FND_COMPAT_CPU_TABLE_EMPTY,
		       TDX_FACT_U(host->cpuid_eax), TDX_FACT_U(masked));
	else
		record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_FAIL, TDX_FND_COMPAT_CPU_NOT_LISTED,
		       TDX_FACT_U(host->cpuid_eax), TDX_FACT_U(masked), TDX_FACT_L(table, n),
		       TDX_FACT_U(total));
}

/* Is @status for @id already in the report (tdx_image_verify records sigstruct.debug too)? */
static bool already_recorded(const struct rules *r, enum tdx_check_id id,
			     enum tdx_check_status status)
{
	for (size_t i = 0; r->report && i < tdx_report_count(r->report); i++)
		if (tdx_report_id(r->report, i) == id && tdx_report_status(r->report, i) == status)
			return true;
	return false;
}

/* Rule 6: the same check as verification's; not repeated when the report already says so. */
static void rule_debug(struct rules *r, const struct tdx_sigstruct *sig,
		       const struct tdx_compat_opts *opts)
{
	enum tdx_check_status want = !sig || !tdx_sigstruct_is_debug(sig) ? TDX_CHECK_PASS :
				     opts->allow_debug ? TDX_CHECK_WARN : TDX_CHECK_FAIL;

	if (sig && already_recorded(r, TDX_CHK_SIGSTRUCT_DEBUG, want)) {
		r->failed |= want == TDX_CHECK_FAIL;
		return;
	}
	if (!sig)
		not_checked(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_SKIP, TDX_FND_COMPAT_NO_SIGSTRUCT);
	else if (!tdx_sigstruct_is_debug(sig))
		record(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_PASS, TDX_FND_COMPAT_PRODUCTION,
		       TDX_FACT_U(sig->module_type));
	else if (opts->allow_debug)
		record(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_WARN, TDX_FND_COMPAT_DEBUG_ALLOWED,
		       TDX_FACT_U(sig->module_type));
	else {
		record(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_FAIL, TDX_FND_COMPAT_DEBUG_REFUSED,
		       TDX_FACT_U(sig->module_type));
		remedy(r, TDX_REMEDY_ALLOW_DEBUG);
	}
}

/* Rule 7. */
static void rule_svn(struct rules *r, const struct tdx_host_facts *host,
		     const struct tdx_sigstruct *sig)
{
	if (!sig) {
		not_checked(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_SKIP, TDX_FND_COMPAT_NO_SIGSTRUCT);
	} else if (!host->have_running_svn) {
		not_checked(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_SKIP, TDX_FND_COMPAT_NO_RUNNING_SVN);
	} else if (sig->svn_major != host->svn_major) {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_FAIL, TDX_FND_COMPAT_SVN_MAJOR_DIFFERS,
		       TDX_FACT_U(sig->svn_major), TDX_FACT_U(host->svn_major));
	} else if (sig->svn_minor < host->svn_minor) {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_FAIL, TDX_FND_COMPAT_SVN_MINOR_BELOW,
		       TDX_FACT_U(sig->svn_minor), TDX_FACT_U(host->svn_minor));
	} else {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_PASS, TDX_FND_COMPAT_SVN_MET,
		       TDX_FACT_U(sig->svn_major), TDX_FACT_U(sig->svn_minor),
		       TDX_FACT_U(host->svn_major), TDX_FACT_U(host->svn_minor));
	}
}

TDX_EXPORT
int tdx_compat_check_sigstruct(const struct tdx_host_facts *host, const struct tdx_sigstruct *sig,
			       const struct tdx_version *image_version,
			       const struct tdx_release_info *release,
			       const struct tdx_compat_opts *opts, struct tdx_report *report,
			       enum tdx_compat_verdict *verdict)
{
	struct rules r = { .report = report };
	bool same_line, current;

	if (!host || !opts || !verdict)
		return -EINVAL;
	if (release && (!image_version || tdx_version_cmp(&release->version, image_version) != 0))
		return -EINVAL;
	if (image_version)
		tdx_version_format(image_version, r.image, sizeof(r.image));
	if (host->have_running)
		tdx_version_format(&host->running, r.running, sizeof(r.running));
	if (host->have_seamldr)
		tdx_version_format(&host->seamldr, r.seamldr, sizeof(r.seamldr));

	/*
	 * What the image is comes before how it relates to the running module: a module not built
	 * for this CPU, or a debug one on a production host, can never be installed here, which is
	 * the more useful thing to say than "older" or "other line".
	 */
	rule_debug(&r, sig, opts);
	rule_cpu(&r, host, sig);
	rule_image_version(&r, image_version);
	same_line = rule_line(&r, host, image_version);
	current = rule_not_older(&r, host, image_version, same_line, opts);
	rule_release(&r, image_version, release, opts);
	rule_min_running(&r, host, image_version, same_line, release, opts);
	rule_seamldr(&r, host, image_version, release, opts);
	rule_svn(&r, host, sig);
	if (r.rc < 0)
		return r.rc;

	if (r.failed)
		*verdict = TDX_COMPAT_INCOMPATIBLE;
	else if (current && !opts->reinstall)
		*verdict = TDX_COMPAT_CURRENT;
	else
		*verdict = TDX_COMPAT_INSTALLABLE;
	return 0;
}

TDX_EXPORT
int tdx_compat_check(const struct tdx_host_facts *host, const struct tdx_image *image,
		     const struct tdx_version *image_version,
		     const struct tdx_release_info *release,
		     const struct tdx_compat_opts *opts, struct tdx_report *report,
		     enum tdx_compat_verdict *verdict)
{
	const struct tdx_sigstruct *sig = image ? tdx_image_get_sigstruct_fields(image) : NULL;

	return tdx_compat_check_sigstruct(host, sig, image_version, release, opts, report,
					  verdict);
}
