// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel module that provides the TDX host interface (tdx_host, or tdx_host_sim in tests):
 * is it loaded, and load it on request the way modprobe would, blacklist included. All libkmod.
 * Every answer is a fact (enum tdx_kmodule_state, enum tdx_kmodule_load and an errno): the
 * log lines here are diagnostics, a front end words the facts.
 *
 * libkmod is opened here, at the first query, not linked: with libzstd and liblzma it costs
 * every start of tdxctl some 20 page faults and 1.5 ms of CPU, and only status and update
 * ask about a module (verify, convert, list never do). The functions used are the table below,
 * typed by libkmod's own header, so a changed prototype fails to compile. The Debian package
 * names libkmod2 in its Depends, since dpkg-shlibdeps cannot see a dlopen.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>

#include "host-private.h"

/* The library's run-time name: its SONAME, as the linker would have recorded it. */
#define KMOD_SONAME	"libkmod.so.2"

#define KMOD_FUNCS(X)				\
	X(kmod_new)				\
	X(kmod_unref)				\
	X(kmod_module_new_from_name)		\
	X(kmod_module_new_from_lookup)		\
	X(kmod_module_apply_filter)		\
	X(kmod_module_get_initstate)		\
	X(kmod_module_get_module)		\
	X(kmod_module_get_name)			\
	X(kmod_module_probe_insert_module)	\
	X(kmod_module_unref)			\
	X(kmod_module_unref_list)

/* The libkmod functions this file calls, each with libkmod's own type: api.kmod_new_fn... */
struct kmod_api {
	void *dl;
#define KMOD_MEMBER(f) __typeof__(f) *f##_fn;
	KMOD_FUNCS(KMOD_MEMBER)
#undef KMOD_MEMBER
};

/*
 * Open libkmod and look up the table. RTLD_NODELETE keeps it mapped after kmod_api_close(),
 * so that status or update asking twice pays for the loading once. -ENOSYS, with the loader's
 * reason in the log, when it cannot be loaded (libkmod2 not installed).
 */
