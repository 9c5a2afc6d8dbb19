// SPDX-License-Identifier: GPL-2.0-only
/*
 * The char device between a service and its userspace daemon
 * (/dev/vmbus/hv_kvp and friends), with the semantics the upstream daemons
 * rely on: one opener, one message in flight towards the daemon, whole
 * messages per read() and write().  See include/hvis/ic_daemon.h.  Its
 * only user is the relay, in this module: nothing here is exported.
 *
 * Lifetime: the object is shared by the service (until it calls
 * hvis_ic_daemon_destroy()) and by the open file (until its release), and
 * freed with the last of the two references.  A file that outlives the
 * device only ever sees "gone" (-EBADF, EPOLLERR|EPOLLHUP), and the
 * service's callbacks are never called again once destroy has returned:
 * every callback runs under cb_sem taken for reading, destroy takes it for
 * writing after marking the device dead.
 */
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <hvis/ic_daemon.h>

struct hvis_ic_daemon {
	struct kref ref;
	struct list_head node;		/* on hvis_ic_daemons while registered */
	struct miscdevice misc;
	const struct hvis_ic_daemon_ops *ops;
	void *priv;
	size_t max_write;
	struct rw_semaphore cb_sem;	/* held for reading around each callback */
	wait_queue_head_t wait;		/* readers and pollers */
	struct mutex lock;		/* the fields below */
	bool dead;			/* destroyed: nothing works any more */
	bool open;			/* a daemon has the device */
	bool closing;			/* ... and is in its release */
	void *msg;			/* queued for the next read() */
	size_t msg_len;
	u64 msg_tag;
	u64 taken_tag;			/* being copied out; 0 once withdrawn */
	char name[];			/* "vmbus/<name>" */
};

/*
 * The devices there are, by name.  A host that offers a second channel of a
 * daemon's service would otherwise have misc_register() try the name again,
 * and sysfs dump a stack for it: the second is refused here, quietly.
 */
static DEFINE_MUTEX(hvis_ic_daemons_lock);
static LIST_HEAD(hvis_ic_daemons);

/* Put @d on the list, unless a device of its name is there. */
static int hvis_ic_daemon_claim(struct hvis_ic_daemon *d)
{
	struct hvis_ic_daemon *o;
	int ret = 0;

	mutex_lock(&hvis_ic_daemons_lock);
	list_for_each_entry(o, &hvis_ic_daemons, node)
		if (!strcmp(o->name, d->name))
			ret = -EBUSY;
	if (!ret)
		list_add_tail(&d->node, &hvis_ic_daemons);
	mutex_unlock(&hvis_ic_daemons_lock);
	return ret;
}

static void hvis_ic_daemon_unclaim(struct hvis_ic_daemon *d)
{
	mutex_lock(&hvis_ic_daemons_lock);
	list_del(&d->node);
	mutex_unlock(&hvis_ic_daemons_lock);
}

static void hvis_ic_daemon_free(struct kref *ref)
{
	struct hvis_ic_daemon *d = container_of(ref, struct hvis_ic_daemon, ref);

	kfree(d->msg);
	mutex_destroy(&d->lock);
	kfree(d);
}

static void hvis_ic_daemon_put(struct hvis_ic_daemon *d)
{
	kref_put(&d->ref, hvis_ic_daemon_free);
}

/*
 * Start a callback: false if the device is dead (the service may be gone),
 * else cb_sem is held for reading until hvis_ic_daemon_cb_end().
 */
static bool hvis_ic_daemon_cb_begin(struct hvis_ic_daemon *d)
{
	down_read(&d->cb_sem);
	if (READ_ONCE(d->dead)) {
		up_read(&d->cb_sem);
		return false;
	}
	return true;
}

static void hvis_ic_daemon_cb_end(struct hvis_ic_daemon *d)
{
	up_read(&d->cb_sem);
}

static int hvis_ic_daemon_open(struct inode *inode, struct file *file)
{
	/* misc_open() points private_data at the miscdevice it found. */
	struct miscdevice *misc = file->private_data;
	struct hvis_ic_daemon *d = container_of(misc, struct hvis_ic_daemon, misc);
	int ret = 0;

	mutex_lock(&d->lock);
	if (d->dead)
		ret = -ENODEV;
	else if (d->open)
		ret = -EBUSY;
	else
		d->open = true;
	if (!ret)
		kref_get(&d->ref);
	mutex_unlock(&d->lock);
	if (ret)
		return ret;
	file->private_data = d;
	/*
	 * Not nonseekable_open(): the upstream daemons use pread()/pwrite()
	 * at offset 0, which must keep working; offsets are simply ignored.
	 */
	return 0;
}

