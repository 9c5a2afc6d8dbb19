// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_kvp: Data Exchange (key-value pairs).  The pools live in userspace:
 * each host request is converted (UTF-16LE on the wire, UTF-8 for the
 * daemon), handed to the KVP daemon through /dev/vmbus/hv_kvp, and answered
 * when the daemon has written its result back, converted the other way.
 *
 * The framework's relay carries requests and answers and keeps the rules
 * (no daemon, deadlines, late answers, a daemon that leaves); this file is
 * the registration and the translations.  Everything runs under ic->io.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <hvis/ic.h>
#include <hvis/ic_daemon.h>
#include <hvis/version.h>
#include <uapi/hvis/hv_daemon.h>

HVIS_PARAM_UINT(daemon_timeout_ms, 30000, 0644,
		"How long a host request waits for the KVP daemon, in ms (default 30000)");

static const struct hvis_ic_version hvis_kvp_fw[] = { { 3, 0 }, { 1, 0 } };
static const struct hvis_ic_version hvis_kvp_msgv[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

/* What the kernel tells a registering daemon; it has no further meaning. */
#define HVIS_KVP_KERNEL_VERSION	"3.1"

/* Wire string fields in UTF-16 units, terminator included. */
#define HVIS_KVP_KEY_UNITS	(sizeof_field(struct hvis_ic_kvp_value, key) / 2)
#define HVIS_KVP_VALUE_UNITS	(sizeof_field(struct hvis_ic_kvp_value, value) / 2)

/*
 * The strings of the IP information, where both layouts have them: UTF-16
 * on the wire, UTF-8 in as many (u16) units in the daemon's message.  The
 * two layouts are one (asserted below), so an offset serves for both.
 */
struct hvis_kvp_ip_str {
	u16 off;
	u16 units;
};

static const struct hvis_kvp_ip_str hvis_kvp_ip_strs[] = {
	/* The adapter first: all that GET_IP_INFO carries. */
	{ offsetof(struct hvis_ic_kvp_ipaddr, adapter_id), HVIS_KVP_MAX_ADAPTER },
	{ offsetof(struct hvis_ic_kvp_ipaddr, ip_addr), HVIS_KVP_MAX_IP },
	{ offsetof(struct hvis_ic_kvp_ipaddr, sub_net), HVIS_KVP_MAX_IP },
	{ offsetof(struct hvis_ic_kvp_ipaddr, gate_way), HVIS_KVP_MAX_GATEWAY },
	{ offsetof(struct hvis_ic_kvp_ipaddr, dns_addr), HVIS_KVP_MAX_IP },
};

static_assert(sizeof(struct hvis_ic_kvp_ipaddr) == sizeof(struct hvis_kvp_ipaddr));
static_assert(offsetof(struct hvis_ic_kvp_ipaddr, dns_addr) ==
	      offsetof(struct hvis_kvp_ipaddr, dns_addr));

struct hvis_kvp {
	bool legacy;			/* registered without IP information */
	u8 op;				/* of the request in flight */
	u64 truncated;			/* answers cut to fit the wire */
	struct hvis_kvp_msg msg;	/* to the daemon; the relay copies it */
};

static const char *hvis_kvp_op_name(u8 op)
{
	static const char * const names[] = {
		[HVIS_KVP_OP_GET] = "GET", [HVIS_KVP_OP_SET] = "SET",
		[HVIS_KVP_OP_DELETE] = "DELETE", [HVIS_KVP_OP_ENUMERATE] = "ENUMERATE",
		[HVIS_KVP_OP_GET_IP_INFO] = "GET_IP_INFO",
		[HVIS_KVP_OP_SET_IP_INFO] = "SET_IP_INFO",
	};

	return op < ARRAY_SIZE(names) ? names[op] : "unknown";
}

/* --- host -> daemon ----------------------------------------------------------------- */

/*
 * A key from the wire: @size bytes of UTF-16 with its NUL, even, not
 * empty, within the field; converted into @out (the daemon's 512 bytes).
 * Returns the UTF-8 size with the NUL, or a negative errno.
 */
static int hvis_kvp_key_in(u32 size, const u8 *key, u8 *out, const char **why)
{
	int n;

	if (size < 2 || size % 2 || size > sizeof_field(struct hvis_ic_kvp_value, key)) {
		*why = "bad key size";
		return -EINVAL;
	}
	n = hvis_ic_utf16_to_utf8(key, size / 2, out, HVIS_KVP_MAX_KEY);
	if (n == -EILSEQ)
		*why = "key is not UTF-16";
	else if (n < 0)
		*why = "key too long in UTF-8";
	else if (!n)
		*why = "empty key";
	if (n <= 0)
		return -EINVAL;
	return n + 1;
}

/* The key of a GET or SET into the daemon's record @v, with its size. */
static int hvis_kvp_record_key_in(const struct hvis_ic_kvp_value *w, struct hvis_kvp_value *v,
				  const char **why)
{
	int n = hvis_kvp_key_in(w->key_size, w->key, v->key, why);

	if (n < 0)
		return n;
	v->key_size = n;
	return 0;
}

/* A SET value, whatever its type, as the daemon's string. */
static int hvis_kvp_value_in(const struct hvis_ic_kvp_value *v, u8 *out, const char **why)
{
	int n;

	switch (v->value_type) {
	case HVIS_KVP_REG_SZ:
		if (v->value_size % 2 || v->value_size > sizeof(v->value)) {
			*why = "bad value size";
			return -EINVAL;
		}
		n = hvis_ic_utf16_to_utf8(v->value, v->value_size / 2, out, HVIS_KVP_MAX_VALUE);
		if (n < 0) {
			*why = n == -EILSEQ ? "value is not UTF-16" : "value too long in UTF-8";
			return -EINVAL;
		}
		break;
	case HVIS_KVP_REG_U32:
		n = snprintf(out, HVIS_KVP_MAX_VALUE, "%u", v->value_u32);
		break;
	case HVIS_KVP_REG_U64:
		n = snprintf(out, HVIS_KVP_MAX_VALUE, "%llu", v->value_u64);
		break;
	default:
		*why = "unknown value type";
		return -EINVAL;
	}
	return n + 1;
}

/*
 * A string of the IP information: a NUL-terminated UTF-16 field of @units
 * units, to UTF-8 of at most @units bytes with its NUL (as much room as
 * the daemons were ever given).
 */
static int hvis_kvp_ip_in(const void *field, size_t units, void *out, const char **why)
{
	int n = hvis_ic_utf16_to_utf8(field, units, out, units);

	if (n < 0) {
		*why = n == -EILSEQ ? "IP information is not UTF-16" : "IP information too long";
		return -EINVAL;
	}
	return 0;
}

static int hvis_kvp_ipinfo_in(struct hvis_kvp *kvp, const struct hvis_ic_kvp_ip_msg *w,
			      u32 len, const char **why)
{
	struct hvis_kvp_ipaddr *ip = &kvp->msg.body.ipaddr;
	bool set = w->operation == HVIS_KVP_OP_SET_IP_INFO;
	const struct hvis_kvp_ip_str *s;
	unsigned int i;
	int ret;

	if (len < sizeof(*w)) {
		*why = "short IP information message";
		return -EINVAL;
	}
	/* A GET names the adapter only; a SET carries the whole configuration. */
	for (i = 0; i < (set ? ARRAY_SIZE(hvis_kvp_ip_strs) : 1); i++) {
		s = &hvis_kvp_ip_strs[i];
		ret = hvis_kvp_ip_in((const u8 *)&w->ip + s->off, s->units, (u8 *)ip + s->off, why);
		if (ret)
			return ret;
	}
	ip->addr_family = w->ip.addr_family;
	if (set)
		ip->dhcp_enabled = w->ip.dhcp_enabled;
	return 0;
}

/* Build kvp->msg from the host's request (@len body bytes). */
static int hvis_kvp_request_in(struct hvis_kvp *kvp, const void *body, u32 len,
			       const char **why)
{
	const struct hvis_ic_kvp_msg *w = body;
	struct hvis_kvp_msg *m = &kvp->msg;
	u32 need;
	int n;

	memset(m, 0, sizeof(*m));
	m->hdr.operation = w->operation;
	m->hdr.pool = w->pool;

	need = hvis_ic_kvp_need(w->operation);
	if (!need) {
		*why = "unknown operation";
		return -EINVAL;
	}
	if (w->operation == HVIS_IC_KVP_GET_IP_INFO || w->operation == HVIS_IC_KVP_SET_IP_INFO)
		return hvis_kvp_ipinfo_in(kvp, body, len, why);
	if (len < need) {
		*why = "short message";
		return -EINVAL;
	}
	/* The daemons index their pools with it. */
	if (w->pool >= HVIS_KVP_POOL_COUNT) {
		*why = "no such pool";
		return -EINVAL;
	}

	switch (w->operation) {
	case HVIS_KVP_OP_GET:
		n = hvis_kvp_record_key_in(&w->value, &m->body.get, why);
		if (n < 0)
			return n;
		/*
		 * The room for the answer.  Debian's daemon copies value_size
		 * bytes of the stored value: 0 (what upstream sends) would
		 * answer every GET with an empty string.
		 */
		m->body.get.value_size = HVIS_KVP_MAX_VALUE;
		break;
	case HVIS_KVP_OP_SET:
		n = hvis_kvp_record_key_in(&w->value, &m->body.set, why);
		if (n < 0)
			return n;
		n = hvis_kvp_value_in(&w->value, m->body.set.value, why);
		if (n < 0)
			return n;
		m->body.set.value_size = n;
		m->body.set.value_type = HVIS_KVP_REG_SZ;	/* a string now */
		break;
	case HVIS_KVP_OP_DELETE:
		n = hvis_kvp_key_in(w->del.key_size, w->del.key, m->body.delete_.key, why);
		if (n < 0)
			return n;
		m->body.delete_.key_size = n;
		break;
	case HVIS_KVP_OP_ENUMERATE:
		/* Daemons take it for an int: a negative index reads before their array. */
		if (w->enumerate.index > INT_MAX) {
			*why = "absurd index";
			return -EINVAL;
		}
		m->body.enumerate.index = w->enumerate.index;
		m->body.enumerate.data.key_size = HVIS_KVP_MAX_KEY;
		m->body.enumerate.data.value_size = HVIS_KVP_MAX_VALUE;
		break;
	}
	return 0;
}

/* --- daemon -> host ----------------------------------------------------------------- */

/* What the daemon may answer; anything else becomes a plain failure. */
static bool hvis_kvp_status_known(u32 status)
{
	switch (status) {
	case HVIS_IC_S_OK:
	case HVIS_IC_E_FAIL:
	case HVIS_IC_S_CONT:
	case HVIS_IC_ERROR_NOT_SUPPORTED:
	case HVIS_IC_ERROR_MACHINE_LOCKED:
	case HVIS_IC_ERROR_DEVICE_NOT_CONNECTED:
	case HVIS_IC_E_INVALIDARG:
	case HVIS_IC_GUID_NOTFOUND:
	case HVIS_IC_ERROR_ALREADY_EXISTS:
	case HVIS_IC_ERROR_DISK_FULL:
		return true;
	}
	return false;
}

/*
 * A string the daemon wrote into a field of @size bytes: NUL-terminated
 * in it and valid UTF-8, into @units UTF-16 units (with the NUL) on the
 * wire, cut at a character boundary if @truncated allows it.  Returns the
 * wire size in bytes with the NUL, or a negative errno.
 */
static int hvis_kvp_str_out(const void *str, size_t size, void *out, size_t units,
			    bool *truncated, const char **why)
{
	size_t len = strnlen(str, size);
	int n;

	if (len == size) {
		*why = "string without its NUL";
		return -EINVAL;
	}
	n = hvis_ic_utf8_to_utf16(str, len, out, units, truncated);
	if (n < 0) {
		*why = n == -EILSEQ ? "string is not UTF-8" : "string too long for the host";
		return n;
	}
	return 2 * (n + 1);
}

/*
 * GET and ENUMERATE: a key and value the host cannot take whole is cut
 * (as upstream does), rather than failing the item: a failed ENUMERATE
 * would end the host's walk through the pool there.
 */
static int hvis_kvp_pair_out(struct hvis_kvp *kvp, const struct hvis_kvp_value *a,
			     struct hvis_ic_kvp_value *w, bool key, const char **why)
{
	bool cut = false, vcut = false;
	int n;

	if (key) {
		n = hvis_kvp_str_out(a->key, sizeof(a->key), w->key, HVIS_KVP_KEY_UNITS, &cut,
				     why);
		if (n < 0)
			return n;
		w->key_size = n;
	}
	n = hvis_kvp_str_out(a->value, sizeof(a->value), w->value, HVIS_KVP_VALUE_UNITS, &vcut,
			     why);
	if (n < 0)
		return n;
	w->value_size = n;
	w->value_type = HVIS_KVP_REG_SZ;
	if (cut || vcut)
		kvp->truncated++;
	return 0;
}

/* GET_IP_INFO: every string fits whole, or the answer is a failure. */
static int hvis_kvp_ipinfo_out(const struct hvis_kvp_ipaddr *a, struct hvis_ic_kvp_ipaddr *w,
			       const char **why)
{
	const struct hvis_kvp_ip_str *s;
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(hvis_kvp_ip_strs); i++) {
		s = &hvis_kvp_ip_strs[i];
		/* The daemon's field: as many bytes as its u16 units take. */
		n = hvis_kvp_str_out((const u8 *)a + s->off, 2 * s->units, (u8 *)w + s->off,
				     s->units, NULL, why);
		if (n < 0)
			return n;
	}
	w->addr_family = a->addr_family;
	w->dhcp_enabled = a->dhcp_enabled;
	return 0;
}

