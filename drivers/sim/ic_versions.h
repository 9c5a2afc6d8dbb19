/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The integration-component versions a simulated host offers in NEGOTIATE,
 * per host profile: framework versions, and message versions per service,
 * each list in ascending order as a host sends them.
 *
 * These per-generation lists are our inference from the version constants
 * known for Windows hosts (the versions a generation first spoke), not a
 * documented table: Microsoft publishes the constants, not which host
 * offers which.  An empty list means the host generation does not speak
 * the service to a Linux guest: VSS needs VMBus 3.0 (WS2012R2) and the
 * Guest Service Interface (Copy-VMFile) came with WS2012R2.  The host then
 * offers no message version, and no version is ever agreed.
 *
 * Self-contained on purpose: the simulator and the KUnit suites both
 * include it.
 */
#ifndef _HVIS_SIM_IC_VERSIONS_H
#define _HVIS_SIM_IC_VERSIONS_H

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include <hvis/ic_wire.h>

/* The six util services, in the order the host offers them. */
enum sim_ic_id {
	SIM_IC_HEARTBEAT,
	SIM_IC_KVP,
	SIM_IC_SHUTDOWN,
	SIM_IC_TIMESYNC,
	SIM_IC_VSS,
	SIM_IC_FCOPY,
	SIM_IC_COUNT
};

#define SIM_IC_MAX_VERSIONS	4

struct sim_ic_version_list {
	unsigned int count;
	struct hvis_ic_version v[SIM_IC_MAX_VERSIONS];
};

struct sim_ic_profile_versions {
	const char *profile;		/* as the sim's profile= parameter names it */
	struct sim_ic_version_list framework;
	struct sim_ic_version_list message[SIM_IC_COUNT];
};

#define SIM_ICV(maj, min)	{ .major = (maj), .minor = (min) }
#define SIM_ICL(...)							\
	{								\
		.count = sizeof((struct hvis_ic_version[]){ __VA_ARGS__ }) /	\
			 sizeof(struct hvis_ic_version),		\
		.v = { __VA_ARGS__ },					\
	}

/* One list per service and host generation that changed it. */
#define SIM_ICL_1	SIM_ICL(SIM_ICV(1, 0))
#define SIM_ICL_1_3	SIM_ICL(SIM_ICV(1, 0), SIM_ICV(3, 0))
#define SIM_ICL_HB_2022	SIM_ICL(SIM_ICV(1, 0), SIM_ICV(3, 0), SIM_ICV(3, 1))
#define SIM_ICL_SD_2016	SIM_ICL(SIM_ICV(1, 0), SIM_ICV(3, 0), SIM_ICV(3, 1))
#define SIM_ICL_SD_2019	SIM_ICL(SIM_ICV(1, 0), SIM_ICV(3, 0), SIM_ICV(3, 1), SIM_ICV(3, 2))
#define SIM_ICL_TS_2016	SIM_ICL(SIM_ICV(1, 0), SIM_ICV(3, 0), SIM_ICV(4, 0))
#define SIM_ICL_KVP_2016 SIM_ICL(SIM_ICV(3, 0), SIM_ICV(4, 0), SIM_ICV(5, 0))
#define SIM_ICL_NONE	{ .count = 0 }
#define SIM_ICL_VSS_2012R2 SIM_ICL(SIM_ICV(5, 0))
#define SIM_ICL_VSS_2019 SIM_ICL(SIM_ICV(5, 0), SIM_ICV(6, 0), SIM_ICV(7, 0))
#define SIM_ICL_FC_2012R2 SIM_ICL(SIM_ICV(1, 1))

#define SIM_IC_PROFILE(name, fw, hb, kvp, sd, ts, vss, fc)		\
	{								\
		.profile = (name),					\
		.framework = fw,					\
		.message = {						\
			[SIM_IC_HEARTBEAT] = hb,			\
			[SIM_IC_KVP] = kvp,				\
			[SIM_IC_SHUTDOWN] = sd,				\
			[SIM_IC_TIMESYNC] = ts,				\
			[SIM_IC_VSS] = vss,				\
			[SIM_IC_FCOPY] = fc,				\
		},							\
	}

