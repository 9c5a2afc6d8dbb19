// SPDX-License-Identifier: GPL-2.0-only
/*
 * The echo device behind the test class: every packet the guest sends
 * comes back unchanged, with the same transaction id.  A packet is taken
 * only once its echo fits; if it does not, the host asks the guest
 * (pending_send_sz) to signal when there is room.
 */
#include <linux/kernel.h>

#include <hvis/vmbus_wire.h>

#include "chan.h"
#include "sim.h"

/* The class of the extra test offers (not a Hyper-V class). */
const guid_t sim_test_class =
	GUID_INIT(0x6876ab5f, 0x3c64, 0x4c8b, 0x9a, 0x2f, 0x68, 0x76, 0x69, 0x73, 0x00, 0x01);

static bool sim_echo_opened(struct sim_chan *c, const guid_t *class_id)
{
	return guid_equal(class_id, &sim_test_class);
}

static void sim_echo_signalled(struct sim_chan *c)
{
	struct sim_ring *in = &c->from_guest, *out = &c->to_guest;
	bool signal_guest = false, signal;
	struct hvis_pkt_desc d;
	u32 rd, total;
	int ret;

	while (!sim_chan_next_pkt(c, &d, &rd, &total)) {
		/* Asked for a completion: the echo comes back as one. */
		if (d.flags & HVIS_PKT_FLAG_COMPLETION_REQUESTED) {
			((struct hvis_pkt_desc *)c->buf)->type = HVIS_PKT_COMP;
			((struct hvis_pkt_desc *)c->buf)->flags = 0;
		}
		ret = sim_ring_write(out, c->buf, total, &signal);
		sim_cap_pkt(ret, HVCAP_H2G, c->relid, c->buf, total);
		if (ret == -EAGAIN)
			WRITE_ONCE(out->ctl->pending_send_sz, total + HVIS_PKT_TRAILER);
		if (ret)
			break;
		WRITE_ONCE(out->ctl->pending_send_sz, 0);
		signal_guest |= signal;
		signal_guest |= sim_ring_consume(in, rd, total);
	}
	if (signal_guest)
		sim_chan_signal_guest(c);
}

const struct sim_chan_client sim_echo_client = {
	.opened		= sim_echo_opened,
	.signalled	= sim_echo_signalled,
};
