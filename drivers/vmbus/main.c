// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_vmbus: the VMBus core of the Hyper-V Integration Services.
 *
 * Load order: refuse if the in-tree stack is active, pick the hypervisor
 * backend (Hyper-V, or the simulator if hvis_sim is loaded), register the
 * bus, bring up the SynIC on every CPU, negotiate with the host and wait
 * (bounded) for its offers.  Unload undoes it in mirror order, ending with
 * UNLOAD to the host.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/notifier.h>
#include <linux/reboot.h>
#ifdef HVIS_HAVE_LINUX_PANIC_NOTIFIER_H
#include <linux/panic_notifier.h>
#endif

#include <hvis/init_steps.h>
#include <hvis/version.h>

#include "vmbus_priv.h"

/*
 * The in-tree hv_vmbus exports vmbus_proto_version, non-zero once it has
 * connected to the host.  Looking it up pins hv_vmbus only for the moment
 * of the check.
 */
static bool hvis_intree_vmbus_active(void)
{
	const u32 *ver;
	bool active;

	ver = __symbol_get("vmbus_proto_version");
	if (!ver)
		return false;
	active = READ_ONCE(*ver) != 0;
	__symbol_put("vmbus_proto_version");
	return active;
}

/*
 * A restart (kexec among them) or a panic leaves the host holding channels
 * into our memory: UNLOAD first, so that the next kernel starts clean.
 */
static int hvis_reboot_notify(struct notifier_block *nb, unsigned long code, void *cmd)
{
	if (code == SYS_RESTART)
		hvis_unload();
	return NOTIFY_DONE;
}

static int hvis_panic_notify(struct notifier_block *nb, unsigned long event, void *ptr)
{
	hvis_unload_atomic();
	return NOTIFY_DONE;
}

static struct notifier_block hvis_reboot_nb = {
	.notifier_call = hvis_reboot_notify,
};

static struct notifier_block hvis_panic_nb = {
	.notifier_call = hvis_panic_notify,
};

/* Offers may be arriving: stop taking them before the state goes. */
static void hvis_chanmgmt_undo(void)
{
	hvis_chanmgmt_stop();
	hvis_chanmgmt_exit();
}

static const struct hvis_init_step hvis_vmbus_steps[] __initconst = {
	{ hvis_hv_init, hvis_hv_exit },
	{ hvis_bus_init, hvis_bus_exit },
	{ hvis_chanmgmt_init, hvis_chanmgmt_undo },
	{ hvis_synic_init, hvis_synic_exit },
	{ hvis_connect, NULL },
};

static int __init hvis_vmbus_init(void)
{
	ktime_t start = ktime_get();
	int ret;

	if (hvis_intree_vmbus_active()) {
		pr_err("not loading: the in-tree VMBus driver (hv_vmbus) is active\n");
		return -EBUSY;
	}
	ret = hvis_init_steps(hvis_vmbus_steps, ARRAY_SIZE(hvis_vmbus_steps));
	if (ret)
		return ret;
	register_reboot_notifier(&hvis_reboot_nb);
	atomic_notifier_chain_register(&panic_notifier_list, &hvis_panic_nb);
	hvis_chanmgmt_wait_offers();
	pr_info("%u devices on the bus %lld ms after load\n", hvis_chanmgmt_count(),
		ktime_ms_delta(ktime_get(), start));
	return 0;
}

static void __exit hvis_vmbus_exit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &hvis_panic_nb);
	unregister_reboot_notifier(&hvis_reboot_nb);
	hvis_chanmgmt_stop();
	hvis_disconnect();
	hvis_synic_exit();
	hvis_chanmgmt_exit();
	hvis_bus_exit();
	hvis_hv_exit();
}

module_init(hvis_vmbus_init);
module_exit(hvis_vmbus_exit);

MODULE_DESCRIPTION("Hyper-V VMBus core (hvis, out of tree)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVIS_VERSION);
