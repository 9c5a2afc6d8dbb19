// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-vss-daemon: freezes the guest's filesystems for a host backup
 * (FREEZE), and thaws them (THAW), on the kernel's requests through
 * /dev/vmbus/hv_vss.
 *
 * A filesystem left frozen hangs every writer in the guest, so thawing
 * does not depend on the host alone:
 *  - no THAW within the timeout (-t): we thaw and say so;
 *  - SIGTERM, SIGINT, SIGHUP, or the device going away while frozen: we
 *    thaw first;
 *  - kill -9: a watchdog child, forked for each freeze, holds the same
 *    descriptors; it thaws at once when its pipe from us closes without
 *    the "thawed" word, and after the timeout in any case.
 * While anything is frozen nothing is logged: the lines are held in
 * memory and written after the thaw (stderr or syslog may well end up
 * in a file on a frozen filesystem).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <hvis/hv_daemon.h>
#include "hvisd.h"

#define DEFAULT_TIMEOUT 300

struct mnt {
	char *path;
	int fd;
	int err;		/* why it could not be opened, or 0 */
	bool frozen;
};

static int vss_register(struct hvisd *dev);
static struct hvisd d = HVISD_INIT("hvis-vss-daemon", "/dev/vmbus/hv_vss", vss_register);

static unsigned int timeout_s = DEFAULT_TIMEOUT;
static const char *mounts_file = "/proc/self/mounts";
static bool mounts_file_set;		/* -M */
static const char **only;		/* -m, or NULL: every freezable one */
static unsigned int only_count;
static const char *fake;		/* -X: note freezes in this file instead */
static int fake_fd = -1;		/* that file, open */
static const char *role = "daemon";	/* or "watchdog", in the child */

/* The current freeze: what we opened, which are frozen. */
static struct mnt *mnts;
static unsigned int mnt_count;
static bool frozen;
static bool watchdog_fired;		/* thawed by timeout: the backup is not consistent */
static struct timespec deadline;
static pid_t child = -1;
static int child_pipe = -1;

/*
 * What the child reads: the index of a filesystem that is (about to be)
 * frozen, or that index with CHILD_UNMARK (it could not be frozen after
 * all), or CHILD_DONE.  Announcing before the FIFREEZE leaves no moment in
 * which a filesystem is frozen and the child does not know it.
 */
#define CHILD_UNMARK	0x80000000u
#define CHILD_DONE	0xffffffffu

/* Types that cannot be frozen or must not be touched (a dead server hangs open()). */
static const char *const skip_types[] = {
	"autofs", "binfmt_misc", "bpf", "ceph", "cifs", "configfs", "debugfs",
	"devpts", "devtmpfs", "efivarfs", "fuse", "fusectl", "hugetlbfs", "mqueue",
	"nfs", "nfs4", "nfsd", "overlay", "proc", "pstore", "ramfs", "rootfs",
	"rpc_pipefs", "securityfs", "selinuxfs", "smb3", "squashfs", "sysfs",
	"tmpfs", "tracefs", "virtiofs", "9p",
};

static bool skip_type(const char *type)
{
	unsigned int i;

	if (!strncmp(type, "cgroup", 6) || !strncmp(type, "fuse.", 5))
		return true;
	for (i = 0; i < ARRAY_SIZE(skip_types); i++)
		if (!strcmp(type, skip_types[i]))
			return true;
	return false;
}

static void add_candidate(const char *path)
{
	struct mnt *m = realloc(mnts, (mnt_count + 1) * sizeof(*m));

	if (!m)
		return;
	mnts = m;
	m[mnt_count].path = strdup(path);
	m[mnt_count].fd = -1;
	m[mnt_count].err = 0;
	m[mnt_count].frozen = false;
	if (m[mnt_count].path)
		mnt_count++;
}

static void free_mounts(void)
{
	unsigned int i;

	for (i = 0; i < mnt_count; i++) {
		if (mnts[i].fd >= 0)
			close(mnts[i].fd);
		free(mnts[i].path);
	}
	free(mnts);
	mnts = NULL;
	mnt_count = 0;
}

