// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Can this image be installed in place on this host? compatibility.md §2 rules 1-7, each with a
 * message that names what was found, what is required and what to do. Pure: no I/O.
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

static void record(struct rules *r, enum tdx_check_id id, enum tdx_check_status status,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void record(struct rules *r, enum tdx_check_id id, enum tdx_check_status status,
		   const char *fmt, ...)
{
	va_list args;
	int rc;

	if (status == TDX_CHECK_FAIL)
		r->failed = true;
	va_start(args, fmt);
	rc = tdx_report_addv(r->report, id, status, fmt, args);
	va_end(args);
	r->recorded = rc == 0;
	if (rc < 0 && r->rc == 0)
		r->rc = rc;
}

/* What the user could do about the result just recorded; the front end words it. */
static void remedy(struct rules *r, unsigned int remedies)
{
	if (r->recorded)
		tdx_report_add_remedy(r->report, remedies);
}

/* "1.5.00 or later of 1.5.x, or 2.0.00 or later of 2.0.x" for a failure message. */
static void format_seamldr_list(const struct tdx_release_info *rel, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < rel->n_min_seamldr && off < size; i++) {
		const struct tdx_version *e = &rel->min_seamldr[i];
		char v[TDX_VERSION_STRLEN];
		int n;

		n = snprintf(buf + off, size - off, "%s%s or later of %u.%u.x", i ? ", or " : "",
			     tdx_version_format(e, v, sizeof(v)), e->major, e->minor);
		if (n < 0)
			break;
		off += (size_t)n;
	}
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

/* Up to 8 table entries for a failure message; the rest elided. */
static void format_cpuid_table(const struct tdx_sigstruct *sig, char *buf, size_t size)
{
	uint32_t n = sig->cpuid_table_size < TDX_CPUID_TABLE_MAX ? sig->cpuid_table_size
								   : TDX_CPUID_TABLE_MAX;
	size_t off = 0;
	uint32_t shown = 0;

	buf[0] = '\0';
	/* cppcheck-suppress knownConditionTrueFalse ; false positive: n is the table's size */
	for (uint32_t i = 0; i < n && off < size; i++) {
		int k;

		if (!sig->cpuid_table[i])
			continue;
		if (shown == 8) {
			snprintf(buf + off, size - off, ", ...");
			break;
		}
		k = snprintf(buf + off, size - off, "%s0x%X", shown ? ", " : "",
			     sig->cpuid_table[i]);
		if (k < 0)
			break;
		off += (size_t)k;
		shown++;
	}
	if (!shown)
		snprintf(buf, size, "empty");
}

static void rule_image_version(struct rules *r, const struct tdx_version *iv)
{
	if (iv) {
		record(r, TDX_CHK_COMPAT_IMAGE_VERSION, TDX_CHECK_PASS, "image version %s",
		       r->image);
	} else {
		record(r, TDX_CHK_COMPAT_IMAGE_VERSION, TDX_CHECK_FAIL,
		       "the image's module version is unknown: neither its file name "
		       "(tdx_module_X.Y.ZZ.*) nor its sigstruct (1.x carries none) gives it");
		remedy(r, TDX_REMEDY_NAME_VERSION);
	}
}

/* Rule 1. Returns whether rules 2-3, which compare within one line, can run. */
static bool rule_line(struct rules *r, const struct tdx_host_facts *host,
		      const struct tdx_version *iv)
{
	if (!iv) {
		record(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_SKIP,
		       "not checked: image version unknown");
		return false;
	}
	if (!host->have_running) {
		record(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_SKIP,
		       "not checked: running module version unknown");
		return false;
	}
	if (!tdx_version_same_line(iv, &host->running)) {
		record(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_FAIL,
		       "image %s is of the %u.%u line, the running module %s of the %u.%u line: "
		       "runtime updates stay within one major.minor: pick a %u.%u.x release, or "
		       "install %s by rebooting into it", r->image, iv->major, iv->minor,
		       r->running, host->running.major, host->running.minor, host->running.major,
		       host->running.minor, r->image);
		return false;
	}
	record(r, TDX_CHK_COMPAT_LINE, TDX_CHECK_PASS,
	       "image %s and running module %s are both of the %u.%u line", r->image, r->running,
	       iv->major, iv->minor);
	return true;
}

/* Rule 2. Returns whether the image is the running version. */
static bool rule_not_older(struct rules *r, const struct tdx_host_facts *host,
			   const struct tdx_version *iv, bool same_line,
			   const struct tdx_compat_opts *opts)
{
	int cmp;

	if (!same_line) {
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_SKIP,
		       "not checked: needs a known image version of the running module's line");
		return false;
	}
	cmp = tdx_version_cmp(iv, &host->running);
	if (cmp < 0)
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_FAIL,
		       "image %s is older than the running module %s: a module cannot be "
		       "downgraded in place: pick %s or newer", r->image, r->running, r->running);
	else if (cmp == 0 && opts->reinstall)
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_PASS,
		       "image %s is the running version: installing it again as asked (re-install)",
		       r->image);
	else if (cmp == 0) {
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_PASS,
		       "image %s is the running version: nothing to do", r->image);
		remedy(r, TDX_REMEDY_REINSTALL);
	} else
		record(r, TDX_CHK_COMPAT_NOT_OLDER, TDX_CHECK_PASS,
		       "image %s is newer than the running module %s", r->image, r->running);
	return cmp == 0;
}

