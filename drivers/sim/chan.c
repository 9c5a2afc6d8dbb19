// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host's side of channels: it opens and closes them on the
 * guest's request, takes its signals, and hands each open channel to the
 * client that plays the host on it: the echo device (echo.c), an
 * integration service (ic.c), or a raw endpoint a test attached (raw.c).
 * GPADLs are gpadl.c's, the ring code is ring.c's.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <hvis/tlfs.h>
#include <hvis/vmbus_wire.h>

#include "chan.h"
#include "sim.h"

/* Asked in this order when the guest opens a channel. */
static const struct sim_chan_client *const sim_chan_clients[] = {
	&sim_echo_client,
	&sim_ic_client,
};

static struct sim_chan *sim_chans;	/* by relid - 1 */
static u64 sim_chan_opens;		/* channels opened so far */
DEFINE_MUTEX(sim_chan_lock);		/* the channels, their clients, the GPADLs */

/* The channel of @relid, or NULL for a relid no channel can have. */
struct sim_chan *sim_chan_get(u32 relid)
{
	return relid && relid <= SIM_MAX_OFFERS ? &sim_chans[relid - 1] : NULL;
}

void sim_chan_close(struct sim_chan *c)
{
	if (!c->open)
		return;
	c->open = false;
	sim_mon_close(c->relid);
	if (c->client && c->client->closed)
		c->client->closed(c);
	c->client = NULL;
	if (c->attached && c->attached->closed)
		c->attached->closed(c);
	c->attached = NULL;
	mutex_unlock(&sim_chan_lock);
	cancel_work_sync(&c->work);
	mutex_lock(&sim_chan_lock);
	if (c->gpadl)
		c->gpadl->in_use = false;
	c->gpadl = NULL;
	kvfree(c->buf);
	c->buf = NULL;
}

static void sim_on_open(const struct hvis_chanmsg_open *o)
{
	struct hvis_chanmsg_open_result res = {
		.hdr.msgtype = HVIS_CHANMSG_OPENCHANNEL_RESULT,
		.child_relid = o->child_relid,
		.openid = o->openid,
		.status = SIM_STATUS_UNSUCCESSFUL,
	};
	struct sim_gpadl *g = sim_gpadl_find(o->ringbuffer_gpadl);
	u32 k = o->downstream_page_offset;
	const guid_t *class_id;
	struct sim_chan *c;
	unsigned int i;

	sim_log("G->H OPENCHANNEL relid=%u gpadl=%#x target_vp=%u downstream=%u",
		o->child_relid, o->ringbuffer_gpadl, o->target_vp, k);
	/* Each ring needs its control page and at least one data page. */
	if (!sim_relid_offered(o->child_relid, NULL) || !g || !g->vaddr || g->in_use ||
	    g->relid != o->child_relid || g->npages < 4 || k < 2 || k > g->npages - 2 ||
	    o->target_vp >= nr_cpu_ids)
		goto out;
	c = &sim_chans[o->child_relid - 1];
	if (c->open)
		goto out;
	c->buf = kvmalloc(g->npages * PAGE_SIZE, GFP_KERNEL);
	if (!c->buf)
		goto out;
	sim_ring_map(&c->from_guest, g->vaddr, k * PAGE_SIZE);
	sim_ring_map(&c->to_guest, (u8 *)g->vaddr + k * PAGE_SIZE, (g->npages - k) * PAGE_SIZE);
	c->relid = o->child_relid;
	c->target_vp = o->target_vp;
	sim_relid_offered(o->child_relid, &class_id);
	c->gpadl = g;
	g->in_use = true;
	c->open = true;
	c->gen = ++sim_chan_opens;
	/* A client's first packet waits for sim_chan_lock: it follows the result. */
	for (i = 0; i < ARRAY_SIZE(sim_chan_clients) && !c->client; i++)
		if (sim_chan_clients[i]->opened && sim_chan_clients[i]->opened(c, class_id))
			c->client = sim_chan_clients[i];
	sim_mon_open(c->relid);
	res.status = 0;
out:
	sim_send(&res, sizeof(res));
	sim_log("H->G OPENCHANNEL_RESULT relid=%u status=%#x", o->child_relid, res.status);
}

