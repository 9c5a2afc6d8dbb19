// SPDX-License-Identifier: GPL-2.0-only
/*
 * vss_fcopy_abuse: hvis_vss and hvis_fcopy against a hostile host and a
 * hostile daemon: plays the host through the simulator's raw endpoint and
 * the daemon through /dev/vmbus/hv_vss and hv_fcopy (handshakes, every
 * operation, bad sizes and strings, timeouts, late answers, daemon loss).
 *   vss_fcopy_abuse vss|fcopy RELID
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <hvis/hv_daemon.h>
#include <hvis/hvsim.h>
#include <hvis/ic_status.h>

#define E_FAIL HVIS_IC_E_FAIL

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

#define CHECK(c, ...) do { if (!(c)) fail(__VA_ARGS__); } while (0)

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("vss_fcopy_abuse: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static void setparam(const char *mod, const char *p, const char *v)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, p);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	CHECK(write(fd, v, strlen(v)) == (ssize_t)strlen(v), "write %s", path);
	close(fd);
}

/* --- host side ------------------------------------------------------------- */

static int raw_attach(unsigned int relid)
{
	int fd = open("/sys/kernel/debug/hvis_sim/raw", O_RDWR);

	CHECK(fd >= 0, "open raw: %s", strerror(errno));
	CHECK(!ioctl(fd, HVSIM_IOC_ATTACH, &relid), "attach %u: %s", relid, strerror(errno));
	return fd;
}

static uint64_t next_tid = 0x100;
static uint16_t fw_maj = 3, fw_min, msg_maj, msg_min;

/* Send a host request: IC header + body. */
static uint64_t host_send(int h, uint16_t type, const void *body, uint32_t blen)
{
	static uint8_t pkt[16384];
	uint32_t plen = 28 + blen, total = 16 + ((plen + 7) & ~7u);
	uint8_t *p = pkt + 16;
	uint64_t tid = next_tid++;

	CHECK(total <= sizeof(pkt), "packet too big");
	memset(pkt, 0, total);
	*(uint16_t *)(pkt + 0) = 6;
	*(uint16_t *)(pkt + 2) = 2;
	*(uint16_t *)(pkt + 4) = total / 8;
	*(uint16_t *)(pkt + 6) = 1;
	memcpy(pkt + 8, &tid, 8);
	*(uint32_t *)(p + 0) = 1;
	*(uint32_t *)(p + 4) = 20 + blen;
	if (type) {
		*(uint16_t *)(p + 8) = fw_maj;
		*(uint16_t *)(p + 10) = fw_min;
		*(uint16_t *)(p + 14) = msg_maj;
		*(uint16_t *)(p + 16) = msg_min;
	}
	*(uint16_t *)(p + 12) = type;
	*(uint16_t *)(p + 18) = blen;
	p[25] = 3;
	memcpy(p + 28, body, blen);
	CHECK(write(h, pkt, total) == (ssize_t)total, "raw write: %s", strerror(errno));
	return tid;
}

static uint8_t reply[16384];
static uint8_t *rbody;

/* Wait for the guest's answer; returns the status; -1 on timeout. */
static int64_t host_recv(int h, uint64_t tid, int ms)
{
	struct pollfd pfd = { .fd = h, .events = POLLIN };
	ssize_t n;
	uint64_t rtid;
	uint32_t off;

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	n = read(h, reply, sizeof(reply));
	CHECK(n >= 16 + 28, "raw read %zd: %s", n, strerror(errno));
	memcpy(&rtid, reply + 8, 8);
	CHECK(rtid == tid, "answer for trans id %#llx, expected %#llx", (unsigned long long)rtid,
	      (unsigned long long)tid);
	off = *(uint16_t *)(reply + 2) * 8;
	rbody = reply + off + 28;
	CHECK(reply[off + 25] == 5, "answer flags %u", reply[off + 25]);
	return *(uint32_t *)(reply + off + 20);
}

