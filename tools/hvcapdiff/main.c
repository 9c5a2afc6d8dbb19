// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvcapdiff: compare two wire captures of hvis_sim (hvsim capture dump),
 * taken of two guests in the same scripted scenario, field by field.
 *
 *   hvcapdiff [-v] [-n] [-r RULES]... A B     compare; exit 0 when every
 *                                             difference is declared
 *   hvcapdiff -p [-r RULES]... A              print one capture decoded
 *
 * Both captures are cut into streams, and each stream is compared in
 * order:
 *   ctl.g2h, ctl.h2g          channel messages that name no channel
 *                             (contact, offers requested, unload)
 *   ctl.SVC.g2h, ctl.SVC.h2g  channel messages of one channel (offer,
 *                             GPADL, open, close, rescind, release)
 *   SVC.g2h, SVC.h2g          its ring packets
 * SVC is the service the channel was offered as (heartbeat, kvp, shutdown,
 * timesync, vss, fcopy, echo, or the class GUID), so a channel rescinded
 * and offered again under another relid stays one stream, and the order
 * in which a guest opens its channels does not matter.
 *
 * Every message is decoded with the simulator's own wire headers into
 * named fields; messages of two streams are paired by their kind (type,
 * operation, request or response) along the longest common sequence, so
 * one extra message is one difference.  A field that differs is reported
 * unless a rule declares it variable:
 *
 *   ignore STREAM KIND FIELD   why...    the field may differ
 *   limit  STREAM KIND N       why...    only the first N of that kind count
 *
 * STREAM, KIND and FIELD are fnmatch(3) patterns; FIELD "-" is the
 * message's presence (an unpaired message).  The built-in rules below
 * cover what the protocol itself makes variable; -r files add the
 * deliberate differences of one comparison ('#' starts a comment).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvis/hvcap.h>
#include <hvis/ic_wire.h>
#include <hvis/vmbus_wire.h>
#include <hvis/hv_daemon.h>

/* The kernel's short names, for the decoder's own offsets and values. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

/* --- rules ------------------------------------------------------------------ */

struct rule {
	bool limit;
	char *stream, *kind, *field;
	unsigned int n;
	char *why;
	unsigned int used;
};

/* What differs between any two guests, or any two runs of one guest. */
static const char *const builtin_rules[] = {
	"ignore ctl* GPADL_* gpadl          GPADL handles are the guest's choice",
	"ignore ctl* OPENCHANNEL ringbuffer_gpadl  a GPADL handle, the guest's choice",
	"ignore ctl* GPADL_* pfn[[]*]       page frame numbers of guest memory",
	"ignore ctl* INITIATE_CONTACT* monitor_page*  guest-physical addresses",
	"ignore ctl* INITIATE_CONTACT* interrupt_page  a guest-physical address",
	"ignore * * desc.trans_id           VMBus transaction ids are per-guest counters",
	"ignore * * ic.transaction_id       the host's IC transaction counter runs on across services",
	"ignore heartbeat.* HEARTBEAT* seq_num  the heartbeat sequence is a counter, started at random",
	"ignore timesync.* TIMESYNC* parenttime  the host's clock at sending",
	"ignore timesync.* TIMESYNC* childtime  the guest's clock",
	"ignore timesync.* TIMESYNC* vmreferencetime  the reference counter at sending",
	"ignore timesync.* TIMESYNC* roundtriptime  measured, not chosen",
	"limit heartbeat.* HEARTBEAT* 1     periodic: how many fit in a run is timing",
	"limit timesync.* TIMESYNC* 2       periodic samples: how many fit in a run is timing",
	NULL,
};

static struct rule *rules;
static unsigned int nr_rules;

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		perror("hvcapdiff");
		exit(2);
	}
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("hvcapdiff");
		exit(2);
	}
	return p;
}

/* One rule line; 0, or -1 when it is not one. */
static int rule_parse(const char *line)
{
	char act[16], s[128], k[128], f[128];
	struct rule r = { 0 };
	int used = 0;
	const char *why;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#' || *line == '\n')
		return 0;
	if (sscanf(line, "%15s %127s %127s %127s %n", act, s, k, f, &used) < 4 || !used)
		return -1;
	if (!strcmp(act, "limit")) {
		char *end;

		r.limit = true;
		r.n = strtoul(f, &end, 10);
		if (*end)
			return -1;
	} else if (strcmp(act, "ignore")) {
		return -1;
	}
	why = line + used;
	r.stream = xstrdup(s);
	r.kind = xstrdup(k);
	r.field = xstrdup(f);
	r.why = xstrdup(why);
	r.why[strcspn(r.why, "\n")] = 0;
	if (!*r.why)
		return -1;	/* every rule says why */
	rules = xrealloc(rules, (nr_rules + 1) * sizeof(*rules));
	rules[nr_rules++] = r;
	return 0;
}

