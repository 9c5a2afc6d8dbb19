/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The char device between a service (KVP, VSS, file copy) and its daemon:
 * /dev/vmbus/<name>, the upstream interface that Debian's hyperv-daemons
 * speak (shared/reference/protocol.md §6).  Inside hvis_ic: the relay
 * (drivers/ic/relay.c) is its only user.
 *
 * - One opener at a time (-EBUSY), root only (mode 0600).
 * - read() returns exactly one whole message queued with
 *   hvis_ic_daemon_send(); -EINVAL if the buffer is smaller; blocks until
 *   there is one (O_NONBLOCK: -EAGAIN); -EBADF once the device is going.
 * - write() hands the whole buffer to on_write(); its result is write()'s
 *   (the byte count on success).  Sizes are checked against max_write
 *   before anything is copied.
 * - poll(): EPOLLIN when a message waits, EPOLLERR|EPOLLHUP when going.
 * - release(): the queued message is dropped and on_release() runs, so
 *   the relay can fail the host transaction the daemon had.
 *
 * Every message carries the tag its sender gave it, and on_read() says
 * which message the daemon has read: a read that stalls while copying a
 * message out (a fault on the daemon's buffer) can end after that message
 * was withdrawn and another queued, and must not be taken for a read of
 * the newer one.
 *
 * Callbacks run in process context without the device's lock held.
 */
#ifndef _HVIS_IC_DAEMON_H
#define _HVIS_IC_DAEMON_H

#include <linux/types.h>

#include <hvis/utf.h>	/* the daemons' strings */

struct hvis_ic_daemon;

struct hvis_ic_daemon_ops {
	/* A write() of @len bytes (at most max_write): 0 or a negative errno. */
	int (*on_write)(struct hvis_ic_daemon *d, void *priv, const void *buf, size_t len);
	/* The daemon has read the message queued with @tag. */
	void (*on_read)(struct hvis_ic_daemon *d, void *priv, u64 tag);
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
 * Queue one message for the daemon's next read() (copied), with @tag.
 * -EBUSY if the last one is still unread, -ENOTCONN if no daemon has the
 * device open.
 */
int hvis_ic_daemon_send(struct hvis_ic_daemon *d, const void *msg, size_t len, u64 tag);

/*
 * Withdraw the message @tag: dropped if the daemon has not read it yet (a
 * request that timed out must not reach it later), and never put back by
 * a read that fails to copy it out.  Returns whether it was dropped.
 */
bool hvis_ic_daemon_cancel(struct hvis_ic_daemon *d, u64 tag);

#endif /* _HVIS_IC_DAEMON_H */
