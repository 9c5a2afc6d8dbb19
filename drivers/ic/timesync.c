// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_timesync: the host's clock.  A SYNC message sets the guest's clock
 * (at boot, after a resume or a restore); SAMPLE messages, every few
 * seconds, feed a PTP clock named "hyperv" that chrony or ptp4l can follow
 * (`refclock PHC /dev/ptp_hyperv`), so the guest's own time service stays
 * in charge of disciplining the clock.
 *
 * From message version 4.0 the host stamps each message with the partition
 * reference counter at the instant it read its clock, so the time the
 * message spent in flight is added back; older hosts' messages are taken
 * as of their arrival.
 */
#include <linux/module.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include <hvis/ic.h>
#include <hvis/version.h>

static bool apply_sync = true;
module_param(apply_sync, bool, 0644);
MODULE_PARM_DESC(apply_sync,
		 "Set the clock when the host sends SYNC (default on; off leaves the clock to NTP/PTP)");

HVIS_PARAM_UINT(implicit_sync_ms, 0, 0644,
		"Set the clock from a SAMPLE that shows it off by more than this many ms, as after a host sleep or resume that sent no SYNC (default 0: never)");
HVIS_PARAM_UINT(sample_max_age_s, 600, 0644,
		"Refuse host time older than this many seconds, and stop the PTP clock when the last sample is older (default 600)");

static const struct hvis_ic_version hvis_timesync_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version hvis_timesync_msg[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

/* Host time as 100 ns units since 1970, and as nanoseconds, must fit in s64. */
#define HVIS_TIMESYNC_MAX_UNIX_100NS	(S64_MAX / 100)

#define HVIS_TIMESYNC_100NS_PER_SEC	10000000ULL

struct hvis_timesync {
	const struct hvis_ic *ic;	/* its reference counter is the bus's */
	struct ptp_clock_info info;
	struct ptp_clock *ptp;
	spinlock_t lock;		/* the sample */
	u64 unix_100ns;			/* host time of the last sample ... */
	u64 ref;			/* ... at this reference count */
	bool have_sample;
};

/* Host time at reference count @now, or -ESTALE. Under ts->lock. */
static int hvis_timesync_now(struct hvis_timesync *ts, u64 now, struct timespec64 *t)
{
	u64 age = now - ts->ref;

	if (!ts->have_sample || now < ts->ref ||
	    age > (u64)READ_ONCE(hvis_param_sample_max_age_s) * HVIS_TIMESYNC_100NS_PER_SEC)
		return -ESTALE;
	*t = ns_to_timespec64((s64)(ts->unix_100ns + age) * 100);
	return 0;
}

static int hvis_timesync_ptp_gettime(struct ptp_clock_info *info, struct timespec64 *t)
{
	struct hvis_timesync *ts = container_of(info, struct hvis_timesync, info);
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&ts->lock, flags);
	ret = hvis_timesync_now(ts, hvis_ic_ref_counter(ts->ic), t);
	spin_unlock_irqrestore(&ts->lock, flags);
	return ret;
}

/* The host's clock is read-only to the guest. */
static int hvis_timesync_ptp_settime(struct ptp_clock_info *info, const struct timespec64 *t)
{
	return -EOPNOTSUPP;
}

static int hvis_timesync_ptp_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	return -EOPNOTSUPP;
}

