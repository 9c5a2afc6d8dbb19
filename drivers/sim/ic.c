// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host's side of the integration services: what Hyper-V does
 * behind Heartbeat, Shutdown and Time Synchronization, the transport of the
 * requests of Data Exchange (KVP), Backup (VSS) and the Guest Service
 * Interface (ic_xact.c builds and checks those), and the status an
 * administrator reads with Get-VMIntegrationService, for all six services.
 *
 * Per service one request at most is outstanding, as guests expect: the
 * NEGOTIATE when the guest opens the channel, then a heartbeat every
 * heartbeat_ms, or one SYNC and a SAMPLE every timesync_ms, with the ctl
 * file's commands (shutdown, time, icbad) and ic_xact.c's requests in
 * between.  Every request times out, so a guest that drops a packet or
 * answers nonsense never wedges the host; what it answered is recorded and
 * shown.  The one exception is the NEGOTIATE of the three data services: a
 * guest may leave it unread until its daemon is up (Linux's KVP does), so
 * the host waits for it as long as the channel stays open.
 *
 * Locking: sim_host_mutex -> sim_chan_lock -> sim_ic_lock, and a
 * service's cmd_lock -> send_lock -> sim_chan_lock.  chan.c calls the
 * channel hooks with its lock held, so nothing here calls chan.c under
 * sim_ic_lock: a service's work (or a command, see sim_ic_step()) builds
 * its request under the lock, drops it, then sends through
 * sim_chan_send_inband(), which refuses a channel closed (or closed and
 * opened again) in between.
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include <hvis/ic_wire.h>

#include "ic_versions.h"
#include "sim.h"

static unsigned int heartbeat_ms = 1000;
module_param(heartbeat_ms, uint, 0644);
MODULE_PARM_DESC(heartbeat_ms, "Interval of the host's heartbeat requests in ms (default 1000)");

static unsigned int timesync_ms = 5000;
module_param(timesync_ms, uint, 0644);
MODULE_PARM_DESC(timesync_ms, "Interval of the host's time samples in ms (default 5000)");

#define SIM_IC_MIN_INTERVAL_MS	10
#define SIM_IC_TIMEOUT_MS	2000	/* every request but shutdown */
#define SIM_IC_SHUTDOWN_MS	10000
/* A command waits for a request ahead of its own, then for its own. */
#define SIM_IC_CMD_WAIT_MS	(SIM_IC_TIMEOUT_MS + SIM_IC_SHUTDOWN_MS + 1000)
#define SIM_IC_HB_MISSES	3	/* heartbeat intervals without answer: lost */
#define SIM_IC_REF_HZ		10000000LL	/* the reference counter: 100 ns */
#define SIM_IC_MAX_OFFSET	4000000000LL	/* seconds: parenttime stays positive */
#define SIM_IC_PKT_MAX		(HVIS_IC_HDR_SIZE + SIM_IC_BODY_MAX)
#define SIM_IC_ANSWER		(HVIS_IC_FLAG_TRANSACTION | HVIS_IC_FLAG_RESPONSE)

/* What waits to go out, most urgent first. */
enum {
	SIM_PEND_NEGOTIATE	= BIT(0),
	SIM_PEND_PROBE		= BIT(1),	/* icbad */
	SIM_PEND_SHUTDOWN	= BIT(2),
	SIM_PEND_TIME		= BIT(3),	/* the time command */
	SIM_PEND_SYNC		= BIT(4),	/* the SYNC after a negotiation */
	SIM_PEND_XACT		= BIT(5),	/* a data service's request */
};

enum sim_ic_req {
	SIM_REQ_NONE,
	SIM_REQ_NEGOTIATE,
	SIM_REQ_HEARTBEAT,
	SIM_REQ_SHUTDOWN,
	SIM_REQ_TIMESYNC,
	SIM_REQ_PROBE,
	SIM_REQ_XACT,
};

static const char * const sim_ic_req_names[] = {
	[SIM_REQ_NONE] = "nothing", [SIM_REQ_NEGOTIATE] = "negotiate",
	[SIM_REQ_HEARTBEAT] = "heartbeat", [SIM_REQ_SHUTDOWN] = "shutdown",
	[SIM_REQ_TIMESYNC] = "timesync", [SIM_REQ_PROBE] = "bad packet",
	[SIM_REQ_XACT] = "request",
};

/* The broken packets of icbad; see sim_ic_build_probe(). */
enum sim_ic_probe {
	SIM_PROBE_TINY,
	SIM_PROBE_OVERRUN,
	SIM_PROBE_UNKNOWN,
	SIM_PROBE_SHORT,
	SIM_PROBE_NEGCOUNT,
	SIM_PROBE_NEGSHORT,
	SIM_PROBE_NOCOMMON,
	SIM_PROBE_RENEGOTIATE,
	SIM_PROBE_ABSURD,	/* from here on: Time Synchronization only */
	SIM_PROBE_FUTURE,
	SIM_PROBE_STALE,
};

static const char * const sim_ic_probe_names[] = {
	[SIM_PROBE_TINY] = "tiny", [SIM_PROBE_OVERRUN] = "overrun",
	[SIM_PROBE_UNKNOWN] = "unknown", [SIM_PROBE_SHORT] = "short",
	[SIM_PROBE_NEGCOUNT] = "negcount", [SIM_PROBE_NEGSHORT] = "negshort",
	[SIM_PROBE_NOCOMMON] = "nocommon", [SIM_PROBE_RENEGOTIATE] = "renegotiate",
	[SIM_PROBE_ABSURD] = "absurd", [SIM_PROBE_FUTURE] = "future",
	[SIM_PROBE_STALE] = "stale",
};

/*
 * A command waiting for its request, on the command's stack.  Whoever ends
 * the request hands it over (s->finished) and completes it only after
 * dropping sim_ic_lock, so that the woken command does not find the lock
 * still taken: under TCG a waiter spinning on a mutex costs milliseconds.
 */
struct sim_ic_waiter {
	struct completion done;
	int result;
};

/* The request on its way, until answered, timed out or the channel is gone. */
struct sim_ic_txn {
	enum sim_ic_req req;		/* SIM_REQ_NONE: nothing outstanding */
	u16 msgtype;
	u64 trans_id;
	unsigned long deadline;
	unsigned int timeout_ms;	/* 0: no deadline */
	bool waited;			/* a command waits for the outcome */
	enum sim_ic_probe probe;
	u64 seq;			/* heartbeat: the guest must answer seq + 1 */
	struct sim_ic_version_list fw, msg;	/* NEGOTIATE: what the host offered */
};

struct sim_ic {
	const char *name;		/* as Get-VMIntegrationService says it */
	const char *alias;		/* the short name of the commands */
	guid_t class_id;
	guid_t instance_id;
	u16 msgtype;
	bool data;			/* KVP, VSS, fcopy: requests come from ic_xact.c */
	struct delayed_work work;	/* sends, times out, paces the periodic ones */
	struct mutex cmd_lock;		/* one command at a time; before sim_ic_lock */

	/* The rest under sim_ic_lock. */
	bool enabled;
	u32 offer_relid;		/* while enabled, if the host has it */
	bool open;
	u32 relid;			/* the open channel, as chan.c knows it */
	u64 gen;
	bool negotiated;		/* now */
	bool ever;			/* since the guest connected: Lost, not No Contact */
	bool lost;			/* the channel closed, or a request went unanswered */
	bool nocommon;			/* the last NEGOTIATE found no common version */
	struct hvis_ic_version fw, msg;		/* negotiated */
	struct hvis_ic_version fw_max, msg_max;	/* the newest the host offered */
	unsigned long last_answer;	/* heartbeat */
	unsigned long next_periodic;	/* the next heartbeat or sample is due */
	u64 seq;
	u64 sent, answered, bad;
	u64 trans_ids;
	unsigned int pending;		/* SIM_PEND_* */
	u32 shutdown_flags;
	u8 time_flags;
	enum sim_ic_probe probe;
	bool nego_nocommon;		/* the pending NEGOTIATE offers 9.0 only */
	unsigned int cmd_pend;		/* the pending request it waits for, until sent */
	struct sim_ic_waiter *waiter;	/* the command waiting */
	struct sim_ic_waiter *finished;	/* to be woken once sim_ic_lock is dropped */
	struct sim_ic_xact *xact;	/* the data request a command waits for */
	struct sim_ic_txn txn;
	struct mutex send_lock;		/* pkt; before sim_chan_lock and sim_ic_lock */
	u8 pkt[SIM_IC_PKT_MAX];		/* the request being sent */
};

static struct sim_ic sim_ic_svcs[SIM_IC_COUNT] = {
	[SIM_IC_HEARTBEAT] = {
		.name = "Heartbeat", .alias = "heartbeat",
		.msgtype = HVIS_IC_MSG_HEARTBEAT,
		.class_id = HVIS_IC_HEARTBEAT_CLASS,
		.instance_id = GUID_INIT(0xfd149e91, 0x82e0, 0x4a7d, 0xaf, 0xa6,
					 0x2a, 0x41, 0x66, 0xcb, 0xd7, 0xc0),
	},
	[SIM_IC_KVP] = {
		.name = "Key-Value Pair Exchange", .alias = "kvp",
		.msgtype = HVIS_IC_MSG_KVP, .data = true,
		.class_id = HVIS_IC_KVP_CLASS,
		.instance_id = GUID_INIT(0x242ff919, 0x07db, 0x4180, 0x9c, 0x2e,
					 0xb8, 0x6c, 0xb6, 0x8c, 0x8c, 0x55),
	},
	[SIM_IC_SHUTDOWN] = {
		.name = "Shutdown", .alias = "shutdown",
		.msgtype = HVIS_IC_MSG_SHUTDOWN,
		.class_id = HVIS_IC_SHUTDOWN_CLASS,
		.instance_id = GUID_INIT(0xb6650ff7, 0x33bc, 0x4840, 0x80, 0x48,
					 0xe0, 0x67, 0x67, 0x86, 0xf3, 0x93),
	},
	[SIM_IC_TIMESYNC] = {
		.name = "Time Synchronization", .alias = "timesync",
		.msgtype = HVIS_IC_MSG_TIMESYNC,
		.class_id = HVIS_IC_TIMESYNC_CLASS,
		.instance_id = GUID_INIT(0x2dd1ce17, 0x079e, 0x403c, 0xb3, 0x52,
					 0xa1, 0x92, 0x1e, 0xe2, 0x07, 0xee),
	},
	[SIM_IC_VSS] = {
		.name = "VSS", .alias = "vss",
		.msgtype = HVIS_IC_MSG_VSS, .data = true,
		.class_id = HVIS_IC_VSS_CLASS,
		.instance_id = GUID_INIT(0x2450ee40, 0x33bf, 0x4fbd, 0x89, 0x2e,
					 0x9f, 0xb0, 0x6e, 0x92, 0x14, 0xcf),
	},
	[SIM_IC_FCOPY] = {
		.name = "Guest Service Interface", .alias = "fcopy",
		.msgtype = HVIS_IC_MSG_FCOPY, .data = true,
		.class_id = HVIS_IC_FCOPY_CLASS,
		.instance_id = GUID_INIT(0xeb765408, 0x105f, 0x49b6, 0xb4, 0xaa,
					 0xc1, 0x23, 0xb6, 0x4d, 0x17, 0xd4),
	},
};

/* nocommon: a version no guest speaks. */
static const struct sim_ic_version_list sim_ic_nine = { 1, { { 9, 0 } } };
static const struct sim_ic_version_list sim_ic_none;

static DEFINE_MUTEX(sim_ic_lock);	/* the services' state, the clock offset */
static struct workqueue_struct *sim_ic_wq;
static bool sim_ic_dying;
static s64 sim_ic_offset;		/* seconds the host clock runs ahead */
static u64 sim_ic_wall_base;		/* 100 ns: real time minus reference time at load */

/* Drop sim_ic_lock, then wake the commands whose requests ended meanwhile. */
static void sim_ic_unlock(void)
{
	struct sim_ic_waiter *done[SIM_IC_COUNT];
	unsigned int i, n = 0;

	for (i = 0; i < SIM_IC_COUNT; i++) {
		if (sim_ic_svcs[i].finished)
			done[n++] = sim_ic_svcs[i].finished;
		sim_ic_svcs[i].finished = NULL;
	}
	mutex_unlock(&sim_ic_lock);
	for (i = 0; i < n; i++)
		complete(&done[i]->done);
}

/* Every line names the service and channel, after what happened. */
static __printf(2, 3) void sim_ic_log(const struct sim_ic *s, const char *fmt, ...)
{
	struct va_format vaf = { .fmt = fmt };
	va_list ap;

	va_start(ap, fmt);
	vaf.va = &ap;
	sim_log("%pV [%s relid=%u]", &vaf, s->alias, s->relid);
	va_end(ap);
}

static u32 sim_icv(struct hvis_ic_version v)
{
	return (u32)v.major << 16 | v.minor;
}

static bool sim_ic_in_list(const struct sim_ic_version_list *l, struct hvis_ic_version v)
{
	unsigned int i;

	for (i = 0; i < l->count; i++)
		if (sim_icv(l->v[i]) == sim_icv(v))
			return true;
	return false;
}

static const char *sim_ic_list_str(const struct sim_ic_version_list *l, char *buf, size_t size)
{
	unsigned int i;
	size_t n = 0;

	if (!l->count)
		return "-";
	for (i = 0; i < l->count; i++)
		n += scnprintf(buf + n, size - n, "%s%u.%u", i ? "," : "", l->v[i].major,
			       l->v[i].minor);
	return buf;
}

/* The versions the host offers for @s, or NULL if this host generation has none. */
static const struct sim_ic_version_list *
sim_ic_offer(const struct sim_ic *s, const struct sim_ic_version_list **fw)
{
	const struct sim_ic_profile_versions *pv = sim_ic_versions_of(sim_profile_name());

	/* A profile outside the table (none is) offers nothing, and says so. */
	if (!pv) {
		*fw = &sim_ic_none;
		return &sim_ic_none;
	}
	*fw = &pv->framework;
	return pv->message[s - sim_ic_svcs].count ? &pv->message[s - sim_ic_svcs] : NULL;
}

static bool sim_ic_speaks(const struct sim_ic *s)
{
	const struct sim_ic_version_list *fw;

	return sim_ic_offer(s, &fw);
}

static bool sim_ic_periodic(const struct sim_ic *s)
{
	return s->negotiated &&
	       (s->msgtype == HVIS_IC_MSG_HEARTBEAT || s->msgtype == HVIS_IC_MSG_TIMESYNC);
}

static unsigned long sim_ic_interval(const struct sim_ic *s)
{
	unsigned int ms = s->msgtype == HVIS_IC_MSG_HEARTBEAT ? READ_ONCE(heartbeat_ms) :
								 READ_ONCE(timesync_ms);

	return msecs_to_jiffies(max_t(unsigned int, ms, SIM_IC_MIN_INTERVAL_MS));
}

/*
 * How long the host waits for an answer: longer for a guest asked to shut
 * down, as long as ic_xact.c says for a data request, and without end for
 * a data service's NEGOTIATE (see the top of the file).
 */
static unsigned int sim_ic_timeout_ms(const struct sim_ic *s, enum sim_ic_req req)
{
	if (req == SIM_REQ_SHUTDOWN)
		return SIM_IC_SHUTDOWN_MS;
	if (req == SIM_REQ_XACT)
		return s->xact->timeout_ms;
	if (req == SIM_REQ_NEGOTIATE && s->data)
		return 0;
	return SIM_IC_TIMEOUT_MS;
}

/* Run the service's work after @delay jiffies (sooner if already due). */
static void sim_ic_kick(struct sim_ic *s, unsigned long delay)
{
	if (!sim_ic_dying)
		mod_delayed_work(sim_ic_wq, &s->work, delay);
}

static void sim_ic_cmd_finish(struct sim_ic *s, int result)
{
	struct sim_ic_waiter *w = s->waiter;

	if (!w)
		return;
	s->waiter = NULL;
	w->result = result;
	s->finished = w;
}

/* When to look again: the deadline, a request waiting, or the next periodic one. */
static void sim_ic_rearm(struct sim_ic *s, unsigned long now)
{
	unsigned long at;

	if (s->txn.req && !s->txn.timeout_ms)
		return;		/* the answer or the channel's end kicks the work */
	if (s->txn.req)
		at = s->txn.deadline;
	else if (s->pending)
		at = now;
	else if (sim_ic_periodic(s))
		at = s->next_periodic;
	else
		return;
	sim_ic_kick(s, time_after(at, now) ? at - now : 0);
}

/*
 * The outstanding request is over: answered, timed out or gone.  The work
 * runs again only if a request waits or a periodic one will be due: a
 * data service's next request kicks it itself.
 */
static void sim_ic_done(struct sim_ic *s, int result)
{
	if (s->txn.waited)
		sim_ic_cmd_finish(s, result);
	s->txn.req = SIM_REQ_NONE;
	s->txn.waited = false;
	if (s->open)
		sim_ic_rearm(s, jiffies);
}

/* The channel is gone: nothing is outstanding or waits any more. */
static void sim_ic_disconnect(struct sim_ic *s)
{
	s->open = false;
	s->negotiated = false;
	if (s->txn.req)
		sim_ic_done(s, -ENOTCONN);
	if (s->cmd_pend) {
		s->cmd_pend = 0;
		sim_ic_cmd_finish(s, -ENOTCONN);
	}
	s->pending = 0;
}

/* Forget what the guest said: a new guest, or the service enabled again. */
static void sim_ic_forget(struct sim_ic *s, bool counters)
{
	s->negotiated = false;
	s->ever = false;
	s->lost = false;
	s->nocommon = false;
	if (counters) {
		s->sent = 0;
		s->answered = 0;
		s->bad = 0;
	}
}

static __printf(2, 3) int sim_ic_bad(struct sim_ic *s, const char *fmt, ...)
{
	struct va_format vaf = { .fmt = fmt };
	va_list ap;

	va_start(ap, fmt);
	vaf.va = &ap;
	sim_ic_log(s, "G->H IC bad answer: %pV", &vaf);
	va_end(ap);
	s->bad++;
	return -EPROTO;
}

/* --- requests ------------------------------------------------------------------ */

/* The host clock at reference time @ref, in 100 ns units since 1601. */
static u64 sim_ic_host_time(u64 ref)
{
	return HVIS_IC_EPOCH_DELTA + sim_ic_wall_base + ref + sim_ic_offset * SIM_IC_REF_HZ;
}

static bool sim_ic_v4(const struct sim_ic *s)
{
	return s->negotiated && s->msg.major >= 4;
}

/* Pipe and IC headers of a request with @body bytes of (zeroed) body. */
static u32 sim_ic_start(struct sim_ic *s, u16 msgtype, u32 body)
{
	struct hvis_ic_msg *m = (struct hvis_ic_msg *)s->pkt;

	memset(s->pkt, 0, HVIS_IC_HDR_SIZE + body);
	m->pipe.flags = HVIS_PIPE_FLAG_DATA;
	m->pipe.msgsize = sizeof(m->ic) + body;
	/* NEGOTIATE itself says 0.0; the rest speak what it chose. */
	if (msgtype != HVIS_IC_MSG_NEGOTIATE && s->negotiated) {
		m->ic.framework = s->fw;
		m->ic.message = s->msg;
	}
	m->ic.msgtype = msgtype;
	m->ic.msgsize = body;
	m->ic.flags = HVIS_IC_FLAG_TRANSACTION | HVIS_IC_FLAG_REQUEST;
	s->txn.msgtype = msgtype;
	return HVIS_IC_HDR_SIZE + body;
}

static u32 sim_ic_build_negotiate(struct sim_ic *s, const struct sim_ic_version_list *fw,
				  const struct sim_ic_version_list *msg)
{
	struct hvis_ic_negotiate *n = (void *)((struct hvis_ic_msg *)s->pkt)->body;
	u32 count = fw->count + msg->count;
	char fbuf[48], mbuf[48];
	u32 len;

	len = sim_ic_start(s, HVIS_IC_MSG_NEGOTIATE, sizeof(*n) + count * sizeof(n->versions[0]));
	n->framework_count = fw->count;
	n->message_count = msg->count;
	memcpy(n->versions, fw->v, fw->count * sizeof(n->versions[0]));
	memcpy(n->versions + fw->count, msg->v, msg->count * sizeof(n->versions[0]));
	s->txn.fw = *fw;
	s->txn.msg = *msg;
	sim_ic_log(s, "H->G IC negotiate fw=%s msg=%s", sim_ic_list_str(fw, fbuf, sizeof(fbuf)),
		   sim_ic_list_str(msg, mbuf, sizeof(mbuf)));
	return len;
}

static u32 sim_ic_build_heartbeat(struct sim_ic *s)
{
	struct hvis_ic_heartbeat *hb = (void *)((struct hvis_ic_msg *)s->pkt)->body;
	u32 len = sim_ic_start(s, HVIS_IC_MSG_HEARTBEAT, sizeof(*hb));

	s->txn.seq = s->seq++;
	hb->seq_num = s->txn.seq;
	sim_ic_log(s, "H->G IC heartbeat seq=%llu", s->txn.seq);
	return len;
}

static u32 sim_ic_build_shutdown(struct sim_ic *s)
{
	struct hvis_ic_shutdown *sd = (void *)((struct hvis_ic_msg *)s->pkt)->body;
	u32 len = sim_ic_start(s, HVIS_IC_MSG_SHUTDOWN, sizeof(*sd));

	sd->reason_code = HVIS_IC_SHUTDOWN_REASON_PLANNED;
	sd->flags = s->shutdown_flags;
	sim_ic_log(s, "H->G IC shutdown flags=%#x", sd->flags);
	return len;
}

/*
 * A time message with @flags.  The host samples its clock and the guest's
 * reference counter at one instant; @zero sends parenttime 0 instead and
 * @shift moves the reference time (a host lying about when it sampled).
 */
static u32 sim_ic_build_time(struct sim_ic *s, const char *what, u8 flags, bool zero, s64 shift)
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

/* A data service's request: the body the command wrote, under our headers. */
static u32 sim_ic_build_xact(struct sim_ic *s)
{
	const struct sim_ic_xact *x = s->xact;
	u32 len = sim_ic_start(s, s->msgtype, x->req_len);
	char what[192];

	memcpy(((struct hvis_ic_msg *)s->pkt)->body, x->req, x->req_len);
	if (!x->quiet) {
		sim_ic_xact_describe(s->msgtype, x->req, x->req_len, what, sizeof(what));
		sim_ic_log(s, "H->G IC %s", what);
	}
	return len;
}

/* icbad: one packet a correct guest refuses or drops. */
static u32 sim_ic_build_probe(struct sim_ic *s)
{
	struct hvis_ic_msg *m = (struct hvis_ic_msg *)s->pkt;
	struct hvis_ic_negotiate *n = (void *)m->body;
	const u32 v = sizeof(n->versions[0]);
	u32 len, i;

	switch (s->probe) {
	case SIM_PROBE_TINY:
		/* The pipe header and half the IC header. */
		sim_ic_start(s, s->msgtype, 0);
		m->pipe.msgsize = 8;
		len = 16;
		break;
	case SIM_PROBE_OVERRUN:
		len = sim_ic_start(s, s->msgtype, 8);
		m->ic.msgsize = 1000;
		break;
	case SIM_PROBE_UNKNOWN:
		len = sim_ic_start(s, 42, 8);
		break;
	case SIM_PROBE_SHORT:
		len = sim_ic_start(s, s->msgtype, 4);
		break;
	case SIM_PROBE_NEGCOUNT:
		/* Every version is there: only the count is absurd. */
		len = sim_ic_start(s, HVIS_IC_MSG_NEGOTIATE, sizeof(*n) + 201 * v);
		n->framework_count = 200;
		n->message_count = 1;
		for (i = 0; i < 201; i++)
			n->versions[i] = HVIS_IC_VERSION(i < 200 ? 3 : 1, 0);
		break;
	case SIM_PROBE_NEGSHORT:
		/* Counts for five versions, room for two. */
		len = sim_ic_start(s, HVIS_IC_MSG_NEGOTIATE, sizeof(*n) + 2 * v);
		n->framework_count = 2;
		n->message_count = 3;
		n->versions[0] = HVIS_IC_VERSION(1, 0);
		n->versions[1] = HVIS_IC_VERSION(3, 0);
		break;
	case SIM_PROBE_ABSURD:
		len = sim_ic_build_time(s, "absurd sync", HVIS_IC_TIMESYNC_SYNC, true, 0);
		break;
	case SIM_PROBE_FUTURE:
		len = sim_ic_build_time(s, "future sample", HVIS_IC_TIMESYNC_SAMPLE, false,
					3600 * SIM_IC_REF_HZ);
		break;
	case SIM_PROBE_STALE:
		len = sim_ic_build_time(s, "stale sample", HVIS_IC_TIMESYNC_SAMPLE, false,
					-700 * SIM_IC_REF_HZ);
		break;
	default:
		return 0;
	}
	sim_ic_log(s, "H->G IC bad packet %s (%u bytes)", sim_ic_probe_names[s->probe], len);
	return len;
}

/*
 * With nothing outstanding: build the next request into s->pkt and set up
 * s->txn.  Returns its length, 0 if nothing is due.
 */
static u32 sim_ic_next(struct sim_ic *s, unsigned long now)
{
	const unsigned int needs_versions = SIM_PEND_SHUTDOWN | SIM_PEND_TIME | SIM_PEND_SYNC |
					    SIM_PEND_XACT;
	const struct sim_ic_version_list *fw, *msg;
	struct sim_ic_txn *t = &s->txn;
	unsigned int pend = 0;
	u8 flags;
	u32 len;

	memset(t, 0, sizeof(*t));
	if ((s->pending & needs_versions) && !s->negotiated) {
		/* The negotiation was lost meanwhile: those cannot go. */
		if (s->cmd_pend & needs_versions & s->pending) {
			s->cmd_pend = 0;
			sim_ic_cmd_finish(s, -ENOTCONN);
		}
		s->pending &= ~needs_versions;
	}
	if (s->pending & SIM_PEND_NEGOTIATE) {
		pend = SIM_PEND_NEGOTIATE;
		t->req = SIM_REQ_NEGOTIATE;
		msg = sim_ic_offer(s, &fw);
		if (s->nego_nocommon)
			len = sim_ic_build_negotiate(s, &sim_ic_nine, &sim_ic_nine);
		else
			len = sim_ic_build_negotiate(s, fw, msg ?: &sim_ic_none);
	} else if (s->pending & SIM_PEND_PROBE) {
		pend = SIM_PEND_PROBE;
		t->req = SIM_REQ_PROBE;
		t->probe = s->probe;
		len = sim_ic_build_probe(s);
	} else if (s->pending & SIM_PEND_SHUTDOWN) {
		pend = SIM_PEND_SHUTDOWN;
		t->req = SIM_REQ_SHUTDOWN;
		len = sim_ic_build_shutdown(s);
	} else if (s->pending & SIM_PEND_TIME) {
		pend = SIM_PEND_TIME;
		t->req = SIM_REQ_TIMESYNC;
		flags = s->time_flags;
		len = sim_ic_build_time(s, flags & HVIS_IC_TIMESYNC_SYNC ? "sync" : "sample", flags,
					false, 0);
	} else if (s->pending & SIM_PEND_SYNC) {
		pend = SIM_PEND_SYNC;
		t->req = SIM_REQ_TIMESYNC;
		len = sim_ic_build_time(s, "sync", HVIS_IC_TIMESYNC_SYNC, false, 0);
		s->next_periodic = now + sim_ic_interval(s);
	} else if (s->pending & SIM_PEND_XACT) {
		pend = SIM_PEND_XACT;
		t->req = SIM_REQ_XACT;
		len = sim_ic_build_xact(s);
	} else if (sim_ic_periodic(s) && time_after_eq(now, s->next_periodic)) {
		if (s->msgtype == HVIS_IC_MSG_HEARTBEAT) {
			t->req = SIM_REQ_HEARTBEAT;
			len = sim_ic_build_heartbeat(s);
		} else {
			t->req = SIM_REQ_TIMESYNC;
			len = sim_ic_build_time(s, "sample", HVIS_IC_TIMESYNC_SAMPLE, false, 0);
		}
		s->next_periodic = now + sim_ic_interval(s);
	} else {
		return 0;
	}
	s->pending &= ~pend;
	if (pend && s->cmd_pend == pend) {
		t->waited = true;
		s->cmd_pend = 0;
	}
	t->trans_id = ++s->trans_ids;
	t->timeout_ms = sim_ic_timeout_ms(s, t->req);
	t->deadline = now + msecs_to_jiffies(t->timeout_ms);
	s->sent++;
	return len;
}

static void sim_ic_timeout(struct sim_ic *s)
{
	enum sim_ic_req req = s->txn.req;

	sim_ic_log(s, "IC no answer to %s within %u ms", sim_ic_req_names[req],
		   s->txn.timeout_ms);
	/* A dropped bad packet is right; heartbeats have a rule of their own. */
	if (req != SIM_REQ_PROBE && req != SIM_REQ_HEARTBEAT && s->ever)
		s->lost = true;
	sim_ic_done(s, -ETIMEDOUT);
}

/*
 * Time out the outstanding request, send the next one due, arm the work
 * for what comes later.  The work runs this, and so does a command right
 * after queueing its request: one wakeup less per request, which a file
 * copy of thousands of them notices.  s->send_lock keeps s->pkt for one
 * sender from building it to having it in the ring.
 */
static void sim_ic_step(struct sim_ic *s)
{
	unsigned long now = jiffies;
	u64 gen, trans_id;
	u32 relid, len = 0;
	int ret;

	mutex_lock(&s->send_lock);
	mutex_lock(&sim_ic_lock);
	if (!s->open) {
		sim_ic_unlock();
		goto out;
	}
	if (s->txn.req && s->txn.timeout_ms && time_after_eq(now, s->txn.deadline))
		sim_ic_timeout(s);
	if (!s->txn.req)
		len = sim_ic_next(s, now);
	relid = s->relid;
	gen = s->gen;
	trans_id = s->txn.trans_id;
	sim_ic_rearm(s, now);
	sim_ic_unlock();
	if (!len)
		goto out;

	ret = sim_chan_send_inband(relid, gen, s->pkt, len, trans_id);
	if (ret) {
		mutex_lock(&sim_ic_lock);
		if (s->txn.req && s->txn.trans_id == trans_id) {
			sim_ic_log(s, "IC %s not sent: error %d", sim_ic_req_names[s->txn.req],
				   ret);
			s->sent--;
			sim_ic_done(s, ret);
		}
		sim_ic_unlock();
	}
out:
	mutex_unlock(&s->send_lock);
}

static void sim_ic_work(struct work_struct *work)
{
	sim_ic_step(container_of(to_delayed_work(work), struct sim_ic, work));
}

/* --- answers ------------------------------------------------------------------- */

static int sim_ic_on_negotiate(struct sim_ic *s, const struct hvis_ic_msg *m)
{
	const struct hvis_ic_negotiate *n = (const void *)m->body;
	const struct sim_ic_txn *t = &s->txn;
	struct hvis_ic_version fw, msg;

	s->negotiated = false;
	if (m->ic.status != HVIS_IC_S_OK) {
		sim_ic_log(s, "G->H IC negotiate refused: status=%#x", m->ic.status);
		return -EIO;
	}
	if (m->ic.msgsize < sizeof(*n))
		return sim_ic_bad(s, "NEGOTIATE answer of %u body bytes", m->ic.msgsize);
	if (!n->framework_count && !n->message_count) {
		s->nocommon = true;
		sim_ic_log(s, "G->H IC negotiate: no common version");
		return 0;
	}
	if (n->framework_count != 1 || n->message_count != 1 ||
	    m->ic.msgsize < sizeof(*n) + 2 * sizeof(fw))
		return sim_ic_bad(s, "NEGOTIATE answer with %u framework and %u message versions",
				  n->framework_count, n->message_count);
	fw = n->versions[0];
	msg = n->versions[1];
	if (!sim_ic_in_list(&t->fw, fw) || !sim_ic_in_list(&t->msg, msg))
		return sim_ic_bad(s, "NEGOTIATE answer chose fw=%u.%u msg=%u.%u, not offered",
				  fw.major, fw.minor, msg.major, msg.minor);
	s->negotiated = true;
	s->ever = true;
	s->lost = false;
	s->nocommon = false;
	s->fw = fw;
	s->msg = msg;
	s->fw_max = t->fw.v[t->fw.count - 1];
	s->msg_max = t->msg.v[t->msg.count - 1];
	s->last_answer = jiffies;
	s->next_periodic = jiffies;
	if (s->msgtype == HVIS_IC_MSG_TIMESYNC)
		s->pending |= SIM_PEND_SYNC;
	sim_ic_log(s, "G->H IC negotiate fw=%u.%u msg=%u.%u", fw.major, fw.minor, msg.major,
		   msg.minor);
	return 0;
}

static int sim_ic_on_heartbeat(struct sim_ic *s, const struct hvis_ic_msg *m)
{
	const struct hvis_ic_heartbeat *hb = (const void *)m->body;

	if (m->ic.msgsize < HVIS_IC_HEARTBEAT_MIN)
		return sim_ic_bad(s, "heartbeat answer of %u body bytes", m->ic.msgsize);
	if (m->ic.status != HVIS_IC_S_OK) {
		sim_ic_log(s, "G->H IC heartbeat refused: status=%#x", m->ic.status);
		return -EIO;
	}
	if (hb->seq_num != s->txn.seq + 1)
		return sim_ic_bad(s, "heartbeat answer seq=%llu, expected %llu", hb->seq_num,
				  s->txn.seq + 1);
	s->last_answer = jiffies;
	sim_ic_log(s, "G->H IC heartbeat seq=%llu", hb->seq_num);
	return 0;
}

static int sim_ic_on_probe(struct sim_ic *s, const struct hvis_ic_msg *m)
{
	const struct hvis_ic_negotiate *n = (const void *)m->body;
	const char *what = sim_ic_probe_names[s->txn.probe];

	sim_ic_log(s, "G->H IC answer to bad packet %s: status=%#x", what, m->ic.status);
	if (m->ic.status != HVIS_IC_S_OK)
		return -EIO;
	if (m->ic.msgtype != HVIS_IC_MSG_NEGOTIATE)
		return 0;
	/* A malformed NEGOTIATE: finding nothing in it is a refusal too. */
	if (m->ic.msgsize >= sizeof(*n) && !n->framework_count && !n->message_count)
		return -EIO;
	return sim_ic_bad(s, "the guest accepted the malformed NEGOTIATE %s", what);
}

/*
 * The answer to a data request: ic_xact.c checks it against the request,
 * still in s->pkt (the work builds the next one only once this is over),
 * and the command waiting, if it still does, gets the status and body.  A
 * failure status is the guest's answer, not a failed transport: 0 then.
 */
static int sim_ic_on_xact(struct sim_ic *s, const struct hvis_ic_msg *m)
{
	const struct hvis_ic_msg *req = (const struct hvis_ic_msg *)s->pkt;
	struct sim_ic_xact *x = s->txn.waited ? s->xact : NULL;
	char what[192];

	if (sim_ic_xact_check(s->msgtype, req->body, req->ic.msgsize, m->body, m->ic.msgsize,
			      m->ic.status, what, sizeof(what)))
		return sim_ic_bad(s, "%s", what);
	if (m->ic.status != HVIS_IC_S_OK || !x || !x->quiet) {
		sim_ic_xact_describe(s->msgtype, req->body, req->ic.msgsize, what, sizeof(what));
		sim_ic_log(s, "G->H IC %s: status=%#x", what, m->ic.status);
	}
	if (x) {
		x->status = m->ic.status;
		x->ans_len = min_t(u32, m->ic.msgsize, x->ans_size);
		memcpy(x->ans, m->body, x->ans_len);
	}
	return 0;
}

/* A packet from the guest: the answer to the outstanding request, or bad. */
static void sim_ic_answer(struct sim_ic *s, const struct hvis_pkt_desc *d,
			  const struct hvis_ic_msg *m, u32 len)
{
	struct sim_ic_txn *t = &s->txn;
	/*
	 * Hyper-V matches an answer by its IC header, not by the packet's
	 * trans_id (OpenVMM ignores it): hv_fcopy_uio_daemon (6.10+) answers
	 * with all-ones there.  Any other id must still be the request's.
	 */
	bool ours = t->req && (d->trans_id == t->trans_id || d->trans_id == U64_MAX);
	int ret;

	if (d->type != HVIS_PKT_DATA_INBAND)
		ret = sim_ic_bad(s, "packet type %u", d->type);
	else if (len < HVIS_IC_HDR_SIZE)
		ret = sim_ic_bad(s, "%u bytes, shorter than the IC headers", len);
	else if (m->ic.msgsize > len - HVIS_IC_HDR_SIZE)
		ret = sim_ic_bad(s, "a body of %u bytes in %u", m->ic.msgsize,
				 len - (u32)HVIS_IC_HDR_SIZE);
	else if ((m->ic.flags & SIM_IC_ANSWER) != SIM_IC_ANSWER)
		ret = sim_ic_bad(s, "flags %#x, not a response", m->ic.flags);
	else if (!ours)
		ret = sim_ic_bad(s, "transaction %llu, but %s outstanding", d->trans_id,
				 t->req ? "another one is" : "none is");
	else if (m->ic.msgtype != t->msgtype)
		ret = sim_ic_bad(s, "message type %u to a request of type %u", m->ic.msgtype,
				 t->msgtype);
	else if (t->req == SIM_REQ_NEGOTIATE)
		ret = sim_ic_on_negotiate(s, m);
	else if (t->req == SIM_REQ_HEARTBEAT)
		ret = sim_ic_on_heartbeat(s, m);
	else if (t->req == SIM_REQ_PROBE)
		ret = sim_ic_on_probe(s, m);
	else if (t->req == SIM_REQ_XACT)
		ret = sim_ic_on_xact(s, m);
	else
		ret = m->ic.status == HVIS_IC_S_OK ? 0 : -EIO;

	if (t->req == SIM_REQ_SHUTDOWN || t->req == SIM_REQ_TIMESYNC) {
		if (ret != -EPROTO)
			sim_ic_log(s, "G->H IC %s status=%#x", sim_ic_req_names[t->req],
				   m->ic.status);
	}
	if (ret != -EPROTO) {
		s->answered++;
		s->lost = false;	/* it talks again */
	}
	if (ours)
		sim_ic_done(s, ret);
}

/* --- chan.c's hooks --------------------------------------------------------------- */

static struct sim_ic *sim_ic_find(u32 relid, u64 gen)
{
	unsigned int i;

	for (i = 0; i < SIM_IC_COUNT; i++)
		if (sim_ic_svcs[i].open && sim_ic_svcs[i].relid == relid &&
		    sim_ic_svcs[i].gen == gen)
			return &sim_ic_svcs[i];
	return NULL;
}

/* The guest opened channel @relid of @class_id: ours if it is an IC's. */
bool sim_ic_opened(u32 relid, u64 gen, const guid_t *class_id)
{
	struct sim_ic *s = NULL;
	unsigned int i;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++)
		if (guid_equal(class_id, &sim_ic_svcs[i].class_id))
			s = &sim_ic_svcs[i];
	if (s && s->open) {
		sim_log("IC %s: a second channel (relid %u) is not served", s->alias, relid);
		s = NULL;
	}
	if (s) {
		s->open = true;
		s->relid = relid;
		s->gen = gen;
		s->negotiated = false;
		s->nocommon = false;
		s->pending = 0;
		memset(&s->txn, 0, sizeof(s->txn));
		sim_ic_log(s, "IC %s channel open", s->name);
		/* A service this host generation lacks: an empty list, no common version. */
		s->pending = SIM_PEND_NEGOTIATE;
		s->nego_nocommon = false;
		sim_ic_kick(s, 0);
	}
	sim_ic_unlock();
	return !!s;
}

