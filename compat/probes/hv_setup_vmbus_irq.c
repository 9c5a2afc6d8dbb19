// SPDX-License-Identifier: GPL-2.0-only
/* Before 5.12 the arch code took an irq and the handler: hv_setup_vmbus_irq(). */
// hvis-probe-symbol: hv_setup_vmbus_irq
// hvis-probe-symbol: hv_remove_vmbus_irq
#include <asm/mshyperv.h>

static void hvis_probe_handler(void)
{
}

void hvis_probe(void);
void hvis_probe(void)
{
	hv_setup_vmbus_irq(0, hvis_probe_handler);
	hv_remove_vmbus_irq();
}
