// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The record of update attempts: one JSON object a line in a file that is only ever appended
 * to, and one syslog(3) line each. A crash can leave a truncated last line; readers skip it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "host-private.h"


TDX_EXPORT
const char *tdx_history_path(struct tdx_ctx *ctx, const char *override)
{
	if (override && *override)
		return override;
	return tdx_ctx_get_path(ctx, TDX_CTX_HISTORY);
}

/* mkdir -p of the folder holding @path. */
static int history_make_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

void tdx_history_json_add_image(struct json_object *o, const struct tdx_history_record *rec,
				bool with_path)
{
	char fmt[16];

	snprintf(fmt, sizeof(fmt), "0x%x", rec->format);
	json_object_object_add(o, "old_version", tdx_json_string_or_null(rec->old_version));
	json_object_object_add(o, "new_version", tdx_json_string_or_null(rec->new_version));
	json_object_object_add(o, "image_version", tdx_json_string_or_null(rec->image_version));
	if (with_path)
		json_object_object_add(o, "image", tdx_json_string_or_null(rec->image));
	json_object_object_add(o, "image_sha256", tdx_json_string_or_null(rec->image_sha256));
	json_object_object_add(o, "format", rec->format ? json_object_new_string(fmt) : NULL);
}

static struct json_object *history_record_to_json(const struct tdx_history_record *rec)
{
	struct json_object *o = json_object_new_object(), *checks = json_object_new_array();
	char when[32], host[HOST_NAME_MAX + 1] = "";
	struct tm tm;

	gmtime_r(&rec->time, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	for (size_t i = 0; i < rec->n_failed_checks; i++)
		json_object_array_add(checks, json_object_new_string(rec->failed_checks[i]));

	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "host", json_object_new_string(host));
	json_object_object_add(o, "command", tdx_json_string_or_null(rec->command));
	json_object_object_add(o, "kind", json_object_new_string(rec->dry_run ? "dry-run"
										: "update"));
	tdx_history_json_add_image(o, rec, true);
	json_object_object_add(o, "failed_checks", checks);
	json_object_object_add(o, "kernel_error", tdx_json_string_or_null(rec->kernel_error));
	json_object_object_add(o, "uploaded", json_object_new_boolean(rec->uploaded));
	json_object_object_add(o, "outcome", tdx_json_string_or_null(rec->outcome));
	json_object_object_add(o, "verdict", tdx_json_string_or_null(rec->verdict));
	json_object_object_add(o, "duration_ms", json_object_new_int64((int64_t)rec->duration_ms));
	json_object_object_add(o, "exit_code", json_object_new_int(rec->exit_code));
	if (rec->attempt)
		json_object_object_add(o, "attempt", json_object_new_int64(rec->attempt));
	/* The running module's SVN is in no sysfs file: the record of its install keeps it. */
	if (rec->have_image_svn) {
		json_object_object_add(o, "image_svn_major",
				       json_object_new_int(rec->image_svn_major));
		json_object_object_add(o, "image_svn_minor",
				       json_object_new_int(rec->image_svn_minor));
	}
	return o;
}

/*
 * A crash can leave the last line without its newline: end it first, so that the record that
 * follows is a line of its own (the broken one is skipped by readers).
 */
static int history_end_line(int fd)
{
	struct stat st;
	char c;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size == 0 || pread(fd, &c, 1, st.st_size - 1) != 1 || c == '\n')
		return 0;
	return write(fd, "\n", 1) == 1 ? 0 : -errno;
}

/*
 * The history's flock only keeps two root writers' lines apart; it must never hold an update up.
 * Anyone who can open the file can hold a flock on it (an older version made it 0644, and a
 * chmod does not revoke a handle opened before), so root never waits for it (issue 24: no file
 * others can open is locked by root in a way that waits): one try, and when it is held the
 * line is appended without the lock: one O_APPEND write(2) of a whole line is not interleaved
 * with another writer's on a local file system.
 */
/* Root's record, not the world's: nobody else can even open a new one (to lock it). */
#define HISTORY_MODE		0640

