// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay: host requests that a userspace daemon answers (KVP, VSS, file
 * copy).  One state machine for the three, so that they keep one set of
 * rules (README, "The daemon relay"):
 *
 * - The daemon registers with its first write; it is ready once it has
 *   read the answer (at once for a legacy protocol without one).  One
 *   registration per open: a second is refused (-EINVAL), a daemon that
 *   wants to register again reopens the device.
 * - Without a ready daemon a request fails at once (ic/no_daemon), logged
 *   once per absence: it is not an error of the host's or the daemon's.
 * - Every forwarded request has a deadline (daemon_timeout_ms, 0 counts as
 *   1 ms).  At the deadline the host gets a failure; the message is
 *   withdrawn if still unread.  Timer runs that find no request due do
 *   nothing: the arming for the newer request is still pending.
 * - Answers come in the order of the reads.  An answer to a request that
 *   has failed meanwhile (timeout) is late: accepted, dropped, counted in
 *   ic/late, never taken for the answer to a newer request.  Which message
 *   a read returned is told by its tag, not by when the read ended.
 * - A write that answers nothing the daemon has read fails with -EINVAL.
 * - The daemon leaving fails the request it had; a new daemon takes over.
 * - At remove: nothing more is forwarded and the pending request fails,
 *   then the device goes (blocked readers get -EBADF), then the timer.
 *
 * Locking: all of it under ic->io, which the framework holds around
 * requests and which the daemon's callbacks and the timeout take.  Nothing
 * holds ic->io while waiting for either (hvis_ic_relay_stop()).
 */
#include <linux/device.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <hvis/ic_daemon.h>

#include "ic_priv.h"

/* Answer the request in flight. Under ic->io. */
static void hvis_ic_relay_finish(struct hvis_ic *ic, u32 status)
{
	struct hvis_ic_relay *r = &ic->relay;

	r->txn = HVIS_IC_RELAY_IDLE;
	/* Not _sync: the timeout takes ic->io; a run already started finds nothing due. */
	cancel_delayed_work(&r->timeout);
	hvis_ic_complete(ic, status);
}

u32 hvis_ic_relay_request(struct hvis_ic *ic, void *body, u32 len)
{
	const struct hvis_ic_relay_ops *ops = ic->svc->relay;
	struct hvis_ic_relay *r = &ic->relay;
	struct hvis_ic_relay_req req = {
		.timeout_ms = READ_ONCE(*ops->timeout_ms),
		.what = "request",
	};
	unsigned long delay;
	u32 status;
	int ret;

	lockdep_assert_held(&ic->io);
	status = ops->request(ic, body, len, &req);
	if (status != HVIS_IC_PENDING)
		return status;
	if (r->going || r->state != HVIS_IC_DAEMON_READY) {
		r->no_daemon++;
		/* Hosts ask periodically: once per absence is enough for the log. */
		if (!r->told)
			dev_info(ic->dev,
				 "%s: %s failed: no daemon (more are counted in ic/no_daemon)\n",
				 ic->svc->name, req.what);
		r->told = true;
		return HVIS_IC_E_FAIL;
	}
	ret = hvis_ic_daemon_send(r->daemon, req.msg, req.len, r->tag + 1);
	if (ret) {
		hvis_ic_error(ic, "%s failed: the daemon cannot take it (%d)", req.what, ret);
		return HVIS_IC_E_FAIL;
	}
	r->tag++;
	r->txn = HVIS_IC_RELAY_QUEUED;
	r->what = req.what;
	r->forwarded++;
	r->timeout_ms = max(req.timeout_ms, 1U);
	delay = msecs_to_jiffies(r->timeout_ms);
	/* The deadline first: the timer cannot run before it. */
	r->deadline = jiffies + delay;
	mod_delayed_work(system_wq, &r->timeout, delay);
	return HVIS_IC_PENDING;
}

