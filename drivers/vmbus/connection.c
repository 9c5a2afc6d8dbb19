// SPDX-License-Identifier: GPL-2.0-only
/*
 * The connection to the host: version negotiation, UNLOAD, and dispatch of
 * every channel message the host sends.  Host messages are untrusted: each
 * is checked against its type's minimum length before anything reads it.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <hvis/vmbus.h>

#include "vmbus_priv.h"
#define CREATE_TRACE_POINTS
#include "trace.h"

struct hvis_connection hvis_conn = {
	.waiters_lock	= __SPIN_LOCK_UNLOCKED(hvis_conn.waiters_lock),
	.waiters	= LIST_HEAD_INIT(hvis_conn.waiters),
	.lock		= __MUTEX_INITIALIZER(hvis_conn.lock),
};

static unsigned int max_version = HVIS_VMBUS_V6_0;
module_param(max_version, uint, 0444);
MODULE_PARM_DESC(max_version,
		 "Newest VMBus protocol version to offer, (major << 16) | minor (default 6.0)");

unsigned int hvis_msg_timeout_ms = 5000;
module_param_named(msg_timeout_ms, hvis_msg_timeout_ms, uint, 0644);
MODULE_PARM_DESC(msg_timeout_ms, "How long to wait for the host to answer a request (ms)");

/* Newest first: the first one the host accepts is the one we use. */
static const u32 hvis_versions[] = {
	HVIS_VMBUS_V6_0,
	HVIS_VMBUS_WIN10_V5_3,
	HVIS_VMBUS_WIN10_V5_2,
	HVIS_VMBUS_WIN10_V5_1,
	HVIS_VMBUS_WIN10_V5,
	HVIS_VMBUS_WIN10_V4_1,
	HVIS_VMBUS_WIN10,
	HVIS_VMBUS_WIN8_1,
	HVIS_VMBUS_WIN8,
	HVIS_VMBUS_WIN7,
	HVIS_VMBUS_WS2008,
};

/* Which request a response answers: relid or gpadl, by type. */
static u32 hvis_msg_key(const struct hvis_chanmsg_hdr *hdr)
{
	const u32 *body = (const u32 *)(hdr + 1);

	switch (hdr->msgtype) {
	case HVIS_CHANMSG_OPENCHANNEL_RESULT:
	case HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE:
	case HVIS_CHANMSG_GPADL_TORNDOWN:
		return body[0];
	case HVIS_CHANMSG_GPADL_CREATED:
		return body[1];
	default:
		return 0;
	}
}

void hvis_waiter_init(struct hvis_msg_waiter *w, u32 msgtype, u32 key, bool any_key)
{
	INIT_LIST_HEAD(&w->node);
	w->msgtype = msgtype;
	w->key = key;
	w->any_key = any_key;
	w->len = 0;
	init_completion(&w->done);
}

void hvis_waiter_add(struct hvis_msg_waiter *w)
{
	unsigned long flags;

	spin_lock_irqsave(&hvis_conn.waiters_lock, flags);
	list_add_tail(&w->node, &hvis_conn.waiters);
	spin_unlock_irqrestore(&hvis_conn.waiters_lock, flags);
}

void hvis_waiter_del(struct hvis_msg_waiter *w)
{
	unsigned long flags;

	spin_lock_irqsave(&hvis_conn.waiters_lock, flags);
	list_del_init(&w->node);
	spin_unlock_irqrestore(&hvis_conn.waiters_lock, flags);
}

/* Wait for the response; a host that never answers gets -ETIMEDOUT. */
int hvis_waiter_wait(struct hvis_msg_waiter *w)
{
	unsigned long left;

	left = wait_for_completion_timeout(&w->done, msecs_to_jiffies(hvis_msg_timeout_ms));
	hvis_waiter_del(w);
	return left ? 0 : -ETIMEDOUT;
}

/* Hand a response to the thread waiting for it; false if nobody is. */
static bool hvis_msg_complete(const struct hvis_chanmsg_hdr *hdr, u32 len)
{
	struct hvis_msg_waiter *w;
	unsigned long flags;
	u32 key = hvis_msg_key(hdr);
	bool found = false;

	spin_lock_irqsave(&hvis_conn.waiters_lock, flags);
	list_for_each_entry(w, &hvis_conn.waiters, node) {
		if (w->msgtype != hdr->msgtype || (!w->any_key && w->key != key))
			continue;
		memcpy(w->msg.buf, hdr, len);
		w->len = len;
		list_del_init(&w->node);
		complete(&w->done);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&hvis_conn.waiters_lock, flags);
	return found;
}

