/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The base internals every layer of the library may use: logging through the context's hook
 * (tdx_log, format/log.c) and small byte helpers. Nothing here touches the host.
 */
#ifndef LIBTDXCTL_PRIVATE_H
#define LIBTDXCTL_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>

#include "tdx-ctx.h"

/*
 * Format a message, escape it as one line and hand it to the context's hook (format/log.c):
 * what every layer logs through.
 */
/* Keep @r (its name copied) as the context's last run-folder refusal; NONE clears it. */
void tdx_ctx_note_rundir(struct tdx_ctx *ctx, const struct tdx_rundir_refusal *r);
/* Keep @r (its path copied) as the context's last trust refusal; NONE clears it. */
void tdx_ctx_note_trust(struct tdx_ctx *ctx, const struct tdx_trust_refusal *r);
void tdx_log(struct tdx_ctx *ctx, int priority, const char *file, int line, const char *fn,
	     const char *format, ...) __attribute__((format(printf, 6, 7)));
/* The context's hook called with one finished line (ctx.c): tdx_log()'s way out. */
void tdx_ctx_log_line(struct tdx_ctx *ctx, int priority, const char *file, int line,
		      const char *fn, const char *msg);

#define tdx_log_cond(ctx, prio, ...)							\
	do {										\
		if ((ctx) && tdx_ctx_get_log_priority(ctx) >= (prio))			\
			tdx_log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__);	\
	} while (0)

#define dbg(ctx, ...)	tdx_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...)	tdx_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define notice(ctx, ...) tdx_log_cond(ctx, LOG_NOTICE, __VA_ARGS__)
#define warn(ctx, ...)	tdx_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define err(ctx, ...)	tdx_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/*
 * On the line before each definition that lib/libtdxctl.sym lists: the library is compiled with
 * -fvisibility=hidden, so a function is exported only when marked here (as kmod's KMOD_EXPORT),
 * and the version script names the interface's node. tests/lint/check-sym.sh checks that the
 * marks and the list agree.
 */
#define TDX_EXPORT	__attribute__((visibility("default")))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

/* True when all @len bytes at @p are zero. */
static inline int mem_is_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

#endif /* LIBTDXCTL_PRIVATE_H */
