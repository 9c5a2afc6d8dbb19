// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels: GPADLs, open and close, packets in and out, and the event path
 * from the host (SynIC event flags) to the driver's callback.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include <hvis/vmbus.h>

#include "ring.h"
#include "vmbus_priv.h"

struct hvis_channel_rings {
	struct hvis_ring out;	/* guest to host */
	struct hvis_ring in;	/* host to guest */
};

/* Open channels by relid, for the interrupt path (RCU). */
static struct hvis_channel __rcu *hvis_open_channels[HVIS_MAX_RELID];
static atomic_t hvis_next_gpadl = ATOMIC_INIT(HVIS_GPADL_FIRST_HANDLE - 1);

#define HVIS_RING_MAX_BYTES	(2 << 20)	/* per direction */

static struct hvis_channel_rings *hvis_channel_take_rings(struct hvis_channel *ch);

/*
 * The host may still map @ch's rings: they are never freed (README,
 * "Channels").  kmemleak is told it is meant.
 */
static void hvis_channel_keep_rings(struct hvis_channel *ch)
{
	kmemleak_not_leak(ch->ring_mem);
	ch->ring_mem = NULL;
}

/* One range covering @pages pages of vmalloc memory at @buf. */
static int hvis_gpadl_create(struct hvis_channel *ch, void *buf, u32 pages, u32 *handle)
{
	struct hvis_chanmsg_gpadl_header *hdr;
	struct hvis_chanmsg_gpadl_body *body;
	struct hvis_msg_waiter *w;
	u32 n, done, i;
	u8 *msg;
	int ret;

	msg = kzalloc(HVIS_MESSAGE_PAYLOAD_SIZE, GFP_KERNEL);
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!msg || !w) {
		ret = -ENOMEM;
		goto out;
	}
	*handle = atomic_inc_return(&hvis_next_gpadl);

	hdr = (void *)msg;
	hdr->hdr.msgtype = HVIS_CHANMSG_GPADL_HEADER;
	hdr->child_relid = ch->relid;
	hdr->gpadl = *handle;
	hdr->range_buflen = 8 + 8 * pages;
	hdr->rangecount = 1;
	hdr->byte_count = pages * PAGE_SIZE;
	hdr->byte_offset = 0;
	n = min_t(u32, pages, HVIS_GPADL_HEADER_MAX_PFNS);
	for (i = 0; i < n; i++)
		hdr->pfn[i] = vmalloc_to_pfn((u8 *)buf + i * PAGE_SIZE);

	hvis_waiter_init(w, HVIS_CHANMSG_GPADL_CREATED, *handle, false);
	hvis_waiter_add(w);
	ret = hvis_send(hdr, sizeof(*hdr) + 8 * n);
	/* The bodies follow back to back; the host answers once all are in. */
	for (done = n; !ret && done < pages; done += n) {
		memset(msg, 0, HVIS_MESSAGE_PAYLOAD_SIZE);
		body = (void *)msg;
		body->hdr.msgtype = HVIS_CHANMSG_GPADL_BODY;
		body->gpadl = *handle;
		n = min_t(u32, pages - done, HVIS_GPADL_BODY_MAX_PFNS);
		for (i = 0; i < n; i++)
			body->pfn[i] = vmalloc_to_pfn((u8 *)buf + (done + i) * PAGE_SIZE);
		ret = hvis_send(body, sizeof(*body) + 8 * n);
	}
	if (ret) {
		hvis_waiter_del(w);
		goto out;
	}
	ret = hvis_waiter_wait(w);
	if (ret)
		pr_err_ratelimited("relid %u: no GPADL_CREATED for %#x\n", ch->relid, *handle);
	else if (((struct hvis_chanmsg_gpadl_created *)w->msg.buf)->creation_status)
		ret = -EIO;
out:
	kfree(w);
	kfree(msg);
	return ret;
}

static int hvis_gpadl_teardown(struct hvis_channel *ch, u32 handle)
{
	struct hvis_chanmsg_gpadl_teardown msg = {
		.hdr.msgtype = HVIS_CHANMSG_GPADL_TEARDOWN,
		.child_relid = ch->relid,
		.gpadl = handle,
	};
	struct hvis_chanmsg_gpadl_torndown resp;

	return hvis_request(&msg, sizeof(msg), HVIS_CHANMSG_GPADL_TORNDOWN, handle,
			    &resp, sizeof(resp));
}

