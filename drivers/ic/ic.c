// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_ic: the integration-component framework.  Everything the util
 * services have in common lives here once: the channel, reading packets,
 * checking the pipe and IC headers, NEGOTIATE, refusing messages a service
 * does not know, the answer, the per-device status in sysfs (ic/), the
 * driver's registration, probe and remove.  It reaches the channel only
 * through a bus binding's operations (ic_bus.h) and never names a bus.  A
 * service module only says what it speaks and handles its own body; one
 * whose answers come from a daemon names its translations and the relay
 * (relay.c) does the rest.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <hvis/version.h>

#include "ic_priv.h"

/* Both directions; the largest util message (shutdown) is about 2 KiB. */
#define HVIS_IC_RING_BYTES	(16 * 1024)

void hvis_ic_error(struct hvis_ic *ic, const char *fmt, ...)
{
	va_list args;

	mutex_lock(&ic->lock);
	va_start(args, fmt);
	vsnprintf(ic->last_error, sizeof(ic->last_error), fmt, args);
	va_end(args);
	ic->errors++;
	dev_warn_ratelimited(ic->dev, "%s: %s\n", ic->svc->name, ic->last_error);
	mutex_unlock(&ic->lock);
}
EXPORT_SYMBOL_GPL(hvis_ic_error);

u32 hvis_ic_vmbus_version(const struct hvis_ic *ic)
{
	return ic->bus->vmbus_version();
}
EXPORT_SYMBOL_GPL(hvis_ic_vmbus_version);

u64 hvis_ic_ref_counter(const struct hvis_ic *ic)
{
	return ic->bus->ref_counter();
}
EXPORT_SYMBOL_GPL(hvis_ic_ref_counter);

static u32 hvis_ic_on_negotiate(struct hvis_ic *ic, u32 len)
{
	const struct hvis_ic_service *svc = ic->svc;
	struct hvis_ic_version fw, msg;
	int ret;

	ret = hvis_ic_negotiate(ic->buf, len, svc->fw_versions, svc->nr_fw,
				svc->msg_versions, svc->nr_msg, &fw, &msg);
	if (ret == -EINVAL) {
		hvis_ic_error(ic, "malformed NEGOTIATE refused");
		return HVIS_IC_E_FAIL;
	}
	mutex_lock(&ic->lock);
	ic->negotiations++;
	ic->negotiated = !ret;
	if (!ret) {
		ic->fw = fw;
		ic->msg = msg;
	}
	mutex_unlock(&ic->lock);
	if (ret)
		hvis_ic_error(ic, "no version in common with the host");
	else
		dev_dbg(ic->dev, "%s: framework %u.%u, message %u.%u\n", svc->name,
			fw.major, fw.minor, msg.major, msg.minor);
	/* The status of a NEGOTIATE answer stays as the host sent it. */
	return ((struct hvis_ic_msg *)ic->buf)->ic.status;
}

/* Send ic->buf back as the answer. Under ic->io. */
static void hvis_ic_answer(struct hvis_ic *ic, u32 len, u64 trans_id, u32 status,
			   bool handled)
{
	struct hvis_ic_msg *m = (void *)ic->buf;

	m->ic.status = status;
	m->ic.flags = HVIS_IC_FLAG_TRANSACTION | HVIS_IC_FLAG_RESPONSE;
	if (ic->bus->send(ic->chan, ic->buf, len, trans_id))
		hvis_ic_error(ic, "answer of %u bytes could not be sent", len);
	else if (handled && ic->svc->answered)
		ic->svc->answered(ic, status);
}

