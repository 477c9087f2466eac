// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx_host_sim: an emulation of the Linux TDX host driver's runtime module
 * update interface (/sys/devices/faux/tdx_host and its firmware-upload
 * device), for testing tdxctl on machines without TDX. Nothing here talks to
 * TDX hardware: the "TDX module" is a few fields of struct tdx_sim, updated
 * by the same step loop the real driver runs. See README.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/sig.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/hex.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#if KERNEL_VERSION(6, 14, 0) <= LINUX_VERSION_CODE
#include <linux/device/faux.h>
#endif

#include <asm/processor.h>
/* cpuid_eax(): from asm/processor.h until 6.15 moved it to asm/cpuid/api.h. */
#if KERNEL_VERSION(6, 15, 0) <= LINUX_VERSION_CODE
#include <asm/cpuid/api.h>
#endif

#include "image.h"
#include "steploop.h"

/* Intel's production signing key: SHA-384 of the modulus as stored. */
#define INTEL_KEY_HASH "c8572f548869a0beca19376b81c2dffc2a23b5a5f71da0b87579b43f408daa1a33bad9c149eb56c634f883737968a34c"

#define SHA256_LEN 32
#define FAULT_ALWAYS UINT_MAX
#define FAULT_DELAY_MAX_MS 60000
#define MAX_VERSIONS 64

/*
 * The crypto API's name of RSA PKCS#1 v1.5 signature verification with
 * SHA-384: "pkcs1pad(rsa,sha384)" until 6.12, "pkcs1(rsa,sha384)" from 6.13 on
 * (where the old name fails to allocate).
 */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define SIM_RSA_ALG "pkcs1(rsa,sha384)"
#else
#define SIM_RSA_ALG "pkcs1pad(rsa,sha384)"
#endif

enum sim_layout {
	LAYOUT_MAINLINE,	/* v8 and later: flat attributes */
	LAYOUT_V3,		/* seamldr/ folder, upload device seamldr_upload */
	LAYOUT_V4,		/* seamldr/ folder, upload device tdx_module */
};

enum sim_support {
	SUPPORT_YES,
	SUPPORT_NO_FEATURES,	/* TDX_FEATURES0 bit 1 clear */
	SUPPORT_NO_ERRATUM,	/* the seamret_invd_vmcs erratum */
};

enum sim_errmap {
	ERRMAP_MAINLINE,	/* every failure: firmware-invalid */
	ERRMAP_V8,		/* v8-v10: -EBUSY device-busy, others firmware-invalid */
	ERRMAP_V6,		/* v6-v7: also -EIO hw-error, -ENOMEM read-write-error */
};

/* When TDH.SYS.SHUTDOWN is asked to refuse during TD builds (flag bit 16). */
enum sim_shutdown_flag {
	FLAG_NEVER,		/* mainline: only the handoff version is passed */
	FLAG_IF_BIT47,		/* v4-v8: only when the module has TDX_FEATURES0 bit 47 */
	FLAG_ALWAYS,		/* v9, v10: always; a module without bit 47 refuses it */
};

/**
 * struct sim_profile - what one kernel did, chosen at load time with kernel=
 * @name: the kernel: "mainline" (merged, 7.2 and 7.3) or a series version
 * @layout: its sysfs layout
 * @rules: its image header checks
 * @errmap: how it turned an errno into a firmware-upload error word
 * @flag: when it set the shutdown flag that makes TD builds refuse an update
 * @pre_checks: budget (-ENOSPC) and offline CPUs (-EBUSY) checked before
 *	stop_machine(), harmlessly
 *
 * README.md has the evidence for each value, or says there is none.
 */
struct sim_profile {
	const char *name;
	enum sim_layout layout;
	enum tdx_sim_hdr_rules rules;
	enum sim_errmap errmap;
	enum sim_shutdown_flag flag;
	bool pre_checks;
};

static const struct sim_profile sim_profiles[] = {
	{ "mainline", LAYOUT_MAINLINE, TDX_SIM_HDR_MAINLINE, ERRMAP_MAINLINE, FLAG_NEVER, false },
	{ "v10", LAYOUT_MAINLINE, TDX_SIM_HDR_MAINLINE, ERRMAP_V8, FLAG_ALWAYS, false },
	{ "v9", LAYOUT_MAINLINE, TDX_SIM_HDR_V9, ERRMAP_V8, FLAG_ALWAYS, false },
	{ "v8", LAYOUT_MAINLINE, TDX_SIM_HDR_BLOB_V8, ERRMAP_V8, FLAG_IF_BIT47, false },
	{ "v4", LAYOUT_V4, TDX_SIM_HDR_BLOB_V4, ERRMAP_V6, FLAG_IF_BIT47, true },
	{ "v3", LAYOUT_V3, TDX_SIM_HDR_BLOB_V3, ERRMAP_MAINLINE, FLAG_NEVER, true },
};

enum fault_cpu {
	FAULT_CPU_LEAD = -1,
	FAULT_CPU_ANY = -2,
	FAULT_CPU_ALL = -3,
	FAULT_CPU_LAST = -4,
	FAULT_CPU_RANDOM = -5,
};

/**
 * struct sim_fault - one armed fault
 * @step: step to fail (%TDX_SIM_START: none armed)
 * @cpu: a CPU number or one of enum fault_cpu
 * @err: negative errno to return (0 for a delay)
 * @delay_ms: how much slower the step is (a delay fault)
 * @count: updates still to fail (%FAULT_ALWAYS: every one)
 * @run_on: the loop goes on after this fault (no kernel did that: a fault
 *	injection for tdxctl's handling of an error with a new version running)
 * @claimed: "any" already fired in this update
 * @fired: fired in this update
 * @target: the CPU that "random" and "last" chose for this update
 * @seed: seed of @rnd, as last written to fault_seed
 * @rnd: generator behind "random"
 */
struct sim_fault {
	enum tdx_sim_step step;
	int cpu;
	int err;
	unsigned int delay_ms;
	unsigned int count;
	bool run_on;
	atomic_t claimed;
	bool fired;
	int target;
	u64 seed;
	struct rnd_state rnd;
};

/**
 * struct sim_version_entry - one seamhash the test named a version for
 * @seamhash: SHA-384 of the module, as in the sigstruct
 * @version: the version a module with that hash installs as
 */
struct sim_version_entry {
	u8 seamhash[TDX_SIM_HASH_LEN];
	struct tdx_sim_version version;
};

/**
 * struct sim_trace_entry - one CPU entering one step
 * @cpu: the CPU
 * @step: the step
 * @work: false for a lead-only step on another CPU
 * @ret: its result
 */
struct sim_trace_entry {
	u16 cpu;
	u8 step;
	bool work;
	int ret;
};

