// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The error taxonomy: names for outcomes, which of them are worth retrying, and what a
 * library errno means.
 */
#include <errno.h>

#include "format-private.h"

TDX_EXPORT
const char *tdx_outcome_name(enum tdx_outcome outcome)
{
	switch (outcome) {
	case TDX_OUTCOME_OK:		return "ok";
	case TDX_OUTCOME_INVALID_IMAGE:	return "invalid-image";
	case TDX_OUTCOME_INPUT:		return "input-error";
	case TDX_OUTCOME_UNAVAILABLE:	return "unavailable";
	case TDX_OUTCOME_RETRY:		return "retry-later";
	case TDX_OUTCOME_PERMISSION:	return "permission-denied";
	case TDX_OUTCOME_REJECTED:	return "rejected";
	case TDX_OUTCOME_LOST:		return "module-lost";
	case TDX_OUTCOME_OUTPUT:		return "output-error";
	case TDX_OUTCOME_FAILED:	return "failed";
	case TDX_OUTCOME_INTERRUPTED:	return "interrupted";
	}
	return "failed";
}

/* Only outcomes that guarantee nothing changed and may clear by themselves are retryable. */
TDX_EXPORT
bool tdx_outcome_retryable(enum tdx_outcome outcome)
{
	return outcome == TDX_OUTCOME_RETRY;
}

TDX_EXPORT
enum tdx_outcome tdx_outcome_from_errno(int err, enum tdx_errno_site site)
{
	if (err == 0)
		return TDX_OUTCOME_OK;
	if (err == -ENOMEM)
		return TDX_OUTCOME_FAILED;
	if (err == -EINTR)
		return TDX_OUTCOME_INTERRUPTED;
	switch (site) {
	case TDX_ERRNO_INPUT:
		return err == -EBADMSG ? TDX_OUTCOME_INVALID_IMAGE : TDX_OUTCOME_INPUT;
	case TDX_ERRNO_HOST:
		if (err == -EACCES || err == -EPERM || err == -EROFS)
			return TDX_OUTCOME_PERMISSION;
		/* EWOULDBLOCK is EAGAIN on Linux. */
		if (err == -EBUSY || err == -EAGAIN || err == -EALREADY || err == -ETIMEDOUT)
			return TDX_OUTCOME_RETRY;
		return TDX_OUTCOME_FAILED;
	case TDX_ERRNO_OUTPUT:
		return TDX_OUTCOME_OUTPUT;
	case TDX_ERRNO_WORK:
		return err == -EBADMSG ? TDX_OUTCOME_INVALID_IMAGE : TDX_OUTCOME_FAILED;
	}
	return TDX_OUTCOME_FAILED;
}
