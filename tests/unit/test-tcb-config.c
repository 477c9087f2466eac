// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx_tcb_config_parse(): the grammar of /etc/tdxctl/tcb-info.conf, exactly. Every key, what
 * overrides and unsets it, and every refusal with its line number; the text is handed over in
 * an exactly sized heap buffer without a NUL at its end, so ASan sees any over-read.
 */
#include "test.h"

/* Parse @text (copied without its NUL) into @cfg; the return value, @why filled. */
static int parse(const char *text, struct tdx_tcb_config *cfg, char *why, size_t why_len)
{
	size_t len = strlen(text);
	char *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		abort();
	memcpy(buf, text, len);
	rc = tdx_tcb_config_parse(buf, len, cfg, why, why_len);
	free(buf);
	return rc;
}

int main(void)
{
	struct tdx_tcb_config cfg = { 0 };
	char why[256], longpath[TDX_TCB_CONFIG_PATH_MAX + 32];

	/* Every key, comments, blank lines, spaces and tabs, CRLF, no final newline. */
	CHECK_INT(parse("# TCB Info\n\n  file\t=  /var/lib/tdxctl/tcb.json  \r\n"
			"chain=/var/lib/tdxctl/chain.pem\nroot_hash = a0af031289f5d5d4132f9186068a"
			"7fc13628633ba235777472e29b6b6c67a49e", &cfg, why, sizeof(why)), 0);
	CHECK_STR(cfg.file, "/var/lib/tdxctl/tcb.json");
	CHECK_STR(cfg.chain, "/var/lib/tdxctl/chain.pem");
	CHECK(cfg.have_root_hash);
	CHECK(memcmp(cfg.root_hash, tdx_sgx_root_key_hash, TDX_SHA256_LEN) == 0);
	CHECK_STR(why, "");

	/* A later file overrides a key; an empty value unsets it; others stay. */
	CHECK_INT(parse("file = /etc/tdxctl/other.json\nchain =\nroot_hash=\n", &cfg, why,
			sizeof(why)), 0);
	CHECK_STR(cfg.file, "/etc/tdxctl/other.json");
	CHECK_STR(cfg.chain, "");
	CHECK(!cfg.have_root_hash);
	CHECK_INT(parse("", &cfg, why, sizeof(why)), 0);
	CHECK_STR(cfg.file, "/etc/tdxctl/other.json");

	/* Refusals, each with its line. */
	CHECK_INT(parse("file = /a\nchian = /b\n", &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 2: unknown key (file, chain and root_hash are known)");
	CHECK_INT(parse("\n\nfile /a\n", &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 3: not \"key = value\"");
	CHECK_INT(parse("file = tcb.json\n", &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 1: file must be an absolute path");
	CHECK_INT(parse("chain = /a\x1b[2Jb\n", &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 1: chain holds a control character");
	CHECK_INT(parse("root_hash = a0af\n", &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 1: root_hash wants 64 hex digits (a SHA-256)");
	CHECK_INT(parse("root_hash = a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a4zz\n",
			&cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 1: root_hash wants 64 hex digits (a SHA-256)");
	CHECK_INT(parse("File = /a\n", &cfg, why, sizeof(why)), -EINVAL);
	CHECK_INT(parse("= /a\n", &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 1: unknown key (file, chain and root_hash are known)");
	CHECK_INT(tdx_tcb_config_parse("file = /a\0b\n", 12, &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "a NUL byte: not a text file");
	memset(longpath, 'a', sizeof(longpath) - 1);
	memcpy(longpath, "file = /", 8);
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_INT(parse(longpath, &cfg, why, sizeof(why)), -EINVAL);
	CHECK_STR(why, "line 1: file is longer than 4095 bytes");
	/* A path of exactly the longest length fits. */
	longpath[7 + TDX_TCB_CONFIG_PATH_MAX - 1] = '\0';
	CHECK_INT(parse(longpath, &cfg, why, sizeof(why)), 0);
	CHECK_INT(strlen(cfg.file), TDX_TCB_CONFIG_PATH_MAX - 1);
	return test_finish();
}
