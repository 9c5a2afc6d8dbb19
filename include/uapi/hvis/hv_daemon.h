/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * What the KVP, VSS and file-copy daemons exchange with the kernel through
 * /dev/vmbus/hv_kvp, /dev/vmbus/hv_vss and /dev/vmbus/hv_fcopy.  The layouts
 * are those of the upstream uapi (the daemons of Debian's hyperv-daemons
 * are built against it and must work unchanged); the names are ours.  See
 * shared/reference/protocol.md §5.4-§6.
 *
 * Every message is one read() or one write() of a whole struct.  A daemon
 * registers first (KVP: a message with operation HVIS_KVP_OP_REGISTER1;
 * VSS: HVIS_VSS_OP_REGISTER1; fcopy: the 4-byte HVIS_FCOPY_VERSION_1) and
 * reads the kernel's answer; then it reads requests and writes results.
 */
#ifndef _UAPI_HVIS_HV_DAEMON_H
#define _UAPI_HVIS_HV_DAEMON_H

#include <linux/types.h>

/* --- KVP ------------------------------------------------------------------------ */

#define HVIS_KVP_MAX_KEY	512	/* bytes, UTF-8 to the daemon, with the NUL */
#define HVIS_KVP_MAX_VALUE	2048
#define HVIS_KVP_MAX_ADAPTER	128
#define HVIS_KVP_MAX_IP		1024
#define HVIS_KVP_MAX_GATEWAY	512

enum hvis_kvp_op {
	HVIS_KVP_OP_GET		= 0,
	HVIS_KVP_OP_SET		= 1,
	HVIS_KVP_OP_DELETE	= 2,
	HVIS_KVP_OP_ENUMERATE	= 3,
	HVIS_KVP_OP_GET_IP_INFO	= 4,
	HVIS_KVP_OP_SET_IP_INFO	= 5,
	HVIS_KVP_OP_REGISTER	= 4,	/* legacy daemons: no IP information */
	HVIS_KVP_OP_REGISTER1	= 100,
};

enum hvis_kvp_pool {
	HVIS_KVP_POOL_EXTERNAL		= 0,
	HVIS_KVP_POOL_GUEST		= 1,
	HVIS_KVP_POOL_AUTO		= 2,
	HVIS_KVP_POOL_AUTO_EXTERNAL	= 3,
	HVIS_KVP_POOL_AUTO_INTERNAL	= 4,
	HVIS_KVP_POOL_COUNT		= 5,
};

#define HVIS_KVP_REG_SZ		1
#define HVIS_KVP_REG_U32	4
#define HVIS_KVP_REG_U64	8

#define HVIS_KVP_ADDR_NONE	0
#define HVIS_KVP_ADDR_IPV4	1
#define HVIS_KVP_ADDR_IPV6	2

struct hvis_kvp_hdr {
	__u8 operation;
	__u8 pool;
	__u16 pad;
} __attribute__((packed));

struct hvis_kvp_value {
	__u32 value_type;
	__u32 key_size;
	__u32 value_size;
	__u8 key[HVIS_KVP_MAX_KEY];
	union {
		__u8 value[HVIS_KVP_MAX_VALUE];
		__u32 value_u32;
		__u64 value_u64;
	};
} __attribute__((packed));

struct hvis_kvp_enumerate {
	__u32 index;
	struct hvis_kvp_value data;
} __attribute__((packed));

struct hvis_kvp_delete {
	__u32 key_size;
	__u8 key[HVIS_KVP_MAX_KEY];
} __attribute__((packed));

/* IP information, as the daemon sees it (UTF-8; ';'-separated lists). */
struct hvis_kvp_ipaddr {
	__u16 adapter_id[HVIS_KVP_MAX_ADAPTER];
	__u8 addr_family;
	__u8 dhcp_enabled;
	__u16 ip_addr[HVIS_KVP_MAX_IP];
	__u16 sub_net[HVIS_KVP_MAX_IP];
	__u16 gate_way[HVIS_KVP_MAX_GATEWAY];
	__u16 dns_addr[HVIS_KVP_MAX_IP];
} __attribute__((packed));

