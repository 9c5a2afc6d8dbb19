// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's side of the VMBus connection and its offers.  A profile fixes
 * which VMBus versions the host accepts; it answers INITIATE_CONTACT,
 * sends the offers on REQUESTOFFERS, and honours UNLOAD and
 * RELID_RELEASED.  The channel messages go to chan.c.  Everything here
 * runs under sim_host_mutex: the messages the guest posted (hv.c's work
 * item hands them over one at a time) and the ctl file's commands.
 */
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <hvis/vmbus_wire.h>

#include "sim.h"

#define SIM_MSG_CONN_ID		1	/* what VERSION_RESPONSE hands out */

struct sim_profile {
	const char *name;
	u32 max_version;
};

static const struct sim_profile sim_profiles[] = {
	{ "WS2008",	HVIS_VMBUS_WS2008 },
	{ "WS2008R2",	HVIS_VMBUS_WIN7 },
	{ "WS2012",	HVIS_VMBUS_WIN8 },
	{ "WS2012R2",	HVIS_VMBUS_WIN8_1 },
	{ "WS2016",	HVIS_VMBUS_WIN10 },
	{ "4.1",	HVIS_VMBUS_WIN10_V4_1 },
	{ "5.0",	HVIS_VMBUS_WIN10_V5 },
	{ "5.1",	HVIS_VMBUS_WIN10_V5_1 },
	{ "WS2019",	HVIS_VMBUS_WIN10_V5_2 },
	{ "WS2022",	HVIS_VMBUS_WIN10_V5_3 },
	{ "6.0",	HVIS_VMBUS_V6_0 },
};

/* Every version a host accepts is a known one at or below its newest. */
static const u32 sim_known_versions[] = {
	HVIS_VMBUS_WS2008, HVIS_VMBUS_WIN7, HVIS_VMBUS_WIN8, HVIS_VMBUS_WIN8_1,
	HVIS_VMBUS_WIN10, HVIS_VMBUS_WIN10_V4_1, HVIS_VMBUS_WIN10_V5,
	HVIS_VMBUS_WIN10_V5_1, HVIS_VMBUS_WIN10_V5_2, HVIS_VMBUS_WIN10_V5_3,
	HVIS_VMBUS_V6_0,
};

enum sim_offer_state {
	SIM_FREE,		/* relid unused */
	SIM_READY,		/* offered once the guest asks */
	SIM_OFFERED,		/* sent to the guest */
	SIM_RESCINDED,		/* rescind sent, waiting for RELID_RELEASED */
	SIM_REFUSED,		/* the guest released it without a rescind */
};

static const char * const sim_state_names[] = {
	[SIM_FREE] = "free", [SIM_READY] = "ready", [SIM_OFFERED] = "offered",
	[SIM_RESCINDED] = "rescinded", [SIM_REFUSED] = "refused",
};

/* Indexed by relid - 1. */
struct sim_offer {
	struct hvis_chanmsg_offer offer;
	enum sim_offer_state state;
};

static const struct sim_profile *sim_prof;
static struct sim_offer *sim_offers;	/* SIM_MAX_OFFERS, by relid - 1 */
DEFINE_MUTEX(sim_host_mutex);	/* the host's side: offers, profile, connection */

/* Called with sim_host_mutex held (from the host's message handling). */
bool sim_relid_offered(u32 relid, const guid_t **class_id)
{
	if (!relid || relid > SIM_MAX_OFFERS || sim_offers[relid - 1].state != SIM_OFFERED)
		return false;
	if (class_id)
		*class_id = &sim_offers[relid - 1].offer.if_type;
	return true;
}

const char *sim_profile_name(void)
{
	return READ_ONCE(sim_prof)->name;
}

u32 sim_host_max_version(void)
{
	return READ_ONCE(sim_prof)->max_version;
}

static bool sim_accepts(u32 version)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(sim_known_versions); i++)
		if (sim_known_versions[i] == version)
			return version <= sim_prof->max_version;
	return false;
}

