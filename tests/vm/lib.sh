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

# sized NORMAL DEBUG: the size of a workload on this kernel.  The debug
# kernel (KASAN, lockdep, kmemleak) runs 3-4 times slower under TCG; there a
# scenario takes the same paths over a smaller size.  run.sh names the
# kernel on the command line.
sized() {
	case " $(cat /proc/cmdline) " in
	*" hvis_kernel=debug "*) echo "$2" ;;
	*) echo "$1" ;;
	esac
}

# Time since boot in centiseconds (busybox date has no %N).
now_cs() {
	cut -d' ' -f1 /proc/uptime | tr -d .
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

# The bus the services run on (run.sh -b): hvis's own, hvis_vmbus, or the
# kernel's, Linux's hv_vmbus from tests/upstream/ with hvis's services in
# the place of hv_utils.  The scenarios above ic_up do not know which.
case " $(cat /proc/cmdline) " in
*" hvis_icbus=hv "*) IC_BUS=hv IC_VMBUS=hv_vmbus IC_BINDING=hvis_ic_hv ;;
*) IC_BUS=hvis IC_VMBUS=hvis_vmbus IC_BINDING=hvis_ic_vmbus ;;
esac
IC_SERVICES="hvis_heartbeat hvis_shutdown hvis_timesync hvis_kvp hvis_vss hvis_fcopy"
IC_MODULES="hvis_ic $IC_BINDING $IC_SERVICES"

# ic_up [SIM_PARAMS...]: the simulator, the bus, the framework, its
# binding to the bus and the service drivers.
ic_up() {
	hvis_insmod hvis_sim "$@" || fail "insmod hvis_sim: $INSMOD_OUT"
	if [ "$IC_BUS" = hv ]; then
		[ -e "$UPDIR/hv_vmbus.ko" ] || skip "no upstream drivers/hv built for $(uname -r)"
		up_insmod hv_vmbus || fail "insmod hv_vmbus: $INSMOD_OUT"
	else
		hvis_insmod hvis_vmbus || fail "insmod hvis_vmbus: $INSMOD_OUT"
	fi
	for m in $IC_MODULES; do
		hvis_insmod "$m" || fail "insmod $m: $INSMOD_OUT"
	done
}

# ic_bus_speaks PROFILE: the bus under test can connect to that host.
# Linux's own hv_vmbus after 5.10 speaks nothing older than WS2012 (2.4).
ic_bus_speaks() {
	[ "$IC_BUS" = hv ] || return 0
	case $(uname -r):$1 in
	5.10.*) return 0 ;;
	*:WS2008 | *:WS2008R2) return 1 ;;
	esac
}

# The six services, as the host names them, one per line.
IC_NAMES="Heartbeat
Shutdown
Time Synchronization
Key-Value Pair Exchange
VSS
Guest Service Interface"

# ic_all_bound: every service driver has its device.
ic_all_bound() {
	local m
	for m in $IC_SERVICES; do
		ic_dev "$m" >/dev/null || return 1
	done
}

# ic_all_ok: the host sees every service OK.
ic_all_ok() {
	echo "$IC_NAMES" | while IFS= read -r n; do ic_ok "$n" || return 1; done
}

