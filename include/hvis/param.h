/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Module parameters as every hvis module declares them: one line that
 * gives the name users set, its default, its permission and its help.
 */
#ifndef _HVIS_PARAM_H
#define _HVIS_PARAM_H

#include <linux/moduleparam.h>
#include <linux/module.h>

/*
 * Parameter @name of the variable @var, with the help MODULE_PARM_DESC()
 * would give it ("parm=<name>:<desc>" in modinfo) but without naming the
 * variable after the parameter.
 */
#define __HVIS_PARAM(name, var, type, perm, desc)				\
	module_param_named(name, var, type, perm); MODULE_INFO(parm, #name ":" desc)

/*
 * An unsigned int parameter @name, read in the code as hvis_param_<name>:
 * @name is spelt out once, and only pasted or quoted otherwise.
 */
#define HVIS_PARAM_UINT(name, def, perm, desc)					\
	static unsigned int hvis_param_##name = (def);				\
	__HVIS_PARAM(name, hvis_param_##name, uint, perm, desc)

#endif /* _HVIS_PARAM_H */