/* The guest is gone: every channel is offered afresh to the next one. */
static void sim_reset_offers(void)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		struct sim_offer *o = &sim_offers[i];

		if (o->state == SIM_RESCINDED)
			o->state = SIM_FREE;
		else if (o->state != SIM_FREE)
			o->state = SIM_READY;
	}
}

static void sim_send_offers(void);

/*
 * A broken host (the "early" command): at INITIATE_CONTACT it offers every
 * channel before its VERSION_RESPONSE, whether it then accepts the version,
 * refuses it or, muted, never answers.  Under sim_host_mutex.
 */
static bool sim_early_offers;

void sim_host_set_early(bool on)
{
	sim_early_offers = on;
}

static void sim_on_initiate_contact(const struct hvis_chanmsg_initiate_contact *ic, u32 conn_id)
{
	struct hvis_chanmsg_version_response resp = {
		.hdr.msgtype = HVIS_CHANMSG_VERSION_RESPONSE,
	};
	u32 v = ic->vmbus_version_requested;
	bool ok, again;

	/*
	 * Reconnecting (UNLOAD, then a new contact; or a new contact from a
	 * kexec'd or crash kernel) came with WS2012R2, VMBus 3.0.  An older
	 * host keeps the connection it has for the life of the VM and
	 * refuses another; so Linux never unloads from one.
	 */
	again = sim_version() && sim_prof->max_version < HVIS_VMBUS_WIN8_1;
	/* >= 5.0 must come on connection 4, older versions on 1. */
	ok = !again && sim_accepts(v) &&
	     (v >= HVIS_VMBUS_WIN10_V5) == (conn_id == HVIS_VMBUS_MESSAGE_CONNECTION_ID_4);
	sim_log("G->H INITIATE_CONTACT version=%u.%u conn=%u target_vcpu=%u -> %s",
		HVIS_VMBUS_MAJOR(v), HVIS_VMBUS_MINOR(v), conn_id, ic->target_vcpu,
		sim_hv_muted() ? "no answer" : ok ? "accepted" :
		again ? "refused (already connected; no reconnect before 3.0)" : "refused");
	if (sim_early_offers && !again) {
		sim_chan_reset();
		sim_reset_offers();
		sim_send_offers();
	}
	if (sim_hv_muted())
		return;
	/*
	 * A new contact starts over (the guest was reset): also after an
	 * UNLOAD answered from a panic, which could not reset channels.
	 */
	if (!again) {
		sim_chan_reset();
		sim_reset_offers();
	}
	if (ok) {
		sim_hv_connect(v, v < HVIS_VMBUS_WIN10_V5 ? ic->interrupt_page : 0,
			       ic->target_vcpu);
		sim_mon_contact(ic->monitor_page1, ic->monitor_page2);
		resp.version_supported = 1;
		resp.msg_conn_id = SIM_MSG_CONN_ID;
	}
	sim_send(&resp, sizeof(resp));
	sim_log("H->G VERSION_RESPONSE supported=%u msg_conn_id=%u",
		resp.version_supported, resp.msg_conn_id);
}

static void sim_send_offer(struct sim_offer *o, u32 size)
{
	sim_send(&o->offer, size);
	sim_log("H->G OFFERCHANNEL relid=%u class=%pUl instance=%pUl sub=%u",
		o->offer.child_relid, &o->offer.if_type, &o->offer.if_instance,
		o->offer.sub_channel_index);
}

/* Every channel not offered yet. */
static void sim_send_offers(void)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		struct sim_offer *o = &sim_offers[i];

		if (o->state != SIM_READY)
			continue;
		o->state = SIM_OFFERED;
		sim_send_offer(o, sizeof(o->offer));
	}
}

static void sim_on_request_offers(void)
{
	struct hvis_chanmsg_hdr done = { .msgtype = HVIS_CHANMSG_ALLOFFERS_DELIVERED };

	sim_log("G->H REQUESTOFFERS");
	sim_send_offers();
	sim_send(&done, sizeof(done));
	sim_log("H->G ALLOFFERS_DELIVERED");
}

