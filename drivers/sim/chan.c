// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host's side of channels: it assembles the guest's GPADLs
 * (header plus bodies), maps them, opens and closes channels on request,
 * and plays an echo device behind the test class: every packet the guest
 * sends comes back unchanged, with the same transaction id.  On the
 * integration services' channels it hands the guest's packets to ic.c and
 * puts ic.c's requests into the guest's ring.
 *
 * The host reads and writes the guest's rings itself, following the same
 * layout and signalling rules as the guest but with its own code, so that
 * a mistake on one side is not mirrored on the other.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <hvis/tlfs.h>
#include <uapi/hvis/hvsim.h>

#include "sim.h"

/*
 * Hyper-V maps far larger GPADLs than rings: netvsc's receive buffer, and
 * uio_hv_generic's 31 MiB receive and 16 MiB send buffers (6.12).  32 MiB
 * (a single range's 16-bit range_buflen stops at 8190 pages anyway).
 */
#define SIM_GPADL_MAX_PAGES	8192
#define SIM_RAW_MAX_BYTES	(1024 * PAGE_SIZE)
#define SIM_STATUS_UNSUCCESSFUL	0x8000ffff

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

struct sim_chan {
	bool open;
	u32 relid;
	u32 target_vp;
	struct sim_gpadl *gpadl;
	struct sim_ring from_guest;	/* the guest's send ring */
	struct sim_ring to_guest;	/* the guest's receive ring */
	struct work_struct work;
	u8 *buf;			/* one packet, copied out */
	bool echo;			/* the test class: answer every packet */
	bool ic;			/* an integration service: ic.c plays the host */
	bool raw;			/* a raw endpoint plays the host instead */
	unsigned int raw_seq;		/* bumped when a raw reader should look again */
	u64 gen;			/* which opening this is: ic.c's handle */
	/* For debugfs chanstats; kept over every opening of the relid. */
	atomic64_t signals;		/* HvSignalEvent from the guest */
	u64 interrupts;			/* sim_signal_guest() calls */
};

static DECLARE_WAIT_QUEUE_HEAD(sim_raw_wait);

static LIST_HEAD(sim_gpadls);
static struct sim_chan *sim_chans;	/* by relid - 1 */
static u64 sim_chan_opens;		/* channels opened so far */
static DEFINE_MUTEX(sim_chan_lock);	/* everything above */

static struct sim_gpadl *sim_gpadl_find(u32 handle)
{
	struct sim_gpadl *g;

