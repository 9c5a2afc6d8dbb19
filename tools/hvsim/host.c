// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's host verbs: offers and channels as the host sees them, the host
 * profile, the message log, the misbehaving host (inject, mute, stall,
 * corrupt), and the raw host endpoint of a channel (recv, send).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <hvis/hvsim.h>

#include "cmd.h"

static int list(int maybe_unused argc, char maybe_unused **argv)
{
	return cat("offers");
}

static int log_cmd(int maybe_unused argc, char maybe_unused **argv)
{
	return cat("log");
}

/* "profile NAME" prints nothing; plain "profile" reads the first line of offers. */
static int profile(int argc, char **argv)
{
	char path[512], line[256];
	FILE *f;

	if (argc == 3)
		return ctl_cmd("profile %s", argv[2]);
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

static int rescind(int maybe_unused argc, char **argv)
{
	return ctl_cmd("rescind %s", argv[2]);
}

static int corrupt(int maybe_unused argc, char **argv)
{
	return ctl_cmd("corrupt %s %s", argv[2], argv[3]);
}

static int inject(int maybe_unused argc, char **argv)
{
	return ctl_cmd("inject %s %s", argv[2], argv[3]);
}

/* mute, early, stall on|off: the ctl command takes 1 or 0. */
static int on_off(int maybe_unused argc, char **argv)
{
	if (strcmp(argv[2], "on") && strcmp(argv[2], "off")) {
		usage(stderr);
		return 2;
	}
	return ctl_cmd("%s %d", argv[1], !strcmp(argv[2], "on"));
}

static int offer(int argc, char **argv)
{
	char cmd[256];
	int i, n;

	n = snprintf(cmd, sizeof(cmd), "offer %s %s", argv[2], argv[3]);
	for (i = 4; i < argc && n < (int)sizeof(cmd); i += 2) {
		const char *opt = argv[i];

		/* The one flag without a value: a monitor id for the channel. */
		if (!strcmp(opt, "--monitor")) {
			n += snprintf(cmd + n, sizeof(cmd) - n, " monitor=1");
			i--;
			continue;
		}
		if (i + 1 >= argc || (strcmp(opt, "--sub") && strcmp(opt, "--relid") &&
				      strcmp(opt, "--size"))) {
			usage(stderr);
			return 2;
		}
		n += snprintf(cmd + n, sizeof(cmd) - n, " %s=%s", opt + 2, argv[i + 1]);
	}
	if (n >= (int)sizeof(cmd)) {
		fprintf(stderr, "hvsim: arguments too long\n");
		return 2;
	}
	return ctl(cmd);
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

static int raw_recv(int maybe_unused argc, char **argv)
{
	int fd = raw_attach(argv[2]);
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

static int raw_send(int maybe_unused argc, char **argv)
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
	fd = raw_attach(argv[2]);
	if (fd < 0)
		return 1;
	n = write(fd, raw_buf, len);
	if (n < 0)
		fprintf(stderr, "hvsim: send: %s\n", strerror(errno));
	close(fd);
	return n < 0;
}

const struct hvsim_cmd hvsim_host_cmds[] = {
	{ "list", 0, 0, list,
	  "  list                              offers and their state, as the host sees them\n" },
	{ "offer", 2, -1, offer,
	  "  offer CLASS INSTANCE [--sub N] [--relid N] [--size N] [--monitor]\n"
	  "                                    offer a channel (GUIDs in text form);\n"
	  "                                    --monitor: with a monitor id\n" },
	{ "rescind", 1, 1, rescind,
	  "  rescind RELID|INSTANCE            take an offer back\n" },
	{ "profile", 0, 1, profile,
	  "  profile [NAME]                    show or choose the host profile (no guest connected)\n" },
	{ "log", 0, 0, log_cmd,
	  "  log                               every channel message between host and guest\n" },
	{ "inject", 2, 2, inject,
	  "  inject TYPE SIZE                  send a bare message (testing a broken host)\n" },
	{ "mute", 1, 1, on_off,
	  "  mute on|off                       stop or resume answering the guest\n" },
	{ "early", 1, 1, on_off,
	  "  early on|off                      offer the channels before answering INITIATE_CONTACT\n" },
	{ "stall", 1, 1, on_off,
	  "  stall on|off                      stop or resume reading the guest's messages\n" },
	{ "corrupt", 2, 2, corrupt,
	  "  corrupt RELID index|misaligned|desc|big|comp\n"
	  "                                    damage the guest's receive ring of a channel\n" },
	{ "recv", 1, 1, raw_recv,
	  "  recv RELID                        play the host: the next packet the guest sends on\n"
	  "                                    an open channel, raw (descriptor + payload) to stdout\n" },
	{ "send", 1, 1, raw_send,
	  "  send RELID                        play the host: a raw packet from stdin into the\n"
	  "                                    guest's receive ring\n" },
	{ NULL }
};
