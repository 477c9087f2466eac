// SPDX-License-Identifier: GPL-2.0-only
/*
 * A libkmod.so.2 that plays every kernel module in one state, found first through
 * LD_LIBRARY_PATH (libkmod is opened at run time): what tdxctl says of each state libkmod can
 * report, and of each way it can fail, without a kernel module or a modprobe.d to change
 * (test-host.sh). Only the functions kmodule.c calls, typed by libkmod's own header.
 * TDXCTL_KMOD_FAKE picks the state:
 *   live, absent (modprobe's rules know none), not-loaded, blacklisted,
 *   initstate-eacces (/sys/module unreadable), lookup-eio (modules.dep unreadable),
 *   load-rejected (not loaded; loading it fails with EKEYREJECTED).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>

struct kmod_ctx {
	int refs;
};

struct kmod_module {
	char name[64];
};

/* A list of one module: all a lookup of one name gives here. */
struct kmod_list {
	struct kmod_module *mod;
};

static const char *fake(void)
{
	const char *s = getenv("TDXCTL_KMOD_FAKE");

	return s ? s : "absent";
}

static int is(const char *state)
{
	return strcmp(fake(), state) == 0;
}

struct kmod_ctx *kmod_new(const char *dirname, const char *const *config_paths)
{
	(void)dirname;
	(void)config_paths;
	return calloc(1, sizeof(struct kmod_ctx));
}

struct kmod_ctx *kmod_unref(struct kmod_ctx *ctx)
{
	free(ctx);
	return NULL;
}

int kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name, struct kmod_module **mod)
{
	(void)ctx;
	*mod = calloc(1, sizeof(**mod));
	if (!*mod)
		return -ENOMEM;
	strncpy((*mod)->name, name, sizeof((*mod)->name) - 1);
	return 0;
}

int kmod_module_new_from_lookup(struct kmod_ctx *ctx, const char *given_alias,
				struct kmod_list **list)
{
	struct kmod_module *mod;
	int rc;

	*list = NULL;
	if (is("lookup-eio"))
		return -EIO;
	if (is("absent"))
		return 0;
	rc = kmod_module_new_from_name(ctx, given_alias, &mod);
	if (rc < 0)
		return rc;
	*list = calloc(1, sizeof(**list));
	if (!*list) {
		free(mod);
		return -ENOMEM;
	}
	(*list)->mod = mod;
	return 0;
}

int kmod_module_apply_filter(const struct kmod_ctx *ctx, enum kmod_filter filter_type,
			     const struct kmod_list *input, struct kmod_list **output)
{
	struct kmod_ctx *c = (struct kmod_ctx *)ctx;

	*output = NULL;
	if (!input || ((filter_type & KMOD_FILTER_BLACKLIST) && is("blacklisted")))
		return 0;
	return kmod_module_new_from_lookup(c, input->mod->name, output);
}

int kmod_module_get_initstate(const struct kmod_module *mod)
{
	(void)mod;
	if (is("live"))
		return KMOD_MODULE_LIVE;
	if (is("initstate-eacces"))
		return -EACCES;
	return -ENOENT;
}

struct kmod_module *kmod_module_get_module(const struct kmod_list *entry)
{
	struct kmod_module *mod = NULL;

	if (entry && kmod_module_new_from_name(NULL, entry->mod->name, &mod) < 0)
		return NULL;
	return mod;
}

const char *kmod_module_get_name(const struct kmod_module *mod)
{
	return mod->name;
}

int kmod_module_probe_insert_module(struct kmod_module *mod, unsigned int flags,
				    const char *extra_options,
				    int (*run_install)(struct kmod_module *m, const char *cmdline,
						       void *data),
				    const void *data,
				    void (*print_action)(struct kmod_module *m, bool install,
							 const char *options))
{
	(void)mod;
	(void)extra_options;
	(void)run_install;
	(void)data;
	(void)print_action;
	if (is("blacklisted") && (flags & KMOD_PROBE_APPLY_BLACKLIST))
		return KMOD_PROBE_APPLY_BLACKLIST;
	if (is("load-rejected"))
		return -EKEYREJECTED;
	return -ENODEV;
}

struct kmod_module *kmod_module_unref(struct kmod_module *mod)
{
	free(mod);
	return NULL;
}

int kmod_module_unref_list(struct kmod_list *list)
{
	if (list)
		free(list->mod);
	free(list);
	return 0;
}
