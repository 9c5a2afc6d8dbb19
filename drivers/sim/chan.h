/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the simulator's channel side: the channels and GPADLs (chan.c,
 * gpadl.c), the host's own ring code (ring.c), and the clients that play
 * the host on a channel (echo.c, ic.c, raw.c).  Everything here is under
 * sim_chan_lock unless it says otherwise.
 */
#ifndef _HVIS_SIM_CHAN_H
#define _HVIS_SIM_CHAN_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include <hvis/vmbus_wire.h>

/* What the host answers to a GPADL or an open it refuses. */
#define SIM_STATUS_UNSUCCESSFUL	0x8000ffff

struct page;

struct sim_gpadl {
	struct list_head node;
	u32 handle;
	u32 relid;
	u32 npages;
	u32 have;		/* PFNs received so far */
	u64 *pfns;
	struct page **pages;
	void *vaddr;		/* all pages, mapped once complete */
	bool in_use;		/* by an open channel */
};

/* One direction of a ring, as the host sees it. */
struct sim_ring {
	struct hvis_ring_ctl *ctl;
	u8 *data;
	u32 size;
	u64 packets;		/* moved through it since the module loaded */
};

struct sim_chan;

/*
 * Who plays the host on an open channel.  When the guest opens a channel
 * chan.c asks each client in turn (opened) and the first to take it serves
 * it until it closes; a raw endpoint may attach in its place meanwhile.
 * Every hook runs under sim_chan_lock; each may be NULL.
 */
struct sim_chan_client {
	bool (*opened)(struct sim_chan *c, const guid_t *class_id);
	void (*closed)(struct sim_chan *c);
	void (*signalled)(struct sim_chan *c);	/* the guest signalled */
	void (*reset)(void);			/* the guest is gone */
};

struct sim_chan {
	bool open;
	u32 relid;
	u32 target_vp;
	struct sim_gpadl *gpadl;
	struct sim_ring from_guest;	/* the guest's send ring */
	struct sim_ring to_guest;	/* the guest's receive ring */
	struct work_struct work;
	u8 *buf;			/* one packet, copied out */
	const struct sim_chan_client *client;	/* chosen when the guest opened it */
	const struct sim_chan_client *attached;	/* a raw endpoint, in its place */
	unsigned int raw_seq;		/* bumped when a raw reader should look again */
	u64 gen;			/* which opening this is: a client's handle */
	/* For debugfs chanstats; kept over every opening of the relid. */
	atomic64_t signals;		/* HvSignalEvent from the guest */
	u64 interrupts;			/* sim_signal_guest() calls */
};

extern struct mutex sim_chan_lock;
extern const struct sim_chan_client sim_echo_client, sim_ic_client, sim_raw_client;

/* chan.c */
struct sim_chan *sim_chan_get(u32 relid);
void sim_chan_close(struct sim_chan *c);
void sim_chan_signal_guest(struct sim_chan *c);
int sim_chan_next_pkt(struct sim_chan *c, struct hvis_pkt_desc *d, u32 *rd, u32 *total);

/* gpadl.c */
struct sim_gpadl *sim_gpadl_find(u32 handle);
void sim_on_gpadl_header(const struct hvis_chanmsg_gpadl_header *h, u32 len);
void sim_on_gpadl_body(const struct hvis_chanmsg_gpadl_body *b, u32 len);
void sim_on_gpadl_teardown(const struct hvis_chanmsg_gpadl_teardown *t);
unsigned int sim_gpadl_revoke(u32 relid);
void sim_gpadl_reset(void);

/* ring.c */
void sim_ring_map(struct sim_ring *r, u8 *base, u32 bytes);
void sim_ring_get(const struct sim_ring *r, u32 at, void *dst, u32 len);
int sim_ring_peek(const struct sim_ring *in, struct hvis_pkt_desc *d, u32 *rd, u32 *total);
bool sim_pkt_offset_ok(const struct hvis_pkt_desc *d, u32 total);
bool sim_ring_consume(struct sim_ring *in, u32 rd, u32 total);
int sim_ring_write(struct sim_ring *out, const void *pkt, u32 len, bool *signal);
int sim_ring_corrupt(struct sim_ring *out, const char *kind);

#endif /* _HVIS_SIM_CHAN_H */