void sim_ic_closed(u32 relid, u64 gen)
{
	struct sim_ic *s;

	mutex_lock(&sim_ic_lock);
	s = sim_ic_find(relid, gen);
	if (s) {
		sim_ic_log(s, "IC %s channel closed", s->name);
		if (s->negotiated)
			s->lost = true;
		sim_ic_disconnect(s);
	}
	sim_ic_unlock();
}

/* The guest reconnected or unloaded: every service starts at No Contact. */
void sim_ic_reset(void)
{
	unsigned int i;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		sim_ic_disconnect(&sim_ic_svcs[i]);
		sim_ic_forget(&sim_ic_svcs[i], true);
	}
	sim_ic_unlock();
}

void sim_ic_received(u32 relid, u64 gen, const struct hvis_pkt_desc *d, const void *payload,
		     u32 len)
{
	struct sim_ic *s;

	mutex_lock(&sim_ic_lock);
	s = sim_ic_find(relid, gen);
	if (s)
		sim_ic_answer(s, d, payload, len);
	sim_ic_unlock();
}

/* --- commands ------------------------------------------------------------------ */

static struct sim_ic *sim_ic_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < SIM_IC_COUNT; i++)
		if (!strcasecmp(name, sim_ic_svcs[i].alias) ||
		    !strcasecmp(name, sim_ic_svcs[i].name))
			return &sim_ic_svcs[i];
	return NULL;
}