/**
 * struct tdx_sim - all state of the emulation (one instance: it is a module)
 * @lock: serializes updates and every debugfs access to the state
 * @reg_lock: serializes (un)registering the upload device
 * @root: the "faux" root device (kernels without the faux bus)
 * @fdev: the "tdx_host" faux device (6.14 and later)
 * @dev: the "tdx_host" device
 * @fwl: the upload device, NULL while runtime update is unsupported
 * @dbg: debugfs folder
 * @prof: the emulated kernel, fixed at load time
 * @version: running module version
 * @plat: SVN, handoff version, P-SEAMLDR version, CPUID, key hash, debug platform
 * @versions: seamhash-to-version table for modules without a version inside
 * @nr_versions: entries used in @versions
 * @new_version: the version the image being installed will run as
 * @support: runtime update supported, or why not
 * @race_avoidance: the module has TDX_FEATURES0 bit 47 (it can refuse shutdown
 *	during TD builds when the kernel asks it to)
 * @td_builds: TD builds in progress
 * @no_downgrade: the running module's sigstruct no_downgrade byte
 * @min_update_hv: the running module's sigstruct min_update_hv
 * @live: the emulated module runs
 * @lost: the emulated module is gone until the shim is reloaded
 * @handoff: SHUTDOWN handed the state over in this update
 * @fault: the armed fault
 * @uploads: images received (prepare calls), header-rejected ones included
 * @updates_ok: updates that succeeded
 * @updates_failed: updates that failed after the header checks
 * @corrupted: TD measurements corrupted by updates racing TD builds
 * @stop_machine_ns: time inside stop_machine() for the last update
 * @last_sha256: SHA-256 of the last image received
 * @have_sha256: @last_sha256 is valid
 * @last_result: "ok", "none" or "<STEP> <errno>" of the last upload
 * @last_reason: why the last upload failed, "ok" or "none"
 * @trace: steps entered in the last update, in order
 * @trace_len: entries used in @trace
 * @trace_max: entries allocated
 * @reason_lock: serializes @last_reason writes from the CPUs in stop_machine()
 * @picked: 0, 1 while one CPU picks the fault target in stop_machine(), 2 after
 * @verdict: the loader's verdict on the image being installed
 * @info: what the loader learned from it
 * @sl: the step loop's control block
 * @sha256: "sha256" transform
 * @sha384: "sha384" transform
 * @rsa: %SIM_RSA_ALG transform
 */
struct tdx_sim {
	struct mutex lock;		/* updates and state changes */
	struct mutex reg_lock;		/* the upload device's (un)registration */
	struct device *root;
#if KERNEL_VERSION(6, 14, 0) <= LINUX_VERSION_CODE
	struct faux_device *fdev;
#endif
	struct device *dev;
	struct fw_upload *fwl;
	struct dentry *dbg;
	const struct sim_profile *prof;
	struct tdx_sim_version version;
	struct tdx_sim_platform plat;
	struct sim_version_entry versions[MAX_VERSIONS];
	unsigned int nr_versions;
	struct tdx_sim_version new_version;
	enum sim_support support;
	bool race_avoidance;
	u32 td_builds;
	u8 no_downgrade;
	u16 min_update_hv;
	bool live;
	bool lost;
	bool handoff;
	struct sim_fault fault;
	u64 uploads;
	u64 updates_ok;
	u64 updates_failed;
	u64 corrupted;
	u64 stop_machine_ns;
	u8 last_sha256[SHA256_LEN];
	bool have_sha256;
	char last_result[48];
	char last_reason[96];
	struct sim_trace_entry *trace;
	atomic_t trace_len;
	unsigned int trace_max;
	raw_spinlock_t reason_lock;
	atomic_t picked;
	const char *verdict;
	struct tdx_sim_image_info info;
	struct tdx_sim_steploop sl;
	struct crypto_shash *sha256;
	struct crypto_shash *sha384;
	struct crypto_sig *rsa;
};

static struct tdx_sim sim;

/* Module parameters: the initial state (README.md lists them all). */
static char *version = "1.5.08";
module_param(version, charp, 0444);
MODULE_PARM_DESC(version, "running TDX module version X.Y.ZZ (default 1.5.08)");
static char *svn = "";
module_param(svn, charp, 0444);
MODULE_PARM_DESC(svn, "running module SVN MAJOR.MINOR (default: from version, 1.5.08 -> 1.8)");
static char *seamldr_version = "1.5.01";
module_param(seamldr_version, charp, 0444);
MODULE_PARM_DESC(seamldr_version, "P-SEAMLDR version (default 1.5.01)");
static uint remaining_updates = 8;
module_param(remaining_updates, uint, 0444);
MODULE_PARM_DESC(remaining_updates, "updates the P-SEAMLDR accepts (default 8)");
static char *update_supported = "yes";
module_param(update_supported, charp, 0444);
MODULE_PARM_DESC(update_supported, "yes | features | erratum (default yes)");
static bool race_avoidance;
module_param(race_avoidance, bool, 0444);
MODULE_PARM_DESC(race_avoidance, "the module has TDX_FEATURES0 bit 47 (default 0, as every published one)");
static uint td_builds;
module_param(td_builds, uint, 0444);
MODULE_PARM_DESC(td_builds, "TD builds in progress (default 0)");
static uint param_cpuid;
module_param_named(cpuid, param_cpuid, uint, 0444);
MODULE_PARM_DESC(cpuid, "emulated CPUID(1).EAX (default 0: the boot CPU's)");
static char *key_hash = INTEL_KEY_HASH;
module_param(key_hash, charp, 0444);
MODULE_PARM_DESC(key_hash, "accepted signer key hash, 96 hex digits (default Intel's)");
static bool debug_platform;
module_param(debug_platform, bool, 0444);
MODULE_PARM_DESC(debug_platform, "accept debug-signed modules (default 0)");
static ushort module_hv;
module_param(module_hv, ushort, 0444);
MODULE_PARM_DESC(module_hv, "handoff version of the running module (default 0)");
static char *kernel = "mainline";
module_param(kernel, charp, 0444);
MODULE_PARM_DESC(kernel, "the kernel to behave as: mainline | v10 | v9 | v8 | v4 | v3 (default mainline)");

/* Parse "X.Y.Z" (each part in range) into @v. */
static int parse_version(const char *s, struct tdx_sim_version *v)
{
	unsigned int a, b, c;
	char end;

	if (sscanf(s, "%u.%u.%u%c", &a, &b, &c, &end) != 3 ||
	    a > 255 || b > 255 || c > 65535)
		return -EINVAL;
	v->major = a;
	v->minor = b;
	v->update = c;
	return 0;
}

/* Parse "MAJOR.MINOR" SVN values. */
static int parse_svn(const char *s, u8 *major, u8 *minor)
{
	unsigned int a, b;
	char end;

	if (sscanf(s, "%u.%u%c", &a, &b, &end) != 2 || a > 255 || b > 255)
		return -EINVAL;
	*major = a;
	*minor = b;
	return 0;
}

static const char * const support_names[] = {
	[SUPPORT_YES] = "yes",
	[SUPPORT_NO_FEATURES] = "features",
	[SUPPORT_NO_ERRATUM] = "erratum",
};

static const char * const errmap_names[] = {
	[ERRMAP_MAINLINE] = "mainline",
	[ERRMAP_V8] = "v8-v10",
	[ERRMAP_V6] = "v6-v7",
};

static const char * const layout_names[] = {
	[LAYOUT_MAINLINE] = "mainline",
	[LAYOUT_V3] = "v3",
	[LAYOUT_V4] = "v4",
};

/* The profile named @s, or NULL. */
static const struct sim_profile *find_profile(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_profiles); i++)
		if (sysfs_streq(s, sim_profiles[i].name))
			return &sim_profiles[i];
	return NULL;
}

static const char * const format_names[] = {
	[TDX_SIM_HDR_MAINLINE] = "0x200",
	[TDX_SIM_HDR_V9] = "0x200",
	[TDX_SIM_HDR_BLOB_V8] = "0x100",
	[TDX_SIM_HDR_BLOB_V4] = "0x100",
	[TDX_SIM_HDR_BLOB_V3] = "0x100+checksum",
};

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ -EBUSY, "-EBUSY" }, { -EIO, "-EIO" }, { -EINVAL, "-EINVAL" },
	{ -ENXIO, "-ENXIO" }, { -ENOSPC, "-ENOSPC" }, { -EPERM, "-EPERM" },
	{ -ENODEV, "-ENODEV" }, { -ENOMEM, "-ENOMEM" }, { -EAGAIN, "-EAGAIN" },
	{ -EFAULT, "-EFAULT" }, { -ETIMEDOUT, "-ETIMEDOUT" },
};

