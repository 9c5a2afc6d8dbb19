// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the guest tells the host about itself: the Auto pool (read afresh
 * on every request, so renames and new addresses show at once) and the IP
 * configuration of one adapter (GET_IP_INFO), and applying one
 * (SET_IP_INFO) through the distribution's helper script.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "hvisd.h"
#include "kvp.h"

/* The order the host expects (and Linux guests have always used). */
static const char *const auto_keys[] = {
	"FullyQualifiedDomainName",
	"IntegrationServicesVersion",
	"NetworkAddressIPv4",
	"NetworkAddressIPv6",
	"OSBuildNumber",
	"OSName",
	"OSMajorVersion",
	"OSMinorVersion",
	"OSVersion",
	"ProcessorArchitecture",
};
#define AUTO_COUNT (sizeof(auto_keys) / sizeof(auto_keys[0]))

/* Append @item to the ';'-separated @list, unless it would not fit whole. */
static void list_add(char *list, size_t size, const char *item)
{
	size_t len = strlen(list), n = strlen(item) + (len ? 1 : 0);

	if (len + n >= size)
		return;
	snprintf(list + len, size - len, "%s%s", len ? ";" : "", item);
}

/* One value from os-release, unquoted; @def if absent. */
static void os_release(const char *name, char *out, size_t size, const char *def)
{
	static const char *const files[] = { "/etc/os-release", "/usr/lib/os-release" };
	size_t nlen = strlen(name), len;
	char line[512], *v;
	unsigned int i;
	FILE *f = NULL;

	snprintf(out, size, "%s", def);
	for (i = 0; i < 2 && !f; i++)
		f = fopen(files[i], "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, nlen) || line[nlen] != '=')
			continue;
		v = line + nlen + 1;
		v[strcspn(v, "\r\n")] = '\0';
		len = strlen(v);
		if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
			v[len - 1] = '\0';
			v++;
		}
		snprintf(out, size, "%s", v);
		break;
	}
	fclose(f);
}

/* Every non-loopback address of @family, ';'-separated. */
static void addresses(int family, char *out, size_t size)
{
	struct ifaddrs *ifa, *i;
	char a[INET6_ADDRSTRLEN];
	const void *p;

	out[0] = '\0';
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (family == AF_INET)
			p = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		else
			p = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (inet_ntop(family, p, a, sizeof(a)))
			list_add(out, size, a);
	}
	freeifaddrs(ifa);
}

static void auto_value(unsigned int index, char *v)
{
	const size_t size = HVIS_KVP_MAX_VALUE;
	struct utsname u;
	char ver[64], *dot;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	switch (index) {
	case 0:
		/*
		 * The node name as set (it is fully qualified where the
		 * admin made it so): a DNS lookup could stall past the
		 * kernel's timeout.
		 */
		snprintf(v, size, "%s", u.nodename);
		break;
	case 1:
		snprintf(v, size, "%s", kvp_kernel_version);
		break;
	case 2:
		addresses(AF_INET, v, size);
		break;
	case 3:
		addresses(AF_INET6, v, size);
		break;
	case 4:
	case 8:
		snprintf(v, size, "%s", u.release);
		break;
	case 5:
		os_release("NAME", v, size, u.sysname);
		break;
	case 6:
	case 7:
		os_release("VERSION_ID", ver, sizeof(ver), "");
		dot = strchr(ver, '.');
		if (index == 6) {
			if (dot)
				*dot = '\0';
			snprintf(v, size, "%s", ver[0] ? ver : "0");
		} else {
			snprintf(v, size, "%s", dot ? strtok(dot + 1, ".") : "0");
		}
		break;
	case 9:
		snprintf(v, size, "%s", u.machine);
		break;
	}
}

int32_t auto_enumerate(uint32_t index, char *key, char *value)
{
	if (index >= AUTO_COUNT)
		return HVISD_S_CONT;
	snprintf(key, HVIS_KVP_MAX_KEY, "%s", auto_keys[index]);
	auto_value(index, value);
	return HVISD_S_OK;
}

int32_t auto_get(const char *key, char *value)
{
	unsigned int i;

	for (i = 0; i < AUTO_COUNT; i++) {
		if (!strcmp(key, auto_keys[i])) {
			auto_value(i, value);
			return HVISD_S_OK;
		}
	}
	return HVISD_S_CONT;
}

/* --- IP information ----------------------------------------------------------- */

/* The string fields of hvis_kvp_ipaddr, as bytes (UTF-8 to and from the kernel). */
#define IP_FIELD(ip, f)	((char *)(ip) + offsetof(struct hvis_kvp_ipaddr, f))
/* The kernel turns each byte into one UTF-16 unit at most. */
#define IP_FIELD_MAX(f)	(sizeof(((struct hvis_kvp_ipaddr *)0)->f) / 2)

