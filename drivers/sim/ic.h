/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the simulated host's integration services: the engine (ic.c)
 * and what it shares with the parts around it.  Each service's host side
 * is one struct sim_ic with an ops table (ic_heartbeat.c, ic_shutdown.c,
 * ic_timesync.c, ic_data.c); the broken-host probes are ic_probe.c's, the
 * Get-VMIntegrationService view ic_status.c's, the offers and the
 * enable/disable switch ic_offer.c's, the channel client ic_chan.c's.
 *
 * Locking: sim_host_mutex -> sim_chan_lock -> sim_ic_lock, and a
 * service's cmd_lock -> send_lock -> sim_chan_lock.  chan.c calls the
 * channel hooks with its lock held, so nothing calls chan.c under
 * sim_ic_lock: a service's work (or a command, see sim_ic_step()) builds
 * its request under the lock, drops it, then sends through
 * sim_chan_send_inband(), which refuses a channel closed (or closed and
 * opened again) in between.
 */
#ifndef _HVIS_SIM_IC_H
#define _HVIS_SIM_IC_H

#include <linux/completion.h>
#include <linux/compiler.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include <hvis/ic_wire.h>
#include <hvis/vmbus_wire.h>

#include "ic_versions.h"

#define SIM_IC_TIMEOUT_MS	2000	/* every request but shutdown */
#define SIM_IC_SHUTDOWN_MS	10000
/* A command waits for a request ahead of its own, then for its own. */
#define SIM_IC_CMD_WAIT_MS	(SIM_IC_TIMEOUT_MS + SIM_IC_SHUTDOWN_MS + 1000)
#define SIM_IC_REF_HZ		10000000LL	/* the reference counter: 100 ns */
#define SIM_IC_BODY_MAX		7428	/* the largest: KVP's IP information */
#define SIM_IC_PKT_MAX		(HVIS_IC_HDR_SIZE + SIM_IC_BODY_MAX)

