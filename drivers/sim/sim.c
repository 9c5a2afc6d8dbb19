// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_sim: a simulated Hyper-V host.
 *
 * The guest side (hvis_vmbus) finds this module's backend at load time and
 * talks to it exactly as it talks to Hyper-V: synthetic MSRs, HvPostMessage
 * and HvSignalEvent with real status codes, and the SynIC interrupt, which
 * is raised as an irq_work so the guest's handler runs in hard interrupt
 * context.  Behind that, this module plays the host: a profile fixes which
 * VMBus versions it accepts, it answers INITIATE_CONTACT, sends offers on
 * REQUESTOFFERS, and honours UNLOAD and RELID_RELEASED.  chan.c plays the
 * channels, ic.c the host side of the integration services.
 *
 * Host-to-guest messages obey the SynIC rules: one message per slot, the
 * next one only once the guest has emptied the slot, msg_pending set in the
 * occupying message while more are queued, redelivery on EOM.
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <hvis/hv_backend.h>
#include <hvis/tlfs.h>
#include <hvis/vmbus_wire.h>

#include "ic_versions.h"
#include "sim.h"

static char *profile = "WS2022";
module_param(profile, charp, 0444);
MODULE_PARM_DESC(profile,
		 "Host to play: WS2008 WS2008R2 WS2012 WS2012R2 WS2016 4.1 5.0 5.1 WS2019 WS2022 6.0");

static bool ics = true;
module_param(ics, bool, 0444);
MODULE_PARM_DESC(ics, "Offer the six integration services (default on)");

static bool console;
module_param(console, bool, 0644);
MODULE_PARM_DESC(console, "Also print every message the guest posts to the kernel log");

static unsigned int extra_offers;
module_param(extra_offers, uint, 0444);
MODULE_PARM_DESC(extra_offers, "Offers of the test class on top of the integration services");

static bool extra_monitored;
module_param(extra_monitored, bool, 0444);
MODULE_PARM_DESC(extra_monitored,
		 "Offer the extra test-class channels with monitor ids (monitored notifications)");

#define SIM_MAX_POSTED		16	/* guest message buffers per port (TLFS) */
#define SIM_MSG_CONN_ID		1	/* what VERSION_RESPONSE hands out */
#define SIM_LOG_LINES		4096

struct sim_profile {
	const char *name;
	u32 max_version;
};

static const struct sim_profile sim_profiles[] = {
	{ "WS2008",	HVIS_VMBUS_WS2008 },
	{ "WS2008R2",	HVIS_VMBUS_WIN7 },
	{ "WS2012",	HVIS_VMBUS_WIN8 },
	{ "WS2012R2",	HVIS_VMBUS_WIN8_1 },
	{ "WS2016",	HVIS_VMBUS_WIN10 },
	{ "4.1",	HVIS_VMBUS_WIN10_V4_1 },
	{ "5.0",	HVIS_VMBUS_WIN10_V5 },
	{ "5.1",	HVIS_VMBUS_WIN10_V5_1 },
	{ "WS2019",	HVIS_VMBUS_WIN10_V5_2 },
	{ "WS2022",	HVIS_VMBUS_WIN10_V5_3 },
	{ "6.0",	HVIS_VMBUS_V6_0 },
};

/* Every version a host accepts is a known one at or below its newest. */
static const u32 sim_known_versions[] = {
	HVIS_VMBUS_WS2008, HVIS_VMBUS_WIN7, HVIS_VMBUS_WIN8, HVIS_VMBUS_WIN8_1,
	HVIS_VMBUS_WIN10, HVIS_VMBUS_WIN10_V4_1, HVIS_VMBUS_WIN10_V5,
	HVIS_VMBUS_WIN10_V5_1, HVIS_VMBUS_WIN10_V5_2, HVIS_VMBUS_WIN10_V5_3,
	HVIS_VMBUS_V6_0,
};

/* The class of the extra test offers (not a Hyper-V class). */
const guid_t sim_test_class =
	GUID_INIT(0x6876ab5f, 0x3c64, 0x4c8b, 0x9a, 0x2f, 0x68, 0x76, 0x69, 0x73, 0x00, 0x01);

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

