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

# --- integration services ---------------------------------------------------

IC_MODULES="hvis_ic hvis_heartbeat hvis_shutdown hvis_timesync"

# ic_up [SIM_PARAMS...]: the simulator, the core and the service drivers.
ic_up() {
	hvis_insmod hvis_sim "$@" || fail "insmod hvis_sim: $INSMOD_OUT"
	hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
	for m in $IC_MODULES; do
		hvis_insmod "$m" || fail "insmod $m: $INSMOD_OUT"
	done
}

# ic_down: everything ic_up loaded, users first.
ic_down() {
	for m in hvis_timesync hvis_shutdown hvis_heartbeat hvis_ic hvis_vmbus hvis_sim; do
		rmmod "$m" || fail "rmmod $m"
	done
}

# ic_host NAME FIELD: what the host shows for a service (hvsim's source):
# FIELD is enabled, primary, secondary, fw, msg, relid, sent, answered, bad.
ic_host() {
	awk -F '\t' -v n="$1" -v f="$2" '
		BEGIN { split("name enabled primary secondary fw msg relid sent answered bad", k, " ")
			for (i in k) col[k[i]] = i }
		$1 == n { print $col[f] }' /sys/kernel/debug/hvis_sim/ics
}

# ic_host_is NAME FIELD VALUE
ic_host_is() {
	[ "$(ic_host "$1" "$2")" = "$3" ]
}

# ic_dev DRIVER: the sysfs directory of the device a service driver is bound to.
ic_dev() {
	local d
	for d in /sys/bus/vmbus/drivers/"$1"/*-*; do
		[ -d "$d" ] && { echo "$d"; return 0; }
	done
	return 1
}

# ic_guest DRIVER ATTR: the guest's own view, ic/ATTR of that device.
ic_guest() {
	local d
	d=$(ic_dev "$1") || return 1
	cat "$d/ic/$2"
}

# ic_ok NAME: the host sees the service OK.
ic_ok() {
	ic_host_is "$1" primary OK
}
