// SPDX-License-Identifier: GPL-2.0-only
/*
 * Common parts of the hvis daemons; see hvisd.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvisd.h"

volatile sig_atomic_t hvisd_stop;

static const char *log_name = "hvisd";
static bool log_stderr = true;

/*
 * Lines logged while held.  A VSS freeze lasts seconds; a few dozen
 * lines are plenty, and past that we only count what was lost.
 */
#define HELD_MAX 64
static struct {
	int prio;
	char *line;
} held[HELD_MAX];
static unsigned int held_count, held_dropped;
static bool holding;

void hvisd_log_init(const char *name, bool foreground)
{
	log_name = name;
	log_stderr = foreground;
	if (!foreground)
		openlog(name, LOG_PID | LOG_PERROR, LOG_DAEMON);
}

static void emit(int prio, const char *line)
{
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_name, line);
	else
		syslog(prio, "%s", line);
}

void hvisd_log(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!holding) {
		emit(prio, line);
	} else if (held_count < HELD_MAX && (held[held_count].line = strdup(line))) {
		held[held_count++].prio = prio;
	} else {
		held_dropped++;
	}
	errno = saved;
}

void hvisd_log_forget(void)
{
	unsigned int i;

	for (i = 0; i < held_count; i++)
		free(held[i].line);
	held_count = 0;
	held_dropped = 0;
}

void hvisd_log_hold(bool hold)
{
	unsigned int i;

	if (hold || !holding) {
		holding = hold;
		return;
	}
	holding = false;
	for (i = 0; i < held_count; i++)
		emit(held[i].prio, held[i].line);
	if (held_dropped)
		hvisd_log(LOG_WARNING, "%u log lines lost while frozen", held_dropped);
	hvisd_log_forget();
}

static void on_signal(int sig)
{
	hvisd_stop = sig;
}

void hvisd_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A watchdog child or a helper script that died must not kill us. */
	signal(SIGPIPE, SIG_IGN);
}

/* True if @opt was a common option other than -h (exits on a bad argument). */
static bool common_opt(struct hvisd *d, int opt, const char *arg)
{
	static char test_name[32];
	char *end;
	long v;

	switch (opt) {
	case 'n':
		d->foreground = true;
		return true;
	case 'r':
		d->retry = true;
		return true;
	case 'd':
		d->dev_path = arg;
		return true;
	case 'F':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v < 0 || v > INT_MAX ||
		    fcntl((int)v, F_GETFD) < 0) {
			fprintf(stderr, "%s: -F %s: not an open descriptor\n", d->name, arg);
			exit(2);
		}
		d->test_fd = (int)v;
		snprintf(test_name, sizeof(test_name), "descriptor %d", d->test_fd);
		d->dev_path = test_name;
		/* Helper scripts must not inherit the device. */
		fcntl(d->test_fd, F_SETFD, FD_CLOEXEC);
		return true;
	}
	return false;
}

void hvisd_options(struct hvisd *d, int argc, char **argv, const char *own_opts,
		   hvisd_opt_fn own, void (*usage)(FILE *f))
{
	char opts[64];
	int opt, status;

	snprintf(opts, sizeof(opts), "%s%s", HVISD_COMMON_OPTS, own_opts ? own_opts : "");
	while ((opt = getopt(argc, argv, opts)) != -1) {
		if (common_opt(d, opt, optarg))
			continue;
		if (opt == 'h') {
			usage(stdout);
			exit(0);
		}
		/* '?': getopt() has said what is wrong with the option. */
		if (opt == '?' || !own) {
			usage(stderr);
			exit(2);
		}
		status = own(opt, optarg);
		if (status)
			exit(status);
	}
	if (optind != argc) {
		usage(stderr);
		exit(2);
	}
}

int hvisd_write_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		/* The device takes a message whole or not at all. */
		errno = EIO;
		return -1;
	}
	return 0;
}

ssize_t hvisd_read_msg(int fd, void *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		n = read(fd, buf, size);
		if (n > 0)
			return n;
		if (n == 0) {
			errno = ENODEV;
			return -1;
		}
		if (errno == EINTR && !hvisd_stop)
			continue;
		if (errno != EAGAIN)
			return -1;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return -1;
	}
}

