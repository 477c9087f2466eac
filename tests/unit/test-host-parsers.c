// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure parsers of the system side (format/sysfs-text.c): CPU lists, the upload device's
 * status and error files, sysfs numbers and versions, the cpuinfo bugs line, the layouts; and the
 * lock file. No I/O beyond a temp dir.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host-private.h"
#include "tdx-host.h"

static int failures, passes;

#define CHECK(cond)									\
	do {										\
		if (!(cond)) {								\
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);	\
			failures++;							\
		} else {								\
			passes++;							\
		}									\
	} while (0)

static void test_cpuset(void)
{
	struct tdx_cpuset a, b, d;
	char buf[64];

	CHECK(tdx_cpuset_parse("0-3,5\n", &a) == 0);
	CHECK(tdx_cpuset_count(&a) == 5);
	CHECK(strcmp(tdx_cpuset_format(&a, buf, sizeof(buf)), "0-3,5") == 0);
	CHECK(tdx_cpuset_parse("0\n", &b) == 0 && tdx_cpuset_count(&b) == 1);
	tdx_cpuset_andnot(&d, &a, &b);
	CHECK(strcmp(tdx_cpuset_format(&d, buf, sizeof(buf)), "1-3,5") == 0);
	CHECK(tdx_cpuset_parse("", &b) == 0 && tdx_cpuset_count(&b) == 0);
	CHECK(tdx_cpuset_parse("\n", &b) == 0 && tdx_cpuset_count(&b) == 0);
	CHECK(strcmp(tdx_cpuset_format(&b, buf, sizeof(buf)), "") == 0);
	CHECK(tdx_cpuset_parse("0-8191", &b) == 0 && tdx_cpuset_count(&b) == 8192);
	CHECK(tdx_cpuset_parse("0,2,4-6,8191\n", &b) == 0 && tdx_cpuset_count(&b) == 6);
	CHECK(strcmp(tdx_cpuset_format(&b, buf, sizeof(buf)), "0,2,4-6,8191") == 0);
	/* Malformed: each is -EINVAL, out of range -ERANGE. */
	CHECK(tdx_cpuset_parse("3-1", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse("1,", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse(",1", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse("1-", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse("a", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse("1 2", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse("1\nx", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse("-1", &b) == -EINVAL);
	CHECK(tdx_cpuset_parse("8192", &b) == -ERANGE);
	CHECK(tdx_cpuset_parse("0-99999999999999999999", &b) == -ERANGE);
	/* Truncated output ends in "...". */
	CHECK(tdx_cpuset_parse("0,2,4,6,8,10,12,14", &b) == 0);
	tdx_cpuset_format(&b, buf, 10);
	CHECK(strcmp(buf + 6, "...") == 0);
}

static void test_uint(void)
{
	unsigned int v;

	CHECK(tdx_sysfs_parse_uint("3\n", &v) == 0 && v == 3);
	CHECK(tdx_sysfs_parse_uint("0", &v) == 0 && v == 0);
	CHECK(tdx_sysfs_parse_uint("4294967295\n", &v) == 0 && v == 4294967295u);
	CHECK(tdx_sysfs_parse_uint("4294967296\n", &v) == -ERANGE);
	CHECK(tdx_sysfs_parse_uint("", &v) == -EINVAL);
	CHECK(tdx_sysfs_parse_uint("-1", &v) == -EINVAL);
	CHECK(tdx_sysfs_parse_uint("3 \n", &v) == -EINVAL);
	CHECK(tdx_sysfs_parse_uint("3\n\n", &v) == -EINVAL);
}

/* The version files as the kernel prints them ("%u.%u.%02u\n"). */
static void test_version_file(void)
{
	struct tdx_version v;
	char buf[TDX_VERSION_STRLEN];

	CHECK(tdx_version_parse("1.5.08\n", &v) == 0 && v.major == 1 && v.minor == 5 &&
	      v.update == 8);
	CHECK(strcmp(tdx_version_format(&v, buf, sizeof(buf)), "1.5.08") == 0);
	CHECK(tdx_version_parse("2.0.00\n", &v) == 0 && v.major == 2 && v.update == 0);
	CHECK(tdx_version_parse("1.5.123\n", &v) == 0 && v.update == 123);
	CHECK(tdx_version_parse("1.5\n", &v) < 0);
	CHECK(tdx_version_parse("", &v) < 0);
	CHECK(tdx_version_parse("1.5.08\n\n", &v) < 0);
	CHECK(tdx_version_parse(" 1.5.08", &v) < 0);
}

static void test_fw_status(void)
{
	enum tdx_fw_status s;

	CHECK(tdx_fw_status_parse("idle\n", &s) == 0 && s == TDX_FW_IDLE);
	CHECK(tdx_fw_status_parse("receiving\n", &s) == 0 && s == TDX_FW_RECEIVING);
	CHECK(tdx_fw_status_parse("preparing", &s) == 0 && s == TDX_FW_PREPARING);
	CHECK(tdx_fw_status_parse("transferring\n", &s) == 0 && s == TDX_FW_TRANSFERRING);
	CHECK(tdx_fw_status_parse("programming\n", &s) == 0 && s == TDX_FW_PROGRAMMING);
	CHECK(tdx_fw_status_parse("idl\n", &s) == -EINVAL);
	CHECK(tdx_fw_status_parse("idle\nx", &s) == -EINVAL);
	CHECK(tdx_fw_status_parse("", &s) == -EINVAL);
	CHECK(strcmp(tdx_fw_status_name(TDX_FW_TRANSFERRING), "transferring") == 0);
}

static void test_fw_error(void)
{
	struct tdx_fw_error e, f;
	char buf[64];

	CHECK(tdx_fw_error_parse("transferring:firmware-invalid\n", &e) == 0 && e.set);
	CHECK(strcmp(e.phase, "transferring") == 0 && strcmp(e.code, "firmware-invalid") == 0);
	CHECK(strcmp(tdx_fw_error_format(&e, buf, sizeof(buf)),
		     "transferring:firmware-invalid") == 0);
	CHECK(tdx_fw_error_code_known(e.code));
	CHECK(tdx_fw_error_parse("transferring:device-busy\n", &f) == 0);
	CHECK(!tdx_fw_error_equal(&e, &f));
	CHECK(tdx_fw_error_parse("transferring:firmware-invalid", &f) == 0);
	CHECK(tdx_fw_error_equal(&e, &f));
	CHECK(tdx_fw_error_parse("\n", &e) == 0 && !e.set);
	CHECK(tdx_fw_error_parse("", &f) == 0 && !f.set && tdx_fw_error_equal(&e, &f));
	CHECK(strcmp(tdx_fw_error_format(&e, buf, sizeof(buf)), "") == 0);
	CHECK(tdx_fw_error_parse("programming:hw-error\n", &e) == 0 &&
	      strcmp(e.phase, "programming") == 0 && strcmp(e.code, "hw-error") == 0);
	/* Unknown words are kept as read; malformed text is refused. */
	CHECK(tdx_fw_error_parse("transferring:some-new-word\n", &e) == 0 &&
	      !tdx_fw_error_code_known(e.code));
	CHECK(!tdx_fw_error_code_known("busy"));
	CHECK(tdx_fw_error_parse("firmware-invalid\n", &e) == -EINVAL);
	CHECK(tdx_fw_error_parse(":firmware-invalid\n", &e) == -EINVAL);
	CHECK(tdx_fw_error_parse("transferring:\n", &e) == -EINVAL);
	CHECK(tdx_fw_error_parse("transferring:Firmware\n", &e) == -EINVAL);
	CHECK(tdx_fw_error_parse("a:b:c\n", &e) == -EINVAL);
	CHECK(tdx_fw_error_parse("transferring:firmware-invalid-but-far-too-long\n", &e) ==
	      -EINVAL);
}

static void test_run_started(void)
{
	struct tdx_fwupload_run run = { 0 };

	CHECK(!tdx_fwupload_run_started(&run));
	run.have_error_before = run.have_error_after = true;
	tdx_fw_error_parse("transferring:firmware-invalid", &run.error_before);
	tdx_fw_error_parse("transferring:firmware-invalid", &run.error_after);
	CHECK(!tdx_fwupload_run_started(&run));	/* same old result: unknown */
	tdx_fw_error_parse("", &run.error_after);
	CHECK(tdx_fwupload_run_started(&run));		/* cleared: ours succeeded */
	tdx_fw_error_parse("transferring:firmware-invalid", &run.error_after);
	run.saw_busy = true;
	CHECK(tdx_fwupload_run_started(&run));
}

static void test_cpuinfo(void)
{
	static const char info[] =
		"processor\t: 0\n"
		"flags\t\t: fpu vme seamret_invd_vmcs_not_a_bug\n"
		"bugs\t\t: spectre_v1 spectre_v2 seamret_invd_vmcs\n"
		"processor\t: 1\n"
		"bugs\t\t: spectre_v1\n";
	static const char none[] =
		"processor\t: 0\nbugs\t\t: spectre_v1 seamret_invd_vmcs_x\n";

	CHECK(tdx_cpuinfo_has_bug(info, "seamret_invd_vmcs"));
	CHECK(tdx_cpuinfo_has_bug(info, "spectre_v1"));
	CHECK(!tdx_cpuinfo_has_bug(info, "fpu"));
	CHECK(!tdx_cpuinfo_has_bug(none, "seamret_invd_vmcs"));
	CHECK(!tdx_cpuinfo_has_bug("bugs\t\t:\n", "seamret_invd_vmcs"));
	CHECK(!tdx_cpuinfo_has_bug("", "seamret_invd_vmcs"));
	CHECK(tdx_cpuinfo_has_bug("bugs: seamret_invd_vmcs", "seamret_invd_vmcs"));
}

/* The files of a fake tdx_host folder, as tdx_host_layout_detect() asks for them. */
struct fake_files {
	bool flat;		/* num_remaining_updates (and seamldr_version) */
	bool seamldr_dir;	/* seamldr/ */
};

static bool fake_present(const char *file, void *data)
{
	const struct fake_files *f = data;

	if (strcmp(file, "num_remaining_updates") == 0 || strcmp(file, "seamldr_version") == 0)
		return f->flat;
	if (strcmp(file, "seamldr") == 0)
		return f->seamldr_dir;
	return false;
}

/* The layout of an upload device named @upload (NULL: none) beside these files. */
static enum tdx_host_layout detect(const char *upload, bool flat, bool seamldr_dir)
{
	struct fake_files f = { flat, seamldr_dir };

	return tdx_host_layout_detect(upload, fake_present, &f);
}

/* The layouts (kernel-update-path.md §1.1) from the files a host shows, and their attributes. */
static void test_layout(void)
{
	CHECK(detect(NULL, true, true) == TDX_LAYOUT_NONE);
	CHECK(detect("tdx_module", true, false) == TDX_LAYOUT_MAINLINE);
	/* Flat attributes win over a seamldr/ folder, whatever the upload device's name. */
	CHECK(detect("seamldr_upload", true, true) == TDX_LAYOUT_MAINLINE);
	CHECK(detect("tdx_module", false, true) == TDX_LAYOUT_SEAMLDR_DIR);
	CHECK(detect("seamldr_upload", false, true) == TDX_LAYOUT_V3);
	/* Neither: the mainline names are tried (they fail as missing, not as misplaced). */
	CHECK(detect("tdx_module", false, false) == TDX_LAYOUT_MAINLINE);
	CHECK(detect("seamldr_upload", false, false) == TDX_LAYOUT_MAINLINE);
	/* The upload device's names, mainline's first (the order the host looks in). */
	CHECK(tdx_host_layout_upload(TDX_LAYOUT_NONE) == NULL);
	CHECK(strcmp(tdx_host_layout_upload(TDX_LAYOUT_MAINLINE), "tdx_module") == 0);
	CHECK(strcmp(tdx_host_layout_upload(TDX_LAYOUT_SEAMLDR_DIR), "tdx_module") == 0);
	CHECK(strcmp(tdx_host_layout_upload(TDX_LAYOUT_V3), "seamldr_upload") == 0);
	CHECK(tdx_host_layout_upload((enum tdx_host_layout)99) == NULL);
	/* The format each layout's kernels take by default (the layout table). */
	CHECK(tdx_host_layout_format(TDX_LAYOUT_MAINLINE) == TDX_IMAGE_FORMAT);
	CHECK(tdx_host_layout_format(TDX_LAYOUT_NONE) == TDX_IMAGE_FORMAT);
	CHECK(tdx_host_layout_format(TDX_LAYOUT_SEAMLDR_DIR) == TDX_BLOB_FORMAT);
	CHECK(tdx_host_layout_format(TDX_LAYOUT_V3) == TDX_BLOB_FORMAT);
	CHECK(strcmp(tdx_host_layout_name(TDX_LAYOUT_V3), "seamldr_upload (series v3)") == 0);
	CHECK(tdx_host_layout_attr(TDX_LAYOUT_NONE, TDX_ATTR_SEAMLDR_VERSION) == NULL);

	CHECK(strcmp(tdx_host_layout_attr(TDX_LAYOUT_MAINLINE, TDX_ATTR_SEAMLDR_VERSION),
		     "seamldr_version") == 0);
	CHECK(strcmp(tdx_host_layout_attr(TDX_LAYOUT_MAINLINE, TDX_ATTR_REMAINING_UPDATES),
		     "num_remaining_updates") == 0);
	CHECK(strcmp(tdx_host_layout_attr(TDX_LAYOUT_SEAMLDR_DIR, TDX_ATTR_SEAMLDR_VERSION),
		     "seamldr/version") == 0);
	CHECK(strcmp(tdx_host_layout_attr(TDX_LAYOUT_V3, TDX_ATTR_REMAINING_UPDATES),
		     "seamldr/num_remaining_updates") == 0);
	CHECK(tdx_host_layout_attr(TDX_LAYOUT_NONE, TDX_ATTR_SEAMLDR_VERSION) == NULL);
	CHECK(tdx_host_layout_attr((enum tdx_host_layout)99, TDX_ATTR_REMAINING_UPDATES) == NULL);
	CHECK(strcmp(tdx_host_layout_name(TDX_LAYOUT_V3), "seamldr_upload (series v3)") == 0);
	CHECK(strcmp(tdx_host_layout_name((enum tdx_host_layout)99), "unknown") == 0);
}

static void test_lock_owner(void)
{
	struct tdx_lock_owner o;

	CHECK(tdx_lock_owner_parse("1234 5678\n", &o) == 0 && o.pid == 1234 &&
	      o.starttime == 5678);
	CHECK(tdx_lock_owner_parse("1234 5678", &o) == 0);
	CHECK(tdx_lock_owner_parse("", &o) == -EINVAL);
	CHECK(tdx_lock_owner_parse("0 1\n", &o) == -EINVAL);
	CHECK(tdx_lock_owner_parse("12 x\n", &o) == -EINVAL);
	CHECK(tdx_lock_owner_parse("12 3 4\n", &o) == -EINVAL);
}

/* The lock and the history in a temporary folder: the I/O paths the VM tests also cover. */
/* Field 22 of /proc/self/stat, found independently: after ") " it is the 20th word. */
static unsigned long long self_start_time(void)
{
	char buf[1024], *p;
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (int word = 0; p && word < 20; word++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu", &v);
	return v;
}

/* The owner of a lock or a TD build is a PID and its start time: both must be the real ones. */
static void test_proc_start_time(void)
{
	unsigned long long start = 0, want = self_start_time();

	CHECK(want != 0);
	CHECK(tdx_proc_start_time(getpid(), &start) == 0);
	CHECK(start == want);
	CHECK(tdx_proc_start_time(0x7ffffff0, &start) == -ENOENT);
}

static void test_lock_and_history(void)
{
	char dir[] = "/tmp/tdxctl-test-XXXXXX", path[256];
	struct tdx_lock *lock = NULL, *lock2 = NULL;
	struct tdx_lock_owner owner;
	struct tdx_history_record rec = { 0 };
	struct json_object *recs;
	const char *checks[] = { "host.lock" };
	size_t skipped;
	bool held;
	FILE *f;

	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	CHECK(tdx_lock_query(NULL, dir, &held, &owner) == 0 && !held);
	CHECK(tdx_lock_acquire(NULL, dir, &lock, NULL) == 0);
	/* A second open file description of the same file conflicts, even in this process. */
	CHECK(tdx_lock_acquire(NULL, dir, &lock2, &owner) == -EWOULDBLOCK);
	CHECK(owner.pid == getpid() && owner.alive);
	CHECK(owner.starttime == self_start_time());
	CHECK(tdx_lock_query(NULL, dir, &held, &owner) == 0 && held && owner.pid == getpid());
	tdx_lock_free(lock);
	CHECK(tdx_lock_query(NULL, dir, &held, &owner) == 0 && !held);
	/*
	 * Issue 16: private, so that nobody else can open it to hold its flock; issue 24: in
	 * root's 0700 folder, so that a handle opened on an older, wider lock file is no handle
	 * on this one. An older version's update.lock in the run folder itself is not used.
	 */
	snprintf(path, sizeof(path), "%s/update.lock", dir);
	CHECK(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/private", dir);
	{
		struct stat st;

		CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0700);
		snprintf(path, sizeof(path), "%s/private/update.lock", dir);
		CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
		/* An older version's 0644 is made private again by the next holder. */
		CHECK(chmod(path, 0644) == 0);
		CHECK(tdx_lock_acquire(NULL, dir, &lock, NULL) == 0);
		CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
		tdx_lock_free(lock);
		/* A run folder others can write is refused. */
		CHECK(chmod(dir, 0777) == 0);
		CHECK(tdx_lock_acquire(NULL, dir, &lock, NULL) == -EPERM);
		CHECK(chmod(dir, 0700) == 0);
	}

	snprintf(path, sizeof(path), "%s/sub/history.jsonl", dir);
	CHECK(tdx_history_read(NULL, path, 0, &recs, &skipped) == -ENOENT);
	rec.time = 0;
	rec.command = "update";
	rec.old_version = "1.5.08";
	rec.failed_checks = checks;
	rec.n_failed_checks = 1;
	rec.outcome = "retry-later";
	rec.exit_code = 75;
	for (int i = 0; i < 3; i++) {
		rec.duration_ms = (uint64_t)i;
		CHECK(tdx_history_append(NULL, path, &rec) == 0);
	}
	f = fopen(path, "a");
	if (f) {
		fputs("{\"time\":\"trunc", f);	/* a write cut short by a crash */
		fclose(f);
	}
	CHECK(tdx_history_read(NULL, path, 2, &recs, &skipped) == 0);
	CHECK(json_object_array_length(recs) == 2 && skipped == 1);
	if (json_object_array_length(recs) == 2) {
		struct json_object *last = json_object_array_get_idx(recs, 1), *v;

		CHECK(json_object_object_get_ex(last, "duration_ms", &v) &&
		      json_object_get_int(v) == 2);
		CHECK(json_object_object_get_ex(last, "exit_code", &v) &&
		      json_object_get_int(v) == 75);
		CHECK(json_object_object_get_ex(last, "new_version", &v) && !v);
		CHECK(json_object_object_get_ex(last, "time", &v) &&
		      strcmp(json_object_get_string(v), "1970-01-01T00:00:00Z") == 0);
	}
	json_object_put(recs);
	/* Appending after a truncated line: the new record is still readable. */
	CHECK(tdx_history_append(NULL, path, &rec) == 0);
	CHECK(tdx_history_read(NULL, path, 0, &recs, &skipped) == 0);
	CHECK(json_object_array_length(recs) == 4 && skipped == 1);
	json_object_put(recs);
	/* A dry run is recorded as one: "kind" says so, with the image's version. */
	rec.command = "update --dry-run";
	rec.dry_run = true;
	rec.image_version = "1.5.16";
	CHECK(tdx_history_append(NULL, path, &rec) == 0);
	CHECK(tdx_history_read(NULL, path, 2, &recs, &skipped) == 0);
	if (json_object_array_length(recs) == 2) {
		struct json_object *v;

		CHECK(json_object_object_get_ex(json_object_array_get_idx(recs, 0), "kind", &v) &&
		      strcmp(json_object_get_string(v), "update") == 0);
		CHECK(json_object_object_get_ex(json_object_array_get_idx(recs, 1), "kind", &v) &&
		      strcmp(json_object_get_string(v), "dry-run") == 0);
		CHECK(json_object_object_get_ex(json_object_array_get_idx(recs, 1), "image_version",
						&v) && strcmp(json_object_get_string(v), "1.5.16") == 0);
	} else {
		CHECK(!"two records");
	}
	json_object_put(recs);

	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/private/update.lock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/private", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	test_cpuset();
	test_uint();
	test_version_file();
	test_fw_status();
	test_fw_error();
	test_run_started();
	test_cpuinfo();
	test_layout();
	test_lock_owner();
	test_proc_start_time();
	test_lock_and_history();
	printf("%d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