# ic_down: everything ic_up loaded, users first.
ic_down() {
	local m
	for m in hvis_fcopy hvis_vss hvis_kvp hvis_timesync hvis_shutdown hvis_heartbeat \
		 $IC_BINDING hvis_ic $IC_VMBUS hvis_sim; do
		# VSS does not bind below VMBus 3.0, but the module is loaded.
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

# rescind_cycles: five times, the host rescinds Heartbeat and offers it
# again.  Each time the guest must close the channel (CLOSECHANNEL) and
# release its relid (RELID_RELEASED) without a GPADL_TEARDOWN (the host
# revoked the GPADLs itself), and the host must hold as many GPADLs at the
# end as at the start.  ic_rescind (hvis) and up_rescind (upstream) share it.
rescind_cycles() {
	local i relid g0 g1
	wait_for 20 ic_ok Heartbeat || fail "heartbeat never OK: $(ic_host Heartbeat primary)"
	g0=$(sim_stat gpadls)
	for i in 1 2 3 4 5; do
		relid=$(ic_host Heartbeat relid)
		hvsim disable Heartbeat || fail "hvsim disable Heartbeat"
		wait_for 20 rescind_went_right "$relid" || {
			hvsim log | tail -n 20
			fail "cycle $i: relid $relid not closed and released (or torn down) after its rescind"
		}
		hvsim enable Heartbeat || fail "hvsim enable Heartbeat"
		wait_for 20 ic_ok Heartbeat || fail "cycle $i: '$(ic_host Heartbeat primary)' after enable"
	done
	g1=$(sim_stat gpadls)
	[ "$g1" = "$g0" ] || fail "the host holds $g1 GPADLs after five rescinds, $g0 before"
	echo "5 rescinds: CLOSECHANNEL and RELID_RELEASED each time, no GPADL_TEARDOWN; GPADLs $g0 -> $g1"
}

# rescind_went_right RELID: in the host's log, after its last rescind of
# RELID, a CLOSECHANNEL and then RELID_RELEASED for it, and no teardown.
rescind_went_right() {
	hvsim log | awk -v r="$1" '
		$0 ~ "RESCIND_CHANNELOFFER relid=" r "$" { on = 1; closed = 0; bad = 0; done = 0; next }
		!on { next }
		$0 ~ "GPADL_TEARDOWN relid=" r " " { bad = 1 }
		$0 ~ "CLOSECHANNEL relid=" r "$" { closed = 1 }
		$0 ~ "RELID_RELEASED relid=" r "$" { done = 1; on = 0 }
		END { exit !(done && closed && !bad) }'
}

# --- the daemons of KVP, VSS and file copy -----------------------------------

# daemon_start SET SERVICE [ARGS...]: start the daemon of SERVICE (kvp, vss,
# fcopy) of SET (hvis: ours; debian: bookworm's hyperv-daemons, unchanged),
# in the foreground of a background job, and wait until it has registered.
daemon_start() {
	local set=$1 svc=$2 bin
	shift 2
	case $set/$svc in
	hvis/kvp) bin="hvis-kvp-daemon -n -s /tmp/hvis-kvp" ;;
	hvis/*) bin="hvis-$svc-daemon -n" ;;
	debian/*) bin="/opt/debian/sbin/hv_${svc}_daemon -n" ;;
	esac
	mkdir -p /var/lib/hyperv
	# A mark of its own: earlier daemons of this service registered too.
	echo "daemon-$svc-$(now_cs)-$RANDOM" >"/tmp/$svc-daemon.mark"
	dmesg_mark "$(cat "/tmp/$svc-daemon.mark")"
	$bin "$@" >>"/tmp/$svc-daemon.log" 2>&1 &
	echo $! >"/tmp/$svc-daemon.pid"
	wait_for 10 daemon_registered "$svc" ||
		fail "$set $svc daemon did not register: $(tail -n 3 "/tmp/$svc-daemon.log")"
}

daemon_registered() {
	case $1 in
	kvp) [ "$(cat "$(ic_dev hvis_kvp)/kvp/daemon")" = registered ] ;;
	vss) dmesg_since "$(cat /tmp/vss-daemon.mark)" | grep -q 'VSS: daemon registered' ;;
	fcopy) dmesg_since "$(cat /tmp/fcopy-daemon.mark)" |
		grep -q 'Guest Service Interface: daemon registered' ;;
	esac
}

# daemon_stop SERVICE [SIGNAL]: stop it and wait until it is gone.
daemon_stop() {
	local pid
	pid=$(cat "/tmp/$1-daemon.pid" 2>/dev/null) || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null	# it is our child: reap it
	rm -f "/tmp/$1-daemon.pid"
}

# --- an installed module tree (run.sh -r ROOT) -------------------------------

# kmod's modprobe and modinfo where run.sh put them, not busybox's (whose
# shell runs its own applets before anything on PATH).
if [ -x /usr/local/sbin/kmod ]; then
	modprobe() { /usr/local/sbin/modprobe "$@"; }
	modinfo() { /usr/local/sbin/modinfo "$@"; }
fi

# autoload_start: udev's part in module loading, played by a uevent
# listener: "modprobe -b $MODALIAS" for every "add" event, as udev's kmod
# builtin does.  Logs every event to /tmp/events and every load to
# /tmp/autoload.log ("ALIAS loaded|none"); returns once it hears events.
autoload_start() {
	cat >/tmp/autoload <<'EOF'
#!/bin/sh
echo "$ACTION $DEVPATH" >>/tmp/events
[ "$ACTION" = add ] && [ -n "$MODALIAS" ] || exit 0
if /usr/local/sbin/modprobe -b "$MODALIAS" 2>>/tmp/autoload.err; then
	echo "$MODALIAS loaded" >>/tmp/autoload.log
else
	echo "$MODALIAS none" >>/tmp/autoload.log
fi
EOF
	chmod +x /tmp/autoload
	uevent /tmp/autoload &
	AUTOLOAD_PID=$!
	wait_for 10 autoload_listening || fail "the uevent listener never heard an event"
}

# A "change" event (it loads nothing) has reached the listener.
autoload_listening() {
	echo change >/sys/class/mem/null/uevent
	grep -q '^change .*/null$' /tmp/events 2>/dev/null
}

autoload_stop() {
	kill "$AUTOLOAD_PID" 2>/dev/null
	wait "$AUTOLOAD_PID" 2>/dev/null
}

# --- Linux's own drivers/hv on the simulated host (tests/vm/upstream/) -------

UPDIR=/lib/hvis/upstream

# up_insmod NAME [PARAMS...]: one of the upstream modules; output in $INSMOD_OUT.
up_insmod() {
	local m=$1
	shift
	INSMOD_OUT=$(insmod "$UPDIR/$m.ko" "$@" 2>&1)
}

# up_up [SIM_PARAMS...]: the simulator, then Linux's hv_vmbus and hv_utils.
up_up() {
	[ -e "$UPDIR/hv_vmbus.ko" ] || skip "no upstream drivers/hv built for $(uname -r)"
	hvis_insmod hvis_sim "$@" || fail "insmod hvis_sim: $INSMOD_OUT"
	up_insmod hv_vmbus || fail "insmod hv_vmbus: $INSMOD_OUT"
	up_insmod hv_utils || fail "insmod hv_utils: $INSMOD_OUT"
}

# up_down: what up_up loaded (and uio_hv_generic), users first.
up_down() {
	local m
	for m in hv_utils uio_hv_generic hv_vmbus hvis_sim; do
		grep -q "^$m " /proc/modules || continue
		rmmod "$m" || fail "rmmod $m"
	done
}

# up_daemon_start SERVICE [ARGS...]: Debian's daemon of SERVICE (kvp, vss,
# fcopy) on upstream's char device, in the background.
up_daemon_start() {
	local svc=$1
	shift
	mkdir -p /var/lib/hyperv
	wait_for 10 test -c "/dev/vmbus/hv_$svc" || fail "no /dev/vmbus/hv_$svc"
	"/opt/debian/sbin/hv_${svc}_daemon" -n "$@" >>"/tmp/$svc-daemon.log" 2>&1 &
	echo $! >"/tmp/$svc-daemon.pid"
}
