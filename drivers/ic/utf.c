// SPDX-License-Identifier: GPL-2.0-only
/*
 * UTF-16LE (what the host puts on the wire) to and from UTF-8 (what the
 * daemons read and write), for the KVP and file-copy services.
 *
 * Both ends are untrusted: the host may send any 16-bit units, a daemon
 * may write any bytes.  So the conversions accept only well-formed text
 * and refuse the rest rather than repair it.  A lenient decoder lets
 * through forms that other code reads differently: an overlong "/" or
 * NUL, a UTF-8 encoded surrogate, an unpaired surrogate passed on as
 * three bytes that strict UTF-8 readers refuse.  A file name or key that
 * passed a check in one spelling must not reach the filesystem or the
 * host in another.  Nothing is written past the caller's buffer, and a
 * string that does not fit fails (or is cut at a whole character, where
 * the caller asks for that) instead of losing its terminator.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <linux/types.h>

/* Exported by a name that the userspace build can define away. */
#define HVIS_UTF_EXPORT	EXPORT_SYMBOL_GPL
#else
/* The tools compile this file too (hvis/utf.h): the same code, tested there. */
#include <errno.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u32 u32;
#define HVIS_UTF_EXPORT(sym)
#endif

#include <hvis/utf.h>

static bool hvis_ic_high_surrogate(u32 c)
{
	return c >= 0xd800 && c <= 0xdbff;
}

static bool hvis_ic_low_surrogate(u32 c)
{
	return c >= 0xdc00 && c <= 0xdfff;
}

/* Byte by byte: the wire strings sit at odd offsets in packed messages. */
static u32 hvis_ic_unit(const u8 *p, size_t i)
{
	return p[2 * i] | (u32)p[2 * i + 1] << 8;
}

static void hvis_ic_put_unit(u8 *p, size_t i, u32 u)
{
	p[2 * i] = u & 0xff;
	p[2 * i + 1] = u >> 8;
}

int hvis_ic_utf16_to_utf8(const void *in, size_t units, char *out, size_t size)
{
	const u8 *p = in;
	size_t i, n = 0;
	u32 c, lo;
	int bytes;

	if (!size)
		return -E2BIG;
	for (i = 0; i < units; i++) {
		c = hvis_ic_unit(p, i);
		if (!c)
			break;
		if (hvis_ic_low_surrogate(c))
			return -EILSEQ;
		if (hvis_ic_high_surrogate(c)) {
			if (i + 1 >= units)
				return -EILSEQ;
			lo = hvis_ic_unit(p, i + 1);
			if (!hvis_ic_low_surrogate(lo))
				return -EILSEQ;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		}
		bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		/* Room for the character and the NUL after it. */
		if (n + bytes >= size)
			return -E2BIG;
		switch (bytes) {
		case 1:
			out[n++] = c;
			break;
		case 2:
			out[n++] = 0xc0 | c >> 6;
			out[n++] = 0x80 | (c & 0x3f);
			break;
		case 3:
			out[n++] = 0xe0 | c >> 12;
			out[n++] = 0x80 | ((c >> 6) & 0x3f);
			out[n++] = 0x80 | (c & 0x3f);
			break;
		default:
			out[n++] = 0xf0 | c >> 18;
			out[n++] = 0x80 | ((c >> 12) & 0x3f);
			out[n++] = 0x80 | ((c >> 6) & 0x3f);
			out[n++] = 0x80 | (c & 0x3f);
			break;
		}
	}
	out[n] = '\0';
	return n;
}

HVIS_UTF_EXPORT(hvis_ic_utf16_to_utf8);

/*
 * One character of strict UTF-8 at @s (@len bytes left): its code point,
 * or -EILSEQ for what RFC 3629 does not allow (overlong forms, surrogates,
 * beyond U+10FFFF, truncated or stray continuation bytes).  *@bytes is
 * its length.
 */
static int hvis_ic_utf8_char(const u8 *s, size_t len, int *bytes)
{
	static const u32 least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	u32 c = s[0];
	int n, k;

	if (c < 0x80) {
		n = 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
	} else {
		return -EILSEQ;
	}
	if (len < (size_t)n)
		return -EILSEQ;
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return -EILSEQ;
		c = c << 6 | (s[k] & 0x3f);
	}
	if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -EILSEQ;
	*bytes = n;
	return c;
}

int hvis_ic_utf8_to_utf16(const char *in, size_t len, void *out, size_t units,
			  bool *truncated)
{
	const u8 *s = (const u8 *)in;
	size_t i = 0, n = 0;
	int c, bytes, need;
	bool cut = false;
	u8 *p = out;

	if (!units)
		return -E2BIG;
	/* The whole string is checked, also past a truncation. */
	while (i < len) {
		c = hvis_ic_utf8_char(s + i, len - i, &bytes);
		if (c <= 0)	/* a NUL too: the caller measured the string */
			return -EILSEQ;
		i += bytes;
		if (cut)
			continue;
		need = c >= 0x10000 ? 2 : 1;
		/* Room for the character and the terminating NUL unit. */
		if (n + need >= units) {
			if (!truncated)
				return -E2BIG;
			cut = true;
			continue;
		}
		if (need == 2) {
			c -= 0x10000;
			hvis_ic_put_unit(p, n++, 0xd800 + (c >> 10));
			hvis_ic_put_unit(p, n++, 0xdc00 + (c & 0x3ff));
		} else {
			hvis_ic_put_unit(p, n++, c);
		}
	}
	/* Nothing of what the field held before stays behind the string. */
	memset(p + 2 * n, 0, 2 * (units - n));
	if (truncated)
		*truncated = cut;
	return n;
}

HVIS_UTF_EXPORT(hvis_ic_utf8_to_utf16);
