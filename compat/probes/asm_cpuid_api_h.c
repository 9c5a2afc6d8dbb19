// SPDX-License-Identifier: GPL-2.0-only
/* 6.15: cpuid() moved out of asm/processor.h into asm/cpuid/api.h. */
#include <asm/cpuid/api.h>

void hvis_probe(void);
void hvis_probe(void)
{
	unsigned int a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
}
