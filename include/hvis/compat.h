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

#endif /* _HVIS_COMPAT_H */