/* The daemon's answer @buf into the host's @body; returns the host's status. */
static u32 hvis_kvp_answer(struct hvis_ic *ic, void *body, const void *buf)
{
	const struct hvis_kvp_msg *a = buf;
	struct hvis_kvp *kvp = ic->priv;
	struct hvis_ic_kvp_msg *w = body;
	u32 status = a->error;
	const char *why = NULL;
	int ret = 0;

	if (!hvis_kvp_status_known(status)) {
		hvis_ic_error(ic, "%s: the daemon answered status %#x: failed",
			      hvis_kvp_op_name(kvp->op), status);
		return HVIS_IC_E_FAIL;
	}
	/* Only a success carries data; the host reads nothing else. */
	if (status != HVIS_IC_S_OK)
		return status;

	switch (kvp->op) {
	case HVIS_KVP_OP_GET:
		ret = hvis_kvp_pair_out(kvp, &a->body.get, &w->value, false, &why);
		break;
	case HVIS_KVP_OP_ENUMERATE:
		ret = hvis_kvp_pair_out(kvp, &a->body.enumerate.data, &w->enumerate.data, true,
					&why);
		break;
	case HVIS_KVP_OP_GET_IP_INFO:
		ret = hvis_kvp_ipinfo_out(&a->body.ipaddr,
					  &((struct hvis_ic_kvp_ip_msg *)body)->ip, &why);
		break;
	}
	if (ret) {
		hvis_ic_error(ic, "%s: the daemon's answer refused: %s",
			      hvis_kvp_op_name(kvp->op), why);
		return HVIS_IC_E_FAIL;
	}
	return HVIS_IC_S_OK;
}

