// SPDX-License-Identifier: GPL-2.0-only
/*
 * The integration services' offers: all six enabled at load and offered
 * where the host generation has them, offered again or taken back as the
 * profile changes, and the enable/disable switch of the VM's settings.
 * Under sim_host_mutex, then sim_ic_lock.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>

#include "ic.h"
#include "sim.h"

/*
 * Offer @s's channel if this host generation has the service.  A service
 * the host lacks stays enabled (the VM's setting) but is never offered:
 * a real host of that generation has no component behind the channel, so
 * a guest must not see it at all.  Under sim_ic_lock and sim_host_mutex.
 */
static int sim_ic_make_offer(struct sim_ic *s)
{
	int relid;

	s->offer_relid = 0;
	if (!sim_ic_speaks(s))
		return 0;
	relid = sim_offer_add(&s->class_id, &s->instance_id);
	if (relid < 0)
		return relid;
	s->offer_relid = relid;
	return 0;
}

/* At load, under the ics parameter: all six enabled, offered where the host has them. */
unsigned int sim_ic_offer_all(void)
{
	unsigned int i, n = 0;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		struct sim_ic *s = sim_ic_svc(i);

		if (sim_ic_make_offer(s))
			continue;
		s->enabled = true;
		if (s->offer_relid)
			n++;
	}
	sim_ic_unlock();
	return n;
}

/*
 * The host profile changed (no guest connected, under sim_host_mutex): the
 * enabled services the new generation has are offered, the others are
 * taken back (never sent, so nothing reaches a guest).
 */
void sim_ic_profile_changed(void)
{
	unsigned int i;

	mutex_lock(&sim_ic_lock);
	for (i = 0; i < SIM_IC_COUNT; i++) {
		struct sim_ic *s = sim_ic_svc(i);

		if (!s->enabled || !!s->offer_relid == sim_ic_speaks(s))
			continue;
		if (s->offer_relid) {
			sim_offer_rescind(s->offer_relid);
			s->offer_relid = 0;
		} else if (sim_ic_make_offer(s)) {
			sim_log("IC %s: no room for its offer", s->name);
		}
	}
	sim_ic_unlock();
}

/*
 * enable|disable NAME, under sim_host_mutex: offer the service's channel
 * again (if this host has it), or rescind it (the guest then closes it).
 * An enabled service starts over at No Contact.
 */
int sim_ic_enable(const char *name, bool on)
{
	struct sim_ic *s = sim_ic_lookup(name);
	u32 rescind = 0;
	int ret = 0;

	if (!s)
		return -EINVAL;
	mutex_lock(&sim_ic_lock);
	if (s->enabled == on)
		goto out;
	if (on) {
		ret = sim_ic_make_offer(s);
		if (ret < 0)
			goto out;
		sim_ic_forget(s, false);
	} else {
		rescind = s->offer_relid;
		s->offer_relid = 0;
	}
	s->enabled = on;
	sim_log("IC %s %s", s->name, on ? "enabled" : "disabled");
out:
	sim_ic_unlock();
	/* Outside sim_ic_lock: the rescind closes the channel, which takes it. */
	if (rescind)
		sim_offer_rescind(rescind);
	return ret;
}
