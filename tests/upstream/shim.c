// SPDX-License-Identifier: GPL-2.0-only
/*
 * What Linux's own hv_vmbus expects of the hypervisor and of the firmware,
 * served by hvis_sim instead, so that the kernel's unchanged drivers/hv runs
 * against the simulated host as an independent witness (tests only; this
 * file is linked into hv_vmbus by tests/upstream/build.sh, shim.h renames
 * the calls onto it).
 *
 * On real Hyper-V the kernel's arch code does a few things at boot that no
 * module redoes: it writes the guest OS id, enables the hypercall page,
 * reads each CPU's VP index and, from 6.12 on, allocates a per-CPU
 * hypercall input page.  Here the first hv_is_hyperv_initialized() (the
 * very first thing hv_vmbus asks) does the first three through hvis_sim's
 * backend, and the input pages come with the stand-in VMBUS device below.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <hvis/hv_backend.h>
#include <hvis/tlfs.h>

static const struct hvis_hv_backend *const hvis_up_be = &hvis_sim_backend;

/* The kernel's own arrays are empty off Hyper-V: these stand in for them. */
static u32 hvis_up_vp_index_of[NR_CPUS];
u32 *hvis_up_vp_index = hvis_up_vp_index_of;
EXPORT_SYMBOL_GPL(hvis_up_vp_index);
void * __percpu *hvis_up_pcpu_input_arg;
EXPORT_SYMBOL_GPL(hvis_up_pcpu_input_arg);

u64 hvis_up_get_msr(unsigned int reg)
{
	return hvis_up_be->get_msr(reg);
}
EXPORT_SYMBOL_GPL(hvis_up_get_msr);

void hvis_up_set_msr(unsigned int reg, u64 value)
{
	hvis_up_be->set_msr(reg, value);
}
EXPORT_SYMBOL_GPL(hvis_up_set_msr);

/* The hypercall page takes guest-physical addresses; so does the backend. */
u64 hvis_up_hypercall(u64 control, void *input, void *output)
{
	return hvis_up_be->hypercall(control, input ? virt_to_phys(input) : 0,
				     output ? virt_to_phys(output) : 0);
}
EXPORT_SYMBOL_GPL(hvis_up_hypercall);

u64 hvis_up_fast_hypercall8(u16 code, u64 input)
{
	return hvis_up_be->hypercall_fast(code | HVIS_HCALL_FAST, input);
}
EXPORT_SYMBOL_GPL(hvis_up_fast_hypercall8);

/*
 * Empty the slot that held a message of @old_msg_type and, when the
 * hypervisor marked more messages waiting behind it, ask for the next
 * one with an EOM write.  The exchange orders the slot's release before
 * the look at the pending flag.
 */
void hvis_up_signal_eom(struct hv_message *msg, u32 old_msg_type)
{
	if (cmpxchg(&msg->header.message_type, old_msg_type, HVMSG_NONE) != old_msg_type)
		return;
	if (msg->header.message_flags.msg_pending)
		hvis_up_be->set_msr(HVIS_MSR_EOM, 0);
}
EXPORT_SYMBOL_GPL(hvis_up_signal_eom);

static u64 hvis_up_ref_count(void)
{
	return hvis_up_be->get_msr(HVIS_MSR_TIME_REF_COUNT);
}

/* A pointer in the kernel too (the clocksource picks the fastest reader). */
typeof(hvis_up_ref_count) *hvis_up_read_reference_counter = hvis_up_ref_count;
EXPORT_SYMBOL_GPL(hvis_up_read_reference_counter);

static void hvis_up_read_vp_index(void *unused)
{
	unsigned int cpu = smp_processor_id();

	hvis_up_vp_index[cpu] = hvis_up_be->get_msr(HVIS_MSR_VP_INDEX);
}

/* What the arch does at boot on Hyper-V, done once: see the top of the file. */
bool hvis_up_hyperv_initialized(void)
{
	static bool done;

	if (done)
		return true;
	hvis_up_be->set_msr(HVIS_MSR_GUEST_OS_ID, HVIS_GUEST_OS_ID_LINUX);
	hvis_up_be->set_msr(HVIS_MSR_HYPERCALL, HVIS_MSR_ENABLE);
	if (!(hvis_up_be->get_msr(HVIS_MSR_HYPERCALL) & HVIS_MSR_ENABLE))
		return false;
	on_each_cpu(hvis_up_read_vp_index, NULL, 1);
	done = true;
	return true;
}
EXPORT_SYMBOL_GPL(hvis_up_hyperv_initialized);

