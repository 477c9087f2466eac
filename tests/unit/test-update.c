// SPDX-License-Identifier: GPL-2.0-only
/*
 * One update attempt (struct tdx_update) driven through the library on a fake sysfs and procfs
 * tree: a dry run through the pre-flight and the build, the lock and gate held by the
 * pre-flight and released by the attempt, a cancel before anything reached the kernel, and
 * refusals (budget exhausted, lock held, no folder of releases), and the upload protocol with a
 * helper thread playing the kernel's side of the upload device (status, error, version): updated,
 * rejected, device busy, partial, still busy at the deadline. Nothing here needs TDX or QEMU;
 * the attempt needs root (its first check), so the test skips without it. The module-lost case
 * (ENXIO from a sysfs read) needs a kernel: tests/vm-tdxctl.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <syslog.h>
#include <unistd.h>

#include "test.h"

static char root[256];

static void put(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f || fputs(content, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

static void mk(const char *rel)
{
	char cmd[640];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	if (system(cmd) != 0)
		exit(1);
}

#define HOST	"sys/devices/faux/tdx_host"
#define UPLOAD	HOST "/firmware/tdx_module"

/* The mainline layout, idle, with @budget updates left. */
static void tree(const char *budget)
{
	char link[512];

	mk("sys/devices/system/cpu");
	mk("sys/class/firmware");
	mk("proc");
	mk("run");
	mk(UPLOAD);
	put("sys/devices/system/cpu/present", "0-3\n");
	put("sys/devices/system/cpu/online", "0-3\n");
	put("proc/cpuinfo", "processor\t: 0\nbugs\t\t: spectre_v1\n");
	put(HOST "/uevent", "");
	put(HOST "/version", "1.5.08\n");
	put(HOST "/seamldr_version", "1.5.01\n");
	put(HOST "/num_remaining_updates", budget);
	put(UPLOAD "/uevent", "");
	put(UPLOAD "/loading", "");
	put(UPLOAD "/data", "");
	put(UPLOAD "/error", "");
	put(UPLOAD "/status", "idle\n");
	snprintf(link, sizeof(link), "%s/" UPLOAD "/subsystem", root);
	if (access(link, F_OK) != 0 && symlink("../../../../../class/firmware", link) < 0)
		exit(1);
}

/* put() by rename: a reader sees the old content or the new, never an empty file. */
static void put_atomic(const char *rel, const char *content)
{
	char tmp[200], from[600], to[600];

	snprintf(tmp, sizeof(tmp), "%s.new", rel);
	put(tmp, content);
	snprintf(from, sizeof(from), "%s/%s", root, tmp);
	snprintf(to, sizeof(to), "%s/%s", root, rel);
	if (rename(from, to) < 0)
		exit(1);
}

/*
 * The kernel's side of one upload. At loading=0 the kernel's store handler has the device busy
 * before it returns; its worker later sets `error` (and, if the update ran, `version`) and then
 * goes idle. The attempt's COMMIT phase comes just before its loading=0: the test sets the
 * status there, in the updater's thread, and a helper thread does the worker's part.
 */
struct kernel {
	bool armed;
	const char *error;	/* the `error` file afterwards ("" for none) */
	const char *version;	/* the `version` file afterwards; NULL: unchanged */
	bool idle;		/* false: still busy at the deadline */
	pthread_t worker;
	bool started;
};

static void *kernel_worker(void *data)
{
	struct kernel *k = data;

	usleep(20000);
	put_atomic(UPLOAD "/error", k->error);
	if (k->version)
		put_atomic(HOST "/version", k->version);
	if (k->idle)
		put_atomic(UPLOAD "/status", "idle\n");
	return NULL;
}

static size_t file_size(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) == 0 ? (size_t)st.st_size : (size_t)-1;
}

/*
 * The fake device's `data` holds exactly the 0x200 image @want (mkfixture's bytes, not the
 * library's), and the SHA-256 the attempt announced is theirs.
 */
