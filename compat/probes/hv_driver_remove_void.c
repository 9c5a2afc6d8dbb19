// SPDX-License-Identifier: GPL-2.0-only
/* 6.3: the kernel's struct hv_driver.remove returns void. */
#include <linux/hyperv.h>

static void hvis_probe_remove(struct hv_device *dev)
{
}

extern struct hv_driver hvis_probe_driver;
struct hv_driver hvis_probe_driver = {
	.remove = hvis_probe_remove,
};
