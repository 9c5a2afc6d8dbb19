// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of Shutdown: the shutdown command asks the guest to power
 * off, reboot or hibernate, and waits for its answer (longer than for any
 * other request: the guest may take a while to agree).
 */
#include <linux/kernel.h>

#include <hvis/ic_wire.h>

#include "ic.h"

static u32 sim_ic_build_shutdown(struct sim_ic *s, unsigned int pend, unsigned long now)
{
	struct hvis_ic_shutdown *sd = (void *)((struct hvis_ic_msg *)s->pkt)->body;
	u32 len = sim_ic_start(s, HVIS_IC_MSG_SHUTDOWN, sizeof(*sd));

	s->txn.req = SIM_REQ_SHUTDOWN;
	sd->reason_code = HVIS_IC_SHUTDOWN_REASON_PLANNED;
	sd->flags = s->shutdown_flags;
	sim_ic_log(s, "H->G IC shutdown flags=%#x", sd->flags);
	return len;
}

static unsigned int sim_ic_shutdown_timeout(const struct sim_ic *s)
{
	return SIM_IC_SHUTDOWN_MS;
}

/* shutdown FLAGS: 0 poweroff, 2 reboot, 4 hibernate, | 1 force. */
int sim_ic_cmd_shutdown(char *args)
{
	struct sim_ic *s = &sim_ic_shutdown;
	u32 flags;
	int ret;

	if (kstrtou32(args, 0, &flags))
		return -EINVAL;
	if (sim_ic_cmd_lock(s))
		return -EINTR;
	s->shutdown_flags = flags;
	ret = sim_ic_run_negotiated(s, SIM_PEND_CMD, SIM_IC_CMD_WAIT_MS);
	sim_ic_cmd_unlock(s);
	return ret;
}

static const struct sim_ic_ops sim_ic_shutdown_ops = {
	.build		= sim_ic_build_shutdown,
	.answer		= sim_ic_answer_status,
	.timeout_ms	= sim_ic_shutdown_timeout,
};

struct sim_ic sim_ic_shutdown = {
	.id = SIM_IC_SHUTDOWN, .name = "Shutdown", .alias = "shutdown",
	.msgtype = HVIS_IC_MSG_SHUTDOWN, .class_id = HVIS_IC_SHUTDOWN_CLASS,
	.instance_id = GUID_INIT(0xb6650ff7, 0x33bc, 0x4840, 0x80, 0x48,
				 0xe0, 0x67, 0x67, 0x86, 0xf3, 0x93),
	.ops = &sim_ic_shutdown_ops,
};
