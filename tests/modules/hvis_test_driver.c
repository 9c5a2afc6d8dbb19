// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver of the simulator's test class, for the tests only.  It proves
 * the driver API of hvis_vmbus (registration by class GUID, probe, remove,
 * counted in its parameters) and drives the echo device behind the class
 * through two device attributes:
 *
 *   echo:   write "COUNT MAXLEN SEED": send COUNT packets of pseudo-random
 *           lengths 1..MAXLEN, each echo checked byte for byte and by
 *           transaction id; read the verdict ("ok COUNT" or what went wrong)
 *   reopen: write N: close and open the channel N times
 *   request: write N: N packets that ask for completions; each completion
 *           must hand back the request it answers
 *   bench:  write "COUNT SIZE": COUNT packets of SIZE bytes through the echo
 *           device as fast as the rings allow; the verdict has the figures
 *   sub:    write "INDEX COUNT": open sub-channel INDEX, echo COUNT packets
 *           through it, close it (COUNT 0: open it and leave it open)
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#define HVIS_TEST_RING	(16 * 1024)
#define HVIS_TEST_MAXLEN	8192

struct hvis_test_dev {
	struct hvis_device *hdev;
	struct hvis_channel *ch;	/* what the echo helpers use */
	struct completion ready;	/* the host signalled the channel */
	struct mutex lock;		/* one test at a time */
	struct hvis_channel *held;	/* a sub-channel kept open (hold) */
	char verdict[96];
	u8 *tx, *rx;
};

#include <hvis/vmbus.h>

static atomic_t hvis_test_probed = ATOMIC_INIT(0);
static atomic_t hvis_test_removed = ATOMIC_INIT(0);

static int probed_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops hvis_test_count_ops = {
	.get = probed_get,
};

module_param_cb(probed, &hvis_test_count_ops, &hvis_test_probed, 0444);
MODULE_PARM_DESC(probed, "Devices probed so far");
module_param_cb(removed, &hvis_test_count_ops, &hvis_test_removed, 0444);
MODULE_PARM_DESC(removed, "Devices removed so far");

static const struct hvis_device_id hvis_test_ids[] = {
	{ GUID_INIT(0x6876ab5f, 0x3c64, 0x4c8b, 0x9a, 0x2f, 0x68, 0x76, 0x69, 0x73, 0x00, 0x01) },
	{}
};

static void hvis_test_onchannel(struct hvis_channel *ch, void *ctx)
{
	struct hvis_test_dev *t = ctx;

	complete(&t->ready);
}

/*
 * Wait for one packet; the host signals only when the ring was empty.
 * Packets the core dropped (-EBADMSG) are passed over, as a driver would.
 */
static int hvis_test_recv_pkt(struct hvis_test_dev *t, struct hvis_pkt_info *info)
{
	struct hvis_channel *ch = t->ch;
	int ret;

	for (;;) {
		ret = hvis_channel_recv_pkt(ch, t->rx, HVIS_TEST_MAXLEN + 8, info);
		if (ret != -EAGAIN && ret != -EBADMSG)
			return ret;
		if (ret == -EAGAIN && !wait_for_completion_timeout(&t->ready, 5 * HZ))
			return -ETIMEDOUT;
	}
}

static int hvis_test_recv(struct hvis_test_dev *t, u32 *len, u64 *id)
{
	struct hvis_pkt_info info;
	int ret = hvis_test_recv_pkt(t, &info);

	*len = info.len;
	*id = info.trans_id;
	return ret;
}

static void hvis_test_echo(struct hvis_test_dev *t, u32 count, u32 maxlen, u32 seed)
{
	struct hvis_channel *ch = t->ch;
	u32 i, j, n, len;
	u64 id;
	int ret;

	for (i = 0; i < count; i++) {
		seed = seed * 1103515245 + 12345;
		n = 1 + (seed >> 8) % maxlen;
		for (j = 0; j < n; j++)
			t->tx[j] = (u8)(seed + i * 7 + j);
		reinit_completion(&t->ready);
		ret = hvis_channel_send(ch, t->tx, n, 0x1000 + i, false);
		if (ret) {
			snprintf(t->verdict, sizeof(t->verdict), "fail: send %u: %d", i, ret);
			return;
		}
		ret = hvis_test_recv(t, &len, &id);
		if (ret) {
			snprintf(t->verdict, sizeof(t->verdict), "fail: recv %u: %d", i, ret);
			return;
		}
		/* The echo carries the padding to 8 bytes too. */
		if (id != 0x1000 + i || len != ALIGN(n, 8) || memcmp(t->tx, t->rx, n)) {
			snprintf(t->verdict, sizeof(t->verdict),
				 "fail: packet %u: id %llu len %u (sent %u)", i, id, len, n);
			return;
		}
	}
	snprintf(t->verdict, sizeof(t->verdict), "ok %u", count);
}