static int hvis_ic_daemon_release(struct inode *inode, struct file *file)
{
	struct hvis_ic_daemon *d = file->private_data;

	/*
	 * Stay "open" through on_release(), so that a new daemon cannot
	 * attach (-EBUSY) before the service has dropped this one's state.
	 */
	mutex_lock(&d->lock);
	d->closing = true;
	kfree(d->msg);
	d->msg = NULL;
	mutex_unlock(&d->lock);

	if (hvis_ic_daemon_cb_begin(d)) {
		if (d->ops->on_release)
			d->ops->on_release(d, d->priv);
		hvis_ic_daemon_cb_end(d);
	}

	mutex_lock(&d->lock);
	/* Whatever was queued during on_release() is for nobody. */
	kfree(d->msg);
	d->msg = NULL;
	d->closing = false;
	d->open = false;
	mutex_unlock(&d->lock);
	hvis_ic_daemon_put(d);
	return 0;
}

/*
 * Under d->lock, with the slot empty: @msg (@len bytes, kmalloc'ed, owned
 * by the slot from now on) is what the next read() takes.  Both a send and
 * a read that failed to copy a message out fill the slot this one way.
 */
static void hvis_ic_daemon_queue(struct hvis_ic_daemon *d, void *msg, size_t len, u64 tag)
{
	d->msg = msg;
	d->msg_len = len;
	d->msg_tag = tag;
}

/*
 * Take the queued message if @count can hold it.  Returns 0 with the
 * message in *@msg (the caller owns it), or a negative errno.
 */
static int hvis_ic_daemon_take(struct hvis_ic_daemon *d, size_t count, void **msg,
			       size_t *len, u64 *tag)
{
	int ret = 0;

	mutex_lock(&d->lock);
	if (d->dead) {
		ret = -EBADF;
	} else if (!d->msg) {
		ret = -EAGAIN;
	} else if (count < d->msg_len) {
		/* The daemon's buffer is too small; the message stays queued. */
		ret = -EINVAL;
	} else {
		*msg = d->msg;
		*len = d->msg_len;
		*tag = d->msg_tag;
		d->taken_tag = d->msg_tag;
		d->msg = NULL;
	}
	mutex_unlock(&d->lock);
	return ret;
}

static ssize_t hvis_ic_daemon_read(struct file *file, char __user *buf, size_t count,
				   loff_t *ppos)
{
	struct hvis_ic_daemon *d = file->private_data;
	void *msg = NULL;
	size_t len = 0;
	u64 tag = 0;
	int ret;

	for (;;) {
		ret = hvis_ic_daemon_take(d, count, &msg, &len, &tag);
		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			break;
		if (wait_event_interruptible(d->wait, READ_ONCE(d->msg) || READ_ONCE(d->dead)))
			return -ERESTARTSYS;
	}
	if (ret)
		return ret;

	if (copy_to_user(buf, msg, len)) {
		/*
		 * Nothing reached the daemon: put the message back unless it
		 * was withdrawn, the slot was taken or the device went meanwhile.
		 */
		mutex_lock(&d->lock);
		if (!d->dead && !d->closing && !d->msg && d->taken_tag == tag) {
			hvis_ic_daemon_queue(d, msg, len, tag);
			msg = NULL;
		}
		mutex_unlock(&d->lock);
		kfree(msg);
		return -EFAULT;
	}
	kfree(msg);

	/* The tag says which message this was, however long the copy took. */
	if (hvis_ic_daemon_cb_begin(d)) {
		if (d->ops->on_read)
			d->ops->on_read(d, d->priv, tag);
		hvis_ic_daemon_cb_end(d);
	}
	return len;
}

static ssize_t hvis_ic_daemon_write(struct file *file, const char __user *buf, size_t count,
				    loff_t *ppos)
{
	struct hvis_ic_daemon *d = file->private_data;
	void *msg;
	int ret;

	if (READ_ONCE(d->dead))
		return -EBADF;
	/* Checked before anything is copied: no service has an empty message. */
	if (!count || count > d->max_write)
		return -EINVAL;
	/* A copy of our own: the service parses it while userspace cannot change it. */
	msg = memdup_user(buf, count);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	if (hvis_ic_daemon_cb_begin(d)) {
		ret = d->ops->on_write(d, d->priv, msg, count);
		hvis_ic_daemon_cb_end(d);
	} else {
		ret = -EBADF;
	}
	kfree(msg);
	return ret ? ret : count;
}

