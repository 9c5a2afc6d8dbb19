/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict conversions between the wire's UTF-16LE and UTF-8: one source,
 * drivers/ic/utf.c, built into hvis_ic for the services and their daemons
 * and into the tools (hvsim speaks the host's side of the same strings).
 *
 * hvis_ic_utf16_to_utf8(): at most @units code units at @in (any
 * alignment), up to the first NUL unit, into @out (@size bytes, always
 * NUL-terminated on success, undefined on failure).  Returns the UTF-8
 * length without the NUL; -EILSEQ for an unpaired surrogate; -E2BIG if it
 * does not fit.
 *
 * hvis_ic_utf8_to_utf16(): the @len bytes at @in (a measured string: a NUL
 * among them is invalid) into @units code units at @out, NUL-terminated,
 * the rest of the field zeroed.  Returns the units written without the
 * NUL; -EILSEQ for anything but well-formed UTF-8 (RFC 3629); -E2BIG if it
 * does not fit and @truncated is NULL; otherwise it is cut after the last
 * whole character that fits and *@truncated says whether it was.
 */
#ifndef _HVIS_UTF_H
#define _HVIS_UTF_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#endif

int hvis_ic_utf16_to_utf8(const void *in, size_t units, char *out, size_t size);
int hvis_ic_utf8_to_utf16(const char *in, size_t len, void *out, size_t units,
			  bool *truncated);

#endif /* _HVIS_UTF_H */
