/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The integration-component framework (hvis_ic): what a service driver
 * (heartbeat, shutdown, timesync, ...) writes, and what it gets for free.
 *
 * A service describes itself once: its message type, the framework and
 * message versions it speaks (best first), the smallest body it can use, the
 * size of its private state and a handler.  The framework registers the
 * driver, allocates the state, opens the channel, reads every packet, checks
 * the pipe and IC headers against the packet's length, answers NEGOTIATE,
 * refuses what the service does not know, calls the handler with a body of
 * at least the declared size and sends the answer back.  It also keeps the
 * counters shown under the device's ic/ directory in sysfs.
 *
 * A service whose answers come from a userspace daemon (KVP, VSS, file copy)
 * gives a relay instead of a handler: see struct hvis_ic_relay_ops.
 */
#ifndef _HVIS_IC_H
#define _HVIS_IC_H

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include <hvis/guid.h>
#include <hvis/ic_wire.h>
#include <hvis/param.h>

struct attribute_group;
struct device_attribute;
struct hvis_ic;
struct hvis_ic_bus;
struct hvis_ic_daemon;

/*
 * One host request on its way to the daemon, filled in by the service's
 * request(): the message the daemon reads (copied when queued), how long it
 * may take to answer (preset from the relay's timeout_ms; 0 counts as 1),
 * and the request's name for the log.
 */
struct hvis_ic_relay_req {
	const void *msg;
	size_t len;
	unsigned int timeout_ms;
	const char *what;
};

/*
 * A service whose answers come from a daemon, through /dev/vmbus/<devname>.
 * The relay in the framework owns the device, the daemon's state, the
 * deadline and every rule of the exchange (README, "The daemon relay"); the
 * service only translates.  All callbacks run under ic->io.
 */
struct hvis_ic_relay_ops {
	const char *devname;
	size_t write_size;		/* every write() of the daemon: exactly this */
	unsigned int *timeout_ms;	/* the module's daemon_timeout_ms */
	/*
	 * The first write of a daemon: its registration, @buf of write_size
	 * bytes.  Returns a negative errno to refuse it (the write fails so),
	 * 0 if the daemon is ready at once (a legacy protocol), or the length of
	 * the answer at *@answer: the daemon is ready once it has read that.
	 */
	int (*reg)(struct hvis_ic *ic, const void *buf, const void **answer);
	/*
	 * A host request of @len body bytes: either a status to answer at once
	 * (@body may be rewritten), or HVIS_IC_PENDING with @req filled in to
	 * forward it.  Without a registered daemon a forwarded request fails.
	 */
	u32 (*request)(struct hvis_ic *ic, void *body, u32 len, struct hvis_ic_relay_req *req);
	/* The daemon's answer @buf (write_size bytes) into @body: the host's status. */
	u32 (*answer)(struct hvis_ic *ic, void *body, const void *buf);
	/* Optional: the daemon has closed the device (or died). */
	void (*gone)(struct hvis_ic *ic);
};

/*
 * A reg hook's body for a daemon that registers by one number, @got:
 * *@current_number is answered with itself, @legacy makes the daemon ready
 * at once without an answer, anything else is refused (one ratelimited
 * line).
 */
int hvis_ic_relay_register_number(struct hvis_ic *ic, u32 got, const u32 *current_number,
				  u32 legacy, const void **answer);

/*
 * The relay of a service whose hooks are <prefix>_register, _request and
 * _answer, named <prefix>_relay, whose deadline is the module's parameter
 * daemon_timeout_ms (HVIS_PARAM_UINT): the names say which hook is which,
 * so a service spells out only its device, the size of the daemon's writes
 * and its optional gone hook.
 */
#define HVIS_IC_RELAY_OPS(prefix, _devname, _write_size, _gone)		\
	static const struct hvis_ic_relay_ops prefix##_relay = {		\
		.devname = (_devname), .write_size = (_write_size),		\
		.timeout_ms = &hvis_param_daemon_timeout_ms,			\
		.reg = prefix##_register, .request = prefix##_request,		\
		.answer = prefix##_answer, .gone = (_gone),			\
	}

