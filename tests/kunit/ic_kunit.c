// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the pure helpers of the integration-component framework:
 * the header check every packet goes through, the version negotiation
 * every util channel starts with, and the UTF-16/UTF-8 conversions between
 * the host and the service daemons.
 *
 * As in vmbus_kunit.c, the code under test is compiled into this module so
 * that it runs without Hyper-V, and its exports are dropped so that this
 * module and hvis_ic can be loaded side by side.
 *
 * Packets are allocated at exactly the length handed to the helpers: on the
 * debug kernel (KASAN) a read past what the host sent is then a report, not
 * a silent pass.
 */
#include <kunit/test.h>
#include <linux/export.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)

#include "../../drivers/ic/negotiate.c"
#include "../../drivers/ic/utf.c"
#include "../../drivers/sim/ic_versions.h"

/* A request as the host sends it: TRANSACTION|REQUEST. */
#define HOST_REQUEST	(HVIS_IC_FLAG_TRANSACTION | HVIS_IC_FLAG_REQUEST)
#define VER_SIZE	sizeof(struct hvis_ic_version)
#define NEG_HDR_SIZE	sizeof(struct hvis_ic_negotiate)

/* ------------------------------------------------------------------------ */
/* hvis_ic_check_hdr */

/*
 * A packet of exactly @len bytes.  Packets long enough for the headers get a
 * host request header declaring @msgsize body bytes with @flags; shorter ones
 * are all 0xff, so that a check reading fields it should not sees nonsense.
 */
static u8 *hdr_packet(struct kunit *test, u32 len, u16 msgsize, u8 flags)
{
	struct hvis_ic_msg *m;
	u8 *buf;

	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	if (len < HVIS_IC_HDR_SIZE) {
		memset(buf, 0xff, len);
		return buf;
	}
	memset(buf, 0, len);
	m = (struct hvis_ic_msg *)buf;
	m->pipe.flags = HVIS_PIPE_FLAG_DATA;
	m->pipe.msgsize = sizeof(m->ic) + msgsize;
	m->ic.framework = HVIS_IC_VERSION(3, 0);
	m->ic.msgtype = HVIS_IC_MSG_HEARTBEAT;
	m->ic.message = HVIS_IC_VERSION(3, 0);
	m->ic.msgsize = msgsize;
	m->ic.flags = flags;
	return buf;
}

/*
 * Run the check with @why primed to a value it must overwrite, so that both
 * "set on error" and "cleared on success" are really observed.
 */
static const char why_unset[] = "not written by hvis_ic_check_hdr";

static int check(const u8 *buf, u32 len, const char **why)
{
	*why = why_unset;
	return hvis_ic_check_hdr(buf, len, why);
}

/*
 * Refused, with a reason; true if so.  Compact on failure, see the note on
 * the log budget further down.
 */
static bool expect_refused(struct kunit *test, const u8 *buf, u32 len)
{
	const struct hvis_ic_msg *m = (const struct hvis_ic_msg *)buf;
	u8 flags = len >= HVIS_IC_HDR_SIZE ? m->ic.flags : 0;
	const char *why;
	bool told;
	int ret;

	ret = check(buf, len, &why);
	told = why && why != why_unset && *why;
	KUNIT_EXPECT_EQ_MSG(test, -EINVAL, ret, "len %u, flags %#x", len, flags);
	KUNIT_EXPECT_TRUE_MSG(test, told, "len %u, flags %#x: no reason given", len, flags);
	return ret == -EINVAL && told;
}

/* Anything shorter than pipe plus IC header (28 bytes) is refused. */
static void hdr_shorter_than_headers(struct kunit *test)
{
	u32 len;

	KUNIT_ASSERT_EQ(test, 28, (int)HVIS_IC_HDR_SIZE);
	for (len = 0; len < HVIS_IC_HDR_SIZE; len++)
		if (!expect_refused(test, hdr_packet(test, len, 0, HOST_REQUEST), len))
			return;
}

/* Headers alone with an empty body are a valid request. */
static void hdr_empty_body(struct kunit *test)
{
	const char *why;
	u8 *buf = hdr_packet(test, HVIS_IC_HDR_SIZE, 0, HOST_REQUEST);

	KUNIT_EXPECT_EQ(test, 0, check(buf, HVIS_IC_HDR_SIZE, &why));
	KUNIT_EXPECT_NULL(test, why);
}

/* The declared body must fit: exactly fitting is fine, one byte more is not. */
static void hdr_body_must_fit(struct kunit *test)
{
	u32 len = HVIS_IC_HDR_SIZE + 40;
	const char *why;
	u8 *buf;

	buf = hdr_packet(test, len, 40, HOST_REQUEST);
	KUNIT_EXPECT_EQ(test, 40, check(buf, len, &why));
	KUNIT_EXPECT_NULL(test, why);

	if (!expect_refused(test, hdr_packet(test, len, 41, HOST_REQUEST), len))
		return;
	if (!expect_refused(test, hdr_packet(test, len - 1, 40, HOST_REQUEST), len - 1))
		return;
	expect_refused(test, hdr_packet(test, HVIS_IC_HDR_SIZE, 1, HOST_REQUEST),
		       HVIS_IC_HDR_SIZE);
}

/*
 * Ring packets are padded to 8 bytes, so the packet may be longer than the
 * body: the body length returned is the declared one, not what is left.
 */
static void hdr_padding_not_counted(struct kunit *test)
{
	u32 len = HVIS_IC_HDR_SIZE + 44;	/* 8 + 4 + 16, then 4 of padding */
	const char *why;
	u8 *buf = hdr_packet(test, len, 40, HOST_REQUEST);

	KUNIT_EXPECT_EQ(test, 40, check(buf, len, &why));
	KUNIT_EXPECT_NULL(test, why);
}

/* The largest body the u16 can declare, in a small packet. */
static void hdr_huge_msgsize(struct kunit *test)
{
	u32 len = HVIS_IC_HDR_SIZE + 36;

	expect_refused(test, hdr_packet(test, len, 0xffff, HOST_REQUEST), len);
}

/*
 * The guest only answers: a response (say, its own answer looped back) and
 * anything without REQUEST is not for it.
 */
static void hdr_not_a_request(struct kunit *test)
{
	static const u8 bad[] = {
		HVIS_IC_FLAG_TRANSACTION | HVIS_IC_FLAG_RESPONSE,
		HVIS_IC_FLAG_RESPONSE,
		HVIS_IC_FLAG_TRANSACTION,
		0,
	};
	u32 len = HVIS_IC_HDR_SIZE + 40;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!expect_refused(test, hdr_packet(test, len, 40, bad[i]), len))
			return;
}

