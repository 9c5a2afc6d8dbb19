// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_abuse: hvis_kvp and /dev/vmbus/hv_kvp against a hostile host and a
 * hostile daemon at once: plays the host through the simulator's raw
 * endpoint and the daemon through the char device (registration, every
 * operation, bad sizes, bad strings, bad status values, timeouts, late
 * answers, a daemon that leaves mid-transaction, a second daemon).
 *   kvp_abuse all     the whole sequence
 *   kvp_abuse hold    register, block in read(); report what the fd does
 *                     once the device is destroyed under it
 *   kvp_abuse late    answers after the deadline, one of them to a request
 *                     whose read stalled (userfaultfd) until the host had
 *                     sent the next: counted late, never the next's answer
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hvis/hv_daemon.h>
#include <hvis/hvsim.h>
#include <hvis/ic_status.h>

#define DEV "/dev/vmbus/hv_kvp"
#define INST "242ff919-07db-4180-9c2e-b86cb68c8c55"
#define SYSDEV "/sys/bus/vmbus/devices/" INST

#define S_OK HVIS_IC_S_OK
#define E_FAIL HVIS_IC_E_FAIL
#define S_CONT HVIS_IC_S_CONT

static int checks;

static void __attribute__((format(printf, 2, 3))) check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	va_start(ap, fmt);
	printf("%s %d - ", ok ? "ok" : "FAIL", checks);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		exit(1);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }
static uint16_t get16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