struct adapter {
	char name[IF_NAMESIZE];
	char mac[18];		/* aa:bb:cc:dd:ee:ff, or empty */
};

/* "00-15-5D-0A-0B-0C", "00:15:5d:0a:0b:0c" -> "00155d0a0b0c"; else "". */
static void mac_norm(const char *in, char *out)
{
	unsigned int n = 0;

	for (; *in && n < 12; in++) {
		if (*in == ':' || *in == '-')
			continue;
		if (!isxdigit((unsigned char)*in))
			break;
		out[n++] = tolower((unsigned char)*in);
	}
	out[n] = '\0';
	if (n != 12 || *in)
		out[0] = '\0';
}

/*
 * The host names an adapter by its MAC address; an interface name is
 * accepted too (handy for tests and for people).
 */
static int find_adapter(const char *id, struct adapter *a)
{
	struct ifaddrs *ifa, *i;
	char want[13], have[13];
	const unsigned char *m;
	int found = -1;

	mac_norm(id, want);
	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i && found < 0; i = i->ifa_next) {
		const struct sockaddr_ll *ll = (void *)i->ifa_addr;

		if (!ll || ll->sll_family != AF_PACKET)
			continue;
		m = ll->sll_addr;
		snprintf(have, sizeof(have), "%02x%02x%02x%02x%02x%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		if (!strcmp(i->ifa_name, id) ||
		    (want[0] && ll->sll_halen == 6 && !(i->ifa_flags & IFF_LOOPBACK) &&
		     !strcmp(want, have))) {
			snprintf(a->name, sizeof(a->name), "%s", i->ifa_name);
			a->mac[0] = '\0';
			if (ll->sll_halen == 6)
				snprintf(a->mac, sizeof(a->mac),
					 "%02x:%02x:%02x:%02x:%02x:%02x",
					 m[0], m[1], m[2], m[3], m[4], m[5]);
			found = 0;
		}
	}
	freeifaddrs(ifa);
	return found;
}

static unsigned int prefix_len(const struct sockaddr_in6 *mask)
{
	unsigned int i, n = 0;

	for (i = 0; i < 16; i++)
		n += __builtin_popcount(mask->sin6_addr.s6_addr[i]);
	return n;
}

static bool want_family(int family, unsigned int asked)
{
	if (asked == HVIS_KVP_ADDR_IPV4)
		return family == AF_INET;
	if (asked == HVIS_KVP_ADDR_IPV6)
		return family == AF_INET6;
	return family == AF_INET || family == AF_INET6;
}

static void if_addresses(const char *ifname, unsigned int asked, char *ips, char *masks)
{
	struct ifaddrs *ifa, *i;
	char a[INET6_ADDRSTRLEN];
	int fam;

	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
			continue;
		fam = i->ifa_addr->sa_family;
		if (!want_family(fam, asked))
			continue;
		if (fam == AF_INET) {
			inet_ntop(fam, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a));
			list_add(ips, IP_FIELD_MAX(ip_addr), a);
			a[0] = '\0';
			if (i->ifa_netmask)
				inet_ntop(fam, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr,
					  a, sizeof(a));
			list_add(masks, IP_FIELD_MAX(sub_net), a);
		} else {
			inet_ntop(fam, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(a));
			list_add(ips, IP_FIELD_MAX(ip_addr), a);
			snprintf(a, sizeof(a), "%u", i->ifa_netmask ?
				 prefix_len((struct sockaddr_in6 *)i->ifa_netmask) : 128);
			list_add(masks, IP_FIELD_MAX(sub_net), a);
		}
	}
	freeifaddrs(ifa);
}

/* Default gateways of @ifname, from the kernel's routing tables. */
static void gateways(const char *ifname, unsigned int asked, char *out)
{
	char iface[64], dst[33], src[33], hop[33], a[INET6_ADDRSTRLEN], line[512];
	unsigned int d, gw, flags, plen, splen, i;
	struct in6_addr in6;
	FILE *f;

	f = fopen("/proc/net/route", "re");
	while (f && want_family(AF_INET, asked) && fgets(line, sizeof(line), f)) {
		/* Destination and gateway are printed as the raw 32-bit words. */
		if (sscanf(line, "%63s %x %x %x", iface, &d, &gw, &flags) != 4 ||
		    strcmp(iface, ifname) || d != 0 || !(flags & 0x2))
			continue;
		if (inet_ntop(AF_INET, &gw, a, sizeof(a)))
			list_add(out, IP_FIELD_MAX(gate_way), a);
	}
	if (f)
		fclose(f);
	f = fopen("/proc/net/ipv6_route", "re");
	while (f && want_family(AF_INET6, asked) && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %x %32s %x %32s %*x %*x %*x %*x %63s",
			   dst, &plen, src, &splen, hop, iface) != 6 ||
		    strcmp(iface, ifname) || plen != 0 || strspn(hop, "0") == 32)
			continue;
		for (i = 0; i < 16; i++)
			sscanf(hop + 2 * i, "%2hhx", &in6.s6_addr[i]);
		if (inet_ntop(AF_INET6, &in6, a, sizeof(a)))
			list_add(out, IP_FIELD_MAX(gate_way), a);
	}
	if (f)
		fclose(f);
}

