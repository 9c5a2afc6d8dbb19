/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus channel messages: the payload of SynIC messages on SINT2 (host to
 * guest) and of HvCallPostMessage (guest to host).  Layouts are facts of the
 * protocol, see shared/reference/protocol.md §1.5 and §2; x86-64 only, so
 * fields are in CPU order.
 */
#ifndef _HVIS_VMBUS_WIRE_H
#define _HVIS_VMBUS_WIRE_H

#include <hvis/wire_types.h>

/* Protocol versions, (major << 16) | minor. */
#define HVIS_VMBUS_VERSION(major, minor)	(((major) << 16) | (minor))
#define HVIS_VMBUS_WS2008	HVIS_VMBUS_VERSION(0, 13)
#define HVIS_VMBUS_WIN7		HVIS_VMBUS_VERSION(1, 1)
#define HVIS_VMBUS_WIN8		HVIS_VMBUS_VERSION(2, 4)
#define HVIS_VMBUS_WIN8_1	HVIS_VMBUS_VERSION(3, 0)
#define HVIS_VMBUS_WIN10	HVIS_VMBUS_VERSION(4, 0)
#define HVIS_VMBUS_WIN10_V4_1	HVIS_VMBUS_VERSION(4, 1)
#define HVIS_VMBUS_WIN10_V5	HVIS_VMBUS_VERSION(5, 0)
#define HVIS_VMBUS_WIN10_V5_1	HVIS_VMBUS_VERSION(5, 1)
#define HVIS_VMBUS_WIN10_V5_2	HVIS_VMBUS_VERSION(5, 2)
#define HVIS_VMBUS_WIN10_V5_3	HVIS_VMBUS_VERSION(5, 3)
#define HVIS_VMBUS_V6_0		HVIS_VMBUS_VERSION(6, 0)
#define HVIS_VMBUS_MAJOR(v)	((v) >> 16)
#define HVIS_VMBUS_MINOR(v)	((v) & 0xffff)

/* PostMessage connection ids, and the SINT VMBus messages arrive on. */
#define HVIS_VMBUS_MESSAGE_CONNECTION_ID	1
#define HVIS_VMBUS_MESSAGE_CONNECTION_ID_4	4	/* INITIATE_CONTACT, >= 5.0 */
/* Below 1.1 every channel signals the host here (channel named in the send half). */
#define HVIS_VMBUS_EVENT_CONNECTION_ID		2
#define HVIS_VMBUS_MESSAGE_SINT			2

enum hvis_chanmsg_type {
	HVIS_CHANMSG_INVALID			= 0,
	HVIS_CHANMSG_OFFERCHANNEL		= 1,
	HVIS_CHANMSG_RESCIND_CHANNELOFFER	= 2,
	HVIS_CHANMSG_REQUESTOFFERS		= 3,
	HVIS_CHANMSG_ALLOFFERS_DELIVERED	= 4,
	HVIS_CHANMSG_OPENCHANNEL		= 5,
	HVIS_CHANMSG_OPENCHANNEL_RESULT		= 6,
	HVIS_CHANMSG_CLOSECHANNEL		= 7,
	HVIS_CHANMSG_GPADL_HEADER		= 8,
	HVIS_CHANMSG_GPADL_BODY			= 9,
	HVIS_CHANMSG_GPADL_CREATED		= 10,
	HVIS_CHANMSG_GPADL_TEARDOWN		= 11,
	HVIS_CHANMSG_GPADL_TORNDOWN		= 12,
	HVIS_CHANMSG_RELID_RELEASED		= 13,
	HVIS_CHANMSG_INITIATE_CONTACT		= 14,
	HVIS_CHANMSG_VERSION_RESPONSE		= 15,
	HVIS_CHANMSG_UNLOAD			= 16,
	HVIS_CHANMSG_UNLOAD_RESPONSE		= 17,
	HVIS_CHANMSG_TL_CONNECT_REQUEST		= 21,
	HVIS_CHANMSG_MODIFYCHANNEL		= 22,
	HVIS_CHANMSG_TL_CONNECT_RESULT		= 23,
	HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE	= 24,
	HVIS_CHANMSG_COUNT
};

struct hvis_chanmsg_hdr {
	__u32 msgtype;
	__u32 padding;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_hdr) == 8);

struct hvis_chanmsg_initiate_contact {
	struct hvis_chanmsg_hdr hdr;
	__u32 vmbus_version_requested;
	__u32 target_vcpu;
	union {
		__u64 interrupt_page;	/* < 5.0 */
		struct {		/* >= 5.0 */
			__u8 msg_sint;
			__u8 padding1[3];
			__u32 padding2;
		};
	};
	__u64 monitor_page1;
	__u64 monitor_page2;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_initiate_contact) == 40);

struct hvis_chanmsg_version_response {
	struct hvis_chanmsg_hdr hdr;
	__u8 version_supported;
	__u8 connection_state;
	__u16 padding;
	__u32 msg_conn_id;	/* >= 5.0: connection id for all later messages */
} __packed;
static_assert(sizeof(struct hvis_chanmsg_version_response) == 16);

#define HVIS_OFFER_USER_DEF_SIZE	120
#define HVIS_MONITOR_ID_NONE		0xff
#define HVIS_MONITOR_IDS		128	/* 4 trigger groups of 32 */

