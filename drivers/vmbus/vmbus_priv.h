/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private state of the VMBus core.  Not for service drivers: their API is
 * include/hvis/vmbus.h.
 *
 * Layers, lowest first.  A file calls only into the layers below it:
 *
 *   hvis_sim or hv_real.c  the backend (struct hvis_hv_backend): MSRs,
 *                       hypercalls, the SynIC interrupt hook
 *   hv.c                hypervisor interface: hypercall page, SynIC pages,
 *                       the message slot, HvPostMessage, HvSignalEvent.
 *                       The only user of the backend (hvis_hv is its own).
 *   connection.c        version negotiation, UNLOAD, the message dispatch,
 *                       requests and the threads waiting for the answers
 *   channel.c           GPADLs, open and close, packets (ring.c), events
 *   bus.c               the "vmbus" bus, its devices and sysfs
 *   channel_mgmt.c      offers and rescinds: channels made into devices
 *   main.c              load and unload order, reboot and panic notifiers
 *
 * ring.c, validate.c and guid.c are pure: no state, no calls into other
 * files, usable from any layer (and compiled into the KUnit suite).
 *
 * Calls up go only through these, each named where it is declared:
 *   hv.c -> hvis_channel_isr()		the SynIC interrupt, hard IRQ
 *   hv.c -> hvis_on_message()		each host message, copied, from a work item
 *   connection.c -> hvis_chanmgmt_queue()	offers and rescinds, only queued:
 *					channel_mgmt.c's ordered work handles them
 * An answer to a request reaches its thread by a completion (struct
 * hvis_msg_waiter), not a call.  Into service drivers: bus.c calls probe
 * and remove, channel.c a channel's callback from its work item.
 * Layers above connection.c read hvis_conn (version, pages) directly;
 * hvis_conn.lock guards channel_mgmt.c's channel tables, which bus.c reads.
 */
#ifndef _HVIS_VMBUS_PRIV_H
#define _HVIS_VMBUS_PRIV_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <hvis/hv_backend.h>
#include <hvis/tlfs.h>
#include <hvis/vmbus_wire.h>

#define HVIS_MAX_RELID		2048	/* bits in the SINT2 event-flag area */
/* Rescinded sub-channels a primary keeps (hvis_channel.retired_subs): then no more are taken. */
#define HVIS_MAX_RETIRED_SUBS	64
#define HVIS_MAX_MONITOR_ID	HVIS_MONITOR_IDS

/* hv.c: the hypervisor interface above the backend. */
struct hvis_synic_cpu {
	void *message_page;		/* SIMP, one slot per SINT */
	void *event_page;		/* SIEFP */
	struct work_struct msg_work;	/* drains this CPU's SINT2 slot */
	unsigned int cpu;
	u32 vp_index;
};

int hvis_hv_init(void);
void hvis_hv_exit(void);
int hvis_synic_init(void);
void hvis_synic_exit(void);
u32 hvis_hv_vp_index(unsigned int cpu);
int __hvis_post_message(u32 connection_id, const void *payload, u32 size, bool can_sleep);
int hvis_post_message(u32 connection_id, const void *payload, u32 size);
void hvis_signal_event(u32 connection_id);

/* hv_real.c: the real Hyper-V backend. */
bool hvis_hyperv_detect(char vendor[13]);
const struct hvis_hv_backend *hvis_real_backend(void);

/* connection.c: the connection to the host and message dispatch. */

/* A thread waiting for one host message (a response to what it posted). */
struct hvis_msg_waiter {
	struct list_head node;
	u32 msgtype;
	u32 key;		/* relid, gpadl or 0, matched by hvis_msg_key() */
	bool any_key;
	struct completion done;
	union {
		u8 buf[HVIS_MESSAGE_PAYLOAD_SIZE];
		struct hvis_chanmsg_hdr hdr;
		struct hvis_chanmsg_version_response version;
	} msg;
	u32 len;
};

struct hvis_connection {
	u32 version;		/* negotiated, 0 while disconnected */
	bool unloaded;		/* UNLOAD sent on this connection */
	u32 msg_conn_id;	/* where PostMessage goes */
	u32 target_vp;		/* VP that receives our messages */
	void *int_page;		/* < 5.0: legacy interrupt page */
	void *monitor_pages[2];
	spinlock_t waiters_lock;	/* protects waiters */
	struct list_head waiters;
	/* Not the connection's: the channel tables (see hvis_relids, sub_channels). */
	struct mutex lock;
};

extern struct hvis_connection hvis_conn;
extern unsigned int hvis_msg_timeout_ms;

int hvis_connect(void);
void hvis_disconnect(void);
void hvis_unload(void);
void hvis_unload_atomic(void);
void hvis_on_message(const struct hvis_hv_message *msg);	/* up-call from hv.c */
void hvis_waiter_init(struct hvis_msg_waiter *w, u32 msgtype, u32 key, bool any_key);
void hvis_waiter_add(struct hvis_msg_waiter *w);
void hvis_waiter_del(struct hvis_msg_waiter *w);
int hvis_waiter_wait(struct hvis_msg_waiter *w);
const char *hvis_chanmsg_name(u32 msgtype);

int hvis_send(const void *msg, u32 len);
int hvis_request(const void *msg, u32 len, u32 resp_type, u32 key, void *resp, u32 resp_len);

/* validate.c: checks of host messages (also run by the KUnit suite). */
int hvis_chanmsg_check(const void *payload, u32 len);
int hvis_offer_check(const struct hvis_chanmsg_offer *o);

/* channel_mgmt.c: offers and rescinds. */
struct hvis_channel;
struct hvis_device;
void hvis_chanmgmt_queue(const struct hvis_chanmsg_hdr *hdr, u32 len);	/* up-call */
void hvis_chanmgmt_wait_offers(void);
unsigned int hvis_chanmgmt_count(void);
int hvis_chanmgmt_init(void);
void hvis_chanmgmt_stop(void);
void hvis_chanmgmt_exit(void);

/* bus.c */
int hvis_bus_init(void);
void hvis_bus_exit(void);
int hvis_device_add(struct hvis_channel *ch);
void hvis_device_remove(struct hvis_device *hdev);
int hvis_channel_sysfs_add(struct hvis_channel *ch);

/* channel.c */
void hvis_channel_isr(void *event_page);	/* up-call from hv.c */
void hvis_channel_relid_released(u32 relid);
u32 hvis_channel_read_avail(struct hvis_channel *ch);
int hvis_channel_set_cpu(struct hvis_channel *ch, unsigned int cpu);
u32 hvis_channel_write_avail(struct hvis_channel *ch);
void hvis_channel_sysfs_del(struct hvis_channel *ch);

#endif /* _HVIS_VMBUS_PRIV_H */
