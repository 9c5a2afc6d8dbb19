/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The simulator's raw host endpoint (debugfs hvis_sim/raw): attach a file
 * to one open channel and play the host for it byte for byte.
 *
 *   ioctl(fd, HVSIM_IOC_ATTACH, &relid)
 *   read():  the next packet the guest wrote, descriptor and payload as they
 *            stand in the ring (trailer left out); blocks unless O_NONBLOCK
 *   write(): one packet, descriptor and payload, put into the guest's
 *            receive ring as given (8-byte multiple), then the guest is
 *            signalled as the ring rules say
 *
 * While a file is attached the channel's own host behaviour (the echo) is
 * off.
 */
#ifndef _UAPI_HVIS_HVSIM_H
#define _UAPI_HVIS_HVSIM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define HVSIM_IOC_ATTACH	_IOW('H', 1, __u32)

#endif /* _UAPI_HVIS_HVSIM_H */
