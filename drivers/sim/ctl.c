// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulator's control interface, in debugfs hvis_sim/: ctl takes the
 * host's commands (hvsim writes them), log shows what the host saw and did
 * (hvsim reads it).  This file only parses: host.c, hv.c, chan.c and ic.c
 * carry the commands out.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uuid.h>

#include <hvis/tlfs.h>
#include <hvis/vmbus_wire.h>

#include "sim.h"

#define SIM_LOG_LINES		4096

static struct {
	spinlock_t lock;		/* everything below */
	char **lines;
	unsigned int head, len;
} sim_log_ring = {
	.lock = __SPIN_LOCK_UNLOCKED(sim_log_ring.lock),
};

/* Control-message log, readable in debugfs (hvsim shows it). */
void sim_log(const char *fmt, ...)
{
	unsigned long flags;
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = kvasprintf(GFP_ATOMIC, fmt, ap);
	va_end(ap);
	if (!line)
		return;
	spin_lock_irqsave(&sim_log_ring.lock, flags);
	kfree(sim_log_ring.lines[sim_log_ring.head]);
	sim_log_ring.lines[sim_log_ring.head] = line;
	sim_log_ring.head = (sim_log_ring.head + 1) % SIM_LOG_LINES;
	if (sim_log_ring.len < SIM_LOG_LINES)
		sim_log_ring.len++;
	spin_unlock_irqrestore(&sim_log_ring.lock, flags);
}

