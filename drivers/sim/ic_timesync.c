// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of Time Synchronization: a SYNC right after the guest
 * negotiated, then a SAMPLE every timesync_ms, each stamped with the
 * host's clock and (from message version 4.0) the guest's reference time
 * of the same instant.  The time command moves the host's clock and tells
 * the guest at once.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <hvis/ic_wire.h>

#include "ic.h"
#include "sim.h"

static unsigned int timesync_ms = 5000;
module_param(timesync_ms, uint, 0644);
MODULE_PARM_DESC(timesync_ms, "Interval of the host's time samples in ms (default 5000)");

#define SIM_IC_MAX_OFFSET	4000000000LL	/* seconds: parenttime stays positive */

static s64 sim_ic_offset;		/* seconds the host clock runs ahead */
static u64 sim_ic_wall_base;		/* 100 ns: real time minus reference time at load */

/* The host clock at reference time @ref, in 100 ns units since 1601. */
static u64 sim_ic_host_time(u64 ref)
{
	return HVIS_IC_EPOCH_DELTA + sim_ic_wall_base + ref + sim_ic_offset * SIM_IC_REF_HZ;
}

/*
 * A time message with @flags.  The host samples its clock and the guest's
 * reference counter at one instant; @zero sends parenttime 0 instead and
 * @shift moves the reference time (a host lying about when it sampled).
 */
u32 sim_ic_build_time(struct sim_ic *s, const char *what, u8 flags, bool zero, s64 shift)
{
	void *body = ((struct hvis_ic_msg *)s->pkt)->body;
	u64 ref = sim_ref_now();
	u64 parent = zero ? 0 : sim_ic_host_time(ref);
	u32 len;

	ref += shift;
	if (sim_ic_v4(s)) {
		struct hvis_ic_timesync_ref *t = body;

		len = sim_ic_start(s, HVIS_IC_MSG_TIMESYNC, sizeof(*t));
		t->parenttime = parent;
		t->vmreferencetime = ref;
		t->flags = flags;
		sim_ic_log(s, "H->G IC timesync %s parenttime=%llu vmreferencetime=%llu", what,
			   parent, ref);
	} else {
		struct hvis_ic_timesync *t = body;

		len = sim_ic_start(s, HVIS_IC_MSG_TIMESYNC, sizeof(*t));
		t->parenttime = parent;
		t->flags = flags;
		sim_ic_log(s, "H->G IC timesync %s parenttime=%llu", what, parent);
	}
	return len;
}

static u32 sim_ic_build_timesync(struct sim_ic *s, unsigned int pend, unsigned long now)
{
	u8 flags = s->time_flags;

	s->txn.req = SIM_REQ_TIMESYNC;
	if (pend == SIM_PEND_CMD)
		return sim_ic_build_time(s, flags & HVIS_IC_TIMESYNC_SYNC ? "sync" : "sample",
					 flags, false, 0);
	s->next_periodic = now + sim_ic_interval(s);
	return sim_ic_build_time(s, "sync", HVIS_IC_TIMESYNC_SYNC, false, 0);
}

static u32 sim_ic_build_sample(struct sim_ic *s)
{
	s->txn.req = SIM_REQ_TIMESYNC;
	return sim_ic_build_time(s, "sample", HVIS_IC_TIMESYNC_SAMPLE, false, 0);
}

/* The first thing after a negotiation: the guest sets its clock. */
static void sim_ic_timesync_negotiated(struct sim_ic *s)
{
	s->pending |= SIM_PEND_FOLLOWUP;
}

/*
 * time sync|sample [SECONDS]: the host clock runs SECONDS ahead of the real
 * one from now on (behind if negative; kept when left out), and the guest
 * hears of it at once.
 */
int sim_ic_cmd_time(char *args)
{
	struct sim_ic *s = &sim_ic_timesync;
	char *kind = strsep(&args, " ");
	s64 offset = 0;
	u8 flags;
	int ret;

	if (!strcmp(kind, "sync"))
		flags = HVIS_IC_TIMESYNC_SYNC;
	else if (!strcmp(kind, "sample"))
		flags = HVIS_IC_TIMESYNC_SAMPLE;
	else
		return -EINVAL;
	if (args && (kstrtos64(args, 0, &offset) || offset > SIM_IC_MAX_OFFSET ||
		     offset < -SIM_IC_MAX_OFFSET))
		return -EINVAL;
	if (sim_ic_cmd_lock(s))
		return -EINTR;
	if (args) {
		sim_ic_offset = offset;
		sim_log("IC host clock offset %lld s", offset);
	}
	s->time_flags = flags;
	ret = sim_ic_run_negotiated(s, SIM_PEND_CMD, SIM_IC_CMD_WAIT_MS);
	sim_ic_cmd_unlock(s);
	return ret;
}

static void sim_ic_timesync_init(void)
{
	/*
	 * The host's clock must not follow the guest's: both run in this
	 * kernel, and the guest sets its realtime clock from what we send.
	 * So the host keeps the real time of its load and moves on with the
	 * reference counter (the boot-time clock), which nobody sets.
	 */
	sim_ic_wall_base = div_u64(ktime_get_real_ns(), 100) - sim_ref_now();
}

static const struct sim_ic_ops sim_ic_timesync_ops = {
	.build		= sim_ic_build_timesync,
	.periodic	= sim_ic_build_sample,
	.interval_ms	= &timesync_ms,
	.negotiated	= sim_ic_timesync_negotiated,
	.answer		= sim_ic_answer_status,
	.init		= sim_ic_timesync_init,
};

struct sim_ic sim_ic_timesync = {
	.id = SIM_IC_TIMESYNC, .name = "Time Synchronization", .alias = "timesync",
	.msgtype = HVIS_IC_MSG_TIMESYNC, .class_id = HVIS_IC_TIMESYNC_CLASS,
	.instance_id = GUID_INIT(0x2dd1ce17, 0x079e, 0x403c, 0xb3, 0x52,
				 0xa1, 0x92, 0x1e, 0xe2, 0x07, 0xee),
	.ops = &sim_ic_timesync_ops,
};