/*
 * A monitor page (both are the guest's, given in INITIATE_CONTACT): page 1
 * carries the host's notifications to the guest, page 2 the guest's to the
 * host.  Monitor id m is bit m % 32 of trigger group m / 32.
 */
struct hvis_monitor_page {
	__u32 trigger_state;		/* bits 3:0: groups enabled */
	__u32 reserved1;
	struct {
		__u32 pending;
		__u32 armed;
	} trigger_group[4];
	__u64 reserved2[3];
	__s32 next_checktime[4][32];
	__u16 latency[4][32];
	__u64 reserved3[32];
	struct {
		__u32 connection_id;
		__u16 flag_number;
		__u16 reserved;
	} parameter[4][32];
	__u8 reserved4[1984];
} __packed;
static_assert(sizeof(struct hvis_monitor_page) == 4096);

struct hvis_chanmsg_offer {
	struct hvis_chanmsg_hdr hdr;
	guid_t if_type;
	guid_t if_instance;
	__u64 reserved1;
	__u64 reserved2;
	__u16 chn_flags;
	__u16 mmio_megabytes;
	__u8 user_def[HVIS_OFFER_USER_DEF_SIZE];
	__u16 sub_channel_index;
	__u16 reserved3;
	__u32 child_relid;
	__u8 monitorid;
	__u8 monitor_allocated;		/* bit 0 */
	__u16 is_dedicated_interrupt;	/* bit 0 */
	__u32 connection_id;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_offer) == 196);

/* Messages that carry only a relid: RESCIND_CHANNELOFFER, RELID_RELEASED, CLOSECHANNEL. */
struct hvis_chanmsg_relid {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_relid) == 12);

/* GPADL: one range of whole pages, split over a header and body messages. */
#define HVIS_GPADL_HEADER_MAX_PFNS	26
#define HVIS_GPADL_BODY_MAX_PFNS	28
#define HVIS_GPADL_FIRST_HANDLE		0xe1e10

struct hvis_chanmsg_gpadl_header {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
	__u32 gpadl;
	__u16 range_buflen;	/* bytes of all ranges, header and bodies */
	__u16 rangecount;
	__u32 byte_count;		/* range[0] */
	__u32 byte_offset;
	__u64 pfn[];
} __packed;
static_assert(sizeof(struct hvis_chanmsg_gpadl_header) == 28);

struct hvis_chanmsg_gpadl_body {
	struct hvis_chanmsg_hdr hdr;
	__u32 msgnumber;
	__u32 gpadl;
	__u64 pfn[];
} __packed;
static_assert(sizeof(struct hvis_chanmsg_gpadl_body) == 16);

struct hvis_chanmsg_gpadl_created {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
	__u32 gpadl;
	__u32 creation_status;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_gpadl_created) == 20);

struct hvis_chanmsg_gpadl_teardown {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
	__u32 gpadl;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_gpadl_teardown) == 16);

struct hvis_chanmsg_gpadl_torndown {
	struct hvis_chanmsg_hdr hdr;
	__u32 gpadl;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_gpadl_torndown) == 12);

#define HVIS_OPEN_USER_DATA_SIZE	120

struct hvis_chanmsg_open {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
	__u32 openid;
	__u32 ringbuffer_gpadl;
	__u32 target_vp;
	__u32 downstream_page_offset;	/* first page of the host-to-guest ring */
	__u8 user_data[HVIS_OPEN_USER_DATA_SIZE];
} __packed;
static_assert(sizeof(struct hvis_chanmsg_open) == 148);

struct hvis_chanmsg_open_result {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
	__u32 openid;
	__u32 status;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_open_result) == 20);

/* MODIFYCHANNEL (4.1+): interrupts of a channel to another VP. */
struct hvis_chanmsg_modifychannel {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
	__u32 target_vp;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_modifychannel) == 16);

/* MODIFYCHANNEL_RESPONSE (5.3+). */
struct hvis_chanmsg_modifychannel_response {
	struct hvis_chanmsg_hdr hdr;
	__u32 child_relid;
	__u32 status;
} __packed;
static_assert(sizeof(struct hvis_chanmsg_modifychannel_response) == 16);

/* Ring buffers: a control page, then the data area. */
#define HVIS_RING_FEAT_PENDING_SEND_SZ	BIT(0)

struct hvis_ring_ctl {
	__u32 write_index;
	__u32 read_index;
	__u32 interrupt_mask;
	__u32 pending_send_sz;
	__u32 reserved1[12];
	__u32 feature_bits;
	__u8 reserved2[4028];
} __packed;
static_assert(sizeof(struct hvis_ring_ctl) == 4096);

enum hvis_pkt_type {
	HVIS_PKT_DATA_INBAND	= 6,
	HVIS_PKT_COMP		= 11,
};

#define HVIS_PKT_FLAG_COMPLETION_REQUESTED	BIT(0)

struct hvis_pkt_desc {
	__u16 type;
	__u16 offset8;	/* descriptor length / 8 */
	__u16 len8;	/* descriptor + payload + padding, / 8; trailer excluded */
	__u16 flags;
	__u64 trans_id;
} __packed;
static_assert(sizeof(struct hvis_pkt_desc) == 16);

#define HVIS_PKT_TRAILER	8	/* u64: start offset of the packet << 32 */

#endif /* _HVIS_VMBUS_WIRE_H */