enum sim_offer_state {
	SIM_FREE,		/* relid unused */
	SIM_READY,		/* offered once the guest asks */
	SIM_OFFERED,		/* sent to the guest */
	SIM_RESCINDED,		/* rescind sent, waiting for RELID_RELEASED */
	SIM_REFUSED,		/* the guest released it without a rescind */
};

static const char * const sim_state_names[] = {
	[SIM_FREE] = "free", [SIM_READY] = "ready", [SIM_OFFERED] = "offered",
	[SIM_RESCINDED] = "rescinded", [SIM_REFUSED] = "refused",
};

/* Indexed by relid - 1. */
struct sim_offer {
	struct hvis_chanmsg_offer offer;
	enum sim_offer_state state;
};

static struct {
	spinlock_t lock;		/* everything below */
	const struct sim_profile *prof;
	u64 guest_os_id;
	u64 hypercall;
	u32 version;			/* negotiated; 0 = not connected */
	u32 target_vp;
	u64 int_page;			/* < 2.4: the guest's shared interrupt page */
	struct list_head to_guest;	/* waiting for the SINT2 slot */
	struct list_head from_guest;	/* posted, not yet handled */
	unsigned int nr_posted;
	struct sim_offer *offers;	/* SIM_MAX_OFFERS, under sim_host_mutex */
	bool mute;			/* a host that never answers */
	bool stall;			/* a host that stops reading its buffers */
	unsigned long busy;		/* HV_STATUS_INSUFFICIENT_BUFFERS returned */
	void (*guest_isr)(void);
	char **log;
	unsigned int log_head, log_len;
} sim;

static struct sim_vp *sim_vps;	/* nr_cpu_ids entries */
static struct work_struct sim_host_work;
static DEFINE_MUTEX(sim_host_mutex);	/* the host's side: offers, version */
static struct dentry *sim_debugfs;

/* Control-message log, readable in debugfs (hvsim shows it). */
void sim_log(const char *fmt, ...)
{
	unsigned long flags;
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = kvasprintf(GFP_ATOMIC, fmt, ap);
	va_end(ap);
	if (!line)
		return;
	spin_lock_irqsave(&sim.lock, flags);
	kfree(sim.log[sim.log_head]);
	sim.log[sim.log_head] = line;
	sim.log_head = (sim.log_head + 1) % SIM_LOG_LINES;
	if (sim.log_len < SIM_LOG_LINES)
		sim.log_len++;
	spin_unlock_irqrestore(&sim.lock, flags);
}

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

/* Queue a channel message for the guest. */
void sim_send(const void *msg, u32 len)
{
	const struct hvis_chanmsg_hdr *hdr = msg;
	struct sim_msg *m;
	unsigned long flags;

	sim_cap_msg(HVCAP_H2G, 0, msg, len);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		sim_log("H->G type %u dropped: out of memory", hdr->msgtype);
		return;
	}
	memcpy(m->buf, msg, len);
	m->len = len;
	spin_lock_irqsave(&sim.lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	sim_deliver_locked();
	spin_unlock_irqrestore(&sim.lock, flags);
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
	      sim.prof->max_version >= HVIS_VMBUS_WIN10_V5))
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

/* Called with sim_host_mutex held (from the host's message handling). */
bool sim_relid_offered(u32 relid, const guid_t **class_id)
{
	if (!relid || relid > SIM_MAX_OFFERS || sim.offers[relid - 1].state != SIM_OFFERED)
		return false;
	if (class_id)
		*class_id = &sim.offers[relid - 1].offer.if_type;
	return true;
}

u32 sim_version(void)
{
	return READ_ONCE(sim.version);
}

const char *sim_profile_name(void)
{
	return READ_ONCE(sim.prof)->name;
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

/* --- the host ---------------------------------------------------------------------- */

static bool sim_accepts(u32 version)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(sim_known_versions); i++)
		if (sim_known_versions[i] == version)
			return version <= sim.prof->max_version;
	return false;
}

