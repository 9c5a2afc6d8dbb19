/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the wire headers (guid.h, ic_wire.h, vmbus_wire.h) need, in the
 * kernel and in userspace alike: the tools (hvsim, hvcapdiff) build and
 * decode the very structs the drivers and the simulator use, so a layout
 * cannot drift between the two, and the size asserts hold on both sides.
 * Fields are __u8 ... __u64 and GUIDs guid_t, which <linux/types.h> and
 * <linux/uuid.h> give both.
 */
#ifndef _HVIS_WIRE_TYPES_H
#define _HVIS_WIRE_TYPES_H

#include <linux/types.h>
#include <linux/uuid.h>

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/build_bug.h>
#else
#include <uapi/hvis/wire_user.h>
#endif

#endif /* _HVIS_WIRE_TYPES_H */
