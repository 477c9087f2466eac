/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Choosing a module that can be installed in place (compatibility.md): Intel's mapping file
 * (format/mapping.c parses it, host/mapping-file.c finds and opens it), the image's version
 * and the compatibility rules (compat.c), this CPU's CPUID(1).EAX (cpuid.c), and the releases
 * found in a folder with a label each (releases.c).
 *
 * The pure parts (mapping parse, rules, labels) do no I/O. Files are read only through
 * tdx_file_read() and folders are scanned only by tdx_releases_scan().
 */
#ifndef LIBTDXCTL_COMPAT_H
#define LIBTDXCTL_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libtdxctl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Intel's mapping file (mapping.c) ----------------------------------------------------- */

#define TDX_MAPPING_FILE_NAME	"mapping_file.json"
#define TDX_MAPPING_MAX_SIZE	(1024u * 1024u)	/* Intel's is 2 KiB; refuse the absurd */
#define TDX_MAPPING_MAX_SEAMLDR	16u

/* TDX_FEATURES0 bits that matter here (compatibility.md §1). */
#define TDX_FEATURES0_TD_PRESERVING	(1ull << 1)
#define TDX_FEATURES0_UPDATE_BUSY	(1ull << 47)

/* One entry of Intel's mapping file. */
struct tdx_release_info {
	struct tdx_version version;
	struct tdx_version min_running;		/* min_module_version_for_td_preserving */
	size_t n_min_seamldr;			/* 1 .. TDX_MAPPING_MAX_SEAMLDR */
	struct tdx_version min_seamldr[TDX_MAPPING_MAX_SEAMLDR];	/* min_seamldr_versions */
	uint64_t features0;			/* tdx_feature0 */
};

struct tdx_mapping;

/*
 * Parse Intel's mapping_file.json. Unknown keys are ignored; a missing or ill-typed required
 * key, a malformed version, a duplicate release, an empty release list, or text that is not one
 * JSON object is -EINVAL, with an error logged through @ctx naming the entry and the key.
 */
int tdx_mapping_parse(struct tdx_ctx *ctx, const char *json, size_t len,
		      struct tdx_mapping **mapping);
void tdx_mapping_free(struct tdx_mapping *mapping);
size_t tdx_mapping_count(const struct tdx_mapping *mapping);
/* Entries in the file's order; NULL when @i is out of range. */
const struct tdx_release_info *tdx_mapping_get(const struct tdx_mapping *mapping, size_t i);
/* The entry for exactly @v; NULL when the file does not list it. */
const struct tdx_release_info *tdx_mapping_find(const struct tdx_mapping *mapping,
						const struct tdx_version *v);

/* ---- finding and opening it (host/mapping-file.c) ----------------------------------------- */

/* Where the mapping file comes from: the first of these that is set. */
struct tdx_mapping_source {
	const char *path;	/* named by the user: it must be usable */
	const char *dir;	/* else mapping_file.json in this folder of releases, if there */
	const char *image;	/* else mapping_file.json beside this image, if there */
};

/*
 * Find Intel's mapping file as @src says, check that it is trusted (tdx_file_read_trusted():
 * it decides what is installable) and parse it. Only in the folder itself, never a parent's (a
 * file planted in a shared parent folder would change what is installable); the folder is
 * canonicalised, the image itself is not followed if it is a symlink.
 *
 * 0 with *@mapping and *@path (a new string: the file used, as named or canonical); or 0 with
 * both NULL when none was named and none is there (the rules that need it are then skipped).
 * Otherwise, with *@path set once a file was chosen (NULL before): -EINVAL not a mapping file,
 * -EPERM not trusted, a read error (-ENOENT, -EACCES, ...), -ENOMEM; each logged through @ctx.
 */
int tdx_mapping_open(struct tdx_ctx *ctx, const struct tdx_mapping_source *src,
		     struct tdx_mapping **mapping, char **path);
/* Why tdx_mapping_open() failed with @rc, for a message that goes on "cannot use FILE: ". */
const char *tdx_mapping_strerror(int rc);
/* What that failure comes to: tdx_outcome_from_errno(@rc, TDX_ERRNO_INPUT), input-error (66). */
enum tdx_outcome tdx_mapping_open_outcome(int rc);

/* ---- the image's version (compat.c) ------------------------------------------------------- */

/* Where an image's module version came from. */
enum tdx_version_source {
	TDX_VERSION_UNKNOWN = 0,
	TDX_VERSION_SIGSTRUCT,	/* reserved3 of a 2.x sigstruct */
	TDX_VERSION_FILENAME,	/* tdx_module_X.Y.ZZ.* */
	TDX_VERSION_USER,	/* --version */
};

/* "sigstruct", "file name", "user", "unknown". */
const char *tdx_version_source_name(enum tdx_version_source src);

