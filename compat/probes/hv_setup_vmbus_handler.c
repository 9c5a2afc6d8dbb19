// SPDX-License-Identifier: GPL-2.0-only
/* 5.12: the arch code calls a VMBus handler function (hv_setup_vmbus_handler). */
// hvis-probe-symbol: hv_setup_vmbus_handler
// hvis-probe-symbol: hv_remove_vmbus_handler
#include <asm/mshyperv.h>

static void hvis_probe_handler(void)
{
}

void hvis_probe(void);
void hvis_probe(void)
{
	hv_setup_vmbus_handler(hvis_probe_handler);
	hv_remove_vmbus_handler();
}