/*
 * Offer @s's channel if this host generation has the service.  A service
 * the host lacks stays enabled (the VM's setting) but is never offered:
 * a real host of that generation has no component behind the channel, so
 * a guest must not see it at all.  Under sim_ic_lock and sim_host_mutex.
 */
static int sim_ic_make_offer(struct sim_ic *s)
{
	int relid;

	s->offer_relid = 0;
	if (!sim_ic_speaks(s))
		return 0;
	relid = sim_offer_add(&s->class_id, &s->instance_id);
	if (relid < 0)
		return relid;
	s->offer_relid = relid;
	return 0;
}

/* At load, under the ics parameter: all six enabled, offered where the host has them. */
unsigned int sim_ic_offer_all(void)
{
	unsigned int i, n = 0;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		if (sim_ic_make_offer(&sim_ic_svcs[i]))
			continue;
		sim_ic_svcs[i].enabled = true;
		if (sim_ic_svcs[i].offer_relid)
			n++;
	}
	sim_ic_unlock();
	return n;
}

/*
 * The host profile changed (no guest connected, under sim_host_mutex): the
 * enabled services the new generation has are offered, the others are
 * taken back (never sent, so nothing reaches a guest).
 */
void sim_ic_profile_changed(void)
{
	unsigned int i;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		struct sim_ic *s = &sim_ic_svcs[i];

		if (!s->enabled || !!s->offer_relid == sim_ic_speaks(s))
			continue;
		if (s->offer_relid) {
			sim_offer_rescind(s->offer_relid);
			s->offer_relid = 0;
		} else if (sim_ic_make_offer(s)) {
			sim_log("IC %s: no room for its offer", s->name);
		}
	}
	sim_ic_unlock();
}

