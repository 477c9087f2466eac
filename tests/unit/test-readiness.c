// SPDX-License-Identifier: GPL-2.0-only
/*
 * The readiness judgement, row by row: every combination of the facts that decide it (the
 * host device, the module, runtime update support, the budget, the CPUs, the upload device,
 * the update lock, the TD-build gate, the privileges) against the result each rule must give
 * and the outcome of the first that fails. The expected results are written here from the
 * rules as tdxctl-status(8) states them, independently of readiness.c, so a reordering or a
 * changed rule fails here. For every combination, the rules judged a group at a time (as the
 * update's pre-flight judges them, tdx_readiness_judge_rules) give exactly the rows of the whole
 * judgement, and each group the outcome of its own first failure.
 */
#include <errno.h>

#include "test.h"
#include "facts.h"
#include "tdx-gate.h"
#include "tdx-host.h"

enum version { V_OK, V_LOST, V_EIO };
enum budget { B_SOME, B_NONE, B_ROOT_ONLY, B_EIO };
enum cpus { C_ALL, C_OFFLINE, C_EIO };
enum upload { U_IDLE, U_BUSY, U_EIO, U_NONE };
enum lock { L_FREE, L_OTHER, L_MINE, L_UNKNOWN };
enum gate { G_OPEN, G_BUILDS, G_CLOSED, G_MINE, G_UNKNOWN };
enum priv { P_ROOT, P_NO_RAWIO, P_USER };

/* One combination; host false: no tdx_host, and kstate says why. */
struct row {
	bool host;
	enum tdx_kmodule_state kstate;
	enum version version;
	enum tdx_update_support support;
	enum budget budget;
	enum cpus cpus;
	enum upload upload;
	enum lock lock;
	enum gate gate;
	enum priv priv;
};

/* The rules in their order of precedence (tdx-host.h). */
static const enum tdx_check_id order[] = {
	TDX_CHK_HOST_INTERFACE, TDX_CHK_HOST_MODULE_LIVE, TDX_CHK_HOST_UPDATE_SUPPORTED,
	TDX_CHK_HOST_REMAINING_UPDATES, TDX_CHK_HOST_CPUS_ONLINE, TDX_CHK_HOST_UPLOAD_IDLE,
	TDX_CHK_HOST_LOCK, TDX_CHK_HOST_TD_BUILDS, TDX_CHK_HOST_PERMISSION,
};
#define N_RULES (sizeof(order) / sizeof(order[0]))

static struct tdx_gate_entry builds[3];

static void facts_of(const struct row *r, struct tdx_readiness_facts *f)
{
	struct tdx_host_status *st = &f->host;

	memset(f, 0, sizeof(*f));
	f->sysfs_root = "/sys";
	f->run_dir = "/run/tdxctl";
	f->kmodule = "tdx_host";
	f->kmodule_state = r->kstate;
	st->host_rc = r->host ? 0 : -ENODEV;
	st->version_rc = st->seamldr_rc = st->remaining_rc = -ENODEV;
	st->upload_status_rc = st->upload_error_rc = -ENODEV;
	st->support = r->host ? r->support : TDX_UPDATE_NO_DEVICE;
	tdx_cpuset_parse("0-3", &st->present);
	tdx_cpuset_parse(r->cpus == C_OFFLINE ? "0-1,3" : "0-3", &st->online);
	tdx_cpuset_andnot(&st->offline, &st->present, &st->online);
	st->cpus_rc = r->cpus == C_EIO ? -EIO : 0;
	if (r->host) {
		st->layout = TDX_LAYOUT_MAINLINE;
		st->version_rc = r->version == V_LOST ? -ENXIO : r->version == V_EIO ? -EIO : 0;
		st->version = (struct tdx_version){ 1, 5, 8 };
		st->seamldr_rc = 0;
		st->remaining_rc = r->budget == B_ROOT_ONLY ? -EACCES : r->budget == B_EIO ? -EIO : 0;
		st->remaining = r->budget == B_NONE ? 0 : 3;
		if (r->upload != U_NONE) {
			st->upload_path = "/sys/devices/faux/tdx_host/firmware/tdx_module";
			st->upload_status_rc = r->upload == U_EIO ? -EIO : 0;
			st->upload_status = r->upload == U_BUSY ? TDX_FW_TRANSFERRING : TDX_FW_IDLE;
		}
	}
	f->lock_rc = r->lock == L_UNKNOWN ? -EACCES : 0;
	f->lock_held = r->lock == L_OTHER || r->lock == L_MINE;
	f->lock_mine = r->lock == L_MINE;
	f->lock_owner.pid = f->lock_held ? 4242 : 0;
	f->lock_owner.alive = f->lock_held;
	f->gate_rc = r->gate == G_UNKNOWN ? -EACCES : 0;
	f->gate_closed = r->gate == G_CLOSED || r->gate == G_MINE;
	f->gate_mine = r->gate == G_MINE;
	f->gate_closer = f->gate_closed ? 4343 : 0;
	/* Always a stale and an expired build; a live one only in G_BUILDS. */
	snprintf(builds[0].name, sizeof(builds[0].name), "vm-stale");
	builds[0].state = TDX_GATE_STALE;
	snprintf(builds[1].name, sizeof(builds[1].name), "vm-expired");
	builds[1].state = TDX_GATE_EXPIRED;
	snprintf(builds[2].name, sizeof(builds[2].name), "vm1");
	builds[2].state = TDX_GATE_LIVE;
	builds[2].pid = 4444;
	f->builds = builds;
	f->n_builds = r->gate == G_BUILDS ? 3 : 2;
	f->builds_live = r->gate == G_BUILDS;
	f->builds_ignored = 2;
	f->root = r->priv != P_USER;
	f->rawio = r->priv == P_ROOT;
}