/* One packet of @len bytes in ic->buf: check it, act on it, answer it. Under ic->io. */
static void hvis_ic_one(struct hvis_ic *ic, u32 len, u64 trans_id)
{
	const struct hvis_ic_service *svc = ic->svc;
	struct hvis_ic_msg *m = (void *)ic->buf;
	bool handled = false;
	const char *why;
	int body;
	u32 status;

	body = hvis_ic_check_hdr(ic->buf, len, &why);
	if (body < 0) {
		/* Nothing trustworthy to answer: drop it. */
		hvis_ic_error(ic, "packet of %u bytes dropped: %s", len, why);
		return;
	}
	if (m->ic.msgtype == HVIS_IC_MSG_NEGOTIATE) {
		status = hvis_ic_on_negotiate(ic, len);
	} else if (m->ic.msgtype != svc->msgtype) {
		hvis_ic_error(ic, "message type %u refused", m->ic.msgtype);
		status = HVIS_IC_E_FAIL;
	} else if (!READ_ONCE(ic->negotiated)) {
		hvis_ic_error(ic, "message before a successful NEGOTIATE refused");
		status = HVIS_IC_E_FAIL;
	} else if (body < svc->min_body) {
		hvis_ic_error(ic, "message of %d body bytes refused: needs %u", body,
			      svc->min_body);
		status = HVIS_IC_E_FAIL;
	} else {
		status = svc->relay ? hvis_ic_relay_request(ic, m->body, body) :
				      svc->handle(ic, m->body, body);
		handled = true;
		mutex_lock(&ic->lock);
		ic->messages++;
		mutex_unlock(&ic->lock);
		if (status == HVIS_IC_PENDING) {
			/* Answered later, by hvis_ic_complete(); read nothing until then. */
			ic->pending = true;
			ic->pending_len = len;
			ic->pending_trans_id = trans_id;
			return;
		}
	}
	hvis_ic_answer(ic, len, trans_id, status, handled);
}

/* Packets one call reads at most: more than any host has a reason to queue. */
#define HVIS_IC_READ_BUDGET	64

void hvis_ic_on_packets(struct hvis_ic *ic)
{
	unsigned int budget = HVIS_IC_READ_BUDGET;
	u64 trans_id;
	u32 len;
	int ret;

	mutex_lock(&ic->io);
	/* The host sends one transaction at a time; a pending one holds the rest. */
	while (!ic->pending && !ic->closing) {
		/* A host that refills the ring as fast as it is read: yield, then go on. */
		if (!budget--) {
			queue_work(system_wq, &ic->resume);
			break;
		}
		ret = ic->bus->recv(ic->chan, ic->buf, ic->svc->max_packet, &len, &trans_id);
		if (ret == -EAGAIN || ret == -EIO)
			break;	/* empty, or broken (the core said so) */
		if (ret == -ENOBUFS) {
			hvis_ic_error(ic, "packet of %u bytes dropped: larger than %u", len,
				      ic->svc->max_packet);
			/*
			 * Dropped even where the skip fails on what it read (a
			 * completion nobody asked for): read on, or the host,
			 * which signals only an empty ring's first packet, is
			 * never heard again.  Stop only where the packet stays.
			 */
			ret = ic->bus->skip(ic->chan);
			if (ret == -EIO || ret == -EAGAIN || ret == -ENOMEM)
				break;
			continue;
		}
		if (ret)
			continue;
		hvis_ic_one(ic, len, trans_id);
	}
	mutex_unlock(&ic->io);
}
EXPORT_SYMBOL_GPL(hvis_ic_on_packets);

static void hvis_ic_resume(struct work_struct *work)
{
	struct hvis_ic *ic = container_of(work, struct hvis_ic, resume);

	hvis_ic_on_packets(ic);
}

void *hvis_ic_pending_body(struct hvis_ic *ic)
{
	lockdep_assert_held(&ic->io);
	return ic->pending ? ((struct hvis_ic_msg *)ic->buf)->body : NULL;
}

bool hvis_ic_complete(struct hvis_ic *ic, u32 status)
{
	bool was = ic->pending;

	lockdep_assert_held(&ic->io);
	if (!was)
		return false;
	ic->pending = false;
	hvis_ic_answer(ic, ic->pending_len, ic->pending_trans_id, status, true);
	/* Whatever the host queued behind it. */
	queue_work(system_wq, &ic->resume);
	return true;
}

static void hvis_ic_free(struct hvis_ic *ic)
{
	mutex_destroy(&ic->io);
	mutex_destroy(&ic->lock);
	kfree(ic->priv);
	kfree(ic->buf);
	kfree(ic);
}

