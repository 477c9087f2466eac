// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relaunch advisories (issue 27, item 1): which running TDs were launched under an older
 * module than the running one (their launch records, tdx-launch.h), and, with TCB Info, which
 * of them verifiers will rate TD_RELAUNCH_ADVISED. The facts and the rule are the library's
 * (tdx_relaunch_collect()); the words, status's and an update's, are here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relaunch.h"
#include "tdxctl.h"

static struct json_object *svn_json(enum tdx_svn_source src, unsigned int svn)
{
	return src != TDX_SVN_UNKNOWN ? json_object_new_int((int)svn) : NULL;
}

struct json_object *relaunch_to_json(const struct tdx_relaunch *r)
{
	struct json_object *o, *tds;
	char v[TDX_VERSION_STRLEN];

	if (r->rc < 0)
		return NULL;
	o = json_object_new_object();
	tds = json_object_new_array();
	json_object_object_add(o, "running_version", json_object_new_string(
		tdx_version_format(&r->running.version, v, sizeof(v))));
	json_object_object_add(o, "running_svn_major", svn_json(r->running.source,
								r->running.major));
	json_object_object_add(o, "running_svn_minor", svn_json(r->running.source,
								r->running.minor));
	json_object_object_add(o, "running_svn_source", json_object_new_string(
		tdx_svn_source_name(r->running.source)));
	json_object_object_add(o, "tcb_info", json_object_new_boolean(r->tcb));
	json_object_object_add(o, "recorded", json_object_new_int64((int64_t)r->running_tds));
	json_object_object_add(o, "ignored", json_object_new_int64((int64_t)r->ignored));
	json_object_object_add(o, "launched_older", json_object_new_int64((int64_t)r->older));
	json_object_object_add(o, "svn_unknown", json_object_new_int64((int64_t)r->svn_unknown));
	json_object_object_add(o, "advised", r->tcb ? json_object_new_int64((int64_t)r->advised) :
			       NULL);
	for (size_t i = 0; i < r->n; i++) {
		const struct tdx_launch *l = &r->list[i];
		const struct tdx_relaunch_td *j = &r->judged[i];
		struct json_object *e;

		if (l->state != TDX_LAUNCH_RUNNING || !j->older)
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "name", json_object_new_string(l->entry.name));
		json_object_object_add(e, "uid", json_object_new_int64(l->entry.uid));
		json_object_object_add(e, "pid", json_object_new_int(l->entry.pid));
		json_object_object_add(e, "launched", json_object_new_int64(l->entry.started));
		json_object_object_add(e, "module_version", json_object_new_string(
			tdx_version_format(&l->version, v, sizeof(v))));
		json_object_object_add(e, "svn_major", svn_json(l->svn_source, l->svn_major));
		json_object_object_add(e, "svn_minor", svn_json(l->svn_source, l->svn_minor));
		json_object_object_add(e, "svn_source", json_object_new_string(
			tdx_svn_source_name(l->svn_source)));
		json_object_object_add(e, "launch_tcb_status", j->rated ?
				       json_object_new_string(j->launch.status) : NULL);
		json_object_object_add(e, "advised", j->rated ? json_object_new_boolean(j->advised) :
				       NULL);
		json_object_array_add(tds, e);
	}
	json_object_object_add(o, "tds", tds);
	return o;
}

void relaunch_print(const struct tdx_relaunch *r)
{
	char v[TDX_VERSION_STRLEN];
	const char *sep = "";

	if (r->rc < 0) {
		printf("TD launches:        unknown (%s)\n", strerror(-r->rc));
		return;
	}
	printf("TD launches:        %zu recorded running", r->running_tds);
	if (r->ignored)
		printf(" (%zu untrusted records ignored)", r->ignored);
	if (!r->older) {
		printf("; none under an older module\n");
		return;
	}
	printf("; %zu launched under an older module than %s:", r->older,
	       tdx_version_format(&r->running.version, v, sizeof(v)));
	for (size_t i = 0; i < r->n; i++) {
		const struct tdx_launch *l = &r->list[i];

		if (l->state != TDX_LAUNCH_RUNNING || !r->judged[i].older)
			continue;
		printf("%s %s (%s, ", sep, l->entry.name,
		       tdx_version_format(&l->version, v, sizeof(v)));
		if (l->svn_source != TDX_SVN_UNKNOWN)
			printf("SVN %u.%u)", l->svn_major, l->svn_minor);
		else
			printf("SVN unknown)");
		sep = ",";
	}
	printf("\n");
	if (!r->tcb) {
		printf("Relaunch advised:   not judged (no TCB Info: --tcb-info or tcb-info.conf)\n");
		return;
	}
	if (r->running.source == TDX_SVN_UNKNOWN) {
		printf("Relaunch advised:   not judged (the running module's SVN is unknown)\n");
		return;
	}
	printf("Relaunch advised:   %zu (verifiers rate their launch module OutOfDate)", r->advised);
	sep = ":";
	for (size_t i = 0; i < r->n; i++)
		if (r->list[i].state == TDX_LAUNCH_RUNNING && r->judged[i].advised) {
			printf("%s %s", sep, r->list[i].entry.name);
			sep = ",";
		}
	printf("\n");
	if (r->svn_unknown)
		printf("                    %zu launched under an older version, SVN unknown: not "
		       "judged\n", r->svn_unknown);
}