/* UTF-8 (trusted, test input) to UTF-16LE units; returns units without NUL. */
static int to16(const char *s, uint8_t *out)
{
	const uint8_t *p = (const uint8_t *)s;
	int n = 0;

	while (*p) {
		uint32_t c;

		if (*p < 0x80) {
			c = *p++;
		} else if (*p < 0xe0) {
			c = (p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if (*p < 0xf0) {
			c = (p[0] & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		} else {
			c = (p[0] & 0x07) << 18 | (p[1] & 0x3f) << 12 | (p[2] & 0x3f) << 6 |
			    (p[3] & 0x3f);
			p += 4;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			put16(out + 2 * n++, 0xd800 + (c >> 10));
			put16(out + 2 * n++, 0xdc00 + (c & 0x3ff));
		} else {
			put16(out + 2 * n++, c);
		}
	}
	put16(out + 2 * n, 0);
	return n;
}

/* --- the host ------------------------------------------------------------------ */

static int rawfd = -1;
static uint64_t tid = 0x1000;
static uint8_t pkt[16384];	/* payload: pipe + ic header + body */
#define BODY (pkt + 28)

static int kvp_relid(void)
{
	char buf[32] = "";
	FILE *f = fopen(SYSDEV "/id", "r");

	if (!f || !fgets(buf, sizeof(buf), f))
		return -1;
	fclose(f);
	return atoi(buf);
}

static void host_attach(void)
{
	uint32_t relid = kvp_relid();

	rawfd = open("/sys/kernel/debug/hvis_sim/raw", O_RDWR);
	check(rawfd >= 0, "raw endpoint open");
	check(ioctl(rawfd, HVSIM_IOC_ATTACH, &relid) == 0, "attach relid %u: %s", relid,
	      strerror(errno));
}

/* One request with @blen body bytes (in BODY) of IC type @type. */
static void host_send(uint16_t type, size_t blen)
{
	static uint8_t buf[16400];
	size_t plen = 28 + blen, total = 16 + ((plen + 7) & ~7UL);

	put32(pkt, 1);
	put32(pkt + 4, 20 + blen);
	put16(pkt + 8, 3);		/* framework 3.0 */
	put16(pkt + 10, 0);
	put16(pkt + 12, type);
	put16(pkt + 14, type ? 4 : 0);	/* message 4.0 (0.0 in NEGOTIATE) */
	put16(pkt + 16, 0);
	put16(pkt + 18, blen);
	put32(pkt + 20, 0);
	pkt[24] = 0;
	pkt[25] = 3;
	pkt[26] = pkt[27] = 0;
	memset(buf, 0, total);
	put16(buf, 6);
	put16(buf + 2, 2);
	put16(buf + 4, total / 8);
	put16(buf + 6, 0);
	put64(buf + 8, ++tid);
	memcpy(buf + 16, pkt, plen);
	check(write(rawfd, buf, total) == (ssize_t)total, "host sends %zu bytes (type %u)", plen,
	      type);
}

/* The guest's answer to the last request, into pkt; returns its status. */
static uint32_t host_recv(int timeout_ms, long *took)
{
	static uint8_t buf[16400];
	struct pollfd pfd = { .fd = rawfd, .events = POLLIN };
	long t0 = now_ms();
	ssize_t n;

	for (;;) {
		int left = timeout_ms - (now_ms() - t0);

		check(left > 0 && poll(&pfd, 1, left) == 1, "host gets an answer within %d ms",
		      timeout_ms);
		n = read(rawfd, buf, sizeof(buf));
		check(n >= 16 + 28, "host reads a packet (%zd)", n);
		{
			uint64_t id = get32(buf + 8) | (uint64_t)get32(buf + 12) << 32;

			if (id != tid) {
				printf("# skipping a packet with trans_id %#llx\n",
				       (unsigned long long)id);
				continue;
			}
		}
		break;
	}
	if (took)
		*took = now_ms() - t0;
	memcpy(pkt, buf + 16, n - 16);
	check(pkt[25] == 5, "answer flags are TRANSACTION|RESPONSE (%#x)", pkt[25]);
	return get32(pkt + 20);
}

static void host_negotiate(void)
{
	memset(BODY, 0, 64);
	put16(BODY, 2);
	put16(BODY + 2, 3);
	put16(BODY + 8, 1); put16(BODY + 10, 0);
	put16(BODY + 12, 3); put16(BODY + 14, 0);
	put16(BODY + 16, 3); put16(BODY + 18, 0);
	put16(BODY + 20, 4); put16(BODY + 22, 0);
	put16(BODY + 24, 5); put16(BODY + 26, 0);
	host_send(0, 28);
	host_recv(2000, NULL);
	check(get16(BODY) == 1 && get16(BODY + 2) == 1, "negotiate: one version each");
	check(get16(BODY + 8) == 3 && get16(BODY + 10) == 0 && get16(BODY + 12) == 4 &&
	      get16(BODY + 14) == 0, "negotiate: fw 3.0, msg 4.0 (got %u.%u %u.%u)",
	      get16(BODY + 8), get16(BODY + 10), get16(BODY + 12), get16(BODY + 14));
}

/* KVP request bodies (offsets from the body start). */
#define V_TYPE 4
#define V_KSIZE 8
#define V_VSIZE 12
#define V_KEY 16
#define V_VAL 528
#define GETSET_LEN 2576
#define E_INDEX 4
#define E_TYPE 8
#define E_KSIZE 12
#define E_VSIZE 16
#define E_KEY 20
#define E_VAL 532
#define ENUM_LEN 2580
#define D_KSIZE 4
#define D_KEY 8
#define DEL_LEN 520
#define IP_ADAPTER 2
#define IP_FAMILY 258
#define IP_DHCP 259
#define IP_ADDR 260
#define IP_NET 2308
#define IP_GW 4356
#define IP_DNS 5380
#define IP_LEN 7428

static void req_set(int pool, const char *key, const char *val)
{
	memset(BODY, 0, GETSET_LEN);
	BODY[0] = HVIS_KVP_OP_SET;
	BODY[1] = pool;
	put32(BODY + V_TYPE, HVIS_KVP_REG_SZ);
	put32(BODY + V_KSIZE, 2 * (to16(key, BODY + V_KEY) + 1));
	put32(BODY + V_VSIZE, 2 * (to16(val, BODY + V_VAL) + 1));
}

static void req_get(int pool, const char *key)
{
	memset(BODY, 0, GETSET_LEN);
	BODY[0] = HVIS_KVP_OP_GET;
	BODY[1] = pool;
	put32(BODY + V_KSIZE, 2 * (to16(key, BODY + V_KEY) + 1));
}

static void req_enum(int pool, uint32_t index)
{
	memset(BODY, 0, ENUM_LEN);
	BODY[0] = HVIS_KVP_OP_ENUMERATE;
	BODY[1] = pool;
	put32(BODY + E_INDEX, index);
}

static int same16(const uint8_t *w, const char *s)
{
	uint8_t tmp[4096];
	int n = to16(s, tmp);

	return !memcmp(w, tmp, 2 * (n + 1));
}

/* --- the daemon ------------------------------------------------------------------ */

static struct hvis_kvp_msg dm;

static int dread(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -ETIMEDOUT;
	if (read(fd, &dm, sizeof(dm)) != sizeof(dm))
		return -errno;
	return 0;
}

static void danswer(int fd, int32_t err, int expect_errno)
{
	ssize_t n;

	dm.error = err;
	n = write(fd, &dm, sizeof(dm));
	if (expect_errno)
		check(n < 0 && errno == expect_errno, "daemon write refused with %s (%zd %s)",
		      strerror(expect_errno), n, strerror(errno));
	else
		check(n == sizeof(dm), "daemon answer written (%zd %s)", n, strerror(errno));
}

static int dopen_register(int op)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	check(fd >= 0, "daemon opens " DEV " (%s)", strerror(errno));
	memset(&dm, 0, sizeof(dm));
	dm.hdr.operation = op;
	check(write(fd, &dm, sizeof(dm)) == sizeof(dm), "daemon registers with op %d", op);
	check(dread(fd, 1000) == 0, "daemon reads the registration answer");
	check(dm.hdr.operation == op && !strcmp((char *)dm.body.version, "3.1"),
	      "registration answer: op %u version '%s'", dm.hdr.operation, dm.body.version);
	return fd;
}

/* @attr is kvp/NAME or ic/NAME; a bare NAME is kvp/NAME. */
static void sysfs_is(const char *attr, const char *want)
{
	char path[256], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), SYSDEV "/%s%s", strchr(attr, '/') ? "" : "kvp/", attr);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	check(!strcmp(buf, want), "%s is '%s' (want '%s')", attr, buf, want);
}