/* --- the relay's hooks --------------------------------------------------------------- */

static u32 hvis_kvp_request(struct hvis_ic *ic, void *body, u32 len, struct hvis_ic_relay_req *req)
{
	const struct hvis_ic_kvp_msg *w = body;
	struct hvis_kvp *kvp = ic->priv;
	const char *why;

	if (hvis_kvp_request_in(kvp, body, len, &why)) {
		hvis_ic_error(ic, "%s request (operation %u, pool %u, %u bytes) refused: %s",
			      hvis_kvp_op_name(w->operation), w->operation, w->pool, len, why);
		return HVIS_IC_E_FAIL;
	}
	if (kvp->legacy && (w->operation == HVIS_KVP_OP_GET_IP_INFO ||
			    w->operation == HVIS_KVP_OP_SET_IP_INFO)) {
		dev_info_ratelimited(ic->dev,
				     "%s request failed: the KVP daemon has no IP support\n",
				     hvis_kvp_op_name(w->operation));
		return HVIS_IC_E_FAIL;
	}
	kvp->op = w->operation;
	req->msg = &kvp->msg;
	req->len = sizeof(kvp->msg);
	req->what = hvis_kvp_op_name(w->operation);
	return HVIS_IC_PENDING;
}

/* REGISTER1, or REGISTER from a daemon without IP information: both get an answer. */
static int hvis_kvp_register(struct hvis_ic *ic, const void *buf, const void **answer)
{
	const struct hvis_kvp_msg *in = buf;
	struct hvis_kvp *kvp = ic->priv;
	struct hvis_kvp_msg *m = &kvp->msg;
	u8 op = in->hdr.operation;

	if (op != HVIS_KVP_OP_REGISTER1 && op != HVIS_KVP_OP_REGISTER)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->hdr.operation = op;
	strscpy(m->body.version, HVIS_KVP_KERNEL_VERSION, sizeof(m->body.version));
	kvp->legacy = op == HVIS_KVP_OP_REGISTER;
	*answer = m;
	return sizeof(*m);
}

