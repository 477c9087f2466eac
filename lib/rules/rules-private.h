/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rules of the pure layer that only the library itself calls: the TD-build gate's (gate.c),
 * judged from the facts lib/host/gate.c reads, and the order of the releases a folder holds
 * (release-label.c), found by lib/host/releases.c. Not part of the interface.
 */
#ifndef LIBTDXCTL_RULES_PRIVATE_H
#define LIBTDXCTL_RULES_PRIVATE_H

#include "format-private.h"
#include "tdx-rules.h"

/* How far in the future a build's start may lie before its entry is not believed. */
#define TDX_GATE_START_SLACK_S	60

/* The facts one gate entry is judged on, besides the entry itself. */
struct tdx_gate_entry_facts {
	bool other_boot;	/* recorded in an earlier boot */
	bool owner_alive;
	bool boot_clock;	/* judge on the boot-time clock (the entry has one, for this boot) */
	int64_t now;		/* that clock's now, or the wall clock's */
	int64_t ttl_max;	/* the longest an entry of its recorder is believed */
};

/*
 * An entry's state, and how much longer it holds an update (*@hold_s, 0 unless live) and how
 * long it has been recorded (*@age_s). Judged on the boot-time clock when the entry has one (a
 * wall-clock jump must not expire a live build) and only within the boot that wrote it; an
 * expiry is never believed beyond the recorder's longest TTL after the start, nor a start in
 * the future, so no entry stays live for ever and no member's for more than
 * TDX_GATE_TTL_MEMBER_MAX.
 */
enum tdx_gate_state tdx_gate_entry_judge(const struct tdx_gate_entry *e,
					 const struct tdx_gate_entry_facts *f, int64_t *hold_s,
					 int64_t *age_s);

/* What can be seen of the process that closed the gate (its record in gate.closed). */
enum tdx_gate_closer {
	TDX_GATE_CLOSER_ALIVE,
	TDX_GATE_CLOSER_GONE,
	TDX_GATE_CLOSER_UNSEEN,		/* cannot be seen from here: another PID namespace */
};

/*
 * Does a record close the gate? None (or an empty one): open. One from an earlier boot, or
 * whose closer is gone: open (the closer died; root removes it). A closer that cannot be seen,
 * or a record that does not parse (root's file, so never a member's doing): closed, for a TD
 * built during an update is the one thing the gate must prevent.
 */
bool tdx_gate_closed_judge(bool have_record, bool parses, bool other_boot,
			   enum tdx_gate_closer seen);

/* The releases found in a folder: filled by tdx_releases_scan() (lib/host/releases.c). */
struct tdx_releases {
	size_t count;
	size_t cap;
	struct tdx_candidate *items;
};

/*
 * Order @list by version, oldest first, unknown versions last, a blob before a pair of the
 * same version, then by path (so the order never depends on readdir).
 */
void tdx_releases_sort(struct tdx_releases *list);
/*
 * One candidate per release in a sorted @list: a pair of the same version as a blob becomes
 * the blob's alt_path/alt_sig_path (Intel ships each release both ways).
 */
void tdx_releases_dedup(struct tdx_ctx *ctx, struct tdx_releases *list);

#endif /* LIBTDXCTL_RULES_PRIVATE_H */
