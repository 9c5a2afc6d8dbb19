/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included into every hvis object after the generated hvis_config.h
 * (the compile probes' results).  Differences between kernels are bridged
 * here, by feature and never by version number, so that driver code reads
 * as it would upstream.
 */
#ifndef _HVIS_COMPAT_H
#define _HVIS_COMPAT_H

#include <linux/kconfig.h>

#if !IS_ENABLED(CONFIG_X86_64)
#error "hvis supports x86-64 guests only"
#endif

/*
 * Declarations that moved to headers of their own.  Including the new
 * header here keeps every user of them the same on old and new kernels.
 */
#ifdef HVIS_HAVE_ASM_CPUID_API_H
#include <asm/cpuid/api.h>	/* 6.15: cpuid() */
#endif
#ifdef HVIS_HAVE_LINUX_HEX_H
#include <linux/hex.h>		/* hex_to_bin() */
#endif

/* Driver-core callback arguments that became const. */
#ifdef HVIS_HAVE_BUS_UEVENT_CONST
#define HVIS_UEVENT_CONST	const	/* 6.3: bus_type.uevent */
#else
#define HVIS_UEVENT_CONST
#endif
#ifdef HVIS_HAVE_BUS_MATCH_CONST_DRV
#define HVIS_MATCH_CONST	const	/* 6.11: bus_type.match */
#else
#define HVIS_MATCH_CONST
#endif
#ifdef HVIS_HAVE_BUS_ATTR_SHOW_CONST
#define HVIS_BUS_ATTR_CONST	const	/* 6.4: bus_attribute.show */
#else
#define HVIS_BUS_ATTR_CONST
#endif

/* 6.16 renamed the 64-bit MSR accessors. */
#ifndef HVIS_HAVE_RDMSRQ
#define rdmsrq(msr, val)	rdmsrl(msr, val)
#define wrmsrq(msr, val)	wrmsrl(msr, val)
#endif

#endif /* _HVIS_COMPAT_H */
