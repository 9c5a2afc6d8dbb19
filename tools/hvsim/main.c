// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host's command line for the simulated Hyper-V host (hvis_sim).
 * It reads and writes the simulator's files in debugfs; all the behaviour is
 * in the module.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <hvis/hv_daemon.h>
#include <hvis/hvcap.h>
#include <hvis/hvsim.h>

static const char *dir = "/sys/kernel/debug/hvis_sim";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvsim COMMAND [ARGS]\n"
		"  list                              offers and their state, as the host sees them\n"
		"  offer CLASS INSTANCE [--sub N] [--relid N] [--size N] [--monitor]\n"
		"                                    offer a channel (GUIDs in text form);\n"
		"                                    --monitor: with a monitor id\n"
		"  rescind RELID|INSTANCE            take an offer back\n"
		"  profile [NAME]                    show or choose the host profile (no guest connected)\n"
		"  log                               every channel message between host and guest\n"
		"  inject TYPE SIZE                  send a bare message (testing a broken host)\n"
		"  mute on|off                       stop or resume answering the guest\n"
		"  stall on|off                      stop or resume reading the guest's messages\n"
		"  corrupt RELID index|misaligned|desc|big|comp\n"
		"                                    damage the guest's receive ring of a channel\n"
		"  recv RELID                        play the host: the next packet the guest sends on\n"
		"                                    an open channel, raw (descriptor + payload) to stdout\n"
		"  send RELID                        play the host: a raw packet from stdin into the\n"
		"                                    guest's receive ring\n"
		"  get-integration-services [-v]     the services' status, as Get-VMIntegrationService\n"
		"                                    shows it (-v: relid and request counters too)\n"
		"  enable|disable SERVICE            offer a service's channel again, or rescind it;\n"
		"                                    SERVICE: heartbeat kvp shutdown timesync vss fcopy,\n"
		"                                    or the full name\n"
		"  shutdown [--reboot] [--hibernate] [--force]\n"
		"                                    ask the guest to shut down; waits for its answer\n"
		"  time sync|sample [--offset SECONDS]\n"
		"                                    send the guest the host's time now; the host clock\n"
		"                                    runs SECONDS ahead from then on (default 0)\n"
		"  icbad SERVICE KIND                send one malformed message (testing the guest):\n"
		"                                    tiny overrun unknown short negcount negshort\n"
		"                                    nocommon renegotiate; timesync also absurd future\n"
		"                                    stale\n"
		"  kvp list [--pool P]               every key and value of a pool of the guest (Data\n"
		"                                    Exchange); P: 0-4 or external guest auto\n"
		"                                    auto-external auto-internal (default 0)\n"
		"  kvp get KEY [--pool P]            one value\n"
		"  kvp set KEY VALUE [--pool P] [--u32|--u64]\n"
		"                                    store a string (or a number) in the guest's pool\n"
		"  kvp delete KEY [--pool P]         remove a key\n"
		"  kvp ip [--adapter ID]             the guest's IP configuration of an adapter\n"
		"  kvp bench COUNT [--pool P] [--enumerate]\n"
		"                                    COUNT SETs and GETs in one go: operations/s;\n"
		"                                    --enumerate reads each value back with ENUMERATE\n"
		"  copy-file SRC DEST [--create-path] [--overwrite]\n"
		"                                    Copy-VMFile: send the file SRC (read here) to the\n"
		"                                    guest's absolute path DEST\n"
		"  backup [--no-thaw] [--hold-ms N]  a backup: hot-backup check, freeze, (hold,) thaw,\n"
		"                                    backup complete; --no-thaw stops after the freeze\n"
		"  capture start|stop|clear|stats    record every channel message and ring packet, both\n"
		"                                    ways (start empties the capture first)\n"
		"  capture dump FILE                 write a stopped capture to FILE (hvcap.h format;\n"
		"                                    hvcapdiff compares two)\n");
}

static int cat(const char *name)
{
	char path[512], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, n, stdout) != (size_t)n)
			break;
	close(fd);
	return n < 0;
}

static int ctl(const char *cmd)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/ctl", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	n = write(fd, cmd, strlen(cmd));
	if (n < 0)
		fprintf(stderr, "hvsim: \"%s\": %s\n", cmd, strerror(errno));
	close(fd);
	return n < 0;
}

/* Write one command; 0 or the errno it failed with, silently. */
static int ctl_errno(const char *cmd)
{
	char path[512];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "%s/ctl", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(err));
		exit(1);
	}
	n = write(fd, cmd, strlen(cmd));
	err = n < 0 ? errno : 0;
	close(fd);
	return err;
}

/* --- integration services ---------------------------------------------------- */

static const struct {
	const char *alias;
	const char *name;
} services[] = {
	{ "heartbeat", "Heartbeat" },
	{ "kvp", "Key-Value Pair Exchange" },
	{ "shutdown", "Shutdown" },
	{ "timesync", "Time Synchronization" },
	{ "vss", "VSS" },
	{ "fcopy", "Guest Service Interface" },
};

/* argv[from..argc) joined by spaces ("Time Synchronization"), as an alias. */
static const char *service_alias(int argc, char **argv, int from)
{
	char name[128] = "";
	size_t i;
	int a;

	for (a = from; a < argc; a++) {
		if (strlen(name) + strlen(argv[a]) + 2 > sizeof(name))
			break;
		if (a > from)
			strcat(name, " ");
		strcat(name, argv[a]);
	}
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (!strcasecmp(name, services[i].alias) || !strcasecmp(name, services[i].name))
			return services[i].alias;
	fprintf(stderr, "hvsim: no integration service \"%s\" (heartbeat kvp shutdown timesync vss fcopy)\n",
		name);
	return NULL;
}

#define ICS_FIELDS	10
#define ICS_MAX		16