static uint32_t transact(int h, uint16_t type, const void *body, uint32_t blen)
{
	uint64_t tid = host_send(h, type, body, blen);
	int64_t st = host_recv(h, tid, 5000);

	CHECK(st >= 0, "no answer to type %u", type);
	return st;
}

static void negotiate(int h, uint16_t fw, uint16_t m_maj, uint16_t m_min)
{
	uint8_t b[8 + 4 * 4] = { 0 };
	uint32_t st;

	*(uint16_t *)(b + 0) = 2;
	*(uint16_t *)(b + 2) = 2;
	*(uint16_t *)(b + 8) = 1;		/* fw 1.0, 3.0 */
	*(uint16_t *)(b + 12) = 3;
	*(uint16_t *)(b + 16) = m_maj;	/* msg: 9.9, ours */
	*(uint16_t *)(b + 18) = 9;
	*(uint16_t *)(b + 20) = m_maj;
	*(uint16_t *)(b + 22) = m_min;
	st = transact(h, 0, b, sizeof(b));
	CHECK(st == 0, "negotiate status %#x", st);
	CHECK(*(uint16_t *)rbody == 1 && *(uint16_t *)(rbody + 2) == 1, "negotiate counts %u/%u",
	      *(uint16_t *)rbody, *(uint16_t *)(rbody + 2));
	CHECK(*(uint16_t *)(rbody + 8) == fw && *(uint16_t *)(rbody + 10) == 0, "fw %u.%u",
	      *(uint16_t *)(rbody + 8), *(uint16_t *)(rbody + 10));
	CHECK(*(uint16_t *)(rbody + 12) == m_maj && *(uint16_t *)(rbody + 14) == m_min,
	      "msg %u.%u", *(uint16_t *)(rbody + 12), *(uint16_t *)(rbody + 14));
	msg_maj = m_maj;
	msg_min = m_min;
}

/* --- daemon side ---------------------------------------------------------- */

static ssize_t dread(int d, void *buf, size_t len, int ms)
{
	struct pollfd pfd = { .fd = d, .events = POLLIN };
	int r = poll(&pfd, 1, ms);

	if (r <= 0)
		return -ETIMEDOUT;
	if (pfd.revents & (POLLERR | POLLHUP))
		return -EPIPE;
	r = read(d, buf, len);
	return r < 0 ? -errno : r;
}

static ssize_t dwrite(int d, const void *buf, size_t len)
{
	ssize_t r = write(d, buf, len);

	return r < 0 ? -errno : r;
}

static int dopen(const char *path)
{
	int d = open(path, O_RDWR | O_NONBLOCK);

	CHECK(d >= 0, "open %s: %s", path, strerror(errno));
	return d;
}

/* --- VSS --------------------------------------------------------------------- */

static uint32_t vss_op(int h, uint8_t op, uint32_t flags, uint32_t blen)
{
	uint8_t b[8192] = { 0 };

	b[0] = op;
	memcpy(b + 8, &flags, 4);
	return transact(h, 5, b, blen);
}

static uint64_t vss_send(int h, uint8_t op)
{
	uint8_t b[12] = { op };

	return host_send(h, 5, b, sizeof(b));
}

static void vss_daemon_expect(int d, uint8_t op)
{
	struct hvis_vss_msg m;
	ssize_t n = dread(d, &m, sizeof(m), 3000);

	CHECK(n == 12, "daemon read %zd, expected 12 bytes", n);
	CHECK(m.hdr.operation == op, "daemon got op %u, expected %u", m.hdr.operation, op);
}

static void vss_answer(int d, int32_t err)
{
	struct hvis_vss_msg m = { .error = err };

	CHECK(dwrite(d, &m, sizeof(m)) == 12, "daemon answer refused");
}

static uint32_t vss_roundtrip(int h, int d, uint8_t op, int32_t err)
{
	uint64_t tid = vss_send(h, op);
	int64_t st;

	vss_daemon_expect(d, op);
	CHECK(host_recv(h, tid, 200) < 0, "host answered before the daemon");
	vss_answer(d, err);
	st = host_recv(h, tid, 3000);
	CHECK(st >= 0, "no host answer after daemon answer");
	return st;
}