enum hvis_ic_daemon_state {
	HVIS_IC_DAEMON_NONE,		/* no daemon, or it has not registered */
	HVIS_IC_DAEMON_REGISTERING,	/* registered; the answer awaits its read() */
	HVIS_IC_DAEMON_READY,
};

enum hvis_ic_relay_txn {
	HVIS_IC_RELAY_IDLE,
	HVIS_IC_RELAY_QUEUED,		/* the request awaits the daemon's read() */
	HVIS_IC_RELAY_WITH_DAEMON,	/* read: its answer is due */
};

/* The relay's state, in struct hvis_ic.  Under ic->io but for the work. */
struct hvis_ic_relay {
	struct hvis_ic_daemon *daemon;
	struct delayed_work timeout;
	bool going;			/* being removed: nothing is forwarded */
	bool told;			/* the log said there is no daemon */
	enum hvis_ic_daemon_state state;
	enum hvis_ic_relay_txn txn;
	u64 tag;			/* of the message queued last */
	unsigned int owed;		/* answers to requests that failed meanwhile */
	unsigned int timeout_ms;	/* of the request in flight ... */
	unsigned long deadline;		/* ... due then (jiffies) */
	const char *what;
	u64 forwarded, answered, timeouts, no_daemon, late;
};

struct hvis_ic_service {
	const char *name;			/* as the host calls it */
	const char *drv_name;			/* the driver's, on either bus */
	guid_t class;				/* the channel class it binds */
	u16 msgtype;				/* HVIS_IC_MSG_* */
	const struct hvis_ic_version *fw_versions;	/* best first */
	unsigned int nr_fw;
	const struct hvis_ic_version *msg_versions;	/* best first */
	unsigned int nr_msg;
	u32 min_body;			/* shorter messages are refused */
	u32 max_packet;			/* larger packets are dropped; 0: 4096 */
	size_t priv_size;		/* ic->priv: zeroed, freed by the framework */
	/* Optional: before the channel opens (an error fails the probe) ... */
	int (*init)(struct hvis_ic *ic);
	/* ... and after it has closed. */
	void (*exit)(struct hvis_ic *ic);
	/*
	 * One message of this service, after a successful negotiation.  @body
	 * may be rewritten in place: the whole packet goes back as the answer.
	 * @len is the body length the host declared, at least min_body.
	 * Returns the status of the answer (HVIS_IC_S_OK, HVIS_IC_E_FAIL...).
	 * Runs in process context under ic->io, one message at a time.
	 * Services with a relay have none.
	 */
	u32 (*handle)(struct hvis_ic *ic, void *body, u32 len);
	/* Optional: after the answer is on its way (act only then). */
	void (*answered)(struct hvis_ic *ic, u32 status);
	const struct hvis_ic_relay_ops *relay;
	const struct attribute_group **dev_groups;	/* besides ic/ */
	/* The framework's, from hvis_ic_register(). */
	struct module *owner;
	struct list_head node;
};

/* One service instance: a bound device. */
struct hvis_ic {
	struct device *dev;			/* on whichever bus */
	const struct hvis_ic_bus *bus;		/* its channel's operations */
	void *chan;				/* ... and the channel */
	const struct hvis_ic_service *svc;
	void *priv;				/* the service's own */
	struct mutex lock;			/* the fields below */
	struct hvis_ic_version fw, msg;		/* negotiated */
	bool negotiated;
	u64 negotiations;
	u64 messages;				/* service messages answered */
	u64 errors;
	char last_error[96];
	struct mutex io;			/* the packet, the transaction, the relay */
	u8 *buf;				/* one packet */
	bool pending;				/* buf awaits hvis_ic_complete() */
	u32 pending_len;
	u64 pending_trans_id;
	struct work_struct resume;		/* reads on after a completion */
	bool closing;				/* unbinding: read nothing, queue nothing */
	struct hvis_ic_relay relay;
};