/* The guest is gone: every channel is offered afresh to the next one. */
static void sim_reset_offers(void)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		struct sim_offer *o = &sim.offers[i];

		if (o->state == SIM_RESCINDED)
			o->state = SIM_FREE;
		else if (o->state != SIM_FREE)
			o->state = SIM_READY;
	}
}

static void sim_on_initiate_contact(const struct sim_msg *m)
{
	const struct hvis_chanmsg_initiate_contact *ic = (const void *)m->buf;
	struct hvis_chanmsg_version_response resp = {
		.hdr.msgtype = HVIS_CHANMSG_VERSION_RESPONSE,
	};
	u32 v = ic->vmbus_version_requested;
	bool ok, again;

	/*
	 * Reconnecting (UNLOAD, then a new contact; or a new contact from a
	 * kexec'd or crash kernel) came with WS2012R2, VMBus 3.0.  An older
	 * host keeps the connection it has for the life of the VM and
	 * refuses another; so Linux never unloads from one.
	 */
	again = sim.version && sim.prof->max_version < HVIS_VMBUS_WIN8_1;
	/* >= 5.0 must come on connection 4, older versions on 1. */
	ok = !again && sim_accepts(v) &&
	     (v >= HVIS_VMBUS_WIN10_V5) == (m->conn_id == HVIS_VMBUS_MESSAGE_CONNECTION_ID_4);
	sim_log("G->H INITIATE_CONTACT version=%u.%u conn=%u target_vcpu=%u -> %s",
		HVIS_VMBUS_MAJOR(v), HVIS_VMBUS_MINOR(v), m->conn_id, ic->target_vcpu,
		sim.mute ? "no answer" : ok ? "accepted" :
		again ? "refused (already connected; no reconnect before 3.0)" : "refused");
	if (sim.mute)
		return;
	/*
	 * A new contact starts over (the guest was reset): also after an
	 * UNLOAD answered from a panic, which could not reset channels.
	 */
	if (!again) {
		sim_chan_reset();
		sim_reset_offers();
	}
	if (ok) {
		sim.version = v;
		sim.int_page = v < HVIS_VMBUS_WIN10_V5 ? ic->interrupt_page : 0;
		sim.target_vp = ic->target_vcpu < nr_cpu_ids ? ic->target_vcpu : 0;
		sim_mon_contact(ic->monitor_page1, ic->monitor_page2);
		resp.version_supported = 1;
		resp.msg_conn_id = SIM_MSG_CONN_ID;
	}
	sim_send(&resp, sizeof(resp));
	sim_log("H->G VERSION_RESPONSE supported=%u msg_conn_id=%u",
		resp.version_supported, resp.msg_conn_id);
}

static void sim_send_offer(struct sim_offer *o, u32 size)
{
	sim_send(&o->offer, size);
	sim_log("H->G OFFERCHANNEL relid=%u class=%pUl instance=%pUl sub=%u",
		o->offer.child_relid, &o->offer.if_type, &o->offer.if_instance,
		o->offer.sub_channel_index);
}

static void sim_on_request_offers(void)
{
	struct hvis_chanmsg_hdr done = { .msgtype = HVIS_CHANMSG_ALLOFFERS_DELIVERED };
	unsigned int i;

	sim_log("G->H REQUESTOFFERS");
	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		struct sim_offer *o = &sim.offers[i];

		if (o->state != SIM_READY)
			continue;
		o->state = SIM_OFFERED;
		sim_send_offer(o, sizeof(o->offer));
	}
	sim_send(&done, sizeof(done));
	sim_log("H->G ALLOFFERS_DELIVERED");
}

static void sim_on_unload(void)
{
	struct hvis_chanmsg_hdr resp = { .msgtype = HVIS_CHANMSG_UNLOAD_RESPONSE };

	sim_log("G->H UNLOAD");
	sim_chan_reset();
	sim_reset_offers();
	sim_mon_disconnect();
	sim.version = 0;
	if (sim.mute)
		return;
	sim_send(&resp, sizeof(resp));
	sim_log("H->G UNLOAD_RESPONSE");
}