/*
 * Stop everything that reads the channel, then close it.  The relay's
 * pending answer still goes out on the open channel; then no read runs or
 * is queued (a read that used up its budget queues the resume work, and
 * the bus's callback may run until the close): the flag stops both.
 */
static void hvis_ic_close(struct hvis_ic *ic)
{
	if (ic->svc->relay)
		hvis_ic_relay_stop(ic);
	mutex_lock(&ic->io);
	ic->closing = true;
	mutex_unlock(&ic->io);
	cancel_work_sync(&ic->resume);
	ic->bus->close(ic->chan);
}

int hvis_ic_bind(struct device *dev, const struct hvis_ic_bus *bus, void *chan,
		 const struct hvis_ic_service *svc)
{
	struct hvis_ic *ic;
	int ret;

	ic = kzalloc(sizeof(*ic), GFP_KERNEL);
	if (!ic)
		return -ENOMEM;
	mutex_init(&ic->lock);
	mutex_init(&ic->io);
	INIT_WORK(&ic->resume, hvis_ic_resume);
	ic->dev = dev;
	ic->bus = bus;
	ic->chan = chan;
	ic->svc = svc;
	ic->buf = kmalloc(svc->max_packet, GFP_KERNEL);
	if (svc->priv_size)
		ic->priv = kzalloc(svc->priv_size, GFP_KERNEL);
	if (!ic->buf || (svc->priv_size && !ic->priv)) {
		hvis_ic_free(ic);
		return -ENOMEM;
	}
	dev_set_drvdata(dev, ic);

	ret = svc->init ? svc->init(ic) : 0;
	if (ret)
		goto fail;
	ret = svc->relay ? hvis_ic_relay_start(ic) : 0;
	if (ret)
		goto fail_exit;
	ret = bus->open(chan, HVIS_IC_RING_BYTES, ic);
	if (ret) {
		dev_err(dev, "%s: cannot open the channel: %d\n", svc->name, ret);
		goto fail_relay;
	}
	ret = device_add_groups(dev, svc->dev_groups);
	if (ret)
		goto fail_channel;
	dev_info(dev, "%s on %s\n", svc->name, bus->name);
	return 0;

fail_channel:
	/* As at unbind: requests may have come and gone since the open. */
	hvis_ic_close(ic);
	goto fail_exit;
fail_relay:
	if (svc->relay)
		hvis_ic_relay_stop(ic);
fail_exit:
	if (svc->exit)
		svc->exit(ic);
fail:
	dev_set_drvdata(dev, NULL);
	hvis_ic_free(ic);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_ic_bind);

void *hvis_ic_unbind(struct device *dev)
{
	struct hvis_ic *ic = dev_get_drvdata(dev);
	const struct hvis_ic_service *svc = ic->svc;
	void *chan = ic->chan;

	device_remove_groups(dev, svc->dev_groups);
	hvis_ic_close(ic);
	/* No handler runs after this: the service's own teardown. */
	if (svc->exit)
		svc->exit(ic);
	dev_set_drvdata(dev, NULL);
	hvis_ic_free(ic);
	return chan;
}
EXPORT_SYMBOL_GPL(hvis_ic_unbind);

/* --- ic/ in sysfs ----------------------------------------------------------------- */

static ssize_t hvis_ic_show(struct device *dev, char *buf,
			    int (*fn)(struct hvis_ic *ic, char *buf))
{
	struct hvis_ic *ic = dev_get_drvdata(dev);
	int n;

	if (!ic)
		return -ENODEV;
	mutex_lock(&ic->lock);
	n = fn(ic, buf);
	mutex_unlock(&ic->lock);
	return n;
}

static int hvis_ic_fmt_service(struct hvis_ic *ic, char *buf)
{
	return sysfs_emit(buf, "%s\n", ic->svc->name);
}

static int hvis_ic_fmt_version(bool ok, struct hvis_ic_version v, char *buf)
{
	return ok ? sysfs_emit(buf, "%u.%u\n", v.major, v.minor) : sysfs_emit(buf, "none\n");
}

