// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host's command line for the simulated Hyper-V host (hvis_sim).
 * It reads and writes the simulator's files in debugfs; all the behaviour is
 * in the module.  This file finds the verb in the groups' tables and holds
 * what every group uses: the debugfs files and the argument parsers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

const char *dir = "/sys/kernel/debug/hvis_sim";

/* In the order of the usage text. */
static const struct hvsim_cmd *const groups[] = {
	hvsim_host_cmds, hvsim_service_cmds, hvsim_kvp_cmds, hvsim_copy_cmds,
	hvsim_backup_cmds, hvsim_capture_cmds,
};

#define NGROUPS	(sizeof(groups) / sizeof(groups[0]))

void usage(FILE *f)
{
	const struct hvsim_cmd *c;
	size_t g;

	fputs("usage: hvsim COMMAND [ARGS]\n", f);
	for (g = 0; g < NGROUPS; g++)
		for (c = groups[g]; c->name; c++)
			if (c->usage)
				fputs(c->usage, f);
}

int cat(const char *name)
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

int ctl(const char *cmd)
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
int ctl_errno(const char *cmd)
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

/* ctl() of a formatted command, refused (2) when it does not fit. */
int ctl_cmd(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(cmd)) {
		fprintf(stderr, "hvsim: arguments too long\n");
		return 2;
	}
	return ctl(cmd);
}

int parse_u64(const char *s, uint64_t max, uint64_t *v)
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

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const struct hvsim_cmd *c;
	size_t g;

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
	for (g = 0; g < NGROUPS; g++)
		for (c = groups[g]; c->name; c++)
			if (!strcmp(argv[1], c->name) && argc - 2 >= c->min &&
			    (c->max < 0 || argc - 2 <= c->max))
				return c->run(argc, argv);
	usage(stderr);
	return 2;
}