static void test_vss(unsigned int relid)
{
	const char *dev = "/dev/vmbus/hv_vss";
	struct hvis_vss_msg m = { 0 };
	int h = raw_attach(relid), d, d2;
	uint32_t st, v;
	uint64_t tid;
	struct timespec t0, t1;
	int64_t s64;
	ssize_t n;

	negotiate(h, 3, 5, 0);
	note("vss negotiated");

	/* No daemon. */
	st = vss_op(h, HVIS_VSS_OP_HOT_BACKUP, 0, 12);
	CHECK(st == E_FAIL, "HOT_BACKUP without daemon: %#x", st);
	CHECK(*(uint32_t *)(rbody + 8) == 5, "HOT_BACKUP flags %u", *(uint32_t *)(rbody + 8));
	st = vss_op(h, HVIS_VSS_OP_GET_DM_INFO, 0xffffffff, 12);
	CHECK(st == 0 && *(uint32_t *)(rbody + 8) == 0, "GET_DM_INFO %#x flags %#x", st,
	      *(uint32_t *)(rbody + 8));
	CHECK(vss_op(h, HVIS_VSS_OP_BU_COMPLETE, 0, 12) == 0, "BU_COMPLETE");
	CHECK(vss_op(h, HVIS_VSS_OP_CREATE, 0, 12) == 0, "CREATE");
	CHECK(vss_op(h, HVIS_VSS_OP_DELETE, 0, 12) == 0, "DELETE");
	CHECK(vss_op(h, HVIS_VSS_OP_AUTO_RECOVER, 0, 12) == 0, "AUTO_RECOVER");
	CHECK(vss_op(h, 42, 0, 12) == 0, "unknown op");
	CHECK(vss_op(h, HVIS_VSS_OP_FREEZE, 0, 6260) == E_FAIL, "FREEZE without daemon");
	CHECK(vss_op(h, HVIS_VSS_OP_THAW, 0, 12) == E_FAIL, "THAW without daemon");
	CHECK(vss_op(h, HVIS_VSS_OP_THAW, 0, 8) == E_FAIL, "short body");
	note("vss without daemon ok");

	/* Register. */
	d = dopen(dev);
	d2 = open(dev, O_RDWR);
	CHECK(d2 < 0 && errno == EBUSY, "second open: %d %s", d2, strerror(errno));
	n = dread(d, &v, 4, 100);
	CHECK(n == -ETIMEDOUT, "something to read before registering: %zd", n);
	m.hdr.operation = 7;
	CHECK(dwrite(d, &m, 12) == -EINVAL, "bogus op before register accepted");
	CHECK(dwrite(d, &m, 11) == -EINVAL, "11 bytes accepted");
	CHECK(dwrite(d, &m, 13) == -EINVAL, "13 bytes accepted");
	m.hdr.operation = HVIS_VSS_OP_REGISTER1;
	CHECK(dwrite(d, &m, 12) == 12, "REGISTER1 refused");
	/* Not ready until the answer is read. */
	CHECK(vss_op(h, HVIS_VSS_OP_FREEZE, 0, 12) == E_FAIL, "FREEZE before registration read");
	{
		uint8_t small[2];

		CHECK(dread(d, small, 2, 1000) == -EINVAL, "short read of the answer");
	}
	n = dread(d, &v, sizeof(v), 1000);
	CHECK(n == 4 && v == 129, "register answer %zd %u", n, v);
	note("vss registered");

	st = vss_roundtrip(h, d, HVIS_VSS_OP_FREEZE, 0);
	CHECK(st == 0, "FREEZE %#x", st);
	st = vss_roundtrip(h, d, HVIS_VSS_OP_THAW, 0);
	CHECK(st == 0, "THAW %#x", st);
	st = vss_roundtrip(h, d, HVIS_VSS_OP_HOT_BACKUP, 0);
	CHECK(st == 0 && *(uint32_t *)(rbody + 8) == 5, "HOT_BACKUP %#x flags %u", st,
	      *(uint32_t *)(rbody + 8));
	st = vss_roundtrip(h, d, HVIS_VSS_OP_FREEZE, (int32_t)E_FAIL);
	CHECK(st == E_FAIL, "FREEZE failing in the daemon: %#x", st);
	st = vss_roundtrip(h, d, HVIS_VSS_OP_THAW, 1);
	CHECK(st == E_FAIL, "THAW with error 1: %#x", st);
	CHECK(vss_op(h, HVIS_VSS_OP_BU_COMPLETE, 0, 12) == 0, "BU_COMPLETE with daemon");
	n = dread(d, &m, 12, 100);
	CHECK(n == -ETIMEDOUT, "BU_COMPLETE reached the daemon");
	m.error = 0;
	CHECK(dwrite(d, &m, 12) == -EINVAL, "answer without request accepted");
	note("vss round trips ok");

	/* Timeout, unread: withdrawn. */
	setparam("hvis_vss", "daemon_timeout_ms", "300");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tid = vss_send(h, HVIS_VSS_OP_THAW);
	s64 = host_recv(h, tid, 5000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(s64 == E_FAIL, "THAW timeout: %lld", (long long)s64);
	CHECK(t1.tv_sec - t0.tv_sec < 3, "timeout took too long");
	n = dread(d, &m, 12, 200);
	CHECK(n == -ETIMEDOUT, "a timed-out request still reached the daemon: %zd", n);
	/* Timeout, read: a late answer is dropped. */
	tid = vss_send(h, HVIS_VSS_OP_THAW);
	vss_daemon_expect(d, HVIS_VSS_OP_THAW);
	s64 = host_recv(h, tid, 5000);
	CHECK(s64 == E_FAIL, "THAW timeout after read: %lld", (long long)s64);
	vss_answer(d, 0);	/* late: accepted, dropped */
	setparam("hvis_vss", "daemon_timeout_ms", "30000");
	st = vss_roundtrip(h, d, HVIS_VSS_OP_THAW, 0);
	CHECK(st == 0, "THAW after a late answer: %#x", st);
	/* The freeze timeout. */
	setparam("hvis_vss", "freeze_timeout_s", "1");
	tid = vss_send(h, HVIS_VSS_OP_FREEZE);
	vss_daemon_expect(d, HVIS_VSS_OP_FREEZE);
	CHECK(host_recv(h, tid, 500) < 0, "FREEZE timed out too early");
	s64 = host_recv(h, tid, 5000);
	CHECK(s64 == E_FAIL, "FREEZE timeout: %lld", (long long)s64);
	vss_answer(d, 0);
	setparam("hvis_vss", "freeze_timeout_s", "900");
	/* Another request arrives while a late answer is still owed. */
	tid = vss_send(h, HVIS_VSS_OP_HOT_BACKUP);
	usleep(100000);
	note("vss timeouts ok");
	vss_daemon_expect(d, HVIS_VSS_OP_HOT_BACKUP);
	vss_answer(d, 0);
	CHECK(host_recv(h, tid, 3000) == 0, "HOT_BACKUP after the timeouts");

	/* Daemon goes away mid-transaction, with filesystems "frozen". */
	st = vss_roundtrip(h, d, HVIS_VSS_OP_FREEZE, 0);
	CHECK(st == 0, "FREEZE %#x", st);
	tid = vss_send(h, HVIS_VSS_OP_THAW);
	vss_daemon_expect(d, HVIS_VSS_OP_THAW);
	close(d);
	s64 = host_recv(h, tid, 3000);
	CHECK(s64 == E_FAIL, "THAW with the daemon gone: %lld", (long long)s64);
	CHECK(vss_op(h, HVIS_VSS_OP_FREEZE, 0, 12) == E_FAIL, "FREEZE after the daemon left");

	/* Legacy registration: ready at once, no answer. */
	d = dopen(dev);
	m.hdr.operation = HVIS_VSS_OP_REGISTER;
	CHECK(dwrite(d, &m, 12) == 12, "REGISTER refused");
	st = vss_roundtrip(h, d, HVIS_VSS_OP_THAW, 0);
	CHECK(st == 0, "THAW with a legacy daemon: %#x", st);
	/* Closed with one queued but unread. */
	tid = vss_send(h, HVIS_VSS_OP_FREEZE);
	usleep(200000);
	close(d);
	CHECK(host_recv(h, tid, 3000) == E_FAIL, "FREEZE queued, daemon closed");
	note("vss daemon loss ok");

	/* Leave a daemon with a pending request for the rmmod test. */
	close(h);
}

/* --- fcopy ------------------------------------------------------------------ */

static void put16(void *dst, const uint16_t *src, size_t n)
{
	memcpy(dst, src, n * 2);
}

static uint64_t fc_send_start(int h, const uint16_t *name, size_t nlen, const uint16_t *path,
			      size_t plen, uint32_t flags, uint64_t size)
{
	struct hvis_fcopy_start s;

	memset(&s, 0, sizeof(s));
	s.hdr.operation = HVIS_FCOPY_START;
	memset(s.hdr.service_id0, 0xab, 16);
	put16(s.file_name, name, nlen);
	put16(s.path_name, path, plen);
	s.copy_flags = flags;
	s.file_size = size;
	return host_send(h, 7, &s, sizeof(s));
}

static int32_t fc_reply_ok;

static void fc_answer(int d, int32_t v)
{
	CHECK(dwrite(d, &v, 4) == 4, "fcopy answer refused");
}

static void test_fcopy(unsigned int relid)
{
	const char *dev = "/dev/vmbus/hv_fcopy";
	static const uint16_t fbin[] = { 'f', '.', 'b', 'i', 'n', 0 };
	static const uint16_t tmp[] = { '/', 't', 'm', 'p', 0 };
	/* "ä€😀x" : U+00E4, U+20AC, U+1F600 (d83d de00) */
	static const uint16_t uni[] = { 0xe4, 0x20ac, 0xd83d, 0xde00, 'x', 0 };
	static const uint8_t uni8[] = { 0xc3, 0xa4, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 'x', 0 };
	static const uint16_t lone_hi[] = { 'a', 0xd83d, 'b', 0 };
	static const uint16_t lone_lo[] = { 'a', 0xde00, 0 };
	static const uint16_t empty[] = { 0 };
	static uint16_t full[260], longu[200];
	struct hvis_fcopy_write w;
	struct hvis_fcopy_hdr hd;
	static union {
		struct hvis_fcopy_start s;
		struct hvis_fcopy_write w;
		uint8_t raw[8192];
	} rb;
	int h = raw_attach(relid), d, d2, i;
	uint64_t tid;
	int32_t v;
	uint32_t st, u;
	ssize_t n;

	negotiate(h, 3, 1, 1);
	note("fcopy negotiated");

	/* No daemon. */
	st = transact(h, 7, (void *)&(struct hvis_fcopy_start){ .hdr.operation = 0 }, 1088);
	CHECK(st == E_FAIL, "START without daemon: %#x", st);
	memset(&hd, 0, sizeof(hd));
	hd.operation = HVIS_FCOPY_COMPLETE;
	CHECK(transact(h, 7, &hd, 36) == E_FAIL, "COMPLETE without daemon");

	/* Register. */
	d = dopen(dev);
	d2 = open(dev, O_RDWR);
	CHECK(d2 < 0 && errno == EBUSY, "second open: %d %s", d2, strerror(errno));
	v = 2;
	CHECK(dwrite(d, &v, 4) == -EINVAL, "version 2 accepted");
	v = 1;
	memset(&rb, 0, sizeof(rb));
	rb.raw[0] = 1;
	CHECK(dwrite(d, &rb, 8) == -EINVAL, "8-byte registration accepted");
	CHECK(dwrite(d, &v, 4) == 4, "version 1 refused");
	CHECK(dwrite(d, &v, 4) == -EINVAL, "second registration accepted");
	n = dread(d, &u, 4, 1000);
	CHECK(n == 4 && u == 1, "fcopy register answer %zd %u", n, u);
	note("fcopy registered");

	/* START with names converted. */
	tid = fc_send_start(h, fbin, 6, tmp, 5, 3, 20480);
	n = dread(d, &rb, sizeof(rb), 3000);
	CHECK(n == 1088, "START to the daemon: %zd bytes", n);
	CHECK(rb.s.hdr.operation == 0 && rb.s.hdr.service_id0[5] == 0xab, "START header");
	CHECK(!strcmp((char *)rb.s.file_name, "f.bin"), "file name '%s'", (char *)rb.s.file_name);
	CHECK(!strcmp((char *)rb.s.path_name, "/tmp"), "path name '%s'", (char *)rb.s.path_name);
	CHECK(rb.s.copy_flags == 3 && rb.s.file_size == 20480, "flags/size");
	for (i = 6; i < 520; i++)
		CHECK(((uint8_t *)rb.s.file_name)[i] == 0, "file name not zero-padded at %d", i);
	CHECK(host_recv(h, tid, 200) < 0, "host answered before the daemon");
	fc_answer(d, 0);
	CHECK(host_recv(h, tid, 3000) == 0, "START status");

	tid = fc_send_start(h, uni, 6, uni, 6, 0, 1);
	n = dread(d, &rb, sizeof(rb), 3000);
	CHECK(n == 1088 && !memcmp(rb.s.file_name, uni8, sizeof(uni8)) &&
	      !memcmp(rb.s.path_name, uni8, sizeof(uni8)), "unicode names");
	fc_answer(d, (int32_t)0x80070050);
	CHECK(host_recv(h, tid, 3000) == 0x80070050, "ALREADY_EXISTS passed");

	/* Bad names: refused without the daemon. */
	CHECK(host_recv(h, fc_send_start(h, lone_hi, 4, tmp, 5, 0, 1), 3000) == E_FAIL, "lone hi");
	CHECK(host_recv(h, fc_send_start(h, lone_lo, 3, tmp, 5, 0, 1), 3000) == E_FAIL, "lone lo");
	CHECK(host_recv(h, fc_send_start(h, empty, 1, tmp, 5, 0, 1), 3000) == E_FAIL, "empty");
	for (i = 0; i < 260; i++)
		full[i] = 'a';
	CHECK(host_recv(h, fc_send_start(h, full, 260, tmp, 5, 0, 1), 3000) == E_FAIL,
	      "unterminated");
	CHECK(host_recv(h, fc_send_start(h, fbin, 6, full, 260, 0, 1), 3000) == E_FAIL,
	      "unterminated path");
	for (i = 0; i < 199; i++)
		longu[i] = 0xe9;	/* 2 bytes each: 398 > 259 */
	CHECK(host_recv(h, fc_send_start(h, longu, 200, tmp, 5, 0, 1), 3000) == E_FAIL,
	      "too long");
	for (i = 0; i < 129; i++)
		longu[i] = 0xe9;	/* 258 bytes: fits */
	longu[129] = 0;
	tid = fc_send_start(h, longu, 130, tmp, 5, 0, 1);
	n = dread(d, &rb, sizeof(rb), 3000);
	CHECK(n == 1088 && strlen((char *)rb.s.file_name) == 258, "258-byte name");
	fc_answer(d, 0);
	CHECK(host_recv(h, tid, 3000) == 0, "258-byte name status");
	n = dread(d, &rb, sizeof(rb), 100);
	CHECK(n == -ETIMEDOUT, "a refused START reached the daemon");
	/* START too short. */
	CHECK(transact(h, 7, &rb, 1000) == E_FAIL, "short START");

	/* WRITE. */
	memset(&w, 0, sizeof(w));
	w.hdr.operation = HVIS_FCOPY_WRITE;
	w.offset = 6144;
	w.size = 6144;
	for (i = 0; i < 6144; i++)
		w.data[i] = i * 7;
	tid = host_send(h, 7, &w, sizeof(w));
	n = dread(d, &rb, sizeof(rb), 3000);
	CHECK(n == 6196 && !memcmp(&rb.w, &w, sizeof(w)), "WRITE to the daemon %zd", n);
	fc_answer(d, (int32_t)0x80070070);
	CHECK(host_recv(h, tid, 3000) == 0x80070070, "DISK_FULL passed");
	tid = host_send(h, 7, &w, sizeof(w));
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 6196, "WRITE 2");
	fc_answer(d, 0x1234);
	CHECK(host_recv(h, tid, 3000) == E_FAIL, "unknown status mapped");
	tid = host_send(h, 7, &w, sizeof(w));
	CHECK(dread(d, &rb, 100, 3000) == -EINVAL, "short read of a WRITE");
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 6196, "WRITE 3");
	v = 0;
	memset(&rb, 0, sizeof(rb));
	CHECK(dwrite(d, &rb, 3) == -EINVAL, "3-byte answer");
	CHECK(dwrite(d, &rb, 5) == -EINVAL, "5-byte answer");
	fc_answer(d, (int32_t)0x80070057);
	CHECK(host_recv(h, tid, 3000) == 0x80070057, "INVALIDARG passed");
	w.size = 6145;
	CHECK(transact(h, 7, &w, sizeof(w)) == E_FAIL, "WRITE size 6145");
	w.size = 10;
	CHECK(transact(h, 7, &w, 6195) == E_FAIL, "WRITE body 6195");
	n = dread(d, &rb, sizeof(rb), 100);
	CHECK(n == -ETIMEDOUT, "a refused WRITE reached the daemon");

	/* COMPLETE / CANCEL / unknown. */
	hd.operation = HVIS_FCOPY_COMPLETE;
	tid = host_send(h, 7, &hd, 36);
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 36 && rb.s.hdr.operation == 2, "COMPLETE");
	fc_answer(d, 0);
	CHECK(host_recv(h, tid, 3000) == 0, "COMPLETE status");
	memset(&rb, 0, sizeof(rb));
	rb.s.hdr.operation = HVIS_FCOPY_CANCEL;
	tid = host_send(h, 7, &rb, 100);
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 36 && rb.s.hdr.operation == 3, "CANCEL");
	fc_answer(d, 0);
	CHECK(host_recv(h, tid, 3000) == 0, "CANCEL status");
	hd.operation = 9;
	CHECK(transact(h, 7, &hd, 36) == E_FAIL, "unknown op");
	CHECK(transact(h, 7, &hd, 20) == E_FAIL, "short header");
	v = 0;
	CHECK(dwrite(d, &v, 4) == -EINVAL, "answer without request");
	note("fcopy round trips ok");

	/* Timeouts. */
	setparam("hvis_fcopy", "daemon_timeout_ms", "300");
	hd.operation = HVIS_FCOPY_COMPLETE;
	tid = host_send(h, 7, &hd, 36);
	CHECK(host_recv(h, tid, 5000) == E_FAIL, "timeout unread");
	CHECK(dread(d, &rb, sizeof(rb), 200) == -ETIMEDOUT, "timed-out request still queued");
	tid = host_send(h, 7, &hd, 36);
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 36, "read before timeout");
	CHECK(host_recv(h, tid, 5000) == E_FAIL, "timeout read");
	setparam("hvis_fcopy", "daemon_timeout_ms", "30000");
	fc_answer(d, 0);	/* late, dropped */
	tid = host_send(h, 7, &hd, 36);
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 36, "read after late");
	fc_answer(d, (int32_t)E_FAIL);
	CHECK(host_recv(h, tid, 3000) == E_FAIL, "E_FAIL passed");
	note("fcopy timeouts ok");

	/* Daemon gone mid-transaction. */
	tid = host_send(h, 7, &w, sizeof(w));
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 6196, "WRITE before close");
	close(d);
	CHECK(host_recv(h, tid, 3000) == E_FAIL, "daemon gone");
	CHECK(transact(h, 7, &hd, 36) == E_FAIL, "no daemon after close");

	/* Legacy version 0. */
	d = dopen(dev);
	v = 0;
	CHECK(dwrite(d, &v, 4) == 4, "version 0 refused");
	CHECK(dread(d, &rb, sizeof(rb), 100) == -ETIMEDOUT, "answer to version 0");
	tid = host_send(h, 7, &hd, 36);
	CHECK(dread(d, &rb, sizeof(rb), 3000) == 36, "legacy daemon gets COMPLETE");
	fc_answer(d, 0);
	CHECK(host_recv(h, tid, 3000) == 0, "legacy daemon answer");
	close(d);
	note("fcopy daemon loss ok");
	close(h);
}