/* Errno as "-EIO" (or "-123" when not in the table), into @buf. */
static const char *errno_str(int err, char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(buf, len, "%d", err);
	return buf;
}

/* Parse "-EIO", "EIO" or "-5" into a negative errno. */
static int parse_errno(const char *s, int *err)
{
	unsigned int i;
	int v;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++) {
		if (!strcmp(s, errno_names[i].name) ||
		    !strcmp(s, errno_names[i].name + 1)) {
			*err = errno_names[i].err;
			return 0;
		}
	}
	if (kstrtoint(s, 0, &v) || !v || v < -4095 || v > 4095)
		return -EINVAL;
	*err = v < 0 ? v : -v;
	return 0;
}

/* ---- sysfs: /sys/devices/faux/tdx_host ---- */

/*
 * As mainline's version_show(): preemption off keeps stop_machine(), and so
 * an update's steps, out while the version is read; nothing waits for an
 * update to finish.
 */
static ssize_t version_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct tdx_sim_version v;
	bool live;

	preempt_disable();
	v = READ_ONCE(sim.version);
	live = READ_ONCE(sim.live) && !READ_ONCE(sim.lost);
	preempt_enable();
	if (!live)
		return -ENXIO;
	return sysfs_emit(buf, "%u.%u.%02u\n", v.major, v.minor, v.update);
}
static DEVICE_ATTR_RO(version);

static ssize_t seamldr_version_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct tdx_sim_version v = READ_ONCE(sim.plat.seamldr);

	return sysfs_emit(buf, "%u.%u.%02u\n", v.major, v.minor, v.update);
}

static ssize_t num_remaining_updates_show(struct device *dev,
					  struct device_attribute *attr,
					  char *buf)
{
	u32 n = READ_ONCE(sim.support) == SUPPORT_YES ? READ_ONCE(sim.plat.remaining) : 0;

	return sysfs_emit(buf, "%u\n", n);
}

static struct device_attribute dev_attr_seamldr_version =
	__ATTR(seamldr_version, 0400, seamldr_version_show, NULL);
static struct device_attribute dev_attr_num_remaining_updates =
	__ATTR(num_remaining_updates, 0400, num_remaining_updates_show, NULL);
/* The same two files under seamldr/ in the v3-v7 layouts. */
static struct device_attribute dev_attr_old_version =
	__ATTR(version, 0400, seamldr_version_show, NULL);
static struct device_attribute dev_attr_old_remaining =
	__ATTR(num_remaining_updates, 0400, num_remaining_updates_show, NULL);

static struct attribute *flat_attrs[] = {
	&dev_attr_version.attr,
	&dev_attr_seamldr_version.attr,
	&dev_attr_num_remaining_updates.attr,
	NULL,
};

/* seamldr_version and num_remaining_updates exist only with runtime update. */
static umode_t flat_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	if (attr == &dev_attr_version.attr)
		return attr->mode;
	if (sim.prof->layout != LAYOUT_MAINLINE || sim.support != SUPPORT_YES)
		return 0;
	return attr->mode;
}

static const struct attribute_group flat_group = {
	.attrs = flat_attrs,
	.is_visible = flat_visible,
};

static struct attribute *old_attrs[] = {
	&dev_attr_old_version.attr,
	&dev_attr_old_remaining.attr,
	NULL,
};

static bool old_group_visible(struct kobject *kobj)
{
	return sim.prof->layout != LAYOUT_MAINLINE && sim.support == SUPPORT_YES;
}

DEFINE_SIMPLE_SYSFS_GROUP_VISIBLE(old);

static const struct attribute_group old_group = {
	.name = "seamldr",
	.attrs = old_attrs,
	.is_visible = SYSFS_GROUP_VISIBLE(old),
};

static const struct attribute_group *sim_groups[] = {
	&flat_group,
	&old_group,
	NULL,
};

/* ---- the emulated update ---- */

/* Append one trace entry; runs inside stop_machine(), so no allocation. */
static void trace_add(unsigned int cpu, enum tdx_sim_step step, bool work,
		      int ret)
{
	int i = atomic_inc_return(&sim.trace_len) - 1;

	if (i >= sim.trace_max) {
		atomic_dec(&sim.trace_len);
		return;
	}
	sim.trace[i].cpu = cpu;
	sim.trace[i].step = step;
	sim.trace[i].work = work;
	sim.trace[i].ret = ret;
}

/* Does the armed fault hit @cpu doing @step? "any" hits the first CPU only. */
static int fault_check(enum tdx_sim_step step, unsigned int cpu)
{
	struct sim_fault *f = &sim.fault;
	bool hit;

	if (f->step != step || !f->count)
		return 0;
	switch (f->cpu) {
	case FAULT_CPU_LEAD:
		hit = cpu == cpumask_first(cpu_online_mask);
		break;
	case FAULT_CPU_ANY:
		hit = atomic_cmpxchg(&f->claimed, 0, 1) == 0;
		break;
	case FAULT_CPU_ALL:
		hit = true;
		break;
	case FAULT_CPU_LAST:
	case FAULT_CPU_RANDOM:
		hit = cpu == f->target;
		break;
	default:
		hit = cpu == f->cpu;
		break;
	}
	if (!hit || !f->err)
		return 0;
	WRITE_ONCE(f->fired, true);
	return f->err;
}

/*
 * Record why the update failed, once (the first reason wins). Several CPUs
 * may fail a step at the same time inside stop_machine(): a raw spinlock
 * (interrupts are off there) keeps the test and the copy together.
 */
static void set_reason(const char *why)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sim.reason_lock, flags);
	if (!strcmp(sim.last_reason, "ok"))
		strscpy(sim.last_reason, why, sizeof(sim.last_reason));
	raw_spin_unlock_irqrestore(&sim.reason_lock, flags);
}

/*
 * TDH.SYS.SHUTDOWN as the emulated kernel calls it. Mainline passes only the
 * handoff version, so the module never refuses for a TD build: the update
 * goes on and corrupts the measurement of each TD being built. v4-v8 asked
 * the module to refuse (flag bit 16) only when it advertised TDX_FEATURES0 bit
 * 47; v9 and v10 always asked, and a module without bit 47 (every published
 * one) refuses the unknown flag: the shutdown fails, harmlessly.
 */
static int sim_shutdown(void)
{
	bool ask = sim.prof->flag == FLAG_ALWAYS ||
		   (sim.prof->flag == FLAG_IF_BIT47 && sim.race_avoidance);
	u16 hv = sim.plat.module_hv;	/* what every kernel passes (M tdx.c:1290) */

	/*
	 * The module's own check of the requested handoff version (its
	 * tdh_sys_shutdown()): within its [min_update_hv, module_hv], and with
	 * no_downgrade set, exactly its module_hv. Kernels pass module_hv, so
	 * only the lower bound can fail, when a test lowers module_hv below
	 * the running module's min_update_hv in debugfs.
	 */
	if (hv < sim.min_update_hv) {
		set_reason("shutdown: handoff version not accepted by the module");
		return -EIO;
	}
	if (ask && !sim.race_avoidance) {
		set_reason("shutdown: flag unknown to the module (no TDX_FEATURES0 bit 47)");
		return -EIO;
	}
	if (ask && sim.td_builds) {
		set_reason("shutdown: TD build in progress");
		return -EBUSY;
	}
	if (sim.td_builds)
		sim.corrupted += sim.td_builds;
	sim.live = false;
	sim.handoff = true;
	return 0;
}