static void set_timeout(int ms)
{
	FILE *f = fopen("/sys/module/hvis_kvp/parameters/daemon_timeout_ms", "w");

	check(f && fprintf(f, "%d\n", ms) > 0 && !fclose(f), "daemon_timeout_ms = %d", ms);
}

/* A request the kernel refuses itself: E_FAIL at once, nothing for the daemon. */
static void host_refused(int fd, uint16_t blen, const char *what)
{
	long took;
	uint32_t st;

	host_send(2, blen);
	st = host_recv(2000, &took);
	check(st == E_FAIL, "%s: E_FAIL (%#x) in %ld ms", what, st, took);
	check(dread(fd, 100) == -ETIMEDOUT, "%s: the daemon got nothing", what);
}

static int run_all(void)
{
	const char *uval = "Beta \xe2\x80\x94 \xc3\xa9 \xf0\x9f\x98\x80";	/* em dash, e acute, U+1F600 */
	uint32_t st;
	long took;
	struct stat sb;
	int fd, fd2;
	int i;

	host_attach();
	host_negotiate();
	sysfs_is("daemon", "none");

	/* No daemon: a prompt failure. */
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	st = host_recv(2000, &took);
	check(st == E_FAIL, "no daemon: GET fails (%#x) in %ld ms", st, took);
	sysfs_is("no_daemon", "1");

	/* The device. */
	check(stat(DEV, &sb) == 0 && S_ISCHR(sb.st_mode) && (sb.st_mode & 0777) == 0600 &&
	      sb.st_uid == 0, DEV " is a root-only char device (mode %o)", sb.st_mode & 0777);
	fd = open(DEV, O_RDWR | O_NONBLOCK);
	check(fd >= 0, "open");
	fd2 = open(DEV, O_RDWR);
	check(fd2 < 0 && errno == EBUSY, "second open: EBUSY (%s)", strerror(errno));
	check(read(fd, &dm, sizeof(dm)) < 0 && errno == EAGAIN, "nonblocking read: EAGAIN");
	memset(&dm, 0, sizeof(dm));
	dm.hdr.operation = HVIS_KVP_OP_GET;
	check(write(fd, &dm, sizeof(dm)) < 0 && errno == EINVAL, "not a registration: EINVAL");
	dm.hdr.operation = HVIS_KVP_OP_REGISTER1;
	check(write(fd, &dm, 100) < 0 && errno == EINVAL, "short registration: EINVAL");
	{
		static uint8_t big[8192];

		check(write(fd, big, sizeof(big)) < 0 && errno == EINVAL, "oversized write: EINVAL");
	}
	check(write(fd, &dm, sizeof(dm)) == sizeof(dm), "registration written");
	sysfs_is("daemon", "registering");
	check(read(fd, &dm, 100) < 0 && errno == EINVAL, "read with a small buffer: EINVAL");
	/* Requests before the daemon read its answer fail at once. */
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	st = host_recv(2000, &took);
	check(st == E_FAIL, "registering: GET fails (%#x) in %ld ms", st, took);
	check(pread(fd, &dm, sizeof(dm), 0) == sizeof(dm), "registration answer read (pread)");
	check(dm.hdr.operation == 100 && !strcmp((char *)dm.body.version, "3.1"), "answer '3.1'");
	sysfs_is("daemon", "registered");
	check(write(fd, &dm, sizeof(dm)) < 0 && errno == EINVAL, "second registration: EINVAL");

	/* SET, REG_SZ with non-ASCII. */
	req_set(1, "Alpha", uval);
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the SET");
	check(dm.hdr.operation == 1 && dm.hdr.pool == 1, "SET op/pool");
	check(!strcmp((char *)dm.body.set.key, "Alpha") && dm.body.set.key_size == 6, "SET key");
	check(!strcmp((char *)dm.body.set.value, uval) &&
	      dm.body.set.value_size == strlen(uval) + 1, "SET value in UTF-8 ('%s', %u)",
	      dm.body.set.value, dm.body.set.value_size);
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK, "SET: S_OK");

	/* SET of numbers. */
	req_set(0, "Num", "");
	put32(BODY + V_TYPE, HVIS_KVP_REG_U32);
	put32(BODY + V_VSIZE, 4);
	put32(BODY + V_VAL, 4000000000u);
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0 && !strcmp((char *)dm.body.set.value, "4000000000") &&
	      dm.body.set.value_size == 11, "REG_U32 as '%s'", dm.body.set.value);
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK, "SET u32: S_OK");
	req_set(0, "Num", "");
	put32(BODY + V_TYPE, HVIS_KVP_REG_U64);
	put32(BODY + V_VSIZE, 8);
	put64(BODY + V_VAL, UINT64_MAX);
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0 && !strcmp((char *)dm.body.set.value, "18446744073709551615"),
	      "REG_U64 as '%s'", dm.body.set.value);
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK, "SET u64: S_OK");

	/* GET. */
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0 && dm.hdr.operation == 0 &&
	      !strcmp((char *)dm.body.get.key, "Alpha") && dm.body.get.key_size == 6 &&
	      dm.body.get.value_size == 2048, "daemon gets the GET (value_size %u)",
	      dm.body.get.value_size);
	strcpy((char *)dm.body.get.value, uval);
	danswer(fd, 0, 0);
	st = host_recv(2000, NULL);
	check(st == S_OK, "GET: S_OK");
	check(get32(BODY + V_TYPE) == 1 && same16(BODY + V_VAL, uval) &&
	      get32(BODY + V_VSIZE) == 2 * (11 + 1), "GET value in UTF-16 (size %u)",
	      get32(BODY + V_VSIZE));

	/* GET of a missing key: the daemon's S_CONT passes. */
	req_get(1, "Missing");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	danswer(fd, (int32_t)S_CONT, 0);
	check(host_recv(2000, NULL) == S_CONT, "GET missing: S_CONT");

	/* DELETE. */
	memset(BODY, 0, DEL_LEN);
	BODY[0] = HVIS_KVP_OP_DELETE;
	BODY[1] = 3;
	put32(BODY + D_KSIZE, 2 * (to16("Gone", BODY + D_KEY) + 1));
	host_send(2, DEL_LEN);
	check(dread(fd, 2000) == 0 && dm.hdr.operation == 2 && dm.hdr.pool == 3 &&
	      !strcmp((char *)dm.body.delete_.key, "Gone") && dm.body.delete_.key_size == 5,
	      "daemon gets the DELETE");
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK, "DELETE: S_OK");

	/* ENUMERATE. */
	req_enum(2, 0);
	host_send(2, ENUM_LEN);
	check(dread(fd, 2000) == 0 && dm.hdr.operation == 3 && dm.hdr.pool == 2 &&
	      dm.body.enumerate.index == 0, "daemon gets ENUMERATE 0");
	strcpy((char *)dm.body.enumerate.data.key, "FullyQualifiedDomainName");
	strcpy((char *)dm.body.enumerate.data.value, "guest.example");
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK, "ENUMERATE: S_OK");
	check(same16(BODY + E_KEY, "FullyQualifiedDomainName") && get32(BODY + E_KSIZE) == 50 &&
	      same16(BODY + E_VAL, "guest.example") && get32(BODY + E_VSIZE) == 28 &&
	      get32(BODY + E_TYPE) == 1, "ENUMERATE pair in UTF-16");
	req_enum(2, 10);
	host_send(2, ENUM_LEN);
	check(dread(fd, 2000) == 0 && dm.body.enumerate.index == 10, "daemon gets ENUMERATE 10");
	danswer(fd, (int32_t)S_CONT, 0);
	check(host_recv(2000, NULL) == S_CONT, "ENUMERATE past the end: S_CONT");

	/* A long value is cut, the walk goes on. */
	req_enum(1, 1);
	host_send(2, ENUM_LEN);
	check(dread(fd, 2000) == 0, "daemon gets ENUMERATE 1");
	strcpy((char *)dm.body.enumerate.data.key, "Long");
	memset(dm.body.enumerate.data.value, 'x', 2047);
	dm.body.enumerate.data.value[2047] = 0;
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK && get32(BODY + E_VSIZE) == 2048 &&
	      get16(BODY + E_VAL + 2046) == 0 && get16(BODY + E_VAL + 2044) == 'x',
	      "long value cut to 1023 units");
	sysfs_is("truncated", "1");

	/* Bad daemon answers. */
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	danswer(fd, 0x12345, 0);
	check(host_recv(2000, NULL) == E_FAIL, "unknown daemon status: E_FAIL");
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	strcpy((char *)dm.body.get.value, "bad \xc0\xaf utf8");
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == E_FAIL, "overlong UTF-8 from the daemon: E_FAIL");
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	strcpy((char *)dm.body.get.value, "surrogate \xed\xa0\x80");
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == E_FAIL, "UTF-8 surrogate from the daemon: E_FAIL");
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	memset(dm.body.get.value, 'a', sizeof(dm.body.get.value));
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == E_FAIL, "unterminated value from the daemon: E_FAIL");
	danswer(fd, 0, EINVAL);	/* nothing pending */
	check(write(fd, &dm, 7431) < 0 && errno == EINVAL, "answer of 7431 bytes: EINVAL");

	/* Bad host requests: refused by the kernel, the daemon sees nothing. */
	req_get(1, "Alpha");
	put16(BODY + V_KEY + 2, 0xdc00);
	host_refused(fd, GETSET_LEN, "lone low surrogate in the key");
	req_get(1, "Alpha");
	put16(BODY + V_KEY + 2, 0xd800);
	host_refused(fd, GETSET_LEN, "high surrogate without a low one");
	req_get(1, "Alpha");
	put16(BODY + V_KEY + 10, 0xd800);	/* last unit before the size ends */
	put32(BODY + V_KSIZE, 12);
	host_refused(fd, GETSET_LEN, "high surrogate at the end of key_size");
	req_get(1, "Alpha");
	put32(BODY + V_KSIZE, 7);
	host_refused(fd, GETSET_LEN, "odd key_size");
	req_get(1, "Alpha");
	put32(BODY + V_KSIZE, 514);
	host_refused(fd, GETSET_LEN, "key_size 514");
	req_get(1, "");
	host_refused(fd, GETSET_LEN, "empty key");
	req_set(1, "K", "v");
	put32(BODY + V_VSIZE, 2050);
	host_refused(fd, GETSET_LEN, "value_size 2050");
	req_set(1, "K", "v");
	put32(BODY + V_TYPE, 11);
	host_refused(fd, GETSET_LEN, "value type 11");
	req_set(1, "K", "");
	for (i = 0; i < 1023; i++)
		put16(BODY + V_VAL + 2 * i, 0x20ac);	/* 3 bytes each in UTF-8 */
	put32(BODY + V_VSIZE, 2048);
	host_refused(fd, GETSET_LEN, "value too long in UTF-8");
	req_get(7, "Alpha");
	host_refused(fd, GETSET_LEN, "pool 7");
	req_get(1, "Alpha");
	host_refused(fd, 100, "short GET");
	req_enum(1, 0x80000000u);
	host_refused(fd, ENUM_LEN, "index 2^31");
	memset(BODY, 0, 8);
	BODY[0] = 9;
	host_refused(fd, 8, "operation 9");
	memset(BODY, 0, IP_LEN);
	BODY[0] = HVIS_KVP_OP_SET_IP_INFO;
	host_refused(fd, IP_LEN - 1, "short SET_IP_INFO");
	for (i = 0; i < 128; i++)
		put16(BODY + IP_ADAPTER + 2 * i, 'a');
	host_refused(fd, IP_LEN, "adapter id without its NUL");

	/* GET_IP_INFO. */
	memset(BODY, 0, IP_LEN);
	BODY[0] = HVIS_KVP_OP_GET_IP_INFO;
	to16("{9c3a7d1e-0000-4000-8000-000000000001}", BODY + IP_ADAPTER);
	BODY[IP_FAMILY] = 1;
	host_send(2, IP_LEN);
	check(dread(fd, 2000) == 0 && dm.hdr.operation == 4 &&
	      !strcmp((char *)dm.body.ipaddr.adapter_id, "{9c3a7d1e-0000-4000-8000-000000000001}") &&
	      dm.body.ipaddr.addr_family == 1, "daemon gets GET_IP_INFO");
	strcpy((char *)dm.body.ipaddr.ip_addr, "192.0.2.10;2001:db8::10");
	strcpy((char *)dm.body.ipaddr.sub_net, "255.255.255.0;64");
	strcpy((char *)dm.body.ipaddr.gate_way, "192.0.2.1");
	strcpy((char *)dm.body.ipaddr.dns_addr, "192.0.2.53");
	dm.body.ipaddr.dhcp_enabled = 1;
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK, "GET_IP_INFO: S_OK");
	check(same16(BODY + IP_ADDR, "192.0.2.10;2001:db8::10") &&
	      same16(BODY + IP_NET, "255.255.255.0;64") && same16(BODY + IP_GW, "192.0.2.1") &&
	      same16(BODY + IP_DNS, "192.0.2.53") && BODY[IP_DHCP] == 1 &&
	      same16(BODY + IP_ADAPTER, "{9c3a7d1e-0000-4000-8000-000000000001}"),
	      "GET_IP_INFO strings in UTF-16");

	/* SET_IP_INFO. */
	memset(BODY, 0, IP_LEN);
	BODY[0] = HVIS_KVP_OP_SET_IP_INFO;
	to16("{ad}", BODY + IP_ADAPTER);
	to16("10.1.1.1", BODY + IP_ADDR);
	to16("255.0.0.0", BODY + IP_NET);
	to16("10.0.0.1", BODY + IP_GW);
	to16("10.0.0.53", BODY + IP_DNS);
	BODY[IP_FAMILY] = 1;
	BODY[IP_DHCP] = 0;
	host_send(2, IP_LEN);
	check(dread(fd, 2000) == 0 && dm.hdr.operation == 5 &&
	      !strcmp((char *)dm.body.ipaddr.adapter_id, "{ad}") &&
	      !strcmp((char *)dm.body.ipaddr.ip_addr, "10.1.1.1") &&
	      !strcmp((char *)dm.body.ipaddr.sub_net, "255.0.0.0") &&
	      !strcmp((char *)dm.body.ipaddr.gate_way, "10.0.0.1") &&
	      !strcmp((char *)dm.body.ipaddr.dns_addr, "10.0.0.53"), "daemon gets SET_IP_INFO");
	danswer(fd, (int32_t)0x80041002u, 0);
	check(host_recv(2000, NULL) == 0x80041002u, "SET_IP_INFO: GUID_NOTFOUND passed on");

	/* Timeout, message never read: dropped. */
	set_timeout(500);
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	st = host_recv(3000, &took);
	check(st == E_FAIL && took >= 400, "silent daemon: E_FAIL after %ld ms", took);
	check(read(fd, &dm, sizeof(dm)) < 0 && errno == EAGAIN, "timed-out request was dropped");
	sysfs_is("timeouts", "1");
	/* Timeout, read but answered late: accepted, dropped, counted. */
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	st = host_recv(3000, &took);
	check(st == E_FAIL, "slow daemon: E_FAIL after %ld ms", took);
	danswer(fd, 0, 0);
	sysfs_is("ic/late", "1");
	danswer(fd, 0, EINVAL);	/* only one was owed */
	set_timeout(30000);
	/* Service goes on. */
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	strcpy((char *)dm.body.get.value, "v");
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK && same16(BODY + V_VAL, "v"), "service resumes");

	/* The daemon dies mid-transaction. */
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0, "daemon gets the GET");
	close(fd);
	st = host_recv(2000, &took);
	check(st == E_FAIL, "daemon closed mid-transaction: E_FAIL in %ld ms", took);
	sysfs_is("daemon", "none");
	/* ... and one that dies with a request still unread. */
	fd = dopen_register(HVIS_KVP_OP_REGISTER1);
	req_get(1, "Alpha");
	host_send(2, GETSET_LEN);
	{
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		check(poll(&pfd, 1, 2000) == 1, "request queued for the daemon");
	}
	close(fd);
	st = host_recv(2000, &took);
	check(st == E_FAIL, "daemon closed before reading: E_FAIL in %ld ms", took);

	/* Legacy registration: no IP information. */
	fd = dopen_register(HVIS_KVP_OP_REGISTER);
	memset(BODY, 0, IP_LEN);
	BODY[0] = HVIS_KVP_OP_GET_IP_INFO;
	to16("{x}", BODY + IP_ADAPTER);
	host_refused(fd, IP_LEN, "GET_IP_INFO with a legacy daemon");
	req_set(1, "Alpha", "legacy");
	host_send(2, GETSET_LEN);
	check(dread(fd, 2000) == 0 && !strcmp((char *)dm.body.set.value, "legacy"),
	      "legacy daemon gets SET");
	danswer(fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK, "legacy SET: S_OK");
	close(fd);

	/* A new daemon: everything works again. */
	fd = dopen_register(HVIS_KVP_OP_REGISTER1);
	req_enum(0, 0);
	host_send(2, ENUM_LEN);
	check(dread(fd, 2000) == 0, "new daemon gets ENUMERATE");
	danswer(fd, (int32_t)S_CONT, 0);
	check(host_recv(2000, NULL) == S_CONT, "new daemon: S_CONT");
	close(fd);
	printf("# %d checks passed\n", checks);
	return 0;
}

