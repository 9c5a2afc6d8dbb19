// SPDX-License-Identifier: GPL-2.0-only
/*
 * What an administrator reads with Get-VMIntegrationService: per service
 * whether it is enabled, its primary status (OK, No Contact, Lost
 * Communication), its secondary status, and here also the versions agreed
 * and the requests' counters (debugfs hvis_sim/ics).
 */
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "ic.h"
#include "sim.h"
static const char *sim_ic_primary(const struct sim_ic *s, unsigned long now)
{
	if (!s->enabled)
		return "-";
	if (s->nocommon)
		return "No Contact";
	if (s->negotiated && !s->lost &&
	    (!s->ops->responsive || s->ops->responsive(s, now)))
		return "OK";
	return s->ever ? "Lost Communication" : "No Contact";
}

static void sim_ic_secondary(const struct sim_ic *s, char *buf, size_t size)
{
	struct hvis_ic_version have = s->msg, best = s->msg_max;

	buf[0] = '\0';
	if (!s->enabled)
		return;
	if (!sim_ic_speaks(s)) {
		snprintf(buf, size, "Not offered by this host (%s)", sim_profile_name());
		return;
	}
	if (s->nocommon) {
		strscpy(buf, "no common protocol version", size);
		return;
	}
	if (!s->negotiated)
		return;
	/* The message version says the most; the framework if that one is current. */
	if (sim_icv(have) >= sim_icv(best)) {
		have = s->fw;
		best = s->fw_max;
	}
	if (sim_icv(have) < sim_icv(best))
		snprintf(buf, size,
			 "Protocol version mismatch: negotiated %u.%u, host offers up to %u.%u",
			 have.major, have.minor, best.major, best.minor);
}

/*
 * debugfs ics: one line per service, tab-separated:
 * Name Enabled Primary Secondary fw msg relid sent answered bad
 */
static int sim_ics_show(struct seq_file *f, void *unused)
{
	unsigned long now = jiffies;
	unsigned int i;
	char sec[96];

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		const struct sim_ic *s = sim_ic_svc(i);

		sim_ic_secondary(s, sec, sizeof(sec));
		seq_printf(f, "%s\t%s\t%s\t%s\t", s->name, s->enabled ? "True" : "False",
			   sim_ic_primary(s, now), sec);
		if (s->negotiated)
			seq_printf(f, "%u.%u\t%u.%u\t", s->fw.major, s->fw.minor, s->msg.major,
				   s->msg.minor);
		else
			seq_puts(f, "-\t-\t");
		if (s->offer_relid)
			seq_printf(f, "%u\t", s->offer_relid);
		else
			seq_puts(f, "-\t");
		seq_printf(f, "%llu\t%llu\t%llu\n", s->sent, s->answered, s->bad);
	}
	sim_ic_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_ics);

void sim_ic_status_debugfs(struct dentry *dir)
{
	debugfs_create_file("ics", 0400, dir, NULL, &sim_ics_fops);
}
