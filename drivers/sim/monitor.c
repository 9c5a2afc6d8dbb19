// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's side of monitored notifications.  A channel offered with a
 * monitor id is not signalled with HvSignalEvent: the guest sets the id's
 * bit in a trigger group of the monitor page it gave for its notifications
 * (monitor page 2, child to parent) and the host looks at that page now
 * and then.  Here a work item polls it every SIM_MON_POLL_US while at
 * least one monitored channel is open, takes the pending bits and runs
 * each channel's work as if it had been signalled.  When a monitored
 * channel opens, the host fills in its entry (connection id, latency) in
 * both pages, which is what a guest shows in sysfs.
 *
 * Both pages are guest memory: their addresses are checked when the guest
 * gives them, and the host only ever touches the trigger groups and the
 * entries of monitor ids it handed out itself.
 */
#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "sim.h"

#define SIM_MON_POLL_US		1000
/*
 * The latency the host writes for each id: its poll period, in
 * microseconds.  No guest acts on it (Linux only shows it in sysfs), so
 * the unit is the host's choice.
 */
#define SIM_MON_LATENCY		SIM_MON_POLL_US

static struct {
	spinlock_t lock;		/* everything below */
	struct hvis_monitor_page *page[2];	/* the connected guest's, or NULL */
	u32 relid[HVIS_MONITOR_IDS];	/* open channel using each id, or 0 */
	unsigned int nr_open;
	u64 polls;			/* polls that looked at the page */
	u64 notified[HVIS_MONITOR_IDS];	/* pending bits taken, per id */
	u64 stray;			/* pending bits of ids not open */
} sim_mon = {
	.lock = __SPIN_LOCK_UNLOCKED(sim_mon.lock),
};

static void sim_mon_poll_fn(struct work_struct *work);
static DECLARE_WORK(sim_mon_work, sim_mon_poll_fn);

/*
 * One of the guest's monitor pages, or NULL: a whole page of memory that
 * exists.  A page-aligned address is what the protocol asks for; anything
 * else would make the host write at an offset the guest did not mean.
 */
static struct hvis_monitor_page *sim_mon_page(u64 gpa)
{
	if (!gpa || (gpa & ~PAGE_MASK) || !pfn_valid(PHYS_PFN(gpa)))
		return NULL;
	return phys_to_virt(gpa);
}

/*
 * INITIATE_CONTACT: the guest's two pages.  Called after every channel of
 * the previous guest was closed, so no id is in use and the poller is
 * about to stop; it is waited for before the pages change.  A guest whose
 * pages are no good gets no monitored notifications (logged): its
 * monitored channels then only hear from the guest by HvSignalEvent.
 */
void sim_mon_contact(u64 gpa1, u64 gpa2)
{
	struct hvis_monitor_page *p1 = sim_mon_page(gpa1), *p2 = sim_mon_page(gpa2);
	unsigned long flags;

	if (!p1 || !p2 || p1 == p2) {
		sim_log("monitor pages %#llx %#llx not usable: no monitored notifications",
			gpa1, gpa2);
		p1 = NULL;
		p2 = NULL;
	}
	cancel_work_sync(&sim_mon_work);
	spin_lock_irqsave(&sim_mon.lock, flags);
	sim_mon.page[0] = p1;
	sim_mon.page[1] = p2;
	spin_unlock_irqrestore(&sim_mon.lock, flags);
}

/* The guest unloaded: its pages are its own again. */
void sim_mon_disconnect(void)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_mon.lock, flags);
	sim_mon.page[0] = NULL;
	sim_mon.page[1] = NULL;
	spin_unlock_irqrestore(&sim_mon.lock, flags);
}

/* Our entry for @id in one page: who is signalled, and how soon. */
static void sim_mon_fill(struct hvis_monitor_page *p, u8 id, u32 conn_id)
{
	u8 g = id / 32, b = id % 32;

	WRITE_ONCE(p->parameter[g][b].connection_id, conn_id);
	WRITE_ONCE(p->parameter[g][b].flag_number, 0);
	WRITE_ONCE(p->latency[g][b], conn_id ? SIM_MON_LATENCY : 0);
	/* A group is enabled while one of its ids is in use. */
	if (conn_id)
		WRITE_ONCE(p->trigger_state, READ_ONCE(p->trigger_state) | BIT(g));
}

/*
 * Channel @relid was opened (chan.c, under its lock).  If the host offered
 * it with a monitor id, register it, fill in its entries and make sure the
 * poller runs.
 */