static int rules_load(const char *path)
{
	char line[512];
	unsigned int n = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "hvcapdiff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (rule_parse(line)) {
			fprintf(stderr, "hvcapdiff: %s:%u: not a rule (ignore S K F why | limit S K N why)\n",
				path, n);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static bool match(const char *pat, const char *s)
{
	return !fnmatch(pat, s, 0);
}

/* The first rule of that sort (@field NULL: a limit) that covers this, or NULL. */
static struct rule *rule_find(const char *stream, const char *kind, const char *field)
{
	unsigned int i;

	for (i = 0; i < nr_rules; i++)
		if (rules[i].limit == !field && match(rules[i].stream, stream) &&
		    match(rules[i].kind, kind) && (!field || match(rules[i].field, field)))
			return &rules[i];
	return NULL;
}

/* The ignore rule that covers this field, or NULL. */
static struct rule *rule_ignore(const char *stream, const char *kind, const char *field)
{
	return rule_find(stream, kind, field);
}

static struct rule *rule_limit(const char *stream, const char *kind)
{
	return rule_find(stream, kind, NULL);
}

/* --- decoded messages -------------------------------------------------------- */

struct field {
	char name[48];
	char val[200];
};

struct msg {
	char kind[48];
	u32 seq;		/* the record's, in its capture */
	u32 len;
	struct field *f;
	unsigned int nf;
};

struct stream {
	char name[64];
	struct msg *m;
	unsigned int n;
};

struct capture {
	const char *path;
	struct stream *s;
	unsigned int ns;
	u32 records, dropped;
	/* what the control messages told so far */
	char relid_svc[1025][40];
	u32 gpadl_relid[256][2];
	unsigned int ngpadl;
};

static struct msg *cur;

static void addf(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void addf(const char *name, const char *fmt, ...)
{
	struct field *f;
	va_list ap;

	cur->f = xrealloc(cur->f, (cur->nf + 1) * sizeof(*cur->f));
	f = &cur->f[cur->nf++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(f->val, sizeof(f->val), fmt, ap);
	va_end(ap);
}

/* A field at @off of @size bytes (1, 2, 4, 8) of @p, if the message holds it. */
static u64 get(const u8 *p, u32 len, u32 off, u32 size, bool *ok)
{
	u64 v = 0;

	*ok = off + size <= len;
	if (*ok)
		memcpy(&v, p + off, size);
	return v;
}

/* A number field (see get()), in decimal or, if @hex, in hexadecimal. */
static void fnum(const char *name, const u8 *p, u32 len, u32 off, u32 size, bool hex)
{
	bool ok;
	u64 v = get(p, len, off, size, &ok);

	if (!ok)
		addf(name, "<absent>");
	else if (hex)
		addf(name, "%#llx", (unsigned long long)v);
	else
		addf(name, "%llu", (unsigned long long)v);
}

static void fu(const char *name, const u8 *p, u32 len, u32 off, u32 size)
{
	fnum(name, p, len, off, size, false);
}

static void fx(const char *name, const u8 *p, u32 len, u32 off, u32 size)
{
	fnum(name, p, len, off, size, true);
}

static void guid_str(const u8 *g, char *buf, size_t size)
{
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11],
		 g[12], g[13], g[14], g[15]);
}

static void fguid(const char *name, const u8 *p, u32 len, u32 off)
{
	char s[40];

	if (off + 16 > len) {
		addf(name, "<absent>");
		return;
	}
	guid_str(p + off, s, sizeof(s));
	addf(name, "%s", s);
}

/* A NUL-terminated UTF-16LE string of at most @units, shown in ASCII. */
static void fstr16(const char *name, const u8 *p, u32 len, u32 off, u32 units)
{
	char s[160];
	u32 i, n = 0;

	if (off >= len) {
		addf(name, "<absent>");
		return;
	}
	for (i = 0; i < units && off + 2 * i + 1 < len && n < sizeof(s) - 5; i++) {
		u16 c = p[off + 2 * i] | p[off + 2 * i + 1] << 8;

		if (!c)
			break;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			s[n++] = c;
		else
			n += snprintf(s + n, sizeof(s) - n, "\\u%04x", c);
	}
	s[n] = 0;
	addf(name, "\"%s\"", s);
}

static u32 fnv1a(const u8 *p, u32 len)
{
	u32 h = 2166136261u, i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Bytes [off, end) as hex, or as a length and a hash when longer than 32. */
static void fbytes(const char *name, const u8 *p, u32 len, u32 off, u32 end)
{
	char s[80];
	u32 i, n = 0;
	bool zero = true;

	if (end > len)
		end = len;
	if (off >= end)
		return;
	for (i = off; i < end; i++)
		zero &= !p[i];
	if (zero) {
		addf(name, "%u zero bytes", end - off);
		return;
	}
	if (end - off > 32) {
		addf(name, "%u bytes fnv1a %08x", end - off, fnv1a(p + off, end - off));
		return;
	}
	for (i = off; i < end; i++)
		n += snprintf(s + n, sizeof(s) - n, "%02x", p[i]);
	addf(name, "%s", s);
}

static const char *const chanmsg_names[HVIS_CHANMSG_COUNT] = {
	[HVIS_CHANMSG_INVALID] = "INVALID",
	[HVIS_CHANMSG_OFFERCHANNEL] = "OFFERCHANNEL",
	[HVIS_CHANMSG_RESCIND_CHANNELOFFER] = "RESCIND_CHANNELOFFER",
	[HVIS_CHANMSG_REQUESTOFFERS] = "REQUESTOFFERS",
	[HVIS_CHANMSG_ALLOFFERS_DELIVERED] = "ALLOFFERS_DELIVERED",
	[HVIS_CHANMSG_OPENCHANNEL] = "OPENCHANNEL",
	[HVIS_CHANMSG_OPENCHANNEL_RESULT] = "OPENCHANNEL_RESULT",
	[HVIS_CHANMSG_CLOSECHANNEL] = "CLOSECHANNEL",
	[HVIS_CHANMSG_GPADL_HEADER] = "GPADL_HEADER",
	[HVIS_CHANMSG_GPADL_BODY] = "GPADL_BODY",
	[HVIS_CHANMSG_GPADL_CREATED] = "GPADL_CREATED",
	[HVIS_CHANMSG_GPADL_TEARDOWN] = "GPADL_TEARDOWN",
	[HVIS_CHANMSG_GPADL_TORNDOWN] = "GPADL_TORNDOWN",
	[HVIS_CHANMSG_RELID_RELEASED] = "RELID_RELEASED",
	[HVIS_CHANMSG_INITIATE_CONTACT] = "INITIATE_CONTACT",
	[HVIS_CHANMSG_VERSION_RESPONSE] = "VERSION_RESPONSE",
	[HVIS_CHANMSG_UNLOAD] = "UNLOAD",
	[HVIS_CHANMSG_UNLOAD_RESPONSE] = "UNLOAD_RESPONSE",
	[HVIS_CHANMSG_TL_CONNECT_REQUEST] = "TL_CONNECT_REQUEST",
	[HVIS_CHANMSG_MODIFYCHANNEL] = "MODIFYCHANNEL",
	[HVIS_CHANMSG_TL_CONNECT_RESULT] = "TL_CONNECT_RESULT",
	[HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE] = "MODIFYCHANNEL_RESPONSE",
};

static const struct {
	guid_t class_id;
	const char *name;
} services[] = {
	{ HVIS_IC_HEARTBEAT_CLASS, "heartbeat" },
	{ HVIS_IC_KVP_CLASS, "kvp" },
	{ HVIS_IC_SHUTDOWN_CLASS, "shutdown" },
	{ HVIS_IC_TIMESYNC_CLASS, "timesync" },
	{ HVIS_IC_VSS_CLASS, "vss" },
	{ HVIS_IC_FCOPY_CLASS, "fcopy" },
	/* hvis_sim's echo device (sim_test_class) */
	{ GUID_INIT(0x6876ab5f, 0x3c64, 0x4c8b, 0x9a, 0x2f, 0x68, 0x76, 0x69, 0x73, 0x00, 0x01),
	  "echo" },
};

#define OFF(type, field)	((u32)offsetof(struct type, field))

/* The stream @name of @c, or NULL. */
static struct stream *stream_find(const struct capture *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->ns; i++)
		if (!strcmp(c->s[i].name, name))
			return &c->s[i];
	return NULL;
}

/* The stream @name of @c, made (empty) if it is new. */
static struct stream *stream_get(struct capture *c, const char *name)
{
	struct stream *s = stream_find(c, name);

	if (s)
		return s;
	c->s = xrealloc(c->s, (c->ns + 1) * sizeof(*c->s));
	memset(&c->s[c->ns], 0, sizeof(c->s[0]));
	snprintf(c->s[c->ns].name, sizeof(c->s[0].name), "%s", name);
	return &c->s[c->ns++];
}

static const char *svc_of(struct capture *c, u32 relid)
{
	static char buf[32];

	if (relid && relid <= 1024 && c->relid_svc[relid][0])
		return c->relid_svc[relid];
	snprintf(buf, sizeof(buf), "relid%u", relid);
	return buf;
}

static u32 gpadl_to_relid(struct capture *c, u32 gpadl)
{
	unsigned int i;

	for (i = c->ngpadl; i-- > 0;)
		if (c->gpadl_relid[i][0] == gpadl)
			return c->gpadl_relid[i][1];
	return 0;
}

static void gpadl_note(struct capture *c, u32 gpadl, u32 relid)
{
	if (c->ngpadl == 256)
		memmove(c->gpadl_relid, c->gpadl_relid + 1, sizeof(c->gpadl_relid[0]) * 255),
		c->ngpadl--;
	c->gpadl_relid[c->ngpadl][0] = gpadl;
	c->gpadl_relid[c->ngpadl++][1] = relid;
}

/* The PFN list of a GPADL message, from @off to the end. */
static void fpfns(const u8 *p, u32 len, u32 off)
{
	u32 i, n = len > off ? (len - off) / 8 : 0;
	char name[32];

	addf("pfns", "%u", n);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "pfn[%u]", i);
		fx(name, p, len, off + 8 * i, 8);
	}
}