static int hvis_ic_fmt_framework_version(struct hvis_ic *ic, char *buf)
{
	return hvis_ic_fmt_version(ic->negotiated, ic->fw, buf);
}

static int hvis_ic_fmt_message_version(struct hvis_ic *ic, char *buf)
{
	return hvis_ic_fmt_version(ic->negotiated, ic->msg, buf);
}

static int hvis_ic_fmt_negotiations(struct hvis_ic *ic, char *buf)
{
	return sysfs_emit(buf, "%llu\n", ic->negotiations);
}

static int hvis_ic_fmt_messages(struct hvis_ic *ic, char *buf)
{
	return sysfs_emit(buf, "%llu\n", ic->messages);
}

static int hvis_ic_fmt_errors(struct hvis_ic *ic, char *buf)
{
	return sysfs_emit(buf, "%llu\n", ic->errors);
}

static int hvis_ic_fmt_last_error(struct hvis_ic *ic, char *buf)
{
	return sysfs_emit(buf, "%s\n", ic->last_error);
}

#define HVIS_IC_ATTR(_name)							\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr,	\
			    char *buf)						\
{										\
	return hvis_ic_show(dev, buf, hvis_ic_fmt_##_name);			\
}										\
static DEVICE_ATTR_RO(_name)

HVIS_IC_ATTR(service);
HVIS_IC_ATTR(framework_version);
HVIS_IC_ATTR(message_version);
HVIS_IC_ATTR(negotiations);
HVIS_IC_ATTR(messages);
HVIS_IC_ATTR(errors);
HVIS_IC_ATTR(last_error);

/* The relay's, for services that have one: hvis_ic_relay_show() in relay.c. */
#define HVIS_IC_RELAY_ATTR(_name) \
	static struct device_attribute dev_attr_##_name = \
		__ATTR(_name, 0444, hvis_ic_relay_show, NULL)

HVIS_IC_RELAY_ATTR(daemon);	/* none, registering, registered */
HVIS_IC_RELAY_ATTR(forwarded);	/* requests handed to the daemon */
HVIS_IC_RELAY_ATTR(answered);	/* ... that it answered in time */
HVIS_IC_RELAY_ATTR(timeouts);	/* ... that it did not */
HVIS_IC_RELAY_ATTR(no_daemon);	/* requests failed at once: no daemon registered */
HVIS_IC_RELAY_ATTR(late);	/* answers after the deadline, dropped */

static struct attribute *hvis_ic_attrs[] = {
	&dev_attr_service.attr,
	&dev_attr_framework_version.attr,
	&dev_attr_message_version.attr,
	&dev_attr_negotiations.attr,
	&dev_attr_messages.attr,
	&dev_attr_errors.attr,
	&dev_attr_last_error.attr,
	&dev_attr_daemon.attr,
	&dev_attr_forwarded.attr,
	&dev_attr_answered.attr,
	&dev_attr_timeouts.attr,
	&dev_attr_no_daemon.attr,
	&dev_attr_late.attr,
	NULL
};

/* The driver core adds the group after a successful probe: drvdata is set. */
static umode_t hvis_ic_attr_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	struct hvis_ic *ic = dev_get_drvdata(kobj_to_dev(kobj));
	struct device_attribute *da = container_of(attr, struct device_attribute, attr);

	if (da->show == hvis_ic_relay_show && (!ic || !ic->svc->relay))
		return 0;
	return attr->mode;
}

static const struct attribute_group hvis_ic_group = {
	.name = "ic",
	.attrs = hvis_ic_attrs,
	.is_visible = hvis_ic_attr_visible,
};

static const struct attribute_group *hvis_ic_groups[] = {
	&hvis_ic_group,
	NULL
};

/* --- services and buses --------------------------------------------------------- */

/*
 * Every service is attached to every bus, whichever is registered first:
 * one attachment per pair, made by the second of the two to arrive and
 * undone by the first to go.
 */
struct hvis_ic_attachment {
	struct list_head node;
	struct hvis_ic_service *svc;
	struct hvis_ic_bus *bus;
	void *drv;			/* bus->drv_size bytes, the bus's driver */
};