/* Registered and blocked in read() while the scenario removes the module. */
static int run_hold(void)
{
	struct pollfd pfd;
	ssize_t n;
	int fd = dopen_register(HVIS_KVP_OP_REGISTER1);

	printf("# holding\n");
	fflush(stdout);
	n = read(fd, &dm, sizeof(dm));
	check(n < 0 && errno == EBADF, "blocked read ends with EBADF (%zd %s)", n, strerror(errno));
	n = read(fd, &dm, sizeof(dm));
	check(n < 0 && errno == EBADF, "read again: EBADF");
	n = write(fd, &dm, sizeof(dm));
	check(n < 0 && errno == EBADF, "write: EBADF (%s)", strerror(errno));
	pfd.fd = fd;
	pfd.events = POLLIN;
	check(poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
	      "poll: POLLERR|POLLHUP (%#x)", pfd.revents);
	sleep(1);
	check(close(fd) == 0, "close");
	printf("# hold done\n");
	return 0;
}

/* --- late answers -------------------------------------------------------------- */

static int uffd = -1;
static uint8_t *stall;		/* a page the reader faults on until we fill it */
static long page;
static int late_fd;
static ssize_t late_n;
static struct hvis_kvp_msg late_msg;

/* The reader: its read() copies the message out into the unpopulated page. */
static void *late_reader(void *arg)
{
	(void)arg;
	late_n = read(late_fd, stall, sizeof(dm));
	if (late_n == sizeof(dm))
		memcpy(&late_msg, stall, sizeof(late_msg));
	return NULL;
}

