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
#include <linux/spinlock.h>
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

/* "hvis_vmbus:" and the class GUID's 32 hex digits as written (hvis/guid.h). */
static void hvis_modalias(const guid_t *class_id, char buf[HVIS_MODALIAS_SIZE])
{
	char text[HVIS_GUID_STRLEN + 1];
	size_t n = sizeof(HVIS_MODALIAS_PREFIX) - 1;
	const char *p;

	memcpy(buf, HVIS_MODALIAS_PREFIX, n);
	hvis_guid_format(class_id, text);
	for (p = text; *p; p++)
		if (*p != '-')
			buf[n++] = *p;
	buf[n] = '\0';
}

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	char alias[HVIS_MODALIAS_SIZE];

	hvis_modalias(&to_hvis_device(dev)->class_id, alias);
	return sprintf(buf, "%s\n", alias);
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

/*
 * The monitor page fields of this channel: the host's page (parent to
 * child) for server_*, ours (child to parent) for client_*.  Shown only for
 * channels the host gave a monitor id.
 */
static struct hvis_monitor_page *hvis_monitor(struct device *dev, int which, u8 *grp, u8 *bit)
{
	u8 id = to_hvis_device(dev)->channel->offer.monitorid;

	*grp = id / 32;
	*bit = id % 32;
	return hvis_conn.monitor_pages[which];
}

#define HVIS_MONITOR_ATTR(name, which, expr)					\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr,	\
			   char *buf)						\
{										\
	struct hvis_monitor_page *m;						\
	u8 grp, bit;								\
										\
	m = hvis_monitor(dev, which, &grp, &bit);				\
	return sprintf(buf, "%d\n", (int)(expr));				\
}										\
static DEVICE_ATTR_RO(name)

HVIS_MONITOR_ATTR(server_monitor_pending, 0, !!(m->trigger_group[grp].pending & BIT(bit)));
HVIS_MONITOR_ATTR(client_monitor_pending, 1, !!(m->trigger_group[grp].pending & BIT(bit)));
HVIS_MONITOR_ATTR(server_monitor_latency, 0, m->latency[grp][bit]);
HVIS_MONITOR_ATTR(client_monitor_latency, 1, m->latency[grp][bit]);
HVIS_MONITOR_ATTR(server_monitor_conn_id, 0, m->parameter[grp][bit].connection_id);
HVIS_MONITOR_ATTR(client_monitor_conn_id, 1, m->parameter[grp][bit].connection_id);

/*
 * driver_override is read by match, which the driver core calls without the
 * device lock when a driver registers: a store meanwhile would free the
 * string under it.  One lock for every device's string; it is taken rarely.
 */
static DEFINE_SPINLOCK(hvis_override_lock);

static ssize_t driver_override_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	ssize_t n;

	spin_lock(&hvis_override_lock);
	n = sprintf(buf, "%s\n", to_hvis_device(dev)->driver_override ?: "");
	spin_unlock(&hvis_override_lock);
	return n;
}

static ssize_t driver_override_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct hvis_device *hdev = to_hvis_device(dev);
	const char *old, *new = NULL;
	size_t len = count;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= PAGE_SIZE - 1)
		return -EINVAL;
	if (len) {
		new = kstrndup(buf, len, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
	}
	spin_lock(&hvis_override_lock);
	old = hdev->driver_override;
	hdev->driver_override = new;
	spin_unlock(&hvis_override_lock);
	kfree(old);
	return count;
}
static DEVICE_ATTR_RW(driver_override);

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
	&dev_attr_driver_override.attr,
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
	NULL,
};

static umode_t hvis_dev_attr_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	struct hvis_device *hdev = to_hvis_device(kobj_to_dev(kobj));
	const struct hvis_chanmsg_offer *o = &hdev->channel->offer;

	/* As Linux's own bus: no monitor id, no monitor attributes at all. */
	if (attr == &dev_attr_monitor_id.attr ||
	    attr == &dev_attr_server_monitor_pending.attr ||
	    attr == &dev_attr_client_monitor_pending.attr ||
	    attr == &dev_attr_server_monitor_latency.attr ||
	    attr == &dev_attr_client_monitor_latency.attr ||
	    attr == &dev_attr_server_monitor_conn_id.attr ||
	    attr == &dev_attr_client_monitor_conn_id.attr)
		return (o->monitor_allocated & 1) ? attr->mode : 0;
	return attr->mode;
}

