/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _HVIS_VERSION_H
#define _HVIS_VERSION_H

/* The build passes the git description; this is the fallback for tarballs. */
#ifndef HVIS_VERSION
#define HVIS_VERSION	"0.1.0"
#endif

#endif /* _HVIS_VERSION_H */