/* An offer names its channel's service for the streams: its channel, or 0. */
static u32 note_offer(struct capture *c, const u8 *p, u32 len)
{
	const struct hvis_chanmsg_offer *o = (const void *)p;
	u32 relid;
	size_t k;

	if (len < sizeof(*o))
		return 0;
	relid = o->child_relid;
	if (!relid || relid > 1024)
		return relid;
	for (k = 0; k < sizeof(services) / sizeof(services[0]); k++)
		if (!memcmp(&services[k].class_id, &o->if_type, 16))
			break;
	if (k < sizeof(services) / sizeof(services[0]))
		snprintf(c->relid_svc[relid], sizeof(c->relid_svc[0]), "%s", services[k].name);
	else
		guid_str(o->if_type.b, c->relid_svc[relid], sizeof(c->relid_svc[0]));
	return relid;
}

/* The channel messages whose first field, at 8, is the channel's relid. */
static const bool relid_first[HVIS_CHANMSG_COUNT] = {
	[HVIS_CHANMSG_RESCIND_CHANNELOFFER] = true,
	[HVIS_CHANMSG_RELID_RELEASED] = true,
	[HVIS_CHANMSG_CLOSECHANNEL] = true,
	[HVIS_CHANMSG_OPENCHANNEL] = true,
	[HVIS_CHANMSG_OPENCHANNEL_RESULT] = true,
	[HVIS_CHANMSG_GPADL_HEADER] = true,
	[HVIS_CHANMSG_GPADL_CREATED] = true,
	[HVIS_CHANMSG_GPADL_TEARDOWN] = true,
	[HVIS_CHANMSG_MODIFYCHANNEL] = true,
	[HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE] = true,
};