/*
 * The emulated firmware work of one step on one CPU. Serialization comes
 * from the step loop: lead-only steps run on one CPU, CPU_INSTALL under the
 * install lock, and steps never overlap.
 */
static int step_work(enum tdx_sim_step step, unsigned int cpu)
{
	switch (step) {
	case TDX_SIM_SHUTDOWN:
		return sim_shutdown();
	case TDX_SIM_CPU_INSTALL:
		/* The loader overwrites the module's memory: it is gone now. */
		sim.live = false;
		if (sim.verdict) {
			set_reason(sim.verdict);
			return -EIO;
		}
		if (!cpumask_equal(cpu_present_mask, cpu_online_mask)) {
			set_reason("loader: a present CPU is offline");
			return -EIO;
		}
		return 0;
	case TDX_SIM_CPU_INIT:
		return 0;
	case TDX_SIM_RUN_UPDATE:
		if (!sim.handoff) {
			set_reason("run_update: no handed-over state");
			return -EIO;
		}
		WRITE_ONCE(sim.version, sim.new_version);
		sim.plat.module_hv = sim.info.module_hv;
		sim.plat.svn_major = sim.info.svn_major;
		sim.plat.svn_minor = sim.info.svn_minor;
		sim.no_downgrade = sim.info.no_downgrade;
		sim.min_update_hv = sim.info.min_update_hv;
		sim.plat.remaining--;
		sim.live = true;
		return 0;
	default:
		return 0;
	}
}

/* The step callback: injected fault first, else the emulated work; trace it. */
static int sim_step(void *arg, enum tdx_sim_step step, unsigned int cpu,
		    bool work)
{
	int ret = 0;

	if (work) {
		ret = fault_check(step, cpu);
		if (ret)
			set_reason("fault injected");
		else
			ret = step_work(step, cpu);
	}
	trace_add(cpu, step, work, ret);
	return ret;
}

static void fault_pick_target(void);

/*
 * What every online CPU runs inside stop_machine(). The first CPU in picks
 * the target of a "last" or "random" fault: here the set of online CPUs
 * cannot change (stop_machine() holds the CPU-hotplug lock), and the others
 * wait for the pick before they enter the loop.
 */
static int sim_stop_fn(void *data)
{
	if (atomic_cmpxchg(&sim.picked, 0, 1) == 0) {
		fault_pick_target();
		atomic_set_release(&sim.picked, 2);
	} else {
		while (atomic_read_acquire(&sim.picked) != 2)
			cpu_relax();
	}
	return tdx_sim_steploop_cpu(&sim.sl, smp_processor_id());
}

/*
 * Map an errno to what the firmware-upload class reports, per kernel: the
 * merged tdx_fw_write() (7.3's tdx-host.c:151-157) maps every error to
 * firmware-invalid.
 */
static enum fw_upload_err map_error(int err)
{
	if (!err)
		return FW_UPLOAD_ERR_NONE;
	if (sim.prof->errmap == ERRMAP_MAINLINE)
		return FW_UPLOAD_ERR_FW_INVALID;
	if (err == -EBUSY)
		return FW_UPLOAD_ERR_BUSY;
	if (sim.prof->errmap == ERRMAP_V6 && err == -EIO)
		return FW_UPLOAD_ERR_HW_ERROR;
	if (sim.prof->errmap == ERRMAP_V6 && err == -ENOMEM)
		return FW_UPLOAD_ERR_RW_ERROR;
	return FW_UPLOAD_ERR_FW_INVALID;
}

/* The version a module with this seamhash was named in the versions table. */
static const struct tdx_sim_version *lookup_version(const u8 *seamhash)
{
	unsigned int i;

	for (i = 0; i < sim.nr_versions; i++)
		if (!memcmp(sim.versions[i].seamhash, seamhash, TDX_SIM_HASH_LEN))
			return &sim.versions[i].version;
	return NULL;
}

/*
 * The version an accepted image runs as: from a 2.x sigstruct, else from the
 * versions table (the module's seamhash), else from tdx-mkfixture's marker.
 * Return: 0, or -ENOENT when nothing names it.
 */
static int image_version(const struct tdx_sim_parts *parts,
			 struct tdx_sim_version *v)
{
	const struct tdx_sim_version *t;
	char text[16];

	if (sim.info.has_version) {
		*v = sim.info.version;
		return 0;
	}
	t = lookup_version(parts->sigstruct + TDX_SIM_SS_SEAMHASH);
	if (t) {
		*v = *t;
		return 0;
	}
	if (tdx_sim_module_marker(parts, text, sizeof(text)) &&
	    !parse_version(text, v))
		return 0;
	return -ENOENT;
}

/* Choose the CPU of a "last" or "random" fault; runs inside stop_machine(). */
static void fault_pick_target(void)
{
	struct sim_fault *f = &sim.fault;
	unsigned int n = num_online_cpus();

	f->target = -1;
	if (f->cpu == FAULT_CPU_LAST) {
		f->target = cpumask_last(cpu_online_mask);
	} else if (f->cpu == FAULT_CPU_RANDOM) {
		/* lead-only steps: the lead is the only CPU doing them */
		if (f->step == TDX_SIM_SHUTDOWN || f->step == TDX_SIM_RUN_UPDATE)
			f->target = cpumask_first(cpu_online_mask);
		else
			f->target = cpumask_nth(prandom_u32_state(&f->rnd) % n,
						cpu_online_mask);
	}
}

/*
 * The checks series v3 and v4 made before stop_machine(), harmlessly (both
 * were gone in v5; kernel-update-path.md section 4.3): no update left is
 * -ENOSPC, a present CPU offline is -EBUSY. Called with sim.lock held.
 */
static int sim_pre_checks(void)
{
	const char *why = NULL;
	bool offline;
	int ret = 0;

	if (!sim.prof->pre_checks)
		return 0;
	cpus_read_lock();
	offline = !cpumask_equal(cpu_present_mask, cpu_online_mask);
	cpus_read_unlock();
	if (!sim.plat.remaining) {
		why = "kernel: no updates remaining";
		ret = -ENOSPC;
	} else if (offline) {
		why = "kernel: a present CPU is offline";
		ret = -EBUSY;
	}
	if (!ret)
		return 0;
	strscpy(sim.last_reason, why, sizeof(sim.last_reason));
	snprintf(sim.last_result, sizeof(sim.last_result), "check %s",
		 ret == -ENOSPC ? "-ENOSPC" : "-EBUSY");
	sim.updates_failed++;
	return ret;
}

/*
 * A delay fault's time, taken (and counted as used) before the update: the
 * upload stays "transferring" meanwhile, as a slow step would keep it, while
 * sim.lock is free for debugfs readers. Called with sim.lock held.
 */
static unsigned int sim_take_delay(void)
{
	struct sim_fault *f = &sim.fault;

	if (!f->count || !f->delay_ms)
		return 0;
	if (f->count != FAULT_ALWAYS)
		f->count--;
	return f->delay_ms;
}

/*
 * Run one update of the emulated module with @data; called with sim.lock
 * held. Header checks first (harmless), then the loader's verdict is worked
 * out, then the step loop in one stop_machine() over all online CPUs.
 */