static void rule_release(struct rules *r, const struct tdx_version *iv,
			 const struct tdx_release_info *rel, const struct tdx_compat_opts *opts)
{
	char min[TDX_VERSION_STRLEN], list[256];

	if (!iv) {
		record(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_SKIP,
		       "not checked: image version unknown");
	} else if (rel) {
		format_seamldr_list(rel, list, sizeof(list));
		record(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_PASS,
		       "the mapping file lists %s: it updates a running %s or later in place and "
		       "needs a P-SEAMLDR %s", r->image,
		       tdx_version_format(&rel->min_running, min, sizeof(min)), list);
	} else if (opts->no_mapping) {
		record(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_WARN,
		       "no mapping file: which running modules %s can update in place and which "
		       "P-SEAMLDR it needs are not checked", r->image);
		remedy(r, TDX_REMEDY_GIVE_MAPPING);
	} else {
		record(r, TDX_CHK_COMPAT_RELEASE, TDX_CHECK_FAIL,
		       "the mapping file does not list %s: the oldest running module it can "
		       "update and the P-SEAMLDR versions it needs are unknown: use Intel's "
		       "mapping file of that release", r->image);
		remedy(r, TDX_REMEDY_RELEASE_MAPPING);
	}
}

/* Why rules 3-4 cannot use the mapping: a SKIP message, or NULL when they can. */
static const char *release_missing(const struct tdx_version *iv,
				   const struct tdx_release_info *rel,
				   const struct tdx_compat_opts *opts)
{
	if (!iv)
		return "not checked: image version unknown";
	if (!rel)
		return opts->no_mapping ? "not checked: no mapping file"
					: "not checked: the mapping file does not list the release";
	return NULL;
}

/* Rule 3. */
static void rule_min_running(struct rules *r, const struct tdx_host_facts *host,
			     const struct tdx_version *iv, bool same_line,
			     const struct tdx_release_info *rel, const struct tdx_compat_opts *opts)
{
	const char *why = release_missing(iv, rel, opts);
	char min[TDX_VERSION_STRLEN];

	if (why) {
		record(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_SKIP, "%s", why);
		return;
	}
	if (!same_line) {
		record(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_SKIP,
		       "not checked: needs a running module of the image's line");
		return;
	}
	tdx_version_format(&rel->min_running, min, sizeof(min));
	if (tdx_version_cmp(&host->running, &rel->min_running) < 0)
		record(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_FAIL,
		       "running module %s is below %s, the oldest this release can update in "
		       "place: update step by step, or reboot into the new module", r->running,
		       min);
	else
		record(r, TDX_CHK_COMPAT_MIN_RUNNING, TDX_CHECK_PASS,
		       "running module %s is at least %s, the oldest this release can update in "
		       "place", r->running, min);
}

