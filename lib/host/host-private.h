/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of the system side (host.c, readiness.c, fwupload.c, lock.c, history.c). */
#ifndef TDX_HOST_PRIVATE_H
#define TDX_HOST_PRIVATE_H

#include <stddef.h>

#include "private.h"
#include "tdx-host.h"

/* Relative to the context's sysfs root: the TDX host device and the CPUs (host.c). */
#define TDX_HOST_SYSPATH	"devices/faux/tdx_host"
#define CPU_SYSPATH		"devices/system/cpu"

/*
 * Read a small sysfs or proc file afresh into @buf (NUL-terminated). Returns the length or the
 * read's negative errno, unchanged (ENXIO, EBUSY and EACCES mean different things here).
 */
int tdx_sysfs_read(const char *dir, const char *name, char *buf, size_t size);
/* Write @s to a sysfs file in one write(); the errno of open or write. */
int tdx_sysfs_write(const char *dir, const char *name, const char *s);
/*
 * The image's fields of a history record (old, new and image version, [image,] image_sha256,
 * format) added to @o: the one place they are built, for the record and the update's result.
 */
void tdx_history_json_add_image(struct json_object *o, const struct tdx_history_record *rec,
				bool with_path);
/*
 * The TD-build gate read only, as status reads it: its builds (judged now), whether it is
 * closed and by whom, into @facts (their gate_rc, gate_closed, gate_mine, gate_closer, builds,
 * builds_live, builds_ignored; @facts->builds must hold no list yet). Nothing is closed.
 */
void tdx_readiness_read_gate(struct tdx_ctx *ctx, struct tdx_readiness_facts *facts);

#endif