/*
 * enable|disable NAME, under sim_host_mutex: offer the service's channel
 * again (if this host has it), or rescind it (the guest then closes it).
 * An enabled service starts over at No Contact.
 */
int sim_ic_enable(const char *name, bool on)
{
	struct sim_ic *s = sim_ic_lookup(name);
	u32 rescind = 0;
	int ret = 0;

	if (!s)
		return -EINVAL;
	mutex_lock(&sim_ic_lock);
	if (s->enabled == on)
		goto out;
	if (on) {
		ret = sim_ic_make_offer(s);
		if (ret < 0)
			goto out;
		sim_ic_forget(s, false);
	} else {
		rescind = s->offer_relid;
		s->offer_relid = 0;
	}
	s->enabled = on;
	sim_log("IC %s %s", s->name, on ? "enabled" : "disabled");
out:
	sim_ic_unlock();
	/* Outside sim_ic_lock: the rescind closes the channel, which takes it. */
	if (rescind)
		sim_offer_rescind(rescind);
	return ret;
}

/*
 * Queue request @pend (its parameters set; s->cmd_lock and sim_ic_lock
 * held) and wait up to @wait_ms for its outcome: 0 when the guest answered
 * OK (a data request: answered at all), -EIO when it answered with a
 * failure status, -EPROTO when the answer was malformed, -ETIMEDOUT,
 * -ENOTCONN when the channel went away first, -EINTR when the caller was
 * killed meanwhile (the request still runs its course, unwatched).
 */