static int sim_update(const u8 *data, size_t size)
{
	struct tdx_sim_parts parts;
	char ebuf[16];
	const char *why;
	u64 t0;
	int ret;

	strscpy(sim.last_reason, "ok", sizeof(sim.last_reason));
	atomic_set(&sim.trace_len, 0);
	sim.stop_machine_ns = 0;

	why = tdx_sim_check_header(data, size, sim.prof->rules, &parts);
	if (why) {
		strscpy(sim.last_reason, why, sizeof(sim.last_reason));
		strscpy(sim.last_result, "header -EINVAL", sizeof(sim.last_result));
		return -EINVAL;
	}
	if (sim.lost || !sim.live) {
		strscpy(sim.last_reason, "module lost", sizeof(sim.last_reason));
		strscpy(sim.last_result, "lost -ENXIO", sizeof(sim.last_result));
		sim.updates_failed++;
		return -ENXIO;
	}
	ret = sim_pre_checks();
	if (ret)
		return ret;

	sim.verdict = tdx_sim_check_loader(&parts, &sim.plat, sim.sha384,
					   sim.rsa, &sim.info);
	if (!sim.verdict && image_version(&parts, &sim.new_version)) {
		/* A test set-up error, not an emulated one: say so, change nothing. */
		pr_err("image installs, but nothing names its version: build it with tdx-mkfixture or add its seamhash to versions\n");
		strscpy(sim.last_reason, "sim: no version known for this module",
			sizeof(sim.last_reason));
		strscpy(sim.last_result, "sim -EINVAL", sizeof(sim.last_result));
		return -EINVAL;
	}
	sim.handoff = false;
	sim.fault.fired = false;
	atomic_set(&sim.fault.claimed, 0);
	atomic_set(&sim.picked, 0);
	tdx_sim_steploop_init(&sim.sl, 0, sim.fault.count && sim.fault.run_on,
			      sim_step, NULL);

	t0 = ktime_get_ns();
	stop_machine(sim_stop_fn, NULL, cpu_online_mask);
	sim.stop_machine_ns = ktime_get_ns() - t0;

	if (sim.fault.fired && sim.fault.count != FAULT_ALWAYS)
		sim.fault.count--;
	ret = sim.sl.first_err;
	if (!ret && !sim.live) {
		/* the run-on fault can finish "successfully" without a module */
		ret = -EIO;
	}
	if (ret) {
		if (!sim.live)
			WRITE_ONCE(sim.lost, true);
		sim.updates_failed++;
		snprintf(sim.last_result, sizeof(sim.last_result), "%s %s",
			 tdx_sim_step_name(sim.sl.failed_step),
			 errno_str(ret, ebuf, sizeof(ebuf)));
		pr_info("update failed at %s: %d (%s), module %s\n",
			tdx_sim_step_name(sim.sl.failed_step), ret,
			sim.last_reason, sim.lost ? "lost" : "still running");
	} else {
		sim.updates_ok++;
		strscpy(sim.last_result, "ok", sizeof(sim.last_result));
		pr_info("updated to %u.%u.%02u in %llu ns\n", sim.version.major,
			sim.version.minor, sim.version.update,
			sim.stop_machine_ns);
	}
	return ret;
}

/* ---- firmware upload callbacks ---- */

/* Count the upload and fingerprint it, before any check can reject it. */
static enum fw_upload_err sim_prepare(struct fw_upload *fwl, const u8 *data,
				      u32 size)
{
	mutex_lock(&sim.lock);
	sim.uploads++;
	sim.have_sha256 = !crypto_shash_tfm_digest(sim.sha256, data, size,
						   sim.last_sha256);
	strscpy(sim.last_result, "none", sizeof(sim.last_result));
	strscpy(sim.last_reason, "none", sizeof(sim.last_reason));
	atomic_set(&sim.trace_len, 0);
	mutex_unlock(&sim.lock);
	return FW_UPLOAD_ERR_NONE;
}

/* The whole image is installed in one call, as in the real driver. */
static enum fw_upload_err sim_write(struct fw_upload *fwl, const u8 *data,
				    u32 offset, u32 size, u32 *written)
{
	unsigned int delay;
	int ret;

	if (offset) {
		*written = size;
		return FW_UPLOAD_ERR_NONE;
	}
	mutex_lock(&sim.lock);
	delay = sim_take_delay();
	mutex_unlock(&sim.lock);
	if (delay) {
		/* A slow step: slept without the lock, so debugfs stays readable. */
		pr_info("the update is %u ms slow (fault injected)\n", delay);
		msleep(delay);
	}
	mutex_lock(&sim.lock);
	ret = sim_update(data, size);
	mutex_unlock(&sim.lock);
	*written = size;
	return map_error(ret);
}

static enum fw_upload_err sim_poll_complete(struct fw_upload *fwl)
{
	return FW_UPLOAD_ERR_NONE;
}

/* An update cannot be cancelled once started: nothing to do. */
static void sim_cancel(struct fw_upload *fwl)
{
}

static const struct fw_upload_ops sim_fw_ops = {
	.prepare = sim_prepare,
	.write = sim_write,
	.poll_complete = sim_poll_complete,
	.cancel = sim_cancel,
};

/*
 * Register or remove the upload device to match sim.support, and refresh
 * the attributes' visibility. Called without sim.lock: unregistering waits
 * for a running upload, which takes sim.lock.
 */
static int sim_sync_upload_device(void)
{
	bool want;
	int ret = 0;

	mutex_lock(&sim.reg_lock);
	mutex_lock(&sim.lock);
	want = sim.support == SUPPORT_YES;
	mutex_unlock(&sim.lock);

	if (want && !sim.fwl) {
		struct fw_upload *fwl;

		/*
		 * THIS_MODULE, as mainline: the upload device pins the module,
		 * so rmmod is refused until the device is gone (write
		 * "features" to update_supported first) and never frees the
		 * code of a running upload.
		 */
		fwl = firmware_upload_register(THIS_MODULE, sim.dev,
					       sim.prof->layout == LAYOUT_V3 ?
					       "seamldr_upload" : "tdx_module",
					       &sim_fw_ops, &sim);
		if (IS_ERR(fwl))
			ret = PTR_ERR(fwl);
		else
			sim.fwl = fwl;
	} else if (!want && sim.fwl) {
		firmware_upload_unregister(sim.fwl);
		sim.fwl = NULL;
	}
	if (!ret)
		ret = sysfs_update_groups(&sim.dev->kobj, sim_groups);
	mutex_unlock(&sim.reg_lock);
	return ret;
}

/* ---- debugfs: /sys/kernel/debug/tdx_host_sim ---- */

enum dbg_kind {
	DBG_VERSION, DBG_SEAMLDR_VERSION, DBG_MODULE_HV, DBG_VERSIONS, DBG_SVN,
	DBG_REMAINING, DBG_SUPPORT, DBG_RACE, DBG_TD_BUILDS, DBG_CPUID,
	DBG_KEY_HASH, DBG_ERRMAP, DBG_DEBUG_PLATFORM, DBG_KERNEL, DBG_FAULT,
	DBG_TRACE, DBG_STOP_NS, DBG_UPLOADS, DBG_SHA256, DBG_UPDATES_OK,
	DBG_UPDATES_FAILED, DBG_LOST, DBG_LIVE, DBG_CORRUPTED, DBG_RESULT,
	DBG_REASON, DBG_LAYOUT, DBG_FORMAT, DBG_FAULT_SEED, DBG_NO_DOWNGRADE,
};