	list_for_each_entry(g, &sim_gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

static void sim_gpadl_free(struct sim_gpadl *g)
{
	list_del(&g->node);
	if (g->vaddr)
		vunmap(g->vaddr);
	kvfree(g->pages);
	kvfree(g->pfns);
	kfree(g);
}

static void sim_gpadl_created(struct sim_gpadl *g, u32 status)
{
	struct hvis_chanmsg_gpadl_created msg = {
		.hdr.msgtype = HVIS_CHANMSG_GPADL_CREATED,
		.child_relid = g->relid,
		.gpadl = g->handle,
		.creation_status = status,
	};

	sim_send(&msg, sizeof(msg));
	sim_log("H->G GPADL_CREATED relid=%u gpadl=%#x pages=%u status=%#x",
		g->relid, g->handle, g->npages, status);
}

/* All PFNs are in: check each and map the lot. */
static void sim_gpadl_complete(struct sim_gpadl *g)
{
	u32 i;

	g->pages = kvcalloc(g->npages, sizeof(*g->pages), GFP_KERNEL);
	if (!g->pages)
		goto fail;
	for (i = 0; i < g->npages; i++) {
		if (!pfn_valid(g->pfns[i]))
			goto fail;
		g->pages[i] = pfn_to_page(g->pfns[i]);
	}
	g->vaddr = vmap(g->pages, g->npages, VM_MAP, PAGE_KERNEL);
	if (!g->vaddr)
		goto fail;
	sim_gpadl_created(g, 0);
	return;
fail:
	sim_gpadl_created(g, SIM_STATUS_UNSUCCESSFUL);
	sim_gpadl_free(g);
}

static void sim_gpadl_add_pfns(struct sim_gpadl *g, const u64 *pfns, u32 n)
{
	n = min(n, g->npages - g->have);
	memcpy(g->pfns + g->have, pfns, n * sizeof(u64));
	g->have += n;
	if (g->have == g->npages)
		sim_gpadl_complete(g);
}

static void sim_on_gpadl_header(const struct hvis_chanmsg_gpadl_header *h, u32 len)
{
	struct sim_gpadl *g;
	u32 npages;

	npages = h->byte_count / PAGE_SIZE;
	sim_log("G->H GPADL_HEADER relid=%u gpadl=%#x ranges=%u bytes=%u offset=%u",
		h->child_relid, h->gpadl, h->rangecount, h->byte_count, h->byte_offset);
	if (h->rangecount != 1 || h->byte_offset || h->byte_count % PAGE_SIZE || !npages ||
	    npages > SIM_GPADL_MAX_PAGES || h->range_buflen != 8 + 8 * npages ||
	    !sim_relid_offered(h->child_relid, NULL) || sim_gpadl_find(h->gpadl)) {
		struct sim_gpadl bad = { .handle = h->gpadl, .relid = h->child_relid };

		sim_gpadl_created(&bad, SIM_STATUS_UNSUCCESSFUL);
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (g)
		g->pfns = kvcalloc(npages, sizeof(u64), GFP_KERNEL);
	if (!g || !g->pfns) {
		kfree(g);
		return;
	}
	g->handle = h->gpadl;
	g->relid = h->child_relid;
	g->npages = npages;
	list_add_tail(&g->node, &sim_gpadls);
	sim_gpadl_add_pfns(g, h->pfn, (len - sizeof(*h)) / sizeof(u64));
}

static void sim_on_gpadl_body(const struct hvis_chanmsg_gpadl_body *b, u32 len)
{
	struct sim_gpadl *g = sim_gpadl_find(b->gpadl);

	if (!g || g->have == g->npages) {
		sim_log("G->H GPADL_BODY for unknown gpadl %#x ignored", b->gpadl);
		return;
	}
	sim_gpadl_add_pfns(g, b->pfn, (len - sizeof(*b)) / sizeof(u64));
}

static void sim_chan_close(struct sim_chan *c)
{
	if (!c->open)
		return;
	c->open = false;
	sim_mon_close(c->relid);
	if (c->ic)
		sim_ic_closed(c->relid, c->gen);
	c->ic = false;
	c->raw = false;
	WRITE_ONCE(c->raw_seq, c->raw_seq + 1);
	wake_up_interruptible(&sim_raw_wait);
	mutex_unlock(&sim_chan_lock);
	cancel_work_sync(&c->work);
	mutex_lock(&sim_chan_lock);
	if (c->gpadl)
		c->gpadl->in_use = false;
	c->gpadl = NULL;
	kvfree(c->buf);
	c->buf = NULL;
}

static void sim_on_gpadl_teardown(const struct hvis_chanmsg_gpadl_teardown *t)
{
	struct hvis_chanmsg_gpadl_torndown msg = {
		.hdr.msgtype = HVIS_CHANMSG_GPADL_TORNDOWN,
		.gpadl = t->gpadl,
	};
	struct sim_gpadl *g = sim_gpadl_find(t->gpadl);

	sim_log("G->H GPADL_TEARDOWN relid=%u gpadl=%#x", t->child_relid, t->gpadl);
	if (!g)
		return;
	/* A guest may tear down without closing (after a rescind). */
	if (g->in_use && g->relid >= 1 && g->relid <= SIM_MAX_OFFERS)
		sim_chan_close(&sim_chans[g->relid - 1]);
	sim_gpadl_free(g);
	sim_send(&msg, sizeof(msg));
	sim_log("H->G GPADL_TORNDOWN gpadl=%#x", t->gpadl);
}

static void sim_ring_map(struct sim_ring *r, u8 *base, u32 bytes)
{
	r->ctl = (struct hvis_ring_ctl *)base;
	r->data = base + sizeof(struct hvis_ring_ctl);
	r->size = bytes - sizeof(struct hvis_ring_ctl);
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
	c->echo = guid_equal(class_id, &sim_test_class);
	c->gpadl = g;
	g->in_use = true;
	c->open = true;
	c->gen = ++sim_chan_opens;
	/* Its first request waits for sim_chan_lock: it follows the result. */
	c->ic = !c->echo && sim_ic_opened(c->relid, c->gen, class_id);
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

/* --- the host's ring code ------------------------------------------------------- */

static u32 sim_ring_used(const struct sim_ring *r, u32 w, u32 rd)
{
	return w >= rd ? w - rd : r->size - rd + w;
}

/*
 * Copy @len bytes out of the ring from @at (below the size), wrapping at
 * its end: at most two pieces, as a file copy moves megabytes through here.
 */
static void sim_ring_get(const struct sim_ring *r, u32 at, void *dst, u32 len)
{
	u32 first;

	if (WARN_ON_ONCE(at >= r->size || len > r->size))
		return;
	first = min(len, r->size - at);
	memcpy(dst, r->data + at, first);
	memcpy((u8 *)dst + first, r->data, len - first);
}

/* The same into the ring; no @src writes zeroes. */
static void sim_ring_put(struct sim_ring *r, u32 at, const void *src, u32 len)
{
	u32 first;

	if (WARN_ON_ONCE(at >= r->size || len > r->size))
		return;
	first = min(len, r->size - at);
	if (src) {
		memcpy(r->data + at, src, first);
		memcpy(r->data, (const u8 *)src + first, len - first);
	} else {
		memset(r->data + at, 0, first);
		memset(r->data, 0, len - first);
	}
}

/*
 * The next packet in the guest's send ring, left in place: its descriptor
 * in @d, where it starts in @rd, its length (descriptor, payload, padding;
 * no trailer) in @total.  -EAGAIN when the ring is empty, -EIO when the
 * guest's indices or the descriptor's length make no sense.
 */
static int sim_ring_peek(const struct sim_ring *in, struct hvis_pkt_desc *d, u32 *rd,
			 u32 *total)
{
	u32 w = READ_ONCE(in->ctl->write_index), r = READ_ONCE(in->ctl->read_index);

	if (w >= in->size || r >= in->size || (w | r) & 7)
		return -EIO;
	if (w == r)
		return -EAGAIN;
	virt_rmb();	/* the packet after the index that published it */
	sim_ring_get(in, r, d, sizeof(*d));
	*total = d->len8 * 8;
	if (*total < sizeof(*d) || *total + HVIS_PKT_TRAILER > sim_ring_used(in, w, r))
		return -EIO;
	*rd = r;
	return 0;
}

/* A descriptor whose header length a reader can use to find the payload. */
static bool sim_pkt_offset_ok(const struct hvis_pkt_desc *d, u32 total)
{
	return d->offset8 * 8 >= sizeof(*d) && d->offset8 * 8 <= total;
}

/*
 * The packet at @rd (@total bytes) has been copied out: give its room back.
 * Returns whether the guest must be signalled, because it asked
 * (pending_send_sz) to hear of room and this read crossed its threshold.
 */
static bool sim_ring_consume(struct sim_ring *in, u32 rd, u32 total)
{
	u32 next = (rd + total + HVIS_PKT_TRAILER) % in->size;
	u32 w, pending, free_before, free_after;

	WRITE_ONCE(in->ctl->read_index, next);
	in->packets++;
	virt_mb();	/* the index before looking at what the guest waits for */
	w = READ_ONCE(in->ctl->write_index);
	pending = READ_ONCE(in->ctl->pending_send_sz);
	if (w >= in->size || !pending ||
	    !(READ_ONCE(in->ctl->feature_bits) & HVIS_RING_FEAT_PENDING_SEND_SZ))
		return false;
	free_before = in->size - sim_ring_used(in, w, rd);
	free_after = in->size - sim_ring_used(in, w, next);
	return free_before <= pending && free_after > pending;
}

/*
 * Put one packet of @len bytes (descriptor, payload, padding) into the
 * guest's receive ring.  -EAGAIN when it does not fit now: the ring is
 * never filled completely, as full would look the same as empty.  On
 * success *@signal says whether the guest must be told: it does not mask
 * interrupts and the ring was empty before this packet.
 */
static int sim_ring_write(struct sim_ring *out, const void *pkt, u32 len, bool *signal)
{
	u32 ow = READ_ONCE(out->ctl->write_index), ord = READ_ONCE(out->ctl->read_index);
	u64 trailer = (u64)ow << 32;

	if (ow >= out->size || ord >= out->size || (ow | ord) & 7)
		return -EIO;
	if (out->size - sim_ring_used(out, ow, ord) <= len + HVIS_PKT_TRAILER)
		return -EAGAIN;
	sim_ring_put(out, ow, pkt, len);
	sim_ring_put(out, (ow + len) % out->size, &trailer, sizeof(trailer));
	virt_mb();	/* the packet before the index that publishes it */
	WRITE_ONCE(out->ctl->write_index, (ow + len + HVIS_PKT_TRAILER) % out->size);
	out->packets++;
	virt_mb();	/* the index before looking at the guest's state */
	*signal = !READ_ONCE(out->ctl->interrupt_mask) && READ_ONCE(out->ctl->read_index) == ow;
	return 0;
}

/* Tell the guest about channel @c (under sim_chan_lock). */
static void sim_chan_signal_guest(struct sim_chan *c)
{
	c->interrupts++;
	sim_signal_guest(c->relid, c->target_vp);
}

/*
 * Echo: move packets from the guest's send ring into its receive ring.  A
 * packet is taken only once its echo fits; if it does not, the host asks
 * the guest (pending_send_sz) to signal when there is room.
 */
static void sim_chan_echo(struct sim_chan *c)
{
	struct sim_ring *in = &c->from_guest, *out = &c->to_guest;
	bool signal_guest = false, signal;
	struct hvis_pkt_desc d;
	u32 rd, total;
	int ret;

	for (;;) {
		ret = sim_ring_peek(in, &d, &rd, &total);
		if (ret == -EAGAIN)
			break;
		if (ret || !sim_pkt_offset_ok(&d, total)) {
			sim_log("relid %u: guest wrote a bad packet descriptor", c->relid);
			break;
		}
		sim_ring_get(in, rd, c->buf, total);
		sim_cap_pkt(0, HVCAP_G2H, c->relid, c->buf, total);
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

/* An integration service: every packet the guest sends goes to ic.c. */
static void sim_chan_ic_read(struct sim_chan *c)
{
	struct sim_ring *in = &c->from_guest;
	bool signal_guest = false;
	struct hvis_pkt_desc d;
	u32 rd, total, off;
	int ret;

	for (;;) {
		ret = sim_ring_peek(in, &d, &rd, &total);
		if (ret == -EAGAIN)
			break;
		if (ret || !sim_pkt_offset_ok(&d, total)) {
			sim_log("relid %u: guest wrote a bad packet descriptor", c->relid);
			break;
		}
		sim_ring_get(in, rd, c->buf, total);
		sim_cap_pkt(0, HVCAP_G2H, c->relid, c->buf, total);
		signal_guest |= sim_ring_consume(in, rd, total);
		off = d.offset8 * 8;
		sim_ic_received(c->relid, c->gen, &d, c->buf + off, total - off);
	}
	if (signal_guest)
		sim_chan_signal_guest(c);
}

/*
 * The guest signalled the channel.  Under sim_chan_lock, so that a channel
 * closed meanwhile is seen closed (sim_chan_close drops the lock to wait
 * for this work).
 */
static void sim_chan_work(struct work_struct *work)
{
	struct sim_chan *c = container_of(work, struct sim_chan, work);

	mutex_lock(&sim_chan_lock);
	if (!c->open) {
		mutex_unlock(&sim_chan_lock);
		return;
	}
	/* A raw endpoint reads the ring itself; other classes are not answered. */
	if (c->raw) {
		WRITE_ONCE(c->raw_seq, c->raw_seq + 1);
		wake_up_interruptible(&sim_raw_wait);
	} else if (c->echo) {
		sim_chan_echo(c);
	} else if (c->ic) {
		sim_chan_ic_read(c);
	}
	mutex_unlock(&sim_chan_lock);
}

/*
 * ic.c's way into a channel: one in-band packet carrying @payload (@len
 * bytes) with transaction id @trans_id, into the guest's receive ring of
 * the channel @relid as it was opened the @gen-th time.  -ENOTCONN when
 * that channel is gone (closed, or closed and opened again) or a raw
 * endpoint plays the host; -EAGAIN when the ring has no room now.
 */
int sim_chan_send_inband(u32 relid, u64 gen, const void *payload, u32 len, u64 trans_id)
{
	struct hvis_pkt_desc *d;
	u32 total = sizeof(*d) + ALIGN(len, 8);
	struct sim_chan *c;
	bool signal;
	int ret;

	if (!relid || relid > SIM_MAX_OFFERS)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	c = &sim_chans[relid - 1];
	if (!c->open || c->gen != gen || c->raw) {
		ret = -ENOTCONN;
		goto out;
	}
	/* c->buf holds the whole GPADL, so anything that fits a ring fits it. */
	if (total + HVIS_PKT_TRAILER >= c->to_guest.size || total / 8 > U16_MAX) {
		ret = -EMSGSIZE;
		goto out;
	}
	d = (struct hvis_pkt_desc *)c->buf;
	memset(d, 0, total);
	d->type = HVIS_PKT_DATA_INBAND;
	d->offset8 = sizeof(*d) / 8;
	d->len8 = total / 8;
	d->trans_id = trans_id;
	memcpy(c->buf + sizeof(*d), payload, len);
	ret = sim_ring_write(&c->to_guest, c->buf, total, &signal);
	sim_cap_pkt(ret, HVCAP_H2G, relid, c->buf, total);
	if (!ret && signal)
		sim_chan_signal_guest(c);
out:
	mutex_unlock(&sim_chan_lock);
	return ret;
}

/*
 * A broken host: damage the guest's receive ring of an open channel, then
 * signal it.  "index" puts the write index past the ring, "misaligned" off
 * 8 bytes, "desc" publishes a descriptor claiming far more than was
 * written, "big" a valid packet larger than the test driver's buffer,
 * "comp" a completion for a transaction the guest never started.
 */
int sim_chan_corrupt(u32 relid, const char *kind)
{
	struct hvis_pkt_desc d = { .type = HVIS_PKT_DATA_INBAND, .offset8 = 2 };
	struct sim_chan *c;
	struct sim_ring *out;
	u32 ow, len;
	u64 trailer;
	int ret = 0;

	if (!relid || relid > SIM_MAX_OFFERS)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	c = &sim_chans[relid - 1];
	if (!c->open) {
		ret = -ENOTCONN;
		goto out;
	}
	out = &c->to_guest;
	ow = READ_ONCE(out->ctl->write_index);
	if (!strcmp(kind, "index")) {
		WRITE_ONCE(out->ctl->write_index, out->size + 64);
	} else if (!strcmp(kind, "misaligned")) {
		WRITE_ONCE(out->ctl->write_index, (ow + 4) % out->size);
	} else if (!strcmp(kind, "desc") || !strcmp(kind, "big") || !strcmp(kind, "comp")) {
		len = !strcmp(kind, "big") ? out->size / 4 * 3 : 32;
		d.len8 = !strcmp(kind, "desc") ? 0xffff : len / 8;
		if (!strcmp(kind, "comp")) {
			d.type = HVIS_PKT_COMP;
			d.trans_id = 0xdead;
		}
		sim_ring_put(out, ow, &d, sizeof(d));
		sim_ring_put(out, (ow + sizeof(d)) % out->size, NULL, len - sizeof(d));
		trailer = (u64)ow << 32;
		sim_ring_put(out, (ow + len) % out->size, &trailer, sizeof(trailer));
		virt_mb();	/* the packet before the index that publishes it */
		WRITE_ONCE(out->ctl->write_index, (ow + len + HVIS_PKT_TRAILER) % out->size);
	} else {
		ret = -EINVAL;
		goto out;
	}
	sim_log("H->G corrupted relid %u receive ring: %s", relid, kind);
	sim_chan_signal_guest(c);
out:
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

unsigned int sim_chan_gpadl_count(void)
{
	struct sim_gpadl *g;
	unsigned int n = 0;

	mutex_lock(&sim_chan_lock);
	list_for_each_entry(g, &sim_gpadls, node)
		n++;
	mutex_unlock(&sim_chan_lock);
	return n;
}

bool sim_chan_is_open(u32 relid)
{
	return relid >= 1 && relid <= SIM_MAX_OFFERS && READ_ONCE(sim_chans[relid - 1].open);
}

/* The guest is gone (UNLOAD, new contact): drop every channel and GPADL. */
void sim_chan_reset(void)
{
	struct sim_gpadl *g, *tmp;
	u32 i;

	mutex_lock(&sim_chan_lock);
	for (i = 0; i < SIM_MAX_OFFERS; i++)
		sim_chan_close(&sim_chans[i]);
	list_for_each_entry_safe(g, tmp, &sim_gpadls, node)
		sim_gpadl_free(g);
	sim_ic_reset();
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
	struct sim_gpadl *g, *tmp;
	unsigned int n = 0;

	if (!relid || relid > SIM_MAX_OFFERS)
		return;
	mutex_lock(&sim_chan_lock);
	sim_chan_close(&sim_chans[relid - 1]);
	list_for_each_entry_safe(g, tmp, &sim_gpadls, node) {
		if (g->relid != relid)
			continue;
		sim_gpadl_free(g);
		n++;
	}
	mutex_unlock(&sim_chan_lock);
	if (n)
		sim_log("relid %u rescinded: %u GPADL%s revoked", relid, n, n == 1 ? "" : "s");
}

/* --- the raw host endpoint ----------------------------------------------------- */

struct sim_raw {
	u32 relid;	/* 0 until attached */
};

static struct sim_chan *sim_raw_chan(struct sim_raw *r)
{
	struct sim_chan *c = r->relid ? &sim_chans[r->relid - 1] : NULL;

	return c && c->open && c->raw ? c : NULL;
}

static int sim_raw_open(struct inode *inode, struct file *file)
{
	struct sim_raw *r = kzalloc(sizeof(*r), GFP_KERNEL);

	file->private_data = r;
	return r ? 0 : -ENOMEM;
}

static int sim_raw_release(struct inode *inode, struct file *file)
{
	struct sim_raw *r = file->private_data;

	mutex_lock(&sim_chan_lock);
	if (r->relid) {
		sim_chans[r->relid - 1].raw = false;
		/* Whatever waits in the ring goes to the channel's own behaviour. */
		if (sim_chans[r->relid - 1].open)
			schedule_work(&sim_chans[r->relid - 1].work);
	}
	mutex_unlock(&sim_chan_lock);
	kfree(r);
	return 0;
}

static long sim_raw_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	u32 relid;
	int ret = 0;

	if (cmd != HVSIM_IOC_ATTACH)
		return -ENOTTY;
	if (copy_from_user(&relid, (void __user *)arg, sizeof(relid)))
		return -EFAULT;
	if (!relid || relid > SIM_MAX_OFFERS || r->relid)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	c = &sim_chans[relid - 1];
	if (!c->open)
		ret = -ENOTCONN;
	else if (c->raw)
		ret = -EBUSY;
	else
		c->raw = true;
	mutex_unlock(&sim_chan_lock);
	if (!ret) {
		r->relid = relid;
		sim_log("raw endpoint attached to relid %u", relid);
	}
	return ret;
}

/* One packet from the guest's send ring, or -EAGAIN. Under sim_chan_lock. */
static ssize_t sim_raw_take(struct sim_chan *c, char __user *ubuf, size_t len)
{
	struct hvis_pkt_desc d;
	u32 rd, total;
	int ret;

	ret = sim_ring_peek(&c->from_guest, &d, &rd, &total);
	if (ret)
		return ret;
	if (len < total)
		return -EMSGSIZE;
	sim_ring_get(&c->from_guest, rd, c->buf, total);
	sim_cap_pkt(0, HVCAP_G2H, c->relid, c->buf, total);
	if (copy_to_user(ubuf, c->buf, total))
		return -EFAULT;
	if (sim_ring_consume(&c->from_guest, rd, total))
		sim_chan_signal_guest(c);
	return total;
}

static ssize_t sim_raw_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	unsigned int seq;
	ssize_t ret;

	if (!r->relid)
		return -ENOTCONN;
	/* The array outlives every file: @c stays a valid pointer. */
	c = &sim_chans[r->relid - 1];
	for (;;) {
		mutex_lock(&sim_chan_lock);
		seq = c->raw_seq;
		ret = sim_raw_chan(r) ? sim_raw_take(c, ubuf, len) : -ENOTCONN;
		mutex_unlock(&sim_chan_lock);
		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			return ret;
		if (wait_event_interruptible(sim_raw_wait, READ_ONCE(c->raw_seq) != seq))
			return -ERESTARTSYS;
	}
}

static ssize_t sim_raw_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	bool signal;
	ssize_t ret = len;
	int err;

	if (len < sizeof(struct hvis_pkt_desc) || len % 8 || len > SIM_RAW_MAX_BYTES)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	c = sim_raw_chan(r);
	if (!c) {
		ret = -ENOTCONN;
		goto out;
	}
	if (len + HVIS_PKT_TRAILER >= c->to_guest.size) {
		ret = -EAGAIN;	/* larger than the ring (and c->buf): never fits */
		goto out;
	}
	if (copy_from_user(c->buf, ubuf, len)) {
		ret = -EFAULT;
		goto out;
	}
	err = sim_ring_write(&c->to_guest, c->buf, len, &signal);
	sim_cap_pkt(err, HVCAP_H2G, c->relid, c->buf, len);
	if (err) {
		ret = err;
		goto out;
	}
	if (signal)
		sim_chan_signal_guest(c);
	sim_log("H->G raw packet of %zu bytes on relid %u", len, c->relid);
out:
	mutex_unlock(&sim_chan_lock);
	return ret;
}

static __poll_t sim_raw_poll(struct file *file, poll_table *wait)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	__poll_t mask = 0;

	poll_wait(file, &sim_raw_wait, wait);
	mutex_lock(&sim_chan_lock);
	c = sim_raw_chan(r);
	if (!c)
		mask = EPOLLERR;
	else if (READ_ONCE(c->from_guest.ctl->write_index) !=
		 READ_ONCE(c->from_guest.ctl->read_index))
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&sim_chan_lock);
	return mask | EPOLLOUT;
}

static const struct file_operations sim_raw_fops = {
	.owner		= THIS_MODULE,
	.open		= sim_raw_open,
	.release	= sim_raw_release,
	.read		= sim_raw_read,
	.write		= sim_raw_write,
	.poll		= sim_raw_poll,
	.unlocked_ioctl	= sim_raw_ioctl,
	.llseek		= noop_llseek,
};

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
	debugfs_create_file("raw", 0600, dir, NULL, &sim_raw_fops);
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
