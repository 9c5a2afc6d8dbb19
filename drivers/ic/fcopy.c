// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_fcopy: Guest Service Interface, the guest's end of Copy-VMFile.  The
 * host sends a file in pieces: START (name, directory, flags, size), WRITE
 * after WRITE (at most 6 KiB each), then COMPLETE, or CANCEL on an error.
 * The daemon does the file work; it talks to this module through
 * /dev/vmbus/hv_fcopy (the upstream interface, so Debian's hv_fcopy_daemon
 * works too).  Names arrive in UTF-16 and reach the daemon in UTF-8.
 *
 * The host must never wait for nothing: without a registered daemon every
 * request fails at once, a daemon that does not answer in time fails at the
 * timeout, and one that goes away fails the request it had.  A late answer
 * is dropped, never taken for the answer to a newer request.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <hvis/ic.h>
#include <hvis/ic_daemon.h>
#include <hvis/version.h>
#include <uapi/hvis/hv_daemon.h>

static unsigned int daemon_timeout_ms = 30000;
module_param(daemon_timeout_ms, uint, 0644);
MODULE_PARM_DESC(daemon_timeout_ms,
		 "How long the daemon may take to answer one request, in ms (default 30000)");

static const struct hvis_ic_version hvis_fc_fw[] = { { 3, 0 } };
static const struct hvis_ic_version hvis_fc_msg[] = { { 1, 1 } };

enum hvis_fc_state {
	HVIS_FC_ABSENT,		/* no daemon, or it has not registered yet */
	HVIS_FC_REGISTERING,	/* registered; it has yet to read our answer */
	HVIS_FC_READY,
};

struct hvis_fc {
	struct hvis_ic *ic;
	struct hvis_ic_daemon *daemon;
	struct delayed_work timeout;	/* the daemon's answer is due */
	/* The rest under ic->io. */
	enum hvis_fc_state state;
	bool going;			/* being removed: nothing more for the daemon */
	bool waiting;			/* a host request is with the daemon ... */
	bool delivered;			/* ... and the daemon has read it */
	bool late;			/* the daemon owes an answer we no longer want */
	u32 op;				/* of the request waiting */
	unsigned long deadline;		/* jiffies */
	struct hvis_fcopy_start start;	/* a START as the daemon gets it */
};

static const char *hvis_fc_op_name(u32 op)
{
	static const char * const names[] = {
		[HVIS_FCOPY_START] = "START",
		[HVIS_FCOPY_WRITE] = "WRITE",
		[HVIS_FCOPY_COMPLETE] = "COMPLETE",
		[HVIS_FCOPY_CANCEL] = "CANCEL",
	};

	return op < ARRAY_SIZE(names) ? names[op] : "operation";
}

static const char *hvis_fc_bad_name(int err)
{
	switch (err) {
	case 0:
		return "empty";
	case -EILSEQ:
		return "not valid UTF-16";
	case -E2BIG:
		return "too long";
	default:
		return "invalid";
	}
}

/* The host's START @req as the daemon gets it, in fc->start. */
static int hvis_fc_convert_start(struct hvis_fc *fc, const struct hvis_fcopy_start *req)
{
	struct hvis_fcopy_start *out = &fc->start;
	int ret;

	memset(out, 0, sizeof(*out));
	out->hdr = req->hdr;
	out->copy_flags = req->copy_flags;
	out->file_size = req->file_size;
	/* Both in the same arrays, now of bytes: at most 259 and a NUL. */
	ret = hvis_ic_utf16_to_utf8(req->file_name, HVIS_FCOPY_MAX_PATH, (char *)out->file_name,
				    HVIS_FCOPY_MAX_PATH);
	if (ret <= 0) {
		hvis_ic_error(fc->ic, "START refused: file name %s", hvis_fc_bad_name(ret));
		return -EINVAL;
	}
	ret = hvis_ic_utf16_to_utf8(req->path_name, HVIS_FCOPY_MAX_PATH, (char *)out->path_name,
				    HVIS_FCOPY_MAX_PATH);
	if (ret < 0) {
		hvis_ic_error(fc->ic, "START refused: path name %s", hvis_fc_bad_name(ret));
		return -EINVAL;
	}
	return 0;
}

