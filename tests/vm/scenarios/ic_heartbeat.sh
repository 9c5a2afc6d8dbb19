# SPDX-License-Identifier: GPL-2.0-only
#
# Heartbeat keeps running; a guest that stops answering (driver unbound) is
# "Lost Communication" on the host, and OK again once it answers.  Every
# service can be disabled and enabled from the host: its device goes and
# comes back, and it is OK again.
ic_up
wait_for 20 ic_ok Heartbeat || fail "heartbeat never OK: $(ic_host Heartbeat primary)"

# The host sends one a second; each answer must be the sequence plus one.
n0=$(ic_guest hvis_heartbeat messages)
wait_for 10 sh -c "[ \$(cat $(ic_dev hvis_heartbeat)/ic/messages) -ge $((n0 + 2)) ]" ||
	fail "heartbeats stopped at $(ic_guest hvis_heartbeat messages)"
[ "$(ic_host Heartbeat bad)" = 0 ] || fail "the host saw $(ic_host Heartbeat bad) bad answers"
[ "$(ic_host Heartbeat answered)" -ge 2 ] || fail "the host counted $(ic_host Heartbeat answered) answers"

# Stop answering: unbind the driver.
dev=$(basename "$(ic_dev hvis_heartbeat)")
echo "$dev" >/sys/bus/vmbus/drivers/hvis_heartbeat/unbind
wait_for 10 ic_host_is Heartbeat primary "Lost Communication" ||
	fail "unbound heartbeat is '$(ic_host Heartbeat primary)', not Lost Communication"
echo "$dev" >/sys/bus/vmbus/drivers/hvis_heartbeat/bind
wait_for 10 ic_ok Heartbeat || fail "rebound heartbeat is '$(ic_host Heartbeat primary)'"

# Disable and enable each service.
for s in heartbeat:Heartbeat:hvis_heartbeat shutdown:Shutdown:hvis_shutdown \
	 timesync:"Time Synchronization":hvis_timesync; do
	short=${s%%:*} rest=${s#*:}
	name=${rest%%:*} drv=${rest#*:}
	hvsim disable "$short" || fail "hvsim disable $short"
	wait_for 10 sh -c "! ls -d /sys/bus/vmbus/drivers/$drv/*-* >/dev/null 2>&1" ||
		fail "$name: device still there after disable"
	ic_host_is "$name" enabled False || fail "$name: enabled is '$(ic_host "$name" enabled)'"
	hvsim get-integration-services | grep -E "^$name +False" >/dev/null ||
		fail "$name: hvsim does not show it disabled"
	hvsim enable "$short" || fail "hvsim enable $short"
	wait_for 20 ic_ok "$name" || fail "$name: '$(ic_host "$name" primary)' after enable"
	ic_host_is "$name" enabled True || fail "$name: enabled is '$(ic_host "$name" enabled)'"
	ic_dev "$drv" >/dev/null || fail "$name: no device after enable"
done
ic_down
