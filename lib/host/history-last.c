// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The last update in the history, its fields checked: monitoring reads them from a file that
 * a crash, a disk error or a person can have damaged, so each field is taken only when it has
 * the shape tdx_history_append() writes, and otherwise reported as unknown. No I/O.
 */
#include <string.h>
#include <time.h>

#include "host-private.h"

/*
 * Is the record a dry run? "kind" says so (tdx_history_read() adds it to records written before
 * it existed, from "command"); a record without a usable "kind" is judged by "command" here too.
 */
static bool history_record_is_dry_run(struct json_object *o)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, "kind", &v) && json_object_is_type(v, json_type_string))
		return strcmp(json_object_get_string(v), "dry-run") == 0;
	if (!json_object_object_get_ex(o, "command", &v) || !json_object_is_type(v, json_type_string))
		return false;
	return strstr(json_object_get_string(v), "dry-run") != NULL;
}

/* "2026-12-01T21:30:00Z" exactly, as written; the seconds since the epoch. */
static bool history_parse_time(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (!end || *end || strlen(s) != 20)
		return false;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

/* An outcome word: 1 to 31 of a-z and '-', as tdx_outcome_name() gives (future ones too). */
static bool history_outcome_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= TDX_HISTORY_OUTCOME_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz-") == n;
}

static const char *history_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

TDX_EXPORT
void tdx_history_last_update(struct json_object *records, struct tdx_history_last *last)
{
	struct json_object *o = NULL, *v;
	const char *s;
	size_t n;

	memset(last, 0, sizeof(*last));
	if (!records || !json_object_is_type(records, json_type_array))
		return;
	n = json_object_array_length(records);
	for (size_t i = n; i-- > 0;) {
		struct json_object *r = json_object_array_get_idx(records, i);

		if (json_object_is_type(r, json_type_object) && !history_record_is_dry_run(r)) {
			o = r;
			break;
		}
	}
	if (!o)
		return;
	last->found = true;
	s = history_string(o, "time");
	last->time_ok = s && history_parse_time(s, &last->time);
	if (json_object_object_get_ex(o, "exit_code", &v) && json_object_is_type(v, json_type_int)) {
		int64_t code = json_object_get_int64(v);

		if (code >= 0 && code <= 255) {
			last->exit_code = (int)code;
			last->exit_code_ok = true;
		}
	}
	s = history_string(o, "outcome");
	if (s && history_outcome_ok(s))
		strcpy(last->outcome, s);
	s = history_string(o, "old_version");
	last->old_ok = s && tdx_version_parse(s, &last->old_version) == 0;
	s = history_string(o, "new_version");
	last->new_ok = s && tdx_version_parse(s, &last->new_version) == 0;
	last->uploaded = json_object_object_get_ex(o, "uploaded", &v) &&
			 json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}