/* What each rule must say, as the man page states the rules; -1: the rule is not judged. */
static int expected_status(const struct row *r, enum tdx_check_id id)
{
	bool root = r->priv != P_USER;

	switch (id) {
	case TDX_CHK_HOST_INTERFACE:
		return r->host ? TDX_CHECK_PASS : TDX_CHECK_FAIL;
	case TDX_CHK_HOST_MODULE_LIVE:
		return !r->host ? TDX_CHECK_SKIP : r->version == V_OK ? TDX_CHECK_PASS :
		       TDX_CHECK_FAIL;
	case TDX_CHK_HOST_UPDATE_SUPPORTED:
		return !r->host ? TDX_CHECK_SKIP : r->support == TDX_UPDATE_SUPPORTED ?
		       TDX_CHECK_PASS : TDX_CHECK_FAIL;
	case TDX_CHK_HOST_REMAINING_UPDATES:
		return !r->host ? -1 : r->budget == B_SOME ? TDX_CHECK_PASS :
		       r->budget == B_NONE ? TDX_CHECK_FAIL : TDX_CHECK_SKIP;
	case TDX_CHK_HOST_CPUS_ONLINE:
		return !r->host ? -1 : r->cpus == C_ALL ? TDX_CHECK_PASS : TDX_CHECK_FAIL;
	case TDX_CHK_HOST_UPLOAD_IDLE:
		return !r->host ? -1 : r->upload == U_NONE ? TDX_CHECK_SKIP :
		       r->upload == U_IDLE ? TDX_CHECK_PASS : TDX_CHECK_FAIL;
	case TDX_CHK_HOST_LOCK:
		/* Unknown: root could not take it either; for others, permission says it all. */
		if (r->lock == L_UNKNOWN)
			return root ? TDX_CHECK_FAIL : TDX_CHECK_WARN;
		return r->lock == L_OTHER ? TDX_CHECK_FAIL : TDX_CHECK_PASS;
	case TDX_CHK_HOST_TD_BUILDS:
		if (r->gate == G_UNKNOWN)
			return root ? TDX_CHECK_FAIL : TDX_CHECK_WARN;
		if (r->gate == G_BUILDS || r->gate == G_CLOSED)
			return TDX_CHECK_FAIL;
		/* Closed by this process, which names the stale and expired builds it ignored. */
		return r->gate == G_MINE ? TDX_CHECK_WARN : TDX_CHECK_PASS;
	case TDX_CHK_HOST_PERMISSION:
		return r->priv == P_ROOT ? TDX_CHECK_PASS : TDX_CHECK_FAIL;
	default:
		return -1;
	}
}

/* The outcome each rule's failure stands for (checks.def), written out again here. */
static enum tdx_outcome failure_outcome(enum tdx_check_id id)
{
	switch (id) {
	case TDX_CHK_HOST_UPLOAD_IDLE:
	case TDX_CHK_HOST_LOCK:
	case TDX_CHK_HOST_TD_BUILDS:
		return TDX_OUTCOME_RETRY;
	case TDX_CHK_HOST_PERMISSION:
		return TDX_OUTCOME_PERMISSION;
	default:
		return TDX_OUTCOME_UNAVAILABLE;
	}
}

static enum tdx_outcome expected_outcome(const struct row *r)
{
	for (size_t i = 0; i < N_RULES; i++)
		if (expected_status(r, order[i]) == TDX_CHECK_FAIL)
			return failure_outcome(order[i]);
	return TDX_OUTCOME_OK;
}

