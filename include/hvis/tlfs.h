/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor Top-Level Functional Specification facts used by hvis: CPUID
 * leaves, synthetic MSRs, hypercalls and the SynIC message slot.  Values and
 * layouts only; see shared/reference/protocol.md §1.
 */
#ifndef _HVIS_TLFS_H
#define _HVIS_TLFS_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>

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

/* Synthetic MSRs. */
#define HVIS_MSR_GUEST_OS_ID		0x40000000
#define HVIS_MSR_HYPERCALL		0x40000001
#define HVIS_MSR_VP_INDEX		0x40000002
#define HVIS_MSR_TIME_REF_COUNT		0x40000020
#define HVIS_MSR_SCONTROL		0x40000080
#define HVIS_MSR_SVERSION		0x40000081
#define HVIS_MSR_SIEFP			0x40000082
#define HVIS_MSR_SIMP			0x40000083
#define HVIS_MSR_EOM			0x40000084
#define HVIS_MSR_SINT0			0x40000090
#define HVIS_MSR_SINT(n)		(HVIS_MSR_SINT0 + (n))

#define HVIS_MSR_ENABLE			BIT_ULL(0)	/* HYPERCALL, SIMP, SIEFP, SCONTROL */
#define HVIS_MSR_PAGE_SHIFT		12		/* GPA of the page in bits 63:12 */
#define HVIS_SINT_VECTOR_MASK		0xffULL
#define HVIS_SINT_MASKED		BIT_ULL(16)
#define HVIS_SINT_AUTO_EOI		BIT_ULL(17)
#define HVIS_SINT_POLLING		BIT_ULL(18)

/* GUEST_OS_ID: bit 63 open source, bits 62:56 OS type (1 = Linux). */
#define HVIS_GUEST_OS_ID_LINUX		(0x8100ULL << 48)

/* Hypercall input value (RCX). */
#define HVIS_HCALL_CODE_MASK		0xffffULL
#define HVIS_HCALL_FAST			BIT_ULL(16)
#define HVIS_HCALL_POST_MESSAGE		0x005c
#define HVIS_HCALL_SIGNAL_EVENT		0x005d

/* Hypercall result (RAX bits 15:0). */
#define HVIS_STATUS_SUCCESS			0x00
#define HVIS_STATUS_INVALID_HYPERCALL_CODE	0x02
#define HVIS_STATUS_INVALID_HYPERCALL_INPUT	0x03
#define HVIS_STATUS_INVALID_ALIGNMENT		0x04
#define HVIS_STATUS_INVALID_PARAMETER		0x05
#define HVIS_STATUS_ACCESS_DENIED		0x06
#define HVIS_STATUS_INSUFFICIENT_MEMORY		0x0b
#define HVIS_STATUS_INVALID_CONNECTION_ID	0x12
#define HVIS_STATUS_INSUFFICIENT_BUFFERS	0x13
#define HVIS_STATUS_MASK			0xffffULL

/* SynIC: 16 message slots and 16 event-flag areas per page, one per SINT. */
#define HVIS_SINT_COUNT			16
#define HVIS_MESSAGE_PAYLOAD_SIZE	240
#define HVIS_MESSAGE_TYPE_NONE		0
#define HVIS_MESSAGE_TYPE_VMBUS		1
#define HVIS_MESSAGE_FLAG_PENDING	BIT(0)
#define HVIS_EVENT_FLAGS_BYTES		256

/* One SynIC message slot; the page holds HVIS_SINT_COUNT of them. */
struct hvis_hv_message {
	u32 message_type;
	u8 payload_size;
	u8 flags;
	u16 reserved;
	u64 sender;
	u8 payload[HVIS_MESSAGE_PAYLOAD_SIZE];
} __packed;
static_assert(sizeof(struct hvis_hv_message) == 256);

/* HvCallPostMessage input, in a page-aligned buffer. */
struct hvis_hv_post_message {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u8 payload[HVIS_MESSAGE_PAYLOAD_SIZE];
} __packed;
static_assert(sizeof(struct hvis_hv_post_message) == 256);

#endif /* _HVIS_TLFS_H */
