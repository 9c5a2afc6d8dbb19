/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KUnit modules compile the pure parts of the core (GUID text, and later
 * the validators and ring arithmetic) into themselves, so that they can run
 * where hvis_vmbus itself refuses to load.  Their copies must not export the
 * same names a second time, hence one macro instead of EXPORT_SYMBOL_GPL.
 */
#ifndef _HVIS_EXPORT_H
#define _HVIS_EXPORT_H

#include <linux/export.h>

#ifdef HVIS_KUNIT_COPY
#define HVIS_EXPORT(sym)
#else
#define HVIS_EXPORT(sym)	EXPORT_SYMBOL_GPL(sym)
#endif

#endif /* _HVIS_EXPORT_H */
