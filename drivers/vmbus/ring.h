/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest side of a VMBus ring buffer (see ring.c).
 */
#ifndef _HVIS_RING_H
#define _HVIS_RING_H

#include <linux/types.h>

#include <hvis/vmbus_wire.h>

struct hvis_ring {
	struct hvis_ring_ctl *ctl;	/* shared control page */
	u8 *data;			/* shared data area */
	u32 size;			/* bytes in the data area */
	u32 priv_index;			/* our own index, never read back from the host */
};

void hvis_ring_init(struct hvis_ring *r, void *pages, u32 bytes);
u32 hvis_ring_used(u32 w, u32 r, u32 size);
u32 hvis_ring_free(u32 w, u32 r, u32 size);
bool hvis_ring_index_ok(u32 idx, u32 size);
bool hvis_ring_signal_after_write(u32 old_w, u32 r, u32 interrupt_mask);
bool hvis_ring_signal_after_read(u32 size, u32 w, u32 r_before, u32 r_after,
				 u32 pending_send_sz, u32 feature_bits);
int hvis_ring_check_desc(const struct hvis_pkt_desc *d, u32 avail);
int hvis_ring_write(struct hvis_ring *r, u16 type, u16 flags, u64 trans_id,
		    const void *payload, u32 len, bool *signal);
int hvis_ring_read(struct hvis_ring *r, void *buf, u32 buflen, u32 *len,
		   struct hvis_pkt_desc *desc, bool *signal);

#endif /* _HVIS_RING_H */
