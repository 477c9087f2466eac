/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The update: what an update attempt came to, judged from facts collected after the upload.
 * The judgement is a pure function (judge.c), tested row by row without a kernel.
 */
#ifndef TDX_UPDATE_H
#define TDX_UPDATE_H

#include <stdbool.h>

#include "libtdxctl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the host showed once the upload device was idle again (or the wait ended). */
struct tdx_update_facts {
	int version_rc;			/* reading `version` afterwards: 0, -ENXIO (lost), ... */
	struct tdx_version now;		/* when version_rc is 0 */
	struct tdx_version old;		/* the running version before */
	struct tdx_version image;	/* the image's */
	bool reinstall;			/* the image's version is the running one */
	bool timed_out;			/* the upload device was still busy at the deadline */
	bool have_kernel_error;		/* `error` was set after the upload */
	const char *kernel_error_code;	/* its error word ("firmware-invalid", "device-busy") */
	bool started;			/* our upload demonstrably started */
};

enum tdx_update_judgement {
	TDX_JUDGED_UPDATED = 0,		/* the version is the image's */
	TDX_JUDGED_LOST,		/* version fails with ENXIO: every TD gone, reboot */
	TDX_JUDGED_STILL_BUSY,		/* still running at the deadline: do not act yet */
	TDX_JUDGED_UNREADABLE,		/* version cannot be read (not ENXIO) */
	TDX_JUDGED_PARTIAL,		/* the image's version, yet the kernel reported an error */
	TDX_JUDGED_OTHER_VERSION,	/* neither the old nor the image's version */
	TDX_JUDGED_DEVICE_BUSY,		/* refused to start (device-busy); intact, retry later */
	TDX_JUDGED_REJECTED,		/* refused; the running module intact */
};

/*
 * The judgement, from facts only: the version file decides; the kernel's error word refines
 * (device-busy: nothing happened) and never overrides it. For a reinstall (same version), the
 * version alone proves nothing, so it counts as done only when the upload demonstrably
 * started and the kernel reported no error.
 */
enum tdx_update_judgement tdx_update_judge(const struct tdx_update_facts *facts);
const char *tdx_update_judgement_name(enum tdx_update_judgement judgement);
enum tdx_outcome tdx_update_judgement_outcome(enum tdx_update_judgement judgement);

#ifdef __cplusplus
}
#endif

#endif /* TDX_UPDATE_H */
