// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the pure parts of the VMBus core.
 *
 * The code under test is compiled into this module rather than linked from
 * hvis_vmbus, so the suites run on any kernel with KUnit, Hyper-V or not
 * (hvis_vmbus refuses to load without one).  Its exports are dropped here:
 * the same names exported twice would stop the two modules loading together.
 */
#include <kunit/test.h>
#include <linux/export.h>
#include <linux/sizes.h>

#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)

#include "../../drivers/vmbus/guid.c"
#include "../../drivers/vmbus/validate.c"
#include "../../drivers/vmbus/ring.c"

/* The Heartbeat class GUID, as text and as the bytes on the wire. */
static const char hb_text[] = "57164f39-9115-4e78-ab55-382f3bd5422d";
static const guid_t hb_guid = {
	.b = { 0x39, 0x4f, 0x16, 0x57, 0x15, 0x91, 0x78, 0x4e,
	       0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d },
};

/* Fields 1-3 are little-endian on the wire, the rest are plain bytes. */
static void guid_parse_wire_order(struct kunit *test)
{
	guid_t g;

	KUNIT_ASSERT_EQ(test, 0, hvis_guid_parse(hb_text, strlen(hb_text), &g));
	KUNIT_EXPECT_TRUE(test, guid_equal(&g, &hb_guid));
}

/* Formatting gives the sysfs device name: lower case, no braces. */
static void guid_format_sysfs_name(struct kunit *test)
{
	char buf[HVIS_GUID_STRLEN + 1];

	hvis_guid_format(&hb_guid, buf);
	KUNIT_EXPECT_STREQ(test, buf, hb_text);
}

/* What Windows prints, and what a sysfs write carries, both parse. */
static void guid_parse_accepted_forms(struct kunit *test)
{
	static const char * const ok[] = {
		"57164F39-9115-4E78-AB55-382F3BD5422D",
		"{57164f39-9115-4e78-ab55-382f3bd5422d}",
		"57164f39-9115-4e78-ab55-382f3bd5422d\n",
		"{57164F39-9115-4E78-AB55-382F3BD5422D}\n",
	};
	guid_t g;
	int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		memset(&g, 0, sizeof(g));
		KUNIT_EXPECT_EQ(test, 0, hvis_guid_parse(ok[i], strlen(ok[i]), &g));
		KUNIT_EXPECT_TRUE(test, guid_equal(&g, &hb_guid));
	}
}

/* Anything that is not exactly one GUID is refused and @out left alone. */
static void guid_parse_rejects(struct kunit *test)
{
	static const char * const bad[] = {
		"",
		"57164f39-9115-4e78-ab55-382f3bd5422",
		"57164f39-9115-4e78-ab55-382f3bd5422dd",
		"57164f39-9115-4e78-ab55+382f3bd5422d",
		"57164f3g-9115-4e78-ab55-382f3bd5422d",
		"57164f39x9115-4e78-ab55-382f3bd5422d",
		"{57164f39-9115-4e78-ab55-382f3bd5422d",
		"57164f39-9115-4e78-ab55-382f3bd5422d}",
		"(57164f39-9115-4e78-ab55-382f3bd5422d)",
		"57164f39-9115-4e78-ab55-382f3bd5422d\n\n",
		" 57164f39-9115-4e78-ab55-382f3bd5422d",
	};
	guid_t g;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&g, 0xa5, sizeof(g));
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    hvis_guid_parse(bad[i], strlen(bad[i]), &g),
				    "input \"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, 0xa5, g.b[0]);
	}
}

/* The length bounds the read: the parser never looks past @len. */
static void guid_parse_honours_len(struct kunit *test)
{
	guid_t g;

	KUNIT_EXPECT_EQ(test, -EINVAL, hvis_guid_parse(hb_text, 35, &g));
	KUNIT_EXPECT_EQ(test, -EINVAL, hvis_guid_parse(hb_text, 0, &g));
}

/* Round trip over every byte value in every position. */
static void guid_round_trip(struct kunit *test)
{
	char buf[HVIS_GUID_STRLEN + 1];
	guid_t g, back;
	int i, v;

	for (v = 0; v < 256; v += 17) {
		for (i = 0; i < 16; i++)
			g.b[i] = v + i * 13;
		hvis_guid_format(&g, buf);
		KUNIT_ASSERT_EQ(test, 0, hvis_guid_parse(buf, strlen(buf), &back));
		KUNIT_EXPECT_TRUE(test, guid_equal(&g, &back));
	}
}

