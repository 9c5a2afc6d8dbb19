// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated hypervisor: what the guest's hvis_vmbus reaches through
 * the hvis_hv_backend it finds at load time, exactly as on Hyper-V.
 * Synthetic MSRs, HvPostMessage and HvSignalEvent with real status codes,
 * and the SynIC interrupt, raised as an irq_work so that the guest's
 * handler runs in hard interrupt context.  What the guest posts is queued
 * for the host (host.c), one work item taking it off the queue.
 *
 * Host-to-guest messages obey the SynIC rules: one message per slot, the
 * next one only once the guest has emptied the slot, msg_pending set in the
 * occupying message while more are queued, redelivery on EOM.
 */
#include <linux/io.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <hvis/hv_backend.h>
#include <hvis/tlfs.h>
#include <hvis/vmbus_wire.h>

#include "sim.h"

static bool console;
module_param(console, bool, 0644);
MODULE_PARM_DESC(console, "Also print every message the guest posts to the kernel log");

#define SIM_MAX_POSTED		16	/* guest message buffers per port (TLFS) */

/* Per virtual processor (VP index = CPU number) SynIC registers. */
struct sim_vp {
	u64 simp;
	u64 siefp;
	u64 scontrol;
	u64 sint[HVIS_SINT_COUNT];
	struct irq_work irq;		/* raises the SINT on this CPU */
	call_single_data_t csd;		/* ... or from another CPU */
};

struct sim_msg {
	struct list_head node;
	u32 conn_id;
	u32 len;
	u8 buf[HVIS_MESSAGE_PAYLOAD_SIZE];
};

static struct {
	spinlock_t lock;		/* everything below */
	u64 guest_os_id;
	u64 hypercall;
	u32 version;			/* negotiated; 0 = not connected */
	u32 target_vp;
	u64 int_page;			/* < 2.4: the guest's shared interrupt page */
	struct list_head to_guest;	/* waiting for the SINT2 slot */
	struct list_head from_guest;	/* posted, not yet handled */
	unsigned int nr_posted;
	bool mute;			/* a host that never answers */
	bool stall;			/* a host that stops reading its buffers */
	unsigned long busy;		/* HV_STATUS_INSUFFICIENT_BUFFERS returned */
	void (*guest_isr)(void);
} sim;

static struct sim_vp *sim_vps;	/* nr_cpu_ids entries */
static struct work_struct sim_host_work;

/* A guest-physical address the guest gave us, as a pointer, or NULL. */
static void *sim_gpa(u64 gpa, size_t len)
{
	if (!len || (gpa & ~PAGE_MASK) + len > PAGE_SIZE || !pfn_valid(PHYS_PFN(gpa)))
		return NULL;
	return phys_to_virt(gpa);
}

static struct hvis_hv_message *sim_slot(unsigned int vp)
{
	struct sim_vp *v = &sim_vps[vp];

	if (!(v->simp & HVIS_MSR_ENABLE) || !(v->scontrol & HVIS_MSR_ENABLE))
		return NULL;
	return (struct hvis_hv_message *)sim_gpa(v->simp & PAGE_MASK, PAGE_SIZE) +
	       HVIS_VMBUS_MESSAGE_SINT;
}

static void sim_irq_fn(struct irq_work *work)
{
	typeof(sim.guest_isr) isr = READ_ONCE(sim.guest_isr);

	if (isr)
		isr();
}

static void sim_csd_fn(void *info)
{
	sim_irq_fn(NULL);
}

/*
 * Raise the SynIC interrupt on @vp: the guest's handler then runs in hard
 * interrupt context there (a self-IPI through irq_work locally, a function
 * call IPI otherwise).  Like an edge interrupt, one raised while another is
 * still in flight is merged with it.  Called with interrupts off.
 */
static void sim_raise(unsigned int vp)
{
	if (vp == smp_processor_id())
		irq_work_queue(&sim_vps[vp].irq);
	else
		smp_call_function_single_async(vp, &sim_vps[vp].csd);
}

/*
 * Move queued host messages into the target VP's SINT2 slot while it is
 * free, and raise the interrupt for each one written.  Called with
 * sim.lock held.  The pending flag is set before the slot is looked at a
 * second time, so a guest that empties the slot in between either sees
 * the flag (and writes EOM) or we see the empty slot.
 */
