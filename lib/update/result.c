// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What an attempt has come to so far, set by the steps that decide it: its outcome and verdict
 * (update_set), its progress for the caller (update_phase), and the mapping file it judges
 * with (update_mapping_open). The bottom of the update layer: the attempt (attempt.c) and its
 * pick of the latest release (latest.c) both build on it, and not on each other.
 */
#include <stdarg.h>
#include <stdio.h>

#include "update-private.h"

void update_set(struct tdx_update *u, enum tdx_outcome outcome, const char *fmt, ...)
{
	va_list args;

	u->outcome = outcome;
	u->have_outcome = true;
	va_start(args, fmt);
	vsnprintf(u->verdict, sizeof(u->verdict), fmt, args);
	va_end(args);
}

void update_phase(struct tdx_update *u, enum tdx_update_phase phase, const char *fmt, ...)
{
	char msg[768];
	va_list args;

	if (!u->o.phase)
		return;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	u->o.phase(u->o.data, phase, msg);
}

/*
 * The mapping file @src names or finds (tdx_mapping_open()); one that cannot be used decides
 * the attempt (an input error). 0 with *@mapping NULL: none.
 */
int update_mapping_open(struct tdx_update *u, const struct tdx_mapping_source *src,
			struct tdx_mapping **mapping, char **path)
{
	int rc = tdx_mapping_open(u->ctx, src, mapping, path);

	if (rc < 0) {
		u->mapping_rc = rc;
		update_set(u, tdx_mapping_open_outcome(rc), "cannot use the mapping file %s: %s; "
			   "nothing was changed", *path ? *path : "", tdx_mapping_strerror(rc));
	}
	return rc;
}