/* Rule 4. */
static void rule_seamldr(struct rules *r, const struct tdx_host_facts *host,
			 const struct tdx_version *iv, const struct tdx_release_info *rel,
			 const struct tdx_compat_opts *opts)
{
	const char *why = release_missing(iv, rel, opts);
	const struct tdx_version *match;
	char list[256], v[TDX_VERSION_STRLEN];

	if (why) {
		record(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_SKIP, "%s", why);
		return;
	}
	if (!host->have_seamldr) {
		record(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_SKIP,
		       "not checked: P-SEAMLDR version unknown (seamldr_version is readable by "
		       "root only)");
		return;
	}
	format_seamldr_list(rel, list, sizeof(list));
	match = seamldr_match(rel, &host->seamldr);
	if (!match)
		record(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_FAIL,
		       "running P-SEAMLDR %s cannot load %s, which needs a P-SEAMLDR %s: update "
		       "the P-SEAMLDR (platform firmware), or pick a release it can load",
		       r->seamldr, r->image, list);
	else
		record(r, TDX_CHK_COMPAT_SEAMLDR, TDX_CHECK_PASS,
		       "running P-SEAMLDR %s is %s or later of the %u.%u line, as %s needs",
		       r->seamldr, tdx_version_format(match, v, sizeof(v)), match->major,
		       match->minor, r->image);
}

/* Rule 5. */
static void rule_cpu(struct rules *r, const struct tdx_host_facts *host,
		     const struct tdx_sigstruct *sig)
{
	char table[128];

	if (!sig) {
		record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_SKIP, "not checked: no sigstruct");
		return;
	}
	if (!host->have_cpuid) {
		record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_SKIP,
		       "not checked: this CPU's CPUID unknown");
		return;
	}
	if (sig->cpuid_table_size == 0 && tdx_sigstruct_is_debug(sig)) {
		/* Only debug modules may have no table; verification has its own check for it. */
		record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_WARN,
		       "not checked: the debug module's CPUID table is empty");
		return;
	}
	if (tdx_sigstruct_supports_cpu(sig, host->cpuid_eax)) {
		record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_PASS,
		       "this CPU's CPUID(1).EAX 0x%X (stepping masked: 0x%X) is in the module's "
		       "CPUID table", host->cpuid_eax, host->cpuid_eax & ~TDX_CPUID_STEPPING_MASK);
		return;
	}
	format_cpuid_table(sig, table, sizeof(table));
	record(r, TDX_CHK_COMPAT_CPU, TDX_CHECK_FAIL,
	       "this CPU's CPUID(1).EAX 0x%X (stepping masked: 0x%X) is not in the module's CPUID "
	       "table (%s): the module is not built for this CPU: pick a release that lists it",
	       host->cpuid_eax, host->cpuid_eax & ~TDX_CPUID_STEPPING_MASK, table);
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
		record(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_SKIP, "not checked: no sigstruct");
	else if (!tdx_sigstruct_is_debug(sig))
		record(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_PASS,
		       "production module (module_type 0x%08X)", sig->module_type);
	else if (opts->allow_debug)
		record(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_WARN,
		       "debug-signed module (module_type 0x%08X) allowed as asked: only "
		       "debug-unlocked platforms accept it", sig->module_type);
	else {
		record(r, TDX_CHK_SIGSTRUCT_DEBUG, TDX_CHECK_FAIL,
		       "debug-signed module (module_type 0x%08X), a production one is required: "
		       "only debug-unlocked platforms accept it: use a production release",
		       sig->module_type);
		remedy(r, TDX_REMEDY_ALLOW_DEBUG);
	}
}

/* Rule 7. */
static void rule_svn(struct rules *r, const struct tdx_host_facts *host,
		     const struct tdx_sigstruct *sig)
{
	if (!sig) {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_SKIP, "not checked: no sigstruct");
	} else if (!host->have_running_svn) {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_SKIP,
		       "not checked: the running module's SVN is unknown (the kernel does not "
		       "expose it)");
	} else if (sig->svn_major != host->svn_major) {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_FAIL,
		       "SVN major %u differs from the running module's %u: the P-SEAMLDR refuses "
		       "to change it: pick a release of the running module's SVN line",
		       sig->svn_major, host->svn_major);
	} else if (sig->svn_minor < host->svn_minor) {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_FAIL,
		       "SVN minor %u is below the running module's %u: a rollback the P-SEAMLDR "
		       "refuses: pick a release with SVN minor %u or higher", sig->svn_minor,
		       host->svn_minor, host->svn_minor);
	} else {
		record(r, TDX_CHK_COMPAT_SVN, TDX_CHECK_PASS,
		       "SVN %u.%u keeps the running module's major %u and is not below its "
		       "minor %u", sig->svn_major, sig->svn_minor, host->svn_major,
		       host->svn_minor);
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