static struct kunit_case hvis_guid_cases[] = {
	KUNIT_CASE(guid_parse_wire_order),
	KUNIT_CASE(guid_format_sysfs_name),
	KUNIT_CASE(guid_parse_accepted_forms),
	KUNIT_CASE(guid_parse_rejects),
	KUNIT_CASE(guid_parse_honours_len),
	KUNIT_CASE(guid_round_trip),
	{}
};

static struct kunit_suite hvis_guid_suite = {
	.name = "hvis_guid",
	.test_cases = hvis_guid_cases,
};

/* --- validation of host channel messages ------------------------------- */

static const struct {
	u32 type;
	u32 min;
} host_msgs[] = {
	{ HVIS_CHANMSG_OFFERCHANNEL, 196 },
	{ HVIS_CHANMSG_RESCIND_CHANNELOFFER, 12 },
	{ HVIS_CHANMSG_ALLOFFERS_DELIVERED, 8 },
	{ HVIS_CHANMSG_OPENCHANNEL_RESULT, 20 },
	{ HVIS_CHANMSG_GPADL_CREATED, 20 },
	{ HVIS_CHANMSG_GPADL_TORNDOWN, 12 },
	{ HVIS_CHANMSG_VERSION_RESPONSE, 16 },
	{ HVIS_CHANMSG_UNLOAD_RESPONSE, 8 },
	{ HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE, 16 },
};

static int check_msg(u32 type, u32 len)
{
	u8 buf[HVIS_MESSAGE_PAYLOAD_SIZE] = {};

	((struct hvis_chanmsg_hdr *)buf)->msgtype = type;
	return hvis_chanmsg_check(buf, len);
}

/* Each message the host may send passes at its minimum length and above. */
static void chanmsg_host_types_accepted(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(host_msgs); i++) {
		KUNIT_EXPECT_EQ(test, 0, check_msg(host_msgs[i].type, host_msgs[i].min));
		KUNIT_EXPECT_EQ(test, 0, check_msg(host_msgs[i].type, HVIS_MESSAGE_PAYLOAD_SIZE));
	}
}

/* One byte short of its minimum is refused: fields past the end are never read. */
static void chanmsg_truncated_refused(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(host_msgs); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EMSGSIZE,
				    check_msg(host_msgs[i].type, host_msgs[i].min - 1),
				    "type %u", host_msgs[i].type);
	KUNIT_EXPECT_EQ(test, -EMSGSIZE, check_msg(HVIS_CHANMSG_OFFERCHANNEL, 0));
	KUNIT_EXPECT_EQ(test, -EMSGSIZE, check_msg(HVIS_CHANMSG_UNLOAD_RESPONSE, 7));
}

/* A payload size beyond the SynIC payload is refused, whatever the type. */
static void chanmsg_oversized_refused(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, -EMSGSIZE, check_msg(HVIS_CHANMSG_OFFERCHANNEL, 241));
	KUNIT_EXPECT_EQ(test, -EMSGSIZE, check_msg(HVIS_CHANMSG_VERSION_RESPONSE, 255));
}

/* Unknown types, and types only a guest sends, are refused. */
static void chanmsg_wrong_direction_or_unknown(struct kunit *test)
{
	static const u32 bad[] = {
		HVIS_CHANMSG_INVALID, HVIS_CHANMSG_REQUESTOFFERS, HVIS_CHANMSG_OPENCHANNEL,
		HVIS_CHANMSG_GPADL_HEADER, HVIS_CHANMSG_INITIATE_CONTACT, HVIS_CHANMSG_UNLOAD,
		18, 19, 20, HVIS_CHANMSG_COUNT, 99, 0xffffffff,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EBADMSG, check_msg(bad[i], HVIS_MESSAGE_PAYLOAD_SIZE),
				    "type %u", bad[i]);
}

static void good_offer(struct hvis_chanmsg_offer *o)
{
	memset(o, 0, sizeof(*o));
	o->hdr.msgtype = HVIS_CHANMSG_OFFERCHANNEL;
	o->if_type = hb_guid;
	o->if_instance = hb_guid;
	o->child_relid = 7;
	o->monitorid = HVIS_MONITOR_ID_NONE;
}

