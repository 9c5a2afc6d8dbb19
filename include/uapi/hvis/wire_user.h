/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-ins for the kernel macros the wire headers use (through
 * hvis/wire_types.h): __packed and BIT() as the kernel defines them, and
 * C11's static_assert, which gcc takes without a message as the kernel's
 * does.
 */
#ifndef _UAPI_HVIS_WIRE_USER_H
#define _UAPI_HVIS_WIRE_USER_H

#ifndef __packed
#define __packed	__attribute__((__packed__))
#endif

#ifndef BIT
#define BIT(n)		(1UL << (n))
#endif

#include <assert.h>
#include <stddef.h>

#endif /* _UAPI_HVIS_WIRE_USER_H */