/* Open daemon with a pending request, then the module goes (rmmod by the caller). */
static void hold(const char *which, unsigned int relid)
{
	int h = raw_attach(relid), d;
	struct pollfd pfd;
	uint8_t buf[8192];
	ssize_t n;

	if (!strcmp(which, "vss")) {
		struct hvis_vss_msg m = { .hdr.operation = HVIS_VSS_OP_REGISTER };

		d = dopen("/dev/vmbus/hv_vss");
		CHECK(dwrite(d, &m, 12) == 12, "register");
		vss_send(h, HVIS_VSS_OP_FREEZE);
		vss_daemon_expect(d, HVIS_VSS_OP_FREEZE);
	} else {
		struct hvis_fcopy_hdr hd = { .operation = HVIS_FCOPY_COMPLETE };
		int32_t v = 0;

		d = dopen("/dev/vmbus/hv_fcopy");
		CHECK(dwrite(d, &v, 4) == 4, "register");
		host_send(h, 7, &hd, 36);
		CHECK(dread(d, buf, sizeof(buf), 3000) == 36, "read");
	}
	note("%s: holding; waiting for the device to go", which);
	printf("READY\n");
	fflush(stdout);
	pfd.fd = d;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 20000) == 1 && (pfd.revents & (POLLERR | POLLHUP)),
	      "no POLLERR|POLLHUP after the module went (revents %#x)", pfd.revents);
	n = read(d, buf, sizeof(buf));
	CHECK(n < 0 && errno == EBADF, "read after remove: %zd %s", n, strerror(errno));
	n = write(d, buf, 4);
	CHECK(n < 0 && errno == EBADF, "write after remove: %zd %s", n, strerror(errno));
	close(d);
	close(h);
	note("%s: device went cleanly", which);
}

/* Freeze OK, then the daemon leaves: the kernel's thaw watch should speak up. */
static void freeze_and_leave(unsigned int relid)
{
	struct hvis_vss_msg m = { .hdr.operation = HVIS_VSS_OP_REGISTER };
	int h = raw_attach(relid), d = dopen("/dev/vmbus/hv_vss");

	CHECK(dwrite(d, &m, 12) == 12, "register");
	CHECK(vss_roundtrip(h, d, HVIS_VSS_OP_FREEZE, 0) == 0, "FREEZE");
	close(d);
	close(h);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "vss"))
		test_vss(atoi(argv[2]));
	else if (argc == 3 && !strcmp(argv[1], "fcopy"))
		test_fcopy(atoi(argv[2]));
	else if (argc == 3 && !strcmp(argv[1], "freeze"))
		freeze_and_leave(atoi(argv[2]));
	else if (argc == 4 && !strcmp(argv[1], "hold"))
		hold(argv[2], atoi(argv[3]));
	else
		fail("usage");
	(void)failures;
	(void)fc_reply_ok;
	printf("vss_fcopy_abuse: PASS %s\n", argv[1]);
	return 0;
}
