// SPDX-License-Identifier: GPL-2.0-only
/* hex_to_bin() and friends moved out of linux/kernel.h into linux/hex.h. */
#include <linux/hex.h>

int hvis_probe(void);
int hvis_probe(void)
{
	return hex_to_bin('a');
}