static void sim_on_unload(void)
{
	struct hvis_chanmsg_hdr resp = { .msgtype = HVIS_CHANMSG_UNLOAD_RESPONSE };

	sim_log("G->H UNLOAD");
	sim_chan_reset();
	sim_reset_offers();
	sim_mon_disconnect();
	sim_hv_disconnect();
	if (sim_hv_muted())
		return;
	sim_send(&resp, sizeof(resp));
	sim_log("H->G UNLOAD_RESPONSE");
}

static void sim_on_relid_released(u32 relid)
{
	struct sim_offer *o = relid && relid <= SIM_MAX_OFFERS ? &sim_offers[relid - 1] : NULL;

	sim_log("G->H RELID_RELEASED relid=%u", relid);
	if (!o || o->state == SIM_FREE || o->state == SIM_READY)
		return;
	o->state = o->state == SIM_RESCINDED ? SIM_FREE : SIM_REFUSED;
}

/* A message the guest posted on connection @conn_id, @len bytes in @buf. */
void sim_host_message(u32 conn_id, const void *buf, u32 len)
{
	const struct hvis_chanmsg_hdr *hdr = buf;

	mutex_lock(&sim_host_mutex);
	if (len < sizeof(*hdr)) {
		sim_log("G->H short message (%u bytes) ignored", len);
	} else if (hdr->msgtype == HVIS_CHANMSG_INITIATE_CONTACT &&
		   len >= sizeof(struct hvis_chanmsg_initiate_contact)) {
		sim_on_initiate_contact(buf, conn_id);
	} else if (!sim_version()) {
		sim_log("G->H type %u before a connection: ignored", hdr->msgtype);
	} else if (hdr->msgtype == HVIS_CHANMSG_REQUESTOFFERS) {
		sim_on_request_offers();
	} else if (hdr->msgtype == HVIS_CHANMSG_UNLOAD) {
		sim_on_unload();
	} else if (hdr->msgtype == HVIS_CHANMSG_RELID_RELEASED &&
		   len >= sizeof(struct hvis_chanmsg_relid)) {
		const struct hvis_chanmsg_relid *r = (const void *)hdr;

		sim_on_relid_released(r->child_relid);
	} else if (hdr->msgtype == HVIS_CHANMSG_GPADL_HEADER ||
		   hdr->msgtype == HVIS_CHANMSG_GPADL_BODY ||
		   hdr->msgtype == HVIS_CHANMSG_GPADL_TEARDOWN ||
		   hdr->msgtype == HVIS_CHANMSG_OPENCHANNEL ||
		   hdr->msgtype == HVIS_CHANMSG_CLOSECHANNEL ||
		   hdr->msgtype == HVIS_CHANMSG_MODIFYCHANNEL) {
		sim_chan_message(hdr, len);
	} else {
		sim_log("G->H type %u (%u bytes) not handled", hdr->msgtype, len);
	}
	mutex_unlock(&sim_host_mutex);
}

/* Make an offer in the free slot for @relid (or the first free one). */
static struct sim_offer *sim_add_offer(const guid_t *class_id, const guid_t *instance_id,
				       u16 sub_index, u32 relid)
{
	struct sim_offer *so;
	struct hvis_chanmsg_offer *o;
	unsigned int i;

	if (!relid) {
		for (i = 0; i < SIM_MAX_OFFERS && sim_offers[i].state != SIM_FREE; i++)
			;
		relid = i + 1;
	}
	if (relid > SIM_MAX_OFFERS || sim_offers[relid - 1].state != SIM_FREE)
		return NULL;
	so = &sim_offers[relid - 1];
	o = &so->offer;
	memset(o, 0, sizeof(*o));
	o->hdr.msgtype = HVIS_CHANMSG_OFFERCHANNEL;
	o->if_type = *class_id;
	o->if_instance = *instance_id;
	o->chn_flags = 0x11;	/* enumerate device interface, named pipe mode */
	o->user_def[0] = 4;	/* pipe mode: message */
	o->sub_channel_index = sub_index;
	o->child_relid = relid;
	o->monitorid = HVIS_MONITOR_ID_NONE;
	o->is_dedicated_interrupt = 1;
	o->connection_id = relid | 0x2000;
	so->state = SIM_READY;
	return so;
}