static void sim_on_relid_released(u32 relid)
{
	struct sim_offer *o = relid && relid <= SIM_MAX_OFFERS ? &sim.offers[relid - 1] : NULL;

	sim_log("G->H RELID_RELEASED relid=%u", relid);
	if (!o || o->state == SIM_FREE || o->state == SIM_READY)
		return;
	o->state = o->state == SIM_RESCINDED ? SIM_FREE : SIM_REFUSED;
}

static void sim_host_fn(struct work_struct *work)
{
	const struct hvis_chanmsg_hdr *hdr;
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

		mutex_lock(&sim_host_mutex);
		hdr = (const void *)m->buf;
		if (m->len < sizeof(*hdr)) {
			sim_log("G->H short message (%u bytes) ignored", m->len);
		} else if (hdr->msgtype == HVIS_CHANMSG_INITIATE_CONTACT &&
			   m->len >= sizeof(struct hvis_chanmsg_initiate_contact)) {
			sim_on_initiate_contact(m);
		} else if (!sim.version) {
			sim_log("G->H type %u before a connection: ignored", hdr->msgtype);
		} else if (hdr->msgtype == HVIS_CHANMSG_REQUESTOFFERS) {
			sim_on_request_offers();
		} else if (hdr->msgtype == HVIS_CHANMSG_UNLOAD) {
			sim_on_unload();
		} else if (hdr->msgtype == HVIS_CHANMSG_RELID_RELEASED &&
			   m->len >= sizeof(struct hvis_chanmsg_relid)) {
			const struct hvis_chanmsg_relid *r = (const void *)hdr;

			sim_on_relid_released(r->child_relid);
		} else if (hdr->msgtype == HVIS_CHANMSG_GPADL_HEADER ||
			   hdr->msgtype == HVIS_CHANMSG_GPADL_BODY ||
			   hdr->msgtype == HVIS_CHANMSG_GPADL_TEARDOWN ||
			   hdr->msgtype == HVIS_CHANMSG_OPENCHANNEL ||
			   hdr->msgtype == HVIS_CHANMSG_CLOSECHANNEL ||
			   hdr->msgtype == HVIS_CHANMSG_MODIFYCHANNEL) {
			sim_chan_message(hdr, m->len);
		} else {
			sim_log("G->H type %u (%u bytes) not handled", hdr->msgtype, m->len);
		}
		mutex_unlock(&sim_host_mutex);
		kfree(m);
	}
}

/* Make an offer in the free slot for @relid (or the first free one). */
static struct sim_offer *sim_add_offer(const guid_t *class_id, const guid_t *instance_id,
				       u16 sub_index, u32 relid)
{
	struct sim_offer *so;
	struct hvis_chanmsg_offer *o;
	unsigned int i;

	if (!relid) {
		for (i = 0; i < SIM_MAX_OFFERS && sim.offers[i].state != SIM_FREE; i++)
			;
		relid = i + 1;
	}
	if (relid > SIM_MAX_OFFERS || sim.offers[relid - 1].state != SIM_FREE)
		return NULL;
	so = &sim.offers[relid - 1];
	o = &so->offer;
	memset(o, 0, sizeof(*o));
	o->hdr.msgtype = HVIS_CHANMSG_OFFERCHANNEL;
	o->if_type = *class_id;
	o->if_instance = *instance_id;
	o->chn_flags = 0x11;	/* enumerate device interface, named pipe mode */
	o->user_def[0] = 4;	/* pipe mode: message */
	o->sub_channel_index = sub_index;
	o->child_relid = relid;
	o->monitorid = HVIS_MONITOR_ID_NONE;
	o->is_dedicated_interrupt = 1;
	o->connection_id = relid | 0x2000;
	so->state = SIM_READY;
	return so;
}

/*
 * A new primary channel, offered at once if a guest is connected: its relid.
 * The integration services (ic.c) come here and get no monitor id, as on
 * OpenVMM and Hyper-V: they carry a few small messages now and then, where
 * a signal the host sees at once is worth more than batching signals into
 * polls of the monitor page.
 */
