/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints: every channel message sent to and received from the host.
 * Enable with: echo 1 > /sys/kernel/tracing/events/hvis_vmbus/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hvis_vmbus

#if !defined(_HVIS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _HVIS_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(hvis_chanmsg,
		    TP_PROTO(u32 msgtype, u32 len),
		    TP_ARGS(msgtype, len),
		    TP_STRUCT__entry(__field(u32, msgtype)
				     __field(u32, len)),
		    TP_fast_assign(__entry->msgtype = msgtype;
				   __entry->len = len;),
		    TP_printk("type %u (%s) len %u", __entry->msgtype,
			      hvis_chanmsg_name(__entry->msgtype), __entry->len)
);

DEFINE_EVENT(hvis_chanmsg, hvis_chanmsg_send,
	     TP_PROTO(u32 msgtype, u32 len),
	     TP_ARGS(msgtype, len)
);

DEFINE_EVENT(hvis_chanmsg, hvis_chanmsg_recv,
	     TP_PROTO(u32 msgtype, u32 len),
	     TP_ARGS(msgtype, len)
);

#endif /* _HVIS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
