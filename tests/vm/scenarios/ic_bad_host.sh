# SPDX-License-Identifier: GPL-2.0-only
#
# A broken host, service by service: packets too short for the headers,
# bodies past the packet's end, unknown message types, short bodies,
# malformed NEGOTIATEs and one with no version in common, junk to read
# past, absurd, future and stale times.  Each is refused and counted (ic/errors, ic/last_error,
# a ratelimited log line); the service works on afterwards.
ic_up
for s in Heartbeat Shutdown "Time Synchronization"; do
	wait_for 20 ic_ok "$s" || fail "$s never OK"
done

# bad SHORT DRIVER KIND WHAT: send it, expect an error mentioning WHAT.
bad() {
	local e0
	e0=$(ic_guest "$2" errors)
	hvsim icbad "$1" "$3" || fail "hvsim icbad $1 $3"
	wait_for 10 sh -c "[ \$(cat $(ic_dev "$2")/ic/errors) -gt $e0 ]" ||
		fail "$1 $3: not counted as an error"
	ic_guest "$2" last_error | grep -q "$4" ||
		fail "$1 $3: last_error '$(ic_guest "$2" last_error)', expected '$4'"
}

for s in heartbeat:hvis_heartbeat shutdown:hvis_shutdown timesync:hvis_timesync; do
	short=${s%%:*} drv=${s#*:}
	bad "$short" "$drv" tiny "shorter than the pipe and IC headers"
	bad "$short" "$drv" overrun "past the end of the packet"
	bad "$short" "$drv" unknown "message type 42 refused"
	bad "$short" "$drv" short "body bytes refused"
	bad "$short" "$drv" negcount "malformed NEGOTIATE"
	bad "$short" "$drv" negshort "malformed NEGOTIATE"
	# A bad NEGOTIATE changes nothing that was agreed.
	[ "$(ic_guest "$drv" framework_version)" = 3.0 ] ||
		fail "$short: framework version lost after a malformed NEGOTIATE"
	bad "$short" "$drv" nocommon "no version in common"
	[ "$(ic_guest "$drv" message_version)" = none ] ||
		fail "$short: message version '$(ic_guest "$drv" message_version)' after nocommon"
	hvsim icbad "$short" renegotiate || fail "hvsim icbad $short renegotiate"
	wait_for 10 sh -c "[ \$(cat $(ic_dev "$drv")/ic/message_version) != none ]" ||
		fail "$short: no versions after a good NEGOTIATE"
done
wait_for 10 ic_ok Heartbeat || fail "heartbeat '$(ic_host Heartbeat primary)' after it all"
wait_for 10 ic_ok "Time Synchronization" || fail "timesync not OK after it all"

bad timesync hvis_timesync absurd "out of range"
bad timesync hvis_timesync future "in the future"
bad timesync hvis_timesync stale "stale time"

# Still working: heartbeats answered, samples taken, the clock left alone.
n0=$(ic_guest hvis_heartbeat messages)
wait_for 10 sh -c "[ \$(cat $(ic_dev hvis_heartbeat)/ic/messages) -gt $n0 ]" ||
	fail "heartbeat stopped"
hvsim time sample --offset 30 || fail "hvsim time sample"
wait_for 10 sh -c 'phcread | awk "{ exit !(\$6 > 29000 && \$6 < 31000) }"' ||
	fail "PTP clock did not follow a good sample: $(phcread 2>&1)"
dmesg | grep -q 'Time Synchronization: host time .* out of range' ||
	fail "no log line for the refused time"

# Last (its errors use up the ratelimited log lines looked for above), junk
# to read past: an oversized completion for a transaction the guest
# never made and, in the same signal, a message of an unknown type.  The
# first is dropped, the second answered; a guest that stopped reading at
# the first would never be signalled for the second (the host signals only
# an empty ring's first packet) and the service would hang.
for s in heartbeat:hvis_heartbeat shutdown:hvis_shutdown timesync:hvis_timesync; do
	short=${s%%:*} drv=${s#*:}
	out=$(hvsim icbad "$short" bigcomp) || fail "hvsim icbad $short bigcomp: $out"
	case $out in
	*"refused it (failure status)"*) ;;
	*) fail "$short: the message behind the junk: $out" ;;
	esac
	ic_guest "$drv" last_error | grep -q "message type 42 refused" ||
		fail "$short bigcomp: last_error '$(ic_guest "$drv" last_error)'"
done

# A second channel of a daemon's service: /dev/vmbus/hv_kvp is the first
# one's, so the second is refused with one line (no stack dump), stays
# unbound, and goes again when the host takes it back.
second=dddddddd-0000-4000-8000-000000000001
dmesg_mark second
hvsim offer a9a0f4e7-5a45-4d96-b827-8a841e8c03e6 $second || fail "offer of a second KVP channel"
wait_for 10 eval "dmesg_since second | grep -q 'a second channel of the service, refused: /dev/vmbus/hv_kvp is taken'" ||
	fail "second KVP channel: no refusal line"
[ -e /sys/bus/vmbus/devices/$second/driver ] && fail "the second KVP channel has a driver"
hvsim rescind $second || fail "rescind the second KVP channel"
wait_for 10 eval "[ ! -e /sys/bus/vmbus/devices/$second ]" || fail "second KVP channel not removed"
[ -c /dev/vmbus/hv_kvp ] || fail "/dev/vmbus/hv_kvp gone with the second channel"
ic_down
