// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_shutdown: the host asks for a poweroff, a reboot or a hibernation.
 * The answer goes out first, then the guest acts: the host waits for the
 * answer, not for the guest to go down.
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/reboot.h>

#include <hvis/ic.h>
#include <hvis/version.h>

static bool hibernate = IS_ENABLED(CONFIG_HIBERNATION);
module_param(hibernate, bool, 0644);
MODULE_PARM_DESC(hibernate,
		 "Accept hibernate requests: a uevent EVENT=hibernate for a udev rule to act on (default: kernel has hibernation)");

static const struct hvis_ic_version hvis_shutdown_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version hvis_shutdown_msg[] = {
	{ 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 }
};

enum hvis_shutdown_action {
	HVIS_SHUTDOWN_NONE,
	HVIS_SHUTDOWN_POWEROFF,
	HVIS_SHUTDOWN_REBOOT,
	HVIS_SHUTDOWN_HIBERNATE,
};

struct hvis_shutdown {
	enum hvis_shutdown_action action;	/* what the last accepted request asked for */
	bool force;
};

static u32 hvis_shutdown_handle(struct hvis_ic *ic, void *body, u32 len)
{
	struct hvis_ic_shutdown *req = body;
	struct hvis_shutdown *sd = ic->priv;
	u32 flags = req->flags;

	sd->action = HVIS_SHUTDOWN_NONE;
	sd->force = flags & HVIS_IC_SHUTDOWN_FORCE;
	switch (flags & ~HVIS_IC_SHUTDOWN_FORCE) {
	case 0:
		sd->action = HVIS_SHUTDOWN_POWEROFF;
		break;
	case HVIS_IC_SHUTDOWN_RESTART:
		sd->action = HVIS_SHUTDOWN_REBOOT;
		break;
	case HVIS_IC_SHUTDOWN_HIBERNATE:
		if (!READ_ONCE(hibernate)) {
			hvis_ic_error(ic, "hibernate request refused: hibernation is off");
			return HVIS_IC_E_FAIL;
		}
		sd->action = HVIS_SHUTDOWN_HIBERNATE;
		break;
	default:
		hvis_ic_error(ic, "request with flags %#x refused", flags);
		return HVIS_IC_E_FAIL;
	}
	return HVIS_IC_S_OK;
}

/*
 * A host that repeats its hibernate request gets its answer each time, but
 * udev (and the log) hears of it once a minute at most: a hibernation takes
 * longer than that to get going, and the host must not be able to flood.
 */
static DEFINE_RATELIMIT_STATE(hvis_shutdown_hibernate_rs, 60 * HZ, 1);

static void hvis_shutdown_answered(struct hvis_ic *ic, u32 status)
{
	struct hvis_shutdown *sd = ic->priv;
	struct device *dev = ic->dev;

	switch (status == HVIS_IC_S_OK ? sd->action : HVIS_SHUTDOWN_NONE) {
	case HVIS_SHUTDOWN_POWEROFF:
		dev_notice(dev, "the host asked for a poweroff%s\n", sd->force ? " (forced)" : "");
		/* Forced: power off even if the userspace poweroff cannot run. */
		orderly_poweroff(sd->force);
		break;
	case HVIS_SHUTDOWN_REBOOT:
		dev_notice(dev, "the host asked for a reboot%s\n", sd->force ? " (forced)" : "");
		orderly_reboot();
		break;
	case HVIS_SHUTDOWN_HIBERNATE:
		if (!__ratelimit(&hvis_shutdown_hibernate_rs))
			break;
		dev_notice(dev, "the host asked for a hibernation: uevent sent\n");
		/* What a udev rule matches to start it, as with the in-tree driver. */
		kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, (char *[]){ "EVENT=hibernate", NULL });
		break;
	case HVIS_SHUTDOWN_NONE:
		break;
	}
}

static struct hvis_ic_service hvis_shutdown_service = {
	HVIS_IC_SERVICE(SHUTDOWN, "Shutdown", hvis_shutdown_fw, hvis_shutdown_msg),
	.min_body	= sizeof(struct hvis_ic_shutdown),
	.priv_size	= sizeof(struct hvis_shutdown),
	.handle		= hvis_shutdown_handle,
	.answered	= hvis_shutdown_answered,
};
module_hvis_ic_service(hvis_shutdown_service, SHUTDOWN,
		       "Hyper-V Shutdown integration service (hvis)");
