# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for the scenarios (sourced; plain busybox sh).  A scenario is a
# shell script that exits 0 on success, 77 to skip, anything else on failure;
# `fail` says why on the console before exiting.

MODDIR=/lib/hvis/modules

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# Forward lines to the host on the result port, tagged.
report_lines() {
	while IFS= read -r l; do echo "$1 $l" >&3; done
}

# insmod one of our modules by name; its output is kept in $INSMOD_OUT.
hvis_insmod() {
	local m=$1
	shift
	INSMOD_OUT=$(insmod "$MODDIR/$m.ko" "$@" 2>&1)
}

# The last kernel log lines since the marker set by dmesg_mark.
dmesg_mark() {
	echo "hvis-test: mark $1" >/dev/kmsg
}
dmesg_since() {
	dmesg | sed -n "/hvis-test: mark $1/,\$p"
}