static int sim_ic_run(struct sim_ic *s, unsigned int pend, unsigned int wait_ms)
{
	struct sim_ic_waiter w;
	long left;

	init_completion(&w.done);
	s->waiter = &w;
	s->cmd_pend = pend;
	s->pending |= pend;
	sim_ic_unlock();
	sim_ic_step(s);
	left = wait_for_completion_killable_timeout(&w.done, msecs_to_jiffies(wait_ms));
	mutex_lock(&sim_ic_lock);
	if (left > 0)
		return w.result;
	if (s->waiter == &w) {
		/* Every request times out by itself; this is the last resort. */
		s->waiter = NULL;
		s->pending &= ~s->cmd_pend;
		s->cmd_pend = 0;
		s->txn.waited = false;
		return left ? -EINTR : -ETIMEDOUT;
	}
	/* It ended just now: the completion is on its way, @w must outlive it. */
	sim_ic_unlock();
	wait_for_completion(&w.done);
	mutex_lock(&sim_ic_lock);
	return w.result;
}

/* A command's locks: a second command on the service waits its turn. */
static int sim_ic_cmd_lock(struct sim_ic *s)
{
	if (mutex_lock_interruptible(&s->cmd_lock))
		return -EINTR;
	mutex_lock(&sim_ic_lock);
	return 0;
}