/* Not a status the host ever sees: the relay will answer later. */
#define HVIS_IC_PENDING		0xffffffffU

int __hvis_ic_register(struct hvis_ic_service *svc, struct module *owner);
void hvis_ic_unregister(struct hvis_ic_service *svc);
#define hvis_ic_register(svc)	__hvis_ic_register(svc, THIS_MODULE)

/*
 * In a struct hvis_ic_service: which service it is (the KVP of
 * HVIS_IC_MSG_KVP and HVIS_IC_KVP_CLASS), what the host calls it and its
 * version lists (best first), arrays by name: ARRAY_SIZE() spelt out with
 * sizeof, which evaluates neither.  Its driver has the module's name on
 * every bus: one module, one service.
 */
#define HVIS_IC_SERVICE(_kind, _name, _fw, _msg)				\
	.name = (_name), .drv_name = KBUILD_MODNAME,				\
	.msgtype = HVIS_IC_MSG_##_kind, .class = HVIS_IC_##_kind##_CLASS,	\
	.fw_versions = (_fw),							\
	.nr_fw = sizeof(_fw) / sizeof((_fw)[0]) + __must_be_array(_fw),		\
	.msg_versions = (_msg),							\
	.nr_msg = sizeof(_msg) / sizeof((_msg)[0]) + __must_be_array(_msg)

/* Packets of the services that leave max_packet 0: their messages are small. */
#define HVIS_IC_MAX_PACKET	4096

/*
 * A module that is one service, @__svc of kind @_kind (as HVIS_IC_SERVICE
 * has it): loading registers it, unloading removes it.  With its modinfo
 * and the aliases udev loads it by, on either bus, from its class's field
 * list (hvis/guid.h) and its guid_t: hvis's own ("hvis_vmbus:<class>") and
 * the kernel's ("vmbus:<class bytes>", which hv_utils answers too: README,
 * "Living beside the in-tree stack").  The bindings carry the same, so one
 * event loads the binding and the service, whichever of them is missing.
 */
#define module_hvis_ic_service(__svc, _kind, _desc)				\
	static const struct hv_vmbus_device_id hvis_ic_alias_ids[] = {		\
		{ .guid = HVIS_IC_##_kind##_CLASS }, {}				\
	};									\
	MODULE_DEVICE_TABLE(vmbus, hvis_ic_alias_ids);				\
	MODULE_ALIAS(HVIS_IC_##_kind##_ID(HVIS_MODALIAS));			\
	module_driver(__svc, hvis_ic_register, hvis_ic_unregister);		\
	MODULE_DESCRIPTION(_desc);						\
	MODULE_LICENSE("GPL");							\
	MODULE_VERSION(HVIS_VERSION)

/* The VMBus version the device's bus negotiated, (major << 16) | minor. */
u32 hvis_ic_vmbus_version(const struct hvis_ic *ic);
/* The partition reference counter (100 ns units), as the device's bus reads it. */
u64 hvis_ic_ref_counter(const struct hvis_ic *ic);

/* Count an error and remember it; logged, ratelimited. */
__printf(2, 3) void hvis_ic_error(struct hvis_ic *ic, const char *fmt, ...);

/* The negotiated message version is at least @major.@minor. */
static inline bool hvis_ic_msg_at_least(const struct hvis_ic *ic, u16 major, u16 minor)
{
	return ic->msg.major > major || (ic->msg.major == major && ic->msg.minor >= minor);
}

/*
 * The relay's daemon state and counters as sysfs shows them in ic/, for a
 * service that shows them elsewhere too (kvp/): the attribute's name is
 * one of daemon, forwarded, answered, timeouts, no_daemon, late.
 */
ssize_t hvis_ic_relay_show(struct device *dev, struct device_attribute *attr, char *buf);

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