static void sim_deliver_locked(void)
{
	unsigned int vp = sim.target_vp;
	struct hvis_hv_message *slot;
	struct sim_msg *m;
	bool raised = false;

	while ((m = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node))) {
		slot = sim_slot(vp);
		if (!slot || (sim_vps[vp].sint[HVIS_VMBUS_MESSAGE_SINT] & HVIS_SINT_MASKED))
			break;
		if (READ_ONCE(slot->message_type) != HVIS_MESSAGE_TYPE_NONE) {
			WRITE_ONCE(slot->flags, slot->flags | HVIS_MESSAGE_FLAG_PENDING);
			/* pending visible before the second look at the type */
			smp_mb();
			if (READ_ONCE(slot->message_type) != HVIS_MESSAGE_TYPE_NONE)
				break;
		}
		list_del(&m->node);
		/* An injected message may claim more than the slot holds. */
		memcpy(slot->payload, m->buf, min_t(u32, m->len, HVIS_MESSAGE_PAYLOAD_SIZE));
		slot->payload_size = m->len;
		slot->sender = 0;
		slot->flags = list_empty(&sim.to_guest) ? 0 : HVIS_MESSAGE_FLAG_PENDING;
		smp_wmb();	/* the body before the type that makes it visible */
		WRITE_ONCE(slot->message_type, HVIS_MESSAGE_TYPE_VMBUS);
		kfree(m);
		raised = true;
	}
	if (raised && sim.guest_isr)
		sim_raise(vp);
}

