// SPDX-License-Identifier: GPL-2.0-only
/* The one place where outcomes become exit codes. */
#include "tdxctl.h"

int exit_from_outcome(enum tdx_outcome outcome)
{
	switch (outcome) {
	case TDX_OUTCOME_OK:		return EXIT_OK;
	case TDX_OUTCOME_INVALID_IMAGE:	return EXIT_DATAERR;
	case TDX_OUTCOME_INPUT:		return EXIT_NOINPUT;
	case TDX_OUTCOME_UNAVAILABLE:	return EXIT_UNAVAILABLE;
	case TDX_OUTCOME_RETRY:		return EXIT_TEMPFAIL;
	case TDX_OUTCOME_PERMISSION:	return EXIT_NOPERM;
	case TDX_OUTCOME_REJECTED:	return EXIT_REJECTED;
	case TDX_OUTCOME_LOST:		return EXIT_LOST;
	case TDX_OUTCOME_OUTPUT:		return EXIT_CANTCREAT;
	case TDX_OUTCOME_FAILED:	return EXIT_FAILED;
	case TDX_OUTCOME_INTERRUPTED:	return EXIT_INTERRUPTED;
	}
	return EXIT_FAILED;
}
