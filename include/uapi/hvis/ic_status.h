/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The status codes of integration-component answers (HRESULT style): what
 * the guest answers the host, and what the KVP and file-copy daemons write
 * back through /dev/vmbus (shared/reference/protocol.md §4).  The one
 * definition: hvis/ic_wire.h takes them from here.
 */
#ifndef _UAPI_HVIS_IC_STATUS_H
#define _UAPI_HVIS_IC_STATUS_H

#define HVIS_IC_S_OK			0x00000000
#define HVIS_IC_E_FAIL			0x80004005
#define HVIS_IC_S_CONT			0x80070103
#define HVIS_IC_ERROR_NOT_SUPPORTED	0x80070032
#define HVIS_IC_ERROR_MACHINE_LOCKED	0x800704f7
#define HVIS_IC_ERROR_DEVICE_NOT_CONNECTED 0x8007048f
#define HVIS_IC_E_INVALIDARG		0x80070057
#define HVIS_IC_GUID_NOTFOUND		0x80041002
#define HVIS_IC_ERROR_ALREADY_EXISTS	0x80070050
#define HVIS_IC_ERROR_DISK_FULL		0x80070070

#endif /* _UAPI_HVIS_IC_STATUS_H */