/*
 * The module version of @image (whose file is @path; either may be NULL): @user when given,
 * else the version a 2.x sigstruct carries, else the file name's. -EINVAL when @user and the
 * sigstruct disagree (the caller says so: *@v is the sigstruct's, *@src TDX_VERSION_SIGSTRUCT);
 * -ENOENT when there is no version at all (*@src TDX_VERSION_UNKNOWN).
 */
int tdx_image_resolve_version(const struct tdx_image *image, const char *path,
			      const struct tdx_version *user, struct tdx_version *v,
			      enum tdx_version_source *src);

/* ---- compatibility rules (compat.c) ------------------------------------------------------- */

/* What compatibility needs to know about the host: filled by the host code or by tests. */
struct tdx_host_facts {
	bool have_running;
	struct tdx_version running;		/* sysfs version */
	bool have_seamldr;
	struct tdx_version seamldr;		/* sysfs seamldr_version (root only) */
	bool have_cpuid;
	uint32_t cpuid_eax;			/* CPUID(1).EAX of this CPU */
	bool have_running_svn;			/* only when the running sigstruct is known */
	uint8_t svn_major;
	uint8_t svn_minor;
};

struct tdx_compat_opts {
	bool reinstall;		/* the running version again is installable, not "current" */
	bool allow_debug;	/* debug-signed modules pass rule 6 */
	/*
	 * No mapping file is available at all: with a NULL release, rules 3-4 are SKIP and
	 * compat.release a warning. Otherwise (the default) a NULL release means the mapping
	 * file does not list the image's version: compat.release FAIL.
	 */
	bool no_mapping;
};

enum tdx_compat_verdict {
	TDX_COMPAT_INSTALLABLE = 0,
	TDX_COMPAT_CURRENT,		/* the image is the running version: nothing to do */
	TDX_COMPAT_INCOMPATIBLE,	/* some check in @report failed */
};

const char *tdx_compat_verdict_name(enum tdx_compat_verdict verdict);

/*
 * Apply compatibility.md §2 rules 1-7 (rule 8, the update budget, is the host code's), in this
 * order, each recorded in @report (which may be NULL) with the value found, the value required
 * and what to do:
 *   sigstruct.debug (6), compat.cpu (5), compat.image_version, compat.line (1),
 *   compat.not_older (2), compat.release, compat.min_running (3), compat.seamldr (4),
 *   compat.svn (7).
 * What the image is (debug, its CPUs, its version) comes first, as the more fundamental reason
 * when several rules fail: a module for another CPU is "not for this CPU" before "older".
 * sigstruct.debug is also a verification check: when @report already holds the same result
 * (tdx_image_verify() ran into it), it is not recorded twice.
 * Every rule is evaluated, so each failing one has its message; the first failure is the one
 * to tell. A rule whose inputs are missing (unknown image version, host fact not available,
 * no image) is SKIP: the host code's own checks say why a fact is missing. @release is the
 * mapping entry for @image_version (see tdx_compat_opts.no_mapping for NULL). @image may be
 * NULL (rules 5-7 SKIP). Returns 0 or a negative errno (-ENOMEM, -EINVAL for NULL @host/@opts/
 * @verdict); *@verdict is INCOMPATIBLE when a check failed, CURRENT when the image is the
 * running version and !reinstall, INSTALLABLE otherwise.
 */
int tdx_compat_check(const struct tdx_host_facts *host, const struct tdx_image *image,
		     const struct tdx_version *image_version,
		     const struct tdx_release_info *release,
		     const struct tdx_compat_opts *opts, struct tdx_report *report,
		     enum tdx_compat_verdict *verdict);
/* The same on decoded sigstruct fields (what tdx_compat_check uses; @sig may be NULL). */
int tdx_compat_check_sigstruct(const struct tdx_host_facts *host, const struct tdx_sigstruct *sig,
			       const struct tdx_version *image_version,
			       const struct tdx_release_info *release,
			       const struct tdx_compat_opts *opts, struct tdx_report *report,
			       enum tdx_compat_verdict *verdict);

/* ---- this CPU (cpuid.c) ------------------------------------------------------------------- */

#define TDX_CPUID_STEPPING_MASK	0xfu

/* CPUID(1).EAX of the CPU we run on; -ENODEV when CPUID is unavailable (not x86). */
int tdx_cpuid_eax(uint32_t *eax);

/* ---- releases in a folder and their labels (releases.c) ----------------------------------- */

/*
 * What a release found in a folder is to this host. When several apply, the first failed check
 * decides (tdx_release_label_from_report), so the order of precedence is: invalid, debug, cpu,
 * no-version, other-line, older, unlisted, below-minimum, seamldr, svn.
 */
