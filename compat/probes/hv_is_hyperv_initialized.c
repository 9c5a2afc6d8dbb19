// SPDX-License-Identifier: GPL-2.0-only
/* The kernel's own Hyper-V arch support ran at boot and can say so. */
// hvis-probe-symbol: hv_is_hyperv_initialized
#include <asm/mshyperv.h>

bool hvis_probe(void);
bool hvis_probe(void)
{
	return hv_is_hyperv_initialized();
}
