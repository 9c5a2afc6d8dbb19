/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor boundary.  Everything hvis_vmbus needs from the hypervisor
 * goes through these few calls: synthetic MSRs, hypercalls and the SynIC
 * interrupt.  There are two implementations: real Hyper-V (drivers/vmbus/
 * hv_real.c) and the simulator (drivers/sim/, module hvis_sim, which exports
 * hvis_sim_backend).  Everything above this line is the same code on both.
 */
#ifndef _HVIS_HV_BACKEND_H
#define _HVIS_HV_BACKEND_H

#include <linux/types.h>

struct module;

struct hvis_hv_backend {
	const char *name;
	struct module *owner;
	/* Synthetic MSRs of the calling CPU (the partition-wide ones too). */
	u64 (*get_msr)(u32 msr);
	void (*set_msr)(u32 msr, u64 val);
	/*
	 * A slow hypercall with guest-physical input and output pages, or a
	 * fast one with one input qword.  Returns the hypercall result value
	 * (status in bits 15:0).  Called with preemption disabled.
	 */
	u64 (*hypercall)(u64 control, u64 input_gpa, u64 output_gpa);
	u64 (*hypercall_fast)(u64 control, u64 input);
	/*
	 * Route the SynIC interrupt to @handler, called in hard interrupt
	 * context on the CPU whose SINT fired.  @sint receives the bits to
	 * program into SINT2 (vector, auto-EOI).
	 */
	int (*irq_setup)(void (*handler)(void), u64 *sint);
	void (*irq_remove)(void);
};

/* Provided by hvis_sim; looked up at run time, never linked against. */
extern struct hvis_hv_backend hvis_sim_backend;

#endif /* _HVIS_HV_BACKEND_H */
