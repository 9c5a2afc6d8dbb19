/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included (-include) into every file of Linux's own drivers/hv when
 * tests/upstream/build.sh builds it for the simulated host.  Those files
 * stay exactly as Debian's linux-source ships them; only the names that
 * reach the hypervisor are bent, onto hvis_sim's backend (shim.c).
 *
 * Two kinds of renaming, because the kernel headers define some of these
 * names as inline functions or macros and only declare others:
 *
 *  - Before the headers: a name the headers only declare (a variable, an
 *    exported function) is renamed to ours outright, so that the headers'
 *    own inline helpers that use it are bent too.  A name the headers
 *    define inline (the MSR accessors of 6.1, the hypercall wrappers, the
 *    EOM helper) is renamed to a throw-away "native" name, so that the
 *    headers' definition does not collide with ours.
 *  - After the headers: each inline or macro accessor is pointed at ours.
 *
 * One header serves 5.10, 6.1 and 6.12: a rename of a name a series does
 * not have is harmless, and so is an #undef of a macro it never defined.
 */
#ifndef _HVIS_UPSTREAM_SHIM_H
#define _HVIS_UPSTREAM_SHIM_H

/* Declared only: ours outright (the headers' inline users follow). */
#define hv_vp_index			hvis_up_vp_index
#define hyperv_pcpu_input_arg		hvis_up_pcpu_input_arg
#define hv_read_reference_counter	hvis_up_read_reference_counter
#define hv_is_hyperv_initialized	hvis_up_hyperv_initialized
#define hv_get_msr			hvis_up_get_msr
#define hv_set_msr			hvis_up_set_msr
#define hv_setup_vmbus_handler		hvis_up_setup_vmbus_handler
#define hv_remove_vmbus_handler		hvis_up_remove_vmbus_handler
#define hv_setup_vmbus_irq		hvis_up_setup_vmbus_irq
#define hv_remove_vmbus_irq		hvis_up_remove_vmbus_irq
#define hv_setup_kexec_handler		hvis_up_setup_kexec_handler
#define hv_remove_kexec_handler		hvis_up_remove_kexec_handler
#define hv_setup_crash_handler		hvis_up_setup_crash_handler
#define hv_remove_crash_handler		hvis_up_remove_crash_handler
#define acpi_walk_resources		hvis_up_acpi_walk_resources

/* Defined inline by the headers: parked under a name nobody calls. */
#define hv_get_register			hvis_up_native_get_register
#define hv_set_register			hvis_up_native_set_register
#define hv_do_hypercall			hvis_up_native_hypercall
#define hv_do_fast_hypercall8		hvis_up_native_fast_hypercall8
#define vmbus_signal_eom		hvis_up_native_signal_eom

#include <linux/types.h>
#include <linux/acpi.h>
#include <linux/platform_device.h>
#include <asm/mshyperv.h>
#include <linux/hyperv.h>

u64 hvis_up_get_msr(unsigned int reg);
void hvis_up_set_msr(unsigned int reg, u64 value);
u64 hvis_up_hypercall(u64 control, void *input, void *output);
u64 hvis_up_fast_hypercall8(u16 code, u64 input);
void hvis_up_signal_eom(struct hv_message *msg, u32 old_msg_type);
int hvis_up_setup_vmbus_irq(int irq, void (*handler)(void));
void hvis_up_remove_vmbus_irq(void);
int hvis_up_acpi_bus_register_driver(struct acpi_driver *drv);
void hvis_up_acpi_bus_unregister_driver(struct acpi_driver *drv);
int hvis_up_platform_driver_register(struct platform_driver *drv);
void hvis_up_platform_driver_unregister(struct platform_driver *drv);
struct acpi_device *hvis_up_acpi_companion(struct device *dev);

#undef hv_get_register
#undef hv_set_register
#undef hv_do_hypercall
#undef hv_do_fast_hypercall8
#undef vmbus_signal_eom
#define hv_get_register(reg)		hvis_up_get_msr(reg)
#define hv_set_register(reg, val)	hvis_up_set_msr(reg, val)
#define hv_do_hypercall(c, in, out)	hvis_up_hypercall(c, in, out)
#define hv_do_fast_hypercall8(c, in)	hvis_up_fast_hypercall8(c, in)
#define vmbus_signal_eom(msg, type)	hvis_up_signal_eom(msg, type)

/* 5.10's accessors are macros over rdmsrl/wrmsrl. */
#undef hv_get_simp
#undef hv_set_simp
#undef hv_get_siefp
#undef hv_set_siefp
#undef hv_get_synic_state
#undef hv_set_synic_state
#undef hv_get_synint_state
#undef hv_set_synint_state
#undef hv_get_vp_index
#undef hv_signal_eom
#undef hv_get_time_ref_count
#define hv_get_simp(val)		((val) = hvis_up_get_msr(HV_X64_MSR_SIMP))
#define hv_set_simp(val)		hvis_up_set_msr(HV_X64_MSR_SIMP, val)
#define hv_get_siefp(val)		((val) = hvis_up_get_msr(HV_X64_MSR_SIEFP))
#define hv_set_siefp(val)		hvis_up_set_msr(HV_X64_MSR_SIEFP, val)
#define hv_get_synic_state(val)		((val) = hvis_up_get_msr(HV_X64_MSR_SCONTROL))
#define hv_set_synic_state(val)		hvis_up_set_msr(HV_X64_MSR_SCONTROL, val)
#define hv_get_synint_state(n, val)	((val) = hvis_up_get_msr(HV_X64_MSR_SINT0 + (n)))
#define hv_set_synint_state(n, val)	hvis_up_set_msr(HV_X64_MSR_SINT0 + (n), val)
#define hv_get_vp_index(val)		((val) = hvis_up_get_msr(HV_X64_MSR_VP_INDEX))
#define hv_signal_eom()			hvis_up_set_msr(HV_X64_MSR_EOM, 0)
#define hv_get_time_ref_count(val)	((val) = hvis_up_get_msr(HV_X64_MSR_TIME_REF_COUNT))

/*
 * The bus's probe: there is no ACPI VMBUS device (or platform device) under
 * QEMU, so the shim makes one stand-in device and probes the driver on it.
 */
#undef acpi_bus_register_driver
#undef acpi_bus_unregister_driver
#undef platform_driver_register
#undef platform_driver_unregister
#undef ACPI_COMPANION
#define acpi_bus_register_driver(drv)	hvis_up_acpi_bus_register_driver(drv)
#define acpi_bus_unregister_driver(drv)	hvis_up_acpi_bus_unregister_driver(drv)
#define platform_driver_register(drv)	hvis_up_platform_driver_register(drv)
#define platform_driver_unregister(drv)	hvis_up_platform_driver_unregister(drv)
#define ACPI_COMPANION(dev)		hvis_up_acpi_companion(dev)

#endif /* _HVIS_UPSTREAM_SHIM_H */