static void offer_fields(struct kunit *test)
{
	struct hvis_chanmsg_offer o;

	good_offer(&o);
	KUNIT_EXPECT_EQ(test, 0, hvis_offer_check(&o));
	o.child_relid = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, hvis_offer_check(&o));
	o.child_relid = HVIS_MAX_RELID;
	KUNIT_EXPECT_EQ(test, -EINVAL, hvis_offer_check(&o));
	o.child_relid = HVIS_MAX_RELID - 1;
	KUNIT_EXPECT_EQ(test, 0, hvis_offer_check(&o));

	/* A monitor id counts only when the host says it allocated one. */
	good_offer(&o);
	o.monitor_allocated = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, hvis_offer_check(&o));
	o.monitorid = HVIS_MAX_MONITOR_ID - 1;
	KUNIT_EXPECT_EQ(test, 0, hvis_offer_check(&o));

	good_offer(&o);
	o.if_instance = guid_null;
	KUNIT_EXPECT_EQ(test, -EINVAL, hvis_offer_check(&o));
	good_offer(&o);
	o.if_type = guid_null;
	KUNIT_EXPECT_EQ(test, -EINVAL, hvis_offer_check(&o));
}

static struct kunit_case hvis_validate_cases[] = {
	KUNIT_CASE(chanmsg_host_types_accepted),
	KUNIT_CASE(chanmsg_truncated_refused),
	KUNIT_CASE(chanmsg_oversized_refused),
	KUNIT_CASE(chanmsg_wrong_direction_or_unknown),
	KUNIT_CASE(offer_fields),
	{}
};

static struct kunit_suite hvis_validate_suite = {
	.name = "hvis_validate",
	.test_cases = hvis_validate_cases,
};

/* --- ring buffers ---------------------------------------------------------- */

#define DATA_BYTES	512	/* small, so that tests wrap quickly */

static struct hvis_ring *test_ring_of(struct kunit *test, u32 data_bytes)
{
	struct hvis_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	void *pages = kunit_kzalloc(test, sizeof(struct hvis_ring_ctl) + data_bytes, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pages);
	hvis_ring_init(r, pages, sizeof(struct hvis_ring_ctl) + data_bytes);
	return r;
}

static struct hvis_ring *test_ring(struct kunit *test)
{
	return test_ring_of(test, DATA_BYTES);
}

/* The reader's view of the same memory: indices are shared, private ones are not. */
static struct hvis_ring *peer_of(struct kunit *test, struct hvis_ring *r)
{
	struct hvis_ring *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	*p = *r;
	p->priv_index = r->ctl->read_index;
	return p;
}

static void ring_index_arithmetic(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0u, hvis_ring_used(64, 64, 512));
	KUNIT_EXPECT_EQ(test, 512u, hvis_ring_free(64, 64, 512));
	KUNIT_EXPECT_EQ(test, 40u, hvis_ring_used(104, 64, 512));
	/* Wrapped: the writer is behind the reader in memory. */
	KUNIT_EXPECT_EQ(test, 512u - 400 + 8, hvis_ring_used(8, 400, 512));
	KUNIT_EXPECT_EQ(test, 400u - 8, hvis_ring_free(8, 400, 512));
	KUNIT_EXPECT_TRUE(test, hvis_ring_index_ok(0, 512));
	KUNIT_EXPECT_TRUE(test, hvis_ring_index_ok(504, 512));
	KUNIT_EXPECT_FALSE(test, hvis_ring_index_ok(512, 512));
	KUNIT_EXPECT_FALSE(test, hvis_ring_index_ok(12, 512));
}

