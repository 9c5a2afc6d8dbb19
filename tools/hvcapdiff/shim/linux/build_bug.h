/* SPDX-License-Identifier: GPL-2.0-only */
/* static_assert comes from <assert.h> in userspace (see types.h). */
#include <assert.h>
