// SPDX-License-Identifier: GPL-2.0-only
/*
 * The raw host endpoint, debugfs hvis_sim/raw: a test attaches it to an
 * open channel (HVSIM_IOC_ATTACH) and then plays the host on it byte by
 * byte, in the place of the channel's own client: read() takes one packet
 * from the guest's send ring, write() puts one into its receive ring.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <hvis/vmbus_wire.h>
#include <uapi/hvis/hvsim.h>

#include "chan.h"
#include "sim.h"

#define SIM_RAW_MAX_BYTES	(1024 * PAGE_SIZE)

static DECLARE_WAIT_QUEUE_HEAD(sim_raw_wait);

struct sim_raw {
	u32 relid;	/* 0 until attached */
};

static struct sim_chan *sim_raw_chan(struct sim_raw *r)
{
	struct sim_chan *c = sim_chan_get(r->relid);

	return c && c->open && c->attached == &sim_raw_client ? c : NULL;
}

static void sim_raw_wake(struct sim_chan *c)
{
	WRITE_ONCE(c->raw_seq, c->raw_seq + 1);
	wake_up_interruptible(&sim_raw_wait);
}

/* Attached in the channel client's place: closing and signals wake readers. */
const struct sim_chan_client sim_raw_client = {
	.closed		= sim_raw_wake,
	.signalled	= sim_raw_wake,
};

static int sim_raw_open(struct inode *inode, struct file *file)
{
	struct sim_raw *r = kzalloc(sizeof(*r), GFP_KERNEL);

	file->private_data = r;
	return r ? 0 : -ENOMEM;
}

static int sim_raw_release(struct inode *inode, struct file *file)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;

	mutex_lock(&sim_chan_lock);
	c = sim_chan_get(r->relid);
	if (c) {
		c->attached = NULL;
		/* Whatever waits in the ring goes to the channel's own client. */
		if (c->open)
			schedule_work(&c->work);
	}
	mutex_unlock(&sim_chan_lock);
	kfree(r);
	return 0;
}

static long sim_raw_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	u32 relid;
	int ret = 0;

	if (cmd != HVSIM_IOC_ATTACH)
		return -ENOTTY;
	if (copy_from_user(&relid, (void __user *)arg, sizeof(relid)))
		return -EFAULT;
	if (!relid || relid > SIM_MAX_OFFERS || r->relid)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	c = sim_chan_get(relid);
	if (!c->open)
		ret = -ENOTCONN;
	else if (c->attached)
		ret = -EBUSY;
	else
		c->attached = &sim_raw_client;
	mutex_unlock(&sim_chan_lock);
	if (!ret) {
		r->relid = relid;
		sim_log("raw endpoint attached to relid %u", relid);
	}
	return ret;
}

/* One packet from the guest's send ring, or -EAGAIN. Under sim_chan_lock. */
static ssize_t sim_raw_take(struct sim_chan *c, char __user *ubuf, size_t len)
{
	struct hvis_pkt_desc d;
	u32 rd, total;
	int ret;

	ret = sim_ring_peek(&c->from_guest, &d, &rd, &total);
	if (ret)
		return ret;
	if (len < total)
		return -EMSGSIZE;
	sim_ring_get(&c->from_guest, rd, c->buf, total);
	sim_cap_pkt(0, HVCAP_G2H, c->relid, c->buf, total);
	if (copy_to_user(ubuf, c->buf, total))
		return -EFAULT;
	if (sim_ring_consume(&c->from_guest, rd, total))
		sim_chan_signal_guest(c);
	return total;
}

static ssize_t sim_raw_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	unsigned int seq;
	ssize_t ret;

	if (!r->relid)
		return -ENOTCONN;
	/* The array outlives every file: @c stays a valid pointer. */
	c = sim_chan_get(r->relid);
	for (;;) {
		mutex_lock(&sim_chan_lock);
		seq = c->raw_seq;
		ret = sim_raw_chan(r) ? sim_raw_take(c, ubuf, len) : -ENOTCONN;
		mutex_unlock(&sim_chan_lock);
		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			return ret;
		if (wait_event_interruptible(sim_raw_wait, READ_ONCE(c->raw_seq) != seq))
			return -ERESTARTSYS;
	}
}

static ssize_t sim_raw_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	bool signal;
	ssize_t ret = len;
	int err;

	if (len < sizeof(struct hvis_pkt_desc) || len % 8 || len > SIM_RAW_MAX_BYTES)
		return -EINVAL;
	mutex_lock(&sim_chan_lock);
	c = sim_raw_chan(r);
	if (!c) {
		ret = -ENOTCONN;
		goto out;
	}
	if (len + HVIS_PKT_TRAILER >= c->to_guest.size) {
		ret = -EAGAIN;	/* larger than the ring (and c->buf): never fits */
		goto out;
	}
	if (copy_from_user(c->buf, ubuf, len)) {
		ret = -EFAULT;
		goto out;
	}
	err = sim_ring_write(&c->to_guest, c->buf, len, &signal);
	sim_cap_pkt(err, HVCAP_H2G, c->relid, c->buf, len);
	if (err) {
		ret = err;
		goto out;
	}
	if (signal)
		sim_chan_signal_guest(c);
	sim_log("H->G raw packet of %zu bytes on relid %u", len, c->relid);
out:
	mutex_unlock(&sim_chan_lock);
	return ret;
}

static __poll_t sim_raw_poll(struct file *file, poll_table *wait)
{
	struct sim_raw *r = file->private_data;
	struct sim_chan *c;
	__poll_t mask = 0;

	poll_wait(file, &sim_raw_wait, wait);
	mutex_lock(&sim_chan_lock);
	c = sim_raw_chan(r);
	if (!c)
		mask = EPOLLERR;
	else if (READ_ONCE(c->from_guest.ctl->write_index) !=
		 READ_ONCE(c->from_guest.ctl->read_index))
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&sim_chan_lock);
	return mask | EPOLLOUT;
}

static const struct file_operations sim_raw_fops = {
	.owner		= THIS_MODULE,
	.open		= sim_raw_open,
	.release	= sim_raw_release,
	.read		= sim_raw_read,
	.write		= sim_raw_write,
	.poll		= sim_raw_poll,
	.unlocked_ioctl	= sim_raw_ioctl,
	.llseek		= noop_llseek,
};

void sim_raw_debugfs(struct dentry *dir)
{
	debugfs_create_file("raw", 0600, dir, NULL, &sim_raw_fops);
}