/* A channel message: its fields, and the channel it belongs to (0: none). */
static u32 decode_chanmsg(struct capture *c, const u8 *p, u32 len)
{
	bool ok;
	u32 type = get(p, len, 0, 4, &ok), relid = 0;

	if (!ok) {
		snprintf(cur->kind, sizeof(cur->kind), "SHORT");
		fbytes("bytes", p, len, 0, len);
		return 0;
	}
	if (type < HVIS_CHANMSG_COUNT && chanmsg_names[type])
		snprintf(cur->kind, sizeof(cur->kind), "%s", chanmsg_names[type]);
	else
		snprintf(cur->kind, sizeof(cur->kind), "TYPE%u", type);
	addf("len", "%u", len);
	fx("hdr.padding", p, len, 4, 4);
	if (type < HVIS_CHANMSG_COUNT && relid_first[type]) {
		fu("child_relid", p, len, 8, 4);
		relid = get(p, len, 8, 4, &ok);
	}

	switch (type) {
	case HVIS_CHANMSG_INITIATE_CONTACT: {
		u32 v = get(p, len, 8, 4, &ok);

		addf("vmbus_version_requested", "%u.%u", v >> 16, v & 0xffff);
		/* A guest walks down its list: pair the requests by version. */
		snprintf(cur->kind, sizeof(cur->kind), "INITIATE_CONTACT/%u.%u", v >> 16,
			 v & 0xffff);
		fu("target_vcpu", p, len, OFF(hvis_chanmsg_initiate_contact, target_vcpu), 4);
		if (v >= HVIS_VMBUS_WIN10_V5) {
			fu("msg_sint", p, len, 16, 1);
			fbytes("padding", p, len, 17, 24);
		} else {
			fx("interrupt_page", p, len, 16, 8);
		}
		fx("monitor_page1", p, len, OFF(hvis_chanmsg_initiate_contact, monitor_page1), 8);
		fx("monitor_page2", p, len, OFF(hvis_chanmsg_initiate_contact, monitor_page2), 8);
		fbytes("tail", p, len, sizeof(struct hvis_chanmsg_initiate_contact), len);
		break;
	}
	case HVIS_CHANMSG_VERSION_RESPONSE:
		snprintf(cur->kind, sizeof(cur->kind), "VERSION_RESPONSE/%s",
			 get(p, len, 8, 1, &ok) ? "accepted" : "refused");
		fu("version_supported", p, len, 8, 1);
		fu("connection_state", p, len, 9, 1);
		fx("padding", p, len, 10, 2);
		fu("msg_conn_id", p, len, 12, 4);
		fbytes("tail", p, len, 16, len);
		break;
	case HVIS_CHANMSG_OFFERCHANNEL:
		fguid("if_type", p, len, OFF(hvis_chanmsg_offer, if_type));
		fguid("if_instance", p, len, OFF(hvis_chanmsg_offer, if_instance));
		fx("reserved1", p, len, OFF(hvis_chanmsg_offer, reserved1), 8);
		fx("reserved2", p, len, OFF(hvis_chanmsg_offer, reserved2), 8);
		fx("chn_flags", p, len, OFF(hvis_chanmsg_offer, chn_flags), 2);
		fu("mmio_megabytes", p, len, OFF(hvis_chanmsg_offer, mmio_megabytes), 2);
		fbytes("user_def", p, len, OFF(hvis_chanmsg_offer, user_def),
		       OFF(hvis_chanmsg_offer, sub_channel_index));
		fu("sub_channel_index", p, len, OFF(hvis_chanmsg_offer, sub_channel_index), 2);
		fx("reserved3", p, len, OFF(hvis_chanmsg_offer, reserved3), 2);
		fu("child_relid", p, len, OFF(hvis_chanmsg_offer, child_relid), 4);
		fu("monitorid", p, len, OFF(hvis_chanmsg_offer, monitorid), 1);
		fu("monitor_allocated", p, len, OFF(hvis_chanmsg_offer, monitor_allocated), 1);
		fu("is_dedicated_interrupt", p, len,
		   OFF(hvis_chanmsg_offer, is_dedicated_interrupt), 2);
		fx("connection_id", p, len, OFF(hvis_chanmsg_offer, connection_id), 4);
		relid = note_offer(c, p, len);
		break;
	case HVIS_CHANMSG_RESCIND_CHANNELOFFER:
	case HVIS_CHANMSG_RELID_RELEASED:
	case HVIS_CHANMSG_CLOSECHANNEL:
		fbytes("tail", p, len, 12, len);
		break;
	case HVIS_CHANMSG_OPENCHANNEL:
		fu("openid", p, len, OFF(hvis_chanmsg_open, openid), 4);
		fx("ringbuffer_gpadl", p, len, OFF(hvis_chanmsg_open, ringbuffer_gpadl), 4);
		fu("target_vp", p, len, OFF(hvis_chanmsg_open, target_vp), 4);
		fu("downstream_page_offset", p, len,
		   OFF(hvis_chanmsg_open, downstream_page_offset), 4);
		fbytes("user_data", p, len, OFF(hvis_chanmsg_open, user_data),
		       sizeof(struct hvis_chanmsg_open));
		fbytes("tail", p, len, sizeof(struct hvis_chanmsg_open), len);
		break;
	case HVIS_CHANMSG_OPENCHANNEL_RESULT:
		fu("openid", p, len, 12, 4);
		fx("status", p, len, 16, 4);
		break;
	case HVIS_CHANMSG_GPADL_HEADER:
		fx("gpadl", p, len, 12, 4);
		fu("range_buflen", p, len, 16, 2);
		fu("rangecount", p, len, 18, 2);
		fu("byte_count", p, len, 20, 4);
		fu("byte_offset", p, len, 24, 4);
		fpfns(p, len, 28);
		gpadl_note(c, get(p, len, 12, 4, &ok), relid);
		break;
	case HVIS_CHANMSG_GPADL_BODY:
		fu("msgnumber", p, len, 8, 4);
		fx("gpadl", p, len, 12, 4);
		fpfns(p, len, 16);
		relid = gpadl_to_relid(c, get(p, len, 12, 4, &ok));
		break;
	case HVIS_CHANMSG_GPADL_CREATED:
		fx("gpadl", p, len, 12, 4);
		fx("creation_status", p, len, 16, 4);
		break;
	case HVIS_CHANMSG_GPADL_TEARDOWN:
		fx("gpadl", p, len, 12, 4);
		break;
	case HVIS_CHANMSG_GPADL_TORNDOWN:
		fx("gpadl", p, len, 8, 4);
		relid = gpadl_to_relid(c, get(p, len, 8, 4, &ok));
		break;
	case HVIS_CHANMSG_MODIFYCHANNEL:
		fu("target_vp", p, len, 12, 4);
		break;
	case HVIS_CHANMSG_MODIFYCHANNEL_RESPONSE:
		fx("status", p, len, 12, 4);
		break;
	default:
		fbytes("body", p, len, 8, len);
		break;
	}
	return relid;
}