static void sim_ic_cmd_unlock(struct sim_ic *s)
{
	sim_ic_unlock();
	mutex_unlock(&s->cmd_lock);
}

/* shutdown FLAGS: 0 poweroff, 2 reboot, 4 hibernate, | 1 force. */
static int sim_ic_cmd_shutdown(char *args)
{
	struct sim_ic *s = &sim_ic_svcs[SIM_IC_SHUTDOWN];
	u32 flags;
	int ret;

	if (kstrtou32(args, 0, &flags))
		return -EINVAL;
	if (sim_ic_cmd_lock(s))
		return -EINTR;
	if (!s->negotiated) {
		ret = -ENOTCONN;
	} else {
		s->shutdown_flags = flags;
		ret = sim_ic_run(s, SIM_PEND_SHUTDOWN, SIM_IC_CMD_WAIT_MS);
	}
	sim_ic_cmd_unlock(s);
	return ret;
}

/*
 * time sync|sample [SECONDS]: the host clock runs SECONDS ahead of the real
 * one from now on (behind if negative; kept when left out), and the guest
 * hears of it at once.
 */
static int sim_ic_cmd_time(char *args)
{
	struct sim_ic *s = &sim_ic_svcs[SIM_IC_TIMESYNC];
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
	if (!s->negotiated) {
		ret = -ENOTCONN;
	} else {
		s->time_flags = flags;
		ret = sim_ic_run(s, SIM_PEND_TIME, SIM_IC_CMD_WAIT_MS);
	}
	sim_ic_cmd_unlock(s);
	return ret;
}