int sim_offer_add(const guid_t *class_id, const guid_t *instance_id)
{
	struct sim_offer *so = sim_add_offer(class_id, instance_id, 0, 0);

	if (!so)
		return -ENOSPC;
	if (sim.version) {
		so->state = SIM_OFFERED;
		sim_send_offer(so, sizeof(so->offer));
	}
	return so->offer.child_relid;
}

/*
 * Give offer @so a monitor id: the lowest one no other offer holds.  As on
 * Hyper-V, where synthetic devices such as storage and network get one and
 * the integration services do not; 128 ids in all (4 trigger groups of 32).
 * Under sim_host_mutex.
 */
static int sim_offer_monitor(struct sim_offer *so)
{
	DECLARE_BITMAP(used, HVIS_MONITOR_IDS) = {};
	const struct hvis_chanmsg_offer *o;
	unsigned int i, id;

	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		o = &sim.offers[i].offer;
		if (sim.offers[i].state != SIM_FREE && (o->monitor_allocated & 1) &&
		    o->monitorid < HVIS_MONITOR_IDS)
			__set_bit(o->monitorid, used);
	}
	id = find_first_zero_bit(used, HVIS_MONITOR_IDS);
	if (id >= HVIS_MONITOR_IDS)
		return -ENOSPC;
	so->offer.monitorid = id;
	so->offer.monitor_allocated = 1;
	return 0;
}

/*
 * A copy of the offer of @relid as the host made it, if it is offered.
 * Under sim_host_mutex (chan.c's open handling runs under it).
 */
bool sim_offer_copy(u32 relid, struct hvis_chanmsg_offer *o)
{
	if (!sim_relid_offered(relid, NULL))
		return false;
	*o = sim.offers[relid - 1].offer;
	return true;
}

static int sim_offers_show(struct seq_file *s, void *unused)
{
	unsigned int i;

	mutex_lock(&sim_host_mutex);
	seq_printf(s, "profile %s version %u.%u busy %lu gpadls %u\n", sim.prof->name,
		   HVIS_VMBUS_MAJOR(sim.version), HVIS_VMBUS_MINOR(sim.version),
		   READ_ONCE(sim.busy), sim_chan_gpadl_count());
	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		struct sim_offer *o = &sim.offers[i];

		if (o->state == SIM_FREE)
			continue;
		seq_printf(s, "%u %s %pUl %pUl %u %s\n", o->offer.child_relid,
			   sim_state_names[o->state], &o->offer.if_type,
			   &o->offer.if_instance, o->offer.sub_channel_index,
			   sim_chan_is_open(o->offer.child_relid) ? "open" : "closed");
	}
	mutex_unlock(&sim_host_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_offers);

/* guid_parse() looks at the first 36 characters only; a command wants exactly one GUID. */
static int sim_guid_parse(const char *s, guid_t *g)
{
	return strlen(s) == UUID_STRING_LEN ? guid_parse(s, g) : -EINVAL;
}

/*
 * Host commands, one per write (hvsim writes them):
 *   offer CLASS INSTANCE [sub=N] [relid=N] [size=N] [monitor=1]
 *   rescind RELID|INSTANCE
 *   profile NAME
 *   inject TYPE SIZE        a bare message of any type and claimed size
 *   mute 0|1                stop answering INITIATE_CONTACT and UNLOAD
 *   stall 0|1               stop taking posted messages off the queue
 *   corrupt RELID KIND      damage an open channel's ring (index, misaligned,
 *                           desc, big)
 *   enable|disable SERVICE  offer an integration service again, or rescind it
 *   shutdown FLAGS          } the integration services' commands, see
 *   time sync|sample [S]    } sim_ic_command() in ic.c; they wait for the
 *   icbad SERVICE KIND      } guest, so they run without sim_host_mutex
 * relid= may name a slot in use or out of range and size= may cut the
 * offer short: they exist to send the guest what a broken host would.
 */
