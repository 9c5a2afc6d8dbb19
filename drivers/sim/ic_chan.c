// SPDX-License-Identifier: GPL-2.0-only
/*
 * The integration services as a channel client: chan.c hands over the
 * channel of an IC class when the guest opens it, and every packet the
 * guest then sends goes to the service's engine as an answer.  All hooks
 * run with sim_chan_lock held (they take sim_ic_lock after it).
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include <hvis/vmbus_wire.h>

#include "chan.h"
#include "ic.h"
#include "sim.h"

static struct sim_ic *sim_ic_find(u32 relid, u64 gen)
{
	struct sim_ic *s;
	unsigned int i;

	for (i = 0; i < SIM_IC_COUNT; i++) {
		s = sim_ic_svc(i);
		if (s->open && s->relid == relid && s->gen == gen)
			return s;
	}
	return NULL;
}

/* The guest opened channel @c of @class_id: ours if it is an IC's. */
static bool sim_ic_opened(struct sim_chan *c, const guid_t *class_id)
{
	struct sim_ic *s = NULL;
	unsigned int i;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++)
		if (guid_equal(class_id, &sim_ic_svc(i)->class_id))
			s = sim_ic_svc(i);
	if (s && s->open) {
		sim_log("IC %s: a second channel (relid %u) is not served", s->alias, c->relid);
		s = NULL;
	}
	if (s) {
		s->open = true;
		s->relid = c->relid;
		s->gen = c->gen;
		s->negotiated = false;
		s->nocommon = false;
		s->pending = 0;
		memset(&s->txn, 0, sizeof(s->txn));
		sim_ic_log(s, "IC %s channel open", s->name);
		/* A service this host generation lacks: an empty list, no common version. */
		s->pending = SIM_PEND_NEGOTIATE;
		s->nego_nocommon = false;
		sim_ic_kick(s, 0);
	}
	sim_ic_unlock();
	return !!s;
}

static void sim_ic_closed(struct sim_chan *c)
{
	struct sim_ic *s;

	mutex_lock(&sim_ic_lock);
	s = sim_ic_find(c->relid, c->gen);
	if (s) {
		sim_ic_log(s, "IC %s channel closed", s->name);
		if (s->negotiated)
			s->lost = true;
		sim_ic_disconnect(s);
	}
	sim_ic_unlock();
}

/* The guest reconnected or unloaded: every service starts at No Contact. */
static void sim_ic_reset(void)
{
	unsigned int i;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		sim_ic_disconnect(sim_ic_svc(i));
		sim_ic_forget(sim_ic_svc(i), true);
	}
	sim_ic_unlock();
}

/* An integration service: every packet the guest sends goes to its engine. */
static void sim_ic_signalled(struct sim_chan *c)
{
	bool signal_guest = false;
	struct hvis_pkt_desc d;
	u32 rd, total, off;
	struct sim_ic *s;

	while (!sim_chan_next_pkt(c, &d, &rd, &total)) {
		signal_guest |= sim_ring_consume(&c->from_guest, rd, total);
		off = d.offset8 * 8;
		mutex_lock(&sim_ic_lock);
		s = sim_ic_find(c->relid, c->gen);
		if (s)
			sim_ic_answer(s, &d, (const void *)(c->buf + off), total - off);
		sim_ic_unlock();
	}
	if (signal_guest)
		sim_chan_signal_guest(c);
}

const struct sim_chan_client sim_ic_client = {
	.opened		= sim_ic_opened,
	.closed		= sim_ic_closed,
	.signalled	= sim_ic_signalled,
	.reset		= sim_ic_reset,
};