/* icbad SERVICE KIND (SERVICE may be a full name, with spaces). */
static int sim_ic_cmd_bad(char *args)
{
	char *kind = strrchr(args, ' ');
	struct sim_ic *s;
	int probe, ret;

	if (!kind)
		return -EINVAL;
	*kind++ = '\0';
	s = sim_ic_lookup(args);
	probe = match_string(sim_ic_probe_names, ARRAY_SIZE(sim_ic_probe_names), kind);
	if (!s || probe < 0 ||
	    (probe >= SIM_PROBE_ABSURD && s != &sim_ic_svcs[SIM_IC_TIMESYNC]))
		return -EINVAL;
	if (sim_ic_cmd_lock(s))
		return -EINTR;
	if (!s->open) {
		ret = -ENOTCONN;
	} else if ((probe == SIM_PROBE_FUTURE || probe == SIM_PROBE_STALE) && !sim_ic_v4(s)) {
		ret = -EOPNOTSUPP;	/* they lie about the reference time: 4.0 only */
	} else if (probe == SIM_PROBE_NOCOMMON || probe == SIM_PROBE_RENEGOTIATE) {
		/* Real negotiations: their answers count. */
		s->nego_nocommon = probe == SIM_PROBE_NOCOMMON;
		ret = sim_ic_run(s, SIM_PEND_NEGOTIATE, SIM_IC_CMD_WAIT_MS);
	} else {
		s->probe = probe;
		ret = sim_ic_run(s, SIM_PEND_PROBE, SIM_IC_CMD_WAIT_MS);
	}
	sim_ic_cmd_unlock(s);
	return ret;
}