static const char *ic_type_name(u16 t)
{
	switch (t) {
	case HVIS_IC_MSG_NEGOTIATE: return "NEGOTIATE";
	case HVIS_IC_MSG_HEARTBEAT: return "HEARTBEAT";
	case HVIS_IC_MSG_KVP: return "KVP";
	case HVIS_IC_MSG_SHUTDOWN: return "SHUTDOWN";
	case HVIS_IC_MSG_TIMESYNC: return "TIMESYNC";
	case HVIS_IC_MSG_VSS: return "VSS";
	case HVIS_IC_MSG_FCOPY: return "FCOPY";
	}
	return NULL;
}

/* The data services' operations by number, for the kind; NULL ends a list. */
static const char *const kvp_ops[] = {
	"GET", "SET", "DELETE", "ENUMERATE", "GET_IP_INFO", "SET_IP_INFO", NULL,
};

static const char *const vss_ops[] = {
	"CREATE", "DELETE", "HOT_BACKUP", "GET_DM_INFO", "BU_COMPLETE", "FREEZE", "THAW",
	"AUTO_RECOVER", NULL,
};

static const char *const fcopy_ops[] = { "START", "WRITE", "COMPLETE", "CANCEL", NULL };

/*
 * A data service's message names its operation first, in @size bytes: into
 * @op, and by its name appended to the kind.  False if the body is too short.
 */
static bool op_kind(const char *const *names, const u8 *b, u32 len, u32 size, u32 *op)
{
	size_t k = strlen(cur->kind);
	bool ok;
	u32 i;

	*op = get(b, len, 0, size, &ok);
	if (!ok)
		return false;
	for (i = 0; names[i] && i != *op; i++)
		;
	snprintf(cur->kind + k, sizeof(cur->kind) - k, "/%s", names[i] ? names[i] : "OP?");
	return true;
}

/* A KVP value (GET, SET, ENUMERATE) at @off of the body. */
static void decode_kvp_value(const u8 *b, u32 len, u32 off)
{
	bool ok;
	u32 type = get(b, len, off, 4, &ok);

	fu("kvp.value_type", b, len, off, 4);
	fu("kvp.key_size", b, len, off + 4, 4);
	fu("kvp.value_size", b, len, off + 8, 4);
	fstr16("kvp.key", b, len, off + 12, 256);
	if (type == HVIS_KVP_REG_U32)
		fu("kvp.value", b, len, off + 12 + 512, 4);
	else if (type == HVIS_KVP_REG_U64)
		fu("kvp.value", b, len, off + 12 + 512, 8);
	else
		fstr16("kvp.value", b, len, off + 12 + 512, 1024);
}