static void sim_on_close(const struct hvis_chanmsg_relid *r)
{
	sim_log("G->H CLOSECHANNEL relid=%u", r->child_relid);
	if (r->child_relid >= 1 && r->child_relid <= SIM_MAX_OFFERS)
		sim_chan_close(&sim_chans[r->child_relid - 1]);
}

static void sim_on_modify(const struct hvis_chanmsg_modifychannel *m)
{
	struct hvis_chanmsg_modifychannel_response res = {
		.hdr.msgtype = HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE,
		.child_relid = m->child_relid,
		.status = SIM_STATUS_UNSUCCESSFUL,
	};
	u32 v = sim_version();
	struct sim_chan *c;

	sim_log("G->H MODIFYCHANNEL relid=%u target_vp=%u", m->child_relid, m->target_vp);
	if (v < HVIS_VMBUS_WIN10_V4_1) {
		sim_log("MODIFYCHANNEL is not part of VMBus %u.%u: ignored",
			HVIS_VMBUS_MAJOR(v), HVIS_VMBUS_MINOR(v));
		return;
	}
	if (m->child_relid >= 1 && m->child_relid <= SIM_MAX_OFFERS &&
	    m->target_vp < nr_cpu_ids) {
		c = &sim_chans[m->child_relid - 1];
		if (c->open) {
			WRITE_ONCE(c->target_vp, m->target_vp);
			res.status = 0;
		}
	}
	if (v >= HVIS_VMBUS_WIN10_V5_3) {
		sim_send(&res, sizeof(res));
		sim_log("H->G MODIFYCHANNEL_RESPONSE relid=%u status=%#x", m->child_relid,
			res.status);
	}
}

/* Channel messages of the channel side; @len is at least the header. */
void sim_chan_message(const struct hvis_chanmsg_hdr *hdr, u32 len)
{
	mutex_lock(&sim_chan_lock);
	switch (hdr->msgtype) {
	case HVIS_CHANMSG_GPADL_HEADER:
		if (len >= sizeof(struct hvis_chanmsg_gpadl_header))
			sim_on_gpadl_header((const void *)hdr, len);
		break;
	case HVIS_CHANMSG_GPADL_BODY:
		if (len >= sizeof(struct hvis_chanmsg_gpadl_body))
			sim_on_gpadl_body((const void *)hdr, len);
		break;
	case HVIS_CHANMSG_GPADL_TEARDOWN:
		if (len >= sizeof(struct hvis_chanmsg_gpadl_teardown))
			sim_on_gpadl_teardown((const void *)hdr);
		break;
	case HVIS_CHANMSG_OPENCHANNEL:
		if (len >= sizeof(struct hvis_chanmsg_open))
			sim_on_open((const void *)hdr);
		break;
	case HVIS_CHANMSG_CLOSECHANNEL:
		if (len >= sizeof(struct hvis_chanmsg_relid))
			sim_on_close((const void *)hdr);
		break;
	case HVIS_CHANMSG_MODIFYCHANNEL:
		if (len >= sizeof(struct hvis_chanmsg_modifychannel))
			sim_on_modify((const void *)hdr);
		break;
	}
	mutex_unlock(&sim_chan_lock);
}

/* Tell the guest about channel @c. */
void sim_chan_signal_guest(struct sim_chan *c)
{
	c->interrupts++;
	sim_signal_guest(c->relid, c->target_vp);
}

/*
 * The next packet in the guest's send ring, copied into c->buf and left
 * in the ring: 0, -EAGAIN when the ring is empty, -EIO (logged) when the
 * guest's indices or descriptor make no sense.
 */
int sim_chan_next_pkt(struct sim_chan *c, struct hvis_pkt_desc *d, u32 *rd, u32 *total)
{
	int ret = sim_ring_peek(&c->from_guest, d, rd, total);

	if (ret == -EAGAIN)
		return ret;
	if (ret || !sim_pkt_offset_ok(d, *total)) {
		sim_log("relid %u: guest wrote a bad packet descriptor", c->relid);
		return -EIO;
	}
	sim_ring_get(&c->from_guest, *rd, c->buf, *total);
	sim_cap_pkt(0, HVCAP_G2H, c->relid, c->buf, *total);
	return 0;
}

/*
 * The guest signalled the channel.  Under sim_chan_lock, so that a channel
 * closed meanwhile is seen closed (sim_chan_close drops the lock to wait
 * for this work).  A raw endpoint reads the ring itself; a channel no
 * client took is not answered.
 */
