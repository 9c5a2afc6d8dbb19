/* SPDX-License-Identifier: GPL-2.0-only */
/* BIT() is in types.h here. */
#include <linux/types.h>