/* What to freeze, "/" last: its writers are the likeliest to wait on others. */
static int list_mounts(void)
{
	struct mntent *e;
	bool root = false;
	unsigned int i;
	FILE *f;

	if (only) {
		for (i = 0; i < only_count; i++) {
			if (!strcmp(only[i], "/"))
				root = true;
			else
				add_candidate(only[i]);
		}
	} else {
		f = setmntent(mounts_file, "re");
		if (!f) {
			hvisd_log(LOG_ERR, "%s: %s", mounts_file, strerror(errno));
			return -1;
		}
		while ((e = getmntent(f))) {
			if (skip_type(e->mnt_type) || hasmntopt(e, "ro"))
				continue;
			if (!strcmp(e->mnt_dir, "/"))
				root = true;
			else
				add_candidate(e->mnt_dir);
		}
		endmntent(f);
	}
	if (root)
		add_candidate("/");
	return 0;
}

/*
 * Open every candidate.  One that cannot be opened fails the freeze when
 * its turn comes.  A filesystem mounted twice (bind mounts) is frozen once,
 * or the second FIFREEZE would fail with EBUSY: duplicates are closed and
 * left with fd -1 and err 0.
 */
static int open_mounts(void)
{
	struct stat st;
	dev_t *seen;
	unsigned int i, j, n = 0;

	seen = calloc(mnt_count ? mnt_count : 1, sizeof(*seen));
	if (!seen)
		return -1;
	for (i = 0; i < mnt_count; i++) {
		mnts[i].fd = open(mnts[i].path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (mnts[i].fd < 0 || fstat(mnts[i].fd, &st) < 0) {
			mnts[i].err = errno;
			if (mnts[i].fd >= 0)
				close(mnts[i].fd);
			mnts[i].fd = -1;
			continue;
		}
		for (j = 0; j < n && seen[j] != st.st_dev; j++)
			;
		if (j < n) {
			close(mnts[i].fd);
			mnts[i].fd = -1;
		} else {
			seen[n++] = st.st_dev;
		}
	}
	free(seen);
	return 0;
}

static void fake_note(const char *what, const char *path)
{
	char line[PATH_MAX + 64];
	int n = snprintf(line, sizeof(line), "%s %s %s\n", what, path, role);

	if (n > 0 && write(fake_fd, line, n) < 0)
		hvisd_log(LOG_WARNING, "-X: %s", strerror(errno));
}

static int freeze_one(struct mnt *m)
{
	if (fake_fd >= 0) {
		fake_note("freeze", m->path);
		return 0;
	}
	return ioctl(m->fd, FIFREEZE, 0);
}

static int thaw_one(struct mnt *m)
{
	if (fake_fd >= 0) {
		fake_note("thaw", m->path);
		return 0;
	}
	return ioctl(m->fd, FITHAW, 0);
}

/*
 * Thaw what is marked frozen (in reverse order) and emit the held log
 * lines once nothing is frozen any more.
 */
static void thaw_all(const char *why)
{
	unsigned int i, n = 0;

	hvisd_log_hold(true);
	for (i = mnt_count; i-- > 0; ) {
		if (!mnts[i].frozen)
			continue;
		/* EINVAL: not frozen (any more), which is what we want. */
		if (thaw_one(&mnts[i]) < 0 && errno != EINVAL)
			hvisd_log(LOG_ERR, "cannot thaw %s: %s", mnts[i].path, strerror(errno));
		mnts[i].frozen = false;
		n++;
	}
	if (n)
		hvisd_log(LOG_NOTICE, "%s: thawed %u filesystem%s", why, n, n == 1 ? "" : "s");
	hvisd_log_hold(false);
}

static void monotonic_after(struct timespec *t, unsigned int s)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += s;
}

/* Milliseconds until @t, at least 0, at most INT_MAX. */
static int ms_until(const struct timespec *t)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (t->tv_sec - now.tv_sec) * 1000LL + (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * The watchdog child.  It learns from the pipe which filesystems are
 * frozen; CHILD_DONE means the daemon thawed them.  End of file without
 * it means the daemon is gone: thaw now.  The timeout is one second
 * longer than the daemon's own, which normally acts first.
 */
static void __attribute__((noreturn)) watchdog(int rfd)
{
	struct timespec until;
	const char *why = NULL;
	uint32_t v;
	ssize_t n;
	int r;

	role = "watchdog";
	hvisd_log_forget();
	hvisd_disconnect(&d);
	if (d.test_fd >= 0)
		close(d.test_fd);
	until = deadline;
	until.tv_sec++;
	while (!why) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };

		r = poll(&p, 1, ms_until(&until));
		if (hvisd_stop) {
			why = "watchdog stopped by a signal";
		} else if (r == 0) {
			why = "watchdog: no THAW in time";
		} else if (r > 0) {
			n = read(rfd, &v, sizeof(v));
			if (n == sizeof(v) && v == CHILD_DONE)
				_exit(0);
			if (n == sizeof(v) && (v & ~CHILD_UNMARK) < mnt_count)
				mnts[v & ~CHILD_UNMARK].frozen = !(v & CHILD_UNMARK);
			else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				why = "watchdog: the daemon is gone while frozen";
		}
	}
	thaw_all(why);
	_exit(0);
}

