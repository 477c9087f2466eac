// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The text of the kernel's sysfs and proc files, parsed: CPU lists, counters, /proc/cpuinfo's
 * bugs, the firmware-upload class's status and error words, and the sysfs layouts (which one a
 * host has, from the files it shows, and where each attribute is in it). Pure: host/host.c and
 * host/fwupload.c read the files and hand the text here.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "format-private.h"

/* ---- CPU lists, counters, cpuinfo ------------------------------------------------------------ */

/* ---- pure parsers ---------------------------------------------------------------------------- */

static void cpuset_set(struct tdx_cpuset *set, unsigned int cpu)
{
	set->bits[cpu / 64] |= 1ull << (cpu % 64);
}

static bool cpuset_test(const struct tdx_cpuset *set, unsigned int cpu)
{
	return set->bits[cpu / 64] >> (cpu % 64) & 1;
}

/* A CPU number: decimal digits only, below TDX_CPUSET_MAX. Advances *s. */
static int cpu_number_parse(const char **s, unsigned int *cpu)
{
	unsigned long v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v >= TDX_CPUSET_MAX)
			return -ERANGE;
	}
	*s = p;
	*cpu = (unsigned int)v;
	return 0;
}

TDX_EXPORT
int tdx_cpuset_parse(const char *s, struct tdx_cpuset *set)
{
	struct tdx_cpuset r = { 0 };
	const char *p = s;
	int rc;

	if (!s)
		return -EINVAL;
	while (*p && *p != '\n') {
		unsigned int lo, hi;

		rc = cpu_number_parse(&p, &lo);
		if (rc < 0)
			return rc;
		hi = lo;
		if (*p == '-') {
			p++;
			rc = cpu_number_parse(&p, &hi);
			if (rc < 0)
				return rc;
			if (hi < lo)
				return -EINVAL;
		}
		for (unsigned int c = lo; c <= hi; c++)
			cpuset_set(&r, c);
		if (*p == ',') {
			p++;
			if (!*p || *p == '\n')
				return -EINVAL;
		} else if (*p && *p != '\n') {
			return -EINVAL;
		}
	}
	if (*p == '\n' && p[1])
		return -EINVAL;
	*set = r;
	return 0;
}

TDX_EXPORT
unsigned int tdx_cpuset_count(const struct tdx_cpuset *set)
{
	unsigned int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(set->bits); i++)
		n += (unsigned int)__builtin_popcountll(set->bits[i]);
	return n;
}

TDX_EXPORT
void tdx_cpuset_andnot(struct tdx_cpuset *dst, const struct tdx_cpuset *a,
		       const struct tdx_cpuset *b)
{
	for (size_t i = 0; i < ARRAY_SIZE(dst->bits); i++)
		dst->bits[i] = a->bits[i] & ~b->bits[i];
}

TDX_EXPORT
char *tdx_cpuset_format(const struct tdx_cpuset *set, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int c = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	while (c < TDX_CPUSET_MAX) {
		unsigned int hi;
		int n;

		if (!cpuset_test(set, c)) {
			c++;
			continue;
		}
		for (hi = c; hi + 1 < TDX_CPUSET_MAX && cpuset_test(set, hi + 1); hi++)
			;
		n = hi == c ? snprintf(buf + len, size - len, "%s%u", len ? "," : "", c)
			    : snprintf(buf + len, size - len, "%s%u-%u", len ? "," : "", c, hi);
		if (n < 0 || (size_t)n >= size - len) {
			/* Truncated: end in "..." when there is room for it. */
			if (size >= 4)
				strcpy(buf + size - 4, "...");
			return buf;
		}
		len += (size_t)n;
		c = hi + 1;
	}
	return buf;
}

TDX_EXPORT
int tdx_sysfs_parse_uint(const char *s, unsigned int *v)
{
	unsigned long r = 0;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		r = r * 10 + (unsigned long)(*p++ - '0');
		if (r > UINT_MAX)
			return -ERANGE;
	}
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*v = (unsigned int)r;
	return 0;
}

/* Only the first "bugs" line counts: the kernel prints the same one for every CPU. */
TDX_EXPORT
bool tdx_cpuinfo_has_bug(const char *cpuinfo, const char *bug)
{
	size_t blen = strlen(bug);
	const char *line = cpuinfo;

	while (line && *line) {
		const char *end = strchrnul(line, '\n');

		if (strncmp(line, "bugs", 4) == 0 && (line[4] == '\t' || line[4] == ' ' ||
						      line[4] == ':')) {
			const char *p = memchr(line, ':', (size_t)(end - line));

			if (!p)
				return false;
			for (p++; p < end;) {
				const char *w;

				while (p < end && isspace((unsigned char)*p))
					p++;
				w = p;
				while (p < end && !isspace((unsigned char)*p))
					p++;
				if ((size_t)(p - w) == blen && memcmp(w, bug, blen) == 0)
					return true;
			}
			return false;
		}
		line = *end ? end + 1 : NULL;
	}
	return false;
}