/* Queue a message of @len bytes (at most a slot's payload) for the guest. */
static int sim_queue(const void *msg, u32 len, u32 claimed)
{
	struct sim_msg *m = kzalloc(sizeof(*m), GFP_KERNEL);
	unsigned long flags;

	if (!m)
		return -ENOMEM;
	memcpy(m->buf, msg, len);
	m->len = claimed;
	spin_lock_irqsave(&sim.lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	sim_deliver_locked();
	spin_unlock_irqrestore(&sim.lock, flags);
	return 0;
}

/* Queue a channel message for the guest. */
void sim_send(const void *msg, u32 len)
{
	const struct hvis_chanmsg_hdr *hdr = msg;

	sim_cap_msg(HVCAP_H2G, 0, msg, len);
	if (sim_queue(msg, len, len))
		sim_log("H->G type %u dropped: out of memory", hdr->msgtype);
}

/*
 * inject: a bare message of type @type whose slot claims @size bytes, which
 * may be more than the payload holds.
 */
int sim_inject(u32 type, u32 size)
{
	u8 buf[HVIS_MESSAGE_PAYLOAD_SIZE] = {};

	((struct hvis_chanmsg_hdr *)buf)->msgtype = type;
	sim_log("H->G injected type %u claiming %u bytes", type, size);
	return sim_queue(buf, sizeof(buf), size);
}

/* --- the hypervisor ABI ------------------------------------------------------ */

/*
 * The partition reference counter: 100 ns units of the boot-time clock.
 * Hyper-V starts it when it creates the partition, a while before the
 * guest boots; here an hour before, so that a host can stamp a time sample
 * as taken before the guest's boot (icbad timesync stale) without going
 * below zero.
 */
#define SIM_REF_HEAD_START	(3600ULL * 10000000)

u64 sim_ref_now(void)
{
	return div_u64(ktime_get_boottime_ns(), 100) + SIM_REF_HEAD_START;
}

static u64 sim_get_msr(u32 msr)
{
	struct sim_vp *v = &sim_vps[raw_smp_processor_id()];

	switch (msr) {
	case HVIS_MSR_GUEST_OS_ID:
		return sim.guest_os_id;
	case HVIS_MSR_HYPERCALL:
		return sim.hypercall;
	case HVIS_MSR_VP_INDEX:
		return raw_smp_processor_id();
	case HVIS_MSR_SCONTROL:
		return v->scontrol;
	case HVIS_MSR_SVERSION:
		return 1;
	case HVIS_MSR_SIEFP:
		return v->siefp;
	case HVIS_MSR_SIMP:
		return v->simp;
	case HVIS_MSR_EOM:
		return 0;
	case HVIS_MSR_TIME_REF_COUNT:
		return sim_ref_now();
	}
	if (msr >= HVIS_MSR_SINT0 && msr < HVIS_MSR_SINT(HVIS_SINT_COUNT))
		return v->sint[msr - HVIS_MSR_SINT0];
	pr_err_ratelimited("guest read unknown MSR %#x\n", msr);
	return 0;
}

static void sim_set_msr(u32 msr, u64 val)
{
	struct sim_vp *v = &sim_vps[raw_smp_processor_id()];
	unsigned long flags;

	spin_lock_irqsave(&sim.lock, flags);
	switch (msr) {
	case HVIS_MSR_GUEST_OS_ID:
		sim.guest_os_id = val;
		if (!val)	/* clearing the OS id disables hypercalls */
			sim.hypercall &= ~HVIS_MSR_ENABLE;
		break;
	case HVIS_MSR_HYPERCALL:
		sim.hypercall = sim.guest_os_id ? val : val & ~HVIS_MSR_ENABLE;
		break;
	case HVIS_MSR_SCONTROL:
		v->scontrol = val;
		break;
	case HVIS_MSR_SIEFP:
		v->siefp = val;
		break;
	case HVIS_MSR_SIMP:
		v->simp = val;
		break;
	case HVIS_MSR_EOM:
		break;
	default:
		if (msr >= HVIS_MSR_SINT0 && msr < HVIS_MSR_SINT(HVIS_SINT_COUNT)) {
			v->sint[msr - HVIS_MSR_SINT0] = val;
			break;
		}
		pr_err_ratelimited("guest wrote unknown MSR %#x\n", msr);
		spin_unlock_irqrestore(&sim.lock, flags);
		return;
	}
	/* EOM, or a slot or SINT just enabled: try to deliver what waits. */
	sim_deliver_locked();
	spin_unlock_irqrestore(&sim.lock, flags);
}

/*
 * UNLOAD from a guest that is panicking: its CPUs are stopped and the one
 * left spins with interrupts off, so sim_host_work never runs again, yet
 * the guest may poll for UNLOAD_RESPONSE (Linux: up to 100 s), which a
 * real host sends at once.  So answer from the hypercall itself.  Only
 * what sim.lock guards is reset: the connection is dropped (no more
 * signals into the guest's pages) and what still waited for the guest is
 * discarded; channels and offers, under mutexes that cannot be taken
 * here, are reset by the next INITIATE_CONTACT, should one ever come.
 * Never spins: with the lock held elsewhere (by a CPU stopped while
 * holding it) the UNLOAD is left to the work item like any message.
 * Consumes @m when it answers.
 */
static bool sim_answer_dying_unload(struct sim_msg *m)
{
	const struct hvis_chanmsg_hdr *hdr = (const void *)m->buf;
	struct hvis_chanmsg_hdr *resp = (void *)m->buf;
	struct sim_msg *q, *tmp;
	unsigned long flags;

	if (m->len < sizeof(*hdr) || hdr->msgtype != HVIS_CHANMSG_UNLOAD)
		return false;
	if (!spin_trylock_irqsave(&sim.lock, flags))
		return false;
	if (!sim.version || READ_ONCE(sim.mute) || READ_ONCE(sim.stall)) {
		spin_unlock_irqrestore(&sim.lock, flags);
		return false;
	}
	list_for_each_entry_safe(q, tmp, &sim.to_guest, node) {
		list_del(&q->node);
		kfree(q);
	}
	sim.version = 0;
	memset(m->buf, 0, sizeof(m->buf));
	resp->msgtype = HVIS_CHANMSG_UNLOAD_RESPONSE;
	m->len = sizeof(*resp);
	list_add_tail(&m->node, &sim.to_guest);
	sim_deliver_locked();
	spin_unlock_irqrestore(&sim.lock, flags);
	if (console)
		pr_info("UNLOAD from a panicking guest answered at once\n");
	sim_log("G->H UNLOAD from a panicking guest: answered at once (H->G UNLOAD_RESPONSE)");
	return true;
}

static u64 sim_post_message(u64 input_gpa)
{
	const struct hvis_hv_post_message *in;
	struct sim_msg *m;
	unsigned long flags;
	u32 conn;

	if (input_gpa & 7)
		return HVIS_STATUS_INVALID_ALIGNMENT;
	in = sim_gpa(input_gpa, sizeof(*in));
	if (!in)
		return HVIS_STATUS_INVALID_PARAMETER;
	if (in->payload_size > HVIS_MESSAGE_PAYLOAD_SIZE || !in->message_type ||
	    (in->message_type & BIT(31)))
		return HVIS_STATUS_INVALID_PARAMETER;
	conn = in->connection_id & 0xffffff;
	/* Only hosts that speak 5.0 listen on connection 4. */
	if (conn != HVIS_VMBUS_MESSAGE_CONNECTION_ID &&
	    !(conn == HVIS_VMBUS_MESSAGE_CONNECTION_ID_4 &&
	      sim_host_max_version() >= HVIS_VMBUS_WIN10_V5))
		return HVIS_STATUS_INVALID_CONNECTION_ID;

	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return HVIS_STATUS_INSUFFICIENT_MEMORY;
	m->conn_id = conn;
	m->len = in->payload_size;
	memcpy(m->buf, in->payload, m->len);
	/* At post time, not when the host gets to it: a panicking guest waits for nobody. */
	if (console && m->len >= sizeof(struct hvis_chanmsg_hdr))
		pr_info("guest posted type %u, %u bytes, connection %u\n",
			((struct hvis_chanmsg_hdr *)m->buf)->msgtype, m->len, conn);
	if (unlikely(READ_ONCE(oops_in_progress)) && sim_answer_dying_unload(m))
		return HVIS_STATUS_SUCCESS;

	spin_lock_irqsave(&sim.lock, flags);
	if (sim.nr_posted >= SIM_MAX_POSTED) {
		sim.busy++;
		spin_unlock_irqrestore(&sim.lock, flags);
		kfree(m);
		return HVIS_STATUS_INSUFFICIENT_BUFFERS;
	}
	sim.nr_posted++;
	list_add_tail(&m->node, &sim.from_guest);
	sim_cap_msg(HVCAP_G2H, conn, m->buf, m->len);
	spin_unlock_irqrestore(&sim.lock, flags);
	schedule_work(&sim_host_work);
	return HVIS_STATUS_SUCCESS;
}

static u64 sim_hypercall(u64 control, u64 input_gpa, u64 output_gpa)
{
	if (!(sim.hypercall & HVIS_MSR_ENABLE))
		return HVIS_STATUS_INVALID_HYPERCALL_CODE;
	switch (control & HVIS_HCALL_CODE_MASK) {
	case HVIS_HCALL_POST_MESSAGE:
		if (control & HVIS_HCALL_FAST)
			return HVIS_STATUS_INVALID_HYPERCALL_INPUT;
		return sim_post_message(input_gpa);
	default:
		return HVIS_STATUS_INVALID_HYPERCALL_CODE;
	}
}

static u64 sim_hypercall_fast(u64 control, u64 input)
{
	if (!(sim.hypercall & HVIS_MSR_ENABLE))
		return HVIS_STATUS_INVALID_HYPERCALL_CODE;
	switch (control & HVIS_HCALL_CODE_MASK) {
	case HVIS_HCALL_SIGNAL_EVENT:
		return sim_chan_signal_event(input);
	default:
		return HVIS_STATUS_INVALID_HYPERCALL_CODE;
	}
}

static int sim_irq_setup(void (*handler)(void), u64 *sint)
{
	WRITE_ONCE(sim.guest_isr, handler);
	*sint = 0xf3;	/* what Hyper-V guests program; the simulator ignores it */
	return 0;
}

static void sim_irq_remove(void)
{
	unsigned int cpu;

	WRITE_ONCE(sim.guest_isr, NULL);
	/* Interrupts already raised find no handler; wait for those running. */
	for_each_possible_cpu(cpu)
		irq_work_sync(&sim_vps[cpu].irq);
	synchronize_rcu();
}

struct hvis_hv_backend hvis_sim_backend = {
	.name		= "hvis_sim",
	.owner		= THIS_MODULE,
	.get_msr	= sim_get_msr,
	.set_msr	= sim_set_msr,
	.hypercall	= sim_hypercall,
	.hypercall_fast	= sim_hypercall_fast,
	.irq_setup	= sim_irq_setup,
	.irq_remove	= sim_irq_remove,
};
EXPORT_SYMBOL_GPL(hvis_sim_backend);

u32 sim_version(void)
{
	return READ_ONCE(sim.version);
}

/*
 * Signal channel @relid to the guest, then raise the SynIC interrupt.  From
 * 2.4 on the channel's bit is set in the SINT2 event flags of VP @vp.
 * Before that the channel's bit goes into the receive half of the shared
 * interrupt page and bit 0 of the SINT2 event flags says "look there": a
 * pre-2.4 guest tests (and clears) only that bit in its event page, so a
 * channel bit alone is never seen.
 */
void sim_signal_guest(u32 relid, u32 vp)
{
	struct sim_vp *v = &sim_vps[vp];
	unsigned long *sief = NULL, *int_page = NULL;
	unsigned long flags;
	u8 *page;

	spin_lock_irqsave(&sim.lock, flags);
	page = v->siefp & HVIS_MSR_ENABLE ? sim_gpa(v->siefp & PAGE_MASK, PAGE_SIZE) : NULL;
	if (page)
		sief = (unsigned long *)(page + HVIS_VMBUS_MESSAGE_SINT * HVIS_EVENT_FLAGS_BYTES);
	if (sim.version && sim.version < HVIS_VMBUS_WIN8 && sim.int_page)
		int_page = sim_gpa(sim.int_page & PAGE_MASK, PAGE_SIZE);
	if (!sief || !sim.version || relid >= HVIS_EVENT_FLAGS_BYTES * 8)
		goto out;
	if (sim.version >= HVIS_VMBUS_WIN8) {
		set_bit(relid, sief);
	} else if (int_page) {
		set_bit(relid, int_page);
		set_bit(0, sief);
	} else {
		goto out;
	}
	if (sim.guest_isr && !(v->sint[HVIS_VMBUS_MESSAGE_SINT] & HVIS_SINT_MASKED))
		sim_raise(vp);
out:
	spin_unlock_irqrestore(&sim.lock, flags);
}

/*
 * Below 1.1 the guest signals every channel on the one event connection
 * and names it by setting its relid in the send half of the shared
 * interrupt page.  Hand each relid found there (and clear it) to @fn.
 * The page is the connected guest's: it signals from it, so it is there.
 */
void sim_take_legacy_events(void (*fn)(u32 relid))
{
	unsigned long *send;
	unsigned long flags;
	unsigned int relid;
	u8 *page = NULL;

	spin_lock_irqsave(&sim.lock, flags);
	if (sim.version && sim.version < HVIS_VMBUS_WIN7 && sim.int_page)
		page = sim_gpa(sim.int_page & PAGE_MASK, PAGE_SIZE);
	spin_unlock_irqrestore(&sim.lock, flags);
	if (!page)
		return;
	send = (unsigned long *)(page + PAGE_SIZE / 2);
	/* Only relids a channel can have; the guest owns the rest of the page. */
	for_each_set_bit(relid, send, SIM_MAX_OFFERS + 1)
		if (relid && test_and_clear_bit(relid, send))
			fn(relid);
}

/*
 * The host takes what the guest posted off the queue, one message at a
 * time, unless it stalls (then the guest's buffers fill up and it gets
 * HV_STATUS_INSUFFICIENT_BUFFERS).
 */
static void sim_host_fn(struct work_struct *work)
{
	struct sim_msg *m;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&sim.lock, flags);
		m = READ_ONCE(sim.stall) ? NULL :
		    list_first_entry_or_null(&sim.from_guest, struct sim_msg, node);
		if (m) {
			list_del(&m->node);
			sim.nr_posted--;
		}
		spin_unlock_irqrestore(&sim.lock, flags);
		if (!m)
			return;
		sim_host_message(m->conn_id, m->buf, m->len);
		kfree(m);
	}
}