static void hvis_kvp_gone(struct hvis_ic *ic)
{
	struct hvis_kvp *kvp = ic->priv;

	kvp->legacy = false;
}

HVIS_IC_RELAY_OPS(hvis_kvp, "hv_kvp", sizeof(struct hvis_kvp_msg), hvis_kvp_gone);

/* --- kvp/ in sysfs: the relay's, as before it, and truncated ---------------------------- */

static ssize_t truncated_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct hvis_ic *ic = dev_get_drvdata(dev);
	struct hvis_kvp *kvp;
	u64 n;

	if (!ic)
		return -ENODEV;
	kvp = ic->priv;
	mutex_lock(&ic->io);
	n = kvp->truncated;
	mutex_unlock(&ic->io);
	return sysfs_emit(buf, "%llu\n", n);
}
static DEVICE_ATTR_RO(truncated);

#define HVIS_KVP_RELAY_ATTR(_name) \
	static struct device_attribute dev_attr_##_name = \
		__ATTR(_name, 0444, hvis_ic_relay_show, NULL)

HVIS_KVP_RELAY_ATTR(daemon);
HVIS_KVP_RELAY_ATTR(forwarded);
HVIS_KVP_RELAY_ATTR(timeouts);
HVIS_KVP_RELAY_ATTR(no_daemon);

