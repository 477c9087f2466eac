// SPDX-License-Identifier: LGPL-2.1-or-later
/* TDX module and P-SEAMLDR versions: "major.minor.update", as sysfs and Intel's files print them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format-private.h"

/* One decimal number of at most @max, no sign, no leading spaces; advances *s. */
static int parse_uint(const char **s, unsigned int max, unsigned int *out)
{
	unsigned long v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -ERANGE;
		p++;
	}
	*s = p;
	*out = (unsigned int)v;
	return 0;
}

TDX_EXPORT
int tdx_version_parse(const char *s, struct tdx_version *v)
{
	struct tdx_version r;
	const char *p = s;

	if (!s)
		return -EINVAL;
	if (parse_uint(&p, 255, &r.major) < 0 || *p++ != '.' ||
	    parse_uint(&p, 255, &r.minor) < 0 || *p++ != '.' ||
	    parse_uint(&p, 65535, &r.update) < 0)
		return -EINVAL;
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	*v = r;
	return 0;
}

TDX_EXPORT
int tdx_version_cmp(const struct tdx_version *a, const struct tdx_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->update != b->update)
		return a->update < b->update ? -1 : 1;
	return 0;
}

TDX_EXPORT
bool tdx_version_same_line(const struct tdx_version *a, const struct tdx_version *b)
{
	return a->major == b->major && a->minor == b->minor;
}

TDX_EXPORT
char *tdx_version_format(const struct tdx_version *v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%02u", v->major, v->minor, v->update);
	return buf;
}

/* Intel names its files tdx_module_X.Y.ZZ followed by an extension or the end of the name. */
TDX_EXPORT
int tdx_version_from_filename(const char *path, struct tdx_version *v)
{
	static const char prefix[] = "tdx_module_";
	const char *base = strrchr(path, '/');
	const char *p;
	struct tdx_version r;

	base = base ? base + 1 : path;
	if (strncmp(base, prefix, sizeof(prefix) - 1) != 0)
		return -ENOENT;
	p = base + sizeof(prefix) - 1;
	if (parse_uint(&p, 255, &r.major) < 0 || *p++ != '.' ||
	    parse_uint(&p, 255, &r.minor) < 0 || *p++ != '.' ||
	    parse_uint(&p, 65535, &r.update) < 0)
		return -ENOENT;
	if (*p && *p != '.')
		return -ENOENT;
	*v = r;
	return 0;
}