/* The groups of rules in their order of precedence, and the rows each judges. */
static const struct {
	unsigned int rules;
	size_t first, count;	/* in order[] */
} groups[] = {
	{ TDX_READINESS_INTERFACE, 0, 3 },
	{ TDX_READINESS_HOST_STATE, 3, 3 },
	{ TDX_READINESS_LOCK, 6, 1 },
	{ TDX_READINESS_BUILDS, 7, 1 },
	{ TDX_READINESS_PERMISSION, 8, 1 },
};

/*
 * Each group of rules judged alone gives the rows of the whole judgement that are its own,
 * message and remedies included, and the outcome of the first of them that failed; together
 * they are every row. Returns false on any difference.
 */
static bool check_groups(const struct tdx_readiness_facts *f, const struct tdx_report *all,
			 const char *what)
{
	size_t at = 0;
	bool ok = true;

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		enum tdx_outcome want = TDX_OUTCOME_OK, got;
		struct tdx_report *part;
		size_t n;

		if (tdx_report_new(&part) < 0)
			return CHECK(false);
		got = tdx_readiness_judge_rules(f, groups[g].rules, part);
		n = tdx_report_count(part);
		for (size_t i = 0; i < n; i++, at++) {
			enum tdx_check_id id = tdx_report_id(part, i);
			bool mine = false;

			for (size_t k = 0; k < groups[g].count; k++)
				mine |= order[groups[g].first + k] == id;
			ok &= test_check(mine, __FILE__, __LINE__, "%s: group %zu judged %s", what,
					 g, tdx_check_name(id));
			if (!test_check(at < tdx_report_count(all), __FILE__, __LINE__,
					"%s: group %zu has more rows than the whole", what, g)) {
				ok = false;
				break;
			}
			char facts[1024];

			/* The same finding and facts: test_facts() reuses its buffer. */
			snprintf(facts, sizeof(facts), "%s", test_facts(part, i));
			ok &= test_check(id == tdx_report_id(all, at) &&
					 tdx_report_status(part, i) == tdx_report_status(all, at) &&
					 tdx_report_remedies(part, i) == tdx_report_remedies(all, at) &&
					 strcmp(facts, test_facts(all, at)) == 0,
					 __FILE__, __LINE__, "%s: group %zu row %zu: %s %s \"%s\", "
					 "whole: %s %s \"%s\"", what, g, i, tdx_check_name(id),
					 tdx_check_status_name(tdx_report_status(part, i)), facts,
					 tdx_check_name(tdx_report_id(all, at)),
					 tdx_check_status_name(tdx_report_status(all, at)),
					 test_facts(all, at));
			if (want == TDX_OUTCOME_OK && tdx_report_status(part, i) == TDX_CHECK_FAIL)
				want = failure_outcome(id);
		}
		ok &= test_check(got == want, __FILE__, __LINE__, "%s: group %zu outcome %s, want %s",
				 what, g, tdx_outcome_name(got), tdx_outcome_name(want));
		ok &= test_check(tdx_readiness_judge_rules(f, groups[g].rules, NULL) == got,
				 __FILE__, __LINE__, "%s: group %zu without a report", what, g);
		tdx_report_free(part);
	}
	ok &= test_check(at == tdx_report_count(all), __FILE__, __LINE__,
			 "%s: the groups judged %zu rows, the whole %zu", what, at,
			 tdx_report_count(all));
	return ok;
}

/* Judge @r and compare every result and the outcome; returns false on any difference. */
static bool check_row(const struct row *r, const char *what)
{
	struct tdx_readiness_facts f;
	struct tdx_report *report;
	enum tdx_outcome got, again;
	size_t n = 0;
	bool ok = true;

	facts_of(r, &f);
	if (tdx_report_new(&report) < 0)
		return CHECK(false);
	got = tdx_readiness_judge(&f, report);
	again = tdx_readiness_judge(&f, NULL);
	ok &= test_check(got == expected_outcome(r), __FILE__, __LINE__, "%s: outcome %s, want %s",
			 what, tdx_outcome_name(got), tdx_outcome_name(expected_outcome(r)));
	ok &= test_check(again == got, __FILE__, __LINE__, "%s: without a report %s", what,
			 tdx_outcome_name(again));
	ok &= test_check(tdx_readiness_judge_rules(&f, TDX_READINESS_ALL, NULL) == got, __FILE__,
			 __LINE__, "%s: TDX_READINESS_ALL is the whole judgement", what);
	ok &= check_groups(&f, report, what);
	for (size_t i = 0; i < N_RULES; i++) {
		int want = expected_status(r, order[i]);
		const char *msg;

		if (want < 0)
			continue;
		if (n >= tdx_report_count(report) || tdx_report_id(report, n) != order[i]) {
			ok &= test_check(false, __FILE__, __LINE__, "%s: row %zu is not %s", what, n,
					 tdx_check_name(order[i]));
			break;
		}
		ok &= test_check((int)tdx_report_status(report, n) == want, __FILE__, __LINE__,
				 "%s: %s is %s, want %s", what, tdx_check_name(order[i]),
				 tdx_check_status_name(tdx_report_status(report, n)),
				 tdx_check_status_name((enum tdx_check_status)want));
		msg = test_facts(report, n);
		ok &= test_check(tdx_report_fact_count(report, n) ==
				 tdx_finding_fact_count(tdx_report_finding(report, n)), __FILE__,
				 __LINE__, "%s: %s's facts do not match its finding: %s", what,
				 tdx_check_name(order[i]), msg);
		/* Front ends add option advice; the library names none (host.interface aside). */
		if (order[i] != TDX_CHK_HOST_INTERFACE)
			ok &= test_check(!strstr(msg, " --") && !strstr(msg, "(--"), __FILE__,
					 __LINE__, "%s: %s names an option: %s", what,
					 tdx_check_name(order[i]), msg);
		n++;
	}
	ok &= test_check(n == tdx_report_count(report), __FILE__, __LINE__,
			 "%s: %zu results, want %zu", what, tdx_report_count(report), n);
	tdx_report_free(report);
	return ok;
}