static void hvis_channel_cb_work(struct work_struct *work)
{
	struct hvis_channel *ch = container_of(work, struct hvis_channel, cb_work);

	ch->onchannel(ch, ch->ctx);
}

/*
 * A channel the host gave a monitor id is signalled through the monitor
 * page the guest handed over for its notifications (child to parent): the
 * channel's bit in the send half of the interrupt page, as for any shared
 * interrupt, and its bit in the page's trigger group.  No hypercall: the
 * host polls the page, and batching signals into one poll is what the
 * host asked for by monitoring the channel.  The id was checked when the
 * offer came; it is checked again here, as it indexes the page.
 */
static bool hvis_channel_signal_monitor(struct hvis_channel *ch)
{
	struct hvis_monitor_page *mp = hvis_conn.monitor_pages[1];
	u8 id = ch->offer.monitorid;

	if (!(ch->offer.monitor_allocated & 1) || id >= HVIS_MAX_MONITOR_ID || !mp)
		return false;
	set_bit(ch->relid, (unsigned long *)((u8 *)hvis_conn.int_page + PAGE_SIZE / 2));
	ch->events++;
	/* pending is the first half of an 8-aligned u64: bits 0..31 of that long. */
	set_bit(id % 32, (unsigned long *)&mp->trigger_group[id / 32].pending);
	return true;
}

/*
 * Tell the host there is something for it on @ch.  Below 1.1 the host has
 * a single event connection and learns which channel from its bit in the
 * send half of the shared interrupt page (an offer's connection id and
 * dedicated-interrupt flag mean nothing yet); later, the channel's own
 * connection id, plus that bit if the channel has no dedicated interrupt.
 */
static void hvis_channel_signal(struct hvis_channel *ch)
{
	bool legacy = hvis_conn.version < HVIS_VMBUS_WIN7;
	u32 conn = legacy ? HVIS_VMBUS_EVENT_CONNECTION_ID : ch->offer.connection_id;

	if (hvis_channel_signal_monitor(ch))
		return;
	if (legacy || !(ch->offer.is_dedicated_interrupt & 1))
		set_bit(ch->relid, (unsigned long *)((u8 *)hvis_conn.int_page + PAGE_SIZE / 2));
	ch->events++;
	hvis_signal_event(conn);
}

static u32 hvis_ring_bytes(u32 bytes)
{
	return PAGE_ALIGN(bytes) + PAGE_SIZE;	/* plus the control page */
}

