/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtdxctl: everything tdxctl does goes through this library. This header includes the whole
 * interface, one header per layer, each including the one below it:
 *
 *   tdx-ctx.h     the base: the context (paths, logging hook) and who the caller is (ctx.c);
 *   tdx-format.h  the pure code (lib/format): no I/O, results from arguments only;
 *   tdx-tcb.h     Intel's TDX TCB Info, also pure (lib/format/tcb-info.c);
 *   tdx-rules.h   the rules judged from host facts (lib/rules, pure too): readiness, handoff,
 *                 an update's verdict;
 *   tdx-host.h    the host code (lib/host): files, sysfs, kmod, firmware upload, lock, history;
 *   tdx-gate.h    the TD-build gate (lib/host/gate.c);
 *   tdx-update.h  one update attempt (lib/update).
 *
 * They declare what lib/libtdxctl.sym exports and nothing else (tests/lint/check-sym.sh); the
 * internals are in each layer's private header (private.h; format/format-private.h, which
 * rules/ uses too; host/host-private.h; update/update-private.h).
 *
 * Conventions: an opaque context (struct tdx_ctx) is passed explicitly, there are no globals,
 * functions return 0 or a negative errno, and names read object_verb.
 */
#ifndef LIBTDXCTL_H
#define LIBTDXCTL_H

#include "tdx-ctx.h"
#include "tdx-format.h"
#include "tdx-tcb.h"
#include "tdx-rules.h"
#include "tdx-host.h"
#include "tdx-gate.h"
#include "tdx-launch.h"
#include "tdx-update.h"

#endif /* LIBTDXCTL_H */