static int start_watchdog(void)
{
	int p[2];

	child = hvisd_pipe_fork(p);
	if (child < 0)
		return -1;
	if (child == 0) {
		close(p[1]);
		watchdog(p[0]);
	}
	close(p[0]);
	child_pipe = p[1];
	return 0;
}

static void tell_watchdog(uint32_t v)
{
	/*
	 * 4 bytes into a pipe are written whole.  EPIPE: the child has
	 * already thawed and gone, nothing to tell.
	 */
	if (child_pipe >= 0 && write(child_pipe, &v, sizeof(v)) < 0 && errno != EPIPE)
		hvisd_log(LOG_WARNING, "watchdog pipe: %s", strerror(errno));
}

static void stop_watchdog(void)
{
	if (child < 0)
		return;
	tell_watchdog(CHILD_DONE);
	close(child_pipe);
	child_pipe = -1;
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	child = -1;
}

/* Thaw, end the watchdog, forget the freeze. */
static void end_freeze(const char *why)
{
	thaw_all(why);
	stop_watchdog();
	free_mounts();
	frozen = false;
}

static int32_t do_freeze(void)
{
	unsigned int i, n = 0;

	if (frozen) {
		hvisd_log(LOG_WARNING, "FREEZE while frozen: nothing to do");
		return HVISD_S_OK;
	}
	watchdog_fired = false;
	if (list_mounts() < 0 || open_mounts() < 0) {
		hvisd_log(LOG_ERR, "FREEZE: cannot list the filesystems");
		free_mounts();
		return HVISD_E_FAIL;
	}
	/* The clock runs from the first freeze; the watchdog exists before it. */
	monotonic_after(&deadline, timeout_s);
	if (start_watchdog() < 0) {
		hvisd_log(LOG_ERR, "cannot start the watchdog: %s", strerror(errno));
		free_mounts();
		return HVISD_E_FAIL;
	}
	hvisd_log_hold(true);
	for (i = 0; i < mnt_count; i++) {
		if (hvisd_stop) {
			end_freeze("stopped while freezing");
			return HVISD_E_FAIL;
		}
		if (mnts[i].err) {
			hvisd_log(LOG_ERR, "cannot open %s: %s", mnts[i].path,
				  strerror(mnts[i].err));
			end_freeze("FREEZE failed");
			return HVISD_E_FAIL;
		}
		if (mnts[i].fd < 0)
			continue;
		tell_watchdog(i);
		if (freeze_one(&mnts[i]) < 0) {
			int err = errno;

			tell_watchdog(i | CHILD_UNMARK);
			if (err == EOPNOTSUPP || err == ENOTTY) {
				hvisd_log(LOG_INFO, "%s cannot be frozen, skipped", mnts[i].path);
				continue;
			}
			hvisd_log(LOG_ERR, "cannot freeze %s: %s", mnts[i].path, strerror(err));
			end_freeze("FREEZE failed");
			return HVISD_E_FAIL;
		}
		mnts[i].frozen = true;
		n++;
	}
	if (!n) {
		hvisd_log(LOG_INFO, "FREEZE: nothing to freeze");
		end_freeze("FREEZE");
		return HVISD_S_OK;
	}
	hvisd_log(LOG_INFO, "froze %u filesystem%s; thawing in %u s unless THAW comes",
		  n, n == 1 ? "" : "s", timeout_s);
	frozen = true;
	return HVISD_S_OK;
}

static int32_t do_thaw(void)
{
	if (frozen) {
		end_freeze("THAW");
		return HVISD_S_OK;
	}
	if (watchdog_fired) {
		/* The host's snapshot may postdate our thaw: tell it. */
		watchdog_fired = false;
		hvisd_log(LOG_WARNING, "THAW after the watchdog had already thawed");
		return HVISD_E_FAIL;
	}
	return HVISD_S_OK;
}

