// SPDX-License-Identifier: GPL-2.0-only
/*
 * A broken host, for the icbad command: packets a correct guest refuses or
 * drops (too short, overrunning, of an unknown type, behind junk,
 * NEGOTIATEs whose counts lie), real negotiations that find no common version or start
 * over, and time samples that lie about when they were taken.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include <hvis/ic_wire.h>

#include "ic.h"

static const char * const sim_ic_probe_names[] = {
	[SIM_PROBE_TINY] = "tiny", [SIM_PROBE_OVERRUN] = "overrun",
	[SIM_PROBE_UNKNOWN] = "unknown", [SIM_PROBE_SHORT] = "short",
	[SIM_PROBE_NEGCOUNT] = "negcount", [SIM_PROBE_NEGSHORT] = "negshort",
	[SIM_PROBE_NOCOMMON] = "nocommon", [SIM_PROBE_RENEGOTIATE] = "renegotiate",
	[SIM_PROBE_BIGCOMP] = "bigcomp",
	[SIM_PROBE_ABSURD] = "absurd", [SIM_PROBE_FUTURE] = "future",
	[SIM_PROBE_STALE] = "stale",
};

/* icbad: one packet a correct guest refuses or drops. */
u32 sim_ic_build_probe(struct sim_ic *s)
{
	struct hvis_ic_msg *m = (struct hvis_ic_msg *)s->pkt;
	struct hvis_ic_negotiate *n = (void *)m->body;
	const u32 v = sizeof(n->versions[0]);
	u32 len, i;

	switch (s->probe) {
	case SIM_PROBE_TINY:
		/* The pipe header and half the IC header. */
		sim_ic_start(s, s->msgtype, 0);
		m->pipe.msgsize = 8;
		len = 16;
		break;
	case SIM_PROBE_OVERRUN:
		len = sim_ic_start(s, s->msgtype, 8);
		m->ic.msgsize = 1000;
		break;
	case SIM_PROBE_UNKNOWN:
	case SIM_PROBE_BIGCOMP:
		/*
		 * BIGCOMP: behind an oversized completion nobody asked for
		 * (sim_ic_step()), which the guest must drop and read past.
		 */
		len = sim_ic_start(s, 42, 8);
		break;
	case SIM_PROBE_SHORT:
		len = sim_ic_start(s, s->msgtype, 4);
		break;
	case SIM_PROBE_NEGCOUNT:
		/* Every version is there: only the count is absurd. */
		len = sim_ic_start(s, HVIS_IC_MSG_NEGOTIATE, sizeof(*n) + 201 * v);
		n->framework_count = 200;
		n->message_count = 1;
		for (i = 0; i < 201; i++)
			n->versions[i] = HVIS_IC_VERSION(i < 200 ? 3 : 1, 0);
		break;
	case SIM_PROBE_NEGSHORT:
		/* Counts for five versions, room for two. */
		len = sim_ic_start(s, HVIS_IC_MSG_NEGOTIATE, sizeof(*n) + 2 * v);
		n->framework_count = 2;
		n->message_count = 3;
		n->versions[0] = HVIS_IC_VERSION(1, 0);
		n->versions[1] = HVIS_IC_VERSION(3, 0);
		break;
	case SIM_PROBE_ABSURD:
		len = sim_ic_build_time(s, "absurd sync", HVIS_IC_TIMESYNC_SYNC, true, 0);
		break;
	case SIM_PROBE_FUTURE:
		len = sim_ic_build_time(s, "future sample", HVIS_IC_TIMESYNC_SAMPLE, false,
					3600 * SIM_IC_REF_HZ);
		break;
	case SIM_PROBE_STALE:
		len = sim_ic_build_time(s, "stale sample", HVIS_IC_TIMESYNC_SAMPLE, false,
					-700 * SIM_IC_REF_HZ);
		break;
	default:
		return 0;
	}
	sim_ic_log(s, "H->G IC bad packet %s (%u bytes)", sim_ic_probe_names[s->probe], len);
	return len;
}

int sim_ic_on_probe(struct sim_ic *s, const struct hvis_ic_msg *m)
{
	const struct hvis_ic_negotiate *n = (const void *)m->body;
	const char *what = sim_ic_probe_names[s->txn.probe];

	sim_ic_log(s, "G->H IC answer to bad packet %s: status=%#x", what, m->ic.status);
	if (m->ic.status != HVIS_IC_S_OK)
		return -EIO;
	if (m->ic.msgtype != HVIS_IC_MSG_NEGOTIATE)
		return 0;
	/* A malformed NEGOTIATE: finding nothing in it is a refusal too. */
	if (m->ic.msgsize >= sizeof(*n) && !n->framework_count && !n->message_count)
		return -EIO;
	return sim_ic_bad(s, "the guest accepted the malformed NEGOTIATE %s", what);
}

int sim_ic_cmd_bad(char *args)
{
	char *kind = strrchr(args, ' ');
	struct sim_ic *s;
	int probe, ret;

	if (!kind)
		return -EINVAL;
	*kind++ = '\0';
	s = sim_ic_lookup(args);
	probe = match_string(sim_ic_probe_names, ARRAY_SIZE(sim_ic_probe_names), kind);
	if (!s || probe < 0 ||
	    (probe >= SIM_PROBE_ABSURD && s != &sim_ic_timesync))
		return -EINVAL;
	if (sim_ic_cmd_lock(s))
		return -EINTR;
	if (!s->open) {
		ret = -ENOTCONN;
	} else if ((probe == SIM_PROBE_FUTURE || probe == SIM_PROBE_STALE) && !sim_ic_v4(s)) {
		ret = -EOPNOTSUPP;	/* they lie about the reference time: 4.0 only */
	} else if (probe == SIM_PROBE_NOCOMMON || probe == SIM_PROBE_RENEGOTIATE) {
		/* Real negotiations: their answers count. */
		s->nego_nocommon = probe == SIM_PROBE_NOCOMMON;
		ret = sim_ic_run(s, SIM_PEND_NEGOTIATE, SIM_IC_CMD_WAIT_MS);
	} else {
		s->probe = probe;
		ret = sim_ic_run(s, SIM_PEND_PROBE, SIM_IC_CMD_WAIT_MS);
	}
	sim_ic_cmd_unlock(s);
	return ret;
}
