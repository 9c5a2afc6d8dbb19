// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim kvp ip: the guest's IP configuration of an adapter, the GET_IP_INFO
 * operation of Data Exchange (its own message, hvis_ic_kvp_ip_msg).
 */
#include <string.h>

#include "cmd.h"

/* One string field of the IP information, printed if the guest filled it. */
static int kvp_ip_field(const char *label, const struct hvis_ic_kvp_ip_msg *a, size_t off, size_t units)
{
	static char buf[HVIS_KVP_MAX_VALUE / 2 * 3 + 1];

	if (units * 3 + 1 > sizeof(buf) ||
	    wire_to_utf8((const uint8_t *)a + off, units, buf, sizeof(buf))) {
		fprintf(stderr, "hvsim: kvp ip: %s is malformed\n", label);
		return -1;
	}
	printf("%-15s %s\n", label, buf);
	return 0;
}

int kvp_ip(int fd, const char *adapter)
{
	static const char * const family[] = { "none", "IPv4", "IPv6", "IPv4 and IPv6" };
	static struct hvis_ic_kvp_ip_msg req;
	const struct hvis_ic_kvp_ip_msg *a = (const void *)ans.body;
	const size_t ip = offsetof(struct hvis_ic_kvp_ip_msg, ip);

	memset(&req, 0, sizeof(req));
	req.operation = HVIS_KVP_OP_GET_IP_INFO;
	if (utf8_to_wire(adapter, (uint8_t *)&req + ip + offsetof(struct hvis_ic_kvp_ipaddr, adapter_id),
			  HVIS_KVP_MAX_ADAPTER) < 0) {
		fprintf(stderr, "hvsim: kvp ip: bad adapter id \"%s\"\n", adapter);
		return 2;
	}
	if (xact_ok(fd, &req, sizeof(req), KVP_NAME, "kvp ip"))
		return 1;
	if (ans.len < sizeof(*a) || a->ip.addr_family > 3) {
		fprintf(stderr, "hvsim: kvp ip: the answer is malformed\n");
		return 1;
	}
#define IP_FIELD(label, f) \
	kvp_ip_field(label, a, ip + offsetof(struct hvis_ic_kvp_ipaddr, f), \
		     sizeof(a->ip.f) / 2)
	if (IP_FIELD("adapter", adapter_id))
		return 1;
	printf("%-15s %s\n", "address family", family[a->ip.addr_family]);
	printf("%-15s %s\n", "dhcp", a->ip.dhcp_enabled ? "yes" : "no");
	if (IP_FIELD("addresses", ip_addr) || IP_FIELD("subnets", sub_net) ||
	    IP_FIELD("gateways", gate_way) || IP_FIELD("dns servers", dns_addr))
		return 1;
#undef IP_FIELD
	return 0;
}
