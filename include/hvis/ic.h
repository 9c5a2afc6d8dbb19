/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The integration-component framework (hvis_ic): what a service driver
 * (heartbeat, shutdown, timesync, ...) writes, and what it gets for free.
 *
 * A service describes itself once: its message type, the framework and
 * message versions it speaks (best first), the smallest body it can use and
 * a handler.  The framework opens the channel, reads every packet, checks
 * the pipe and IC headers against the packet's length, answers NEGOTIATE,
 * refuses what the service does not know, calls the handler with a body of
 * at least the declared size and sends the answer back.  It also keeps the
 * counters shown under the device's ic/ directory in sysfs.
 */
#ifndef _HVIS_IC_H
#define _HVIS_IC_H

#include <linux/mutex.h>
#include <linux/types.h>

#include <hvis/ic_wire.h>
#include <hvis/vmbus.h>

struct hvis_ic;

struct hvis_ic_service {
	const char *name;			/* as the host calls it */
	u16 msgtype;				/* HVIS_IC_MSG_* */
	const struct hvis_ic_version *fw_versions;	/* best first */
	unsigned int nr_fw;
	const struct hvis_ic_version *msg_versions;	/* best first */
	unsigned int nr_msg;
	u32 min_body;			/* shorter messages are refused */
	u32 max_packet;			/* larger packets are dropped */
	/*
	 * One message of this service, after a successful negotiation.  @body
	 * may be rewritten in place: the whole packet goes back as the answer.
	 * @len is the body length the host declared, at least min_body.
	 * Returns the status of the answer (HVIS_IC_S_OK, HVIS_IC_E_FAIL...),
	 * or HVIS_IC_PENDING to answer later with hvis_ic_complete() (a
	 * daemon's turn): until then no further message is read.  Runs in
	 * process context under ic->io, one message at a time.
	 */
	u32 (*handle)(struct hvis_ic *ic, void *body, u32 len);
	/* Optional: after the answer is on its way (act only then). */
	void (*answered)(struct hvis_ic *ic, u32 status);
};

/* One service instance: a bound device. */
struct hvis_ic {
	struct hvis_device *dev;
	const struct hvis_ic_service *svc;
	void *priv;				/* the service's own */
	struct mutex lock;			/* the fields below */
	struct hvis_ic_version fw, msg;		/* negotiated */
	bool negotiated;
	u64 negotiations;
	u64 messages;				/* service messages answered */
	u64 errors;
	char last_error[96];
	struct mutex io;			/* the packet, the transaction */
	u8 *buf;				/* one packet */
	bool pending;				/* buf awaits hvis_ic_complete() */
	u32 pending_len;
	u64 pending_trans_id;
	struct work_struct resume;		/* reads on after a completion */
};

/* Not a status the host ever sees: handle() will answer later. */
#define HVIS_IC_PENDING		0xffffffffU

int hvis_ic_probe(struct hvis_device *dev, const struct hvis_ic_service *svc, void *priv);
void hvis_ic_remove(struct hvis_device *dev);
struct hvis_ic *hvis_ic_get(struct hvis_device *dev);

/*
 * A pending transaction (handle() returned HVIS_IC_PENDING), with ic->io
 * held: hvis_ic_pending_body() is its body to fill in (NULL if none is
 * pending); hvis_ic_complete() sends the answer with @status and reads on.
 * Returns false if nothing was pending (answered already, or never asked).
 * A service stops everything that completes before it calls
 * hvis_ic_remove().
 */
void *hvis_ic_pending_body(struct hvis_ic *ic);
bool hvis_ic_complete(struct hvis_ic *ic, u32 status);

/* Count an error and remember it; logged, ratelimited. */
__printf(2, 3) void hvis_ic_error(struct hvis_ic *ic, const char *fmt, ...);

/* The negotiated message version is at least @major.@minor. */
static inline bool hvis_ic_msg_at_least(const struct hvis_ic *ic, u16 major, u16 minor)
{
	return ic->msg.major > major || (ic->msg.major == major && ic->msg.minor >= minor);
}

/* ic/ in sysfs: set as the .driver.dev_groups of a service's driver. */
extern const struct attribute_group *hvis_ic_groups[];

/*
 * Pure helpers, also run by the KUnit suites.
 *
 * hvis_ic_check_hdr(): @len bytes of a packet from the host; is the IC
 * header there and does the body it declares fit?  Returns the body length
 * or a negative errno, with @why saying what is wrong.
 *
 * hvis_ic_negotiate(): answer the NEGOTIATE in @buf (a checked packet of
 * @len bytes) in place.  Picks, for framework and message versions each,
 * the first version of the guest's lists that the host also offers.
 * Returns 0 with the choice in @fw and @msg; -ENOENT if there is none (the
 * answer then carries no versions, which the host reads as "no common
 * version"); -EINVAL if the request is malformed (nothing was rewritten).
 */
int hvis_ic_check_hdr(const void *buf, u32 len, const char **why);
int hvis_ic_negotiate(void *buf, u32 len, const struct hvis_ic_version *fw_list,
		      unsigned int nr_fw, const struct hvis_ic_version *msg_list,
		      unsigned int nr_msg, struct hvis_ic_version *fw,
		      struct hvis_ic_version *msg);

#endif /* _HVIS_IC_H */