static int get_integration_services(int verbose)
{
	static const char * const head[] = {
		"Name", "Enabled", "PrimaryStatusDescription", "SecondaryStatusDescription",
		"Protocol", "RelId", "Sent", "Answered", "Bad",
	};
	char rows[ICS_MAX][9][128], line[1024], path[512];
	size_t width[9], c, ncols = verbose ? 9 : 5;
	int nrows = 0, r;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ics", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Name Enabled Primary Secondary fw msg relid sent answered bad */
	while (nrows < ICS_MAX && fgets(line, sizeof(line), f)) {
		char *field[ICS_FIELDS], *p = line;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < ICS_FIELDS && p)
			field[n++] = strsep(&p, "\t");
		if (n < ICS_FIELDS)
			continue;
		snprintf(rows[nrows][0], 128, "%s", field[0]);
		snprintf(rows[nrows][1], 128, "%s", field[1]);
		snprintf(rows[nrows][2], 128, "%s", strcmp(field[2], "-") ? field[2] : "");
		snprintf(rows[nrows][3], 128, "%s", field[3]);
		if (strcmp(field[4], "-"))
			snprintf(rows[nrows][4], 128, "%.60s/%.60s", field[4], field[5]);
		else
			snprintf(rows[nrows][4], 128, "-");
		for (c = 5; c < 9; c++)
			snprintf(rows[nrows][c], 128, "%s", field[c + 1]);
		nrows++;
	}
	fclose(f);

	for (c = 0; c < ncols; c++) {
		width[c] = strlen(head[c]);
		for (r = 0; r < nrows; r++)
			if (strlen(rows[r][c]) > width[c])
				width[c] = strlen(rows[r][c]);
	}
	for (c = 0; c < ncols; c++)
		printf("%-*s%s", (int)width[c], head[c], c + 1 < ncols ? " " : "\n");
	for (c = 0; c < ncols; c++) {
		printf("%.*s", (int)strlen(head[c]), "----------------------------------------");
		printf("%*s%s", (int)(width[c] - strlen(head[c])), "", c + 1 < ncols ? " " : "\n");
	}
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			/* No blanks at the end of a line. */
			if (c + 1 == ncols)
				printf("%s\n", rows[r][c]);
			else
				printf("%-*s ", (int)width[c], rows[r][c]);
		}
	}
	return 0;
}

static int enable_service(int argc, char **argv)
{
	const char *alias = service_alias(argc, argv, 2);
	char cmd[64];
	int err;

	if (!alias)
		return 2;
	snprintf(cmd, sizeof(cmd), "%s %s", argv[1], alias);
	err = ctl_errno(cmd);
	if (err)
		fprintf(stderr, "hvsim: %s %s: %s\n", argv[1], alias, strerror(err));
	return !!err;
}

static int shutdown_guest(int argc, char **argv)
{
	unsigned int flags = 0;
	char cmd[64];
	int i, err;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--reboot"))
			flags |= 2;
		else if (!strcmp(argv[i], "--hibernate"))
			flags |= 4;
		else if (!strcmp(argv[i], "--force"))
			flags |= 1;
		else {
			usage(stderr);
			return 2;
		}
	}
	if ((flags & 6) == 6) {
		fprintf(stderr, "hvsim: shutdown: --reboot or --hibernate, not both\n");
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "shutdown %u", flags);
	err = ctl_errno(cmd);
	switch (err) {
	case 0:
		printf("Shutdown: the guest accepted\n");
		return 0;
	case EIO:
		fprintf(stderr, "Shutdown: the guest refused (it answered with a failure status)\n");
		break;
	case ETIMEDOUT:
		fprintf(stderr, "Shutdown: the guest did not answer within 10 seconds\n");
		break;
	case ENOTCONN:
		fprintf(stderr, "Shutdown: the guest's Shutdown service is not connected (no negotiated channel)\n");
		break;
	case EPROTO:
		fprintf(stderr, "Shutdown: the guest's answer was malformed (see hvsim log)\n");
		break;
	default:
		fprintf(stderr, "Shutdown: %s\n", strerror(err));
	}
	return 1;
}

static int time_sync(int argc, char **argv)
{
	const char *offset = "0";
	char cmd[128], *end;
	long long seconds;
	int err;

	if (argc != 3 && !(argc == 5 && !strcmp(argv[3], "--offset"))) {
		usage(stderr);
		return 2;
	}
	if (argc == 5)
		offset = argv[4];
	if (strcmp(argv[2], "sync") && strcmp(argv[2], "sample")) {
		usage(stderr);
		return 2;
	}
	errno = 0;
	seconds = strtoll(offset, &end, 10);
	if (*end || !*offset || errno) {
		fprintf(stderr, "hvsim: time: bad offset \"%s\" (whole seconds)\n", offset);
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "time %s %lld", argv[2], seconds);
	err = ctl_errno(cmd);
	switch (err) {
	case 0:
		printf("Time Synchronization: the guest accepted the %s (host clock %+lld s)\n",
		       argv[2], seconds);
		return 0;
	case EIO:
		fprintf(stderr, "Time Synchronization: the guest refused the %s\n", argv[2]);
		break;
	case ETIMEDOUT:
		fprintf(stderr, "Time Synchronization: the guest did not answer\n");
		break;
	case ENOTCONN:
		fprintf(stderr, "Time Synchronization: not connected (no negotiated channel); the host clock offset is set\n");
		break;
	default:
		fprintf(stderr, "Time Synchronization: %s\n", strerror(err));
	}
	return 1;
}

/* A guest may refuse or drop a bad message: both are right, and said so. */
static int icbad(int argc, char **argv)
{
	const char *alias = service_alias(argc - 1, argv, 2), *kind = argv[argc - 1];
	char cmd[128];
	int err;

	if (!alias)
		return 2;
	snprintf(cmd, sizeof(cmd), "icbad %s %s", alias, kind);
	err = ctl_errno(cmd);
	switch (err) {
	case 0:
		printf("icbad %s %s: the guest answered with status OK\n", alias, kind);
		return 0;
	case EIO:
		printf("icbad %s %s: the guest refused it (failure status)\n", alias, kind);
		return 0;
	case ETIMEDOUT:
		printf("icbad %s %s: no answer (the guest dropped it)\n", alias, kind);
		return 0;
	case EPROTO:
		fprintf(stderr, "icbad %s %s: the guest's answer was malformed (see hvsim log)\n",
			alias, kind);
		break;
	case ENOTCONN:
		fprintf(stderr, "icbad %s %s: the service's channel is not open\n", alias, kind);
		break;
	case EOPNOTSUPP:
		fprintf(stderr, "icbad %s %s: needs Time Synchronization message version 4.0\n",
			alias, kind);
		break;
	case EINVAL:
		fprintf(stderr, "icbad %s %s: no such kind for this service\n", alias, kind);
		break;
	default:
		fprintf(stderr, "icbad %s %s: %s\n", alias, kind, strerror(err));
	}
	return 1;
}