static void sim_chan_work(struct work_struct *work)
{
	struct sim_chan *c = container_of(work, struct sim_chan, work);
	const struct sim_chan_client *cl;

	mutex_lock(&sim_chan_lock);
	cl = c->attached ?: c->client;
	if (c->open && cl && cl->signalled)
		cl->signalled(c);
	mutex_unlock(&sim_chan_lock);
}

/*
 * One packet of @type carrying @payload (@len bytes; zeros if NULL) into
 * the guest's receive ring of @c, not yet signalled.  Under sim_chan_lock.
 */
static int sim_chan_put(struct sim_chan *c, u16 type, const void *payload, u32 len,
			u64 trans_id, bool *signal)
{
	struct hvis_pkt_desc *d;
	u32 total = sizeof(*d) + ALIGN(len, 8);
	int ret;

	/* c->buf holds the whole GPADL, so anything that fits a ring fits it. */
	if (total + HVIS_PKT_TRAILER >= c->to_guest.size || total / 8 > U16_MAX)
		return -EMSGSIZE;
	d = (struct hvis_pkt_desc *)c->buf;
	memset(d, 0, total);
	d->type = type;
	d->offset8 = sizeof(*d) / 8;
	d->len8 = total / 8;
	d->trans_id = trans_id;
	if (payload)
		memcpy(c->buf + sizeof(*d), payload, len);
	ret = sim_ring_write(&c->to_guest, c->buf, total, signal);
	sim_cap_pkt(ret, HVCAP_H2G, c - sim_chans + 1, c->buf, total);
	return ret;
}

/*
 * A client's way into a channel: one in-band packet carrying @payload (@len
 * bytes) with transaction id @trans_id, into the guest's receive ring of
 * the channel @relid as it was opened the @gen-th time.  -ENOTCONN when
 * that channel is gone (closed, or closed and opened again) or a raw
 * endpoint plays the host; -EAGAIN when the ring has no room now.
 *
 * A broken host puts @junk bytes before it (0: none): a completion for a
 * transaction the guest never made, in the same signal, so that the guest
 * finds both in its ring at once.
 */
int sim_chan_send_inband(u32 relid, u64 gen, const void *payload, u32 len, u64 trans_id,
			 u32 junk)
{
	bool signal = false, more = false;
	struct sim_chan *c;
	int ret = 0;

	if (!relid || relid > SIM_MAX_OFFERS)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	c = &sim_chans[relid - 1];
	if (!c->open || c->gen != gen || c->attached) {
		ret = -ENOTCONN;
		goto out;
	}
	if (junk)
		ret = sim_chan_put(c, HVIS_PKT_COMP, NULL, junk, SIM_CHAN_JUNK_ID, &signal);
	if (!ret)
		ret = sim_chan_put(c, HVIS_PKT_DATA_INBAND, payload, len, trans_id, &more);
	if (signal || more)
		sim_chan_signal_guest(c);
out:
	mutex_unlock(&sim_chan_lock);
	return ret;
}

/* A broken host: damage the guest's receive ring of an open channel (ring.c), then signal it. */
int sim_chan_corrupt(u32 relid, const char *kind)
{
	struct sim_chan *c = sim_chan_get(relid);
	int ret;

	if (!c)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	ret = c->open ? sim_ring_corrupt(&c->to_guest, kind) : -ENOTCONN;
	if (!ret) {
		sim_log("H->G corrupted relid %u receive ring: %s", relid, kind);
		sim_chan_signal_guest(c);
	}
	mutex_unlock(&sim_chan_lock);
	return ret;
}

static void sim_chan_kick(u32 relid)
{
	struct sim_chan *c = &sim_chans[relid - 1];

	atomic64_inc(&c->signals);
	if (READ_ONCE(c->open))
		schedule_work(&c->work);
}

/*
 * The host found the channel's bit in the guest's monitor page: the same
 * as a signal, but not counted as an HvSignalEvent (monitor.c counts it).
 */
void sim_chan_monitor_kick(u32 relid)
{
	struct sim_chan *c;

	if (!relid || relid > SIM_MAX_OFFERS)
		return;
	c = &sim_chans[relid - 1];
	if (READ_ONCE(c->open))
		schedule_work(&c->work);
}