static void hvis_ic_relay_timeout(struct work_struct *work)
{
	struct hvis_ic *ic = container_of(to_delayed_work(work), struct hvis_ic, relay.timeout);
	struct hvis_ic_relay *r = &ic->relay;

	mutex_lock(&ic->io);
	if (r->txn != HVIS_IC_RELAY_IDLE && time_after_eq(jiffies, r->deadline)) {
		/*
		 * Unread, it is withdrawn.  Read, its answer is still to come;
		 * being read, its on_read() will say so and count it then.
		 */
		if (!hvis_ic_daemon_cancel(r->daemon, r->tag) &&
		    r->txn == HVIS_IC_RELAY_WITH_DAEMON)
			r->owed++;
		r->timeouts++;
		hvis_ic_error(ic, "%s failed: no answer from the daemon within %u ms", r->what,
			      r->timeout_ms);
		hvis_ic_relay_finish(ic, HVIS_IC_E_FAIL);
	}
	mutex_unlock(&ic->io);
}

/* --- the daemon's side ---------------------------------------------------------------- */

static void hvis_ic_relay_ready(struct hvis_ic *ic, bool legacy)
{
	ic->relay.state = HVIS_IC_DAEMON_READY;
	ic->relay.told = false;
	dev_info(ic->dev, "%s: daemon registered%s\n", ic->svc->name,
		 legacy ? " (legacy protocol)" : "");
}

static int hvis_ic_relay_register(struct hvis_ic *ic, struct hvis_ic_daemon *d, const void *buf)
{
	struct hvis_ic_relay *r = &ic->relay;
	const void *answer;
	int ret;

	ret = ic->svc->relay->reg(ic, buf, &answer);
	if (ret < 0)
		return ret;
	if (!ret) {
		hvis_ic_relay_ready(ic, true);
		return 0;
	}
	ret = hvis_ic_daemon_send(d, answer, ret, r->tag + 1);
	if (ret)
		return ret;
	r->tag++;
	r->state = HVIS_IC_DAEMON_REGISTERING;
	return 0;
}