/* "profile NAME" prints nothing; plain "profile" reads the first line of offers. */
static int show_profile(void)
{
	char path[512], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/offers", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

static int raw_attach(const char *relid_arg)
{
	char path[512], *end;
	unsigned long v;
	uint32_t relid;
	int fd;

	v = strtoul(relid_arg, &end, 0);
	if (*end || !v || v > UINT32_MAX) {
		fprintf(stderr, "hvsim: bad relid \"%s\"\n", relid_arg);
		return -1;
	}
	relid = v;
	snprintf(path, sizeof(path), "%s/raw", dir);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (ioctl(fd, HVSIM_IOC_ATTACH, &relid)) {
		fprintf(stderr, "hvsim: attach to relid %u: %s\n", relid, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned char raw_buf[1 << 22];

static int raw_recv(const char *relid)
{
	int fd = raw_attach(relid);
	ssize_t n;

	if (fd < 0)
		return 1;
	alarm(10);	/* a guest that never sends: give up, do not hang */
	n = read(fd, raw_buf, sizeof(raw_buf));
	if (n < 0) {
		fprintf(stderr, "hvsim: recv: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	if (fwrite(raw_buf, 1, n, stdout) != (size_t)n)
		n = -1;
	close(fd);
	return n < 0;
}

static int raw_send(const char *relid)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	while ((n = read(0, raw_buf + len, sizeof(raw_buf) - len)) > 0)
		len += n;
	if (n < 0 || !len) {
		fprintf(stderr, "hvsim: send: nothing on stdin\n");
		return 1;
	}
	fd = raw_attach(relid);
	if (fd < 0)
		return 1;
	n = write(fd, raw_buf, len);
	if (n < 0)
		fprintf(stderr, "hvsim: send: %s\n", strerror(errno));
	close(fd);
	return n < 0;
}

/* --- data services: KVP, VSS, file copy ------------------------------------------ */

/*
 * The simulator's files kvp, vss and fcopy: write() one message body, the
 * guest's answer comes back; read() gives its status, its body length and
 * the body.  Layouts on the wire are those of the daemon interface, but
 * for the KVP header (protocol.md §5.4).
 */
#define BODY_MAX	7428

struct answer {
	uint32_t status;
	uint32_t len;
	uint8_t body[BODY_MAX];
} __attribute__((packed));

struct kvp_wire {
	uint8_t operation;
	uint8_t pool;
	uint16_t pad;
	union {
		struct hvis_kvp_value value;
		struct hvis_kvp_enumerate enumerate;
		struct hvis_kvp_delete del;
	};
} __attribute__((packed));

struct kvp_ip_wire {
	uint8_t operation;
	uint8_t pool;
	struct hvis_kvp_ipaddr ip;
} __attribute__((packed));

_Static_assert(sizeof(struct kvp_wire) == 2580, "KVP message on the wire");
_Static_assert(sizeof(struct kvp_ip_wire) == BODY_MAX, "KVP IP message on the wire");

#define S_OK			0x00000000u
#define S_E_FAIL		0x80004005u
#define S_CONT			0x80070103u
#define S_ALREADY_EXISTS	0x80070050u
#define S_DISK_FULL		0x80070070u

static const struct {
	uint32_t status;
	const char *name;
} status_names[] = {
	{ S_OK, "S_OK" },
	{ S_E_FAIL, "E_FAIL" },
	{ S_CONT, "no more items" },
	{ 0x80070032u, "ERROR_NOT_SUPPORTED" },
	{ 0x800704f7u, "ERROR_MACHINE_LOCKED" },
	{ 0x8007048fu, "ERROR_DEVICE_NOT_CONNECTED" },
	{ 0x80070057u, "E_INVALIDARG" },
	{ 0x80041002u, "GUID_NOTFOUND" },
	{ S_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS" },
	{ S_DISK_FULL, "ERROR_DISK_FULL" },
};

static const char *status_name(uint32_t status)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].status == status)
			return status_names[i].name;
	return "unknown status";
}

static int xact_open(const char *svc)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, svc);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
	return fd;
}

/* One transaction: 0 and the guest's answer in @a, or the errno of the transport. */
static int xact(int fd, const void *req, size_t len, struct answer *a)
{
	ssize_t n;

	if (write(fd, req, len) != (ssize_t)len)
		return errno ? errno : EIO;
	n = read(fd, a, sizeof(*a));
	if (n < 0)
		return errno;
	if ((size_t)n < offsetof(struct answer, body) || a->len != n - offsetof(struct answer, body))
		return EPROTO;
	return 0;
}

/* What went wrong on the way, in the words of the service @name. */
static void xact_error(const char *what, const char *name, int err)
{
	switch (err) {
	case ENOTCONN:
		fprintf(stderr, "hvsim: %s: the guest's %s service is not connected (no negotiated channel)\n",
			what, name);
		break;
	case ETIMEDOUT:
		fprintf(stderr, "hvsim: %s: the guest did not answer in time\n", what);
		break;
	case EPROTO:
		fprintf(stderr, "hvsim: %s: the guest's answer was malformed (see hvsim log)\n", what);
		break;
	case EINTR:
		fprintf(stderr, "hvsim: %s: interrupted\n", what);
		break;
	default:
		fprintf(stderr, "hvsim: %s: %s\n", what, strerror(err));
	}
}

static void guest_failed(const char *what, uint32_t status)
{
	fprintf(stderr, "hvsim: %s: guest answered 0x%08x (%s)\n", what, status,
		status_name(status));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

/*
 * UTF-8 (strict: no overlong forms, no surrogates, nothing past U+10FFFF)
 * to UTF-16LE in @out, which has room for @units units with the NUL.
 * Returns the units before the NUL, -1 for bad UTF-8, -2 if too long.
 */
static int utf8_to_utf16(const char *str, uint8_t *out, size_t units)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n = 0;

	while (*p) {
		uint32_t c = *p, min;
		int more, i;

		if (c < 0x80) {
			more = 0;
			min = 0;
		} else if ((c & 0xe0) == 0xc0) {
			more = 1;
			min = 0x80;
			c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			more = 2;
			min = 0x800;
			c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			more = 3;
			min = 0x10000;
			c &= 0x07;
		} else {
			return -1;
		}
		for (i = 1; i <= more; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			c = c << 6 | (p[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return -1;
		p += more + 1;
		if (n + (c >= 0x10000 ? 2 : 1) + 1 > units)
			return -2;
		if (c >= 0x10000) {
			c -= 0x10000;
			out[2 * n] = (0xd800 | c >> 10) & 0xff;
			out[2 * n + 1] = (0xd800 | c >> 10) >> 8;
			n++;
			c = 0xdc00 | (c & 0x3ff);
		}
		out[2 * n] = c & 0xff;
		out[2 * n + 1] = c >> 8;
		n++;
	}
	out[2 * n] = 0;
	out[2 * n + 1] = 0;
	return n;
}

/*
 * UTF-16LE (@units at most, up to a NUL) to UTF-8 in @out (@size bytes,
 * 3 per unit and one more suffice).  -1 for an unpaired surrogate or a
 * string that does not end within @units.
 */
static int utf16_to_utf8(const uint8_t *in, size_t units, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < units; i++) {
		uint32_t c = in[2 * i] | in[2 * i + 1] << 8, lo;

		if (!c) {
			out[n] = '\0';
			return 0;
		}
		if (c >= 0xdc00 && c <= 0xdfff)
			return -1;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (++i >= units)
				return -1;
			lo = in[2 * i] | in[2 * i + 1] << 8;
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (n + 5 > size)
			return -1;
		if (c < 0x80) {
			out[n++] = c;
		} else if (c < 0x800) {
			out[n++] = 0xc0 | c >> 6;
			out[n++] = 0x80 | (c & 0x3f);
		} else if (c < 0x10000) {
			out[n++] = 0xe0 | c >> 12;
			out[n++] = 0x80 | ((c >> 6) & 0x3f);
			out[n++] = 0x80 | (c & 0x3f);
		} else {
			out[n++] = 0xf0 | c >> 18;
			out[n++] = 0x80 | ((c >> 12) & 0x3f);
			out[n++] = 0x80 | ((c >> 6) & 0x3f);
			out[n++] = 0x80 | (c & 0x3f);
		}
	}
	return -1;
}

/* --- KVP --------------------------------------------------------------------------- */

#define KVP_KEY_UNITS	(HVIS_KVP_MAX_KEY / 2)
#define KVP_VALUE_UNITS	(HVIS_KVP_MAX_VALUE / 2)
#define KVP_MAX_ITEMS	100000	/* a guest that never ends its list */

static const char * const pool_names[HVIS_KVP_POOL_COUNT] = {
	"external", "guest", "auto", "auto-external", "auto-internal",
};

static int parse_pool(const char *s)
{
	uint64_t v;
	int i;

	for (i = 0; i < HVIS_KVP_POOL_COUNT; i++)
		if (!strcasecmp(s, pool_names[i]))
			return i;
	if (parse_u64(s, HVIS_KVP_POOL_COUNT - 1, &v)) {
		fprintf(stderr, "hvsim: kvp: no pool \"%s\" (0-4, external guest auto auto-external auto-internal)\n",
			s);
		return -1;
	}
	return v;
}

/* A key for the wire, into @key: its size with the NUL, or -1 said why. */
static int kvp_key(const char *what, const char *str, uint8_t *key)
{
	int n = utf8_to_utf16(str, key, KVP_KEY_UNITS);

	if (n == -1)
		fprintf(stderr, "hvsim: %s: the key is not valid UTF-8\n", what);
	else if (n == -2)
		fprintf(stderr, "hvsim: %s: the key is longer than %d UTF-16 units\n", what,
			KVP_KEY_UNITS - 1);
	return n < 0 ? -1 : (n + 1) * 2;
}

/*
 * The value of a GET or ENUMERATE answer as text.  The simulator checked
 * sizes and strings already; a guest is not trusted twice over, though.
 */
static int kvp_value_str(const struct hvis_kvp_value *v, char *out, size_t size)
{
	uint64_t u;

	switch (v->value_type) {
	case HVIS_KVP_REG_SZ:
		if (v->value_size < 2 || v->value_size > HVIS_KVP_MAX_VALUE || v->value_size % 2)
			return -1;
		return utf16_to_utf8(v->value, v->value_size / 2, out, size);
	case HVIS_KVP_REG_U32:
		if (v->value_size != 4)
			return -1;
		memcpy(&u, v->value, 8);
		snprintf(out, size, "%u", (uint32_t)u);
		return 0;
	case HVIS_KVP_REG_U64:
		if (v->value_size != 8)
			return -1;
		memcpy(&u, v->value, 8);
		snprintf(out, size, "%llu", (unsigned long long)u);
		return 0;
	}
	return -1;
}

static struct answer ans;
static struct kvp_wire kreq;
static char kkey[KVP_KEY_UNITS * 3 + 1], kval[KVP_VALUE_UNITS * 3 + 1];

static int kvp_list(int fd, int pool)
{
	const struct kvp_wire *a = (const void *)ans.body;
	uint32_t i;
	int err;

	for (i = 0; i < KVP_MAX_ITEMS; i++) {
		memset(&kreq, 0, sizeof(kreq));
		kreq.operation = HVIS_KVP_OP_ENUMERATE;
		kreq.pool = pool;
		kreq.enumerate.index = i;
		err = xact(fd, &kreq, sizeof(kreq), &ans);
		if (err) {
			xact_error("kvp list", "Key-Value Pair Exchange", err);
			return 1;
		}
		if (ans.status == S_CONT)
			return 0;	/* the end of the list */
		if (ans.status != S_OK) {
			guest_failed("kvp list", ans.status);
			return 1;
		}
		if (ans.len < sizeof(*a) ||
		    a->enumerate.data.key_size < 2 || a->enumerate.data.key_size > HVIS_KVP_MAX_KEY ||
		    utf16_to_utf8(a->enumerate.data.key, a->enumerate.data.key_size / 2, kkey,
				  sizeof(kkey)) ||
		    kvp_value_str(&a->enumerate.data, kval, sizeof(kval))) {
			fprintf(stderr, "hvsim: kvp list: item %u is malformed\n", i);
			return 1;
		}
		printf("%s = %s\n", kkey, kval);
	}
	fprintf(stderr, "hvsim: kvp list: the guest listed more than %d items; stopped\n",
		KVP_MAX_ITEMS);
	return 1;
}

static int kvp_get(int fd, int pool, const char *key)
{
	const struct kvp_wire *a = (const void *)ans.body;
	int n, err;

	memset(&kreq, 0, sizeof(kreq));
	kreq.operation = HVIS_KVP_OP_GET;
	kreq.pool = pool;
	n = kvp_key("kvp get", key, kreq.value.key);
	if (n < 0)
		return 2;
	kreq.value.key_size = n;
	err = xact(fd, &kreq, sizeof(kreq), &ans);
	if (err) {
		xact_error("kvp get", "Key-Value Pair Exchange", err);
		return 1;
	}
	if (ans.status == S_CONT) {
		fprintf(stderr, "hvsim: kvp get: no such key (0x%08x)\n", ans.status);
		return 1;
	}
	if (ans.status != S_OK) {
		guest_failed("kvp get", ans.status);
		return 1;
	}
	if (ans.len < offsetof(struct kvp_wire, value) + sizeof(a->value) ||
	    kvp_value_str(&a->value, kval, sizeof(kval))) {
		fprintf(stderr, "hvsim: kvp get: the value is malformed\n");
		return 1;
	}
	printf("%s\n", kval);
	return 0;
}

static int kvp_set(int fd, int pool, const char *key, const char *value, uint32_t type);

/* GET of @key that must give @want, printing nothing on success. */
static int kvp_get_quiet(int fd, int pool, const char *key, const char *want)
{
	const struct kvp_wire *a = (const void *)ans.body;
	int n, err;

	memset(&kreq, 0, sizeof(kreq));
	kreq.operation = HVIS_KVP_OP_GET;
	kreq.pool = pool;
	n = kvp_key("kvp bench", key, kreq.value.key);
	if (n < 0)
		return -1;
	kreq.value.key_size = n;
	err = xact(fd, &kreq, sizeof(kreq), &ans);
	if (err) {
		xact_error("kvp bench", "Key-Value Pair Exchange", err);
		return -1;
	}
	if (ans.status != S_OK) {
		guest_failed("kvp bench: GET", ans.status);
		return -1;
	}
	if (ans.len < offsetof(struct kvp_wire, value) + sizeof(a->value) ||
	    kvp_value_str(&a->value, kval, sizeof(kval)) || strcmp(kval, want)) {
		fprintf(stderr, "hvsim: kvp bench: GET gave \"%s\", not \"%s\"\n", kval, want);
		return -1;
	}
	return 0;
}

static int kvp_set(int fd, int pool, const char *key, const char *value, uint32_t type)
{
	uint64_t v;
	int n, err;

	memset(&kreq, 0, sizeof(kreq));
	kreq.operation = HVIS_KVP_OP_SET;
	kreq.pool = pool;
	kreq.value.value_type = type;
	n = kvp_key("kvp set", key, kreq.value.key);
	if (n < 0)
		return 2;
	kreq.value.key_size = n;
	if (type == HVIS_KVP_REG_SZ) {
		n = utf8_to_utf16(value, kreq.value.value, KVP_VALUE_UNITS);
		if (n < 0) {
			fprintf(stderr, "hvsim: kvp set: the value is %s\n",
				n == -1 ? "not valid UTF-8" : "longer than 1023 UTF-16 units");
			return 2;
		}
		kreq.value.value_size = (n + 1) * 2;
	} else {
		if (parse_u64(value, type == HVIS_KVP_REG_U32 ? UINT32_MAX : UINT64_MAX, &v)) {
			fprintf(stderr, "hvsim: kvp set: \"%s\" is not a %s number\n", value,
				type == HVIS_KVP_REG_U32 ? "32-bit" : "64-bit");
			return 2;
		}
		kreq.value.value_size = type == HVIS_KVP_REG_U32 ? 4 : 8;
		memcpy(kreq.value.value, &v, kreq.value.value_size);
	}
	err = xact(fd, &kreq, sizeof(kreq), &ans);
	if (err) {
		xact_error("kvp set", "Key-Value Pair Exchange", err);
		return 1;
	}
	if (ans.status != S_OK) {
		guest_failed("kvp set", ans.status);
		return 1;
	}
	return 0;
}

static int kvp_delete(int fd, int pool, const char *key)
{
	int n, err;

	memset(&kreq, 0, sizeof(kreq));
	kreq.operation = HVIS_KVP_OP_DELETE;
	kreq.pool = pool;
	n = kvp_key("kvp delete", key, kreq.del.key);
	if (n < 0)
		return 2;
	kreq.del.key_size = n;
	err = xact(fd, &kreq, sizeof(kreq), &ans);
	if (err) {
		xact_error("kvp delete", "Key-Value Pair Exchange", err);
		return 1;
	}
	if (ans.status == S_CONT) {
		fprintf(stderr, "hvsim: kvp delete: no such key (0x%08x)\n", ans.status);
		return 1;
	}
	if (ans.status != S_OK) {
		guest_failed("kvp delete", ans.status);
		return 1;
	}
	return 0;
}

/* One string field of the IP information, printed if the guest filled it. */
static int kvp_ip_field(const char *label, const struct kvp_ip_wire *a, size_t off, size_t units)
{
	char *buf = kval;

	if (units * 3 + 1 > sizeof(kval) ||
	    utf16_to_utf8((const uint8_t *)a + off, units, buf, sizeof(kval))) {
		fprintf(stderr, "hvsim: kvp ip: %s is malformed\n", label);
		return -1;
	}
	printf("%-15s %s\n", label, buf);
	return 0;
}

static int kvp_ip(int fd, const char *adapter)
{
	static const char * const family[] = { "none", "IPv4", "IPv6", "IPv4 and IPv6" };
	static struct kvp_ip_wire req;
	const struct kvp_ip_wire *a = (const void *)ans.body;
	const size_t ip = offsetof(struct kvp_ip_wire, ip);
	int err;

	memset(&req, 0, sizeof(req));
	req.operation = HVIS_KVP_OP_GET_IP_INFO;
	if (utf8_to_utf16(adapter, (uint8_t *)&req + ip + offsetof(struct hvis_kvp_ipaddr, adapter_id),
			  HVIS_KVP_MAX_ADAPTER) < 0) {
		fprintf(stderr, "hvsim: kvp ip: bad adapter id \"%s\"\n", adapter);
		return 2;
	}
	err = xact(fd, &req, sizeof(req), &ans);
	if (err) {
		xact_error("kvp ip", "Key-Value Pair Exchange", err);
		return 1;
	}
	if (ans.status != S_OK) {
		guest_failed("kvp ip", ans.status);
		return 1;
	}
	if (ans.len < sizeof(*a) || a->ip.addr_family > 3) {
		fprintf(stderr, "hvsim: kvp ip: the answer is malformed\n");
		return 1;
	}
#define IP_FIELD(label, f) \
	kvp_ip_field(label, a, ip + offsetof(struct hvis_kvp_ipaddr, f), \
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

/*
 * ENUMERATE of @pool from index 0 until @key turns up, which must have the
 * value @want; printing nothing on success.  In a pool that holds only the
 * bench's key, that is one ENUMERATE.
 */
static int kvp_enum_quiet(int fd, int pool, const char *key, const char *want)
{
	const struct kvp_wire *a = (const void *)ans.body;
	const struct hvis_kvp_value *v = &a->enumerate.data;
	uint32_t i;
	int err;

	for (i = 0; i < KVP_MAX_ITEMS; i++) {
		memset(&kreq, 0, sizeof(kreq));
		kreq.operation = HVIS_KVP_OP_ENUMERATE;
		kreq.pool = pool;
		kreq.enumerate.index = i;
		err = xact(fd, &kreq, sizeof(kreq), &ans);
		if (err) {
			xact_error("kvp bench", "Key-Value Pair Exchange", err);
			return -1;
		}
		if (ans.status == S_CONT)
			break;
		if (ans.status != S_OK) {
			guest_failed("kvp bench: ENUMERATE", ans.status);
			return -1;
		}
		if (ans.len < sizeof(*a) || v->key_size < 2 || v->key_size > HVIS_KVP_MAX_KEY ||
		    utf16_to_utf8(v->key, v->key_size / 2, kkey, sizeof(kkey)) ||
		    kvp_value_str(v, kval, sizeof(kval))) {
			fprintf(stderr, "hvsim: kvp bench: ENUMERATE item %u is malformed\n", i);
			return -1;
		}
		if (strcmp(kkey, key))
			continue;
		if (strcmp(kval, want)) {
			fprintf(stderr, "hvsim: kvp bench: ENUMERATE gave \"%s\", not \"%s\"\n",
				kval, want);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "hvsim: kvp bench: ENUMERATE did not list \"%s\"\n", key);
	return -1;
}

/*
 * COUNT rounds of SET and GET (or ENUMERATE, @enumerate) of one key in one
 * process, so that what is measured is the exchange, not starting hvsim:
 * operations per second.  The key is deleted at the end.
 */
static int kvp_bench(int fd, int pool, const char *count_arg, bool enumerate)
{
	static const char key[] = "hvsim-bench";
	uint64_t count, i;
	char value[32];
	double t0, t;
	int ret;

	if (parse_u64(count_arg, 1000000, &count) || !count) {
		fprintf(stderr, "hvsim: kvp bench: bad count \"%s\" (1-1000000)\n", count_arg);
		return 2;
	}
	t0 = now_s();
	for (i = 0; i < count; i++) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)i);
		ret = kvp_set(fd, pool, key, value, HVIS_KVP_REG_SZ);
		if (ret)
			return ret;
		if (enumerate ? kvp_enum_quiet(fd, pool, key, value) :
				kvp_get_quiet(fd, pool, key, value))
			return 1;
	}
	t = now_s() - t0;
	printf("%llu SET+%s pairs in %.2f s: %.1f operations/s\n", (unsigned long long)count,
	       enumerate ? "ENUMERATE" : "GET", t, t > 0 ? 2 * count / t : 0.0);
	return kvp_delete(fd, pool, key);
}

static int kvp(int argc, char **argv)
{
	const char *words[3], *adapter = "";
	uint32_t type = HVIS_KVP_REG_SZ;
	int i, n = 0, pool = 0, fd, ret;
	bool enumerate = false;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--pool") && i + 1 < argc) {
			pool = parse_pool(argv[++i]);
			if (pool < 0)
				return 2;
		} else if (!strcmp(argv[i], "--adapter") && i + 1 < argc) {
			adapter = argv[++i];
		} else if (!strcmp(argv[i], "--u32")) {
			type = HVIS_KVP_REG_U32;
		} else if (!strcmp(argv[i], "--u64")) {
			type = HVIS_KVP_REG_U64;
		} else if (!strcmp(argv[i], "--enumerate")) {
			enumerate = true;
		} else if (n < 3 && (argv[i][0] != '-' || !argv[i][1] || n)) {
			words[n++] = argv[i];	/* keys and values may start with '-' */
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!n || !((!strcmp(words[0], "list") && n == 1) || (!strcmp(words[0], "get") && n == 2) ||
		    (!strcmp(words[0], "set") && n == 3) ||
		    (!strcmp(words[0], "delete") && n == 2) || (!strcmp(words[0], "ip") && n == 1) ||
		    (!strcmp(words[0], "bench") && n == 2))) {
		usage(stderr);
		return 2;
	}
	fd = xact_open("kvp");
	if (fd < 0)
		return 1;
	if (!strcmp(words[0], "list"))
		ret = kvp_list(fd, pool);
	else if (!strcmp(words[0], "get"))
		ret = kvp_get(fd, pool, words[1]);
	else if (!strcmp(words[0], "set"))
		ret = kvp_set(fd, pool, words[1], words[2], type);
	else if (!strcmp(words[0], "delete"))
		ret = kvp_delete(fd, pool, words[1]);
	else if (!strcmp(words[0], "bench"))
		ret = kvp_bench(fd, pool, words[1], enumerate);
	else
		ret = kvp_ip(fd, adapter);
	close(fd);
	return ret;
}

/* --- Copy-VMFile ------------------------------------------------------------------- */

static struct hvis_fcopy_write fwrite_req;

static void size_str(uint64_t bytes, uint64_t total, char *out, size_t size)
{
	if (total >= 1 << 20)
		snprintf(out, size, "%llu", (unsigned long long)(bytes >> 20));
	else
		snprintf(out, size, "%llu", (unsigned long long)(total >= 1 << 10 ? bytes >> 10 : bytes));
}

static const char *size_unit(uint64_t total)
{
	return total >= 1 << 20 ? "MiB" : total >= 1 << 10 ? "KiB" : "bytes";
}

static void progress(uint64_t done, uint64_t total, int *last)
{
	char a[32], b[32];
	int pct = total ? (int)(done * 100 / total) : 100;

	if (pct == *last)
		return;
	*last = pct;
	size_str(done, total, a, sizeof(a));
	size_str(total, total, b, sizeof(b));
	fprintf(stderr, "\rcopied %s/%s %s (%d%%)", a, b, size_unit(total), pct);
	fflush(stderr);
}

/* After a failure: the guest drops what it wrote.  Its answer changes nothing. */
static void fcopy_cancel(int fd)
{
	struct hvis_fcopy_hdr req = { .operation = HVIS_FCOPY_CANCEL };
	int err = xact(fd, &req, sizeof(req), &ans);

	if (err)
		xact_error("copy-file: CANCEL", "Guest Service Interface", err);
	else if (ans.status != S_OK)
		guest_failed("copy-file: CANCEL", ans.status);
	else
		fprintf(stderr, "hvsim: copy-file: cancelled, the guest dropped the partial file\n");
}

/* A failure status of step @what (START, WRITE, COMPLETE), in words. */
static void fcopy_failed(const char *what, uint32_t status)
{
	char w[64];

	snprintf(w, sizeof(w), "copy-file: %s", what);
	if (status == S_ALREADY_EXISTS)
		fprintf(stderr, "hvsim: %s: destination exists (use --overwrite)\n", w);
	else if (status == S_DISK_FULL)
		fprintf(stderr, "hvsim: %s: the guest's disk is full (0x%08x)\n", w, status);
	else
		guest_failed(w, status);
}

/* Fill @len bytes from @fd: 0, or -1 (errno 0: the file ended early). */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = 0;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static int copy_file(int argc, char **argv)
{
	static struct hvis_fcopy_start start;
	const char *src = NULL, *dest = NULL, *slash;
	struct hvis_fcopy_hdr done = { .operation = HVIS_FCOPY_COMPLETE };
	uint64_t size, off = 0;
	uint32_t flags = 0, n;
	char dirname[4096];
	double t0, t;
	struct stat stbuf;
	int i, sfd, fd, err, last = -1, ret = 1;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--create-path"))
			flags |= HVIS_FCOPY_CREATE_PATH;
		else if (!strcmp(argv[i], "--overwrite"))
			flags |= HVIS_FCOPY_OVERWRITE;
		else if (!src)
			src = argv[i];
		else if (!dest)
			dest = argv[i];
		else
			src = NULL;
	}
	if (!src || !dest) {
		usage(stderr);
		return 2;
	}
	/* The guest wants a directory and a name: DEST is absolute and names a file. */
	slash = strrchr(dest, '/');
	if (dest[0] != '/' || !slash[1] || (size_t)(slash - dest) + 1 >= sizeof(dirname)) {
		fprintf(stderr, "hvsim: copy-file: DEST must be an absolute path naming a file, not \"%s\"\n",
			dest);
		return 2;
	}
	/*
	 * The directory keeps its trailing slash, as a destination folder:
	 * Debian's hv_fcopy_daemon (CREATE_PATH) makes only the components
	 * that end in one.
	 */
	memcpy(dirname, dest, slash - dest + 1);
	dirname[slash - dest + 1] = '\0';
	memset(&start, 0, sizeof(start));
	start.hdr.operation = HVIS_FCOPY_START;
	start.copy_flags = flags;
	if (utf8_to_utf16(slash + 1, (uint8_t *)&start + offsetof(struct hvis_fcopy_start, file_name),
			  HVIS_FCOPY_MAX_PATH) < 0 ||
	    utf8_to_utf16(dirname, (uint8_t *)&start + offsetof(struct hvis_fcopy_start, path_name),
			  HVIS_FCOPY_MAX_PATH) < 0) {
		fprintf(stderr, "hvsim: copy-file: \"%s\": not UTF-8, or a name or directory longer than %d UTF-16 units\n",
			dest, HVIS_FCOPY_MAX_PATH - 1);
		return 2;
	}

	sfd = open(src, O_RDONLY | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &stbuf)) {
		fprintf(stderr, "hvsim: copy-file: %s: %s\n", src, strerror(errno));
		return 1;
	}
	if (!S_ISREG(stbuf.st_mode)) {
		fprintf(stderr, "hvsim: copy-file: %s: not a regular file\n", src);
		close(sfd);
		return 1;
	}
	size = stbuf.st_size;
	start.file_size = size;
	fd = xact_open("fcopy");
	if (fd < 0) {
		close(sfd);
		return 1;
	}

	t0 = now_s();
	err = xact(fd, &start, sizeof(start), &ans);
	if (err) {
		xact_error("copy-file: START", "Guest Service Interface", err);
		goto out;
	}
	if (ans.status != S_OK) {
		fcopy_failed("START", ans.status);
		goto out;
	}
	memset(&fwrite_req, 0, sizeof(fwrite_req));
	fwrite_req.hdr.operation = HVIS_FCOPY_WRITE;
	while (off < size) {
		n = size - off < HVIS_FCOPY_FRAGMENT ? size - off : HVIS_FCOPY_FRAGMENT;
		if (n < HVIS_FCOPY_FRAGMENT)
			memset(fwrite_req.data + n, 0, HVIS_FCOPY_FRAGMENT - n);
		if (read_full(sfd, fwrite_req.data, n)) {
			fprintf(stderr, "\nhvsim: copy-file: %s: %s\n", src,
				errno ? strerror(errno) : "shorter than when the copy started");
			goto cancel;
		}
		fwrite_req.offset = off;
		fwrite_req.size = n;
		err = xact(fd, &fwrite_req, sizeof(fwrite_req), &ans);
		if (err) {
			fputc('\n', stderr);
			xact_error("copy-file: WRITE", "Guest Service Interface", err);
			if (err == ENOTCONN)
				goto out;
			goto cancel;
		}
		if (ans.status != S_OK) {
			fputc('\n', stderr);
			fcopy_failed("WRITE", ans.status);
			goto cancel;
		}
		off += n;
		progress(off, size, &last);
	}
	err = xact(fd, &done, sizeof(done), &ans);
	if (err || ans.status != S_OK) {
		fputc('\n', stderr);
		if (err)
			xact_error("copy-file: COMPLETE", "Guest Service Interface", err);
		else
			fcopy_failed("COMPLETE", ans.status);
		if (err == ENOTCONN)
			goto out;
		goto cancel;
	}
	progress(size, size, &last);
	t = now_s() - t0;
	fprintf(stderr, "\ncopied %llu bytes to %s in %.2f s (%.1f MB/s)\n",
		(unsigned long long)size, dest, t, t > 0 ? size / t / 1e6 : 0.0);
	ret = 0;
	goto out;
cancel:
	fcopy_cancel(fd);
out:
	close(fd);
	close(sfd);
	return ret;
}

