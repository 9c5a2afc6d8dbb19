/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver API of hvis_vmbus: what a service driver sees of the bus.
 */
#ifndef _HVIS_VMBUS_H
#define _HVIS_VMBUS_H

#include <linux/device.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/mod_devicetable.h>
#include <linux/uuid.h>

#include <hvis/guid.h>
#include <hvis/vmbus_wire.h>

/* A channel offered by the host; a primary one is also a device. */
struct hvis_channel {
	struct hvis_chanmsg_offer offer;	/* as the host sent it (validated) */
	u32 relid;
	u32 target_cpu;
	struct hvis_channel *primary;		/* NULL for a primary channel */
	struct list_head sub_channels;		/* of a primary, under the core's lock */
	/*
	 * Of a primary: its rescinded sub-channels.  A driver may hold one
	 * (hvis_sub_channel()) past the rescind, so they are freed with the
	 * primary, not before; at most HVIS_MAX_RETIRED_SUBS of them.
	 */
	struct list_head retired_subs;
	unsigned int nr_retired;
	struct list_head sub_node;
	struct hvis_device *device;		/* primary only */
	struct kobject *kobj;			/* channels/<relid>/ */
	bool rescinded;

	/* Open channels: set up by hvis_channel_open(), gone after close. */
	void *ring_mem;				/* send ring pages, then receive ring pages */
	u32 send_bytes, recv_bytes;
	u32 gpadl;
	struct hvis_channel_rings *rings;
	spinlock_t send_lock;			/* one writer at a time */
	struct mutex recv_lock;			/* one reader at a time */
	void (*onchannel)(struct hvis_channel *ch, void *ctx);
	void *ctx;
	struct work_struct cb_work;		/* runs onchannel */
	struct mutex open_lock;			/* open and close, one at a time */
	bool opened;
	bool broken;				/* the host corrupted a ring */
	struct xarray requests;			/* transaction id -> request, awaiting completion */
	u32 next_request;
	/* Statistics, in channels/<relid>/. */
	u64 interrupts;				/* host signalled us */
	u64 events;				/* we signalled the host */
	u64 out_full_total;			/* sends refused: ring full */
};

/* A device on bus "vmbus", named by the instance GUID of its offer. */
struct hvis_device {
	struct device dev;
	guid_t class_id;
	guid_t instance_id;
	u16 vendor_id;
	u16 device_id;
	struct hvis_channel *channel;
	struct kobject *channels_kobj;		/* channels/ */
	const char *driver_override;		/* bind only to this driver */
};

#define to_hvis_device(d)	container_of(d, struct hvis_device, dev)

struct hvis_device_id {
	guid_t guid;
};

/* The alias udev loads a driver by: see hvis/guid.h. */
#define MODULE_HVIS_ALIAS(id)	MODULE_ALIAS(id(HVIS_MODALIAS))

struct hvis_driver {
	const char *name;
	const struct hvis_device_id *id_table;	/* ends with a null GUID */
	int (*probe)(struct hvis_device *dev, const struct hvis_device_id *id);
	void (*remove)(struct hvis_device *dev);
	struct device_driver driver;
};

#define to_hvis_driver(d)	container_of(d, struct hvis_driver, driver)

int hvis_channel_open(struct hvis_channel *ch, u32 send_bytes, u32 recv_bytes,
		      void (*onchannel)(struct hvis_channel *ch, void *ctx), void *ctx);
void hvis_channel_close(struct hvis_channel *ch);
int hvis_channel_send(struct hvis_channel *ch, const void *buf, u32 len, u64 trans_id,
		      bool completion);
int hvis_channel_recv(struct hvis_channel *ch, void *buf, u32 buflen, u32 *len,
		      u64 *trans_id);

/* What came with a packet. */
struct hvis_pkt_info {
	u32 len;		/* payload bytes (with -ENOBUFS: bytes needed) */
	u16 type;		/* HVIS_PKT_DATA_INBAND or HVIS_PKT_COMP */
	u64 trans_id;
	void *request;		/* for a completion: what hvis_channel_send_request() was given */
};

int hvis_channel_recv_pkt(struct hvis_channel *ch, void *buf, u32 buflen,
			  struct hvis_pkt_info *info);
int hvis_channel_skip(struct hvis_channel *ch);
int hvis_channel_send_request(struct hvis_channel *ch, const void *buf, u32 len,
			      void *request);

/* The partition reference counter: 100 ns units, monotonic. */
u64 hvis_ref_counter(void);

/* The VMBus protocol version in use, (major << 16) | minor; 0 while not connected. */
u32 hvis_vmbus_version(void);

struct hvis_channel *hvis_sub_channel(struct hvis_device *dev, u16 index);

int __hvis_driver_register(struct hvis_driver *drv, struct module *owner);
void hvis_driver_unregister(struct hvis_driver *drv);
#define hvis_driver_register(drv)	__hvis_driver_register(drv, THIS_MODULE)

#endif /* _HVIS_VMBUS_H */
