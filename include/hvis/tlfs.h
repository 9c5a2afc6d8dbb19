/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor Top-Level Functional Specification facts used by hvis:
 * CPUID leaves and bits.  Values only; see shared/reference/protocol.md §1.
 */
#ifndef _HVIS_TLFS_H
#define _HVIS_TLFS_H

#define HVIS_CPUID_VENDOR_AND_MAX	0x40000000
#define HVIS_CPUID_INTERFACE		0x40000001
#define HVIS_CPUID_VERSION		0x40000002
#define HVIS_CPUID_FEATURES		0x40000003
#define HVIS_CPUID_HINTS		0x40000004
#define HVIS_CPUID_LIMITS		0x40000005

/* Leaf 0x40000000 must report at least up to the limits leaf. */
#define HVIS_CPUID_MIN_LEAF		HVIS_CPUID_LIMITS
#define HVIS_CPUID_MAX_LEAF		0x4000ffff

/* "Microsoft Hv" in EBX, ECX, EDX of leaf 0x40000000. */
#define HVIS_CPUID_SIG_EBX		0x7263694d
#define HVIS_CPUID_SIG_ECX		0x666f736f
#define HVIS_CPUID_SIG_EDX		0x76482074

/* "Hv#1" in EAX of leaf 0x40000001. */
#define HVIS_CPUID_INTERFACE_HV1	0x31237648

/* Leaf 0x40000003 EAX: partition privileges (Group A). */
#define HVIS_PRIV_TIME_REF_COUNT	BIT(1)
#define HVIS_PRIV_SYNIC			BIT(2)
#define HVIS_PRIV_HYPERCALL		BIT(5)
#define HVIS_PRIV_VP_INDEX		BIT(6)

#endif /* _HVIS_TLFS_H */