void sim_mon_open(u32 relid)
{
	struct hvis_chanmsg_offer o;
	unsigned long flags;
	bool start;
	u8 id;

	if (!sim_offer_copy(relid, &o) || !(o.monitor_allocated & 1))
		return;
	id = o.monitorid;
	if (id >= HVIS_MONITOR_IDS)
		return;
	spin_lock_irqsave(&sim_mon.lock, flags);
	if (!sim_mon.page[0] || sim_mon.relid[id]) {
		spin_unlock_irqrestore(&sim_mon.lock, flags);
		return;
	}
	sim_mon.relid[id] = relid;
	start = !sim_mon.nr_open++;
	sim_mon_fill(sim_mon.page[0], id, o.connection_id);
	sim_mon_fill(sim_mon.page[1], id, o.connection_id);
	spin_unlock_irqrestore(&sim_mon.lock, flags);
	sim_log("relid %u monitored: id %u (group %u bit %u) conn_id %#x latency %u",
		relid, id, id / 32, id % 32, o.connection_id, SIM_MON_LATENCY);
	if (start)
		queue_work(system_unbound_wq, &sim_mon_work);
}

/*
 * Channel @relid was closed.  Its entries are cleared; the poller stops by
 * itself once no monitored channel is open.
 */
void sim_mon_close(u32 relid)
{
	unsigned int id, g, j;
	unsigned long flags;
	u32 still;

	spin_lock_irqsave(&sim_mon.lock, flags);
	for (id = 0; id < HVIS_MONITOR_IDS; id++) {
		if (sim_mon.relid[id] != relid)
			continue;
		sim_mon.relid[id] = 0;
		sim_mon.nr_open--;
		g = id / 32;
		for (still = 0, j = g * 32; j < g * 32 + 32; j++)
			still |= sim_mon.relid[j];
		if (sim_mon.page[0]) {
			sim_mon_fill(sim_mon.page[0], id, 0);
			sim_mon_fill(sim_mon.page[1], id, 0);
			if (!still) {
				sim_mon.page[0]->trigger_state &= ~BIT(g);
				sim_mon.page[1]->trigger_state &= ~BIT(g);
			}
		}
		break;
	}
	spin_unlock_irqrestore(&sim_mon.lock, flags);
}

/* One look at the guest's page: take every pending bit of an id in use. */
static void sim_mon_poll(void)
{
	u32 kick[HVIS_MONITOR_IDS];
	unsigned int n = 0, g, b, i;
	unsigned long flags, pending, *word;

	spin_lock_irqsave(&sim_mon.lock, flags);
	if (!sim_mon.page[1] || !sim_mon.nr_open) {
		spin_unlock_irqrestore(&sim_mon.lock, flags);
		return;
	}
	sim_mon.polls++;
	for (g = 0; g < 4; g++) {
		/* The guest sets bits with atomic operations on the long that holds pending. */
		word = (unsigned long *)&sim_mon.page[1]->trigger_group[g].pending;
		pending = READ_ONCE(sim_mon.page[1]->trigger_group[g].pending);
		for_each_set_bit(b, &pending, 32) {
			if (!test_and_clear_bit(b, word))
				continue;
			i = g * 32 + b;
			if (sim_mon.relid[i]) {
				sim_mon.notified[i]++;
				kick[n++] = sim_mon.relid[i];
			} else {
				sim_mon.stray++;
			}
		}
	}
	spin_unlock_irqrestore(&sim_mon.lock, flags);
	for (i = 0; i < n; i++)
		sim_chan_monitor_kick(kick[i]);
}

static void sim_mon_poll_fn(struct work_struct *work)
{
	while (READ_ONCE(sim_mon.nr_open)) {
		sim_mon_poll();
		usleep_range(SIM_MON_POLL_US, SIM_MON_POLL_US + SIM_MON_POLL_US / 4);
	}
}

/*
 * debugfs monitor: "polls N stray N", then one line per monitor id in use
 * or ever notified, tab-separated: id, relid (0 if none now), pending bits
 * taken for it, and what the host wrote in its page (connection id,
 * latency).
 */
static int sim_monitor_show(struct seq_file *f, void *unused)
{
	struct hvis_monitor_page *p;
	unsigned long flags;
	unsigned int id;
	u32 conn;
	u16 lat;

	spin_lock_irqsave(&sim_mon.lock, flags);
	seq_printf(f, "polls %llu stray %llu pages %s\n", sim_mon.polls, sim_mon.stray,
		   sim_mon.page[0] ? "valid" : "none");
	p = sim_mon.page[0];
	for (id = 0; id < HVIS_MONITOR_IDS; id++) {
		if (!sim_mon.relid[id] && !sim_mon.notified[id])
			continue;
		conn = p ? READ_ONCE(p->parameter[id / 32][id % 32].connection_id) : 0;
		lat = p ? READ_ONCE(p->latency[id / 32][id % 32]) : 0;
		seq_printf(f, "%u\t%u\t%llu\t%u\t%u\n", id, sim_mon.relid[id],
			   sim_mon.notified[id], conn, lat);
	}
	spin_unlock_irqrestore(&sim_mon.lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_monitor);

void sim_mon_debugfs(struct dentry *dir)
{
	debugfs_create_file("monitor", 0400, dir, NULL, &sim_monitor_fops);
}

/* Module exit: every channel is closed by now; wait for the poller. */
void sim_mon_exit(void)
{
	cancel_work_sync(&sim_mon_work);
}
