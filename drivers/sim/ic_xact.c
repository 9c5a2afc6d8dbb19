// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's requests of the data services: Data Exchange (KVP), Backup
 * (VSS) and the Guest Service Interface (Copy-VMFile).  What to ask is up
 * to the host's command line (hvsim), which writes the body of one IC
 * message into the service's debugfs file; ic.c carries it to the guest
 * and back; this file decides how long the guest may take, whether its
 * answer makes sense, and hands the answer back to the writer.
 *
 * debugfs hvis_sim/kvp, hvis_sim/vss, hvis_sim/fcopy (0600), each open
 * file on its own:
 *   write(): one message body (KVP at least 2 bytes, VSS 1, fcopy 4; at
 *            most 7428), sent as one transaction.  Blocks until the guest
 *            answered: the byte count then, whatever status the guest
 *            chose.  -ENOTCONN: the service is not negotiated (or the
 *            channel went away meanwhile), -ETIMEDOUT, -EPROTO: the answer
 *            was malformed (see the log), -EINTR.
 *   read():  the answer to the last write: status (u32), body length
 *            (u32), then the body as the guest sent it back.
 * Writers of one service queue up behind each other.
 *
 * The guest is not trusted: an answer whose strings are not NUL-terminated
 * UTF-16 of a size in range, or that names another operation, is counted
 * as bad and never handed on.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nls.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <hvis/ic_wire.h>
#include <hvis/param.h>

#include "ic.h"

HVIS_PARAM_UINT(daemon_timeout_ms, 35000, 0644,
		"How long a KVP, VSS or file-copy request may take the guest, in ms (default 35000)");
HVIS_PARAM_UINT(freeze_timeout_ms, 60000, 0644,
		"How long a VSS FREEZE may take the guest, in ms (default 60000)");

#define SIM_XACT_MIN_TIMEOUT_MS	100

#define SIM_KVP_REG_SZ		1
#define SIM_KVP_REG_U32		4
#define SIM_KVP_REG_U64		8

static_assert(sizeof(struct hvis_ic_kvp_ip_msg) == SIM_IC_BODY_MAX);
static_assert(sizeof(struct hvis_ic_kvp_msg) <= SIM_IC_BODY_MAX);
static_assert(sizeof(struct hvis_ic_fcopy_write) <= SIM_IC_BODY_MAX);

static const char * const sim_kvp_ops[] = {
	"GET", "SET", "DELETE", "ENUMERATE", "GET_IP_INFO", "SET_IP_INFO",
};

static const char * const sim_vss_ops[] = {
	"CREATE", "DELETE", "HOT_BACKUP", "GET_DM_INFO", "BU_COMPLETE", "FREEZE", "THAW",
	"AUTO_RECOVER",
};

static const char * const sim_fcopy_ops[] = { "START", "WRITE", "COMPLETE", "CANCEL" };

static const char *sim_op_name(const char * const *names, size_t n, u32 op)
{
	return op < n ? names[op] : "unknown operation";
}

static __printf(3, 4) int sim_why(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EPROTO;
}

/*
 * The UTF-16LE string at @p, at most @units units long with its NUL: how
 * many units come before the NUL, or -1 if there is no NUL or a surrogate
 * is unpaired.
 */
static int sim_utf16_units(const u8 *p, u32 units)
{
	u32 i;
	u16 c;

	for (i = 0; i < units; i++) {
		c = p[2 * i] | p[2 * i + 1] << 8;
		if (!c)
			return i;
		if (c >= 0xdc00 && c <= 0xdfff)
			return -1;	/* a low surrogate without its high one */
		if (c >= 0xd800 && c <= 0xdbff) {
			if (++i >= units)
				return -1;
			c = p[2 * i] | p[2 * i + 1] << 8;
			if (c < 0xdc00 || c > 0xdfff)
				return -1;
		}
	}
	return -1;
}

/* A KVP string of @size bytes, the NUL included, in a field of @room bytes. */
static int sim_kvp_str(const u8 *p, u32 size, u32 room, const char *what, char *why, size_t n)
{
	int units;

	if (size < 2 || size > room || size % 2)
		return sim_why(why, n, "KVP %s size %u", what, size);
	units = sim_utf16_units(p, size / 2);
	if (units < 0)
		return sim_why(why, n, "KVP %s is not NUL-terminated UTF-16", what);
	if (units != size / 2 - 1)
		return sim_why(why, n, "KVP %s of %u bytes ends after %d characters", what, size,
			       units);
	return 0;
}