/*
 * The rows a reader checks by eye: mostly one change from a ready host, with the outcome and
 * the first failure it gives. Columns: host, kernel module, version, support, budget, CPUs,
 * upload device, lock, gate, privileges.
 */
#define OK_ TDX_KMODULE_LOADED
#define SUP TDX_UPDATE_SUPPORTED
static const struct {
	const char *what;
	struct row r;
	enum tdx_outcome want;
	enum tdx_check_id first;	/* the first failure; ignored when ready */
} named[] = {
	{ "ready", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_FREE, G_OPEN, P_ROOT },
	  TDX_OUTCOME_OK, 0 },
	{ "no tdx_host, module not loaded", { false, TDX_KMODULE_NOT_LOADED, V_OK, SUP, B_SOME,
	  C_ALL, U_IDLE, L_FREE, G_OPEN, P_ROOT }, TDX_OUTCOME_UNAVAILABLE, TDX_CHK_HOST_INTERFACE },
	{ "lost", { true, OK_, V_LOST, SUP, B_SOME, C_ALL, U_IDLE, L_FREE, G_OPEN, P_ROOT },
	  TDX_OUTCOME_UNAVAILABLE, TDX_CHK_HOST_MODULE_LIVE },
	{ "erratum", { true, OK_, V_OK, TDX_UPDATE_ERRATUM, B_SOME, C_ALL, U_NONE, L_FREE, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_UNAVAILABLE, TDX_CHK_HOST_UPDATE_SUPPORTED },
	{ "budget exhausted", { true, OK_, V_OK, SUP, B_NONE, C_ALL, U_IDLE, L_FREE, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_UNAVAILABLE, TDX_CHK_HOST_REMAINING_UPDATES },
	{ "budget root only", { true, OK_, V_OK, SUP, B_ROOT_ONLY, C_ALL, U_IDLE, L_FREE, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_OK, 0 },
	{ "a CPU offline", { true, OK_, V_OK, SUP, B_SOME, C_OFFLINE, U_IDLE, L_FREE, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_UNAVAILABLE, TDX_CHK_HOST_CPUS_ONLINE },
	{ "upload device busy", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_BUSY, L_FREE, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_RETRY, TDX_CHK_HOST_UPLOAD_IDLE },
	{ "lock held", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_OTHER, G_OPEN, P_ROOT },
	  TDX_OUTCOME_RETRY, TDX_CHK_HOST_LOCK },
	{ "lock held by this process", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_MINE,
	  G_OPEN, P_ROOT }, TDX_OUTCOME_OK, 0 },
	{ "lock unknown to root", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_UNKNOWN, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_RETRY, TDX_CHK_HOST_LOCK },
	{ "TD build live", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_FREE, G_BUILDS,
	  P_ROOT }, TDX_OUTCOME_RETRY, TDX_CHK_HOST_TD_BUILDS },
	{ "gate closed", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_FREE, G_CLOSED, P_ROOT },
	  TDX_OUTCOME_RETRY, TDX_CHK_HOST_TD_BUILDS },
	{ "gate closed by this process", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_MINE,
	  G_MINE, P_ROOT }, TDX_OUTCOME_OK, 0 },
	{ "not root", { true, OK_, V_OK, SUP, B_ROOT_ONLY, C_ALL, U_IDLE, L_FREE, G_OPEN, P_USER },
	  TDX_OUTCOME_PERMISSION, TDX_CHK_HOST_PERMISSION },
	{ "no CAP_SYS_RAWIO", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_FREE, G_OPEN,
	  P_NO_RAWIO }, TDX_OUTCOME_PERMISSION, TDX_CHK_HOST_PERMISSION },
	{ "not root, lock and gate unknown", { true, OK_, V_OK, SUP, B_ROOT_ONLY, C_ALL, U_IDLE,
	  L_UNKNOWN, G_UNKNOWN, P_USER }, TDX_OUTCOME_PERMISSION, TDX_CHK_HOST_PERMISSION },
	{ "budget before busy", { true, OK_, V_OK, SUP, B_NONE, C_ALL, U_BUSY, L_FREE, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_UNAVAILABLE, TDX_CHK_HOST_REMAINING_UPDATES },
	{ "busy before lock", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_BUSY, L_OTHER, G_OPEN,
	  P_ROOT }, TDX_OUTCOME_RETRY, TDX_CHK_HOST_UPLOAD_IDLE },
	{ "lock before permission", { true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_OTHER, G_OPEN,
	  P_USER }, TDX_OUTCOME_RETRY, TDX_CHK_HOST_LOCK },
};