/*
 * A new primary channel, offered at once if a guest is connected: its relid.
 * The integration services (ic.c) come here and get no monitor id, as on
 * OpenVMM and Hyper-V: they carry a few small messages now and then, where
 * a signal the host sees at once is worth more than batching signals into
 * polls of the monitor page.
 */
int sim_offer_add(const guid_t *class_id, const guid_t *instance_id)
{
	struct sim_offer *so = sim_add_offer(class_id, instance_id, 0, 0);

	if (!so)
		return -ENOSPC;
	if (sim_version()) {
		so->state = SIM_OFFERED;
		sim_send_offer(so, sizeof(so->offer));
	}
	return so->offer.child_relid;
}

/*
 * Give offer @so a monitor id: the lowest one no other offer holds.  As on
 * Hyper-V, where synthetic devices such as storage and network get one and
 * the integration services do not; 128 ids in all (4 trigger groups of 32).
 * Under sim_host_mutex.
 */
static int sim_offer_monitor(struct sim_offer *so)
{
	DECLARE_BITMAP(used, HVIS_MONITOR_IDS) = {};
	const struct hvis_chanmsg_offer *o;
	unsigned int i, id;

	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		o = &sim_offers[i].offer;
		if (sim_offers[i].state != SIM_FREE && (o->monitor_allocated & 1) &&
		    o->monitorid < HVIS_MONITOR_IDS)
			__set_bit(o->monitorid, used);
	}
	id = find_first_zero_bit(used, HVIS_MONITOR_IDS);
	if (id >= HVIS_MONITOR_IDS)
		return -ENOSPC;
	so->offer.monitorid = id;
	so->offer.monitor_allocated = 1;
	return 0;
}

/*
 * A copy of the offer of @relid as the host made it, if it is offered.
 * Under sim_host_mutex (chan.c's open handling runs under it).
 */
bool sim_offer_copy(u32 relid, struct hvis_chanmsg_offer *o)
{
	if (!sim_relid_offered(relid, NULL))
		return false;
	*o = sim_offers[relid - 1].offer;
	return true;
}

static int sim_offers_show(struct seq_file *s, void *unused)
{
	unsigned int i;
	u32 v;

	mutex_lock(&sim_host_mutex);
	v = sim_version();
	seq_printf(s, "profile %s version %u.%u busy %lu gpadls %u\n", sim_prof->name,
		   HVIS_VMBUS_MAJOR(v), HVIS_VMBUS_MINOR(v), sim_hv_busy(), sim_chan_gpadl_count());
	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		struct sim_offer *o = &sim_offers[i];

		if (o->state == SIM_FREE)
			continue;
		seq_printf(s, "%u %s %pUl %pUl %u %s\n", o->offer.child_relid,
			   sim_state_names[o->state], &o->offer.if_type,
			   &o->offer.if_instance, o->offer.sub_channel_index,
			   sim_chan_is_open(o->offer.child_relid) ? "open" : "closed");
	}
	mutex_unlock(&sim_host_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_offers);

/*
 * Take offer @relid back (a relid the host does not track is sent anyway).
 * Not under sim_ic_lock: revoking the channel closes it, which tells ic.c.
 */
int sim_offer_rescind(u32 relid)
{
	struct hvis_chanmsg_relid msg = {
		.hdr.msgtype = HVIS_CHANMSG_RESCIND_CHANNELOFFER,
		.child_relid = relid,
	};
	struct sim_offer *so = relid && relid <= SIM_MAX_OFFERS ? &sim_offers[relid - 1] : NULL;

	if (so && so->state == SIM_READY) {
		so->state = SIM_FREE;	/* never offered: nothing to tell the guest */
		return 0;
	}
	if (so && so->state == SIM_OFFERED)
		so->state = SIM_RESCINDED;
	else if (so && so->state == SIM_REFUSED)
		so->state = SIM_FREE;
	if (!sim_version())
		return so ? 0 : -ENOENT;
	sim_chan_revoke(relid);
	sim_send(&msg, sizeof(msg));
	sim_log("H->G RESCIND_CHANNELOFFER relid=%u", relid);
	return 0;
}

