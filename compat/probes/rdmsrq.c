// SPDX-License-Identifier: GPL-2.0-only
/* 6.16: rdmsrl()/wrmsrl() became rdmsrq()/wrmsrq(). */
#include <asm/msr.h>

u64 hvis_probe(void);
u64 hvis_probe(void)
{
	u64 v;

	rdmsrq(0x40000000, v);
	wrmsrq(0x40000000, v);
	return v;
}
