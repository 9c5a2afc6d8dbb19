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

#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)

#include "../../drivers/vmbus/guid.c"
#include "../../drivers/vmbus/validate.c"

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

kunit_test_suites(&hvis_guid_suite, &hvis_validate_suite);

MODULE_DESCRIPTION("KUnit tests for the hvis VMBus core");
MODULE_LICENSE("GPL");
