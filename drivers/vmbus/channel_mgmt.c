// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offers and rescinds.  They arrive from the message path and are handled
 * one at a time, in order, on an ordered workqueue, because creating and
 * removing devices sleeps and an offer must be in place before a rescind
 * of the same relid is looked at.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <hvis/vmbus.h>

#include "vmbus_priv.h"
#include "trace.h"

struct hvis_chanmgmt_msg {
	struct list_head node;
	u32 len;
	u8 buf[HVIS_MESSAGE_PAYLOAD_SIZE];
};

static struct hvis_channel *hvis_relids[HVIS_MAX_RELID];	/* under hvis_conn.lock */
static LIST_HEAD(hvis_chanmgmt_queue_list);
static DEFINE_SPINLOCK(hvis_chanmgmt_queue_lock);
static struct workqueue_struct *hvis_chanmgmt_wq;
static struct work_struct hvis_chanmgmt_work;
static DECLARE_COMPLETION(hvis_all_offers);
static bool hvis_chanmgmt_stopping;	/* under hvis_chanmgmt_queue_lock */

void hvis_chanmgmt_queue(const struct hvis_chanmsg_hdr *hdr, u32 len)
{
	struct hvis_chanmgmt_msg *m;
	unsigned long flags;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	memcpy(m->buf, hdr, len);
	m->len = len;
	spin_lock_irqsave(&hvis_chanmgmt_queue_lock, flags);
	if (hvis_chanmgmt_stopping) {
		spin_unlock_irqrestore(&hvis_chanmgmt_queue_lock, flags);
		kfree(m);
		return;
	}
	list_add_tail(&m->node, &hvis_chanmgmt_queue_list);
	queue_work(hvis_chanmgmt_wq, &hvis_chanmgmt_work);
	spin_unlock_irqrestore(&hvis_chanmgmt_queue_lock, flags);
}

static void hvis_release_relid(u32 relid)
{
	struct hvis_chanmsg_relid msg = {
		.hdr.msgtype = HVIS_CHANMSG_RELID_RELEASED,
		.child_relid = relid,
	};

	if (hvis_send(&msg, sizeof(msg)))
		pr_err_ratelimited("could not release relid %u\n", relid);
	else
		hvis_channel_relid_released(relid);
}

/* The primary channel of instance @instance, of any class.  Under hvis_conn.lock. */
static struct hvis_channel *hvis_find_primary(const guid_t *instance)
{
	int i;

	for (i = 1; i < HVIS_MAX_RELID; i++) {
		struct hvis_channel *ch = hvis_relids[i];

		if (ch && !ch->primary && guid_equal(&ch->offer.if_instance, instance))
			return ch;
	}
	return NULL;
}

