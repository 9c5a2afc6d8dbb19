// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMBus ring buffers, guest side.  Pure memory work, no locking (callers
 * serialise each direction) and no knowledge of channels, so that the KUnit
 * suite can take it as it is.
 *
 * The host shares the control page and the data area and may write any
 * value anywhere at any time.  So our own index (write index of the
 * outbound ring, read index of the inbound one) is kept privately and only
 * published; the host's index is read once per operation and checked; and
 * packets are copied out before anything in them is believed.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "ring.h"

void hvis_ring_init(struct hvis_ring *r, void *pages, u32 bytes)
{
	memset(pages, 0, bytes);
	r->ctl = pages;
	r->data = (u8 *)pages + sizeof(struct hvis_ring_ctl);
	r->size = bytes - sizeof(struct hvis_ring_ctl);
	r->priv_index = 0;
	r->ctl->feature_bits = HVIS_RING_FEAT_PENDING_SEND_SZ;
}

/* Bytes a reader can read with indices @w and @r in a data area of @size. */
u32 hvis_ring_used(u32 w, u32 r, u32 size)
{
	return w >= r ? w - r : size - r + w;
}

/* Free bytes; a writer may use strictly less (full must not look empty). */
u32 hvis_ring_free(u32 w, u32 r, u32 size)
{
	return size - hvis_ring_used(w, r, size);
}

/* An index from the host is usable only inside the data area, 8-aligned. */
bool hvis_ring_index_ok(u32 idx, u32 size)
{
	return idx < size && !(idx & 7);
}

/* Writer to reader: only when the reader may sleep on an empty ring. */
bool hvis_ring_signal_after_write(u32 old_w, u32 r, u32 interrupt_mask)
{
	return !interrupt_mask && r == old_w;
}

/* Reader to writer: only when free space crosses what the writer waits for. */
bool hvis_ring_signal_after_read(u32 size, u32 w, u32 r_before, u32 r_after,
				 u32 pending_send_sz, u32 feature_bits)
{
	u32 before, after;

	if (!(feature_bits & HVIS_RING_FEAT_PENDING_SEND_SZ) || !pending_send_sz)
		return false;
	before = hvis_ring_free(w, r_before, size);
	after = hvis_ring_free(w, r_after, size);
	return before <= pending_send_sz && after > pending_send_sz;
}

/**
 * hvis_ring_check_desc() - may a packet with this descriptor be read?
 * @d: the descriptor, copied out of the ring
 * @avail: bytes the writer has published
 *
 * Return: 0, or -EIO if the host wrote a descriptor that cannot be right.
 */
int hvis_ring_check_desc(const struct hvis_pkt_desc *d, u32 avail)
{
	u32 hdr = d->offset8 * 8, len = d->len8 * 8;

	if (hdr < sizeof(*d) || hdr > len)
		return -EIO;
	if ((u64)len + HVIS_PKT_TRAILER > avail)
		return -EIO;
	return 0;
}

static void ring_copy_in(struct hvis_ring *r, u32 at, const void *src, u32 len)
{
	u32 first = min(len, r->size - at);

	memcpy(r->data + at, src, first);
	memcpy(r->data, (const u8 *)src + first, len - first);
}

static void ring_copy_out(const struct hvis_ring *r, u32 at, void *dst, u32 len)
{
	u32 first = min(len, r->size - at);

	memcpy(dst, r->data + at, first);
	memcpy((u8 *)dst + first, r->data, len - first);
}

/**
 * hvis_ring_write() - append one in-band packet
 * @r: the outbound ring
 * @type: packet type
 * @flags: packet flags
 * @trans_id: transaction id, echoed by the completion
 * @payload: data
 * @len: its length
 * @signal: set if the host must be signalled
 *
 * Return: 0; -EAGAIN if the ring has no room now; -EMSGSIZE if the packet
 * could never fit; -EIO if the host corrupted its read index.
 */
