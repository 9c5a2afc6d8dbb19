// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host's command line for the simulated Hyper-V host (hvis_sim).
 * It reads and writes the simulator's files in debugfs; all the behaviour is
 * in the module.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/ioctl.h>

#include <hvis/hvsim.h>

static const char *dir = "/sys/kernel/debug/hvis_sim";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvsim COMMAND [ARGS]\n"
		"  list                              offers and their state, as the host sees them\n"
		"  offer CLASS INSTANCE [--sub N] [--relid N] [--size N]\n"
		"                                    offer a channel (GUIDs in text form)\n"
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
		"                                    stale\n");
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
