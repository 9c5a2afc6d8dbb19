#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scan-log.sh CONSOLE_LOG: print every line that shows the kernel in trouble
# (panic, oops, BUG incl. KASAN, WARN, lockdep, UBSAN, kmemleak, lockups,
# hung tasks, stack dumps); exit 1 if there is one, 0 if the log is clean.
set -u
pat='Kernel panic|Oops|BUG:|WARNING:|UBSAN:|KASAN|general protection fault|'
pat+='possible circular locking|possible recursive locking|inconsistent lock state|'
pat+='suspicious RCU usage|kmemleak: [0-9]+ new suspected memory leaks|'
pat+='soft lockup|hard LOCKUP|blocked for more than|Call Trace:|stack-protector|'
pat+='list_add corruption|list_del corruption|ODEBUG:'
if grep -aE "$pat" "$1"; then
	exit 1
fi
exit 0
