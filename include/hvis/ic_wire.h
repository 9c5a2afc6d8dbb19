/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration-component (IC) messages: the payload of the in-band packets on
 * the util channels (Heartbeat, Shutdown, Time Synchronization, KVP, VSS,
 * Guest Services).  A pipe header, an IC header, then a body whose meaning
 * depends on the message type.  Layouts are facts of the protocol, see
 * shared/reference/protocol.md §4 and §5; fields are in CPU order (x86-64).
 */
#ifndef _HVIS_IC_WIRE_H
#define _HVIS_IC_WIRE_H

#include <hvis/wire_types.h>

#include <hvis/guid.h>

struct hvis_pipe_hdr {
	__u32 flags;
	__u32 msgsize;		/* bytes after this header */
} __packed;
static_assert(sizeof(struct hvis_pipe_hdr) == 8);

#define HVIS_PIPE_FLAG_DATA	1

struct hvis_ic_version {
	__u16 major;
	__u16 minor;
} __packed;
static_assert(sizeof(struct hvis_ic_version) == 4);

#define HVIS_IC_VERSION(maj, min)	((struct hvis_ic_version){ .major = (maj), .minor = (min) })

enum hvis_ic_msgtype {
	HVIS_IC_MSG_NEGOTIATE	= 0,
	HVIS_IC_MSG_HEARTBEAT	= 1,
	HVIS_IC_MSG_KVP		= 2,
	HVIS_IC_MSG_SHUTDOWN	= 3,
	HVIS_IC_MSG_TIMESYNC	= 4,
	HVIS_IC_MSG_VSS		= 5,
	HVIS_IC_MSG_FCOPY	= 7,
};

#define HVIS_IC_FLAG_TRANSACTION	BIT(0)
#define HVIS_IC_FLAG_REQUEST		BIT(1)
#define HVIS_IC_FLAG_RESPONSE		BIT(2)

/* Status codes (HRESULT style): one definition, shared with the daemons. */
#include <uapi/hvis/ic_status.h>

struct hvis_icmsg_hdr {
	struct hvis_ic_version framework;
	__u16 msgtype;
	struct hvis_ic_version message;
	__u16 msgsize;		/* body bytes after this header */
	__u32 status;
	__u8 transaction_id;
	__u8 flags;
	__u8 reserved[2];
} __packed;
static_assert(sizeof(struct hvis_icmsg_hdr) == 20);

/* Pipe header plus IC header: where every body starts. */
struct hvis_ic_msg {
	struct hvis_pipe_hdr pipe;
	struct hvis_icmsg_hdr ic;
	__u8 body[];
} __packed;
static_assert(sizeof(struct hvis_ic_msg) == 28);

#define HVIS_IC_HDR_SIZE	sizeof(struct hvis_ic_msg)

/* NEGOTIATE: framework versions first, then message versions. */
struct hvis_ic_negotiate {
	__u16 framework_count;
	__u16 message_count;
	__u32 reserved;
	struct hvis_ic_version versions[];
} __packed;
static_assert(sizeof(struct hvis_ic_negotiate) == 8);

/* More than this many versions in a NEGOTIATE is not a real host. */
#define HVIS_IC_MAX_VERSIONS	100

/* HEARTBEAT: the guest answers sequence + 1.  Only seq_num is required. */
struct hvis_ic_heartbeat {
	__u64 seq_num;
	__u32 reserved[8];
} __packed;
static_assert(sizeof(struct hvis_ic_heartbeat) == 40);

#define HVIS_IC_HEARTBEAT_MIN	8

/* SHUTDOWN. */
struct hvis_ic_shutdown {
	__u32 reason_code;
	__u32 timeout_seconds;
	__u32 flags;
	__u8 display_message[2048];
} __packed;
static_assert(sizeof(struct hvis_ic_shutdown) == 2060);

#define HVIS_IC_SHUTDOWN_FORCE		BIT(0)
#define HVIS_IC_SHUTDOWN_RESTART	BIT(1)
#define HVIS_IC_SHUTDOWN_HIBERNATE	BIT(2)
#define HVIS_IC_SHUTDOWN_REASON_PLANNED	0x80000000

/* TIMESYNC, message versions below 4.0. */
struct hvis_ic_timesync {
	__u64 parenttime;		/* host UTC, 100 ns units since 1601-01-01 */
	__u64 childtime;
	__u64 roundtriptime;
	__u8 flags;
} __packed;
static_assert(sizeof(struct hvis_ic_timesync) == 25);

