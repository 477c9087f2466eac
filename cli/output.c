// SPDX-License-Identifier: GPL-2.0-only
/* Output shared by the commands: reports as text lines or JSON, JSON printing. */
#include <stdio.h>

#include "tdxctl.h"

void json_print(struct json_object *obj)
{
	fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE), stdout);
	fputc('\n', stdout);
	json_object_put(obj);
}

/*
 * One line a check: "  fail  signature  [spec]  ...", with the evidence its rule rests on, so
 * that a reader can weigh a finding. Passing checks only when asked.
 */
void report_print_text(const struct tdx_report *report, FILE *out, bool failures_only)
{
	for (size_t i = 0; i < tdx_report_count(report); i++) {
		enum tdx_check_status st = tdx_report_status(report, i);
		enum tdx_check_id id = tdx_report_id(report, i);
		char ev[16];

		if (failures_only && st != TDX_CHECK_FAIL && st != TDX_CHECK_WARN)
			continue;
		snprintf(ev, sizeof(ev), "[%s]", tdx_evidence_name(tdx_check_evidence(id)));
		fprintf(out, "  %-4s  %-30s %-10s %s\n", tdx_check_status_name(st),
			tdx_check_name(id), ev, tdx_report_message(report, i));
	}
}

struct json_object *report_to_json(const struct tdx_report *report)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < tdx_report_count(report); i++) {
		struct json_object *o = json_object_new_object();
		enum tdx_check_id id = tdx_report_id(report, i);

		json_object_object_add(o, "check", json_object_new_string(tdx_check_name(id)));
		json_object_object_add(o, "status", json_object_new_string(
			tdx_check_status_name(tdx_report_status(report, i))));
		json_object_object_add(o, "evidence", json_object_new_string(
			tdx_evidence_name(tdx_check_evidence(id))));
		json_object_object_add(o, "message",
				       json_object_new_string(tdx_report_message(report, i)));
		json_object_array_add(arr, o);
	}
	return arr;
}

struct json_object *json_string_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}
