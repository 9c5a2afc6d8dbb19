// SPDX-License-Identifier: GPL-2.0-only
/* 6.4: bus attribute callbacks take a const struct bus_type. */
#include <linux/device.h>

static ssize_t hvis_probe_show(const struct bus_type *bus, char *buf)
{
	return 0;
}

extern struct bus_attribute hvis_probe_attr;
struct bus_attribute hvis_probe_attr = __ATTR(hvis_probe, 0444, hvis_probe_show, NULL);