/* TIMESYNC, message version 4.0: the host says when it sampled its clock. */
struct hvis_ic_timesync_ref {
	__u64 parenttime;
	__u64 vmreferencetime;	/* the partition reference counter at that instant */
	__u8 flags;
	__u8 leapflags;
	__u8 stratum;
	__u8 reserved[3];
} __packed;
static_assert(sizeof(struct hvis_ic_timesync_ref) == 22);

#define HVIS_IC_TIMESYNC_PROBE	0
#define HVIS_IC_TIMESYNC_SYNC	BIT(0)
#define HVIS_IC_TIMESYNC_SAMPLE	BIT(1)

/* 100 ns units from 1601-01-01 to 1970-01-01. */
#define HVIS_IC_EPOCH_DELTA	116444736000000000ULL

/*
 * KVP (Data Exchange): operation and pool, then the operation's body.  GET,
 * SET, DELETE and ENUMERATE put it at body offset 4; the string form of the
 * IP information (message versions up to 4.0) at offset 2.  Strings are
 * UTF-16LE with a terminating NUL, and their sizes are byte counts with it.
 */
struct hvis_ic_kvp_value {
	__u32 value_type;		/* REG_SZ 1, REG_U32 4, REG_U64 8 */
	__u32 key_size;
	__u32 value_size;
	__u8 key[512];
	union {
		__u8 value[2048];
		__u32 value_u32;
		__u64 value_u64;
	};
} __packed;
static_assert(sizeof(struct hvis_ic_kvp_value) == 2572);

struct hvis_ic_kvp_enumerate {
	__u32 index;
	struct hvis_ic_kvp_value data;
} __packed;
static_assert(sizeof(struct hvis_ic_kvp_enumerate) == 2576);

struct hvis_ic_kvp_delete {
	__u32 key_size;
	__u8 key[512];
} __packed;
static_assert(sizeof(struct hvis_ic_kvp_delete) == 516);

struct hvis_ic_kvp_msg {
	__u8 operation;
	__u8 pool;
	__u16 pad;
	union {
		struct hvis_ic_kvp_value value;		/* GET, SET */
		struct hvis_ic_kvp_enumerate enumerate;
		struct hvis_ic_kvp_delete del;
	};
} __packed;
static_assert(sizeof(struct hvis_ic_kvp_msg) == 2580);

struct hvis_ic_kvp_ipaddr {
	__u16 adapter_id[128];
	__u8 addr_family;		/* 0 none, 1 IPv4, 2 IPv6 */
	__u8 dhcp_enabled;
	__u16 ip_addr[1024];	/* lists separated by ';' */
	__u16 sub_net[1024];
	__u16 gate_way[512];
	__u16 dns_addr[1024];
} __packed;
static_assert(sizeof(struct hvis_ic_kvp_ipaddr) == 7426);

struct hvis_ic_kvp_ip_msg {
	__u8 operation;		/* GET_IP_INFO 4, SET_IP_INFO 5 */
	__u8 pool;
	struct hvis_ic_kvp_ipaddr ip;
} __packed;
static_assert(sizeof(struct hvis_ic_kvp_ip_msg) == 7428);

/* KVP operations: the same numbers on the wire as in the daemons' messages. */
enum hvis_ic_kvp_op {
	HVIS_IC_KVP_GET		= 0,
	HVIS_IC_KVP_SET		= 1,
	HVIS_IC_KVP_DELETE	= 2,
	HVIS_IC_KVP_ENUMERATE	= 3,
	HVIS_IC_KVP_GET_IP_INFO	= 4,
	HVIS_IC_KVP_SET_IP_INFO	= 5,
};

/*
 * The body bytes a KVP request of operation @op needs to carry what its
 * operation reads (the part of the union it uses, or the whole IP
 * information message); a host's request and the guest's answer to a GET,
 * an ENUMERATE or a GET_IP_INFO alike.  0: no operation of the protocol.
 */