static int stall_setup(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		return -errno;
	check(ioctl(uffd, UFFDIO_API, &api) == 0, "userfaultfd API (%s)", strerror(errno));
	page = sysconf(_SC_PAGESIZE);
	/* Two pages: the whole message lands in memory nobody has touched. */
	stall = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(stall != MAP_FAILED, "mmap");
	reg.range.start = (unsigned long)stall;
	reg.range.len = 2 * page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	check(ioctl(uffd, UFFDIO_REGISTER, &reg) == 0, "userfaultfd register (%s)",
	      strerror(errno));
	return 0;
}

/* Wait for the reader's fault; returns the faulting address. */
static unsigned long stall_wait(void)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg m;

	check(poll(&pfd, 1, 3000) == 1, "the reader stalls copying the message out");
	check(read(uffd, &m, sizeof(m)) == sizeof(m) && m.event == UFFD_EVENT_PAGEFAULT,
	      "a page fault event");
	return m.arg.pagefault.address;
}

/* Let the copy go on: every fault of the reader is filled with zeroes. */
static void stall_release(unsigned long addr)
{
	struct uffdio_zeropage z;

	for (;;) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		struct uffd_msg m;

		z.range.start = addr & ~(page - 1);
		z.range.len = page;
		z.mode = 0;
		check(ioctl(uffd, UFFDIO_ZEROPAGE, &z) == 0 || errno == EEXIST,
		      "fill the page (%s)", strerror(errno));
		if (poll(&pfd, 1, 200) != 1)
			break;
		check(read(uffd, &m, sizeof(m)) == sizeof(m), "next fault");
		addr = m.arg.pagefault.address;
	}
}