static void hvis_on_offer(const struct hvis_chanmsg_offer *o)
{
	struct hvis_channel *ch, *primary = NULL;
	int ret;

	if (hvis_offer_check(o))
		return;	/* a relid we cannot index cannot be released either */

	mutex_lock(&hvis_conn.lock);
	if (hvis_relids[o->child_relid]) {
		mutex_unlock(&hvis_conn.lock);
		pr_err_ratelimited("offer: relid %u is already in use, offer dropped\n",
				   o->child_relid);
		return;
	}
	/*
	 * The instance names the device in sysfs, whatever its class: a second
	 * primary of one instance could not be a device (and sysfs would dump
	 * a stack trying).  A sub-channel belongs to its instance's primary of
	 * the same class.
	 */
	primary = hvis_find_primary(&o->if_instance);
	if (!o->sub_channel_index && primary) {
		mutex_unlock(&hvis_conn.lock);
		pr_err_ratelimited("offer %u: a second primary channel for %pUl, refused\n",
				   o->child_relid, &o->if_instance);
		hvis_release_relid(o->child_relid);
		return;
	}
	if (primary && !guid_equal(&primary->offer.if_type, &o->if_type))
		primary = NULL;
	if (primary && o->sub_channel_index && primary->nr_retired >= HVIS_MAX_RETIRED_SUBS) {
		mutex_unlock(&hvis_conn.lock);
		pr_err_ratelimited("offer %u: %pUl has had %u sub-channels rescinded, refused\n",
				   o->child_relid, &o->if_instance, primary->nr_retired);
		hvis_release_relid(o->child_relid);
		return;
	}
	if (o->sub_channel_index && !primary) {
		mutex_unlock(&hvis_conn.lock);
		pr_err_ratelimited("offer %u: sub-channel %u of %pUl without a primary, refused\n",
				   o->child_relid, o->sub_channel_index, &o->if_instance);
		hvis_release_relid(o->child_relid);
		return;
	}

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch) {
		mutex_unlock(&hvis_conn.lock);
		hvis_release_relid(o->child_relid);
		return;
	}
	ch->offer = *o;
	ch->relid = o->child_relid;
	spin_lock_init(&ch->send_lock);
	mutex_init(&ch->recv_lock);
	mutex_init(&ch->open_lock);
	INIT_LIST_HEAD(&ch->sub_channels);
	INIT_LIST_HEAD(&ch->retired_subs);
	INIT_LIST_HEAD(&ch->sub_node);
	hvis_relids[ch->relid] = ch;
	if (primary) {
		ch->primary = primary;
		list_add_tail(&ch->sub_node, &primary->sub_channels);
		mutex_unlock(&hvis_conn.lock);
		if (hvis_channel_sysfs_add(ch))
			pr_err_ratelimited("offer %u: no sysfs directory\n", ch->relid);
		return;
	}
	mutex_unlock(&hvis_conn.lock);

	ret = hvis_device_add(ch);
	if (ret) {
		pr_err_ratelimited("offer %u: device not created (%d)\n", ch->relid, ret);
		mutex_lock(&hvis_conn.lock);
		hvis_relids[ch->relid] = NULL;
		mutex_unlock(&hvis_conn.lock);
		hvis_release_relid(ch->relid);
		kfree(ch);
	}
}

/*
 * Remove a sub-channel: close, unlink, release its relid.  Its driver may
 * still hold it: it is retired to its primary, where every call on it
 * fails (closed, rescinded), and freed with the primary.
 */
static void hvis_remove_sub_channel(struct hvis_channel *sc)
{
	struct hvis_channel *primary = sc->primary;
	u32 relid = sc->relid;

	hvis_channel_close(sc);
	hvis_channel_sysfs_del(sc);
	mutex_lock(&hvis_conn.lock);
	list_move_tail(&sc->sub_node, &primary->retired_subs);
	primary->nr_retired++;
	hvis_relids[relid] = NULL;
	mutex_unlock(&hvis_conn.lock);
	hvis_release_relid(relid);
}

/* Remove a primary channel's device, its sub-channels first. */
static void hvis_remove_primary(struct hvis_channel *ch)
{
	struct hvis_channel *sc, *tmp;
	u32 relid = ch->relid;
	LIST_HEAD(retired);

	list_for_each_entry_safe(sc, tmp, &ch->sub_channels, sub_node)
		hvis_remove_sub_channel(sc);
	mutex_lock(&hvis_conn.lock);
	hvis_relids[relid] = NULL;
	list_splice_init(&ch->retired_subs, &retired);
	mutex_unlock(&hvis_conn.lock);
	hvis_device_remove(ch->device);	/* frees ch with the device */
	hvis_release_relid(relid);
	/* The driver is gone with the device: nothing holds a sub-channel now. */
	list_for_each_entry_safe(sc, tmp, &retired, sub_node)
		kfree(sc);
}

static void hvis_on_rescind(const struct hvis_chanmsg_relid *r)
{
	struct hvis_channel *ch = NULL;

	mutex_lock(&hvis_conn.lock);
	if (r->child_relid < HVIS_MAX_RELID)
		ch = hvis_relids[r->child_relid];
	if (ch)
		ch->rescinded = true;
	mutex_unlock(&hvis_conn.lock);
	if (!ch) {
		pr_err_ratelimited("rescind of unknown relid %u ignored\n", r->child_relid);
		return;
	}
	if (ch->primary)
		hvis_remove_sub_channel(ch);
	else
		hvis_remove_primary(ch);
}

