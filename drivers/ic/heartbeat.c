// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_heartbeat: tells the host the guest is alive.  The host sends a
 * sequence number; the answer carries the next one.
 */
#include <linux/module.h>

#include <hvis/ic.h>
#include <hvis/version.h>

static const struct hvis_ic_version hvis_hb_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version hvis_hb_msg[] = { { 3, 0 }, { 1, 0 } };

static u32 hvis_hb_handle(struct hvis_ic *ic, void *body, u32 len)
{
	struct hvis_ic_heartbeat *hb = body;

	/* Only the sequence number is required: hosts need not send the rest. */
	hb->seq_num++;
	return HVIS_IC_S_OK;
}

static const struct hvis_ic_service hvis_hb_service = {
	.name		= "Heartbeat",
	.msgtype	= HVIS_IC_MSG_HEARTBEAT,
	.fw_versions	= hvis_hb_fw,
	.nr_fw		= ARRAY_SIZE(hvis_hb_fw),
	.msg_versions	= hvis_hb_msg,
	.nr_msg		= ARRAY_SIZE(hvis_hb_msg),
	.min_body	= HVIS_IC_HEARTBEAT_MIN,
	.max_packet	= 4096,
	.handle		= hvis_hb_handle,
};

static int hvis_hb_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	return hvis_ic_probe(dev, &hvis_hb_service, NULL);
}

static const struct hvis_device_id hvis_hb_ids[] = {
	{ HVIS_IC_HEARTBEAT_CLASS },
	{}
};

static struct hvis_driver hvis_hb_driver = {
	.name		= "hvis_heartbeat",
	.id_table	= hvis_hb_ids,
	.probe		= hvis_hb_probe,
	.remove		= hvis_ic_remove,
	.driver.dev_groups = hvis_ic_groups,
};

static int __init hvis_hb_init(void)
{
	return hvis_driver_register(&hvis_hb_driver);
}

static void __exit hvis_hb_exit(void)
{
	hvis_driver_unregister(&hvis_hb_driver);
}

module_init(hvis_hb_init);
module_exit(hvis_hb_exit);

MODULE_DESCRIPTION("Hyper-V Heartbeat integration service (hvis)");
MODULE_LICENSE("GPL");
MODULE_HVIS_ALIAS(HVIS_IC_HEARTBEAT_ID);
MODULE_VERSION(HVIS_VERSION);