static int sim_cmd_offer(char *args)
{
	char *cls = strsep(&args, " "), *inst = strsep(&args, " "), *opt;
	unsigned int sub = 0, relid = 0, size = sizeof(struct hvis_chanmsg_offer), mon = 0;
	struct sim_offer tmp, *so;
	guid_t c, i;

	if (!cls || !inst || sim_guid_parse(cls, &c) || sim_guid_parse(inst, &i))
		return -EINVAL;
	while ((opt = strsep(&args, " "))) {
		if (!*opt)
			continue;
		if (sscanf(opt, "sub=%u", &sub) != 1 && sscanf(opt, "relid=%u", &relid) != 1 &&
		    sscanf(opt, "size=%u", &size) != 1 && sscanf(opt, "monitor=%u", &mon) != 1)
			return -EINVAL;
	}
	if (sub > 0xffff || size > HVIS_MESSAGE_PAYLOAD_SIZE || mon > 1)
		return -EINVAL;

	so = sim_add_offer(&c, &i, sub, relid);
	if (!so) {
		if (!relid)
			return -ENOSPC;
		/* A relid the host does not track: send it, remember nothing. */
		memset(&tmp, 0, sizeof(tmp));
		tmp.offer.hdr.msgtype = HVIS_CHANMSG_OFFERCHANNEL;
		tmp.offer.if_type = c;
		tmp.offer.if_instance = i;
		tmp.offer.sub_channel_index = sub;
		tmp.offer.child_relid = relid;
		tmp.offer.monitorid = HVIS_MONITOR_ID_NONE;
		tmp.offer.connection_id = relid | 0x2000;
		if (sim.version)
			sim_send_offer(&tmp, size);
		return 0;
	}
	if (mon && sim_offer_monitor(so)) {
		so->state = SIM_FREE;
		return -ENOSPC;
	}
	if (sim.version) {
		so->state = SIM_OFFERED;
		sim_send_offer(so, size);
	}
	return 0;
}

/*
 * Take offer @relid back (a relid the host does not track is sent anyway).
 * Not under sim_ic_lock: revoking the channel closes it, which tells ic.c.
 */
int sim_offer_rescind(u32 relid)
{
	struct hvis_chanmsg_relid msg = {
		.hdr.msgtype = HVIS_CHANMSG_RESCIND_CHANNELOFFER,
		.child_relid = relid,
	};
	struct sim_offer *so = relid && relid <= SIM_MAX_OFFERS ? &sim.offers[relid - 1] : NULL;

	if (so && so->state == SIM_READY) {
		so->state = SIM_FREE;	/* never offered: nothing to tell the guest */
		return 0;
	}
	if (so && so->state == SIM_OFFERED)
		so->state = SIM_RESCINDED;
	else if (so && so->state == SIM_REFUSED)
		so->state = SIM_FREE;
	if (!sim.version)
		return so ? 0 : -ENOENT;
	sim_chan_revoke(relid);
	sim_send(&msg, sizeof(msg));
	sim_log("H->G RESCIND_CHANNELOFFER relid=%u", relid);
	return 0;
}

/* RELID, or the instance GUID of a primary channel. */
static int sim_cmd_rescind(char *args)
{
	struct sim_offer *so;
	unsigned int relid, i;
	guid_t inst;

	if (!args)
		return -EINVAL;
	if (!sim_guid_parse(args, &inst)) {
		for (i = 0; i < SIM_MAX_OFFERS; i++) {
			so = &sim.offers[i];
			if (so->state != SIM_FREE && !so->offer.sub_channel_index &&
			    guid_equal(&so->offer.if_instance, &inst))
				break;
		}
		if (i == SIM_MAX_OFFERS)
			return -ENOENT;
		relid = i + 1;
	} else if (kstrtouint(args, 0, &relid)) {
		return -EINVAL;
	}
	return sim_offer_rescind(relid);
}

static int sim_cmd_profile(char *args)
{
	unsigned int i;

	if (sim.version)
		return -EBUSY;	/* a guest is connected: unload it first */
	for (i = 0; i < ARRAY_SIZE(sim_profiles); i++) {
		if (args && !strcmp(args, sim_profiles[i].name)) {
			sim.prof = &sim_profiles[i];
			sim_log("host profile %s", sim.prof->name);
			sim_ic_profile_changed();
			return 0;
		}
	}
	return -EINVAL;
}

