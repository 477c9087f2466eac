// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdxctl's words for the library's names: what a check asserts (cli/words/checks.def), what a
 * release's label means, why runtime update is not supported. The library names each; these
 * are for a person (tests/cli/test-name-words.c wants words for every name).
 */
#include "tdxctl.h"

static const char *const check_words_table[TDX_CHK__COUNT] = {
#define TDX_CHECK_WORDS(sym, words) [TDX_CHK_##sym] = (words),
#include "words/checks.def"
#undef TDX_CHECK_WORDS
};

static const char *const label_words_table[TDX_LABEL__COUNT] = {
	[TDX_LABEL_INSTALLABLE]		= "installable",
	[TDX_LABEL_RUNNING]		= "already running",
	[TDX_LABEL_OLDER]		= "older than running",
	[TDX_LABEL_OTHER_LINE]		= "other major.minor",
	[TDX_LABEL_BELOW_MINIMUM]	= "running version below the release's minimum",
	[TDX_LABEL_SEAMLDR]		= "P-SEAMLDR not accepted",
	[TDX_LABEL_CPU]			= "CPU not supported",
	[TDX_LABEL_DEBUG]		= "debug module",
	[TDX_LABEL_SVN]			= "SVN not accepted",
	[TDX_LABEL_INVALID]		= "image invalid",
	[TDX_LABEL_UNLISTED]		= "not in mapping file",
	[TDX_LABEL_NO_VERSION]		= "version unknown",
};

const char *check_words(enum tdx_check_id id)
{
	return (unsigned int)id < TDX_CHK__COUNT ? check_words_table[id] : NULL;
}

const char *label_words(enum tdx_release_label label)
{
	return (unsigned int)label < TDX_LABEL__COUNT ? label_words_table[label] : NULL;
}

/*
 * Also status --json's update_support, which has always carried these words: they stay as they
 * are (the stable name is tdx_update_support_name(), the metrics' reason label).
 */
const char *update_support_words(enum tdx_update_support support)
{
	switch (support) {
	case TDX_UPDATE_SUPPORTED:	return "supported";
	case TDX_UPDATE_NO_DEVICE:	return "no TDX host device";
	case TDX_UPDATE_ERRATUM:	return "CPU erratum seamret_invd_vmcs";
	case TDX_UPDATE_NO_FEATURE:	return "no upload device";
	}
	return NULL;
}