static void nameservers(unsigned int asked, char *out)
{
	char line[512], addr[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	FILE *f = fopen("/etc/resolv.conf", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %45s", addr) != 1)
			continue;
		if ((inet_pton(AF_INET, addr, bin) == 1 && want_family(AF_INET, asked)) ||
		    (inet_pton(AF_INET6, addr, bin) == 1 && want_family(AF_INET6, asked)))
			list_add(out, IP_FIELD_MAX(dns_addr), addr);
	}
	if (f)
		fclose(f);
}

/*
 * Run @script from the script directory with one argument; its first
 * output line into @out if given.  Returns its exit status, or -1 if it
 * is missing or could not run.
 */
static int run_helper(const char *script, const char *arg, char *out, size_t size)
{
	char path[4096];
	int pfd[2], status, devnull;
	ssize_t n, got = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", kvp_script_dir, script);
	if (access(path, X_OK) < 0)
		return -1;
	pid = hvisd_pipe_fork(pfd);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(out ? pfd[1] : devnull, 1);
		/* We ignore SIGPIPE; a shell script expects the default. */
		signal(SIGPIPE, SIG_DFL);
		execl(path, path, arg, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (out && got < (ssize_t)size - 1) {
		n = read(pfd[0], out + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(pfd[0]);
	if (out) {
		out[got] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int32_t ip_info_get(struct hvis_kvp_ipaddr *ip)
{
	char id[HVIS_KVP_MAX_ADAPTER], dhcp[32];
	struct adapter a;
	unsigned int asked = ip->addr_family;

	if (hvisd_field_str(id, sizeof(id), IP_FIELD(ip, adapter_id), sizeof(ip->adapter_id)) ||
	    find_adapter(id, &a) < 0) {
		hvisd_log(LOG_INFO, "GET_IP_INFO: no adapter \"%.*s\"", 64, IP_FIELD(ip, adapter_id));
		return HVISD_GUID_NOTFOUND;
	}
	memset(IP_FIELD(ip, ip_addr), 0, sizeof(ip->ip_addr));
	memset(IP_FIELD(ip, sub_net), 0, sizeof(ip->sub_net));
	memset(IP_FIELD(ip, gate_way), 0, sizeof(ip->gate_way));
	memset(IP_FIELD(ip, dns_addr), 0, sizeof(ip->dns_addr));
	if_addresses(a.name, asked, IP_FIELD(ip, ip_addr), IP_FIELD(ip, sub_net));
	gateways(a.name, asked, IP_FIELD(ip, gate_way));
	nameservers(asked, IP_FIELD(ip, dns_addr));
	ip->dhcp_enabled = run_helper("hv_get_dhcp_info", a.name, dhcp, sizeof(dhcp)) == 0 &&
			   !strncmp(dhcp, "Enabled", 7);
	return HVISD_S_OK;
}

/*
 * Split the ';'-separated @list into @item one by one: returns the rest or
 * NULL at the end.  Items that are no address are refused by the caller,
 * so nothing a host sends reaches the shell-sourced file unchecked.
 */
static const char *next_item(const char *list, char *item, size_t size)
{
	size_t n;

	while (*list == ';' || *list == ' ')
		list++;
	if (!*list)
		return NULL;
	n = strcspn(list, "; ");
	snprintf(item, size, "%.*s", (int)(n < size ? n : size - 1), list);
	return list + n;
}

static bool is_addr(const char *s, int *family)
{
	unsigned char bin[16];

	if (inet_pton(AF_INET, s, bin) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, bin) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

static bool is_prefix(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v >= 0 && v <= 128;
}

/* "NAME=value", or "NAMEn=value" for the second and later ones (n from 1). */
static void cfg(FILE *f, const char *name, unsigned int n, const char *value)
{
	if (n)
		fprintf(f, "%s%u=%s\n", name, n, value);
	else
		fprintf(f, "%s=%s\n", name, value);
}

/* The ifcfg file hv_set_ifconfig reads; -1 if the host sent garbage. */
static int write_config(FILE *f, const struct hvis_kvp_ipaddr *ip, const struct adapter *a)
{
	char ips[IP_FIELD_MAX(ip_addr)], masks[IP_FIELD_MAX(sub_net)];
	char gws[IP_FIELD_MAX(gate_way)], dns[IP_FIELD_MAX(dns_addr)];
	char item[INET6_ADDRSTRLEN + 8], mask[INET6_ADDRSTRLEN + 8];
	char both[sizeof(item) + sizeof(mask)];
	const char *p, *m;
	unsigned int n4 = 0, n6 = 0, n;
	int fam, mfam;

	if (hvisd_field_str(ips, sizeof(ips), IP_FIELD(ip, ip_addr), sizeof(ip->ip_addr)) ||
	    hvisd_field_str(masks, sizeof(masks), IP_FIELD(ip, sub_net), sizeof(ip->sub_net)) ||
	    hvisd_field_str(gws, sizeof(gws), IP_FIELD(ip, gate_way), sizeof(ip->gate_way)) ||
	    hvisd_field_str(dns, sizeof(dns), IP_FIELD(ip, dns_addr), sizeof(ip->dns_addr)))
		return -1;
	cfg(f, "HWADDR", 0, a->mac);
	cfg(f, "DEVICE", 0, a->name);
	cfg(f, "ONBOOT", 0, "yes");
	cfg(f, "BOOTPROTO", 0, ip->dhcp_enabled ? "dhcp" : "none");
	/* Addresses and masks pair up in order. */
	for (p = ips, m = masks; (p = next_item(p, item, sizeof(item))); ) {
		if (!is_addr(item, &fam))
			return -1;
		if (m)
			m = next_item(m, mask, sizeof(mask));
		if (fam == AF_INET) {
			if (!m || !is_addr(mask, &mfam) || mfam != AF_INET)
				return -1;
			cfg(f, "IPADDR", n4, item);
			cfg(f, "NETMASK", n4++, mask);
		} else {
			if (m && !is_prefix(mask))
				return -1;
			snprintf(both, sizeof(both), "%s/%s", item, m ? mask : "64");
			cfg(f, "IPV6ADDR", n6++, both);
		}
	}
	if (n6)
		cfg(f, "IPV6INIT", 0, "yes");
	n4 = n6 = 0;
	for (p = gws; (p = next_item(p, item, sizeof(item))); ) {
		if (!is_addr(item, &fam))
			return -1;
		if (fam == AF_INET)
			cfg(f, "GATEWAY", n4++, item);
		else
			cfg(f, "IPV6_DEFAULTGW", n6++, item);
	}
	for (p = dns, n = 1; (p = next_item(p, item, sizeof(item))); n++) {
		if (!is_addr(item, &fam))
			return -1;
		cfg(f, "DNS", n, item);
	}
	return 0;
}

int32_t ip_info_set(const struct hvis_kvp_ipaddr *ip)
{
	char id[HVIS_KVP_MAX_ADAPTER], path[4096], tmp[4096 + 8];
	struct adapter a;
	int bad, r;
	FILE *f;

	if (hvisd_field_str(id, sizeof(id), IP_FIELD(ip, adapter_id), sizeof(ip->adapter_id)) ||
	    find_adapter(id, &a) < 0) {
		hvisd_log(LOG_INFO, "SET_IP_INFO: no adapter \"%.*s\"", 64, IP_FIELD(ip, adapter_id));
		return HVISD_GUID_NOTFOUND;
	}
	snprintf(path, sizeof(path), "%s/ifcfg-%s", kvp_state_dir, a.name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		hvisd_log(LOG_ERR, "SET_IP_INFO: %s: %s", tmp, strerror(errno));
		return HVISD_E_FAIL;
	}
	bad = write_config(f, ip, &a);
	if (fclose(f) != 0 || bad || rename(tmp, path) < 0) {
		hvisd_log(LOG_ERR, "SET_IP_INFO for %s: %s", a.name,
			  bad ? "the host sent an invalid address" : strerror(errno));
		unlink(tmp);
		return HVISD_E_FAIL;
	}
	r = run_helper("hv_set_ifconfig", path, NULL, 0);
	if (r != 0) {
		hvisd_log(LOG_ERR, "SET_IP_INFO for %s: %s/hv_set_ifconfig %s", a.name,
			  kvp_script_dir, r < 0 ? "is missing or cannot run" : "failed");
		return HVISD_E_FAIL;
	}
	hvisd_log(LOG_INFO, "SET_IP_INFO: applied %s", path);
	return HVISD_S_OK;
}