static void check_sent(const struct tdx_update *u, const char *want)
{
	char data[512], hex[2 * TDX_SHA256_LEN + 1] = "";
	size_t glen = 0, wlen = 0;
	uint8_t *got, *exp, md[TDX_SHA256_LEN];

	snprintf(data, sizeof(data), "%s/" UPLOAD "/data", root);
	got = test_read(data, &glen);
	exp = test_read(want, &wlen);
	CHECK_INT(glen, wlen);
	CHECK(glen == wlen && memcmp(got, exp, wlen) == 0);
	CHECK_INT(tdx_sha256_parts(&(struct tdx_image_part){ exp, wlen }, 1, md), 0);
	tdx_hex_encode(md, sizeof(md), hex);
	CHECK_STR(tdx_update_get_sha256(u), hex);
	free(got);
	free(exp);
}

static unsigned int phases[TDX_UPDATE_PHASE_WARNING + 1];

static void on_phase(void *data, const struct tdx_update_progress *p)
{
	struct kernel *k = data;
	enum tdx_update_phase phase = p->phase;

	phases[phase]++;
	if (phase == TDX_UPDATE_PHASE_COMMIT && k && k->armed) {
		put_atomic(UPLOAD "/status", "transferring\n");
		k->started = pthread_create(&k->worker, NULL, kernel_worker, k) == 0;
	}
}

/*
 * One upload through the attempt, the kernel played as @k says; returns the judgement and
 * leaves the tree idle at 1.5.08 again.
 */
static enum tdx_update_judgement upload_with(struct tdx_ctx *ctx, const char *img,
					     struct tdx_update_opts *opts, struct kernel *k,
					     enum tdx_outcome *outcome, char *kernel_error,
					     size_t kernel_error_size)
{
	enum tdx_update_judgement j = (enum tdx_update_judgement)-1;
	struct tdx_update *u;

	k->armed = true;
	k->started = false;
	opts->data = k;
	if (tdx_update_new(ctx, img, opts, &u) < 0)
		return j;
	if (tdx_update_preflight(u) == 0 && tdx_update_commit(u) == 0)
		tdx_update_get_judgement(u, &j);
	if (k->started)
		pthread_join(k->worker, NULL);
	*outcome = tdx_update_get_outcome(u);
	snprintf(kernel_error, kernel_error_size, "%s",
		 tdx_update_get_kernel_error(u) ? tdx_update_get_kernel_error(u) : "");
	tdx_update_free(u);
	k->armed = false;
	opts->data = NULL;
	put(UPLOAD "/status", "idle\n");
	put(UPLOAD "/error", "");
	put(HOST "/version", "1.5.08\n");
	return j;
}

static bool has_failed(const struct tdx_update *u, enum tdx_check_id id)
{
	const struct tdx_report *r = tdx_update_get_report(u);

	for (size_t i = 0; i < tdx_report_count(r); i++)
		if (tdx_report_id(r, i) == id && tdx_report_status(r, i) == TDX_CHECK_FAIL)
			return true;
	return false;
}

static bool lock_held(struct tdx_ctx *ctx)
{
	struct tdx_lock_owner owner;
	bool held = false;
	char run[300];

	snprintf(run, sizeof(run), "%s/run", root);
	tdx_lock_query(ctx, run, &held, &owner);
	return held;
}

