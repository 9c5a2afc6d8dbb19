// SPDX-License-Identifier: GPL-2.0-only
/* 6.11: bus_type.match takes a const struct device_driver. */
#include <linux/device.h>

static int hvis_probe_match(struct device *dev, const struct device_driver *drv)
{
	return 0;
}

extern struct bus_type hvis_probe_bus;
struct bus_type hvis_probe_bus = {
	.match = hvis_probe_match,
};
