/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the three hvis daemons share: logging (syslog, or stderr with -n,
 * held in memory while filesystems are frozen), the common options, and
 * the device: open, register, read one message, write one answer.
 *
 * tools/Makefile builds this file's hvisd.c into every daemon.
 */
#ifndef HVISD_H
#define HVISD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>
#include <sys/types.h>

#include <hvis/ic_status.h>

/* Status codes the daemons answer with: the one definition, as int32_t. */
#define HVISD_S_OK			((int32_t)HVIS_IC_S_OK)
#define HVISD_E_FAIL			((int32_t)HVIS_IC_E_FAIL)
#define HVISD_S_CONT			((int32_t)HVIS_IC_S_CONT)
#define HVISD_GUID_NOTFOUND		((int32_t)HVIS_IC_GUID_NOTFOUND)
#define HVISD_ERROR_ALREADY_EXISTS	((int32_t)HVIS_IC_ERROR_ALREADY_EXISTS)
#define HVISD_ERROR_DISK_FULL		((int32_t)HVIS_IC_ERROR_DISK_FULL)

/* The number of elements of the array @a (an array, not a pointer). */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct hvisd;

/*
 * Registration: write the service's hello and read the kernel's answer on
 * d->fd.  Returns 0, or -1 with the reason logged.
 */
typedef int (*hvisd_register_fn)(struct hvisd *d);

struct hvisd {
	const char *name;		/* program name, for logs and usage */
	const char *dev_path;		/* -d, or the service's default */
	int fd;				/* the device; -1 while closed */
	int test_fd;			/* -F: an inherited descriptor, or -1 */
	bool foreground;		/* -n */
	bool retry;			/* -r */
	hvisd_register_fn do_register;
};

/* A daemon's device, closed, before its options are read. */
#define HVISD_INIT(prog, dev, reg) \
	{ .name = (prog), .dev_path = (dev), .fd = -1, .test_fd = -1, .do_register = (reg) }

/* Set by the signal handler hvisd_signals() installs. */
extern volatile sig_atomic_t hvisd_stop;

void hvisd_log_init(const char *name, bool foreground);
void hvisd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* While held, log lines are kept in memory; releasing emits them. */
void hvisd_log_hold(bool hold);
/* In a forked child: forget lines the parent was holding. */
void hvisd_log_forget(void);

/* SIGTERM, SIGINT, SIGHUP set hvisd_stop (no SA_RESTART); SIGPIPE ignored. */
void hvisd_signals(void);

/* Options every daemon takes: -n, -r, -d DEVICE, -F FD, -h. */
#define HVISD_COMMON_OPTS "nrd:F:h"
#define HVISD_COMMON_USAGE \
	"  -n          stay in the foreground and log to stderr\n" \
	"  -d DEVICE   the device (default %s)\n" \
	"  -r          if the device is missing or goes away, retry with backoff\n" \
	"              instead of exiting\n" \
	"  -F FD       testing: use the already open descriptor FD (a SOCK_SEQPACKET\n" \
	"              socket) as the device\n" \
	"  -h          this help\n"

/*
 * A daemon's own option, for hvisd_options(): 0 if taken, else the exit
 * status (the reason told on stderr).
 */
typedef int (*hvisd_opt_fn)(int opt, const char *arg);

/*
 * The whole command line: the common options, and @own_opts (getopt
 * letters) through @own (NULL if there are none).  Exits 0 after -h (usage
 * on stdout), 2 after an unknown option or an argument (usage on stderr).
 */
void hvisd_options(struct hvisd *d, int argc, char **argv, const char *own_opts,
		   hvisd_opt_fn own, void (*usage)(FILE *f));

/*
 * Open the device and register; with -r keep trying (1 s doubling to 30 s)
 * until it works or hvisd_stop.  Returns 0 or -1.
 */
int hvisd_connect(struct hvisd *d);
/* Close the device (not an -F descriptor). */
void hvisd_disconnect(struct hvisd *d);
/*
 * Connect and become a daemon (unless -n); exits if the device cannot be
 * had.  Without -r that happens in the foreground, so a missing device is
 * an error the caller sees; with -r the daemon waits in the background.
 */
void hvisd_start(struct hvisd *d);
/* The device failed: with -r connect again (0), else -1. */
int hvisd_reconnect(struct hvisd *d);

/*
 * Wait up to @timeout_ms (-1: forever) for one message and read it into
 * @buf.  Returns its length; 0 if the wait timed out or a signal came; -1
 * if the device failed or went away (logged).
 */
ssize_t hvisd_recv(struct hvisd *d, void *buf, size_t size, int timeout_ms);
/* Write one whole message; -1 (logged) if the kernel refused it. */
int hvisd_send(struct hvisd *d, const void *buf, size_t len);
/* One whole message both ways, for registration (no timeout). */
int hvisd_write_all(int fd, const void *buf, size_t len);
ssize_t hvisd_read_msg(int fd, void *buf, size_t size);
/*
 * Registration's exchange: write @hello, read the kernel's answer into
 * @answer (@size bytes of room), which must be @want bytes long.  0, or -1
 * with the reason logged.
 */
int hvisd_handshake(struct hvisd *d, const void *hello, size_t len, void *answer,
		    size_t size, size_t want);

/*
 * A pipe (both ends close-on-exec) and a child to talk to over it: what
 * fork() returned, or -1 with the pipe closed again.
 */
pid_t hvisd_pipe_fork(int p[2]);

/* Copy a string the kernel gave in a fixed-size field: -1 if unterminated. */
int hvisd_field_str(char *dst, size_t dst_size, const void *field, size_t field_size);

#endif
