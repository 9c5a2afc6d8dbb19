// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor interface above the backend: choosing the backend, the
 * guest OS id and hypercall page, the per-CPU SynIC pages, the interrupt,
 * draining the message slot (msg_pending and EOM), and HvPostMessage with
 * its back-pressure.  All of it runs unchanged on Hyper-V and on hvis_sim.
 */
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/utsname.h>

#include <hvis/vmbus.h>

#include "vmbus_priv.h"

static const struct hvis_hv_backend *hvis_hv;

static bool hvis_hv_from_sim;
static void *hvis_hypercall_page;	/* ours, if the hypercall MSR was off */
static struct hvis_synic_cpu __percpu *hvis_synic;
static void * __percpu *hvis_post_page;
static struct workqueue_struct *hvis_msg_wq;
static enum cpuhp_state hvis_cpuhp_state;
static u64 hvis_sint_bits;

/* Linux's GUEST_OS_ID: kernel version in bits 47:16, taken from uname. */
static u64 hvis_guest_os_id(void)
{
	unsigned int a = 0, b = 0, c = 0;

	if (sscanf(init_utsname()->release, "%u.%u.%u", &a, &b, &c) < 2)
		a = 0;
	return HVIS_GUEST_OS_ID_LINUX |
	       ((u64)((a & 0xff) << 16 | (b & 0xff) << 8 | min(c, 255u)) << 16);
}

int hvis_hv_init(void)
{
	const struct hvis_hv_backend *sim;
	char vendor[13];
	u64 v;

	sim = __symbol_get("hvis_sim_backend");
	if (sim) {
		hvis_hv = sim;
		hvis_hv_from_sim = true;
		pr_info("using the simulated hypervisor (%s)\n", sim->name);
	} else if (hvis_hyperv_detect(vendor)) {
		hvis_hv = hvis_real_backend();
		if (!hvis_hv) {
			pr_err("not loading: this kernel lacks the Hyper-V arch support hvis relies on (CONFIG_HYPERV)\n");
			return -ENODEV;
		}
	} else {
		pr_err("not loading: no Hyper-V hypervisor found (CPUID hypervisor vendor: \"%s\") and no simulator (hvis_sim) loaded\n",
		       vendor);
		return -ENODEV;
	}

	/* The kernel's own Hyper-V support has usually done both already. */
	if (!hvis_hv->get_msr(HVIS_MSR_GUEST_OS_ID))
		hvis_hv->set_msr(HVIS_MSR_GUEST_OS_ID, hvis_guest_os_id());
	v = hvis_hv->get_msr(HVIS_MSR_HYPERCALL);
	if (!(v & HVIS_MSR_ENABLE)) {
		hvis_hypercall_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!hvis_hypercall_page)
			goto err_nomem;
		v = virt_to_phys(hvis_hypercall_page) | HVIS_MSR_ENABLE;
		hvis_hv->set_msr(HVIS_MSR_HYPERCALL, v);
		if (!(hvis_hv->get_msr(HVIS_MSR_HYPERCALL) & HVIS_MSR_ENABLE)) {
			pr_err("the hypervisor did not enable the hypercall page\n");
			free_page((unsigned long)hvis_hypercall_page);
			hvis_hypercall_page = NULL;
			goto err_put;
		}
	}
	return 0;

err_nomem:
	pr_err("out of memory setting up the hypercall page\n");
err_put:
	if (hvis_hv_from_sim)
		__symbol_put("hvis_sim_backend");
	hvis_hv = NULL;
	return -ENOMEM;
}

/**
 * hvis_ref_counter() - read the partition reference counter
 *
 * Time since the partition started, in 100 ns units, the same on every CPU;
 * the host stamps time samples with it.
 *
 * Return: the counter.
 */
u64 hvis_ref_counter(void)
{
	return hvis_hv->get_msr(HVIS_MSR_TIME_REF_COUNT);
}
EXPORT_SYMBOL_GPL(hvis_ref_counter);

void hvis_hv_exit(void)
{
	if (hvis_hypercall_page) {
		hvis_hv->set_msr(HVIS_MSR_HYPERCALL, 0);
		free_page((unsigned long)hvis_hypercall_page);
		hvis_hypercall_page = NULL;
	}
	if (hvis_hv_from_sim)
		__symbol_put("hvis_sim_backend");
	hvis_hv_from_sim = false;
	hvis_hv = NULL;
}

u32 hvis_hv_vp_index(unsigned int cpu)
{
	return per_cpu_ptr(hvis_synic, cpu)->vp_index;
}

/*
 * Drain this CPU's SINT2 slot.  Each message is copied out before the slot
 * is given back (the host may reuse it at once), and only the copy is ever
 * parsed.  EOM is written only when the hypervisor has a further message
 * queued for the slot (msg_pending), read after the slot is released.
 */