static const struct attribute_group hvis_dev_group = {
	.attrs = hvis_dev_attrs,
	.is_visible = hvis_dev_attr_visible,
};

static const struct attribute_group *hvis_dev_groups[] = {
	&hvis_dev_group,
	NULL,
};

/* channels/<relid>/: one directory per channel, primary and sub-channels. */
struct hvis_channel_kobj {
	struct kobject kobj;
	struct hvis_channel *ch;
};

struct hvis_channel_attr {
	struct attribute attr;
	ssize_t (*show)(struct hvis_channel *ch, char *buf);
	ssize_t (*store)(struct hvis_channel *ch, const char *buf, size_t count);
};

static ssize_t hvis_channel_cpu_show(struct hvis_channel *ch, char *buf)
{
	return sprintf(buf, "%u\n", ch->target_cpu);
}

static ssize_t hvis_channel_monitor_id_show(struct hvis_channel *ch, char *buf)
{
	return sprintf(buf, "%u\n", ch->offer.monitorid);
}

static ssize_t hvis_channel_subchannel_id_show(struct hvis_channel *ch, char *buf)
{
	return sprintf(buf, "%u\n", ch->offer.sub_channel_index);
}

#define HVIS_CHANNEL_STAT(name, expr)						\
static ssize_t hvis_channel_##name##_show(struct hvis_channel *ch, char *buf)	\
{										\
	return sprintf(buf, "%llu\n", (unsigned long long)(expr));		\
}										\
static struct hvis_channel_attr hvis_channel_attr_##name =			\
	__ATTR(name, 0444, hvis_channel_##name##_show, NULL)

HVIS_CHANNEL_STAT(interrupts, READ_ONCE(ch->interrupts));
HVIS_CHANNEL_STAT(events, READ_ONCE(ch->events));
HVIS_CHANNEL_STAT(out_full_total, READ_ONCE(ch->out_full_total));
HVIS_CHANNEL_STAT(read_avail, hvis_channel_read_avail(ch));
HVIS_CHANNEL_STAT(write_avail, hvis_channel_write_avail(ch));

static ssize_t hvis_channel_cpu_store(struct hvis_channel *ch, const char *buf, size_t count)
{
	unsigned int cpu;
	int ret;

	if (kstrtouint(buf, 0, &cpu))
		return -EINVAL;
	ret = hvis_channel_set_cpu(ch, cpu);
	return ret ? ret : count;
}

static struct hvis_channel_attr hvis_channel_attr_cpu =
	__ATTR(cpu, 0644, hvis_channel_cpu_show, hvis_channel_cpu_store);
static struct hvis_channel_attr hvis_channel_attr_monitor_id =
	__ATTR(monitor_id, 0444, hvis_channel_monitor_id_show, NULL);
static struct hvis_channel_attr hvis_channel_attr_subchannel_id =
	__ATTR(subchannel_id, 0444, hvis_channel_subchannel_id_show, NULL);

static struct attribute *hvis_channel_attrs[] = {
	&hvis_channel_attr_cpu.attr,
	&hvis_channel_attr_monitor_id.attr,
	&hvis_channel_attr_subchannel_id.attr,
	&hvis_channel_attr_interrupts.attr,
	&hvis_channel_attr_events.attr,
	&hvis_channel_attr_out_full_total.attr,
	&hvis_channel_attr_read_avail.attr,
	&hvis_channel_attr_write_avail.attr,
	NULL,
};

static umode_t hvis_channel_attr_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	struct hvis_channel_kobj *ck = container_of(kobj, struct hvis_channel_kobj, kobj);

	if (attr == &hvis_channel_attr_monitor_id.attr)
		return (ck->ch->offer.monitor_allocated & 1) ? attr->mode : 0;
	return attr->mode;
}

static const struct attribute_group hvis_channel_group = {
	.attrs = hvis_channel_attrs,
	.is_visible = hvis_channel_attr_visible,
};