/* Answer the host's request that is with the daemon. Under ic->io. */
static void hvis_fc_finish(struct hvis_fc *fc, u32 status)
{
	fc->waiting = false;
	hvis_ic_complete(fc->ic, status);
}

/* The daemon's answer: only the statuses a copy can end with reach the host. */
static void hvis_fc_answer(struct hvis_fc *fc, u32 status)
{
	switch (status) {
	case HVIS_IC_S_OK:
		break;
	case HVIS_IC_E_FAIL:
	case HVIS_IC_ERROR_ALREADY_EXISTS:
	case HVIS_IC_ERROR_DISK_FULL:
	case HVIS_IC_E_INVALIDARG:
		hvis_ic_error(fc->ic, "%s failed in the daemon (%#x)", hvis_fc_op_name(fc->op),
			      status);
		break;
	default:
		hvis_ic_error(fc->ic, "%s: the daemon answered %#x: sent as a failure",
			      hvis_fc_op_name(fc->op), status);
		status = HVIS_IC_E_FAIL;
		break;
	}
	hvis_fc_finish(fc, status);
}

static u32 hvis_fc_handle(struct hvis_ic *ic, void *body, u32 len)
{
	const struct hvis_fcopy_hdr *hdr = body;
	const struct hvis_fcopy_write *wr = body;
	struct hvis_fc *fc = ic->priv;
	unsigned long timeout;
	const void *msg;
	size_t size;
	int ret;

	switch (hdr->operation) {
	case HVIS_FCOPY_START:
		if (len < sizeof(struct hvis_fcopy_start)) {
			hvis_ic_error(ic, "START of %u bytes refused: needs %zu", len,
				      sizeof(struct hvis_fcopy_start));
			return HVIS_IC_E_FAIL;
		}
		if (hvis_fc_convert_start(fc, body))
			return HVIS_IC_E_FAIL;
		msg = &fc->start;
		size = sizeof(fc->start);
		break;
	case HVIS_FCOPY_WRITE:
		/* The daemon reads the whole fixed-size message, whatever size says. */
		if (len < sizeof(*wr)) {
			hvis_ic_error(ic, "WRITE of %u bytes refused: needs %zu", len, sizeof(*wr));
			return HVIS_IC_E_FAIL;
		}
		if (wr->size > HVIS_FCOPY_FRAGMENT) {
			hvis_ic_error(ic, "WRITE of %u data bytes refused: at most %u", wr->size,
				      HVIS_FCOPY_FRAGMENT);
			return HVIS_IC_E_FAIL;
		}
		msg = wr;
		size = sizeof(*wr);
		break;
	case HVIS_FCOPY_COMPLETE:
	case HVIS_FCOPY_CANCEL:
		msg = hdr;
		size = sizeof(*hdr);
		break;
	default:
		hvis_ic_error(ic, "unknown operation %u refused", hdr->operation);
		return HVIS_IC_E_FAIL;
	}

	if (fc->going || fc->state != HVIS_FC_READY) {
		hvis_ic_error(ic, "%s failed: no file-copy daemon registered",
			      hvis_fc_op_name(hdr->operation));
		return HVIS_IC_E_FAIL;
	}
	ret = hvis_ic_daemon_send(fc->daemon, msg, size);
	if (ret) {
		/* -EBUSY: an older message is still unread. */
		hvis_ic_error(ic, "%s failed: the file-copy daemon cannot take it (%d)",
			      hvis_fc_op_name(hdr->operation), ret);
		return HVIS_IC_E_FAIL;
	}
	timeout = msecs_to_jiffies(max_t(unsigned int, READ_ONCE(daemon_timeout_ms), 1));
	fc->waiting = true;
	fc->delivered = false;
	fc->op = hdr->operation;
	fc->deadline = jiffies + timeout;
	mod_delayed_work(system_wq, &fc->timeout, timeout);
	return HVIS_IC_PENDING;
}