/* An IC body (after the IC header) of @len bytes; appends to the kind. */
static void decode_ic_body(u16 type, u16 maj, const u8 *b, u32 len)
{
	char name[32];
	bool ok;
	u32 i, n, op, at;

	switch (type) {
	case HVIS_IC_MSG_NEGOTIATE: {
		u32 fw = get(b, len, 0, 2, &ok), mc = get(b, len, 2, 2, &ok);

		fu("neg.framework_count", b, len, 0, 2);
		fu("neg.message_count", b, len, 2, 2);
		fx("neg.reserved", b, len, 4, 4);
		n = fw + mc;
		for (i = 0; i < n && 8 + 4 * i + 4 <= len; i++) {
			snprintf(name, sizeof(name), i < fw ? "neg.framework[%u]" : "neg.message[%u]",
				 i < fw ? i : i - fw);
			addf(name, "%u.%u", (unsigned int)get(b, len, 8 + 4 * i, 2, &ok),
			     (unsigned int)get(b, len, 10 + 4 * i, 2, &ok));
		}
		fbytes("neg.tail", b, len, 8 + 4 * i, len);
		return;
	}
	case HVIS_IC_MSG_HEARTBEAT:
		fu("seq_num", b, len, 0, 8);
		fbytes("hb.reserved", b, len, 8, len);
		return;
	case HVIS_IC_MSG_SHUTDOWN:
		fx("sd.reason_code", b, len, 0, 4);
		fu("sd.timeout_seconds", b, len, 4, 4);
		fx("sd.flags", b, len, 8, 4);
		fstr16("sd.display_message", b, len, 12, 1024);
		return;
	case HVIS_IC_MSG_TIMESYNC:
		if (maj >= 4) {
			fu("parenttime", b, len, 0, 8);
			fu("vmreferencetime", b, len, 8, 8);
			fx("ts.flags", b, len, 16, 1);
			fu("ts.leapflags", b, len, 17, 1);
			fu("ts.stratum", b, len, 18, 1);
			fbytes("ts.reserved", b, len, 19, len);
		} else {
			fu("parenttime", b, len, 0, 8);
			fu("childtime", b, len, 8, 8);
			fu("roundtriptime", b, len, 16, 8);
			fx("ts.flags", b, len, 24, 1);
			fbytes("ts.tail", b, len, 25, len);
		}
		return;
	case HVIS_IC_MSG_KVP:
		if (!op_kind(kvp_ops, b, len, 1, &op))
			return;
		fu("kvp.pool", b, len, 1, 1);
		fx("kvp.pad", b, len, 2, 2);
		if (op == HVIS_KVP_OP_GET || op == HVIS_KVP_OP_SET || op == HVIS_KVP_OP_ENUMERATE) {
			/* ENUMERATE's value comes after the index. */
			at = op == HVIS_KVP_OP_ENUMERATE ? 8 : 4;
			if (at == 8)
				fu("kvp.index", b, len, 4, 4);
			decode_kvp_value(b, len, at);
			fbytes("kvp.tail", b, len, at + sizeof(struct hvis_ic_kvp_value), len);
		} else if (op == HVIS_KVP_OP_DELETE) {
			fu("kvp.key_size", b, len, 4, 4);
			fstr16("kvp.key", b, len, 8, 256);
			fbytes("kvp.tail", b, len, 8 + 512, len);
		} else {
			fbytes("kvp.body", b, len, 2, len);
		}
		return;
	case HVIS_IC_MSG_VSS:
		if (!op_kind(vss_ops, b, len, 1, &op))
			return;
		fbytes("vss.reserved", b, len, 1, 8);
		fx("vss.flags", b, len, 8, 4);
		fbytes("vss.tail", b, len, 12, len);
		return;
	case HVIS_IC_MSG_FCOPY:
		if (!op_kind(fcopy_ops, b, len, 4, &op))
			return;
		fguid("fc.service_id0", b, len, 4);
		fguid("fc.service_id1", b, len, 20);
		if (op == HVIS_FCOPY_START) {
			fstr16("fc.file_name", b, len, 36, 260);
			fstr16("fc.path_name", b, len, 36 + 520, 260);
			fx("fc.copy_flags", b, len, 36 + 1040, 4);
			fu("fc.file_size", b, len, 36 + 1044, 8);
			fbytes("fc.tail", b, len, sizeof(struct hvis_ic_fcopy_start), len);
		} else if (op == HVIS_FCOPY_WRITE) {
			fx("fc.pad", b, len, 36, 4);
			fu("fc.offset", b, len, 40, 8);
			fu("fc.size", b, len, 48, 4);
			fbytes("fc.data", b, len, 52, len);
		} else {
			fbytes("fc.tail", b, len, 36, len);
		}
		return;
	}
	fbytes("body", b, len, 0, len);
}

/* A ring packet: descriptor, and the IC messages the services carry. */
static void decode_pkt(const char *svc, const u8 *p, u32 len)
{
	bool ok, is_ic = strcmp(svc, "echo") && strncmp(svc, "relid", 5) && !strchr(svc, '-');
	u32 type = get(p, len, 0, 2, &ok), off = get(p, len, 2, 2, &ok) * 8;
	u32 plen, msgsize, bodylen;
	const u8 *ic;
	u16 ictype, flags;
	const char *tn;

	addf("len", "%u", len);
	fu("desc.type", p, len, 0, 2);
	fu("desc.offset8", p, len, 2, 2);
	fu("desc.len8", p, len, 4, 2);
	fx("desc.flags", p, len, 6, 2);
	fu("desc.trans_id", p, len, 8, 8);
	snprintf(cur->kind, sizeof(cur->kind), "%s",
		 type == HVIS_PKT_DATA_INBAND ? "INBAND" : type == HVIS_PKT_COMP ? "COMP" : "PKT?");
	if (!ok || off < 16 || off > len)
		return;
	fbytes("desc.ext", p, len, 16, off);
	ic = p + off;
	plen = len - off;
	if (!is_ic || plen < sizeof(struct hvis_ic_msg)) {
		fbytes("payload", ic, plen, 0, plen);
		return;
	}
	fx("pipe.flags", ic, plen, 0, 4);
	fu("pipe.msgsize", ic, plen, 4, 4);
	addf("ic.framework", "%u.%u", (unsigned int)get(ic, plen, 8, 2, &ok),
	     (unsigned int)get(ic, plen, 10, 2, &ok));
	ictype = get(ic, plen, 12, 2, &ok);
	addf("ic.message", "%u.%u", (unsigned int)get(ic, plen, 14, 2, &ok),
	     (unsigned int)get(ic, plen, 16, 2, &ok));
	fu("ic.msgsize", ic, plen, 18, 2);
	fx("ic.status", ic, plen, 20, 4);
	fu("ic.transaction_id", ic, plen, 24, 1);
	flags = get(ic, plen, 25, 1, &ok);
	fx("ic.flags", ic, plen, 25, 1);
	fx("ic.reserved", ic, plen, 26, 2);
	tn = ic_type_name(ictype);
	if (tn)
		snprintf(cur->kind, sizeof(cur->kind), "%s", tn);
	else
		snprintf(cur->kind, sizeof(cur->kind), "IC%u", ictype);
	/* The body as the IC header sizes it; what follows, up to the end, apart. */
	msgsize = get(ic, plen, 18, 2, &ok);
	bodylen = plen - sizeof(struct hvis_ic_msg);
	if (msgsize < bodylen)
		bodylen = msgsize;
	decode_ic_body(ictype, get(ic, plen, 14, 2, &ok), ic + sizeof(struct hvis_ic_msg), bodylen);
	fbytes("after_body", ic, plen, sizeof(struct hvis_ic_msg) + bodylen, plen);
	strncat(cur->kind, flags & HVIS_IC_FLAG_RESPONSE ? " resp" : " req",
		sizeof(cur->kind) - strlen(cur->kind) - 1);
}