int hvis_ring_write(struct hvis_ring *r, u16 type, u16 flags, u64 trans_id,
		    const void *payload, u32 len, bool *signal)
{
	static const u8 zeros[8];
	struct hvis_pkt_desc d;
	u32 w = r->priv_index, rd, total, padded;
	u64 trailer;

	*signal = false;
	padded = ALIGN(sizeof(d) + len, 8);
	total = padded + HVIS_PKT_TRAILER;
	/* The descriptor counts the packet, descriptor and padding included, in 16 bits. */
	if (len > U16_MAX * 8 || padded / 8 > U16_MAX || total >= r->size)
		return -EMSGSIZE;

	rd = READ_ONCE(r->ctl->read_index);
	if (!hvis_ring_index_ok(rd, r->size))
		return -EIO;
	if (hvis_ring_free(w, rd, r->size) <= total)
		return -EAGAIN;

	d.type = type;
	d.offset8 = sizeof(d) / 8;
	d.len8 = padded / 8;
	d.flags = flags;
	d.trans_id = trans_id;
	ring_copy_in(r, w, &d, sizeof(d));
	ring_copy_in(r, (w + sizeof(d)) % r->size, payload, len);
	ring_copy_in(r, (w + sizeof(d) + len) % r->size, zeros, padded - sizeof(d) - len);
	trailer = (u64)w << 32;
	ring_copy_in(r, (w + padded) % r->size, &trailer, sizeof(trailer));

	r->priv_index = (w + total) % r->size;
	/* The packet is in place before the host can see the new index. */
	virt_mb();
	WRITE_ONCE(r->ctl->write_index, r->priv_index);
	/* ... and the index is out before we look at what the reader did. */
	virt_mb();
	*signal = hvis_ring_signal_after_write(w, READ_ONCE(r->ctl->read_index),
					       READ_ONCE(r->ctl->interrupt_mask));
	return 0;
}

/**
 * hvis_ring_read() - take one packet out of the inbound ring
 * @r: the inbound ring
 * @buf: receives the payload (never parsed in place)
 * @buflen: its size
 * @len: receives the payload length
 * @desc: receives the descriptor
 * @signal: set if the host waits for this much room and must be signalled
 *
 * A NULL @buf discards the packet.
 *
 * Return: 0; -EAGAIN if the ring is empty; -ENOBUFS if @buf is too small
 * (the packet stays, @len says how much is needed); -EIO if the host
 * corrupted the ring (the caller must stop using the channel).
 */
int hvis_ring_read(struct hvis_ring *r, void *buf, u32 buflen, u32 *len,
		   struct hvis_pkt_desc *desc, bool *signal)
{
	u32 rd = r->priv_index, w, avail, hdr, next;

	*signal = false;
	w = READ_ONCE(r->ctl->write_index);
	if (!hvis_ring_index_ok(w, r->size))
		return -EIO;
	avail = hvis_ring_used(w, rd, r->size);
	if (!avail)
		return -EAGAIN;
	if (avail < sizeof(*desc) + HVIS_PKT_TRAILER)
		return -EIO;
	/* The data is read only after the index that published it. */
	virt_rmb();
	ring_copy_out(r, rd, desc, sizeof(*desc));
	if (hvis_ring_check_desc(desc, avail))
		return -EIO;
	hdr = desc->offset8 * 8;
	*len = desc->len8 * 8 - hdr;
	if (buf && *len > buflen)
		return -ENOBUFS;
	if (buf)
		ring_copy_out(r, (rd + hdr) % r->size, buf, *len);

	next = (rd + desc->len8 * 8 + HVIS_PKT_TRAILER) % r->size;
	r->priv_index = next;
	/* Done with the bytes before the host may reuse them. */
	virt_mb();
	WRITE_ONCE(r->ctl->read_index, next);
	/* ... and the index is out before we look at what the writer wants. */
	virt_mb();
	*signal = hvis_ring_signal_after_read(r->size, w, rd, next,
					      READ_ONCE(r->ctl->pending_send_sz),
					      READ_ONCE(r->ctl->feature_bits));
	return 0;
}