int hvis_ic_relay_register_number(struct hvis_ic *ic, u32 got, const u32 *current_number,
				  u32 legacy, const void **answer)
{
	if (got == *current_number) {
		*answer = current_number;
		return sizeof(*current_number);
	}
	if (got == legacy)
		return 0;
	dev_warn_ratelimited(ic->dev, "%s: the daemon registered as %u: refused\n",
			     ic->svc->name, got);
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(hvis_ic_relay_register_number);

static int hvis_ic_relay_on_write(struct hvis_ic_daemon *d, void *priv, const void *buf,
				  size_t len)
{
	struct hvis_ic *ic = priv;
	struct hvis_ic_relay *r = &ic->relay;
	int ret = 0;

	if (len != ic->svc->relay->write_size)
		return -EINVAL;
	mutex_lock(&ic->io);
	if (r->going) {
		ret = -ENODEV;
	} else if (r->state == HVIS_IC_DAEMON_NONE) {
		ret = hvis_ic_relay_register(ic, d, buf);
	} else if (r->owed) {
		/* The oldest read is answered first: a request failed already. */
		r->owed--;
		r->late++;
	} else if (r->txn == HVIS_IC_RELAY_WITH_DAEMON) {
		r->answered++;
		hvis_ic_relay_finish(ic, ic->svc->relay->answer(ic, hvis_ic_pending_body(ic), buf));
	} else {
		/* Registered twice, or an answer to nothing it has read. */
		ret = -EINVAL;
	}
	mutex_unlock(&ic->io);
	return ret;
}

static void hvis_ic_relay_on_read(struct hvis_ic_daemon *d, void *priv, u64 tag)
{
	struct hvis_ic *ic = priv;
	struct hvis_ic_relay *r = &ic->relay;

	mutex_lock(&ic->io);
	if (tag != r->tag)
		r->owed++;	/* a request that failed while it was being read */
	else if (r->state == HVIS_IC_DAEMON_REGISTERING)
		hvis_ic_relay_ready(ic, false);
	else if (r->txn == HVIS_IC_RELAY_QUEUED)
		r->txn = HVIS_IC_RELAY_WITH_DAEMON;
	else if (r->txn == HVIS_IC_RELAY_IDLE)
		r->owed++;	/* the same, read after its deadline */
	mutex_unlock(&ic->io);
}

static void hvis_ic_relay_on_release(struct hvis_ic_daemon *d, void *priv)
{
	struct hvis_ic *ic = priv;
	struct hvis_ic_relay *r = &ic->relay;

	mutex_lock(&ic->io);
	if (r->state != HVIS_IC_DAEMON_NONE)
		dev_info(ic->dev, "%s: daemon gone\n", ic->svc->name);
	r->state = HVIS_IC_DAEMON_NONE;
	r->owed = 0;
	if (r->txn != HVIS_IC_RELAY_IDLE) {
		hvis_ic_error(ic, "%s failed: the daemon went away before answering", r->what);
		hvis_ic_relay_finish(ic, HVIS_IC_E_FAIL);
	}
	if (ic->svc->relay->gone)
		ic->svc->relay->gone(ic);
	mutex_unlock(&ic->io);
}

static const struct hvis_ic_daemon_ops hvis_ic_relay_daemon_ops = {
	.on_write	= hvis_ic_relay_on_write,
	.on_read	= hvis_ic_relay_on_read,
	.on_release	= hvis_ic_relay_on_release,
};

int hvis_ic_relay_start(struct hvis_ic *ic)
{
	const struct hvis_ic_relay_ops *ops = ic->svc->relay;
	struct hvis_ic_daemon *d;

	INIT_DELAYED_WORK(&ic->relay.timeout, hvis_ic_relay_timeout);
	/* Under ic->io: a daemon quick enough to register at once waits for r->daemon. */
	mutex_lock(&ic->io);
	d = hvis_ic_daemon_create(ops->devname, ops->write_size, &hvis_ic_relay_daemon_ops, ic);
	if (!IS_ERR(d))
		ic->relay.daemon = d;
	mutex_unlock(&ic->io);
	if (PTR_ERR_OR_ZERO(d) == -EBUSY) {
		/* The host's doing, and repeatable: one line, and a probe that fails quietly. */
		dev_err_ratelimited(ic->dev,
				    "%s: a second channel of the service, refused: /dev/vmbus/%s is taken\n",
				    ic->svc->name, ops->devname);
		return -ENODEV;
	}
	if (IS_ERR(d)) {
		dev_err(ic->dev, "%s: cannot create /dev/vmbus/%s: %ld\n", ic->svc->name,
			ops->devname, PTR_ERR(d));
		return PTR_ERR(d);
	}
	return 0;
}

void hvis_ic_relay_stop(struct hvis_ic *ic)
{
	struct hvis_ic_relay *r = &ic->relay;

	/* The host gets its answer; nothing is forwarded any more. */
	mutex_lock(&ic->io);
	r->going = true;
	if (r->txn != HVIS_IC_RELAY_IDLE) {
		hvis_ic_error(ic, "%s failed: the driver is going", r->what);
		hvis_ic_relay_finish(ic, HVIS_IC_E_FAIL);
	}
	mutex_unlock(&ic->io);
	/* Neither waits with ic->io held: both take it themselves. */
	hvis_ic_daemon_destroy(r->daemon);
	cancel_delayed_work_sync(&r->timeout);
}

/* --- ic/ in sysfs --------------------------------------------------------------------- */

static const struct {
	const char *name;
	size_t offset;
} hvis_ic_relay_counters[] = {
	{ "forwarded", offsetof(struct hvis_ic_relay, forwarded) },
	{ "answered", offsetof(struct hvis_ic_relay, answered) },
	{ "timeouts", offsetof(struct hvis_ic_relay, timeouts) },
	{ "no_daemon", offsetof(struct hvis_ic_relay, no_daemon) },
	{ "late", offsetof(struct hvis_ic_relay, late) },
};

ssize_t hvis_ic_relay_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	static const char * const states[] = {
		[HVIS_IC_DAEMON_NONE] = "none",
		[HVIS_IC_DAEMON_REGISTERING] = "registering",
		[HVIS_IC_DAEMON_READY] = "registered",
	};
	struct hvis_ic *ic = dev_get_drvdata(dev);
	const char *name = attr->attr.name;
	ssize_t n = -ENOENT;
	unsigned int i;

	if (!ic || !ic->svc->relay)
		return -ENODEV;
	mutex_lock(&ic->io);
	if (!strcmp(name, "daemon"))
		n = sysfs_emit(buf, "%s\n", states[ic->relay.state]);
	for (i = 0; i < ARRAY_SIZE(hvis_ic_relay_counters); i++)
		if (!strcmp(name, hvis_ic_relay_counters[i].name))
			n = sysfs_emit(buf, "%llu\n", *(u64 *)((u8 *)&ic->relay +
						       hvis_ic_relay_counters[i].offset));
	mutex_unlock(&ic->io);
	return n;
}
EXPORT_SYMBOL_GPL(hvis_ic_relay_show);