static const struct attribute_group *hvis_channel_groups[] = {
	&hvis_channel_group,
	NULL,
};

static ssize_t hvis_channel_sysfs_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	struct hvis_channel_kobj *ck = container_of(kobj, struct hvis_channel_kobj, kobj);
	struct hvis_channel_attr *ca = container_of(attr, struct hvis_channel_attr, attr);

	return ca->show(ck->ch, buf);
}

static ssize_t hvis_channel_sysfs_store(struct kobject *kobj, struct attribute *attr,
					const char *buf, size_t count)
{
	struct hvis_channel_kobj *ck = container_of(kobj, struct hvis_channel_kobj, kobj);
	struct hvis_channel_attr *ca = container_of(attr, struct hvis_channel_attr, attr);

	return ca->store ? ca->store(ck->ch, buf, count) : -EIO;
}

static const struct sysfs_ops hvis_channel_sysfs_ops = {
	.show = hvis_channel_sysfs_show,
	.store = hvis_channel_sysfs_store,
};

static void hvis_channel_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct hvis_channel_kobj, kobj));
}

/* Not const: kobject_init_and_add() takes it non-const before 6.2. */
static struct kobj_type hvis_channel_ktype = {
	.release	= hvis_channel_kobj_release,
	.sysfs_ops	= &hvis_channel_sysfs_ops,
	.default_groups	= hvis_channel_groups,
};

int hvis_channel_sysfs_add(struct hvis_channel *ch)
{
	struct hvis_device *hdev = ch->primary ? ch->primary->device : ch->device;
	struct hvis_channel_kobj *ck;
	int ret;

	ck = kzalloc(sizeof(*ck), GFP_KERNEL);
	if (!ck)
		return -ENOMEM;
	ck->ch = ch;
	ret = kobject_init_and_add(&ck->kobj, &hvis_channel_ktype, hdev->channels_kobj,
				   "%u", ch->relid);
	if (ret) {
		kobject_put(&ck->kobj);
		return ret;
	}
	kobject_uevent(&ck->kobj, KOBJ_ADD);
	ch->kobj = &ck->kobj;
	return 0;
}

/* After this returns no show() of the channel runs any more. */
void hvis_channel_sysfs_del(struct hvis_channel *ch)
{
	if (!ch->kobj)
		return;
	kobject_del(ch->kobj);
	kobject_put(ch->kobj);
	ch->kobj = NULL;
}

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
	const struct hvis_device *hdev = to_hvis_device(dev);
	int ret = -1;

	spin_lock(&hvis_override_lock);
	if (hdev->driver_override)
		ret = !strcmp(hdev->driver_override, drv->name);
	spin_unlock(&hvis_override_lock);
	if (ret >= 0)
		return ret;
	return !!hvis_match_id(to_hvis_driver(drv), hdev);
}

static int hvis_bus_uevent(HVIS_UEVENT_CONST struct device *dev, struct kobj_uevent_env *env)
{
	const struct hvis_device *hdev = container_of(dev, struct hvis_device, dev);
	char alias[HVIS_MODALIAS_SIZE];

	hvis_modalias(&hdev->class_id, alias);
	return add_uevent_var(env, "MODALIAS=%s", alias);
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

static struct bus_type hvis_bus = {
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

	kfree(hdev->driver_override);
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
	if (!ret) {
		hdev->channels_kobj = kobject_create_and_add("channels", &hdev->dev.kobj);
		ret = hdev->channels_kobj ? hvis_channel_sysfs_add(ch) : -ENOMEM;
		if (ret) {
			kobject_put(hdev->channels_kobj);
			device_del(&hdev->dev);
		}
	}
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
	struct hvis_channel *ch = hdev->channel;

	hvis_channel_sysfs_del(ch);
	kobject_put(hdev->channels_kobj);
	device_del(&hdev->dev);
	/* A driver's remove() must close; if one did not, do it before freeing. */
	if (ch->opened) {
		dev_warn(&hdev->dev, "channel %u still open after its driver left; closing\n",
			 ch->relid);
		hvis_channel_close(ch);
	}
	put_device(&hdev->dev);
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