static const struct row ready = {
	true, OK_, V_OK, SUP, B_SOME, C_ALL, U_IDLE, L_FREE, G_OPEN, P_ROOT,
};

static void test_named_rows(void)
{
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		struct tdx_readiness_facts f;
		struct tdx_report *report;
		size_t first;

		check_row(&named[i].r, named[i].what);
		CHECK(expected_outcome(&named[i].r) == named[i].want);
		facts_of(&named[i].r, &f);
		if (tdx_report_new(&report) < 0)
			continue;
		test_check(tdx_readiness_judge(&f, report) == named[i].want, __FILE__, __LINE__,
			   "%s: want %s", named[i].what, tdx_outcome_name(named[i].want));
		if (named[i].want == TDX_OUTCOME_OK)
			CHECK(tdx_report_first_failure(report, &first) == -ENOENT);
		else if (CHECK(tdx_report_first_failure(report, &first) == 0))
			test_check(tdx_report_id(report, first) == named[i].first, __FILE__,
				   __LINE__, "%s: first failure %s", named[i].what,
				   tdx_check_name(tdx_report_id(report, first)));
		tdx_report_free(report);
	}
}

/* Every combination on a host with tdx_host, and every one without. */
static void test_all_rows(void)
{
	static const enum tdx_update_support supports[] = {
		TDX_UPDATE_SUPPORTED, TDX_UPDATE_ERRATUM, TDX_UPDATE_NO_FEATURE,
	};
	static const enum tdx_kmodule_state kstates[] = {
		TDX_KMODULE_UNKNOWN, TDX_KMODULE_NOT_LOADED, TDX_KMODULE_LOADED,
		TDX_KMODULE_BUILTIN, TDX_KMODULE_COMING, TDX_KMODULE_BLACKLISTED,
		TDX_KMODULE_NO_LIBKMOD, TDX_KMODULE_QUERY_FAILED,
	};
#define N_KSTATES (sizeof(kstates) / sizeof(kstates[0]))
	unsigned int n = 0, bad = 0;
	struct row r = ready;

	for (int v = V_OK; v <= V_EIO; v++)
	for (size_t s = 0; s < 3; s++)
	for (int b = B_SOME; b <= B_EIO; b++)
	for (int c = C_ALL; c <= C_EIO; c++)
	for (int u = U_IDLE; u <= U_NONE; u++)
	for (int l = L_FREE; l <= L_UNKNOWN; l++)
	for (int g = G_OPEN; g <= G_UNKNOWN; g++)
	for (int p = P_ROOT; p <= P_USER; p++) {
		r = (struct row){ true, TDX_KMODULE_LOADED, (enum version)v, supports[s],
				  (enum budget)b, (enum cpus)c, (enum upload)u, (enum lock)l,
				  (enum gate)g, (enum priv)p };
		bad += !check_row(&r, "combination");
		n++;
	}
	for (size_t k = 0; k < N_KSTATES; k++)
	for (int l = L_FREE; l <= L_UNKNOWN; l++)
	for (int g = G_OPEN; g <= G_UNKNOWN; g++)
	for (int p = P_ROOT; p <= P_USER; p++) {
		r = ready;
		r.host = false;
		r.kstate = kstates[k];
		r.lock = (enum lock)l;
		r.gate = (enum gate)g;
		r.priv = (enum priv)p;
		bad += !check_row(&r, "no tdx_host");
		n++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(n, 3 * 3 * 4 * 3 * 4 * 4 * 5 * 3 + 8 * 4 * 5 * 3);
}

/* The messages carry the facts: names of live builds, the PID in the way, the paths. */
static void test_messages(void)
{
	struct tdx_readiness_facts f;
	struct tdx_report *report;
	struct row r = ready;

	r.gate = G_BUILDS;
	facts_of(&r, &f);
	if (tdx_report_new(&report) < 0)
		return;
	tdx_readiness_judge(&f, report);
	CHECK_STR(test_facts(report, 7), "host.builds_live builds=[[vm1,live,4444]] builds_total=1");
	tdx_report_free(report);

	r = ready;
	r.lock = L_OTHER;
	facts_of(&r, &f);
	f.run_dir = "/tmp/run-x";
	if (tdx_report_new(&report) < 0)
		return;
	tdx_readiness_judge(&f, report);
	CHECK_STR(test_facts(report, 6),
		  "host.lock_held_pid pid=4242 lock_file=/tmp/run-x/private/update.lock");
	/* What to do is a remedy the front end words ("retry when 'tdxctl status' ..."). */
	CHECK_INT(tdx_report_remedies(report, 6), TDX_REMEDY_STATUS_FREE);
	tdx_report_free(report);
	f.lock_owner.pid = 0;	/* a holder that wrote no record */
	if (tdx_report_new(&report) < 0)
		return;
	CHECK_INT(tdx_readiness_judge(&f, report), TDX_OUTCOME_RETRY);
	CHECK_STR(test_facts(report, 6), "host.lock_held lock_file=/tmp/run-x/private/update.lock");
	CHECK_INT(tdx_report_remedies(report, 6), TDX_REMEDY_STATUS_FREE);
	tdx_report_free(report);

	r = ready;
	r.cpus = C_OFFLINE;
	facts_of(&r, &f);
	f.sysfs_root = "/fake/sys";
	if (tdx_report_new(&report) < 0)
		return;
	tdx_readiness_judge(&f, report);
	CHECK_STR(test_facts(report, 4),
		  "host.cpus_offline offline_cpus=2 cpu_dir=/fake/sys/devices/system/cpu");
	tdx_report_free(report);
}

/* judge_one(@f, @rules): the only row @rules gives, its status and message, into @report. */
static bool judge_one(const struct tdx_readiness_facts *f, unsigned int rules,
		      struct tdx_report **report)
{
	if (tdx_report_new(report) < 0)
		return false;
	tdx_readiness_judge_rules(f, rules, *report);
	return CHECK_INT(tdx_report_count(*report), 1) != 0;
}

/*
 * The update's own facts: the lock it tried to take, the gate it tried to close and the builds
 * it waited for. The same rules, with words for what the update did, and nothing left out:
 * what failed, that nothing was changed, what to do next.
 */
static void test_update_facts(void)
{
	struct tdx_readiness_facts f;
	struct tdx_report *report;
	struct row r = ready;

	facts_of(&r, &f);
	f.run_dir = "/tmp/run-x";
	f.lock_tried = true;
	f.lock_rc = -EROFS;
	if (!judge_one(&f, TDX_READINESS_LOCK, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_FAIL);
	CHECK_STR(test_facts(report, 0), "host.lock_not_taken "
		  "lock_file=/tmp/run-x/private/update.lock error=30");
	tdx_report_free(report);
	f.lock_rc = 0;
	f.lock_held = f.lock_mine = true;
	if (!judge_one(&f, TDX_READINESS_LOCK, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_PASS);
	CHECK_STR(test_facts(report, 0), "host.lock_mine");
	tdx_report_free(report);

	/* Builds still live after the wait: named, the wait said, the remedy to wait longer. */
	r.gate = G_BUILDS;
	facts_of(&r, &f);
	f.gate_tried = true;
	f.builds_waited_ms = 2500;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_FAIL);
	CHECK_STR(test_facts(report, 0),
		  "host.builds_after_wait builds=[[vm1,live,4444]] builds_total=1 "
		  "waited_s=2.500");
	CHECK_INT(tdx_report_remedies(report, 0), TDX_REMEDY_BUILDS_END | TDX_REMEDY_WAIT_BUILDS);
	CHECK_INT(tdx_readiness_judge_rules(&f, TDX_READINESS_BUILDS, NULL), TDX_OUTCOME_RETRY);
	tdx_report_free(report);
	/* ...which ended between the close and the listing: still a refusal. */
	f.n_builds = 2;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_FAIL);
	CHECK_STR(test_facts(report, 0), "host.builds_ended_after_wait waited_s=2.500");
	tdx_report_free(report);

	/* Closed and drained by this update: the stale and expired entries it ignored named. */
	r.gate = G_MINE;
	facts_of(&r, &f);
	f.gate_tried = true;
	f.now = 1000;
	f.builds[0].pid = 31;
	f.builds[1].expires = 940;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_WARN);
	CHECK_STR(test_facts(report, 0), "host.gate_mine_ignored "
		  "builds=[[vm-stale,stale,31],[vm-expired,expired,60]] builds_total=2");
	tdx_report_free(report);
	/*
	 * Each build a record of its own, whatever its name holds (a name may have ':' in it); a
	 * late one has no number, nor an expired one when the wall clock cannot tell since when.
	 */
	snprintf(f.builds[0].name, sizeof(f.builds[0].name), "vm:1,a");
	f.builds[0].state = TDX_GATE_LATE;
	f.builds[1].expires = 1060;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_STR(test_facts(report, 0), "host.gate_mine_ignored "
		  "builds=[[vm:1,a,late],[vm-expired,expired]] builds_total=2");
	tdx_report_free(report);
	f.now = 0;
	f.builds[1].expires = 940;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_STR(test_facts(report, 0), "host.gate_mine_ignored "
		  "builds=[[vm:1,a,late],[vm-expired,expired]] builds_total=2");
	tdx_report_free(report);
	f.builds_ignored = 0;
	f.n_builds = 0;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_PASS);
	tdx_report_free(report);

	/* A gate it could not close; a gate another process holds closed, its closer unknown. */
	r.gate = G_OPEN;
	facts_of(&r, &f);
	f.run_dir = "/tmp/run-x";
	f.gate_tried = true;
	f.gate_rc = -ENOSPC;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_FAIL);
	CHECK_STR(test_facts(report, 0), "host.gate_not_closed run_dir=/tmp/run-x "
		  "error=28");
	tdx_report_free(report);
	r.gate = G_CLOSED;
	facts_of(&r, &f);
	f.run_dir = "/tmp/run-x";
	f.gate_closer = 0;
	if (!judge_one(&f, TDX_READINESS_BUILDS, &report))
		return;
	CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_FAIL);
	CHECK_STR(test_facts(report, 0), "host.gate_closed run_dir=/tmp/run-x");
	tdx_report_free(report);
}