/* What waits to go out, most urgent first. */
enum {
	SIM_PEND_NEGOTIATE	= BIT(0),
	SIM_PEND_PROBE		= BIT(1),	/* icbad */
	SIM_PEND_CMD		= BIT(2),	/* a command's request (shutdown, time, data) */
	SIM_PEND_FOLLOWUP	= BIT(3),	/* what a negotiation calls for (the SYNC) */
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

/* The broken packets of icbad; see sim_ic_build_probe(). */
#define SIM_IC_JUNK_BYTES	6000	/* more than a util service's 4096-byte packets */
enum sim_ic_probe {
	SIM_PROBE_TINY,
	SIM_PROBE_OVERRUN,
	SIM_PROBE_UNKNOWN,
	SIM_PROBE_SHORT,
	SIM_PROBE_NEGCOUNT,
	SIM_PROBE_NEGSHORT,
	SIM_PROBE_NOCOMMON,
	SIM_PROBE_RENEGOTIATE,
	SIM_PROBE_BIGCOMP,	/* junk the guest must read past, then an unknown type */
	SIM_PROBE_ABSURD,	/* from here on: Time Synchronization only */
	SIM_PROBE_FUTURE,
	SIM_PROBE_STALE,
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

/*
 * The data services (KVP, VSS, fcopy): sim_ic_transact() sends one request
 * and waits for its answer.  ic_xact.c builds them (the debugfs files kvp,
 * vss and fcopy) and tells ic_data.c, under sim_ic_lock, whether an answer
 * makes sense and what to log.
 */
struct sim_ic_xact {
	const void *req;		/* the body to send */
	u32 req_len;
	unsigned int timeout_ms;	/* how long the guest may take */
	bool quiet;			/* log only a failure (bulk data) */
	void *ans;			/* room for the answer's body */
	u32 ans_size;
	u32 ans_len;			/* out: the body, cut to ans_size */
	u32 status;			/* out: the guest's status */
};

struct dentry;
struct sim_ic;

/*
 * One service's host side; every hook is called under sim_ic_lock and may
 * be NULL where it says so.
 */
struct sim_ic_ops {
	/* The request of pending bit @pend (SIM_PEND_CMD or _FOLLOWUP), into s->pkt. */
	u32 (*build)(struct sim_ic *s, unsigned int pend, unsigned long now);
	/* The request due every *interval_ms once negotiated (NULL: none). */
	u32 (*periodic)(struct sim_ic *s);
	const unsigned int *interval_ms;
	/* The guest agreed on versions (NULL: nothing follows). */
	void (*negotiated)(struct sim_ic *s);
	/* The answer to one of the service's own requests (not NEGOTIATE or a probe). */
	int (*answer)(struct sim_ic *s, const struct hvis_ic_msg *m);
	/* How long the guest may take for the service's request (NULL: the default). */
	unsigned int (*timeout_ms)(const struct sim_ic *s);
	/* Whether the guest still counts as talking (NULL: while negotiated). */
	bool (*responsive)(const struct sim_ic *s, unsigned long now);
	void (*init)(void);
	bool data;	/* requests come from ic_xact.c; NEGOTIATE may wait for a daemon */
};

struct sim_ic {
	enum sim_ic_id id;
	const char *name;		/* as Get-VMIntegrationService says it */
	const char *alias;		/* the short name of the commands */
	guid_t class_id;
	guid_t instance_id;
	u16 msgtype;
	const struct sim_ic_ops *ops;
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

extern struct mutex sim_ic_lock;	/* the services' state, the clock offset */
extern struct sim_ic sim_ic_heartbeat, sim_ic_kvp, sim_ic_shutdown, sim_ic_timesync,
		     sim_ic_vss, sim_ic_fcopy;
extern const char * const sim_ic_req_names[];

static inline u32 sim_icv(struct hvis_ic_version v)
{
	return (u32)v.major << 16 | v.minor;
}

static inline bool sim_ic_v4(const struct sim_ic *s)
{
	return s->negotiated && s->msg.major >= 4;
}

/* ic.c: the engine. */
struct sim_ic *sim_ic_svc(unsigned int id);
struct sim_ic *sim_ic_lookup(const char *name);
void sim_ic_unlock(void);
__printf(2, 3) void sim_ic_log(const struct sim_ic *s, const char *fmt, ...);
__printf(2, 3) int sim_ic_bad(struct sim_ic *s, const char *fmt, ...);
const struct sim_ic_version_list *sim_ic_offer(const struct sim_ic *s,
					       const struct sim_ic_version_list **fw);
bool sim_ic_speaks(const struct sim_ic *s);
unsigned long sim_ic_interval(const struct sim_ic *s);
void sim_ic_kick(struct sim_ic *s, unsigned long delay);
void sim_ic_disconnect(struct sim_ic *s);
void sim_ic_forget(struct sim_ic *s, bool counters);
void sim_ic_answer(struct sim_ic *s, const struct hvis_pkt_desc *d,
		   const struct hvis_ic_msg *m, u32 len);
u32 sim_ic_start(struct sim_ic *s, u16 msgtype, u32 body);
int sim_ic_answer_status(struct sim_ic *s, const struct hvis_ic_msg *m);
int sim_ic_cmd_lock(struct sim_ic *s);
void sim_ic_cmd_unlock(struct sim_ic *s);
int sim_ic_run(struct sim_ic *s, unsigned int pend, unsigned int wait_ms);
int sim_ic_run_negotiated(struct sim_ic *s, unsigned int pend, unsigned int wait_ms);

/* The commands that wait for the guest, and their services. */
int sim_ic_cmd_shutdown(char *args);
int sim_ic_cmd_time(char *args);
int sim_ic_cmd_bad(char *args);

/* ic_timesync.c: a time message; ic_probe.c sends broken ones too. */
u32 sim_ic_build_time(struct sim_ic *s, const char *what, u8 flags, bool zero, s64 shift);

/* ic_probe.c */
u32 sim_ic_build_probe(struct sim_ic *s);
int sim_ic_on_probe(struct sim_ic *s, const struct hvis_ic_msg *m);

/* ic_data.c and ic_xact.c */
int sim_ic_transact(u16 msgtype, struct sim_ic_xact *x);
int sim_ic_xact_check(u16 msgtype, const void *req, u32 req_len, const void *ans, u32 ans_len,
		      u32 status, char *why, size_t size);
void sim_ic_xact_describe(u16 msgtype, const void *body, u32 len, char *buf, size_t size);
void sim_ic_xact_debugfs(struct dentry *dir);

/* ic_status.c */
void sim_ic_status_debugfs(struct dentry *dir);

#endif /* _HVIS_SIM_IC_H */
