// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-kvp-daemon: answers the host's Data Exchange (KVP) requests that
 * the kernel passes on through /dev/vmbus/hv_kvp.  Pools 0-4 are kept in
 * files under the state directory; the Auto pool (2) is enumerated from
 * what the guest is (guest.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvisd.h"
#include "kvp.h"

char kvp_kernel_version[HVIS_KVP_MAX_KEY] = "unknown";
const char *kvp_script_dir = "/usr/libexec/hvis";
const char *kvp_state_dir = "/var/lib/hvis-kvp";

/* One message buffer: 7432 bytes is too much for a comfortable stack. */
static struct hvis_kvp_msg msg;

static int kvp_register(struct hvisd *d)
{
	char *c;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.operation = HVIS_KVP_OP_REGISTER1;
	if (hvisd_handshake(d, &msg, sizeof(msg), &msg, sizeof(msg), sizeof(msg)) < 0)
		return -1;
	if (hvisd_field_str(kvp_kernel_version, sizeof(kvp_kernel_version),
			    msg.body.version, sizeof(msg.body.version)) || !kvp_kernel_version[0])
		snprintf(kvp_kernel_version, sizeof(kvp_kernel_version), "unknown");
	/* It goes to the host and to logs: printable ASCII only. */
	for (c = kvp_kernel_version; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	hvisd_log(LOG_INFO, "registered with %s, kernel version %s", d->dev_path,
		  kvp_kernel_version);
	return 0;
}

/*
 * A string the kernel sent in @field with its claimed @size (including the
 * NUL): copied into @out (@max bytes with the NUL).  -1 if empty-but-
 * required, or too long.
 */
static int take_str(char *out, size_t max, const __u8 *field, __u32 size, bool required)
{
	size_t n;

	if (size > max)
		return -1;
	n = strnlen((const char *)field, size);
	if (n == max || (required && n == 0))
		return -1;
	memcpy(out, field, n);
	out[n] = '\0';
	return 0;
}

static void put_value(struct hvis_kvp_value *v, const char *key, const char *value)
{
	size_t n;

	v->value_type = HVIS_KVP_REG_SZ;
	if (key) {
		n = strlen(key) + 1;
		memcpy(v->key, key, n);
		v->key_size = n;
	}
	n = strlen(value) + 1;
	memcpy(v->value, value, n);
	v->value_size = n;
}

static int32_t do_get(unsigned int pool, struct hvis_kvp_msg *m)
{
	struct hvis_kvp_value *v = &m->body.get;
	char key[HVIS_KVP_MAX_KEY], value[HVIS_KVP_MAX_VALUE];
	const char *stored;

	if (take_str(key, sizeof(key), v->key, v->key_size, true) < 0)
		return HVISD_E_FAIL;
	if (pool == HVIS_KVP_POOL_AUTO && auto_get(key, value) == HVISD_S_OK) {
		put_value(v, NULL, value);
		return HVISD_S_OK;
	}
	if (pool_get(pool, key, &stored) != HVISD_S_OK)
		return HVISD_S_CONT;
	put_value(v, NULL, stored);
	return HVISD_S_OK;
}

static int32_t do_set(unsigned int pool, struct hvis_kvp_msg *m)
{
	const struct hvis_kvp_value *v = &m->body.set;
	char key[HVIS_KVP_MAX_KEY], value[HVIS_KVP_MAX_VALUE];

	if (take_str(key, sizeof(key), v->key, v->key_size, true) < 0 ||
	    take_str(value, sizeof(value), v->value, v->value_size, false) < 0) {
		hvisd_log(LOG_WARNING, "SET in pool %u: bad key or value size (%u, %u)",
			  pool, v->key_size, v->value_size);
		return HVISD_E_FAIL;
	}
	return pool_set(pool, key, value);
}

static int32_t do_delete(unsigned int pool, struct hvis_kvp_msg *m)
{
	const struct hvis_kvp_delete *del = &m->body.delete_;
	char key[HVIS_KVP_MAX_KEY];

	if (take_str(key, sizeof(key), del->key, del->key_size, true) < 0)
		return HVISD_E_FAIL;
	return pool_delete(pool, key);
}

static int32_t do_enumerate(unsigned int pool, struct hvis_kvp_msg *m)
{
	struct hvis_kvp_enumerate *e = &m->body.enumerate;
	char key[HVIS_KVP_MAX_KEY], value[HVIS_KVP_MAX_VALUE];
	const char *k, *v;
	int32_t r;

	if (pool == HVIS_KVP_POOL_AUTO) {
		r = auto_enumerate(e->index, key, value);
		k = key;
		v = value;
	} else {
		r = pool_enumerate(pool, e->index, &k, &v);
	}
	if (r == HVISD_S_OK)
		put_value(&e->data, k, v);
	return r;
}

/* IP information is per adapter: these two have no pool. */
static int32_t do_get_ip_info(unsigned int pool, struct hvis_kvp_msg *m)
{
	(void)pool;
	return ip_info_get(&m->body.ipaddr);
}

static int32_t do_set_ip_info(unsigned int pool, struct hvis_kvp_msg *m)
{
	(void)pool;
	return ip_info_set(&m->body.ipaddr);
}

/* The operations the kernel passes on; @pooled ones name a pool, which must exist. */
static const struct {
	int32_t (*run)(unsigned int pool, struct hvis_kvp_msg *m);
	bool pooled;
} ops[] = {
	[HVIS_KVP_OP_GET] = { do_get, true },
	[HVIS_KVP_OP_SET] = { do_set, true },
	[HVIS_KVP_OP_DELETE] = { do_delete, true },
	[HVIS_KVP_OP_ENUMERATE] = { do_enumerate, true },
	[HVIS_KVP_OP_GET_IP_INFO] = { do_get_ip_info, false },
	[HVIS_KVP_OP_SET_IP_INFO] = { do_set_ip_info, false },
};

/* Answer the request in msg, in place. */
static void handle(ssize_t len)
{
	unsigned int op = msg.hdr.operation, pool = msg.hdr.pool;

	if (len != (ssize_t)sizeof(msg)) {
		hvisd_log(LOG_WARNING, "request of %zd bytes, expected %zu", len, sizeof(msg));
		/* Answer anyway: the kernel is waiting for one. */
		memset((char *)&msg + len, 0, sizeof(msg) - len);
	}
	if (op >= ARRAY_SIZE(ops) || !ops[op].run) {
		hvisd_log(LOG_WARNING, "unknown operation %u", op);
		msg.error = HVISD_E_FAIL;
	} else if (ops[op].pooled && pool >= HVIS_KVP_POOL_COUNT) {
		hvisd_log(LOG_WARNING, "operation %u on unknown pool %u", op, pool);
		msg.error = HVISD_E_FAIL;
	} else {
		msg.error = ops[op].run(pool, &msg);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvis-kvp-daemon [OPTIONS]\n"
		"Answers the Hyper-V host's key-value pair (Data Exchange) requests.\n"
		"  -s DIR      where the pools are kept (default %s)\n"
		"  -S DIR      where the helper scripts hv_set_ifconfig and hv_get_dhcp_info\n"
		"              are (default %s)\n"
		"  -L N        at most N records in a pool (default 1024)\n"
		HVISD_COMMON_USAGE,
		kvp_state_dir, kvp_script_dir, "/dev/vmbus/hv_kvp");
}

static unsigned long max_records = 1024;

static int kvp_opt(int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case 's':
		kvp_state_dir = arg;
		break;
	case 'S':
		kvp_script_dir = arg;
		break;
	case 'L':
		errno = 0;
		max_records = strtoul(arg, &end, 10);
		if (errno || *end || !max_records || max_records > UINT_MAX) {
			fprintf(stderr, "hvis-kvp-daemon: bad -L %s\n", arg);
			return 2;
		}
		break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct hvisd d = HVISD_INIT("hvis-kvp-daemon", "/dev/vmbus/hv_kvp", kvp_register);
	ssize_t n;

	hvisd_options(&d, argc, argv, "s:S:L:", kvp_opt, usage);
	hvisd_log_init(d.name, d.foreground);
	hvisd_signals();
	if (pool_init(kvp_state_dir, max_records) < 0)
		return 1;
	hvisd_start(&d);

	while (!hvisd_stop) {
		n = hvisd_recv(&d, &msg, sizeof(msg), -1);
		if (n < 0 && hvisd_reconnect(&d) < 0)
			return 1;
		if (n <= 0)
			continue;
		handle(n);
		hvisd_send(&d, &msg, sizeof(msg));
	}
	hvisd_log(LOG_INFO, "stopped by signal %d", (int)hvisd_stop);
	return 0;
}