static void hvis_msg_work(struct work_struct *work)
{
	struct hvis_synic_cpu *s = container_of(work, struct hvis_synic_cpu, msg_work);
	struct hvis_hv_message *slot, *copy;
	int budget = 64;

	copy = kmalloc(sizeof(*copy), GFP_KERNEL);
	if (!copy) {
		/* Try again later: the slot stays busy, nothing is lost. */
		queue_work_on(s->cpu, hvis_msg_wq, &s->msg_work);
		return;
	}
	slot = (struct hvis_hv_message *)s->message_page + HVIS_VMBUS_MESSAGE_SINT;
	while (budget--) {
		if (READ_ONCE(slot->message_type) == HVIS_MESSAGE_TYPE_NONE)
			break;
		memcpy(copy, slot, sizeof(*copy));
		WRITE_ONCE(slot->message_type, HVIS_MESSAGE_TYPE_NONE);
		mb();	/* type cleared before we look at msg_pending */
		if (READ_ONCE(slot->flags) & HVIS_MESSAGE_FLAG_PENDING)
			hvis_hv->set_msr(HVIS_MSR_EOM, 0);
		hvis_on_message(copy);
	}
	if (budget < 0)
		queue_work_on(s->cpu, hvis_msg_wq, &s->msg_work);
	kfree(copy);
}

/* The SynIC interrupt, in hard interrupt context on the CPU that got it. */
static void hvis_synic_isr(void)
{
	struct hvis_synic_cpu *s = this_cpu_ptr(hvis_synic);
	struct hvis_hv_message *slot;

	if (!s->message_page)
		return;
	hvis_channel_isr(s->event_page);
	slot = (struct hvis_hv_message *)s->message_page + HVIS_VMBUS_MESSAGE_SINT;
	if (READ_ONCE(slot->message_type) != HVIS_MESSAGE_TYPE_NONE)
		queue_work_on(s->cpu, hvis_msg_wq, &s->msg_work);
}

/* CPU hotplug callbacks: run on the CPU concerned. */
static int hvis_synic_cpu_online(unsigned int cpu)
{
	struct hvis_synic_cpu *s = per_cpu_ptr(hvis_synic, cpu);
	void **post = per_cpu_ptr(hvis_post_page, cpu);
	u64 v;

	s->cpu = cpu;
	s->vp_index = (u32)hvis_hv->get_msr(HVIS_MSR_VP_INDEX);
	s->message_page = (void *)get_zeroed_page(GFP_KERNEL);
	s->event_page = (void *)get_zeroed_page(GFP_KERNEL);
	*post = (void *)get_zeroed_page(GFP_KERNEL);
	if (!s->message_page || !s->event_page || !*post)
		goto err;

	hvis_hv->set_msr(HVIS_MSR_SIMP, virt_to_phys(s->message_page) | HVIS_MSR_ENABLE);
	hvis_hv->set_msr(HVIS_MSR_SIEFP, virt_to_phys(s->event_page) | HVIS_MSR_ENABLE);
	v = hvis_hv->get_msr(HVIS_MSR_SINT(HVIS_VMBUS_MESSAGE_SINT));
	v &= ~(HVIS_SINT_VECTOR_MASK | HVIS_SINT_MASKED | HVIS_SINT_AUTO_EOI | HVIS_SINT_POLLING);
	hvis_hv->set_msr(HVIS_MSR_SINT(HVIS_VMBUS_MESSAGE_SINT), v | hvis_sint_bits);
	v = hvis_hv->get_msr(HVIS_MSR_SCONTROL);
	hvis_hv->set_msr(HVIS_MSR_SCONTROL, v | HVIS_MSR_ENABLE);
	return 0;

err:
	free_page((unsigned long)s->message_page);
	free_page((unsigned long)s->event_page);
	free_page((unsigned long)*post);
	s->message_page = NULL;
	s->event_page = NULL;
	*post = NULL;
	return -ENOMEM;
}

static int hvis_synic_cpu_offline(unsigned int cpu)
{
	struct hvis_synic_cpu *s = per_cpu_ptr(hvis_synic, cpu);
	void **post = per_cpu_ptr(hvis_post_page, cpu);
	u64 v;

	v = hvis_hv->get_msr(HVIS_MSR_SINT(HVIS_VMBUS_MESSAGE_SINT));
	hvis_hv->set_msr(HVIS_MSR_SINT(HVIS_VMBUS_MESSAGE_SINT), v | HVIS_SINT_MASKED);
	hvis_hv->set_msr(HVIS_MSR_SIMP, 0);
	hvis_hv->set_msr(HVIS_MSR_SIEFP, 0);
	v = hvis_hv->get_msr(HVIS_MSR_SCONTROL);
	hvis_hv->set_msr(HVIS_MSR_SCONTROL, v & ~HVIS_MSR_ENABLE);
	cancel_work_sync(&s->msg_work);

	free_page((unsigned long)s->message_page);
	free_page((unsigned long)s->event_page);
	free_page((unsigned long)*post);
	s->message_page = NULL;
	s->event_page = NULL;
	*post = NULL;
	return 0;
}

