// SPDX-License-Identifier: GPL-2.0-only
/*
 * 5.15: the kernel's VMBus reads each packet through a buffer of the
 * channel's max_pkt_size, set before vmbus_open(); longer ones are cut.
 */
#include <linux/hyperv.h>

void hvis_probe(struct vmbus_channel *ch);
void hvis_probe(struct vmbus_channel *ch)
{
	ch->max_pkt_size = 8192;
}