static void late_counter(const char *name, long want)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", want);
	sysfs_is(name, buf);
}

static long counter(const char *name)
{
	char path[256], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), SYSDEV "/ic/%s", name);
	f = fopen(path, "r");
	check(f && fgets(buf, sizeof(buf), f), "read ic/%s", name);
	fclose(f);
	return atol(buf);
}

/* GET @key, answered by the daemon with @val. */
static void late_answer_to(const char *key, const char *val)
{
	req_get(1, key);
	host_send(2, GETSET_LEN);
	check(dread(late_fd, 2000) == 0 && !strcmp((char *)dm.body.get.key, key),
	      "daemon gets GET %s", key);
	strcpy((char *)dm.body.get.value, val);
	danswer(late_fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK && same16(BODY + V_VAL, val), "host gets %s", val);
}

static int run_late(void)
{
	long late0, timeouts0;
	unsigned long addr;
	pthread_t t;
	uint32_t st;
	long took;
	int ret;

	host_attach();
	host_negotiate();
	late_fd = dopen_register(HVIS_KVP_OP_REGISTER1);
	late0 = counter("late");
	timeouts0 = counter("timeouts");
	set_timeout(500);

	/* A read, the deadline, the next request, then the late answer. */
	req_get(1, "A");
	host_send(2, GETSET_LEN);
	check(dread(late_fd, 2000) == 0 && !strcmp((char *)dm.body.get.key, "A"),
	      "daemon reads A");
	st = host_recv(3000, &took);
	check(st == E_FAIL && took >= 400, "A: E_FAIL at its deadline (%ld ms)", took);
	req_get(1, "B");
	host_send(2, GETSET_LEN);
	memset(&dm, 0, sizeof(dm));
	strcpy((char *)dm.body.get.value, "answer-to-A");
	danswer(late_fd, 0, 0);
	check(dread(late_fd, 2000) == 0 && !strcmp((char *)dm.body.get.key, "B"),
	      "daemon reads B after answering A late");
	strcpy((char *)dm.body.get.value, "answer-to-B");
	danswer(late_fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK && same16(BODY + V_VAL, "answer-to-B"),
	      "B gets its own answer");
	late_counter("ic/late", late0 + 1);
	late_counter("ic/timeouts", timeouts0 + 1);

	/*
	 * The read of A stalls while it copies A out, past A's deadline and
	 * until B is queued: the read ends after B was sent.  Its answer is
	 * A's, late; B is read and answered on its own.
	 */
	ret = stall_setup();
	if (ret) {
		printf("# no userfaultfd (%s): the stalled read is not forced here\n",
		       strerror(-ret));
		printf("# %d checks passed\n", checks);
		return 0;
	}
	req_get(1, "A");
	host_send(2, GETSET_LEN);
	check(pthread_create(&t, NULL, late_reader, NULL) == 0, "reader thread");
	addr = stall_wait();
	st = host_recv(3000, &took);
	check(st == E_FAIL && took >= 400, "stalled A: E_FAIL at its deadline (%ld ms)", took);
	set_timeout(30000);
	req_get(1, "B");
	host_send(2, GETSET_LEN);
	{
		struct pollfd pfd = { .fd = late_fd, .events = POLLIN };

		check(poll(&pfd, 1, 2000) == 1, "B is queued while A's read still stalls");
	}
	stall_release(addr);
	check(pthread_join(t, NULL) == 0 && late_n == sizeof(dm) &&
	      !strcmp((char *)late_msg.body.get.key, "A"), "the stalled read returns A");
	memcpy(&dm, &late_msg, sizeof(dm));
	strcpy((char *)dm.body.get.value, "answer-to-A");
	danswer(late_fd, 0, 0);
	{
		struct pollfd pfd = { .fd = rawfd, .events = POLLIN };

		check(poll(&pfd, 1, 300) == 0, "A's late answer does not answer B");
	}
	late_counter("ic/late", late0 + 2);
	check(dread(late_fd, 2000) == 0 && !strcmp((char *)dm.body.get.key, "B"), "daemon reads B");
	strcpy((char *)dm.body.get.value, "answer-to-B");
	danswer(late_fd, 0, 0);
	check(host_recv(2000, NULL) == S_OK && same16(BODY + V_VAL, "answer-to-B"),
	      "B gets its own answer, not A's");
	late_answer_to("C", "answer-to-C");
	late_counter("ic/late", late0 + 2);
	close(late_fd);
	printf("# %d checks passed\n", checks);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "all"))
		return run_all();
	if (argc > 1 && !strcmp(argv[1], "hold"))
		return run_hold();
	if (argc > 1 && !strcmp(argv[1], "late"))
		return run_late();
	fprintf(stderr, "usage: kvp_abuse all|hold|late\n");
	return 2;
}
