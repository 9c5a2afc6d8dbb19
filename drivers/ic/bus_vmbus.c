// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_ic_vmbus: the IC framework on hvis's own bus (hvis_vmbus).  Each
 * service gets a struct hvis_driver for its class here, and the framework
 * reaches the device's primary channel through the hvis_channel_* calls.
 *
 * udev loads this module by the six classes' aliases on hvis's bus; it
 * brings the six service modules along (softdep), so a device of any one
 * class brings every service up, as a kernel's hv_utils does.
 */
#include <linux/module.h>

#include <hvis/ic.h>
#include <hvis/ic_bus.h>
#include <hvis/version.h>
#include <hvis/vmbus.h>

/* One service's driver on this bus. */
struct hvis_ic_vmbus_driver {
	struct hvis_driver drv;
	struct hvis_device_id ids[2];	/* the service's class, and the end */
	const struct hvis_ic_service *svc;
};

static struct hvis_ic_bus hvis_ic_vmbus_bus;

static void hvis_ic_vmbus_onchannel(struct hvis_channel *ch, void *ctx)
{
	/* hvis_vmbus calls back from a work item already. */
	hvis_ic_on_packets(ctx);
}

static int hvis_ic_vmbus_open(void *chan, u32 ring_bytes, struct hvis_ic *ic)
{
	return hvis_channel_open(chan, ring_bytes, ring_bytes, hvis_ic_vmbus_onchannel, ic);
}

static void hvis_ic_vmbus_close(void *chan)
{
	hvis_channel_close(chan);
}

static int hvis_ic_vmbus_recv(void *chan, void *buf, u32 size, u32 *len, u64 *trans_id)
{
	return hvis_channel_recv(chan, buf, size, len, trans_id);
}

static int hvis_ic_vmbus_skip(void *chan)
{
	return hvis_channel_skip(chan);
}

static int hvis_ic_vmbus_send(void *chan, const void *buf, u32 len, u64 trans_id)
{
	return hvis_channel_send(chan, buf, len, trans_id, false);
}

static int hvis_ic_vmbus_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	const struct hvis_ic_vmbus_driver *d =
		container_of(id, struct hvis_ic_vmbus_driver, ids[0]);

	return hvis_ic_bind(&dev->dev, &hvis_ic_vmbus_bus, dev->channel, d->svc);
}

static void hvis_ic_vmbus_remove(struct hvis_device *dev)
{
	/* The channel is the device's own. */
	hvis_ic_unbind(&dev->dev);
}

static int hvis_ic_vmbus_attach(void *drv, const struct hvis_ic_service *svc,
				struct module *owner, const struct attribute_group **groups)
{
	struct hvis_ic_vmbus_driver *d = drv;

	hvis_ic_bus_driver_init(d, svc, groups, hvis_ic_vmbus_probe, hvis_ic_vmbus_remove);
	return __hvis_driver_register(&d->drv, owner);
}

static void hvis_ic_vmbus_detach(void *drv)
{
	struct hvis_ic_vmbus_driver *d = drv;

	hvis_driver_unregister(&d->drv);
}

module_hvis_ic_bus(hvis_ic_vmbus, "hvis_vmbus", hvis_vmbus_version, hvis_ref_counter);

MODULE_DESCRIPTION("Hyper-V integration services (hvis) on hvis's own VMBus");
MODULE_LICENSE("GPL");
MODULE_HVIS_ALIAS(HVIS_IC_HEARTBEAT_ID);
MODULE_HVIS_ALIAS(HVIS_IC_SHUTDOWN_ID);
MODULE_HVIS_ALIAS(HVIS_IC_TIMESYNC_ID);
MODULE_HVIS_ALIAS(HVIS_IC_KVP_ID);
MODULE_HVIS_ALIAS(HVIS_IC_VSS_ID);
MODULE_HVIS_ALIAS(HVIS_IC_FCOPY_ID);
MODULE_SOFTDEP(HVIS_IC_SERVICE_MODULES);
MODULE_VERSION(HVIS_VERSION);
