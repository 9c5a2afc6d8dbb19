// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's ring code.  The host reads and writes the guest's rings
 * itself, following the same layout and signalling rules as the guest but
 * with its own code, so that a mistake on one side is not mirrored on the
 * other.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include <hvis/vmbus_wire.h>

#include "chan.h"

void sim_ring_map(struct sim_ring *r, u8 *base, u32 bytes)
{
	r->ctl = (struct hvis_ring_ctl *)base;
	r->data = base + sizeof(struct hvis_ring_ctl);
	r->size = bytes - sizeof(struct hvis_ring_ctl);
}

static u32 sim_ring_used(const struct sim_ring *r, u32 w, u32 rd)
{
	return w >= rd ? w - rd : r->size - rd + w;
}

/*
 * Copy @len bytes out of the ring from @at (below the size), wrapping at
 * its end: at most two pieces, as a file copy moves megabytes through here.
 */
void sim_ring_get(const struct sim_ring *r, u32 at, void *dst, u32 len)
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
int sim_ring_peek(const struct sim_ring *in, struct hvis_pkt_desc *d, u32 *rd, u32 *total)
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
bool sim_pkt_offset_ok(const struct hvis_pkt_desc *d, u32 total)
{
	return d->offset8 * 8 >= sizeof(*d) && d->offset8 * 8 <= total;
}

/*
 * The packet at @rd (@total bytes) has been copied out: give its room back.
 * Returns whether the guest must be signalled, because it asked
 * (pending_send_sz) to hear of room and this read crossed its threshold.
 */
bool sim_ring_consume(struct sim_ring *in, u32 rd, u32 total)
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
int sim_ring_write(struct sim_ring *out, const void *pkt, u32 len, bool *signal)
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

/*
 * A broken host: damage the guest's receive ring @out.  "index" puts the
 * write index past the ring, "misaligned" off 8 bytes, "desc" publishes a
 * descriptor claiming far more than was written, "big" a valid packet
 * larger than the test driver's buffer, "comp" a completion for a
 * transaction the guest never started.
 */
int sim_ring_corrupt(struct sim_ring *out, const char *kind)
{
	struct hvis_pkt_desc d = { .type = HVIS_PKT_DATA_INBAND, .offset8 = 2 };
	u32 ow = READ_ONCE(out->ctl->write_index), len;
	u64 trailer;

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
		return -EINVAL;
	}
	return 0;
}
