/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the IC framework needs of a VMBus: a device and a channel on it.
 * The framework and the services above it never name a bus; a binding
 * (bus_hvis.c for hvis_vmbus's bus) registers each service's driver on its
 * bus, and on probe hands the framework the device and these operations
 * on the device's channel.
 */
#ifndef _HVIS_IC_BUS_H
#define _HVIS_IC_BUS_H

#include <linux/device.h>
#include <linux/types.h>

struct hvis_ic;
struct hvis_ic_service;

struct hvis_ic_bus {
	const char *name;	/* as the load line says it: "hvis_vmbus" */
	/*
	 * Open @chan with rings of @ring_bytes each way; the binding calls
	 * hvis_ic_on_packets(@ic) when packets may have arrived, in process
	 * context (it takes a mutex: a bus that calls back in softirq context
	 * needs a work item in between).
	 */
	int (*open)(void *chan, u32 ring_bytes, struct hvis_ic *ic);
	void (*close)(void *chan);
	/*
	 * The next packet's payload into @buf (at most @size bytes): 0, with
	 * *@len and *@trans_id; -EAGAIN: none; -ENOBUFS: larger than @size (its
	 * length in *@len, the packet stays until skip()); -EIO: the channel
	 * is broken; any other error: that packet was dropped.
	 */
	int (*recv)(void *chan, void *buf, u32 size, u32 *len, u64 *trans_id);
	int (*skip)(void *chan);		/* drop the packet recv() refused */
	int (*send)(void *chan, const void *buf, u32 len, u64 trans_id);
	u32 (*vmbus_version)(void);	/* negotiated with the host, (major << 16) | minor */
};

/*
 * For a binding: a probed device of @svc's class, and its channel.  Only
 * bus_hvis.c, inside hvis_ic, calls these yet: exported with the next binding.
 */
int hvis_ic_bind(struct device *dev, const struct hvis_ic_bus *bus, void *chan,
		 const struct hvis_ic_service *svc);
void hvis_ic_unbind(struct device *dev);
/* ... and from the channel's callback. */
void hvis_ic_on_packets(struct hvis_ic *ic);

#endif /* _HVIS_IC_BUS_H */
