// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_sim: a simulated Hyper-V host.
 *
 * The guest side (hvis_vmbus) finds this module's backend at load time and
 * talks to it exactly as it talks to Hyper-V.  hv.c plays the hypervisor,
 * host.c the host's VMBus connection and offers, chan.c the channels and
 * their clients (the echo device, the integration services of ic.c, raw
 * endpoints), ctl.c the control interface hvsim drives.  This file loads
 * and unloads the parts in order.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include <hvis/init_steps.h>
#include <hvis/param.h>
#include <hvis/vmbus_wire.h>

#include "ic_versions.h"
#include "sim.h"

static char *profile = "WS2022";
module_param(profile, charp, 0444);
MODULE_PARM_DESC(profile,
		 "Host to play: WS2008 WS2008R2 WS2012 WS2012R2 WS2016 4.1 5.0 5.1 WS2019 WS2022 6.0");

static bool ics = true;
module_param(ics, bool, 0444);
MODULE_PARM_DESC(ics, "Offer the six integration services (default on)");

HVIS_PARAM_UINT(extra_offers, 0, 0444,
		"Offers of the test class on top of the integration services");

static bool extra_monitored;
module_param(extra_monitored, bool, 0444);
MODULE_PARM_DESC(extra_monitored,
		 "Offer the extra test-class channels with monitor ids (monitored notifications)");

static struct dentry *sim_debugfs;

static int __init sim_host_start(void)
{
	return sim_host_init(profile);
}

/* After the profile's checks, so that a bad profile is what the log names. */
static int __init sim_check_extra_offers(void)
{
	if (hvis_param_extra_offers > SIM_MAX_OFFERS - SIM_IC_COUNT) {
		pr_err("extra_offers: at most %u\n", SIM_MAX_OFFERS - SIM_IC_COUNT);
		return -EINVAL;
	}
	if (hvis_param_extra_offers > 0xffff) {
		pr_err("extra_offers: at most 65535\n");
		return -EINVAL;
	}
	return 0;
}

static const struct hvis_init_step hvis_sim_steps[] __initconst = {
	{ sim_host_start, sim_host_exit },
	{ sim_check_extra_offers, NULL },
	{ sim_log_init, sim_log_exit },
	{ sim_hv_init, sim_hv_exit },
	{ sim_ic_init, sim_ic_exit },
	{ sim_chan_init, NULL },
};

static int __init hvis_sim_init(void)
{
	unsigned int nr_ics, max;
	int ret;

	ret = hvis_init_steps(hvis_sim_steps, ARRAY_SIZE(hvis_sim_steps));
	if (ret)
		return ret;
	nr_ics = ics ? sim_ic_offer_all() : 0;
	sim_host_offer_tests(hvis_param_extra_offers, extra_monitored);

	sim_debugfs = debugfs_create_dir("hvis_sim", NULL);
	sim_ctl_debugfs(sim_debugfs);
	sim_host_debugfs(sim_debugfs);
	sim_chan_debugfs(sim_debugfs);
	sim_mon_debugfs(sim_debugfs);
	sim_cap_debugfs(sim_debugfs);
	sim_ic_debugfs(sim_debugfs);
	max = sim_host_max_version();
	pr_info("simulated Hyper-V host up: profile %s (VMBus up to %u.%u), %u offers\n",
		sim_profile_name(), HVIS_VMBUS_MAJOR(max), HVIS_VMBUS_MINOR(max),
		nr_ics + hvis_param_extra_offers);
	return 0;
}

static void __exit hvis_sim_exit(void)
{
	debugfs_remove_recursive(sim_debugfs);
	sim_cap_exit();
	sim_hv_stop();
	/* The services' works first: they send through chan.c's channels. */
	sim_ic_exit();
	sim_mon_exit();		/* its poller kicks chan.c's channels */
	sim_chan_exit();
	sim_hv_exit();
	sim_log_exit();
	sim_host_exit();
}

module_init(hvis_sim_init);
module_exit(hvis_sim_exit);

MODULE_DESCRIPTION("Simulated Hyper-V host for testing hvis (not for production)");
MODULE_LICENSE("GPL");