static const struct {
	const char *name;
	umode_t mode;
} dbg_files[] = {
	[DBG_VERSION] = { "version", 0644 },
	[DBG_SEAMLDR_VERSION] = { "seamldr_version", 0644 },
	[DBG_MODULE_HV] = { "module_hv", 0644 },
	[DBG_VERSIONS] = { "versions", 0644 },
	[DBG_SVN] = { "svn", 0644 },
	[DBG_REMAINING] = { "remaining_updates", 0644 },
	[DBG_SUPPORT] = { "update_supported", 0644 },
	[DBG_RACE] = { "race_avoidance", 0644 },
	[DBG_TD_BUILDS] = { "td_builds", 0644 },
	[DBG_CPUID] = { "cpuid", 0644 },
	[DBG_KEY_HASH] = { "key_hash", 0644 },
	[DBG_ERRMAP] = { "error_mapping", 0444 },
	[DBG_DEBUG_PLATFORM] = { "debug_platform", 0644 },
	[DBG_KERNEL] = { "kernel", 0444 },
	[DBG_FAULT] = { "fault", 0644 },
	[DBG_TRACE] = { "trace", 0444 },
	[DBG_STOP_NS] = { "stop_machine_ns", 0444 },
	[DBG_UPLOADS] = { "uploads", 0444 },
	[DBG_SHA256] = { "last_sha256", 0444 },
	[DBG_UPDATES_OK] = { "updates_ok", 0444 },
	[DBG_UPDATES_FAILED] = { "updates_failed", 0444 },
	[DBG_LOST] = { "lost", 0644 },
	[DBG_LIVE] = { "live", 0444 },
	[DBG_CORRUPTED] = { "corrupted_measurements", 0644 },
	[DBG_RESULT] = { "last_result", 0444 },
	[DBG_REASON] = { "last_reason", 0444 },
	[DBG_LAYOUT] = { "layout", 0444 },
	[DBG_FORMAT] = { "image_format", 0444 },
	[DBG_FAULT_SEED] = { "fault_seed", 0644 },
	[DBG_NO_DOWNGRADE] = { "no_downgrade", 0444 },
};

/* Print the armed fault as it would be written, or "none". */
static int fault_show(struct seq_file *m)
{
	struct sim_fault *f = &sim.fault;
	char cbuf[16], ebuf[24], nbuf[16];
	const char *c;

	if (f->step == TDX_SIM_START || !f->count) {
		seq_puts(m, "none\n");
		return 0;
	}
	switch (f->cpu) {
	case FAULT_CPU_LEAD:
		c = "lead";
		break;
	case FAULT_CPU_ANY:
		c = "any";
		break;
	case FAULT_CPU_ALL:
		c = "all";
		break;
	case FAULT_CPU_LAST:
		c = "last";
		break;
	case FAULT_CPU_RANDOM:
		c = "random";
		break;
	default:
		snprintf(cbuf, sizeof(cbuf), "%d", f->cpu);
		c = cbuf;
		break;
	}
	if (f->count == FAULT_ALWAYS)
		strscpy(nbuf, "always", sizeof(nbuf));
	else
		snprintf(nbuf, sizeof(nbuf), "%u", f->count);
	if (f->delay_ms)
		snprintf(ebuf, sizeof(ebuf), "delay=%u", f->delay_ms);
	seq_printf(m, "%s %s %s %s%s\n", tdx_sim_step_name(f->step), c,
		   f->delay_ms ? ebuf : errno_str(f->err, ebuf, sizeof(ebuf)),
		   nbuf, f->run_on ? " run-on" : "");
	return 0;
}

/* Parse "STEP CPU ERRNO [COUNT]" or "none"; see README.md. */
static int fault_store(char *s)
{
	char *tok[5] = { };
	struct sim_fault f = { };
	unsigned int i, n = 0;
	int step;

	while (n < ARRAY_SIZE(tok) && (tok[n] = strsep(&s, " \t")) != NULL) {
		if (*tok[n])
			n++;
	}
	if (s && *skip_spaces(s))
		return -EINVAL;
	if (n == 1 && (!strcmp(tok[0], "none") || !strcmp(tok[0], "clear"))) {
		sim.fault.step = TDX_SIM_START;
		sim.fault.count = 0;
		return 0;
	}
	if (n < 3)
		return -EINVAL;
	step = -1;
	for (i = TDX_SIM_SHUTDOWN; i <= TDX_SIM_RUN_UPDATE; i++)
		if (!strcasecmp(tok[0], tdx_sim_step_name(i)))
			step = i;
	if (step < 0)
		return -EINVAL;
	f.step = step;
	if (!strcmp(tok[1], "lead"))
		f.cpu = FAULT_CPU_LEAD;
	else if (!strcmp(tok[1], "any"))
		f.cpu = FAULT_CPU_ANY;
	else if (!strcmp(tok[1], "all"))
		f.cpu = FAULT_CPU_ALL;
	else if (!strcmp(tok[1], "last"))
		f.cpu = FAULT_CPU_LAST;
	else if (!strcmp(tok[1], "random"))
		f.cpu = FAULT_CPU_RANDOM;
	else if (kstrtoint(tok[1], 0, &f.cpu) || f.cpu < 0 ||
		 f.cpu >= nr_cpu_ids)
		return -EINVAL;
	if (!strncmp(tok[2], "delay=", 6)) {
		if (kstrtouint(tok[2] + 6, 10, &f.delay_ms) || !f.delay_ms ||
		    f.delay_ms > FAULT_DELAY_MAX_MS)
			return -EINVAL;
	} else if (parse_errno(tok[2], &f.err)) {
		return -EINVAL;
	}
	f.count = 1;
	if (n == 5) {
		if (strcmp(tok[4], "run-on") || f.delay_ms)
			return -EINVAL;
		f.run_on = true;
	}
	if (n >= 4) {
		if (!strcmp(tok[3], "always"))
			f.count = FAULT_ALWAYS;
		else if (!strcmp(tok[3], "once"))
			f.count = 1;
		else if (kstrtouint(tok[3], 0, &f.count) || !f.count)
			return -EINVAL;
	}
	sim.fault.step = f.step;
	sim.fault.cpu = f.cpu;
	sim.fault.err = f.err;
	sim.fault.delay_ms = f.delay_ms;
	sim.fault.count = f.count;
	sim.fault.run_on = f.run_on;
	return 0;
}

/* The versions table, one "SEAMHASH X.Y.ZZ" line per entry. */
static int versions_show(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < sim.nr_versions; i++) {
		const struct sim_version_entry *e = &sim.versions[i];

		seq_printf(m, "%*phN %u.%u.%02u\n", (int)TDX_SIM_HASH_LEN,
			   e->seamhash, e->version.major, e->version.minor,
			   e->version.update);
	}
	return 0;
}

/* Add "SEAMHASH X.Y.ZZ" (or replace that hash's entry), or "clear" the table. */
static int versions_store(char *s)
{
	struct sim_version_entry e;
	unsigned int i;
	char *hash;

	if (!strcmp(s, "clear")) {
		sim.nr_versions = 0;
		return 0;
	}
	hash = strsep(&s, " \t");
	if (!s || strlen(hash) != 2 * TDX_SIM_HASH_LEN ||
	    hex2bin(e.seamhash, hash, TDX_SIM_HASH_LEN) ||
	    parse_version(skip_spaces(s), &e.version))
		return -EINVAL;
	for (i = 0; i < sim.nr_versions; i++)
		if (!memcmp(sim.versions[i].seamhash, e.seamhash, TDX_SIM_HASH_LEN))
			break;
	if (i == MAX_VERSIONS)
		return -ENOSPC;
	sim.versions[i] = e;
	if (i == sim.nr_versions)
		sim.nr_versions++;
	return 0;
}

/* The trace of the last update, one "CPU STEP RESULT" line per entry. */
static int trace_show(struct seq_file *m)
{
	int i, n = min_t(int, atomic_read(&sim.trace_len), sim.trace_max);
	char ebuf[16];

	for (i = 0; i < n; i++) {
		const struct sim_trace_entry *e = &sim.trace[i];
		const char *r;

		if (!e->work)
			r = "skip";
		else if (!e->ret)
			r = "ok";
		else
			r = errno_str(e->ret, ebuf, sizeof(ebuf));
		seq_printf(m, "%u %s %s\n", e->cpu, tdx_sim_step_name(e->step), r);
	}
	return 0;
}

