// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's side of GPADLs: it assembles the guest's (header plus
 * bodies), checks every PFN, maps them once complete, and tears them down
 * when the guest asks or the host rescinds their channel.  Under
 * sim_chan_lock: a channel's rings live in one of them.
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <hvis/vmbus_wire.h>

#include "chan.h"
#include "sim.h"

/*
 * Hyper-V maps far larger GPADLs than rings: netvsc's receive buffer, and
 * uio_hv_generic's 31 MiB receive and 16 MiB send buffers (6.12).  32 MiB
 * (a single range's 16-bit range_buflen stops at 8190 pages anyway).
 */
#define SIM_GPADL_MAX_PAGES	8192

static LIST_HEAD(sim_gpadls);

struct sim_gpadl *sim_gpadl_find(u32 handle)
{
	struct sim_gpadl *g;

	list_for_each_entry(g, &sim_gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

static void sim_gpadl_free(struct sim_gpadl *g)
{
	list_del(&g->node);
	if (g->vaddr)
		vunmap(g->vaddr);
	kvfree(g->pages);
	kvfree(g->pfns);
	kfree(g);
}

static void sim_gpadl_created(struct sim_gpadl *g, u32 status)
{
	struct hvis_chanmsg_gpadl_created msg = {
		.hdr.msgtype = HVIS_CHANMSG_GPADL_CREATED,
		.child_relid = g->relid,
		.gpadl = g->handle,
		.creation_status = status,
	};

	sim_send(&msg, sizeof(msg));
	sim_log("H->G GPADL_CREATED relid=%u gpadl=%#x pages=%u status=%#x",
		g->relid, g->handle, g->npages, status);
}

/* All PFNs are in: check each and map the lot. */
static void sim_gpadl_complete(struct sim_gpadl *g)
{
	u32 i;

	g->pages = kvcalloc(g->npages, sizeof(*g->pages), GFP_KERNEL);
	if (!g->pages)
		goto fail;
	for (i = 0; i < g->npages; i++) {
		if (!pfn_valid(g->pfns[i]))
			goto fail;
		g->pages[i] = pfn_to_page(g->pfns[i]);
	}
	g->vaddr = vmap(g->pages, g->npages, VM_MAP, PAGE_KERNEL);
	if (!g->vaddr)
		goto fail;
	sim_gpadl_created(g, 0);
	return;
fail:
	sim_gpadl_created(g, SIM_STATUS_UNSUCCESSFUL);
	sim_gpadl_free(g);
}

static void sim_gpadl_add_pfns(struct sim_gpadl *g, const u64 *pfns, u32 n)
{
	n = min(n, g->npages - g->have);
	memcpy(g->pfns + g->have, pfns, n * sizeof(u64));
	g->have += n;
	if (g->have == g->npages)
		sim_gpadl_complete(g);
}

void sim_on_gpadl_header(const struct hvis_chanmsg_gpadl_header *h, u32 len)
{
	struct sim_gpadl *g;
	u32 npages;

	npages = h->byte_count / PAGE_SIZE;
	sim_log("G->H GPADL_HEADER relid=%u gpadl=%#x ranges=%u bytes=%u offset=%u",
		h->child_relid, h->gpadl, h->rangecount, h->byte_count, h->byte_offset);
	if (h->rangecount != 1 || h->byte_offset || h->byte_count % PAGE_SIZE || !npages ||
	    npages > SIM_GPADL_MAX_PAGES || h->range_buflen != 8 + 8 * npages ||
	    !sim_relid_offered(h->child_relid, NULL) || sim_gpadl_find(h->gpadl)) {
		struct sim_gpadl bad = { .handle = h->gpadl, .relid = h->child_relid };

		sim_gpadl_created(&bad, SIM_STATUS_UNSUCCESSFUL);
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (g)
		g->pfns = kvcalloc(npages, sizeof(u64), GFP_KERNEL);
	if (!g || !g->pfns) {
		kfree(g);
		return;
	}
	g->handle = h->gpadl;
	g->relid = h->child_relid;
	g->npages = npages;
	list_add_tail(&g->node, &sim_gpadls);
	sim_gpadl_add_pfns(g, h->pfn, (len - sizeof(*h)) / sizeof(u64));
}

void sim_on_gpadl_body(const struct hvis_chanmsg_gpadl_body *b, u32 len)
{
	struct sim_gpadl *g = sim_gpadl_find(b->gpadl);

	if (!g || g->have == g->npages) {
		sim_log("G->H GPADL_BODY for unknown gpadl %#x ignored", b->gpadl);
		return;
	}
	sim_gpadl_add_pfns(g, b->pfn, (len - sizeof(*b)) / sizeof(u64));
}

void sim_on_gpadl_teardown(const struct hvis_chanmsg_gpadl_teardown *t)
{
	struct hvis_chanmsg_gpadl_torndown msg = {
		.hdr.msgtype = HVIS_CHANMSG_GPADL_TORNDOWN,
		.gpadl = t->gpadl,
	};
	struct sim_gpadl *g = sim_gpadl_find(t->gpadl);

	sim_log("G->H GPADL_TEARDOWN relid=%u gpadl=%#x", t->child_relid, t->gpadl);
	if (!g)
		return;
	/* A guest may tear down without closing (after a rescind). */
	if (g->in_use && sim_chan_get(g->relid))
		sim_chan_close(sim_chan_get(g->relid));
	sim_gpadl_free(g);
	sim_send(&msg, sizeof(msg));
	sim_log("H->G GPADL_TORNDOWN gpadl=%#x", t->gpadl);
}

/* The host rescinds @relid: every GPADL of it is gone.  How many were. */
unsigned int sim_gpadl_revoke(u32 relid)
{
	struct sim_gpadl *g, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(g, tmp, &sim_gpadls, node) {
		if (g->relid != relid)
			continue;
		sim_gpadl_free(g);
		n++;
	}
	return n;
}

void sim_gpadl_reset(void)
{
	struct sim_gpadl *g, *tmp;

	list_for_each_entry_safe(g, tmp, &sim_gpadls, node)
		sim_gpadl_free(g);
}

unsigned int sim_chan_gpadl_count(void)
{
	struct sim_gpadl *g;
	unsigned int n = 0;

	mutex_lock(&sim_chan_lock);
	list_for_each_entry(g, &sim_gpadls, node)
		n++;
	mutex_unlock(&sim_chan_lock);
	return n;
}