/* A host request returns its body length and clears @why. */
static void hdr_good_request(struct kunit *test)
{
	u32 len = HVIS_IC_HDR_SIZE + sizeof(struct hvis_ic_heartbeat);
	const char *why;
	u8 *buf = hdr_packet(test, len, sizeof(struct hvis_ic_heartbeat), HOST_REQUEST);

	KUNIT_EXPECT_EQ(test, (int)sizeof(struct hvis_ic_heartbeat), check(buf, len, &why));
	KUNIT_EXPECT_NULL(test, why);
	/* Checking twice gives the same answer: the packet is not modified. */
	KUNIT_EXPECT_EQ(test, (int)sizeof(struct hvis_ic_heartbeat), check(buf, len, &why));
}

static struct kunit_case hvis_ic_hdr_cases[] = {
	KUNIT_CASE(hdr_shorter_than_headers),
	KUNIT_CASE(hdr_empty_body),
	KUNIT_CASE(hdr_body_must_fit),
	KUNIT_CASE(hdr_padding_not_counted),
	KUNIT_CASE(hdr_huge_msgsize),
	KUNIT_CASE(hdr_not_a_request),
	KUNIT_CASE(hdr_good_request),
	{}
};

static struct kunit_suite hvis_ic_hdr_suite = {
	.name = "hvis_ic_hdr",
	.test_cases = hvis_ic_hdr_cases,
};

/* ------------------------------------------------------------------------ */
/* hvis_ic_negotiate */

struct ver_list {
	const struct hvis_ic_version *v;
	unsigned int n;
};

enum { SVC_HEARTBEAT, SVC_SHUTDOWN, SVC_TIMESYNC, NR_SVC };

/*
 * The guest's lists, best first.  They mirror the ones in the service
 * drivers (drivers/ic/heartbeat.c, shutdown.c, timesync.c); if a driver's
 * list changes, change it here and in the expectations below.
 */
