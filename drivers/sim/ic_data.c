// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of the data services, Data Exchange (KVP), Backup (VSS)
 * and the Guest Service Interface (Copy-VMFile): the transport of their
 * requests.  ic_xact.c builds a request and checks its answer; here it
 * goes out as one transaction once it is the service's turn.  A guest may
 * leave a data service's NEGOTIATE unread until its daemon is up (Linux's
 * KVP does), so the host waits for that one as long as the channel stays
 * open.
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <hvis/ic_wire.h>

#include "ic.h"

/* A data service's request: the body the command wrote, under our headers. */
static u32 sim_ic_build_xact(struct sim_ic *s, unsigned int pend, unsigned long now)
{
	const struct sim_ic_xact *x = s->xact;
	u32 len = sim_ic_start(s, s->msgtype, x->req_len);
	char what[192];

	s->txn.req = SIM_REQ_XACT;
	memcpy(((struct hvis_ic_msg *)s->pkt)->body, x->req, x->req_len);
	if (!x->quiet) {
		sim_ic_xact_describe(s->msgtype, x->req, x->req_len, what, sizeof(what));
		sim_ic_log(s, "H->G IC %s", what);
	}
	return len;
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

/* As long as ic_xact.c says. */
static unsigned int sim_ic_xact_timeout(const struct sim_ic *s)
{
	return s->xact->timeout_ms;
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
	struct sim_ic *const svcs[] = { &sim_ic_kvp, &sim_ic_vss, &sim_ic_fcopy };
	unsigned int i, wait_ms;
	struct sim_ic *s = NULL;
	int ret;

	for (i = 0; i < ARRAY_SIZE(svcs); i++)
		if (svcs[i]->msgtype == msgtype)
			s = svcs[i];
	if (!s || !x->req_len || x->req_len > SIM_IC_BODY_MAX || !x->timeout_ms)
		return -EINVAL;
	if (sim_ic_cmd_lock(s))
		return -EINTR;
	/* The request ahead of it (one a killed command left, or a bad packet's), then its own. */
	wait_ms = SIM_IC_TIMEOUT_MS + x->timeout_ms + 1000;
	if (s->txn.req && s->txn.timeout_ms && time_before(jiffies, s->txn.deadline))
		wait_ms += jiffies_to_msecs(s->txn.deadline - jiffies);
	s->xact = x;
	ret = sim_ic_run_negotiated(s, SIM_PEND_CMD, wait_ms);
	s->xact = NULL;
	sim_ic_cmd_unlock(s);
	return ret;
}

static const struct sim_ic_ops sim_ic_data_ops = {
	.build		= sim_ic_build_xact,
	.answer		= sim_ic_on_xact,
	.timeout_ms	= sim_ic_xact_timeout,
	.data		= true,
};

#define SIM_IC_DATA(i, nm, al, type, ...)					\
	{ .id = (i), .name = (nm), .alias = (al), .msgtype = HVIS_IC_MSG_##type,	\
	  .class_id = HVIS_IC_##type##_CLASS, .instance_id = GUID_INIT(__VA_ARGS__),	\
	  .ops = &sim_ic_data_ops }

struct sim_ic sim_ic_kvp = SIM_IC_DATA(SIM_IC_KVP, "Key-Value Pair Exchange", "kvp", KVP,
				       0x242ff919, 0x07db, 0x4180, 0x9c, 0x2e,
				       0xb8, 0x6c, 0xb6, 0x8c, 0x8c, 0x55);
struct sim_ic sim_ic_vss = SIM_IC_DATA(SIM_IC_VSS, "VSS", "vss", VSS,
				       0x2450ee40, 0x33bf, 0x4fbd, 0x89, 0x2e,
				       0x9f, 0xb0, 0x6e, 0x92, 0x14, 0xcf);
struct sim_ic sim_ic_fcopy = SIM_IC_DATA(SIM_IC_FCOPY, "Guest Service Interface", "fcopy", FCOPY,
					 0xeb765408, 0x105f, 0x49b6, 0xb4, 0xaa,
					 0xc1, 0x23, 0xb6, 0x4d, 0x17, 0xd4);