static int sim_kvp_value(const struct hvis_ic_kvp_value *v, bool key, char *why, size_t n)
{
	int ret;

	if (key) {
		ret = sim_kvp_str(v->key, v->key_size, sizeof(v->key), "key", why, n);
		if (ret)
			return ret;
	}
	switch (v->value_type) {
	case SIM_KVP_REG_SZ:
		return sim_kvp_str(v->value, v->value_size, sizeof(v->value), "value", why, n);
	case SIM_KVP_REG_U32:
		return v->value_size == 4 ? 0 : sim_why(why, n, "KVP REG_U32 of %u bytes",
							  v->value_size);
	case SIM_KVP_REG_U64:
		return v->value_size == 8 ? 0 : sim_why(why, n, "KVP REG_U64 of %u bytes",
							  v->value_size);
	}
	return sim_why(why, n, "KVP value type %u", v->value_type);
}

/* Each string of the IP information ends inside its field. */
static int sim_kvp_ip(const struct hvis_ic_kvp_ipaddr *ip, char *why, size_t n)
{
	const struct {
		const char *name;
		const void *s;
		size_t units;
	} f[] = {
		{ "adapter_id", ip->adapter_id, ARRAY_SIZE(ip->adapter_id) },
		{ "ip_addr", ip->ip_addr, ARRAY_SIZE(ip->ip_addr) },
		{ "sub_net", ip->sub_net, ARRAY_SIZE(ip->sub_net) },
		{ "gate_way", ip->gate_way, ARRAY_SIZE(ip->gate_way) },
		{ "dns_addr", ip->dns_addr, ARRAY_SIZE(ip->dns_addr) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(f); i++)
		if (sim_utf16_units(f[i].s, f[i].units) < 0)
			return sim_why(why, n, "KVP IP information: %s not NUL-terminated UTF-16",
				       f[i].name);
	if (ip->addr_family > 3 || ip->dhcp_enabled > 1)
		return sim_why(why, n, "KVP IP information: address family %u, dhcp %u",
			       ip->addr_family, ip->dhcp_enabled);
	return 0;
}

static int sim_kvp_check(const struct hvis_ic_kvp_msg *q, const void *ans, u32 len, char *why,
			 size_t n)
{
	const struct hvis_ic_kvp_msg *a = ans;
	u32 need = 2;

	if (len >= 2 && (a->operation != q->operation || a->pool != q->pool))
		return sim_why(why, n, "KVP answer for operation %u pool %u, asked %u pool %u",
			       a->operation, a->pool, q->operation, q->pool);
	/* The answers that carry data carry all of it; the others, their header. */
	if (q->operation == HVIS_IC_KVP_GET || q->operation == HVIS_IC_KVP_ENUMERATE ||
	    q->operation == HVIS_IC_KVP_GET_IP_INFO)
		need = hvis_ic_kvp_need(q->operation);
	if (len < need)
		return sim_why(why, n, "KVP %s answer of %u bytes, needs %u",
			       sim_op_name(sim_kvp_ops, ARRAY_SIZE(sim_kvp_ops), q->operation),
			       len, need);
	switch (q->operation) {
	case HVIS_IC_KVP_GET:
		return sim_kvp_value(&a->value, false, why, n);
	case HVIS_IC_KVP_ENUMERATE:
		return sim_kvp_value(&a->enumerate.data, true, why, n);
	case HVIS_IC_KVP_GET_IP_INFO:
		return sim_kvp_ip(&((const struct hvis_ic_kvp_ip_msg *)ans)->ip, why, n);
	}
	return 0;
}

/*
 * Called by ic.c under its lock: the guest's answer (@ans, @len body bytes,
 * @status) to the request @req (@req_len bytes, at least the minimum of
 * its service).  0 if the host can use it, else -EPROTO and why.  A
 * failure status carries no data: only the body of a success is checked.
 */
int sim_ic_xact_check(u16 msgtype, const void *req, u32 req_len, const void *ans, u32 len,
		      u32 status, char *why, size_t size)
{
	const struct hvis_ic_vss_msg *vq = req, *va = ans;
	const struct hvis_ic_fcopy_hdr *fq = req, *fa = ans;
	u32 need;

	if (status != HVIS_IC_S_OK)
		return 0;
	switch (msgtype) {
	case HVIS_IC_MSG_KVP:
		return sim_kvp_check(req, ans, len, why, size);
	case HVIS_IC_MSG_VSS:
		/* The flags of HOT_BACKUP are read; everything is echoed anyway. */
		need = vq->operation == HVIS_IC_VSS_HOT_BACKUP ? sizeof(*va) : 1;
		if (len < need)
			return sim_why(why, size, "VSS answer of %u bytes", len);
		if (va->operation != vq->operation)
			return sim_why(why, size, "VSS answer for operation %u, asked %u",
				       va->operation, vq->operation);
		return 0;
	case HVIS_IC_MSG_FCOPY:
		if (len < sizeof(fa->operation))
			return sim_why(why, size, "FCOPY answer of %u bytes", len);
		if (fa->operation != fq->operation)
			return sim_why(why, size, "FCOPY answer for operation %u, asked %u",
				       fa->operation, fq->operation);
		return 0;
	}
	return sim_why(why, size, "message type %u", msgtype);
}

/* A UTF-16 field (@units at most) as UTF-8, for the log. */
static void sim_utf16_log(const u8 *p, u32 units, char *out, size_t size)
{
	int n;

	n = utf16s_to_utf8s((const wchar_t *)p, units, UTF16_LITTLE_ENDIAN, (u8 *)out, size - 1);
	out[max(n, 0)] = '\0';
}

/* One line for the log: what @body (@len bytes, at least the minimum) asks. */
void sim_ic_xact_describe(u16 msgtype, const void *body, u32 len, char *buf, size_t size)
{
	const struct hvis_ic_kvp_msg *k = body;
	const struct hvis_ic_vss_msg *v = body;
	const struct hvis_ic_fcopy_start *st = body;
	const struct hvis_ic_fcopy_write *w = body;
	const u8 *key = NULL;
	char a[64], b[64];
	const char *op;

	switch (msgtype) {
	case HVIS_IC_MSG_KVP:
		op = sim_op_name(sim_kvp_ops, ARRAY_SIZE(sim_kvp_ops), k->operation);
		if ((k->operation == HVIS_IC_KVP_GET || k->operation == HVIS_IC_KVP_SET) &&
		    len >= offsetofend(typeof(*k), value.key))
			key = k->value.key;
		else if (k->operation == HVIS_IC_KVP_DELETE && len >= offsetofend(typeof(*k), del))
			key = k->del.key;
		if (key) {
			sim_utf16_log(key, sizeof(k->value.key) / 2, a, sizeof(a));
			snprintf(buf, size, "KVP %s pool=%u key=\"%s\"", op, k->pool, a);
		} else if (k->operation == HVIS_IC_KVP_ENUMERATE &&
			   len >= offsetofend(typeof(*k), enumerate.index)) {
			snprintf(buf, size, "KVP %s pool=%u index=%u", op, k->pool,
				 k->enumerate.index);
		} else {
			snprintf(buf, size, "KVP %s pool=%u (%u bytes)", op, k->pool, len);
		}
		return;
	case HVIS_IC_MSG_VSS:
		snprintf(buf, size, "VSS %s",
			 sim_op_name(sim_vss_ops, ARRAY_SIZE(sim_vss_ops), v->operation));
		return;
	case HVIS_IC_MSG_FCOPY:
		op = sim_op_name(sim_fcopy_ops, ARRAY_SIZE(sim_fcopy_ops), st->hdr.operation);
		if (st->hdr.operation == HVIS_IC_FCOPY_START && len >= sizeof(*st)) {
			sim_utf16_log((const u8 *)st->path_name, ARRAY_SIZE(st->path_name), a,
				      sizeof(a));
			sim_utf16_log((const u8 *)st->file_name, ARRAY_SIZE(st->file_name), b,
				      sizeof(b));
			snprintf(buf, size, "FCOPY START \"%s\" in \"%s\" size=%llu flags=%#x",
				 b, a, st->file_size, st->copy_flags);
		} else if (st->hdr.operation == HVIS_IC_FCOPY_WRITE &&
			   len >= offsetof(typeof(*w), data)) {
			snprintf(buf, size, "FCOPY WRITE offset=%llu size=%u", w->offset, w->size);
		} else {
			snprintf(buf, size, "FCOPY %s", op);
		}
		return;
	}
	snprintf(buf, size, "message type %u", msgtype);
}

/* --- the debugfs files ----------------------------------------------------------- */

struct sim_xact_svc {
	u16 msgtype;
	u32 min_len;
};

static const struct sim_xact_svc sim_xact_kvp = { HVIS_IC_MSG_KVP, 2 };
static const struct sim_xact_svc sim_xact_vss = { HVIS_IC_MSG_VSS, 1 };
static const struct sim_xact_svc sim_xact_fcopy = { HVIS_IC_MSG_FCOPY, 4 };

struct sim_xact_answer {
	u32 status;
	u32 len;
	u8 body[SIM_IC_BODY_MAX];
} __packed;

/* One open file: its request and the answer to it. */
struct sim_xact_file {
	const struct sim_xact_svc *svc;
	struct mutex lock;		/* a write's whole transaction, a read */
	u32 ans_bytes;			/* of ans: 0 until answered */
	u32 rpos;			/* read so far */
	struct sim_xact_answer ans;
	u8 req[SIM_IC_BODY_MAX];
};

static int sim_xact_open(struct inode *inode, struct file *file)
{
	struct sim_xact_file *f = kvzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->svc = inode->i_private;
	mutex_init(&f->lock);
	file->private_data = f;
	return stream_open(inode, file);
}

static int sim_xact_release(struct inode *inode, struct file *file)
{
	struct sim_xact_file *f = file->private_data;

	mutex_destroy(&f->lock);
	kvfree(f);
	return 0;
}

/* How long the guest may take for f->req: a freeze longer than the rest. */
static unsigned int sim_xact_timeout(const struct sim_xact_file *f)
{
	unsigned int ms = READ_ONCE(hvis_param_daemon_timeout_ms);

	if (f->svc->msgtype == HVIS_IC_MSG_VSS && f->req[0] == HVIS_IC_VSS_FREEZE)
		ms = READ_ONCE(hvis_param_freeze_timeout_ms);
	return max_t(unsigned int, ms, SIM_XACT_MIN_TIMEOUT_MS);
}

/* The fragments after the first of a copy: logged only if they fail. */
static bool sim_xact_quiet(const struct sim_xact_file *f, u32 len)
{
	const struct hvis_ic_fcopy_write *w = (const void *)f->req;

	return f->svc->msgtype == HVIS_IC_MSG_FCOPY && len >= offsetofend(typeof(*w), offset) &&
	       w->hdr.operation == HVIS_IC_FCOPY_WRITE && w->offset;
}

static ssize_t sim_xact_write(struct file *file, const char __user *ubuf, size_t len,
			      loff_t *ppos)
{
	struct sim_xact_file *f = file->private_data;
	struct sim_ic_xact x = {};
	int ret;

	if (len < f->svc->min_len || len > SIM_IC_BODY_MAX)
		return -EINVAL;
	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	f->ans_bytes = 0;
	f->rpos = 0;
	if (copy_from_user(f->req, ubuf, len)) {
		ret = -EFAULT;
		goto out;
	}
	x.req = f->req;
	x.req_len = len;
	x.timeout_ms = sim_xact_timeout(f);
	x.quiet = sim_xact_quiet(f, len);
	x.ans = f->ans.body;
	x.ans_size = sizeof(f->ans.body);
	ret = sim_ic_transact(f->svc->msgtype, &x);
	if (!ret) {
		f->ans.status = x.status;
		f->ans.len = x.ans_len;
		f->ans_bytes = offsetof(struct sim_xact_answer, body) + x.ans_len;
	}
out:
	mutex_unlock(&f->lock);
	return ret ? ret : len;
}

static ssize_t sim_xact_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct sim_xact_file *f = file->private_data;
	loff_t pos;
	ssize_t ret;

	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	pos = f->rpos;
	ret = simple_read_from_buffer(ubuf, count, &pos, &f->ans, f->ans_bytes);
	f->rpos = pos;
	mutex_unlock(&f->lock);
	return ret;
}

static const struct file_operations sim_xact_fops = {
	.owner		= THIS_MODULE,
	.open		= sim_xact_open,
	.release	= sim_xact_release,
	.read		= sim_xact_read,
	.write		= sim_xact_write,
	.llseek		= noop_llseek,
};

void sim_ic_xact_debugfs(struct dentry *dir)
{
	debugfs_create_file("kvp", 0600, dir, (void *)&sim_xact_kvp, &sim_xact_fops);
	debugfs_create_file("vss", 0600, dir, (void *)&sim_xact_vss, &sim_xact_fops);
	debugfs_create_file("fcopy", 0600, dir, (void *)&sim_xact_fcopy, &sim_xact_fops);
}