/* ---- the firmware-upload class's status and error ------------------------------------------- */

static const char *const status_names[] = {
	[TDX_FW_IDLE] = "idle",
	[TDX_FW_RECEIVING] = "receiving",
	[TDX_FW_PREPARING] = "preparing",
	[TDX_FW_TRANSFERRING] = "transferring",
	[TDX_FW_PROGRAMMING] = "programming",
};

/* The words drivers/base/firmware_loader/sysfs_upload.c prints. */
static const char *const error_codes[] = {
	"hw-error", "timeout", "user-abort", "device-busy", "invalid-file-size",
	"read-write-error", "flash-wearout", "firmware-invalid", "unknown-error",
};

TDX_EXPORT
int tdx_fw_status_parse(const char *s, enum tdx_fw_status *status)
{
	size_t len = s ? strcspn(s, "\n") : 0;

	if (!s || (s[len] && strcmp(s + len, "\n") != 0))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++) {
		if (strlen(status_names[i]) == len && strncmp(s, status_names[i], len) == 0) {
			*status = (enum tdx_fw_status)i;
			return 0;
		}
	}
	return -EINVAL;
}

TDX_EXPORT
const char *tdx_fw_status_name(enum tdx_fw_status status)
{
	return (unsigned int)status < ARRAY_SIZE(status_names) ? status_names[status] : "unknown";
}

/* A run of lower-case letters and dashes that fits @size with its NUL. */
static int fw_word_copy(const char *s, size_t len, char *out, size_t size)
{
	if (!len || len >= size)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return -EINVAL;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

TDX_EXPORT
int tdx_fw_error_parse(const char *s, struct tdx_fw_error *err)
{
	struct tdx_fw_error r = { 0 };
	size_t len, colon;

	if (!s)
		return -EINVAL;
	len = strcspn(s, "\n");
	if (s[len] && strcmp(s + len, "\n") != 0)
		return -EINVAL;
	if (len) {
		colon = strcspn(s, ":");
		if (colon >= len ||
		    fw_word_copy(s, colon, r.phase, sizeof(r.phase)) < 0 ||
		    fw_word_copy(s + colon + 1, len - colon - 1, r.code, sizeof(r.code)) < 0)
			return -EINVAL;
		r.set = true;
	}
	*err = r;
	return 0;
}

TDX_EXPORT
char *tdx_fw_error_format(const struct tdx_fw_error *err, char *buf, size_t size)
{
	if (err->set)
		snprintf(buf, size, "%s:%s", err->phase, err->code);
	else if (size)
		buf[0] = '\0';
	return buf;
}

TDX_EXPORT
bool tdx_fw_error_equal(const struct tdx_fw_error *a, const struct tdx_fw_error *b)
{
	if (a->set != b->set)
		return false;
	return !a->set || (strcmp(a->phase, b->phase) == 0 && strcmp(a->code, b->code) == 0);
}

TDX_EXPORT
bool tdx_fw_error_code_known(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(error_codes); i++)
		if (strcmp(code, error_codes[i]) == 0)
			return true;
	return false;
}

/*
 * Evidence, in order of strength: the status left idle after our loading=0, or `error` changed
 * (the class clears it when an upload starts, then sets its own result). Neither seen: unknown,
 * because a small upload can finish between two polls with the same result as the last one.
 */
TDX_EXPORT
bool tdx_fwupload_run_started(const struct tdx_fwupload_run *run)
{
	if (run->saw_busy)
		return true;
	return run->have_error_before && run->have_error_after &&
	       !tdx_fw_error_equal(&run->error_before, &run->error_after);
}

/* ---- layouts ---------------------------------------------------------------------------------- */

/*
 * Every layout in one row: its name, its upload device's name, what detects it, where its
 * layout-dependent attributes are and the format its kernels take by default. Detection tries
 * the rows in this order (tdx_host_layout_detect()); the host looks for the upload device by
 * the rows' names in this order too. A new layout is an enum value (tdx-format.h), a row here
 * and its test tree (tests/host).
 */
