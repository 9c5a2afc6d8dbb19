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

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds, fail at the
# deadline.  For effects that are asynchronous by design (the guest handles
# offers on a workqueue); the deadline is generous, the poll is quick.
wait_for() {
	local limit=$(($1 * 20)) i=0
	shift
	until "$@"; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.05
	done
}

# Hand a measured figure to the host (printed by make check, never judged).
info() {
	echo "info $*" >&3
}

ndevices() {
	ls /sys/bus/vmbus/devices 2>/dev/null | wc -l
}

ndevices_is() {
	[ "$(ndevices)" = "$1" ]
}

# A figure from the simulator's status line ("profile P version V busy N
# gpadls N"): sim_stat busy
sim_stat() {
	hvsim profile | tr ' ' '\n' | sed -n "/^$1\$/{n;p;}"
}