/*
 * More builds than a list fact holds: the row is still recorded (a list over the cap would be
 * refused, and a row that is not recorded fails the judgement), with the first
 * TDX_FACT_LIST_MAX builds of its kind and builds_total counting all of them (and no other
 * kind), so that the words can say how many more there are.
 */
static void test_builds_cap(void)
{
	enum { STALE = 5, LIVE = TDX_FACT_LIST_MAX + 8 };
	static struct tdx_gate_entry many[STALE + LIVE];
	struct tdx_readiness_facts f;
	struct tdx_report *report;
	const struct tdx_fact *list, *total;
	struct row r = ready;
	char first[16], last[16];

	facts_of(&r, &f);
	for (size_t i = 0; i < STALE + LIVE; i++) {
		snprintf(many[i].name, sizeof(many[i].name), "vm%zu", i);
		many[i].state = i < STALE ? TDX_GATE_STALE : TDX_GATE_LIVE;
		many[i].pid = (pid_t)(100 + i);
	}
	f.builds = many;
	f.n_builds = STALE + LIVE;
	f.builds_live = LIVE;
	if (tdx_report_new(&report) < 0)
		return;
	CHECK_INT(tdx_readiness_judge_rules(&f, TDX_READINESS_BUILDS, report), TDX_OUTCOME_RETRY);
	CHECK_INT(tdx_report_count(report), 1);
	CHECK_INT(tdx_report_finding(report, 0), TDX_FND_HOST_BUILDS_LIVE);
	list = tdx_report_fact_get(report, 0, 0);
	total = tdx_report_fact_get(report, 0, 1);
	snprintf(first, sizeof(first), "vm%d", STALE);
	snprintf(last, sizeof(last), "vm%d", STALE + TDX_FACT_LIST_MAX - 1);
	if (CHECK(list && list->type == TDX_FACT_LIST) && CHECK_INT(list->n, TDX_FACT_LIST_MAX)) {
		CHECK_STR(list->items[0].items[0].s, first);
		CHECK_STR(list->items[TDX_FACT_LIST_MAX - 1].items[0].s, last);
	}
	if (CHECK(total && total->type == TDX_FACT_U64))
		CHECK_INT(total->u, LIVE);
	tdx_report_free(report);

	/* The builds an update ignores, as many: the same cap, the same count. */
	for (size_t i = 0; i < STALE + LIVE; i++)
		many[i].state = TDX_GATE_STALE;
	f.builds_live = 0;
	f.builds_ignored = STALE + LIVE;
	f.gate_closed = f.gate_mine = f.gate_tried = true;
	if (tdx_report_new(&report) < 0)
		return;
	tdx_readiness_judge_rules(&f, TDX_READINESS_BUILDS, report);
	CHECK_INT(tdx_report_count(report), 1);
	CHECK_INT(tdx_report_finding(report, 0), TDX_FND_HOST_GATE_MINE_IGNORED);
	list = tdx_report_fact_get(report, 0, 0);
	total = tdx_report_fact_get(report, 0, 1);
	if (CHECK(list && list->type == TDX_FACT_LIST))
		CHECK_INT(list->n, TDX_FACT_LIST_MAX);
	if (CHECK(total && total->type == TDX_FACT_U64))
		CHECK_INT(total->u, STALE + LIVE);
	tdx_report_free(report);
}