/* --- backup ------------------------------------------------------------------------ */

/* One VSS step: 0 when the guest answered S_OK; its flags in @flags. */
static int vss_step(int fd, const char *name, uint8_t op, uint32_t *flags)
{
	struct hvis_vss_msg req;
	const struct hvis_vss_msg *a = (const void *)ans.body;
	char what[64];
	int err;

	memset(&req, 0, sizeof(req));
	req.hdr.operation = op;
	snprintf(what, sizeof(what), "backup: %s", name);
	printf("%s ...\n", name);
	fflush(stdout);
	err = xact(fd, &req, sizeof(req), &ans);
	if (err) {
		xact_error(what, "VSS", err);
		return -1;
	}
	if (ans.status != S_OK) {
		guest_failed(what, ans.status);
		return -1;
	}
	if (flags)
		*flags = ans.len >= sizeof(*a) ? a->flags : 0;
	printf("%s: the guest answered S_OK\n", name);
	return 0;
}

static int backup(int argc, char **argv)
{
	uint64_t hold = 0;
	uint32_t flags;
	int i, fd, no_thaw = 0, ret = 1;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--no-thaw")) {
			no_thaw = 1;
		} else if (!strcmp(argv[i], "--hold-ms") && i + 1 < argc) {
			if (parse_u64(argv[++i], 24 * 3600 * 1000, &hold)) {
				fprintf(stderr, "hvsim: backup: bad --hold-ms \"%s\"\n", argv[i]);
				return 2;
			}
		} else {
			usage(stderr);
			return 2;
		}
	}
	fd = xact_open("vss");
	if (fd < 0)
		return 1;
	if (vss_step(fd, "HOT_BACKUP", HVIS_VSS_OP_HOT_BACKUP, &flags))
		goto out;
	printf("HOT_BACKUP: flags 0x%x%s\n", flags,
	       flags == HVIS_VSS_HBU_NO_AUTO_RECOVERY ? " (no auto-recovery)" : "");
	if (vss_step(fd, "FREEZE", HVIS_VSS_OP_FREEZE, NULL)) {
		/* Never leave a guest frozen on the host's account. */
		if (!no_thaw)
			vss_step(fd, "THAW", HVIS_VSS_OP_THAW, NULL);
		goto out;
	}
	printf("FREEZE: the guest reports its filesystems frozen\n");
	if (no_thaw) {
		printf("not thawing (--no-thaw): the guest must thaw by itself\n");
		ret = 0;
		goto out;
	}
	if (hold) {
		printf("holding the freeze for %llu ms\n", (unsigned long long)hold);
		fflush(stdout);
		usleep(hold % 1000 * 1000);
		sleep(hold / 1000);
	}
	if (vss_step(fd, "THAW", HVIS_VSS_OP_THAW, NULL) ||
	    vss_step(fd, "BU_COMPLETE", HVIS_VSS_OP_BU_COMPLETE, NULL))
		goto out;
	printf("backup complete\n");
	ret = 0;