struct hvis_kvp_msg {
	union {
		struct hvis_kvp_hdr hdr;
		__s32 error;			/* the daemon's answer */
	};
	union {
		struct hvis_kvp_value get;
		struct hvis_kvp_value set;
		struct hvis_kvp_delete delete_;
		struct hvis_kvp_enumerate enumerate;
		struct hvis_kvp_ipaddr ipaddr;
		__u8 version[HVIS_KVP_MAX_KEY];	/* the kernel's answer to REGISTER1 */
		__u8 size[7428];		/* the upstream body is this large */
	} body;
} __attribute__((packed));

/* --- VSS ------------------------------------------------------------------------ */

enum hvis_vss_op {
	HVIS_VSS_OP_CREATE		= 0,
	HVIS_VSS_OP_DELETE		= 1,
	HVIS_VSS_OP_HOT_BACKUP		= 2,
	HVIS_VSS_OP_GET_DM_INFO		= 3,
	HVIS_VSS_OP_BU_COMPLETE		= 4,
	HVIS_VSS_OP_FREEZE		= 5,
	HVIS_VSS_OP_THAW		= 6,
	HVIS_VSS_OP_AUTO_RECOVER	= 7,
	HVIS_VSS_OP_REGISTER		= 128,	/* legacy: no answer */
	HVIS_VSS_OP_REGISTER1		= 129,
};

#define HVIS_VSS_HBU_NO_AUTO_RECOVERY	5

struct hvis_vss_msg {
	union {
		struct {
			__u8 operation;
			__u8 reserved[7];
		} hdr;
		__s32 error;			/* the daemon's answer */
	};
	__u32 flags;
} __attribute__((packed));

/* --- file copy ------------------------------------------------------------------ */

#define HVIS_FCOPY_VERSION_0	0	/* legacy: no answer */
#define HVIS_FCOPY_VERSION_1	1
#define HVIS_FCOPY_MAX_PATH	260	/* UTF-16 units on the wire, bytes to the daemon */
#define HVIS_FCOPY_FRAGMENT	6144

enum hvis_fcopy_op {
	HVIS_FCOPY_START	= 0,
	HVIS_FCOPY_WRITE	= 1,
	HVIS_FCOPY_COMPLETE	= 2,
	HVIS_FCOPY_CANCEL	= 3,
};

#define HVIS_FCOPY_OVERWRITE	0x1
#define HVIS_FCOPY_CREATE_PATH	0x2

struct hvis_fcopy_hdr {
	__u32 operation;
	__u8 service_id0[16];
	__u8 service_id1[16];
} __attribute__((packed));

struct hvis_fcopy_start {
	struct hvis_fcopy_hdr hdr;
	__u16 file_name[HVIS_FCOPY_MAX_PATH];
	__u16 path_name[HVIS_FCOPY_MAX_PATH];
	__u32 copy_flags;
	__u64 file_size;
} __attribute__((packed));

struct hvis_fcopy_write {
	struct hvis_fcopy_hdr hdr;
	__u32 pad;
	__u64 offset;
	__u32 size;
	__u8 data[HVIS_FCOPY_FRAGMENT];
} __attribute__((packed));

/* The layouts Debian's daemons were built against; userspace checks them too. */
#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif
static_assert(sizeof(struct hvis_kvp_hdr) == 4, "hv_kvp_hdr");
static_assert(sizeof(struct hvis_kvp_value) == 2572, "hv_kvp_exchg_msg_value");
static_assert(sizeof(struct hvis_kvp_enumerate) == 2576, "hv_kvp_msg_enumerate");
static_assert(sizeof(struct hvis_kvp_delete) == 516, "hv_kvp_msg_delete");
static_assert(sizeof(struct hvis_kvp_ipaddr) == 7426, "hv_kvp_ipaddr_value");
static_assert(sizeof(struct hvis_kvp_msg) == 7432, "hv_kvp_msg");
static_assert(sizeof(struct hvis_vss_msg) == 12, "hv_vss_msg");
static_assert(sizeof(struct hvis_fcopy_hdr) == 36, "hv_fcopy_hdr");
static_assert(sizeof(struct hvis_fcopy_start) == 1088, "hv_start_fcopy");
static_assert(sizeof(struct hvis_fcopy_write) == 6196, "hv_do_fcopy");

#endif /* _UAPI_HVIS_HV_DAEMON_H */