static int hvis_timesync_ptp_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int hvis_timesync_ptp_enable(struct ptp_clock_info *info,
				    struct ptp_clock_request *rq, int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info hvis_timesync_ptp_info = {
	.owner		= THIS_MODULE,
	.name		= "hyperv",	/* udev links /dev/ptp_hyperv to this name */
	.gettime64	= hvis_timesync_ptp_gettime,
	.settime64	= hvis_timesync_ptp_settime,
	.adjfine	= hvis_timesync_ptp_adjfine,
	.adjtime	= hvis_timesync_ptp_adjtime,
	.enable		= hvis_timesync_ptp_enable,
};

/*
 * The host decides how often the clock is set; a line for each setting
 * would let it fill the log.  The first few are what an admin reads.
 */
static DEFINE_RATELIMIT_STATE(hvis_timesync_log_rs, 60 * HZ, 5);

static void hvis_timesync_set_clock(struct hvis_ic *ic, const char *why)
{
	struct hvis_timesync *ts = ic->priv;
	struct timespec64 host, before;
	unsigned long flags;
	int ret;

	ktime_get_real_ts64(&before);
	spin_lock_irqsave(&ts->lock, flags);
	ret = hvis_timesync_now(ts, hvis_ic_ref_counter(ic), &host);
	spin_unlock_irqrestore(&ts->lock, flags);
	if (!ret)
		ret = do_settimeofday64(&host);
	if (ret) {
		hvis_ic_error(ic, "%s: clock not set: %d", why, ret);
		return;
	}
	if (__ratelimit(&hvis_timesync_log_rs))
		dev_info(ic->dev, "%s: clock moved by %lld ms\n", why,
			 div_s64(timespec64_to_ns(&host) - timespec64_to_ns(&before),
				 NSEC_PER_MSEC));
}

static u32 hvis_timesync_handle(struct hvis_ic *ic, void *body, u32 len)
{
	struct hvis_timesync *ts = ic->priv;
	u64 parent, now, stamp, unix_100ns, max_age;
	unsigned long irqflags;
	u8 flags;
	s64 off_ms;

	now = hvis_ic_ref_counter(ic);
	if (hvis_ic_msg_at_least(ic, 4, 0)) {
		const struct hvis_ic_timesync_ref *m = body;

		parent = m->parenttime;
		stamp = m->vmreferencetime;
		flags = m->flags;
	} else {
		const struct hvis_ic_timesync *m = body;

		if (len < sizeof(*m)) {
			hvis_ic_error(ic, "message of %u body bytes refused: needs %zu", len,
				      sizeof(*m));
			return HVIS_IC_E_FAIL;
		}
		parent = m->parenttime;
		stamp = now;	/* no stamp before 4.0: as of its arrival */
		flags = m->flags;
	}
	if (!(flags & (HVIS_IC_TIMESYNC_SYNC | HVIS_IC_TIMESYNC_SAMPLE)))
		return HVIS_IC_S_OK;	/* a probe */

	max_age = (u64)READ_ONCE(hvis_param_sample_max_age_s) * HVIS_TIMESYNC_100NS_PER_SEC;
	if (parent < HVIS_IC_EPOCH_DELTA ||
	    parent - HVIS_IC_EPOCH_DELTA > HVIS_TIMESYNC_MAX_UNIX_100NS - max_age) {
		hvis_ic_error(ic, "host time %llu out of range: refused", parent);
		return HVIS_IC_E_FAIL;
	}
	if (stamp > now) {
		hvis_ic_error(ic, "time stamped %llu ms in the future: refused",
			      div_u64(stamp - now, 10000));
		return HVIS_IC_E_FAIL;
	}
	if (now - stamp > max_age) {
		hvis_ic_error(ic, "stale time (%llu s old) refused",
			      div_u64(now - stamp, HVIS_TIMESYNC_100NS_PER_SEC));
		return HVIS_IC_E_FAIL;
	}
	unix_100ns = parent - HVIS_IC_EPOCH_DELTA;

	spin_lock_irqsave(&ts->lock, irqflags);
	ts->unix_100ns = unix_100ns;
	ts->ref = stamp;
	ts->have_sample = true;
	spin_unlock_irqrestore(&ts->lock, irqflags);

	if (flags & HVIS_IC_TIMESYNC_SYNC) {
		if (READ_ONCE(apply_sync))
			hvis_timesync_set_clock(ic, "host SYNC");
		return HVIS_IC_S_OK;
	}
	if (READ_ONCE(hvis_param_implicit_sync_ms)) {
		off_ms = div_s64((s64)(unix_100ns + (now - stamp)) * 100 - ktime_get_real_ns(),
				 NSEC_PER_MSEC);
		if (abs(off_ms) > READ_ONCE(hvis_param_implicit_sync_ms))
			hvis_timesync_set_clock(ic, "host SAMPLE far off (implicit_sync_ms)");
	}
	return HVIS_IC_S_OK;
}

static int hvis_timesync_init(struct hvis_ic *ic)
{
	struct hvis_timesync *ts = ic->priv;

	ts->ic = ic;
	spin_lock_init(&ts->lock);
	ts->info = hvis_timesync_ptp_info;
	ts->ptp = ptp_clock_register(&ts->info, ic->dev);
	if (IS_ERR_OR_NULL(ts->ptp)) {
		/* Setting the clock works without; only chrony's source is missing. */
		dev_warn(ic->dev, "no PTP clock (%ld): samples are not exported\n",
			 PTR_ERR(ts->ptp));
		ts->ptp = NULL;
	}
	return 0;
}

static void hvis_timesync_exit(struct hvis_ic *ic)
{
	struct hvis_timesync *ts = ic->priv;

	if (ts->ptp)
		ptp_clock_unregister(ts->ptp);
}

static struct hvis_ic_service hvis_timesync_service = {
	HVIS_IC_SERVICE(TIMESYNC, "Time Synchronization", hvis_timesync_fw, hvis_timesync_msg),
	/* The 4.0 form is the shorter one; the handler checks the older. */
	.min_body	= sizeof(struct hvis_ic_timesync_ref),
	.priv_size	= sizeof(struct hvis_timesync),
	.init		= hvis_timesync_init,
	.exit		= hvis_timesync_exit,
	.handle		= hvis_timesync_handle,
};
module_hvis_ic_service(hvis_timesync_service, TIMESYNC,
		       "Hyper-V Time Synchronization integration service (hvis)");
