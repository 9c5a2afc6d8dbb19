// SPDX-License-Identifier: GPL-2.0-only
/* 6.17: hv_do_hypercall() goes through a static call, not hv_hypercall_pg. */
// hvis-probe-symbol: __SCT__hv_hypercall
#include <asm/mshyperv.h>

u64 hvis_probe(void);
u64 hvis_probe(void)
{
	return hv_do_hypercall(0, NULL, NULL) + hv_do_fast_hypercall8(0, 0);
}
