// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_vmbus: the VMBus core of the Hyper-V Integration Services.
 *
 * This first version only decides whether it may run at all: it needs a
 * Hyper-V hypervisor (or, later, the simulated one), and it must stay out of
 * the way of the in-tree VMBus stack when that one is active.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

#include <hvis/tlfs.h>
#include <hvis/version.h>

/*
 * The in-tree hv_vmbus exports vmbus_proto_version, non-zero once it has
 * connected to the host.  Looking it up pins hv_vmbus only for the moment
 * of the check.
 */
static bool hvis_intree_vmbus_active(void)
{
	const u32 *ver;
	bool active;

	ver = __symbol_get("vmbus_proto_version");
	if (!ver)
		return false;
	active = READ_ONCE(*ver) != 0;
	__symbol_put("vmbus_proto_version");
	return active;
}

/*
 * Hyper-V announces itself in CPUID leaf 0x40000000 with "Microsoft Hv" and
 * a maximum leaf that covers at least the limits leaf.  On failure @vendor
 * receives what the hypervisor (if any) calls itself, for the refusal line.
 */
static bool hvis_hyperv_detect(char vendor[13])
{
	u32 eax, ebx, ecx, edx;

	strscpy(vendor, "none", 13);
	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;

	cpuid(HVIS_CPUID_VENDOR_AND_MAX, &eax, &ebx, &ecx, &edx);
	memcpy(vendor + 0, &ebx, 4);
	memcpy(vendor + 4, &ecx, 4);
	memcpy(vendor + 8, &edx, 4);
	vendor[12] = '\0';

	if (ebx != HVIS_CPUID_SIG_EBX || ecx != HVIS_CPUID_SIG_ECX ||
	    edx != HVIS_CPUID_SIG_EDX)
		return false;
	return eax >= HVIS_CPUID_MIN_LEAF && eax <= HVIS_CPUID_MAX_LEAF;
}

static int __init hvis_vmbus_init(void)
{
	char vendor[13];

	if (hvis_intree_vmbus_active()) {
		pr_err("not loading: the in-tree VMBus driver (hv_vmbus) is active\n");
		return -EBUSY;
	}
	if (!hvis_hyperv_detect(vendor)) {
		pr_err("not loading: no Hyper-V hypervisor found (CPUID hypervisor vendor: \"%s\")\n",
		       vendor);
		return -ENODEV;
	}

	/* The connection to the host arrives with the VMBus core proper. */
	pr_err("not loading: Hyper-V found, but this hvis %s has no VMBus core yet\n",
	       HVIS_VERSION);
	return -ENODEV;
}

static void __exit hvis_vmbus_exit(void)
{
}

module_init(hvis_vmbus_init);
module_exit(hvis_vmbus_exit);

MODULE_DESCRIPTION("Hyper-V VMBus core (hvis, out of tree)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVIS_VERSION);