static void ring_signalling_rules(struct kunit *test)
{
	/* Signal the reader only if it saw an empty ring and did not mask us. */
	KUNIT_EXPECT_TRUE(test, hvis_ring_signal_after_write(64, 64, 0));
	KUNIT_EXPECT_FALSE(test, hvis_ring_signal_after_write(64, 64, 1));
	KUNIT_EXPECT_FALSE(test, hvis_ring_signal_after_write(64, 32, 0));
	/* Signal the writer only when free space crosses what it waits for. */
	KUNIT_EXPECT_TRUE(test, hvis_ring_signal_after_read(512, 256, 264, 400, 100,
							    HVIS_RING_FEAT_PENDING_SEND_SZ));
	KUNIT_EXPECT_FALSE(test, hvis_ring_signal_after_read(512, 256, 264, 320, 100,
							     HVIS_RING_FEAT_PENDING_SEND_SZ));
	KUNIT_EXPECT_FALSE(test, hvis_ring_signal_after_read(512, 256, 264, 320, 100, 0));
	KUNIT_EXPECT_FALSE(test, hvis_ring_signal_after_read(512, 256, 264, 320, 0,
							     HVIS_RING_FEAT_PENDING_SEND_SZ));
	/* Already above the threshold before this read: no news for the writer. */
	KUNIT_EXPECT_FALSE(test, hvis_ring_signal_after_read(512, 256, 400, 480, 100,
							     HVIS_RING_FEAT_PENDING_SEND_SZ));
}

/* Packets of every small size, many times round the ring, arrive intact. */
static void ring_round_trip_with_wrap(struct kunit *test)
{
	struct hvis_ring *w = test_ring(test), *rd = peer_of(test, w);
	u8 out[100], in[ALIGN(100, 8)];	/* the reader sees the padding too */
	struct hvis_pkt_desc d;
	bool sig;
	u32 len, i, n;

	for (i = 0; i < 400; i++) {
		n = i % sizeof(out);
		memset(out, i, n);
		KUNIT_ASSERT_EQ(test, 0, hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 1000 + i,
							 out, n, &sig));
		KUNIT_ASSERT_EQ(test, 0, hvis_ring_read(rd, in, sizeof(in), &len, &d, &sig));
		KUNIT_EXPECT_EQ(test, ALIGN(n, 8), len);
		KUNIT_EXPECT_EQ(test, 1000ull + i, d.trans_id);
		KUNIT_EXPECT_EQ(test, (u16)HVIS_PKT_DATA_INBAND, d.type);
		KUNIT_EXPECT_EQ(test, 0, memcmp(in, out, n));
	}
	KUNIT_EXPECT_EQ(test, -EAGAIN, hvis_ring_read(rd, in, sizeof(in), &len, &d, &sig));
}

/* A full ring refuses more and is never filled to the last byte. */
static void ring_full_and_empty(struct kunit *test)
{
	struct hvis_ring *w = test_ring(test), *rd = peer_of(test, w);
	u8 buf[40] = {};
	struct hvis_pkt_desc d;
	bool sig;
	u32 len;
	int n = 0;

	KUNIT_EXPECT_EQ(test, -EAGAIN, hvis_ring_read(rd, buf, sizeof(buf), &len, &d, &sig));
	while (!hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, n, buf, sizeof(buf), &sig))
		n++;
	/* 40 bytes + 16 descriptor + 8 trailer = 64 per packet, 512 bytes: 7 fit. */
	KUNIT_EXPECT_EQ(test, 7, n);
	KUNIT_EXPECT_NE(test, w->ctl->write_index, w->ctl->read_index);
	KUNIT_EXPECT_EQ(test, -EAGAIN,
			hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 0, buf, sizeof(buf), &sig));
	KUNIT_EXPECT_EQ(test, -EMSGSIZE,
			hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 0, buf, DATA_BYTES, &sig));
	while (!hvis_ring_read(rd, buf, sizeof(buf), &len, &d, &sig))
		n--;
	KUNIT_EXPECT_EQ(test, 0, n);
}

/*
 * A descriptor counts a packet's bytes in 8-byte units in 16 bits, so no
 * packet reaches 512 KiB, however large the ring: the largest payload that
 * fits is 8 * 65535 less the descriptor.  One byte more would wrap the
 * count and tell the host of a packet far shorter than what was written.
 */
static void ring_packet_length_limit(struct kunit *test)
{
	const u32 max = U16_MAX * 8 - sizeof(struct hvis_pkt_desc);
	struct hvis_ring *w = test_ring_of(test, SZ_1M), *rd = peer_of(test, w);
	u8 *buf = kunit_kzalloc(test, max + 8, GFP_KERNEL);
	struct hvis_pkt_desc d;
	bool sig;
	u32 len;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, -EMSGSIZE,
			hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 1, buf, max + 8, &sig));
	KUNIT_EXPECT_EQ(test, -EMSGSIZE,
			hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 1, buf, max + 1, &sig));
	KUNIT_ASSERT_EQ(test, 0, hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 2, buf, max, &sig));
	KUNIT_ASSERT_EQ(test, 0, hvis_ring_read(rd, buf, max + 8, &len, &d, &sig));
	KUNIT_EXPECT_EQ(test, max, len);
	KUNIT_EXPECT_EQ(test, 2ull, d.trans_id);
}