/* One write(2) with O_APPEND, under an exclusive flock when it is free at once. */
TDX_EXPORT
int tdx_history_append(struct tdx_ctx *ctx, const char *path,
		       const struct tdx_history_record *rec)
{
	struct json_object *o = history_record_to_json(rec);
	const char *s;
	char *line = NULL, *safe = NULL;
	struct stat st;
	int fd = -1, rc = 0, len;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	/* json-c leaves C1 controls (U+009B is a CSI) raw: \u-escaped, like every JSON we print. */
	safe = s ? tdx_json_sanitize(s, strlen(s)) : NULL;
	len = safe ? asprintf(&line, "%s\n", safe) : -1;
	if (len < 0) {
		rc = -ENOMEM;
		goto out;
	}
	rc = history_make_dir(path);
	if (rc < 0)
		goto out;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
		  HISTORY_MODE);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;	/* a FIFO or a device: never written to */
		goto out;
	}
	/* Ours and open to others (an older version's 0644): root's alone from now on. */
	if (st.st_uid == geteuid() && (st.st_mode & 0037) && fchmod(fd, HISTORY_MODE) < 0)
		dbg(ctx, "chmod %s: %s\n", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			rc = -errno;
			goto out;
		}
		warn(ctx, "%s is locked by another process; appending without the lock\n", path);
	}
	rc = history_end_line(fd);
	if (rc < 0)
		goto out;
	if (write(fd, line, (size_t)len) != len)
		rc = errno ? -errno : -EIO;
	else if (fsync(fd) < 0)
		rc = -errno;
out:
	if (rc < 0)
		err(ctx, "cannot append to %s: %s\n", path, strerror(-rc));
	if (fd >= 0)
		close(fd);
	free(line);
	free(safe);
	json_object_put(o);
	return rc;
}

TDX_EXPORT
void tdx_history_syslog(const struct tdx_history_record *rec)
{
	int prio = LOG_WARNING;
	char *line = NULL, *safe;
	int len;

	if (rec->outcome && strcmp(rec->outcome, tdx_outcome_name(TDX_OUTCOME_LOST)) == 0)
		prio = LOG_CRIT;
	else if (rec->outcome && strcmp(rec->outcome, tdx_outcome_name(TDX_OUTCOME_OK)) == 0)
		prio = LOG_NOTICE;
	else if (rec->outcome && strcmp(rec->outcome, tdx_outcome_name(TDX_OUTCOME_REJECTED)) == 0)
		prio = LOG_ERR;
	len = asprintf(&line, "%s %s: %s (outcome %s, exit %d, %s -> %s, sha256 %s, %s%s%llu ms)",
		       rec->command ? rec->command : "update", rec->image ? rec->image : "-",
		       rec->verdict ? rec->verdict : "", rec->outcome ? rec->outcome : "-",
		       rec->exit_code, rec->old_version ? rec->old_version : "-",
		       rec->new_version ? rec->new_version : "-",
		       rec->image_sha256 ? rec->image_sha256 : "-",
		       rec->kernel_error ? rec->kernel_error : "", rec->kernel_error ? ", " : "",
		       (unsigned long long)rec->duration_ms);
	if (len < 0)
		return;
	/* The image's name is the caller's: escaped as one line, like every log line. */
	safe = tdx_escape(line, (size_t)len, 0);
	free(line);
	if (!safe)
		return;
	openlog("tdxctl", LOG_PID, LOG_DAEMON);
	syslog(prio, "%s", safe);
	closelog();
	free(safe);
}

/*
 * Records written before "kind" existed say a dry run only in "command": give them the same
 * field, so that readers never take a dry run for an update.
 */
static void history_record_add_kind(struct json_object *o)
{
	struct json_object *v;
	const char *cmd;

	if (json_object_object_get_ex(o, "kind", &v) && json_object_is_type(v, json_type_string))
		return;
	cmd = json_object_object_get_ex(o, "command", &v) ? json_object_get_string(v) : NULL;
	json_object_object_add(o, "kind", json_object_new_string(
		cmd && strstr(cmd, "--dry-run") ? "dry-run" : "update"));
}

TDX_EXPORT
int tdx_history_read(struct tdx_ctx *ctx, const char *path, size_t n,
		     struct json_object **records, size_t *skipped)
{
	struct json_object *all;
	char *line = NULL;
	size_t cap = 0, len;
	struct stat st;
	ssize_t got;
	int fd, rc;
	FILE *f;

	*skipped = 0;
	/* Not blocking on a FIFO, and only a regular file: the path may be anyone's. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	rc = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
	if (rc) {
		close(fd);
		return rc;
	}
	f = fdopen(fd, "r");
	if (!f) {
		rc = -errno;
		close(fd);
		return rc;
	}
	all = json_object_new_array();
	while ((got = getline(&line, &cap, f)) > 0) {
		struct json_object *o;

		if (line[got - 1] != '\n') {
			/* A last line without its newline: a write cut short. */
			(*skipped)++;
			continue;
		}
		o = json_tokener_parse(line);
		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			(*skipped)++;
			continue;
		}
		history_record_add_kind(o);
		json_object_array_add(all, o);
	}
	free(line);
	/* A read error is not the end of the file: say so rather than return what came before. */
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc) {
		json_object_put(all);
		return rc;
	}
	if (*skipped)
		dbg(ctx, "%s: %zu unreadable line(s) skipped\n", path, *skipped);
	len = json_object_array_length(all);
	if (n && len > n)
		json_object_array_del_idx(all, 0, len - n);
	*records = all;
	return 0;
}