enum tdx_release_label {
	TDX_LABEL_INSTALLABLE = 0,	/* passes every rule: can be installed in place */
	TDX_LABEL_RUNNING,		/* the running version (installable with --reinstall) */
	TDX_LABEL_OLDER,		/* older than the running module */
	TDX_LABEL_OTHER_LINE,		/* another major.minor than the running module */
	TDX_LABEL_BELOW_MINIMUM,	/* running module below the release's minimum */
	TDX_LABEL_SEAMLDR,		/* the running P-SEAMLDR cannot load it */
	TDX_LABEL_CPU,			/* this CPU is not in its CPUID table */
	TDX_LABEL_DEBUG,		/* debug-signed, debug modules not allowed */
	TDX_LABEL_SVN,			/* SVN rule fails against the running module */
	TDX_LABEL_INVALID,		/* the image fails an offline check or cannot be read */
	TDX_LABEL_UNLISTED,		/* the mapping file does not list its version */
	TDX_LABEL_NO_VERSION,		/* version in neither its name nor its sigstruct */
};

/* Short stable name for JSON and scripts: "installable", "running", "older", "other-line", ... */
const char *tdx_release_label_name(enum tdx_release_label label);
/* The words for people: "installable", "already running", "other major.minor", ... */
const char *tdx_release_label_description(enum tdx_release_label label);

/*
 * The label that the first failed check of @report stands for (verification and compatibility
 * checks of one candidate in one report), or the verdict's when nothing failed. Pure.
 */
enum tdx_release_label tdx_release_label_from_report(const struct tdx_report *report,
						     enum tdx_compat_verdict verdict);

/* One release found in a folder. Read-only for callers. */
struct tdx_candidate {
	char *path;			/* blob, kernel image, or module .bin of a pair */
	char *sig_path;			/* the pair's .sigstruct; NULL for a blob or image */
	char *alt_path;			/* the same release as a pair (the blob preferred) */
	char *alt_sig_path;
	bool have_version;
	struct tdx_version version;
	enum tdx_version_source version_source;
	/* Set by tdx_releases_label(): */
	bool labelled;
	int error;			/* negative errno when the files could not be read */
	enum tdx_release_label label;
	bool listed;			/* the mapping file lists it; @release is its entry */
	struct tdx_release_info release;
	struct tdx_report *report;	/* every check that ran for this candidate */
};

struct tdx_releases;

/*
 * Find the releases under @dir: Intel's layout (joined_files/X.Y/tdx_module_*.blob,
 * separate_files/X.Y/X.Y.ZZ/tdx_module_X.Y.ZZ.bin + .sigstruct) and plain folders of images
 * (*.blob, *.img, *.bin with a .sigstruct of the same stem), up to 4 folder levels deep, not
 * following symlinked folders. A release present both as a blob and as a pair (same version
 * from the file names) is one candidate: the blob, with the pair in alt_path/alt_sig_path.
 * Candidates are sorted by version, those of unknown version last, then by path. Versions come
 * from file names here; tdx_releases_label() refines them from the sigstruct. -ENOENT when
 * @dir holds no candidate, -ENOTDIR/-EACCES/... when it cannot be read.
 */
int tdx_releases_scan(struct tdx_ctx *ctx, const char *dir, struct tdx_releases **list);
void tdx_releases_free(struct tdx_releases *list);
size_t tdx_releases_count(const struct tdx_releases *list);
const struct tdx_candidate *tdx_releases_get(const struct tdx_releases *list, size_t i);

/*
 * Label every candidate against @host: load it (tdx_image_load), verify it (tdx_image_verify
 * with @verify's key, NULL: Intel's; debug modules allowed as @opts says, whatever @verify
 * says), resolve its version, look it up in @mapping (NULL: no mapping file, rules 3-4
 * skipped), and apply tdx_compat_check(). All the checks go to the candidate's report. An
 * unreadable or invalid image is labelled, not an error. Returns 0, or a negative errno when
 * a check could not run (-ENOMEM).
 */
int tdx_releases_label(struct tdx_ctx *ctx, struct tdx_releases *list,
		       const struct tdx_host_facts *host, const struct tdx_mapping *mapping,
		       const struct tdx_compat_opts *opts, const struct tdx_verify_opts *verify);

/*
 * The reason for a candidate's label: the message of its first failed check, or why its files
 * could not be read, or NULL.
 */
const char *tdx_candidate_reason(const struct tdx_candidate *candidate);
/* The remedies (enum tdx_remedy) of that reason's check; 0 when there are none. */
unsigned int tdx_candidate_reason_remedies(const struct tdx_candidate *candidate);

/*
 * The newest installable candidate (labelled TDX_LABEL_INSTALLABLE), the first of equals, in
 * *@index. -ENOENT when none is installable (the caller can tell "already current" by a
 * candidate labelled TDX_LABEL_RUNNING).
 */
int tdx_releases_pick_latest(const struct tdx_releases *list, size_t *index);

#ifdef __cplusplus
}
#endif

#endif /* LIBTDXCTL_COMPAT_H */
