/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * GUIDs as Hyper-V writes them: the first three fields little-endian, the
 * rest as bytes (Linux guid_t, printed with %pUl).  Device names in sysfs,
 * class ids and module parameters all use the 36-character text form.
 *
 * Class GUIDs known at build time are written once, as lists of their
 * fields, so that one spelling gives both the guid_t a driver matches and
 * the module alias udev loads the driver by:
 *
 *   #define HVIS_FOO_ID(f)	f(57164f39, 9115, 4e78, ab, 55, 38, 2f, 3b, d5, 42, 2d)
 *   HVIS_FOO_ID(HVIS_GUID)	the guid_t
 *   HVIS_FOO_ID(HVIS_MODALIAS)	"hvis_vmbus:57164f3991154e78ab55382f3bd5422d"
 *
 * Why not upstream's "vmbus:<class GUID bytes>": the in-tree hv_* modules
 * carry aliases of that form, so udev would load them for our devices.
 * Ours are the 32 hex digits in the order the GUID is written, without the
 * dashes; the bus's uevents and modalias attribute say the same.
 */
#ifndef _HVIS_GUID_H
#define _HVIS_GUID_H

/* Usable in userspace too (the tools decode class GUIDs with it). */
#include <hvis/wire_types.h>

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", without the NUL. */
#define HVIS_GUID_STRLEN	36

int hvis_guid_parse(const char *s, size_t len, guid_t *out);
void hvis_guid_format(const guid_t *g, char buf[HVIS_GUID_STRLEN + 1]);

#define HVIS_GUID(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)		\
	GUID_INIT(0x##a, 0x##b, 0x##c, 0x##d0, 0x##d1, 0x##d2, 0x##d3,	\
		  0x##d4, 0x##d5, 0x##d6, 0x##d7)
#define HVIS_MODALIAS(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)		\
	"hvis_vmbus:" #a #b #c #d0 #d1 #d2 #d3 #d4 #d5 #d6 #d7
#define HVIS_MODALIAS_PREFIX	"hvis_vmbus:"
/* The prefix, the 32 digits, the NUL. */
#define HVIS_MODALIAS_SIZE	(sizeof(HVIS_MODALIAS_PREFIX) + 32)

#endif /* _HVIS_GUID_H */
