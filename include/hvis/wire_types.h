/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the wire headers (guid.h, ic_wire.h, vmbus_wire.h) need, in the
 * kernel and in userspace alike: the tools (hvsim, hvcapdiff) build and
 * decode the very structs the drivers and the simulator use, so a layout
 * cannot drift between the two, and the size asserts hold on both sides.
 * Fields are __u8 ... __u64, which <linux/types.h> gives both.
 */
#ifndef _HVIS_WIRE_TYPES_H
#define _HVIS_WIRE_TYPES_H

#include <linux/types.h>

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/uuid.h>
#else
#include <stddef.h>

#ifndef __packed
#define __packed	__attribute__((__packed__))
#endif
#ifndef BIT
#define BIT(n)		(1UL << (n))
#endif
/* The kernel's form, static_assert(expr) with the message optional. */
#ifndef static_assert
#define static_assert(expr, ...)	hvis_static_assert(expr, ##__VA_ARGS__, #expr)
#define hvis_static_assert(expr, msg, ...)	_Static_assert(expr, msg)
#endif

/* The kernel's guid_t: 16 bytes as written on the wire. */
typedef struct {
	__u8 b[16];
} guid_t;

#define GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)			\
	((guid_t){ { (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff,	\
		     ((a) >> 24) & 0xff, (b) & 0xff, ((b) >> 8) & 0xff,		\
		     (c) & 0xff, ((c) >> 8) & 0xff,				\
		     (d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) } })
#endif /* __KERNEL__ */

#endif /* _HVIS_WIRE_TYPES_H */