/*
 * The host accepted version @version (under sim_host_mutex): signals go
 * to VP @target_vp and, before 5.0, through the guest's interrupt page.
 */
void sim_hv_connect(u32 version, u64 int_page, u32 target_vp)
{
	unsigned long flags;

	spin_lock_irqsave(&sim.lock, flags);
	sim.version = version;
	sim.int_page = int_page;
	sim.target_vp = target_vp < nr_cpu_ids ? target_vp : 0;
	spin_unlock_irqrestore(&sim.lock, flags);
}

void sim_hv_disconnect(void)
{
	WRITE_ONCE(sim.version, 0);
}

bool sim_hv_muted(void)
{
	return READ_ONCE(sim.mute);
}

void sim_hv_set_mute(bool on)
{
	WRITE_ONCE(sim.mute, on);
}

void sim_hv_set_stall(bool on)
{
	WRITE_ONCE(sim.stall, on);
	if (!on)
		schedule_work(&sim_host_work);
}

unsigned long sim_hv_busy(void)
{
	return READ_ONCE(sim.busy);
}

int sim_hv_init(void)
{
	unsigned int cpu;

	spin_lock_init(&sim.lock);
	INIT_LIST_HEAD(&sim.to_guest);
	INIT_LIST_HEAD(&sim.from_guest);
	INIT_WORK(&sim_host_work, sim_host_fn);
	sim_vps = kcalloc(nr_cpu_ids, sizeof(*sim_vps), GFP_KERNEL);
	if (!sim_vps)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		sim_vps[cpu].sint[HVIS_VMBUS_MESSAGE_SINT] = HVIS_SINT_MASKED;
		init_irq_work(&sim_vps[cpu].irq, sim_irq_fn);
		sim_vps[cpu].csd.func = sim_csd_fn;
	}
	return 0;
}

/* The host stops taking messages: before the channels and services go. */
void sim_hv_stop(void)
{
	cancel_work_sync(&sim_host_work);
}

void sim_hv_exit(void)
{
	struct sim_msg *m, *tmp;

	list_for_each_entry_safe(m, tmp, &sim.to_guest, node)
		kfree(m);
	list_for_each_entry_safe(m, tmp, &sim.from_guest, node)
		kfree(m);
	kfree(sim_vps);
}