static const struct layout_desc {
	const char *name;
	const char *upload;		/* the upload device under tdx_host/firmware/ */
	const char *clue[2];		/* files under tdx_host, one of which shows the layout */
	const char *attr[TDX_ATTR_REMAINING_UPDATES + 1];	/* relative to tdx_host */
	unsigned int format;		/* sent unless the caller chooses */
	bool clue_upload;		/* the upload device's name is a clue too */
	bool fallback;			/* taken when no row's clues hold */
} layouts[TDX_LAYOUT__COUNT] = {
	[TDX_LAYOUT_NONE] = { .name = "none", .format = TDX_IMAGE_FORMAT },
	/* Flat attributes win over a seamldr/ folder, whatever the upload device's name. */
	[TDX_LAYOUT_MAINLINE] = {
		.name = "mainline", .upload = "tdx_module",
		.clue = { "num_remaining_updates", "seamldr_version" }, .fallback = true,
		.attr = { [TDX_ATTR_SEAMLDR_VERSION] = "seamldr_version",
			  [TDX_ATTR_REMAINING_UPDATES] = "num_remaining_updates" },
		.format = TDX_IMAGE_FORMAT },
	/* The series with the seamldr/ folder (v3-v7) took only Intel's 0x100 blobs. */
	[TDX_LAYOUT_SEAMLDR_DIR] = {
		.name = "seamldr-subfolder (series v4-v7)", .upload = "tdx_module",
		.clue = { "seamldr" }, .clue_upload = true,
		.attr = { [TDX_ATTR_SEAMLDR_VERSION] = "seamldr/version",
			  [TDX_ATTR_REMAINING_UPDATES] = "seamldr/num_remaining_updates" },
		.format = TDX_BLOB_FORMAT },
	[TDX_LAYOUT_V3] = {
		.name = "seamldr_upload (series v3)", .upload = "seamldr_upload",
		.clue = { "seamldr" }, .clue_upload = true,
		.attr = { [TDX_ATTR_SEAMLDR_VERSION] = "seamldr/version",
			  [TDX_ATTR_REMAINING_UPDATES] = "seamldr/num_remaining_updates" },
		.format = TDX_BLOB_FORMAT },
};

static const struct layout_desc *layout_desc(enum tdx_host_layout layout)
{
	return (unsigned int)layout < ARRAY_SIZE(layouts) ? &layouts[layout] : NULL;
}

TDX_EXPORT
const char *tdx_host_layout_name(enum tdx_host_layout layout)
{
	const struct layout_desc *d = layout_desc(layout);

	return d ? d->name : "unknown";
}

TDX_EXPORT
unsigned int tdx_host_layout_format(enum tdx_host_layout layout)
{
	const struct layout_desc *d = layout_desc(layout);

	return d ? d->format : TDX_IMAGE_FORMAT;
}

TDX_EXPORT
const char *tdx_update_support_name(enum tdx_update_support support)
{
	switch (support) {
	case TDX_UPDATE_SUPPORTED:	return "supported";
	case TDX_UPDATE_NO_DEVICE:	return "no-tdx-host";
	case TDX_UPDATE_ERRATUM:	return "cpu-erratum";
	case TDX_UPDATE_NO_FEATURE:	return "no-upload-device";
	}
	return "unknown";
}

TDX_EXPORT
const char *tdx_host_layout_upload(enum tdx_host_layout layout)
{
	const struct layout_desc *d = layout_desc(layout);

	return d ? d->upload : NULL;
}

/* Do @d's clues hold: one of its files there, and its upload device's name when it says so? */
static bool layout_clues_hold(const struct layout_desc *d, const char *upload,
			      bool (*present)(const char *file, void *data), void *data)
{
	if (d->clue_upload && (!d->upload || strcmp(d->upload, upload) != 0))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(d->clue); i++)
		if (d->clue[i] && present(d->clue[i], data))
			return true;
	return false;
}

TDX_EXPORT
enum tdx_host_layout tdx_host_layout_detect(const char *upload,
					    bool (*present)(const char *file, void *data),
					    void *data)
{
	enum tdx_host_layout fallback = TDX_LAYOUT_NONE;

	if (!upload)
		return TDX_LAYOUT_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		if (!layouts[i].upload)
			continue;
		if (layout_clues_hold(&layouts[i], upload, present, data))
			return (enum tdx_host_layout)i;
		if (layouts[i].fallback && fallback == TDX_LAYOUT_NONE)
			fallback = (enum tdx_host_layout)i;
	}
	return fallback;
}

TDX_EXPORT
const char *tdx_host_layout_attr(enum tdx_host_layout layout, enum tdx_host_attr attr)
{
	const struct layout_desc *d = layout_desc(layout);

	if (!d || (unsigned int)attr >= ARRAY_SIZE(d->attr))
		return NULL;
	return d->attr[attr];
}