static struct msg *stream_add(struct stream *s)
{
	s->m = xrealloc(s->m, (s->n + 1) * sizeof(*s->m));
	memset(&s->m[s->n], 0, sizeof(s->m[0]));
	return &s->m[s->n++];
}

static int capture_load(struct capture *c, const char *path)
{
	struct hvcap_file_hdr h;
	struct hvcap_rec r;
	struct msg tmp;
	u8 *buf = NULL;
	u64 at = 0;
	FILE *f;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->path = path;
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "hvcapdiff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, HVCAP_MAGIC, 8) ||
	    h.hdr_size < sizeof(h) || fseek(f, h.hdr_size, SEEK_SET)) {
		fprintf(stderr, "hvcapdiff: %s: not a capture (hvsim capture dump)\n", path);
		goto out;
	}
	c->records = h.records;
	c->dropped = h.dropped;
	buf = xrealloc(NULL, HVCAP_MAX_BYTES + 8);
	while (at < h.bytes) {
		const char *dir;
		char sname[64];
		u32 relid;

		if (fread(&r, sizeof(r), 1, f) != 1 || r.rec_len < sizeof(r) ||
		    r.caplen > HVCAP_MAX_BYTES || r.rec_len < sizeof(r) + r.caplen ||
		    r.rec_len > sizeof(r) + HVCAP_MAX_BYTES + 8 ||
		    fread(buf, r.rec_len - sizeof(r), 1, f) != 1) {
			fprintf(stderr, "hvcapdiff: %s: bad record at byte %llu\n", path,
				(unsigned long long)(at + h.hdr_size));
			goto out;
		}
		at += r.rec_len;
		dir = r.dir == HVCAP_G2H ? "g2h" : "h2g";
		memset(&tmp, 0, sizeof(tmp));
		cur = &tmp;
		tmp.seq = r.seq;
		tmp.len = r.len;
		if (r.kind == HVCAP_KIND_MSG) {
			relid = decode_chanmsg(c, buf, r.caplen);
			if (r.dir == HVCAP_G2H)
				addf("connection_id", "%u", r.id);
			if (relid)
				snprintf(sname, sizeof(sname), "ctl.%s.%s", svc_of(c, relid), dir);
			else
				snprintf(sname, sizeof(sname), "ctl.%s", dir);
		} else if (r.kind == HVCAP_KIND_PKT) {
			snprintf(sname, sizeof(sname), "%s.%s", svc_of(c, r.id), dir);
			decode_pkt(svc_of(c, r.id), buf, r.caplen);
		} else {
			continue;
		}
		if (r.caplen < r.len)
			addf("truncated", "%u of %u", r.caplen, r.len);
		*stream_add(stream_get(c, sname)) = tmp;
	}
	ret = 0;
out:
	free(buf);
	fclose(f);
	return ret;
}

/* Apply the limit rules: beyond the first N of a kind, messages are dropped. */
static void apply_limits(struct capture *c)
{
	unsigned int i, j, k, n, seen;

	for (i = 0; i < c->ns; i++) {
		struct stream *s = &c->s[i];

		for (j = 0, n = 0; j < s->n; j++) {
			struct rule *r = rule_limit(s->name, s->m[j].kind);

			if (r) {
				for (k = 0, seen = 0; k < n; k++)
					seen += !strcmp(s->m[k].kind, s->m[j].kind);
				if (seen >= r->n) {
					r->used++;
					free(s->m[j].f);
					continue;
				}
			}
			s->m[n++] = s->m[j];
		}
		s->n = n;
	}
}

/* --- the comparison ---------------------------------------------------------- */

static bool verbose;
static unsigned int undeclared, declared;

