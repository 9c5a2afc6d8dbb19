/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the simulator: what its parts need from each other.  Each part's
 * own inside is a header of its own: chan.h for the channel side, ic.h for
 * the integration services' engine.
 */
#ifndef _HVIS_SIM_H
#define _HVIS_SIM_H

#include <linux/compiler.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uuid.h>

#include <hvis/vmbus_wire.h>
#include <uapi/hvis/hvcap.h>

#define SIM_MAX_OFFERS		1024

struct dentry;

/* ctl.c: the control interface (the ctl and log files). */
__printf(1, 2) void sim_log(const char *fmt, ...);
int sim_log_init(void);
void sim_log_exit(void);
void sim_ctl_debugfs(struct dentry *dir);

/* hv.c: the hypervisor (MSRs, hypercalls, the SynIC, the message queues). */
void sim_send(const void *msg, u32 len);
int sim_inject(u32 type, u32 size);
u32 sim_version(void);
void sim_signal_guest(u32 relid, u32 vp);
void sim_take_legacy_events(void (*fn)(u32 relid));
u64 sim_ref_now(void);
void sim_hv_connect(u32 version, u64 int_page, u32 target_vp);
void sim_hv_disconnect(void);
bool sim_hv_muted(void);
void sim_hv_set_mute(bool on);
void sim_hv_set_stall(bool on);
unsigned long sim_hv_busy(void);
int sim_hv_init(void);
void sim_hv_stop(void);
void sim_hv_exit(void);

/*
 * host.c: the connection and the offers, under sim_host_mutex (taken by
 * sim_host_message() and by ctl.c around its commands).
 */
extern struct mutex sim_host_mutex;
void sim_host_message(u32 conn_id, const void *buf, u32 len);
u32 sim_host_max_version(void);
const char *sim_profile_name(void);
int sim_host_set_profile(const char *name);
void sim_host_set_early(bool on);
bool sim_relid_offered(u32 relid, const guid_t **class_id);
int sim_offer_add(const guid_t *class_id, const guid_t *instance_id);
int sim_offer_make(const guid_t *class_id, const guid_t *instance_id, u32 sub, u32 relid,
		   u32 size, bool monitored);
int sim_offer_find(const guid_t *inst);
int sim_offer_rescind(u32 relid);
bool sim_offer_copy(u32 relid, struct hvis_chanmsg_offer *o);
void sim_host_offer_tests(unsigned int n, bool monitored);
void sim_host_debugfs(struct dentry *dir);
int sim_host_init(const char *profile);
void sim_host_exit(void);

/* echo.c: the class the simulator answers as an echo device. */
extern const guid_t sim_test_class;

/* chan.c, gpadl.c, raw.c: GPADLs, open channels and their clients. */
int sim_chan_init(void);
void sim_chan_exit(void);
void sim_chan_reset(void);
void sim_chan_revoke(u32 relid);
void sim_chan_message(const struct hvis_chanmsg_hdr *hdr, u32 len);
u64 sim_chan_signal_event(u64 input);
bool sim_chan_is_open(u32 relid);
unsigned int sim_chan_gpadl_count(void);
int sim_chan_corrupt(u32 relid, const char *kind);
int sim_chan_send_inband(u32 relid, u64 gen, const void *payload, u32 len, u64 trans_id,
			 u32 junk);
/* The transaction id of a broken host's junk completion: one no guest issues. */
#define SIM_CHAN_JUNK_ID	0xbad0bad0bad0ULL
void sim_chan_debugfs(struct dentry *dir);
void sim_raw_debugfs(struct dentry *dir);

/*
 * ic.c: the host side of the integration services (the rest of its
 * interface is ic.h).  enable runs under sim_host_mutex, command without
 * it (it may block).
 */
int sim_ic_init(void);
void sim_ic_exit(void);
unsigned int sim_ic_offer_all(void);
int sim_ic_enable(const char *name, bool on);
void sim_ic_profile_changed(void);
int sim_ic_command(const char *cmd, char *args);
void sim_ic_debugfs(struct dentry *dir);

/*
 * monitor.c: monitored notifications (the guest's monitor pages).  chan.c
 * calls open and close under sim_chan_lock; contact and disconnect come
 * from host.c under sim_host_mutex, after every channel was closed.
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
