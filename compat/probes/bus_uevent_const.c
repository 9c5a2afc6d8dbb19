// SPDX-License-Identifier: GPL-2.0-only
/* 6.3: bus_type.uevent takes a const struct device. */
#include <linux/device.h>

static int hvis_probe_uevent(const struct device *dev, struct kobj_uevent_env *env)
{
	return 0;
}

extern struct bus_type hvis_probe_bus;
struct bus_type hvis_probe_bus = {
	.uevent = hvis_probe_uevent,
};