int hvis_synic_init(void)
{
	unsigned int cpu;
	int ret;

	hvis_synic = alloc_percpu(struct hvis_synic_cpu);
	hvis_post_page = alloc_percpu(void *);
	if (!hvis_synic || !hvis_post_page) {
		ret = -ENOMEM;
		goto err_free;
	}
	for_each_possible_cpu(cpu)
		INIT_WORK(&per_cpu_ptr(hvis_synic, cpu)->msg_work, hvis_msg_work);

	hvis_msg_wq = alloc_workqueue("hvis_msg", WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	if (!hvis_msg_wq) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = hvis_hv->irq_setup(hvis_synic_isr, &hvis_sint_bits);
	if (ret)
		goto err_wq;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvis/synic:online",
				hvis_synic_cpu_online, hvis_synic_cpu_offline);
	if (ret < 0)
		goto err_irq;
	hvis_cpuhp_state = ret;
	return 0;

err_irq:
	hvis_hv->irq_remove();
err_wq:
	destroy_workqueue(hvis_msg_wq);
err_free:
	free_percpu(hvis_post_page);
	free_percpu(hvis_synic);
	return ret;
}

void hvis_synic_exit(void)
{
	cpuhp_remove_state(hvis_cpuhp_state);
	hvis_hv->irq_remove();
	destroy_workqueue(hvis_msg_wq);
	free_percpu(hvis_post_page);
	free_percpu(hvis_synic);
}

/**
 * __hvis_post_message() - HvPostMessage with the hypervisor's back-pressure
 * @connection_id: where to
 * @payload: channel message
 * @size: its length, at most HVIS_MESSAGE_PAYLOAD_SIZE
 * @can_sleep: false in atomic context (panic): then busy-waits, briefly
 *
 * Backs off and retries while the host's message buffers are exhausted.
 *
 * Return: 0; -ENXIO if the connection id is not known to the host (the
 * signal to try an older protocol version); -ENOBUFS if the host stayed
 * out of buffers; -EIO on any other failure.
 */
int __hvis_post_message(u32 connection_id, const void *payload, u32 size, bool can_sleep)
{
	struct hvis_hv_post_message *in;
	unsigned int delay_us = 1;
	int tries;
	u64 status;

	if (size > HVIS_MESSAGE_PAYLOAD_SIZE)
		return -EMSGSIZE;

	for (tries = 0; tries < (can_sleep ? 100 : 10); tries++) {
		in = *get_cpu_ptr(hvis_post_page);
		in->connection_id = connection_id;
		in->reserved = 0;
		in->message_type = HVIS_MESSAGE_TYPE_VMBUS;
		in->payload_size = size;
		memcpy(in->payload, payload, size);
		status = hvis_hv->hypercall(HVIS_HCALL_POST_MESSAGE, virt_to_phys(in), 0);
		put_cpu_ptr(hvis_post_page);

		switch (status & HVIS_STATUS_MASK) {
		case HVIS_STATUS_SUCCESS:
			return 0;
		case HVIS_STATUS_INVALID_CONNECTION_ID:
			return -ENXIO;
		case HVIS_STATUS_INSUFFICIENT_BUFFERS:
		case HVIS_STATUS_INSUFFICIENT_MEMORY:
			if (can_sleep)
				usleep_range(delay_us, delay_us * 2);
			else
				mdelay(1);	/* atomic: no sleeping */
			if (delay_us < 20000)
				delay_us *= 2;
			continue;
		default:
			pr_err_ratelimited("HvPostMessage failed with status %#llx\n",
					   status & HVIS_STATUS_MASK);
			return -EIO;
		}
	}
	pr_err_ratelimited("HvPostMessage: host out of message buffers for too long\n");
	return -ENOBUFS;
}

int hvis_post_message(u32 connection_id, const void *payload, u32 size)
{
	return __hvis_post_message(connection_id, payload, size, true);
}

/*
 * HvSignalEvent: tell the host to look at what @connection_id stands for
 * (a channel's rings).  The status is not checked: a channel has nothing
 * better to do about a failed signal than to signal again next time.
 */
void hvis_signal_event(u32 connection_id)
{
	hvis_hv->hypercall_fast(HVIS_HCALL_SIGNAL_EVENT | HVIS_HCALL_FAST, connection_id);
}
