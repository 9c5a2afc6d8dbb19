// SPDX-License-Identifier: GPL-2.0-only
/* The kernel's Hyper-V arch support: hypercall helpers over an exported hypercall page. */
// hvis-probe-symbol: hv_hypercall_pg
#include <asm/mshyperv.h>

u64 hvis_probe(void);
u64 hvis_probe(void)
{
	return hv_do_hypercall(0, NULL, NULL) + hv_do_fast_hypercall8(0, 0);
}