int main(void)
{
	const char *fx = getenv("TDXCTL_FIXTURES"), *mkfixture = getenv("TDXCTL_MKFIXTURE");
	struct tdx_update_opts opts = { 0 };
	struct tdx_update *u;
	struct tdx_ctx *ctx;
	uint8_t key_hash[TDX_SHA384_LEN];
	char img[300], cmd[1024], path[300], hash[2 * TDX_SHA384_LEN + 2] = "";
	volatile sig_atomic_t cancel = 0;
	enum tdx_update_judgement j;
	unsigned int n;
	uint32_t eax;
	FILE *f;

	/* Every reason has its own stable name in JSON and records (a gap reads "unknown"). */
	for (unsigned int r = 0; r < TDX_UPDATE_R__COUNT; r++)
		CHECK(strcmp(tdx_update_reason_name((enum tdx_update_reason)r), "unknown") != 0);
	if (geteuid() != 0 || !fx || !mkfixture || tdx_cpuid_eax(&eax) < 0) {
		printf("not root, or no fixtures, or no CPUID: skipped\n");
		return TEST_SKIP;
	}
	snprintf(root, sizeof(root), "/tmp/tdxctl-test-update.XXXXXX");
	if (!mkdtemp(root))
		return 1;
	tree("8\n");
	snprintf(img, sizeof(img), "%s/tdx_module_1.5.09.img", root);
	snprintf(cmd, sizeof(cmd), "'%s' --key '%s/test-key.pem' --version 1.5.09 --cpuid 0x%X "
		 "-o '%s'", mkfixture, fx, eax, img);
	if (system(cmd) != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/test-key.hash", fx);
	f = fopen(path, "r");
	if (!f || !fgets(hash, sizeof(hash), f))
		return 1;
	fclose(f);
	hash[strcspn(hash, "\n")] = '\0';
	if (tdx_hex_decode(hash, key_hash, sizeof(key_hash)) < 0)
		return 1;

	if (tdx_ctx_new(&ctx) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/sys", root);
	tdx_ctx_set_path(ctx, TDX_CTX_SYSFS, path);
	snprintf(path, sizeof(path), "%s/proc", root);
	tdx_ctx_set_path(ctx, TDX_CTX_PROCFS, path);
	snprintf(path, sizeof(path), "%s/run", root);
	tdx_ctx_set_path(ctx, TDX_CTX_RUN_DIR, path);
	snprintf(path, sizeof(path), "%s/history.jsonl", root);
	tdx_ctx_set_path(ctx, TDX_CTX_HISTORY, path);
	tdx_ctx_set_log_priority(ctx, LOG_CRIT);

	opts.verify.key_hash = key_hash;
	opts.wait_builds_ms = 0;
	opts.cancel = &cancel;
	opts.phase = on_phase;

	/* Bad arguments. */
	CHECK_INT(tdx_update_new(ctx, NULL, &opts, &u), -EINVAL);
	CHECK(u == NULL);

	/* A dry run: every check passes, the image is built, nothing is written. */
	opts.dry_run = true;
	CHECK_INT(tdx_update_new(ctx, img, &opts, &u), 0);
	CHECK_INT(tdx_update_commit(u), -EINVAL);	/* no pre-flight yet */
	CHECK_INT(tdx_update_preflight(u), 0);
	CHECK_INT(tdx_update_preflight(u), -EINVAL);	/* once */
	CHECK(phases[TDX_UPDATE_PHASE_IMAGE_CHECKED] == 1);
	CHECK_STR(tdx_update_get_old_version(u), "1.5.08");
	CHECK_STR(tdx_update_get_image_version(u), "1.5.09");
	CHECK_INT(tdx_update_get_remaining(u, false, &n), 0);
	CHECK_INT(n, 8);
	CHECK(lock_held(ctx));
	CHECK_INT(tdx_update_commit(u), 0);
	CHECK_INT(tdx_update_get_outcome(u), TDX_OUTCOME_OK);
	CHECK_INT(tdx_update_get_result(u)->reason, TDX_UPDATE_R_DRY_RUN);
	CHECK_INT(tdx_update_get_result(u)->size, tdx_update_get_size(u));
	CHECK_INT(tdx_update_get_result(u)->format, TDX_IMAGE_FORMAT);
	CHECK(strstr(tdx_update_get_result(u)->path, UPLOAD) != NULL);
	CHECK_INT(strlen(tdx_update_get_sha256(u)), 64);
	CHECK_INT(tdx_update_get_format(u), TDX_IMAGE_FORMAT);
	CHECK(tdx_update_get_size(u) > 0);
	CHECK(!tdx_update_get_uploaded(u));
	CHECK(tdx_update_get_dry_run(u));
	CHECK_INT(tdx_update_get_judgement(u, &j), -ENODATA);
	CHECK(phases[TDX_UPDATE_PHASE_BUILT] == 1);
	CHECK(phases[TDX_UPDATE_PHASE_UPLOAD] == 0);
	CHECK_INT(file_size(UPLOAD "/loading"), 0);
	CHECK_INT(file_size(UPLOAD "/data"), 0);
	CHECK_INT(tdx_update_record(u, NULL, "update --dry-run", "dry run", 0, 0), 0);
	CHECK(file_size("history.jsonl") > 0);
	tdx_update_unlock(u);
	CHECK(!lock_held(ctx));
	CHECK_STR(tdx_update_get_phase_name(u), "pre-flight");	/* results stay readable */
	tdx_update_free(u);

	/* A cancel before anything reached the kernel: interrupted, lock released at the end. */
	opts.dry_run = false;
	cancel = SIGINT;
	CHECK_INT(tdx_update_new(ctx, img, &opts, &u), 0);
	CHECK_INT(tdx_update_preflight(u), 1);
	CHECK_INT(tdx_update_get_outcome(u), TDX_OUTCOME_INTERRUPTED);
	CHECK(!tdx_update_get_uploaded(u));
	CHECK_INT(tdx_update_commit(u), -EINVAL);
	CHECK_INT(file_size(UPLOAD "/loading"), 0);
	tdx_update_free(u);
	CHECK(!lock_held(ctx));
	cancel = 0;

	/* The lock held by another: refused with host.lock, nothing written. */
	{
		struct tdx_lock *other = NULL;
		struct tdx_lock_owner owner;

		snprintf(path, sizeof(path), "%s/run", root);
		CHECK_INT(tdx_lock_acquire(ctx, path, &other, &owner), 0);
		CHECK_INT(tdx_update_new(ctx, img, &opts, &u), 0);
		CHECK_INT(tdx_update_preflight(u), 1);
		CHECK(has_failed(u, TDX_CHK_HOST_LOCK));
		CHECK_INT(tdx_update_get_outcome(u), TDX_OUTCOME_RETRY);
		CHECK_INT(tdx_update_get_result(u)->reason, TDX_UPDATE_R_CHECK_FAILED);
		CHECK_INT(tdx_update_get_result(u)->check, TDX_CHK_HOST_LOCK);
		tdx_update_free(u);
		tdx_lock_free(other);
	}

	/*
	 * A TD build in progress: the gate close before the upload refuses (retry), and nothing
	 * reaches the device; the gate is open again afterwards, the build still recorded.
	 */
	{
		struct tdx_gate *g = NULL;
		bool closed = true;

		snprintf(path, sizeof(path), "%s/run", root);
		CHECK_INT(tdx_gate_new(ctx, path, &g), 0);
		CHECK_INT(tdx_gate_begin(g, "vm1", getpid(), 60, 0, NULL), 0);
		CHECK_INT(tdx_update_new(ctx, img, &opts, &u), 0);
		CHECK_INT(tdx_update_preflight(u), 1);
		CHECK(has_failed(u, TDX_CHK_HOST_TD_BUILDS));
		CHECK_INT(tdx_update_get_outcome(u), TDX_OUTCOME_RETRY);
		CHECK(!tdx_update_get_uploaded(u));
		CHECK_INT(tdx_update_commit(u), -EINVAL);
		CHECK_INT(file_size(UPLOAD "/loading"), 0);
		CHECK_INT(file_size(UPLOAD "/data"), 0);
		tdx_update_free(u);
		CHECK_INT(tdx_gate_query(g, &closed, NULL), 0);
		CHECK(!closed);
		CHECK_INT(tdx_gate_end(g, "vm1"), 0);
		tdx_gate_free(g);
	}

	/* The budget exhausted: refused before the lock. */
	put(HOST "/num_remaining_updates", "0\n");
	CHECK_INT(tdx_update_new(ctx, img, &opts, &u), 0);
	CHECK_INT(tdx_update_preflight(u), 1);
	CHECK(has_failed(u, TDX_CHK_HOST_REMAINING_UPDATES));
	CHECK(!has_failed(u, TDX_CHK_HOST_LOCK));
	CHECK_INT(tdx_update_get_outcome(u), TDX_OUTCOME_UNAVAILABLE);
	CHECK_INT(tdx_update_get_result(u)->reason, TDX_UPDATE_R_CHECK_FAILED);
	CHECK_INT(tdx_update_get_result(u)->check, TDX_CHK_HOST_REMAINING_UPDATES);
	tdx_update_free(u);
	put(HOST "/num_remaining_updates", "8\n");

	/* A folder of releases that does not exist: an input error. */
	opts.latest_dir = "/nonexistent/releases";
	CHECK_INT(tdx_update_new(ctx, NULL, &opts, &u), 0);
	CHECK_INT(tdx_update_preflight(u), 1);
	CHECK_INT(tdx_update_get_outcome(u), TDX_OUTCOME_INPUT);
	CHECK(tdx_update_get_image_path(u) == NULL);
	tdx_update_free(u);
	opts.latest_dir = NULL;

	/*
	 * The upload on the fake device: the files take the bytes, status stays idle, the version
	 * does not change and `error` says nothing: judged rejected, the module intact.
	 */
	CHECK_INT(tdx_update_new(ctx, img, &opts, &u), 0);
	CHECK_INT(tdx_update_preflight(u), 0);
	CHECK_INT(tdx_update_commit(u), 0);
	CHECK(tdx_update_get_uploaded(u));
	CHECK_INT(tdx_update_get_judgement(u, &j), 0);
	CHECK_INT(j, TDX_JUDGED_REJECTED);
	CHECK_INT(tdx_update_get_outcome(u), TDX_OUTCOME_REJECTED);
	CHECK_STR(tdx_update_get_new_version(u), "1.5.08");
	CHECK_INT(file_size(UPLOAD "/data"), tdx_update_get_size(u));
	check_sent(u, img);
	CHECK_STR(tdx_update_get_phase_name(u), "verdict");
	tdx_update_free(u);
	CHECK(!lock_held(ctx));

	/* From the 0x100 blob form, converted: the device gets the same 0x200 bytes. */
	{
		char blob[320];

		snprintf(blob, sizeof(blob), "%s/blob", root);
		mkdir(blob, 0755);
		snprintf(blob, sizeof(blob), "%s/blob/tdx_module_1.5.09.blob", root);
		snprintf(cmd, sizeof(cmd), "'%s' --key '%s/test-key.pem' --version 1.5.09 "
			 "--cpuid 0x%X --format 0x100 -o '%s'", mkfixture, fx, eax, blob);
		CHECK_INT(system(cmd), 0);
		put(UPLOAD "/data", "");
		CHECK_INT(tdx_update_new(ctx, blob, &opts, &u), 0);
		CHECK_INT(tdx_update_preflight(u), 0);
		CHECK_INT(tdx_update_commit(u), 0);
		CHECK(tdx_update_get_uploaded(u));
		check_sent(u, img);
		tdx_update_free(u);
	}

	/* The upload protocol, the kernel played by a helper thread. */
	{
		struct kernel k = { .error = "", .version = "1.5.09\n", .idle = true };
		enum tdx_outcome oc;
		char kerr[128];

		j = upload_with(ctx, img, &opts, &k, &oc, kerr, sizeof(kerr));
		CHECK_INT(j, TDX_JUDGED_UPDATED);
		CHECK_INT(oc, TDX_OUTCOME_OK);
		CHECK_STR(kerr, "");

		k = (struct kernel){ .error = "transferring:firmware-invalid\n", .idle = true };
		j = upload_with(ctx, img, &opts, &k, &oc, kerr, sizeof(kerr));
		CHECK_INT(j, TDX_JUDGED_REJECTED);
		CHECK_INT(oc, TDX_OUTCOME_REJECTED);
		CHECK_STR(kerr, "transferring:firmware-invalid");

		k = (struct kernel){ .error = "preparing:device-busy\n", .idle = true };
		j = upload_with(ctx, img, &opts, &k, &oc, kerr, sizeof(kerr));
		CHECK_INT(j, TDX_JUDGED_DEVICE_BUSY);
		CHECK_INT(oc, TDX_OUTCOME_RETRY);
		CHECK_STR(kerr, "preparing:device-busy");

		k = (struct kernel){ .error = "programming:hw-error\n", .version = "1.5.09\n",
				     .idle = true };
		j = upload_with(ctx, img, &opts, &k, &oc, kerr, sizeof(kerr));
		CHECK_INT(j, TDX_JUDGED_PARTIAL);
		CHECK_STR(kerr, "programming:hw-error");

		/* Never idle: the wait ends at its deadline, and nothing is concluded. */
		opts.timeout_s = 1;
		k = (struct kernel){ .error = "", .idle = false };
		j = upload_with(ctx, img, &opts, &k, &oc, kerr, sizeof(kerr));
		CHECK_INT(j, TDX_JUDGED_STILL_BUSY);
		CHECK_INT(oc, tdx_update_judgement_outcome(TDX_JUDGED_STILL_BUSY));
		opts.timeout_s = 0;
		CHECK(!lock_held(ctx));
	}

	tdx_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return test_finish();
}