/* Print one debugfs file's content; called with sim.lock held. */
static int dbg_format(enum dbg_kind k, struct seq_file *m)
{
	const struct tdx_sim_version *v;

	switch (k) {
	case DBG_VERSION:
		v = &sim.version;
		break;
	case DBG_SEAMLDR_VERSION:
		v = &sim.plat.seamldr;
		break;
	case DBG_MODULE_HV:
		seq_printf(m, "%u\n", sim.plat.module_hv);
		return 0;
	case DBG_VERSIONS:
		return versions_show(m);
	case DBG_FORMAT:
		seq_printf(m, "%s\n", format_names[sim.prof->rules]);
		return 0;
	case DBG_FAULT_SEED:
		seq_printf(m, "%llu\n", sim.fault.seed);
		return 0;
	case DBG_SVN:
		seq_printf(m, "%u.%u\n", sim.plat.svn_major, sim.plat.svn_minor);
		return 0;
	case DBG_REMAINING:
		seq_printf(m, "%u\n", sim.plat.remaining);
		return 0;
	case DBG_SUPPORT:
		seq_printf(m, "%s\n", support_names[sim.support]);
		return 0;
	case DBG_RACE:
		seq_printf(m, "%d\n", sim.race_avoidance);
		return 0;
	case DBG_TD_BUILDS:
		seq_printf(m, "%u\n", sim.td_builds);
		return 0;
	case DBG_CPUID:
		seq_printf(m, "0x%x\n", sim.plat.cpuid);
		return 0;
	case DBG_KEY_HASH:
		seq_printf(m, "%*phN\n", (int)TDX_SIM_HASH_LEN, sim.plat.key_hash);
		return 0;
	case DBG_ERRMAP:
		seq_printf(m, "%s\n", errmap_names[sim.prof->errmap]);
		return 0;
	case DBG_DEBUG_PLATFORM:
		seq_printf(m, "%d\n", sim.plat.debug_platform);
		return 0;
	case DBG_KERNEL:
		seq_printf(m, "%s\n", sim.prof->name);
		return 0;
	case DBG_NO_DOWNGRADE:
		seq_printf(m, "%u\n", sim.no_downgrade);
		return 0;
	case DBG_FAULT:
		return fault_show(m);
	case DBG_TRACE:
		return trace_show(m);
	case DBG_STOP_NS:
		seq_printf(m, "%llu\n", sim.stop_machine_ns);
		return 0;
	case DBG_UPLOADS:
		seq_printf(m, "%llu\n", sim.uploads);
		return 0;
	case DBG_SHA256:
		if (sim.have_sha256)
			seq_printf(m, "%*phN", SHA256_LEN, sim.last_sha256);
		seq_putc(m, '\n');
		return 0;
	case DBG_UPDATES_OK:
		seq_printf(m, "%llu\n", sim.updates_ok);
		return 0;
	case DBG_UPDATES_FAILED:
		seq_printf(m, "%llu\n", sim.updates_failed);
		return 0;
	case DBG_LOST:
		seq_printf(m, "%d\n", sim.lost);
		return 0;
	case DBG_LIVE:
		seq_printf(m, "%d\n", sim.live && !sim.lost);
		return 0;
	case DBG_CORRUPTED:
		seq_printf(m, "%llu\n", sim.corrupted);
		return 0;
	case DBG_RESULT:
		seq_printf(m, "%s\n", sim.last_result);
		return 0;
	case DBG_REASON:
		seq_printf(m, "%s\n", sim.last_reason);
		return 0;
	case DBG_LAYOUT:
		seq_printf(m, "%s\n", layout_names[sim.prof->layout]);
		return 0;
	default:
		return 0;
	}
	seq_printf(m, "%u.%u.%02u\n", v->major, v->minor, v->update);
	return 0;
}

/* Parse a 96-digit hex key hash. */
static int parse_key_hash(const char *s, u8 *out)
{
	if (strlen(s) != 2 * TDX_SIM_HASH_LEN)
		return -EINVAL;
	return hex2bin(out, s, TDX_SIM_HASH_LEN);
}

/* Parse "1"/"yes", "0"/"features" or "erratum". */
static int parse_support(const char *s)
{
	if (!strcmp(s, "1"))
		return SUPPORT_YES;
	if (!strcmp(s, "0") || !strcmp(s, "no"))
		return SUPPORT_NO_FEATURES;
	return sysfs_match_string(support_names, s);
}

/*
 * Apply a write to one debugfs file; called with sim.lock held. @resync is
 * set when the upload device and attributes must follow the new state.
 */
static int dbg_parse(enum dbg_kind k, char *s, bool *resync)
{
	struct tdx_sim_version v;
	unsigned int u;
	bool b;
	int ret;

	switch (k) {
	case DBG_VERSION:
		ret = parse_version(s, &v);
		if (!ret)
			sim.version = v;
		return ret;
	case DBG_SEAMLDR_VERSION:
		ret = parse_version(s, &v);
		if (!ret)
			sim.plat.seamldr = v;
		return ret;
	case DBG_MODULE_HV:
		return kstrtou16(s, 0, &sim.plat.module_hv);
	case DBG_VERSIONS:
		return versions_store(s);
	case DBG_FAULT_SEED:
		ret = kstrtou64(s, 0, &sim.fault.seed);
		if (!ret)
			prandom_seed_state(&sim.fault.rnd, sim.fault.seed);
		return ret;
	case DBG_SVN:
		return parse_svn(s, &sim.plat.svn_major, &sim.plat.svn_minor);
	case DBG_REMAINING:
		return kstrtou32(s, 0, &sim.plat.remaining);
	case DBG_SUPPORT:
		ret = parse_support(s);
		if (ret < 0)
			return ret;
		sim.support = ret;
		*resync = true;
		return 0;
	case DBG_RACE:
		return kstrtobool(s, &sim.race_avoidance);
	case DBG_TD_BUILDS:
		return kstrtou32(s, 0, &sim.td_builds);
	case DBG_CPUID:
		return kstrtou32(s, 16, &sim.plat.cpuid);
	case DBG_KEY_HASH:
		return parse_key_hash(s, sim.plat.key_hash);
	case DBG_DEBUG_PLATFORM:
		return kstrtobool(s, &sim.plat.debug_platform);
	case DBG_FAULT:
		return fault_store(s);
	case DBG_LOST:
		/* 0 revives the emulated module (a "reboot"), 1 loses it */
		ret = kstrtobool(s, &b);
		if (ret)
			return ret;
		sim.lost = b;
		sim.live = !b;
		return 0;
	case DBG_CORRUPTED:
		ret = kstrtouint(s, 0, &u);
		if (!ret)
			sim.corrupted = u;
		return ret;
	default:
		return -EPERM;
	}
}

/* seq_file show: one file's content, printed under sim.lock. */
static int dbg_show(struct seq_file *m, void *unused)
{
	enum dbg_kind k = (uintptr_t)m->private;
	int ret;

	mutex_lock(&sim.lock);
	ret = dbg_format(k, m);
	mutex_unlock(&sim.lock);
	return ret;
}

static int dbg_open(struct inode *inode, struct file *file)
{
	return single_open(file, dbg_show, inode->i_private);
}

static ssize_t dbg_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	enum dbg_kind k = (uintptr_t)m->private;
	bool resync = false;
	char buf[160];
	int ret;

	if (*ppos || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	mutex_lock(&sim.lock);
	ret = dbg_parse(k, strim(buf), &resync);
	mutex_unlock(&sim.lock);
	if (!ret && resync)
		ret = sim_sync_upload_device();
	return ret ? ret : count;
}