/* The first packet into an empty, unmasked ring signals; the next does not. */
static void ring_write_signals_once(struct kunit *test)
{
	struct hvis_ring *w = test_ring(test);
	u8 buf[8] = {};
	bool sig;

	KUNIT_EXPECT_EQ(test, 0, hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 1, buf, 8, &sig));
	KUNIT_EXPECT_TRUE(test, sig);
	KUNIT_EXPECT_EQ(test, 0, hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 2, buf, 8, &sig));
	KUNIT_EXPECT_FALSE(test, sig);
}

/* Too small a buffer: -ENOBUFS, the size needed, and the packet stays. */
static void ring_short_buffer_keeps_packet(struct kunit *test)
{
	struct hvis_ring *w = test_ring(test), *rd = peer_of(test, w);
	u8 buf[64] = { 1, 2, 3 };
	struct hvis_pkt_desc d;
	bool sig;
	u32 len;

	KUNIT_ASSERT_EQ(test, 0, hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 9, buf, 48, &sig));
	KUNIT_EXPECT_EQ(test, -ENOBUFS, hvis_ring_read(rd, buf, 16, &len, &d, &sig));
	KUNIT_EXPECT_EQ(test, 48u, len);
	KUNIT_EXPECT_EQ(test, 0, hvis_ring_read(rd, buf, sizeof(buf), &len, &d, &sig));
	KUNIT_EXPECT_EQ(test, 9ull, d.trans_id);
}

/* Indices the host corrupts are caught before they are used. */
static void ring_corrupt_indices(struct kunit *test)
{
	struct hvis_ring *w = test_ring(test), *rd = peer_of(test, w);
	u8 buf[16] = {};
	struct hvis_pkt_desc d;
	bool sig;
	u32 len;

	w->ctl->read_index = DATA_BYTES;	/* past the end */
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 0, buf, 8, &sig));
	w->ctl->read_index = 12;		/* misaligned */
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_write(w, HVIS_PKT_DATA_INBAND, 0, 0, buf, 8, &sig));
	rd->ctl->write_index = 0xfffffff8;
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_read(rd, buf, sizeof(buf), &len, &d, &sig));
	rd->ctl->write_index = 8;		/* less than a descriptor and trailer */
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_read(rd, buf, sizeof(buf), &len, &d, &sig));
}

/* Descriptors whose lengths point past what was published are refused. */
static void ring_bad_descriptors(struct kunit *test)
{
	struct hvis_pkt_desc d = { .type = HVIS_PKT_DATA_INBAND, .offset8 = 2, .len8 = 4 };

	KUNIT_EXPECT_EQ(test, 0, hvis_ring_check_desc(&d, 40));
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_check_desc(&d, 39));
	d.offset8 = 1;		/* header shorter than a descriptor */
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_check_desc(&d, 40));
	d.offset8 = 5;		/* header longer than the packet */
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_check_desc(&d, 48));
	d.offset8 = 2;
	d.len8 = 0xffff;	/* far past the ring */
	KUNIT_EXPECT_EQ(test, -EIO, hvis_ring_check_desc(&d, 512));
}

static struct kunit_case hvis_ring_cases[] = {
	KUNIT_CASE(ring_index_arithmetic),
	KUNIT_CASE(ring_signalling_rules),
	KUNIT_CASE(ring_round_trip_with_wrap),
	KUNIT_CASE(ring_full_and_empty),
	KUNIT_CASE(ring_write_signals_once),
	KUNIT_CASE(ring_packet_length_limit),
	KUNIT_CASE(ring_short_buffer_keeps_packet),
	KUNIT_CASE(ring_corrupt_indices),
	KUNIT_CASE(ring_bad_descriptors),
	{}
};

static struct kunit_suite hvis_ring_suite = {
	.name = "hvis_ring",
	.test_cases = hvis_ring_cases,
};

kunit_test_suites(&hvis_guid_suite, &hvis_validate_suite, &hvis_ring_suite);

MODULE_DESCRIPTION("KUnit tests for the hvis VMBus core");
MODULE_LICENSE("GPL");