static void hvis_fc_timeout(struct work_struct *work)
{
	struct hvis_fc *fc = container_of(to_delayed_work(work), struct hvis_fc, timeout);
	struct hvis_ic *ic = fc->ic;

	mutex_lock(&ic->io);
	/* Re-armed for a newer request meanwhile: that one is not due yet. */
	if (fc->waiting && time_after_eq(jiffies, fc->deadline)) {
		/* Unread, it is withdrawn; read, its answer is still to come. */
		if (fc->delivered || !hvis_ic_daemon_cancel(fc->daemon))
			fc->late = true;
		hvis_ic_error(ic, "%s failed: no answer from the file-copy daemon in time",
			      hvis_fc_op_name(fc->op));
		hvis_fc_finish(fc, HVIS_IC_E_FAIL);
	}
	mutex_unlock(&ic->io);
}

/* A registration from the daemon: the version it speaks. Under ic->io. */
static int hvis_fc_register(struct hvis_fc *fc, struct hvis_ic_daemon *d, s32 version)
{
	struct device *dev = &fc->ic->dev->dev;
	u32 answer = HVIS_FCOPY_VERSION_1;
	int ret;

	switch (version) {
	case HVIS_FCOPY_VERSION_1:
		/* Ready once it has read the answer. */
		ret = hvis_ic_daemon_send(d, &answer, sizeof(answer));
		if (ret)
			return ret;
		fc->state = HVIS_FC_REGISTERING;
		return 0;
	case HVIS_FCOPY_VERSION_0:
		/* Older daemons expect no answer: ready now. */
		fc->state = HVIS_FC_READY;
		dev_info(dev, "Guest Service Interface: daemon registered (legacy protocol)\n");
		return 0;
	default:
		dev_warn_ratelimited(dev,
				     "Guest Service Interface: the daemon registered version %d: refused\n",
				     version);
		return -EINVAL;
	}
}

static int hvis_fc_on_write(struct hvis_ic_daemon *d, void *priv, const void *buf, size_t len)
{
	struct hvis_fc *fc = priv;
	int ret = 0;
	s32 val;

	/* Registrations and answers alike are one int. */
	if (len != sizeof(val))
		return -EINVAL;
	memcpy(&val, buf, sizeof(val));
	mutex_lock(&fc->ic->io);
	if (fc->going)
		ret = -ENODEV;
	else if (fc->waiting && fc->delivered)
		hvis_fc_answer(fc, val);
	else if (fc->late)
		fc->late = false;	/* the answer to a request already failed */
	else if (fc->waiting || fc->state != HVIS_FC_ABSENT)
		ret = -EINVAL;		/* an answer to nothing it has read */
	else
		ret = hvis_fc_register(fc, d, val);
	mutex_unlock(&fc->ic->io);
	return ret;
}

static void hvis_fc_on_read(struct hvis_ic_daemon *d, void *priv)
{
	struct hvis_fc *fc = priv;

	mutex_lock(&fc->ic->io);
	if (fc->waiting) {
		fc->delivered = true;
	} else if (fc->state == HVIS_FC_REGISTERING) {
		fc->state = HVIS_FC_READY;
		dev_info(&fc->ic->dev->dev, "Guest Service Interface: daemon registered\n");
	} else {
		/* A request that timed out before it was read: its answer will come. */
		fc->late = true;
	}
	mutex_unlock(&fc->ic->io);
}

static void hvis_fc_on_release(struct hvis_ic_daemon *d, void *priv)
{
	struct hvis_fc *fc = priv;
	struct hvis_ic *ic = fc->ic;

	mutex_lock(&ic->io);
	if (fc->state != HVIS_FC_ABSENT)
		dev_info(&ic->dev->dev, "Guest Service Interface: daemon gone\n");
	fc->state = HVIS_FC_ABSENT;
	fc->late = false;
	if (fc->waiting) {
		hvis_ic_error(ic, "%s failed: the file-copy daemon went away",
			      hvis_fc_op_name(fc->op));
		hvis_fc_finish(fc, HVIS_IC_E_FAIL);
	}
	mutex_unlock(&ic->io);
}

