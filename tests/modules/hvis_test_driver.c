// SPDX-License-Identifier: GPL-2.0-only
/*
 * A service driver that does nothing but bind: it proves the driver API of
 * hvis_vmbus (registration by class GUID, probe, remove) in the tests.  It
 * drives the simulator's test class and counts what happened to it.
 */
#include <linux/atomic.h>
#include <linux/module.h>

#include <hvis/vmbus.h>

static atomic_t hvis_test_probed = ATOMIC_INIT(0);
static atomic_t hvis_test_removed = ATOMIC_INIT(0);

static int probed_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops hvis_test_count_ops = {
	.get = probed_get,
};

module_param_cb(probed, &hvis_test_count_ops, &hvis_test_probed, 0444);
MODULE_PARM_DESC(probed, "Devices probed so far");
module_param_cb(removed, &hvis_test_count_ops, &hvis_test_removed, 0444);
MODULE_PARM_DESC(removed, "Devices removed so far");

static const struct hvis_device_id hvis_test_ids[] = {
	{ GUID_INIT(0x6876ab5f, 0x3c64, 0x4c8b, 0x9a, 0x2f, 0x68, 0x76, 0x69, 0x73, 0x00, 0x01) },
	{}
};

static int hvis_test_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	atomic_inc(&hvis_test_probed);
	dev_info(&dev->dev, "bound (relid %u)\n", dev->channel->relid);
	return 0;
}

static void hvis_test_remove(struct hvis_device *dev)
{
	atomic_inc(&hvis_test_removed);
}

static struct hvis_driver hvis_test_driver = {
	.name		= "hvis_test_driver",
	.id_table	= hvis_test_ids,
	.probe		= hvis_test_probe,
	.remove		= hvis_test_remove,
};

static int __init hvis_test_init(void)
{
	return hvis_driver_register(&hvis_test_driver);
}

static void __exit hvis_test_exit(void)
{
	hvis_driver_unregister(&hvis_test_driver);
}

module_init(hvis_test_init);
module_exit(hvis_test_exit);

MODULE_DESCRIPTION("hvis test: a VMBus driver that only binds");
MODULE_LICENSE("GPL");
