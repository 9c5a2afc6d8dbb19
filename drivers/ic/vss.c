// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_vss: the guest's part of a host backup (VSS).  The host asks whether
 * a hot backup is possible, asks the guest to freeze its filesystems, takes
 * its snapshot and asks it to thaw them.  Freezing is the daemon's work: it
 * talks to this module through /dev/vmbus/hv_vss (the upstream interface,
 * so Debian's hv_vss_daemon works too).  FREEZE, THAW and HOT_BACKUP go to
 * the daemon; everything else is answered here.
 *
 * The host must never wait for nothing: without a registered daemon those
 * three fail at once, a daemon that does not answer in time fails at the
 * timeout, and one that goes away fails the request it had.  A late answer
 * is dropped, never taken for the answer to a newer request.
 *
 * A frozen filesystem the host never thaws stops the guest.  Thawing on a
 * timeout is the daemon's job (it did the freezing); this module only says
 * loudly in the log when filesystems stay frozen.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <hvis/ic.h>
#include <hvis/ic_daemon.h>
#include <hvis/version.h>
#include <uapi/hvis/hv_daemon.h>

static unsigned int freeze_timeout_s = 900;
module_param(freeze_timeout_s, uint, 0644);
MODULE_PARM_DESC(freeze_timeout_s,
		 "How long the daemon may take to freeze the filesystems, in seconds (default 900)");

static unsigned int daemon_timeout_ms = 30000;
module_param(daemon_timeout_ms, uint, 0644);
MODULE_PARM_DESC(daemon_timeout_ms,
		 "How long the daemon may take to answer THAW or HOT_BACKUP, in ms (default 30000)");

/* A freeze is meant to last seconds: after this long without THAW, say so. */
#define HVIS_VSS_THAW_WARN_S	60

static const struct hvis_ic_version hvis_vss_fw[] = { { 3, 0 } };
static const struct hvis_ic_version hvis_vss_msg[] = { { 5, 0 } };

/* The body on the wire has the layout of the daemon's message. */
struct hvis_vss_wire {
	u8 operation;
	u8 reserved[7];
	u32 flags;
} __packed;
static_assert(sizeof(struct hvis_vss_wire) == sizeof(struct hvis_vss_msg));

enum hvis_vss_state {
	HVIS_VSS_ABSENT,	/* no daemon, or it has not registered yet */
	HVIS_VSS_REGISTERING,	/* registered; it has yet to read our answer */
	HVIS_VSS_READY,
};

struct hvis_vss {
	struct hvis_ic *ic;
	struct hvis_ic_daemon *daemon;
	struct delayed_work timeout;	/* the daemon's answer is due */
	struct delayed_work thaw_watch;	/* frozen for long */
	/* The rest under ic->io. */
	enum hvis_vss_state state;
	bool going;			/* being removed: nothing more for the daemon */
	bool waiting;			/* a host request is with the daemon ... */
	bool delivered;			/* ... and the daemon has read it */
	bool late;			/* the daemon owes an answer we no longer want */
	u8 op;				/* of the request waiting */
	unsigned long deadline;		/* jiffies */
	bool frozen;			/* the daemon froze; no THAW since */
};

static const char *hvis_vss_op_name(u8 op)
{
	static const char * const names[] = {
		[HVIS_VSS_OP_HOT_BACKUP] = "HOT_BACKUP",
		[HVIS_VSS_OP_FREEZE] = "FREEZE",
		[HVIS_VSS_OP_THAW] = "THAW",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "operation";
}

/* Answer the host's request that is with the daemon. Under ic->io. */
static void hvis_vss_finish(struct hvis_vss *vss, u32 status)
{
	vss->waiting = false;
	hvis_ic_complete(vss->ic, status);
}

/* The daemon's answer to the request it read. Under ic->io. */
static void hvis_vss_answer(struct hvis_vss *vss, s32 error)
{
	struct device *dev = &vss->ic->dev->dev;
	u8 op = vss->op;

	if (error)
		hvis_ic_error(vss->ic, "%s failed in the daemon (error %#x)", hvis_vss_op_name(op),
			      (u32)error);
	if (op == HVIS_VSS_OP_FREEZE && !error) {
		vss->frozen = true;
		dev_notice(dev, "VSS: filesystems frozen for a host backup\n");
		mod_delayed_work(system_wq, &vss->thaw_watch, HVIS_VSS_THAW_WARN_S * HZ);
	} else if (op == HVIS_VSS_OP_THAW) {
		if (vss->frozen && !error)
			dev_notice(dev, "VSS: filesystems thawed\n");
		vss->frozen = false;
		cancel_delayed_work(&vss->thaw_watch);
	}
	hvis_vss_finish(vss, error ? HVIS_IC_E_FAIL : HVIS_IC_S_OK);
}

static unsigned long hvis_vss_timeout_jiffies(u8 op)
{
	if (op == HVIS_VSS_OP_FREEZE)
		return max_t(unsigned long, READ_ONCE(freeze_timeout_s), 1) * HZ;
	return msecs_to_jiffies(max_t(unsigned int, READ_ONCE(daemon_timeout_ms), 1));
}

static u32 hvis_vss_handle(struct hvis_ic *ic, void *body, u32 len)
{
	struct hvis_vss_wire *w = body;
	struct hvis_vss *vss = ic->priv;
	struct hvis_vss_msg msg = {};
	unsigned long timeout;
	int ret;

	switch (w->operation) {
	case HVIS_VSS_OP_FREEZE:
	case HVIS_VSS_OP_THAW:
		break;
	case HVIS_VSS_OP_HOT_BACKUP:
		/* Said in every answer to it, whatever the daemon says. */
		w->flags = HVIS_VSS_HBU_NO_AUTO_RECOVERY;
		break;
	case HVIS_VSS_OP_GET_DM_INFO:
		w->flags = 0;	/* no direct-mapped devices */
		return HVIS_IC_S_OK;
	case HVIS_VSS_OP_CREATE:
	case HVIS_VSS_OP_DELETE:
	case HVIS_VSS_OP_BU_COMPLETE:
	case HVIS_VSS_OP_AUTO_RECOVER:
		/* Nothing to do in a Linux guest. */
		return HVIS_IC_S_OK;
	default:
		/* Newer hosts' additions: Linux guests have always said yes. */
		dev_info_ratelimited(&ic->dev->dev, "VSS: unknown operation %u answered OK\n",
				     w->operation);
		return HVIS_IC_S_OK;
	}

	if (vss->going || vss->state != HVIS_VSS_READY) {
		hvis_ic_error(ic, "%s failed: no VSS daemon registered",
			      hvis_vss_op_name(w->operation));
		return HVIS_IC_E_FAIL;
	}
	msg.hdr.operation = w->operation;
	ret = hvis_ic_daemon_send(vss->daemon, &msg, sizeof(msg));
	if (ret) {
		/* -EBUSY: an older message is still unread. */
		hvis_ic_error(ic, "%s failed: the VSS daemon cannot take it (%d)",
			      hvis_vss_op_name(w->operation), ret);
		return HVIS_IC_E_FAIL;
	}
	timeout = hvis_vss_timeout_jiffies(w->operation);
	vss->waiting = true;
	vss->delivered = false;
	vss->op = w->operation;
	vss->deadline = jiffies + timeout;
	mod_delayed_work(system_wq, &vss->timeout, timeout);
	return HVIS_IC_PENDING;
}

static void hvis_vss_timeout(struct work_struct *work)
{
	struct hvis_vss *vss = container_of(to_delayed_work(work), struct hvis_vss, timeout);
	struct hvis_ic *ic = vss->ic;

	mutex_lock(&ic->io);
	/* Re-armed for a newer request meanwhile: that one is not due yet. */
	if (vss->waiting && time_after_eq(jiffies, vss->deadline)) {
		/* Unread, it is withdrawn; read, its answer is still to come. */
		if (vss->delivered || !hvis_ic_daemon_cancel(vss->daemon))
			vss->late = true;
		if (vss->op == HVIS_VSS_OP_FREEZE)
			dev_warn(&ic->dev->dev,
				 "VSS: the daemon did not finish FREEZE within %u s: the backup fails; whatever it froze, it must thaw\n",
				 READ_ONCE(freeze_timeout_s));
		hvis_ic_error(ic, "%s failed: no answer from the VSS daemon in time",
			      hvis_vss_op_name(vss->op));
		hvis_vss_finish(vss, HVIS_IC_E_FAIL);
	}
	mutex_unlock(&ic->io);
}

static void hvis_vss_thaw_watch(struct work_struct *work)
{
	struct hvis_vss *vss = container_of(to_delayed_work(work), struct hvis_vss, thaw_watch);
	struct hvis_ic *ic = vss->ic;

	mutex_lock(&ic->io);
	if (vss->frozen)
		dev_warn(&ic->dev->dev,
			 "VSS: filesystems frozen for a backup %u s ago and no THAW from the host: the VSS daemon must thaw them (fsfreeze -u MOUNTPOINT by hand)\n",
			 HVIS_VSS_THAW_WARN_S);
	mutex_unlock(&ic->io);
}

/* A registration from the daemon. Under ic->io. */
static int hvis_vss_register(struct hvis_vss *vss, struct hvis_ic_daemon *d, u8 op)
{
	struct device *dev = &vss->ic->dev->dev;
	u32 answer = HVIS_VSS_OP_REGISTER1;
	int ret;

	switch (op) {
	case HVIS_VSS_OP_REGISTER1:
		/* Ready once it has read the answer. */
		ret = hvis_ic_daemon_send(d, &answer, sizeof(answer));
		if (ret)
			return ret;
		vss->state = HVIS_VSS_REGISTERING;
		return 0;
	case HVIS_VSS_OP_REGISTER:
		/* Older daemons expect no answer: ready now. */
		vss->state = HVIS_VSS_READY;
		dev_info(dev, "VSS: daemon registered (legacy protocol)\n");
		return 0;
	default:
		dev_warn_ratelimited(dev,
				     "VSS: the daemon wrote operation %u with no request outstanding: refused\n",
				     op);
		return -EINVAL;
	}
}

static int hvis_vss_on_write(struct hvis_ic_daemon *d, void *priv, const void *buf, size_t len)
{
	const struct hvis_vss_msg *msg = buf;
	struct hvis_vss *vss = priv;
	int ret = 0;

	if (len != sizeof(*msg))
		return -EINVAL;
	mutex_lock(&vss->ic->io);
	if (vss->going)
		ret = -ENODEV;
	else if (vss->waiting && vss->delivered)
		hvis_vss_answer(vss, msg->error);
	else if (vss->late)
		vss->late = false;	/* the answer to a request already failed */
	else if (vss->waiting)
		ret = -EINVAL;		/* an answer to what it has not read */
	else
		ret = hvis_vss_register(vss, d, msg->hdr.operation);
	mutex_unlock(&vss->ic->io);
	return ret;
}

static void hvis_vss_on_read(struct hvis_ic_daemon *d, void *priv)
{
	struct hvis_vss *vss = priv;

	mutex_lock(&vss->ic->io);
	if (vss->waiting) {
		vss->delivered = true;
	} else if (vss->state == HVIS_VSS_REGISTERING) {
		vss->state = HVIS_VSS_READY;
		dev_info(&vss->ic->dev->dev, "VSS: daemon registered\n");
	} else {
		/* A request that timed out before it was read: its answer will come. */
		vss->late = true;
	}
	mutex_unlock(&vss->ic->io);
}

static void hvis_vss_on_release(struct hvis_ic_daemon *d, void *priv)
{
	struct hvis_vss *vss = priv;
	struct hvis_ic *ic = vss->ic;

	mutex_lock(&ic->io);
	if (vss->state != HVIS_VSS_ABSENT)
		dev_info(&ic->dev->dev, "VSS: daemon gone\n");
	vss->state = HVIS_VSS_ABSENT;
	vss->late = false;
	if (vss->waiting) {
		hvis_ic_error(ic, "%s failed: the VSS daemon went away", hvis_vss_op_name(vss->op));
		hvis_vss_finish(vss, HVIS_IC_E_FAIL);
	}
	if (vss->frozen)
		dev_warn(&ic->dev->dev,
			 "VSS: the daemon went away with filesystems frozen for a backup: a new daemon or the host's THAW, or fsfreeze -u by hand, thaws them\n");
	mutex_unlock(&ic->io);
}

static const struct hvis_ic_daemon_ops hvis_vss_daemon_ops = {
	.on_write	= hvis_vss_on_write,
	.on_read	= hvis_vss_on_read,
	.on_release	= hvis_vss_on_release,
};

static const struct hvis_ic_service hvis_vss_service = {
	.name		= "VSS",
	.msgtype	= HVIS_IC_MSG_VSS,
	.fw_versions	= hvis_vss_fw,
	.nr_fw		= ARRAY_SIZE(hvis_vss_fw),
	.msg_versions	= hvis_vss_msg,
	.nr_msg		= ARRAY_SIZE(hvis_vss_msg),
	.min_body	= sizeof(struct hvis_vss_wire),
	/* A FREEZE carries the host's disk information: several KiB. */
	.max_packet	= 8192,
	.handle		= hvis_vss_handle,
};

static int hvis_vss_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	u32 version = hvis_vmbus_version();
	struct hvis_ic_daemon *d;
	struct hvis_vss *vss;
	struct hvis_ic *ic;
	int ret;

	/* Older hosts offer the channel but do not speak this protocol. */
	if (version < HVIS_VMBUS_WIN8_1) {
		dev_info(&dev->dev,
			 "VSS (Backup) needs VMBus 3.0 or newer, the host speaks %u.%u: not bound\n",
			 HVIS_VMBUS_MAJOR(version), HVIS_VMBUS_MINOR(version));
		return -ENODEV;
	}
	vss = kzalloc(sizeof(*vss), GFP_KERNEL);
	if (!vss)
		return -ENOMEM;
	INIT_DELAYED_WORK(&vss->timeout, hvis_vss_timeout);
	INIT_DELAYED_WORK(&vss->thaw_watch, hvis_vss_thaw_watch);
	ret = hvis_ic_probe(dev, &hvis_vss_service, vss);
	if (ret) {
		kfree(vss);
		return ret;
	}
	ic = hvis_ic_get(dev);
	vss->ic = ic;
	/* The callbacks wait for vss->daemon; host requests fail until a daemon registers. */
	mutex_lock(&ic->io);
	d = hvis_ic_daemon_create("hv_vss", sizeof(struct hvis_vss_msg), &hvis_vss_daemon_ops, vss);
	if (!IS_ERR(d))
		vss->daemon = d;
	mutex_unlock(&ic->io);
	if (IS_ERR(d)) {
		dev_err(&dev->dev, "VSS: cannot create /dev/vmbus/hv_vss: %ld\n", PTR_ERR(d));
		hvis_ic_remove(dev);
		kfree(vss);
		return PTR_ERR(d);
	}
	return 0;
}

static void hvis_vss_remove(struct hvis_device *dev)
{
	struct hvis_ic *ic = hvis_ic_get(dev);
	struct hvis_vss *vss = ic->priv;

	mutex_lock(&ic->io);
	vss->going = true;
	if (vss->waiting) {
		hvis_ic_error(ic, "%s failed: the VSS driver is going", hvis_vss_op_name(vss->op));
		hvis_vss_finish(vss, HVIS_IC_E_FAIL);
	}
	mutex_unlock(&ic->io);
	/* After these, nothing calls in any more and nothing is armed again. */
	hvis_ic_daemon_destroy(vss->daemon);
	cancel_delayed_work_sync(&vss->timeout);
	cancel_delayed_work_sync(&vss->thaw_watch);
	if (vss->frozen)
		dev_warn(&dev->dev,
			 "VSS: removed with filesystems frozen for a backup: thaw them (fsfreeze -u)\n");
	hvis_ic_remove(dev);
	kfree(vss);
}

static const struct hvis_device_id hvis_vss_ids[] = {
	{ HVIS_IC_VSS_CLASS },
	{}
};

static struct hvis_driver hvis_vss_driver = {
	.name		= "hvis_vss",
	.id_table	= hvis_vss_ids,
	.probe		= hvis_vss_probe,
	.remove		= hvis_vss_remove,
	.driver.dev_groups = hvis_ic_groups,
};

static int __init hvis_vss_init(void)
{
	return hvis_driver_register(&hvis_vss_driver);
}

static void __exit hvis_vss_exit(void)
{
	hvis_driver_unregister(&hvis_vss_driver);
}

module_init(hvis_vss_init);
module_exit(hvis_vss_exit);

MODULE_DESCRIPTION("Hyper-V VSS (Backup) integration service (hvis)");
MODULE_LICENSE("GPL");
MODULE_HVIS_ALIAS(HVIS_IC_VSS_ID);
MODULE_VERSION(HVIS_VERSION);
