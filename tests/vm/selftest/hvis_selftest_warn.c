// SPDX-License-Identifier: GPL-2.0-only
/*
 * A deliberately broken module: it WARNs on load.  The harness self-test
 * loads it and expects the VM run to be judged a failure.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init hvis_selftest_warn_init(void)
{
	WARN(1, "hvis harness self-test: deliberate warning\n");
	return 0;
}

static void __exit hvis_selftest_warn_exit(void)
{
}

module_init(hvis_selftest_warn_init);
module_exit(hvis_selftest_warn_exit);

MODULE_DESCRIPTION("hvis harness self-test: WARN on load");
MODULE_LICENSE("GPL");
