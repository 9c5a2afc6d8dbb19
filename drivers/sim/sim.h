/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the simulator: what the channel side (chan.c) needs from the core
 * of the host (sim.c).
 */
#ifndef _HVIS_SIM_H
#define _HVIS_SIM_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include <hvis/vmbus_wire.h>
#include <uapi/hvis/hvcap.h>

#define SIM_MAX_OFFERS		1024

/* The class the simulator answers as an echo device. */
extern const guid_t sim_test_class;

__printf(1, 2) void sim_log(const char *fmt, ...);
void sim_send(const void *msg, u32 len);
bool sim_relid_offered(u32 relid, const guid_t **class_id);
u32 sim_version(void);
void sim_signal_guest(u32 relid, u32 vp);
void sim_take_legacy_events(void (*fn)(u32 relid));
u64 sim_ref_now(void);
const char *sim_profile_name(void);
/* Under sim_host_mutex (ic.c's enable and disable). */
int sim_offer_add(const guid_t *class_id, const guid_t *instance_id);
int sim_offer_rescind(u32 relid);
bool sim_offer_copy(u32 relid, struct hvis_chanmsg_offer *o);

/* chan.c: GPADLs, open channels, the echo device. */
int sim_chan_init(void);
void sim_chan_exit(void);
void sim_chan_reset(void);
void sim_chan_revoke(u32 relid);
void sim_chan_message(const struct hvis_chanmsg_hdr *hdr, u32 len);
u64 sim_chan_signal_event(u64 input);
bool sim_chan_is_open(u32 relid);
unsigned int sim_chan_gpadl_count(void);
int sim_chan_corrupt(u32 relid, const char *kind);
int sim_chan_send_inband(u32 relid, u64 gen, const void *payload, u32 len, u64 trans_id);
struct dentry;
void sim_chan_debugfs(struct dentry *dir);

/*
 * ic.c: the host side of the integration services.  chan.c calls the
 * channel hooks (opened, closed, reset, received) with sim_chan_lock held;
 * enable runs under sim_host_mutex, command without it (it may block).
 */
int sim_ic_init(void);
void sim_ic_exit(void);
unsigned int sim_ic_offer_all(void);
bool sim_ic_opened(u32 relid, u64 gen, const guid_t *class_id);
void sim_ic_closed(u32 relid, u64 gen);
void sim_ic_reset(void);
void sim_ic_received(u32 relid, u64 gen, const struct hvis_pkt_desc *d, const void *payload,
		     u32 len);
int sim_ic_enable(const char *name, bool on);
void sim_ic_profile_changed(void);
int sim_ic_command(const char *cmd, char *args);
void sim_ic_debugfs(struct dentry *dir);

/*
 * The data services (KVP, VSS, fcopy).  ic.c carries their requests:
 * sim_ic_transact() sends one and waits for its answer.  ic_xact.c builds
 * them (the debugfs files kvp, vss and fcopy) and tells ic.c, under its
 * lock, whether an answer makes sense and what to log.
 */
#define SIM_IC_BODY_MAX		7428	/* the largest: KVP's IP information */

struct sim_ic_xact {
	const void *req;		/* the body to send */
	u32 req_len;
	unsigned int timeout_ms;	/* how long the guest may take */
	bool quiet;			/* log only a failure (bulk data) */
	void *ans;			/* room for the answer's body */
	u32 ans_size;
	u32 ans_len;			/* out: the body, cut to ans_size */
	u32 status;			/* out: the guest's status */
};

int sim_ic_transact(u16 msgtype, struct sim_ic_xact *x);
int sim_ic_xact_check(u16 msgtype, const void *req, u32 req_len, const void *ans, u32 ans_len,
		      u32 status, char *why, size_t size);
void sim_ic_xact_describe(u16 msgtype, const void *body, u32 len, char *buf, size_t size);
void sim_ic_xact_debugfs(struct dentry *dir);

/*
 * monitor.c: monitored notifications (the guest's monitor pages).  chan.c
 * calls open and close under sim_chan_lock; contact and disconnect come
 * from sim.c under sim_host_mutex, after every channel was closed.
 */
void sim_mon_contact(u64 gpa1, u64 gpa2);
void sim_mon_disconnect(void);
void sim_mon_open(u32 relid);
void sim_mon_close(u32 relid);
void sim_mon_debugfs(struct dentry *dir);
void sim_mon_exit(void);
void sim_chan_monitor_kick(u32 relid);

/*
 * capture.c: the wire capture.  The hooks cost one flag read while it is
 * off; sim_cap_pkt() records nothing for a write that failed (@err).
 */
extern bool sim_cap_on;
void __sim_cap_record(u8 kind, u8 dir, u32 id, const void *bytes, u32 len);
void sim_cap_debugfs(struct dentry *dir);
void sim_cap_exit(void);

static inline void sim_cap_msg(u8 dir, u32 conn_id, const void *msg, u32 len)
{
	if (unlikely(READ_ONCE(sim_cap_on)))
		__sim_cap_record(HVCAP_KIND_MSG, dir, conn_id, msg, len);
}

static inline void sim_cap_pkt(int err, u8 dir, u32 relid, const void *pkt, u32 len)
{
	if (unlikely(READ_ONCE(sim_cap_on)) && !err)
		__sim_cap_record(HVCAP_KIND_PKT, dir, relid, pkt, len);
}

#endif /* _HVIS_SIM_H */
