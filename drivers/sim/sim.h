/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the simulator: what the channel side (chan.c) needs from the core
 * of the host (sim.c).
 */
#ifndef _HVIS_SIM_H
#define _HVIS_SIM_H

#include <linux/types.h>
#include <linux/uuid.h>

#include <hvis/vmbus_wire.h>

#define SIM_MAX_OFFERS		1024

/* The class the simulator answers as an echo device. */
extern const guid_t sim_test_class;

__printf(1, 2) void sim_log(const char *fmt, ...);
void sim_send(const void *msg, u32 len);
bool sim_relid_offered(u32 relid, const guid_t **class_id);
u32 sim_version(void);
void sim_signal_guest(u32 relid, u32 vp);

/* chan.c: GPADLs, open channels, the echo device. */
int sim_chan_init(void);
void sim_chan_exit(void);
void sim_chan_reset(void);
void sim_chan_message(const struct hvis_chanmsg_hdr *hdr, u32 len);
u64 sim_chan_signal_event(u64 input);
bool sim_chan_is_open(u32 relid);
unsigned int sim_chan_gpadl_count(void);
int sim_chan_corrupt(u32 relid, const char *kind);
struct dentry;
void sim_chan_debugfs(struct dentry *dir);

#endif /* _HVIS_SIM_H */