static const struct hvis_ic_version guest_fw_v[] = { { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version guest_hb_v[] = { { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version guest_sd_v[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version guest_ts_v[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

static const struct ver_list guest_fw = { guest_fw_v, ARRAY_SIZE(guest_fw_v) };

static const struct {
	const char *name;
	struct ver_list msg;
	enum sim_ic_id sim;		/* its lists in sim_ic_versions[] */
} guest_svc[NR_SVC] = {
	[SVC_HEARTBEAT] = { "heartbeat", { guest_hb_v, ARRAY_SIZE(guest_hb_v) }, SIM_IC_HEARTBEAT },
	[SVC_SHUTDOWN]  = { "shutdown",  { guest_sd_v, ARRAY_SIZE(guest_sd_v) }, SIM_IC_SHUTDOWN },
	[SVC_TIMESYNC]  = { "timesync",  { guest_ts_v, ARRAY_SIZE(guest_ts_v) }, SIM_IC_TIMESYNC },
};

/*
 * What the host offers comes from the simulator's own table
 * (drivers/sim/ic_versions.h), so that this suite checks the lists the VM
 * scenarios really negotiate against.  For the hand-made requests below,
 * a recent host's framework and shutdown lists, in its ascending order.
 */
static const struct hvis_ic_version host_fw[] = { { 1, 0 }, { 3, 0 } };
static const struct hvis_ic_version host_sd[] = { { 1, 0 }, { 3, 0 }, { 3, 1 }, { 3, 2 } };

/*
 * The expected outcome, written out by hand rather than computed, so that a
 * wrong host table or a wrong guest list shows up as a failure.  Per service:
 * framework major.minor, then message major.minor.
 */
struct pick {
	u16 fw_major, fw_minor, msg_major, msg_minor;
};

static const struct {
	const char *profile;
	struct pick svc[NR_SVC];	/* heartbeat, shutdown, timesync */
} expected[] = {
	{ "WS2008",   { { 1, 0, 1, 0 }, { 1, 0, 1, 0 }, { 1, 0, 1, 0 } } },
	{ "WS2008R2", { { 3, 0, 3, 0 }, { 3, 0, 3, 0 }, { 3, 0, 3, 0 } } },
	{ "WS2012",   { { 3, 0, 3, 0 }, { 3, 0, 3, 0 }, { 3, 0, 3, 0 } } },
	{ "WS2012R2", { { 3, 0, 3, 0 }, { 3, 0, 3, 0 }, { 3, 0, 3, 0 } } },
	{ "WS2016",   { { 3, 0, 3, 0 }, { 3, 0, 3, 1 }, { 3, 0, 4, 0 } } },
	{ "4.1",      { { 3, 0, 3, 0 }, { 3, 0, 3, 1 }, { 3, 0, 4, 0 } } },
	{ "5.0",      { { 3, 0, 3, 0 }, { 3, 0, 3, 1 }, { 3, 0, 4, 0 } } },
	{ "5.1",      { { 3, 0, 3, 0 }, { 3, 0, 3, 1 }, { 3, 0, 4, 0 } } },
	{ "WS2019",   { { 3, 0, 3, 0 }, { 3, 0, 3, 2 }, { 3, 0, 4, 0 } } },
	/* The host's heartbeat 3.1 is unknown to the guest: 3.0 it is. */
	{ "WS2022",   { { 3, 0, 3, 0 }, { 3, 0, 3, 2 }, { 3, 0, 4, 0 } } },
	{ "6.0",      { { 3, 0, 3, 0 }, { 3, 0, 3, 2 }, { 3, 0, 4, 0 } } },
};

/* Room for a request with the most versions a host may send, both lists. */
#define NEG_MAX_LEN	(HVIS_IC_HDR_SIZE + NEG_HDR_SIZE + \
			 2 * (HVIS_IC_MAX_VERSIONS + 1) * VER_SIZE)

static struct hvis_ic_negotiate *neg_of(u8 *buf)
{
	return (struct hvis_ic_negotiate *)((struct hvis_ic_msg *)buf)->body;
}

/*
 * Write a NEGOTIATE request the way a host does into @buf: pipe header, IC
 * header with type 0, versions 0.0 and flags TRANSACTION|REQUEST, then the
 * counts and the versions, framework first.  Returns the packet length.
 */
static u32 put_negotiate(u8 *buf, const struct hvis_ic_version *fw, u16 nf,
			 const struct hvis_ic_version *msg, u16 nm)
{
	struct hvis_ic_msg *m = (struct hvis_ic_msg *)buf;
	struct hvis_ic_negotiate *neg = neg_of(buf);
	u32 body = NEG_HDR_SIZE + (nf + nm) * VER_SIZE;

	memset(m, 0, sizeof(*m));
	m->pipe.flags = HVIS_PIPE_FLAG_DATA;
	m->pipe.msgsize = sizeof(m->ic) + body;
	m->ic.msgtype = HVIS_IC_MSG_NEGOTIATE;
	m->ic.msgsize = body;
	m->ic.flags = HOST_REQUEST;
	neg->framework_count = nf;
	neg->message_count = nm;
	neg->reserved = 0;
	memcpy(neg->versions, fw, nf * VER_SIZE);
	memcpy(neg->versions + nf, msg, nm * VER_SIZE);
	return HVIS_IC_HDR_SIZE + body;
}

/* The same request in a buffer of exactly its length. */
static u8 *new_negotiate(struct kunit *test, const struct hvis_ic_version *fw, u16 nf,
			 const struct hvis_ic_version *msg, u16 nm, u32 *len)
{
	u8 *buf;

	*len = HVIS_IC_HDR_SIZE + NEG_HDR_SIZE + (nf + nm) * VER_SIZE;
	buf = kunit_kmalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	put_negotiate(buf, fw, nf, msg, nm);
	return buf;
}

/* Little-endian u16 at a wire offset: the layout the host reads. */
static u16 wire16(const u8 *buf, unsigned int off)
{
	return buf[off] | buf[off + 1] << 8;
}

/*
 * A note on the log budget: KUnit on 6.1 keeps only 512 bytes of a case's
 * log for debugfs, which is where the VM harness reads the results, and the
 * case's own result line comes last.  So each check below is one compact
 * expectation, and every case stops at its first mismatch: a case that
 * fails with a long trail of messages would lose its "not ok" line.
 */

/*
 * The answer as protocol.md §4.2 lays it out, read at the wire offsets
 * rather than through the structs, so that a layout mistake shared by the
 * structs and the code cannot hide.  Type and status are not the
 * negotiation's to change.
 */
static void answer_text(const u8 *buf, char *out, size_t size)
{
	snprintf(out, size, "type %u status 0x%x size %u counts %u/%u %u.%u/%u.%u",
		 wire16(buf, 12), wire16(buf, 20) | (u32)wire16(buf, 22) << 16, wire16(buf, 18),
		 wire16(buf, 28), wire16(buf, 30), wire16(buf, 36), wire16(buf, 38),
		 wire16(buf, 40), wire16(buf, 42));
}

/* Negotiate @buf for the guest's @svc lists; true if @p was the outcome. */
static bool expect_pick(struct kunit *test, u8 *buf, u32 len, unsigned int svc,
			const struct pick *p, const char *what)
{
	struct hvis_ic_version fw = {}, msg = {};
	char want[96], got[96];
	const char *why;
	int ret, n;

	/* The framework checks the header first; do the same. */
	ret = hvis_ic_check_hdr(buf, len, &why);
	KUNIT_ASSERT_EQ_MSG(test, (int)(len - HVIS_IC_HDR_SIZE), ret, "%s: %s", what, why);

	ret = hvis_ic_negotiate(buf, len, guest_fw.v, guest_fw.n,
				guest_svc[svc].msg.v, guest_svc[svc].msg.n, &fw, &msg);
	KUNIT_EXPECT_EQ_MSG(test, 0, ret, "%s", what);
	if (ret)
		return false;

	/* One expectation for choice and answer: see the log budget above. */
	snprintf(want, sizeof(want),
		 "picked %u.%u/%u.%u, answer type 0 status 0x0 size 16 counts 1/1 %u.%u/%u.%u",
		 p->fw_major, p->fw_minor, p->msg_major, p->msg_minor,
		 p->fw_major, p->fw_minor, p->msg_major, p->msg_minor);
	n = scnprintf(got, sizeof(got), "picked %u.%u/%u.%u, answer ",
		      fw.major, fw.minor, msg.major, msg.minor);
	answer_text(buf, got + n, sizeof(got) - n);
	KUNIT_EXPECT_STREQ_MSG(test, want, got, "%s", what);
	return !strcmp(want, got);
}

/* Every host profile, every service: the best version both sides know. */
static void neg_every_profile(struct kunit *test)
{
	const struct sim_ic_version_list *fw, *offer;
	unsigned int i, j, s;
	char what[48];
	u32 len;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(sim_ic_versions), ARRAY_SIZE(expected));
	for (i = 0; i < ARRAY_SIZE(sim_ic_versions); i++) {
		const struct sim_ic_profile_versions *h = &sim_ic_versions[i];

		for (j = 0; j < ARRAY_SIZE(expected); j++)
			if (!strcmp(expected[j].profile, h->profile))
				break;
		KUNIT_ASSERT_LT_MSG(test, j, ARRAY_SIZE(expected),
				    "no expectation for profile %s", h->profile);

		fw = &h->framework;
		for (s = 0; s < NR_SVC; s++) {
			offer = &h->message[guest_svc[s].sim];
			snprintf(what, sizeof(what), "%s %s", h->profile, guest_svc[s].name);
			buf = new_negotiate(test, fw->v, fw->count, offer->v, offer->count, &len);
			if (!expect_pick(test, buf, len, s, &expected[j].svc[s], what))
				return;
		}
	}
}

/*
 * The answer fits any request that offered one version of each: the
 * smallest possible request is exactly as long as the answer.
 */
static void neg_smallest_request(struct kunit *test)
{
	static const struct hvis_ic_version v30[] = { { 3, 0 } };
	static const struct pick p = { 3, 0, 3, 0 };
	u32 len;
	u8 *buf = new_negotiate(test, v30, 1, v30, 1, &len);

	KUNIT_ASSERT_EQ(test, 44u, len);
	expect_pick(test, buf, len, SVC_HEARTBEAT, &p, "one version each");
}

/*
 * -ENOENT, and an answer that carries no versions (counts at offsets 28 and
 * 30); true if so.
 */
static bool expect_no_common(struct kunit *test, u8 *buf, u32 len, unsigned int svc,
			     const char *what)
{
	struct hvis_ic_version fw, msg;
	int ret;

	ret = hvis_ic_negotiate(buf, len, guest_fw.v, guest_fw.n,
				guest_svc[svc].msg.v, guest_svc[svc].msg.n, &fw, &msg);
	KUNIT_EXPECT_EQ_MSG(test, -ENOENT, ret, "%s", what);
	/* No versions in the answer is how the host learns there is none. */
	KUNIT_EXPECT_EQ_MSG(test, 0, wire16(buf, 28) | wire16(buf, 30), "%s: counts", what);
	return ret == -ENOENT && !(wire16(buf, 28) | wire16(buf, 30));
}

/* A host from the future that speaks only 9.0. */
static void neg_no_common_version(struct kunit *test)
{
	static const struct hvis_ic_version v90[] = { { 9, 0 } };
	u32 len;
	u8 *buf;

	buf = new_negotiate(test, v90, 1, v90, 1, &len);
	if (!expect_no_common(test, buf, len, SVC_SHUTDOWN, "host offers 9.0 only"))
		return;
	/* A host that offers nothing at all is no better. */
	buf = new_negotiate(test, v90, 0, v90, 0, &len);
	expect_no_common(test, buf, len, SVC_SHUTDOWN, "host offers nothing");
}

/* The framework matches but the message version does not. */
static void neg_no_common_message(struct kunit *test)
{
	static const struct hvis_ic_version v90[] = { { 9, 0 } };
	static const struct hvis_ic_version v31[] = { { 3, 1 } };
	u32 len;
	u8 *buf;

	buf = new_negotiate(test, host_fw, ARRAY_SIZE(host_fw), v90, 1, &len);
	if (!expect_no_common(test, buf, len, SVC_TIMESYNC, "message 9.0 only"))
		return;
	/* Heartbeat 3.1 alone: the guest knows 3.0 and 1.0, not 3.1. */
	buf = new_negotiate(test, host_fw, ARRAY_SIZE(host_fw), v31, 1, &len);
	if (!expect_no_common(test, buf, len, SVC_HEARTBEAT, "heartbeat 3.1 only"))
		return;
	/* Message versions present, framework ones not. */
	buf = new_negotiate(test, v90, 0, host_sd, ARRAY_SIZE(host_sd), &len);
	expect_no_common(test, buf, len, SVC_SHUTDOWN, "no framework versions");
}

/* Expect -EINVAL and not a byte of @buf changed; true if so. */
static bool expect_malformed(struct kunit *test, u8 *buf, u32 len, const char *what)
{
	struct hvis_ic_version fw, msg;
	u8 *copy = kunit_kmalloc(test, len, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, buf, len);
	ret = hvis_ic_negotiate(buf, len, guest_fw.v, guest_fw.n,
				guest_sd_v, ARRAY_SIZE(guest_sd_v), &fw, &msg);
	KUNIT_EXPECT_EQ_MSG(test, -EINVAL, ret, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(copy, buf, len), "%s: buffer changed", what);
	return ret == -EINVAL && !memcmp(copy, buf, len);
}

/* All-3.0 lists of any length, so every count has a matching version. */
static struct hvis_ic_version *many_30(struct kunit *test, unsigned int n)
{
	struct hvis_ic_version *v = kunit_kcalloc(test, n, VER_SIZE, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, v);
	for (i = 0; i < n; i++)
		v[i] = HVIS_IC_VERSION(3, 0);
	return v;
}

/*
 * More than 100 versions in either list is not a real host, even when the
 * packet does hold them all; 100 is still fine.
 */
static void neg_too_many_versions(struct kunit *test)
{
	struct hvis_ic_version *v = many_30(test, HVIS_IC_MAX_VERSIONS + 1);
	static const struct pick p = { 3, 0, 3, 0 };
	u32 len;
	u8 *buf;

	buf = new_negotiate(test, v, HVIS_IC_MAX_VERSIONS + 1, v, 1, &len);
	if (!expect_malformed(test, buf, len, "101 framework versions"))
		return;
	buf = new_negotiate(test, v, 1, v, HVIS_IC_MAX_VERSIONS + 1, &len);
	if (!expect_malformed(test, buf, len, "101 message versions"))
		return;

	buf = new_negotiate(test, v, HVIS_IC_MAX_VERSIONS, v, HVIS_IC_MAX_VERSIONS, &len);
	if (!expect_pick(test, buf, len, SVC_SHUTDOWN, &p, "100 versions each"))
		return;

	/* Counts as large as a u16 gets, in a small packet. */
	buf = new_negotiate(test, v, 1, v, 1, &len);
	neg_of(buf)->framework_count = 0xffff;
	neg_of(buf)->message_count = 0xffff;
	expect_malformed(test, buf, len, "65535 versions each");
}

/*
 * Counts that claim more versions than the declared body holds: one short is
 * refused, exactly enough is accepted.  The packet itself is long enough, so
 * it is the declared body that is checked, not the buffer.
 */
static void neg_counts_past_body(struct kunit *test)
{
	static const struct pick p = { 3, 0, 3, 2 };
	struct hvis_ic_msg *m;
	u8 *buf;
	u32 len;

	buf = kunit_kzalloc(test, NEG_MAX_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	m = (struct hvis_ic_msg *)buf;

	len = put_negotiate(buf, host_fw, ARRAY_SIZE(host_fw), host_sd, ARRAY_SIZE(host_sd));
	m->ic.msgsize -= VER_SIZE;
	if (!expect_malformed(test, buf, NEG_MAX_LEN, "body one version short"))
		return;

	m->ic.msgsize = NEG_HDR_SIZE;	/* counts but no versions */
	if (!expect_malformed(test, buf, NEG_MAX_LEN, "body with no versions"))
		return;

	put_negotiate(buf, host_fw, ARRAY_SIZE(host_fw), host_sd, ARRAY_SIZE(host_sd));
	expect_pick(test, buf, len, SVC_SHUTDOWN, &p, "body exactly fits");
}

/* A body too short for the counts themselves. */
static void neg_body_shorter_than_header(struct kunit *test)
{
	struct hvis_ic_msg *m;
	char what[32];
	u16 body;
	u8 *buf;
	u32 len;

	buf = new_negotiate(test, host_fw, ARRAY_SIZE(host_fw), host_fw, ARRAY_SIZE(host_fw), &len);
	m = (struct hvis_ic_msg *)buf;
	for (body = 0; body < NEG_HDR_SIZE; body++) {
		m->ic.msgsize = body;
		snprintf(what, sizeof(what), "body of %u bytes", body);
		if (!expect_malformed(test, buf, len, what))
			return;
	}
}

/*
 * Hosts need not list versions in any order, nor only once: the result is
 * always the best version both know, whatever the host's order.  Versions
 * only the host knows (here 9.9 and 4.0 for shutdown) change nothing.
 */
static void neg_host_order_irrelevant(struct kunit *test)
{
	static const struct hvis_ic_version fw_desc[] = { { 3, 0 }, { 1, 0 } };
	static const struct hvis_ic_version fw_dup[] = { { 1, 0 }, { 1, 0 }, { 3, 0 }, { 3, 0 } };
	static const struct hvis_ic_version fw_odd[] = { { 9, 9 }, { 1, 0 }, { 3, 0 }, { 2, 0 } };
	static const struct hvis_ic_version sd_desc[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };
	static const struct hvis_ic_version sd_mixed[] = { { 3, 0 }, { 3, 2 }, { 1, 0 }, { 3, 1 } };
	static const struct hvis_ic_version sd_dup[] = {
		{ 1, 0 }, { 3, 2 }, { 1, 0 }, { 3, 2 }, { 3, 0 }
	};
	static const struct hvis_ic_version sd_extra[] = { { 9, 9 }, { 3, 1 }, { 4, 0 }, { 1, 0 } };
	static const struct pick best = { 3, 0, 3, 2 };
	static const struct pick best_31 = { 3, 0, 3, 1 };
	u32 len;
	u8 *buf;

	buf = new_negotiate(test, fw_desc, ARRAY_SIZE(fw_desc), sd_desc, ARRAY_SIZE(sd_desc), &len);
	if (!expect_pick(test, buf, len, SVC_SHUTDOWN, &best, "descending"))
		return;
	buf = new_negotiate(test, fw_dup, ARRAY_SIZE(fw_dup), sd_mixed, ARRAY_SIZE(sd_mixed), &len);
	if (!expect_pick(test, buf, len, SVC_SHUTDOWN, &best, "mixed order"))
		return;
	buf = new_negotiate(test, fw_odd, ARRAY_SIZE(fw_odd), sd_dup, ARRAY_SIZE(sd_dup), &len);
	if (!expect_pick(test, buf, len, SVC_SHUTDOWN, &best, "duplicates"))
		return;
	buf = new_negotiate(test, fw_odd, ARRAY_SIZE(fw_odd), sd_extra, ARRAY_SIZE(sd_extra), &len);
	expect_pick(test, buf, len, SVC_SHUTDOWN, &best_31, "unknown versions");
}

/*
 * Framework and message versions are separate lists: a version in the
 * host's message list does not count as a framework version, nor the other
 * way round, though they sit next to each other in the packet.
 */
static void neg_lists_kept_apart(struct kunit *test)
{
	static const struct hvis_ic_version v10[] = { { 1, 0 } };
	static const struct hvis_ic_version v30[] = { { 3, 0 } };
	static const struct hvis_ic_version v40[] = { { 4, 0 } };
	static const struct pick fw10_msg30 = { 1, 0, 3, 0 };
	static const struct pick fw30_msg10 = { 3, 0, 1, 0 };
	u32 len;
	u8 *buf;

	buf = new_negotiate(test, v10, 1, v30, 1, &len);
	if (!expect_pick(test, buf, len, SVC_TIMESYNC, &fw10_msg30, "fw 1.0, msg 3.0"))
		return;
	buf = new_negotiate(test, v30, 1, v10, 1, &len);
	if (!expect_pick(test, buf, len, SVC_TIMESYNC, &fw30_msg10, "fw 3.0, msg 1.0"))
		return;
	/* The only framework version the guest knows is in the message list. */
	buf = new_negotiate(test, v40, 1, v10, 1, &len);
	expect_no_common(test, buf, len, SVC_TIMESYNC, "framework 4.0 only");
}

static struct kunit_case hvis_ic_negotiate_cases[] = {
	KUNIT_CASE(neg_every_profile),
	KUNIT_CASE(neg_smallest_request),
	KUNIT_CASE(neg_no_common_version),
	KUNIT_CASE(neg_no_common_message),
	KUNIT_CASE(neg_too_many_versions),
	KUNIT_CASE(neg_counts_past_body),
	KUNIT_CASE(neg_body_shorter_than_header),
	KUNIT_CASE(neg_host_order_irrelevant),
	KUNIT_CASE(neg_lists_kept_apart),
	{}
};

static struct kunit_suite hvis_ic_negotiate_suite = {
	.name = "hvis_ic_negotiate",
	.test_cases = hvis_ic_negotiate_cases,
};

/* ------------------------------------------------------------------------ */
/* hvis_ic_utf16_to_utf8, hvis_ic_utf8_to_utf16 */

/*
 * Both directions are driven through buffers allocated at exactly the size
 * the converter is told, filled with 0xff first: on the debug kernel a read
 * or write one byte too far is a KASAN report, and a terminator that was
 * not written shows up as 0xff.  The log budget above holds here too:
 * every check is an assertion, so a case ends at its first mismatch, and
 * its message names the input.
 */

/* Longest test string, in units or bytes. */
#define UTF_MAX		64

/* @units code units as UTF-16LE bytes, in a buffer of exactly that size. */
static u8 *utf_wire(struct kunit *test, const u16 *u, size_t units)
{
	u8 *p = kunit_kmalloc(test, 2 * units, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	for (i = 0; i < units; i++) {
		p[2 * i] = u[i] & 0xff;
		p[2 * i + 1] = u[i] >> 8;
	}
	return p;
}

/* A buffer of exactly @size bytes, all 0xff. */
static void *utf_fresh(struct kunit *test, size_t size)
{
	void *p = kunit_kmalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	memset(p, 0xff, size);
	return p;
}

/* @units code units as "d83d de00", for messages. */
static const char *utf_units_text(struct kunit *test, const u16 *u, size_t units)
{
	size_t i, n = 0, size = 5 * units + 1;
	char *s = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	for (i = 0; i < units; i++)
		n += scnprintf(s + n, size - n, "%s%04x", i ? " " : "", u[i]);
	return s;
}

/* @u (@units units) to UTF-8 in exactly @size bytes: @want, NUL-terminated. */
static void utf_to8_ok(struct kunit *test, const u16 *u, size_t units, size_t size,
		       const char *want)
{
	const char *what = utf_units_text(test, u, units);
	size_t len = strlen(want);
	char *out = utf_fresh(test, size);
	int n;

	n = hvis_ic_utf16_to_utf8(utf_wire(test, u, units), units, out, size);
	KUNIT_ASSERT_EQ_MSG(test, (int)len, n, "%s, size %zu", what, size);
	KUNIT_ASSERT_TRUE_MSG(test, !memcmp(out, want, len + 1), "%s: got %*ph", what,
			      (int)len + 1, out);
}

/* @u (@units units) to UTF-8 in exactly @size bytes fails with @err. */
static void utf_to8_err(struct kunit *test, const u16 *u, size_t units, size_t size, int err)
{
	char *out = utf_fresh(test, size);
	int n;

	n = hvis_ic_utf16_to_utf8(utf_wire(test, u, units), units, out, size);
	KUNIT_ASSERT_EQ_MSG(test, err, n, "%s, size %zu", utf_units_text(test, u, units), size);
}

/*
 * @len bytes of @s (copied to a buffer of exactly that size) to UTF-16 in a
 * fresh field of @units units; the field in *@field.
 */
static int utf_to16(struct kunit *test, const char *s, size_t len, size_t units,
		    bool *truncated, u8 **field)
{
	char *in = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, in);
	memcpy(in, s, len);
	*field = utf_fresh(test, 2 * units);
	return hvis_ic_utf8_to_utf16(in, len, *field, units, truncated);
}

/* The @units-unit field holds @want (@n units), then only zeros. */
static void utf_field_is(struct kunit *test, const u8 *field, size_t units, const u16 *want,
			 size_t n, const char *s)
{
	size_t i;
	u16 u, w;

	for (i = 0; i < units; i++) {
		u = field[2 * i] | field[2 * i + 1] << 8;
		w = i < n ? want[i] : 0;
		KUNIT_ASSERT_EQ_MSG(test, w, u, "%*ph: unit %zu of %zu", (int)strlen(s), s, i,
				    units);
	}
}

/* The C string @s to UTF-16 in a field of @units units: @want (@n units). */
static void utf_to16_ok(struct kunit *test, const char *s, size_t units, const u16 *want,
			size_t n)
{
	u8 *field;
	int ret;

	ret = utf_to16(test, s, strlen(s), units, NULL, &field);
	KUNIT_ASSERT_EQ_MSG(test, (int)n, ret, "%*ph, %zu units", (int)strlen(s), s, units);
	utf_field_is(test, field, units, want, n, s);
}

/* @len bytes of @s to UTF-16 in @units units fail with @err, truncating or not. */
static void utf_to16_err(struct kunit *test, const char *s, size_t len, size_t units, int err)
{
	bool cut = false;
	u8 *field;

	KUNIT_ASSERT_EQ_MSG(test, err, utf_to16(test, s, len, units, NULL, &field),
			    "%*ph, %zu units", (int)len, s, units);
	KUNIT_ASSERT_EQ_MSG(test, err, utf_to16(test, s, len, units, &cut, &field),
			    "%*ph, %zu units, truncating", (int)len, s, units);
}

/* @s and @u (@n units) are the same text, both ways, in exactly fitting buffers. */
static void utf_same(struct kunit *test, const char *s, const u16 *u, size_t n)
{
	utf_to8_ok(test, u, n, strlen(s) + 1, s);
	utf_to16_ok(test, s, n + 1, u, n);
}

static void utf_ascii(struct kunit *test)
{
	static const u16 u[] = { 'K', 'e', 'y', ' ', '/', '1', '~', 0x7f };

	utf_same(test, "Key /1~\x7f", u, ARRAY_SIZE(u));
}

/* é, and the ends of the two-byte range: U+0080, U+07FF. */
static void utf_two_bytes(struct kunit *test)
{
	static const u16 e[] = { 0xe9 };
	static const u16 ends[] = { 0x80, 0x7ff };

	utf_same(test, "\xc3\xa9", e, 1);
	utf_same(test, "\xc2\x80\xdf\xbf", ends, 2);
}

/* €, the ends of the three-byte range and the neighbours of the surrogates. */
static void utf_three_bytes(struct kunit *test)
{
	static const u16 euro[] = { 0x20ac };
	static const u16 ends[] = { 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff };

	utf_same(test, "\xe2\x82\xac", euro, 1);
	utf_same(test, "\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbd\xef\xbf\xbf", ends, 5);
}

/* 😀 (U+1F600) is the pair d83d de00; then U+10000 and U+10FFFF. */
static void utf_four_bytes(struct kunit *test)
{
	static const u16 grin[] = { 0xd83d, 0xde00 };
	static const u16 ends[] = { 0xd800, 0xdc00, 0xdbff, 0xdfff };

	utf_same(test, "\xf0\x9f\x98\x80", grin, 2);
	utf_same(test, "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", ends, 4);
}

/* A high surrogate not followed by a low one, wherever it is. */
static void utf16_lone_high(struct kunit *test)
{
	static const u16 alone[] = { 0xd83d };
	static const u16 last[] = { 'a', 0xdbff };
	static const u16 letter[] = { 0xd83d, 'a' };
	static const u16 nul[] = { 0xd83d, 0, 'a' };
	static const u16 twice[] = { 0xd83d, 0xd83d, 0xde00 };
	static const u16 split[] = { 0xd83d, 0xde00 };

	utf_to8_err(test, alone, 1, 16, -EILSEQ);
	utf_to8_err(test, last, 2, 16, -EILSEQ);
	utf_to8_err(test, letter, 2, 16, -EILSEQ);
	utf_to8_err(test, nul, 3, 16, -EILSEQ);
	utf_to8_err(test, twice, 3, 16, -EILSEQ);
	/* The pair's low half lies past the field: not read, so unpaired. */
	utf_to8_err(test, split, 1, 16, -EILSEQ);
}

/* A low surrogate without a high one before it. */
static void utf16_lone_low(struct kunit *test)
{
	static const u16 alone[] = { 0xdc00 };
	static const u16 inside[] = { 'a', 0xdfff, 'b' };
	static const u16 extra[] = { 0xd83d, 0xde00, 0xde00 };

	utf_to8_err(test, alone, 1, 16, -EILSEQ);
	utf_to8_err(test, inside, 3, 16, -EILSEQ);
	utf_to8_err(test, extra, 3, 16, -EILSEQ);
}

/* Low before high is two unpaired halves, not a character. */
static void utf16_reversed_pair(struct kunit *test)
{
	static const u16 grin[] = { 0xde00, 0xd83d };
	static const u16 first[] = { 0xdc00, 0xd800, 'a' };

	utf_to8_err(test, grin, 2, 16, -EILSEQ);
	utf_to8_err(test, first, 3, 16, -EILSEQ);
}

/* Longer forms than needed: NUL, "/", U+07FF, U+FFFF. */
static void utf8_overlong(struct kunit *test)
{
	static const char * const bad[] = {
		"\xc0\x80", "\xc0\xaf", "\xc1\xbf", "a\xc0\xafz",
		"\xe0\x80\x80", "\xe0\x80\xaf", "\xe0\x9f\xbf",
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		utf_to16_err(test, bad[i], strlen(bad[i]), 16, -EILSEQ);
}

/* Past U+10FFFF, and the lead bytes that can only start such forms. */
static void utf8_beyond_max(struct kunit *test)
{
	static const char * const bad[] = {
		"\xf4\x90\x80\x80", "\xf7\xbf\xbf\xbf", "\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80", "\xfe", "\xff",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		utf_to16_err(test, bad[i], strlen(bad[i]), 16, -EILSEQ);
}

/* Surrogate code points are not characters in UTF-8, paired or not (CESU-8). */
static void utf8_surrogates(struct kunit *test)
{
	static const char * const bad[] = {
		"\xed\xa0\x80", "\xed\xaf\xbf", "\xed\xb0\x80", "\xed\xbf\xbf",
		"\xed\xa0\xbd\xed\xb8\x80",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		utf_to16_err(test, bad[i], strlen(bad[i]), 16, -EILSEQ);
}

/* Cut or stray sequences, also a character cut by the length given. */
static void utf8_malformed(struct kunit *test)
{
	static const char * const bad[] = {
		"\xc3", "\xe2\x82", "\xf0\x9f\x98", "a\xe2\x82",
		"\x80", "\xbf", "a\x80z", "\xc3\x41", "\xe2\x28\xa1", "\xf0\x9f\x98\x41",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		utf_to16_err(test, bad[i], strlen(bad[i]), 16, -EILSEQ);
	utf_to16_err(test, "\xc3\xa9", 1, 16, -EILSEQ);
	utf_to16_err(test, "a\xf0\x9f\x98\x80", 4, 16, -EILSEQ);
}

/*
 * UTF-16 ends at the first NUL unit; what follows is not looked at, valid
 * or not.  UTF-8 is a measured string: a NUL byte in it is refused.
 */
static void utf_embedded_nul(struct kunit *test)
{
	static const u16 two[] = { 'a', 'b', 0, 'c', 'd' };
	static const u16 junk[] = { 'a', 0, 0xdc00 };
	static const u16 empty[] = { 0, 'x' };

	utf_to8_ok(test, two, 5, 3, "ab");
	utf_to8_ok(test, junk, 3, 2, "a");
	utf_to8_ok(test, empty, 2, 1, "");
	utf_to16_err(test, "a\0b", 3, 16, -EILSEQ);
	utf_to16_err(test, "\0", 1, 16, -EILSEQ);
	utf_to16_err(test, "ab\0", 3, 16, -EILSEQ);
}

/*
 * Output buffers of exactly the size needed (the terminator included) and
 * one smaller, per character width and mixed.  A UTF-16 field full up to
 * its last unit needs no terminator of its own.
 */
static void utf_exact_fit(struct kunit *test)
{
	static const struct {
		const char *s;
		u16 u[5];
		size_t n;
	} t[] = {
		{ "a", { 'a' }, 1 },
		{ "\xc3\xa9", { 0xe9 }, 1 },
		{ "\xe2\x82\xac", { 0x20ac }, 1 },
		{ "\xf0\x9f\x98\x80", { 0xd83d, 0xde00 }, 2 },
		{ "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		  { 'a', 0xe9, 0x20ac, 0xd83d, 0xde00 }, 5 },
	};
	u8 *field;
	size_t len;
	int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		len = strlen(t[i].s);
		utf_to8_ok(test, t[i].u, t[i].n, len + 1, t[i].s);
		utf_to8_err(test, t[i].u, t[i].n, len, -E2BIG);
		utf_to16_ok(test, t[i].s, t[i].n + 1, t[i].u, t[i].n);
		KUNIT_ASSERT_EQ_MSG(test, -E2BIG, utf_to16(test, t[i].s, len, t[i].n, NULL, &field),
				    "%*ph, %zu units", (int)len, t[i].s, t[i].n);
	}
}

/*
 * With @truncated, a string that does not fit is cut after the last whole
 * character that does: never half a pair, nothing after a character left
 * out; the whole input is still checked.
 */
static void utf8_truncated(struct kunit *test)
{
	static const u16 ab[] = { 'a', 'b' };
	static const u16 a[] = { 'a' };
	bool cut;
	u8 *field;

	cut = false;
	KUNIT_ASSERT_EQ(test, 2, utf_to16(test, "abc", 3, 3, &cut, &field));
	KUNIT_ASSERT_TRUE(test, cut);
	utf_field_is(test, field, 3, ab, 2, "abc");

	cut = false;
	KUNIT_ASSERT_EQ(test, 1, utf_to16(test, "a\xf0\x9f\x98\x80", 5, 3, &cut, &field));
	KUNIT_ASSERT_TRUE(test, cut);
	utf_field_is(test, field, 3, a, 1, "a\xf0\x9f\x98\x80");

	/* "z" would fit after the skipped pair, but must not close the gap. */
	cut = false;
	KUNIT_ASSERT_EQ(test, 1, utf_to16(test, "a\xf0\x9f\x98\x80z", 6, 3, &cut, &field));
	KUNIT_ASSERT_TRUE(test, cut);
	utf_field_is(test, field, 3, a, 1, "a\xf0\x9f\x98\x80z");

	cut = true;
	KUNIT_ASSERT_EQ(test, 2, utf_to16(test, "ab", 2, 3, &cut, &field));
	KUNIT_ASSERT_FALSE(test, cut);
	utf_field_is(test, field, 3, ab, 2, "ab");

	/* Only the terminator fits. */
	cut = false;
	KUNIT_ASSERT_EQ(test, 0, utf_to16(test, "ab", 2, 1, &cut, &field));
	KUNIT_ASSERT_TRUE(test, cut);
	utf_field_is(test, field, 1, NULL, 0, "ab");

	/*
	 * Invalid past the cut is refused when truncating (without, the first
	 * character that does not fit already ends it with -E2BIG).
	 */
	KUNIT_ASSERT_EQ(test, -EILSEQ, utf_to16(test, "abc\xff", 4, 2, &cut, &field));
	KUNIT_ASSERT_EQ(test, -EILSEQ, utf_to16(test, "abc\xed\xa0\x80", 6, 2, &cut, &field));
	KUNIT_ASSERT_EQ(test, -E2BIG, utf_to16(test, "abc\xff", 4, 2, NULL, &field));
}

/* Empty input and empty output buffers. */
static void utf_zero_sizes(struct kunit *test)
{
	static const u16 a[] = { 'a' };
	u8 *field;

	utf_to8_ok(test, a, 0, 1, "");
	utf_to8_err(test, a, 0, 0, -E2BIG);
	utf_to8_err(test, a, 1, 0, -E2BIG);

	KUNIT_ASSERT_EQ(test, 0, utf_to16(test, "", 0, 4, NULL, &field));
	utf_field_is(test, field, 4, NULL, 0, "");
	utf_to16_err(test, "", 0, 0, -E2BIG);
	utf_to16_err(test, "a", 1, 0, -E2BIG);
}

/*
 * Wire strings sit at odd offsets in packed messages: both directions from
 * and to odd addresses.
 */
static void utf_odd_addresses(struct kunit *test)
{
	static const u8 grin_e[] = { 0x3d, 0xd8, 0x00, 0xde, 0xe9, 0x00 };
	static const char s[] = "\xf0\x9f\x98\x80\xc3\xa9";
	u8 *in = utf_fresh(test, sizeof(grin_e) + 1);
	u8 *out = utf_fresh(test, sizeof(grin_e) + 2 + 1);
	char *text = utf_fresh(test, sizeof(s) + 1);

	memcpy(in + 1, grin_e, sizeof(grin_e));
	KUNIT_ASSERT_EQ(test, 6, hvis_ic_utf16_to_utf8(in + 1, 3, text + 1, sizeof(s)));
	KUNIT_ASSERT_TRUE(test, !memcmp(text + 1, s, sizeof(s)));

	KUNIT_ASSERT_EQ(test, 3, hvis_ic_utf8_to_utf16(text + 1, 6, out + 1, 4, NULL));
	KUNIT_ASSERT_TRUE_MSG(test, !memcmp(out + 1, grin_e, sizeof(grin_e)) &&
			      !out[7] && !out[8], "got %*ph", 8, out + 1);
}

/* A mixed string there and back, in fields with room to spare. */
static void utf_round_trip(struct kunit *test)
{
	static const char s[] =
		"A\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80/\xe6\x97\xa5\xf4\x8f\xbf\xbf\x7f";
	static const u16 u[] = { 'A', 0xe9, ' ', 0x20ac, 0xd83d, 0xde00, '/', 0x65e5,
				 0xdbff, 0xdfff, 0x7f };
	char *back = utf_fresh(test, UTF_MAX);
	u8 *field;
	int n;

	n = utf_to16(test, s, strlen(s), UTF_MAX, NULL, &field);
	KUNIT_ASSERT_EQ(test, (int)ARRAY_SIZE(u), n);
	utf_field_is(test, field, UTF_MAX, u, ARRAY_SIZE(u), s);
	KUNIT_ASSERT_EQ(test, (int)strlen(s), hvis_ic_utf16_to_utf8(field, UTF_MAX, back,
								    UTF_MAX));
	KUNIT_ASSERT_STREQ(test, s, back);
}

/*
 * Every Unicode scalar value alone, UTF-16 to UTF-8 and back: the UTF-8
 * length is the one its range calls for, and the way back is exact.
 */
static void utf_every_code_point(struct kunit *test)
{
	u8 wire[6], again[6];
	char text[5];
	int units, n;
	u32 c;

	for (c = 1; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		if (c < 0x10000) {
			wire[0] = c & 0xff;
			wire[1] = c >> 8;
			units = 1;
		} else {
			wire[0] = (0xd800 + ((c - 0x10000) >> 10)) & 0xff;
			wire[1] = (0xd800 + ((c - 0x10000) >> 10)) >> 8;
			wire[2] = (0xdc00 + (c & 0x3ff)) & 0xff;
			wire[3] = (0xdc00 + (c & 0x3ff)) >> 8;
			units = 2;
		}
		n = hvis_ic_utf16_to_utf8(wire, units, text, sizeof(text));
		KUNIT_ASSERT_EQ_MSG(test, c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4, n,
				    "U+%04X", c);
		n = hvis_ic_utf8_to_utf16(text, n, again, units + 1, NULL);
		KUNIT_ASSERT_EQ_MSG(test, units, n, "U+%04X back", c);
		KUNIT_ASSERT_TRUE_MSG(test, !memcmp(wire, again, 2 * units), "U+%04X back", c);
		if (!(c & 0xffff))
			cond_resched();
	}
}

static struct kunit_case hvis_ic_utf_cases[] = {
	KUNIT_CASE(utf_ascii),
	KUNIT_CASE(utf_two_bytes),
	KUNIT_CASE(utf_three_bytes),
	KUNIT_CASE(utf_four_bytes),
	KUNIT_CASE(utf16_lone_high),
	KUNIT_CASE(utf16_lone_low),
	KUNIT_CASE(utf16_reversed_pair),
	KUNIT_CASE(utf8_overlong),
	KUNIT_CASE(utf8_beyond_max),
	KUNIT_CASE(utf8_surrogates),
	KUNIT_CASE(utf8_malformed),
	KUNIT_CASE(utf_embedded_nul),
	KUNIT_CASE(utf_exact_fit),
	KUNIT_CASE(utf8_truncated),
	KUNIT_CASE(utf_zero_sizes),
	KUNIT_CASE(utf_odd_addresses),
	KUNIT_CASE(utf_round_trip),
	KUNIT_CASE(utf_every_code_point),
	{}
};

static struct kunit_suite hvis_ic_utf_suite = {
	.name = "hvis_ic_utf",
	.test_cases = hvis_ic_utf_cases,
};

kunit_test_suites(&hvis_ic_hdr_suite, &hvis_ic_negotiate_suite, &hvis_ic_utf_suite);

MODULE_DESCRIPTION("KUnit tests for the hvis integration-component framework");
MODULE_LICENSE("GPL");
