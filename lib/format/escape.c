// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Escaping bytes that are not ours before they reach a terminal, a log or a JSON reader. File
 * names, history lines and kernel words can hold anything: an ESC sequence clears an operator's
 * terminal or sets its title, a newline forges a log line, a lone 0x9b is CSI to some terminals
 * and invalid UTF-8 makes strict JSON readers fail. Every text, log and syslog line goes through
 * tdx_escape(); every JSON text through tdx_json_sanitize(). Pure: no I/O.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "format-private.h"

/*
 * Decode one UTF-8 sequence at @p (@n bytes available). Returns its length with *@cp set, 0 when
 * the bytes are not valid UTF-8 (overlong, surrogate, above U+10FFFF, a stray continuation), or
 * -1 when they are a valid start cut short by the end of the buffer.
 */
static int utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint32_t c = p[0], min;
	int len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

TDX_EXPORT
size_t tdx_utf8_incomplete_tail(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;

	/* A sequence is at most 4 bytes: only the last 3 can be an unfinished one. */
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		uint32_t cp;
		int r = utf8_decode(p + len - back, back, &cp);

		if (r == -1)
			return back;
		if ((p[len - back] & 0xc0) != 0x80)
			break;	/* a start byte that is complete or invalid: nothing pending */
	}
	return 0;
}

/* True for a code point that must not reach a terminal as itself: C0, DEL, C1. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Worst case per input byte: "\xNN" (4) for tdx_escape, "\ufffd" (6) for the JSON forms. */
static char *out_alloc(size_t len, size_t per_byte)
{
	if (len > (SIZE_MAX - 1) / per_byte)
		return NULL;
	return malloc(len * per_byte + 1);
}

static size_t put_hex(char *o, const char *prefix, unsigned int v)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = strlen(prefix);

	memcpy(o, prefix, n);
	if (prefix[1] == 'u') {
		o[n++] = '0';
		o[n++] = '0';
	}
	o[n++] = digits[(v >> 4) & 0xf];
	o[n++] = digits[v & 0xf];
	return n;
}

/* How one walk over the bytes writes what must not pass as itself. */
enum escape_mode {
	ESCAPE_TEXT,	/* terminals and logs: controls by name or \xNN, invalid bytes \xNN */
	ESCAPE_JSON,	/* a JSON text: C1, DEL, stray controls and invalid bytes as \uXXXX */
	ESCAPE_UTF8,	/* any string: invalid bytes as U+FFFD, everything else kept */
};

/* Whether @cp, valid UTF-8, passes as itself in @mode. */
static bool escape_keeps(enum escape_mode mode, uint32_t cp, unsigned int flags)
{
	switch (mode) {
	case ESCAPE_TEXT:
		return !is_control(cp) || (cp == '\t' && (flags & TDX_ESCAPE_KEEP_TAB)) ||
		       (cp == '\n' && (flags & TDX_ESCAPE_KEEP_NEWLINE));
	case ESCAPE_JSON:
		/*
		 * JSON's own syntax is ASCII, so invalid bytes and raw controls can only be inside
		 * strings, where \uXXXX is their escape. json-c escapes controls below 0x20; what
		 * is left raw is the pretty-printer's whitespace.
		 */
		return !is_control(cp) || cp == '\n' || cp == '\t' || cp == '\r';
	case ESCAPE_UTF8:
		break;
	}
	return true;
}

/* Writes the escape for a code point @mode does not keep; returns its length. */
static size_t escape_put(enum escape_mode mode, char *o, uint32_t cp)
{
	const char *name = cp == '\n' ? "\\n" : cp == '\t' ? "\\t" :
			   cp == '\r' ? "\\r" : cp == 0x1b ? "\\e" : NULL;

	if (mode == ESCAPE_JSON)
		return put_hex(o, "\\u", cp);
	if (name) {
		memcpy(o, name, 2);
		return 2;
	}
	return put_hex(o, "\\x", cp);
}

/* Writes the replacement for a byte that is not valid UTF-8; returns its length. */
static size_t escape_put_invalid(enum escape_mode mode, char *o, uint8_t byte)
{
	switch (mode) {
	case ESCAPE_TEXT:
		return put_hex(o, "\\x", byte);
	case ESCAPE_JSON:
		memcpy(o, "\\ufffd", 6);
		return 6;
	case ESCAPE_UTF8:
		break;
	}
	memcpy(o, "\xef\xbf\xbd", 3);	/* U+FFFD REPLACEMENT CHARACTER */
	return 3;
}

/*
 * The one walk behind the three public forms: valid sequences either pass or are escaped,
 * invalid or cut-short bytes are replaced one at a time. @per_byte is the mode's worst case.
 */
static char *escape_walk(const char *s, size_t len, enum escape_mode mode, unsigned int flags,
			 size_t per_byte)
{
	const uint8_t *p = (const uint8_t *)s;
	char *out = out_alloc(len, per_byte), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		int r = utf8_decode(p + i, len - i, &cp);

		if (r <= 0) {
			o += escape_put_invalid(mode, o, p[i]);
			i++;
			continue;
		}
		if (escape_keeps(mode, cp, flags)) {
			memcpy(o, p + i, (size_t)r);
			o += r;
		} else {
			o += escape_put(mode, o, cp);
		}
		i += (size_t)r;
	}
	*o = '\0';
	return out;
}

TDX_EXPORT
char *tdx_escape(const char *s, size_t len, unsigned int flags)
{
	return escape_walk(s, len, ESCAPE_TEXT, flags, 4);
}

TDX_EXPORT
char *tdx_json_sanitize(const char *json, size_t len)
{
	return escape_walk(json, len, ESCAPE_JSON, 0, 6);
}

TDX_EXPORT
char *tdx_utf8_sanitize(const char *s)
{
	return escape_walk(s, strlen(s), ESCAPE_UTF8, 0, 3);
}

TDX_EXPORT
struct json_object *tdx_json_string_or_null(const char *s)
{
	struct json_object *o;
	char *safe;

	if (!s || !*s)
		return NULL;
	safe = tdx_utf8_sanitize(s);
	if (!safe)
		return NULL;
	o = json_object_new_string(safe);
	free(safe);
	return o;
}
