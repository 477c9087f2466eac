/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the pure layer (lib/format), for its own files and the layers above: the base
 * internals (private.h) and the pure interface (tdx-format.h), never a host declaration.
 */
#ifndef LIBTDXCTL_FORMAT_PRIVATE_H
#define LIBTDXCTL_FORMAT_PRIVATE_H

#include "private.h"
#include "tdx-format.h"

/* Relative to the context's sysfs root: the TDX host device and the CPUs (host.c reads them, the rules name them). */
#define TDX_HOST_SYSPATH	"devices/faux/tdx_host"
#define CPU_SYSPATH		"devices/system/cpu"

/*
 * 0 when a sigstruct's RSA signature verifies with the key it carries (signature.c); whether
 * that key is trusted is the caller's check. Also for the update's check of the running
 * module's sigstruct found beside an image (update/attempt.c).
 */
int tdx_signature_verify(const uint8_t raw[TDX_SIGSTRUCT_SIZE]);

/*
 * report.c: SKIP every check from @first to @last that has no result yet in @report (NULL:
 * nothing), each with the finding TDX_FND_NOT_RUN and @cause (a finding without facts) as why.
 * For the image checks (image.c, elf.c, host/image-file.c), which stop at the first fault.
 */
int tdx_report_skip_range(struct tdx_report *report, enum tdx_check_id first,
			  enum tdx_check_id last, enum tdx_finding cause);

struct json_object;
/* A JSON value's kind, for a refusal's @found (json-kind.c). */
enum tdx_json_kind tdx_json_kind(struct json_object *v);

#endif /* LIBTDXCTL_FORMAT_PRIVATE_H */