/*
 * offer: a primary or sub-channel offer as the command asks.  relid= may
 * name a slot in use or out of range and @size may cut the offer short:
 * they exist to send the guest what a broken host would.
 */
int sim_offer_make(const guid_t *class_id, const guid_t *instance_id, u32 sub, u32 relid,
		   u32 size, bool monitored)
{
	struct sim_offer tmp, *so;

	so = sim_add_offer(class_id, instance_id, sub, relid);
	if (!so) {
		if (!relid)
			return -ENOSPC;
		/* A relid the host does not track: send it, remember nothing. */
		memset(&tmp, 0, sizeof(tmp));
		tmp.offer.hdr.msgtype = HVIS_CHANMSG_OFFERCHANNEL;
		tmp.offer.if_type = *class_id;
		tmp.offer.if_instance = *instance_id;
		tmp.offer.sub_channel_index = sub;
		tmp.offer.child_relid = relid;
		tmp.offer.monitorid = HVIS_MONITOR_ID_NONE;
		tmp.offer.connection_id = relid | 0x2000;
		if (sim_version())
			sim_send_offer(&tmp, size);
		return 0;
	}
	if (monitored && sim_offer_monitor(so)) {
		so->state = SIM_FREE;
		return -ENOSPC;
	}
	if (sim_version()) {
		so->state = SIM_OFFERED;
		sim_send_offer(so, size);
	}
	return 0;
}

/* The relid of the primary channel with instance @inst, or -ENOENT. */
int sim_offer_find(const guid_t *inst)
{
	const struct sim_offer *so;
	unsigned int i;

	for (i = 0; i < SIM_MAX_OFFERS; i++) {
		so = &sim_offers[i];
		if (so->state != SIM_FREE && !so->offer.sub_channel_index &&
		    guid_equal(&so->offer.if_instance, inst))
			return i + 1;
	}
	return -ENOENT;
}

static const struct sim_profile *sim_profile_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_profiles); i++)
		if (name && !strcmp(name, sim_profiles[i].name))
			return &sim_profiles[i];
	return NULL;
}

/* profile NAME: only while no guest is connected (it must unload first). */
int sim_host_set_profile(const char *name)
{
	const struct sim_profile *prof;

	if (sim_version())
		return -EBUSY;
	prof = sim_profile_find(name);
	if (!prof)
		return -EINVAL;
	WRITE_ONCE(sim_prof, prof);
	sim_log("host profile %s", prof->name);
	sim_ic_profile_changed();
	return 0;
}

/* @n offers of the test class, with monitor ids if @monitored. */
void sim_host_offer_tests(unsigned int n, bool monitored)
{
	struct sim_offer *so;
	unsigned int i;

	for (i = 0; i < n; i++) {
		guid_t inst = GUID_INIT(0x6876ab5f, 0, 0, 0, 0, 0, 0, 0, 0, i >> 8, i & 0xff);

		so = sim_add_offer(&sim_test_class, &inst, 0, 0);
		/* Past 128 monitored offers the rest go unmonitored, as ids run out. */
		if (so && monitored)
			sim_offer_monitor(so);
	}
}

void sim_host_debugfs(struct dentry *dir)
{
	debugfs_create_file("offers", 0400, dir, NULL, &sim_offers_fops);
}

int sim_host_init(const char *profile)
{
	sim_prof = sim_profile_find(profile);
	if (!sim_prof) {
		pr_err("unknown host profile \"%s\"\n", profile);
		return -EINVAL;
	}
	sim_offers = kcalloc(SIM_MAX_OFFERS, sizeof(*sim_offers), GFP_KERNEL);
	return sim_offers ? 0 : -ENOMEM;
}

void sim_host_exit(void)
{
	kfree(sim_offers);
}
