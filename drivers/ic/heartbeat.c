// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_heartbeat: tells the host the guest is alive.  The host sends a
 * sequence number; the answer carries the next one.
 */
#include <linux/module.h>
#include <linux/stddef.h>

#include <hvis/ic.h>
#include <hvis/version.h>

static const struct hvis_ic_version hvis_heartbeat_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version hvis_heartbeat_msg[] = { { 3, 0 }, { 1, 0 } };

static u32 hvis_heartbeat_handle(struct hvis_ic *ic, void *body, u32 len)
{
	struct hvis_ic_heartbeat *hb = body;

	/* Only the sequence number is required: hosts need not send the rest. */
	hb->seq_num++;
	return HVIS_IC_S_OK;
}

static struct hvis_ic_service hvis_heartbeat_service = {
	HVIS_IC_SERVICE(HEARTBEAT, "Heartbeat", hvis_heartbeat_fw, hvis_heartbeat_msg),
	.min_body	= offsetofend(struct hvis_ic_heartbeat, seq_num),
	.handle		= hvis_heartbeat_handle,
};
module_hvis_ic_service(hvis_heartbeat_service, HEARTBEAT,
		       "Hyper-V Heartbeat integration service (hvis)");