static int sim_cmd_inject(char *args)
{
	u8 buf[HVIS_MESSAGE_PAYLOAD_SIZE] = {};
	struct sim_msg *m;
	unsigned long flags;
	unsigned int type, size;

	if (!args || sscanf(args, "%u %u", &type, &size) != 2 || size > 255)
		return -EINVAL;
	((struct hvis_chanmsg_hdr *)buf)->msgtype = type;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	memcpy(m->buf, buf, sizeof(buf));
	/* The slot's size field may claim more than the payload holds. */
	m->len = size;
	sim_log("H->G injected type %u claiming %u bytes", type, size);
	spin_lock_irqsave(&sim.lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	sim_deliver_locked();
	spin_unlock_irqrestore(&sim.lock, flags);
	return 0;
}

static int sim_cmd_corrupt(char *args)
{
	char *relid = strsep(&args, " ");
	u32 r;

	if (!relid || !args || kstrtou32(relid, 0, &r))
		return -EINVAL;
	return sim_chan_corrupt(r, args);
}

static int sim_cmd_stall(char *args)
{
	bool on;
	int ret = kstrtobool(args, &on);

	if (ret)
		return ret;
	WRITE_ONCE(sim.stall, on);
	if (!on)
		schedule_work(&sim_host_work);
	return 0;
}

static ssize_t sim_ctl_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	char *buf, *cmd, *args;
	int ret;

	if (len > 256)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	args = strim(buf);
	cmd = strsep(&args, " ");

	if (!strcmp(cmd, "shutdown") || !strcmp(cmd, "time") || !strcmp(cmd, "icbad")) {
		ret = sim_ic_command(cmd, args);
		goto out;
	}
	mutex_lock(&sim_host_mutex);
	if (!strcmp(cmd, "offer"))
		ret = sim_cmd_offer(args);
	else if (!strcmp(cmd, "rescind"))
		ret = sim_cmd_rescind(args);
	else if (!strcmp(cmd, "profile"))
		ret = sim_cmd_profile(args);
	else if (!strcmp(cmd, "inject"))
		ret = sim_cmd_inject(args);
	else if (!strcmp(cmd, "mute"))
		ret = args ? kstrtobool(args, &sim.mute) : -EINVAL;
	else if (!strcmp(cmd, "corrupt"))
		ret = sim_cmd_corrupt(args);
	else if (!strcmp(cmd, "stall"))
		ret = args ? sim_cmd_stall(args) : -EINVAL;
	else if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable"))
		ret = args ? sim_ic_enable(args, cmd[0] == 'e') : -EINVAL;
	else
		ret = -EINVAL;
	mutex_unlock(&sim_host_mutex);
out:
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations sim_ctl_fops = {
	.owner	= THIS_MODULE,
	.write	= sim_ctl_write,
};

static int sim_log_show(struct seq_file *s, void *unused)
{
	unsigned int i, start;
	unsigned long flags;
	char *line;

	/* Copy out one line at a time: the lock is a spinlock. */
	spin_lock_irqsave(&sim.lock, flags);
	start = (sim.log_head + SIM_LOG_LINES - sim.log_len) % SIM_LOG_LINES;
	spin_unlock_irqrestore(&sim.lock, flags);
	for (i = 0; i < SIM_LOG_LINES; i++) {
		spin_lock_irqsave(&sim.lock, flags);
		if (i >= sim.log_len) {
			spin_unlock_irqrestore(&sim.lock, flags);
			break;
		}
		line = kstrdup(sim.log[(start + i) % SIM_LOG_LINES] ?: "", GFP_ATOMIC);
		spin_unlock_irqrestore(&sim.lock, flags);
		if (line)
			seq_printf(s, "%s\n", line);
		kfree(line);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_log);

static int __init hvis_sim_init(void)
{
	unsigned int i, cpu, nr_ics;
	int ret = -ENOMEM;

	for (i = 0; i < ARRAY_SIZE(sim_profiles); i++)
		if (!strcmp(profile, sim_profiles[i].name))
			sim.prof = &sim_profiles[i];
	if (!sim.prof) {
		pr_err("unknown host profile \"%s\"\n", profile);
		return -EINVAL;
	}
	if (extra_offers > SIM_MAX_OFFERS - SIM_IC_COUNT) {
		pr_err("extra_offers: at most %u\n", SIM_MAX_OFFERS - SIM_IC_COUNT);
		return -EINVAL;
	}
	if (extra_offers > 0xffff) {
		pr_err("extra_offers: at most 65535\n");
		return -EINVAL;
	}

	spin_lock_init(&sim.lock);
	INIT_LIST_HEAD(&sim.to_guest);
	INIT_LIST_HEAD(&sim.from_guest);
	INIT_WORK(&sim_host_work, sim_host_fn);

	sim.log = kcalloc(SIM_LOG_LINES, sizeof(*sim.log), GFP_KERNEL);
	sim_vps = kcalloc(nr_cpu_ids, sizeof(*sim_vps), GFP_KERNEL);
	sim.offers = kcalloc(SIM_MAX_OFFERS, sizeof(*sim.offers), GFP_KERNEL);
	if (!sim.log || !sim_vps || !sim.offers)
		goto err;
	for_each_possible_cpu(cpu) {
		sim_vps[cpu].sint[HVIS_VMBUS_MESSAGE_SINT] = HVIS_SINT_MASKED;
		init_irq_work(&sim_vps[cpu].irq, sim_irq_fn);
		sim_vps[cpu].csd.func = sim_csd_fn;
	}

	ret = sim_ic_init();
	if (ret)
		goto err;
	ret = sim_chan_init();
	if (ret) {
		sim_ic_exit();
		goto err;
	}
	nr_ics = ics ? sim_ic_offer_all() : 0;
	for (i = 0; i < extra_offers; i++) {
		guid_t inst = GUID_INIT(0x6876ab5f, 0, 0, 0, 0, 0, 0, 0, 0, i >> 8, i & 0xff);

		struct sim_offer *so = sim_add_offer(&sim_test_class, &inst, 0, 0);

		/* Past 128 monitored offers the rest go unmonitored, as ids run out. */
		if (so && extra_monitored)
			sim_offer_monitor(so);
	}

	sim_debugfs = debugfs_create_dir("hvis_sim", NULL);
	debugfs_create_file("log", 0400, sim_debugfs, NULL, &sim_log_fops);
	debugfs_create_file("offers", 0400, sim_debugfs, NULL, &sim_offers_fops);
	debugfs_create_file("ctl", 0200, sim_debugfs, NULL, &sim_ctl_fops);
	sim_chan_debugfs(sim_debugfs);
	sim_mon_debugfs(sim_debugfs);
	sim_cap_debugfs(sim_debugfs);
	sim_ic_debugfs(sim_debugfs);
	pr_info("simulated Hyper-V host up: profile %s (VMBus up to %u.%u), %u offers\n",
		sim.prof->name, HVIS_VMBUS_MAJOR(sim.prof->max_version),
		HVIS_VMBUS_MINOR(sim.prof->max_version), nr_ics + extra_offers);
	return 0;

err:
	kfree(sim.offers);
	kfree(sim_vps);
	kfree(sim.log);
	return ret;
}

static void __exit hvis_sim_exit(void)
{
	struct sim_msg *m, *tmp;
	unsigned int i;

	debugfs_remove_recursive(sim_debugfs);
	sim_cap_exit();
	cancel_work_sync(&sim_host_work);
	/* The services' works first: they send through chan.c's channels. */
	sim_ic_exit();
	sim_mon_exit();		/* its poller kicks chan.c's channels */
	sim_chan_exit();
	list_for_each_entry_safe(m, tmp, &sim.to_guest, node)
		kfree(m);
	list_for_each_entry_safe(m, tmp, &sim.from_guest, node)
		kfree(m);
	for (i = 0; i < SIM_LOG_LINES; i++)
		kfree(sim.log[i]);
	kfree(sim.log);
	kfree(sim.offers);
	kfree(sim_vps);
}

module_init(hvis_sim_init);
module_exit(hvis_sim_exit);

MODULE_DESCRIPTION("Simulated Hyper-V host for testing hvis (not for production)");
MODULE_LICENSE("GPL");
