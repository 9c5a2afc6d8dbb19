// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_vss: the guest's part of a host backup (VSS).  The host asks whether
 * a hot backup is possible, asks the guest to freeze its filesystems, takes
 * its snapshot and asks it to thaw them.  Freezing is the daemon's work: it
 * talks to this module through /dev/vmbus/hv_vss (the upstream interface,
 * so Debian's hv_vss_daemon works too).  FREEZE, THAW and HOT_BACKUP go to
 * the daemon; everything else is answered here.
 *
 * The framework's relay carries requests and answers and keeps the rules
 * (no daemon, deadlines, late answers, a daemon that leaves); this file is
 * the registration, the operations answered here and the freeze state.
 *
 * A frozen filesystem the host never thaws stops the guest.  Thawing on a
 * timeout is the daemon's job (it did the freezing); this module only says
 * loudly in the log when filesystems stay frozen.
 */
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include <hvis/ic.h>
#include <hvis/vmbus_wire.h>
#include <hvis/version.h>
#include <uapi/hvis/hv_daemon.h>

HVIS_PARAM_UINT(freeze_timeout_s, 900, 0644,
		"How long the daemon may take to freeze the filesystems, in seconds (default 900)");
HVIS_PARAM_UINT(daemon_timeout_ms, 30000, 0644,
		"How long the daemon may take to answer THAW or HOT_BACKUP, in ms (default 30000)");

/* A freeze is meant to last seconds: after this long without THAW, say so. */
#define HVIS_VSS_THAW_WARN_S	60

static const struct hvis_ic_version hvis_vss_fw[] = { { 3, 0 } };
static const struct hvis_ic_version hvis_vss_msg[] = { { 5, 0 } };

/* The body on the wire has the layout of the daemon's message. */
static_assert(sizeof(struct hvis_ic_vss_msg) == sizeof(struct hvis_vss_msg));

struct hvis_vss {
	struct hvis_ic *ic;
	struct delayed_work thaw_watch;	/* frozen for long */
	/* The rest under ic->io. */
	u8 op;				/* of the request with the daemon */
	bool frozen;			/* the daemon froze; no THAW since */
	struct hvis_vss_msg msg;	/* to the daemon; the relay copies it */
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

/* The daemon's answer to the request it read. */
static u32 hvis_vss_answer(struct hvis_ic *ic, void *body, const void *buf)
{
	const struct hvis_vss_msg *a = buf;
	struct hvis_vss *vss = ic->priv;
	struct device *dev = ic->dev;
	s32 error = a->error;
	u8 op = vss->op;

	if (error)
		hvis_ic_error(ic, "%s failed in the daemon (error %#x)", hvis_vss_op_name(op),
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
	return error ? HVIS_IC_E_FAIL : HVIS_IC_S_OK;
}

static u32 hvis_vss_request(struct hvis_ic *ic, void *body, u32 len, struct hvis_ic_relay_req *req)
{
	struct hvis_ic_vss_msg *w = body;
	struct hvis_vss *vss = ic->priv;

	switch (w->operation) {
	case HVIS_VSS_OP_FREEZE:
		req->timeout_ms = min(READ_ONCE(hvis_param_freeze_timeout_s),
				      UINT_MAX / MSEC_PER_SEC) * MSEC_PER_SEC;
		break;
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
		dev_info_ratelimited(ic->dev, "VSS: unknown operation %u answered OK\n",
				     w->operation);
		return HVIS_IC_S_OK;
	}
	vss->op = w->operation;
	memset(&vss->msg, 0, sizeof(vss->msg));
	vss->msg.hdr.operation = w->operation;
	req->msg = &vss->msg;
	req->len = sizeof(vss->msg);
	req->what = hvis_vss_op_name(w->operation);
	return HVIS_IC_PENDING;
}

static void hvis_vss_thaw_watch(struct work_struct *work)
{
	struct hvis_vss *vss = container_of(to_delayed_work(work), struct hvis_vss, thaw_watch);
	struct hvis_ic *ic = vss->ic;

	mutex_lock(&ic->io);
	if (vss->frozen)
		dev_warn(ic->dev,
			 "VSS: filesystems frozen for a backup %u s ago and no THAW from the host: the VSS daemon must thaw them (fsfreeze -u MOUNTPOINT by hand)\n",
			 HVIS_VSS_THAW_WARN_S);
	mutex_unlock(&ic->io);
}

/* A registration: REGISTER1 is answered, the legacy REGISTER is not. */
static int hvis_vss_register(struct hvis_ic *ic, const void *buf, const void **answer)
{
	static const u32 hvis_vss_registered = HVIS_VSS_OP_REGISTER1;
	const struct hvis_vss_msg *m = buf;

	return hvis_ic_relay_register_number(ic, m->hdr.operation, &hvis_vss_registered,
					     HVIS_VSS_OP_REGISTER, answer);
}

static void hvis_vss_gone(struct hvis_ic *ic)
{
	struct hvis_vss *vss = ic->priv;

	if (vss->frozen)
		dev_warn(ic->dev,
			 "VSS: the daemon went away with filesystems frozen for a backup: a new daemon or the host's THAW, or fsfreeze -u by hand, thaws them\n");
}

HVIS_IC_RELAY_OPS(hvis_vss, "hv_vss", sizeof(struct hvis_vss_msg), hvis_vss_gone);

static int hvis_vss_init(struct hvis_ic *ic)
{
	struct hvis_vss *vss = ic->priv;
	u32 version = hvis_ic_vmbus_version(ic);

	/* Older hosts offer the channel but do not speak this protocol. */
	if (version < HVIS_VMBUS_WIN8_1) {
		dev_info(ic->dev,
			 "VSS (Backup) needs VMBus 3.0 or newer, the host speaks %u.%u: not bound\n",
			 HVIS_VMBUS_MAJOR(version), HVIS_VMBUS_MINOR(version));
		return -ENODEV;
	}
	vss->ic = ic;
	INIT_DELAYED_WORK(&vss->thaw_watch, hvis_vss_thaw_watch);
	return 0;
}

static void hvis_vss_exit(struct hvis_ic *ic)
{
	struct hvis_vss *vss = ic->priv;

	/* The relay has stopped: nothing arms it again. */
	cancel_delayed_work_sync(&vss->thaw_watch);
	if (vss->frozen)
		dev_warn(ic->dev,
			 "VSS: removed with filesystems frozen for a backup: thaw them (fsfreeze -u)\n");
}

static struct hvis_ic_service hvis_vss_service = {
	HVIS_IC_SERVICE(VSS, "VSS", hvis_vss_fw, hvis_vss_msg),
	.min_body	= sizeof(struct hvis_ic_vss_msg),
	/* A FREEZE carries the host's disk information: several KiB. */
	.max_packet	= 8192,
	.priv_size	= sizeof(struct hvis_vss),
	.init		= hvis_vss_init,
	.exit		= hvis_vss_exit,
	.relay		= &hvis_vss_relay,
};
module_hvis_ic_service(hvis_vss_service, VSS,
		       "Hyper-V VSS (Backup) integration service (hvis)");