static ssize_t echo_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct hvis_test_dev *t = dev_get_drvdata(dev);
	u32 n, maxlen, seed;

	if (sscanf(buf, "%u %u %u", &n, &maxlen, &seed) != 3 || !maxlen ||
	    maxlen > HVIS_TEST_MAXLEN)
		return -EINVAL;
	mutex_lock(&t->lock);
	hvis_test_echo(t, n, maxlen, seed);
	mutex_unlock(&t->lock);
	return count;
}

static ssize_t echo_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct hvis_test_dev *t = dev_get_drvdata(dev);
	ssize_t n;

	mutex_lock(&t->lock);
	n = sprintf(buf, "%s\n", t->verdict);
	mutex_unlock(&t->lock);
	return n;
}
static DEVICE_ATTR_RW(echo);

static ssize_t reopen_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct hvis_test_dev *t = dev_get_drvdata(dev);
	struct hvis_channel *ch = t->ch;
	u32 n, i;
	int ret = 0;

	if (kstrtou32(buf, 0, &n))
		return -EINVAL;
	mutex_lock(&t->lock);
	for (i = 0; i < n && !ret; i++) {
		hvis_channel_close(ch);
		ret = hvis_channel_open(ch, HVIS_TEST_RING, HVIS_TEST_RING,
					hvis_test_onchannel, t);
	}
	snprintf(t->verdict, sizeof(t->verdict), ret ? "fail: reopen %u: %d" : "ok %u",
		 ret ? i : n, ret);
	mutex_unlock(&t->lock);
	return ret ? ret : count;
}
static DEVICE_ATTR_WO(reopen);

static ssize_t request_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct hvis_test_dev *t = dev_get_drvdata(dev);
	struct hvis_pkt_info info;
	u32 n, i, cookie[4];
	int ret = 0;

	if (kstrtou32(buf, 0, &n))
		return -EINVAL;
	mutex_lock(&t->lock);
	for (i = 0; i < n && !ret; i++) {
		/* Up to four requests in flight, each with its own cookie. */
		cookie[i % 4] = i;
		reinit_completion(&t->ready);
		ret = hvis_channel_send_request(t->ch, &i, sizeof(i), &cookie[i % 4]);
		if (ret)
			break;
		ret = hvis_test_recv_pkt(t, &info);
		if (!ret && (info.type != HVIS_PKT_COMP || info.request != &cookie[i % 4] ||
			     *(u32 *)info.request != i || *(u32 *)t->rx != i))
			ret = -EPROTO;
	}
	snprintf(t->verdict, sizeof(t->verdict), ret ? "fail: request %u: %d" : "ok %u",
		 ret ? i : n, ret);
	mutex_unlock(&t->lock);
	return count;
}
static DEVICE_ATTR_WO(request);

/* Keep the send ring full and drain the receive ring, until COUNT echoes. */
static int hvis_test_bench_run(struct hvis_test_dev *t, u32 count, u32 size)
{
	struct hvis_channel *ch = t->ch;
	u32 sent = 0, got = 0, len;
	bool progress;
	u64 id;
	int ret;

	while (got < count) {
		progress = false;
		reinit_completion(&t->ready);
		while (sent < count && !hvis_channel_send(ch, t->tx, size, sent, false)) {
			sent++;
			progress = true;
		}
		while ((ret = hvis_channel_recv(ch, t->rx, HVIS_TEST_MAXLEN + 8, &len, &id)) == 0) {
			if (len != ALIGN(size, 8) || id != got)
				return -EPROTO;
			got++;
			progress = true;
		}
		if (ret != -EAGAIN)
			return ret;
		if (!progress && !wait_for_completion_timeout(&t->ready, 5 * HZ))
			return -ETIMEDOUT;
	}
	return 0;
}

static ssize_t bench_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct hvis_test_dev *t = dev_get_drvdata(dev);
	struct hvis_channel *ch = t->ch;
	u64 irq0, sig0, ns, copy_ns;
	u32 n, size, i;
	ktime_t start;
	int ret;

	if (sscanf(buf, "%u %u", &n, &size) != 2 || !n || !size || size > HVIS_TEST_MAXLEN)
		return -EINVAL;
	mutex_lock(&t->lock);
	irq0 = ch->interrupts;
	sig0 = ch->events;
	start = ktime_get();
	ret = hvis_test_bench_run(t, n, size);
	ns = ktime_to_ns(ktime_sub(ktime_get(), start)) ?: 1;
	if (ret) {
		snprintf(t->verdict, sizeof(t->verdict), "fail: bench: %d", ret);
		goto out;
	}
	/* The same bytes, copied in memory once each way, for scale. */
	start = ktime_get();
	for (i = 0; i < n; i++) {
		memcpy(t->rx, t->tx, size);
		memcpy(t->tx, t->rx, size);
	}
	copy_ns = ktime_to_ns(ktime_sub(ktime_get(), start)) ?: 1;
	snprintf(t->verdict, sizeof(t->verdict),
		 "ok %u size %u ns %llu copy_ns %llu irq %llu sig %llu", n, size, ns, copy_ns,
		 ch->interrupts - irq0, ch->events - sig0);
out:
	mutex_unlock(&t->lock);
	return count;
}
static DEVICE_ATTR_WO(bench);

