/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the IC framework needs of a VMBus: a driver registration for each
 * service, and a device with a channel.  The framework (hvis_ic) and the
 * services above it never name a bus.  A binding module registers its bus
 * here; the framework then attaches every registered service to every
 * registered bus, in whichever order they come, and a probe on that bus
 * hands the framework the device and the operations on its channel.
 *
 * Two bindings exist: hvis_ic_vmbus, on hvis's own bus (hvis_vmbus), and
 * hvis_ic_hv, on the kernel's (hv_vmbus).  Each is its own module, so that
 * nothing links against a bus that is not there.
 */
#ifndef _HVIS_IC_BUS_H
#define _HVIS_IC_BUS_H

#include <linux/device.h>
#include <linux/list.h>
#include <linux/types.h>

struct hvis_ic;
struct hvis_ic_service;

struct hvis_ic_bus {
	const char *name;	/* as the load line says it: "hvis_vmbus", "hv_vmbus" */
	/*
	 * Register the driver at @drv (drv_size bytes, zeroed, the framework's
	 * to free once detach() has returned) for @svc's class on this bus,
	 * owned by @owner (the service's module), with the framework's @groups
	 * on each device.  Probe calls hvis_ic_bind().
	 */
	size_t drv_size;
	int (*attach)(void *drv, const struct hvis_ic_service *svc, struct module *owner,
		      const struct attribute_group **groups);
	void (*detach)(void *drv);	/* unbinds every device first */
	/*
	 * Open @chan with rings of @ring_bytes each way; the binding calls
	 * hvis_ic_on_packets(@ic) when packets may have arrived, in process
	 * context (it takes a mutex: a bus that calls back in softirq context
	 * needs a work item in between).  close() returns once no call of
	 * hvis_ic_on_packets() for @chan runs or will run.
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
	/*
	 * Drop the packet recv() refused: 0 or any error but these, it is
	 * gone; -EIO, the channel is broken; -ENOMEM, it stays.
	 */
	int (*skip)(void *chan);
	int (*send)(void *chan, const void *buf, u32 len, u64 trans_id);
	u32 (*vmbus_version)(void);	/* negotiated with the host, (major << 16) | minor */
	u64 (*ref_counter)(void);	/* the partition reference counter, 100 ns units */
	struct list_head node;		/* the framework's */
};

/*
 * A binding brings the six services along: a device of any class loads
 * the binding by its alias, and with it every service (as hv_utils does).
 */
#define HVIS_IC_SERVICE_MODULES \
	"post: hvis_heartbeat hvis_shutdown hvis_timesync hvis_kvp hvis_vss hvis_fcopy"

/*
 * A binding's driver for one service has three members, whatever its bus:
 * drv, the bus's driver struct; ids, an id table of the service's class and
 * the end; svc, the service.  attach() fills them in with this, then
 * registers drv.
 */
#define hvis_ic_bus_driver_init(_d, _svc, _groups, _probe, _remove)		\
	do {									\
		typeof(_d) __d = (_d);						\
		const struct hvis_ic_service *__svc = (_svc);			\
										\
		__d->svc = __svc;						\
		__d->ids[0].guid = __svc->class;				\
		__d->drv.name = __svc->drv_name;				\
		__d->drv.id_table = __d->ids;					\
		__d->drv.probe = (_probe);					\
		__d->drv.remove = (_remove);					\
		__d->drv.driver.dev_groups = (_groups);				\
	} while (0)

int hvis_ic_bus_register(struct hvis_ic_bus *bus);
void hvis_ic_bus_unregister(struct hvis_ic_bus *bus);

/*
 * A binding module: its bus <prefix>_bus, named @_name, whose hooks are
 * <prefix>_attach, _detach, _open, _close, _recv, _skip and _send, whose
 * driver is struct <prefix>_driver, and which reads the VMBus version and
 * the reference counter with @_version and @_ref_counter (the names say
 * which hook is which).  Loading registers the bus, unloading removes it.
 */
#define module_hvis_ic_bus(prefix, _name, _version, _ref_counter)		\
	static struct hvis_ic_bus prefix##_bus = {				\
		.name = (_name), .drv_size = sizeof(struct prefix##_driver),	\
		.attach = prefix##_attach, .detach = prefix##_detach,		\
		.open = prefix##_open, .close = prefix##_close,			\
		.recv = prefix##_recv, .skip = prefix##_skip,			\
		.send = prefix##_send, .vmbus_version = (_version),		\
		.ref_counter = (_ref_counter),					\
	};									\
	module_driver(prefix##_bus, hvis_ic_bus_register, hvis_ic_bus_unregister)

/*
 * For a binding's probe: a device of @svc's class on @bus, and its
 * channel.  Unbind (from remove) returns that channel for the binding to
 * free; nothing of the framework touches it after.
 */
int hvis_ic_bind(struct device *dev, const struct hvis_ic_bus *bus, void *chan,
		 const struct hvis_ic_service *svc);
void *hvis_ic_unbind(struct device *dev);
/* ... and from the channel's callback, in process context. */
void hvis_ic_on_packets(struct hvis_ic *ic);

#endif /* _HVIS_IC_BUS_H */