static void hvis_up_free_input_pages(void)
{
	unsigned int cpu;

	if (!hvis_up_pcpu_input_arg)
		return;
	for_each_possible_cpu(cpu)
		free_page((unsigned long)*per_cpu_ptr(hvis_up_pcpu_input_arg, cpu));
	free_percpu(hvis_up_pcpu_input_arg);
	hvis_up_pcpu_input_arg = NULL;
}

/* 6.12 builds its messages in these pages; the kernel fills them only on Hyper-V. */
static int hvis_up_alloc_input_pages(void)
{
	unsigned int cpu;
	void *page;

	hvis_up_pcpu_input_arg = alloc_percpu(void *);
	if (!hvis_up_pcpu_input_arg)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!page) {
			hvis_up_free_input_pages();
			return -ENOMEM;
		}
		*per_cpu_ptr(hvis_up_pcpu_input_arg, cpu) = page;
	}
	return 0;
}

void hvis_up_setup_vmbus_handler(void (*handler)(void))
{
	u64 sint;

	hvis_up_be->irq_setup(handler, &sint);
}
EXPORT_SYMBOL_GPL(hvis_up_setup_vmbus_handler);

void hvis_up_remove_vmbus_handler(void)
{
	hvis_up_be->irq_remove();
}
EXPORT_SYMBOL_GPL(hvis_up_remove_vmbus_handler);

/* 5.10's names for the same; the irq number means nothing on x86. */
int hvis_up_setup_vmbus_irq(int irq, void (*handler)(void))
{
	hvis_up_setup_vmbus_handler(handler);
	return 0;
}
EXPORT_SYMBOL_GPL(hvis_up_setup_vmbus_irq);

void hvis_up_remove_vmbus_irq(void)
{
	hvis_up_remove_vmbus_handler();
}
EXPORT_SYMBOL_GPL(hvis_up_remove_vmbus_irq);

/*
 * kexec and crash: the arch would call these handlers from its own
 * shutdown paths, which know nothing of the simulator.  A panic still
 * reaches the host through the bus's panic notifier (UNLOAD).
 */
void hvis_up_setup_kexec_handler(void (*handler)(void))
{
}
EXPORT_SYMBOL_GPL(hvis_up_setup_kexec_handler);

void hvis_up_remove_kexec_handler(void)
{
}
EXPORT_SYMBOL_GPL(hvis_up_remove_kexec_handler);

void hvis_up_setup_crash_handler(void (*handler)(struct pt_regs *regs))
{
}
EXPORT_SYMBOL_GPL(hvis_up_setup_crash_handler);

void hvis_up_remove_crash_handler(void)
{
}
EXPORT_SYMBOL_GPL(hvis_up_remove_crash_handler);

/* --- the kernel's own reference counter reader ---------------------------- */

/*
 * The kernel's pointer itself, not upstream's renamed use of it: drivers
 * on the kernel's bus other than upstream's own (hvis_ic_hv's Time
 * Synchronization) read the reference counter through it.  On Hyper-V the
 * clocksource points it at its reader at boot; off Hyper-V it reads the
 * real MSR, which is not there.  Ours while hv_vmbus is loaded; the
 * kernel's again before hv_vmbus's text goes.
 */
#undef hv_read_reference_counter
extern u64 (*hv_read_reference_counter)(void);
static u64 (*hvis_up_kernel_ref_counter)(void);

static void hvis_up_ref_counter_set(bool on)
{
	if (on && hv_read_reference_counter != hvis_up_ref_count) {
		hvis_up_kernel_ref_counter = hv_read_reference_counter;
		hv_read_reference_counter = hvis_up_ref_count;
	} else if (!on && hv_read_reference_counter == hvis_up_ref_count) {
		hv_read_reference_counter = hvis_up_kernel_ref_counter;
	}
}

/* --- the stand-in VMBUS device ------------------------------------------------ */