/*
 * No tdx_host: host.interface names the module's state, or why it is not known, with the
 * remedies that fit it (none to load a blacklisted module, or one a load just failed on).
 */
static void test_kmodule_findings(void)
{
	static const struct {
		enum tdx_kmodule_state state;
		int err;			/* kmodule_err */
		enum tdx_kmodule_load load;
		int load_err;
		const char *facts;
		unsigned int remedies;
	} cases[] = {
		{ TDX_KMODULE_UNKNOWN, 0, TDX_KMODULE_LOAD_NONE, 0,
		  "host.no_interface_no_module tdx_dir=/sys/devices/faux/tdx_host kmodule=tdx_host",
		  TDX_REMEDY_MODULE_NAME },
		{ TDX_KMODULE_NOT_LOADED, 0, TDX_KMODULE_LOAD_NONE, 0,
		  "host.no_interface_not_loaded tdx_dir=/sys/devices/faux/tdx_host kmodule=tdx_host",
		  TDX_REMEDY_LOAD_MODULE },
		{ TDX_KMODULE_NOT_LOADED, 0, TDX_KMODULE_LOAD_FAILED, -EKEYREJECTED,
		  "host.no_interface_load_failed tdx_dir=/sys/devices/faux/tdx_host kmodule=tdx_host "
		  "error=129", 0 },
		{ TDX_KMODULE_LOADED, 0, TDX_KMODULE_LOAD_NONE, 0,
		  "host.no_interface_loaded tdx_dir=/sys/devices/faux/tdx_host kmodule=tdx_host "
		  "kmodule_state=loaded", 0 },
		{ TDX_KMODULE_BLACKLISTED, 0, TDX_KMODULE_LOAD_NONE, 0,
		  "host.no_interface_blacklisted tdx_dir=/sys/devices/faux/tdx_host kmodule=tdx_host",
		  0 },
		{ TDX_KMODULE_NO_LIBKMOD, 0, TDX_KMODULE_LOAD_NONE, 0,
		  "host.no_interface_no_libkmod tdx_dir=/sys/devices/faux/tdx_host kmodule=tdx_host",
		  0 },
		{ TDX_KMODULE_QUERY_FAILED, -EACCES, TDX_KMODULE_LOAD_NONE, 0,
		  "host.no_interface_query_failed tdx_dir=/sys/devices/faux/tdx_host "
		  "kmodule=tdx_host error=13", 0 },
		/* A failure without its errno still says one, not "Success". */
		{ TDX_KMODULE_QUERY_FAILED, 0, TDX_KMODULE_LOAD_NONE, 0,
		  "host.no_interface_query_failed tdx_dir=/sys/devices/faux/tdx_host "
		  "kmodule=tdx_host error=5", 0 },
	};
	static const char *const names[] = {
		"unknown", "not loaded", "loaded", "built in", "loading or unloading", "blacklisted",
		"no libkmod", "query failed",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tdx_readiness_facts f;
		struct tdx_report *report;
		struct row r = ready;

		r.host = false;
		r.kstate = cases[i].state;
		facts_of(&r, &f);
		f.kmodule_err = cases[i].err;
		f.kmodule_load = cases[i].load;
		f.kmodule_load_err = cases[i].load_err;
		if (tdx_report_new(&report) < 0)
			return;
		/* Whatever the state, the interface is missing: unavailable (69). */
		CHECK_INT(tdx_readiness_judge(&f, report), TDX_OUTCOME_UNAVAILABLE);
		CHECK_INT(tdx_report_status(report, 0), TDX_CHECK_FAIL);
		CHECK_STR(test_facts(report, 0), cases[i].facts);
		CHECK_INT(tdx_report_remedies(report, 0), cases[i].remedies);
		tdx_report_free(report);
	}
	/* The names are stable: JSON and metrics carry them. */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK_STR(tdx_kmodule_state_name((enum tdx_kmodule_state)i), names[i]);
}

int main(void)
{
	test_named_rows();
	test_all_rows();
	test_messages();
	test_kmodule_findings();
	test_update_facts();
	test_builds_cap();
	return test_finish();
}
