// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IC framework on hvis_vmbus's own bus: each service's driver is a
 * struct hvis_driver, and the framework reaches the device's primary
 * channel through the hvis_channel_* calls.
 */
#include <linux/module.h>

#include <hvis/ic_bus.h>

#include "ic_priv.h"

static void hvis_ic_hvis_onchannel(struct hvis_channel *ch, void *ctx)
{
	hvis_ic_on_packets(ctx);
}

static int hvis_ic_hvis_open(void *chan, u32 ring_bytes, struct hvis_ic *ic)
{
	return hvis_channel_open(chan, ring_bytes, ring_bytes, hvis_ic_hvis_onchannel, ic);
}

static void hvis_ic_hvis_close(void *chan)
{
	hvis_channel_close(chan);
}

static int hvis_ic_hvis_recv(void *chan, void *buf, u32 size, u32 *len, u64 *trans_id)
{
	return hvis_channel_recv(chan, buf, size, len, trans_id);
}

static int hvis_ic_hvis_skip(void *chan)
{
	return hvis_channel_skip(chan);
}

static int hvis_ic_hvis_send(void *chan, const void *buf, u32 len, u64 trans_id)
{
	return hvis_channel_send(chan, buf, len, trans_id, false);
}

static const struct hvis_ic_bus hvis_ic_hvis_bus = {
	.name		= "hvis_vmbus",
	.open		= hvis_ic_hvis_open,
	.close		= hvis_ic_hvis_close,
	.recv		= hvis_ic_hvis_recv,
	.skip		= hvis_ic_hvis_skip,
	.send		= hvis_ic_hvis_send,
	.vmbus_version	= hvis_vmbus_version,
};

static int hvis_ic_hvis_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	const struct hvis_ic_service *svc =
		container_of(to_hvis_driver(dev->dev.driver), struct hvis_ic_service, driver);

	return hvis_ic_bind(&dev->dev, &hvis_ic_hvis_bus, dev->channel, svc);
}

static void hvis_ic_hvis_remove(struct hvis_device *dev)
{
	hvis_ic_unbind(&dev->dev);
}

int hvis_ic_hvis_register(struct hvis_ic_service *svc, struct module *owner,
			  const struct attribute_group **groups)
{
	svc->driver.probe = hvis_ic_hvis_probe;
	svc->driver.remove = hvis_ic_hvis_remove;
	svc->driver.driver.dev_groups = groups;
	return __hvis_driver_register(&svc->driver, owner);
}

void hvis_ic_hvis_unregister(struct hvis_ic_service *svc)
{
	hvis_driver_unregister(&svc->driver);
}