static void hvis_chanmgmt_fn(struct work_struct *work)
{
	struct hvis_chanmgmt_msg *m;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&hvis_chanmgmt_queue_lock, flags);
		m = list_first_entry_or_null(&hvis_chanmgmt_queue_list,
					     struct hvis_chanmgmt_msg, node);
		if (m)
			list_del(&m->node);
		spin_unlock_irqrestore(&hvis_chanmgmt_queue_lock, flags);
		if (!m)
			return;

		switch (((struct hvis_chanmsg_hdr *)m->buf)->msgtype) {
		case HVIS_CHANMSG_OFFERCHANNEL:
			hvis_on_offer((const void *)m->buf);
			break;
		case HVIS_CHANMSG_RESCIND_CHANNELOFFER:
			hvis_on_rescind((const void *)m->buf);
			break;
		case HVIS_CHANMSG_ALLOFFERS_DELIVERED:
			complete_all(&hvis_all_offers);
			break;
		}
		kfree(m);
		/* A host may keep the queue full forever. */
		cond_resched();
	}
}

/*
 * Wait until the host's initial offers are all on the bus (bounded).  The
 * work takes messages in order, so once it has seen ALLOFFERS_DELIVERED
 * every offer before it is a device; it is not flushed, since a host that
 * streams offers and rescinds would keep a flush from ever returning.
 */
void hvis_chanmgmt_wait_offers(void)
{
	if (!wait_for_completion_timeout(&hvis_all_offers,
					 msecs_to_jiffies(hvis_msg_timeout_ms)))
		pr_warn("the host did not say ALLOFFERS_DELIVERED within %u ms; going on\n",
			hvis_msg_timeout_ms);
}

/**
 * hvis_sub_channel() - a sub-channel the host offered for @dev
 * @dev: the device
 * @index: its sub_channel_index (1 and up)
 *
 * The channel stays valid as long as the device: a driver may hold it until
 * its remove().  After a rescind it is closed and no call on it works
 * (open fails with -ENODEV); the driver's own close is then a no-op.
 *
 * Return: the channel, or NULL if the host has not offered it.
 */
struct hvis_channel *hvis_sub_channel(struct hvis_device *dev, u16 index)
{
	struct hvis_channel *sc, *found = NULL;

	mutex_lock(&hvis_conn.lock);
	list_for_each_entry(sc, &dev->channel->sub_channels, sub_node) {
		if (sc->offer.sub_channel_index == index) {
			found = sc;
			break;
		}
	}
	mutex_unlock(&hvis_conn.lock);
	return found;
}
EXPORT_SYMBOL_GPL(hvis_sub_channel);

/* How many devices (primary channels) are on the bus. */
unsigned int hvis_chanmgmt_count(void)
{
	unsigned int i, n = 0;

	mutex_lock(&hvis_conn.lock);
	for (i = 1; i < HVIS_MAX_RELID; i++)
		if (hvis_relids[i] && !hvis_relids[i]->primary)
			n++;
	mutex_unlock(&hvis_conn.lock);
	return n;
}

int hvis_chanmgmt_init(void)
{
	hvis_chanmgmt_stopping = false;
	reinit_completion(&hvis_all_offers);
	INIT_WORK(&hvis_chanmgmt_work, hvis_chanmgmt_fn);
	hvis_chanmgmt_wq = alloc_ordered_workqueue("hvis_chanmgmt", 0);
	return hvis_chanmgmt_wq ? 0 : -ENOMEM;
}

/*
 * Stop taking offers, finish what is queued, and remove every device
 * (releasing each relid) while the connection is still up.
 */
void hvis_chanmgmt_stop(void)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&hvis_chanmgmt_queue_lock, flags);
	hvis_chanmgmt_stopping = true;
	spin_unlock_irqrestore(&hvis_chanmgmt_queue_lock, flags);
	flush_workqueue(hvis_chanmgmt_wq);

	for (i = 1; i < HVIS_MAX_RELID; i++) {
		struct hvis_channel *ch = hvis_relids[i];

		if (ch && !ch->primary)
			hvis_remove_primary(ch);
	}
}

void hvis_chanmgmt_exit(void)
{
	destroy_workqueue(hvis_chanmgmt_wq);
}
