/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A module's load as a list of steps, each with what undoes it: the list
 * says the order once, and a failed step undoes the ones before it in the
 * opposite order, which a chain of gotos would spell out again by hand.
 */
#ifndef _HVIS_INIT_STEPS_H
#define _HVIS_INIT_STEPS_H

#include <linux/types.h>

struct hvis_init_step {
	int (*init)(void);
	void (*exit)(void);	/* NULL: nothing to undo, or the last step */
};

/* Run @nr @steps in order; on an error, undo those done and return it. */
static inline int hvis_init_steps(const struct hvis_init_step *steps, unsigned int nr)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = steps[i].init();
		if (!ret)
			continue;
		while (i--)
			if (steps[i].exit)
				steps[i].exit();
		return ret;
	}
	return 0;
}

#endif /* _HVIS_INIT_STEPS_H */