static const struct hvis_ic_daemon_ops hvis_fc_daemon_ops = {
	.on_write	= hvis_fc_on_write,
	.on_read	= hvis_fc_on_read,
	.on_release	= hvis_fc_on_release,
};

static const struct hvis_ic_service hvis_fc_service = {
	.name		= "Guest Service Interface",
	.msgtype	= HVIS_IC_MSG_FCOPY,
	.fw_versions	= hvis_fc_fw,
	.nr_fw		= ARRAY_SIZE(hvis_fc_fw),
	.msg_versions	= hvis_fc_msg,
	.nr_msg		= ARRAY_SIZE(hvis_fc_msg),
	.min_body	= sizeof(struct hvis_fcopy_hdr),
	/* A WRITE is the largest: 6 KiB of data and its headers. */
	.max_packet	= 8192,
	.handle		= hvis_fc_handle,
};

static int hvis_fc_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	struct hvis_ic_daemon *d;
	struct hvis_fc *fc;
	struct hvis_ic *ic;
	int ret;

	fc = kzalloc(sizeof(*fc), GFP_KERNEL);
	if (!fc)
		return -ENOMEM;
	INIT_DELAYED_WORK(&fc->timeout, hvis_fc_timeout);
	ret = hvis_ic_probe(dev, &hvis_fc_service, fc);
	if (ret) {
		kfree(fc);
		return ret;
	}
	ic = hvis_ic_get(dev);
	fc->ic = ic;
	/* The callbacks wait for fc->daemon; host requests fail until a daemon registers. */
	mutex_lock(&ic->io);
	d = hvis_ic_daemon_create("hv_fcopy", sizeof(s32), &hvis_fc_daemon_ops, fc);
	if (!IS_ERR(d))
		fc->daemon = d;
	mutex_unlock(&ic->io);
	if (IS_ERR(d)) {
		dev_err(&dev->dev,
			"Guest Service Interface: cannot create /dev/vmbus/hv_fcopy: %ld\n",
			PTR_ERR(d));
		hvis_ic_remove(dev);
		kfree(fc);
		return PTR_ERR(d);
	}
	return 0;
}

static void hvis_fc_remove(struct hvis_device *dev)
{
	struct hvis_ic *ic = hvis_ic_get(dev);
	struct hvis_fc *fc = ic->priv;

	mutex_lock(&ic->io);
	fc->going = true;
	if (fc->waiting) {
		hvis_ic_error(ic, "%s failed: the file-copy driver is going",
			      hvis_fc_op_name(fc->op));
		hvis_fc_finish(fc, HVIS_IC_E_FAIL);
	}
	mutex_unlock(&ic->io);
	/* After these, nothing calls in any more and nothing is armed again. */
	hvis_ic_daemon_destroy(fc->daemon);
	cancel_delayed_work_sync(&fc->timeout);
	hvis_ic_remove(dev);
	kfree(fc);
}

static const struct hvis_device_id hvis_fc_ids[] = {
	{ HVIS_IC_FCOPY_CLASS },
	{}
};

static struct hvis_driver hvis_fc_driver = {
	.name		= "hvis_fcopy",
	.id_table	= hvis_fc_ids,
	.probe		= hvis_fc_probe,
	.remove		= hvis_fc_remove,
	.driver.dev_groups = hvis_ic_groups,
};

static int __init hvis_fc_init(void)
{
	return hvis_driver_register(&hvis_fc_driver);
}

static void __exit hvis_fc_exit(void)
{
	hvis_driver_unregister(&hvis_fc_driver);
}

module_init(hvis_fc_init);
module_exit(hvis_fc_exit);

MODULE_DESCRIPTION("Hyper-V Guest Service Interface (file copy) integration service (hvis)");
MODULE_LICENSE("GPL");
MODULE_HVIS_ALIAS(HVIS_IC_FCOPY_ID);
MODULE_VERSION(HVIS_VERSION);
