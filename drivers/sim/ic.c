// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine of the simulated host's integration services: what Hyper-V
 * does behind every service's channel.  Each service's own requests and
 * answers are its ops table's (see ic.h); the engine negotiates, sends one
 * request at a time, times it out and wakes the command waiting for it.
 *
 * Per service one request at most is outstanding, as guests expect: the
 * NEGOTIATE when the guest opens the channel, then a heartbeat every
 * heartbeat_ms, or one SYNC and a SAMPLE every timesync_ms, with the ctl
 * file's commands (shutdown, time, icbad) and ic_xact.c's requests in
 * between.  Every request times out, so a guest that drops a packet or
 * answers nonsense never wedges the host; what it answered is recorded and
 * shown.  The one exception is the NEGOTIATE of the three data services
 * (ic_data.c says why).
 */
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>	/* 5.10-rt: DEFINE_MUTEX needs RB_ROOT_CACHED */
#include <linux/string.h>
#include <linux/workqueue.h>

#include <hvis/ic_wire.h>

#include "ic.h"
#include "sim.h"

#define SIM_IC_MIN_INTERVAL_MS	10
#define SIM_IC_ANSWER		(HVIS_IC_FLAG_TRANSACTION | HVIS_IC_FLAG_RESPONSE)

const char * const sim_ic_req_names[] = {
	[SIM_REQ_NONE] = "nothing", [SIM_REQ_NEGOTIATE] = "negotiate",
	[SIM_REQ_HEARTBEAT] = "heartbeat", [SIM_REQ_SHUTDOWN] = "shutdown",
	[SIM_REQ_TIMESYNC] = "timesync", [SIM_REQ_PROBE] = "bad packet",
	[SIM_REQ_XACT] = "request",
};

/* The six services, in the order the host offers them. */
static struct sim_ic *const sim_ic_svcs[SIM_IC_COUNT] = {
	[SIM_IC_HEARTBEAT] = &sim_ic_heartbeat,
	[SIM_IC_KVP] = &sim_ic_kvp,
	[SIM_IC_SHUTDOWN] = &sim_ic_shutdown,
	[SIM_IC_TIMESYNC] = &sim_ic_timesync,
	[SIM_IC_VSS] = &sim_ic_vss,
	[SIM_IC_FCOPY] = &sim_ic_fcopy,
};

/* nocommon: a version no guest speaks. */
static const struct sim_ic_version_list sim_ic_nine = { 1, { { 9, 0 } } };
static const struct sim_ic_version_list sim_ic_none;

DEFINE_MUTEX(sim_ic_lock);	/* the services' state, the clock offset */
static struct workqueue_struct *sim_ic_wq;
static bool sim_ic_dying;

/* Drop sim_ic_lock, then wake the commands whose requests ended meanwhile. */
void sim_ic_unlock(void)
{
	struct sim_ic_waiter *done[SIM_IC_COUNT];
	unsigned int i, n = 0;

	for (i = 0; i < SIM_IC_COUNT; i++) {
		if (sim_ic_svcs[i]->finished)
			done[n++] = sim_ic_svcs[i]->finished;
		sim_ic_svcs[i]->finished = NULL;
	}
	mutex_unlock(&sim_ic_lock);
	for (i = 0; i < n; i++)
		complete(&done[i]->done);
}

/* Every line names the service and channel, after what happened. */
void sim_ic_log(const struct sim_ic *s, const char *fmt, ...)
{
	struct va_format vaf = { .fmt = fmt };
	va_list ap;

	va_start(ap, fmt);
	vaf.va = &ap;
	sim_log("%pV [%s relid=%u]", &vaf, s->alias, s->relid);
	va_end(ap);
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
const struct sim_ic_version_list *
sim_ic_offer(const struct sim_ic *s, const struct sim_ic_version_list **fw)
{
	const struct sim_ic_profile_versions *pv = sim_ic_versions_of(sim_profile_name());

	/* A profile outside the table (none is) offers nothing, and says so. */
	if (!pv) {
		*fw = &sim_ic_none;
		return &sim_ic_none;
	}
	*fw = &pv->framework;
	return pv->message[s->id].count ? &pv->message[s->id] : NULL;
}

bool sim_ic_speaks(const struct sim_ic *s)
{
	const struct sim_ic_version_list *fw;

	return sim_ic_offer(s, &fw);
}

struct sim_ic *sim_ic_svc(unsigned int id)
{
	return sim_ic_svcs[id];
}

struct sim_ic *sim_ic_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < SIM_IC_COUNT; i++)
		if (!strcasecmp(name, sim_ic_svcs[i]->alias) ||
		    !strcasecmp(name, sim_ic_svcs[i]->name))
			return sim_ic_svcs[i];
	return NULL;
}

static bool sim_ic_periodic(const struct sim_ic *s)
{
	return s->negotiated && s->ops->periodic;
}

unsigned long sim_ic_interval(const struct sim_ic *s)
{
	unsigned int ms = READ_ONCE(*s->ops->interval_ms);

	return msecs_to_jiffies(max_t(unsigned int, ms, SIM_IC_MIN_INTERVAL_MS));
}

/*
 * How long the host waits for an answer: as the service says for its own
 * requests, and without end for a data service's NEGOTIATE.
 */
static unsigned int sim_ic_timeout_ms(const struct sim_ic *s, enum sim_ic_req req)
{
	if (req == SIM_REQ_NEGOTIATE && s->ops->data)
		return 0;
	if (req != SIM_REQ_NEGOTIATE && req != SIM_REQ_PROBE && s->ops->timeout_ms)
		return s->ops->timeout_ms(s);
	return SIM_IC_TIMEOUT_MS;
}

