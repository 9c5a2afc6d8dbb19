/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * GUIDs as Hyper-V writes them: the first three fields little-endian, the
 * rest as bytes (Linux guid_t, printed with %pUl).  Device names in sysfs,
 * class ids and module parameters all use the 36-character text form.
 */
#ifndef _HVIS_GUID_H
#define _HVIS_GUID_H

#include <linux/types.h>
#include <linux/uuid.h>

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", without the NUL. */
#define HVIS_GUID_STRLEN	36

int hvis_guid_parse(const char *s, size_t len, guid_t *out);
void hvis_guid_format(const guid_t *g, char buf[HVIS_GUID_STRLEN + 1]);

#endif /* _HVIS_GUID_H */