static DEFINE_MUTEX(hvis_ic_reg_lock);	/* the three lists */
static LIST_HEAD(hvis_ic_services);
static LIST_HEAD(hvis_ic_buses);
static LIST_HEAD(hvis_ic_attachments);

static int hvis_ic_attach(struct hvis_ic_service *svc, struct hvis_ic_bus *bus)
{
	struct hvis_ic_attachment *a;
	int ret = -ENOMEM;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		goto fail;
	a->svc = svc;
	a->bus = bus;
	a->drv = kzalloc(bus->drv_size, GFP_KERNEL);
	if (!a->drv)
		goto fail;
	ret = bus->attach(a->drv, svc, svc->owner, hvis_ic_groups);
	if (ret)
		goto fail;
	list_add_tail(&a->node, &hvis_ic_attachments);
	return 0;
fail:
	pr_err("%s: cannot register on %s: %d\n", svc->drv_name, bus->name, ret);
	if (a)
		kfree(a->drv);
	kfree(a);
	return ret;
}

/* Every attachment of @svc, or of @bus (the other one NULL). */
static void hvis_ic_detach(struct hvis_ic_service *svc, struct hvis_ic_bus *bus)
{
	struct hvis_ic_attachment *a, *tmp;

	list_for_each_entry_safe_reverse(a, tmp, &hvis_ic_attachments, node) {
		if (a->svc != svc && a->bus != bus)
			continue;
		list_del(&a->node);
		a->bus->detach(a->drv);
		kfree(a->drv);
		kfree(a);
	}
}

/*
 * A service or a bus (the other one NULL) arrives: attach it to every bus
 * or service there is, then list it; or, if one attachment fails, none.
 */
static int hvis_ic_arrive(struct hvis_ic_service *svc, struct hvis_ic_bus *bus)
{
	struct hvis_ic_service *s;
	struct hvis_ic_bus *b;
	int ret = 0;

	mutex_lock(&hvis_ic_reg_lock);
	if (svc) {
		list_for_each_entry(b, &hvis_ic_buses, node)
			if (!ret)
				ret = hvis_ic_attach(svc, b);
	} else {
		list_for_each_entry(s, &hvis_ic_services, node)
			if (!ret)
				ret = hvis_ic_attach(s, bus);
	}
	if (ret)
		hvis_ic_detach(svc, bus);
	else if (svc)
		list_add_tail(&svc->node, &hvis_ic_services);
	else
		list_add_tail(&bus->node, &hvis_ic_buses);
	mutex_unlock(&hvis_ic_reg_lock);
	return ret;
}

/* ... and leaves (its node on its list): every attachment of it goes. */
static void hvis_ic_leave(struct list_head *node, struct hvis_ic_service *svc,
			  struct hvis_ic_bus *bus)
{
	mutex_lock(&hvis_ic_reg_lock);
	list_del(node);
	hvis_ic_detach(svc, bus);
	mutex_unlock(&hvis_ic_reg_lock);
}

int __hvis_ic_register(struct hvis_ic_service *svc, struct module *owner)
{
	if (!svc->max_packet)
		svc->max_packet = HVIS_IC_MAX_PACKET;
	svc->owner = owner;
	return hvis_ic_arrive(svc, NULL);
}
EXPORT_SYMBOL_GPL(__hvis_ic_register);

void hvis_ic_unregister(struct hvis_ic_service *svc)
{
	hvis_ic_leave(&svc->node, svc, NULL);
}
EXPORT_SYMBOL_GPL(hvis_ic_unregister);

int hvis_ic_bus_register(struct hvis_ic_bus *bus)
{
	return hvis_ic_arrive(NULL, bus);
}
EXPORT_SYMBOL_GPL(hvis_ic_bus_register);

void hvis_ic_bus_unregister(struct hvis_ic_bus *bus)
{
	hvis_ic_leave(&bus->node, NULL, bus);
}
EXPORT_SYMBOL_GPL(hvis_ic_bus_unregister);

MODULE_DESCRIPTION("Hyper-V integration-component framework (hvis)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVIS_VERSION);
