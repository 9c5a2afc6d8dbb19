# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own hv_utils on the simulated host (WS2022): heartbeats answered,
# an unbound heartbeat is Lost Communication and OK again once rebound;
# disable and enable from the host (rescind, re-offer); SYNC moves the
# clock and samples feed the "hyperv" PTP clock; MODIFYCHANNEL moves a
# channel to another CPU (answered on 5.3); unload and reload five times
# with the host getting UNLOAD each time.

# The device hv_utils serves for a service class, by the host's relid.
up_dev() {	# NAME: sysfs directory of the service's device
	local relid
	relid=$(ic_host "$1" relid)
	for d in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$d/id" 2>/dev/null)" = "$relid" ] && { echo "$d"; return 0; }
	done
	return 1
}
near() {	# A B TOLERANCE: |A - B| <= TOLERANCE
	[ $(($1 - $2)) -le "$3" ] && [ $(($2 - $1)) -le "$3" ]
}
clock_is() {	# the system clock is about A seconds ahead of the boot clock base
	near "$(($(date +%s) - $(cut -d. -f1 /proc/uptime)))" "$1" 2
}
phc_off_is() {	# the PTP clock is about A seconds off the system clock
	o=$(phcread | awk '{ printf "%d\n", ($6 >= 0 ? $6 + 500 : $6 - 500) / 1000 }')
	[ -n "$o" ] && near "$o" "$1" 1
}

up_up
wait_for 20 ic_ok Heartbeat || fail "heartbeat never OK: $(ic_host Heartbeat primary)"
a0=$(ic_host Heartbeat answered)
wait_for 10 sh -c "[ \$(awk -F '\t' '\$1 == \"Heartbeat\" { print \$9 }' \
	/sys/kernel/debug/hvis_sim/ics) -ge $((a0 + 2)) ]" ||
	fail "heartbeats stopped at $(ic_host Heartbeat answered) answers"
[ "$(ic_host Heartbeat bad)" = 0 ] || fail "the host saw $(ic_host Heartbeat bad) bad answers"

# Stop answering: unbind hv_utils from the heartbeat device only.
dev=$(basename "$(up_dev Heartbeat)") || fail "no heartbeat device"
echo "$dev" >/sys/bus/vmbus/drivers/hv_utils/unbind
wait_for 10 ic_host_is Heartbeat primary "Lost Communication" ||
	fail "unbound heartbeat is '$(ic_host Heartbeat primary)', not Lost Communication"
ic_ok Shutdown || fail "unbinding the heartbeat took Shutdown down"
echo "$dev" >/sys/bus/vmbus/drivers/hv_utils/bind
wait_for 10 ic_ok Heartbeat || fail "rebound heartbeat is '$(ic_host Heartbeat primary)'"

# Disable and enable from the host: the device goes and comes back.
for s in heartbeat:Heartbeat shutdown:Shutdown timesync:"Time Synchronization"; do
	short=${s%%:*} name=${s#*:}
	hvsim disable "$short" || fail "hvsim disable $short"
	wait_for 10 ndevices_is 5 || fail "$name: $(ndevices) devices after disable"
	hvsim enable "$short" || fail "hvsim enable $short"
	wait_for 20 ic_ok "$name" || fail "$name: '$(ic_host "$name" primary)' after enable"
	wait_for 10 ndevices_is 6 || fail "$name: $(ndevices) devices after enable"
done

# Time: a sample moves the PTP clock only, SYNC the system clock.
wait_for 20 ic_ok "Time Synchronization" || fail "timesync never OK"
grep -qx hyperv /sys/class/ptp/*/clock_name || fail "no PTP clock named hyperv"
base=$(($(date +%s) - $(cut -d. -f1 /proc/uptime)))
hvsim time sample --offset 100 || fail "hvsim time sample"
wait_for 10 phc_off_is 100 || fail "PTP clock not 100 s off after a +100 s sample"
clock_is "$base" || fail "a sample moved the system clock"
hvsim time sync --offset 3600 || fail "hvsim time sync"
wait_for 10 clock_is $((base + 3600)) || fail "SYNC +3600 did not move the clock"

# MODIFYCHANNEL: the heartbeat's channel to CPU 1; heartbeats go on.
dev=$(up_dev Heartbeat) || fail "no heartbeat device"
relid=$(cat "$dev/id")
echo 1 >"$dev/channels/$relid/cpu" || fail "cannot move channel $relid to CPU 1"
[ "$(cat "$dev/channels/$relid/cpu")" = 1 ] || fail "channel $relid is on CPU $(cat "$dev/channels/$relid/cpu")"
hvsim log | grep -q "G->H MODIFYCHANNEL relid=$relid target_vp=1" || fail "host saw no MODIFYCHANNEL"
# Only 5.3 hosts answer it (5.10 stops at 5.2).
if [ "$(sim_stat version)" = 5.3 ]; then
	hvsim log | grep -q "H->G MODIFYCHANNEL_RESPONSE relid=$relid status=0x0$" ||
		{ hvsim log | grep MODIFY; fail "host did not answer MODIFYCHANNEL"; }
elif hvsim log | grep -q "MODIFYCHANNEL_RESPONSE relid=$relid"; then
	fail "a $(sim_stat version) host answered MODIFYCHANNEL"
fi
a0=$(ic_host Heartbeat answered)
wait_for 10 sh -c "[ \$(awk -F '\t' '\$1 == \"Heartbeat\" { print \$9 }' \
	/sys/kernel/debug/hvis_sim/ics) -ge $((a0 + 2)) ]" || fail "heartbeats stopped after the move"

# Unload and reload: every service back each time.  6.1 and 6.12 send
# UNLOAD; 5.10 marks the connection gone before it would send it, so a 5.10
# guest never unloads (the host resets at the next INITIATE_CONTACT).
unloads=1
case $(uname -r) in 5.10.*) unloads=0 ;; esac
for i in 1 2 3 4 5; do
	u0=$(hvsim log | grep -c 'G->H UNLOAD$')
	rmmod hv_utils || fail "rmmod hv_utils ($i)"
	rmmod hv_vmbus || fail "rmmod hv_vmbus ($i)"
	[ "$(hvsim log | grep -c 'G->H UNLOAD$')" = $((u0 + unloads)) ] ||
		fail "$(($(hvsim log | grep -c 'G->H UNLOAD$') - u0)) UNLOADs at unload $i, expected $unloads"
	[ "$(ndevices)" = 0 ] || fail "$(ndevices) devices left after unload $i"
	up_insmod hv_vmbus || fail "reload $i: $INSMOD_OUT"
	up_insmod hv_utils || fail "reload $i: $INSMOD_OUT"
	wait_for 20 ic_ok Heartbeat || fail "reload $i: heartbeat '$(ic_host Heartbeat primary)'"
	wait_for 20 ic_ok Shutdown || fail "reload $i: shutdown '$(ic_host Shutdown primary)'"
done
up_down