/*
 * On Hyper-V, firmware describes a VMBUS device (ACPI) and its MMIO ranges;
 * the bus's probe finds them there.  Here one zeroed acpi_device, registered
 * as a plain device so that the bus's devices have a parent, stands in:
 * no handle, no resources, no parent.
 */
static struct acpi_device *hvis_up_adev;
static struct platform_device *hvis_up_pdev;

static void hvis_up_adev_release(struct device *dev)
{
	kfree(container_of(dev, struct acpi_device, dev));
}

/*
 * The bus registers its driver first thing at load and unregisters it last
 * thing at unload (after releasing the channels, which posts messages):
 * the stand-in device and the hypercall input pages live exactly that long.
 */
static int hvis_up_adev_add(void)
{
	struct acpi_device *adev;
	int ret;

	ret = hvis_up_alloc_input_pages();
	if (ret)
		return ret;
	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev) {
		hvis_up_free_input_pages();
		return -ENOMEM;
	}
	device_initialize(&adev->dev);
	adev->dev.release = hvis_up_adev_release;
	ret = dev_set_name(&adev->dev, "hvis-up-VMBUS");
	if (!ret)
		ret = device_add(&adev->dev);
	if (ret) {
		put_device(&adev->dev);
		hvis_up_free_input_pages();
		return ret;
	}
	hvis_up_adev = adev;
	hvis_up_ref_counter_set(true);
	return 0;
}

static void hvis_up_adev_del(void)
{
	hvis_up_ref_counter_set(false);
	if (hvis_up_adev)
		device_unregister(&hvis_up_adev->dev);
	hvis_up_adev = NULL;
	hvis_up_free_input_pages();
}

struct acpi_device *hvis_up_acpi_companion(struct device *dev)
{
	return hvis_up_adev;
}
EXPORT_SYMBOL_GPL(hvis_up_acpi_companion);

/* The device has no _CRS: a walk finds nothing and succeeds. */
acpi_status hvis_up_acpi_walk_resources(acpi_handle handle, char *name,
					acpi_walk_resource_callback cb, void *ctx)
{
	return AE_OK;
}
EXPORT_SYMBOL_GPL(hvis_up_acpi_walk_resources);

/* 5.10 and 6.1: the bus is an ACPI driver; probe it on the stand-in. */
int hvis_up_acpi_bus_register_driver(struct acpi_driver *drv)
{
	int ret = hvis_up_adev_add();

	if (ret)
		return ret;
	/* As with a real bus, a failed probe is the driver's to notice. */
	if (drv->ops.add(hvis_up_adev))
		pr_info("hvis-up: %s: probe of the stand-in VMBUS device failed\n", drv->name);
	return 0;
}
EXPORT_SYMBOL_GPL(hvis_up_acpi_bus_register_driver);

void hvis_up_acpi_bus_unregister_driver(struct acpi_driver *drv)
{
	if (hvis_up_adev && drv->ops.remove)
		drv->ops.remove(hvis_up_adev);
	hvis_up_adev_del();
}
EXPORT_SYMBOL_GPL(hvis_up_acpi_bus_unregister_driver);

/* 6.12: a platform driver whose probe looks up the ACPI companion. */
int hvis_up_platform_driver_register(struct platform_driver *drv)
{
	int ret = hvis_up_adev_add();

	if (ret)
		return ret;
	hvis_up_pdev = platform_device_register_simple("hvis-up-vmbus", PLATFORM_DEVID_NONE,
						       NULL, 0);
	if (IS_ERR(hvis_up_pdev)) {
		ret = PTR_ERR(hvis_up_pdev);
		hvis_up_pdev = NULL;
		hvis_up_adev_del();
		return ret;
	}
	if (drv->probe(hvis_up_pdev))
		pr_info("hvis-up: %s: probe of the stand-in VMBUS device failed\n",
			drv->driver.name);
	return 0;
}
EXPORT_SYMBOL_GPL(hvis_up_platform_driver_register);

void hvis_up_platform_driver_unregister(struct platform_driver *drv)
{
	if (hvis_up_pdev && drv->remove)
		drv->remove(hvis_up_pdev);
	if (hvis_up_pdev)
		platform_device_unregister(hvis_up_pdev);
	hvis_up_pdev = NULL;
	hvis_up_adev_del();
}
EXPORT_SYMBOL_GPL(hvis_up_platform_driver_unregister);