static __poll_t hvis_ic_daemon_poll(struct file *file, poll_table *wait)
{
	struct hvis_ic_daemon *d = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &d->wait, wait);
	mutex_lock(&d->lock);
	if (d->dead)
		mask = EPOLLERR | EPOLLHUP;
	else if (d->msg)
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&d->lock);
	return mask;
}

static const struct file_operations hvis_ic_daemon_fops = {
	.owner		= THIS_MODULE,
	.open		= hvis_ic_daemon_open,
	.release	= hvis_ic_daemon_release,
	.read		= hvis_ic_daemon_read,
	.write		= hvis_ic_daemon_write,
	.poll		= hvis_ic_daemon_poll,
	.llseek		= noop_llseek,
};

struct hvis_ic_daemon *hvis_ic_daemon_create(const char *name, size_t max_write,
					     const struct hvis_ic_daemon_ops *ops, void *priv)
{
	static const char prefix[] = "vmbus/";
	struct hvis_ic_daemon *d;
	size_t size;
	int ret;

	if (!name || !*name || !ops || !ops->on_write || !max_write)
		return ERR_PTR(-EINVAL);
	size = sizeof(prefix) + strlen(name);
	d = kzalloc(struct_size(d, name, size), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	kref_init(&d->ref);
	init_rwsem(&d->cb_sem);
	init_waitqueue_head(&d->wait);
	mutex_init(&d->lock);
	d->ops = ops;
	d->priv = priv;
	d->max_write = max_write;
	snprintf(d->name, size, "%s%s", prefix, name);
	/* The '/' makes devtmpfs and udev put the node under /dev/vmbus/. */
	d->misc.name = d->name;
	d->misc.minor = MISC_DYNAMIC_MINOR;
	d->misc.fops = &hvis_ic_daemon_fops;
	d->misc.mode = 0600;

	ret = hvis_ic_daemon_claim(d);
	if (ret) {
		hvis_ic_daemon_put(d);
		return ERR_PTR(ret);
	}
	ret = misc_register(&d->misc);
	if (ret) {
		pr_err("cannot create /dev/%s: %d\n", d->name, ret);
		hvis_ic_daemon_unclaim(d);
		hvis_ic_daemon_put(d);
		return ERR_PTR(ret);
	}
	return d;
}

void hvis_ic_daemon_destroy(struct hvis_ic_daemon *d)
{
	if (IS_ERR_OR_NULL(d))
		return;
	/* No new opener after this (misc_open() runs under misc's own lock). */
	misc_deregister(&d->misc);
	hvis_ic_daemon_unclaim(d);

	mutex_lock(&d->lock);
	d->dead = true;
	kfree(d->msg);
	d->msg = NULL;
	mutex_unlock(&d->lock);
	wake_up_interruptible_all(&d->wait);

	/* Callbacks already running finish; none starts any more. */
	down_write(&d->cb_sem);
	up_write(&d->cb_sem);
	hvis_ic_daemon_put(d);
}

int hvis_ic_daemon_send(struct hvis_ic_daemon *d, const void *msg, size_t len, u64 tag)
{
	void *copy;
	int ret = 0;

	if (!len)
		return -EINVAL;
	copy = kmemdup(msg, len, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;

	mutex_lock(&d->lock);
	if (d->dead || !d->open || d->closing) {
		ret = -ENOTCONN;
	} else if (d->msg) {
		ret = -EBUSY;
	} else {
		hvis_ic_daemon_queue(d, copy, len, tag);
		copy = NULL;
	}
	mutex_unlock(&d->lock);
	kfree(copy);
	if (!ret)
		wake_up_interruptible(&d->wait);
	return ret;
}

bool hvis_ic_daemon_cancel(struct hvis_ic_daemon *d, u64 tag)
{
	void *msg = NULL;

	mutex_lock(&d->lock);
	if (d->msg && d->msg_tag == tag) {
		msg = d->msg;
		d->msg = NULL;
	}
	if (d->taken_tag == tag)
		d->taken_tag = 0;
	mutex_unlock(&d->lock);
	kfree(msg);
	return msg;
}
