// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validation of what the host sends, kept apart from the code that acts on
 * it so that the KUnit suite can take it as it is.  Nothing here touches
 * shared memory: callers pass copies.
 */
#include <linux/kernel.h>
#include <linux/printk.h>

#include "vmbus_priv.h"

static const struct {
	const char *name;
	u32 min_len;	/* 0: the host never sends it, drop it */
} hvis_chanmsgs[HVIS_CHANMSG_COUNT] = {
	[HVIS_CHANMSG_OFFERCHANNEL] = { "OFFERCHANNEL", sizeof(struct hvis_chanmsg_offer) },
	[HVIS_CHANMSG_RESCIND_CHANNELOFFER] = { "RESCIND_CHANNELOFFER",
						sizeof(struct hvis_chanmsg_relid) },
	[HVIS_CHANMSG_REQUESTOFFERS] = { "REQUESTOFFERS", 0 },
	[HVIS_CHANMSG_ALLOFFERS_DELIVERED] = { "ALLOFFERS_DELIVERED",
					       sizeof(struct hvis_chanmsg_hdr) },
	[HVIS_CHANMSG_OPENCHANNEL] = { "OPENCHANNEL", 0 },
	[HVIS_CHANMSG_OPENCHANNEL_RESULT] = { "OPENCHANNEL_RESULT", 20 },
	[HVIS_CHANMSG_CLOSECHANNEL] = { "CLOSECHANNEL", 0 },
	[HVIS_CHANMSG_GPADL_HEADER] = { "GPADL_HEADER", 0 },
	[HVIS_CHANMSG_GPADL_BODY] = { "GPADL_BODY", 0 },
	[HVIS_CHANMSG_GPADL_CREATED] = { "GPADL_CREATED", 20 },
	[HVIS_CHANMSG_GPADL_TEARDOWN] = { "GPADL_TEARDOWN", 0 },
	[HVIS_CHANMSG_GPADL_TORNDOWN] = { "GPADL_TORNDOWN", 12 },
	[HVIS_CHANMSG_RELID_RELEASED] = { "RELID_RELEASED", 0 },
	[HVIS_CHANMSG_INITIATE_CONTACT] = { "INITIATE_CONTACT", 0 },
	[HVIS_CHANMSG_VERSION_RESPONSE] = { "VERSION_RESPONSE",
					    sizeof(struct hvis_chanmsg_version_response) },
	[HVIS_CHANMSG_UNLOAD] = { "UNLOAD", 0 },
	[HVIS_CHANMSG_UNLOAD_RESPONSE] = { "UNLOAD_RESPONSE", sizeof(struct hvis_chanmsg_hdr) },
	[HVIS_CHANMSG_TL_CONNECT_REQUEST] = { "TL_CONNECT_REQUEST", 0 },
	[HVIS_CHANMSG_MODIFYCHANNEL] = { "MODIFYCHANNEL", 0 },
	[HVIS_CHANMSG_TL_CONNECT_RESULT] = { "TL_CONNECT_RESULT", 0 },
	[HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE] = { "MODIFYCHANNEL_RESPONSE", 16 },
};

const char *hvis_chanmsg_name(u32 msgtype)
{
	if (msgtype < HVIS_CHANMSG_COUNT && hvis_chanmsgs[msgtype].name)
		return hvis_chanmsgs[msgtype].name;
	return "unknown";
}

/**
 * hvis_chanmsg_check() - may the guest act on this message from the host?
 * @payload: the message, already copied out of the shared slot
 * @len: the payload_size the host claimed
 *
 * Return: 0, or -EMSGSIZE (length out of bounds for its type), -EBADMSG
 * (a type the host must never send or that does not exist).
 */
int hvis_chanmsg_check(const void *payload, u32 len)
{
	const struct hvis_chanmsg_hdr *hdr = payload;
	u32 min;

	if (len < sizeof(*hdr) || len > HVIS_MESSAGE_PAYLOAD_SIZE)
		return -EMSGSIZE;
	if (hdr->msgtype >= HVIS_CHANMSG_COUNT)
		return -EBADMSG;
	min = hvis_chanmsgs[hdr->msgtype].min_len;
	if (!min)
		return -EBADMSG;
	if (len < min)
		return -EMSGSIZE;
	return 0;
}

/**
 * hvis_offer_check() - is this offer one the guest can take?
 * @o: the offer, copied out of shared memory
 *
 * Return: 0 or -EINVAL; the reason is logged (ratelimited).
 */
int hvis_offer_check(const struct hvis_chanmsg_offer *o)
{
	if (!o->child_relid || o->child_relid >= HVIS_MAX_RELID) {
		pr_err_ratelimited("offer: relid %u out of range\n", o->child_relid);
		return -EINVAL;
	}
	if ((o->monitor_allocated & 1) && o->monitorid >= HVIS_MAX_MONITOR_ID) {
		pr_err_ratelimited("offer %u: monitor id %u out of range\n",
				   o->child_relid, o->monitorid);
		return -EINVAL;
	}
	if (guid_is_null(&o->if_type) || guid_is_null(&o->if_instance)) {
		pr_err_ratelimited("offer %u: null class or instance GUID\n", o->child_relid);
		return -EINVAL;
	}
	return 0;
}

