/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The simulator's wire capture (debugfs hvis_sim/capture), as hvsim
 * capture dump writes it to a file and hvcapdiff reads it.
 *
 * A capture is one file header, then records back to back.  Every record
 * is a record header followed by caplen bytes of what crossed the wire,
 * padded with zeroes to a multiple of 8; rec_len covers header, bytes and
 * padding, so a reader can step over kinds it does not know.  Integers are
 * little-endian (x86-64 CPU order).
 *
 *   kind MSG: one SynIC channel message.  Host to guest as sim_send()
 *   queued it for the SINT2 slot; guest to host as HvPostMessage handed it
 *   over.  id is the connection id the guest posted to (0 host to guest).
 *   The bytes are the message payload (channel message header first).
 *
 *   kind PKT: one ring packet.  Guest to host as the host read it out of
 *   the guest's send ring, host to guest as the host wrote it into the
 *   guest's receive ring (integration services, the echo device and the
 *   raw endpoint alike).  id is the relid; the bytes are descriptor,
 *   payload and padding, without the trailer.
 *
 * seq numbers the records of one capture from 0, time_ns is nanoseconds
 * since the capture started.  Records that found the buffer full are not
 * kept: the header counts them (dropped).  caplen < len means the bytes
 * were cut to HVCAP_MAX_BYTES.
 */
#ifndef _UAPI_HVIS_HVCAP_H
#define _UAPI_HVIS_HVCAP_H

#include <linux/types.h>

#define HVCAP_MAGIC		"HVISCAP1"
#define HVCAP_MAX_BYTES		16384

struct hvcap_file_hdr {
	char magic[8];		/* HVCAP_MAGIC, no NUL */
	__u32 hdr_size;		/* sizeof(struct hvcap_file_hdr) */
	__u32 records;		/* kept */
	__u32 dropped;		/* not kept: the buffer was full */
	__u32 reserved;
	__u64 bytes;		/* of records after this header */
};

enum hvcap_kind {
	HVCAP_KIND_MSG	= 1,
	HVCAP_KIND_PKT	= 2,
};

enum hvcap_dir {
	HVCAP_G2H	= 0,
	HVCAP_H2G	= 1,
};

struct hvcap_rec {
	__u32 rec_len;		/* this header, caplen bytes, padding to 8 */
	__u8 kind;		/* enum hvcap_kind */
	__u8 dir;		/* enum hvcap_dir */
	__u16 reserved;
	__u32 id;		/* MSG: connection id; PKT: relid */
	__u32 len;		/* bytes on the wire */
	__u32 caplen;		/* bytes kept, at most HVCAP_MAX_BYTES */
	__u32 seq;
	__u64 time_ns;
};

#endif /* _UAPI_HVIS_HVCAP_H */
