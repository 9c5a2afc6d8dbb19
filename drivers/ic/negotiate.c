// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pure part of the IC framework: header checks and version negotiation.
 * No state and no allocation, so the KUnit suites run it directly.
 */
#include <linux/errno.h>
#include <linux/string.h>

#include <hvis/ic.h>

int hvis_ic_check_hdr(const void *buf, u32 len, const char **why)
{
	const struct hvis_ic_msg *m = buf;

	if (len < HVIS_IC_HDR_SIZE) {
		*why = "shorter than the pipe and IC headers";
		return -EINVAL;
	}
	if (m->ic.msgsize > len - HVIS_IC_HDR_SIZE) {
		*why = "body runs past the end of the packet";
		return -EINVAL;
	}
	if (!(m->ic.flags & HVIS_IC_FLAG_REQUEST) || (m->ic.flags & HVIS_IC_FLAG_RESPONSE)) {
		*why = "not a request";
		return -EINVAL;
	}
	*why = NULL;
	return m->ic.msgsize;
}

static bool hvis_ic_offered(const struct hvis_ic_version *host, unsigned int n,
			    struct hvis_ic_version want)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (host[i].major == want.major && host[i].minor == want.minor)
			return true;
	return false;
}

static int hvis_ic_pick(const struct hvis_ic_version *host, unsigned int n,
			const struct hvis_ic_version *mine, unsigned int nr_mine,
			struct hvis_ic_version *out)
{
	unsigned int i;

	/* Our lists are in order of preference, newest first. */
	for (i = 0; i < nr_mine; i++) {
		if (hvis_ic_offered(host, n, mine[i])) {
			*out = mine[i];
			return 0;
		}
	}
	return -ENOENT;
}

int hvis_ic_negotiate(void *buf, u32 len, const struct hvis_ic_version *fw_list,
		      unsigned int nr_fw, const struct hvis_ic_version *msg_list,
		      unsigned int nr_msg, struct hvis_ic_version *fw,
		      struct hvis_ic_version *msg)
{
	struct hvis_ic_msg *m = buf;
	struct hvis_ic_negotiate *neg = (void *)m->body;
	u32 body = m->ic.msgsize, nf, nm;
	int ret;

	/* The caller checked the header: the declared body is in the packet. */
	if (body < sizeof(*neg))
		return -EINVAL;
	nf = neg->framework_count;
	nm = neg->message_count;
	if (nf > HVIS_IC_MAX_VERSIONS || nm > HVIS_IC_MAX_VERSIONS ||
	    body < sizeof(*neg) + (nf + nm) * sizeof(neg->versions[0]))
		return -EINVAL;

	ret = hvis_ic_pick(neg->versions, nf, fw_list, nr_fw, fw);
	if (!ret)
		ret = hvis_ic_pick(neg->versions + nf, nm, msg_list, nr_msg, msg);
	if (ret) {
		/* No versions in the answer: the host's sign for "none in common". */
		neg->framework_count = 0;
		neg->message_count = 0;
		return ret;
	}
	/* The answer needs room for two versions; a request with both lists has it. */
	if (len < HVIS_IC_HDR_SIZE + sizeof(*neg) + 2 * sizeof(neg->versions[0]))
		return -EINVAL;
	neg->framework_count = 1;
	neg->message_count = 1;
	neg->versions[0] = *fw;
	neg->versions[1] = *msg;
	m->ic.msgsize = sizeof(*neg) + 2 * sizeof(neg->versions[0]);
	return 0;
}