/*
 * HvSignalEvent from the guest.  From 1.1 on the input is the channel's
 * connection id (from its offer).  Before, the host has one event
 * connection for all channels and no other: the channels are the ones the
 * guest marked in the shared interrupt page.
 */
u64 sim_chan_signal_event(u64 input)
{
	u32 conn = input & 0xffffffff;
	u32 relid = conn & ~0x2000;
	u32 v = sim_version();

	if (v && v < HVIS_VMBUS_WIN7) {
		if (conn != HVIS_VMBUS_EVENT_CONNECTION_ID)
			return HVIS_STATUS_INVALID_CONNECTION_ID;
		sim_take_legacy_events(sim_chan_kick);
		return HVIS_STATUS_SUCCESS;
	}
	if (!relid || relid > SIM_MAX_OFFERS || (conn & 0x2000) != 0x2000)
		return HVIS_STATUS_INVALID_CONNECTION_ID;
	if (!READ_ONCE(sim_chans[relid - 1].open))
		return HVIS_STATUS_INVALID_CONNECTION_ID;
	sim_chan_kick(relid);
	return HVIS_STATUS_SUCCESS;
}

bool sim_chan_is_open(u32 relid)
{
	return relid >= 1 && relid <= SIM_MAX_OFFERS && READ_ONCE(sim_chans[relid - 1].open);
}

/* The guest is gone (UNLOAD, new contact): drop every channel and GPADL. */
void sim_chan_reset(void)
{
	u32 i;

	mutex_lock(&sim_chan_lock);
	for (i = 0; i < SIM_MAX_OFFERS; i++)
		sim_chan_close(&sim_chans[i]);
	sim_gpadl_reset();
	for (i = 0; i < ARRAY_SIZE(sim_chan_clients); i++)
		if (sim_chan_clients[i]->reset)
			sim_chan_clients[i]->reset();
	mutex_unlock(&sim_chan_lock);
}

/*
 * The host rescinds channel @relid: it closes its side and revokes every
 * GPADL the guest made for that relid, before the guest hears of the
 * rescind.  A guest then owes the host no GPADL_TEARDOWN (Linux sends
 * none, and may free the ring pages as soon as it has closed), so the
 * host must never touch those pages again, nor keep them counted.
 */
void sim_chan_revoke(u32 relid)
{
	unsigned int n;

	if (!relid || relid > SIM_MAX_OFFERS)
		return;
	mutex_lock(&sim_chan_lock);
	sim_chan_close(&sim_chans[relid - 1]);
	n = sim_gpadl_revoke(relid);
	mutex_unlock(&sim_chan_lock);
	if (n)
		sim_log("relid %u rescinded: %u GPADL%s revoked", relid, n, n == 1 ? "" : "s");
}

/*
 * debugfs chanstats: one line per relid that has seen traffic since the
 * module loaded, tab-separated: relid, signals from the guest, interrupts
 * to the guest, packets from the guest, packets to the guest.
 */
static int sim_chanstats_show(struct seq_file *f, void *unused)
{
	const struct sim_chan *c;
	u64 sig;
	u32 i;

	mutex_lock(&sim_chan_lock);
	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		c = &sim_chans[i];
		sig = atomic64_read(&c->signals);
		if (!sig && !c->interrupts && !c->from_guest.packets && !c->to_guest.packets)
			continue;
		seq_printf(f, "%u\t%llu\t%llu\t%llu\t%llu\n", i + 1, sig, c->interrupts,
			   c->from_guest.packets, c->to_guest.packets);
	}
	mutex_unlock(&sim_chan_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_chanstats);

void sim_chan_debugfs(struct dentry *dir)
{
	sim_raw_debugfs(dir);
	debugfs_create_file("chanstats", 0400, dir, NULL, &sim_chanstats_fops);
}

int sim_chan_init(void)
{
	u32 i;

	sim_chans = kcalloc(SIM_MAX_OFFERS, sizeof(*sim_chans), GFP_KERNEL);
	if (!sim_chans)
		return -ENOMEM;
	for (i = 0; i < SIM_MAX_OFFERS; i++)
		INIT_WORK(&sim_chans[i].work, sim_chan_work);
	return 0;
}

void sim_chan_exit(void)
{
	sim_chan_reset();
	kfree(sim_chans);
}
