// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel module that provides the TDX host interface (tdx_host, or tdx_host_sim in tests):
 * is it loaded, and load it on request the way modprobe would, blacklist included. All libkmod.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>

#include "host-private.h"

const char *tdx_kmodule_name(struct tdx_ctx *ctx, const char *override)
{
	if (override && *override)
		return override;
	return tdx_ctx_get_path(ctx, TDX_CTX_KMODULE);
}

const char *tdx_kmodule_state_name(enum tdx_kmodule_state state)
{
	switch (state) {
	case TDX_KMODULE_UNKNOWN:	return "unknown";
	case TDX_KMODULE_NOT_LOADED:	return "not loaded";
	case TDX_KMODULE_LOADED:	return "loaded";
	case TDX_KMODULE_BUILTIN:	return "built in";
	case TDX_KMODULE_COMING:	return "loading or unloading";
	}
	return "unknown";
}

/* kmod_new() with the system's configuration (modprobe.d: blacklist, aliases). */
static int kmodule_ctx_new(struct kmod_ctx **kctx)
{
	*kctx = kmod_new(NULL, NULL);
	return *kctx ? 0 : -ENOMEM;
}

/* Is @name something modprobe could load (a module file or an alias in modules.dep)? */
static int kmodule_lookup(struct kmod_ctx *kctx, const char *name, struct kmod_list **list)
{
	int rc;

	*list = NULL;
	rc = kmod_module_new_from_lookup(kctx, name, list);
	if (rc < 0)
		return rc;
	return *list ? 0 : -ENOENT;
}

int tdx_kmodule_get_state(struct tdx_ctx *ctx, const char *name, enum tdx_kmodule_state *state)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;
	struct kmod_ctx *kctx;
	int rc;

	rc = kmodule_ctx_new(&kctx);
	if (rc < 0)
		return rc;
	rc = kmod_module_new_from_name(kctx, name, &mod);
	if (rc < 0)
		goto out;
	rc = kmod_module_get_initstate(mod);
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
	default:
		/* Not in /sys/module: known to modprobe, or not at all? */
		*state = kmodule_lookup(kctx, name, &list) == 0 ? TDX_KMODULE_NOT_LOADED
								 : TDX_KMODULE_UNKNOWN;
		break;
	}
	rc = 0;
	dbg(ctx, "module %s: %s\n", name, tdx_kmodule_state_name(*state));
out:
	kmod_module_unref_list(list);
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return rc;
}

int tdx_kmodule_load(struct tdx_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *kctx;
	int rc;

	rc = kmodule_ctx_new(&kctx);
	if (rc < 0)
		return rc;
	rc = kmodule_lookup(kctx, name, &list);
	if (rc < 0) {
		err(ctx, "module %s: not found by modprobe's rules\n", name);
		goto out;
	}
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL,
						     NULL, NULL);
		if (rc > 0) {
			err(ctx, "module %s is blacklisted; not loading it\n",
			    kmod_module_get_name(mod));
			rc = -EPERM;
		} else if (rc < 0) {
			err(ctx, "loading module %s: %s\n", kmod_module_get_name(mod),
			    strerror(-rc));
		}
		kmod_module_unref(mod);
		break;
	}
out:
	kmod_module_unref_list(list);
	kmod_unref(kctx);
	return rc;
}
