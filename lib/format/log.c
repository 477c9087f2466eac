// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's log lines: formatted and escaped here, where the escaper is, then handed to the
 * context's hook (tdx_ctx_log_line() in ctx.c). The base does not call the format layer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "format-private.h"

/*
 * Messages name files and quote what they hold: each is formatted here and escaped as one line
 * (tdx_escape), so no log function receives a terminal sequence or a forged second line.
 */
void tdx_log(struct tdx_ctx *ctx, int priority, const char *file, int line, const char *fn,
	     const char *format, ...)
{
	char *msg = NULL, *safe;
	va_list args;
	int len;

	va_start(args, format);
	len = vasprintf(&msg, format, args);
	va_end(args);
	if (len < 0)
		return;
	/* The trailing newline is the message's end, not part of it. */
	if (len > 0 && msg[len - 1] == '\n')
		msg[--len] = '\0';
	safe = tdx_escape(msg, (size_t)len, TDX_ESCAPE_KEEP_TAB);
	free(msg);
	if (!safe)
		return;
	tdx_ctx_log_line(ctx, priority, file, line, fn, safe);
	free(safe);
}
