// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where the host's TCB Info is: the text of a configuration file (CONF_DIR/tcb-info.conf and
 * its drop-ins), parsed. Pure: the host code reads the files (trusted ones only) and hands the
 * bytes here. The grammar is small on purpose: "key = value" lines, comments and blank lines,
 * keys file, chain and root_hash; anything else is refused with its line number, so that a typo
 * is never read as "no TCB Info configured".
 */
#include <errno.h>
#include <string.h>

#include "tcb-private.h"

/* Spaces and tabs at both ends of [*s, *e) cut off. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/* The refusal @fault of @key on @line in @r; returns -EINVAL. */
static int refuse(struct tdx_tcb_config_refusal *r, enum tdx_tcb_config_fault fault,
		  unsigned int line, const char *key)
{
	r->fault = fault;
	r->line = line;
	r->key = key;
	return -EINVAL;
}

/* A path value: absolute, no control byte, fits; an empty value unsets the key. */
static int config_path(const char *v, size_t n, char *out, size_t size, unsigned int line,
		       const char *key, struct tdx_tcb_config_refusal *why)
{
	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	if (v[0] != '/')
		return refuse(why, TDX_TCB_CONFIG_FAULT_RELATIVE, line, key);
	if (n >= size) {
		why->limit = size - 1;
		return refuse(why, TDX_TCB_CONFIG_FAULT_TOO_LONG, line, key);
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return refuse(why, TDX_TCB_CONFIG_FAULT_CONTROL, line, key);
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

/* One "key = value" line (trimmed, not a comment) into @cfg. */
static int config_line(const char *s, const char *e, unsigned int line,
		       struct tdx_tcb_config *cfg, struct tdx_tcb_config_refusal *why)
{
	const char *eq = memchr(s, '=', (size_t)(e - s)), *k = s, *ke = eq, *v, *ve = e;
	char hex[2 * TDX_SHA256_LEN + 1];
	size_t klen;

	if (!eq)
		return refuse(why, TDX_TCB_CONFIG_FAULT_NOT_KEY_VALUE, line, NULL);
	v = eq + 1;
	trim(&k, &ke);
	trim(&v, &ve);
	klen = (size_t)(ke - k);
	if (klen == 4 && memcmp(k, "file", 4) == 0)
		return config_path(v, (size_t)(ve - v), cfg->file, sizeof(cfg->file), line, "file",
				   why);
	if (klen == 5 && memcmp(k, "chain", 5) == 0)
		return config_path(v, (size_t)(ve - v), cfg->chain, sizeof(cfg->chain), line,
				   "chain", why);
	if (klen == 9 && memcmp(k, "root_hash", 9) == 0) {
		if (ve == v) {
			cfg->have_root_hash = false;
			return 0;
		}
		if ((size_t)(ve - v) != sizeof(hex) - 1)
			return refuse(why, TDX_TCB_CONFIG_FAULT_ROOT_HASH, line, "root_hash");
		memcpy(hex, v, sizeof(hex) - 1);
		hex[sizeof(hex) - 1] = '\0';
		if (tdx_hex_decode(hex, cfg->root_hash, sizeof(cfg->root_hash)) < 0)
			return refuse(why, TDX_TCB_CONFIG_FAULT_ROOT_HASH, line, "root_hash");
		cfg->have_root_hash = true;
		return 0;
	}
	return refuse(why, TDX_TCB_CONFIG_FAULT_UNKNOWN_KEY, line, NULL);
}

TDX_EXPORT
int tdx_tcb_config_parse(const char *text, size_t len, struct tdx_tcb_config *cfg,
			 struct tdx_tcb_config_refusal *why)
{
	struct tdx_tcb_config_refusal scratch;
	const char *p = text, *end = text + len;
	unsigned int line = 0;

	if (!why)
		why = &scratch;
	memset(why, 0, sizeof(*why));
	if (memchr(text, '\0', len))
		return refuse(why, TDX_TCB_CONFIG_FAULT_NUL_BYTE, 0, NULL);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = nl ? nl : end;
		int rc;

		line++;
		p = nl ? nl + 1 : end;
		trim(&s, &e);
		if (s == e || *s == '#')
			continue;
		rc = config_line(s, e, line, cfg, why);
		if (rc < 0)
			return rc;
	}
	return 0;
}