/* Every message from the host, copied out of its slot, arrives here. */
void hvis_on_message(const struct hvis_hv_message *msg)
{
	const struct hvis_chanmsg_hdr *hdr = (const void *)msg->payload;
	u32 len = msg->payload_size;
	int ret;

	if (msg->message_type != HVIS_MESSAGE_TYPE_VMBUS) {
		pr_err_ratelimited("dropped SynIC message of type %#x on the VMBus SINT\n",
				   msg->message_type);
		return;
	}
	ret = hvis_chanmsg_check(hdr, len);
	if (ret) {
		pr_err_ratelimited("dropped bad channel message: type %u (%s), %u bytes: %s\n",
				   len >= sizeof(*hdr) ? hdr->msgtype : 0,
				   len >= sizeof(*hdr) ? hvis_chanmsg_name(hdr->msgtype) : "-",
				   len, ret == -EMSGSIZE ? "bad length" : "not a host message");
		return;
	}
	trace_hvis_chanmsg_recv(hdr->msgtype, len);

	switch (hdr->msgtype) {
	case HVIS_CHANMSG_OFFERCHANNEL:
	case HVIS_CHANMSG_RESCIND_CHANNELOFFER:
	case HVIS_CHANMSG_ALLOFFERS_DELIVERED:
		/*
		 * A host offers after REQUESTOFFERS, which goes out once a
		 * version is agreed.  A device made before that could not be
		 * removed in order if the connection then failed.
		 */
		if (!READ_ONCE(hvis_conn.version)) {
			pr_err_ratelimited("dropped %s: no VMBus version is agreed yet\n",
					   hvis_chanmsg_name(hdr->msgtype));
			return;
		}
		hvis_chanmgmt_queue(hdr, len);
		return;
	default:
		if (!hvis_msg_complete(hdr, len))
			pr_err_ratelimited("dropped unexpected %s: nothing is waiting for it\n",
					   hvis_chanmsg_name(hdr->msgtype));
	}
}

/**
 * hvis_request() - post a message and wait (bounded) for the host's answer
 * @msg: the request
 * @len: its length
 * @resp_type: the message type that answers it
 * @key: relid or GPADL handle the answer must carry (see hvis_msg_key())
 * @resp: receives the answer
 * @resp_len: room in @resp; answers are at least their type's minimum
 *
 * Return: 0, or the error from posting or -ETIMEDOUT.
 */
int hvis_request(const void *msg, u32 len, u32 resp_type, u32 key, void *resp, u32 resp_len)
{
	struct hvis_msg_waiter *w;
	int ret;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	hvis_waiter_init(w, resp_type, key, false);
	hvis_waiter_add(w);
	ret = hvis_send(msg, len);
	if (ret)
		hvis_waiter_del(w);
	else
		ret = hvis_waiter_wait(w);
	if (!ret)
		memcpy(resp, w->msg.buf, min(resp_len, w->len));
	kfree(w);
	return ret;
}

/* Post a channel message on the current connection. */
int hvis_send(const void *msg, u32 len)
{
	const struct hvis_chanmsg_hdr *hdr = msg;

	trace_hvis_chanmsg_send(hdr->msgtype, len);
	return hvis_post_message(hvis_conn.msg_conn_id, msg, len);
}

/* One INITIATE_CONTACT: 1 accepted, 0 refused, or an error. */
static int hvis_try_version(u32 version)
{
	struct hvis_chanmsg_initiate_contact msg = {};
	struct hvis_msg_waiter *w;
	u32 conn_id;
	int ret;

	msg.hdr.msgtype = HVIS_CHANMSG_INITIATE_CONTACT;
	msg.vmbus_version_requested = version;
	msg.target_vcpu = hvis_conn.target_vp;
	if (version >= HVIS_VMBUS_WIN10_V5) {
		msg.msg_sint = HVIS_VMBUS_MESSAGE_SINT;
		conn_id = HVIS_VMBUS_MESSAGE_CONNECTION_ID_4;
	} else {
		msg.interrupt_page = virt_to_phys(hvis_conn.int_page);
		conn_id = HVIS_VMBUS_MESSAGE_CONNECTION_ID;
	}
	msg.monitor_page1 = virt_to_phys(hvis_conn.monitor_pages[0]);
	msg.monitor_page2 = virt_to_phys(hvis_conn.monitor_pages[1]);

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	hvis_waiter_init(w, HVIS_CHANMSG_VERSION_RESPONSE, 0, true);
	hvis_waiter_add(w);

	trace_hvis_chanmsg_send(msg.hdr.msgtype, sizeof(msg));
	ret = hvis_post_message(conn_id, &msg, sizeof(msg));
	if (ret) {
		hvis_waiter_del(w);
		/* An older host does not listen on connection 4 at all. */
		ret = ret == -ENXIO ? 0 : ret;
		goto out;
	}
	ret = hvis_waiter_wait(w);
	if (ret) {
		pr_err("the host did not answer INITIATE_CONTACT for version %u.%u within %u ms\n",
		       HVIS_VMBUS_MAJOR(version), HVIS_VMBUS_MINOR(version),
		       hvis_msg_timeout_ms);
		goto out;
	}
	if (!w->msg.version.version_supported) {
		ret = 0;
		goto out;
	}
	WRITE_ONCE(hvis_conn.version, version);
	hvis_conn.msg_conn_id = version >= HVIS_VMBUS_WIN10_V5 ?
				w->msg.version.msg_conn_id : HVIS_VMBUS_MESSAGE_CONNECTION_ID;
	ret = 1;
out:
	kfree(w);
	return ret;
}