static int kmod_api_open(struct tdx_ctx *ctx, struct kmod_api *api)
{
	memset(api, 0, sizeof(*api));
	api->dl = dlopen(KMOD_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!api->dl) {
		err(ctx, "cannot load %s, needed to query kernel modules: %s (install libkmod2)\n",
		    KMOD_SONAME, dlerror());
		return -ENOSYS;
	}
#define KMOD_LOOKUP(f)								\
	api->f##_fn = (__typeof__(api->f##_fn))dlsym(api->dl, #f);		\
	if (!api->f##_fn) {							\
		err(ctx, "%s has no %s: %s\n", KMOD_SONAME, #f, dlerror());	\
		dlclose(api->dl);						\
		return -ENOSYS;							\
	}
	KMOD_FUNCS(KMOD_LOOKUP)
#undef KMOD_LOOKUP
	return 0;
}

static void kmod_api_close(struct kmod_api *api)
{
	dlclose(api->dl);
}

TDX_EXPORT
const char *tdx_kmodule_name(struct tdx_ctx *ctx, const char *override)
{
	if (override && *override)
		return override;
	return tdx_ctx_get_path(ctx, TDX_CTX_KMODULE);
}

/* libkmod, and a kmod_new() with the system's configuration (modprobe.d: blacklist, aliases). */
static int kmodule_ctx_new(struct tdx_ctx *ctx, struct kmod_api *api, struct kmod_ctx **kctx)
{
	int rc = kmod_api_open(ctx, api);

	if (rc < 0)
		return rc;
	*kctx = api->kmod_new_fn(NULL, NULL);
	if (*kctx)
		return 0;
	kmod_api_close(api);
	return -ENOMEM;
}

static void kmodule_ctx_free(struct kmod_api *api, struct kmod_ctx *kctx)
{
	api->kmod_unref_fn(kctx);
	kmod_api_close(api);
}

/* Is @name something modprobe could load (a module file or an alias in modules.dep)? */
static int kmodule_lookup(const struct kmod_api *api, struct kmod_ctx *kctx, const char *name,
			  struct kmod_list **list)
{
	int rc;

	*list = NULL;
	rc = api->kmod_module_new_from_lookup_fn(kctx, name, list);
	if (rc < 0)
		return rc;
	return *list ? 0 : -ENOENT;
}

/*
 * Does modprobe's blacklist refuse every module @list found, as KMOD_PROBE_APPLY_BLACKLIST
 * does when loading (modprobe.d "blacklist", modprobe.blacklist= on the kernel command line)?
 * 1 yes, 0 no, or libkmod's negative errno.
 */
static int kmodule_blacklisted(const struct kmod_api *api, struct kmod_ctx *kctx,
			       const struct kmod_list *list)
{
	struct kmod_list *allowed = NULL;
	int rc = api->kmod_module_apply_filter_fn(kctx, KMOD_FILTER_BLACKLIST, list, &allowed);

	if (rc < 0)
		return rc;
	rc = !allowed;
	api->kmod_module_unref_list_fn(allowed);
	return rc;
}

/* Not in /sys/module: known to modprobe, blacklisted, or not known at all? */
static int kmodule_absent_state(const struct kmod_api *api, struct kmod_ctx *kctx,
				const char *name, enum tdx_kmodule_state *state)
{
	struct kmod_list *list = NULL;
	int rc = kmodule_lookup(api, kctx, name, &list);

	if (rc == -ENOENT) {
		*state = TDX_KMODULE_UNKNOWN;
		return 0;
	}
	if (rc == 0)
		rc = kmodule_blacklisted(api, kctx, list);
	api->kmod_module_unref_list_fn(list);
	if (rc < 0)
		return rc;
	*state = rc ? TDX_KMODULE_BLACKLISTED : TDX_KMODULE_NOT_LOADED;
	return 0;
}

TDX_EXPORT
int tdx_kmodule_get_state(struct tdx_ctx *ctx, const char *name, enum tdx_kmodule_state *state)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	struct kmod_api api;
	int rc;

	*state = TDX_KMODULE_UNKNOWN;
	if (!name || !*name)
		return 0;
	rc = kmodule_ctx_new(ctx, &api, &kctx);
	if (rc < 0) {
		*state = rc == -ENOSYS ? TDX_KMODULE_NO_LIBKMOD : TDX_KMODULE_QUERY_FAILED;
		return rc;
	}
	rc = api.kmod_module_new_from_name_fn(kctx, name, &mod);
	if (rc < 0)
		goto out;
	rc = api.kmod_module_get_initstate_fn(mod);
	switch (rc) {
	case KMOD_MODULE_LIVE:
		*state = TDX_KMODULE_LOADED;
		break;
	case KMOD_MODULE_BUILTIN:
		*state = TDX_KMODULE_BUILTIN;
		break;
	case KMOD_MODULE_COMING:
	case KMOD_MODULE_GOING:
		*state = TDX_KMODULE_COMING;
		break;
	case -ENOENT:
		/* Not in /sys/module. */
		rc = kmodule_absent_state(&api, kctx, name, state);
		if (rc < 0)
			goto out;
		break;
	default:
		/* /sys/module/NAME/initstate unreadable (or a state libkmod has since added). */
		if (rc >= 0)
			rc = -EPROTO;
		goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		*state = TDX_KMODULE_QUERY_FAILED;
		err(ctx, "module %s: libkmod cannot tell its state: %s\n", name, strerror(-rc));
	} else {
		dbg(ctx, "module %s: %s\n", name, tdx_kmodule_state_name(*state));
	}
	api.kmod_module_unref_fn(mod);
	kmodule_ctx_free(&api, kctx);
	return rc;
}

TDX_EXPORT
int tdx_kmodule_load(struct tdx_ctx *ctx, const char *name, enum tdx_kmodule_load *load)
{
	struct kmod_list *list = NULL;
	struct kmod_module *mod;
	struct kmod_ctx *kctx;
	struct kmod_api api;
	int rc;

	*load = TDX_KMODULE_LOAD_FAILED;
	rc = kmodule_ctx_new(ctx, &api, &kctx);
	if (rc < 0) {
		if (rc == -ENOSYS)
			*load = TDX_KMODULE_LOAD_NO_LIBKMOD;
		return rc;
	}
	rc = kmodule_lookup(&api, kctx, name, &list);
	if (rc < 0) {
		if (rc == -ENOENT)
			*load = TDX_KMODULE_LOAD_NOT_FOUND;
		err(ctx, "module %s: not found by modprobe's rules: %s\n", name, strerror(-rc));
		goto out;
	}
	/* The lookup's first match, as modprobe loads it. */
	mod = api.kmod_module_get_module_fn(list);
	rc = api.kmod_module_probe_insert_module_fn(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL,
						    NULL, NULL);
	if (rc > 0) {
		err(ctx, "module %s is blacklisted; not loading it\n",
		    api.kmod_module_get_name_fn(mod));
		*load = TDX_KMODULE_LOAD_BLACKLISTED;
		rc = -EPERM;
	} else if (rc < 0) {
		err(ctx, "loading module %s: %s\n", api.kmod_module_get_name_fn(mod),
		    strerror(-rc));
	} else {
		*load = TDX_KMODULE_LOAD_DONE;
	}
	api.kmod_module_unref_fn(mod);
out:
	api.kmod_module_unref_list_fn(list);
	kmodule_ctx_free(&api, kctx);
	return rc;
}
