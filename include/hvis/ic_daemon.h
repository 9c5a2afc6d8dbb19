/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The char device between a service (KVP, VSS, file copy) and its daemon:
 * /dev/vmbus/<name>, the upstream interface that Debian's hyperv-daemons
 * speak (shared/reference/protocol.md §6).
 *
 * - One opener at a time (-EBUSY), root only (mode 0600).
 * - read() returns exactly one whole message the service queued with
 *   hvis_ic_daemon_send(); -EINVAL if the buffer is smaller; blocks until
 *   there is one (O_NONBLOCK: -EAGAIN); -EBADF once the device is going.
 * - write() hands the whole buffer to the service's on_write(); its result
 *   is write()'s (the byte count on success).  Sizes are checked against
 *   max_write before anything is copied.
 * - poll(): EPOLLIN when a message waits, EPOLLERR|EPOLLHUP when going.
 * - release(): the queued message is dropped and on_release() runs, so
 *   the service can fail the host transaction the daemon had.
 *
 * Callbacks run in process context without the transport's lock held; a
 * service serialises its own state.
 */
#ifndef _HVIS_IC_DAEMON_H
#define _HVIS_IC_DAEMON_H

#include <linux/types.h>

#include <hvis/utf.h>	/* the daemons' strings */

struct hvis_ic_daemon;

struct hvis_ic_daemon_ops {
	/* A write() of @len bytes (at most max_write): 0 or a negative errno. */
	int (*on_write)(struct hvis_ic_daemon *d, void *priv, const void *buf, size_t len);
	/* The daemon has read the message queued last (registration ends so). */
	void (*on_read)(struct hvis_ic_daemon *d, void *priv);
	/* The daemon closed the device (or died). */
	void (*on_release)(struct hvis_ic_daemon *d, void *priv);
};

/*
 * Create /dev/vmbus/@name.  @max_write bounds what one write() may carry.
 * Returns the device or an ERR_PTR.
 */
struct hvis_ic_daemon *hvis_ic_daemon_create(const char *name, size_t max_write,
					     const struct hvis_ic_daemon_ops *ops, void *priv);
/* Remove it: a blocked reader gets -EBADF; waits for callbacks to finish. */
void hvis_ic_daemon_destroy(struct hvis_ic_daemon *d);

/*
 * Queue one message for the daemon's next read() (copied).  -EBUSY if the
 * last one is still unread, -ENOTCONN if no daemon has the device open.
 */
int hvis_ic_daemon_send(struct hvis_ic_daemon *d, const void *msg, size_t len);

/* Whether a daemon has the device open. */
bool hvis_ic_daemon_attached(struct hvis_ic_daemon *d);

/*
 * Drop the queued message if the daemon has not read it yet (a request
 * that timed out must not reach it later).  Returns whether one was
 * dropped.
 */
bool hvis_ic_daemon_cancel(struct hvis_ic_daemon *d);

#endif /* _HVIS_IC_DAEMON_H */
