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
		"                                    guest's receive ring\n");
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
