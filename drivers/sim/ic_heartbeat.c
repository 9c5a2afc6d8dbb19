// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of Heartbeat: a request every heartbeat_ms once the guest
 * negotiated, answered with the next sequence number.  A guest that misses
 * SIM_IC_HB_MISSES intervals in a row shows Lost Communication.
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include <hvis/ic_wire.h>

#include "ic.h"

static unsigned int heartbeat_ms = 1000;
module_param(heartbeat_ms, uint, 0644);
MODULE_PARM_DESC(heartbeat_ms, "Interval of the host's heartbeat requests in ms (default 1000)");

#define SIM_IC_HB_MISSES	3	/* heartbeat intervals without answer: lost */

static u32 sim_ic_build_heartbeat(struct sim_ic *s)
{
	struct hvis_ic_heartbeat *hb = (void *)((struct hvis_ic_msg *)s->pkt)->body;
	u32 len = sim_ic_start(s, HVIS_IC_MSG_HEARTBEAT, sizeof(*hb));

	s->txn.req = SIM_REQ_HEARTBEAT;
	s->txn.seq = s->seq++;
	hb->seq_num = s->txn.seq;
	sim_ic_log(s, "H->G IC heartbeat seq=%llu", s->txn.seq);
	return len;
}

static int sim_ic_on_heartbeat(struct sim_ic *s, const struct hvis_ic_msg *m)
{
	const struct hvis_ic_heartbeat *hb = (const void *)m->body;

	if (m->ic.msgsize < HVIS_IC_HEARTBEAT_MIN)
		return sim_ic_bad(s, "heartbeat answer of %u body bytes", m->ic.msgsize);
	if (m->ic.status != HVIS_IC_S_OK) {
		sim_ic_log(s, "G->H IC heartbeat refused: status=%#x", m->ic.status);
		return -EIO;
	}
	if (hb->seq_num != s->txn.seq + 1)
		return sim_ic_bad(s, "heartbeat answer seq=%llu, expected %llu", hb->seq_num,
				  s->txn.seq + 1);
	s->last_answer = jiffies;
	sim_ic_log(s, "G->H IC heartbeat seq=%llu", hb->seq_num);
	return 0;
}

static bool sim_ic_hb_responsive(const struct sim_ic *s, unsigned long now)
{
	return time_before_eq(now, s->last_answer + SIM_IC_HB_MISSES * sim_ic_interval(s));
}

static const struct sim_ic_ops sim_ic_heartbeat_ops = {
	.periodic	= sim_ic_build_heartbeat,
	.interval_ms	= &heartbeat_ms,
	.answer		= sim_ic_on_heartbeat,
	.responsive	= sim_ic_hb_responsive,
};

struct sim_ic sim_ic_heartbeat = {
	.id = SIM_IC_HEARTBEAT, .name = "Heartbeat", .alias = "heartbeat",
	.msgtype = HVIS_IC_MSG_HEARTBEAT, .class_id = HVIS_IC_HEARTBEAT_CLASS,
	.instance_id = GUID_INIT(0xfd149e91, 0x82e0, 0x4a7d, 0xaf, 0xa6,
				 0x2a, 0x41, 0x66, 0xcb, 0xd7, 0xc0),
	.ops = &sim_ic_heartbeat_ops,
};