int hvisd_handshake(struct hvisd *d, const void *hello, size_t len, void *answer,
		    size_t size, size_t want)
{
	ssize_t n;

	if (hvisd_write_all(d->fd, hello, len) < 0) {
		hvisd_log(LOG_ERR, "%s refused registration: %s", d->dev_path, strerror(errno));
		return -1;
	}
	n = hvisd_read_msg(d->fd, answer, size);
	if (n != (ssize_t)want) {
		hvisd_log(LOG_ERR, "%s: no registration answer (%s)", d->dev_path,
			  n < 0 ? strerror(errno) : "wrong size");
		return -1;
	}
	return 0;
}

pid_t hvisd_pipe_fork(int p[2])
{
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
	}
	return pid;
}

static int open_and_register(struct hvisd *d)
{
	if (d->test_fd >= 0) {
		d->fd = d->test_fd;
	} else {
		d->fd = open(d->dev_path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0) {
			hvisd_log(LOG_ERR, "cannot open %s: %s", d->dev_path, strerror(errno));
			return -1;
		}
	}
	if (d->do_register(d) == 0)
		return 0;
	hvisd_disconnect(d);
	return -1;
}

int hvisd_connect(struct hvisd *d)
{
	unsigned int delay = 1, left;

	while (open_and_register(d) < 0) {
		if (!d->retry || d->test_fd >= 0 || hvisd_stop)
			return -1;
		hvisd_log(LOG_INFO, "retrying in %u s", delay);
		for (left = delay; left && !hvisd_stop; )
			left = sleep(left);
		if (hvisd_stop)
			return -1;
		delay = delay * 2 > 30 ? 30 : delay * 2;
	}
	return 0;
}

void hvisd_disconnect(struct hvisd *d)
{
	if (d->fd >= 0 && d->fd != d->test_fd)
		close(d->fd);
	d->fd = -1;
}

static void daemonize(struct hvisd *d)
{
	if (d->foreground)
		return;
	if (daemon(0, 0) < 0) {
		hvisd_log(LOG_ERR, "cannot become a daemon: %s", strerror(errno));
		exit(1);
	}
}

void hvisd_start(struct hvisd *d)
{
	if (d->retry)
		daemonize(d);
	if (hvisd_connect(d) < 0)
		exit(hvisd_stop ? 0 : 1);
	if (!d->retry)
		daemonize(d);
}

int hvisd_reconnect(struct hvisd *d)
{
	if (!d->retry || d->test_fd >= 0)
		return -1;
	hvisd_disconnect(d);
	return hvisd_connect(d);
}

ssize_t hvisd_recv(struct hvisd *d, void *buf, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = d->fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (hvisd_stop)
		return 0;
	r = poll(&p, 1, timeout_ms);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r < 0) {
		hvisd_log(LOG_ERR, "poll %s: %s", d->dev_path, strerror(errno));
		return -1;
	}
	if (r == 0)
		return 0;
	if (!(p.revents & POLLIN)) {
		hvisd_log(LOG_ERR, "%s went away", d->dev_path);
		return -1;
	}
	n = read(d->fd, buf, size);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0) {
		hvisd_log(LOG_ERR, "read %s: %s", d->dev_path, strerror(errno));
		return -1;
	}
	if (n == 0) {
		hvisd_log(LOG_ERR, "%s went away", d->dev_path);
		return -1;
	}
	return n;
}

int hvisd_send(struct hvisd *d, const void *buf, size_t len)
{
	/*
	 * A refusal is not fatal: the kernel may have given up on the
	 * transaction (its timeout) before we answered.
	 */
	if (hvisd_write_all(d->fd, buf, len) < 0) {
		hvisd_log(LOG_WARNING, "the kernel refused our answer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int hvisd_field_str(char *dst, size_t dst_size, const void *field, size_t field_size)
{
	size_t n = strnlen(field, field_size);

	if (n == field_size || n >= dst_size)
		return -1;
	memcpy(dst, field, n);
	dst[n] = '\0';
	return 0;
}