static ssize_t sub_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct hvis_test_dev *t = dev_get_drvdata(dev);
	struct hvis_channel *sc;
	u32 index, n;
	int ret;

	if (sscanf(buf, "%u %u", &index, &n) != 2 || !index || index > 0xffff)
		return -EINVAL;
	sc = hvis_sub_channel(t->hdev, index);
	if (!sc)
		return -ENOENT;
	mutex_lock(&t->lock);
	ret = hvis_channel_open(sc, HVIS_TEST_RING, HVIS_TEST_RING, hvis_test_onchannel, t);
	if (ret || !n) {
		snprintf(t->verdict, sizeof(t->verdict), ret ? "fail: sub open: %d" : "ok 0", ret);
		mutex_unlock(&t->lock);
		return count;
	}
	/* The same echo test, on the sub-channel. */
	t->ch = sc;
	hvis_test_echo(t, n, 64, index);
	t->ch = t->hdev->channel;
	hvis_channel_close(sc);
	mutex_unlock(&t->lock);
	return count;
}
static DEVICE_ATTR_WO(sub);

/*
 * "INDEX": open sub-channel INDEX and keep it, as a driver does that uses it
 * for the device's life; "0": close the one kept, whatever the host has
 * done meanwhile (a rescind closes it for us, and the close is a no-op).
 */
static ssize_t hold_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct hvis_test_dev *t = dev_get_drvdata(dev);
	struct hvis_channel *sc;
	u32 index;
	int ret = 0;

	if (kstrtou32(buf, 0, &index) || index > 0xffff)
		return -EINVAL;
	mutex_lock(&t->lock);
	if (!index) {
		if (t->held)
			hvis_channel_close(t->held);
		t->held = NULL;
	} else if (t->held) {
		ret = -EBUSY;
	} else {
		sc = hvis_sub_channel(t->hdev, index);
		ret = sc ? hvis_channel_open(sc, HVIS_TEST_RING, HVIS_TEST_RING,
					     hvis_test_onchannel, t) : -ENOENT;
		if (!ret)
			t->held = sc;
	}
	mutex_unlock(&t->lock);
	return ret ?: count;
}
static DEVICE_ATTR_WO(hold);

static struct attribute *hvis_test_attrs[] = {
	&dev_attr_echo.attr,
	&dev_attr_reopen.attr,
	&dev_attr_request.attr,
	&dev_attr_bench.attr,
	&dev_attr_sub.attr,
	&dev_attr_hold.attr,
	NULL,
};

static const struct attribute_group hvis_test_group = {
	.attrs = hvis_test_attrs,
};

static int hvis_test_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	struct hvis_test_dev *t;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->hdev = dev;
	t->ch = dev->channel;
	init_completion(&t->ready);
	mutex_init(&t->lock);
	strscpy(t->verdict, "none", sizeof(t->verdict));
	t->tx = vzalloc(HVIS_TEST_MAXLEN + 8);
	t->rx = vzalloc(HVIS_TEST_MAXLEN + 8);
	ret = -ENOMEM;
	if (!t->tx || !t->rx)
		goto err;
	dev_set_drvdata(&dev->dev, t);
	ret = hvis_channel_open(dev->channel, HVIS_TEST_RING, HVIS_TEST_RING,
				hvis_test_onchannel, t);
	if (ret)
		goto err;
	ret = sysfs_create_group(&dev->dev.kobj, &hvis_test_group);
	if (ret)
		goto err_close;
	atomic_inc(&hvis_test_probed);
	dev_info(&dev->dev, "bound (relid %u), channel open\n", dev->channel->relid);
	return 0;

err_close:
	hvis_channel_close(dev->channel);
err:
	vfree(t->rx);
	vfree(t->tx);
	kfree(t);
	return ret;
}

static void hvis_test_remove(struct hvis_device *dev)
{
	struct hvis_test_dev *t = dev_get_drvdata(&dev->dev);
	struct hvis_channel *sc;
	u16 i;

	sysfs_remove_group(&dev->dev.kobj, &hvis_test_group);
	if (t->held)
		hvis_channel_close(t->held);
	for (i = 1; i <= 16; i++) {
		sc = hvis_sub_channel(dev, i);
		if (sc && sc->opened)
			hvis_channel_close(sc);
	}
	hvis_channel_close(dev->channel);
	vfree(t->rx);
	vfree(t->tx);
	kfree(t);
	atomic_inc(&hvis_test_removed);
}

static struct hvis_driver hvis_test_driver = {
	.name		= "hvis_test_driver",
	.id_table	= hvis_test_ids,
	.probe		= hvis_test_probe,
	.remove		= hvis_test_remove,
};

static int __init hvis_test_init(void)
{
	return hvis_driver_register(&hvis_test_driver);
}

static void __exit hvis_test_exit(void)
{
	hvis_driver_unregister(&hvis_test_driver);
}

module_init(hvis_test_init);
module_exit(hvis_test_exit);

MODULE_DESCRIPTION("hvis test: a VMBus driver that only binds");
MODULE_LICENSE("GPL");