/*
 * One host generation's lists.  Several generations changed none: they
 * share their predecessor's.
 */
#define SIM_ICS_2008(name)						\
	SIM_IC_PROFILE(name, SIM_ICL_1, SIM_ICL_1, SIM_ICL_1, SIM_ICL_1, SIM_ICL_1,	\
		       SIM_ICL_NONE, SIM_ICL_NONE)
#define SIM_ICS_2008R2(name)						\
	SIM_IC_PROFILE(name, SIM_ICL_1_3, SIM_ICL_1_3, SIM_ICL_1_3, SIM_ICL_1_3,	\
		       SIM_ICL_1_3, SIM_ICL_NONE, SIM_ICL_NONE)
#define SIM_ICS_2012R2(name)						\
	SIM_IC_PROFILE(name, SIM_ICL_1_3, SIM_ICL_1_3, SIM_ICL_1_3, SIM_ICL_1_3,	\
		       SIM_ICL_1_3, SIM_ICL_VSS_2012R2, SIM_ICL_FC_2012R2)
#define SIM_ICS_2016(name)						\
	SIM_IC_PROFILE(name, SIM_ICL_1_3, SIM_ICL_1_3, SIM_ICL_KVP_2016, SIM_ICL_SD_2016, \
		       SIM_ICL_TS_2016, SIM_ICL_VSS_2012R2, SIM_ICL_FC_2012R2)
#define SIM_ICS_2019(name)						\
	SIM_IC_PROFILE(name, SIM_ICL_1_3, SIM_ICL_1_3, SIM_ICL_KVP_2016, SIM_ICL_SD_2019, \
		       SIM_ICL_TS_2016, SIM_ICL_VSS_2019, SIM_ICL_FC_2012R2)
#define SIM_ICS_2022(name)						\
	SIM_IC_PROFILE(name, SIM_ICL_1_3, SIM_ICL_HB_2022, SIM_ICL_KVP_2016,		\
		       SIM_ICL_SD_2019, SIM_ICL_TS_2016, SIM_ICL_VSS_2019, SIM_ICL_FC_2012R2)

static const struct sim_ic_profile_versions sim_ic_versions[] __maybe_unused = {
	SIM_ICS_2008("WS2008"),
	SIM_ICS_2008R2("WS2008R2"),
	SIM_ICS_2008R2("WS2012"),
	SIM_ICS_2012R2("WS2012R2"),
	SIM_ICS_2016("WS2016"),
	SIM_ICS_2016("4.1"),
	SIM_ICS_2016("5.0"),
	SIM_ICS_2016("5.1"),
	SIM_ICS_2019("WS2019"),
	SIM_ICS_2022("WS2022"),
	SIM_ICS_2022("6.0"),
};

#undef SIM_ICS_2022
#undef SIM_ICS_2019
#undef SIM_ICS_2016
#undef SIM_ICS_2012R2
#undef SIM_ICS_2008R2
#undef SIM_ICS_2008
#undef SIM_IC_PROFILE
#undef SIM_ICL_FC_2012R2
#undef SIM_ICL_VSS_2019
#undef SIM_ICL_VSS_2012R2
#undef SIM_ICL_NONE
#undef SIM_ICL_KVP_2016
#undef SIM_ICL_TS_2016
#undef SIM_ICL_SD_2019
#undef SIM_ICL_SD_2016
#undef SIM_ICL_HB_2022
#undef SIM_ICL_1_3
#undef SIM_ICL_1
#undef SIM_ICL
#undef SIM_ICV

/* The lists of host profile @profile, or NULL for a name not in the table. */
static inline const struct sim_ic_profile_versions *sim_ic_versions_of(const char *profile)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_ic_versions); i++)
		if (!strcmp(sim_ic_versions[i].profile, profile))
			return &sim_ic_versions[i];
	return NULL;
}

#endif /* _HVIS_SIM_IC_VERSIONS_H */