out:
	close(fd);
	return ret;
}

/* hvsim capture start|stop|clear|stats, hvsim capture dump FILE. */
static int capture(int argc, char **argv)
{
	struct hvcap_file_hdr h;
	char path[512], buf[65536];
	ssize_t n = 0;
	size_t got = 0;
	int fd, ret = 1;
	FILE *out;

	snprintf(path, sizeof(path), "%s/capture", dir);
	if (argc == 3 && !strcmp(argv[2], "stats"))
		return cat("capture_stats");
	if (argc == 3 && (!strcmp(argv[2], "start") || !strcmp(argv[2], "stop") ||
			  !strcmp(argv[2], "clear"))) {
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, argv[2], strlen(argv[2])) < 0) {
			fprintf(stderr, "hvsim: capture %s: %s\n", argv[2], strerror(errno));
			if (fd >= 0)
				close(fd);
			return 1;
		}
		close(fd);
		return 0;
	}
	if (argc != 4 || strcmp(argv[2], "dump")) {
		usage(stderr);
		return 2;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hvsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	out = fopen(argv[3], "wb");
	if (!out) {
		fprintf(stderr, "hvsim: %s: %s\n", argv[3], strerror(errno));
		close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (!got && (size_t)n >= sizeof(h))
			memcpy(&h, buf, sizeof(h));
		got += n;
		if (fwrite(buf, 1, n, out) != (size_t)n) {
			fprintf(stderr, "hvsim: %s: %s\n", argv[3], strerror(errno));
			goto done;
		}
	}
	if (n < 0) {
		fprintf(stderr, "hvsim: capture dump: %s%s\n", strerror(errno),
			errno == EBUSY ? " (hvsim capture stop first)" : "");
		goto done;
	}
	if (got < sizeof(h)) {
		fprintf(stderr, "hvsim: capture dump: short read\n");
		goto done;
	}
	printf("%u records, %u dropped, %llu bytes\n", h.records, h.dropped,
	       (unsigned long long)h.bytes);
	ret = 0;
done:
	close(fd);
	if (fclose(out))
		ret = 1;
	return ret;
}

