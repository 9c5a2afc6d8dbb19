// SPDX-License-Identifier: GPL-2.0-only
/* 5.15: bus_type.remove returns void. */
#include <linux/device.h>

static void hvis_probe_remove(struct device *dev)
{
}

extern struct bus_type hvis_probe_bus;
struct bus_type hvis_probe_bus = {
	.remove = hvis_probe_remove,
};
