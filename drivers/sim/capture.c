// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulator's wire capture: every channel message and every ring
 * packet that crosses between host and guest, both ways, with its bytes,
 * into one preallocated buffer.  The record format is in
 * include/uapi/hvis/hvcap.h; hvsim capture start|stop|dump drives the
 * debugfs file hvis_sim/capture, and hvcapdiff compares two dumps.
 *
 * Writing "start" there (re)starts an empty capture, "stop" ends it,
 * "clear" empties it; reading it returns the dump of a stopped capture.
 * hvis_sim/capture_stats says in text whether it runs and how full it is.
 *
 * Recording happens where the host already holds its locks, sometimes
 * with interrupts off (HvPostMessage), so it only copies bytes into the
 * buffer under a spinlock of its own and never allocates.  A record that
 * does not fit is dropped and counted: the buffer is bounded and the
 * beginning of a capture is what a comparison needs.  With the capture
 * off the hooks in sim.h cost one flag read.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "sim.h"

#define SIM_CAP_SIZE	(4U << 20)	/* bytes of records, at most */

bool sim_cap_on;

static struct {
	spinlock_t lock;	/* the fields below while capturing */
	u8 *buf;		/* SIM_CAP_SIZE, allocated on the first start */
	u32 used;
	u32 records;
	u32 dropped;
	u64 t0;
} cap = { .lock = __SPIN_LOCK_UNLOCKED(cap.lock) };

static DEFINE_MUTEX(cap_mutex);	/* start, stop, clear and dump */

void __sim_cap_record(u8 kind, u8 dir, u32 id, const void *bytes, u32 len)
{
	u32 caplen = min_t(u32, len, HVCAP_MAX_BYTES);
	u32 rec_len = ALIGN(sizeof(struct hvcap_rec) + caplen, 8);
	struct hvcap_rec *r;
	unsigned long flags;

	spin_lock_irqsave(&cap.lock, flags);
	/* Checked again under the lock: a stopped capture takes nothing. */
	if (!READ_ONCE(sim_cap_on))
		goto out;
	if (rec_len > SIM_CAP_SIZE - cap.used) {
		cap.dropped++;
		goto out;
	}
	r = (struct hvcap_rec *)(cap.buf + cap.used);
	memset(r, 0, rec_len);
	r->rec_len = rec_len;
	r->kind = kind;
	r->dir = dir;
	r->id = id;
	r->len = len;
	r->caplen = caplen;
	r->seq = cap.records++;
	r->time_ns = ktime_get_ns() - cap.t0;
	memcpy(r + 1, bytes, caplen);
	cap.used += rec_len;
out:
	spin_unlock_irqrestore(&cap.lock, flags);
}

static void sim_cap_set(bool on, bool empty)
{
	unsigned long flags;

	spin_lock_irqsave(&cap.lock, flags);
	if (empty) {
		cap.used = 0;
		cap.records = 0;
		cap.dropped = 0;
		cap.t0 = ktime_get_ns();
	}
	WRITE_ONCE(sim_cap_on, on);
	spin_unlock_irqrestore(&cap.lock, flags);
}

static ssize_t sim_cap_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	char cmd[16];
	size_t n = min(len, sizeof(cmd) - 1);
	int ret = 0;

	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = 0;
	strim(cmd);
	mutex_lock(&cap_mutex);
	if (!strcmp(cmd, "start")) {
		if (!cap.buf)
			cap.buf = vmalloc(SIM_CAP_SIZE);
		if (cap.buf)
			sim_cap_set(true, true);
		else
			ret = -ENOMEM;
	} else if (!strcmp(cmd, "stop")) {
		sim_cap_set(false, false);
	} else if (!strcmp(cmd, "clear")) {
		sim_cap_set(READ_ONCE(sim_cap_on), true);
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&cap_mutex);
	if (!ret)
		sim_log("capture %s", cmd);
	return ret ? ret : len;
}

/* The dump: a file header made up on the fly, then the records as they lie. */
static ssize_t sim_cap_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct hvcap_file_hdr h = { .hdr_size = sizeof(h) };
	loff_t pos = *ppos;
	ssize_t done = 0;
	size_t n;

	mutex_lock(&cap_mutex);
	if (READ_ONCE(sim_cap_on)) {
		done = -EBUSY;	/* stop it first: the buffer is still filling */
		goto out;
	}
	memcpy(h.magic, HVCAP_MAGIC, sizeof(h.magic));
	h.records = cap.records;
	h.dropped = cap.dropped;
	h.bytes = cap.buf ? cap.used : 0;
	if (pos < sizeof(h)) {
		n = min_t(size_t, len, sizeof(h) - pos);
		if (copy_to_user(ubuf, (u8 *)&h + pos, n)) {
			done = -EFAULT;
			goto out;
		}
		done = n;
		pos += n;
	}
	if (done < len && pos >= sizeof(h) && pos - sizeof(h) < h.bytes) {
		n = min_t(size_t, len - done, h.bytes - (pos - sizeof(h)));
		if (copy_to_user(ubuf + done, cap.buf + (pos - sizeof(h)), n)) {
			done = done ? done : -EFAULT;
			goto out;
		}
		done += n;
		pos += n;
	}
	*ppos = pos;
out:
	mutex_unlock(&cap_mutex);
	return done;
}

static const struct file_operations sim_cap_fops = {
	.owner	= THIS_MODULE,
	.read	= sim_cap_read,
	.write	= sim_cap_write,
	.llseek	= default_llseek,
};

static int sim_cap_stats_show(struct seq_file *s, void *unused)
{
	unsigned long flags;
	u32 used, records, dropped;
	bool on;

	spin_lock_irqsave(&cap.lock, flags);
	on = READ_ONCE(sim_cap_on);
	used = cap.used;
	records = cap.records;
	dropped = cap.dropped;
	spin_unlock_irqrestore(&cap.lock, flags);
	seq_printf(s, "%s records %u dropped %u bytes %u size %u\n", on ? "on" : "off",
		   records, dropped, used, SIM_CAP_SIZE);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_cap_stats);

void sim_cap_debugfs(struct dentry *dir)
{
	debugfs_create_file("capture", 0600, dir, NULL, &sim_cap_fops);
	debugfs_create_file("capture_stats", 0400, dir, NULL, &sim_cap_stats_fops);
}

/* After the debugfs files are gone and every host path has stopped. */
void sim_cap_exit(void)
{
	sim_cap_set(false, true);
	vfree(cap.buf);
	cap.buf = NULL;
}
