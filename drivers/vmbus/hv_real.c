// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real Hyper-V backend: the only code that touches the hardware.  It
 * leans on the kernel's own Hyper-V arch support (CONFIG_HYPERV), which has
 * already set up the hypercall page and owns the HYPERVISOR_CALLBACK_VECTOR
 * interrupt; hvis just asks it to call our handler.
 */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/mshyperv.h>
#include <asm/processor.h>

#include "vmbus_priv.h"

/*
 * Hyper-V announces itself in CPUID leaf 0x40000000 with "Microsoft Hv" and
 * a maximum leaf that covers at least the limits leaf.  @vendor receives
 * what the hypervisor (if any) calls itself, for the refusal line.
 */
bool hvis_hyperv_detect(char vendor[13])
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

#if (defined(HVIS_HAVE_HV_DO_HYPERCALL) || defined(HVIS_HAVE_HV_DO_HYPERCALL_STATIC_CALL)) && \
	defined(HVIS_HAVE_HV_IS_HYPERV_INITIALIZED) && \
	(defined(HVIS_HAVE_HV_SETUP_VMBUS_HANDLER) || defined(HVIS_HAVE_HV_SETUP_VMBUS_IRQ))

static u64 hvis_real_rdmsr(u32 msr)
{
	u64 v;

	rdmsrq(msr, v);
	return v;
}

static void hvis_real_wrmsr(u32 msr, u64 val)
{
	wrmsrq(msr, val);
}

static u64 hvis_real_hypercall(u64 control, u64 input_gpa, u64 output_gpa)
{
	return hv_do_hypercall(control, input_gpa ? phys_to_virt(input_gpa) : NULL,
			       output_gpa ? phys_to_virt(output_gpa) : NULL);
}

static u64 hvis_real_hypercall_fast(u64 control, u64 input)
{
	return hv_do_fast_hypercall8(control & HVIS_HCALL_CODE_MASK, input);
}

/* Hint: the hypervisor prefers that auto-EOI is not used. */
#define HVIS_HINT_DEPRECATING_AEOI	BIT(9)

static int hvis_real_irq_setup(void (*handler)(void), u64 *sint)
{
	u32 eax, ebx, ecx, edx;

	cpuid(HVIS_CPUID_HINTS, &eax, &ebx, &ecx, &edx);
	*sint = HYPERVISOR_CALLBACK_VECTOR;
	if (!(eax & HVIS_HINT_DEPRECATING_AEOI))
		*sint |= HVIS_SINT_AUTO_EOI;
#ifdef HVIS_HAVE_HV_SETUP_VMBUS_HANDLER
	hv_setup_vmbus_handler(handler);
#else
	hv_setup_vmbus_irq(0, handler);
#endif
	return 0;
}

static void hvis_real_irq_remove(void)
{
#ifdef HVIS_HAVE_HV_SETUP_VMBUS_HANDLER
	hv_remove_vmbus_handler();
#else
	hv_remove_vmbus_irq();
#endif
}

static const struct hvis_hv_backend hvis_real = {
	.name		= "Hyper-V",
	.get_msr	= hvis_real_rdmsr,
	.set_msr	= hvis_real_wrmsr,
	.hypercall	= hvis_real_hypercall,
	.hypercall_fast	= hvis_real_hypercall_fast,
	.irq_setup	= hvis_real_irq_setup,
	.irq_remove	= hvis_real_irq_remove,
};

const struct hvis_hv_backend *hvis_real_backend(void)
{
	return hv_is_hyperv_initialized() ? &hvis_real : NULL;
}

#else

const struct hvis_hv_backend *hvis_real_backend(void)
{
	return NULL;
}

#endif