/* Run the service's work after @delay jiffies (sooner if already due). */
void sim_ic_kick(struct sim_ic *s, unsigned long delay)
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
void sim_ic_disconnect(struct sim_ic *s)
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
void sim_ic_forget(struct sim_ic *s, bool counters)
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

int sim_ic_bad(struct sim_ic *s, const char *fmt, ...)
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

/* Pipe and IC headers of a request with @body bytes of (zeroed) body. */
u32 sim_ic_start(struct sim_ic *s, u16 msgtype, u32 body)
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

/*
 * With nothing outstanding: build the next request into s->pkt and set up
 * s->txn.  Returns its length, 0 if nothing is due.
 */
static u32 sim_ic_next(struct sim_ic *s, unsigned long now)
{
	const unsigned int needs_versions = ~(SIM_PEND_NEGOTIATE | SIM_PEND_PROBE);
	const struct sim_ic_version_list *fw, *msg;
	struct sim_ic_txn *t = &s->txn;
	unsigned int pend = 0;
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
	} else if (s->pending) {
		/* The service's own, the command's first. */
		pend = s->pending & -s->pending;
		len = s->ops->build(s, pend, now);
	} else if (sim_ic_periodic(s) && time_after_eq(now, s->next_periodic)) {
		len = s->ops->periodic(s);
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
	if (req != SIM_REQ_PROBE && (req == SIM_REQ_NEGOTIATE || !s->ops->responsive) && s->ever)
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
	u32 relid, len = 0, junk;
	u64 gen, trans_id;
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
	junk = s->txn.req == SIM_REQ_PROBE && s->txn.probe == SIM_PROBE_BIGCOMP ?
	       SIM_IC_JUNK_BYTES : 0;
	sim_ic_rearm(s, now);
	sim_ic_unlock();
	if (!len)
		goto out;

	ret = sim_chan_send_inband(relid, gen, s->pkt, len, trans_id, junk);
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
	if (s->ops->negotiated)
		s->ops->negotiated(s);
	sim_ic_log(s, "G->H IC negotiate fw=%u.%u msg=%u.%u", fw.major, fw.minor, msg.major,
		   msg.minor);
	return 0;
}

/* The answer to a request whose status says all: shutdown, time. */
int sim_ic_answer_status(struct sim_ic *s, const struct hvis_ic_msg *m)
{
	sim_ic_log(s, "G->H IC %s status=%#x", sim_ic_req_names[s->txn.req], m->ic.status);
	return m->ic.status == HVIS_IC_S_OK ? 0 : -EIO;
}

/* A packet from the guest: the answer to the outstanding request, or bad. */
void sim_ic_answer(struct sim_ic *s, const struct hvis_pkt_desc *d, const struct hvis_ic_msg *m,
		   u32 len)
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
	else if (t->req == SIM_REQ_PROBE)
		ret = sim_ic_on_probe(s, m);
	else
		ret = s->ops->answer(s, m);

	if (ret != -EPROTO) {
		s->answered++;
		s->lost = false;	/* it talks again */
	}
	if (ours)
		sim_ic_done(s, ret);
}

/*
 * Queue request @pend (its parameters set; s->cmd_lock and sim_ic_lock
 * held) and wait up to @wait_ms for its outcome: 0 when the guest answered
 * OK (a data request: answered at all), -EIO when it answered with a
 * failure status, -EPROTO when the answer was malformed, -ETIMEDOUT,
 * -ENOTCONN when the channel went away first, -EINTR when the caller was
 * killed meanwhile (the request still runs its course, unwatched).
 */
int sim_ic_run(struct sim_ic *s, unsigned int pend, unsigned int wait_ms)
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

/* A command's request on a service that must be negotiated first. */
int sim_ic_run_negotiated(struct sim_ic *s, unsigned int pend, unsigned int wait_ms)
{
	return s->negotiated ? sim_ic_run(s, pend, wait_ms) : -ENOTCONN;
}

/* A command's locks: a second command on the service waits its turn. */
int sim_ic_cmd_lock(struct sim_ic *s)
{
	if (mutex_lock_interruptible(&s->cmd_lock))
		return -EINTR;
	mutex_lock(&sim_ic_lock);
	return 0;
}

void sim_ic_cmd_unlock(struct sim_ic *s)
{
	sim_ic_unlock();
	mutex_unlock(&s->cmd_lock);
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

void sim_ic_debugfs(struct dentry *dir)
{
	sim_ic_status_debugfs(dir);
	sim_ic_xact_debugfs(dir);
}

int sim_ic_init(void)
{
	unsigned int i;

	sim_ic_wq = alloc_workqueue("hvis_sim_ic", WQ_UNBOUND, 0);
	if (!sim_ic_wq)
		return -ENOMEM;
	for (i = 0; i < SIM_IC_COUNT; i++) {
		struct sim_ic *s = sim_ic_svcs[i];

		if (s->ops->init)
			s->ops->init();
		INIT_DELAYED_WORK(&s->work, sim_ic_work);
		mutex_init(&s->cmd_lock);
		mutex_init(&s->send_lock);
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
		cancel_delayed_work_sync(&sim_ic_svcs[i]->work);
		mutex_destroy(&sim_ic_svcs[i]->cmd_lock);
		mutex_destroy(&sim_ic_svcs[i]->send_lock);
	}
	destroy_workqueue(sim_ic_wq);
}