static const struct file_operations dbg_fops = {
	.owner = THIS_MODULE,
	.open = dbg_open,
	.read = seq_read,
	.write = dbg_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* ---- load and unload ---- */

/* Turn the module parameters into the initial state. */
static int sim_init_state(void)
{
	int ret;

	sim.prof = find_profile(kernel);
	if (!sim.prof) {
		pr_err("kernel=%s: use mainline, v10, v9, v8, v4 or v3\n", kernel);
		return -EINVAL;
	}
	if (parse_version(version, &sim.version) ||
	    parse_version(seamldr_version, &sim.plat.seamldr)) {
		pr_err("version/seamldr_version: use X.Y.ZZ\n");
		return -EINVAL;
	}
	if (!*svn) {
		/*
		 * No SVN given: the one tdx-mkfixture gives this version (major
		 * 1 for 1.x, 3 for 2.x, as Intel's; minor the update number),
		 * so that the loader's anti-rollback check is live from the
		 * start: 1.5.08 runs at SVN 1.8 and an image of 1.5.07 (SVN
		 * 1.7) is a rollback. Intel's own 1.5.08 has SVN 1.7: give
		 * svn=1.7 to model a host running it.
		 */
		sim.plat.svn_major = sim.version.major >= 2 ? 3 : 1;
		sim.plat.svn_minor = sim.version.update & 0xff;
	} else if (parse_svn(svn, &sim.plat.svn_major, &sim.plat.svn_minor)) {
		pr_err("svn=%s: use MAJOR.MINOR\n", svn);
		return -EINVAL;
	}
	ret = parse_support(update_supported);
	if (ret < 0) {
		pr_err("update_supported=%s: use yes, features or erratum\n",
		       update_supported);
		return ret;
	}
	sim.support = ret;
	if (parse_key_hash(key_hash, sim.plat.key_hash)) {
		pr_err("key_hash: 96 hex digits\n");
		return -EINVAL;
	}
	sim.plat.cpuid = param_cpuid ? param_cpuid : cpuid_eax(1);
	sim.plat.debug_platform = debug_platform;
	sim.plat.module_hv = module_hv;
	prandom_seed_state(&sim.fault.rnd, 0);
	sim.plat.remaining = remaining_updates;
	sim.race_avoidance = race_avoidance;
	sim.td_builds = td_builds;
	sim.live = true;
	strscpy(sim.last_result, "none", sizeof(sim.last_result));
	strscpy(sim.last_reason, "none", sizeof(sim.last_reason));
	return 0;
}

#if KERNEL_VERSION(6, 14, 0) <= LINUX_VERSION_CODE
/*
 * Create /sys/devices/faux/tdx_host on the faux bus, as the merged driver does
 * (7.3's tdx-host.c:221-223: faux_device_create_with_groups(), the two
 * attribute groups); the upload device is added by sim_sync_upload_device().
 */
static int sim_create_devices(void)
{
	sim.fdev = faux_device_create_with_groups("tdx_host", NULL, NULL,
						  sim_groups);
	if (!sim.fdev)
		return -ENODEV;
	sim.dev = &sim.fdev->dev;
	return 0;
}

static void sim_destroy_devices(void)
{
	faux_device_destroy(sim.fdev);
}
#else
/* Release of the tdx_host device, which this module allocated. */
static void sim_dev_release(struct device *dev)
{
	kfree(dev);
}

/* Create /sys/devices/faux/tdx_host: before 6.14 a root device stands in for the bus. */
static int sim_create_devices(void)
{
	int ret;

	sim.root = root_device_register("faux");
	if (IS_ERR(sim.root))
		return PTR_ERR(sim.root);
	sim.dev = kzalloc(sizeof(*sim.dev), GFP_KERNEL);
	if (!sim.dev) {
		root_device_unregister(sim.root);
		return -ENOMEM;
	}
	device_initialize(sim.dev);
	sim.dev->parent = sim.root;
	sim.dev->groups = sim_groups;
	sim.dev->release = sim_dev_release;
	ret = dev_set_name(sim.dev, "tdx_host");
	if (!ret)
		ret = device_add(sim.dev);
	if (ret) {
		put_device(sim.dev);
		root_device_unregister(sim.root);
		return ret;
	}
	return 0;
}

static void sim_destroy_devices(void)
{
	device_unregister(sim.dev);
	root_device_unregister(sim.root);
}
#endif

static void sim_free(void)
{
	debugfs_remove_recursive(sim.dbg);
	kvfree(sim.trace);
	if (!IS_ERR_OR_NULL(sim.sha256))
		crypto_free_shash(sim.sha256);
	if (!IS_ERR_OR_NULL(sim.sha384))
		crypto_free_shash(sim.sha384);
	if (!IS_ERR_OR_NULL(sim.rsa))
		crypto_free_sig(sim.rsa);
}

static int __init tdx_host_sim_init(void)
{
	unsigned int i;
	int ret;

	mutex_init(&sim.lock);
	mutex_init(&sim.reg_lock);
	raw_spin_lock_init(&sim.reason_lock);
	ret = sim_init_state();
	if (ret)
		return ret;

	sim.trace_max = nr_cpu_ids * TDX_SIM_NR_STEPS;
	sim.trace = kvcalloc(sim.trace_max, sizeof(*sim.trace), GFP_KERNEL);
	sim.sha256 = crypto_alloc_shash("sha256", 0, 0);
	sim.sha384 = crypto_alloc_shash("sha384", 0, 0);
	sim.rsa = crypto_alloc_sig(SIM_RSA_ALG, 0, 0);
	if (!sim.trace || IS_ERR(sim.sha256) || IS_ERR(sim.sha384) ||
	    IS_ERR(sim.rsa)) {
		if (IS_ERR(sim.rsa))
			pr_err("crypto: cannot allocate %s: %ld\n", SIM_RSA_ALG,
			       PTR_ERR(sim.rsa));
		ret = -ENOMEM;
		goto err_free;
	}

	sim.dbg = debugfs_create_dir(KBUILD_MODNAME, NULL);
	for (i = 0; i < ARRAY_SIZE(dbg_files); i++)
		debugfs_create_file(dbg_files[i].name, dbg_files[i].mode,
				    sim.dbg, (void *)(uintptr_t)i, &dbg_fops);

	ret = sim_create_devices();
	if (ret)
		goto err_free;
	ret = sim_sync_upload_device();
	if (ret)
		goto err_devices;

	pr_info("emulating kernel %s, TDX module %u.%u.%02u (SVN %u.%u), P-SEAMLDR %u.%u.%02u, CPUID 0x%x, image format %s%s\n",
		sim.prof->name, sim.version.major, sim.version.minor,
		sim.version.update, sim.plat.svn_major, sim.plat.svn_minor,
		sim.plat.seamldr.major, sim.plat.seamldr.minor,
		sim.plat.seamldr.update, sim.plat.cpuid,
		format_names[sim.prof->rules],
		sim.support == SUPPORT_YES ? "" : ", runtime update unsupported");
	return 0;

err_devices:
	if (sim.fwl)
		firmware_upload_unregister(sim.fwl);
	sim_destroy_devices();
err_free:
	sim_free();
	return ret;
}

static void __exit tdx_host_sim_exit(void)
{
	if (sim.fwl)
		firmware_upload_unregister(sim.fwl);
	sim_destroy_devices();
	sim_free();
}

module_init(tdx_host_sim_init);
module_exit(tdx_host_sim_exit);

MODULE_DESCRIPTION("Emulated TDX host runtime-update interface for testing tdxctl");
MODULE_LICENSE("GPL");
