/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The relaunch advisories as status shows them (relaunch.c): the TDs launched under an older
 * module than the running one, and with TCB Info those verifiers will advise relaunching.
 */
#ifndef TDXCTL_RELAUNCH_H
#define TDXCTL_RELAUNCH_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "tdx-update.h"

/* The "relaunch" object of status --json and update --json (NULL, null, when unknown). */
struct json_object *relaunch_to_json(const struct tdx_relaunch *r);
/* status's lines. */
void relaunch_print(const struct tdx_relaunch *r);

#endif