static int32_t handle(const struct hvis_vss_msg *m, ssize_t len)
{
	if (len < (ssize_t)sizeof(*m)) {
		hvisd_log(LOG_WARNING, "request of %zd bytes, expected %zu", len, sizeof(*m));
		return HVISD_E_FAIL;
	}
	switch (m->hdr.operation) {
	case HVIS_VSS_OP_FREEZE:
		return do_freeze();
	case HVIS_VSS_OP_THAW:
		return do_thaw();
	case HVIS_VSS_OP_HOT_BACKUP:
		/* Online backup is always possible: freezing needs no preparation. */
		return HVISD_S_OK;
	default:
		hvisd_log(LOG_WARNING, "unknown operation %u", m->hdr.operation);
		return HVISD_E_FAIL;
	}
}

static int vss_register(struct hvisd *dev)
{
	struct hvis_vss_msg m = { .hdr.operation = HVIS_VSS_OP_REGISTER1 };
	uint32_t answer[2];

	if (hvisd_handshake(dev, &m, sizeof(m), answer, sizeof(answer), sizeof(answer[0])) < 0)
		return -1;
	if (answer[0] != HVIS_VSS_OP_REGISTER1)
		hvisd_log(LOG_WARNING, "%s answered registration with %u", dev->dev_path, answer[0]);
	hvisd_log(LOG_INFO, "registered with %s", dev->dev_path);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvis-vss-daemon [OPTIONS]\n"
		"Freezes and thaws the filesystems for the Hyper-V host's backups.\n"
		"  -t SECONDS  thaw anyway if no THAW comes this long after a FREEZE\n"
		"              (default %d; the host itself waits up to 15 minutes)\n"
		"  -m DIR      freeze only the filesystem mounted at DIR (repeatable)\n"
		"              instead of every writable local one\n"
		"  -X FILE     testing: do not freeze; append \"freeze|thaw DIR WHO\" lines\n"
		"              to FILE instead\n"
		"  -M FILE     testing, with -X only: the mount table to read\n"
		HVISD_COMMON_USAGE,
		DEFAULT_TIMEOUT, "/dev/vmbus/hv_vss");
}

static int vss_opt(int opt, const char *arg)
{
	unsigned long v;
	char *end;

	switch (opt) {
	case 't':
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || *end || v < 1 || v > 86400) {
			fprintf(stderr, "hvis-vss-daemon: -t wants 1..86400 seconds\n");
			return 2;
		}
		timeout_s = v;
		break;
	case 'm':
		only = realloc(only, (only_count + 1) * sizeof(*only));
		if (!only)
			return 1;
		only[only_count++] = arg;
		break;
	case 'X':
		fake = arg;
		break;
	case 'M':
		mounts_file = arg;
		mounts_file_set = true;
		break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	union {
		struct hvis_vss_msg m;
		char raw[256];
	} buf;
	ssize_t n;

	hvisd_options(&d, argc, argv, "t:m:X:M:", vss_opt, usage);
	/* A test must never freeze the machine it runs on. */
	if ((mounts_file_set && !fake) || (d.test_fd >= 0 && !fake && !only)) {
		fprintf(stderr, "hvis-vss-daemon: -M needs -X, and -F needs -X or -m\n");
		return 2;
	}
	if (fake) {
		fake_fd = open(fake, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fake_fd < 0) {
			fprintf(stderr, "hvis-vss-daemon: %s: %s\n", fake, strerror(errno));
			return 1;
		}
	}
	hvisd_log_init(d.name, d.foreground);
	hvisd_signals();
	hvisd_start(&d);

	while (!hvisd_stop) {
		n = hvisd_recv(&d, &buf, sizeof(buf), frozen ? ms_until(&deadline) : -1);
		/* Past the deadline even a THAW that just came is too late. */
		if (frozen && !ms_until(&deadline)) {
			watchdog_fired = true;
			end_freeze("no THAW in time");
		} else if (frozen && n < 0) {
			end_freeze("device gone while frozen");
		}
		if (n < 0 && hvisd_reconnect(&d) < 0)
			return 1;
		if (n <= 0)
			continue;
		buf.m.error = handle(&buf.m, n);
		hvisd_send(&d, &buf.m, sizeof(buf.m));
	}
	if (frozen)
		end_freeze("stopping");
	hvisd_log(LOG_INFO, "stopped by signal %d", (int)hvisd_stop);
	return 0;
}
