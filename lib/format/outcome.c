// SPDX-License-Identifier: LGPL-2.1-or-later
/* The error taxonomy: names for outcomes, and which of them are worth retrying. */
#include "private.h"

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
bool tdx_outcome_retryable(enum tdx_outcome outcome)
{
	return outcome == TDX_OUTCOME_RETRY;
}
