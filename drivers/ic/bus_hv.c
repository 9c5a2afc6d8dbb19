// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_ic_hv: the IC framework on the kernel's own VMBus (hv_vmbus), so
 * that a guest keeps the kernel's bus and its disk, network and the rest,
 * and only the integration services are hvis's.  Each service gets a
 * struct hv_driver for its class; hv_utils, which serves the same classes,
 * is kept from loading by modprobe configuration (README, "Living beside
 * the in-tree stack").
 *
 * udev loads this module by the six classes' aliases on the kernel's bus;
 * it brings the six service modules along (softdep).
 */
#include <asm/mshyperv.h>
#include <clocksource/hyperv_timer.h>
#include <linux/hyperv.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <hvis/ic.h>
#include <hvis/ic_bus.h>
#include <hvis/version.h>

/* One service's driver on this bus. */
struct hvis_ic_hv_driver {
	struct hv_driver drv;
	struct hv_vmbus_device_id ids[2];	/* the service's class, and the end */
	const struct hvis_ic_service *svc;
};

/* One bound device's primary channel. */
struct hvis_ic_hv_chan {
	struct vmbus_channel *channel;
	u32 ring_bytes;			/* each way */
	struct hvis_ic *ic;
	struct work_struct work;
};

static struct hvis_ic_bus hvis_ic_hv_bus;

static void hvis_ic_hv_work(struct work_struct *work)
{
	struct hvis_ic_hv_chan *c = container_of(work, struct hvis_ic_hv_chan, work);

	hvis_ic_on_packets(c->ic);
}

/* hv_vmbus calls this in a tasklet; the framework reads under a mutex. */
static void hvis_ic_hv_onchannel(void *ctx)
{
	struct hvis_ic_hv_chan *c = ctx;

	queue_work(system_wq, &c->work);
}

static int hvis_ic_hv_open(void *chan, u32 ring_bytes, struct hvis_ic *ic)
{
	struct hvis_ic_hv_chan *c = chan;

	c->ic = ic;
	c->ring_bytes = ring_bytes;
#ifdef HVIS_HAVE_VMBUS_CHANNEL_MAX_PKT_SIZE
	/*
	 * The kernel reads each packet through a buffer of this size and cuts
	 * a larger one short, which misreads the ring from there on.  Room for
	 * any packet the ring can hold, so that one larger than the service
	 * takes is refused whole (-ENOBUFS) and skipped.
	 */
	c->channel->max_pkt_size = max_t(u32, c->channel->max_pkt_size, ring_bytes);
#endif
	return vmbus_open(c->channel, ring_bytes, ring_bytes, NULL, 0, hvis_ic_hv_onchannel, c);
}

static void hvis_ic_hv_close(void *chan)
{
	struct hvis_ic_hv_chan *c = chan;

	/* No callback after this ... */
	vmbus_close(c->channel);
	/* ... and none of its work left. */
	cancel_work_sync(&c->work);
}

static int hvis_ic_hv_recv(void *chan, void *buf, u32 size, u32 *len, u64 *trans_id)
{
	struct hvis_ic_hv_chan *c = chan;
	int ret;

	ret = vmbus_recvpacket(c->channel, buf, size, len, trans_id);
	if (ret == -ENOBUFS)
		return ret;
	if (ret)
		return -EIO;
	return *len ? 0 : -EAGAIN;
}

static int hvis_ic_hv_skip(void *chan)
{
	struct hvis_ic_hv_chan *c = chan;
	u64 trans_id;
	void *scratch;
	u32 len;
	int ret;

	/*
	 * The kernel's packet API drops a packet only by reading it: into a
	 * buffer as large as the ring, which no packet exceeds.
	 */
	scratch = kmalloc(c->ring_bytes, GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	ret = vmbus_recvpacket(c->channel, scratch, c->ring_bytes, &len, &trans_id);
	kfree(scratch);
	return ret ? -EIO : 0;
}

static int hvis_ic_hv_send(void *chan, const void *buf, u32 len, u64 trans_id)
{
	struct hvis_ic_hv_chan *c = chan;

	/* vmbus_sendpacket() only reads the buffer; its prototype is not const. */
	return vmbus_sendpacket(c->channel, (void *)buf, len, trans_id, VM_PKT_DATA_INBAND, 0);
}

static u32 hvis_ic_hv_vmbus_version(void)
{
	/* The kernel encodes it as hvis does: (major << 16) | minor. */
	return READ_ONCE(vmbus_proto_version);
}

static u64 hvis_ic_hv_ref_counter(void)
{
	typeof(hv_read_reference_counter) read = READ_ONCE(hv_read_reference_counter);

	/*
	 * The kernel's clocksource sets it at boot on Hyper-V, before any
	 * VMBus device exists; 0 reads as "no sample yet" to Time Sync.
	 */
	return read ? read() : 0;
}

static int hvis_ic_hv_probe(struct hv_device *dev, const struct hv_vmbus_device_id *id)
{
	const struct hvis_ic_hv_driver *d = (const void *)id->driver_data;
	struct hvis_ic_hv_chan *c;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->channel = dev->channel;
	INIT_WORK(&c->work, hvis_ic_hv_work);
	ret = hvis_ic_bind(&dev->device, &hvis_ic_hv_bus, c, d->svc);
	if (ret)
		kfree(c);
	return ret;
}

static void __hvis_ic_hv_remove(struct hv_device *dev)
{
	kfree(hvis_ic_unbind(&dev->device));
}

#ifdef HVIS_HAVE_HV_DRIVER_REMOVE_VOID
#define hvis_ic_hv_remove	__hvis_ic_hv_remove
#else
static int hvis_ic_hv_remove(struct hv_device *dev)
{
	__hvis_ic_hv_remove(dev);
	return 0;
}
#endif

static int hvis_ic_hv_attach(void *drv, const struct hvis_ic_service *svc,
			     struct module *owner, const struct attribute_group **groups)
{
	struct hvis_ic_hv_driver *d = drv;

	hvis_ic_bus_driver_init(d, svc, groups, hvis_ic_hv_probe, hvis_ic_hv_remove);
	d->ids[0].driver_data = (kernel_ulong_t)d;
	return __vmbus_driver_register(&d->drv, owner, owner ? owner->name : KBUILD_MODNAME);
}

static void hvis_ic_hv_detach(void *drv)
{
	struct hvis_ic_hv_driver *d = drv;

	vmbus_driver_unregister(&d->drv);
}

module_hvis_ic_bus(hvis_ic_hv, "hv_vmbus", hvis_ic_hv_vmbus_version, hvis_ic_hv_ref_counter);

/* The aliases udev loads this module by: the six classes on the kernel's bus. */
static const struct hv_vmbus_device_id hvis_ic_hv_ids[] = {
	{ .guid = HVIS_IC_HEARTBEAT_CLASS },
	{ .guid = HVIS_IC_SHUTDOWN_CLASS },
	{ .guid = HVIS_IC_TIMESYNC_CLASS },
	{ .guid = HVIS_IC_KVP_CLASS },
	{ .guid = HVIS_IC_VSS_CLASS },
	{ .guid = HVIS_IC_FCOPY_CLASS },
	{}
};
MODULE_DEVICE_TABLE(vmbus, hvis_ic_hv_ids);

MODULE_DESCRIPTION("Hyper-V integration services (hvis) on the kernel's own VMBus");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP(HVIS_IC_SERVICE_MODULES);
MODULE_VERSION(HVIS_VERSION);