static inline __u32 hvis_ic_kvp_need(__u8 op)
{
	const __u32 body = offsetof(struct hvis_ic_kvp_msg, value);

	switch (op) {
	case HVIS_IC_KVP_GET:
	case HVIS_IC_KVP_SET:
		return body + sizeof(struct hvis_ic_kvp_value);
	case HVIS_IC_KVP_DELETE:
		return body + sizeof(struct hvis_ic_kvp_delete);
	case HVIS_IC_KVP_ENUMERATE:
		return body + sizeof(struct hvis_ic_kvp_enumerate);
	case HVIS_IC_KVP_GET_IP_INFO:
	case HVIS_IC_KVP_SET_IP_INFO:
		return sizeof(struct hvis_ic_kvp_ip_msg);
	}
	return 0;
}

/* VSS (Backup): the operation, and flags for HOT_BACKUP and GET_DM_INFO. */
enum hvis_ic_vss_op {
	HVIS_IC_VSS_HOT_BACKUP	= 2,
	HVIS_IC_VSS_FREEZE	= 5,
};

struct hvis_ic_vss_msg {
	__u8 operation;
	__u8 reserved[7];
	__u32 flags;
} __packed;
static_assert(sizeof(struct hvis_ic_vss_msg) == 12);

/* FCOPY (Guest Service Interface): a common header, then the operation's fields. */
enum hvis_ic_fcopy_op {
	HVIS_IC_FCOPY_START	= 0,
	HVIS_IC_FCOPY_WRITE	= 1,
	HVIS_IC_FCOPY_COMPLETE	= 2,
	HVIS_IC_FCOPY_CANCEL	= 3,
};

struct hvis_ic_fcopy_hdr {
	__u32 operation;		/* enum hvis_ic_fcopy_op */
	__u8 service_id0[16];
	__u8 service_id1[16];
} __packed;
static_assert(sizeof(struct hvis_ic_fcopy_hdr) == 36);

struct hvis_ic_fcopy_start {
	struct hvis_ic_fcopy_hdr hdr;
	__u16 file_name[260];	/* UTF-16LE, NUL-terminated */
	__u16 path_name[260];	/* the destination directory */
	__u32 copy_flags;		/* OVERWRITE 1, CREATE_PATH 2 */
	__u64 file_size;
} __packed;
static_assert(sizeof(struct hvis_ic_fcopy_start) == 1088);

struct hvis_ic_fcopy_write {
	struct hvis_ic_fcopy_hdr hdr;
	__u32 pad;
	__u64 offset;
	__u32 size;		/* of data, at most 6144 */
	__u8 data[6144];
} __packed;
static_assert(sizeof(struct hvis_ic_fcopy_write) == 6196);

/*
 * Channel classes (interface GUIDs) of the six services, as field lists
 * (hvis/guid.h): drivers and simulator use these.
 */
#define HVIS_IC_HEARTBEAT_ID(f)	\
	f(57164f39, 9115, 4e78, ab, 55, 38, 2f, 3b, d5, 42, 2d)
#define HVIS_IC_HEARTBEAT_CLASS	HVIS_IC_HEARTBEAT_ID(HVIS_GUID)
#define HVIS_IC_KVP_ID(f)	\
	f(a9a0f4e7, 5a45, 4d96, b8, 27, 8a, 84, 1e, 8c, 03, e6)
#define HVIS_IC_KVP_CLASS	HVIS_IC_KVP_ID(HVIS_GUID)
#define HVIS_IC_SHUTDOWN_ID(f)	\
	f(0e0b6031, 5213, 4934, 81, 8b, 38, d9, 0c, ed, 39, db)
#define HVIS_IC_SHUTDOWN_CLASS	HVIS_IC_SHUTDOWN_ID(HVIS_GUID)
#define HVIS_IC_TIMESYNC_ID(f)	\
	f(9527e630, d0ae, 497b, ad, ce, e8, 0a, b0, 17, 5c, af)
#define HVIS_IC_TIMESYNC_CLASS	HVIS_IC_TIMESYNC_ID(HVIS_GUID)
#define HVIS_IC_VSS_ID(f)	\
	f(35fa2e29, ea23, 4236, 96, ae, 3a, 6e, ba, cb, a4, 40)
#define HVIS_IC_VSS_CLASS	HVIS_IC_VSS_ID(HVIS_GUID)
#define HVIS_IC_FCOPY_ID(f)	\
	f(34d14be3, dee4, 41c8, 9a, e7, 6b, 17, 49, 77, c1, 92)
#define HVIS_IC_FCOPY_CLASS	HVIS_IC_FCOPY_ID(HVIS_GUID)

#endif /* _HVIS_IC_WIRE_H */