int main(int argc, char **argv)
{
	char cmd[256];
	int i, n;

	if (getenv("HVSIM_DIR"))
		dir = getenv("HVSIM_DIR");
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (access(dir, F_OK)) {
		fprintf(stderr, "hvsim: the simulator is not loaded (modprobe hvis_sim; debugfs at %s)\n",
			dir);
		return 1;
	}

	if (!strcmp(argv[1], "list") && argc == 2)
		return cat("offers");
	if (!strcmp(argv[1], "log") && argc == 2)
		return cat("log");
	if (!strcmp(argv[1], "profile") && argc == 2)
		return show_profile();
	if (!strcmp(argv[1], "recv") && argc == 3)
		return raw_recv(argv[2]);
	if (!strcmp(argv[1], "send") && argc == 3)
		return raw_send(argv[2]);
	if (!strcmp(argv[1], "get-integration-services") &&
	    (argc == 2 || (argc == 3 && !strcmp(argv[2], "-v"))))
		return get_integration_services(argc == 3);
	if ((!strcmp(argv[1], "enable") || !strcmp(argv[1], "disable")) && argc >= 3)
		return enable_service(argc, argv);
	if (!strcmp(argv[1], "shutdown"))
		return shutdown_guest(argc, argv);
	if (!strcmp(argv[1], "time") && argc >= 3)
		return time_sync(argc, argv);
	if (!strcmp(argv[1], "icbad") && argc >= 4)
		return icbad(argc, argv);
	if (!strcmp(argv[1], "kvp"))
		return kvp(argc, argv);
	if (!strcmp(argv[1], "copy-file"))
		return copy_file(argc, argv);
	if (!strcmp(argv[1], "backup"))
		return backup(argc, argv);
	if (!strcmp(argv[1], "capture") && argc >= 3)
		return capture(argc, argv);
	if (!strcmp(argv[1], "profile") && argc == 3)
		n = snprintf(cmd, sizeof(cmd), "profile %s", argv[2]);
	else if (!strcmp(argv[1], "rescind") && argc == 3)
		n = snprintf(cmd, sizeof(cmd), "rescind %s", argv[2]);
	else if (!strcmp(argv[1], "corrupt") && argc == 4)
		n = snprintf(cmd, sizeof(cmd), "corrupt %s %s", argv[2], argv[3]);
	else if (!strcmp(argv[1], "inject") && argc == 4)
		n = snprintf(cmd, sizeof(cmd), "inject %s %s", argv[2], argv[3]);
	else if ((!strcmp(argv[1], "mute") || !strcmp(argv[1], "stall")) && argc == 3 &&
		 (!strcmp(argv[2], "on") || !strcmp(argv[2], "off")))
		n = snprintf(cmd, sizeof(cmd), "%s %d", argv[1], !strcmp(argv[2], "on"));
	else if (!strcmp(argv[1], "offer") && argc >= 4) {
		n = snprintf(cmd, sizeof(cmd), "offer %s %s", argv[2], argv[3]);
		for (i = 4; i < argc; i += 2) {
			const char *opt = argv[i];

			/* The one flag without a value: a monitor id for the channel. */
			if (!strcmp(opt, "--monitor")) {
				n += snprintf(cmd + n, sizeof(cmd) - n, " monitor=1");
				i--;
				if (n >= (int)sizeof(cmd))
					break;
				continue;
			}
			if (i + 1 >= argc || (strcmp(opt, "--sub") && strcmp(opt, "--relid") &&
					      strcmp(opt, "--size"))) {
				usage(stderr);
				return 2;
			}
			n += snprintf(cmd + n, sizeof(cmd) - n, " %s=%s", opt + 2, argv[i + 1]);
			if (n >= (int)sizeof(cmd))
				break;
		}
	} else {
		usage(stderr);
		return 2;
	}
	if (n >= (int)sizeof(cmd)) {
		fprintf(stderr, "hvsim: arguments too long\n");
		return 2;
	}
	return ctl(cmd);
}
