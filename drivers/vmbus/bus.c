// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "vmbus" bus: devices named by instance GUID with the attributes and
 * formats upstream Linux uses (so lsvmbus and udev rules work unchanged),
 * MODALIAS uevents, and driver registration for service drivers.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <hvis/vmbus.h>

#include "vmbus_priv.h"

static struct device *hvis_root;

/* Channel states as upstream reports them in "state". */
#define HVIS_CHANNEL_OFFER_STATE	1

static ssize_t id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "%u\n", to_hvis_device(dev)->channel->relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "%d\n", HVIS_CHANNEL_OFFER_STATE);
}
static DEVICE_ATTR_RO(state);

static ssize_t class_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "{%pUl}\n", &to_hvis_device(dev)->class_id);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "{%pUl}\n", &to_hvis_device(dev)->instance_id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "vmbus:%*phN\n", (int)sizeof(guid_t), &to_hvis_device(dev)->class_id);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t monitor_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "%d\n", to_hvis_device(dev)->channel->offer.monitorid);
}
static DEVICE_ATTR_RO(monitor_id);

static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "%d\n", dev_to_node(dev));
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "0x%x\n", to_hvis_device(dev)->vendor_id);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t device_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sprintf(buf, "0x%x\n", to_hvis_device(dev)->device_id);
}
static DEVICE_ATTR_RO(device);

/* "relid:cpu" for the primary channel and each sub-channel. */
static ssize_t channel_vp_mapping_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	struct hvis_channel *ch = to_hvis_device(dev)->channel, *sc;
	int n;

	mutex_lock(&hvis_conn.lock);
	n = sysfs_emit_at(buf, 0, "%u:%u\n", ch->relid, ch->target_cpu);
	list_for_each_entry(sc, &ch->sub_channels, sub_node)
		n += sysfs_emit_at(buf, n, "%u:%u\n", sc->relid, sc->target_cpu);
	mutex_unlock(&hvis_conn.lock);
	return n;
}
static DEVICE_ATTR_RO(channel_vp_mapping);

static struct attribute *hvis_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_channel_vp_mapping.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvis_dev);

/* Beyond upstream: the negotiated protocol version, "major.minor". */
static ssize_t hvis_protocol_version_show(HVIS_BUS_ATTR_CONST struct bus_type *bus, char *buf)
{
	return sprintf(buf, "%u.%u\n", HVIS_VMBUS_MAJOR(hvis_conn.version),
		       HVIS_VMBUS_MINOR(hvis_conn.version));
}

static struct bus_attribute bus_attr_hvis_protocol_version =
	__ATTR(hvis_protocol_version, 0444, hvis_protocol_version_show, NULL);

static struct attribute *hvis_bus_attrs[] = {
	&bus_attr_hvis_protocol_version.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvis_bus);

static const struct hvis_device_id *hvis_match_id(const struct hvis_driver *drv,
						  const struct hvis_device *dev)
{
	const struct hvis_device_id *id;

	for (id = drv->id_table; id && !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, &dev->class_id))
			return id;
	return NULL;
}

static int hvis_bus_match(struct device *dev, HVIS_MATCH_CONST struct device_driver *drv)
{
	return !!hvis_match_id(to_hvis_driver(drv), to_hvis_device(dev));
}

static int hvis_bus_uevent(HVIS_UEVENT_CONST struct device *dev, struct kobj_uevent_env *env)
{
	const struct hvis_device *hdev = container_of(dev, struct hvis_device, dev);

	return add_uevent_var(env, "MODALIAS=vmbus:%*phN", (int)sizeof(guid_t), &hdev->class_id);
}

static int hvis_bus_probe(struct device *dev)
{
	struct hvis_driver *drv = to_hvis_driver(dev->driver);
	struct hvis_device *hdev = to_hvis_device(dev);
	const struct hvis_device_id *id = hvis_match_id(drv, hdev);

	if (!id || !drv->probe)
		return -ENODEV;
	return drv->probe(hdev, id);
}

static void hvis_bus_do_remove(struct device *dev)
{
	struct hvis_driver *drv = to_hvis_driver(dev->driver);

	if (drv->remove)
		drv->remove(to_hvis_device(dev));
}

#ifdef HVIS_HAVE_BUS_REMOVE_VOID
static void hvis_bus_remove(struct device *dev)
{
	hvis_bus_do_remove(dev);
}
#else
static int hvis_bus_remove(struct device *dev)
{
	hvis_bus_do_remove(dev);
	return 0;
}
#endif

struct bus_type hvis_bus = {
	.name		= "vmbus",
	.match		= hvis_bus_match,
	.uevent		= hvis_bus_uevent,
	.probe		= hvis_bus_probe,
	.remove		= hvis_bus_remove,
	.dev_groups	= hvis_dev_groups,
	.bus_groups	= hvis_bus_groups,
};

int __hvis_driver_register(struct hvis_driver *drv, struct module *owner)
{
	drv->driver.name = drv->name;
	drv->driver.bus = &hvis_bus;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__hvis_driver_register);

void hvis_driver_unregister(struct hvis_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(hvis_driver_unregister);

static void hvis_device_release(struct device *dev)
{
	struct hvis_device *hdev = to_hvis_device(dev);

	kfree(hdev->channel);
	kfree(hdev);
}

/* Make @ch (a primary channel) a device on the bus; takes ownership. */
int hvis_device_add(struct hvis_channel *ch)
{
	struct hvis_device *hdev;
	int ret;

	hdev = kzalloc(sizeof(*hdev), GFP_KERNEL);
	if (!hdev)
		return -ENOMEM;
	hdev->class_id = ch->offer.if_type;
	hdev->instance_id = ch->offer.if_instance;
	hdev->vendor_id = 0x1414;	/* Microsoft */
	hdev->channel = ch;
	ch->device = hdev;
	hdev->dev.bus = &hvis_bus;
	hdev->dev.parent = hvis_root;
	hdev->dev.release = hvis_device_release;
	device_initialize(&hdev->dev);
	ret = dev_set_name(&hdev->dev, "%pUl", &hdev->instance_id);
	if (!ret)
		ret = device_add(&hdev->dev);
	if (ret) {
		/* The caller still owns @ch on failure. */
		hdev->channel = NULL;
		ch->device = NULL;
		put_device(&hdev->dev);
	}
	return ret;
}

void hvis_device_remove(struct hvis_device *hdev)
{
	device_unregister(&hdev->dev);
}

int hvis_bus_init(void)
{
	int ret;

	ret = bus_register(&hvis_bus);
	if (ret)
		return ret;
	hvis_root = root_device_register("hvis_vmbus");
	if (IS_ERR(hvis_root)) {
		bus_unregister(&hvis_bus);
		return PTR_ERR(hvis_root);
	}
	return 0;
}

void hvis_bus_exit(void)
{
	root_device_unregister(hvis_root);
	bus_unregister(&hvis_bus);
}