/*
 * Forget the version and free the pages INITIATE_CONTACT handed over.  The
 * SynIC interrupt stays possible until the core tears SynIC down, and
 * below 2.4 it scans the interrupt page: it reads the page under RCU, so
 * the page goes once no interrupt can still be looking at it.
 */
static void hvis_conn_free(void)
{
	void *int_page = hvis_conn.int_page;
	int i;

	WRITE_ONCE(hvis_conn.version, 0);
	WRITE_ONCE(hvis_conn.int_page, NULL);
	synchronize_rcu();
	free_page((unsigned long)int_page);
	for (i = 0; i < ARRAY_SIZE(hvis_conn.monitor_pages); i++) {
		free_page((unsigned long)hvis_conn.monitor_pages[i]);
		hvis_conn.monitor_pages[i] = NULL;
	}
}

int hvis_connect(void)
{
	struct hvis_chanmsg_hdr req = { .msgtype = HVIS_CHANMSG_REQUESTOFFERS };
	int i, ret = 0;

	hvis_conn.target_vp = hvis_hv_vp_index(0);
	hvis_conn.int_page = (void *)get_zeroed_page(GFP_KERNEL);
	hvis_conn.monitor_pages[0] = (void *)get_zeroed_page(GFP_KERNEL);
	hvis_conn.monitor_pages[1] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!hvis_conn.int_page || !hvis_conn.monitor_pages[0] || !hvis_conn.monitor_pages[1]) {
		ret = -ENOMEM;
		goto err;
	}

	for (i = 0; i < ARRAY_SIZE(hvis_versions); i++) {
		if (hvis_versions[i] > max_version)
			continue;
		ret = hvis_try_version(hvis_versions[i]);
		if (ret)
			break;
	}
	if (ret <= 0) {
		if (!ret) {
			pr_err("the host accepted none of the VMBus versions we speak (up to %u.%u)\n",
			       HVIS_VMBUS_MAJOR(max_version), HVIS_VMBUS_MINOR(max_version));
			ret = -EPROTO;
		}
		goto err;
	}
	pr_info("VMBus version %u.%u\n", HVIS_VMBUS_MAJOR(hvis_conn.version),
		HVIS_VMBUS_MINOR(hvis_conn.version));

	ret = hvis_send(&req, sizeof(req));
	if (ret) {
		pr_err("REQUESTOFFERS failed: %d\n", ret);
		hvis_disconnect();
		return ret;
	}
	return 0;

err:
	hvis_conn_free();
	return ret;
}

/*
 * Some services exist only from a protocol version on (VSS needs 3.0): their
 * drivers ask before they bind.
 */
u32 hvis_vmbus_version(void)
{
	return READ_ONCE(hvis_conn.version);
}
EXPORT_SYMBOL_GPL(hvis_vmbus_version);

/*
 * UNLOAD tells the host to drop every channel and to stop touching our
 * memory; hosts speak it from 3.0 on.  Sent once, on module exit or before
 * a restart (kexec); the host's answer is awaited, bounded.
 */
void hvis_unload(void)
{
	struct hvis_chanmsg_hdr msg = { .msgtype = HVIS_CHANMSG_UNLOAD }, resp;

	if (hvis_conn.version < HVIS_VMBUS_WIN8_1 || hvis_conn.unloaded)
		return;
	hvis_conn.unloaded = true;
	if (hvis_request(&msg, sizeof(msg), HVIS_CHANMSG_UNLOAD_RESPONSE, 0, &resp, sizeof(resp)))
		pr_err("the host did not answer UNLOAD\n");
}

/*
 * The same from a panic: one post, no sleeping and no waiting (nothing
 * else runs any more), so that a crash kernel finds the host ready for a
 * new connection.
 */
void hvis_unload_atomic(void)
{
	struct hvis_chanmsg_hdr msg = { .msgtype = HVIS_CHANMSG_UNLOAD };

	if (hvis_conn.version < HVIS_VMBUS_WIN8_1 || hvis_conn.unloaded)
		return;
	hvis_conn.unloaded = true;
	if (__hvis_post_message(hvis_conn.msg_conn_id, &msg, sizeof(msg), false))
		pr_emerg("UNLOAD could not be posted\n");
}

/* UNLOAD if not done yet, then forget the connection. */
void hvis_disconnect(void)
{
	if (!hvis_conn.version)
		return;
	hvis_unload();
	hvis_conn.unloaded = false;
	hvis_conn_free();
}
