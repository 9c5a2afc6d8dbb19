/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvcapdiff reads the simulator's own wire headers (include/hvis, the *_wire.h)
 * in userspace: these few lines stand in for the kernel headers they use.
 */
#ifndef _HVCAPDIFF_SHIM_TYPES_H
#define _HVCAPDIFF_SHIM_TYPES_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8, __u8;
typedef uint16_t u16, __u16;
typedef uint32_t u32, __u32;
typedef uint64_t u64, __u64;
typedef int32_t s32, __s32;
typedef int64_t s64, __s64;

#define __packed	__attribute__((packed))
#define BIT(n)		(1UL << (n))

#endif