/* hvis_channel_open(), under ch->open_lock. */
static int __hvis_channel_open(struct hvis_channel *ch, u32 send_bytes, u32 recv_bytes,
			       void (*onchannel)(struct hvis_channel *ch, void *ctx), void *ctx)
{
	struct hvis_chanmsg_open msg = {};
	struct hvis_chanmsg_open_result result;
	struct hvis_channel_rings *rings;
	u32 sb = hvis_ring_bytes(send_bytes), rb = hvis_ring_bytes(recv_bytes);
	unsigned long flags;
	int ret;

	if (ch->opened)
		return -EBUSY;
	if (ch->rescinded)
		return -ENODEV;	/* the host took it back: there is no relid to open */
	if (!send_bytes || !recv_bytes || sb > HVIS_RING_MAX_BYTES || rb > HVIS_RING_MAX_BYTES)
		return -EINVAL;
	rings = kzalloc(sizeof(*rings), GFP_KERNEL);
	ch->ring_mem = vzalloc(sb + rb);
	if (!rings || !ch->ring_mem) {
		kfree(rings);
		ret = -ENOMEM;
		goto err_free;
	}
	ch->send_bytes = sb;
	ch->recv_bytes = rb;
	hvis_ring_init(&rings->out, ch->ring_mem, sb);
	hvis_ring_init(&rings->in, (u8 *)ch->ring_mem + sb, rb);
	mutex_lock(&ch->recv_lock);
	spin_lock_irqsave(&ch->send_lock, flags);
	ch->rings = rings;
	spin_unlock_irqrestore(&ch->send_lock, flags);
	mutex_unlock(&ch->recv_lock);
	ch->onchannel = onchannel;
	ch->ctx = ctx;
	ch->broken = false;
	xa_init_flags(&ch->requests, XA_FLAGS_ALLOC1);
	INIT_WORK(&ch->cb_work, hvis_channel_cb_work);

	ret = hvis_gpadl_create(ch, ch->ring_mem, (sb + rb) >> PAGE_SHIFT, &ch->gpadl);
	/*
	 * Nothing was sent (-ENOMEM) or the host said no (-EIO): the memory is
	 * ours.  Otherwise the host may have made the GPADL after all and map
	 * the pages: take it back, or keep them.
	 */
	if (ret && ret != -ENOMEM && ret != -EIO && hvis_gpadl_teardown(ch, ch->gpadl)) {
		pr_err("relid %u: GPADL %#x unconfirmed, not torn down: %u bytes kept\n",
		       ch->relid, ch->gpadl, sb + rb);
		hvis_channel_keep_rings(ch);
	}
	if (ret)
		goto err_free;

	rcu_assign_pointer(hvis_open_channels[ch->relid], ch);
	msg.hdr.msgtype = HVIS_CHANMSG_OPENCHANNEL;
	msg.child_relid = ch->relid;
	msg.openid = ch->relid;
	msg.ringbuffer_gpadl = ch->gpadl;
	msg.target_vp = hvis_hv_vp_index(ch->target_cpu);
	msg.downstream_page_offset = sb >> PAGE_SHIFT;
	ret = hvis_request(&msg, sizeof(msg), HVIS_CHANMSG_OPENCHANNEL_RESULT, ch->relid,
			   &result, sizeof(result));
	if (!ret && result.status)
		ret = -EIO;
	if (ret)
		goto err_gpadl;
	WRITE_ONCE(ch->opened, true);
	/*
	 * The host may write and signal as soon as it has opened its side,
	 * before its result reached us: a callback run then found the channel
	 * not yet open.  Run it once more, now that it is.
	 */
	queue_work(system_highpri_wq, &ch->cb_work);
	return 0;

err_gpadl:
	RCU_INIT_POINTER(hvis_open_channels[ch->relid], NULL);
	synchronize_rcu();
	cancel_work_sync(&ch->cb_work);
	/* A host that never answered may still own the memory: keep it. */
	if (hvis_gpadl_teardown(ch, ch->gpadl))
		hvis_channel_keep_rings(ch);
err_free:
	vfree(ch->ring_mem);
	ch->ring_mem = NULL;
	kfree(hvis_channel_take_rings(ch));
	return ret;
}

/**
 * hvis_channel_open() - open a channel with a ring in each direction
 * @ch: the channel (a device's, or one of its sub-channels)
 * @send_bytes: data bytes of the guest-to-host ring (rounded up to pages)
 * @recv_bytes: data bytes of the host-to-guest ring
 * @onchannel: called in process context when the host signals the channel
 * @ctx: passed to @onchannel
 *
 * Return: 0, or a negative errno (-EIO: the host refused; -ENODEV: it has
 * rescinded the channel).
 */
