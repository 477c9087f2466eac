// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx_tcb_config_parse(): the grammar of /etc/tdxctl/tcb-info.conf, exactly. Every key, what
 * overrides and unsets it, and every refusal with its line number; the text is handed over in
 * an exactly sized heap buffer without a NUL at its end, so ASan sees any over-read.
 */
#include "test.h"

/* Parse @text (copied without its NUL) into @cfg; the return value, @why filled. */
static int parse(const char *text, struct tdx_tcb_config *cfg,
		 struct tdx_tcb_config_refusal *why)
{
	size_t len = strlen(text);
	char *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		abort();
	memcpy(buf, text, len);
	rc = tdx_tcb_config_parse(buf, len, cfg, why);
	free(buf);
	return rc;
}

/* The refusal is @fault on @line about @key (NULL: none). */
static void refused(const struct tdx_tcb_config_refusal *why, enum tdx_tcb_config_fault fault,
		    unsigned int line, const char *key)
{
	CHECK_INT(why->fault, fault);
	CHECK_INT(why->line, line);
	if (key)
		CHECK_STR(why->key, key);
	else
		CHECK(!why->key);
}

int main(void)
{
	struct tdx_tcb_config cfg = { 0 };
	struct tdx_tcb_config_refusal why;
	char longpath[TDX_TCB_CONFIG_PATH_MAX + 32];

	/* Every key, comments, blank lines, spaces and tabs, CRLF, no final newline. */
	CHECK_INT(parse("# TCB Info\n\n  file\t=  /var/lib/tdxctl/tcb.json  \r\n"
			"chain=/var/lib/tdxctl/chain.pem\nroot_hash = a0af031289f5d5d4132f9186068a"
			"7fc13628633ba235777472e29b6b6c67a49e", &cfg, &why), 0);
	CHECK_STR(cfg.file, "/var/lib/tdxctl/tcb.json");
	CHECK_STR(cfg.chain, "/var/lib/tdxctl/chain.pem");
	CHECK(cfg.have_root_hash);
	CHECK(memcmp(cfg.root_hash, tdx_sgx_root_key_hash, TDX_SHA256_LEN) == 0);
	refused(&why, TDX_TCB_CONFIG_FAULT_NONE, 0, NULL);

	/* A later file overrides a key; an empty value unsets it; others stay. */
	CHECK_INT(parse("file = /etc/tdxctl/other.json\nchain =\nroot_hash=\n", &cfg, &why), 0);
	CHECK_STR(cfg.file, "/etc/tdxctl/other.json");
	CHECK_STR(cfg.chain, "");
	CHECK(!cfg.have_root_hash);
	CHECK_INT(parse("", &cfg, NULL), 0);
	CHECK_STR(cfg.file, "/etc/tdxctl/other.json");

	/* Refusals, each with its line. */
	CHECK_INT(parse("file = /a\nchian = /b\n", &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_UNKNOWN_KEY, 2, NULL);
	CHECK_INT(parse("\n\nfile /a\n", &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_NOT_KEY_VALUE, 3, NULL);
	CHECK_INT(parse("file = tcb.json\n", &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_RELATIVE, 1, "file");
	CHECK_INT(parse("chain = /a\x1b[2Jb\n", &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_CONTROL, 1, "chain");
	CHECK_INT(parse("root_hash = a0af\n", &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_ROOT_HASH, 1, "root_hash");
	CHECK_INT(parse("root_hash = a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a4zz\n",
			&cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_ROOT_HASH, 1, "root_hash");
	CHECK_INT(parse("File = /a\n", &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_UNKNOWN_KEY, 1, NULL);
	CHECK_INT(parse("= /a\n", &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_UNKNOWN_KEY, 1, NULL);
	CHECK_INT(tdx_tcb_config_parse("file = /a\0b\n", 12, &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_NUL_BYTE, 0, NULL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	memcpy(longpath, "file = /", 8);
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_INT(parse(longpath, &cfg, &why), -EINVAL);
	refused(&why, TDX_TCB_CONFIG_FAULT_TOO_LONG, 1, "file");
	CHECK_INT(why.limit, TDX_TCB_CONFIG_PATH_MAX - 1);
	/* A path of exactly the longest length fits. */
	longpath[7 + TDX_TCB_CONFIG_PATH_MAX - 1] = '\0';
	CHECK_INT(parse(longpath, &cfg, &why), 0);
	refused(&why, TDX_TCB_CONFIG_FAULT_NONE, 0, NULL);
	CHECK_INT(strlen(cfg.file), TDX_TCB_CONFIG_PATH_MAX - 1);
	return test_finish();
}
