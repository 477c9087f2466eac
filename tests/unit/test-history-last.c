// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx_history_last_update(): the last update that was not a dry run, each field taken only when
 * it has the shape the writer gives it (monitoring reads a file that may be damaged).
 */
#include <json-c/json.h>

#include "test.h"
#include "tdx-host.h"

/* Records from JSON lines, as tdx_history_read() returns them (objects only). */
static struct json_object *records(const char *const *lines, size_t n)
{
	struct json_object *all = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(all, json_tokener_parse(lines[i]));
	return all;
}

#define LAST(arr, out)									\
	do {										\
		struct json_object *r_ = records(arr, sizeof(arr) / sizeof(arr[0]));	\
		tdx_history_last_update(r_, out);					\
		json_object_put(r_);							\
	} while (0)

static void test_good(void)
{
	static const char *const lines[] = {
		"{\"time\":\"2026-12-01T10:00:00Z\",\"command\":\"update\",\"old_version\":\"1.5.06\","
		"\"new_version\":\"1.5.08\",\"outcome\":\"ok\",\"exit_code\":0,\"uploaded\":true}",
		"{\"time\":\"2026-12-01T11:00:00Z\",\"command\":\"update\",\"old_version\":\"1.5.08\","
		"\"new_version\":null,\"outcome\":\"rejected\",\"exit_code\":3,\"uploaded\":true}",
		"{\"time\":\"2026-12-01T12:00:00Z\",\"command\":\"update --dry-run\","
		"\"old_version\":\"1.5.08\",\"outcome\":\"ok\",\"exit_code\":0}",
		"{\"time\":\"2026-12-01T13:00:00Z\",\"command\":\"update\",\"kind\":\"dry-run\","
		"\"outcome\":\"ok\",\"exit_code\":0}",
	};
	struct tdx_history_last l;
	char v[TDX_VERSION_STRLEN];

	LAST(lines, &l);
	CHECK(l.found);
	CHECK(l.time_ok);
	CHECK_INT(l.time, 1796122800);	/* 2026-12-01T11:00:00Z: dry runs are skipped */
	CHECK(l.exit_code_ok);
	CHECK_INT(l.exit_code, 3);
	CHECK_STR(l.outcome, "rejected");
	CHECK(l.old_ok);
	CHECK_STR(tdx_version_format(&l.old_version, v, sizeof(v)), "1.5.08");
	CHECK(!l.new_ok);
	CHECK(l.uploaded);
}

static void test_none(void)
{
	static const char *const dry[] = {
		"{\"time\":\"2026-12-01T12:00:00Z\",\"command\":\"update --dry-run\",\"exit_code\":0}",
		"{\"time\":\"2026-12-01T13:00:00Z\",\"command\":\"update\",\"kind\":\"dry-run\"}",
	};
	static const char *const kind_update[] = {
		"{\"time\":\"2026-12-01T12:00:00Z\",\"command\":\"update\",\"kind\":\"update\","
		"\"outcome\":\"interrupted\",\"exit_code\":5}",
	};
	struct tdx_history_last l;

	tdx_history_last_update(NULL, &l);
	CHECK(!l.found);
	LAST(dry, &l);
	CHECK(!l.found);
	LAST(kind_update, &l);
	CHECK(l.found);
	CHECK_STR(l.outcome, "interrupted");
	CHECK_INT(l.exit_code, 5);
}

/* Fields of the wrong shape are unknown, never passed on. */
static void test_damaged(void)
{
	static const char *const bad[] = {
		"{\"time\":\"2026-12-01T12:00:00Z junk\",\"command\":\"update\","
		"\"old_version\":\"1.5.08\\\"} 1\\nevil 1\",\"new_version\":7,"
		"\"outcome\":\"ok\\\"}\",\"exit_code\":256}",
	};
	static const char *const types[] = {
		"{\"time\":17,\"command\":[],\"outcome\":\"\",\"exit_code\":\"0\",\"uploaded\":\"yes\"}",
	};
	static const char *const negative[] = {
		"{\"time\":\"2026-13-01T12:00:00Z\",\"outcome\":\"Module-Lost\",\"exit_code\":-1}",
	};
	struct tdx_history_last l;

	LAST(bad, &l);
	CHECK(l.found);
	CHECK(!l.time_ok);
	CHECK(!l.exit_code_ok);
	CHECK_STR(l.outcome, "");
	CHECK(!l.old_ok);
	CHECK(!l.new_ok);
	LAST(types, &l);
	CHECK(l.found);
	CHECK(!l.time_ok);
	CHECK(!l.exit_code_ok);
	CHECK_STR(l.outcome, "");
	CHECK(!l.uploaded);
	LAST(negative, &l);
	CHECK(!l.time_ok);
	CHECK(!l.exit_code_ok);
	CHECK_STR(l.outcome, "");
}

int main(void)
{
	test_good();
	test_none();
	test_damaged();
	return test_finish();
}