int hvis_channel_open(struct hvis_channel *ch, u32 send_bytes, u32 recv_bytes,
		      void (*onchannel)(struct hvis_channel *ch, void *ctx), void *ctx)
{
	int ret;

	mutex_lock(&ch->open_lock);
	ret = __hvis_channel_open(ch, send_bytes, recv_bytes, onchannel, ctx);
	mutex_unlock(&ch->open_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_channel_open);

/*
 * Ring memory of rescinded channels, by relid, until the relid is
 * released.  A rescind means the host has revoked the channel's GPADLs
 * itself: it answers no GPADL_TEARDOWN for them, and none is sent.  The
 * guest's last word on the channel is RELID_RELEASED; only after it has
 * been sent is the host certain to have let go of every page (it may
 * finish revoking any time up to then), so only then are they freed.
 */
static DEFINE_XARRAY(hvis_parked_rings);

/* The relid of a rescinded channel was released: its rings can go. */
void hvis_channel_relid_released(u32 relid)
{
	vfree(xa_erase(&hvis_parked_rings, relid));
}

static void __hvis_channel_close(struct hvis_channel *ch)
{
	struct hvis_chanmsg_relid msg = {
		.hdr.msgtype = HVIS_CHANMSG_CLOSECHANNEL,
		.child_relid = ch->relid,
	};

	if (!ch->opened)
		return;
	ch->opened = false;
	RCU_INIT_POINTER(hvis_open_channels[ch->relid], NULL);
	synchronize_rcu();
	cancel_work_sync(&ch->cb_work);

	/* Also after a rescind: the host expects it before the relid is released. */
	if (hvis_send(&msg, sizeof(msg)))
		pr_err_ratelimited("relid %u: CLOSECHANNEL failed\n", ch->relid);
	if (ch->rescinded) {
		if (xa_insert(&hvis_parked_rings, ch->relid, ch->ring_mem, GFP_KERNEL)) {
			pr_err("relid %u: rescinded; its %u bytes of rings stay allocated\n",
			       ch->relid, ch->send_bytes + ch->recv_bytes);
			hvis_channel_keep_rings(ch);
		}
		ch->ring_mem = NULL;
	} else if (hvis_gpadl_teardown(ch, ch->gpadl)) {
		/* The host may still write into the rings: never free them. */
		pr_err("relid %u: GPADL %#x not torn down; its %u bytes stay allocated\n",
		       ch->relid, ch->gpadl, ch->send_bytes + ch->recv_bytes);
		hvis_channel_keep_rings(ch);
	}
	vfree(ch->ring_mem);
	ch->ring_mem = NULL;
	kfree(hvis_channel_take_rings(ch));
	/* Requests never completed: their memory is the driver's, the ids ours. */
	xa_destroy(&ch->requests);
}

/*
 * The driver's close and the core's (a rescind) can meet: the lock makes
 * the second find the channel closed.
 */
void hvis_channel_close(struct hvis_channel *ch)
{
	mutex_lock(&ch->open_lock);
	__hvis_channel_close(ch);
	mutex_unlock(&ch->open_lock);
}
EXPORT_SYMBOL_GPL(hvis_channel_close);

static void hvis_channel_broken(struct hvis_channel *ch, const char *what)
{
	if (!ch->broken)
		pr_err_ratelimited("relid %u: the host corrupted the %s ring; channel stopped\n",
				   ch->relid, what);
	ch->broken = true;
}

/**
 * hvis_channel_send() - queue one in-band packet for the host
 * @ch: an open channel
 * @buf: payload
 * @len: its length
 * @trans_id: transaction id (echoed by a completion)
 * @completion: ask the host for a completion packet
 *
 * Return: 0; -EAGAIN if the ring is full now; -EIO if the channel is broken.
 */
int hvis_channel_send(struct hvis_channel *ch, const void *buf, u32 len, u64 trans_id,
		      bool completion)
{
	unsigned long flags;
	bool signal;
	int ret;

	if (!ch->opened || ch->broken)
		return -EIO;
	spin_lock_irqsave(&ch->send_lock, flags);
	ret = hvis_ring_write(&ch->rings->out, HVIS_PKT_DATA_INBAND,
			      completion ? HVIS_PKT_FLAG_COMPLETION_REQUESTED : 0,
			      trans_id, buf, len, &signal);
	/*
	 * Full: ask the host to signal once it has made this much room, so
	 * that a sender waiting in its callback is woken; satisfied: stop
	 * asking.
	 */
	if (ret == -EAGAIN) {
		ch->out_full_total++;
		WRITE_ONCE(ch->rings->out.ctl->pending_send_sz,
			   ALIGN(sizeof(struct hvis_pkt_desc) + len, 8) + HVIS_PKT_TRAILER);
	} else if (!ret && READ_ONCE(ch->rings->out.ctl->pending_send_sz)) {
		WRITE_ONCE(ch->rings->out.ctl->pending_send_sz, 0);
	}
	spin_unlock_irqrestore(&ch->send_lock, flags);
	if (ret == -EIO)
		hvis_channel_broken(ch, "outbound");
	else if (!ret && signal)
		hvis_channel_signal(ch);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_channel_send);

/**
 * hvis_channel_recv() - take one packet from the host
 * @ch: an open channel
 * @buf: receives the payload
 * @buflen: its size
 * @len: receives the payload length (or, with -ENOBUFS, the size needed)
 * @trans_id: receives the transaction id
 *
 * Return: 0; -EAGAIN if there is none; -ENOBUFS if @buf is too small (the
 * packet stays); -EIO if the channel is broken.
 */
int hvis_channel_recv(struct hvis_channel *ch, void *buf, u32 buflen, u32 *len,
		      u64 *trans_id)
{
	struct hvis_pkt_info info;
	int ret;

	ret = hvis_channel_recv_pkt(ch, buf, buflen, &info);
	*len = info.len;
	*trans_id = info.trans_id;
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_channel_recv);

/**
 * hvis_channel_recv_pkt() - take one packet from the host, with its details
 * @ch: an open channel
 * @buf: receives the payload
 * @buflen: its size
 * @info: receives length, type, transaction id and, for a completion, the
 *	request it completes
 *
 * A completion is accepted only for a transaction id this channel issued
 * and has not seen completed; any other is dropped with a log line, so a
 * host can never make the guest act on a request it did not make.
 *
 * Return: 0; -EAGAIN if there is none; -ENOBUFS if @buf is too small (the
 * packet stays); -EBADMSG if a packet was dropped; -EIO if the channel is
 * broken.
 */
int hvis_channel_recv_pkt(struct hvis_channel *ch, void *buf, u32 buflen,
			  struct hvis_pkt_info *info)
{
	struct hvis_pkt_desc d;
	bool signal;
	int ret;

	memset(info, 0, sizeof(*info));
	if (!ch->opened || ch->broken)
		return -EIO;
	mutex_lock(&ch->recv_lock);
	ret = hvis_ring_read(&ch->rings->in, buf, buflen, &info->len, &d, &signal);
	mutex_unlock(&ch->recv_lock);
	if (ret == -EIO) {
		hvis_channel_broken(ch, "inbound");
		return ret;
	}
	if (ret)
		return ret;
	if (signal)
		hvis_channel_signal(ch);
	info->type = d.type;
	info->trans_id = d.trans_id;
	if (d.type == HVIS_PKT_COMP) {
		info->request = d.trans_id <= U32_MAX ?
				xa_erase(&ch->requests, (unsigned long)d.trans_id) : NULL;
		if (!info->request) {
			pr_err_ratelimited("relid %u: completion for unknown transaction id %llu dropped\n",
					   ch->relid, d.trans_id);
			return -EBADMSG;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(hvis_channel_recv_pkt);

/**
 * hvis_channel_skip() - drop the next packet from the host unread
 * @ch: an open channel
 *
 * For a packet hvis_channel_recv() refused as too large for the caller.
 *
 * Return: as hvis_channel_recv_pkt().
 */
int hvis_channel_skip(struct hvis_channel *ch)
{
	struct hvis_pkt_info info;

	return hvis_channel_recv_pkt(ch, NULL, 0, &info);
}
EXPORT_SYMBOL_GPL(hvis_channel_skip);

/**
 * hvis_channel_send_request() - send a packet that asks for a completion
 * @ch: an open channel
 * @buf: payload
 * @len: its length
 * @request: handed back, once, with the completion (hvis_channel_recv_pkt)
 *
 * Return: as hvis_channel_send(); -ENOMEM if no id is free.
 */
int hvis_channel_send_request(struct hvis_channel *ch, const void *buf, u32 len,
			      void *request)
{
	u32 id;
	int ret;

	if (!request)
		return -EINVAL;
	ret = xa_alloc_cyclic(&ch->requests, &id, request, xa_limit_31b, &ch->next_request,
			      GFP_KERNEL);
	if (ret < 0)
		return ret;
	ret = hvis_channel_send(ch, buf, len, id, true);
	if (ret)
		xa_erase(&ch->requests, id);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_channel_send_request);

/**
 * hvis_channel_set_cpu() - deliver the channel's interrupts to another CPU
 * @ch: the channel
 * @cpu: an online CPU
 *
 * An open channel is moved with MODIFYCHANNEL, which hosts speak from 4.1
 * on (and confirm from 5.3 on); a closed one just opens there later.
 *
 * Return: 0; -EOPNOTSUPP on an older host; -EINVAL for an offline CPU; or
 * what the host said.
 */
int hvis_channel_set_cpu(struct hvis_channel *ch, unsigned int cpu)
{
	struct hvis_chanmsg_modifychannel msg = {
		.hdr.msgtype = HVIS_CHANMSG_MODIFYCHANNEL,
		.child_relid = ch->relid,
	};
	struct hvis_chanmsg_modifychannel_response resp;
	int ret;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	if (!ch->opened) {
		ch->target_cpu = cpu;
		return 0;
	}
	if (hvis_conn.version < HVIS_VMBUS_WIN10_V4_1) {
		pr_warn_ratelimited("relid %u: moving an open channel needs a host with VMBus 4.1 or newer (this one speaks %u.%u)\n",
				    ch->relid, HVIS_VMBUS_MAJOR(hvis_conn.version),
				    HVIS_VMBUS_MINOR(hvis_conn.version));
		return -EOPNOTSUPP;
	}
	msg.target_vp = hvis_hv_vp_index(cpu);
	if (hvis_conn.version < HVIS_VMBUS_WIN10_V5_3) {
		/* No answer before 5.3: the host just does it. */
		ret = hvis_send(&msg, sizeof(msg));
		goto out;
	}
	ret = hvis_request(&msg, sizeof(msg), HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE, ch->relid,
			   &resp, sizeof(resp));
	if (!ret && resp.status)
		ret = -EIO;
out:
	if (!ret)
		ch->target_cpu = cpu;
	return ret;
}

/* For sysfs: bytes waiting to be read, and room to write (0 when closed). */
u32 hvis_channel_read_avail(struct hvis_channel *ch)
{
	struct hvis_ring *r;
	u32 n = 0;

	mutex_lock(&ch->recv_lock);
	if (ch->rings) {
		r = &ch->rings->in;
		n = hvis_ring_used(READ_ONCE(r->ctl->write_index) % r->size, r->priv_index,
				   r->size);
	}
	mutex_unlock(&ch->recv_lock);
	return n;
}

u32 hvis_channel_write_avail(struct hvis_channel *ch)
{
	unsigned long flags;
	struct hvis_ring *r;
	u32 n = 0;

	spin_lock_irqsave(&ch->send_lock, flags);
	if (ch->rings) {
		r = &ch->rings->out;
		n = hvis_ring_free(r->priv_index, READ_ONCE(r->ctl->read_index) % r->size,
				   r->size);
	}
	spin_unlock_irqrestore(&ch->send_lock, flags);
	return n;
}

/* Unhook the rings from @ch under both locks; sysfs readers then see none. */
static struct hvis_channel_rings *hvis_channel_take_rings(struct hvis_channel *ch)
{
	struct hvis_channel_rings *rings;
	unsigned long flags;

	mutex_lock(&ch->recv_lock);
	spin_lock_irqsave(&ch->send_lock, flags);
	rings = ch->rings;
	ch->rings = NULL;
	spin_unlock_irqrestore(&ch->send_lock, flags);
	mutex_unlock(&ch->recv_lock);
	return rings;
}

/*
 * From the SynIC interrupt, hard interrupt context: the event flags name
 * the channels the host signalled.  From 2.4 on each channel has its bit
 * in the SINT2 area of the event page.  Before that the host sets the
 * channel's bit in the receive half of the shared interrupt page and bit 0
 * of the SINT2 area; only that bit says the page is worth a look (the
 * interrupt may be for a message alone).
 */
void hvis_channel_isr(void *event_page)
{
	unsigned long *sint2, *flags, *int_page;
	struct hvis_channel *ch;
	unsigned int relid;

	if (!event_page)
		return;
	sint2 = (unsigned long *)((u8 *)event_page +
				  HVIS_VMBUS_MESSAGE_SINT * HVIS_EVENT_FLAGS_BYTES);
	/* The interrupt page lives until hvis_conn_free() has seen this end. */
	rcu_read_lock();
	int_page = READ_ONCE(hvis_conn.int_page);
	if (READ_ONCE(hvis_conn.version) >= HVIS_VMBUS_WIN8)
		flags = sint2;
	else if (int_page && test_and_clear_bit(0, sint2))
		flags = int_page;
	else
		goto out;

	for_each_set_bit(relid, flags, HVIS_MAX_RELID) {
		if (!relid || !test_and_clear_bit(relid, flags))
			continue;
		ch = rcu_dereference(hvis_open_channels[relid]);
		if (!ch)
			continue;
		ch->interrupts++;
		queue_work(system_highpri_wq, &ch->cb_work);
	}
out:
	rcu_read_unlock();
}