static void report(struct rule *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(struct rule *r, const char *fmt, ...)
{
	va_list ap;

	if (r) {
		declared++;
		r->used++;
		if (!verbose)
			return;
		printf("declared: ");
	} else {
		undeclared++;
		printf("DIFF ");
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (r)
		printf("  [%s]", r->why);
	printf("\n");
}

static const struct field *field_find(const struct msg *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->nf; i++)
		if (!strcmp(m->f[i].name, name))
			return &m->f[i];
	return NULL;
}

static void compare_msgs(const char *stream, unsigned int ia, unsigned int ib,
			 const struct msg *a, const struct msg *b)
{
	unsigned int i;
	char where[96];

	if (ia == ib)
		snprintf(where, sizeof(where), "%s, #%u, %s", stream, ia, a->kind);
	else
		snprintf(where, sizeof(where), "%s, #%u/#%u, %s", stream, ia, ib, a->kind);
	for (i = 0; i < a->nf; i++) {
		const struct field *fb = field_find(b, a->f[i].name);
		const char *vb = fb ? fb->val : "<absent>";

		if (strcmp(a->f[i].val, vb))
			report(rule_ignore(stream, a->kind, a->f[i].name), "%s, %s: A=%s B=%s",
			       where, a->f[i].name, a->f[i].val, vb);
	}
	for (i = 0; i < b->nf; i++)
		if (!field_find(a, b->f[i].name))
			report(rule_ignore(stream, a->kind, b->f[i].name), "%s, %s: A=<absent> B=%s",
			       where, b->f[i].name, b->f[i].val);
}

static void unpaired(const char *stream, unsigned int i, const struct msg *m, char side)
{
	report(rule_ignore(stream, m->kind, "-"), "%s, #%u, %s: only in %c", stream, i, m->kind,
	       side);
}

/* Pair two streams' messages along the longest common sequence of kinds. */
static void compare_streams(const char *name, const struct stream *a, const struct stream *b)
{
	unsigned int na = a ? a->n : 0, nb = b ? b->n : 0, i, j;
	unsigned int *t;

	if ((size_t)(na + 1) * (nb + 1) > 64u << 20) {
		fprintf(stderr, "hvcapdiff: stream %s too long to align (%u, %u)\n", name, na, nb);
		undeclared++;
		return;
	}
	t = xrealloc(NULL, (size_t)(na + 1) * (nb + 1) * sizeof(*t));
#define T(x, y) t[(size_t)(x) * (nb + 1) + (y)]
	for (i = na + 1; i-- > 0;)
		for (j = nb + 1; j-- > 0;) {
			if (i == na || j == nb)
				T(i, j) = 0;
			else if (!strcmp(a->m[i].kind, b->m[j].kind))
				T(i, j) = T(i + 1, j + 1) + 1;
			else
				T(i, j) = T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
		}
	i = 0;
	j = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && !strcmp(a->m[i].kind, b->m[j].kind)) {
			compare_msgs(name, i, j, &a->m[i], &b->m[j]);
			i++;
			j++;
		} else if (j == nb || (i < na && T(i + 1, j) >= T(i, j + 1))) {
			unpaired(name, i, &a->m[i], 'A');
			i++;
		} else {
			unpaired(name, j, &b->m[j], 'B');
			j++;
		}
	}
#undef T
	free(t);
}

static void print_capture(const struct capture *c)
{
	unsigned int i, j, k;

	printf("%s: %u records, %u dropped\n", c->path, c->records, c->dropped);
	for (i = 0; i < c->ns; i++)
		for (j = 0; j < c->s[i].n; j++) {
			const struct msg *m = &c->s[i].m[j];

			printf("%s #%u (seq %u) %s:", c->s[i].name, j, m->seq, m->kind);
			for (k = 0; k < m->nf; k++)
				printf(" %s=%s", m->f[k].name, m->f[k].val);
			printf("\n");
		}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvcapdiff [-v] [-n] [-r RULES]... A B   compare two captures\n"
		"       hvcapdiff -p [-r RULES]... A            print one, decoded\n"
		"  -v        also print the declared differences, with the rule's reason\n"
		"  -n        no built-in rules (only the -r files)\n"
		"  -r RULES  add the rules of a file: ignore STREAM KIND FIELD why... |\n"
		"            limit STREAM KIND N why...\n"
		"exit status: 0 no undeclared difference, 1 some, 2 trouble\n");
}

int main(int argc, char **argv)
{
	const char *files[2];
	struct capture c[2];
	bool print = false, builtin = true;
	unsigned int nfiles = 0, i;
	const char *const *b;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (!strcmp(argv[i], "-n")) {
			builtin = false;
		} else if (!strcmp(argv[i], "-p")) {
			print = true;
		} else if (!strcmp(argv[i], "-r") && i + 1 < (unsigned int)argc) {
			if (rules_load(argv[++i]))
				return 2;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || nfiles == 2) {
			usage(stderr);
			return 2;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (nfiles != (print ? 1u : 2u)) {
		usage(stderr);
		return 2;
	}
	for (b = builtin_rules; builtin && *b; b++)
		if (rule_parse(*b))
			return 2;
	for (i = 0; i < nfiles; i++) {
		if (capture_load(&c[i], files[i]))
			return 2;
		apply_limits(&c[i]);
	}
	if (print) {
		print_capture(&c[0]);
		return 0;
	}
	for (i = 0; i < 2; i++)
		if (c[i].dropped) {
			printf("DIFF %s: %u records dropped (capture buffer full)\n", files[i],
			       c[i].dropped);
			undeclared++;
		}
	for (i = 0; i < c[0].ns; i++)
		compare_streams(c[0].s[i].name, &c[0].s[i], stream_find(&c[1], c[0].s[i].name));
	for (i = 0; i < c[1].ns; i++)
		if (!stream_find(&c[0], c[1].s[i].name))
			compare_streams(c[1].s[i].name, NULL, &c[1].s[i]);
	if (verbose)
		for (i = 0; i < nr_rules; i++)
			if (rules[i].used)
				printf("rule used %u times: %s %s %s %s  [%s]\n", rules[i].used,
				       rules[i].limit ? "limit" : "ignore", rules[i].stream,
				       rules[i].kind, rules[i].field, rules[i].why);
	printf("hvcapdiff: %u undeclared difference%s, %u declared (A %s, B %s)\n", undeclared,
	       undeclared == 1 ? "" : "s", declared, files[0], files[1]);
	return undeclared ? 1 : 0;
}