/*
 * One request of a data service (KVP, VSS, fcopy: @msgtype), for
 * ic_xact.c: queued behind whatever the service has outstanding, sent once
 * it is the service's turn, answered into @x.  Returns 0 when the guest
 * answered (its status in x->status), else as sim_ic_run() says.  Waits,
 * so never under sim_host_mutex.
 */
int sim_ic_transact(u16 msgtype, struct sim_ic_xact *x)
{
	struct sim_ic *s = NULL;
	unsigned int i, wait_ms;
	int ret;

	for (i = 0; i < SIM_IC_COUNT; i++)
		if (sim_ic_svcs[i].data && sim_ic_svcs[i].msgtype == msgtype)
			s = &sim_ic_svcs[i];
	if (!s || !x->req_len || x->req_len > SIM_IC_BODY_MAX || !x->timeout_ms)
		return -EINVAL;
	if (sim_ic_cmd_lock(s))
		return -EINTR;
	if (!s->negotiated) {
		ret = -ENOTCONN;
	} else {
		/*
		 * The request ahead of it (one a killed command left, or a
		 * bad packet's), then its own.
		 */
		wait_ms = SIM_IC_TIMEOUT_MS + x->timeout_ms + 1000;
		if (s->txn.req && s->txn.timeout_ms && time_before(jiffies, s->txn.deadline))
			wait_ms += jiffies_to_msecs(s->txn.deadline - jiffies);
		s->xact = x;
		ret = sim_ic_run(s, SIM_PEND_XACT, wait_ms);
		s->xact = NULL;
	}
	sim_ic_cmd_unlock(s);
	return ret;
}

/* The commands that wait for the guest: called without sim_host_mutex. */
int sim_ic_command(const char *cmd, char *args)
{
	if (!args)
		return -EINVAL;
	if (!strcmp(cmd, "shutdown"))
		return sim_ic_cmd_shutdown(args);
	if (!strcmp(cmd, "time"))
		return sim_ic_cmd_time(args);
	if (!strcmp(cmd, "icbad"))
		return sim_ic_cmd_bad(args);
	return -EINVAL;
}

/* --- status -------------------------------------------------------------------- */

static const char *sim_ic_primary(const struct sim_ic *s, unsigned long now)
{
	if (!s->enabled)
		return "-";
	if (s->nocommon)
		return "No Contact";
	if (s->negotiated && !s->lost &&
	    (s->msgtype != HVIS_IC_MSG_HEARTBEAT ||
	     time_before_eq(now, s->last_answer + SIM_IC_HB_MISSES * sim_ic_interval(s))))
		return "OK";
	return s->ever ? "Lost Communication" : "No Contact";
}

static void sim_ic_secondary(const struct sim_ic *s, char *buf, size_t size)
{
	struct hvis_ic_version have = s->msg, best = s->msg_max;

	buf[0] = '\0';
	if (!s->enabled)
		return;
	if (!sim_ic_speaks(s)) {
		snprintf(buf, size, "Not offered by this host (%s)", sim_profile_name());
		return;
	}
	if (s->nocommon) {
		strscpy(buf, "no common protocol version", size);
		return;
	}
	if (!s->negotiated)
		return;
	/* The message version says the most; the framework if that one is current. */
	if (sim_icv(have) >= sim_icv(best)) {
		have = s->fw;
		best = s->fw_max;
	}
	if (sim_icv(have) < sim_icv(best))
		snprintf(buf, size,
			 "Protocol version mismatch: negotiated %u.%u, host offers up to %u.%u",
			 have.major, have.minor, best.major, best.minor);
}

/*
 * debugfs ics: one line per service, tab-separated:
 * Name Enabled Primary Secondary fw msg relid sent answered bad
 */
static int sim_ics_show(struct seq_file *f, void *unused)
{
	unsigned long now = jiffies;
	unsigned int i;
	char sec[96];

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		const struct sim_ic *s = &sim_ic_svcs[i];

		sim_ic_secondary(s, sec, sizeof(sec));
		seq_printf(f, "%s\t%s\t%s\t%s\t", s->name, s->enabled ? "True" : "False",
			   sim_ic_primary(s, now), sec);
		if (s->negotiated)
			seq_printf(f, "%u.%u\t%u.%u\t", s->fw.major, s->fw.minor, s->msg.major,
				   s->msg.minor);
		else
			seq_puts(f, "-\t-\t");
		if (s->offer_relid)
			seq_printf(f, "%u\t", s->offer_relid);
		else
			seq_puts(f, "-\t");
		seq_printf(f, "%llu\t%llu\t%llu\n", s->sent, s->answered, s->bad);
	}
	sim_ic_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_ics);

void sim_ic_debugfs(struct dentry *dir)
{
	debugfs_create_file("ics", 0400, dir, NULL, &sim_ics_fops);
	sim_ic_xact_debugfs(dir);
}

int sim_ic_init(void)
{
	unsigned int i;

	sim_ic_wq = alloc_workqueue("hvis_sim_ic", WQ_UNBOUND, 0);
	if (!sim_ic_wq)
		return -ENOMEM;
	/*
	 * The host's clock must not follow the guest's: both run in this
	 * kernel, and the guest sets its realtime clock from what we send.
	 * So the host keeps the real time of its load and moves on with the
	 * reference counter (the boot-time clock), which nobody sets.
	 */
	sim_ic_wall_base = div_u64(ktime_get_real_ns(), 100) - sim_ref_now();
	for (i = 0; i < SIM_IC_COUNT; i++) {
		INIT_DELAYED_WORK(&sim_ic_svcs[i].work, sim_ic_work);
		mutex_init(&sim_ic_svcs[i].cmd_lock);
		mutex_init(&sim_ic_svcs[i].send_lock);
	}
	return 0;
}

/* Before chan.c goes: the works send into its channels. */
void sim_ic_exit(void)
{
	unsigned int i;

	mutex_lock(&sim_ic_lock);
	sim_ic_dying = true;
	sim_ic_unlock();
	for (i = 0; i < SIM_IC_COUNT; i++) {
		cancel_delayed_work_sync(&sim_ic_svcs[i].work);
		mutex_destroy(&sim_ic_svcs[i].cmd_lock);
		mutex_destroy(&sim_ic_svcs[i].send_lock);
	}
	destroy_workqueue(sim_ic_wq);
}
