/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside hvis_ic: what the framework (ic.c) and the relay (relay.c) share. */
#ifndef _HVIS_IC_PRIV_H
#define _HVIS_IC_PRIV_H

#include <hvis/ic.h>
#include <hvis/ic_bus.h>

/*
 * Answer the transaction the relay holds (with ic->io held): the packet
 * goes back with @status and reading goes on.  False if none was pending.
 */
bool hvis_ic_complete(struct hvis_ic *ic, u32 status);
/* The body of that transaction, or NULL. */
void *hvis_ic_pending_body(struct hvis_ic *ic);

/* A host request for a relay service: a status, or HVIS_IC_PENDING. */
u32 hvis_ic_relay_request(struct hvis_ic *ic, void *body, u32 len);
/* Probe: create the daemon's device.  Remove: fail what is pending, remove it. */
int hvis_ic_relay_start(struct hvis_ic *ic);
void hvis_ic_relay_stop(struct hvis_ic *ic);

#endif /* _HVIS_IC_PRIV_H */