static struct attribute *hvis_kvp_attrs[] = {
	&dev_attr_daemon.attr,
	&dev_attr_forwarded.attr,
	&dev_attr_timeouts.attr,
	&dev_attr_no_daemon.attr,
	&dev_attr_truncated.attr,
	NULL
};

static const struct attribute_group hvis_kvp_group = {
	.name = "kvp",
	.attrs = hvis_kvp_attrs,
};

static const struct attribute_group *hvis_kvp_groups[] = {
	&hvis_kvp_group,
	NULL
};

/* --- the driver --------------------------------------------------------------------- */

static struct hvis_ic_service hvis_kvp_service = {
	HVIS_IC_SERVICE(KVP, "Key-Value Pair Exchange", hvis_kvp_fw, hvis_kvp_msgv),
	/* Operation and pool; the rest per operation. */
	.min_body	= offsetofend(struct hvis_ic_kvp_msg, pool),
	.max_packet	= 16384,	/* the IP information is 7456 bytes */
	.priv_size	= sizeof(struct hvis_kvp),
	.relay		= &hvis_kvp_relay,
	.dev_groups	= hvis_kvp_groups,
};
module_hvis_ic_service(hvis_kvp_service, KVP,
		       "Hyper-V Data Exchange (KVP) integration service (hvis)");