static int sim_log_show(struct seq_file *s, void *unused)
{
	unsigned int i, start;
	unsigned long flags;
	char *line;

	/* Copy out one line at a time: the lock is a spinlock. */
	spin_lock_irqsave(&sim_log_ring.lock, flags);
	start = (sim_log_ring.head + SIM_LOG_LINES - sim_log_ring.len) % SIM_LOG_LINES;
	spin_unlock_irqrestore(&sim_log_ring.lock, flags);
	for (i = 0; i < SIM_LOG_LINES; i++) {
		spin_lock_irqsave(&sim_log_ring.lock, flags);
		if (i >= sim_log_ring.len) {
			spin_unlock_irqrestore(&sim_log_ring.lock, flags);
			break;
		}
		line = kstrdup(sim_log_ring.lines[(start + i) % SIM_LOG_LINES] ?: "", GFP_ATOMIC);
		spin_unlock_irqrestore(&sim_log_ring.lock, flags);
		if (line)
			seq_printf(s, "%s\n", line);
		kfree(line);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_log);

/* guid_parse() looks at the first 36 characters only; a command wants exactly one GUID. */
static int sim_guid_parse(const char *s, guid_t *g)
{
	return strlen(s) == UUID_STRING_LEN ? guid_parse(s, g) : -EINVAL;
}

/*
 * Host commands, one per write (hvsim writes them):
 *   offer CLASS INSTANCE [sub=N] [relid=N] [size=N] [monitor=1]
 *   rescind RELID|INSTANCE
 *   profile NAME
 *   inject TYPE SIZE        a bare message of any type and claimed size
 *   mute 0|1                stop answering INITIATE_CONTACT and UNLOAD
 *   early 0|1               offer every channel before VERSION_RESPONSE
 *   stall 0|1               stop taking posted messages off the queue
 *   corrupt RELID KIND      damage an open channel's ring (index, misaligned,
 *                           desc, big)
 *   enable|disable SERVICE  offer an integration service again, or rescind it
 *   shutdown FLAGS          } the integration services' commands, see
 *   time sync|sample [S]    } sim_ic_command() in ic.c; they wait for the
 *   icbad SERVICE KIND      } guest, so they run without sim_host_mutex
 * relid= may name a slot in use or out of range and size= may cut the
 * offer short (see sim_offer_make()).
 */
static int sim_cmd_offer(char *args)
{
	char *cls = strsep(&args, " "), *inst = strsep(&args, " "), *opt;
	unsigned int sub = 0, relid = 0, size = sizeof(struct hvis_chanmsg_offer), mon = 0;
	guid_t c, i;

	if (!cls || !inst || sim_guid_parse(cls, &c) || sim_guid_parse(inst, &i))
		return -EINVAL;
	while ((opt = strsep(&args, " "))) {
		if (!*opt)
			continue;
		if (sscanf(opt, "sub=%u", &sub) != 1 && sscanf(opt, "relid=%u", &relid) != 1 &&
		    sscanf(opt, "size=%u", &size) != 1 && sscanf(opt, "monitor=%u", &mon) != 1)
			return -EINVAL;
	}
	if (sub > 0xffff || size > HVIS_MESSAGE_PAYLOAD_SIZE || mon > 1)
		return -EINVAL;
	return sim_offer_make(&c, &i, sub, relid, size, mon);
}

/* RELID, or the instance GUID of a primary channel. */
static int sim_cmd_rescind(char *args)
{
	unsigned int relid;
	guid_t inst;
	int ret;

	if (!args)
		return -EINVAL;
	if (!sim_guid_parse(args, &inst)) {
		ret = sim_offer_find(&inst);
		if (ret < 0)
			return ret;
		relid = ret;
	} else if (kstrtouint(args, 0, &relid)) {
		return -EINVAL;
	}
	return sim_offer_rescind(relid);
}

static int sim_cmd_inject(char *args)
{
	unsigned int type, size;

	if (!args || sscanf(args, "%u %u", &type, &size) != 2 || size > 255)
		return -EINVAL;
	return sim_inject(type, size);
}

static int sim_cmd_corrupt(char *args)
{
	char *relid = strsep(&args, " ");
	u32 r;

	if (!relid || !args || kstrtou32(relid, 0, &r))
		return -EINVAL;
	return sim_chan_corrupt(r, args);
}

static int sim_cmd_flag(char *args, void (*set)(bool on))
{
	bool on;
	int ret;

	if (!args)
		return -EINVAL;
	ret = kstrtobool(args, &on);
	if (!ret)
		set(on);
	return ret;
}

static ssize_t sim_ctl_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	char *buf, *cmd, *args;
	int ret;

	if (len > 256)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	args = strim(buf);
	cmd = strsep(&args, " ");

	if (!strcmp(cmd, "shutdown") || !strcmp(cmd, "time") || !strcmp(cmd, "icbad")) {
		ret = sim_ic_command(cmd, args);
		goto out;
	}
	mutex_lock(&sim_host_mutex);
	if (!strcmp(cmd, "offer"))
		ret = sim_cmd_offer(args);
	else if (!strcmp(cmd, "rescind"))
		ret = sim_cmd_rescind(args);
	else if (!strcmp(cmd, "profile"))
		ret = sim_host_set_profile(args);
	else if (!strcmp(cmd, "inject"))
		ret = sim_cmd_inject(args);
	else if (!strcmp(cmd, "mute"))
		ret = sim_cmd_flag(args, sim_hv_set_mute);
	else if (!strcmp(cmd, "early"))
		ret = sim_cmd_flag(args, sim_host_set_early);
	else if (!strcmp(cmd, "corrupt"))
		ret = sim_cmd_corrupt(args);
	else if (!strcmp(cmd, "stall"))
		ret = sim_cmd_flag(args, sim_hv_set_stall);
	else if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable"))
		ret = args ? sim_ic_enable(args, cmd[0] == 'e') : -EINVAL;
	else
		ret = -EINVAL;
	mutex_unlock(&sim_host_mutex);
out:
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations sim_ctl_fops = {
	.owner	= THIS_MODULE,
	.write	= sim_ctl_write,
};

void sim_ctl_debugfs(struct dentry *dir)
{
	debugfs_create_file("log", 0400, dir, NULL, &sim_log_fops);
	debugfs_create_file("ctl", 0200, dir, NULL, &sim_ctl_fops);
}

int sim_log_init(void)
{
	sim_log_ring.lines = kcalloc(SIM_LOG_LINES, sizeof(*sim_log_ring.lines), GFP_KERNEL);
	return sim_log_ring.lines ? 0 : -ENOMEM;
}

void sim_log_exit(void)
{
	unsigned int i;

	for (i = 0; i < SIM_LOG_LINES; i++)
		kfree(sim_log_ring.lines[i]);
	kfree(sim_log_ring.lines);
}
